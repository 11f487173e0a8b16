/// A finite value as sign, biased exponent and significand, the form the x87
/// arithmetic works on (SDM Vol. 1 §4.2.2). Denormals and pseudo-denormals are
/// normalized, so `exponent` may be below 1; the significand has bit 63 set
/// unless the value is zero.
struct X87Unpacked {
    var sign: Bool
    var exponent: Int32
    var significand: UInt64

    /// A finite operand, normalized (SDM Vol. 1 §8.2.2: a pseudo-denormal has
    /// the value of exponent 1, like a denormal).
    @inline(__always)
    init(_ x: Extended80) {
        sign = x.sign
        significand = x.significand
        if x.exponent == 0 {
            let shift = significand == 0 ? 0 : significand.leadingZeroBitCount
            significand <<= UInt64(shift)
            exponent = 1 - Int32(shift)
        } else {
            exponent = Int32(x.exponent)
        }
    }

    init(sign: Bool, exponent: Int32, significand: UInt64) {
        self.sign = sign
        self.exponent = exponent
        self.significand = significand
    }

    var isZero: Bool { significand == 0 }
}

/// The destination formats results are rounded to (IEEE 754 §4.3; SDM Vol. 1
/// §4.8.4), with exponents expressed in the extended format's bias.
struct X87Format {
    var precision: Int
    /// The biased exponent of the smallest normal number.
    var minExponent: Int32
    /// The biased exponent of the largest finite number.
    var maxExponent: Int32

    static func extended(_ precision: X87Control.Precision) -> X87Format {
        X87Format(precision: precision.bits, minExponent: 1, maxExponent: 0x7FFE)
    }
    static let binary32 = X87Format(precision: 24, minExponent: 16383 - 126, maxExponent: 16383 + 127)
    static let binary64 = X87Format(precision: 53, minExponent: 16383 - 1022, maxExponent: 16383 + 1023)
}

extension X87Arithmetic {
    /// Whether rounding increases the magnitude (IEEE 754 §4.3; SDM Vol. 1
    /// §4.8.4 Table 4-8). `discarded` holds the bits below the kept ones with
    /// the half-way point at bit 63 and a sticky bit at bit 0.
    func roundsUp(sign: Bool, lastKeptBit: Bool, discarded: UInt64) -> Bool {
        guard discarded != 0 else { return false }
        switch control.rounding {
        case .nearestEven: return discarded > 1 << 63 || (discarded == 1 << 63 && lastKeptBit)
        case .towardZero: return false
        case .down: return sign
        case .up: return !sign
        }
    }

    /// Rounds the value `significand` × 2^(exponent − 16383 − 127) to `format`
    /// with the current rounding control, applying the masked responses to
    /// overflow and underflow (SDM Vol. 1 §4.9.1.4, §4.9.1.5, §8.5.4, §8.5.5):
    /// overflow gives infinity or the largest finite number by rounding mode,
    /// tiny results are denormalized, and UE is reported only when the tiny
    /// result is also inexact. Tininess is detected after rounding with an
    /// unbounded exponent (§4.9.1.5). Sets PE, UE, OE and C1 (rounded up).
    /// The result's significand has bit 63 clear when it is denormal in
    /// `format`; its exponent is `maxExponent + 1` for infinity.
    ///
    /// With `registerDestination` and OE or UE unmasked, the unmasked response
    /// instead (§8.5.4, §8.5.5): the result rounded with an unbounded exponent,
    /// its exponent then reduced (overflow) or increased (underflow) by 24576,
    /// and UE raised for any tiny result, exact or not. Without
    /// `registerDestination` an unmasked OE or UE is reported alone (no PE or
    /// C1) and the caller leaves the memory destination unchanged.
    @inline(__always)
    mutating func round(sign: Bool, exponent: Int32, significand wide: UInt128Parts,
                        to format: X87Format, registerDestination: Bool = false) -> X87Unpacked {
        // The common case, kept small: a nonzero high word and an exponent
        // strictly inside the normal range, where the result can be neither
        // tiny nor overflow, even after rounding up into the next binade.
        let shift = wide.high.leadingZeroBitCount
        var e = exponent - Int32(shift)
        guard shift < 64 && e >= format.minExponent && e < format.maxExponent else {
            return roundAnyRange(sign: sign, exponent: exponent, significand: wide, to: format,
                                 registerDestination: registerDestination)
        }
        flags.remove(.c1)
        let p = format.precision
        let high = shift == 0 ? wide.high : wide.high << UInt64(shift) | wide.low >> UInt64(64 - shift)
        let low = wide.low << UInt64(shift)
        var kept = p == 64 ? high : high >> UInt64(64 - p)
        let discarded = p == 64 ? low : high << UInt64(p) | (low != 0 ? 1 : 0)
        if discarded != 0 {
            flags.insert(.precision)
            if roundsUp(sign: sign, lastKeptBit: kept & 1 != 0, discarded: discarded) {
                flags.insert(.c1)
                kept = kept &+ 1
                if kept == 0 || kept >> UInt64(p) != 0 {
                    kept = 1 << UInt64(p - 1)
                    e += 1
                }
            }
        }
        return X87Unpacked(sign: sign, exponent: e, significand: kept << UInt64(64 - p))
    }

