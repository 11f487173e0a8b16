/// Intel-syntax text of decoded instructions, in the NASM dialect that `ndisasm`
/// prints so that listings can be checked against it. Mnemonics and operands come
/// from `OpcodeTable` (operand notation of SDM Vol. 2 Appendix A.2), for the x87
/// escapes from `X87Mnemonics` and for MMX and SSE from `SSEMnemonics`; memory
/// operands from the decoded addressing form (SDM Vol. 2 §2.1.5, §2.2.1).
///
/// The format:
/// - lower case; the mnemonic, a space, then operands joined by "," without spaces;
/// - numbers in hexadecimal with a `0x` prefix and no leading zeros;
/// - registers by operand size: `al`, `ax`, `eax`, `rax`, and with REX `spl`..`dil`,
///   `r8b`, `r8w`, `r8d`, `r8`; `st0`-`st7`, `mm0`-`mm7`, `xmm0`-`xmm15`;
/// - memory as `[seg:base+index*scale+disp]`: the segment only when an override
///   prefix is present (in 64-bit mode only FS and GS count), `*1` left out, a
///   displacement after a register signed (`[bp-0x2]`, and `[bp+0x0]` when one is
///   encoded), a lone one unsigned (`[0x8000]`, `[0xfffffffffffffff8]` with 64-bit
///   addressing); RIP-relative operands as `[rel 0x1016]` or `[rel fs:0x1016]`,
///   the absolute target;
/// - `byte`, `word`, `dword`, `qword` or `oword` before a memory operand whose size
///   no register operand gives away (`inc word [bx]`, `movzx ax,byte [si]`, but
///   `add [bx+si],al`); for x87, MMX and SSE operands the keyword ndisasm prints
///   (`fld tword [bx]`, `fldenv [bx]`, `movss xmm0,dword [eax]`, `addpd xmm0,[eax]`);
/// - sign-extended byte immediates as `byte +0x12` or `byte -0x1`, other immediates
///   as the operand-size value (`add rax,0xffffffffffffffff` for `48 05 FF FF FF FF`),
///   PUSH imm as `push word 0x1234` or `push qword 0x12345678` (the size is not
///   implied by anything else);
/// - relative branches as absolute targets, masked to the operand size (16 bits
///   under a 16-bit one, 64 for the near branches of 64-bit mode), with `short`
///   for JMP rel8 (EB) and `near` for Jcc rel16/32 (0F 8x);
/// - direct far pointers as `0x1234:0x5678`, indirect ones as `far [bx]` (`dword far`
///   for a 16:32 pointer, `qword far` for 16:64);
/// - prefixes as words before the mnemonic, in ndisasm's order: a segment override
///   that no memory operand shows (`es movsb`), `rep`/`repe`/`repne`, `lock`, and
///   `a32` on string instructions and XLATB with 32-bit addressing, whatever the
///   code segment's default (ndisasm marks only a size that is not the default);
///   LOOPs with ECX get an `ecx` operand and JCXZ becomes JECXZ (JRCXZ with RCX).
///   Operand-size prefixes and REX.W show in operands or in names only (`cwde`,
///   `cdqe`, `pushad`, `movsd`, `movsq`, `iretq`, `cmpxchg16b`, `movq rax,xmm0`,
///   `fxsave64`), except `o64 sysret` and `o16`/`o32` on FLDENV, FNSTENV, FRSTOR
///   and FNSAVE, whose memory layout the operand size chooses;
/// - 66, F2 and F3 before an MMX or SSE opcode as the mandatory prefix that
///   selects the instruction (F2, else F3, else 66, as the CPU takes them):
///   `movupd`, `movss`, `movsd` for 0F 10, never printed as `rep`; CMPPS and its
///   kin with the predicate in the name for immediates 0-7 (`cmpltps`);
/// - `(bad)` for undefined encodings, those invalid in 64-bit mode, and
///   instructions longer than 15 bytes.
///
/// Where this differs from ndisasm: the table's mnemonics (`je`, not `jz`), size
/// keywords by the rule above (ndisasm also puts `byte` or `dword` on some
/// immediates), operand-size markers only as described (no `o16`, `o64`, `rex.w`
/// or `qword` on near branches, `nop` for 48 90, names by the operand size rather
/// than by the prefix: `pushfq` and `iret` in 64-bit code where ndisasm prints
/// `pushf` and `iretw`), no address-size marker inside brackets (`[qword 0x1000]`,
/// `[dword rel 0x1000]`), no ES/CS/SS/DS override in 64-bit code (the decoder
/// drops them, as the processor does), MOV Sreg from the 16-bit register,
/// `movsxd eax,ecx` for 63 without REX.W, and the immediate of AAM/AAD always shown.
/// For x87, MMX and SSE:
/// - `(bad)` for a mandatory prefix the opcode does not define (F2 0F 28, 66 0F 12
///   in register form, 0F 6C, F3 0F 77), where ndisasm prints the prefix as an
///   instruction of its own (`repne`, `o16`) or keeps it as a word (`rep emms`);
/// - `(bad)` for what ndisasm decodes from other extensions (Cyrix EMMI `paveb`,
///   AMD `movntss`/`extrq`, VMX, SSE4.1, XSAVE, `ud0`), and for the x87 register
///   forms the SDM's tables leave blank, as ndisasm does;
/// - no `o16`, `o64` or `a16` word for a prefix that changes nothing (66 before
///   F3 0F 10, REX.W on MOVUPS, 67 on FNOP), and FWAIT on its own (`wait`, then
///   `fninit`; ndisasm joins them as `finit`);
/// - LFENCE, MFENCE and SFENCE for every r/m field of their ModR/M bytes (SDM
///   Table A-6 names them by the reg field; ndisasm only r/m 0);
/// - ndisasm's own slips are not followed: in 16-bit code it shows some memory
///   operands as `xmm12` (`cvtss2si eax,[bx+si]`) and, after 67, x87 register
///   forms with two operands (`fadd st0,st1`).
public enum Disassembler {
    static let bad = "(bad)"
    static let registers8 = ["al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"]
    static let registersREX8 = ["spl", "bpl", "sil", "dil"]
    static let registers16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"]
    static let registers32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"]
    static let registers64 = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"]
    static let segmentRegisters = ["es", "cs", "ss", "ds", "fs", "gs"]

