// Random 64-bit-mode instruction sequences with memory operands for the 64-bit
// paged differential test (PagedDifferential64Tests): the register-only
// instructions of DiffGenerator64 mixed with memory forms of the same families
// and the string instructions, whose addresses aim at the data region
// (`PagedRegion`), mostly near its page boundaries, sometimes at non-canonical
// addresses. Addresses are 64-bit or (0x67) 32-bit, in every ModRM/SIB form of
// 64-bit mode (SDM Vol. 2 §2.2.1, Table 2-5): REX.B/REX.X bases and indexes,
// the R12 base (SIB needed) and the RBP/R13 base (mod 00 means RIP-relative or
// no base, so a displacement is needed), "no index", "no base", and
// RIP-relative operands (§2.2.1.6).
// The memory forms of each family are in PagedGenerator64Forms.swift.

/// One instruction of the 64-bit paged test: its encoding and flag model, and
/// how it addresses memory.
struct PagedInstruction64 {
    var instruction: DiffInstruction64
    /// Reads or writes memory: a ModRM memory operand, a moffs or a string instruction.
    var addressesMemory = false
    var addressSize32 = false
    var ripRelative = false
    /// CMPXCHG8B/CMPXCHG16B (`.cmpxchg` in `instruction.kind`, which has no
    /// case for them), which changes ZF only.
    var pairCompare = false

    init(_ instruction: DiffInstruction64) { self.instruction = instruction }

    var bytes: [UInt8] { instruction.bytes }
    var text: String { instruction.text }
    var kind: DiffKind { instruction.kind }
    var family: String { pairCompare ? (instruction.size == 8 ? "CMPXCHG16B" : "CMPXCHG8B") : kind.family }
    var flagsRead: UInt32 { instruction.flagsRead }
    func maskedCount(cl: UInt32?) -> UInt32? { instruction.maskedCount(cl: cl) }
    func flagEffect(maskedCount count: UInt32?) -> (defined: UInt32, undefined: UInt32) {
        pairCompare ? (DiffFlags.zf, 0) : instruction.flagEffect(maskedCount: count)
    }
}

/// One 64-bit paged test case: registers, the region's contents and page
/// protections, and a short sequence run from them.
struct PagedCase64 {
    var registers: [UInt64]   // RAX RCX RDX RBX RSP RBP RSI RDI R8..R15
    var eflags: UInt32
    /// Seed of the region's contents (`PagedRegion.word`).
    var seed: UInt32
    var protections: [PageProtection]
    /// SwiftPC only: XD in the present pages' entries, which data accesses ignore.
    var executeDisable: [Bool]
    /// CR0.WP for SwiftPC (the host's kernel has it set); no difference at CPL 3.
    var writeProtect: Bool
    var instructions: [PagedInstruction64]
}

/// A ModRM memory operand (with SIB and displacement), the REX bits of its
/// registers, and the register values that make it reach `target`.
struct MemoryOperand64 {
    var mod: Int
    /// ModRM.rm: 4 (SIB), 5 with mod 00 (RIP-relative) or a base register's low bits.
    var rm: Int
    var sib: UInt8?
    /// For a RIP-relative operand a placeholder, set once the instruction's length is known.
    var displacement: [UInt8]
    /// Base (REX.B) and index (REX.X) registers for `DiffGenerator64.assemble`;
    /// "no index" is register 4 with REX.X clear. Fields the processor ignores
    /// are left out, so that `assemble` sets their REX bits at random.
    var fields: [DiffGenerator64.Field]
    /// Registers to load right before the instruction.
    var setup: [(register: Int, value: UInt64)]
    var addressSize32: Bool
    var ripRelative: Bool
    var target: UInt64
    /// "[r12+r13*4+0x10]"
    var text: String

    func bytes(reg: Int) -> [UInt8] {
        [UInt8(mod << 6 | (reg & 7) << 3 | rm)] + (sib.map { [$0] } ?? []) + displacement
    }
}

extension DiffGenerator64 {
    static let sizeNames = [1: "byte", 2: "word", 4: "dword", 8: "qword", 16: "oword"]
    static func memoryText(_ size: Int, _ m: MemoryOperand64) -> String { "\(sizeNames[size] ?? "?") \(m.text)" }

