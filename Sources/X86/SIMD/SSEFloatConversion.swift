/// SSE/SSE2 conversions (SDM Vol. 2 of each): 0F 2A CVTPI2PS/CVTPI2PD/
/// CVTSI2SS/CVTSI2SD, 0F 2C and 2D CVT(T)PS2PI/CVT(T)PD2PI/CVT(T)SS2SI/
/// CVT(T)SD2SI, 0F 5A CVTPS2PD/CVTPD2PS/CVTSS2SD/CVTSD2SS, 0F 5B CVTDQ2PS/
/// CVTPS2DQ/CVTTPS2DQ and 0F E6 CVTTPD2DQ/CVTDQ2PD/CVTPD2DQ. Forms with an
/// MMX register operand make the x87-to-MMX transition; CVTPI2PS and
/// CVTPI2PD with a memory source touch no MMX state (SDM Vol. 2 CVTPI2PS, CVTPI2PD).
extension CPU {
    /// 0F 2A: CVTPI2PS xmm, mm/m64 (the high quadword kept), CVTPI2PD xmm,
    /// mm/m64, CVTSI2SS xmm, r/m32 or r/m64 (REX.W), CVTSI2SD xmm, r/m32 or r/m64.
    func sseConvertFromInteger(_ i: DecodedInstruction, prefix: SIMDPrefix) throws(Fault) {
        var status = SSEStatus(mxcsr: mxcsr)
        var d = xmmRegister(i.reg)
        switch prefix {
        case .none:
            if i.registerForm { try enterMMXFromSSE() }
            let s = try readMMXSource(i)
            d.setDword(0, status.convertToBinary32(integer: Int64(Int32(truncatingIfNeeded: s))))
            d.setDword(1, status.convertToBinary32(integer: Int64(Int32(truncatingIfNeeded: s >> 32))))
        case .operandSize:
            if i.registerForm { try enterMMXFromSSE() }
            let s = try readMMXSource(i)
            d = Vector128(low: status.convertToBinary64(integer: Int64(Int32(truncatingIfNeeded: s))),
                          high: status.convertToBinary64(integer: Int64(Int32(truncatingIfNeeded: s >> 32))))
        case .repeatZ, .repeatNZ:
            let wide = i.operandSize == 8
            let raw = try readRM(i, size: wide ? 8 : 4)
            let value = wide ? Int64(bitPattern: raw) : Int64(Int32(truncatingIfNeeded: raw))
            if prefix == .repeatZ {
                d.setDword(0, status.convertToBinary32(integer: value))
            } else {
                d.low = status.convertToBinary64(integer: value)
            }
        }
        try completeSIMDFloat(status)
        setXMM(i.reg, d)
    }

    /// 0F 2C (truncating) and 0F 2D (rounded by MXCSR.RC): CVT(T)PS2PI mm,
    /// xmm/m64, CVT(T)PD2PI mm, xmm/m128, CVT(T)SS2SI r32/r64, xmm/m32 and
    /// CVT(T)SD2SI r32/r64, xmm/m64. Out of range gives the integer indefinite.
    func sseConvertToInteger(_ i: DecodedInstruction, prefix: SIMDPrefix, truncating: Bool) throws(Fault) {
        var status = SSEStatus(mxcsr: mxcsr)
        switch prefix {
        case .none, .operandSize:
            // A pending x87 exception comes first, then the source: a
            // misaligned one faults before the MMX transition.
            try checkPendingNumericError()
            let low: Int32, high: Int32
            if prefix == .none {
                let s = try readXMMSource64(i)
                x87.enterMMXMode()
                low = status.convertToInt32(UInt32(truncatingIfNeeded: s), truncating: truncating)
                high = status.convertToInt32(UInt32(truncatingIfNeeded: s >> 32), truncating: truncating)
            } else {
                let s = try readXMMSource(i)
                x87.enterMMXMode()
                low = status.convertToInt32(s.low, truncating: truncating)
                high = status.convertToInt32(s.high, truncating: truncating)
            }
            try completeSIMDFloat(status)
            setMMXRegister(i.regField, UInt64(UInt32(bitPattern: low)) | UInt64(UInt32(bitPattern: high)) << 32)
        case .repeatZ, .repeatNZ:
            let wide = i.operandSize == 8
            let result: UInt64
            if prefix == .repeatZ {
                let s = try readXMMSource32(i)
                result = wide ? UInt64(bitPattern: status.convertToInt64(s, truncating: truncating))
                    : UInt64(UInt32(bitPattern: status.convertToInt32(s, truncating: truncating)))
            } else {
                let s = try readXMMSource64(i)
                result = wide ? UInt64(bitPattern: status.convertToInt64(s, truncating: truncating))
                    : UInt64(UInt32(bitPattern: status.convertToInt32(s, truncating: truncating)))
            }
            try completeSIMDFloat(status)
            setReg(i.reg, size: wide ? 8 : 4, result)
        }
    }

