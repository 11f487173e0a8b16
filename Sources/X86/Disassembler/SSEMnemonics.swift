/// The MMX, SSE, SSE2, SSE3 and SSSE3 forms of the 0F, 0F 38 and 0F 3A maps
/// by mandatory prefix (SDM Vol. 2 §2.1.2 and Tables ), in the
/// spelling `ndisasm` prints, so that one opcode byte with no prefix, 66, F3
/// or F2 names different instructions (0F 10: MOVUPS, MOVUPD, MOVSS, MOVSD).
///
/// A form is "name operands", or "memory form|register form" where the two
/// differ (0F 12: MOVLPS with a memory operand, MOVHLPS with a register); ""
/// is undefined. The operand letters follow SDM Vol. 2 §A.2.1 with what
/// ndisasm shows added:
/// - V: the XMM register of ModR/M.reg (REX.R); W: the XMM register of
///   ModR/M.rm (REX.B) or memory; U: W with a register only;
/// - P: the MMX register of ModR/M.reg; Q: the MMX register of ModR/M.rm or
///   memory; N: Q with a register only (REX does not extend MMX registers);
/// - M: memory only;
/// - G and E: a general register (ModR/M.reg, ModR/M.rm or memory) of 32 bits,
///   64 with REX.W; g: G of 32 bits always; e: E whose register is 16 bits
///   (PINSRW names the word it reads);
/// - I: an 8-bit immediate.
/// A memory operand's size keyword follows its letter, as ndisasm prints it
/// (its own table is not consistent: `addpd xmm0,[eax]` but `mulpd xmm0,oword
/// [eax]`): o, q, d for oword, qword, dword; y for dword or, with REX.W, qword;
/// z for none or, with REX.W, qword; nothing for none. "Ib" prints the
/// immediate as `byte 0x5`.
enum SSEMnemonics {
    /// The forms of each opcode index (`DecodedInstruction.opcode`) without a
    /// mandatory prefix, with 66, F3 and F2.
    static let forms: [Int: [String]] = {
        var f: [Int: [String]] = [
            0x110: ["movups V,Wo", "movupd V,Wo", "movss V,Wd", "movsd V,Wq"],
            0x111: ["movups Wo,V", "movupd Wo,V", "movss Wd,V", "movsd Wq,V"],
            0x112: ["movlps V,Mq|movhlps V,U", "movlpd V,Mq", "movsldup V,Wo", "movddup V,Wq"],
            0x113: ["movlps Mq,V", "movlpd Mq,V", "", ""],
            0x114: ["unpcklps V,Wo", "unpcklpd V,Wo", "", ""],
            0x115: ["unpckhps V,Wo", "unpckhpd V,Wo", "", ""],
            0x116: ["movhps V,Mq|movlhps V,U", "movhpd V,Mq", "movshdup V,Wo", ""],
            0x117: ["movhps Mq,V", "movhpd Mq,V", "", ""],
            0x128: ["movaps V,Wo", "movapd V,Wo", "", ""],
            0x129: ["movaps Wo,V", "movapd Wo,V", "", ""],
            0x12A: ["cvtpi2ps V,Qq", "cvtpi2pd V,Q", "cvtsi2ss V,Ey", "cvtsi2sd V,Ey"],
            0x12B: ["movntps Mo,V", "movntpd M,V", "", ""],
            0x12C: ["cvttps2pi P,W", "cvttpd2pi P,W", "cvttss2si G,W", "cvttsd2si G,W"],
            0x12D: ["cvtps2pi P,Wq", "cvtpd2pi P,W", "cvtss2si G,W", "cvtsd2si G,W"],
            0x12E: ["ucomiss V,Wd", "ucomisd V,Wq", "", ""],
            0x12F: ["comiss V,Wd", "comisd V,Wq", "", ""],
            0x150: ["movmskps G,U", "movmskpd g,U", "", ""],
            0x151: ["sqrtps V,Wo", "sqrtpd V,Wo", "sqrtss V,Wd", "sqrtsd V,Wq"],
            0x152: ["rsqrtps V,Wo", "", "rsqrtss V,Wd", ""],
            0x153: ["rcpps V,Wo", "", "rcpss V,Wd", ""],
            0x154: ["andps V,Wo", "andpd V,W", "", ""],
            0x155: ["andnps V,Wo", "andnpd V,W", "", ""],
            0x156: ["orps V,Wo", "orpd V,Wo", "", ""],
            0x157: ["xorps V,Wo", "xorpd V,Wo", "", ""],
            0x158: ["addps V,Wo", "addpd V,W", "addss V,Wd", "addsd V,W"],
            0x159: ["mulps V,Wo", "mulpd V,Wo", "mulss V,Wd", "mulsd V,Wq"],
            0x15A: ["cvtps2pd V,W", "cvtpd2ps V,W", "cvtss2sd V,W", "cvtsd2ss V,W"],
            0x15B: ["cvtdq2ps V,W", "cvtps2dq V,W", "cvttps2dq V,W", ""],
            0x15C: ["subps V,Wo", "subpd V,Wo", "subss V,Wd", "subsd V,Wq"],
            0x15D: ["minps V,Wo", "minpd V,W", "minss V,Wd", "minsd V,W"],
            0x15E: ["divps V,Wo", "divpd V,W", "divss V,Wd", "divsd V,W"],
            0x15F: ["maxps V,Wo", "maxpd V,W", "maxss V,Wd", "maxsd V,W"],
            0x16C: ["", "punpcklqdq V,W", "", ""],
            0x16D: ["", "punpckhqdq V,W", "", ""],
            0x16E: ["movd P,Ey", "movd V,Ez", "", ""],
            0x16F: ["movq P,Q", "movdqa V,Wo", "movdqu V,Wo", ""],
            0x170: ["pshufw P,Q,I", "pshufd V,W,I", "pshufhw V,W,I", "pshuflw V,W,I"],
            0x177: ["emms", "", "", ""],
            0x17C: ["", "haddpd V,Wo", "", "haddps V,Wo"],
            0x17D: ["", "hsubpd V,Wo", "", "hsubps V,Wo"],
            0x17E: ["movd Ey,P", "movd Ez,V", "movq V,W", ""],
            0x17F: ["movq Q,P", "movdqa Wo,V", "movdqu Wo,V", ""],
            0x1C2: ["cmpps V,Wo,Ib", "cmppd V,Wo,Ib", "cmpss V,Wd,Ib", "cmpsd V,Wo,Ib"],
            0x1C3: ["movnti M,G", "", "", ""],
            0x1C4: ["pinsrw P,e,I", "pinsrw V,e,I", "", ""],
            0x1C5: ["pextrw g,N,I", "pextrw g,U,I", "", ""],
            0x1C6: ["shufps V,Wo,Ib", "shufpd V,Wo,Ib", "", ""],
            0x1D0: ["", "addsubpd V,Wo", "", "addsubps V,Wo"],
            0x1D6: ["", "movq W,V", "movq2dq V,N", "movdq2q P,U"],
            0x1D7: ["pmovmskb g,N", "pmovmskb g,U", "", ""],
            0x1E6: ["", "cvttpd2dq V,W", "cvtdq2pd V,W", "cvtpd2dq V,W"],
            0x1E7: ["movntq M,P", "movntdq M,V", "", ""],
            0x1F0: ["", "", "", "lddqu V,Mo"],
            0x1F7: ["maskmovq P,N", "maskmovdqu V,U", "", ""],
            0x30F: ["palignr P,Q,I", "palignr V,W,I", "", ""],
        ]
        // The integer instructions on MMX registers, and on XMM registers with 66.
        let integer: [Int: String] = [
            0x60: "punpcklbw", 0x61: "punpcklwd", 0x62: "punpckldq", 0x63: "packsswb", 0x64: "pcmpgtb",
            0x65: "pcmpgtw", 0x66: "pcmpgtd", 0x67: "packuswb", 0x68: "punpckhbw", 0x69: "punpckhwd",
            0x6A: "punpckhdq", 0x6B: "packssdw", 0x74: "pcmpeqb", 0x75: "pcmpeqw", 0x76: "pcmpeqd",
            0xD1: "psrlw", 0xD2: "psrld", 0xD3: "psrlq", 0xD4: "paddq", 0xD5: "pmullw", 0xD8: "psubusb",
            0xD9: "psubusw", 0xDA: "pminub", 0xDB: "pand", 0xDC: "paddusb", 0xDD: "paddusw", 0xDE: "pmaxub",
            0xDF: "pandn", 0xE0: "pavgb", 0xE1: "psraw", 0xE2: "psrad", 0xE3: "pavgw", 0xE4: "pmulhuw",
            0xE5: "pmulhw", 0xE8: "psubsb", 0xE9: "psubsw", 0xEA: "pminsw", 0xEB: "por", 0xEC: "paddsb",
            0xED: "paddsw", 0xEE: "pmaxsw", 0xEF: "pxor", 0xF1: "psllw", 0xF2: "pslld", 0xF3: "psllq",
            0xF4: "pmuludq", 0xF5: "pmaddwd", 0xF6: "psadbw", 0xF8: "psubb", 0xF9: "psubw", 0xFA: "psubd",
            0xFB: "psubq", 0xFC: "paddb", 0xFD: "paddw", 0xFE: "paddd",
        ]
        for (opcode, name) in integer { f[0x100 | opcode] = [name + " P,Q", name + " V,W", "", ""] }
        // SSSE3 (0F 38): ndisasm names the size of the 66 forms' memory operand.
        let ssse3: [Int: String] = [
            0x00: "pshufb", 0x01: "phaddw", 0x02: "phaddd", 0x03: "phaddsw", 0x04: "pmaddubsw", 0x05: "phsubw",
            0x06: "phsubd", 0x07: "phsubsw", 0x08: "psignb", 0x09: "psignw", 0x0A: "psignd", 0x0B: "pmulhrsw",
            0x1C: "pabsb", 0x1D: "pabsw", 0x1E: "pabsd",
        ]
        for (opcode, name) in ssse3 { f[0x200 | opcode] = [name + " P,Q", name + " V,Wo", "", ""] }
        return f
    }()

