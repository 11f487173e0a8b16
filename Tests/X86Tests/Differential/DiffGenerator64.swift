// Random straight-line integer instruction sequences in 64-bit mode for
// Differential64Tests: operand sizes 8/16/32/64 (0x66, REX.W), REX.R/X/B on
// every operand, all sixteen registers but RSP, the byte registers of both
// encodings (AH-BH without REX, SPL-DIL and R8B-R15B with it). Encodings follow
// SDM Vol. 2 §2.2.1 (REX prefixes) and Tables 2-4/2-5 (special cases).
// The instruction forms are in DiffGenerator64Forms.swift.

/// One test case: an initial state and a short sequence run from it.
struct DiffCase64 {
    var registers: [UInt64]   // RAX RCX RDX RBX RSP RBP RSI RDI R8..R15
    var eflags: UInt32
    var instructions: [DiffInstruction64]
}

struct DiffGenerator64 {
    var rng: DiffRandom
    /// LAHF/SAHF are valid in 64-bit mode only when CPUID 8000_0001h:ECX[0] says so.
    var allowLahfSahf: Bool
    /// The registers of the instruction being built come from the legacy set
    /// (0-7, byte registers AH-BH included, no REX prefix needed) rather than
    /// from the REX set (R8-R15, SPL-DIL, no AH-BH). Set by `begin`.
    var legacy = false

    init(seed: UInt64, allowLahfSahf: Bool) {
        rng = DiffRandom(seed: seed)
        self.allowLahfSahf = allowLahfSahf
    }

