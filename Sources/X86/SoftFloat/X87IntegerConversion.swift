/// Conversions between the extended format and two's-complement integers:
/// FILD (exact) and FIST/FISTP (rounded by RC; out of range or NaN gives the
/// integer indefinite with IE, SDM Vol. 1 §4.8.3.7 and Vol. 2 FIST/FISTP).
extension X87Arithmetic {
    /// FILD: every 16-, 32- and 64-bit integer is exact in the extended format.
    public func load(integer value: Int64) -> Extended80 {
        if value == 0 { return .zero(sign: false) }
        let magnitude = value.magnitude
        let shift = magnitude.leadingZeroBitCount
        return Extended80(sign: value < 0, exponent: UInt16(Extended80.exponentBias) + UInt16(63 - shift),
                          significand: magnitude << UInt64(shift))
    }

    /// Rounds a finite operand to an integer magnitude by RC (IEEE 754 §5.8),
    /// with PE and C1 (rounded up) on an inexact result. Returns nil when the
    /// magnitude is 2^64 or more.
    mutating func roundToIntegerMagnitude(_ x: X87Unpacked) -> UInt64? {
        flags.remove(.c1)
        if x.isZero { return 0 }
        let unbiased = x.exponent - Extended80.exponentBias
        if unbiased >= 64 { return nil }
        if unbiased >= 63 { return x.significand }
        let fractionBits = 63 - unbiased
        let kept: UInt64, discarded: UInt64
        if fractionBits >= 65 {
            kept = 0
            discarded = 1
        } else if fractionBits == 64 {
            kept = 0
            discarded = x.significand
        } else {
            kept = x.significand >> UInt64(fractionBits)
            discarded = x.significand << UInt64(64 - fractionBits)
        }
        guard discarded != 0 else { return kept }
        flags.insert(.precision)
        if roundsUp(sign: x.sign, lastKeptBit: kept & 1 != 0, discarded: discarded) {
            flags.insert(.c1)
            return kept + 1
        }
        return kept
    }

    /// FIST/FISTP to a signed integer of `bits` (16, 32 or 64) bits. A
    /// denormal source raises no DE; with IE unmasked the caller leaves memory
    /// unchanged.
    public mutating func convertToInteger(_ a: Extended80, bits: Int) -> Int64 {
        convertToInteger(a, bits: bits, rounding: control.rounding)
    }

    /// FISTTP (SSE3): as FIST/FISTP but always truncating (SDM Vol. 2 FISTTP).
    public mutating func convertToIntegerTruncating(_ a: Extended80, bits: Int) -> Int64 {
        convertToInteger(a, bits: bits, rounding: .towardZero)
    }

    private mutating func convertToInteger(_ a: Extended80, bits: Int, rounding: X87Control.Rounding) -> Int64 {
        let saved = control
        control.rounding = rounding
        defer { control = saved }
        let indefinite = Int64(-1) << Int64(bits - 1)
        flags.remove(.c1)
        if a.isUnsupported || a.isNaN || a.isInfinity {
            flags.insert(.invalid)
            return indefinite
        }
        let x = X87Unpacked(a)
        let before = flags
        guard let magnitude = roundToIntegerMagnitude(x) else {
            flags = before
            flags.insert(.invalid)
            return indefinite
        }
        let limit = UInt64(1) << UInt64(bits - 1)
        if magnitude > limit || (magnitude == limit && !x.sign) {
            flags = before
            flags.insert(.invalid)
            return indefinite
        }
        return x.sign ? Int64(bitPattern: 0 &- magnitude) : Int64(bitPattern: magnitude)
    }
}
