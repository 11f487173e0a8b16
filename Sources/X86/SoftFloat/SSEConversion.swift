/// The SSE/SSE2 conversions between binary32, binary64 and two's-complement
/// integers (SDM Vol. 2 CVTSS2SD, CVTSD2SS, CVTSI2SS, CVTSI2SD, CVTSS2SI,
/// CVTTSS2SI, CVTSD2SI, CVTTSD2SI and their packed forms CVTPS2PD,
/// CVTPD2PS, CVTDQ2PS, CVTPS2DQ, CVTTPS2DQ, CVTDQ2PD, CVTPD2DQ, CVTTPD2DQ,
/// CVTPI2PS, CVTPS2PI, ...). Integer sources are passed as Int64 (an int32
/// source sign-extended).
extension SSEStatus {
    /// CVTSS2SD: exact; a denormal raises DE, an SNaN IE, and a NaN keeps its
    /// fraction in the upper bits, quieted (SDM Vol. 1 §4.8.3.5).
    public mutating func convertToBinary64(_ a: UInt32) -> UInt64 {
        convertFormat(UInt64(a), from: SSEBinary32.self, to: SSEBinary64.self)
    }

    /// CVTSD2SS: rounded by RC, with OE, UE (and FTZ) and PE; a NaN keeps the
    /// upper 22 bits of its fraction, quieted.
    public mutating func convertToBinary32(_ a: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: convertFormat(a, from: SSEBinary64.self, to: SSEBinary32.self))
    }

    /// CVTSI2SS/CVTDQ2PS/CVTPI2PS: rounded by RC, PE when inexact.
    public mutating func convertToBinary32(integer: Int64) -> UInt32 {
        UInt32(truncatingIfNeeded: convert(integer: integer, to: SSEBinary32.self))
    }

    /// CVTSI2SD/CVTDQ2PD/CVTPI2PD (exact for an int32).
    public mutating func convertToBinary64(integer: Int64) -> UInt64 {
        convert(integer: integer, to: SSEBinary64.self)
    }

    /// CVTSS2SI r32 (rounded by RC) or CVTTSS2SI r32 (`truncating`). A NaN,
    /// an infinity or a value out of range raises IE and gives the integer
    /// indefinite 80000000h (SDM Vol. 1 §4.8.3.7, Table 4-3); an inexact
    /// result raises PE. A denormal raises no DE.
    public mutating func convertToInt32(_ a: UInt32, truncating: Bool) -> Int32 {
        Int32(truncatingIfNeeded: convertToInteger(UInt64(a), SSEBinary32.self, bits: 32, truncating: truncating))
    }

    /// CVTSS2SI r64 / CVTTSS2SI r64: the indefinite is 8000000000000000h.
    public mutating func convertToInt64(_ a: UInt32, truncating: Bool) -> Int64 {
        convertToInteger(UInt64(a), SSEBinary32.self, bits: 64, truncating: truncating)
    }

    /// CVTSD2SI r32 / CVTTSD2SI r32 and CVTPD2DQ/CVTTPD2DQ lanes.
    public mutating func convertToInt32(_ a: UInt64, truncating: Bool) -> Int32 {
        Int32(truncatingIfNeeded: convertToInteger(a, SSEBinary64.self, bits: 32, truncating: truncating))
    }

    /// CVTSD2SI r64 / CVTTSD2SI r64.
    public mutating func convertToInt64(_ a: UInt64, truncating: Bool) -> Int64 {
        convertToInteger(a, SSEBinary64.self, bits: 64, truncating: truncating)
    }

    private mutating func convertFormat<S: SSEFloatFormat, T: SSEFloatFormat>(_ a: UInt64, from _: S.Type, to _: T.Type) -> UInt64 {
        let source = S.format, target = T.format
        let x = unpack(a, S.self)
        switch x.kind {
        case .nan:
            if source.isSignalingNaN(a) { flags.insert(.invalid) }
            let fraction = a & source.fractionMask
            let moved = source.fractionBits > target.fractionBits
                ? fraction >> UInt64(source.fractionBits - target.fractionBits)
                : fraction << UInt64(target.fractionBits - source.fractionBits)
            return zero(sign: x.sign, T.self) | target.infinity | target.quietBit | moved
        case .infinity: return zero(sign: x.sign, T.self) | target.infinity
        case .zero: return zero(sign: x.sign, T.self)
        case .finite:
            checkDenormal(x)
            return round(sign: x.sign, exponent: x.exponent, significand: x.significand, T.self)
        }
    }

    private mutating func convert<F: SSEFloatFormat>(integer: Int64, to _: F.Type) -> UInt64 {
        if integer == 0 { return 0 }
        return round(sign: integer < 0, exponent: 0, significand: integer.magnitude, F.self)
    }

    private mutating func convertToInteger<F: SSEFloatFormat>(_ a: UInt64, _: F.Type, bits: Int, truncating: Bool) -> Int64 {
        let indefinite = Int64.min >> Int64(64 - bits)
        let x = unpack(a, F.self)
        switch x.kind {
        case .nan, .infinity:
            flags.insert(.invalid)
            return indefinite
        case .zero: return 0
        case .finite: break
        }
        let magnitude: UInt64
        var inexact = false
        if x.exponent >= 0 {
            // The significand has at most 53 bits: shifts past 63 bits overflow.
            guard x.exponent + Int32(64 - x.significand.leadingZeroBitCount) <= 64 else {
                flags.insert(.invalid)
                return indefinite
            }
            magnitude = x.significand << UInt64(x.exponent)
        } else {
            let fractionBits = -x.exponent
            let kept = fractionBits >= 64 ? 0 : x.significand >> UInt64(fractionBits)
            let discarded = fractionBits >= 64 ? (fractionBits == 64 ? x.significand : 1)
                : x.significand << UInt64(64 - fractionBits)
            inexact = discarded != 0
            let up = !truncating && roundsUp(sign: x.sign, lastKeptBit: kept & 1 != 0, discarded: discarded)
            magnitude = up ? kept + 1 : kept
        }
        let limit = UInt64(1) << UInt64(bits - 1)
        if magnitude > limit || (magnitude == limit && !x.sign) {
            flags.insert(.invalid)
            return indefinite
        }
        if inexact { flags.insert(.precision) }
        return x.sign ? Int64(bitPattern: 0 &- magnitude) : Int64(bitPattern: magnitude)
    }
}
