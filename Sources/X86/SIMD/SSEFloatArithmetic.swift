/// SSE/SSE2/SSE3 arithmetic: the packed (xmm/m128, 16-byte aligned) and
/// scalar (xmm/m32, xmm/m64; the upper lanes of the destination kept) forms
/// of 51 and 58-5F, RCPPS/RCPSS and RSQRTPS/RSQRTSS, HADDPS/HADDPD/HSUBPS/
/// HSUBPD and ADDSUBPS/ADDSUBPD (SDM Vol. 2 of each).
extension CPU {
    /// 0F 51, 58, 59, 5C-5F: PS (no prefix), PD (66), SS (F3), SD (F2).
    func sseArithmetic(_ i: DecodedInstruction, prefix: SIMDPrefix, _ op: SSELaneOperation) throws(Fault) {
        var status = SSEStatus(mxcsr: mxcsr)
        var d = xmmRegister(i.reg)
        switch prefix {
        case .none:
            let s = try readXMMSource(i)
            for k in 0..<4 { d.setDword(k, status.apply(op, d.dword(k), s.dword(k))) }
        case .operandSize:
            let s = try readXMMSource(i)
            d = Vector128(low: status.apply(op, d.low, s.low), high: status.apply(op, d.high, s.high))
        case .repeatZ:
            let s = try readXMMSource32(i)
            d.setDword(0, status.apply(op, d.dword(0), s))
        case .repeatNZ:
            let s = try readXMMSource64(i)
            d.low = status.apply(op, d.low, s)
        }
        try completeSIMDFloat(status)
        setXMM(i.reg, d)
    }

    /// 0F 52 RSQRTPS, F3 0F 52 RSQRTSS, 0F 53 RCPPS, F3 0F 53 RCPSS: no
    /// exception and no MXCSR change (SoftFloat/SSEReciprocal.swift).
    func sseEstimate(_ i: DecodedInstruction, prefix: SIMDPrefix, squareRoot: Bool) throws(Fault) {
        let status = SSEStatus(mxcsr: mxcsr)
        var d = xmmRegister(i.reg)
        switch prefix {
        case .none:
            let s = try readXMMSource(i)
            for k in 0..<4 {
                let x = s.dword(k)
                d.setDword(k, squareRoot ? status.reciprocalSquareRootEstimate(x) : status.reciprocalEstimate(x))
            }
        case .repeatZ:
            let x = try readXMMSource32(i)
            d.setDword(0, squareRoot ? status.reciprocalSquareRootEstimate(x) : status.reciprocalEstimate(x))
        default:
            throw Fault.ud
        }
        setXMM(i.reg, d)
    }

    /// 66 0F 7C HADDPD, F2 0F 7C HADDPS, 66 0F 7D HSUBPD, F2 0F 7D HSUBPS:
    /// adjacent lanes of the destination, then of the source.
    func sseHorizontal(_ i: DecodedInstruction, prefix: SIMDPrefix, subtract: Bool) throws(Fault) {
        let op: SSELaneOperation = subtract ? .subtract : .add
        var status = SSEStatus(mxcsr: mxcsr)
        let d = xmmRegister(i.reg)
        var r = Vector128.zero
        switch prefix {
        case .operandSize:
            let s = try readXMMSource(i)
            r = Vector128(low: status.apply(op, d.low, d.high), high: status.apply(op, s.low, s.high))
        case .repeatNZ:
            let s = try readXMMSource(i)
            r.setDword(0, status.apply(op, d.dword(0), d.dword(1)))
            r.setDword(1, status.apply(op, d.dword(2), d.dword(3)))
            r.setDword(2, status.apply(op, s.dword(0), s.dword(1)))
            r.setDword(3, status.apply(op, s.dword(2), s.dword(3)))
        default:
            throw Fault.ud
        }
        try completeSIMDFloat(status)
        setXMM(i.reg, r)
    }

    /// 66 0F D0 ADDSUBPD, F2 0F D0 ADDSUBPS: even lanes subtract, odd lanes add.
    func sseAddSubtract(_ i: DecodedInstruction, prefix: SIMDPrefix) throws(Fault) {
        var status = SSEStatus(mxcsr: mxcsr)
        var d = xmmRegister(i.reg)
        switch prefix {
        case .operandSize:
            let s = try readXMMSource(i)
            d = Vector128(low: status.subtract(d.low, s.low), high: status.add(d.high, s.high))
        case .repeatNZ:
            let s = try readXMMSource(i)
            for k in 0..<4 {
                d.setDword(k, k & 1 == 0 ? status.subtract(d.dword(k), s.dword(k)) : status.add(d.dword(k), s.dword(k)))
            }
        default:
            throw Fault.ud
        }
        try completeSIMDFloat(status)
        setXMM(i.reg, d)
    }
}