    mutating func makePagedCase() -> PagedCase64 {
        var regs = (0..<16).map { _ in registerValue() }
        regs[DiffRegisters64.rsp] = PagedLongModeHarness.userStackTop   // never used by an instruction; not compared
        var flags: UInt32 = 0x2
        for f in [DiffFlags.cf, DiffFlags.pf, DiffFlags.af, DiffFlags.zf, DiffFlags.sf, DiffFlags.of] where rng.chance(50) {
            flags |= f
        }
        let seed = UInt32(rng.below(PagedRegion.seeds))
        let protections: [PageProtection] = (0..<PagedRegion.pages).map { _ in
            let p = rng.below(100)
            return p < 70 ? .readWrite : p < 88 ? .readOnly : PageProtection.none
        }
        let executeDisable = (0..<PagedRegion.pages).map { _ in rng.chance(50) }
        let writeProtect = rng.chance(50)
        var out: [PagedInstruction64] = []
        var undefined: UInt32 = 0
        for _ in 0..<(1 + rng.below(6)) {
            let group = rng.chance(65) ? makeMemoryGroup() : makeGroup().map { PagedInstruction64($0) }
            append(group, to: &out, undefined: &undefined)
        }
        return PagedCase64(registers: regs, eflags: flags, seed: seed, protections: protections,
                           executeDisable: executeDisable, writeProtect: writeProtect, instructions: out)
    }

    /// As `append` for `DiffInstruction64`: a CMP first when an instruction would
    /// read a flag that may be undefined at that point.
    mutating func append(_ group: [PagedInstruction64], to out: inout [PagedInstruction64], undefined: inout UInt32) {
        for insn in group {
            if insn.flagsRead & undefined != 0 {
                out.append(PagedInstruction64(makeAlu(7)))
                undefined = 0
            }
            out.append(insn)
            let effect = insn.flagEffect(maskedCount: insn.maskedCount(cl: nil))   // CL: any count
            undefined = (undefined & ~effect.defined) | effect.undefined
        }
    }

    // MARK: Addresses

    /// A linear address for an access of up to 16 bytes: mostly across or next
    /// to a page boundary of the region (its two ends included), else anywhere
    /// in it, sometimes in the not-present pages around it, and with
    /// `nonCanonical` sometimes one whose bits 63:56 differ, not canonical with
    /// 48-bit or 57-bit linear addresses (SDM Vol. 1 §3.3.7.1).
    mutating func targetAddress(nonCanonical: Bool) -> UInt64 {
        let base = UInt64(PagedRegion.base)
        let p = rng.below(100)
        let near: UInt64
        if p < 55 {
            near = base + UInt64(rng.below(PagedRegion.pages + 1)) * 0x1000 &+ UInt64(rng.below(32)) &- 16
        } else if p < 95 {
            near = base + UInt64(rng.below(PagedRegion.size))
        } else {
            let distance = UInt64(rng.below(0x10_0000))
            near = rng.chance(50) ? base - distance : base + UInt64(PagedRegion.size) + distance
        }
        guard nonCanonical && rng.chance(4) else { return near }
        return near | 1 << rng.pick([56, 57, 59, 62, 63] as [UInt64])
    }

    /// An index register value: small, negative, an edge value, or any.
    mutating func indexValue64() -> UInt64 {
        switch rng.below(10) {
        case 0..<6: return UInt64(bitPattern: Int64(rng.below(64) - 32))
        case 6, 7: return rng.pick(DiffGenerator64.edge64)
        default: return rng.next()
        }
    }

