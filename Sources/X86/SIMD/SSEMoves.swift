/// SSE and SSE2 data movement, shuffles and bitwise logic (SDM Vol. 1
/// §10.4.1, §10.4.4-10.4.6, §11.4.1, §11.4.4; Vol. 2 instruction pages):
/// MOVUPS/MOVAPS/MOVSS/MOVLPS/MOVHPS and their double-precision twins,
/// MOVHLPS/MOVLHPS, MOVSLDUP/MOVSHDUP/MOVDDUP/LDDQU (SSE3), MOVD/MOVQ,
/// MOVDQA/MOVDQU, MOVQ2DQ/MOVDQ2Q, the non-temporal stores, MASKMOVDQU,
/// MOVMSKPS/PD, UNPCKLPS/UNPCKHPS/SHUFPS with their PD forms, and
/// ANDPS/ANDNPS/ORPS/XORPS. None of them raises a SIMD floating-point exception.
extension CPU {
    func executeSSEMove(_ i: DecodedInstruction, prefix: SIMDPrefix) throws(Fault) {
        let op = i.opcode & 0xFF, dest = i.reg
        let double = prefix == .operandSize
        switch (op, prefix) {
        case (0x10, .none), (0x10, .operandSize), (0x28, .none), (0x28, .operandSize),
             (0x6F, .operandSize), (0x6F, .repeatZ):
            setXMM(dest, try readXMMSource(i, aligned: op == 0x28 || prefix == .operandSize && op == 0x6F))
        case (0x11, .none), (0x11, .operandSize), (0x29, .none), (0x29, .operandSize),
             (0x7F, .operandSize), (0x7F, .repeatZ):
            let v = xmmRegister(dest)
            if i.registerForm { setXMM(i.rm, v) } else {
                try writeVector(i, v, aligned: op == 0x29 || prefix == .operandSize && op == 0x7F)
            }
        case (0x2B, .none), (0x2B, .operandSize), (0xE7, .operandSize):
            guard !i.registerForm else { throw Fault.ud }
            try writeVector(i, xmmRegister(dest), aligned: true)
        case (0xF0, .repeatNZ):
            guard !i.registerForm else { throw Fault.ud }
            setXMM(dest, try readXMMSource(i, aligned: false))
        case (0x10, .repeatZ):
            if i.registerForm {
                setXMMLow32(dest, xmmRegister(i.rm).dword(0))
            } else {
                setXMM(dest, Vector128(low: UInt64(try readXMMSource32(i)), high: 0))
            }
        case (0x10, .repeatNZ):
            if i.registerForm {
                setXMMLow(dest, xmmRegister(i.rm).low)
            } else {
                setXMM(dest, Vector128(low: try readXMMSource64(i), high: 0))
            }
        case (0x11, .repeatZ):
            let v = xmmRegister(dest).dword(0)
            if i.registerForm { setXMMLow32(i.rm, v) } else {
                try writeLinear(try operandAddressForWrite(i, size: 4), size: 4, UInt64(v))
            }
        case (0x11, .repeatNZ), (0xD6, .operandSize):
            let v = xmmRegister(dest).low
            if !i.registerForm {
                try writeLinear(try operandAddressForWrite(i, size: 8), size: 8, v)
            } else if op == 0xD6 {
                setXMM(i.rm, Vector128(low: v, high: 0))
            } else {
                setXMMLow(i.rm, v)
            }
        case (0x12, .none), (0x12, .operandSize):
            if i.registerForm {
                guard !double else { throw Fault.ud }
                setXMMLow(dest, xmmRegister(i.rm).high)
            } else {
                setXMMLow(dest, try readXMMSource64(i))
            }
        case (0x16, .none), (0x16, .operandSize):
            var v = xmmRegister(dest)
            if i.registerForm {
                guard !double else { throw Fault.ud }
                v.high = xmmRegister(i.rm).low
            } else {
                v.high = try readXMMSource64(i)
            }
            setXMM(dest, v)
        case (0x13, .none), (0x13, .operandSize), (0x17, .none), (0x17, .operandSize):
            guard !i.registerForm else { throw Fault.ud }
            let v = xmmRegister(dest)
            try writeLinear(try operandAddressForWrite(i, size: 8), size: 8, op == 0x13 ? v.low : v.high)
        case (0x12, .repeatZ), (0x16, .repeatZ):
            let s = try readXMMSource(i)
            let k = op == 0x12 ? 0 : 1
            var r = Vector128.zero
            for lane in 0..<4 { r.setDword(lane, s.dword(lane & 2 | k)) }
            setXMM(dest, r)
        case (0x12, .repeatNZ):
            let v = try readXMMSource64(i)
            setXMM(dest, Vector128(low: v, high: v))
        case (0x14, .none), (0x15, .none):
            let d = xmmRegister(dest), s = try readXMMSource(i)
            let base = op == 0x14 ? 0 : 2
            var r = Vector128.zero
            r.setDword(0, d.dword(base)); r.setDword(1, s.dword(base))
            r.setDword(2, d.dword(base &+ 1)); r.setDword(3, s.dword(base &+ 1))
            setXMM(dest, r)
        case (0x14, .operandSize), (0x15, .operandSize):
            let d = xmmRegister(dest), s = try readXMMSource(i)
            setXMM(dest, op == 0x14 ? Vector128(low: d.low, high: s.low) : Vector128(low: d.high, high: s.high))
        case (0xC6, .none):
            let d = xmmRegister(dest), s = try readXMMSource(i)
            let imm = Int(truncatingIfNeeded: i.immediate)
            var r = Vector128.zero
            r.setDword(0, d.dword(imm & 3)); r.setDword(1, d.dword(imm >> 2 & 3))
            r.setDword(2, s.dword(imm >> 4 & 3)); r.setDword(3, s.dword(imm >> 6 & 3))
            setXMM(dest, r)
        case (0xC6, .operandSize):
            let d = xmmRegister(dest), s = try readXMMSource(i)
            let imm = Int(truncatingIfNeeded: i.immediate)
            setXMM(dest, Vector128(low: d.qword(imm & 1), high: s.qword(imm >> 1 & 1)))
        case (0x50, .none), (0x50, .operandSize):
            guard i.registerForm else { throw Fault.ud }
            let s = xmmRegister(i.rm)
            var mask: UInt64 = 0
            if double {
                mask = s.low >> 63 | (s.high >> 63) << 1
            } else {
                for lane in 0..<4 { mask |= UInt64(s.dword(lane) >> 31) << UInt64(lane) }
            }
            set64(i.reg, mask)
        case (0x54...0x57, .none), (0x54...0x57, .operandSize):
            let d = xmmRegister(dest), s = try readXMMSource(i)
            setXMM(dest, CPU.bitwise(op, d, s))
        case (0x6E, .operandSize):
            let size = i.operandSize == 8 ? 8 : 4
            setXMM(dest, Vector128(low: try readRM(i, size: size), high: 0))
        case (0x7E, .operandSize):
            let size = i.operandSize == 8 ? 8 : 4
            try writeRM(i, size: size, xmmRegister(dest).low & CPU.mask(size))
        case (0x7E, .repeatZ):
            setXMM(dest, Vector128(low: try readXMMSource64(i), high: 0))
        case (0xD6, .repeatZ):
            guard i.registerForm else { throw Fault.ud }
            try enterMMXFromSSE()
            setXMM(dest, Vector128(low: mmxRegister(i.rmField), high: 0))
        case (0xD6, .repeatNZ):
            guard i.registerForm else { throw Fault.ud }
            try enterMMXFromSSE()
            setMMXRegister(i.regField, xmmRegister(i.rm).low)
        case (0xF7, .operandSize):
            guard i.registerForm else { throw Fault.ud }
            let data = xmmRegister(dest), mask = xmmRegister(i.rm)
            try maskedStore([data.low, data.high], mask: [mask.low, mask.high], i)
        default:
            throw Fault.ud
        }
    }

