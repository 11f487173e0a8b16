// Random binary32/binary64 operands and integers biased to the encoding
// classes (SDM Vol. 1 Table 4-3) and to the values where rounding, overflow,
// underflow and integer conversion change behaviour; and random MXCSRs.

@testable import X86

struct SSEOperandGenerator {
    var rng: DiffRandom

    /// A fraction of `bits` bits with long runs of ones or zeros now and then,
    /// so that carries and exact halves occur.
    mutating func fraction(_ bits: Int) -> UInt64 {
        let mask: UInt64 = (1 << UInt64(bits)) - 1
        switch rng.next() % 6 {
        case 0: return ~0 << (rng.next() % 64) & mask
        case 1: return rng.next() % 8 == 0 ? 0 : 1 << (rng.next() % UInt64(bits))
        case 2: return ~0 >> (rng.next() % 64) & mask
        case 3: return rng.next() & ~(~0 >> (rng.next() % 64 + 1)) & mask
        default: return rng.next() & mask
        }
    }

    private func encode(_ f: SSEFormat, sign: Bool, field: Int64, fraction: UInt64) -> UInt64 {
        let maxField = Int64(f.infinity >> UInt64(f.fractionBits))
        let clamped = UInt64(min(max(field, 0), maxField))
        return (sign ? f.signBit : 0) | clamped << UInt64(f.fractionBits) | fraction & f.fractionMask
    }

    /// A value of format `f`.
    mutating func value(_ f: SSEFormat) -> UInt64 {
        let sign = rng.next() & 1 != 0
        let bias = Int64(f.bias)
        let maxField = Int64(f.infinity >> UInt64(f.fractionBits))
        let roll = rng.next() % 100
        switch roll {
        case 0..<5: return encode(f, sign: sign, field: 0, fraction: 0)
        case 5..<14: return encode(f, sign: sign, field: 0, fraction: max(1, fraction(f.fractionBits) >> (rng.next() % UInt64(f.fractionBits))))
        case 14..<19: return encode(f, sign: sign, field: maxField, fraction: 0)
        case 19..<23: return encode(f, sign: sign, field: maxField, fraction: f.quietBit | fraction(f.fractionBits))
        case 23..<27: return encode(f, sign: sign, field: maxField, fraction: max(1, fraction(f.fractionBits) & ~f.quietBit))
        case 27..<47:
            // Near the overflow and underflow thresholds of both formats and
            // the edges of the integer formats and of exact integers.
            let centres: [Int64] = [1 - bias, bias, -126, -149, 127, 128, -1022, -1074, 1023,
                                    0, -1, 1, 23, 24, 31, 32, 52, 53, 63, 64]
            let e = centres[Int(rng.next() % UInt64(centres.count))] + Int64(rng.next() % 7) - 3
            return encode(f, sign: sign, field: e + bias, fraction: fraction(f.fractionBits))
        case 47..<75: return encode(f, sign: sign, field: bias - 30 + Int64(rng.next() % 60), fraction: fraction(f.fractionBits))
        default: return encode(f, sign: sign, field: 1 + Int64(rng.next() % UInt64(maxField - 1)), fraction: fraction(f.fractionBits))
        }
    }

    /// A second operand related to `a`: near it (cancellation, equality,
    /// ties), equal in magnitude, or with the exponent that puts a product or
    /// quotient near the overflow or underflow threshold.
    mutating func partner(of a: UInt64, _ f: SSEFormat) -> UInt64 {
        let bias = Int64(f.bias)
        let field = Int64((a & f.infinity) >> UInt64(f.fractionBits))
        let sign = rng.next() & 1 != 0
        switch rng.next() % 8 {
        case 0:
            let delta = Int64(rng.next() % 60) - 30
            return encode(f, sign: sign, field: field + delta, fraction: a ^ (rng.next() >> (rng.next() % 64)))
        case 1: return rng.next() % 2 == 0 ? a : a ^ f.signBit
        case 2:
            let targets: [Int64] = [1 - bias, bias, -Int64(f.fractionBits) - bias + 1]
            let target = targets[Int(rng.next() % 3)] + Int64(rng.next() % 5) - 2
            // a × b or a ÷ b near 2^target.
            let e = field - bias
            let be = rng.next() % 2 == 0 ? target - e : e - target
            return encode(f, sign: sign, field: be + bias, fraction: fraction(f.fractionBits))
        case 3: return threshold(near: a, f)
        default: return value(f)
        }
    }

