/// The opcode maps of SDM Vol. 2 Appendix A as one table: mnemonic and operands
/// in the manual's notation (A.2: E/G/S/M/R/C/D/I/J/O/A/X/Y with sizes b/w/d/v/z/p/a).
/// The decoder derives ModR/M and immediate lengths from it, and the disassembler
/// prints from it, so the two cannot disagree.
public enum OpcodeTable {
    /// One-byte map (index 0x00-0xFF), two-byte map 0F xx (index 0x100-0x1FF),
    /// then the three-byte maps 0F 38 xx (0x200-0x2FF) and 0F 3A xx (0x300-0x3FF).
    /// "" is an undefined opcode; "*prefix" a prefix byte; "#n" a group (`groups[n]`).
    /// SSE opcodes carry the name of their form without a mandatory prefix
    /// (`SSEMnemonics` names the others).
    public static let map: [String] = oneByte + twoByte + threeByte38 + threeByte3A

    static let oneByte: [String] = [
        // 00
        "add Eb,Gb", "add Ev,Gv", "add Gb,Eb", "add Gv,Ev", "add AL,Ib", "add eAX,Iz", "push ES", "pop ES",
        "or Eb,Gb", "or Ev,Gv", "or Gb,Eb", "or Gv,Ev", "or AL,Ib", "or eAX,Iz", "push CS", "*0f",
        // 10
        "adc Eb,Gb", "adc Ev,Gv", "adc Gb,Eb", "adc Gv,Ev", "adc AL,Ib", "adc eAX,Iz", "push SS", "pop SS",
        "sbb Eb,Gb", "sbb Ev,Gv", "sbb Gb,Eb", "sbb Gv,Ev", "sbb AL,Ib", "sbb eAX,Iz", "push DS", "pop DS",
        // 20
        "and Eb,Gb", "and Ev,Gv", "and Gb,Eb", "and Gv,Ev", "and AL,Ib", "and eAX,Iz", "*seg", "daa",
        "sub Eb,Gb", "sub Ev,Gv", "sub Gb,Eb", "sub Gv,Ev", "sub AL,Ib", "sub eAX,Iz", "*seg", "das",
        // 30
        "xor Eb,Gb", "xor Ev,Gv", "xor Gb,Eb", "xor Gv,Ev", "xor AL,Ib", "xor eAX,Iz", "*seg", "aaa",
        "cmp Eb,Gb", "cmp Ev,Gv", "cmp Gb,Eb", "cmp Gv,Ev", "cmp AL,Ib", "cmp eAX,Iz", "*seg", "aas",
        // 40
        "inc eAX", "inc eCX", "inc eDX", "inc eBX", "inc eSP", "inc eBP", "inc eSI", "inc eDI",
        "dec eAX", "dec eCX", "dec eDX", "dec eBX", "dec eSP", "dec eBP", "dec eSI", "dec eDI",
        // 50
        "push eAX", "push eCX", "push eDX", "push eBX", "push eSP", "push eBP", "push eSI", "push eDI",
        "pop eAX", "pop eCX", "pop eDX", "pop eBX", "pop eSP", "pop eBP", "pop eSI", "pop eDI",
        // 60
        "pusha", "popa", "bound Gv,Ma", "arpl Ew,Gw", "*seg", "*seg", "*opsize", "*addrsize",
        "push Iz", "imul Gv,Ev,Iz", "push Ibs", "imul Gv,Ev,Ibs", "insb Yb,DX", "insw Yz,DX", "outsb DX,Xb", "outsw DX,Xz",
        // 70
        "jo Jb", "jno Jb", "jb Jb", "jae Jb", "je Jb", "jne Jb", "jbe Jb", "ja Jb",
        "js Jb", "jns Jb", "jp Jb", "jnp Jb", "jl Jb", "jge Jb", "jle Jb", "jg Jb",
        // 80
        "#1 Eb,Ib", "#1 Ev,Iz", "#1 Eb,Ib", "#1 Ev,Ibs", "test Eb,Gb", "test Ev,Gv", "xchg Eb,Gb", "xchg Ev,Gv",
        "mov Eb,Gb", "mov Ev,Gv", "mov Gb,Eb", "mov Gv,Ev", "mov Ew,Sw", "lea Gv,M", "mov Sw,Ew", "#10 Ev",
        // 90
        "nop", "xchg eCX,eAX", "xchg eDX,eAX", "xchg eBX,eAX", "xchg eSP,eAX", "xchg eBP,eAX", "xchg eSI,eAX", "xchg eDI,eAX",
        "cbw", "cwd", "call Ap", "wait", "pushf", "popf", "sahf", "lahf",
        // A0
        "mov AL,Ob", "mov eAX,Ov", "mov Ob,AL", "mov Ov,eAX", "movsb Yb,Xb", "movsw Yv,Xv", "cmpsb Xb,Yb", "cmpsw Xv,Yv",
        "test AL,Ib", "test eAX,Iz", "stosb Yb,AL", "stosw Yv,eAX", "lodsb AL,Xb", "lodsw eAX,Xv", "scasb AL,Yb", "scasw eAX,Yv",
        // B0
        "mov AL,Ib", "mov CL,Ib", "mov DL,Ib", "mov BL,Ib", "mov AH,Ib", "mov CH,Ib", "mov DH,Ib", "mov BH,Ib",
        "mov eAX,Iv", "mov eCX,Iv", "mov eDX,Iv", "mov eBX,Iv", "mov eSP,Iv", "mov eBP,Iv", "mov eSI,Iv", "mov eDI,Iv",
        // C0
        "#2 Eb,Ib", "#2 Ev,Ib", "ret Iw", "ret", "les Gz,Mp", "lds Gz,Mp", "#11 Eb,Ib", "#11 Ev,Iz",
        "enter Iw,Ib", "leave", "retf Iw", "retf", "int3", "int Ib", "into", "iret",
        // D0
        "#2 Eb,1", "#2 Ev,1", "#2 Eb,CL", "#2 Ev,CL", "aam Ib", "aad Ib", "salc", "xlat",
        "esc M", "esc M", "esc M", "esc M", "esc M", "esc M", "esc M", "esc M",
        // E0
        "loopne Jb", "loope Jb", "loop Jb", "jcxz Jb", "in AL,Ib", "in eAX,Ib", "out Ib,AL", "out Ib,eAX",
        "call Jz", "jmp Jz", "jmp Ap", "jmp Jb", "in AL,DX", "in eAX,DX", "out DX,AL", "out DX,eAX",
        // F0
        "*lock", "int1", "*repne", "*rep", "hlt", "cmc", "#3 Eb", "#3 Ev",
        "clc", "stc", "cli", "sti", "cld", "std", "#4 Eb", "#5 Ev",
    ]

