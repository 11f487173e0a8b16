// The memory forms of the 64-bit paged differential test's generator: each
// family at operand sizes 8/16/32/64 with a memory operand from
// `memoryOperand` (PagedGenerator64.swift), after the instructions that set up
// its address and operands, and the string instructions.

import X86

extension DiffGenerator64 {
    /// One instruction with a memory operand, with the instructions that set up its address and operands.
    mutating func makeMemoryGroup() -> [PagedInstruction64] {
        var w = rng.below(100)
        func take(_ weight: Int) -> Bool { if w < weight { return true }; w -= weight; return false }
        if take(18) { return makeMemoryAlu() }
        if take(4) { return makeMemoryTest() }
        if take(10) { return makeMemoryMov() }
        if take(5) { return makeMemoryExtend() }
        if take(7) { return makeMemoryUnary() }
        if take(4) { return makeMemoryDivide() }
        if take(3) { return makeMemoryImul() }
        if take(8) { return makeMemoryShift() }
        if take(9) { return makeMemoryExchange() }
        if take(3) { return makeMemoryPairCompare() }
        if take(7) { return makeMemoryBitTest() }
        if take(3) { return makeMemorySetcc() }
        if take(4) { return makeMemoryCmov() }
        return makeMemoryString()
    }

    /// ADD..CMP m, r (00+8n/01+8n); r, m (02+8n/03+8n); m, imm (80/81 /n, 83 /n).
    /// Here and below the forms that write memory (not CMP, TEST, BT) take LOCK.
    mutating func makeMemoryAlu() -> [PagedInstruction64] {
        let n = rng.below(8), size = anySize(), w = size == 1 ? 0 : 1
        begin(rexW: size == 8)
        let reg = register(size: size), m = memoryOperand()
        let mnemonic = DiffKind.aluNames[n].lowercased(), M = G.memoryText(size, m), R = G.name(reg, size)
        switch rng.below(4) {
        case 0:
            return memoryForm(.alu(n), size: size, opcode: [UInt8(n * 8 + w)], reg: reg, regSize: size, m,
                              text: "\(mnemonic) \(M), \(R)", lockable: n != 7)
        case 1:
            return memoryForm(.alu(n), size: size, opcode: [UInt8(n * 8 + 2 + w)], reg: reg, regSize: size, m, text: "\(mnemonic) \(R), \(M)")
        case 2:
            let imm = immediate(size: size)
            return memoryForm(.alu(n), size: size, opcode: [UInt8(0x80 + w)], reg: n, regSize: 0, immediate: G.immBytes(imm, min(size, 4)), m,
                              text: "\(mnemonic) \(M), \(G.hex(imm))", lockable: n != 7)
        default:
            let imm = immediate(size: 1)
            return memoryForm(.alu(n), size: size, opcode: [size == 1 ? 0x80 : 0x83], reg: n, regSize: 0, immediate: [UInt8(imm)], m,
                              text: "\(mnemonic) \(M), \(G.hex(imm))\(size == 1 ? "" : " (sx)")", lockable: n != 7)
        }
    }

    /// TEST m, r (84/85) and m, imm (F6/F7 /0).
    mutating func makeMemoryTest() -> [PagedInstruction64] {
        let size = anySize(), w = size == 1 ? 0 : 1
        begin(rexW: size == 8)
        let reg = register(size: size), m = memoryOperand()
        if rng.chance(50) {
            return memoryForm(.test, size: size, opcode: [UInt8(0x84 + w)], reg: reg, regSize: size, m,
                              text: "test \(G.memoryText(size, m)), \(G.name(reg, size))")
        }
        let imm = immediate(size: size)
        return memoryForm(.test, size: size, opcode: [UInt8(0xF6 + w)], reg: 0, regSize: 0, immediate: G.immBytes(imm, min(size, 4)), m,
                          text: "test \(G.memoryText(size, m)), \(G.hex(imm))")
    }

