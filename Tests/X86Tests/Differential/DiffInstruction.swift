// An abstract integer instruction for the differential test: what it is, its
// encodings (SwiftPC in real mode with a 16-bit default operand size or in a
// 32-bit code segment, and the x86-64 host in 64-bit mode with a 32-bit default
// operand size), and which flags and register bits the Intel SDM or the AMD APM
// leave undefined after it.

/// EFLAGS bits (Intel SDM Vol. 1 §3.4.3).
enum DiffFlags {
    static let cf: UInt32 = 0x0001
    static let pf: UInt32 = 0x0004
    static let af: UInt32 = 0x0010
    static let zf: UInt32 = 0x0040
    static let sf: UInt32 = 0x0080
    static let df: UInt32 = 0x0400
    static let of: UInt32 = 0x0800
    /// The six status flags.
    static let status: UInt32 = cf | pf | af | zf | sf | of
    /// Bits compared between SwiftPC and the host: the status flags, DF and the
    /// always-one bit 1. IF, TF, IOPL and the rest differ between a real-mode
    /// machine and a user-mode process and are not compared.
    static let compared: UInt32 = status | df | 0x2

    static func describe(_ f: UInt32) -> String {
        let names: [(UInt32, String)] = [(of, "OF"), (df, "DF"), (sf, "SF"), (zf, "ZF"), (af, "AF"), (pf, "PF"), (cf, "CF")]
        let set = names.filter { f & $0.0 != 0 }.map { $0.1 }
        return set.isEmpty ? "-" : set.joined(separator: " ")
    }
}

/// What an instruction does, as far as the flag and register masks care.
enum DiffKind: Equatable {
    case alu(Int)            // 0 ADD 1 OR 2 ADC 3 SBB 4 AND 5 SUB 6 XOR 7 CMP
    case test
    case inc, dec
    case not, neg, mul, imul1, div, idiv   // F6/F7 /2../7
    case imul                // 0F AF, 69, 6B
    case shift(Int)          // C0-D3 /n: 0 ROL 1 ROR 2 RCL 3 RCR 4 SHL 5 SHR 6 SAL (/6) 7 SAR
    case shld, shrd
    case bt(Int)             // 0 BT 1 BTS 2 BTR 3 BTC
    case bsf, bsr
    case setcc(Int), cmovcc(Int)
    case xchg, xadd, cmpxchg, bswap
    case movzx, movsx, movsxd, mov
    case lea
    case cbw, cwd            // 98 (CBW/CWDE/CDQE), 99 (CWD/CDQ/CQO)
    case clc, stc, cmc, sahf, lahf, nop
    case cld, std
    /// MOVS CMPS STOS LODS SCAS by their byte opcode (A4 A6 AA AC AE), with or without REP/REPE/REPNE.
    case string(UInt8, repeated: Bool)

    static let aluNames = ["ADD", "OR", "ADC", "SBB", "AND", "SUB", "XOR", "CMP"]
    static let shiftNames = ["ROL", "ROR", "RCL", "RCR", "SHL", "SHR", "SAL", "SAR"]
    static let btNames = ["BT", "BTS", "BTR", "BTC"]
    static let stringNames: [UInt8: String] = [0xA4: "MOVS", 0xA6: "CMPS", 0xAA: "STOS", 0xAC: "LODS", 0xAE: "SCAS"]

