// Operands for the transcendental and packed BCD differential tests: inside
// each instruction's documented range (SDM Vol. 2 instruction pages), with
// the values where the algorithms change course over-represented.

@testable import X86

struct X87TranscendentalOperands {
    var rng: DiffRandom

    var sign: Bool { mutating get { rng.next() & 1 != 0 } }

    mutating func finite(exponents: ClosedRange<Int32>, sign: Bool? = nil) -> Extended80 {
        let span = UInt64(exponents.upperBound - exponents.lowerBound + 1)
        let e = exponents.lowerBound + Int32(rng.next() % span)
        return Extended80(sign: sign ?? self.sign, exponent: UInt16(Extended80.exponentBias + e), significand: rng.next() | 1 << 63)
    }

    mutating func denormal() -> Extended80 {
        Extended80(sign: sign, exponent: 0, significand: rng.next() >> (1 + rng.next() % 63))
    }

    /// |x| < 2^63, with values next to multiples of π/2 (the host's
    /// reduction is poorest there) and tiny and denormal ones.
    mutating func trigonometric() -> Extended80 {
        switch rng.next() % 20 {
        case 0..<6: return finite(exponents: -3...3)
        case 6..<13: return finite(exponents: -70...62)
        case 13: return finite(exponents: -16000...(-70))
        case 14: return denormal()
        default:
            var fpu = X87Arithmetic()
            let k = fpu.load(integer: Int64(rng.next() >> (2 + rng.next() % 62)) | 1)
            let halfPi = Extended80(signExponent: 0x3FFF, significand: 0xC90F_DAA2_2168_C235)
            var x = fpu.multiply(k, halfPi)
            x.significand ^= rng.next() % 4
            x.signExponent |= sign ? 0x8000 : 0
            return x.exponent >= 0x3FFF + 63 ? finite(exponents: 0...40) : x
        }
    }

    /// Any finite pair (y, x) for FPATAN, ratios near 1 included.
    mutating func arctangent() -> (y: Extended80, x: Extended80) {
        switch rng.next() % 10 {
        case 0..<5: return (finite(exponents: -40...40), finite(exponents: -40...40))
        case 5..<7:
            let x = finite(exponents: -10...10)
            var y = x
            y.significand ^= rng.next() >> (rng.next() % 64)
            y.signExponent = (sign ? 0x8000 : 0) | (x.exponent &+ UInt16(rng.next() % 3) &- 1)
            return (y, x)
        case 7: return (finite(exponents: -16000...16000), finite(exponents: -16000...16000))
        case 8: return (denormal(), finite(exponents: -20...20))
        default: return (finite(exponents: -20...20), denormal())
        }
    }

    /// −1 ≤ x ≤ +1 for F2XM1.
    mutating func twoToXMinusOne() -> Extended80 {
        switch rng.next() % 20 {
        case 0: return Extended80(sign: sign, exponent: 0x3FFF, significand: 1 << 63)
        case 1: return denormal()
        case 2: return finite(exponents: -16000...(-64))
        default: return finite(exponents: -64...(-1))
        }
    }

    /// (y, x) with x > 0 for FYL2X, x often next to 1.
    mutating func log2() -> (y: Extended80, x: Extended80) {
        let one = Extended80(signExponent: 0x3FFF, significand: 1 << 63)
        let y = rng.next() % 4 == 0 ? one : finite(exponents: -40...40)
        switch rng.next() % 10 {
        case 0..<4: return (y, finite(exponents: -16000...16000, sign: false))
        case 4..<7: return (y, finite(exponents: -8...8, sign: false))
        case 7: return (y, Extended80(sign: false, exponent: 0x3FFF, significand: 1 << 63 | rng.next() >> (1 + rng.next() % 63)))
        case 8: return (y, Extended80(sign: false, exponent: 0x3FFE, significand: ~(rng.next() >> (1 + rng.next() % 63))))
        default: return (y, Extended80(sign: false, exponent: 0, significand: rng.next() >> (1 + rng.next() % 63)))
        }
    }

    /// (y, x) with |x| < 1 − √2/2 for FYL2XP1.
    mutating func log2PlusOne() -> (y: Extended80, x: Extended80) {
        let y = rng.next() % 4 == 0 ? Extended80(signExponent: 0x3FFF, significand: 1 << 63) : finite(exponents: -40...40)
        switch rng.next() % 10 {
        case 0: return (y, denormal())
        case 1: return (y, finite(exponents: -16000...(-64)))
        case 2:
            // Just inside the bound: 0.2928... = 0.95F6...h × 2^-1.
            return (y, Extended80(sign: sign, exponent: 0x3FFD, significand: 0x95F6_1998_0C43_36F7 - rng.next() % (1 << 60)))
        default: return (y, finite(exponents: -64...(-3)))
        }
    }

    /// FBSTP sources: integers and fractions up to and past 18 digits.
    mutating func packedBCDSource() -> Extended80 {
        switch rng.next() % 10 {
        case 0: return finite(exponents: 60...63)
        case 1: return finite(exponents: -70...(-1))
        case 2:
            // 10^18 − 1 and its neighbours: 0xDE0B6B3A763FFFF0 × 2^-4 is 999 999 999 999 999 999.
            let delta = rng.next() % 64
            return Extended80(sign: sign, exponent: 0x403A, significand: 0xDE0B_6B3A_763F_FFF0 &- 32 &+ delta)
        default: return finite(exponents: 0...59)
        }
    }

    /// FBLD sources: mostly decimal digits, now and then nibbles Ah-Fh and
    /// nonzero ignored bits in the sign byte.
    mutating func packedBCD() -> X87PackedBCD {
        var low: UInt64 = 0
        var high: UInt16 = 0
        let invalid = rng.next() % 4 == 0
        for i in 0..<18 {
            let digit = invalid && rng.next() % 3 == 0 ? 10 + rng.next() % 6 : rng.next() % 10
            if i < 16 { low |= digit << UInt64(4 * i) } else { high |= UInt16(digit) << UInt16(4 * (i - 16)) }
        }
        high |= UInt16(truncatingIfNeeded: rng.next()) & (rng.next() % 4 == 0 ? 0xFF00 : 0x8000)
        return X87PackedBCD(low: low, high: high)
    }
}