    /// MOV m, r (88/89); r, m (8A/8B); m, imm (C6/C7 /0); the accumulator and a
    /// moffs64 or, with 0x67, a moffs32 (A0-A3).
    mutating func makeMemoryMov() -> [PagedInstruction64] {
        let size = anySize(), w = size == 1 ? 0 : 1
        begin(rexW: size == 8)
        let reg = register(size: size), R = G.name(reg, size)
        switch rng.below(4) {
        case 0, 1:
            let m = memoryOperand(), store = rng.chance(50)
            return memoryForm(.mov, size: size, opcode: [UInt8((store ? 0x88 : 0x8A) + w)], reg: reg, regSize: size, m,
                              text: store ? "mov \(G.memoryText(size, m)), \(R)" : "mov \(R), \(G.memoryText(size, m))")
        case 2:
            let m = memoryOperand(), imm = immediate(size: size)
            return memoryForm(.mov, size: size, opcode: [UInt8(0xC6 + w)], reg: 0, regSize: 0, immediate: G.immBytes(imm, min(size, 4)), m,
                              text: "mov \(G.memoryText(size, m)), \(G.hex(imm))")
        default:
            let a32 = rng.chance(25), store = rng.chance(50)
            let target = targetAddress(nonCanonical: !a32)
            let bytes = assemble([UInt8((store ? 0xA2 : 0xA0) + w)], size: size, w: size == 8, fields: [], addressSize32: a32,
                                 suffix: G.immBytes(target, a32 ? 4 : 8))
            let A = G.name(0, size), M = "\(G.sizeNames[size] ?? "?") [\(G.hex(target))]"
            var insn = PagedInstruction64(DiffInstruction64(kind: .mov, size: size, bytes: bytes,
                                                            text: (store ? "mov \(M), \(A)" : "mov \(A), \(M)") + " (moffs\(a32 ? 32 : 64))"))
            insn.addressesMemory = true
            insn.addressSize32 = a32
            return [insn]
        }
    }

    /// MOVZX/MOVSX r16/32/64, m8 (0F B6 / 0F BE) and r32/64, m16 (0F B7 / 0F BF);
    /// MOVSXD r64, m32 (REX.W 63) and, rarely, its 32- and 16-bit forms.
    mutating func makeMemoryExtend() -> [PagedInstruction64] {
        if rng.chance(25) {
            let size = rng.chance(80) ? 8 : rng.chance(70) ? 4 : 2
            begin(rexW: size == 8)
            let reg = register(size: size), a32 = rng.chance(25)
            var target = targetAddress(nonCanonical: !a32)
            // 66 63 reads a word on Intel (SDM MOVSXD r16, r/m16), as SwiftPC does, but a
            // dword on AMD hosts: the operand keeps 4 bytes within its page, so that both fault alike.
            if size == 2 && target & 0xFFF > 0xFFC { target -= 4 }
            let m = memoryOperand(target: target, addressSize32: a32)
            return memoryForm(.movsxd, size: size, opcode: [0x63], reg: reg, regSize: size, m,
                              text: "movsxd \(G.name(reg, size)), \(G.memoryText(min(size, 4), m))")
        }
        let signed = rng.chance(50), fromWord = rng.chance(35)
        let size = fromWord ? (rng.chance(50) ? 4 : 8) : wideSize()
        begin(rexW: size == 8)
        let reg = register(size: size), m = memoryOperand()
        return memoryForm(signed ? .movsx : .movzx, size: size, opcode: [0x0F, (signed ? 0xBE : 0xB6) + (fromWord ? 1 : 0)],
                          reg: reg, regSize: size, m,
                          text: "\(signed ? "movsx" : "movzx") \(G.name(reg, size)), \(G.memoryText(fromWord ? 2 : 1, m))")
    }

    /// INC DEC (FE/FF /0 /1), NOT NEG MUL IMUL (F6/F7 /2../5) of a memory operand.
    mutating func makeMemoryUnary() -> [PagedInstruction64] {
        let size = anySize()
        begin(rexW: size == 8)
        let m = memoryOperand()
        let choices: [(DiffKind, Int, String)] = [(.inc, 0, "inc"), (.dec, 1, "dec"), (.not, 2, "not"), (.neg, 3, "neg"), (.mul, 4, "mul"), (.imul1, 5, "imul")]
        let (kind, ext, mnemonic) = rng.pick(choices)
        let opcode: UInt8 = ext < 2 ? (size == 1 ? 0xFE : 0xFF) : (size == 1 ? 0xF6 : 0xF7)
        return memoryForm(kind, size: size, opcode: [opcode], reg: ext, regSize: 0, m, text: "\(mnemonic) \(G.memoryText(size, m))", lockable: ext < 4)
    }

