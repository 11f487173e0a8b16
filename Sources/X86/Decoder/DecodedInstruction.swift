/// One instruction after decoding: the opcode, the ModR/M fields, the resolved
/// effective-address recipe and the immediates, in 24 bytes so that the decode
/// cache stays small (DESIGN.md, "The hot path").
public struct DecodedInstruction {
    /// 0x000-0x0FF: one-byte opcode map; 0x100-0x1FF: two-byte map (0F xx).
    public var opcode: UInt16 = 0
    public var length: UInt8 = 0
    public var modrm: UInt8 = 0
    public var prefixes: UInt8 = 0
    /// The segment of a DS-default access: the override prefix if any, else the
    /// default of the addressing form (SS for BP/SP bases).
    public var segment: UInt8 = 3
    /// Effective-address base and index registers (`DecodedInstruction.noRegister` when absent) and scale shift.
    public var base: UInt8 = noRegister
    public var index: UInt8 = noRegister
    public var scale: UInt8 = 0
    /// Set when an instruction has a segment-override prefix.
    public var hasSegmentOverride: Bool = false
    public var displacement: UInt32 = 0
    public var immediate: UInt32 = 0
    /// ENTER's nesting level, or the selector of a far pointer.
    public var immediate2: UInt16 = 0

    public static let noRegister: UInt8 = 0xFF

    // Prefix bits.
    public static let operandSize32: UInt8 = 1 << 0
    public static let addressSize32: UInt8 = 1 << 1
    public static let lock: UInt8 = 1 << 2
    public static let repeatZ: UInt8 = 1 << 3      // F3: REP / REPE
    public static let repeatNZ: UInt8 = 1 << 4     // F2: REPNE
    public static let invalid: UInt8 = 1 << 5      // decoding failed: raises #UD (or #GP for length > 15)
    public static let tooLong: UInt8 = 1 << 6

    public init() {}

    @inline(__always) public var operandSize: Int { prefixes & DecodedInstruction.operandSize32 != 0 ? 4 : 2 }
    @inline(__always) public var address32: Bool { prefixes & DecodedInstruction.addressSize32 != 0 }
    @inline(__always) public var reg: Int { Int(modrm >> 3) & 7 }
    @inline(__always) public var rm: Int { Int(modrm) & 7 }
    /// The r/m operand is a register (mod == 3).
    @inline(__always) public var registerForm: Bool { modrm >= 0xC0 }
    @inline(__always) public var hasRepeat: Bool { prefixes & (DecodedInstruction.repeatZ | DecodedInstruction.repeatNZ) != 0 }
}
