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

extension SSEOperandGenerator {
    /// A case for `op` with operands suited to it: pairs of related values
    /// per lane, integers for the integer sources, horizontal neighbours for
    /// HADD/HSUB, binary64 values near binary32 thresholds for CVTSD2SS.
    mutating func instructionCase(_ op: SSERunnerOp) -> SSECase {
        let f32 = SSEFormat.binary32, f64 = SSEFormat.binary64
        let name = "\(op)"
        var c = SSECase(op: op, predicate: UInt8(truncatingIfNeeded: rng.next() % 8), mxcsr: mxcsr(),
                        a: XMMBits(low: rng.next(), high: rng.next()), b: XMMBits(low: rng.next(), high: rng.next()))
        func pairs32() {
            var a: [UInt32] = [], b: [UInt32] = []
            for _ in 0..<4 {
                let x = value(f32)
                a.append(UInt32(x))
                b.append(UInt32(partner(of: x, f32)))
            }
            c.a = XMMBits(lanes32: a)
            c.b = XMMBits(lanes32: b)
        }
        func pairs64() {
            let x0 = value(f64), x1 = value(f64)
            c.a = XMMBits(low: x0, high: x1)
            c.b = XMMBits(low: partner(of: x0, f64), high: partner(of: x1, f64))
        }
        func horizontal32() -> XMMBits {
            let x = value(f32), y = value(f32)
            return XMMBits(lanes32: [UInt32(x), UInt32(partner(of: x, f32)), UInt32(y), UInt32(partner(of: y, f32))])
        }
        func horizontal64() -> XMMBits {
            let x = value(f64)
            return XMMBits(low: x, high: partner(of: x, f64))
        }
        switch op {
        case .cvtsi2ss32, .cvtsi2sd32, .cvtdq2ps, .cvtdq2pd:
            let l = (0..<4).map { _ in UInt32(truncatingIfNeeded: integer(bits: 32)) }
            c.b = XMMBits(lanes32: l)
        case .cvtsi2ss64, .cvtsi2sd64:
            c.b.low = integer(bits: 64)
        case .haddps, .hsubps:
            c.a = horizontal32()
            c.b = horizontal32()
        case .haddpd, .hsubpd:
            c.a = horizontal64()
            c.b = horizontal64()
        case .cvtss2sd, .cvtps2pd, .cvtss2si32, .cvtss2si64, .cvttss2si32, .cvttss2si64,
             .cvtps2dq, .cvttps2dq, .rcpps, .rcpss, .rsqrtps, .rsqrtss:
            pairs32()
        case .cvtsd2ss, .cvtpd2ps:
            pairs64()
            if rng.next() % 2 == 0 { c.b.low = nearBinary32Threshold() }
            if rng.next() % 2 == 0 { c.b.high = nearBinary32Threshold() }
        case .cvtsd2si32, .cvtsd2si64, .cvttsd2si32, .cvttsd2si64, .cvtpd2dq, .cvttpd2dq:
            pairs64()
        default:
            if name.hasSuffix("ps") || name.hasSuffix("ss") { pairs32() } else { pairs64() }
        }
        return c
    }
}
