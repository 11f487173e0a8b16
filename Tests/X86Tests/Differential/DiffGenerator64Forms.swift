// The instruction forms of the 64-bit differential test's generator, register
// operands only (mod = 11) except LEA, whose address is computed but never used.

extension DiffGenerator64 {
    typealias G = DiffGenerator64

    /// ADD/OR/ADC/SBB/AND/SUB/XOR/CMP: 00-3F r/m,r and r,r/m and accumulator,imm; 80/81/83 /n.
    mutating func makeAlu(_ n: Int) -> DiffInstruction64 {
        let size = anySize(), w = size == 1 ? 0 : 1
        begin(rexW: size == 8)
        let mnemonic = DiffKind.aluNames[n].lowercased()
        let reg = register(size: size), rm = register(size: size)
        let N = G.name
        var insn = DiffInstruction64(kind: .alu(n), size: size, bytes: [], reg: reg, rm: rm, text: "")
        switch rng.below(5) {
        case 0:
            insn.bytes = modrmForm([UInt8(n * 8 + w)], size: size, reg: reg, rm: rm)
            insn.text = "\(mnemonic) \(N(rm, size)), \(N(reg, size))"
        case 1:
            insn.bytes = modrmForm([UInt8(n * 8 + 2 + w)], size: size, reg: reg, rm: rm)
            insn.text = "\(mnemonic) \(N(reg, size)), \(N(rm, size))"
        case 2:
            let imm = immediate(size: size)
            insn.bytes = plainForm([UInt8(n * 8 + 4 + w)], size: size, suffix: G.immBytes(imm, min(size, 4)))
            insn.text = "\(mnemonic) \(N(0, size)), \(G.hex(imm))"
        case 3:
            let imm = immediate(size: size)
            insn.bytes = digitForm([UInt8(0x80 + w)], size: size, digit: n, rm: rm, suffix: G.immBytes(imm, min(size, 4)))
            insn.text = "\(mnemonic) \(N(rm, size)), \(G.hex(imm))"
        default:
            let imm = immediate(size: 1)
            insn.bytes = digitForm([size == 1 ? 0x80 : 0x83], size: size, digit: n, rm: rm, suffix: [UInt8(imm)])
            insn.text = "\(mnemonic) \(N(rm, size)), \(G.hex(imm))\(size == 1 ? "" : " (sx)")"
        }
        return insn
    }

    /// TEST: 84/85 /r, A8/A9 imm, F6/F7 /0 imm.
    mutating func makeTest() -> DiffInstruction64 {
        let size = anySize(), w = size == 1 ? 0 : 1
        begin(rexW: size == 8)
        let reg = register(size: size), rm = register(size: size)
        let N = G.name
        switch rng.below(3) {
        case 0:
            return DiffInstruction64(kind: .test, size: size, bytes: modrmForm([UInt8(0x84 + w)], size: size, reg: reg, rm: rm),
                                     reg: reg, rm: rm, text: "test \(N(rm, size)), \(N(reg, size))")
        case 1:
            let imm = immediate(size: size)
            return DiffInstruction64(kind: .test, size: size,
                                     bytes: plainForm([UInt8(0xA8 + w)], size: size, suffix: G.immBytes(imm, min(size, 4))),
                                     text: "test \(N(0, size)), \(G.hex(imm))")
        default:
            let imm = immediate(size: size)
            return DiffInstruction64(kind: .test, size: size,
                                     bytes: digitForm([UInt8(0xF6 + w)], size: size, digit: 0, rm: rm, suffix: G.immBytes(imm, min(size, 4))),
                                     rm: rm, text: "test \(N(rm, size)), \(G.hex(imm))")
        }
    }

    /// INC/DEC: FE/FF /0 /1 (40-4F are REX prefixes in 64-bit mode).
    mutating func makeIncDec() -> DiffInstruction64 {
        let isDec = rng.chance(50)
        let size = anySize()
        begin(rexW: size == 8)
        let rm = register(size: size)
        return DiffInstruction64(kind: isDec ? .dec : .inc, size: size,
                                 bytes: digitForm([size == 1 ? 0xFE : 0xFF], size: size, digit: isDec ? 1 : 0, rm: rm),
                                 rm: rm, text: "\(isDec ? "dec" : "inc") \(G.name(rm, size))")
    }

