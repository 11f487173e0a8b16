/// Intel-syntax text of decoded instructions, in the NASM dialect that `ndisasm`
/// prints so that listings can be checked against it. Mnemonics and operands come
/// from `OpcodeTable` (operand notation of SDM Vol. 2 Appendix A.2), memory
/// operands from the decoded addressing form (SDM Vol. 2 §2.1.5).
///
/// The format:
/// - lower case; the mnemonic, a space, then operands joined by "," without spaces;
/// - numbers in hexadecimal with a `0x` prefix and no leading zeros;
/// - memory as `[seg:base+index*scale+disp]`: the segment only when an override
///   prefix is present, `*1` left out, a displacement after a register signed
///   (`[bp-0x2]`, and `[bp+0x0]` when one is encoded), a lone one unsigned (`[0x8000]`);
/// - `byte`, `word` or `dword` before a memory operand whose size no register
///   operand gives away (`inc word [bx]`, `movzx ax,byte [si]`, but `add [bx+si],al`);
/// - sign-extended byte immediates as `byte +0x12` or `byte -0x1`, PUSH imm as
///   `push word 0x1234` (the size is not implied by anything else);
/// - relative branches as absolute targets, masked to 16 bits under a 16-bit
///   operand size, with `short` for JMP rel8 (EB) and `near` for Jcc rel16/32 (0F 8x);
/// - direct far pointers as `0x1234:0x5678`, indirect ones as `far [bx]` (`dword far`
///   for a 16:32 pointer);
/// - prefixes as words before the mnemonic, in ndisasm's order: a segment override
///   that no memory operand shows (`es movsb`), `rep`/`repe`/`repne`, `lock`, and
///   `a32` on string instructions and XLATB with 32-bit addressing. The code
///   segment's default size is not known here, so only 32-bit addressing is marked;
///   LOOPs with ECX get an `ecx` operand and JCXZ becomes JECXZ. Operand-size
///   prefixes show in operands or in names (`cwde`, `pushad`, `movsd`, `iretd`) only;
/// - x87 escapes (D8-DF) as `esc`, the 6-bit ESC number and the r/m operand
///   (`esc 0x2f,[bx]`, `esc 0x5,st3`), as the emulator has no FPU to name them for;
/// - `(bad)` for undefined encodings and instructions longer than 15 bytes.
///
/// Where this differs from ndisasm: the table's mnemonics (`je`, not `jz`), size
/// keywords by the rule above, operand-size markers only as described, and the
/// immediate of AAM/AAD always shown.
public enum Disassembler {
    static let bad = "(bad)"
    static let registers8 = ["al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"]
    static let registers16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"]
    static let registers32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"]
    static let segmentRegisters = ["es", "cs", "ss", "ds", "fs", "gs"]

    /// Names that change with the operand size (SDM Vol. 2 gives each its own mnemonic).
    static let names32: [String: String] = [
        "cbw": "cwde", "cwd": "cdq", "pusha": "pushad", "popa": "popad", "pushf": "pushfd",
        "popf": "popfd", "iret": "iretd", "insw": "insd", "outsw": "outsd", "movsw": "movsd",
        "cmpsw": "cmpsd", "stosw": "stosd", "lodsw": "lodsd", "scasw": "scasd",
    ]