    /// Names that change with the operand size (SDM Vol. 2 gives each its own mnemonic).
    static let names32: [String: String] = [
        "cbw": "cwde", "cwd": "cdq", "pusha": "pushad", "popa": "popad", "pushf": "pushfd",
        "popf": "popfd", "iret": "iretd", "insw": "insd", "outsw": "outsd", "movsw": "movsd",
        "cmpsw": "cmpsd", "stosw": "stosd", "lodsw": "lodsd", "scasw": "scasd",
    ]
    static let names64: [String: String] = [
        "cbw": "cdqe", "cwd": "cqo", "pushf": "pushfq", "popf": "popfq", "iret": "iretq", "retf": "retfq",
        "movsw": "movsq", "cmpsw": "cmpsq", "stosw": "stosq", "lodsw": "lodsq", "scasw": "scasq",
        "cmpxchg8b": "cmpxchg16b",
    ]

    /// A mnemonic with its rendered operands, and what decides the prefix words around it.
    struct Instruction {
        var name: String
        var operands: [String]
        /// F2, F3 and 66 choose the instruction (SSE's mandatory prefixes), so
        /// they are not printed as `repne`/`rep` words.
        var prefixSelectsForm = false
        /// The operands are implicit (string instructions, XLATB), so the
        /// address size shows as `a32`.
        var implicitMemory = false
        /// An operand-size word NASM puts before the name where the size
        /// changes what the instruction does (`o64 sysret`, `o16 fnstenv`).
        var sizeMarker: String?
    }

    /// The text of `i`, which starts at offset `address` (used for branch targets
    /// and RIP-relative operands).
    public static func text(_ i: DecodedInstruction, address: UInt64) -> String {
        guard i.prefixes & (DecodedInstruction.invalid | DecodedInstruction.tooLong) == 0 else { return bad }
        let index = Int(i.opcode & 0x3FF)
        let decoded: Instruction?
        if (0xD8...0xDF).contains(index) {
            decoded = x87Instruction(i, address: address)
        } else if SSEMnemonics.covers(index) {
            decoded = sseInstruction(i, address: address)
        } else {
            decoded = generalInstruction(i, index: index, address: address)
        }
        guard var instruction = decoded else { return bad }

        var words: [String] = []
        if i.hasSegmentOverride && !instruction.operands.contains(where: { $0.contains("[") }) {
            words.append(segmentName(i.segment))
        }
        let repeats = instruction.prefixSelectsForm ? 0 : i.prefixes
        if repeats & DecodedInstruction.repeatNZ != 0 {
            words.append("repne")
        } else if repeats & DecodedInstruction.repeatZ != 0 {
            let name = instruction.name
            // F3 90 is PAUSE (SDM Vol. 2 "PAUSE"), not a repeated NOP.
            if name == "nop" && index == 0x90 {
                instruction.name = "pause"
            } else {
                words.append(name.hasPrefix("cmps") || name.hasPrefix("scas") ? "repe" : "rep")
            }
        }
        if i.prefixes & DecodedInstruction.lock != 0 { words.append("lock") }
        if instruction.implicitMemory && i.address32 { words.append("a32") }
        if let marker = instruction.sizeMarker { words.append(marker) }
        words.append(instruction.name)
        let line = words.joined(separator: " ")
        return instruction.operands.isEmpty ? line : line + " " + instruction.operands.joined(separator: ",")
    }

