/// Random operand values for the SIMD differential test, by class: zeros,
/// denormals, normals (mostly of moderate size, sometimes near the limits of a
/// format or of the integer conversions), infinities, QNaNs and SNaNs with
/// random payloads, the x87's unsupported encodings now and then (SDM Vol. 1
/// §8.2.2, Table 8-3), integer edge values, and packed BCD. A few recent
/// values are reused so that comparisons see equal operands.
struct SIMDValues {
    var rng: DiffRandom
    private var recent32: [UInt32] = [0x3F80_0000]
    private var recent64: [UInt64] = [0x3FF0_0000_0000_0000]

    init(rng: DiffRandom) { self.rng = rng }

    /// Exponent offsets (from the bias) that normals cluster around: 1.0, the
    /// integer-conversion limits 2^15, 2^31, 2^63, and both ends of the range.
    private mutating func exponentCentre(bias: Int, max: Int) -> Int {
        let centre = rng.pick([0, 0, 0, 0, 1, 15, 31, 32, 63, 64, -1, -20])
        return rng.chance(8) ? (rng.chance(50) ? rng.below(4) + 1 : max - 1 - rng.below(4)) : bias + centre + rng.below(5) - 2
    }

    mutating func float32() -> UInt32 {
        if rng.chance(12) { return rng.pick(recent32) ^ (rng.chance(30) ? 0x8000_0000 : 0) }
        let sign = rng.chance(50) ? UInt32(0x8000_0000) : 0
        let v: UInt32
        switch rng.below(24) {
        case 0, 1: v = sign
        case 2: v = sign | 0x7F80_0000
        case 3: v = sign | 0x7FC0_0000 | (rng.chance(50) ? 0 : rng.u32() & 0x3F_FFFF)
        case 4: v = sign | 0x7F80_0000 | (rng.u32() & 0x3F_FFFF | 1)
        case 5, 6: v = sign | (rng.u32() & 0x7F_FFFF | 1) >> UInt32(rng.below(20))
        case 7: v = rng.u32()
        default:
            let e = UInt32(min(max(exponentCentre(bias: 127, max: 255), 1), 254))
            var fraction = rng.u32() & 0x7F_FFFF
            if rng.chance(40) { fraction &= ~((1 << UInt32(rng.below(23))) - 1) }
            v = sign | e << 23 | fraction
        }
        if recent32.count < 8 { recent32.append(v) } else { recent32[rng.below(8)] = v }
        return v
    }

    mutating func float64() -> UInt64 {
        if rng.chance(12) { return rng.pick(recent64) ^ (rng.chance(30) ? 1 << 63 : 0) }
        let sign: UInt64 = rng.chance(50) ? 1 << 63 : 0
        let v: UInt64
        switch rng.below(24) {
        case 0, 1: v = sign
        case 2: v = sign | 0x7FF0_0000_0000_0000
        case 3: v = sign | 0x7FF8_0000_0000_0000 | (rng.chance(50) ? 0 : rng.next() & 0x7_FFFF_FFFF_FFFF)
        case 4: v = sign | 0x7FF0_0000_0000_0000 | (rng.next() & 0x7_FFFF_FFFF_FFFF | 1)
        case 5, 6: v = sign | (rng.next() & 0xF_FFFF_FFFF_FFFF | 1) >> UInt64(rng.below(48))
        case 7: v = rng.next()
        default:
            let e = UInt64(min(max(exponentCentre(bias: 1023, max: 2047), 1), 2046))
            var fraction = rng.next() & 0xF_FFFF_FFFF_FFFF
            if rng.chance(40) { fraction &= ~((1 << UInt64(rng.below(52))) - 1) }
            v = sign | e << 52 | fraction
        }
        if recent64.count < 8 { recent64.append(v) } else { recent64[rng.below(8)] = v }
        return v
    }

