/// The rounding and precision fields of the x87 control word (SDM Vol. 1
/// §8.1.5, Figure 8-6): RC in bits 11..10 (§4.8.4, Table 4-8) and PC in bits
/// 9..8 (§8.1.5.2, Table 8-2).
public struct X87Control: Equatable, Sendable {
    public enum Rounding: UInt16, Sendable, CaseIterable {
        case nearestEven = 0, down = 1, up = 2, towardZero = 3
    }
    /// Significand width of results of the arithmetic instructions that
    /// precision control affects (§8.1.5.2); the exponent range stays 15 bits.
    public enum Precision: UInt16, Sendable, CaseIterable {
        case single = 0, double = 2, extended = 3
        var bits: Int { self == .single ? 24 : self == .double ? 53 : 64 }
    }

    public var rounding: Rounding
    public var precision: Precision
    /// The exception masks IM DM ZM OM UM PM (bits 5..0, at the positions of
    /// the flags they mask, §8.1.5.1). An unmasked IE, DE or ZE stops the
    /// operation (the caller leaves the destination unchanged); an unmasked OE
    /// or UE changes the result delivered to a register (§8.5).
    public var exceptionMasks: X87StatusFlags

    public init(rounding: Rounding = .nearestEven, precision: Precision = .extended,
                exceptionMasks: X87StatusFlags = .exceptions) {
        self.rounding = rounding
        self.precision = precision
        self.exceptionMasks = exceptionMasks
    }

    /// From a control word. The reserved PC value 01b (Table 8-2) rounds to
    /// 64 bits, as the AMD host of the differential test does.
    @inline(__always)
    public init(controlWord: UInt16) {
        rounding = Rounding(rawValue: (controlWord >> 10) & 3) ?? .nearestEven
        precision = Precision(rawValue: (controlWord >> 8) & 3) ?? .extended
        exceptionMasks = X87StatusFlags(rawValue: controlWord & 0x3F)
    }

    /// The RC and PC bits of a control word.
    public var controlWordBits: UInt16 { rounding.rawValue << 10 | precision.rawValue << 8 }
}

/// Status-word bits an operation reports (SDM Vol. 1 §8.1.3, Figure 8-4): the
/// exception flags IE DE ZE OE UE PE (§8.1.3.1, sticky) and the condition
/// codes C0..C3 at their status-word positions. C1 after an inexact result
/// tells whether it was rounded up (§8.1.3.3).
public struct X87StatusFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let invalid = X87StatusFlags(rawValue: 1 << 0)
    public static let denormal = X87StatusFlags(rawValue: 1 << 1)
    public static let zeroDivide = X87StatusFlags(rawValue: 1 << 2)
    public static let overflow = X87StatusFlags(rawValue: 1 << 3)
    public static let underflow = X87StatusFlags(rawValue: 1 << 4)
    public static let precision = X87StatusFlags(rawValue: 1 << 5)
    public static let c0 = X87StatusFlags(rawValue: 1 << 8)
    public static let c1 = X87StatusFlags(rawValue: 1 << 9)
    public static let c2 = X87StatusFlags(rawValue: 1 << 10)
    public static let c3 = X87StatusFlags(rawValue: 1 << 14)

    public static let exceptions: X87StatusFlags = [.invalid, .denormal, .zeroDivide, .overflow, .underflow, .precision]
    public static let conditionCodes: X87StatusFlags = [.c0, .c1, .c2, .c3]
}
