/// One instruction after decoding: the opcode, the ModR/M fields, the resolved
/// effective-address recipe and the immediates, in 24 bytes so that the decode
/// cache stays small (DESIGN.md, "The hot path").
public struct DecodedInstruction {
    // The fields are packed into whole words, with accessors below: a struct of
    // byte fields is passed between functions by reassembling it byte by byte
    // into registers, which cost more than the instructions it describes.
    @usableFromInline var word: UInt64 = 0xFFFF_0300_0000_0000
    public var displacement: UInt32 = 0
    public var immediate: UInt32 = 0
    @usableFromInline var extra: UInt32 = 0

    /// 0x000-0x0FF: one-byte opcode map; 0x100-0x1FF: two-byte map (0F xx).
    @inline(__always) public var opcode: UInt16 {
        get { UInt16(truncatingIfNeeded: word) }
        set { word = (word & ~0xFFFF) | UInt64(newValue) }
    }
    @inline(__always) public var length: UInt8 {
        get { UInt8(truncatingIfNeeded: word >> 16) }
        set { setByte(2, newValue) }
    }
    @inline(__always) public var modrm: UInt8 {
        get { UInt8(truncatingIfNeeded: word >> 24) }
        set { setByte(3, newValue) }
    }
    @inline(__always) public var prefixes: UInt8 {
        get { UInt8(truncatingIfNeeded: word >> 32) }
        set { setByte(4, newValue) }
    }
    /// The segment of a DS-default access: the override prefix if any, else the
    /// default of the addressing form (SS for BP/SP bases).
    @inline(__always) public var segment: UInt8 {
        get { UInt8(truncatingIfNeeded: word >> 40) }
        set { setByte(5, newValue) }
    }
    /// Effective-address base and index registers (`noRegister` when absent).
    @inline(__always) public var base: UInt8 {
        get { UInt8(truncatingIfNeeded: word >> 48) }
        set { setByte(6, newValue) }
    }
    @inline(__always) public var index: UInt8 {
        get { UInt8(truncatingIfNeeded: word >> 56) }
        set { setByte(7, newValue) }
    }
    /// Scale shift of the index (0-3).
    @inline(__always) public var scale: UInt8 {
        get { UInt8(truncatingIfNeeded: extra) & 3 }
        set { extra = (extra & ~3) | UInt32(newValue & 3) }
    }
    /// Set when an instruction has a segment-override prefix.
    @inline(__always) public var hasSegmentOverride: Bool {
        get { extra & 4 != 0 }
        set { extra = newValue ? extra | 4 : extra & ~4 }
    }
    /// The size in bytes (1, 2 or 4) of an instruction whose opcode's low bit
    /// selects byte or full size, as most one- and two-byte opcodes do: 1 for an
    /// even opcode, else the operand size. Bits 3-5 of `extra`, set at decode
    /// so that the run loop does not work it out for every instruction.
    @inline(__always) public var size: Int {
        get { Int(truncatingIfNeeded: extra >> 3) & 7 }
        set { extra = (extra & ~0x38) | UInt32(newValue & 7) << 3 }
    }
    /// The interpreter's operation for `opcode` (bits 8-15 of `extra`).
    @inline(__always) var operation: Operation {
        // Only the setter writes these bits, always from a valid Operation.
        get { unsafeBitCast(UInt8(truncatingIfNeeded: extra >> 8), to: Operation.self) }
        set { extra = (extra & ~0xFF00) | UInt32(newValue.rawValue) << 8 }
    }
    /// ENTER's nesting level, or the selector of a far pointer.
    @inline(__always) public var immediate2: UInt16 {
        get { UInt16(truncatingIfNeeded: extra >> 16) }
        set { extra = (extra & 0xFFFF) | UInt32(newValue) << 16 }
    }

    @inline(__always) mutating func setByte(_ n: Int, _ v: UInt8) {
        let shift = UInt64(n * 8)
        word = (word & ~(0xFF << shift)) | UInt64(v) << shift
    }

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
