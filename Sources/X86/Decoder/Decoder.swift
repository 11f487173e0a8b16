/// The default operand and address size of the code being decoded: the CS.D
/// bit outside IA-32e mode, 64-bit mode when CS.L is set in it (SDM Vol. 1 §3.6.1).
public enum CodeSize: Int {
    case bits16 = 0, bits32 = 1, bits64 = 2
}

/// Instruction decoding (SDM Vol. 2 ch. 2): legacy prefixes, REX (§2.2.1), the
/// one- and two-byte opcode maps, ModR/M with 16-, 32- and 64-bit addressing
/// forms (RIP-relative among them), SIB, displacements and immediates. Lengths
/// come from `OpcodeTable`.
extension CPU {
    /// One-byte opcodes that are invalid in 64-bit mode (SDM Vol. 2 Appendix A,
    /// "i64"): PUSH/POP of ES, CS, SS, DS, the BCD adjusts, PUSHA/POPA, BOUND,
    /// 82, far CALL/JMP with a pointer, LES/LDS, INTO, AAM, AAD, SALC.
    static let invalidIn64: [UInt16] = [0x06, 0x07, 0x0E, 0x16, 0x17, 0x1E, 0x1F, 0x27, 0x2F, 0x37, 0x3F,
                                        0x60, 0x61, 0x62, 0x82, 0x9A, 0xC4, 0xC5, 0xCE, 0xD4, 0xD5, 0xD6, 0xEA]

    /// Operand size of 64-bit mode for opcodes whose size is not 32 bits by
    /// default (Appendix A "d64" and "f64"): 8 for the stack operations and the
    /// near branches, which a 66 prefix without REX.W makes 16 (stack) or
    /// leaves at 8 (near branches, as Intel processors do); nil for every other opcode.
    static func operandSizeIn64(opcode: UInt16, regField: Int, sizePrefix: Bool) -> Int? {
        switch opcode {
        case 0x70...0x7F, 0x180...0x18F, 0xE8, 0xE9, 0xEB, 0xC2, 0xC3, 0xE0...0xE3:
            return 8
        case 0x50...0x5F, 0x68, 0x6A, 0x8F, 0x9C, 0x9D, 0xC8, 0xC9, 0x1A0, 0x1A1, 0x1A8, 0x1A9:
            return sizePrefix ? 2 : 8
        case 0xFF:
            switch regField {
            case 2, 4: return 8
            case 6: return sizePrefix ? 2 : 8
            default: return nil
            }
        default:
            return nil
        }
    }

