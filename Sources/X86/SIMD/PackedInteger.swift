/// MMX, SSE2 and SSSE3 integer SIMD: 0F 60-6D, 70-76, C4, C5, D1-D5, D7-DF,
/// E0-E5, E8-EF, F1-F6, F8-FE, 0F 38 00-0B and 1C-1E, and 0F 3A 0F (SDM
/// Vol. 2 Tables and the instruction pages). With no prefix the
/// operands are MMX registers and 8-byte memory operands, 4-byte for the
/// unpack lows (the caller has made the MMX checks and makes the x87
/// transition afterwards); with 66 they are XMM registers and 16-byte memory
/// operands that must be aligned (SSE checks made). F3 and F2 select
/// PSHUFHW and PSHUFLW and are otherwise #UD, as are PUNPCKLQDQ/PUNPCKHQDQ
/// and the byte shifts without 66, the memory forms of the shift-by-immediate
/// groups, PEXTRW and PMOVMSKB, and the unassigned group extensions.
/// The lane operations are in PackedArithmetic, PackedCompareLogic,
/// PackedShifts, PackedShuffles and PackedSSSE3.
extension CPU {
    func executePackedInteger(_ i: DecodedInstruction, prefix: SIMDPrefix) throws(Fault) {
        switch prefix {
        case .none:
            try executeMMXInteger(i)
        case .operandSize:
            try executeSSE2Integer(i)
        case .repeatZ, .repeatNZ:
            guard i.opcode == 0x170 else { throw Fault.ud }
            let s = try readXMMSource(i), imm = UInt8(truncatingIfNeeded: i.immediate)
            setXMM(i.reg, prefix == .repeatZ
                ? Vector128(low: s.low, high: PackedLanes.shuffleWords(s.high, imm))
                : Vector128(low: PackedLanes.shuffleWords(s.low, imm), high: s.high))
        }
    }

    private func executeMMXInteger(_ i: DecodedInstruction) throws(Fault) {
        let op = i.opcode, dest = i.regField
        let imm = UInt8(truncatingIfNeeded: i.immediate)
        switch op {
        case 0x160...0x162:
            let s = i.registerForm ? mmxRegister(i.rmField) : UInt64(try readLinear32(try operandAddress(i, size: 4)))
            setMMXRegister(dest, PackedLanes.unpack(mmxRegister(dest), s, bits: CPU.laneBits(op)).low)
        case 0x168...0x16A:
            setMMXRegister(dest, PackedLanes.unpack(mmxRegister(dest), try readMMXSource(i), bits: CPU.laneBits(op)).high)
        case 0x16C, 0x16D:
            throw Fault.ud
        case 0x163, 0x167, 0x16B, 0x201...0x203, 0x205...0x207:
            setMMXRegister(dest, CPU.pairwise(op, mmxRegister(dest), try readMMXSource(i)))
        case 0x170:
            setMMXRegister(dest, PackedLanes.shuffleWords(try readMMXSource(i), imm))
        case 0x171...0x173:
            guard i.registerForm, let kind = CPU.immediateShift(op, i.regField) else { throw Fault.ud }
            setMMXRegister(i.rmField, PackedLanes.shift(mmxRegister(i.rmField), kind, count: UInt64(imm), bits: CPU.laneBits(op)))
        case 0x1D1...0x1D3, 0x1E1, 0x1E2, 0x1F1...0x1F3:
            let count = try readMMXSource(i)
            setMMXRegister(dest, PackedLanes.shift(mmxRegister(dest), CPU.registerShift(op), count: count, bits: CPU.laneBits(op)))
        case 0x1C4:
            let v = i.registerForm ? UInt64(get16(i.rm)) : UInt64(try readLinear16(try operandAddress(i, size: 2)))
            setMMXRegister(dest, PackedLanes.insertWord(mmxRegister(dest), v, Int(imm & 3)))
        case 0x1C5:
            guard i.registerForm else { throw Fault.ud }
            set64(i.reg, mmxRegister(i.rmField) &>> UInt64((imm & 3) &* 16) & 0xFFFF)
        case 0x1D7:
            guard i.registerForm else { throw Fault.ud }
            set64(i.reg, PackedLanes.byteSignMask(mmxRegister(i.rmField)))
        case 0x200:
            let d = mmxRegister(dest)
            setMMXRegister(dest, PackedLanes.shuffleBytes(d, d, selectors: try readMMXSource(i), indexMask: 7))
        case 0x30F:
            setMMXRegister(dest, PackedLanes.alignRight(mmxRegister(dest), try readMMXSource(i), count: imm))
        default:
            let d = mmxRegister(dest)
            guard let r = CPU.lanewise(op, d, try readMMXSource(i)) else { throw Fault.ud }
            setMMXRegister(dest, r)
        }
    }