    /// Groups 12-15 (SDM Vol. 2 Table A-6) by `index << 3 | reg`: the shifts
    /// by an immediate, and the state and ordering instructions. Group 15's
    /// register forms (LFENCE, MFENCE, SFENCE) take any r/m field, as the
    /// table shows them and processors decode them.
    static let groupForms: [Int: [String]] = [
        0x171 << 3 | 2: ["psrlw N,I", "psrlw U,I", "", ""],
        0x171 << 3 | 4: ["psraw N,I", "psraw U,I", "", ""],
        0x171 << 3 | 6: ["psllw N,I", "psllw U,I", "", ""],
        0x172 << 3 | 2: ["psrld N,I", "psrld U,I", "", ""],
        0x172 << 3 | 4: ["psrad N,I", "psrad U,I", "", ""],
        0x172 << 3 | 6: ["pslld N,I", "pslld U,I", "", ""],
        0x173 << 3 | 2: ["psrlq N,I", "psrlq U,I", "", ""],
        0x173 << 3 | 3: ["", "psrldq U,I", "", ""],
        0x173 << 3 | 6: ["psllq N,I", "psllq U,I", "", ""],
        0x173 << 3 | 7: ["", "pslldq U,I", "", ""],
        0x1AE << 3 | 0: ["fxsave M|", "", "", ""],
        0x1AE << 3 | 1: ["fxrstor M|", "", "", ""],
        0x1AE << 3 | 2: ["ldmxcsr Md|", "", "", ""],
        0x1AE << 3 | 3: ["stmxcsr Md|", "", "", ""],
        0x1AE << 3 | 5: ["|lfence", "", "", ""],
        0x1AE << 3 | 6: ["|mfence", "", "", ""],
        0x1AE << 3 | 7: ["clflush M|sfence", "", "", ""],
    ]

