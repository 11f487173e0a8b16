/// Instruction decoding (SDM Vol. 2 ch. 2): legacy prefixes, the one- and
/// two-byte opcode maps, ModR/M with 16- and 32-bit addressing forms, SIB,
/// displacements and immediates. Lengths come from `OpcodeTable`.
extension CPU {
    /// Decodes the instruction at linear address `linear` for the given default
    /// operand/address size. Bytes are fetched through the TLB, so a fetch can
    /// fault; an instruction longer than 15 bytes is flagged `tooLong` (it raises
    /// #GP when executed).
    func decode(linear: UInt32, ipOffset: UInt32, ipMask: UInt32, default32: Bool) throws(Fault) -> DecodedInstruction {
        var d = DecodedInstruction()
        var pos: UInt32 = 0
        @inline(__always) func next() throws(Fault) -> UInt8 {
            let b = try fetchLinear8(linear &- ipOffset &+ ((ipOffset &+ pos) & ipMask))
            pos &+= 1
            return b
        }
        var operand32 = default32, address32 = default32
        var segment: UInt8 = 0xFF
        var b = try next()
        prefixLoop: while true {
            switch b {
            case 0x26, 0x2E, 0x36, 0x3E: segment = (b >> 3) & 3
            case 0x64, 0x65: segment = b & 7
            case 0x66: operand32 = !default32
            case 0x67: address32 = !default32
            case 0xF0: d.prefixes |= DecodedInstruction.lock
            case 0xF2: d.prefixes = (d.prefixes & ~DecodedInstruction.repeatZ) | DecodedInstruction.repeatNZ
            case 0xF3: d.prefixes = (d.prefixes & ~DecodedInstruction.repeatNZ) | DecodedInstruction.repeatZ
            default: break prefixLoop
            }
            if pos >= 15 { d.prefixes |= DecodedInstruction.tooLong; d.length = 15; return d }
            b = try next()
        }
        if operand32 { d.prefixes |= DecodedInstruction.operandSize32 }
        if address32 { d.prefixes |= DecodedInstruction.addressSize32 }
        var opcode = UInt16(b)
        if b == 0x0F { opcode = 0x100 | UInt16(try next()) }
        d.opcode = opcode
        d.size = opcode & 1 == 0 ? 1 : operand32 ? 4 : 2
        d.operation = Operation.table[Int(opcode)]
        d.hasSegmentOverride = segment != 0xFF
        d.segment = segment == 0xFF ? UInt8(SegmentIndex.ds) : segment
        let format = OpcodeTable.formats[Int(opcode)]
        if format & OpcodeTable.Format.undefined != 0 { d.prefixes |= DecodedInstruction.invalid }

        if format & OpcodeTable.Format.modrm != 0 {
            let modrm = try next()
            d.modrm = modrm
            let mod = modrm >> 6, rm = modrm & 7
            if mod != 3 && format & OpcodeTable.Format.registerOnly == 0 {
                if address32 {
                    var base = rm
                    if rm == 4 {
                        let sib = try next()
                        d.scale = sib >> 6
                        let index = (sib >> 3) & 7
                        if index != 4 { d.index = index }
                        base = sib & 7
                    }
                    if base == 5 && mod == 0 {
                        d.displacement = UInt32(try next()) | UInt32(try next()) << 8 | UInt32(try next()) << 16 | UInt32(try next()) << 24
                    } else {
                        d.base = base
                        if segment == 0xFF && (base == 4 || base == 5) { d.segment = UInt8(SegmentIndex.ss) }
                    }
                    if mod == 1 {
                        d.displacement = UInt32(bitPattern: Int32(Int8(bitPattern: try next())))
                    } else if mod == 2 {
                        d.displacement = UInt32(try next()) | UInt32(try next()) << 8 | UInt32(try next()) << 16 | UInt32(try next()) << 24
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
        }

        @inline(__always) func immediate(_ size: Int) throws(Fault) -> UInt32 {
            var v: UInt32 = 0
            for k in 0..<size { v |= UInt32(try next()) << (8 * UInt32(k)) }
            return v
        }
        let sized = operand32 ? 4 : 2
        switch format & 0xF0 {
        case OpcodeTable.Format.immByte:
            let v = try next()
            switch opcode {
            case 0x6A, 0x6B, 0x83, 0x70...0x7F, 0xE0...0xE3, 0xEB:
                d.immediate = UInt32(bitPattern: Int32(Int8(bitPattern: v)))
            default:
                d.immediate = UInt32(v)
            }
        case OpcodeTable.Format.immWord: d.immediate = try immediate(2)
        case OpcodeTable.Format.immSized: d.immediate = try immediate(sized)
        case OpcodeTable.Format.immFar:
            d.immediate = try immediate(sized)
            d.immediate2 = UInt16(try immediate(2))
        case OpcodeTable.Format.immOffset: d.immediate = try immediate(address32 ? 4 : 2)
        case OpcodeTable.Format.immEnter:
            d.immediate = try immediate(2)
            d.immediate2 = UInt16(try next())
        case OpcodeTable.Format.immGroup3:
            if (d.modrm >> 3) & 7 < 2 { d.immediate = try immediate(opcode == 0xF6 ? 1 : sized) }
        default: break
        }
        if pos > 15 { d.prefixes |= DecodedInstruction.tooLong; pos = 15 }
        d.length = UInt8(pos)
        return d
    }
}
