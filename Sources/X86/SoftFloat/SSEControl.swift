/// The SIMD floating-point exception flags of MXCSR bits 5..0 (SDM Vol. 1
/// §10.2.3, Figure 10-3; §11.5.2): IE DE ZE OE UE PE. The masks IM..PM are
/// the same bits shifted left by 7.
public struct SSEExceptions: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let invalid = SSEExceptions(rawValue: 1 << 0)
    public static let denormal = SSEExceptions(rawValue: 1 << 1)
    public static let zeroDivide = SSEExceptions(rawValue: 1 << 2)
    public static let overflow = SSEExceptions(rawValue: 1 << 3)
    public static let underflow = SSEExceptions(rawValue: 1 << 4)
    public static let precision = SSEExceptions(rawValue: 1 << 5)

    public static let all: SSEExceptions = [.invalid, .denormal, .zeroDivide, .overflow, .underflow, .precision]
    /// The exceptions detected on the operands before the computation
    /// (SDM Vol. 1 §11.5.1); OE, UE and PE are detected on its result.
    public static let precomputation: SSEExceptions = [.invalid, .denormal, .zeroDivide]
}

/// The control part of MXCSR (SDM Vol. 1 §10.2.3) and the exceptions the
/// lanes of one instruction raised, in the integer arithmetic of the SSE
/// SoftFloat core.
///
/// An instruction makes one `SSEStatus` from MXCSR, computes each lane with
/// it (the operations return the masked response and add the lane's flags
/// to `flags`) and then asks `outcome` what MXCSR receives and whether #XM
/// is raised instead of writing the destination (SDM Vol. 1 §11.5.1,
/// Vol. 2 "SIMD Floating-Point Exceptions"). A lane's flags depend on the
/// masks only for OE and UE: unmasked, they are detected on the result
/// rounded with an unbounded exponent (§11.5.2.4, §11.5.2.5), so an exact
/// overflow reports no PE and an exact tiny result reports UE.
public struct SSEStatus: Sendable {
    /// MXCSR.RC, bits 14..13 (SDM Vol. 1 §4.8.4, Table 4-8).
    public enum Rounding: UInt32, Sendable, CaseIterable {
        case nearestEven = 0, down = 1, up = 2, towardZero = 3
    }

    public var rounding: Rounding
    /// MXCSR.FTZ, bit 15: tiny results become signed zeros when UE is
    /// masked (SDM Vol. 1 §10.2.3.3).
    public var flushToZero: Bool
    /// MXCSR.DAZ, bit 6: denormal operands are read as signed zeros, without
    /// DE (SDM Vol. 1 §10.2.3.4).
    public var denormalsAreZeros: Bool
    /// MXCSR bits 12..7, at the positions of the flags they mask.
    public var masks: SSEExceptions
    /// The exceptions raised since this status was made, by every lane.
    public var flags: SSEExceptions = []

    public init(rounding: Rounding = .nearestEven, flushToZero: Bool = false,
                denormalsAreZeros: Bool = false, masks: SSEExceptions = .all) {
        self.rounding = rounding
        self.flushToZero = flushToZero
        self.denormalsAreZeros = denormalsAreZeros
        self.masks = masks
    }

    public init(mxcsr: UInt32) {
        rounding = Rounding(rawValue: (mxcsr >> 13) & 3) ?? .nearestEven
        flushToZero = mxcsr & 1 << 15 != 0
        denormalsAreZeros = mxcsr & 1 << 6 != 0
        masks = SSEExceptions(rawValue: (mxcsr >> 7) & 0x3F)
    }

    /// What the instruction reports, from the flags of all its lanes (SDM
    /// Vol. 1 §11.5.1): when any lane raised an unmasked IE, DE or ZE, the
    /// computation stops before the result checks, so MXCSR receives only
    /// the IE, DE and ZE flags of all lanes; otherwise it receives every
    /// flag of every lane. `unmasked` tells that one of the reported flags
    /// is unmasked: the instruction then writes no destination (no
    /// register, memory or RFLAGS result) and raises #XM (or #UD when
    /// CR4.OSXMMEXCPT is clear). Checked on the host: a packed division with
    /// an unmasked ZE in one lane and OE, UE and PE in others reports ZE
    /// alone.
    public var outcome: (raised: SSEExceptions, unmasked: Bool) {
        let early = flags.intersection(.precomputation)
        if !early.subtracting(masks).isEmpty { return (early, true) }
        return (flags, !flags.subtracting(masks).isEmpty)
    }
}