    static let twoByte: [String] = {
        var m = [String](repeating: "", count: 256)
        m[0x00] = "#6 Ew"; m[0x01] = "#7 M"; m[0x02] = "lar Gv,Ew"; m[0x03] = "lsl Gv,Ew"
        m[0x05] = "syscall"; m[0x06] = "clts"; m[0x07] = "sysret"; m[0x08] = "invd"; m[0x09] = "wbinvd"; m[0x0B] = "ud2"; m[0x0D] = "nop Ev"
        for i in 0x18...0x1F { m[i] = "nop Ev" }
        m[0x20] = "mov Rd,Cd"; m[0x21] = "mov Rd,Dd"; m[0x22] = "mov Cd,Rd"; m[0x23] = "mov Dd,Rd"
        m[0x30] = "wrmsr"; m[0x31] = "rdtsc"; m[0x32] = "rdmsr"; m[0x34] = "sysenter"; m[0x35] = "sysexit"
        let cc = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"]
        for i in 0..<16 {
            m[0x40 + i] = "cmov\(cc[i]) Gv,Ev"
            m[0x80 + i] = "j\(cc[i]) Jz"
            m[0x90 + i] = "set\(cc[i]) Eb"
        }
        m[0xA0] = "push FS"; m[0xA1] = "pop FS"; m[0xA2] = "cpuid"; m[0xA3] = "bt Ev,Gv"
        m[0xA4] = "shld Ev,Gv,Ib"; m[0xA5] = "shld Ev,Gv,CL"
        m[0xA8] = "push GS"; m[0xA9] = "pop GS"; m[0xAB] = "bts Ev,Gv"
        m[0xAC] = "shrd Ev,Gv,Ib"; m[0xAD] = "shrd Ev,Gv,CL"; m[0xAF] = "imul Gv,Ev"
        m[0xB0] = "cmpxchg Eb,Gb"; m[0xB1] = "cmpxchg Ev,Gv"; m[0xB2] = "lss Gz,Mp"; m[0xB3] = "btr Ev,Gv"
        m[0xB4] = "lfs Gz,Mp"; m[0xB5] = "lgs Gz,Mp"; m[0xB6] = "movzx Gv,Eb"; m[0xB7] = "movzx Gv,Ew"
        m[0xBA] = "#8 Ev,Ib"; m[0xBB] = "btc Ev,Gv"; m[0xBC] = "bsf Gv,Ev"; m[0xBD] = "bsr Gv,Ev"
        m[0xBE] = "movsx Gv,Eb"; m[0xBF] = "movsx Gv,Ew"
        m[0xC0] = "xadd Eb,Gb"; m[0xC1] = "xadd Ev,Gv"; m[0xC7] = "#9 M"
        for i in 0..<8 { m[0xC8 + i] = "bswap Zd" }
        // SSE, SSE2, SSE3 and MMX (SDM Vol. 2 Table A-3), with the operand
        // kinds of their unprefixed or 66 form: V/W XMM register and r/m, P/Q
        // MMX register and r/m, U/N the register-only r/m forms.
        let sse: [Int: String] = [
            0x10: "movups Vps,Wps", 0x11: "movups Wps,Vps", 0x12: "movlps Vq,Wq", 0x13: "movlps Mq,Vq",
            0x14: "unpcklps Vps,Wq", 0x15: "unpckhps Vps,Wq", 0x16: "movhps Vq,Wq", 0x17: "movhps Mq,Vq",
            0x28: "movaps Vps,Wps", 0x29: "movaps Wps,Vps", 0x2A: "cvtpi2ps Vps,Qq", 0x2B: "movntps Mps,Vps",
            0x2C: "cvttps2pi Pq,Wq", 0x2D: "cvtps2pi Pq,Wq", 0x2E: "ucomiss Vss,Wss", 0x2F: "comiss Vss,Wss",
            0x50: "movmskps Gd,Ups", 0x51: "sqrtps Vps,Wps", 0x52: "rsqrtps Vps,Wps", 0x53: "rcpps Vps,Wps",
            0x54: "andps Vps,Wps", 0x55: "andnps Vps,Wps", 0x56: "orps Vps,Wps", 0x57: "xorps Vps,Wps",
            0x58: "addps Vps,Wps", 0x59: "mulps Vps,Wps", 0x5A: "cvtps2pd Vpd,Wps", 0x5B: "cvtdq2ps Vps,Wdq",
            0x5C: "subps Vps,Wps", 0x5D: "minps Vps,Wps", 0x5E: "divps Vps,Wps", 0x5F: "maxps Vps,Wps",
            0x60: "punpcklbw Pq,Qd", 0x61: "punpcklwd Pq,Qd", 0x62: "punpckldq Pq,Qd", 0x63: "packsswb Pq,Qq",
            0x64: "pcmpgtb Pq,Qq", 0x65: "pcmpgtw Pq,Qq", 0x66: "pcmpgtd Pq,Qq", 0x67: "packuswb Pq,Qq",
            0x68: "punpckhbw Pq,Qq", 0x69: "punpckhwd Pq,Qq", 0x6A: "punpckhdq Pq,Qq", 0x6B: "packssdw Pq,Qq",
            0x6C: "punpcklqdq Vx,Wx", 0x6D: "punpckhqdq Vx,Wx", 0x6E: "movd Pd,Ey", 0x6F: "movq Pq,Qq",
            0x70: "pshufw Pq,Qq,Ib", 0x71: "#12 Nq,Ib", 0x72: "#13 Nq,Ib", 0x73: "#14 Nq,Ib",
            0x74: "pcmpeqb Pq,Qq", 0x75: "pcmpeqw Pq,Qq", 0x76: "pcmpeqd Pq,Qq", 0x77: "emms",
            0x7C: "haddpd Vpd,Wpd", 0x7D: "hsubpd Vpd,Wpd", 0x7E: "movd Ey,Pd", 0x7F: "movq Qq,Pq",
            0xAE: "#15 M", 0xC2: "cmpps Vps,Wps,Ib", 0xC3: "movnti My,Gy", 0xC4: "pinsrw Pq,Ew,Ib",
            0xC5: "pextrw Gd,Nq,Ib", 0xC6: "shufps Vps,Wps,Ib",
            0xD0: "addsubpd Vpd,Wpd", 0xD1: "psrlw Pq,Qq", 0xD2: "psrld Pq,Qq", 0xD3: "psrlq Pq,Qq",
            0xD4: "paddq Pq,Qq", 0xD5: "pmullw Pq,Qq", 0xD6: "movq Wq,Vq", 0xD7: "pmovmskb Gd,Nq",
            0xD8: "psubusb Pq,Qq", 0xD9: "psubusw Pq,Qq", 0xDA: "pminub Pq,Qq", 0xDB: "pand Pq,Qq",
            0xDC: "paddusb Pq,Qq", 0xDD: "paddusw Pq,Qq", 0xDE: "pmaxub Pq,Qq", 0xDF: "pandn Pq,Qq",
            0xE0: "pavgb Pq,Qq", 0xE1: "psraw Pq,Qq", 0xE2: "psrad Pq,Qq", 0xE3: "pavgw Pq,Qq",
            0xE4: "pmulhuw Pq,Qq", 0xE5: "pmulhw Pq,Qq", 0xE6: "cvttpd2dq Vx,Wpd", 0xE7: "movntq Mq,Pq",
            0xE8: "psubsb Pq,Qq", 0xE9: "psubsw Pq,Qq", 0xEA: "pminsw Pq,Qq", 0xEB: "por Pq,Qq",
            0xEC: "paddsb Pq,Qq", 0xED: "paddsw Pq,Qq", 0xEE: "pmaxsw Pq,Qq", 0xEF: "pxor Pq,Qq",
            0xF0: "lddqu Vx,Mx", 0xF1: "psllw Pq,Qq", 0xF2: "pslld Pq,Qq", 0xF3: "psllq Pq,Qq",
            0xF4: "pmuludq Pq,Qq", 0xF5: "pmaddwd Pq,Qq", 0xF6: "psadbw Pq,Qq", 0xF7: "maskmovq Pq,Nq",
            0xF8: "psubb Pq,Qq", 0xF9: "psubw Pq,Qq", 0xFA: "psubd Pq,Qq", 0xFB: "psubq Pq,Qq",
            0xFC: "paddb Pq,Qq", 0xFD: "paddw Pq,Qq", 0xFE: "paddd Pq,Qq",
        ]
        for (opcode, text) in sse { m[opcode] = text }
        return m
    }()