    /// Decodes the instruction whose first byte is at offset `ip` of a code
    /// segment at `base`, in code of the given size. Bytes are fetched through
    /// the TLB, so a fetch can fault; an instruction longer than 15 bytes is
    /// flagged `tooLong` (it raises #GP when executed).
    func decode(base: UInt64, ip: UInt64, codeSize: CodeSize) throws(Fault) -> DecodedInstruction {
        var d = DecodedInstruction()
        var pos: UInt64 = 0
        let long = codeSize == .bits64
        // IP wraps at 64 KiB in 16-bit code, linear addresses at 4 GiB outside 64-bit mode.
        let ipMask: UInt64 = codeSize == .bits16 ? 0xFFFF : long ? UInt64.max : 0xFFFF_FFFF
        let linearMask: UInt64 = long ? UInt64.max : 0xFFFF_FFFF
        @inline(__always) func next() throws(Fault) -> UInt8 {
            let b = try fetchLinear8((base &+ ((ip &+ pos) & ipMask)) & linearMask)
            pos &+= 1
            return b
        }
        @inline(__always) func immediate32() throws(Fault) -> UInt32 {
            UInt32(try next()) | UInt32(try next()) << 8 | UInt32(try next()) << 16 | UInt32(try next()) << 24
        }
        let default32 = codeSize != .bits16
        var sizePrefix = false, addressPrefix = false
        var segment: UInt8 = 0xFF
        var rex: UInt8 = 0
        var b = try next()
        prefixLoop: while true {
            switch b {
            case 0x26, 0x2E, 0x36, 0x3E: if !long { segment = (b >> 3) & 3 }
            case 0x64, 0x65: segment = b & 7
            case 0x66: sizePrefix = true
            case 0x67: addressPrefix = true
            case 0xF0: d.prefixes |= DecodedInstruction.lock
            case 0xF2: d.prefixes = (d.prefixes & ~DecodedInstruction.repeatZ) | DecodedInstruction.repeatNZ
            case 0xF3: d.prefixes = (d.prefixes & ~DecodedInstruction.repeatNZ) | DecodedInstruction.repeatZ
            case 0x40...0x4F where long:
                // A REX prefix counts only directly before the opcode (§2.2.1).
                if pos >= 15 { d.prefixes |= DecodedInstruction.tooLong; d.length = 15; return d }
                let r = b
                b = try next()
                if b & 0xF0 == 0x40 || CPU.isLegacyPrefix(b) { continue prefixLoop }
                rex = r
                break prefixLoop
            default: break prefixLoop
            }
            if pos >= 15 { d.prefixes |= DecodedInstruction.tooLong; d.length = 15; return d }
            b = try next()
        }
        if sizePrefix { d.prefixes |= DecodedInstruction.operandSizePrefix }
        if addressPrefix { d.prefixes |= DecodedInstruction.addressSizePrefix }
        if rex != 0 { d.prefixes |= DecodedInstruction.rex }
        let rexW = rex & 8 != 0, rexR = Int(rex & 4) << 1, rexX = (rex & 2) << 2, rexB = Int(rex & 1) << 3
        d.addressSize = long ? (addressPrefix ? 4 : 8) : (default32 != addressPrefix ? 4 : 2)
        var operandSize = rexW ? 8 : default32 != sizePrefix ? 4 : 2

        var opcode = UInt16(b)
        if b == 0x0F {
            opcode = 0x100 | UInt16(try next())
            // 0F 38 and 0F 3A lead to the three-byte maps.
            if opcode == 0x138 { opcode = 0x200 | UInt16(try next()) } else if opcode == 0x13A { opcode = 0x300 | UInt16(try next()) }
        }
        d.opcode = opcode
        d.operation = Operation.table[Int(opcode)]
        let format = OpcodeTable.formats[Int(opcode)]
        if format & OpcodeTable.Format.undefined != 0 { d.prefixes |= DecodedInstruction.invalid }
        if long {
            if CPU.invalidIn64.contains(opcode) { d.prefixes |= DecodedInstruction.invalid }
            if opcode == 0x63 { d.operation = .moveSignExtend32 }
            // 90 is NOP, but with REX.B it exchanges R8 with the accumulator.
            if opcode == 0x90 && rexB != 0 { d.operation = .exchangeAccumulator }
        }
        d.hasSegmentOverride = segment != 0xFF
        d.segment = segment == 0xFF ? UInt8(SegmentIndex.ds) : segment
        // REX makes encodings 4-7 of byte registers SPL..DIL (`CPU.get8`).
        @inline(__always) func register(_ n: Int) -> Int { rex != 0 && n & ~3 == 4 ? n | 16 : n }
        d.rm = register(Int(opcode & 7) | rexB)

        if format & OpcodeTable.Format.modrm != 0 {
            let modrm = try next()
            d.modrm = modrm
            d.reg = register(Int(modrm >> 3) & 7 | rexR)
            let mod = modrm >> 6, rm = modrm & 7
            if mod == 3 {
                d.rm = register(Int(rm) | rexB)
            } else if format & OpcodeTable.Format.registerOnly != 0 {
                // MOV to/from CR/DR ignore mod: the r/m field is a register.
                d.rm = Int(rm) | rexB
            } else if d.addressSize != 2 {
                var base = rm
                var sib = false
                if rm == 4 {
                    sib = true
                    let s = try next()
                    d.scale = s >> 6
                    let index = (s >> 3) & 7 | rexX
                    if index != 4 { d.index = index }
                    base = s & 7
                }
                if base == 5 && mod == 0 {
                    d.displacement = try immediate32()
                    // Without a SIB byte this is RIP-relative in 64-bit mode (§2.2.1.6).
                    if long && !sib { d.base = DecodedInstruction.ripRelative }
                } else {
                    d.base = base | UInt8(rexB)
                    if segment == 0xFF && rexB == 0 && (base == 4 || base == 5) { d.segment = UInt8(SegmentIndex.ss) }
                }
                if mod == 1 {
                    d.displacement = UInt32(bitPattern: Int32(Int8(bitPattern: try next())))
                } else if mod == 2 {
                    d.displacement = try immediate32()
                }
            } else {
                let bases: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (3, 3, 5, 5, 6, 7, 5, 3)
                let indexes: (UInt8, UInt8, UInt8, UInt8) = (6, 7, 6, 7)
                if rm == 6 && mod == 0 {
                    d.displacement = UInt32(try next()) | UInt32(try next()) << 8
                } else {
                    d.base = withUnsafeBytes(of: bases) { $0[Int(rm)] }
                    if rm < 4 { d.index = withUnsafeBytes(of: indexes) { $0[Int(rm)] } }
                    if segment == 0xFF && (rm == 2 || rm == 3 || rm == 6) { d.segment = UInt8(SegmentIndex.ss) }
                    if mod == 1 {
                        d.displacement = UInt32(UInt16(bitPattern: Int16(Int8(bitPattern: try next()))))
                    } else if mod == 2 {
                        d.displacement = UInt32(try next()) | UInt32(try next()) << 8
                    }
                }
            }
        }
        if long, let fixed = CPU.operandSizeIn64(opcode: opcode, regField: d.regField, sizePrefix: sizePrefix && !rexW) {
            operandSize = fixed
        }
        // I/O moves at most 32 bits: REX.W is ignored by IN, OUT, INS and OUTS.
        if operandSize == 8 && CPU.isInputOutput(opcode) { operandSize = 4 }
        d.operandSize = operandSize
        d.size = opcode & 1 == 0 ? 1 : operandSize

        @inline(__always) func immediate(_ size: Int) throws(Fault) -> UInt64 {
            var v: UInt64 = 0
            for k in 0..<size { v |= UInt64(try next()) << (8 * UInt64(k)) }
            return v
        }
        @inline(__always) func signExtended(_ v: UInt64, bytes: Int) -> UInt64 {
            let shift = UInt64(64 - 8 * bytes)
            return UInt64(bitPattern: Int64(bitPattern: v << shift) >> Int64(shift))
        }
        // Iz: 2 bytes with a 16-bit operand size, else 4 (sign-extended to 64 bits).
        let sized = operandSize == 2 ? 2 : 4
        switch format & 0xF0 {
        case OpcodeTable.Format.immByte:
            let v = UInt64(try next())
            switch opcode {
            case 0x6A, 0x6B, 0x83, 0x70...0x7F, 0xE0...0xE3, 0xEB: d.immediate = signExtended(v, bytes: 1)
            default: d.immediate = v
            }
        case OpcodeTable.Format.immWord: d.immediate = try immediate(2)
        case OpcodeTable.Format.immSized:
            if opcode >= 0xB8 && opcode <= 0xBF {
                d.immediate = try immediate(operandSize)
            } else {
                d.immediate = signExtended(try immediate(sized), bytes: sized)
            }
        case OpcodeTable.Format.immFar:
            d.immediate = try immediate(sized)
            d.immediate2 = UInt16(try immediate(2))
        case OpcodeTable.Format.immOffset: d.immediate = try immediate(d.addressSize)
        case OpcodeTable.Format.immEnter:
            d.immediate = try immediate(2)
            d.immediate2 = UInt16(try next())
        case OpcodeTable.Format.immGroup3:
            if d.regField < 2 {
                d.immediate = opcode == 0xF6 ? try immediate(1) : signExtended(try immediate(sized), bytes: sized)
            }
        default: break
        }
        if pos > 15 { d.prefixes |= DecodedInstruction.tooLong; pos = 15 }
        d.length = UInt8(pos)
        return d
    }

    static func isInputOutput(_ opcode: UInt16) -> Bool {
        (0x6C...0x6F).contains(opcode) || (0xE4...0xE7).contains(opcode) || (0xEC...0xEF).contains(opcode)
    }

    /// The legacy prefixes (SDM Vol. 2 §2.1.1): a REX prefix followed by one of
    /// them is ignored.
    static func isLegacyPrefix(_ b: UInt8) -> Bool {
        switch b {
        case 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3: return true
        default: return false
        }
    }
}