    /// The family name used in the per-family counts.
    var family: String {
        switch self {
        case .alu(let n): return DiffKind.aluNames[n]
        case .test: return "TEST"
        case .inc: return "INC"
        case .dec: return "DEC"
        case .not: return "NOT"
        case .neg: return "NEG"
        case .mul: return "MUL"
        case .imul1: return "IMUL(F6/F7)"
        case .div: return "DIV"
        case .idiv: return "IDIV"
        case .imul: return "IMUL(0FAF/69/6B)"
        case .shift(let n): return n == 6 ? "SAL(/6)" : DiffKind.shiftNames[n]
        case .shld: return "SHLD"
        case .shrd: return "SHRD"
        case .bt(let n): return DiffKind.btNames[n]
        case .bsf: return "BSF"
        case .bsr: return "BSR"
        case .setcc: return "SETcc"
        case .cmovcc: return "CMOVcc"
        case .xchg: return "XCHG"
        case .xadd: return "XADD"
        case .cmpxchg: return "CMPXCHG"
        case .bswap: return "BSWAP"
        case .movzx: return "MOVZX"
        case .movsx: return "MOVSX"
        case .movsxd: return "MOVSXD"
        case .lea: return "LEA"
        case .mov: return "MOV"
        case .cbw: return "CBW/CWDE/CDQE"
        case .cwd: return "CWD/CDQ/CQO"
        case .clc: return "CLC"
        case .stc: return "STC"
        case .cmc: return "CMC"
        case .sahf: return "SAHF"
        case .lahf: return "LAHF"
        case .nop: return "NOP"
        case .cld: return "CLD"
        case .std: return "STD"
        case .string(let op, let repeated): return (repeated ? "REP " : "") + DiffKind.stringNames[op]!
        }
    }
}

/// Where a shift or double shift takes its count from.
enum DiffCount: Equatable {
    case none
    case one
    case cl
    case imm(UInt8)
}

struct DiffInstruction {
    var kind: DiffKind
    /// Operand size in bytes: 1, 2 or 4; 0 when the instruction has none (CLC, SAHF...).
    var size: Int
    /// Prefixes, opcode, ModRM (SIB, displacement) and immediate: the same bytes
    /// in every mode, only the 0x66 and 0x67 prefixes differ (added by
    /// `swiftBytes`, `protectedModeBytes` and `hostBytes`).
    var body: [UInt8]
    /// A body used for SwiftPC only (the one-byte INC/DEC 40+r / 48+r forms,
    /// which are REX prefixes on the host, whose body then is FF /0 or FF /1).
    var swiftBody: [UInt8]? = nil
    /// ModRM.reg register (or the register of a +r opcode); meaning depends on the kind.
    var reg: Int = 0
    /// ModRM.rm register (mod = 11) when the instruction has no memory operand.
    var rm: Int = 0
    /// The instruction reads or writes memory (through ModRM, a moffs or a string
    /// instruction): the host runs it with the address-size prefix 0x67, so that
    /// its addresses are 32-bit as in SwiftPC's 32-bit code segment.
    var addressesMemory = false
    var count: DiffCount = .none
    /// Intel-syntax text for failure messages.
    var text: String

    /// Real mode, 16-bit default: a 32-bit operand needs the operand-size prefix.
    var swiftBytes: [UInt8] { (size == 4 ? [0x66] : []) + (swiftBody ?? body) }
    /// A 32-bit code segment: a 16-bit operand needs the operand-size prefix.
    var protectedModeBytes: [UInt8] { (size == 2 ? [0x66] : []) + (swiftBody ?? body) }
    /// 64-bit mode, 32-bit default: a 16-bit operand needs the operand-size prefix,
    /// a memory operand the address-size prefix. Never a REX prefix.
    var hostBytes: [UInt8] { (size == 2 ? [0x66] : []) + (addressesMemory ? [0x67] : []) + body }
}

// MARK: - Register values

/// A register of the given size, zero-extended; byte registers 4-7 are AH CH DH BH.
func diffRegister(_ regs: [UInt32], _ r: Int, size: Int) -> UInt32 {
    switch size {
    case 1: return r < 4 ? regs[r] & 0xFF : (regs[r - 4] >> 8) & 0xFF
    case 2: return regs[r] & 0xFFFF
    default: return regs[r]
    }
}

// MARK: - Flags read, defined and left undefined

/// What the flag bookkeeping needs to know of an instruction, shared by the
/// 32-bit (`DiffInstruction`) and the 64-bit (`DiffInstruction64`) test.
protocol DiffFlagModel {
    var kind: DiffKind { get }
    /// Operand size in bytes (1, 2, 4 or 8), 0 when there is none.
    var size: Int { get }
    var count: DiffCount { get }
}