    /// The instructions of `OpcodeTable`'s own notation: everything but the
    /// x87 and SSE forms.
    static func generalInstruction(_ i: DecodedInstruction, index: Int, address: UInt64) -> Instruction? {
        let long = is64BitCode(i)
        var name = long && index == 0x63 ? "movsxd" : OpcodeTable.mnemonic(index: index, reg: i.regField)
        guard !name.isEmpty, !name.hasPrefix("*") else { return nil }

        var operands: [Operand] = []
        if index == 0x101 && i.regField == 7 && i.registerForm {
            // 0F 01 F8 and F9 sit in the register form of INVLPG's encoding:
            // SWAPGS (64-bit mode only) and RDTSCP.
            switch i.rmField {
            case 0 where long: name = "swapgs"
            case 1: name = "rdtscp"
            default: return nil
            }
        } else {
            var immediates = 0
            for spec in operandSpecs(i, index: index, long: long) {
                guard let o = operand(spec, i, address: address, immediateNumber: &immediates) else { return nil }
                operands.append(o)
            }
        }
        // A zero/sign extension's source size is never implied by its destination.
        applySizeKeywords(&operands, always: name == "movzx" || name == "movsx" || name == "movsxd")

        let specs = OpcodeTable.operandList(OpcodeTable.map[index])
        let implicitMemory = specs.contains { $0.hasPrefix("X") || $0.hasPrefix("Y") } || name == "xlat"
        if implicitMemory { operands = [] }
        if i.operandSize == 4, let wide = names32[name] { name = wide }
        if i.operandSize == 8, let wide = names64[name] { name = wide }
        switch name {
        case "xlat": name = "xlatb"
        case "jcxz" where i.addressSize == 4: name = "jecxz"
        case "jcxz" where i.addressSize == 8: name = "jrcxz"
        case "loop", "loope", "loopne": if i.address32 { operands.append(Operand(text: "ecx")) }
        case "callf", "jmpf": name = String(name.dropLast())
        // 90 with REX.B exchanges R8 with the accumulator (SDM Vol. 2 "XCHG").
        case "nop" where index == 0x90 && i.rm != 0: name = "xchg"
        default: break
        }
        var instruction = Instruction(name: name, operands: operands.map(\.text), implicitMemory: implicitMemory)
        // SYSRET with REX.W returns to 64-bit code; NASM spells that with a prefix word.
        if name == "sysret" && i.operandSize == 8 { instruction.sizeMarker = "o64" }
        return instruction
    }

    /// Whether `i` was decoded in 64-bit mode. The decoder records the sizes, not
    /// the mode, but they tell it (SDM Vol. 1 §3.6.1, Table 3-4): REX and 64-bit
    /// addressing exist only there, and when a 67 prefix makes the address size
    /// 32 bits, the code is 16-bit only if the operand size is that of 16-bit code
    /// too (16 bits, or 32 with a 66 prefix), which 64-bit mode never gives.
    static func is64BitCode(_ i: DecodedInstruction) -> Bool {
        if i.addressSize == 8 || i.prefixes & DecodedInstruction.rex != 0 { return true }
        guard i.addressSize == 4 && i.prefixes & DecodedInstruction.addressSizePrefix != 0 else { return false }
        return i.operandSize != (i.prefixes & DecodedInstruction.operandSizePrefix != 0 ? 4 : 2)
    }

    /// One rendered operand and what it says about operand sizes.
    struct Operand {
        var text: String
        /// Bytes of a register operand: a memory operand of this size needs no keyword.
        var registerSize = 0
        /// Bytes of an r/m memory operand, to be named unless a register implies them.
        var memorySize = 0
    }

