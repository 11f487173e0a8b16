/// FYL2X and FYL2XP1: y · log2(x) and y · log2(x + 1) with x = ST(0) and
/// y = ST(1) (SDM Vol. 2 FYL2X, Table 3-48; FYL2XP1, Table 3-49).
///
/// The product is rounded once, to 64 bits by RC (precision control does not
/// apply), with C1 when rounded up; it can overflow or underflow. The tables'
/// invalid cases (IE, the real indefinite) are a negative x for FYL2X,
/// 0 · ∞ in either order (log2 x = 0 with y = ±∞, log2 x = ±∞ with y = ±0),
/// and, for FYL2X, x = ±0 with y = ±0. FYL2X of x = ±0 with a finite nonzero y
/// raises ZE and gives ∞ with the sign opposite to y's.
///
/// FYL2XP1 is defined for |x| < 1 − √2/2; outside that range the SDM leaves
/// the result undefined and SoftFloat returns the mathematical value, with
/// the same rules as FYL2X applied to x + 1 (x < −1 invalid, x = −1 like
/// log2 0, x = +∞ like log2 ∞), so that every host computes the same bits.
extension X87Arithmetic {
    /// log2 e and √2 rounded to odd; 1 − √2/2 for FYL2XP1's direct path.
    static let log2e = X87Wide(sign: false, exponent: 0, significand: UInt128Parts(high: 0xB8AA_3B29_5C17_F0BB, low: 0xBE87_FED0_691D_3E89))
    static let sqrt2Significand = UInt128Parts(high: 0xB504_F333_F9DE_6484, low: 0x597D_89B3_754A_BE9F)
    static let oneMinusHalfSqrt2 = X87Wide(sign: false, exponent: -2, significand: UInt128Parts(high: 0x95F6_1998_0C43_36F7, low: 0x4D04_EC99_156A_82C1))

    /// FYL2X: y · log2(x).
    public mutating func yLog2X(y: Extended80, x: Extended80) -> Extended80 {
        flags.remove(.c1)
        if let special = specialOperands(x, y) { return special }
        if x.sign && !x.isZero { return invalid() }
        let xIsOne = x.signExponent == 0x3FFF && x.significand == 1 << 63
        if x.isZero {
            if y.isZero { return invalid() }
            if !y.isInfinity { flags.insert(.zeroDivide) }
            return .infinity(sign: !y.sign)
        }
        if (x.isInfinity && y.isZero) || (xIsOne && y.isInfinity) { return invalid() }
        if denormalStops(x, y) { return y }
        // log2 x is negative below 1, zero at 1, positive above.
        let belowOne = !xIsOne && x.exponent < 0x3FFF
        if x.isInfinity || y.isInfinity { return .infinity(sign: y.sign != belowOne) }
        if y.isZero || xIsOne { return .zero(sign: y.sign != belowOne) }
        let logarithm = X87Arithmetic.log2(X87Wide(X87Unpacked(x)))
        return roundToExtended(X87Wide(X87Unpacked(y)) * logarithm)
    }

    /// FYL2XP1: y · log2(x + 1).
    public mutating func yLog2XPlusOne(y: Extended80, x: Extended80) -> Extended80 {
        flags.remove(.c1)
        if let special = specialOperands(x, y) { return special }
        let minusOne = Extended80(signExponent: 0xBFFF, significand: 1 << 63)
        let belowMinusOne = x.sign && (x.isInfinity || (x.exponent >= 0x3FFF && x != minusOne))
        if belowMinusOne { return invalid() }
        if x == minusOne {
            if y.isZero { return invalid() }
            if !y.isInfinity { flags.insert(.zeroDivide) }
            return .infinity(sign: !y.sign)
        }
        if (x.isZero && y.isInfinity) || (x.isInfinity && y.isZero) { return invalid() }
        if denormalStops(x, y) { return y }
        // log2(x + 1) has the sign of x.
        if x.isInfinity || y.isInfinity { return .infinity(sign: y.sign != x.sign) }
        if x.isZero || y.isZero { return .zero(sign: y.sign != x.sign) }
        let logarithm = X87Arithmetic.log2OnePlus(X87Wide(X87Unpacked(x)))
        return roundToExtended(X87Wide(X87Unpacked(y)) * logarithm)
    }

    /// log2 w for a finite positive w: with w = 2^e · m and m in [√2/2, √2],
    /// e + ln m · log2 e, where ln m = 2 atanh((m − 1)/(m + 1)). Exact (e)
    /// when m = 1.
    static func log2(_ w: X87Wide) -> X87Wide {
        var e = w.exponent
        var m = X87Wide(sign: false, exponent: 0, significand: w.significand)
        if sqrt2Significand < m.significand {
            m.exponent = -1
            e &+= 1
        }
        let integerPart = X87Wide(magnitude: UInt64(e.magnitude), sign: e < 0)
        let s = (m - .one) / (m + .one)
        if s.isZero { return integerPart }
        return integerPart + logarithmFromArctanh(s)
    }

    /// log2(1 + x) for a finite nonzero x > −1. Inside FYL2XP1's range it
    /// uses s = x/(2 + x) directly, which keeps the precision of a tiny x.
    static func log2OnePlus(_ x: X87Wide) -> X87Wide {
        if x.hasSmallerMagnitude(than: oneMinusHalfSqrt2) {
            return logarithmFromArctanh(x / (X87Wide.one.scaled(by: 1) + x))
        }
        return log2(X87Wide.one + x)
    }

    /// 2 atanh(s) · log2 e = log2((1 + s)/(1 − s)), for |s| ≤ 0.1716.
    static func logarithmFromArctanh(_ s: X87Wide) -> X87Wide {
        (s + X87Wide.oddPowerTail(s, alternating: false)).scaled(by: 1) * log2e
    }
}