    /// `round` for any value, the tiny and overflowing ones included.
    @inline(never)
    private mutating func roundAnyRange(sign: Bool, exponent: Int32, significand wide: UInt128Parts,
                                        to format: X87Format, registerDestination: Bool) -> X87Unpacked {
        flags.remove(.c1)
        if wide.isZero { return X87Unpacked(sign: sign, exponent: format.minExponent, significand: 0) }
        let p = format.precision
        let normalize = wide.leadingZeroBitCount
        var sig = wide.shiftedLeft(normalize)
        var e = exponent - Int32(normalize)

        func split(_ s: UInt128Parts) -> (kept: UInt64, discarded: UInt64) {
            if p == 64 { return (s.high, s.low) }
            return (s.high >> UInt64(64 - p), s.high << UInt64(p) | (s.low != 0 ? 1 : 0))
        }
        let fullMask: UInt64 = p == 64 ? ~0 : (1 << UInt64(p)) - 1

        var tiny = false
        if e < format.minExponent {
            let (kept, discarded) = split(sig)
            let carriesToNormal = e == format.minExponent - 1 && kept == fullMask
                && roundsUp(sign: sign, lastKeptBit: true, discarded: discarded)
            tiny = !carriesToNormal
        }
        // An unmasked OE or UE on a memory destination stores nothing and
        // reports only itself (neither PE nor C1).
        if tiny && !registerDestination && !control.exceptionMasks.contains(.underflow) {
            flags.insert(.underflow)
            return X87Unpacked(sign: sign, exponent: format.minExponent, significand: 0)
        }
        let unmaskedUnderflow = tiny && registerDestination && !control.exceptionMasks.contains(.underflow)
        // Beyond the reach of the adjustment (only FSCALE gets there) the host
        // delivers a signed zero or infinity whatever the rounding mode.
        if unmaskedUnderflow && e + X87Arithmetic.unmaskedBiasAdjust < format.minExponent {
            flags.formUnion([.underflow, .precision])
            return X87Unpacked(sign: sign, exponent: format.minExponent, significand: 0)
        }
        if e < format.minExponent && !unmaskedUnderflow {
            let distance = Int(min(format.minExponent - e, 200))
            sig = sig.shiftedRightJamming(distance)
            e = format.minExponent
        }

        var (kept, discarded) = split(sig)
        let inexact = discarded != 0
        let up = roundsUp(sign: sign, lastKeptBit: kept & 1 != 0, discarded: discarded)
        if up {
            kept = kept &+ 1
            if kept & fullMask == 0 {
                kept = 1 << UInt64(p - 1)
                e += 1
            }
        }
        let result = kept << UInt64(64 - p)

        if unmaskedUnderflow {
            flags.insert(.underflow)
            if inexact { flags.insert(.precision) }
            if up { flags.insert(.c1) }
            return X87Unpacked(sign: sign, exponent: e + X87Arithmetic.unmaskedBiasAdjust, significand: result)
        }
        if e > format.maxExponent && !registerDestination && !control.exceptionMasks.contains(.overflow) {
            flags.insert(.overflow)
            return X87Unpacked(sign: sign, exponent: format.maxExponent + 1, significand: 1 << 63)
        }
        if e > format.maxExponent && registerDestination && !control.exceptionMasks.contains(.overflow) {
            if e - X87Arithmetic.unmaskedBiasAdjust > format.maxExponent {
                flags.formUnion([.overflow, .precision, .c1])
                return X87Unpacked(sign: sign, exponent: format.maxExponent + 1, significand: 1 << 63)
            }
            flags.insert(.overflow)
            if inexact { flags.insert(.precision) }
            if up { flags.insert(.c1) }
            return X87Unpacked(sign: sign, exponent: e - X87Arithmetic.unmaskedBiasAdjust, significand: result)
        }
        if e > format.maxExponent {
            flags.formUnion([.overflow, .precision])
            let toInfinity: Bool
            switch control.rounding {
            case .nearestEven: toInfinity = true
            case .towardZero: toInfinity = false
            case .down: toInfinity = sign
            case .up: toInfinity = !sign
            }
            if toInfinity {
                flags.insert(.c1)
                return X87Unpacked(sign: sign, exponent: format.maxExponent + 1, significand: 1 << 63)
            }
            return X87Unpacked(sign: sign, exponent: format.maxExponent, significand: fullMask << UInt64(64 - p))
        }
        if inexact {
            flags.insert(.precision)
            if tiny { flags.insert(.underflow) }
        }
        if up { flags.insert(.c1) }
        return X87Unpacked(sign: sign, exponent: e, significand: result)
    }

    /// Rounds to the extended format with the current precision control and
    /// encodes the result.
    mutating func roundToExtended(sign: Bool, exponent: Int32, significand: UInt128Parts,
                                  precision: X87Control.Precision? = nil) -> Extended80 {
        let r = round(sign: sign, exponent: exponent, significand: significand,
                      to: .extended(precision ?? control.precision), registerDestination: true)
        return Extended80.encode(r)
    }

    /// The exponent adjustment of the unmasked overflow and underflow responses
    /// for the extended format (SDM Vol. 1 §8.5.4, §8.5.5).
    static let unmaskedBiasAdjust: Int32 = 24576
}

extension Extended80 {
    /// Encodes a rounded value; a significand without its integer bit is a
    /// denormal or zero (exponent field 0).
    static func encode(_ r: X87Unpacked) -> Extended80 {
        if r.significand >> 63 == 0 { return Extended80(sign: r.sign, exponent: 0, significand: r.significand) }
        return Extended80(sign: r.sign, exponent: UInt16(truncatingIfNeeded: r.exponent), significand: r.significand)
    }
}