    /// F6/F7 /2../7: NOT NEG MUL IMUL (one operand) DIV IDIV. With `size`, the
    /// caller has begun the instruction (and picked `rm`).
    mutating func makeUnary(_ kind: DiffKind, size fixedSize: Int? = nil, rm fixedRm: Int? = nil) -> DiffInstruction64 {
        let size = fixedSize ?? anySize()
        if fixedSize == nil { begin(rexW: size == 8) }
        let rm = fixedRm ?? register(size: size)
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
        return DiffInstruction64(kind: kind, size: size, bytes: digitForm([size == 1 ? 0xF6 : 0xF7], size: size, digit: ext, rm: rm),
                                 rm: rm, text: "\(mnemonic) \(G.name(rm, size))")
    }

    /// DIV/IDIV, 64-bit ones dividing RDX:RAX; usually after an instruction that
    /// makes the quotient fit (MOV AH,0 / XOR rDX,rDX for DIV; CBW / CWD / CDQ / CQO
    /// for IDIV), else random operands, which often fault with #DE.
    mutating func makeDivide() -> [DiffInstruction64] {
        let signed = rng.chance(50)
        let size = anySize()
        begin(rexW: size == 8)
        var rm = register(size: size)
        let kind: DiffKind = signed ? .idiv : .div
        guard rng.chance(65) else { return [makeUnary(kind, size: size, rm: rm)] }
        let setup: DiffInstruction64
        switch (signed, size) {
        case (false, 1):
            // B4 without REX: MOV AH (with REX it would be MOV SPL).
            setup = DiffInstruction64(kind: .mov, size: 1, bytes: plusRegisterForm([0xB0], size: 1, register: 4, suffix: [0]),
                                      reg: 4, text: "mov ah, 0x0")
            if rm == 4 { rm = 3 }   // not AH
        case (false, _):
            let xorSize = size == 8 && rng.chance(50) ? 4 : size   // XOR EDX, EDX clears all of RDX
            setup = DiffInstruction64(kind: .alu(6), size: xorSize, bytes: modrmForm([0x31], size: xorSize, reg: 2, rm: 2),
                                      reg: 2, rm: 2, text: "xor \(G.name(2, xorSize)), \(G.name(2, xorSize))")
            if rm == 2 { rm = 3 }   // not rDX
        case (true, 1):
            setup = DiffInstruction64(kind: .cbw, size: 2, bytes: plainForm([0x98], size: 2), text: "cbw")
        case (true, _):
            setup = DiffInstruction64(kind: .cwd, size: size, bytes: plainForm([0x99], size: size),
                                      text: size == 2 ? "cwd" : size == 4 ? "cdq" : "cqo")
        }
        return [setup, makeUnary(kind, size: size, rm: rm)]
    }

    /// IMUL r, r/m (0F AF); IMUL r, r/m, imm (69 iw/id, 6B ib).
    mutating func makeImul() -> DiffInstruction64 {
        let size = wideSize()
        begin(rexW: size == 8)
        let reg = register(size: size), rm = register(size: size)
        let N = G.name
        switch rng.below(3) {
        case 0:
            return DiffInstruction64(kind: .imul, size: size, bytes: modrmForm([0x0F, 0xAF], size: size, reg: reg, rm: rm),
                                     reg: reg, rm: rm, text: "imul \(N(reg, size)), \(N(rm, size))")
        case 1:
            let imm = immediate(size: size)
            return DiffInstruction64(kind: .imul, size: size,
                                     bytes: modrmForm([0x69], size: size, reg: reg, rm: rm, suffix: G.immBytes(imm, min(size, 4))),
                                     reg: reg, rm: rm, text: "imul \(N(reg, size)), \(N(rm, size)), \(G.hex(imm))")
        default:
            let imm = immediate(size: 1)
            return DiffInstruction64(kind: .imul, size: size, bytes: modrmForm([0x6B], size: size, reg: reg, rm: rm, suffix: [UInt8(imm)]),
                                     reg: reg, rm: rm, text: "imul \(N(reg, size)), \(N(rm, size)), \(G.hex(imm)) (sx)")
        }
    }

