/// The working format of the transcendental instructions: a sign, an
/// unbounded exponent and a 128-bit significand, twice the double-extended
/// precision, so that one final rounding (SDM Vol. 1 §4.8.4) lands within one
/// unit in the last place of the correctly rounded result, and on it except
/// when the exact value lies within about 2^-120 of a rounding boundary.
///
/// Every operation rounds to odd: a value that lost nonzero bits has bit 0 of
/// its significand set. With 64 bits to spare, the final rounding to 64 bits
/// then sees an inexact value as inexact and on the correct side of every
/// representable number, so a result like 1 − 2^-200 still rounds down under
/// round-toward-zero and sets PE. This is not an x87 data format; it never
/// leaves SoftFloat.
struct X87Wide {
    var sign: Bool
    /// The value is significand × 2^(exponent − 127): with bit 127 set, the
    /// unbiased exponent of the leading bit.
    var exponent: Int32
    /// Bit 127 is set unless the value is zero.
    var significand: UInt128Parts

    init(sign: Bool, exponent: Int32, significand: UInt128Parts) {
        self.sign = sign
        self.exponent = exponent
        self.significand = significand
    }

    static let zero = X87Wide(sign: false, exponent: 0, significand: UInt128Parts(high: 0, low: 0))
    static let one = X87Wide(sign: false, exponent: 0, significand: UInt128Parts(high: 1 << 63, low: 0))

    /// A finite x87 value, exactly.
    init(_ x: X87Unpacked) {
        sign = x.sign
        exponent = x.exponent &- Extended80.exponentBias
        significand = UInt128Parts(high: x.significand, low: 0)
    }

    /// An integer, exactly.
    init(magnitude: UInt64, sign: Bool) {
        self.sign = sign
        if magnitude == 0 {
            exponent = 0
            significand = UInt128Parts(high: 0, low: 0)
            return
        }
        let shift = magnitude.leadingZeroBitCount
        exponent = Int32(63 - shift)
        significand = UInt128Parts(high: magnitude << UInt64(shift), low: 0)
    }

    var isZero: Bool { significand.isZero }
    var negated: X87Wide { X87Wide(sign: !sign, exponent: exponent, significand: significand) }
    var magnitude: X87Wide { X87Wide(sign: false, exponent: exponent, significand: significand) }

    /// The value × 2^n, exactly.
    func scaled(by n: Int32) -> X87Wide {
        X87Wide(sign: sign, exponent: exponent &+ n, significand: significand)
    }

    /// |self| < |other|.
    func hasSmallerMagnitude(than other: X87Wide) -> Bool {
        if isZero || other.isZero { return !other.isZero }
        return exponent != other.exponent ? exponent < other.exponent : significand < other.significand
    }

    /// Packs a 192-bit magnitude whose bit 191 has weight 2^topExponent,
    /// normalized and rounded to odd; `sticky` stands for nonzero bits below it.
    static func normalized(sign: Bool, topExponent: Int32, _ words: X87Words192, sticky: Bool = false) -> X87Wide {
        let shift = words.leadingZeroBitCount
        if shift == 192 {
            // Only sticky bits remain: below any weight the caller cares about.
            return sticky ? X87Wide(sign: sign, exponent: topExponent &- 192, significand: UInt128Parts(high: 1 << 63, low: 1)) : .zero
        }
        let w = words.shiftedLeft(shift)
        let lost = w.low != 0 || sticky
        return X87Wide(sign: sign, exponent: topExponent &- Int32(shift),
                       significand: UInt128Parts(high: w.high, low: w.middle | (lost ? 1 : 0)))
    }

    static func * (a: X87Wide, b: X87Wide) -> X87Wide {
        let sign = a.sign != b.sign
        if a.isZero || b.isZero { return X87Wide(sign: sign, exponent: 0, significand: UInt128Parts(high: 0, low: 0)) }
        let ll = a.significand.low.multipliedFullWidth(by: b.significand.low)
        let lh = a.significand.low.multipliedFullWidth(by: b.significand.high)
        let hl = a.significand.high.multipliedFullWidth(by: b.significand.low)
        let hh = a.significand.high.multipliedFullWidth(by: b.significand.high)
        let (middle, middleCarry) = UInt128Parts(high: lh.high, low: lh.low) + UInt128Parts(high: hl.high, low: hl.low)
        let (low, lowCarry) = UInt128Parts(high: ll.high, low: ll.low) + UInt128Parts(high: middle.low, low: 0)
        // Neither sum carries out: the product fits in 256 bits.
        let (partial, _) = UInt128Parts(high: hh.high, low: hh.low) + UInt128Parts(high: middleCarry ? 1 : 0, low: middle.high)
        let (high, _) = partial + UInt128Parts(high: 0, low: lowCarry ? 1 : 0)
        // The product of two significands in [2^127, 2^128) is in [2^254, 2^256).
        let words = X87Words192(high: high.high, middle: high.low, low: low.high)
        return normalized(sign: sign, topExponent: a.exponent &+ b.exponent &+ 1, words, sticky: low.low != 0)
    }