    /// A displacement of `kind` (0 none, 1 disp8, 2 disp32), sign-extended.
    mutating func displacement64(_ kind: Int) -> UInt64 {
        switch kind {
        case 0: return 0
        case 1: return UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: rng.next())))
        default:
            let d = rng.chance(50) ? Int32(rng.below(0x2000) - 0x1000) : Int32(bitPattern: rng.u32())
            return UInt64(bitPattern: Int64(d))
        }
    }

    /// A register value whose low 32 bits are `low`; with 32-bit addresses the
    /// upper half is ignored, so it is often garbage.
    mutating func addressRegister(_ low: UInt64, addressSize32: Bool) -> UInt64 {
        guard addressSize32 else { return low }
        return low & 0xFFFF_FFFF | (rng.chance(50) ? rng.next() << 32 : 0)
    }

    /// A memory operand that reaches `target` with 64-bit or (`addressSize32`,
    /// `target` below 4 GiB) 32-bit addresses. Base and index registers come
    /// from the current register set (`begin`), never RSP or `avoiding`.
    mutating func memoryOperand(target: UInt64, addressSize32 a32: Bool, avoiding: [Int] = []) -> MemoryOperand64 {
        let usable = (legacy ? DiffGenerator64.legacyGprs : DiffGenerator64.gprs).filter { !avoiding.contains($0) }
        let mask: UInt64 = a32 ? 0xFFFF_FFFF : UInt64.max
        let name = { (r: Int) in DiffGenerator64.name(r, a32 ? 4 : 8) }
        func dispText(_ d: UInt64) -> String {
            let v = d & mask
            if v == 0 { return "" }
            return v > mask >> 1 ? "-" + DiffGenerator64.hex((0 &- v) & mask) : "+" + DiffGenerator64.hex(v)
        }
        func dispBytes(_ d: UInt64, _ kind: Int) -> [UInt8] { DiffGenerator64.immBytes(d, [0, 1, 4][kind]) }
        let noIndex = Field(number: 4, size: 8, rexBit: 1)
        let canonical = target >> 47 == 0
        var form = rng.below(100)
        // RIP-relative reaches no non-canonical target from the code, [disp32] only
        // targets that the sign-extended (or, with 0x67, zero-extended) disp32 gives.
        if form < 12 && !canonical { form = 30 }
        if form >= 12 && form < 20 && !(a32 || target < 0x8000_0000) { form = 30 }
        if usable.count < 2 && form >= 50 { form = 30 }

        var m = MemoryOperand64(mod: 0, rm: 4, sib: nil, displacement: [], fields: [], setup: [], addressSize32: a32,
                                ripRelative: false, target: target, text: "")
        switch form {
        case 0..<12:
            // RIP-relative: mod 00 rm 101; REX.B and REX.X are not decoded.
            m.rm = 5
            m.ripRelative = true
            m.displacement = [0, 0, 0, 0]
            m.text = "[rip+\(DiffGenerator64.hex(target))]"
        case 12..<20:
            // [disp32]: SIB with no base and no index (scale ignored), as mod 00 rm 101 is RIP-relative.
            m.sib = UInt8(rng.below(4) << 6 | 4 << 3 | 5)
            m.fields = [noIndex]
            m.displacement = dispBytes(target, 2)
            m.text = "[\(DiffGenerator64.hex(target))]"
        case 20..<50:
            // [base+disp]: R12 (like RSP) needs a SIB, RBP and R13 a displacement.
            let b = rng.pick(usable)
            var kind = rng.below(3)
            if kind == 0 && b & 7 == 5 { kind = 1 }
            let d = displacement64(kind)
            m.mod = kind
            if b & 7 == 4 {
                m.sib = UInt8(rng.below(4) << 6 | 4 << 3 | 4)
                m.fields = [Field(number: b, size: 8, rexBit: 0), noIndex]
            } else {
                m.rm = b & 7
                m.fields = [Field(number: b, size: 8, rexBit: 0)]
            }
            m.displacement = dispBytes(d, kind)
            m.setup = [(b, addressRegister(target &- d, addressSize32: a32))]
            m.text = "[\(name(b))\(dispText(d))]"
        case 50..<88:
            // [base+index*scale+disp]; the index may be R12 (REX.X).
            let b = rng.pick(usable), i = rng.pick(usable.filter { $0 != b }), scale = rng.below(4)
            var kind = rng.below(3)
            if kind == 0 && b & 7 == 5 { kind = 1 }
            let d = displacement64(kind), index = indexValue64()
            m.mod = kind
            m.sib = UInt8(scale << 6 | (i & 7) << 3 | b & 7)
            m.fields = [Field(number: b, size: 8, rexBit: 0), Field(number: i, size: 8, rexBit: 1)]
            m.displacement = dispBytes(d, kind)
            m.setup = [(b, addressRegister(target &- index << scale &- d, addressSize32: a32)),
                       (i, addressRegister(index, addressSize32: a32))]
            m.text = "[\(name(b))+\(name(i))*\(1 << scale)\(dispText(d))]"
        default:
            // [index*scale+disp32], no base (mod 00, base 101; REX.B not decoded): the
            // displacement is chosen first, with the target's low bits, and the index solved.
            let i = rng.pick(usable), scale = rng.below(4)
            let low = UInt64(1 << scale - 1)
            let d = displacement64(2) & ~low | target & low
            var index = ((target &- d) & mask) >> scale
            if scale > 0 && !a32 { index |= rng.next() << (64 - scale) }   // shifted out
            m.sib = UInt8(scale << 6 | (i & 7) << 3 | 5)
            m.fields = [Field(number: i, size: 8, rexBit: 1)]
            m.displacement = dispBytes(d, 2)
            m.setup = [(i, addressRegister(index, addressSize32: a32))]
            m.text = "[\(name(i))*\(1 << scale)\(dispText(d))]"
        }
        if a32 { m.text += " (a32)" }
        return m
    }

    /// A memory operand for an access of up to 16 bytes, with 64-bit addresses
    /// or, a quarter of the time, 32-bit ones.
    mutating func memoryOperand(avoiding: [Int] = []) -> MemoryOperand64 {
        let a32 = rng.chance(25)
        return memoryOperand(target: targetAddress(nonCanonical: !a32), addressSize32: a32, avoiding: avoiding)
    }

    /// MOV r32, imm32 (zero-extending) or MOV r64, imm64 (REX.W B8+r).
    mutating func movImmediate(_ r: Int, _ v: UInt64) -> PagedInstruction64 {
        let size = v >> 32 == 0 && rng.chance(50) ? 4 : 8
        return PagedInstruction64(DiffInstruction64(kind: .mov, size: size,
                                                    bytes: plusRegisterForm([0xB8], size: size, register: r, suffix: DiffGenerator64.immBytes(v, size)),
                                                    reg: r, text: "mov \(DiffGenerator64.name(r, size)), \(DiffGenerator64.hex(v))"))
    }

    /// The instruction `opcode` ModRM(`reg`, memory) `immediate`, with the
    /// address-size, REX and sometimes an (ignored) segment override prefix; a
    /// `lockable` one sometimes with LOCK. `regSize` 0: `reg` is an opcode extension.
    mutating func encode(_ kind: DiffKind, size: Int, opcode: [UInt8], reg: Int, regSize: Int, immediate: [UInt8] = [],
                         _ m: MemoryOperand64, text: String, count: DiffCount = .none, lockable: Bool = false,
                         w: Bool? = nil) -> PagedInstruction64 {
        let fields = (regSize > 0 ? [Field(number: reg, size: regSize, rexBit: 2)] : []) + m.fields
        var bytes = assemble(opcode, size: size, w: w ?? (size == 8), fields: fields, addressSize32: m.addressSize32,
                             suffix: m.bytes(reg: reg) + immediate)
        var prefixText = ""
        if lockable && rng.chance(20) && bytes.count < 15 {
            bytes.insert(0xF0, at: 0)
            prefixText = "lock "
        }
        if rng.chance(6) && bytes.count < 15 {
            let segment = rng.pick([0x26, 0x2E, 0x36, 0x3E] as [UInt8])
            bytes.insert(segment, at: 0)
            prefixText += ["es ", "cs ", "ss ", "ds "][Int(segment >> 3 & 3)]
        }
        if m.ripRelative {
            // disp32 is relative to the end of the instruction, which runs at codeBase.
            let end = PagedLongModeHarness.codeBase &+ UInt64(bytes.count)
            let at = bytes.count - immediate.count - 4
            bytes.replaceSubrange(at..<at + 4, with: DiffGenerator64.immBytes(m.target &- end, 4))
        }
        var insn = PagedInstruction64(DiffInstruction64(kind: kind, size: size, bytes: bytes, reg: reg, count: count, text: prefixText + text))
        insn.addressesMemory = true
        insn.addressSize32 = m.addressSize32
        insn.ripRelative = m.ripRelative
        return insn
    }

    /// `encode` after the MOVs that set up the operand's address.
    mutating func memoryForm(_ kind: DiffKind, size: Int, opcode: [UInt8], reg: Int, regSize: Int, immediate: [UInt8] = [],
                             _ m: MemoryOperand64, text: String, count: DiffCount = .none, lockable: Bool = false,
                             w: Bool? = nil) -> [PagedInstruction64] {
        let setup = m.setup.map { movImmediate($0.register, $0.value) }
        return setup + [encode(kind, size: size, opcode: opcode, reg: reg, regSize: regSize, immediate: immediate, m,
                               text: text, count: count, lockable: lockable, w: w)]
    }
}