    /// ANDPS, ANDNPS, ORPS, XORPS (and the PD forms): 54-57.
    static func bitwise(_ op: UInt16, _ d: Vector128, _ s: Vector128) -> Vector128 {
        switch op & 3 {
        case 0: return Vector128(low: d.low & s.low, high: d.high & s.high)
        case 1: return Vector128(low: ~d.low & s.low, high: ~d.high & s.high)
        case 2: return Vector128(low: d.low | s.low, high: d.high | s.high)
        default: return Vector128(low: d.low ^ s.low, high: d.high ^ s.high)
        }
    }

    /// MMX moves: MOVD/MOVQ with general registers, MOVQ, MOVNTQ, MASKMOVQ.
    func executeMMXMove(_ i: DecodedInstruction) throws(Fault) {
        switch i.opcode & 0xFF {
        case 0x6E:
            let size = i.operandSize == 8 ? 8 : 4
            setMMXRegister(i.regField, try readRM(i, size: size))
        case 0x7E:
            let size = i.operandSize == 8 ? 8 : 4
            try writeRM(i, size: size, mmxRegister(i.regField) & CPU.mask(size))
        case 0x6F:
            setMMXRegister(i.regField, try readMMXSource(i))
        case 0x7F:
            let v = mmxRegister(i.regField)
            if i.registerForm { setMMXRegister(i.rmField, v) } else {
                try writeLinear(try operandAddressForWrite(i, size: 8), size: 8, v)
            }
        case 0xE7:
            guard !i.registerForm else { throw Fault.ud }
            try writeLinear(try operandAddressForWrite(i, size: 8), size: 8, mmxRegister(i.regField))
        default:
            guard i.registerForm else { throw Fault.ud }
            try maskedStore([mmxRegister(i.regField)], mask: [mmxRegister(i.rmField)], i)
        }
    }

    /// MASKMOVQ/MASKMOVDQU: the bytes whose mask byte has its top bit set go
    /// to DS:rDI (a segment override applies), at the address size.
    func maskedStore(_ data: [UInt64], mask: [UInt64], _ i: DecodedInstruction) throws(Fault) {
        let count = data.count &* 8
        let offset = get64(Reg.edi) & i.addressMask
        var any = false
        for m in mask where m & 0x8080_8080_8080_8080 != 0 { any = true }
        guard any else { return }
        let a = try wideLinear(segment: Int(i.segment), offset: offset, count: count, alignment: 1, write: true)
        for k in 0..<count where (mask[k >> 3] >> UInt64((k & 7) &* 8 &+ 7)) & 1 != 0 {
            try writeLinear(a &+ UInt64(k), size: 1, data[k >> 3] >> UInt64((k & 7) &* 8) & 0xFF)
        }
    }
}