    /// DIV/IDIV m (F6/F7 /6 /7), usually after an instruction that makes a small
    /// dividend (as in `makeDivide`); the divisor is whatever the memory holds.
    mutating func makeMemoryDivide() -> [PagedInstruction64] {
        let signed = rng.chance(50), size = anySize()
        var setup: [DiffInstruction64] = []
        if rng.chance(65) {
            switch (signed, size) {
            case (false, 1):
                setup = [DiffInstruction64(kind: .mov, size: 1, bytes: plusRegisterForm([0xB0], size: 1, register: 4, suffix: [0]),
                                           reg: 4, text: "mov ah, 0x0")]
            case (false, _):
                let xorSize = size == 8 && rng.chance(50) ? 4 : size
                setup = [DiffInstruction64(kind: .alu(6), size: xorSize, bytes: modrmForm([0x31], size: xorSize, reg: 2, rm: 2),
                                           reg: 2, rm: 2, text: "xor \(G.name(2, xorSize)), \(G.name(2, xorSize))")]
            case (true, 1): setup = [DiffInstruction64(kind: .cbw, size: 2, bytes: plainForm([0x98], size: 2), text: "cbw")]
            case (true, _):
                setup = [DiffInstruction64(kind: .cwd, size: size, bytes: plainForm([0x99], size: size), text: ["cwd", "cdq", "cqo"][size / 4])]
            }
        }
        begin(rexW: size == 8)
        let m = memoryOperand(avoiding: [Reg.eax, Reg.edx])
        return setup.map { PagedInstruction64($0) }
            + memoryForm(signed ? .idiv : .div, size: size, opcode: [size == 1 ? 0xF6 : 0xF7], reg: signed ? 7 : 6, regSize: 0, m,
                         text: "\(signed ? "idiv" : "div") \(G.memoryText(size, m))")
    }

    /// IMUL r, m (0F AF); IMUL r, m, imm (69, 6B).
    mutating func makeMemoryImul() -> [PagedInstruction64] {
        let size = wideSize()
        begin(rexW: size == 8)
        let reg = register(size: size), m = memoryOperand()
        let text = "imul \(G.name(reg, size)), \(G.memoryText(size, m))"
        switch rng.below(3) {
        case 0: return memoryForm(.imul, size: size, opcode: [0x0F, 0xAF], reg: reg, regSize: size, m, text: text)
        case 1:
            let imm = immediate(size: size)
            return memoryForm(.imul, size: size, opcode: [0x69], reg: reg, regSize: size, immediate: G.immBytes(imm, min(size, 4)), m,
                              text: text + ", \(G.hex(imm))")
        default:
            let imm = immediate(size: 1)
            return memoryForm(.imul, size: size, opcode: [0x6B], reg: reg, regSize: size, immediate: [UInt8(imm)], m,
                              text: text + ", \(G.hex(imm)) (sx)")
        }
    }

    /// ROL..SAR m by 1 (D0/D1), CL (D2/D3, sometimes after MOV CL) or imm8 (C0/C1).
    mutating func makeMemoryShift() -> [PagedInstruction64] {
        let op = rng.chance(6) ? 6 : [0, 1, 2, 3, 4, 5, 7][rng.below(7)]
        let size = anySize(), w = size == 1 ? 0 : 1
        var setup: [PagedInstruction64] = []
        let count: DiffCount, opcode: UInt8, immediate: [UInt8]
        switch rng.below(3) {
        case 0: (count, opcode, immediate) = (.one, UInt8(0xD0 + w), [])
        case 1:
            (count, opcode, immediate) = (.cl, UInt8(0xD2 + w), [])
            if rng.chance(50) { setup = [PagedInstruction64(movCL(shiftCount()))] }
        default:
            let c = shiftCount()
            (count, opcode, immediate) = (.imm(c), UInt8(0xC0 + w), [c])
        }
        begin(rexW: size == 8)
        let m = memoryOperand(avoiding: setup.isEmpty ? [] : [Reg.ecx])
        let text = "\(DiffKind.shiftNames[op].lowercased()) \(G.memoryText(size, m))\(DiffGenerator.countText(count))"
        return setup + memoryForm(.shift(op), size: size, opcode: [opcode], reg: op, regSize: 0, immediate: immediate, m, text: text, count: count)
    }