    /// A b for which a × b or a ÷ b lies within a few units in the last
    /// place of a power of two where the result overflows or becomes tiny,
    /// so that rounding decides (computed with the host's arithmetic, which
    /// only needs to be close).
    mutating func threshold(near a: UInt64, _ f: SSEFormat) -> UInt64 {
        let single = f.fractionBits == 23
        let av = single ? Double(Float(bitPattern: UInt32(truncatingIfNeeded: a))) : Double(bitPattern: a)
        guard av.isFinite, av != 0 else { return value(f) }
        let exponents: [Int] = [Int(f.minExponent), Int(f.maxExponent) + 1, Int(f.minExponent) - 1 - Int(rng.next() % UInt64(f.precision))]
        let target = Double(sign: .plus, exponent: exponents[Int(rng.next() % 3)], significand: 1)
        let bv = rng.next() % 2 == 0 ? target / av : av / target
        var bits = single ? UInt64(Float(bv).bitPattern) : bv.bitPattern
        guard !f.isNaN(bits), bits & ~f.signBit != f.infinity else { return value(f) }
        bits = (bits &+ (rng.next() % 7) &- 3) & (f.signBit << 1 &- 1)
        return rng.next() % 2 == 0 ? bits : bits ^ f.signBit
    }

    /// A binary64 value within a few binary32 units in the last place of a
    /// binary32 overflow or underflow threshold, with random low bits.
    mutating func nearBinary32Threshold() -> UInt64 {
        let exponents = [-126, 128, -149, -150, -127]
        let t = Double(sign: .plus, exponent: exponents[Int(rng.next() % 5)], significand: 1)
        let offset = Double(Int(rng.next() % 17) - 8) * 0x1p-24
        let bits = (t * (1 + offset)).bitPattern ^ (rng.next() >> (36 + rng.next() % 28))
        return rng.next() % 2 == 0 ? bits : bits ^ (1 << 63)
    }

    /// An integer of `bits` (32 or 64) bits, sign-extended to 64 bits for 32.
    mutating func integer(bits: Int) -> UInt64 {
        let v: UInt64
        switch rng.next() % 6 {
        case 0: v = [0, 1, ~0, 1 << UInt64(bits - 1), (1 << UInt64(bits - 1)) - 1][Int(rng.next() % 5)]
        case 1: v = (1 << (rng.next() % UInt64(bits))) &+ (rng.next() % 5) &- 2
        case 2: v = rng.next() >> (rng.next() % 64)
        case 3: v = 0 &- (rng.next() >> (rng.next() % 64))
        default: v = rng.next()
        }
        return bits == 64 ? v : UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: v)))
    }

    /// MXCSR: any rounding mode, FTZ and DAZ, all exceptions masked half of
    /// the time and some unmasked otherwise, sometimes with sticky flags.
    mutating func mxcsr() -> UInt32 {
        var m = UInt32(truncatingIfNeeded: rng.next() % 4) << 13
        if rng.next() % 3 == 0 { m |= 1 << 15 }
        if rng.next() % 3 == 0 { m |= 1 << 6 }
        var masks: UInt32 = 0x3F
        if rng.next() % 2 == 0 {
            for bit in 0..<6 where rng.next() % 3 == 0 { masks &= ~(1 << UInt32(bit)) }
        }
        m |= masks << 7
        if rng.next() % 5 == 0 { m |= UInt32(truncatingIfNeeded: rng.next()) & 0x3F }
        return m
    }
}