extension DiffInstruction: DiffFlagModel {}

extension DiffFlagModel {
    /// Appends `group` to a sequence; `undefined` tracks the status flags that may
    /// be undefined at that point of the sequence, and `defineFlags` makes the
    /// instruction (a CMP) put before one that would consume such a flag.
    static func append(_ group: [Self], to out: inout [Self], undefined: inout UInt32, defineFlags: () -> Self) {
        for insn in group {
            if insn.flagsRead & undefined != 0 {
                out.append(defineFlags())
                undefined = 0
            }
            out.append(insn)
            let effect = insn.flagEffect(maskedCount: insn.maskedCount(cl: nil))   // CL: any count
            undefined = (undefined & ~effect.defined) | effect.undefined
        }
    }

    /// Flags tested by condition code `cc` (SDM Vol. 1 Appendix B, Table B-1).
    static func conditionFlags(_ cc: Int) -> UInt32 {
        switch cc >> 1 {
        case 0: return DiffFlags.of                                      // O / NO
        case 1: return DiffFlags.cf                                      // B / AE
        case 2: return DiffFlags.zf                                      // E / NE
        case 3: return DiffFlags.cf | DiffFlags.zf                       // BE / A
        case 4: return DiffFlags.sf                                      // S / NS
        case 5: return DiffFlags.pf                                      // P / NP
        case 6: return DiffFlags.sf | DiffFlags.of                       // L / GE
        default: return DiffFlags.zf | DiffFlags.sf | DiffFlags.of       // LE / G
        }
    }

    /// Status flags whose values the instruction consumes.
    var flagsRead: UInt32 {
        switch kind {
        case .alu(2), .alu(3): return DiffFlags.cf                       // ADC, SBB
        case .shift(2), .shift(3): return DiffFlags.cf                   // RCL, RCR
        case .cmc: return DiffFlags.cf
        case .setcc(let cc), .cmovcc(let cc): return Self.conditionFlags(cc)
        case .lahf: return DiffFlags.status & ~DiffFlags.of              // SF ZF AF PF CF into AH
        default: return 0
        }
    }

    /// The masked shift count: from the immediate, 1, or CL (nil when CL is not
    /// known). Counts are masked to 6 bits for 64-bit operands, else to 5 bits.
    func maskedCount(cl: UInt32?) -> UInt32? {
        let mask: UInt32 = size == 8 ? 63 : 31
        switch count {
        case .none: return nil
        case .one: return 1
        case .imm(let v): return UInt32(v) & mask
        case .cl: return cl.map { $0 & mask }
        }
    }