    /// The text of `i`, which starts at offset `address` (used for branch targets).
    public static func text(_ i: DecodedInstruction, address: UInt32) -> String {
        guard i.prefixes & (DecodedInstruction.invalid | DecodedInstruction.tooLong) == 0 else { return bad }
        let index = Int(i.opcode & 0x1FF)
        var name = OpcodeTable.mnemonic(index: index, reg: i.reg)
        guard !name.isEmpty, !name.hasPrefix("*") else { return bad }

        // 0F 01 F9: RDTSCP sits in the register form of INVLPG's encoding.
        if index == 0x101 && i.reg == 7 && i.registerForm { return i.rm == 1 ? "rdtscp" : bad }
        var operands: [Operand] = []
        if name == "esc" {
            let number = (index & 7) << 3 | i.reg
            operands = [Operand(text: hex(UInt32(number))), Operand(text: i.registerForm ? "st\(i.rm)" : memory(i))]
        } else {
            var immediates = 0
            for spec in operandSpecs(i, index: index) {
                guard let o = operand(spec, i, address: address, immediateNumber: &immediates) else { return bad }
                operands.append(o)
            }
        }
        // A zero/sign extension's source size is never implied by its destination.
        applySizeKeywords(&operands, always: name == "movzx" || name == "movsx")

        let specs = OpcodeTable.operandList(OpcodeTable.map[index])
        let implicitMemory = specs.contains { $0.hasPrefix("X") || $0.hasPrefix("Y") } || name == "xlat"
        if implicitMemory { operands = [] }
        if i.operandSize == 4, let wide = names32[name] { name = wide }
        switch name {
        case "xlat": name = "xlatb"
        case "jcxz" where i.address32: name = "jecxz"
        case "loop", "loope", "loopne": if i.address32 { operands.append(Operand(text: "ecx")) }
        case "callf", "jmpf": name = String(name.dropLast())
        default: break
        }

        var words: [String] = []
        if i.hasSegmentOverride && !operands.contains(where: { $0.text.contains("[") }) {
            words.append(segmentName(i.segment))
        }
        if i.prefixes & DecodedInstruction.repeatNZ != 0 {
            words.append("repne")
        } else if i.prefixes & DecodedInstruction.repeatZ != 0 {
            // F3 90 is PAUSE (SDM Vol. 2 "PAUSE"), not a repeated NOP.
            if index == 0x90 { name = "pause" } else { words.append(name.hasPrefix("cmps") || name.hasPrefix("scas") ? "repe" : "rep") }
        }
        if i.prefixes & DecodedInstruction.lock != 0 { words.append("lock") }
        if implicitMemory && i.address32 { words.append("a32") }
        words.append(name)
        let line = words.joined(separator: " ")
        return operands.isEmpty ? line : line + " " + operands.map(\.text).joined(separator: ",")
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
    /// in operands (SDM Vol. 2 Table A-6) or a register form widens with the
    /// operand size (MOV r32,Sreg, SLDT/STR/SMSW r32).
    static func operandSpecs(_ i: DecodedInstruction, index: Int) -> [String] {
        switch (index, i.reg) {
        case (0x8C, _) where i.registerForm: return ["Rv", "Sw"]
        case (0xF6, 0), (0xF6, 1): return ["Eb", "Ib"]
        case (0xF7, 0), (0xF7, 1): return ["Ev", "Iz"]
        case (0xFF, 3), (0xFF, 5): return ["Mp"]
        case (0x100, 0), (0x100, 1), (0x101, 4): return [i.registerForm ? "Rv" : "Ew"]
        case (0x101, 6): return ["Ew"]
        default: return OpcodeTable.operandList(OpcodeTable.map[index])
        }
    }

    /// Renders one operand specifier, or nil when the encoding has no meaning
    /// (a memory-only operand in register form, a segment register above GS).
    static func operand(_ spec: String, _ i: DecodedInstruction, address: UInt32, immediateNumber: inout Int) -> Operand? {
        let suffix = spec.dropFirst()
        // Addressing-method letters stand alone or before a lower-case size
        // (A.2.1-A.2.2); fixed operands are upper case (AL, DX, ES), "1" or eAX-style.
        let kind = suffix.isEmpty || suffix.first?.isLowercase == true ? spec.first ?? " " : " "
        let size: Int
        switch suffix {
        case "b", "bs": size = 1
        case "w": size = 2
        case "d": size = 4
        case "v", "z": size = i.operandSize
        default: size = 0
        }
        switch kind {
        case "E":
            if i.registerForm { return Operand(text: register(i.rm, size: size), registerSize: size) }
            return Operand(text: memory(i), memorySize: size)
        case "G": return Operand(text: register(i.reg, size: size), registerSize: size)
        case "R": return Operand(text: register(i.rm, size: size), registerSize: size)
        case "Z": return Operand(text: register(Int(i.opcode & 7), size: size), registerSize: size)
        case "S":
            guard i.reg < segmentRegisters.count else { return nil }
            return Operand(text: segmentRegisters[i.reg], registerSize: 2)
        case "C": return Operand(text: "cr\(i.reg)")
        case "D": return Operand(text: "dr\(i.reg)")
        case "M":
            guard !i.registerForm else { return nil }
            if i.opcode == 0xFF { return Operand(text: (i.operandSize == 4 ? "dword far " : "far ") + memory(i)) }
            return Operand(text: memory(i))
        case "O":
            let offset = UInt32(truncatingIfNeeded: i.address32 ? i.immediate : i.immediate & 0xFFFF)
            return Operand(text: "[" + segmentPrefix(i) + hex(offset) + "]")
        case "I":
            immediateNumber += 1
            if suffix == "bs" {
                let v = Int8(truncatingIfNeeded: i.immediate)
                return Operand(text: "byte " + (v < 0 ? "-" : "+") + hex(UInt32(v.magnitude)))
            }
            let value = immediateNumber == 2 ? UInt32(i.immediate2) : UInt32(truncatingIfNeeded: i.immediate) & mask(size)
            // PUSH imm16/32 is the only immediate whose size nothing else shows.
            let keyword = i.opcode == 0x68 ? (size == 4 ? "dword " : "word ") : ""
            return Operand(text: keyword + hex(value))
        case "J":
            let target = (address &+ UInt32(i.length) &+ UInt32(truncatingIfNeeded: i.immediate)) & mask(i.operandSize)
            let keyword = i.opcode == 0xEB ? "short " : (i.opcode & 0x1F0 == 0x180 ? "near " : "")
            return Operand(text: keyword + hex(target))
        case "A":
            return Operand(text: hex(UInt32(i.immediate2)) + ":" + hex(UInt32(truncatingIfNeeded: i.immediate) & mask(i.operandSize)))
        default:
            // A fixed operand: "1", a register (AL, DX, ES) or eAX-style by operand size.
            if spec.count == 3 && spec.hasPrefix("e") {
                let name = suffix.lowercased()
                return Operand(text: i.operandSize == 4 ? "e" + name : name)
            }
            return Operand(text: spec.lowercased())
        }
    }

    /// Names the size of memory operands that no register operand implies.
    static func applySizeKeywords(_ operands: inout [Operand], always: Bool) {
        let registerSizes = always ? [] : operands.map(\.registerSize)
        for k in operands.indices where operands[k].memorySize != 0 && !registerSizes.contains(operands[k].memorySize) {
            let keyword = operands[k].memorySize == 1 ? "byte " : (operands[k].memorySize == 2 ? "word " : "dword ")
            operands[k].text = keyword + operands[k].text
        }
    }

    /// The ModR/M memory operand: `[seg:base+index*scale+disp]`.
    static func memory(_ i: DecodedInstruction) -> String {
        let names = i.address32 ? registers32 : registers16
        var body = ""
        if i.base != DecodedInstruction.noRegister { body = names[Int(i.base & 7)] }
        if i.index != DecodedInstruction.noRegister {
            body += (body.isEmpty ? "" : "+") + names[Int(i.index & 7)]
            if i.scale != 0 { body += "*\(1 << (i.scale & 3))" }
        }
        let displacement = i.address32 ? i.displacement : i.displacement & 0xFFFF
        let mod = i.modrm >> 6
        if body.isEmpty {
            body = hex(displacement)
        } else if mod == 1 || mod == 2 || i.base == DecodedInstruction.noRegister {
            let negative = i.address32 ? Int32(bitPattern: displacement) < 0 : Int16(truncatingIfNeeded: displacement) < 0
            let magnitude = negative ? (0 &- displacement) & mask(i.address32 ? 4 : 2) : displacement
            body += (negative ? "-" : "+") + hex(magnitude)
        }
        return "[" + segmentPrefix(i) + body + "]"
    }

    static func segmentPrefix(_ i: DecodedInstruction) -> String {
        i.hasSegmentOverride ? segmentName(i.segment) + ":" : ""
    }

    static func segmentName(_ s: UInt8) -> String {
        Int(s) < segmentRegisters.count ? segmentRegisters[Int(s)] : "seg\(s)"
    }

    static func register(_ r: Int, size: Int) -> String {
        switch size {
        case 1: return registers8[r & 7]
        case 2: return registers16[r & 7]
        default: return registers32[r & 7]
        }
    }

    static func mask(_ size: Int) -> UInt32 {
        switch size {
        case 1: return 0xFF
        case 2: return 0xFFFF
        default: return 0xFFFF_FFFF
        }
    }

    static func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }
}