    /// ROL ROR RCL RCR SHL SHR SAL(/6) SAR by 1 (D0/D1), CL (D2/D3) or imm8 (C0/C1).
    mutating func makeShift() -> [DiffInstruction64] {
        let op = rng.chance(6) ? 6 : [0, 1, 2, 3, 4, 5, 7][rng.below(7)]
        let size = anySize(), w = size == 1 ? 0 : 1
        var group: [DiffInstruction64] = []
        let count: DiffCount
        switch rng.below(3) {
        case 0: count = .one
        case 1:
            count = .cl
            if rng.chance(40) { group.append(movCL(shiftCount())) }
        default: count = .imm(shiftCount())
        }
        begin(rexW: size == 8)
        let rm = register(size: size)
        let bytes: [UInt8]
        switch count {
        case .one: bytes = digitForm([UInt8(0xD0 + w)], size: size, digit: op, rm: rm)
        case .imm(let c): bytes = digitForm([UInt8(0xC0 + w)], size: size, digit: op, rm: rm, suffix: [c])
        default: bytes = digitForm([UInt8(0xD2 + w)], size: size, digit: op, rm: rm)
        }
        let text = "\(DiffKind.shiftNames[op].lowercased()) \(G.name(rm, size))" + DiffGenerator.countText(count)
        return group + [DiffInstruction64(kind: .shift(op), size: size, bytes: bytes, rm: rm, count: count, text: text)]
    }

    mutating func movCL(_ c: UInt8) -> DiffInstruction64 {
        begin(rexW: false)
        return DiffInstruction64(kind: .mov, size: 1, bytes: plusRegisterForm([0xB0], size: 1, register: 1, suffix: [c]),
                                 reg: 1, text: "mov cl, \(G.hex(UInt64(c)))")
    }

    /// SHLD/SHRD r/m, r, imm8 (0F A4 / 0F AC) or CL (0F A5 / 0F AD).
    mutating func makeDoubleShift() -> [DiffInstruction64] {
        let right = rng.chance(50)
        let size = wideSize()
        var group: [DiffInstruction64] = []
        let count: DiffCount
        if rng.chance(50) {
            count = .cl
            if rng.chance(50) { group.append(movCL(shiftCount())) }
        } else {
            count = .imm(shiftCount())
        }
        begin(rexW: size == 8)
        let reg = register(size: size), rm = register(size: size)
        let bytes: [UInt8]
        if case .imm(let c) = count {
            bytes = modrmForm([0x0F, right ? 0xAC : 0xA4], size: size, reg: reg, rm: rm, suffix: [c])
        } else {
            bytes = modrmForm([0x0F, right ? 0xAD : 0xA5], size: size, reg: reg, rm: rm)
        }
        let text = "\(right ? "shrd" : "shld") \(G.name(rm, size)), \(G.name(reg, size))" + DiffGenerator.countText(count)
        return group + [DiffInstruction64(kind: right ? .shrd : .shld, size: size, bytes: bytes, reg: reg, rm: rm, count: count, text: text)]
    }

    /// BT BTS BTR BTC r/m, r (0F A3/AB/B3/BB) and r/m, imm8 (0F BA /4../7).
    mutating func makeBitTest() -> DiffInstruction64 {
        let op = rng.below(4)
        let size = wideSize()
        begin(rexW: size == 8)
        let reg = register(size: size), rm = register(size: size)
        let mnemonic = DiffKind.btNames[op].lowercased()
        if rng.chance(50) {
            return DiffInstruction64(kind: .bt(op), size: size, bytes: modrmForm([0x0F, [0xA3, 0xAB, 0xB3, 0xBB][op]], size: size, reg: reg, rm: rm),
                                     reg: reg, rm: rm, text: "\(mnemonic) \(G.name(rm, size)), \(G.name(reg, size))")
        }
        let imm = UInt8(truncatingIfNeeded: rng.chance(60) ? UInt32(rng.below(70)) : rng.u32())
        return DiffInstruction64(kind: .bt(op), size: size, bytes: digitForm([0x0F, 0xBA], size: size, digit: 4 + op, rm: rm, suffix: [imm]),
                                 rm: rm, text: "\(mnemonic) \(G.name(rm, size)), \(G.hex(UInt64(imm)))")
    }

