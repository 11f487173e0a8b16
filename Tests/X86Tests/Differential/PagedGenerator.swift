// Random instruction sequences with memory operands for the paged differential
// test: the register-only instructions of DiffGenerator mixed with memory forms
// of the same families and the string instructions, whose addresses aim at the
// data region (`PagedRegion`), mostly near its page boundaries.

import X86

/// One paged test case: registers, the region's contents and page protections,
/// and a short sequence run from them.
struct PagedCase {
    var registers: [UInt32]   // EAX ECX EDX EBX ESP EBP ESI EDI
    var eflags: UInt32
    /// Seed of the region's contents (`PagedRegion.word`).
    var seed: UInt32
    var protections: [PageProtection]
    /// CR0.WP for SwiftPC (the host's kernel has it set); no difference at CPL 3.
    var writeProtect: Bool
    var instructions: [DiffInstruction]
}

/// A ModRM memory operand and the register values its address needs.
struct DiffMemoryOperand {
    var mod: Int
    var rm: Int
    var sib: UInt8?
    var displacement: [UInt8]
    /// Registers to load (MOV r32, imm32) right before the instruction.
    var setup: [(register: Int, value: UInt32)]
    /// "[ebx+esi*4+0x10]"
    var text: String

    func bytes(reg: Int) -> [UInt8] {
        [UInt8(mod << 6 | reg << 3 | rm)] + (sib.map { [$0] } ?? []) + displacement
    }
}

extension DiffGenerator {
    static let sizeNames = [1: "byte", 2: "word", 4: "dword"]

    mutating func makePagedCase() -> PagedCase {
        var regs = (0..<8).map { _ in registerValue() }
        regs[4] = 0   // ESP: never used by the instructions, not compared
        var flags: UInt32 = 0x2
        for f in [DiffFlags.cf, DiffFlags.pf, DiffFlags.af, DiffFlags.zf, DiffFlags.sf, DiffFlags.of] where rng.chance(50) {
            flags |= f
        }
        let seed = UInt32(rng.below(PagedRegion.seeds))
        let protections: [PageProtection] = (0..<PagedRegion.pages).map { _ in
            let p = rng.below(100)
            return p < 70 ? .readWrite : p < 88 ? .readOnly : PageProtection.none
        }
        let writeProtect = rng.chance(50)
        var out: [DiffInstruction] = []
        var undefined: UInt32 = 0
        for _ in 0..<(1 + rng.below(6)) {
            append(rng.chance(65) ? makeMemoryGroup() : makeGroup(), to: &out, undefined: &undefined)
        }
        return PagedCase(registers: regs, eflags: flags, seed: seed, protections: protections, writeProtect: writeProtect, instructions: out)
    }

    // MARK: Addresses

    /// A linear address for an access of `size` bytes: mostly across or next to a
    /// page boundary of the region (its two ends included), else anywhere in it,
    /// sometimes in the not-present pages around it.
    mutating func targetAddress() -> UInt32 {
        let p = rng.below(100)
        if p < 55 {
            let boundary = PagedRegion.base &+ UInt32(rng.below(PagedRegion.pages + 1)) &* 0x1000
            return boundary &+ UInt32(rng.below(16)) &- 8
        }
        if p < 96 { return PagedRegion.base &+ UInt32(rng.below(PagedRegion.size)) }
        let distance = UInt32(rng.below(0x10_0000))
        return rng.chance(50) ? PagedRegion.base &- distance : PagedRegion.base &+ UInt32(PagedRegion.size) &+ distance
    }

