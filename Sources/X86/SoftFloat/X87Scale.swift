/// FRNDINT, FSCALE and FXTRACT: the instructions that take a value apart or
/// change only its exponent or fraction (SDM Vol. 2 FRNDINT, FSCALE, FXTRACT).
extension X87Arithmetic {
    /// FRNDINT: rounds to an integral value by RC; PE and C1 when inexact.
    public mutating func roundToInteger(_ a: Extended80) -> Extended80 {
        flags.remove(.c1)
        if let special = specialOperand(a) { return special }
        if a.isZero || a.isInfinity { return a }
        if denormalStops(a) { return a }
        let x = X87Unpacked(a)
        if x.exponent - Extended80.exponentBias >= 63 { return a }
        let magnitude = roundToIntegerMagnitude(x) ?? 0
        var result = load(integer: Int64(bitPattern: magnitude))
        result.signExponent |= x.sign ? 0x8000 : 0
        return result
    }

    /// FSCALE: a × 2^trunc(b), rounded to 64 bits (precision control does not
    /// apply, SDM Vol. 1 §8.1.5.2). An infinite b gives an infinity or a zero,
    /// except 0 × 2^+∞ and ∞ × 2^−∞, which are invalid (SDM Vol. 2 FSCALE, results table).
    public mutating func scale(_ a: Extended80, by b: Extended80) -> Extended80 {
        flags.remove(.c1)
        if let special = specialOperands(a, b) { return special }
        // The invalid cases below involve no denormal.
        if denormalStops(a, b) { return a }
        if b.isInfinity {
            if !b.sign { return a.isZero ? invalid() : .infinity(sign: a.sign) }
            return a.isInfinity ? invalid() : .zero(sign: a.sign)
        }
        if a.isInfinity || a.isZero { return a }
        let y = X87Unpacked(b)
        let unbiased = y.exponent - Extended80.exponentBias
        // Beyond 2^20 every result overflows or underflows the same way.
        var n: Int32 = 0
        if !y.isZero && unbiased >= 0 {
            n = unbiased >= 20 ? 1 << 20 : Int32(y.significand >> UInt64(63 - unbiased))
        }
        if y.sign { n = -n }
        let x = X87Unpacked(a)
        return roundToExtended(sign: x.sign, exponent: x.exponent + n,
                               significand: UInt128Parts(high: x.significand, low: 0), precision: .extended)
    }

    /// FXTRACT: the unbiased exponent as a value and the significand with
    /// exponent 0 (3FFFh). A zero gives −∞ and the zero, raising ZE; an
    /// infinity gives +∞ and the infinity (SDM Vol. 2 FXTRACT).
    public mutating func extract(_ a: Extended80) -> (exponent: Extended80, significand: Extended80) {
        flags.remove(.c1)
        if let special = specialOperand(a) { return (special, special) }
        if a.isZero {
            flags.insert(.zeroDivide)
            return (.infinity(sign: true), a)
        }
        if a.isInfinity { return (.infinity(sign: false), a) }
        if denormalStops(a) { return (a, a) }
        let x = X87Unpacked(a)
        return (load(integer: Int64(x.exponent - Extended80.exponentBias)),
                Extended80(sign: x.sign, exponent: 0x3FFF, significand: x.significand))
    }
}
