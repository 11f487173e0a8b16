/// The SSSE3 integer operations other than PSHUFB and PALIGNR (SDM Vol. 1
/// Chapter 12; Vol. 2 PHADDW/PHADDD, PHADDSW, PHSUBW/PHSUBD, PHSUBSW,
/// PMADDUBSW, PSIGNB/PSIGNW/PSIGND, PMULHRSW, PABSB/PABSW/PABSD). Lanes are
/// signed except PMADDUBSW's destination bytes; results wrap unless the
/// instruction saturates.
extension PackedLanes {
    /// PHADDW/D, PHADDSW, PHSUBW/D, PHSUBSW: the sums (or the differences,
    /// even lane less odd) of adjacent lane pairs, a's pairs first (see the
    /// note on pairwise operands in PackedShuffles.swift).
    static func horizontal(_ a: UInt64, _ b: UInt64, bits: Int, subtract: Bool, saturating: Bool) -> UInt64 {
        var r: UInt64 = 0
        var out = 0
        for shift in stride(from: 0, to: 128, by: bits &* 2) {
            let x = shift < 64 ? a : b, at = shift & 63
            let even = lane(x, at, bits, signed: true), odd = lane(x, at &+ bits, bits, signed: true)
            let v = subtract ? even &- odd : even &+ odd
            r |= place(saturating ? saturate(v, bits, signed: true) : v, out, bits)
            out &+= bits
        }
        return r
    }

    /// PMADDUBSW: each word is the sum of the products of a's unsigned and
    /// b's signed byte pairs, with signed saturation.
    static func multiplyAddBytes(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var r: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 16) {
            let low = lane(a, shift, 8, signed: false) &* lane(b, shift, 8, signed: true)
            let high = lane(a, shift &+ 8, 8, signed: false) &* lane(b, shift &+ 8, 8, signed: true)
            r |= place(saturate(low &+ high, 16, signed: true), shift, 16)
        }
        return r
    }

    /// PSIGNB/W/D: each lane of a negated where b's is negative, zeroed where
    /// b's is zero, else kept; the most negative value stays as it is.
    static func sign(_ a: UInt64, _ b: UInt64, bits: Int) -> UInt64 {
        var r: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: bits) {
            let x = lane(a, shift, bits, signed: true), y = lane(b, shift, bits, signed: true)
            r |= place(y < 0 ? 0 &- x : y == 0 ? 0 : x, shift, bits)
        }
        return r
    }

    /// PMULHRSW: bits 16:1 of each signed 32-bit product scaled by 2^-14 and
    /// rounded, ((a × b >> 14) + 1) >> 1; -32768 × -32768 gives 8000h.
    static func multiplyHighRoundScale(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var r: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 16) {
            let p = lane(a, shift, 16, signed: true) &* lane(b, shift, 16, signed: true)
            r |= place(((p &>> 14) &+ 1) &>> 1, shift, 16)
        }
        return r
    }

    /// PABSB/W/D: the unsigned absolute value of each signed lane of x.
    static func absolute(_ x: UInt64, bits: Int) -> UInt64 {
        var r: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: bits) {
            let v = lane(x, shift, bits, signed: true)
            r |= place(v < 0 ? 0 &- v : v, shift, bits)
        }
        return r
    }
}
