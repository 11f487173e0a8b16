// An integer instruction of the 64-bit differential test (Differential64Tests):
// its complete 64-bit-mode encoding, which SwiftPC and the host run unchanged,
// and the register bits the Intel SDM or the AMD APM leave undefined after it.
// The flags it reads and leaves undefined come from `DiffFlagModel`.

/// Register numbers and names of the 64-bit test. Registers of 2, 4 and 8 bytes
/// are 0-15 (RAX..R15); byte registers are numbered as `CPU.get8` numbers
/// them: 0-3 AL CL DL BL, 4-7 AH CH DH BH (reachable only without a REX
/// prefix), 8-15 R8B-R15B and 20-23 SPL BPL SIL DIL (encodings 4-7 with a REX
/// prefix; SDM Vol. 2 §2.2.1.2, Table 3-1).
enum DiffRegisters64 {
    static let rsp = 4

    /// Byte registers 4-7 without a REX prefix: AH CH DH BH.
    static func isHighByte(_ r: Int) -> Bool { r & ~3 == 4 }

    /// The value of register `r` of `size` bytes, zero-extended.
    static func value(_ regs: [UInt64], _ r: Int, size: Int) -> UInt64 {
        switch size {
        case 1: return isHighByte(r) ? (regs[r & 3] >> 8) & 0xFF : regs[r & 15] & 0xFF
        case 2: return regs[r & 15] & 0xFFFF
        case 4: return regs[r & 15] & 0xFFFF_FFFF
        default: return regs[r & 15]
        }
    }

    static let legacy64 = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"]
    static let legacy8 = ["al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"]
    static let rex8 = ["spl", "bpl", "sil", "dil"]

    static func name(_ r: Int, _ size: Int) -> String {
        if size == 1 {
            if r >= 20 { return rex8[(r - 20) & 3] }
            return r < 8 ? legacy8[r] : "r\(r)b"
        }
        let n = r & 15
        if n >= 8 { return "r\(n)" + (size == 8 ? "" : size == 4 ? "d" : "w") }
        let base = legacy64[n]
        switch size {
        case 8: return base
        case 4: return "e" + base.dropFirst()
        default: return String(base.dropFirst())
        }
    }

    static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, 16 - s.count)) + s
    }
}

struct DiffInstruction64: DiffFlagModel {
    var kind: DiffKind
    /// Operand size in bytes: 1, 2, 4 or 8; 0 when the instruction has none.
    var size: Int
    /// Prefixes (0x66, 0x67, REX), opcode, ModRM (SIB, displacement) and immediate.
    var bytes: [UInt8]
    /// ModRM.reg register (or the register of a +r opcode), in `DiffRegisters64` numbering.
    var reg: Int = 0
    /// ModRM.rm register (mod = 11).
    var rm: Int = 0
    var count: DiffCount = .none
    /// Intel-syntax text for failure messages.
    var text: String

    /// A destination register whose value is undefined after this instruction
    /// (register 0-15, bits that are undefined), given the registers before it.
    func undefinedRegisterBits(before regs: [UInt64]) -> (register: Int, mask: UInt64)? {
        switch kind {
        case .bsf, .bsr:
            // Intel: "If the content of the source operand is 0, the content of the
            // destination operand is undefined." (AMD leaves it unchanged.) For a 32-bit
            // operand that includes whether bits 63:32 are cleared.
            if DiffRegisters64.value(regs, rm, size: size) == 0 {
                return (reg & 15, size == 2 ? 0xFFFF : UInt64.max)
            }
            return nil
        case .shld, .shrd:
            // "If the count is greater than the operand size, the result is undefined."
            // Only possible for 16-bit operands (counts are masked to 0...31, or 0...63 for 64 bits).
            if size == 2, let c = maskedCount(cl: UInt32(regs[1] & 0xFF)), c > 16 {
                return (rm & 15, 0xFFFF)
            }
            return nil
        default:
            return nil
        }
    }
}