    /// BSF/BSR r, r/m (0F BC / 0F BD), never with F3 (TZCNT/LZCNT).
    mutating func makeBitScan() -> DiffInstruction64 {
        let reverse = rng.chance(50)
        let size = wideSize()
        begin(rexW: size == 8)
        let reg = register(size: size), rm = register(size: size)
        return DiffInstruction64(kind: reverse ? .bsr : .bsf, size: size, bytes: modrmForm([0x0F, reverse ? 0xBD : 0xBC], size: size, reg: reg, rm: rm),
                                 reg: reg, rm: rm, text: "\(reverse ? "bsr" : "bsf") \(G.name(reg, size)), \(G.name(rm, size))")
    }

    /// SETcc r/m8 (0F 90+cc).
    mutating func makeSetcc() -> DiffInstruction64 {
        let cc = rng.below(16)
        begin(rexW: false)
        let rm = register(size: 1)
        return DiffInstruction64(kind: .setcc(cc), size: 1, bytes: digitForm([0x0F, UInt8(0x90 + cc)], size: 1, digit: 0, rm: rm),
                                 rm: rm, text: "set\(DiffGenerator.ccNames[cc]) \(G.name(rm, 1))")
    }

    /// CMOVcc r, r/m (0F 40+cc); a 32-bit one clears bits 63:32 of the destination
    /// even when the condition is false (SDM Vol. 2 CMOVcc).
    mutating func makeCmov() -> DiffInstruction64 {
        let cc = rng.below(16), size = wideSize()
        begin(rexW: size == 8)
        let reg = register(size: size), rm = register(size: size)
        return DiffInstruction64(kind: .cmovcc(cc), size: size, bytes: modrmForm([0x0F, UInt8(0x40 + cc)], size: size, reg: reg, rm: rm),
                                 reg: reg, rm: rm, text: "cmov\(DiffGenerator.ccNames[cc]) \(G.name(reg, size)), \(G.name(rm, size))")
    }

    /// XCHG r/m, r (86/87) and rAX, r (90+r, REX.B selecting R8-R15; 90 alone is NOP).
    mutating func makeXchg() -> DiffInstruction64 {
        if rng.chance(35) {
            let size = wideSize()
            begin(rexW: size == 8)
            let r = register(size: size)
            return DiffInstruction64(kind: .xchg, size: size, bytes: plusRegisterForm([0x90], size: size, register: r), reg: r,
                                     text: "xchg \(G.name(0, size)), \(G.name(r, size))")
        }
        let size = anySize()
        begin(rexW: size == 8)
        let reg = register(size: size), rm = register(size: size)
        return DiffInstruction64(kind: .xchg, size: size, bytes: modrmForm([size == 1 ? 0x86 : 0x87], size: size, reg: reg, rm: rm),
                                 reg: reg, rm: rm, text: "xchg \(G.name(rm, size)), \(G.name(reg, size))")
    }

    /// XADD r/m, r (0F C0 / 0F C1).
    mutating func makeXadd() -> DiffInstruction64 {
        let size = anySize()
        begin(rexW: size == 8)
        let reg = register(size: size), rm = register(size: size)
        return DiffInstruction64(kind: .xadd, size: size, bytes: modrmForm([0x0F, size == 1 ? 0xC0 : 0xC1], size: size, reg: reg, rm: rm),
                                 reg: reg, rm: rm, text: "xadd \(G.name(rm, size)), \(G.name(reg, size))")
    }

