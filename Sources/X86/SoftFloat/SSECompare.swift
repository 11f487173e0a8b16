/// The result of an SSE comparison (IEEE 754 §5.11).
public enum SSEComparison: Sendable {
    case less, equal, greater, unordered

    /// The RFLAGS bits COMISS/UCOMISS/COMISD/UCOMISD set — ZF PF CF: unordered
    /// 111, greater 000, less 001, equal 100 — as a value at their RFLAGS
    /// positions (ZF bit 6, PF bit 2, CF bit 0); OF, SF and AF are cleared
    /// (SDM Vol. 2 COMISS).
    public var rflags: UInt32 {
        switch self {
        case .unordered: return 0x45
        case .greater: return 0
        case .less: return 0x01
        case .equal: return 0x40
        }
    }
}

/// CMPPS/CMPSS/CMPPD/CMPSD with the predicates 0-7 of imm8 and the scalar
/// comparisons COMISS/UCOMISS/COMISD/UCOMISD (SDM Vol. 2 of each, Table
/// "Comparison Predicate for CMPPD and CMPPS Instructions").
extension SSEStatus {
    /// The CMPPS predicates of imm8 bits 2..0.
    public enum Predicate: UInt8, Sendable, CaseIterable {
        case equal = 0, less, lessOrEqual, unordered, notEqual, notLess, notLessOrEqual, ordered

        /// LT, LE, NLT and NLE signal on any NaN operand (IE for a QNaN
        /// too); the others only on an SNaN.
        var signalsQuietNaN: Bool {
            self == .less || self == .lessOrEqual || self == .notLess || self == .notLessOrEqual
        }

        func holds(_ c: SSEComparison) -> Bool {
            switch self {
            case .equal: return c == .equal
            case .less: return c == .less
            case .lessOrEqual: return c == .less || c == .equal
            case .unordered: return c == .unordered
            case .notEqual: return c != .equal
            case .notLess: return c != .less
            case .notLessOrEqual: return c != .less && c != .equal
            case .ordered: return c != .unordered
            }
        }
    }

    /// CMPPS/CMPSS: all ones when the predicate holds for a and b, else zero.
    public mutating func compare(_ a: UInt32, _ b: UInt32, _ predicate: Predicate) -> UInt32 {
        let c = compare(UInt64(a), UInt64(b), SSEBinary32.self, signalsQuietNaN: predicate.signalsQuietNaN)
        return predicate.holds(c) ? ~0 : 0
    }

    /// CMPPD/CMPSD.
    public mutating func compare(_ a: UInt64, _ b: UInt64, _ predicate: Predicate) -> UInt64 {
        let c = compare(a, b, SSEBinary64.self, signalsQuietNaN: predicate.signalsQuietNaN)
        return predicate.holds(c) ? ~0 : 0
    }

    /// COMISS (`signalsQuietNaN`: IE for any NaN) and UCOMISS (IE for an SNaN
    /// only). A denormal operand raises DE unless a NaN is compared.
    public mutating func compareScalar(_ a: UInt32, _ b: UInt32, signalsQuietNaN: Bool) -> SSEComparison {
        compare(UInt64(a), UInt64(b), SSEBinary32.self, signalsQuietNaN: signalsQuietNaN)
    }

    /// COMISD and UCOMISD.
    public mutating func compareScalar(_ a: UInt64, _ b: UInt64, signalsQuietNaN: Bool) -> SSEComparison {
        compare(a, b, SSEBinary64.self, signalsQuietNaN: signalsQuietNaN)
    }

    private mutating func compare<F: SSEFloatFormat>(_ a: UInt64, _ b: UInt64, _: F.Type, signalsQuietNaN: Bool) -> SSEComparison {
        let format = F.format
        let x = unpack(a, F.self), y = unpack(b, F.self)
        if x.kind == .nan || y.kind == .nan {
            if signalsQuietNaN || format.isSignalingNaN(a) || format.isSignalingNaN(b) { flags.insert(.invalid) }
            return .unordered
        }
        checkDenormal(x, y)
        return SSEStatus.order(x, y)
    }

    /// The order of two operands that are not NaNs; zeros of either sign are equal.
    static func order(_ x: SSEOperand, _ y: SSEOperand) -> SSEComparison {
        func rank(_ k: SSEOperand.Kind) -> Int { k == .zero ? 0 : k == .finite ? 1 : 2 }
        if x.kind == .zero && y.kind == .zero { return .equal }
        if x.sign != y.sign { return x.sign ? .less : .greater }
        let rx = rank(x.kind), ry = rank(y.kind)
        let xBigger: Bool
        if rx != ry {
            xBigger = rx > ry
        } else if rx != 1 || (x.exponent == y.exponent && x.significand == y.significand) {
            return .equal
        } else {
            xBigger = x.exponent != y.exponent ? x.exponent > y.exponent : x.significand > y.significand
        }
        return xBigger != x.sign ? .greater : .less
    }
}
