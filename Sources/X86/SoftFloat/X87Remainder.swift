/// FPREM and FPREM1: the exact partial remainder (SDM Vol. 2 FPREM, FPREM1;
/// IEEE 754 §5.3.1 remainder for FPREM1).
extension X87Arithmetic {
    /// The partial remainder of a by b. With an exponent difference below 64 the
    /// reduction completes: the quotient is truncated (FPREM) or rounded to
    /// nearest even (FPREM1, `ieee`), C2 is cleared and its low bits go to C0
    /// (Q2), C3 (Q1) and C1 (Q0). Otherwise the exponent is reduced by
    /// `partialReductionBits` with a truncated quotient and C2 is set, so
    /// software loops until C2 is clear. The remainder is exact. When nothing
    /// is reduced (a NaN or invalid operand, an unmasked DE) C1 and C2 are
    /// cleared and C0 and C3 keep the values `flags` came with, as processors
    /// do (the SDM leaves them open).
    public mutating func partialRemainder(_ a: Extended80, _ b: Extended80, ieee: Bool) -> Extended80 {
        flags.subtract([.c1, .c2])
        if let special = specialOperands(a, b) { return special }
        if a.isInfinity || b.isZero { return invalid() }
        if denormalStops(a, b) { return a }
        flags.subtract([.c0, .c3])
        if a.isZero { return a }
        let x = X87Unpacked(a), y = X87Unpacked(b)
        if b.isInfinity {
            return roundToExtendedExact(sign: x.sign, exponent: x.exponent + 64, significand: UInt128Parts(high: 0, low: x.significand))
        }
        let difference = x.exponent - y.exponent
        if difference < 0 {
            // |a| < |b|: quotient 0, except FPREM1 with |a| > |b|/2.
            if ieee && difference == -1 && x.significand > y.significand {
                flags.insert(.c1)
                let magnitude = UInt128Parts(high: 0, low: y.significand).shiftedLeft(1) - UInt128Parts(high: 0, low: x.significand)
                return roundToExtendedExact(sign: !x.sign, exponent: y.exponent - 1 + 64, significand: magnitude)
            }
            return roundToExtendedExact(sign: x.sign, exponent: x.exponent + 64, significand: UInt128Parts(high: 0, low: x.significand) )
        }
        let complete = difference < 64
        let steps = complete ? difference : X87Arithmetic.partialReductionBits(difference)
        var remainder = x.significand
        var quotient: UInt64 = 0
        var carry = false
        for step in 0...steps {
            if carry || remainder >= y.significand {
                remainder = remainder &- y.significand
                quotient = quotient << 1 | 1
            } else {
                quotient <<= 1
            }
            if step < steps {
                carry = remainder >> 63 != 0
                remainder <<= 1
            }
        }
        var sign = x.sign
        if complete && ieee && remainder != 0 {
            let other = y.significand - remainder
            if remainder > other || (remainder == other && quotient & 1 != 0) {
                quotient &+= 1
                remainder = other
                sign.toggle()
            }
        }
        if complete {
            if quotient & 4 != 0 { flags.insert(.c0) }
            if quotient & 2 != 0 { flags.insert(.c3) }
            if quotient & 1 != 0 { flags.insert(.c1) }
        } else {
            flags.insert(.c2)
        }
        if remainder == 0 { return .zero(sign: x.sign) }
        return roundToExtendedExact(sign: sign, exponent: x.exponent - Int32(steps) + 64,
                                    significand: UInt128Parts(high: 0, low: remainder))
    }

    /// How far one incomplete FPREM/FPREM1 step reduces the exponent (the SDM's
    /// implementation-dependent N between 32 and 63).
    static func partialReductionBits(_ difference: Int32) -> Int32 {
        32 + (difference - 32) % 32
    }

    /// Packs an exactly representable value without touching C1.
    private mutating func roundToExtendedExact(sign: Bool, exponent: Int32, significand: UInt128Parts) -> Extended80 {
        let conditionCodes = flags.intersection(.conditionCodes)
        let r = roundToExtended(sign: sign, exponent: exponent, significand: significand, precision: .extended)
        flags.subtract(.conditionCodes)
        flags.formUnion(conditionCodes)
        return r
    }
}