    /// XCHG m, r (86/87), XADD m, r (0F C0/C1), CMPXCHG m, r (0F B0/B1), the
    /// latter sometimes after MOV rAX, m so that the compare succeeds.
    mutating func makeMemoryExchange() -> [PagedInstruction64] {
        let size = anySize(), w = size == 1 ? 0 : 1
        begin(rexW: size == 8)
        let reg = register(size: size), R = G.name(reg, size)
        switch rng.below(3) {
        case 0:
            let m = memoryOperand()
            return memoryForm(.xchg, size: size, opcode: [UInt8(0x86 + w)], reg: reg, regSize: size, m,
                              text: "xchg \(G.memoryText(size, m)), \(R)", lockable: true)
        case 1:
            let m = memoryOperand()
            return memoryForm(.xadd, size: size, opcode: [0x0F, UInt8(0xC0 + w)], reg: reg, regSize: size, m,
                              text: "xadd \(G.memoryText(size, m)), \(R)", lockable: true)
        default:
            let loadFirst = rng.chance(40)
            let m = memoryOperand(avoiding: loadFirst ? [Reg.eax] : [])
            let M = G.memoryText(size, m)
            var group = m.setup.map { movImmediate($0.register, $0.value) }
            if loadFirst {
                group.append(encode(.mov, size: size, opcode: [UInt8(0x8A + w)], reg: 0, regSize: size, m, text: "mov \(G.name(0, size)), \(M)"))
            }
            group.append(encode(.cmpxchg, size: size, opcode: [0x0F, UInt8(0xB0 + w)], reg: reg, regSize: size, m,
                                text: "cmpxchg \(M), \(R)", lockable: true))
            return group
        }
    }

    /// CMPXCHG8B m64 and CMPXCHG16B m128 (0F C7 /1, REX.W), the latter mostly
    /// 16-byte aligned (else #GP(0)); sometimes twice, so that the second
    /// compares equal with the RDX:RAX the first one loaded.
    mutating func makeMemoryPairCompare() -> [PagedInstruction64] {
        let wide = rng.chance(50)
        begin(rexW: wide)
        let a32 = rng.chance(25)
        var target = targetAddress(nonCanonical: !a32)
        // Mostly aligned; a misaligned one at a non-canonical address checks that the
        // alignment #GP(0) comes first, as on AMD processors.
        if wide && rng.chance(80) { target &= ~15 }
        let m = memoryOperand(target: target, addressSize32: a32, avoiding: [Reg.eax, Reg.edx])
        var insn = encode(.cmpxchg, size: wide ? 8 : 4, opcode: [0x0F, 0xC7], reg: 1, regSize: 0, m,
                          text: wide ? "cmpxchg16b \(G.memoryText(16, m))" : "cmpxchg8b \(G.memoryText(8, m))", lockable: true)
        insn.pairCompare = true
        return m.setup.map { movImmediate($0.register, $0.value) } + (rng.chance(40) ? [insn, insn] : [insn])
    }

    /// BT BTS BTR BTC m, r (0F A3/AB/B3/BB), whose signed bit offset in the
    /// register reaches beyond the operand (memory at address + offset/8, up to
    /// 256 MiB away; a 64-bit offset sometimes to a non-canonical address), and
    /// m, imm8 (0F BA /4../7), whose offset stays within it.
    mutating func makeMemoryBitTest() -> [PagedInstruction64] {
        let op = rng.below(4), size = wideSize()
        begin(rexW: size == 8)
        let mnemonic = DiffKind.btNames[op].lowercased()
        if rng.chance(60) {
            let reg = register(size: size), a32 = rng.chance(25)
            var offset: UInt64
            switch rng.below(10) {
            case 0..<6: offset = UInt64(bitPattern: Int64(rng.below(0x200) - 0x100))
            case 6..<9: offset = UInt64(bitPattern: Int64(rng.below(0x2_0000) - 0x1_0000))
            default:
                switch size {
                case 2: offset = rng.pick([0x7FFF, 0x8000, 0xFFFF])
                case 4: offset = rng.pick([0x7FFF, 0x8000, 0xFFFF, 0x1_0000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF])
                default:
                    let near: [UInt64] = [0x7FFF_FFFF, 0xFFFF_FFFF_8000_0000, UInt64.max]
                    let nonCanonical: [UInt64] = [1 << 62, 0xC000_0000_0000_0000, 0x3FFF_FFFF_FFFF_FFFF]
                    offset = rng.pick(a32 ? near : near + nonCanonical)
                }
            }
            if size < 8 { offset |= rng.next() << (8 * size) }   // bits above the operand size are not used
            let m = memoryOperand(target: targetAddress(nonCanonical: !a32), addressSize32: a32, avoiding: [reg])
            return [movImmediate(reg, offset)]
                + memoryForm(.bt(op), size: size, opcode: [0x0F, [0xA3, 0xAB, 0xB3, 0xBB][op]], reg: reg, regSize: size, m,
                             text: "\(mnemonic) \(G.memoryText(size, m)), \(G.name(reg, size))", lockable: op != 0)
        }
        let imm = UInt8(truncatingIfNeeded: rng.chance(60) ? UInt64(rng.below(70)) : rng.next())
        let m = memoryOperand()
        return memoryForm(.bt(op), size: size, opcode: [0x0F, 0xBA], reg: 4 + op, regSize: 0, immediate: [imm], m,
                          text: "\(mnemonic) \(G.memoryText(size, m)), \(G.hex(UInt64(imm)))", lockable: op != 0)
    }