    static let edge64: [UInt64] = [
        0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x1_0000, 0x7FFF_FFFF, 0x8000_0000,
        0xFFFF_FFFF, 0x1_0000_0000, 0x1_FFFF_FFFF, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000,
        0x8000_0000_0000_0001, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFE, 0xFFFF_FFFF_8000_0000,
        0xFFFF_FFFF_FFFF_FF80, 0xFFFF_FFFF_FFFF_8000, 0xFFFF_FFFF_0000_0000, 0x0000_0000_FFFF_FF00,
    ]
    static let shiftCounts: [UInt8] = [0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 63, 64, 65, 127, 0x80, 0xFF]
    /// Registers of 2-8 bytes: never RSP, whose value differs between SwiftPC and the host.
    static let gprs = [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
    static let legacyGprs = [0, 1, 2, 3, 5, 6, 7]
    /// Byte registers reachable with a REX prefix, never SPL (part of RSP).
    static let rexBytes = [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 21, 22, 23]

    // MARK: Values

    mutating func registerValue() -> UInt64 {
        switch rng.below(12) {
        case 0, 1, 2: return rng.pick(DiffGenerator64.edge64)
        case 3: return UInt64(rng.below(130))                                      // counts, bit offsets
        case 4: return rng.next() & 0xFFFF_FFFF_0000_0000 | UInt64(rng.pick(DiffGenerator.edge32))
        case 5:                                                                    // edge bytes everywhere
            var v: UInt64 = 0
            for i in 0..<8 { v |= UInt64(rng.chance(70) ? rng.pick(DiffGenerator.edge8) : rng.u32() & 0xFF) << (8 * i) }
            return v
        case 6: return UInt64(bitPattern: Int64(Int32(bitPattern: rng.u32())))     // sign-extended 32 bits
        case 7: return UInt64(rng.u32())                                           // zero-extended 32 bits
        default: return rng.next()
        }
    }

    /// An immediate for an operand of `size` bytes, as the instruction sees it: for
    /// 64-bit operands a sign-extended imm32 (encode its low 4 bytes).
    mutating func immediate(size: Int) -> UInt64 {
        if size == 8 {
            return UInt64(bitPattern: Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: immediate(size: 4)))))
        }
        let mask: UInt64 = size == 1 ? 0xFF : size == 2 ? 0xFFFF : 0xFFFF_FFFF
        if rng.chance(45) { return UInt64(rng.pick(size == 1 ? DiffGenerator.edge8 : DiffGenerator.edge32)) & mask }
        if rng.chance(20) { return UInt64(rng.below(70)) }
        return UInt64(rng.u32()) & mask
    }

    mutating func shiftCount() -> UInt8 {
        rng.chance(70) ? rng.pick(DiffGenerator64.shiftCounts) : UInt8(truncatingIfNeeded: rng.u32())
    }

    // MARK: Registers

    /// Starts an instruction: picks the legacy or the REX register set (REX.W forces the latter).
    mutating func begin(rexW: Bool) { legacy = !rexW && rng.chance(30) }

    /// A register for an operand of `size` bytes from the current set.
    mutating func register(size: Int) -> Int {
        if size == 1 { return legacy ? rng.below(8) : rng.pick(DiffGenerator64.rexBytes) }
        return rng.pick(legacy ? DiffGenerator64.legacyGprs : DiffGenerator64.gprs)
    }
    mutating func anySize() -> Int { [1, 2, 4, 4, 8, 8, 8][rng.below(7)] }
    mutating func wideSize() -> Int { [2, 4, 4, 8, 8, 8][rng.below(6)] }

    // MARK: Encoding

    /// A register operand for `assemble`: its number, its size (1: byte
    /// register numbering) and the REX bit that extends its field (2 R, 1 X, 0 B).
    struct Field {
        var number: Int
        var size: Int
        var rexBit: Int
    }

    /// [66] [67] [REX] opcode suffix. REX.W when `w`; REX.R/X/B from the fields;
    /// a REX prefix is present when W, a field above 7 or SPL-DIL needs it, never
    /// with AH-BH, and otherwise at random (an empty 0x40 changes nothing else).
    /// The REX bits of fields that hold no register are ignored by the processor
    /// (SDM Vol. 2 §2.2.1.2) and set at random. 64-bit operands sometimes carry
    /// a 0x66 that REX.W overrides, and 16-bit ones that need no REX prefix
    /// sometimes one before the 0x66, where it is ignored (SDM Vol. 2 §2.2.1).
    mutating func assemble(_ opcode: [UInt8], size: Int, w: Bool, fields: [Field], addressSize32: Bool = false,
                           suffix: [UInt8]) -> [UInt8] {
        let required = w || fields.contains { $0.number & 8 != 0 || ($0.size == 1 && $0.number >= 20) }
        let forbidden = fields.contains { $0.size == 1 && DiffRegisters64.isHighByte($0.number) }
        precondition(!(required && forbidden), "AH-BH with a REX prefix")
        var out: [UInt8] = []
        if size == 2 && !required && rng.chance(3) { out.append(0x40 | UInt8(rng.below(16))) }
        if size == 2 || (w && rng.chance(5)) { out.append(0x66) }
        if addressSize32 { out.append(0x67) }
        if required || (!forbidden && rng.chance(15)) {
            var rex: UInt8 = 0x40 | (w ? 8 : 0)
            let used = fields.reduce(0) { $0 | 1 << $1.rexBit }
            for bit in 0..<3 where used & (1 << bit) == 0 && rng.chance(25) { rex |= 1 << bit }
            for f in fields where f.number & 8 != 0 { rex |= 1 << f.rexBit }
            out.append(rex)
        }
        return out + opcode + suffix
    }

    /// opcode ModRM(11, reg, rm) suffix: `reg` is a register of `regSize` bytes,
    /// or an opcode extension when `regSize` is 0; `rm` a register of `rmSize` bytes.
    mutating func modrmForm(_ opcode: [UInt8], size: Int, reg: Int, regSize: Int, rm: Int, rmSize: Int,
                            w: Bool? = nil, suffix: [UInt8] = []) -> [UInt8] {
        var fields = [Field(number: rm, size: rmSize, rexBit: 0)]
        if regSize > 0 { fields.append(Field(number: reg, size: regSize, rexBit: 2)) }
        return assemble(opcode, size: size, w: w ?? (size == 8), fields: fields,
                        suffix: [UInt8(0xC0 | (reg & 7) << 3 | rm & 7)] + suffix)
    }

    /// The common case of `modrmForm`: both operands of `size` bytes.
    mutating func modrmForm(_ opcode: [UInt8], size: Int, reg: Int, rm: Int, suffix: [UInt8] = []) -> [UInt8] {
        modrmForm(opcode, size: size, reg: reg, regSize: size, rm: rm, rmSize: size, suffix: suffix)
    }

    /// opcode ModRM(11, /digit, rm) suffix.
    mutating func digitForm(_ opcode: [UInt8], size: Int, digit: Int, rm: Int, suffix: [UInt8] = []) -> [UInt8] {
        modrmForm(opcode, size: size, reg: digit, regSize: 0, rm: rm, rmSize: size, suffix: suffix)
    }

    /// An opcode whose last byte holds a register (+r, extended by REX.B).
    mutating func plusRegisterForm(_ opcode: [UInt8], size: Int, register r: Int, suffix: [UInt8] = []) -> [UInt8] {
        var op = opcode
        op[op.count - 1] |= UInt8(r & 7)
        return assemble(op, size: size, w: size == 8, fields: [Field(number: r, size: size, rexBit: 0)], suffix: suffix)
    }

    /// An opcode without register fields (all REX bits but W are ignored).
    mutating func plainForm(_ opcode: [UInt8], size: Int, suffix: [UInt8] = []) -> [UInt8] {
        assemble(opcode, size: size, w: size == 8, fields: [], suffix: suffix)
    }

    static func immBytes(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
    static func name(_ r: Int, _ size: Int) -> String { DiffRegisters64.name(r, size) }

    // MARK: Cases

    mutating func makeCase() -> DiffCase64 {
        var regs = (0..<16).map { _ in registerValue() }
        regs[DiffRegisters64.rsp] = LongModeHarness.stackTop   // never used by an instruction; not compared
        var flags: UInt32 = 0x2
        for f in [DiffFlags.cf, DiffFlags.pf, DiffFlags.af, DiffFlags.zf, DiffFlags.sf, DiffFlags.of] where rng.chance(50) {
            flags |= f
        }
        var out: [DiffInstruction64] = []
        var undefined: UInt32 = 0
        for _ in 0..<(1 + rng.below(8)) { append(makeGroup(), to: &out, undefined: &undefined) }
        return DiffCase64(registers: regs, eflags: flags, instructions: out)
    }

    /// Appends a group to a sequence (`DiffFlagModel.append`), defining the
    /// flags with a CMP where needed.
    mutating func append(_ group: [DiffInstruction64], to out: inout [DiffInstruction64], undefined: inout UInt32) {
        DiffInstruction64.append(group, to: &out, undefined: &undefined) { makeAlu(7) }
    }

    /// One randomly chosen instruction, sometimes preceded by a setup instruction
    /// (a non-faulting dividend, a count in CL, a matching accumulator).
    mutating func makeGroup() -> [DiffInstruction64] {
        // Weights out of 100.
        var w = rng.below(100)
        func take(_ weight: Int) -> Bool { if w < weight { return true }; w -= weight; return false }
        if take(16) { return [makeAlu(rng.below(8))] }
        if take(4) { return [makeTest()] }
        if take(5) { return [makeIncDec()] }
        if take(3) { return [makeUnary(rng.chance(50) ? .not : .neg)] }
        if take(4) { return [makeUnary(rng.chance(50) ? .mul : .imul1)] }
        if take(5) { return makeDivide() }
        if take(4) { return [makeImul()] }
        if take(11) { return makeShift() }
        if take(5) { return makeDoubleShift() }
        if take(5) { return [makeBitTest()] }
        if take(3) { return [makeBitScan()] }
        if take(4) { return [makeSetcc()] }
        if take(5) { return [makeCmov()] }
        if take(3) { return [makeXchg()] }
        if take(2) { return [makeXadd()] }
        if take(3) { return makeCmpxchg() }
        if take(2) { return [makeBswap()] }
        if take(4) { return [makeExtend()] }
        if take(4) { return [makeMov()] }
        if take(2) { return [makeConvert()] }
        if take(5) { return [makeLea()] }
        if take(2) {
            let k: DiffKind = [.clc, .stc, .cmc][rng.below(3)]
            return [simple(k, k == .clc ? 0xF8 : k == .stc ? 0xF9 : 0xF5)]
        }
        if take(1), allowLahfSahf { return [rng.chance(50) ? simple(.sahf, 0x9E) : simple(.lahf, 0x9F)] }
        // A plain 90 is NOP even though XCHG EAX, EAX would clear bits 63:32 of RAX.
        return [DiffInstruction64(kind: .nop, size: 0, bytes: [0x90], text: "nop")]
    }

    /// CLC STC CMC SAHF LAHF, with an occasional (ignored) REX prefix.
    mutating func simple(_ kind: DiffKind, _ opcode: UInt8) -> DiffInstruction64 {
        DiffInstruction64(kind: kind, size: 0, bytes: plainForm([opcode], size: 0), text: kind.family.lowercased())
    }
}