    /// The table's operand specifiers, completed where a group's members differ
    /// in operands (SDM Vol. 2 Table A-6), a register form widens with the
    /// operand size (MOV r32,Sreg, SLDT/STR/SMSW r32), the register comes from
    /// the opcode's low bits and REX.B (40-5F, 90-97, B0-BF), or 64-bit mode
    /// changes the operands (MOVSXD, MOV CR/DR with 64-bit registers).
    static func operandSpecs(_ i: DecodedInstruction, index: Int, long: Bool) -> [String] {
        switch (index, i.regField) {
        case (0x63, _) where long: return ["Gv", i.operandSize == 2 ? "Ew" : "Ed"]
        case (0x40...0x5F, _): return ["Zv"]
        case (0x90, _) where i.rm != 0, (0x91...0x97, _): return ["Zv", "eAX"]
        case (0xB0...0xB7, _): return ["Zb", "Ib"]
        case (0xB8...0xBF, _): return ["Zv", "Iv"]
        case (0x8C, _) where i.registerForm: return ["Rv", "Sw"]
        case (0xF6, 0), (0xF6, 1): return ["Eb", "Ib"]
        case (0xF7, 0), (0xF7, 1): return ["Ev", "Iz"]
        case (0xFF, 3), (0xFF, 5): return ["Mp"]
        case (0x100, 0), (0x100, 1), (0x101, 4): return [i.registerForm ? "Rv" : "Ew"]
        case (0x101, 6): return ["Ew"]
        case (0x120, _), (0x121, _): return long ? ["Rq", index == 0x120 ? "Cd" : "Dd"] : OpcodeTable.operandList(OpcodeTable.map[index])
        case (0x122, _), (0x123, _): return long ? [index == 0x122 ? "Cd" : "Dd", "Rq"] : OpcodeTable.operandList(OpcodeTable.map[index])
        case (0x1C7, _): return [i.operandSize == 8 ? "Mdq" : "Mq"]
        case (0x1C8...0x1CF, _): return ["Zy"]
        default: return OpcodeTable.operandList(OpcodeTable.map[index])
        }
    }

    /// Renders one operand specifier, or nil when the encoding has no meaning
    /// (a memory-only operand in register form, a segment register above GS).
    static func operand(_ spec: String, _ i: DecodedInstruction, address: UInt64, immediateNumber: inout Int) -> Operand? {
        let operandSize = i.operandSize
        let suffix = spec.dropFirst()
        // Addressing-method letters stand alone or before a lower-case size
        // (A.2.1-A.2.2); fixed operands are upper case (AL, DX, ES), "1" or eAX-style.
        let kind = suffix.isEmpty || suffix.first?.isLowercase == true ? spec.first ?? " " : " "
        let size: Int
        switch suffix {
        case "b", "bs": size = 1
        case "w": size = 2
        case "d": size = 4
        case "q": size = 8
        case "dq": size = 16
        case "y": size = operandSize == 8 ? 8 : 4
        case "v", "z": size = operandSize
        default: size = 0
        }
        switch kind {
        case "E":
            if i.registerForm { return Operand(text: register(i.rm, size: size), registerSize: size) }
            return Operand(text: memory(i, address: address), memorySize: size)
        case "G": return Operand(text: register(i.reg, size: size), registerSize: size)
        case "R", "Z": return Operand(text: register(i.rm, size: size), registerSize: size)
        case "S":
            guard i.regField < segmentRegisters.count else { return nil }
            return Operand(text: segmentRegisters[i.regField], registerSize: 2)
        case "C": return Operand(text: "cr\(i.reg & 15)")
        case "D": return Operand(text: "dr\(i.reg & 15)")
        case "M":
            guard !i.registerForm else { return nil }
            if i.opcode == 0xFF {
                let keyword = operandSize == 8 ? "qword far " : operandSize == 4 ? "dword far " : "far "
                return Operand(text: keyword + memory(i, address: address))
            }
            return Operand(text: memory(i, address: address), memorySize: size)
        case "O":
            return Operand(text: "[" + segmentPrefix(i) + hex(i.immediate & mask(i.addressSize)) + "]")
        case "I":
            immediateNumber += 1
            if suffix == "bs" {
                let v = Int8(truncatingIfNeeded: i.immediate)
                return Operand(text: "byte " + (v < 0 ? "-" : "+") + hex(UInt64(v.magnitude)))
            }
            let value = immediateNumber == 2 ? UInt64(i.immediate2) : i.immediate & mask(size)
            // PUSH imm16/32 is the only immediate whose size nothing else shows.
            let keyword = i.opcode == 0x68 ? (size == 8 ? "qword " : size == 4 ? "dword " : "word ") : ""
            return Operand(text: keyword + hex(value))
        case "J":
            let target = (address &+ UInt64(i.length) &+ i.immediate) & mask(operandSize)
            let keyword = i.opcode == 0xEB ? "short " : (i.opcode & 0x1F0 == 0x180 ? "near " : "")
            return Operand(text: keyword + hex(target))
        case "A":
            return Operand(text: hex(UInt64(i.immediate2)) + ":" + hex(i.immediate & mask(operandSize)))
        default:
            // A fixed operand: "1", a register (AL, DX, ES) or eAX-style by operand size.
            if spec.count == 3 && spec.hasPrefix("e") {
                let name = suffix.lowercased()
                return Operand(text: operandSize == 8 ? "r" + name : operandSize == 4 ? "e" + name : name)
            }
            return Operand(text: spec.lowercased())
        }
    }

