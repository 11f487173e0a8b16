// Random straight-line integer instruction sequences for the differential test.

/// SplitMix64: small, fast and reproducible from one 64-bit seed.
struct DiffRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// 0..<n
    mutating func below(_ n: Int) -> Int { Int(truncatingIfNeeded: next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    mutating func u32() -> UInt32 { UInt32(truncatingIfNeeded: next() >> 17) }
    mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }
}

/// One test case: an initial state and a short sequence run from it.
struct DiffCase {
    var registers: [UInt32]   // EAX ECX EDX EBX ESP EBP ESI EDI
    var eflags: UInt32
    var instructions: [DiffInstruction]
}

struct DiffGenerator {
    var rng: DiffRandom
    /// LAHF/SAHF are valid in 64-bit mode only when CPUID 8000_0001h:ECX[0] says so.
    var allowLahfSahf: Bool

    init(seed: UInt64, allowLahfSahf: Bool) {
        rng = DiffRandom(seed: seed)
        self.allowLahfSahf = allowLahfSahf
    }

    static let edge32: [UInt32] = [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x1_0000,
                                   0x7FFF_FFFF, 0x8000_0000, 0x8000_0001, 0xFFFF_FFFF, 0xFFFF_FFFE,
                                   0xFFFF_FF80, 0xFFFF_8000, 0x0000_FF00]
    static let edge8: [UInt32] = [0, 1, 0x7F, 0x80, 0xFF, 0xFE, 0x81]
    static let shiftCounts: [UInt8] = [0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 63, 0x80, 0xFF]
    static let gprs = [0, 1, 2, 3, 5, 6, 7]   // never ESP/SP

    // MARK: Values

    mutating func registerValue() -> UInt32 {
        switch rng.below(10) {
        case 0, 1, 2: return rng.pick(DiffGenerator.edge32)
        case 3: return UInt32(rng.below(41))                                       // small: counts, bit offsets
        case 4: return (rng.u32() & 0xFFFF_0000) | (rng.pick(DiffGenerator.edge32) & 0xFFFF)
        case 5:                                                                    // edge bytes everywhere
            var v: UInt32 = 0
            for i in 0..<4 { v |= (rng.chance(70) ? rng.pick(DiffGenerator.edge8) : rng.u32() & 0xFF) << (8 * i) }
            return v
        default: return rng.u32()
        }
    }

    mutating func immediate(size: Int) -> UInt32 {
        let mask: UInt32 = size == 1 ? 0xFF : size == 2 ? 0xFFFF : 0xFFFF_FFFF
        if rng.chance(45) { return rng.pick(size == 1 ? DiffGenerator.edge8 : DiffGenerator.edge32) & mask }
        if rng.chance(20) { return UInt32(rng.below(40)) }
        return rng.u32() & mask
    }

    mutating func shiftCount() -> UInt8 {
        rng.chance(70) ? rng.pick(DiffGenerator.shiftCounts) : UInt8(truncatingIfNeeded: rng.u32())
    }

    /// A register number valid for `size`: any byte register (AH..BH included), else never (E)SP.
    mutating func register(size: Int) -> Int { size == 1 ? rng.below(8) : rng.pick(DiffGenerator.gprs) }
    mutating func anySize() -> Int { [1, 2, 4][rng.below(3)] }
    mutating func wideSize() -> Int { rng.chance(50) ? 2 : 4 }

    // MARK: Encoding helpers