    /// Flags the instruction always leaves defined, and flags it may leave
    /// undefined (the union of the Intel SDM's and the AMD APM's "Flags Affected").
    /// `count` is the masked shift count, or nil when unknown (CL at generation
    /// time): the answer then covers every count 0...31 (0...63 for 64 bits).
    /// After the instruction: undefined' = (undefined & ~defined) | mayBeUndefined.
    func flagEffect(maskedCount count: UInt32?) -> (defined: UInt32, undefined: UInt32) {
        let all = DiffFlags.status
        let af = DiffFlags.af, of = DiffFlags.of, cf = DiffFlags.cf
        switch kind {
        case .alu(let n):
            // ADD ADC SUB SBB CMP: all six set by the result. AND OR XOR: OF = CF = 0,
            // SF ZF PF by the result, "The state of the AF flag is undefined".
            return n == 1 || n == 4 || n == 6 ? (all & ~af, af) : (all, 0)
        case .test:
            return (all & ~af, af)                            // as AND
        case .inc, .dec:
            return (all & ~cf, 0)                             // "The CF flag is not affected"
        case .neg, .xadd, .cmpxchg:
            return (all, 0)                                   // as SUB / ADD / CMP
        case .mul, .imul1, .imul:
            // "The OF and CF flags are set/cleared ...; the SF, ZF, AF, and PF flags are undefined."
            return (cf | of, all & ~(cf | of))
        case .div, .idiv:
            return (0, all)                                   // "The CF, OF, SF, ZF, AF, and PF flags are undefined."
        case .shift(let n):
            // SDM SAL/SAR/SHL/SHR and RCL/RCR/ROL/ROR, "Flags Affected": a masked count of 0
            // affects no flag; OF is defined only for a count of 1; AF is undefined after a
            // shift (SAL/SAR/SHL/SHR) with a nonzero count; CF is undefined for SHL/SHR when
            // the count is >= the operand size in bits. Rotates leave SF ZF AF PF alone.
            let isRotate = n < 4
            let cfMaybeUndefined = (n == 4 || n == 5 || n == 6) ? cf : 0
            guard let c = count else {
                return (0, isRotate ? of : af | of | (size < 4 ? cfMaybeUndefined : 0))
            }
            if c == 0 { return (0, 0) }
            let ofUndefined: UInt32 = c == 1 ? 0 : of
            if isRotate { return (cf | (of & ~ofUndefined), ofUndefined) }
            let cfUndefined: UInt32 = c >= UInt32(size * 8) ? cfMaybeUndefined : 0
            let undefined = af | ofUndefined | cfUndefined
            return (all & ~undefined, undefined)
        case .shld, .shrd:
            // SDM SHLD/SHRD: count 0 affects no flag; "If the count is greater than the
            // operand size, the flags are undefined" (and the result); otherwise CF SF ZF PF
            // are defined, OF only for a 1-bit shift, and "If a shift occurs, the AF flag is undefined".
            guard let c = count else { return (0, size == 2 ? all : af | of) }
            if c == 0 { return (0, 0) }
            if c > UInt32(size * 8) { return (0, all) }
            let undefined = af | (c == 1 ? 0 : of)
            return (all & ~undefined, undefined)
        case .bt:
            // Intel: CF = the bit, ZF unaffected, OF SF AF PF undefined; AMD: OF SF ZF AF PF undefined.
            return (cf, all & ~cf)
        case .bsf, .bsr:
            // "The ZF flag is set to 1 if the source operand is 0; otherwise cleared.
            // The CF, OF, SF, AF, and PF flags are undefined."
            return (DiffFlags.zf, all & ~DiffFlags.zf)
        case .clc, .stc, .cmc:
            return (cf, 0)
        case .string(let op, let repeated):
            // CMPS and SCAS set the six flags as CMP does; repeated with ECX = 0 they
            // change none, so a REP form is taken to define nothing.
            return (op == 0xA6 || op == 0xAE) && !repeated ? (all, 0) : (0, 0)
        case .sahf:
            return (all & ~of, 0)                             // SF ZF AF PF CF from AH; OF unaffected
        case .not, .setcc, .cmovcc, .xchg, .bswap, .movzx, .movsx, .movsxd, .mov, .lea, .cbw, .cwd, .lahf, .nop, .cld, .std:
            return (0, 0)
        }
    }

}

extension DiffInstruction {
    /// A destination register whose value is undefined after this instruction
    /// (register number, bits that are undefined), given the registers before it.
    func undefinedRegisterBits(before regs: [UInt32]) -> (register: Int, mask: UInt32)? {
        switch kind {
        case .bsf, .bsr:
            // Intel: "If the content of the source operand is 0, the content of the
            // destination operand is undefined." (AMD leaves it unchanged.)
            if diffRegister(regs, rm, size: size) == 0 {
                return (reg, size == 2 ? 0xFFFF : 0xFFFF_FFFF)
            }
            return nil
        case .shld, .shrd:
            // "If the count is greater than the operand size, the result is undefined."
            // Only possible for 16-bit operands (counts are masked to 0...31).
            if size == 2, let c = maskedCount(cl: regs[1] & 0xFF), c > 16 {
                return (rm, 0xFFFF)
            }
            return nil
        default:
            return nil
        }
    }
}