    /// Names the size of memory operands that no register operand implies.
    static func applySizeKeywords(_ operands: inout [Operand], always: Bool) {
        let registerSizes = always ? [] : operands.map(\.registerSize)
        for k in operands.indices where operands[k].memorySize != 0 && !registerSizes.contains(operands[k].memorySize) {
            let keyword: String
            switch operands[k].memorySize {
            case 1: keyword = "byte "
            case 2: keyword = "word "
            case 4: keyword = "dword "
            case 8: keyword = "qword "
            default: keyword = "oword "
            }
            operands[k].text = keyword + operands[k].text
        }
    }

    /// The ModR/M memory operand: `[seg:base+index*scale+disp]`, or `[rel target]`
    /// for RIP-relative addressing, whose target is counted from the end of the
    /// instruction at `address` (SDM Vol. 2 §2.2.1.6).
    static func memory(_ i: DecodedInstruction, address: UInt64) -> String {
        let size = i.addressSize
        // A displacement is sign-extended to the address size (16-bit ones are stored in 16 bits).
        let displacement = UInt64(bitPattern: Int64(Int32(bitPattern: i.displacement))) & mask(size)
        if i.base == DecodedInstruction.ripRelative {
            return "[rel " + segmentPrefix(i) + hex((address &+ UInt64(i.length) &+ displacement) & mask(size)) + "]"
        }
        var body = ""
        if i.base != DecodedInstruction.noRegister { body = register(Int(i.base), size: size) }
        if i.index != DecodedInstruction.noRegister {
            body += (body.isEmpty ? "" : "+") + register(Int(i.index), size: size)
            if i.scale != 0 { body += "*\(1 << (i.scale & 3))" }
        }
        let mod = i.modrm >> 6
        if body.isEmpty {
            body = hex(displacement)
        } else if mod == 1 || mod == 2 || i.base == DecodedInstruction.noRegister {
            let negative = displacement & ~(mask(size) >> 1) & mask(size) != 0
            body += (negative ? "-" : "+") + hex(negative ? (0 &- displacement) & mask(size) : displacement)
        }
        return "[" + segmentPrefix(i) + body + "]"
    }

    static func segmentPrefix(_ i: DecodedInstruction) -> String {
        i.hasSegmentOverride ? segmentName(i.segment) + ":" : ""
    }

    static func segmentName(_ s: UInt8) -> String {
        Int(s) < segmentRegisters.count ? segmentRegisters[Int(s)] : "seg\(s)"
    }

    /// A register by its number (0-15) and size; for bytes, the decoder's
    /// byte-register numbers: 4-7 AH..BH, 20-23 SPL..DIL (`CPU.get8`).
    static func register(_ r: Int, size: Int) -> String {
        let n = r & 15
        if n >= 8 {
            switch size {
            case 1: return "r\(n)b"
            case 2: return "r\(n)w"
            case 4: return "r\(n)d"
            default: return "r\(n)"
            }
        }
        switch size {
        case 1: return r & ~3 == 20 ? registersREX8[r & 3] : registers8[n]
        case 2: return registers16[n]
        case 4: return registers32[n]
        default: return registers64[n]
        }
    }

    static func mask(_ size: Int) -> UInt64 {
        switch size {
        case 1: return 0xFF
        case 2: return 0xFFFF
        case 4: return 0xFFFF_FFFF
        default: return UInt64.max
        }
    }

    static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
}
