/// The lane operations of the MMX, SSE2 and SSSE3 integer instructions as
/// pure functions on 64-bit groups of packed bytes, words, doublewords or
/// quadwords (SDM Vol. 1 §9.2.2, §9.4.2, §11.4.2; Vol. 2 instruction pages). An
/// MMX instruction applies them to its one quadword; the SSE2 form applies
/// them to each half of an XMM register. This file holds the helpers that
/// read and saturate lanes, and the arithmetic: wrapping and saturating add
/// and subtract, the multiplies, averages, minimum and maximum, and PSADBW.
enum PackedLanes {
    /// The `bits`-wide lane at bit `shift` of `x`, sign- or zero-extended.
    @inline(__always) static func lane(_ x: UInt64, _ shift: Int, _ bits: Int, signed: Bool) -> Int64 {
        let top = x &<< UInt64(64 &- shift &- bits)
        return signed ? Int64(bitPattern: top) &>> Int64(64 &- bits) : Int64(bitPattern: top &>> UInt64(64 &- bits))
    }

    /// The low `bits` of `v`, placed at bit `shift`.
    @inline(__always) static func place(_ v: Int64, _ shift: Int, _ bits: Int) -> UInt64 {
        (UInt64(bitPattern: v) & (UInt64.max &>> UInt64(64 &- bits))) &<< UInt64(shift)
    }

    /// `v` clamped to the range of a signed or unsigned `bits`-wide integer
    /// (SDM Vol. 1 §9.3, Table 9-1).
    @inline(__always) static func saturate(_ v: Int64, _ bits: Int, signed: Bool) -> Int64 {
        let low: Int64 = signed ? -(1 &<< Int64(bits &- 1)) : 0
        let high: Int64 = signed ? (1 &<< Int64(bits &- 1)) &- 1 : (1 &<< Int64(bits)) &- 1
        return min(max(v, low), high)
    }

    /// A value whose every `bits`-wide lane holds `v`.
    @inline(__always) static func broadcast(_ v: UInt64, _ bits: Int) -> UInt64 {
        switch bits {
        case 8: return v &* 0x0101_0101_0101_0101
        case 16: return v &* 0x0001_0001_0001_0001
        case 32: return v &* 0x0000_0001_0000_0001
        default: return v
        }
    }

    /// PADDB/W/D/Q: each lane's sum, carries kept inside the lane by adding
    /// the low bits and the top bits separately.
    @inline(__always) static func add(_ a: UInt64, _ b: UInt64, bits: Int) -> UInt64 {
        let top = broadcast(1, bits) &<< UInt64(bits &- 1)
        return ((a & ~top) &+ (b & ~top)) ^ ((a ^ b) & top)
    }

    /// PSUBB/W/D/Q: each lane's difference, borrows kept inside the lane.
    @inline(__always) static func subtract(_ a: UInt64, _ b: UInt64, bits: Int) -> UInt64 {
        let top = broadcast(1, bits) &<< UInt64(bits &- 1)
        return ((a | top) &- (b & ~top)) ^ ((a ^ ~b) & top)
    }

    /// PADDSB/W, PADDUSB/W, PSUBSB/W, PSUBUSB/W.
    static func addSaturating(_ a: UInt64, _ b: UInt64, bits: Int, signed: Bool, subtract: Bool) -> UInt64 {
        var r: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: bits) {
            let x = lane(a, shift, bits, signed: signed), y = lane(b, shift, bits, signed: signed)
            r |= place(saturate(subtract ? x &- y : x &+ y, bits, signed: signed), shift, bits)
        }
        return r
    }

    /// PMINUB/PMINSW (`maximum` false) and PMAXUB/PMAXSW.
    static func minMax(_ a: UInt64, _ b: UInt64, bits: Int, signed: Bool, maximum: Bool) -> UInt64 {
        var r: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: bits) {
            let x = lane(a, shift, bits, signed: signed), y = lane(b, shift, bits, signed: signed)
            r |= place(maximum ? max(x, y) : min(x, y), shift, bits)
        }
        return r
    }

    /// PAVGB/PAVGW: (a + b + 1) >> 1 of unsigned lanes, without overflow.
    static func average(_ a: UInt64, _ b: UInt64, bits: Int) -> UInt64 {
        var r: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: bits) {
            let x = lane(a, shift, bits, signed: false), y = lane(b, shift, bits, signed: false)
            r |= place((x &+ y &+ 1) &>> 1, shift, bits)
        }
        return r
    }

    /// PMULLW (`high` false) and PMULHW/PMULHUW: the low or high word of
    /// each 32-bit product of signed or unsigned words.
    static func multiplyWords(_ a: UInt64, _ b: UInt64, signed: Bool, high: Bool) -> UInt64 {
        var r: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 16) {
            let p = lane(a, shift, 16, signed: signed) &* lane(b, shift, 16, signed: signed)
            r |= place(high ? p &>> 16 : p, shift, 16)
        }
        return r
    }

    /// PMULUDQ: the 64-bit product of the low doublewords.
    @inline(__always) static func multiplyLowDwords(_ a: UInt64, _ b: UInt64) -> UInt64 {
        (a & 0xFFFF_FFFF) &* (b & 0xFFFF_FFFF)
    }

    /// PMADDWD: each doubleword is the sum of the two signed products of its
    /// word pairs; only -32768² + -32768² overflows, and wraps to 8000_0000h.
    static func multiplyAddWords(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var r: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 32) {
            let low = lane(a, shift, 16, signed: true) &* lane(b, shift, 16, signed: true)
            let high = lane(a, shift &+ 16, 16, signed: true) &* lane(b, shift &+ 16, 16, signed: true)
            r |= place(low &+ high, shift, 32)
        }
        return r
    }

    /// PSADBW: the sum of the absolute differences of the unsigned bytes, in
    /// the low word; the other words are zero.
    static func sumAbsoluteDifferences(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var sum: Int64 = 0
        for shift in stride(from: 0, to: 64, by: 8) {
            let d = lane(a, shift, 8, signed: false) &- lane(b, shift, 8, signed: false)
            sum &+= d < 0 ? 0 &- d : d
        }
        return UInt64(bitPattern: sum)
    }
}