    static func + (a: X87Wide, b: X87Wide) -> X87Wide {
        if b.isZero { return a }
        if a.isZero { return b }
        let (big, small) = a.hasSmallerMagnitude(than: b) ? (b, a) : (a, b)
        let distance = Int(min(Int64(big.exponent) - Int64(small.exponent), 200))
        let x = X87Words192(high: big.significand.high, middle: big.significand.low, low: 0)
        let y = X87Words192(high: small.significand.high, middle: small.significand.low, low: 0).shiftedRightJamming(distance)
        if big.sign == small.sign {
            let (sum, carry) = x + y
            if carry {
                let halved = sum.shiftedRightJamming(1)
                return normalized(sign: big.sign, topExponent: big.exponent &+ 1,
                                  X87Words192(high: halved.high | 1 << 63, middle: halved.middle, low: halved.low))
            }
            return normalized(sign: big.sign, topExponent: big.exponent, sum)
        }
        let difference = x - y
        if difference.isZero { return .zero }
        return normalized(sign: big.sign, topExponent: big.exponent, difference)
    }

    static func - (a: X87Wide, b: X87Wide) -> X87Wide { a + b.negated }

    /// The quotient, one bit at a time (restoring division). The divisor must not be zero.
    static func / (a: X87Wide, b: X87Wide) -> X87Wide {
        let sign = a.sign != b.sign
        if a.isZero || b.isZero { return X87Wide(sign: sign, exponent: 0, significand: UInt128Parts(high: 0, low: 0)) }
        let divisor = b.significand
        var remainder = a.significand
        var exponent = a.exponent &- b.exponent
        // Bit 128 of the partial remainder.
        var carry = false
        if remainder < divisor {
            exponent = exponent &- 1
            carry = remainder.high >> 63 != 0
            remainder = remainder.shiftedLeft(1)
        }
        var quotient = UInt128Parts(high: 0, low: 0)
        for _ in 0..<128 {
            let bit = carry || !(remainder < divisor)
            if bit { remainder = remainder - divisor }
            quotient = quotient.shiftedLeft(1)
            quotient.low |= bit ? 1 : 0
            carry = remainder.high >> 63 != 0
            remainder = remainder.shiftedLeft(1)
        }
        if carry || !remainder.isZero { quotient.low |= 1 }
        return X87Wide(sign: sign, exponent: exponent, significand: quotient)
    }

    /// The quotient by a small positive integer, as three 64-bit digits.
    func divided(by divisor: UInt64) -> X87Wide {
        if isZero { return self }
        let (q1, r1) = divisor.dividingFullWidth((high: 0, low: significand.high))
        let (q2, r2) = divisor.dividingFullWidth((high: r1, low: significand.low))
        let (q3, r3) = divisor.dividingFullWidth((high: r2, low: 0))
        return X87Wide.normalized(sign: sign, topExponent: exponent,
                                  X87Words192(high: q1, middle: q2, low: q3), sticky: r3 != 0)
    }
}

/// A 192-bit unsigned integer as three words, the exact intermediate of
/// `X87Wide` sums and products before they are rounded to odd.
struct X87Words192 {
    var high: UInt64
    var middle: UInt64
    var low: UInt64

    var isZero: Bool { high == 0 && middle == 0 && low == 0 }

    var leadingZeroBitCount: Int {
        if high != 0 { return high.leadingZeroBitCount }
        if middle != 0 { return 64 + middle.leadingZeroBitCount }
        return 128 + low.leadingZeroBitCount
    }

    func shiftedLeft(_ n: Int) -> X87Words192 {
        var w = self
        var n = n
        while n >= 64 {
            w = X87Words192(high: w.middle, middle: w.low, low: 0)
            n -= 64
        }
        guard n > 0 else { return w }
        let s = UInt64(n)
        return X87Words192(high: w.high << s | w.middle >> (64 - s), middle: w.middle << s | w.low >> (64 - s), low: w.low << s)
    }

    /// Shifts right, ORing every bit shifted out into bit 0.
    func shiftedRightJamming(_ n: Int) -> X87Words192 {
        if n >= 192 { return X87Words192(high: 0, middle: 0, low: isZero ? 0 : 1) }
        var w = self
        var n = n
        var lost = false
        while n >= 64 {
            lost = lost || w.low != 0
            w = X87Words192(high: 0, middle: w.high, low: w.middle)
            n -= 64
        }
        if n > 0 {
            let s = UInt64(n)
            lost = lost || w.low << (64 - s) != 0
            w = X87Words192(high: w.high >> s, middle: w.middle >> s | w.high << (64 - s), low: w.low >> s | w.middle << (64 - s))
        }
        if lost { w.low |= 1 }
        return w
    }

    static func + (a: X87Words192, b: X87Words192) -> (sum: X87Words192, carry: Bool) {
        let (low, c0) = a.low.addingReportingOverflow(b.low)
        let (m1, c1) = a.middle.addingReportingOverflow(b.middle)
        let (middle, c2) = m1.addingReportingOverflow(c0 ? 1 : 0)
        let (h1, c3) = a.high.addingReportingOverflow(b.high)
        let (high, c4) = h1.addingReportingOverflow(c1 || c2 ? 1 : 0)
        return (X87Words192(high: high, middle: middle, low: low), c3 || c4)
    }

    static func - (a: X87Words192, b: X87Words192) -> X87Words192 {
        let (low, b0) = a.low.subtractingReportingOverflow(b.low)
        let (m1, b1) = a.middle.subtractingReportingOverflow(b.middle)
        let (middle, b2) = m1.subtractingReportingOverflow(b0 ? 1 : 0)
        return X87Words192(high: a.high &- b.high &- (b1 || b2 ? 1 : 0), middle: middle, low: low)
    }
}