    /// SETcc m8 (0F 90+cc).
    mutating func makeMemorySetcc() -> [PagedInstruction64] {
        let cc = rng.below(16)
        begin(rexW: false)
        let m = memoryOperand()
        return memoryForm(.setcc(cc), size: 1, opcode: [0x0F, UInt8(0x90 + cc)], reg: 0, regSize: 0, m,
                          text: "set\(DiffGenerator.ccNames[cc]) \(G.memoryText(1, m))")
    }

    /// CMOVcc r, m (0F 40+cc): the memory is read (and may fault) whether or not
    /// the condition holds, and a 32-bit destination is zero-extended either way.
    mutating func makeMemoryCmov() -> [PagedInstruction64] {
        let cc = rng.below(16), size = wideSize()
        begin(rexW: size == 8)
        let reg = register(size: size), m = memoryOperand()
        return memoryForm(.cmovcc(cc), size: size, opcode: [0x0F, UInt8(0x40 + cc)], reg: reg, regSize: size, m,
                          text: "cmov\(DiffGenerator.ccNames[cc]) \(G.name(reg, size)), \(G.memoryText(size, m))")
    }

    /// MOVS CMPS STOS LODS SCAS of 1-8 bytes, alone or with REP (REPE/REPNE for
    /// CMPS and SCAS), with 64-bit addresses (RSI, RDI, RCX) or 32-bit ones
    /// (0x67: ESI, EDI, ECX, the upper halves often garbage), after CLD or STD
    /// and MOVs of RSI and RDI to addresses near page boundaries and of a small
    /// count: a repeated one may fault part-way, with RSI, RDI, RCX and the
    /// memory showing the iterations done.
    mutating func makeMemoryString() -> [PagedInstruction64] {
        let op: UInt8 = rng.pick([0xA4, 0xA6, 0xAA, 0xAC, 0xAE])
        let size = anySize(), repeated = rng.chance(60), down = rng.chance(35), a32 = rng.chance(30)
        let conditional = op == 0xA6 || op == 0xAE
        var group = [PagedInstruction64(DiffInstruction64(kind: down ? .std : .cld, size: 0, bytes: plainForm([down ? 0xFD : 0xFC], size: 0),
                                                          text: down ? "std" : "cld"))]
        if op != 0xAA { group.append(movImmediate(Reg.esi, addressRegister(targetAddress(nonCanonical: !a32), addressSize32: a32))) }
        if op != 0xAC { group.append(movImmediate(Reg.edi, addressRegister(targetAddress(nonCanonical: !a32), addressSize32: a32))) }
        if repeated {
            let count = rng.chance(80) ? UInt64(rng.below(10)) : UInt64(rng.below(41))
            group.append(movImmediate(Reg.ecx, addressRegister(count, addressSize32: a32)))
        }
        var bytes = assemble([op + (size == 1 ? 0 : 1)], size: size, w: size == 8, fields: [], addressSize32: a32, suffix: [])
        let prefix: UInt8? = repeated ? (conditional && rng.chance(50) ? 0xF2 : 0xF3) : nil
        if let prefix { bytes.insert(prefix, at: 0) }
        var segmentText = ""
        if op != 0xAA && op != 0xAE && rng.chance(6) {
            // Overrides DS for the source; CS DS ES SS are ignored in 64-bit mode.
            let segment = rng.pick([0x26, 0x2E, 0x36, 0x3E] as [UInt8])
            bytes.insert(segment, at: 0)
            segmentText = ["es ", "cs ", "ss ", "ds "][Int(segment >> 3 & 3)]
        }
        let name = DiffKind.stringNames[op]!.lowercased() + ["", "b", "w", "", "d", "", "", "", "q"][size]
        let rep = prefix == 0xF2 ? "repne " : prefix == 0xF3 ? (conditional ? "repe " : "rep ") : ""
        var insn = PagedInstruction64(DiffInstruction64(kind: .string(op, repeated: repeated), size: size, bytes: bytes,
                                                        text: segmentText + rep + name + (a32 ? " (a32)" : "")))
        insn.addressesMemory = true
        insn.addressSize32 = a32
        return group + [insn]
    }
}