    mutating func displacement(_ kind: Int) -> UInt32 {
        switch kind {
        case 0: return 0
        case 1: return UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: rng.u32())))
        default: return rng.chance(50) ? UInt32(bitPattern: Int32(rng.below(0x2000) - 0x1000)) : rng.u32()
        }
    }

    /// A memory operand that reaches `target`, in one of the 32-bit addressing
    /// forms: [disp32] (SIB without base or index, as mod 00 rm 101 is
    /// RIP-relative on the host), [base+disp], [base+index*scale+disp] and
    /// [index*scale+disp32]. Base and index registers avoid ESP and `avoiding`.
    mutating func memoryOperand(target: UInt32, avoiding: [Int] = []) -> DiffMemoryOperand {
        let usable = DiffGenerator.gprs.filter { !avoiding.contains($0) }
        let N = { (r: Int) in DiffGenerator.name(r, 4) }
        func le(_ v: UInt32, _ n: Int) -> [UInt8] { DiffGenerator.immBytes(v, n) }
        func dispText(_ d: UInt32) -> String { d == 0 ? "" : d >= 0x8000_0000 ? "-" + DiffGenerator.hex(0 &- d) : "+" + DiffGenerator.hex(d) }
        switch rng.below(usable.count < 2 ? 2 : 4) {
        case 0:
            return DiffMemoryOperand(mod: 0, rm: 4, sib: 0x25, displacement: le(target, 4), setup: [],
                                     text: "[\(DiffGenerator.hex(target))]")
        case 1:
            let b = rng.pick(usable)
            let kind = b == 5 ? 1 + rng.below(2) : rng.below(3)   // [ebp] needs a displacement
            let d = displacement(kind)
            return DiffMemoryOperand(mod: kind, rm: b, sib: nil, displacement: le(d, [0, 1, 4][kind]),
                                     setup: [(b, target &- d)], text: "[\(N(b))\(dispText(d))]")
        case 2:
            let b = rng.pick(usable), i = rng.pick(usable.filter { $0 != b }), scale = rng.below(4)
            let kind = b == 5 ? 1 + rng.below(2) : rng.below(3)
            let d = displacement(kind)
            let index = indexValue()
            return DiffMemoryOperand(mod: kind, rm: 4, sib: UInt8(scale << 6 | i << 3 | b), displacement: le(d, [0, 1, 4][kind]),
                                     setup: [(b, target &- d &- index << scale), (i, index)],
                                     text: "[\(N(b))+\(N(i))*\(1 << scale)\(dispText(d))]")
        default:
            let i = rng.pick(usable), scale = rng.below(4)
            let index = indexValue()
            let d = target &- index << scale
            return DiffMemoryOperand(mod: 0, rm: 4, sib: UInt8(scale << 6 | i << 3 | 5), displacement: le(d, 4),
                                     setup: [(i, index)], text: "[\(N(i))*\(1 << scale)\(dispText(d))]")
        }
    }

    /// An index register value: small, negative, or any (the address wraps at 4 GiB).
    mutating func indexValue() -> UInt32 {
        rng.chance(70) ? UInt32(bitPattern: Int32(rng.below(64) - 32)) : rng.u32()
    }

    func movImmediate(_ r: Int, _ v: UInt32) -> DiffInstruction {
        DiffInstruction(kind: .mov, size: 4, body: [UInt8(0xB8 + r)] + DiffGenerator.immBytes(v, 4), reg: r,
                        text: "mov \(DiffGenerator.name(r, 4)), \(DiffGenerator.hex(v))")
    }

    /// The instruction `opcode` ModRM(`reg`, memory) `immediate`, after the MOVs
    /// its address needs; a `lockable` one sometimes with a LOCK prefix.
    mutating func memoryForm(_ kind: DiffKind, size: Int, opcode: [UInt8], reg: Int, immediate: [UInt8] = [],
                             _ m: DiffMemoryOperand, text: String, count: DiffCount = .none, lockable: Bool = false) -> [DiffInstruction] {
        let lock = lockable && rng.chance(20)
        var insn = DiffInstruction(kind: kind, size: size, body: (lock ? [0xF0] : []) + opcode + m.bytes(reg: reg) + immediate,
                                   reg: reg, count: count, text: (lock ? "lock " : "") + text)
        insn.addressesMemory = true
        return m.setup.map { movImmediate($0.register, $0.value) } + [insn]
    }

    static func memoryText(_ size: Int, _ m: DiffMemoryOperand) -> String { "\(sizeNames[size]!) \(m.text)" }

    // MARK: Memory forms

    /// One instruction with a memory operand, with the instructions that set up its address and operands.
    mutating func makeMemoryGroup() -> [DiffInstruction] {
        var w = rng.below(100)
        func take(_ weight: Int) -> Bool { if w < weight { return true }; w -= weight; return false }
        if take(20) { return makeMemoryAlu() }
        if take(4) { return makeMemoryTest() }
        if take(10) { return makeMemoryMov() }
        if take(4) { return makeMemoryExtend() }
        if take(7) { return makeMemoryUnary() }
        if take(4) { return makeMemoryDivide() }
        if take(3) { return makeMemoryImul() }
        if take(8) { return makeMemoryShift() }
        if take(10) { return makeMemoryExchange() }
        if take(7) { return makeMemoryBitTest() }
        if take(3) { return makeMemorySetcc() }
        if take(4) { return makeMemoryCmov() }
        return makeString()
    }

    /// ADD..CMP m, r (00+8n/01+8n); r, m (02+8n/03+8n); m, imm (80/81 /n, 83 /n).
    /// Here and below the forms that write memory (not CMP, TEST, BT) take LOCK.
    mutating func makeMemoryAlu() -> [DiffInstruction] {
        let n = rng.below(8), size = anySize(), w = size == 1 ? 0 : 1
        let reg = register(size: size), m = memoryOperand(target: targetAddress())
        let mnemonic = DiffKind.aluNames[n].lowercased(), M = DiffGenerator.memoryText(size, m), R = DiffGenerator.name(reg, size)
        switch rng.below(4) {
        case 0: return memoryForm(.alu(n), size: size, opcode: [UInt8(n * 8 + w)], reg: reg, m, text: "\(mnemonic) \(M), \(R)", lockable: n != 7)
        case 1: return memoryForm(.alu(n), size: size, opcode: [UInt8(n * 8 + 2 + w)], reg: reg, m, text: "\(mnemonic) \(R), \(M)")
        case 2:
            let imm = immediate(size: size)
            return memoryForm(.alu(n), size: size, opcode: [UInt8(0x80 + w)], reg: n, immediate: DiffGenerator.immBytes(imm, size), m,
                              text: "\(mnemonic) \(M), \(DiffGenerator.hex(imm))", lockable: n != 7)
        default:
            let imm = immediate(size: 1)
            return memoryForm(.alu(n), size: size, opcode: [size == 1 ? 0x80 : 0x83], reg: n, immediate: [UInt8(imm)], m,
                              text: "\(mnemonic) \(M), \(DiffGenerator.hex(imm))\(size == 1 ? "" : " (sx)")", lockable: n != 7)
        }
    }

    /// TEST m, r (84/85) and m, imm (F6/F7 /0).
    mutating func makeMemoryTest() -> [DiffInstruction] {
        let size = anySize(), w = size == 1 ? 0 : 1, m = memoryOperand(target: targetAddress())
        if rng.chance(50) {
            let reg = register(size: size)
            return memoryForm(.test, size: size, opcode: [UInt8(0x84 + w)], reg: reg, m,
                              text: "test \(DiffGenerator.memoryText(size, m)), \(DiffGenerator.name(reg, size))")
        }
        let imm = immediate(size: size)
        return memoryForm(.test, size: size, opcode: [UInt8(0xF6 + w)], reg: 0, immediate: DiffGenerator.immBytes(imm, size), m,
                          text: "test \(DiffGenerator.memoryText(size, m)), \(DiffGenerator.hex(imm))")
    }

    /// MOV m, r (88/89); r, m (8A/8B); m, imm (C6/C7 /0); the accumulator and a moffs32 (A0-A3).
    mutating func makeMemoryMov() -> [DiffInstruction] {
        let size = anySize(), w = size == 1 ? 0 : 1, reg = register(size: size)
        let target = targetAddress(), R = DiffGenerator.name(reg, size)
        switch rng.below(4) {
        case 0, 1:
            let m = memoryOperand(target: target), store = rng.chance(50)
            return memoryForm(.mov, size: size, opcode: [UInt8((store ? 0x88 : 0x8A) + w)], reg: reg, m,
                              text: store ? "mov \(DiffGenerator.memoryText(size, m)), \(R)" : "mov \(R), \(DiffGenerator.memoryText(size, m))")
        case 2:
            let m = memoryOperand(target: target), imm = immediate(size: size)
            return memoryForm(.mov, size: size, opcode: [UInt8(0xC6 + w)], reg: 0, immediate: DiffGenerator.immBytes(imm, size), m,
                              text: "mov \(DiffGenerator.memoryText(size, m)), \(DiffGenerator.hex(imm))")
        default:
            let store = rng.chance(50), A = DiffGenerator.name(0, size), M = "\(DiffGenerator.sizeNames[size]!) [\(DiffGenerator.hex(target))]"
            var insn = DiffInstruction(kind: .mov, size: size, body: [UInt8((store ? 0xA2 : 0xA0) + w)] + DiffGenerator.immBytes(target, 4),
                                       text: (store ? "mov \(M), \(A)" : "mov \(A), \(M)") + " (moffs)")
            insn.addressesMemory = true
            return [insn]
        }
    }

    /// MOVZX/MOVSX r, m8 (0F B6 / 0F BE) and r32, m16 (0F B7 / 0F BF).
    mutating func makeMemoryExtend() -> [DiffInstruction] {
        let signed = rng.chance(50), fromWord = rng.chance(35)
        let size = fromWord ? 4 : wideSize(), reg = register(size: size), m = memoryOperand(target: targetAddress())
        return memoryForm(signed ? .movsx : .movzx, size: size, opcode: [0x0F, (signed ? 0xBE : 0xB6) + (fromWord ? 1 : 0)], reg: reg, m,
                          text: "\(signed ? "movsx" : "movzx") \(DiffGenerator.name(reg, size)), \(DiffGenerator.memoryText(fromWord ? 2 : 1, m))")
    }

    /// INC DEC (FE/FF /0 /1), NOT NEG MUL IMUL (F6/F7 /2../5) of a memory operand.
    mutating func makeMemoryUnary() -> [DiffInstruction] {
        let size = anySize(), m = memoryOperand(target: targetAddress())
        let choices: [(DiffKind, Int, String)] = [(.inc, 0, "inc"), (.dec, 1, "dec"), (.not, 2, "not"), (.neg, 3, "neg"), (.mul, 4, "mul"), (.imul1, 5, "imul")]
        let (kind, ext, mnemonic) = rng.pick(choices)
        let opcode: UInt8 = ext < 2 ? (size == 1 ? 0xFE : 0xFF) : (size == 1 ? 0xF6 : 0xF7)
        return memoryForm(kind, size: size, opcode: [opcode], reg: ext, m, text: "\(mnemonic) \(DiffGenerator.memoryText(size, m))", lockable: ext < 4)
    }

    /// DIV/IDIV m (F6/F7 /6 /7), usually after an instruction that makes a small
    /// dividend (as in `makeDivide`); the divisor is whatever the memory holds.
    mutating func makeMemoryDivide() -> [DiffInstruction] {
        let signed = rng.chance(50), size = anySize()
        var setup: [DiffInstruction] = []
        if rng.chance(65) {
            switch (signed, size) {
            case (false, 1): setup = [DiffInstruction(kind: .mov, size: 1, body: [0xB4, 0x00], reg: 4, text: "mov ah, 0x0")]
            case (false, _): setup = [DiffInstruction(kind: .alu(6), size: size, body: [0x31, DiffGenerator.modrm(2, 2)], reg: 2, rm: 2,
                                                      text: "xor \(DiffGenerator.name(2, size)), \(DiffGenerator.name(2, size))")]
            case (true, 1): setup = [DiffInstruction(kind: .cbw, size: 2, body: [0x98], text: "cbw")]
            case (true, _): setup = [DiffInstruction(kind: .cwd, size: size, body: [0x99], text: size == 2 ? "cwd" : "cdq")]
            }
        }
        let m = memoryOperand(target: targetAddress(), avoiding: [Reg.eax, Reg.edx])
        return setup + memoryForm(signed ? .idiv : .div, size: size, opcode: [size == 1 ? 0xF6 : 0xF7], reg: signed ? 7 : 6, m,
                                  text: "\(signed ? "idiv" : "div") \(DiffGenerator.memoryText(size, m))")
    }

    /// IMUL r, m (0F AF); IMUL r, m, imm (69, 6B).
    mutating func makeMemoryImul() -> [DiffInstruction] {
        let size = wideSize(), reg = register(size: size), m = memoryOperand(target: targetAddress())
        let text = "imul \(DiffGenerator.name(reg, size)), \(DiffGenerator.memoryText(size, m))"
        switch rng.below(3) {
        case 0: return memoryForm(.imul, size: size, opcode: [0x0F, 0xAF], reg: reg, m, text: text)
        case 1:
            let imm = immediate(size: size)
            return memoryForm(.imul, size: size, opcode: [0x69], reg: reg, immediate: DiffGenerator.immBytes(imm, size), m,
                              text: text + ", \(DiffGenerator.hex(imm))")
        default:
            let imm = immediate(size: 1)
            return memoryForm(.imul, size: size, opcode: [0x6B], reg: reg, immediate: [UInt8(imm)], m, text: text + ", \(DiffGenerator.hex(imm)) (sx)")
        }
    }

    /// ROL..SAR m by 1 (D0/D1), CL (D2/D3, sometimes after MOV CL) or imm8 (C0/C1).
    mutating func makeMemoryShift() -> [DiffInstruction] {
        let op = rng.chance(6) ? 6 : [0, 1, 2, 3, 4, 5, 7][rng.below(7)]
        let size = anySize(), w = size == 1 ? 0 : 1
        var setup: [DiffInstruction] = []
        let count: DiffCount, opcode: UInt8, immediate: [UInt8]
        switch rng.below(3) {
        case 0: (count, opcode, immediate) = (.one, UInt8(0xD0 + w), [])
        case 1:
            (count, opcode, immediate) = (.cl, UInt8(0xD2 + w), [])
            if rng.chance(50) { setup = [movCL(shiftCount())] }
        default:
            let c = shiftCount()
            (count, opcode, immediate) = (.imm(c), UInt8(0xC0 + w), [c])
        }
        let m = memoryOperand(target: targetAddress(), avoiding: setup.isEmpty ? [] : [Reg.ecx])
        let text = "\(DiffKind.shiftNames[op].lowercased()) \(DiffGenerator.memoryText(size, m))\(DiffGenerator.countText(count))"
        return setup + memoryForm(.shift(op), size: size, opcode: [opcode], reg: op, immediate: immediate, m, text: text, count: count)
    }

    /// XCHG m, r (86/87), XADD m, r (0F C0/C1), CMPXCHG m, r (0F B0/B1), the
    /// latter sometimes after MOV acc, m so that the compare succeeds.
    mutating func makeMemoryExchange() -> [DiffInstruction] {
        let size = anySize(), w = size == 1 ? 0 : 1, reg = register(size: size)
        let R = DiffGenerator.name(reg, size)
        switch rng.below(3) {
        case 0:
            let m = memoryOperand(target: targetAddress())
            return memoryForm(.xchg, size: size, opcode: [UInt8(0x86 + w)], reg: reg, m, text: "xchg \(DiffGenerator.memoryText(size, m)), \(R)", lockable: true)
        case 1:
            let m = memoryOperand(target: targetAddress())
            return memoryForm(.xadd, size: size, opcode: [0x0F, UInt8(0xC0 + w)], reg: reg, m, text: "xadd \(DiffGenerator.memoryText(size, m)), \(R)", lockable: true)
        default:
            let loadFirst = rng.chance(40)
            let m = memoryOperand(target: targetAddress(), avoiding: loadFirst ? [Reg.eax] : [])
            let M = DiffGenerator.memoryText(size, m)
            var group = memoryForm(.cmpxchg, size: size, opcode: [0x0F, UInt8(0xB0 + w)], reg: reg, m, text: "cmpxchg \(M), \(R)", lockable: true)
            if loadFirst {
                var load = DiffInstruction(kind: .mov, size: size, body: [UInt8(0x8A + w)] + m.bytes(reg: 0), text: "mov \(DiffGenerator.name(0, size)), \(M)")
                load.addressesMemory = true
                group.insert(load, at: group.count - 1)
            }
            return group
        }
    }

    /// BT BTS BTR BTC m, r (0F A3/AB/B3/BB), whose bit offset reaches beyond the
    /// operand (a signed offset from the register: memory at address + offset/8),
    /// and m, imm8 (0F BA /4../7), whose offset stays within it.
    mutating func makeMemoryBitTest() -> [DiffInstruction] {
        let op = rng.below(4), size = wideSize()
        let mnemonic = DiffKind.btNames[op].lowercased()
        if rng.chance(60) {
            let reg = register(size: 4)
            let offset: UInt32
            switch rng.below(10) {
            case 0..<6: offset = UInt32(bitPattern: Int32(rng.below(0x200) - 0x100))
            case 6..<9: offset = UInt32(bitPattern: Int32(rng.below(0x2_0000) - 0x1_0000))
            default: offset = rng.pick([0x7FFF, 0x8000, 0xFFFF, 0x1_0000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF])
            }
            let m = memoryOperand(target: targetAddress(), avoiding: [reg])
            return [movImmediate(reg, offset)]
                + memoryForm(.bt(op), size: size, opcode: [0x0F, [0xA3, 0xAB, 0xB3, 0xBB][op]], reg: reg, m,
                             text: "\(mnemonic) \(DiffGenerator.memoryText(size, m)), \(DiffGenerator.name(reg, size))", lockable: op != 0)
        }
        let imm = UInt8(truncatingIfNeeded: rng.chance(60) ? UInt32(rng.below(40)) : rng.u32())
        let m = memoryOperand(target: targetAddress())
        return memoryForm(.bt(op), size: size, opcode: [0x0F, 0xBA], reg: 4 + op, immediate: [imm], m,
                          text: "\(mnemonic) \(DiffGenerator.memoryText(size, m)), \(DiffGenerator.hex(UInt32(imm)))", lockable: op != 0)
    }

    /// SETcc m8 (0F 90+cc).
    mutating func makeMemorySetcc() -> [DiffInstruction] {
        let cc = rng.below(16), m = memoryOperand(target: targetAddress())
        return memoryForm(.setcc(cc), size: 1, opcode: [0x0F, UInt8(0x90 + cc)], reg: 0, m,
                          text: "set\(DiffGenerator.ccNames[cc]) \(DiffGenerator.memoryText(1, m))")
    }

    /// CMOVcc r, m (0F 40+cc): the memory is read (and may fault) whether or not the condition holds.
    mutating func makeMemoryCmov() -> [DiffInstruction] {
        let cc = rng.below(16), size = wideSize(), reg = register(size: size), m = memoryOperand(target: targetAddress())
        return memoryForm(.cmovcc(cc), size: size, opcode: [0x0F, UInt8(0x40 + cc)], reg: reg, m,
                          text: "cmov\(DiffGenerator.ccNames[cc]) \(DiffGenerator.name(reg, size)), \(DiffGenerator.memoryText(size, m))")
    }

    /// MOVS CMPS STOS LODS SCAS, alone or with REP (REPE/REPNE for CMPS and
    /// SCAS) and a small ECX, after CLD or STD and MOVs of ESI and EDI to
    /// addresses near page boundaries: a repeated one may fault part-way, with
    /// ESI, EDI, ECX and the memory showing the iterations done.
    mutating func makeString() -> [DiffInstruction] {
        let op: UInt8 = rng.pick([0xA4, 0xA6, 0xAA, 0xAC, 0xAE])
        let size = anySize(), repeated = rng.chance(60), down = rng.chance(35)
        let conditional = op == 0xA6 || op == 0xAE
        let prefix: [UInt8] = repeated ? [conditional && rng.chance(50) ? 0xF2 : 0xF3] : []
        var group = [DiffInstruction(kind: down ? .std : .cld, size: 0, body: [down ? 0xFD : 0xFC], text: down ? "std" : "cld")]
        if op != 0xAA { group.append(movImmediate(Reg.esi, targetAddress())) }
        if op != 0xAC { group.append(movImmediate(Reg.edi, targetAddress())) }
        if repeated {
            let count = rng.chance(80) ? UInt32(rng.below(10)) : UInt32(rng.below(41))
            group.append(movImmediate(Reg.ecx, count))
        }
        let name = DiffKind.stringNames[op]!.lowercased() + ["", "b", "w", "", "d"][size]
        let rep = prefix == [0xF2] ? "repne " : prefix == [0xF3] ? (conditional ? "repe " : "rep ") : ""
        var insn = DiffInstruction(kind: .string(op, repeated: repeated), size: size, body: prefix + [op + (size == 1 ? 0 : 1)], text: rep + name)
        insn.addressesMemory = true
        return group + [insn]
    }
}