    /// The comparison predicates of CMPPS/CMPPD/CMPSS/CMPSD's immediates 0-7
    /// (SDM Vol. 2 "CMPPS", Table 3-1), which ndisasm folds into the name
    /// (`cmpltps`), with the operands it then prints; for other immediates it
    /// prints the base form with the immediate.
    static let predicates = ["eq", "lt", "le", "unord", "neq", "nlt", "nle", "ord"]
    static let predicateOperands = ["V,Wo", "V,W", "V,Wd", "V,W"]

    /// The column of `forms` that the prefixes of `i` select.
    static func column(_ i: DecodedInstruction) -> Int {
        let p = i.prefixes
        if p & DecodedInstruction.repeatNZ != 0 { return 3 }
        if p & DecodedInstruction.repeatZ != 0 { return 2 }
        return p & DecodedInstruction.operandSizePrefix != 0 ? 1 : 0
    }

    /// Whether `index` is one of the opcodes this table names.
    static func covers(_ index: Int) -> Bool {
        forms[index] != nil || (0x171...0x173).contains(index) || index == 0x1AE
    }

    /// The form of `i` ("" when undefined): the mandatory prefix is F2, else
    /// F3, else 66, as the CPU selects it (`CPU.simdPrefix`), and the decoder
    /// keeps only the last of F2 and F3.
    static func form(_ i: DecodedInstruction) -> String {
        let index = Int(i.opcode & 0x3FF)
        let row = forms[index] ?? groupForms[index << 3 | i.regField] ?? []
        let column = column(i)
        guard column < row.count else { return "" }
        let entry = row[column]
        guard let bar = entry.firstIndex(of: "|") else { return entry }
        return String(i.registerForm ? entry[entry.index(after: bar)...] : entry[..<bar])
    }
}

