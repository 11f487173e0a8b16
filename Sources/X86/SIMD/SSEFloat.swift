/// SSE/SSE2/SSE3 floating-point arithmetic, comparisons and conversions:
/// 0F 2A, 2C, 2D, 2E, 2F, 51-53, 58-5F, 7C, 7D, C2, D0, E6 in their
/// unprefixed, 66, F3 and F2 forms (SDM Vol. 2 Table A-3), computed by the
/// SoftFloat core (SSEStatus). The SSE availability checks have been made
/// (`checkSSEAvailable`); forms that read or write an MMX register call
/// `enterMMXFromSSE` first. Every lane is computed before anything is
/// written: MXCSR then receives the instruction's flags, and an unmasked
/// exception raises #XM (or #UD) with no destination written (SDM Vol. 1
/// §11.5.1; `SSEStatus.outcome`).
extension CPU {
    func executeSSEFloat(_ i: DecodedInstruction, prefix: SIMDPrefix) throws(Fault) {
        switch i.opcode & 0xFF {
        case 0x51: try sseArithmetic(i, prefix: prefix, .squareRoot)
        case 0x52, 0x53: try sseEstimate(i, prefix: prefix, squareRoot: i.opcode & 0xFF == 0x52)
        case 0x58: try sseArithmetic(i, prefix: prefix, .add)
        case 0x59: try sseArithmetic(i, prefix: prefix, .multiply)
        case 0x5C: try sseArithmetic(i, prefix: prefix, .subtract)
        case 0x5D: try sseArithmetic(i, prefix: prefix, .minimum)
        case 0x5E: try sseArithmetic(i, prefix: prefix, .divide)
        case 0x5F: try sseArithmetic(i, prefix: prefix, .maximum)
        case 0x7C, 0x7D: try sseHorizontal(i, prefix: prefix, subtract: i.opcode & 0xFF == 0x7D)
        case 0xD0: try sseAddSubtract(i, prefix: prefix)
        case 0xC2: try sseCompare(i, prefix: prefix)
        case 0x2E, 0x2F: try sseCompareScalar(i, prefix: prefix, signalsQuietNaN: i.opcode & 0xFF == 0x2F)
        case 0x2A: try sseConvertFromInteger(i, prefix: prefix)
        case 0x2C, 0x2D: try sseConvertToInteger(i, prefix: prefix, truncating: i.opcode & 0xFF == 0x2C)
        case 0x5A: try sseConvertFormat(i, prefix: prefix)
        case 0x5B: try sseConvertPackedDoublewords(i, prefix: prefix)
        case 0xE6: try sseConvertDoublewordsDouble(i, prefix: prefix)
        default: throw Fault.ud
        }
    }

    /// Ends an instruction's computation (SDM Vol. 1 §11.5.1): ORs the flags
    /// it raised into MXCSR, then, for an unmasked exception, raises #XM, or
    /// #UD when CR4.OSXMMEXCPT is clear (which MXCSR shows too). The caller
    /// writes its destination only when this returns.
    @inline(__always) func completeSIMDFloat(_ status: SSEStatus) throws(Fault) {
        guard !status.flags.isEmpty else { return }
        let (raised, unmasked) = status.outcome
        mxcsr |= raised.rawValue
        if unmasked { throw simdFloatingPointException() }
    }
}