    private func executeSSE2Integer(_ i: DecodedInstruction) throws(Fault) {
        let op = i.opcode, dest = i.reg
        let imm = UInt8(truncatingIfNeeded: i.immediate)
        switch op {
        case 0x160...0x162:
            setXMM(dest, PackedLanes.unpack(xmmRegister(dest).low, try readXMMSource(i).low, bits: CPU.laneBits(op)))
        case 0x168...0x16A:
            setXMM(dest, PackedLanes.unpack(xmmRegister(dest).high, try readXMMSource(i).high, bits: CPU.laneBits(op)))
        case 0x16C:
            setXMM(dest, Vector128(low: xmmRegister(dest).low, high: try readXMMSource(i).low))
        case 0x16D:
            setXMM(dest, Vector128(low: xmmRegister(dest).high, high: try readXMMSource(i).high))
        case 0x163, 0x167, 0x16B, 0x201...0x203, 0x205...0x207:
            let d = xmmRegister(dest), s = try readXMMSource(i)
            setXMM(dest, Vector128(low: CPU.pairwise(op, d.low, d.high), high: CPU.pairwise(op, s.low, s.high)))
        case 0x170:
            setXMM(dest, PackedLanes.shuffleDwords(try readXMMSource(i), imm))
        case 0x171...0x173:
            guard i.registerForm else { throw Fault.ud }
            let v = xmmRegister(i.rm)
            if op == 0x173 && i.regField & 3 == 3 {
                setXMM(i.rm, i.regField == 3 ? PackedLanes.shiftRightBytes(v, UInt64(imm)) : PackedLanes.shiftLeftBytes(v, UInt64(imm)))
                return
            }
            guard let kind = CPU.immediateShift(op, i.regField) else { throw Fault.ud }
            setXMM(i.rm, CPU.shift(v, kind, count: UInt64(imm), bits: CPU.laneBits(op)))
        case 0x1D1...0x1D3, 0x1E1, 0x1E2, 0x1F1...0x1F3:
            let count = try readXMMSource(i).low
            setXMM(dest, CPU.shift(xmmRegister(dest), CPU.registerShift(op), count: count, bits: CPU.laneBits(op)))
        case 0x1C4:
            let v = i.registerForm ? UInt64(get16(i.rm)) : UInt64(try readLinear16(try operandAddress(i, size: 2)))
            var d = xmmRegister(dest)
            if imm & 4 == 0 {
                d.low = PackedLanes.insertWord(d.low, v, Int(imm & 3))
            } else {
                d.high = PackedLanes.insertWord(d.high, v, Int(imm & 3))
            }
            setXMM(dest, d)
        case 0x1C5:
            guard i.registerForm else { throw Fault.ud }
            let v = xmmRegister(i.rm)
            set64(i.reg, (imm & 4 == 0 ? v.low : v.high) &>> UInt64((imm & 3) &* 16) & 0xFFFF)
        case 0x1D7:
            guard i.registerForm else { throw Fault.ud }
            let v = xmmRegister(i.rm)
            set64(i.reg, PackedLanes.byteSignMask(v.low) | PackedLanes.byteSignMask(v.high) &<< 8)
        case 0x200:
            let d = xmmRegister(dest), s = try readXMMSource(i)
            setXMM(dest, Vector128(low: PackedLanes.shuffleBytes(d.low, d.high, selectors: s.low, indexMask: 15),
                                   high: PackedLanes.shuffleBytes(d.low, d.high, selectors: s.high, indexMask: 15)))
        case 0x30F:
            setXMM(dest, PackedLanes.alignRight(xmmRegister(dest), try readXMMSource(i), count: imm))
        default:
            let d = xmmRegister(dest), s = try readXMMSource(i)
            guard let low = CPU.lanewise(op, d.low, s.low), let high = CPU.lanewise(op, d.high, s.high) else { throw Fault.ud }
            setXMM(dest, Vector128(low: low, high: high))
        }
    }

    /// The lane width the low two bits of most of these opcodes select: 00
    /// bytes, 01 words, 10 doublewords, 11 quadwords.
    @inline(__always) static func laneBits(_ op: UInt16) -> Int { 8 &<< Int(op & 3) }