    static let names: [Int: [String]] = [
        1: ["al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"],
        2: ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"],
        4: ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"],
    ]
    static func name(_ r: Int, _ size: Int) -> String { names[size]![r] }
    static func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }
    static func modrm(_ reg: Int, _ rm: Int) -> UInt8 { UInt8(0xC0 | (reg << 3) | rm) }
    static func immBytes(_ v: UInt32, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    static func countText(_ c: DiffCount) -> String {
        switch c {
        case .none: return ""
        case .one: return ", 1"
        case .cl: return ", cl"
        case .imm(let v): return ", " + hex(UInt32(v))
        }
    }

    // MARK: Cases

    mutating func makeCase() -> DiffCase {
        var regs = (0..<8).map { _ in registerValue() }
        regs[4] = 0x0000_FFF0   // ESP: never used; SwiftPC needs a valid stack pointer
        var flags: UInt32 = 0x2
        for f in [DiffFlags.cf, DiffFlags.pf, DiffFlags.af, DiffFlags.zf, DiffFlags.sf, DiffFlags.of] where rng.chance(50) {
            flags |= f
        }
        var out: [DiffInstruction] = []
        var undefined: UInt32 = 0
        for _ in 0..<(1 + rng.below(8)) { append(makeGroup(), to: &out, undefined: &undefined) }
        return DiffCase(registers: regs, eflags: flags, instructions: out)
    }

    /// Appends a group to a sequence (`DiffFlagModel.append`), defining the
    /// flags with a CMP where needed.
    mutating func append(_ group: [DiffInstruction], to out: inout [DiffInstruction], undefined: inout UInt32) {
        DiffInstruction.append(group, to: &out, undefined: &undefined) { makeAlu(7) }
    }

    /// One randomly chosen instruction, sometimes preceded by a setup instruction
    /// (a non-faulting dividend, a count in CL, a matching accumulator).
    mutating func makeGroup() -> [DiffInstruction] {
        // Weights out of 100.
        var w = rng.below(100)
        func take(_ weight: Int) -> Bool { if w < weight { return true }; w -= weight; return false }
        if take(20) { return [makeAlu(rng.below(8))] }
        if take(4) { return [makeTest()] }
        if take(5) { return [makeIncDec()] }
        if take(3) { return [makeUnary(rng.chance(50) ? .not : .neg)] }
        if take(4) { return [makeUnary(rng.chance(50) ? .mul : .imul1)] }
        if take(5) { return makeDivide() }
        if take(4) { return [makeImul()] }
        if take(13) { return makeShift() }
        if take(5) { return makeDoubleShift() }
        if take(5) { return [makeBitTest()] }
        if take(4) { return [makeBitScan()] }
        if take(4) { return [makeSetcc()] }
        if take(4) { return [makeCmov()] }
        if take(2) { return [makeXchg()] }
        if take(2) { return [makeXadd()] }
        if take(3) { return makeCmpxchg() }
        if take(1) { return [makeBswap()] }
        if take(3) { return [makeExtend()] }
        if take(3) { return [makeMov()] }
        if take(2) { return [makeConvert()] }
        if take(2) {
            let k: DiffKind = [.clc, .stc, .cmc][rng.below(3)]
            return [simple(k, k == .clc ? 0xF8 : k == .stc ? 0xF9 : 0xF5)]
        }
        if take(1), allowLahfSahf { return [rng.chance(50) ? simple(.sahf, 0x9E) : simple(.lahf, 0x9F)] }
        return [simple(.nop, 0x90)]
    }

    func simple(_ kind: DiffKind, _ opcode: UInt8) -> DiffInstruction {
        DiffInstruction(kind: kind, size: 0, body: [opcode], text: kind.family.lowercased())
    }

    /// ADD/OR/ADC/SBB/AND/SUB/XOR/CMP in all register and immediate forms.
    mutating func makeAlu(_ n: Int) -> DiffInstruction {
        let size = anySize()
        let w = size == 1 ? 0 : 1
        let mnemonic = DiffKind.aluNames[n].lowercased()
        let reg = register(size: size), rm = register(size: size)
        let N = DiffGenerator.name
        switch rng.below(5) {
        case 0:   // 00/01 r/m, r
            return DiffInstruction(kind: .alu(n), size: size, body: [UInt8(n * 8 + w), DiffGenerator.modrm(reg, rm)],
                                   reg: reg, rm: rm, text: "\(mnemonic) \(N(rm, size)), \(N(reg, size))")
        case 1:   // 02/03 r, r/m
            return DiffInstruction(kind: .alu(n), size: size, body: [UInt8(n * 8 + 2 + w), DiffGenerator.modrm(reg, rm)],
                                   reg: reg, rm: rm, text: "\(mnemonic) \(N(reg, size)), \(N(rm, size))")
        case 2:   // 04/05 AL/AX/EAX, imm
            let imm = immediate(size: size)
            return DiffInstruction(kind: .alu(n), size: size, body: [UInt8(n * 8 + 4 + w)] + DiffGenerator.immBytes(imm, size),
                                   text: "\(mnemonic) \(N(0, size)), \(DiffGenerator.hex(imm))")
        case 3:   // 80/81 /n r/m, imm
            let imm = immediate(size: size)
            return DiffInstruction(kind: .alu(n), size: size,
                                   body: [UInt8(0x80 + w), DiffGenerator.modrm(n, rm)] + DiffGenerator.immBytes(imm, size),
                                   rm: rm, text: "\(mnemonic) \(N(rm, size)), \(DiffGenerator.hex(imm))")
        default:  // 83 /n r/m16/32, imm8 sign-extended (80 for byte operands)
            let imm = immediate(size: 1)
            return DiffInstruction(kind: .alu(n), size: size,
                                   body: [size == 1 ? 0x80 : 0x83, DiffGenerator.modrm(n, rm), UInt8(imm)],
                                   rm: rm, text: "\(mnemonic) \(N(rm, size)), \(DiffGenerator.hex(imm))\(size == 1 ? "" : " (sx)")")
        }
    }

    /// TEST: 84/85 /r, A8/A9 imm, F6/F7 /0 imm.
    mutating func makeTest() -> DiffInstruction {
        let size = anySize(), w = size == 1 ? 0 : 1
        let reg = register(size: size), rm = register(size: size)
        let N = DiffGenerator.name
        switch rng.below(3) {
        case 0:
            return DiffInstruction(kind: .test, size: size, body: [UInt8(0x84 + w), DiffGenerator.modrm(reg, rm)],
                                   reg: reg, rm: rm, text: "test \(N(rm, size)), \(N(reg, size))")
        case 1:
            let imm = immediate(size: size)
            return DiffInstruction(kind: .test, size: size, body: [UInt8(0xA8 + w)] + DiffGenerator.immBytes(imm, size),
                                   text: "test \(N(0, size)), \(DiffGenerator.hex(imm))")
        default:
            let imm = immediate(size: size)
            return DiffInstruction(kind: .test, size: size,
                                   body: [UInt8(0xF6 + w), DiffGenerator.modrm(0, rm)] + DiffGenerator.immBytes(imm, size),
                                   rm: rm, text: "test \(N(rm, size)), \(DiffGenerator.hex(imm))")
        }
    }

    /// INC/DEC: FE/FF /0 /1; for SwiftPC also the one-byte 40+r / 48+r forms.
    mutating func makeIncDec() -> DiffInstruction {
        let isDec = rng.chance(50)
        let size = anySize(), rm = register(size: size)
        let kind: DiffKind = isDec ? .dec : .inc
        var insn = DiffInstruction(kind: kind, size: size,
                                   body: [size == 1 ? 0xFE : 0xFF, DiffGenerator.modrm(isDec ? 1 : 0, rm)],
                                   rm: rm, text: "\(isDec ? "dec" : "inc") \(DiffGenerator.name(rm, size))")
        if size != 1 && rng.chance(50) {
            insn.swiftBody = [UInt8((isDec ? 0x48 : 0x40) | rm)]
            insn.text += " (SwiftPC: short form)"
        }
        return insn
    }

    /// F6/F7 /2../7: NOT NEG MUL IMUL (one operand) DIV IDIV.
    mutating func makeUnary(_ kind: DiffKind, size fixedSize: Int? = nil, rm fixedRm: Int? = nil) -> DiffInstruction {
        let size = fixedSize ?? anySize(), rm = fixedRm ?? register(size: size)
        let ext: Int
        switch kind {
        case .not: ext = 2
        case .neg: ext = 3
        case .mul: ext = 4
        case .imul1: ext = 5
        case .div: ext = 6
        default: ext = 7
        }
        let mnemonic = ["not", "neg", "mul", "imul", "div", "idiv"][ext - 2]
        return DiffInstruction(kind: kind, size: size, body: [size == 1 ? 0xF6 : 0xF7, DiffGenerator.modrm(ext, rm)],
                               rm: rm, text: "\(mnemonic) \(DiffGenerator.name(rm, size))")
    }

    /// DIV/IDIV; usually preceded by an instruction that makes the quotient fit
    /// (MOV AH,0 / XOR (E)DX,(E)DX for DIV; CBW / CWD / CDQ for IDIV), else random
    /// operands, which mostly fault with #DE.
    mutating func makeDivide() -> [DiffInstruction] {
        let signed = rng.chance(50)
        let size = anySize()
        var rm = register(size: size)
        guard rng.chance(65) else { return [makeUnary(signed ? .idiv : .div, size: size, rm: rm)] }
        var setup: DiffInstruction
        switch (signed, size) {
        case (false, 1):
            setup = DiffInstruction(kind: .mov, size: 1, body: [0xB4, 0x00], reg: 4, text: "mov ah, 0x0")
            if rm == 4 { rm = 3 }   // not AH
        case (false, _):
            setup = DiffInstruction(kind: .alu(6), size: size, body: [0x31, DiffGenerator.modrm(2, 2)], reg: 2, rm: 2,
                                    text: "xor \(DiffGenerator.name(2, size)), \(DiffGenerator.name(2, size))")
            if rm == 2 { rm = 3 }   // not (E)DX
        case (true, 1):
            setup = DiffInstruction(kind: .cbw, size: 2, body: [0x98], text: "cbw")
        case (true, _):
            setup = DiffInstruction(kind: .cwd, size: size, body: [0x99], text: size == 2 ? "cwd" : "cdq")
        }
        return [setup, makeUnary(signed ? .idiv : .div, size: size, rm: rm)]
    }

    /// IMUL r, r/m (0F AF); IMUL r, r/m, imm (69 iw/id, 6B ib).
    mutating func makeImul() -> DiffInstruction {
        let size = wideSize(), reg = register(size: size), rm = register(size: size)
        let N = DiffGenerator.name
        switch rng.below(3) {
        case 0:
            return DiffInstruction(kind: .imul, size: size, body: [0x0F, 0xAF, DiffGenerator.modrm(reg, rm)],
                                   reg: reg, rm: rm, text: "imul \(N(reg, size)), \(N(rm, size))")
        case 1:
            let imm = immediate(size: size)
            return DiffInstruction(kind: .imul, size: size,
                                   body: [0x69, DiffGenerator.modrm(reg, rm)] + DiffGenerator.immBytes(imm, size),
                                   reg: reg, rm: rm, text: "imul \(N(reg, size)), \(N(rm, size)), \(DiffGenerator.hex(imm))")
        default:
            let imm = immediate(size: 1)
            return DiffInstruction(kind: .imul, size: size, body: [0x6B, DiffGenerator.modrm(reg, rm), UInt8(imm)],
                                   reg: reg, rm: rm, text: "imul \(N(reg, size)), \(N(rm, size)), \(DiffGenerator.hex(imm)) (sx)")
        }
    }

    /// ROL ROR RCL RCR SHL SHR SAL(/6) SAR by 1 (D0/D1), CL (D2/D3) or imm8 (C0/C1).
    mutating func makeShift() -> [DiffInstruction] {
        let op = rng.chance(6) ? 6 : [0, 1, 2, 3, 4, 5, 7][rng.below(7)]
        let size = anySize(), rm = register(size: size), w = size == 1 ? 0 : 1
        let text = "\(DiffKind.shiftNames[op].lowercased()) \(DiffGenerator.name(rm, size))"
        var insn = DiffInstruction(kind: .shift(op), size: size, body: [], rm: rm, text: text)
        var group: [DiffInstruction] = []
        switch rng.below(3) {
        case 0:
            insn.count = .one
            insn.body = [UInt8(0xD0 + w), DiffGenerator.modrm(op, rm)]
        case 1:
            insn.count = .cl
            insn.body = [UInt8(0xD2 + w), DiffGenerator.modrm(op, rm)]
            if rng.chance(40) { group.append(movCL(shiftCount())) }
        default:
            let c = shiftCount()
            insn.count = .imm(c)
            insn.body = [UInt8(0xC0 + w), DiffGenerator.modrm(op, rm), c]
        }
        insn.text += DiffGenerator.countText(insn.count)
        return group + [insn]
    }

    func movCL(_ c: UInt8) -> DiffInstruction {
        DiffInstruction(kind: .mov, size: 1, body: [0xB1, c], reg: 1, text: "mov cl, \(DiffGenerator.hex(UInt32(c)))")
    }

    /// SHLD/SHRD r/m, r, imm8 (0F A4 / 0F AC) or CL (0F A5 / 0F AD).
    mutating func makeDoubleShift() -> [DiffInstruction] {
        let right = rng.chance(50)
        let size = wideSize(), reg = register(size: size), rm = register(size: size)
        var insn = DiffInstruction(kind: right ? .shrd : .shld, size: size, body: [], reg: reg, rm: rm,
                                   text: "\(right ? "shrd" : "shld") \(DiffGenerator.name(rm, size)), \(DiffGenerator.name(reg, size))")
        var group: [DiffInstruction] = []
        if rng.chance(50) {
            insn.count = .cl
            insn.body = [0x0F, right ? 0xAD : 0xA5, DiffGenerator.modrm(reg, rm)]
            if rng.chance(50) { group.append(movCL(shiftCount())) }
        } else {
            let c = shiftCount()
            insn.count = .imm(c)
            insn.body = [0x0F, right ? 0xAC : 0xA4, DiffGenerator.modrm(reg, rm), c]
        }
        insn.text += DiffGenerator.countText(insn.count)
        return group + [insn]
    }

    /// BT BTS BTR BTC r/m, r (0F A3/AB/B3/BB) and r/m, imm8 (0F BA /4../7).
    mutating func makeBitTest() -> DiffInstruction {
        let op = rng.below(4)
        let size = wideSize(), reg = register(size: size), rm = register(size: size)
        let mnemonic = DiffKind.btNames[op].lowercased()
        if rng.chance(50) {
            return DiffInstruction(kind: .bt(op), size: size, body: [0x0F, [0xA3, 0xAB, 0xB3, 0xBB][op], DiffGenerator.modrm(reg, rm)],
                                   reg: reg, rm: rm, text: "\(mnemonic) \(DiffGenerator.name(rm, size)), \(DiffGenerator.name(reg, size))")
        }
        let imm = UInt8(truncatingIfNeeded: rng.chance(60) ? UInt32(rng.below(40)) : rng.u32())
        return DiffInstruction(kind: .bt(op), size: size, body: [0x0F, 0xBA, DiffGenerator.modrm(4 + op, rm), imm],
                               rm: rm, text: "\(mnemonic) \(DiffGenerator.name(rm, size)), \(DiffGenerator.hex(UInt32(imm)))")
    }

    /// BSF/BSR r, r/m (0F BC / 0F BD).
    mutating func makeBitScan() -> DiffInstruction {
        let reverse = rng.chance(50)
        let size = wideSize(), reg = register(size: size), rm = register(size: size)
        return DiffInstruction(kind: reverse ? .bsr : .bsf, size: size, body: [0x0F, reverse ? 0xBD : 0xBC, DiffGenerator.modrm(reg, rm)],
                               reg: reg, rm: rm, text: "\(reverse ? "bsr" : "bsf") \(DiffGenerator.name(reg, size)), \(DiffGenerator.name(rm, size))")
    }

    static let ccNames = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"]

    /// SETcc r/m8 (0F 90+cc).
    mutating func makeSetcc() -> DiffInstruction {
        let cc = rng.below(16), rm = register(size: 1)
        return DiffInstruction(kind: .setcc(cc), size: 1, body: [0x0F, UInt8(0x90 + cc), DiffGenerator.modrm(0, rm)],
                               rm: rm, text: "set\(DiffGenerator.ccNames[cc]) \(DiffGenerator.name(rm, 1))")
    }

    /// CMOVcc r, r/m (0F 40+cc).
    mutating func makeCmov() -> DiffInstruction {
        let cc = rng.below(16), size = wideSize(), reg = register(size: size), rm = register(size: size)
        return DiffInstruction(kind: .cmovcc(cc), size: size, body: [0x0F, UInt8(0x40 + cc), DiffGenerator.modrm(reg, rm)],
                               reg: reg, rm: rm,
                               text: "cmov\(DiffGenerator.ccNames[cc]) \(DiffGenerator.name(reg, size)), \(DiffGenerator.name(rm, size))")
    }

    /// XCHG r/m, r (86/87) and (E)AX, r (90+r).
    mutating func makeXchg() -> DiffInstruction {
        if rng.chance(35) {
            let size = wideSize(), r = register(size: size)
            return DiffInstruction(kind: .xchg, size: size, body: [UInt8(0x90 + r)], reg: r,
                                   text: "xchg \(DiffGenerator.name(0, size)), \(DiffGenerator.name(r, size))")
        }
        let size = anySize(), reg = register(size: size), rm = register(size: size)
        return DiffInstruction(kind: .xchg, size: size, body: [size == 1 ? 0x86 : 0x87, DiffGenerator.modrm(reg, rm)],
                               reg: reg, rm: rm, text: "xchg \(DiffGenerator.name(rm, size)), \(DiffGenerator.name(reg, size))")
    }

    /// XADD r/m, r (0F C0 / 0F C1).
    mutating func makeXadd() -> DiffInstruction {
        let size = anySize(), reg = register(size: size), rm = register(size: size)
        return DiffInstruction(kind: .xadd, size: size, body: [0x0F, size == 1 ? 0xC0 : 0xC1, DiffGenerator.modrm(reg, rm)],
                               reg: reg, rm: rm, text: "xadd \(DiffGenerator.name(rm, size)), \(DiffGenerator.name(reg, size))")
    }

    /// CMPXCHG r/m, r (0F B0 / 0F B1), sometimes after MOV acc, r/m so that the compare succeeds.
    mutating func makeCmpxchg() -> [DiffInstruction] {
        let size = anySize(), reg = register(size: size), rm = register(size: size)
        let insn = DiffInstruction(kind: .cmpxchg, size: size, body: [0x0F, size == 1 ? 0xB0 : 0xB1, DiffGenerator.modrm(reg, rm)],
                                   reg: reg, rm: rm, text: "cmpxchg \(DiffGenerator.name(rm, size)), \(DiffGenerator.name(reg, size))")
        guard rng.chance(40) else { return [insn] }
        let mov = DiffInstruction(kind: .mov, size: size, body: [size == 1 ? 0x8A : 0x8B, DiffGenerator.modrm(0, rm)],
                                  reg: 0, rm: rm, text: "mov \(DiffGenerator.name(0, size)), \(DiffGenerator.name(rm, size))")
        return [mov, insn]
    }

    /// BSWAP r32 (0F C8+r); the 16-bit form is undefined and not generated.
    mutating func makeBswap() -> DiffInstruction {
        let r = register(size: 4)
        return DiffInstruction(kind: .bswap, size: 4, body: [0x0F, UInt8(0xC8 + r)], reg: r, text: "bswap \(DiffGenerator.name(r, 4))")
    }

    /// MOVZX/MOVSX r16/32, r/m8 (0F B6 / 0F BE) and r32, r/m16 (0F B7 / 0F BF).
    mutating func makeExtend() -> DiffInstruction {
        let signed = rng.chance(50)
        let fromWord = rng.chance(35)
        let size = fromWord ? 4 : wideSize()
        let srcSize = fromWord ? 2 : 1
        let reg = register(size: size), rm = register(size: srcSize)
        let opcode: UInt8 = (signed ? 0xBE : 0xB6) + (fromWord ? 1 : 0)
        return DiffInstruction(kind: signed ? .movsx : .movzx, size: size, body: [0x0F, opcode, DiffGenerator.modrm(reg, rm)],
                               reg: reg, rm: rm,
                               text: "\(signed ? "movsx" : "movzx") \(DiffGenerator.name(reg, size)), \(DiffGenerator.name(rm, srcSize))")
    }

    /// MOV: 88/89/8A/8B /r, B0+r ib, B8+r iw/id, C6/C7 /0 imm.
    mutating func makeMov() -> DiffInstruction {
        let size = anySize(), w = size == 1 ? 0 : 1
        let reg = register(size: size), rm = register(size: size)
        let N = DiffGenerator.name
        switch rng.below(4) {
        case 0:
            return DiffInstruction(kind: .mov, size: size, body: [UInt8(0x88 + w), DiffGenerator.modrm(reg, rm)],
                                   reg: reg, rm: rm, text: "mov \(N(rm, size)), \(N(reg, size)) (88/89)")
        case 1:
            return DiffInstruction(kind: .mov, size: size, body: [UInt8(0x8A + w), DiffGenerator.modrm(reg, rm)],
                                   reg: reg, rm: rm, text: "mov \(N(reg, size)), \(N(rm, size)) (8A/8B)")
        case 2:
            let imm = immediate(size: size)
            return DiffInstruction(kind: .mov, size: size, body: [UInt8((size == 1 ? 0xB0 : 0xB8) + reg)] + DiffGenerator.immBytes(imm, size),
                                   reg: reg, text: "mov \(N(reg, size)), \(DiffGenerator.hex(imm))")
        default:
            let imm = immediate(size: size)
            return DiffInstruction(kind: .mov, size: size,
                                   body: [UInt8(0xC6 + w), DiffGenerator.modrm(0, rm)] + DiffGenerator.immBytes(imm, size),
                                   rm: rm, text: "mov \(N(rm, size)), \(DiffGenerator.hex(imm)) (C6/C7)")
        }
    }

    /// CBW/CWDE (98), CWD/CDQ (99).
    mutating func makeConvert() -> DiffInstruction {
        let size = wideSize()
        if rng.chance(50) {
            return DiffInstruction(kind: .cbw, size: size, body: [0x98], text: size == 2 ? "cbw" : "cwde")
        }
        return DiffInstruction(kind: .cwd, size: size, body: [0x99], text: size == 2 ? "cwd" : "cdq")
    }
}
