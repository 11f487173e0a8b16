/// Packing, unpacking and rearranging lanes (SDM Vol. 1 §9.4.4-9.4.5,
/// §10.4.4, §11.4.2 and Chapter 12; Vol. 2 PACKSSWB/PACKSSDW, PACKUSWB,
/// PUNPCKLBW-PUNPCKLQDQ, PUNPCKHBW-PUNPCKHQDQ, PSHUFW, PSHUFD, PSHUFHW,
/// PSHUFLW, PSHUFB, PALIGNR, PINSRW, PEXTRW, PMOVMSKB).
///
/// The packs and the horizontal operations read their two operands as one
/// string of lanes, the destination's first. An MMX instruction passes its
/// destination and source quadwords; the SSE2 form computes the low result
/// quadword from the destination's two halves and the high one from the
/// source's, so one function serves both.
extension PackedLanes {
    /// PACKSSWB (`bits` 16), PACKSSDW (32) and PACKUSWB (16, `unsigned`):
    /// the signed lanes of a, then of b, narrowed to half their width with
    /// signed or unsigned saturation.
    static func pack(_ a: UInt64, _ b: UInt64, bits: Int, unsigned: Bool) -> UInt64 {
        let half = bits &>> 1
        var r: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: bits) {
            r |= place(saturate(lane(a, shift, bits, signed: true), half, signed: !unsigned), shift &>> 1, half)
            r |= place(saturate(lane(b, shift, bits, signed: true), half, signed: !unsigned), 32 &+ shift &>> 1, half)
        }
        return r
    }

    /// The low doublewords of a and b with their `bits`-wide lanes (8, 16 or
    /// 32) interleaved, a's first.
    static func interleave(_ a: UInt64, _ b: UInt64, bits: Int) -> UInt64 {
        var r: UInt64 = 0
        for shift in stride(from: 0, to: 32, by: bits) {
            r |= place(lane(a, shift, bits, signed: false), shift &* 2, bits)
            r |= place(lane(b, shift, bits, signed: false), shift &* 2 &+ bits, bits)
        }
        return r
    }

    /// The quadwords a and b with their lanes interleaved into 128 bits, a's
    /// first: the low half is PUNPCKL* of two MMX registers and the high half
    /// PUNPCKH*; the SSE2 forms interleave the low (PUNPCKL*) or the high
    /// (PUNPCKH*) quadwords of their operands.
    @inline(__always) static func unpack(_ a: UInt64, _ b: UInt64, bits: Int) -> Vector128 {
        Vector128(low: interleave(a, b, bits: bits), high: interleave(a &>> 32, b &>> 32, bits: bits))
    }

    /// PSHUFW, and the quadword PSHUFLW/PSHUFHW rearrange: word k of the
    /// result is word imm[2k+1:2k] of x.
    static func shuffleWords(_ x: UInt64, _ imm: UInt8) -> UInt64 {
        var r: UInt64 = 0
        for k in 0..<4 {
            let from = Int(imm &>> UInt8(k &* 2)) & 3
            r |= (x &>> UInt64(from &* 16) & 0xFFFF) &<< UInt64(k &* 16)
        }
        return r
    }

    /// PSHUFD: doubleword k of the result is doubleword imm[2k+1:2k] of v.
    static func shuffleDwords(_ v: Vector128, _ imm: UInt8) -> Vector128 {
        var r = Vector128.zero
        for k in 0..<4 { r.setDword(k, v.dword(Int(imm &>> UInt8(k &* 2)) & 3)) }
        return r
    }

    /// PSHUFB on one result quadword: byte j is zero when selector byte j has
    /// bit 7 set, else the byte of the table (low, high) its low bits index:
    /// bits 2:0 for the MMX form (`indexMask` 7), bits 3:0 for the SSE form.
    static func shuffleBytes(_ low: UInt64, _ high: UInt64, selectors: UInt64, indexMask: Int) -> UInt64 {
        var r: UInt64 = 0
        for j in 0..<8 {
            let selector = Int(truncatingIfNeeded: selectors &>> UInt64(j &* 8)) & 0xFF
            guard selector & 0x80 == 0 else { continue }
            let index = selector & indexMask
            let byte = (index < 8 ? low : high) &>> UInt64((index & 7) &* 8) & 0xFF
            r |= byte &<< UInt64(j &* 8)
        }
        return r
    }

    /// PALIGNR (MMX): the destination above the source, shifted right by
    /// `count` bytes, low quadword; zero from 16 bytes on.
    @inline(__always) static func alignRight(_ d: UInt64, _ s: UInt64, count: UInt8) -> UInt64 {
        bytes(at: Int(count), s, d, 0, 0)
    }

    /// PALIGNR (SSE): the 32-byte string destination:source shifted right by
    /// `count` bytes, low 16 bytes; zero from 32 bytes on.
    static func alignRight(_ d: Vector128, _ s: Vector128, count: UInt8) -> Vector128 {
        let n = Int(count)
        return Vector128(low: bytes(at: n, s.low, s.high, d.low, d.high),
                         high: bytes(at: n &+ 8, s.low, s.high, d.low, d.high))
    }

    /// PINSRW on a quadword: word k (0-3) replaced by the low word of v.
    @inline(__always) static func insertWord(_ x: UInt64, _ v: UInt64, _ k: Int) -> UInt64 {
        let shift = UInt64((k & 3) &* 16)
        return x & ~(0xFFFF &<< shift) | (v & 0xFFFF) &<< shift
    }

    /// PMOVMSKB on a quadword: bit k is the top bit of byte k.
    static func byteSignMask(_ x: UInt64) -> UInt64 {
        var r: UInt64 = 0
        for k in 0..<8 { r |= (x &>> UInt64(k &* 8 &+ 7) & 1) &<< UInt64(k) }
        return r
    }
}