    mutating func float80() -> Float80Bits {
        let sign: UInt16 = rng.chance(50) ? 0x8000 : 0
        let j: UInt64 = 1 << 63
        switch rng.below(40) {
        case 0, 1: return Float80Bits(significand: 0, signExponent: sign)
        case 2: return Float80Bits(significand: j, signExponent: sign | 0x7FFF)
        case 3: return Float80Bits(significand: j | 1 << 62 | (rng.chance(50) ? 0 : rng.next() >> 2), signExponent: sign | 0x7FFF)
        case 4: return Float80Bits(significand: j | (rng.next() >> 2 | 1), signExponent: sign | 0x7FFF)
        case 5: return Float80Bits(significand: 0xC000_0000_0000_0000, signExponent: 0xFFFF)   // the real indefinite
        case 6, 7: return Float80Bits(significand: (rng.next() >> 1 | 1) >> UInt64(rng.below(62)), signExponent: sign)
        case 8:
            // Unsupported encodings: pseudo-denormal, unnormal, pseudo-infinity, pseudo-NaN.
            switch rng.below(4) {
            case 0: return Float80Bits(significand: j | rng.next() >> 1, signExponent: sign)
            case 1: return Float80Bits(significand: (rng.next() >> 1) >> UInt64(rng.below(63)), signExponent: sign | UInt16(1 + rng.below(0x7FFE)))
            case 2: return Float80Bits(significand: 0, signExponent: sign | 0x7FFF)
            default: return Float80Bits(significand: rng.next() >> 1 | 1, signExponent: sign | 0x7FFF)
            }
        case 9: return Float80Bits(significand: rng.next(), signExponent: UInt16(truncatingIfNeeded: rng.next()))
        case 10, 11: return integerEdge80()
        case 12:
            // Near the single and double limits, for FST and the precision control.
            let e = rng.pick([0x3FFF + 127, 0x3FFF - 126, 0x3FFF - 149, 0x3FFF + 1023, 0x3FFF - 1022, 0x3FFF - 1074])
            return Float80Bits(significand: j | rng.next() >> 1, signExponent: sign | UInt16(e + rng.below(5) - 2))
        default:
            let e = min(max(exponentCentre(bias: 0x3FFF, max: 0x7FFF), 1), 0x7FFE)
            var significand = j | rng.next() >> 1
            if rng.chance(40) { significand &= ~((1 << UInt64(rng.below(63))) - 1) }
            return Float80Bits(significand: significand, signExponent: sign | UInt16(e))
        }
    }

    /// Values around the limits of the 16-, 32- and 64-bit integers and of
    /// packed BCD (10^18), and halves that rounding decides.
    mutating func integerEdge80() -> Float80Bits {
        let sign: UInt16 = rng.chance(50) ? 0x8000 : 0
        let bits = rng.pick([15, 16, 31, 32, 63, 64, 59, 60, 0, 1, 2])
        var significand: UInt64 = 1 << 63
        switch rng.below(4) {
        case 0: break
        case 1: significand = UInt64.max << UInt64(rng.below(3))             // just below 2^(bits+1)
        case 2: significand |= 1 << UInt64(max(62 - bits, 0))              // a half above an integer
        default: significand |= rng.next() >> 1
        }
        if bits == 59 || bits == 60 { significand = 0xDE0B_6B3A_7640_0000 &+ UInt64(rng.below(5)) &- 2 }   // ~10^18
        return Float80Bits(significand: significand, signExponent: sign | UInt16(0x3FFF + bits))
    }

    mutating func integer16() -> UInt16 {
        rng.chance(60) ? rng.pick([0, 1, 0xFFFF, 0x7FFF, 0x8000, 0x7FFE, 0x8001, 0x00FF, 0xFF00, 0x0080]) : UInt16(truncatingIfNeeded: rng.next())
    }
    mutating func integer32() -> UInt32 {
        rng.chance(60) ? rng.pick([0, 1, 0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, 0x8000_0001, 0xFFFF, 0x8000, 0xFFFF_8000, 0x7FFF])
            : rng.chance(30) ? UInt32(rng.below(64)) : rng.u32()
    }
    mutating func integer64() -> UInt64 {
        rng.chance(60) ? rng.pick([0, 1, UInt64.max, 0x7FFF_FFFF_FFFF_FFFF, 1 << 63, 0x8000_0000_0000_0001, 0xFFFF_FFFF,
                                   0x8000_0000, 0xFFFF_FFFF_8000_0000, 0x0DE0_B6B3_A763_FFFF])
            : rng.chance(30) ? UInt64(rng.below(130)) : rng.next()
    }

