/// Packed comparisons and bitwise logic (SDM Vol. 1 §9.4.3, §9.4.6, §11.4.2;
/// Vol. 2 PCMPEQB/PCMPEQW/PCMPEQD, PCMPGTB/PCMPGTW/PCMPGTD, PAND, PANDN,
/// POR, PXOR): a comparison sets a lane to all ones when it holds and to
/// zero otherwise.
extension PackedLanes {
    /// PCMPEQB/W/D (`greater` false) and PCMPGTB/W/D (signed `a > b`).
    static func compare(_ a: UInt64, _ b: UInt64, bits: Int, greater: Bool) -> UInt64 {
        var r: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: bits) {
            let x = lane(a, shift, bits, signed: true), y = lane(b, shift, bits, signed: true)
            if greater ? x > y : x == y { r |= place(-1, shift, bits) }
        }
        return r
    }

    /// PAND, PANDN (NOT a, AND b), POR, PXOR by the low bits of their opcodes
    /// 0F DB, DF, EB, EF.
    @inline(__always) static func logic(_ opcode: UInt16, _ a: UInt64, _ b: UInt64) -> UInt64 {
        switch opcode & 0x24 {
        case 0x20: return a | b
        case 0x24: return a ^ b
        case 0x04: return ~a & b
        default: return a & b
        }
    }
}
