/// One instruction after decoding: the opcode, the ModR/M fields with the
/// register numbers REX extends, the resolved effective-address recipe, the
/// operand and address sizes, and the immediates, in 32 bytes so that the
/// decode cache stays small (DESIGN.md, "The hot path").
public struct DecodedInstruction {
    // The fields are packed into whole words, with accessors below: a struct of
    // byte fields is passed between functions by reassembling it byte by byte
    // into registers, which cost more than the instructions it describes.
    @usableFromInline var word: UInt64 = 0xFFFF_0300_0000_0000
    /// The immediate, sign- or zero-extended to 64 bits as the instruction's
    /// operand size wants (a 64-bit one only for MOV r64, imm64 and moffs64).
    public var immediate: UInt64 = 0
    /// disp8, disp16 or disp32 as encoded, sign-extended to 32 bits.
    public var displacement: UInt32 = 0
    @usableFromInline var extra: UInt32 = 0
    /// Bits 0-7 `reg`, 8-15 `rm`, 16-23 the operand size, 24-31 the address
    /// size as the shift that makes `addressMask` (48, 32 or 0).
    @usableFromInline var operands: UInt32 = 0x3002_0000

    /// 0x000-0x0FF: one-byte opcode map; 0x100-0x1FF: two-byte map (0F xx);
    /// 0x200-0x2FF and 0x300-0x3FF: the three-byte maps 0F 38 xx and 0F 3A xx.
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
    /// Effective-address base and index registers (0-15, `noRegister` when
    /// absent; the base is `ripRelative` for RIP-relative addressing).
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
    /// Set when an instruction has a segment-override prefix that counts (in
    /// 64-bit mode only FS and GS do).
    @inline(__always) public var hasSegmentOverride: Bool {
        get { extra & 4 != 0 }
        set { extra = newValue ? extra | 4 : extra & ~4 }
    }
    /// The size in bytes (1, 2, 4 or 8) of an instruction whose opcode's low
    /// bit selects byte or full size, as most one- and two-byte opcodes do: 1
    /// for an even opcode, else the operand size. Bits 3-6 of `extra`, set at
    /// decode so that the run loop does not work it out for every instruction.
    @inline(__always) public var size: Int {
        get { Int(truncatingIfNeeded: extra >> 3) & 15 }
        set { extra = (extra & ~0x78) | UInt32(newValue & 15) << 3 }
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
    @inline(__always) mutating func setOperandByte(_ n: Int, _ v: Int) {
        let shift = UInt32(n * 8)
        operands = (operands & ~(0xFF << shift)) | UInt32(truncatingIfNeeded: v & 0xFF) << shift
    }

    public static let noRegister: UInt8 = 0xFF
    /// A base register number that stands for RIP: the CPU keeps RIP after
    /// the register file, in slot 16.
    public static let ripRelative: UInt8 = 16

    // Prefix bits.
    public static let operandSizePrefix: UInt8 = 1 << 0 // 66
    public static let addressSizePrefix: UInt8 = 1 << 1 // 67
    public static let lock: UInt8 = 1 << 2
    public static let repeatZ: UInt8 = 1 << 3      // F3: REP / REPE
    public static let repeatNZ: UInt8 = 1 << 4     // F2: REPNE
    public static let invalid: UInt8 = 1 << 5      // decoding failed: raises #UD (or #GP for length > 15)
    public static let tooLong: UInt8 = 1 << 6
    public static let rex: UInt8 = 1 << 7          // a REX prefix (40-4F) applies

    public init() {}

    /// 2, 4 or 8 bytes: the operand size from the mode, 66 and REX.W (SDM Vol. 1 §3.6.1).
    @inline(__always) public var operandSize: Int {
        get { Int(truncatingIfNeeded: operands >> 16) & 0xFF }
        set { setOperandByte(2, newValue) }
    }
    /// 2, 4 or 8 bytes: the address size from the mode and 67.
    @inline(__always) public var addressSize: Int {
        get { (64 &- Int(truncatingIfNeeded: operands >> 24)) >> 3 }
        set { setOperandByte(3, 64 &- newValue &* 8) }
    }
    @inline(__always) public var address32: Bool { addressSize == 4 }
    /// The mask that truncates an effective address to the address size.
    @inline(__always) public var addressMask: UInt64 { UInt64.max >> UInt64(truncatingIfNeeded: operands >> 24 & 63) }
    /// The register operand of the ModR/M reg field, with REX.R; for byte
    /// operands a byte-register number (`CPU.get8`).
    @inline(__always) public var reg: Int {
        get { Int(truncatingIfNeeded: operands) & 0xFF }
        set { setOperandByte(0, newValue) }
    }
    /// The register of the ModR/M r/m field in the register form, or of the
    /// opcode's low three bits (50+r, B8+r and the like), with REX.B; for byte
    /// operands a byte-register number.
    @inline(__always) public var rm: Int {
        get { Int(truncatingIfNeeded: operands >> 8) & 0xFF }
        set { setOperandByte(1, newValue) }
    }
    /// The ModR/M reg field as encoded: the opcode extension of a group, a
    /// segment register, or a control or debug register number without REX.R.
    @inline(__always) public var regField: Int { Int(modrm >> 3) & 7 }
    /// The ModR/M r/m field as encoded (group 7's register forms).
    @inline(__always) public var rmField: Int { Int(modrm) & 7 }
    /// The r/m operand is a register (mod == 3).
    @inline(__always) public var registerForm: Bool { modrm >= 0xC0 }
    @inline(__always) public var hasRepeat: Bool { prefixes & (DecodedInstruction.repeatZ | DecodedInstruction.repeatNZ) != 0 }
}
