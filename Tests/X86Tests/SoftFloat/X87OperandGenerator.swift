// Random x87 operands biased to the encoding classes of SDM Vol. 1 Table 8-3
// and to the values where rounding, overflow and underflow change behaviour.

@testable import X86

struct X87OperandGenerator {
    var rng: DiffRandom

    /// A significand with long runs of ones or zeros now and then, so that
    /// carries and exact halves occur.
    mutating func significandBits() -> UInt64 {
        switch rng.next() % 6 {
        case 0: return ~0 << (rng.next() % 64)
        case 1: return (1 << 63) | (rng.next() % 64 == 0 ? 0 : 1 << (rng.next() % 63))
        case 2: return ~0 >> (rng.next() % 64) | 1 << 63
        case 3: return (rng.next() & ~(~0 >> (rng.next() % 64 + 1))) | 1 << 63
        default: return rng.next() | 1 << 63
        }
    }

    mutating func operand() -> Extended80 {
        let sign = rng.next() & 1 != 0
        let roll = rng.next() % 100
        switch roll {
        case 0..<5: return .zero(sign: sign)
        case 5..<10: return Extended80(sign: sign, exponent: 0, significand: significandBits() >> (1 + rng.next() % 64))
        case 10..<12: return Extended80(sign: sign, exponent: 0, significand: significandBits())
        case 12..<14: return Extended80(sign: sign, exponent: UInt16(1 + rng.next() % 0x7FFE), significand: significandBits() >> 1)
        case 14..<18: return .infinity(sign: sign)
        case 18..<21: return Extended80(sign: sign, exponent: 0x7FFF, significand: 0xC000_0000_0000_0000 | rng.next() >> (2 + rng.next() % 62))
        case 21..<24: return Extended80(sign: sign, exponent: 0x7FFF, significand: 1 << 63 | max(1, rng.next() >> (2 + rng.next() % 62)))
        case 24: return Extended80(sign: sign, exponent: 0x7FFF, significand: rng.next() >> 1)
        case 25..<30: return Extended80(sign: sign, exponent: UInt16(0x7FFE - rng.next() % 64), significand: significandBits())
        case 30..<35: return Extended80(sign: sign, exponent: UInt16(1 + rng.next() % 64), significand: significandBits())
        case 35..<45:
            // Near the binary32/binary64 limits and the integer edges.
            let centres: [Int32] = [16383 - 126, 16383 - 149, 16383 + 127, 16383 - 1022, 16383 - 1074, 16383 + 1023,
                                    16383 + 15, 16383 + 31, 16383 + 63, 16383 - 1, 16383]
            let centre = centres[Int(rng.next() % UInt64(centres.count))]
            let e = centre + Int32(rng.next() % 7) - 3
            return Extended80(sign: sign, exponent: UInt16(e), significand: significandBits())
        case 45..<75: return Extended80(sign: sign, exponent: UInt16(16383 - 40 + Int32(rng.next() % 80)), significand: significandBits())
        default: return Extended80(sign: sign, exponent: UInt16(1 + rng.next() % 0x7FFE), significand: significandBits())
        }
    }

    /// A second operand near the first, so that cancellation, exact
    /// results, ties and close remainders are frequent.
    mutating func partner(of a: Extended80) -> Extended80 {
        switch rng.next() % 4 {
        case 0:
            let delta = Int32(rng.next() % 130) - 65
            let e = min(max(Int32(a.exponent) + delta, 0), 0x7FFF)
            return Extended80(sign: rng.next() & 1 != 0, exponent: UInt16(e), significand: a.significand ^ (rng.next() >> (rng.next() % 64)))
        default: return operand()
        }
    }

    /// A divisor at least 2^60 times smaller than a finite a, so that FPREM and
    /// FPREM1 often stop with an incomplete reduction (C2 set).
    mutating func farPartner(of a: Extended80) -> Extended80 {
        let e = Int32(a.exponent) - 60 - Int32(rng.next() % 200)
        guard a.exponent != 0x7FFF, e >= 0 else { return partner(of: a) }
        return Extended80(sign: rng.next() & 1 != 0, exponent: UInt16(e), significand: significandBits())
    }

    mutating func integer(bits: Int) -> UInt64 {
        let v: UInt64
        switch rng.next() % 4 {
        case 0: v = 0
        case 1: v = 1 << UInt64(bits - 1)
        case 2: v = rng.next() >> (rng.next() % 64)
        default: v = rng.next()
        }
        return bits == 64 ? v : v & ((1 << UInt64(bits)) - 1)
    }

    /// A binary32 or binary64 bit pattern, biased to the special classes.
    mutating func interchange(fractionBits: Int, exponentBits: Int) -> UInt64 {
        let sign = (rng.next() & 1) << UInt64(fractionBits + exponentBits)
        let maxE = (UInt64(1) << UInt64(exponentBits)) - 1
        let fraction = rng.next() >> (rng.next() % 64) & ((1 << UInt64(fractionBits)) - 1)
        let e: UInt64
        switch rng.next() % 6 {
        case 0: e = 0
        case 1: e = maxE
        default: e = rng.next() % (maxE + 1)
        }
        return sign | e << UInt64(fractionBits) | fraction
    }
}