    /// 0F 38 xx: SSSE3 (SDM Vol. 2 Table A-4).
    static let threeByte38: [String] = {
        var m = [String](repeating: "", count: 256)
        let names = ["pshufb", "phaddw", "phaddd", "phaddsw", "pmaddubsw", "phsubw", "phsubd", "phsubsw",
                     "psignb", "psignw", "psignd", "pmulhrsw"]
        for (k, name) in names.enumerated() { m[k] = name + " Pq,Qq" }
        m[0x1C] = "pabsb Pq,Qq"; m[0x1D] = "pabsw Pq,Qq"; m[0x1E] = "pabsd Pq,Qq"
        return m
    }()

    /// 0F 3A xx: SSSE3's PALIGNR (SDM Vol. 2 Table A-5).
    static let threeByte3A: [String] = {
        var m = [String](repeating: "", count: 256)
        m[0x0F] = "palignr Pq,Qq,Ib"
        return m
    }()

    /// Groups by ModR/M reg field (SDM Vol. 2 Table A-6). "" is undefined.
    public static let groups: [Int: [String]] = [
        1: ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"],
        2: ["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"],
        3: ["test", "test", "not", "neg", "mul", "imul", "div", "idiv"],
        4: ["inc", "dec", "", "", "", "", "", ""],
        5: ["inc", "dec", "call", "callf", "jmp", "jmpf", "push", ""],
        6: ["sldt", "str", "lldt", "ltr", "verr", "verw", "", ""],
        7: ["sgdt", "sidt", "lgdt", "lidt", "smsw", "", "lmsw", "invlpg"],
        8: ["", "", "", "", "bt", "bts", "btr", "btc"],
        9: ["", "cmpxchg8b", "", "", "", "", "", ""],
        10: ["pop", "", "", "", "", "", "", ""],
        11: ["mov", "", "", "", "", "", "", ""],
        12: ["", "", "psrlw", "", "psraw", "", "psllw", ""],
        13: ["", "", "psrld", "", "psrad", "", "pslld", ""],
        14: ["", "", "psrlq", "psrldq", "", "", "psllq", "pslldq"],
        15: ["fxsave", "fxrstor", "ldmxcsr", "stmxcsr", "", "lfence", "mfence", "sfence"],
    ]

