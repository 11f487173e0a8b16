/// The x87 double-extended-precision format as stored in a data register or an
/// 80-bit memory operand (SDM Vol. 1 §4.2.2, Figure 4-3; IEEE 754 binary64
/// extended): a sign, a 15-bit exponent biased by 16383 and a 64-bit
/// significand whose bit 63 is the explicit integer bit J.
public struct Extended80: Equatable, Hashable, Sendable {
    /// Bit 15: sign; bits 14..0: biased exponent.
    public var signExponent: UInt16
    /// Bit 63: the integer bit J; bits 62..0: the fraction.
    public var significand: UInt64

    public init(signExponent: UInt16, significand: UInt64) {
        self.signExponent = signExponent
        self.significand = significand
    }

    public init(sign: Bool, exponent: UInt16, significand: UInt64) {
        self.signExponent = (sign ? 0x8000 : 0) | (exponent & 0x7FFF)
        self.significand = significand
    }

    public var sign: Bool { signExponent & 0x8000 != 0 }
    /// The biased exponent field.
    public var exponent: UInt16 { signExponent & 0x7FFF }

    public static let exponentBias: Int32 = 16383

    /// The real indefinite, the masked response to an invalid operation with no
    /// NaN operand (SDM Vol. 1 §4.8.3.7, Table 4-3 / §8.2.2).
    public static let indefinite = Extended80(signExponent: 0xFFFF, significand: 0xC000_0000_0000_0000)
    public static func zero(sign: Bool) -> Extended80 { Extended80(sign: sign, exponent: 0, significand: 0) }
    public static func infinity(sign: Bool) -> Extended80 { Extended80(sign: sign, exponent: 0x7FFF, significand: 1 << 63) }

    /// The encoding classes of SDM Vol. 1 §8.2.2 Table 8-3 (and §4.8 for the
    /// supported ones). The pseudo- and un- classes are encodings the 80387 and
    /// later reject as operands ("unsupported"), except pseudo-denormals, which
    /// arithmetic accepts like denormals (§8.2.2).
    public enum Kind: Equatable, Sendable {
        case zero
        /// Exponent 0, J = 0, fraction ≠ 0.
        case denormal
        /// Exponent 0, J = 1: the value of the same significand with exponent 1.
        case pseudoDenormal
        case normal
        /// Exponent 1...7FFEh with J = 0: unsupported.
        case unnormal
        case infinity
        /// Exponent 7FFFh, J = 0, fraction 0: unsupported.
        case pseudoInfinity
        case quietNaN
        case signalingNaN
        /// Exponent 7FFFh, J = 0, fraction ≠ 0: unsupported.
        case pseudoNaN
    }

    public var kind: Kind {
        let j = significand >> 63 != 0
        let fraction = significand & 0x7FFF_FFFF_FFFF_FFFF
        switch exponent {
        case 0:
            if j { return .pseudoDenormal }
            return fraction == 0 ? .zero : .denormal
        case 0x7FFF:
            if !j { return fraction == 0 ? .pseudoInfinity : .pseudoNaN }
            if fraction == 0 { return .infinity }
            return fraction >> 62 != 0 ? .quietNaN : .signalingNaN
        default:
            return j ? .normal : .unnormal
        }
    }

    /// An encoding that x87 arithmetic rejects with an invalid-operation
    /// exception (SDM Vol. 1 §8.2.2, Table 8-3: pseudo-NaN, pseudo-infinity, unnormal).
    public var isUnsupported: Bool {
        let j = significand >> 63 != 0
        return !j && exponent != 0
    }
    public var isNaN: Bool { exponent == 0x7FFF && significand & 0x7FFF_FFFF_FFFF_FFFF != 0 && significand >> 63 != 0 }
    public var isSignalingNaN: Bool { isNaN && significand & (1 << 62) == 0 }
    public var isInfinity: Bool { exponent == 0x7FFF && significand == 1 << 63 }
    public var isZero: Bool { exponent == 0 && significand == 0 }
    /// A denormal or pseudo-denormal operand, which raises #D (SDM Vol. 1 §8.5.2).
    public var isDenormalOperand: Bool { exponent == 0 && significand != 0 }

    /// The NaN with its quiet bit set (SDM Vol. 1 §4.8.3.5).
    var quieted: Extended80 { Extended80(signExponent: signExponent, significand: significand | (1 << 62)) }
}