    /// CMPXCHG r/m, r (0F B0 / 0F B1), sometimes after MOV rAX, r/m so that the compare succeeds.
    mutating func makeCmpxchg() -> [DiffInstruction64] {
        let size = anySize()
        begin(rexW: size == 8)
        let reg = register(size: size), rm = register(size: size)
        let insn = DiffInstruction64(kind: .cmpxchg, size: size, bytes: modrmForm([0x0F, size == 1 ? 0xB0 : 0xB1], size: size, reg: reg, rm: rm),
                                     reg: reg, rm: rm, text: "cmpxchg \(G.name(rm, size)), \(G.name(reg, size))")
        guard rng.chance(40) else { return [insn] }
        let mov = DiffInstruction64(kind: .mov, size: size, bytes: modrmForm([size == 1 ? 0x8A : 0x8B], size: size, reg: 0, rm: rm),
                                    reg: 0, rm: rm, text: "mov \(G.name(0, size)), \(G.name(rm, size))")
        return [mov, insn]
    }

    /// BSWAP r32/r64 (0F C8+r); the 16-bit form is undefined and not generated.
    mutating func makeBswap() -> DiffInstruction64 {
        let size = rng.chance(50) ? 4 : 8
        begin(rexW: size == 8)
        let r = register(size: size)
        return DiffInstruction64(kind: .bswap, size: size, bytes: plusRegisterForm([0x0F, 0xC8], size: size, register: r), reg: r,
                                 text: "bswap \(G.name(r, size))")
    }

    /// MOVZX/MOVSX r16/32/64, r/m8 (0F B6 / 0F BE) and r32/64, r/m16 (0F B7 / 0F BF);
    /// MOVSXD r64, r/m32 (REX.W 63) and, rarely, its 32- and 16-bit forms.
    mutating func makeExtend() -> DiffInstruction64 {
        if rng.chance(25) {
            let size = rng.chance(80) ? 8 : rng.chance(70) ? 4 : 2
            let srcSize = size == 8 ? 4 : size
            begin(rexW: size == 8)
            let reg = register(size: size), rm = register(size: srcSize)
            return DiffInstruction64(kind: .movsxd, size: size,
                                     bytes: modrmForm([0x63], size: size, reg: reg, regSize: size, rm: rm, rmSize: srcSize),
                                     reg: reg, rm: rm, text: "movsxd \(G.name(reg, size)), \(G.name(rm, srcSize))")
        }
        let signed = rng.chance(50)
        let fromWord = rng.chance(35)
        let size = fromWord ? (rng.chance(50) ? 4 : 8) : wideSize()
        let srcSize = fromWord ? 2 : 1
        begin(rexW: size == 8)
        let reg = register(size: size), rm = register(size: srcSize)
        let opcode: UInt8 = (signed ? 0xBE : 0xB6) + (fromWord ? 1 : 0)
        return DiffInstruction64(kind: signed ? .movsx : .movzx, size: size,
                                 bytes: modrmForm([0x0F, opcode], size: size, reg: reg, regSize: size, rm: rm, rmSize: srcSize),
                                 reg: reg, rm: rm, text: "\(signed ? "movsx" : "movzx") \(G.name(reg, size)), \(G.name(rm, srcSize))")
    }

    /// MOV: 88/89/8A/8B /r, B0+r ib, B8+r iw/id/io (REX.W: a full 64-bit immediate), C6/C7 /0 imm.
    mutating func makeMov() -> DiffInstruction64 {
        let size = anySize(), w = size == 1 ? 0 : 1
        begin(rexW: size == 8)
        let reg = register(size: size), rm = register(size: size)
        let N = G.name
        switch rng.below(4) {
        case 0:
            return DiffInstruction64(kind: .mov, size: size, bytes: modrmForm([UInt8(0x88 + w)], size: size, reg: reg, rm: rm),
                                     reg: reg, rm: rm, text: "mov \(N(rm, size)), \(N(reg, size)) (88/89)")
        case 1:
            return DiffInstruction64(kind: .mov, size: size, bytes: modrmForm([UInt8(0x8A + w)], size: size, reg: reg, rm: rm),
                                     reg: reg, rm: rm, text: "mov \(N(reg, size)), \(N(rm, size)) (8A/8B)")
        case 2:
            let imm = size == 8 ? registerValue() : immediate(size: size)
            return DiffInstruction64(kind: .mov, size: size,
                                     bytes: plusRegisterForm([size == 1 ? 0xB0 : 0xB8], size: size, register: reg, suffix: G.immBytes(imm, size)),
                                     reg: reg, text: "mov \(N(reg, size)), \(G.hex(imm))")
        default:
            let imm = immediate(size: size)
            return DiffInstruction64(kind: .mov, size: size,
                                     bytes: digitForm([UInt8(0xC6 + w)], size: size, digit: 0, rm: rm, suffix: G.immBytes(imm, min(size, 4))),
                                     rm: rm, text: "mov \(N(rm, size)), \(G.hex(imm)) (C6/C7)")
        }
    }