    /// The instructions that work on each quadword of their operands alone,
    /// as the destination's new quadword from the destination's and the
    /// source's; nil for an opcode that is none of them.
    static func lanewise(_ op: UInt16, _ d: UInt64, _ s: UInt64) -> UInt64? {
        let bits = laneBits(op)
        switch op {
        case 0x164...0x166: return PackedLanes.compare(d, s, bits: bits, greater: true)
        case 0x174...0x176: return PackedLanes.compare(d, s, bits: bits, greater: false)
        case 0x1D4, 0x1FC...0x1FE: return PackedLanes.add(d, s, bits: op == 0x1D4 ? 64 : bits)
        case 0x1F8...0x1FB: return PackedLanes.subtract(d, s, bits: bits)
        case 0x1D8, 0x1D9, 0x1DC, 0x1DD, 0x1E8, 0x1E9, 0x1EC, 0x1ED:
            return PackedLanes.addSaturating(d, s, bits: op & 1 == 0 ? 8 : 16, signed: op >= 0x1E8, subtract: op & 4 == 0)
        case 0x1DA, 0x1DE: return PackedLanes.minMax(d, s, bits: 8, signed: false, maximum: op == 0x1DE)
        case 0x1EA, 0x1EE: return PackedLanes.minMax(d, s, bits: 16, signed: true, maximum: op == 0x1EE)
        case 0x1DB, 0x1DF, 0x1EB, 0x1EF: return PackedLanes.logic(op, d, s)
        case 0x1E0, 0x1E3: return PackedLanes.average(d, s, bits: op == 0x1E0 ? 8 : 16)
        case 0x1D5: return PackedLanes.multiplyWords(d, s, signed: false, high: false)
        case 0x1E4, 0x1E5: return PackedLanes.multiplyWords(d, s, signed: op == 0x1E5, high: true)
        case 0x1F4: return PackedLanes.multiplyLowDwords(d, s)
        case 0x1F5: return PackedLanes.multiplyAddWords(d, s)
        case 0x1F6: return PackedLanes.sumAbsoluteDifferences(d, s)
        case 0x204: return PackedLanes.multiplyAddBytes(d, s)
        case 0x208...0x20A: return PackedLanes.sign(d, s, bits: bits)
        case 0x20B: return PackedLanes.multiplyHighRoundScale(d, s)
        case 0x21C...0x21E: return PackedLanes.absolute(s, bits: bits)
        default: return nil
        }
    }

    /// The packs and the SSSE3 horizontal operations (see PackedShuffles.swift
    /// on their pairwise operands): PACKSSWB 63, PACKUSWB 67, PACKSSDW 6B;
    /// 0F 38 01-03 add, 05-07 subtract, 01/05 words, 02/06 doublewords,
    /// 03/07 words with saturation.
    @inline(__always) static func pairwise(_ op: UInt16, _ a: UInt64, _ b: UInt64) -> UInt64 {
        if op < 0x200 { return PackedLanes.pack(a, b, bits: op == 0x16B ? 32 : 16, unsigned: op == 0x167) }
        return PackedLanes.horizontal(a, b, bits: op & 3 == 2 ? 32 : 16, subtract: op & 4 != 0, saturating: op & 3 == 3)
    }

    /// Groups 12-14 (0F 71-73 with an immediate count): /2 PSRL, /4 PSRA
    /// (words and doublewords only), /6 PSLL; nil for the other extensions.
    @inline(__always) static func immediateShift(_ op: UInt16, _ ext: Int) -> PackedShift? {
        switch ext {
        case 2: return .rightLogical
        case 4 where op != 0x173: return .rightArithmetic
        case 6: return .left
        default: return nil
        }
    }

    /// The shifts with the count in a register or memory: rows D (PSRL), E
    /// (PSRA) and F (PSLL).
    @inline(__always) static func registerShift(_ op: UInt16) -> PackedShift {
        op >= 0x1F0 ? .left : op >= 0x1E0 ? .rightArithmetic : .rightLogical
    }

    @inline(__always) static func shift(_ v: Vector128, _ kind: PackedShift, count: UInt64, bits: Int) -> Vector128 {
        Vector128(low: PackedLanes.shift(v.low, kind, count: count, bits: bits),
                  high: PackedLanes.shift(v.high, kind, count: count, bits: bits))
    }
}
