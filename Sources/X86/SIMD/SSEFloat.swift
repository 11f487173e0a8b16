/// SSE/SSE2/SSE3 floating-point arithmetic, comparisons and conversions:
/// 0F 2A, 2C, 2D, 2E, 2F, 51-53, 58-5F, 7C, 7D, C2, D0, E6 in their
/// unprefixed, 66, F3 and F2 forms (SDM Vol. 2 Table A-3). The SSE
/// availability checks have been made (`checkSSEAvailable`); forms that read
/// or write an MMX register call `enterMMXFromSSE` first; an unmasked
/// exception throws `simdFloatingPointException()` with no destination
/// written. Issue 6: the sse-float branch replaces this entry point.
extension CPU {
    func executeSSEFloat(_ i: DecodedInstruction, prefix: SIMDPrefix) throws(Fault) {
        throw Fault.ud
    }
}