    /// CBW/CWDE/CDQE (98), CWD/CDQ/CQO (99).
    mutating func makeConvert() -> DiffInstruction64 {
        let size = wideSize()
        begin(rexW: size == 8)
        if rng.chance(50) {
            return DiffInstruction64(kind: .cbw, size: size, bytes: plainForm([0x98], size: size), text: ["cbw", "cwde", "cdqe"][size / 4])
        }
        return DiffInstruction64(kind: .cwd, size: size, bytes: plainForm([0x99], size: size), text: ["cwd", "cdq", "cqo"][size / 4])
    }

    /// LEA r16/32/64, m (8D) with 64-bit or (0x67) 32-bit addresses: base, base +
    /// disp8/disp32, and SIB forms with R12/R13 bases, the R12 index, "no index"
    /// (100 without REX.X) and "no base" (mod 00, base 101, REX.B ignored). Never
    /// RIP-relative or based on RSP, whose values differ between SwiftPC and the host.
    mutating func makeLea() -> DiffInstruction64 {
        let size = wideSize()
        let address32 = rng.chance(35)
        begin(rexW: size == 8)
        let reg = register(size: size)
        let addressSize = address32 ? 4 : 8
        var mod = rng.below(3)
        var fields = [Field(number: reg, size: size, rexBit: 2)]
        var terms: [String] = []
        var modrmRM: Int
        var sib: [UInt8] = []
        if rng.chance(40) {
            // No SIB: rm 100 would mean SIB, and mod 00 with rm 101 RIP-relative.
            var base = register(size: 8)
            while base & 7 == 4 { base = register(size: 8) }
            if mod == 0 && base & 7 == 5 { mod = 1 }
            fields.append(Field(number: base, size: 8, rexBit: 0))
            modrmRM = base & 7
            terms.append(G.name(base, addressSize))
        } else {
            modrmRM = 4
            let scale = rng.below(4)
            var index = 4   // none (needs REX.X = 0)
            if rng.chance(80) { index = register(size: 8) }
            fields.append(Field(number: index, size: 8, rexBit: 1))
            var baseField = 5
            if mod == 0 && rng.chance(25) {
                terms.append("disp32 (no base)")   // REX.B is then not decoded
            } else {
                let base = register(size: 8)
                if mod == 0 && base & 7 == 5 { mod = 1 }
                fields.append(Field(number: base, size: 8, rexBit: 0))
                baseField = base & 7
                terms.append(G.name(base, addressSize))
            }
            if index != 4 { terms.append("\(G.name(index, addressSize))*\(1 << scale)") }
            sib = [UInt8(scale << 6 | (index & 7) << 3 | baseField)]
        }
        let noBase = modrmRM == 4 && sib[0] & 7 == 5 && mod == 0
        var displacement: [UInt8] = []
        if mod == 1 {
            displacement = [UInt8(truncatingIfNeeded: immediate(size: 1))]
        } else if mod == 2 || noBase {
            displacement = G.immBytes(immediate(size: 4), 4)
        }
        if !displacement.isEmpty { terms.append("disp " + DifferentialTests.hexBytes(displacement)) }
        let bytes = assemble([0x8D], size: size, w: size == 8, fields: fields, addressSize32: address32,
                             suffix: [UInt8(mod << 6 | (reg & 7) << 3 | modrmRM)] + sib + displacement)
        return DiffInstruction64(kind: .lea, size: size, bytes: bytes, reg: reg,
                                 text: "lea \(G.name(reg, size)), [\(terms.joined(separator: " + "))]\(address32 ? " (a32)" : "")")
    }
}
