/// FCOM/FUCOM/FTST comparisons (SDM Vol. 2 FCOM/FCOMP/FCOMPP, FUCOM/FUCOMP/
/// FUCOMPP and FTST; IEEE 754 §5.11): the result as condition codes C3 C2 C0 —
/// greater 000, less 001, equal 100, unordered 111 — with C1 cleared; and
/// FXAM's classification.
extension X87Arithmetic {
    public enum Comparison: Sendable {
        case greater, less, equal, unordered

        /// The C3/C2/C0 bits FCOM and FUCOM set.
        public var conditionCodes: X87StatusFlags {
            switch self {
            case .greater: return []
            case .less: return .c0
            case .equal: return .c3
            case .unordered: return [.c3, .c2, .c0]
            }
        }
    }

    /// Compares a with b. The ordered form (FCOM) raises IE for any NaN
    /// operand; the unordered form (FUCOM) only for an SNaN. Unsupported
    /// encodings are invalid in both. Sets C3/C2/C0 and clears C1.
    public mutating func compare(_ a: Extended80, _ b: Extended80, ordered: Bool) -> Comparison {
        let result = compareValues(a, b, ordered: ordered)
        flags.subtract(.conditionCodes)
        flags.formUnion(result.conditionCodes)
        return result
    }

    private mutating func compareValues(_ a: Extended80, _ b: Extended80, ordered: Bool) -> Comparison {
        if a.isUnsupported || b.isUnsupported {
            flags.insert(.invalid)
            return .unordered
        }
        if a.isNaN || b.isNaN {
            if ordered || a.isSignalingNaN || b.isSignalingNaN { flags.insert(.invalid) }
            return .unordered
        }
        if a.isDenormalOperand || b.isDenormalOperand { flags.insert(.denormal) }
        let x = X87Unpacked(a), y = X87Unpacked(b)
        if x.isZero && y.isZero { return .equal }
        if x.sign != y.sign { return x.sign ? .less : .greater }
        let magnitudeX = (exponent: a.isInfinity ? Int32.max : x.exponent, significand: x.significand)
        let magnitudeY = (exponent: b.isInfinity ? Int32.max : y.exponent, significand: y.significand)
        let xZero = x.isZero, yZero = y.isZero
        let xBigger: Bool
        if xZero || yZero {
            if xZero && yZero { return .equal }
            xBigger = yZero
        } else if magnitudeX == magnitudeY {
            return .equal
        } else {
            xBigger = magnitudeX.exponent != magnitudeY.exponent
                ? magnitudeX.exponent > magnitudeY.exponent : magnitudeX.significand > magnitudeY.significand
        }
        return xBigger != x.sign ? .greater : .less
    }

    /// FTST: compares with +0.0 like FCOM (any NaN is invalid).
    public mutating func test(_ a: Extended80) -> Comparison {
        compare(a, .zero(sign: false), ordered: true)
    }

    /// FXAM: the class of ST(0) in C3 C2 C0 and its sign in C1 (SDM Vol. 2
    /// FXAM results table: unsupported 000, NaN 001, normal 010, infinity 011,
    /// zero 100, empty 101, denormal 110); nil stands for an empty register.
    /// Raises no exception.
    public static func examine(_ a: Extended80?) -> X87StatusFlags {
        guard let a else { return [.c3, .c0] }
        let sign: X87StatusFlags = a.sign ? .c1 : []
        switch a.kind {
        case .unnormal, .pseudoInfinity, .pseudoNaN: return sign
        case .quietNaN, .signalingNaN: return sign.union(.c0)
        case .normal: return sign.union(.c2)
        case .infinity: return sign.union([.c2, .c0])
        case .zero: return sign.union(.c3)
        case .denormal, .pseudoDenormal: return sign.union([.c3, .c2])
        }
    }
}