    /// Ten bytes of packed BCD with valid digits only: FBLD of an invalid digit
    /// is undefined (SDM Vol. 2A, FBLD). The sign byte's low seven bits are
    /// zero (Vol. 1 §4.7, Figure 4-10 shows them unused).
    mutating func bcd() -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 10)
        let digits = rng.pick([0, 1, 2, 9, 17, 18, 18, 18])
        for k in 0..<digits {
            let d = UInt8(rng.chance(20) ? 9 : rng.below(10))
            b[k / 2] |= k % 2 == 0 ? d : d << 4
        }
        b[9] = rng.chance(50) ? 0x80 : 0
        return b
    }

    /// `count` bytes (8 or 16) of lanes of the given kind.
    mutating func lanes(_ lane: SIMDLane, count: Int) -> [UInt8] {
        var out: [UInt8] = []
        func append(_ v: UInt64, _ n: Int) { for k in 0..<n { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(k)))) } }
        switch lane {
        case .ps: while out.count < count { append(UInt64(float32()), 4) }
        case .pd: while out.count < count { append(float64(), 8) }
        case .ss:
            append(UInt64(float32()), 4)
            while out.count < count { append(rng.chance(50) ? UInt64(float32()) : UInt64(rng.u32()), 4) }
        case .sd:
            append(float64(), 8)
            while out.count < count { append(rng.next(), 8) }
        case .i8:
            while out.count < count { append(UInt64(rng.chance(50) ? rng.pick([0, 1, 0x7F, 0x80, 0x81, 0xFF, 0xFE]) : UInt8(truncatingIfNeeded: rng.next())), 1) }
        case .i16: while out.count < count { append(UInt64(integer16()), 2) }
        case .i32: while out.count < count { append(UInt64(integer32()), 4) }
        case .i64: while out.count < count { append(integer64(), 8) }
        case .raw: while out.count < count { append(rng.next(), 8) }
        case .count:
            append(rng.chance(80) ? UInt64(rng.below(70)) : rng.chance(50) ? 1 << UInt64(rng.below(64)) : rng.next(), 8)
            while out.count < count { append(rng.next(), 8) }
        }
        return Array(out[0..<count])
    }

    /// An x87 control word: every rounding and precision setting (including
    /// the reserved precision 01b), exceptions mostly masked, now and then the
    /// infinity-control bit. The reserved bits 6, 7 and 15:13 (SDM Vol. 1
    /// §8.1.5, Figure 8-6) are as processors store them, 1 and zeros: what a
    /// processor does with others is not defined.
    mutating func controlWord() -> UInt16 {
        var masks: UInt16 = 0x3F
        if rng.chance(20) { masks = UInt16(truncatingIfNeeded: rng.next()) & 0x3F }
        return masks | 0x40 | UInt16(rng.below(4)) << 8 | UInt16(rng.below(4)) << 10 | (rng.chance(10) ? 0x1000 : 0)
    }

    /// An MXCSR value: every rounding mode, DAZ and FTZ, masks mostly set,
    /// sticky flags sometimes.
    mutating func mxcsr() -> UInt32 {
        var masks: UInt32 = 0x1F80
        if rng.chance(20) { masks = rng.u32() & 0x1F80 }
        let flags: UInt32 = rng.chance(50) ? 0 : rng.u32() & 0x3F
        return flags | masks | UInt32(rng.below(4)) << 13 | (rng.chance(25) ? 0x40 : 0) | (rng.chance(25) ? 0x8000 : 0)
    }

    /// An x87 status word for `cw`, with TOP `top`: condition codes and flags
    /// at random, an unmasked pending exception only now and then, and ES and B
    /// matching the flags (an #MF the kernel finds no unmasked exception for
    /// would be retried forever on the host).
    mutating func statusWord(top: Int, controlWord cw: UInt16) -> UInt16 {
        var flags: UInt16 = rng.chance(50) ? 0 : UInt16(truncatingIfNeeded: rng.next()) & 0x7F
        if flags & 0x40 != 0 { flags |= 1 }   // a stack fault is an invalid operation
        if flags & ~cw & 0x3F != 0 && !rng.chance(15) { flags &= cw | 0x40 }
        if flags & 0x3F == 0 { flags = 0 }
        return X87Status.consistent(flags | UInt16(truncatingIfNeeded: rng.next()) & 0x4700 | UInt16(top) << 11, controlWord: cw)
    }

    /// A 64-bit canonical address (FIP, FDP): AMD's FXRSTOR keeps 57 bits of them.
    mutating func canonical() -> UInt64 {
        let v = rng.next() & 0x0000_7FFF_FFFF_FFFF
        return rng.chance(50) ? v : v | 0xFFFF_8000_0000_0000
    }
}

/// The ES and B bits of the x87 status word (SDM Vol. 1 §8.1.3.1).
enum X87Status {
    static func consistent(_ sw: UInt16, controlWord cw: UInt16) -> UInt16 {
        let pending = sw & ~cw & 0x3F != 0
        return pending ? sw | 0x8080 : sw & ~0x8080
    }
}
