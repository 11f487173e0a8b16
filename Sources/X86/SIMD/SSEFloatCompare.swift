/// SSE/SSE2 comparisons: CMPPS/CMPPD/CMPSS/CMPSD (0F C2 with the predicate
/// in imm8 bits 2..0; the legacy encodings ignore bits 7..3, as the host
/// does) and COMISS/COMISD/UCOMISS/UCOMISD (0F 2F, 0F 2E), SDM Vol. 2 of each.
extension CPU {
    /// 0F C2 /r ib: each lane becomes all ones when the predicate holds.
    func sseCompare(_ i: DecodedInstruction, prefix: SIMDPrefix) throws(Fault) {
        guard let predicate = SSEStatus.Predicate(rawValue: UInt8(truncatingIfNeeded: i.immediate) & 7) else { throw Fault.ud }
        var status = SSEStatus(mxcsr: mxcsr)
        var d = xmmRegister(i.reg)
        switch prefix {
        case .none:
            let s = try readXMMSource(i)
            for k in 0..<4 { d.setDword(k, status.compare(d.dword(k), s.dword(k), predicate)) }
        case .operandSize:
            let s = try readXMMSource(i)
            d = Vector128(low: status.compare(d.low, s.low, predicate), high: status.compare(d.high, s.high, predicate))
        case .repeatZ:
            let s = try readXMMSource32(i)
            d.setDword(0, status.compare(d.dword(0), s, predicate))
        case .repeatNZ:
            let s = try readXMMSource64(i)
            d.low = status.compare(d.low, s, predicate)
        }
        try completeSIMDFloat(status)
        setXMM(i.reg, d)
    }

    /// 0F 2E UCOMISS, 0F 2F COMISS, 66 0F 2E UCOMISD, 66 0F 2F COMISD: ZF,
    /// PF and CF from the comparison; OF, SF and AF cleared.
    func sseCompareScalar(_ i: DecodedInstruction, prefix: SIMDPrefix, signalsQuietNaN: Bool) throws(Fault) {
        var status = SSEStatus(mxcsr: mxcsr)
        let result: SSEComparison
        switch prefix {
        case .none:
            let s = try readXMMSource32(i)
            result = status.compareScalar(xmmRegister(i.reg).dword(0), s, signalsQuietNaN: signalsQuietNaN)
        case .operandSize:
            let s = try readXMMSource64(i)
            result = status.compareScalar(xmmRegister(i.reg).low, s, signalsQuietNaN: signalsQuietNaN)
        default:
            throw Fault.ud
        }
        try completeSIMDFloat(status)
        flags.setStatus(LazyFlags.status, result.rflags)
    }
}