extension Disassembler {
    /// The mnemonic and operands of an MMX or SSE instruction, or nil when
    /// its prefix or ModR/M form is undefined.
    static func sseInstruction(_ i: DecodedInstruction, address: UInt64) -> Instruction? {
        var form = SSEMnemonics.form(i)
        if i.opcode == 0x1C2 && i.immediate & 0xFF < 8 {
            let column = SSEMnemonics.column(i)
            form = "cmp" + SSEMnemonics.predicates[Int(i.immediate & 7)] + ["ps", "pd", "ss", "sd"][column]
                + " " + SSEMnemonics.predicateOperands[column]
        }
        guard !form.isEmpty else { return nil }
        let wide = i.operandSize == 8
        var name = String(form.prefix { $0 != " " })
        // REX.W widens MOVD to MOVQ, and FXSAVE/FXRSTOR to their 64-bit layout.
        if wide && (name == "movd" || name == "fxsave" || name == "fxrstor") {
            name = name == "movd" ? "movq" : name + "64"
        }
        var operands: [String] = []
        for spec in OpcodeTable.operandList(form) {
            guard let text = sseOperand(spec, i, wide: wide, address: address) else { return nil }
            operands.append(text)
        }
        return Instruction(name: name, operands: operands, prefixSelectsForm: true)
    }

    /// One operand in the notation of `SSEMnemonics`, or nil for a register
    /// where only memory is allowed or the reverse.
    static func sseOperand(_ spec: String, _ i: DecodedInstruction, wide: Bool, address: UInt64) -> String? {
        let letter = spec.first ?? " "
        let keyword: String
        switch spec.dropFirst() {
        case "o": keyword = "oword "
        case "q": keyword = "qword "
        case "d": keyword = "dword "
        case "y": keyword = wide ? "qword " : "dword "
        case "z": keyword = wide ? "qword " : ""
        case "b": keyword = "byte "
        default: keyword = ""
        }
        let memory = i.registerForm ? nil : keyword + Disassembler.memory(i, address: address)
        switch letter {
        case "V": return "xmm\(i.reg & 15)"
        case "W": return i.registerForm ? "xmm\(i.rm & 15)" : memory
        case "U": return i.registerForm ? "xmm\(i.rm & 15)" : nil
        case "P": return "mm\(i.regField)"
        case "Q": return i.registerForm ? "mm\(i.rmField)" : memory
        case "N": return i.registerForm ? "mm\(i.rmField)" : nil
        case "M": return memory
        case "G": return register(i.reg, size: wide ? 8 : 4)
        case "g": return register(i.reg, size: 4)
        case "E": return i.registerForm ? register(i.rm, size: wide ? 8 : 4) : memory
        case "e": return i.registerForm ? register(i.rm, size: 2) : memory
        case "I": return keyword + hex(i.immediate & 0xFF)
        default: return nil
        }
    }
}
