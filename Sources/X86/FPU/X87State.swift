/// The x87 FPU's registers (SDM Vol. 1 §8.1): eight 80-bit data registers R0-R7
/// used as a stack whose top is the TOP field of the status word, the control
/// and status words, the tag word, and the last-instruction and last-data
/// pointers with the last opcode (§8.1.8-8.1.10). The MMX registers MM0-MM7
/// are the significands of R0-R7 (§9.5).
///
/// Like P6 and later processors, the tag word is kept as one valid bit per
/// register (the abridged form FXSAVE stores, §10.5.1.1); FSTENV and FSAVE
/// derive the two-bit tags from the register contents, and FLDENV and FRSTOR
/// keep only whether each tag is empty (§8.1.7).
public struct X87State: Sendable {
    /// R0-R7 by physical number; ST(i) is register (TOP + i) mod 8. Held
    /// inline, so that an MMX or x87 register access costs no copy-on-write check.
    public var registers = InlineArray<8, Extended80>(repeating: .zero(sign: false))
    public var control: UInt16 = 0x0040 {
        didSet { decodedControl = X87Control(controlWord: control) }
    }
    /// `control` as the arithmetic core takes it, decoded once per change.
    public private(set) var decodedControl = X87Control(controlWord: 0x0040)
    /// The status word including TOP (bits 13:11).
    public var status: UInt16 = 0
    /// Bit i set: physical register i is not empty.
    public var validTags: UInt8 = 0xFF
    /// FPU instruction pointer (offset, and the CS selector outside 64-bit mode).
    public var instructionPointer: UInt64 = 0
    public var instructionSelector: UInt16 = 0
    /// FPU data pointer (offset and selector) of the last memory operand.
    public var dataPointer: UInt64 = 0
    public var dataSelector: UInt16 = 0
    /// The last non-control instruction's opcode: bits 2:0 of its first byte,
    /// then its ModR/M byte (§8.1.9).
    public var lastOpcode: UInt16 = 0

    public init() {}

    // Status word fields (§8.1.3).
    public static let invalid: UInt16 = 1 << 0
    public static let stackFault: UInt16 = 1 << 6
    public static let errorSummary: UInt16 = 1 << 7
    public static let busy: UInt16 = 1 << 15
    public static let c0: UInt16 = 1 << 8, c1: UInt16 = 1 << 9, c2: UInt16 = 1 << 10, c3: UInt16 = 1 << 14
    public static let conditionCodes: UInt16 = c0 | c1 | c2 | c3

    /// FNINIT's state (SDM Vol. 2 FINIT/FNINIT): the pointers and opcode cleared, all registers empty.
    public mutating func initialize() {
        control = 0x037F
        status = 0
        validTags = 0
        instructionPointer = 0
        instructionSelector = 0
        dataPointer = 0
        dataSelector = 0
        lastOpcode = 0
    }

    @inline(__always) public var top: Int {
        get { Int(status >> 11) & 7 }
        set { status = (status & ~0x3800) | UInt16(newValue & 7) << 11 }
    }

    /// The physical register of ST(i).
    @inline(__always) public func physical(_ i: Int) -> Int { (top &+ i) & 7 }

    @inline(__always) public func isEmpty(_ i: Int) -> Bool { validTags & (1 << UInt8(physical(i))) == 0 }

    @inline(__always) public func st(_ i: Int) -> Extended80 { registers[physical(i)] }

    /// Writes ST(i) and tags it valid.
    @inline(__always) public mutating func setST(_ i: Int, _ value: Extended80) {
        let p = physical(i)
        registers[p] = value
        validTags |= 1 << UInt8(p)
    }

    /// Decrements TOP and writes the new ST(0).
    public mutating func push(_ value: Extended80) {
        top = top &- 1
        setST(0, value)
    }

    /// Tags ST(0) empty and increments TOP.
    public mutating func pop() {
        validTags &= ~(1 << UInt8(top))
        top = top &+ 1
    }

    /// The two-bit tag of physical register `p` from its contents (§8.1.7):
    /// 00 valid, 01 zero, 10 special (NaN, infinity, denormal, unsupported), 11 empty.
    public func tag(physical p: Int) -> UInt16 {
        guard validTags & (1 << UInt8(p & 7)) != 0 else { return 3 }
        let r = registers[p & 7]
        switch r.kind {
        case .zero: return 1
        case .normal: return 0
        default: return 2
        }
    }

    /// The full tag word FSTENV and FSAVE store.
    public var tagWord: UInt16 {
        var word: UInt16 = 0
        for p in 0..<8 { word |= tag(physical: p) << UInt16(2 * p) }
        return word
    }

    /// FLDENV and FRSTOR keep only which registers are empty.
    public mutating func loadTagWord(_ word: UInt16) {
        validTags = 0
        for p in 0..<8 where (word >> UInt16(2 * p)) & 3 != 3 { validTags |= 1 << UInt8(p) }
    }

    /// MM0-MM7 (§9.5): writing one sets the register's exponent and sign
    /// bits to all ones, TOP to 0 and every tag valid.
    public func mmx(_ n: Int) -> UInt64 { registers[n & 7].significand }

    public mutating func setMMX(_ n: Int, _ value: UInt64) {
        registers[n & 7] = Extended80(signExponent: 0xFFFF, significand: value)
        enterMMXMode()
    }

    /// What every MMX instruction but EMMS does to the x87 state (§9.5.1).
    @inline(__always) public mutating func enterMMXMode() {
        top = 0
        validTags = 0xFF
    }
}
