/// FSIN, FCOS, FSINCOS and FPTAN (SDM Vol. 2 FSIN, FCOS, FSINCOS, FPTAN;
/// Vol. 1 §8.3.8 and §8.1.3.2 for C2).
///
/// An operand with |x| ≥ 2^63 is out of range: C2 is set, ST(0) is left
/// unchanged and nothing is pushed, which these methods report by returning
/// nil. Otherwise C2 is cleared. An infinity or an unsupported encoding is
/// invalid: the masked response is the real indefinite, for both results of
/// FSINCOS and FPTAN; a NaN operand gives the NaN (quieted) for both, as
/// hardware pushes it in place of 1.0 or the cosine. A denormal raises DE;
/// with DE unmasked the operation stops (the caller leaves the stack as it was;
/// the returned values are then the operand). Results are rounded to 64 bits
/// by RC, precision control does not apply (§8.1.5.2), and C1 tells whether
/// the result (FSINCOS: the sine, FPTAN: the tangent) was rounded up in magnitude.
extension X87Arithmetic {
    /// The value FPTAN pushes after the tangent (SDM Vol. 2 FPTAN).
    static let one = Extended80(signExponent: 0x3FFF, significand: 1 << 63)

    enum TrigonometricFunction {
        case sine, cosine, sineCosine, tangent
    }

    /// FSIN.
    public mutating func sine(_ a: Extended80) -> Extended80? {
        trigonometric(a, .sine, reducingBy: .exact)?.first
    }

    /// FCOS.
    public mutating func cosine(_ a: Extended80) -> Extended80? {
        trigonometric(a, .cosine, reducingBy: .exact)?.first
    }

    /// FSINCOS: the sine replaces ST(0), then the cosine is pushed.
    public mutating func sineCosine(_ a: Extended80) -> (sine: Extended80, cosine: Extended80)? {
        trigonometric(a, .sineCosine, reducingBy: .exact).map { (sine: $0.first, cosine: $0.second) }
    }

    /// FPTAN: the tangent replaces ST(0), then `pushed` is pushed: 1.0, or the
    /// NaN result itself when the tangent is a NaN.
    public mutating func partialTangent(_ a: Extended80) -> (tangent: Extended80, pushed: Extended80)? {
        trigonometric(a, .tangent, reducingBy: .exact).map { (tangent: $0.first, pushed: $0.second) }
    }

    /// The four instructions, reducing by `piOverTwo`. `first` is the sine,
    /// the cosine or the tangent; `second` the cosine of FSINCOS or the value
    /// FPTAN pushes.
    mutating func trigonometric(_ a: Extended80, _ function: TrigonometricFunction,
                                reducingBy piOverTwo: X87PiOverTwo) -> (first: Extended80, second: Extended80)? {
        flags.subtract([.c1, .c2])
        if a.isUnsupported || a.isInfinity {
            let indefinite = invalid()
            return (indefinite, indefinite)
        }
        if a.isNaN {
            if a.isSignalingNaN { flags.insert(.invalid) }
            return (a.quieted, a.quieted)
        }
        if a.exponent >= UInt16(Extended80.exponentBias + 63) {
            flags.insert(.c2)
            return nil
        }
        if denormalStops(a) { return (a, a) }
        if a.isZero {
            switch function {
            case .sine: return (a, a)
            case .cosine: return (X87Arithmetic.one, X87Arithmetic.one)
            case .sineCosine, .tangent: return (a, X87Arithmetic.one)
            }
        }
        var x = X87Unpacked(a)
        let negative = x.sign
        x.sign = false
        let (r, quadrant) = X87Arithmetic.reduce(x, by: piOverTwo)
        let (sineTail, cosineTail) = X87Wide.sineCosineTails(r)
        let sineR = r + sineTail, cosineR = X87Wide.one + cosineTail
        // sin(r + kπ/2) and cos(r + kπ/2) by k mod 4; sin and tan are odd, cos even.
        let odd = quadrant & 1 != 0
        let sineX = (odd ? cosineR : sineR).negatedIf((quadrant >= 2) != negative)
        let cosineX = (odd ? sineR : cosineR).negatedIf(quadrant == 1 || quadrant == 2)
        switch function {
        case .sine:
            let s = roundToExtended(sineX)
            return (s, s)
        case .cosine:
            let c = roundToExtended(cosineX)
            return (c, c)
        case .sineCosine:
            // C1 reports the sine, as on the host the differential test runs on.
            let c = roundToExtended(cosineX)
            return (roundToExtended(sineX), c)
        case .tangent:
            // tan r = r + (sin r − r − r(cos r − 1)) / cos r keeps the tiny
            // difference from r exact; −cot r has no such neighbour.
            let tangent = odd ? (cosineR / sineR).negated : r + (sineTail - r * cosineTail) / cosineR
            return (roundToExtended(tangent.negatedIf(negative)), X87Arithmetic.one)
        }
    }

    /// Rounds a working value to 64 bits by RC; precision control does not
    /// apply to the transcendental instructions (SDM Vol. 1 §8.1.5.2).
    mutating func roundToExtended(_ w: X87Wide) -> Extended80 {
        if w.isZero {
            flags.remove(.c1)
            return .zero(sign: w.sign)
        }
        return roundToExtended(sign: w.sign, exponent: w.exponent &+ Extended80.exponentBias,
                               significand: w.significand, precision: .extended)
    }
}

extension X87Wide {
    func negatedIf(_ condition: Bool) -> X87Wide { condition ? negated : self }
}