    /// Decoding facts derived from `map`, one byte per opcode.
    struct Format {
        static let modrm: UInt8 = 1
        static let prefix: UInt8 = 2
        static let undefined: UInt8 = 4
        /// MOV to/from CR and DR: the ModR/M r/m field is always a register and
        /// the mod bits are ignored (SDM Vol. 2 "MOV—Move to/from Control
        /// Registers"), so no displacement follows whatever mod says.
        static let registerOnly: UInt8 = 8
        // Immediate kinds in bits 4-7.
        static let immByte: UInt8 = 1 << 4
        static let immWord: UInt8 = 2 << 4
        static let immSized: UInt8 = 3 << 4      // 2 or 4 bytes by operand size (Iz, Iv, Jz)
        static let immFar: UInt8 = 4 << 4        // Ap: offset of operand size, then selector
        static let immOffset: UInt8 = 5 << 4     // Ob/Ov: offset of address size
        static let immEnter: UInt8 = 6 << 4      // Iw,Ib
        static let immGroup3: UInt8 = 7 << 4     // F6/F7: Ib/Iz only for /0 and /1
    }

    static let formats: [UInt8] = map.enumerated().map { format(index: $0.offset, text: $0.element) }

    static func format(index: Int, text: String) -> UInt8 {
        if text.isEmpty { return Format.undefined }
        if text.hasPrefix("*") { return Format.prefix }
        let operands = operandList(text)
        var f: UInt8 = 0
        if operands.contains(where: OpcodeTable.usesModRM) { f |= Format.modrm }
        if operands.contains(where: { $0.hasPrefix("R") }) { f |= Format.registerOnly }
        if index == 0xF6 || index == 0xF7 { return f | Format.immGroup3 }
        if index == 0xC8 { return f | Format.immEnter }
        for o in operands {
            switch o {
            case "Ib", "Ibs", "Jb": f |= Format.immByte
            case "Iw": f |= Format.immWord
            case "Iz", "Iv", "Jz": f |= Format.immSized
            case "Ap": f |= Format.immFar
            case "Ob", "Ov": f |= Format.immOffset
            default: break
            }
        }
        return f
    }

    /// E, G, S, M, R, C and D operands (followed by a lower-case size, or alone as "M")
    /// come from the ModR/M byte; fixed registers like DX or CS do not.
    static func usesModRM(_ operand: String) -> Bool {
        let c = Array(operand)
        guard let first = c.first, "EGSMRCDVWPQUN".contains(first) else { return false }
        return c.count == 1 || c[1].isLowercase
    }

    /// The operand specifiers of a table entry ("add Eb,Gb" gives ["Eb", "Gb"]).
    public static func operandList(_ text: String) -> [String] {
        let parts = text.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return [] }
        return parts[1].split(separator: ",").map(String.init)
    }

    /// The mnemonic of opcode `index`, resolving groups with the ModR/M reg field.
    public static func mnemonic(index: Int, reg: Int) -> String {
        let text = map[index & 0x3FF]
        let name = String(text.split(separator: " ").first ?? "")
        if name.hasPrefix("#"), let n = Int(name.dropFirst()), let g = groups[n] { return g[reg & 7] }
        return name
    }
}