    /// 0F 5A: CVTPS2PD xmm, xmm/m64; 66: CVTPD2PS xmm, xmm/m128 (upper half
    /// zeroed); F3: CVTSS2SD xmm, xmm/m32; F2: CVTSD2SS xmm, xmm/m64.
    func sseConvertFormat(_ i: DecodedInstruction, prefix: SIMDPrefix) throws(Fault) {
        var status = SSEStatus(mxcsr: mxcsr)
        var d = xmmRegister(i.reg)
        switch prefix {
        case .none:
            let s = try readXMMSource64(i)
            d = Vector128(low: status.convertToBinary64(UInt32(truncatingIfNeeded: s)),
                          high: status.convertToBinary64(UInt32(truncatingIfNeeded: s >> 32)))
        case .operandSize:
            let s = try readXMMSource(i)
            d = Vector128(low: UInt64(status.convertToBinary32(s.low)) | UInt64(status.convertToBinary32(s.high)) << 32, high: 0)
        case .repeatZ:
            let s = try readXMMSource32(i)
            d.low = status.convertToBinary64(s)
        case .repeatNZ:
            let s = try readXMMSource64(i)
            d.setDword(0, status.convertToBinary32(s))
        }
        try completeSIMDFloat(status)
        setXMM(i.reg, d)
    }

    /// 0F 5B: CVTDQ2PS; 66: CVTPS2DQ (rounded by RC); F3: CVTTPS2DQ; F2: #UD.
    func sseConvertPackedDoublewords(_ i: DecodedInstruction, prefix: SIMDPrefix) throws(Fault) {
        guard prefix != .repeatNZ else { throw Fault.ud }
        var status = SSEStatus(mxcsr: mxcsr)
        let s = try readXMMSource(i)
        var d = Vector128.zero
        for k in 0..<4 {
            let x = s.dword(k)
            d.setDword(k, prefix == .none ? status.convertToBinary32(integer: Int64(Int32(bitPattern: x)))
                       : UInt32(bitPattern: status.convertToInt32(x, truncating: prefix == .repeatZ)))
        }
        try completeSIMDFloat(status)
        setXMM(i.reg, d)
    }

    /// 66 0F E6: CVTTPD2DQ; F2: CVTPD2DQ (both xmm/m128, the upper half
    /// zeroed); F3: CVTDQ2PD xmm, xmm/m64; unprefixed: #UD.
    func sseConvertDoublewordsDouble(_ i: DecodedInstruction, prefix: SIMDPrefix) throws(Fault) {
        var status = SSEStatus(mxcsr: mxcsr)
        let d: Vector128
        switch prefix {
        case .none:
            throw Fault.ud
        case .repeatZ:
            let s = try readXMMSource64(i)
            d = Vector128(low: status.convertToBinary64(integer: Int64(Int32(truncatingIfNeeded: s))),
                          high: status.convertToBinary64(integer: Int64(Int32(truncatingIfNeeded: s >> 32))))
        case .operandSize, .repeatNZ:
            let s = try readXMMSource(i)
            let truncating = prefix == .operandSize
            let low = status.convertToInt32(s.low, truncating: truncating)
            let high = status.convertToInt32(s.high, truncating: truncating)
            d = Vector128(low: UInt64(UInt32(bitPattern: low)) | UInt64(UInt32(bitPattern: high)) << 32, high: 0)
        }
        try completeSIMDFloat(status)
        setXMM(i.reg, d)
    }
}
