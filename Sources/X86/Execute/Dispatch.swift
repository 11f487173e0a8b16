/// The opcode switch: one case per opcode (or opcode row) of the one- and
/// two-byte maps, delegating to the family files in Execute/.
extension CPU {
    @inline(__always) func execute(_ i: DecodedInstruction) throws(Fault) {
        if i.prefixes & (DecodedInstruction.invalid | DecodedInstruction.tooLong | DecodedInstruction.lock) != 0 {
            try checkPrefixes(i)
        }
        let size = i.opcode & 1 == 0 ? 1 : i.operandSize
        switch i.opcode {
        case 0x00...0x05, 0x08...0x0D, 0x10...0x15, 0x18...0x1D, 0x20...0x25, 0x28...0x2D, 0x30...0x35, 0x38...0x3D:
            try aluForm(i)
        case 0x06, 0x0E, 0x16, 0x1E: try pushSegment(Int(i.opcode >> 3), size: i.operandSize)
        case 0x07, 0x17, 0x1F: try popSegment(Int(i.opcode >> 3), size: i.operandSize)
        case 0x27, 0x2F, 0x37, 0x3F: decimalAdjust(i.opcode)
        case 0x40...0x47:
            let r = Int(i.opcode & 7), s = i.operandSize
            setReg(r, size: s, incDec(getReg(r, size: s), decrement: false, size: s))
        case 0x48...0x4F:
            let r = Int(i.opcode & 7), s = i.operandSize
            setReg(r, size: s, incDec(getReg(r, size: s), decrement: true, size: s))
        case 0x50...0x57: try push(getReg(Int(i.opcode & 7), size: i.operandSize), size: i.operandSize)
        case 0x58...0x5F:
            let v = try pop(size: i.operandSize)
            setReg(Int(i.opcode & 7), size: i.operandSize, v)
        case 0x60: try pushAll(size: i.operandSize)
        case 0x61: try popAll(size: i.operandSize)
        case 0x62: try bound(i)
        case 0x63: throw Fault.ud // ARPL is not recognised in real mode
        case 0x68, 0x6A: try push(i.immediate & CPU.mask(i.operandSize), size: i.operandSize)
        case 0x69, 0x6B: try imulTruncating(i, multiplier: i.immediate & CPU.mask(i.operandSize))
        case 0x6C...0x6F, 0xA4...0xA7, 0xAA...0xAF: try stringInstruction(i)
        case 0x70...0x7F: if flags.condition(Int(i.opcode & 0xF)) { try jumpRelative(i) }
        case 0x80...0x83: try aluImmediate(i)
        case 0x84, 0x85:
            let s = getReg(i.reg, size: size)
            test(try readRM(i, size: size), s, size: size)
        case 0x86, 0x87: try exchange(i, size: size)
        case 0x88, 0x89: try writeRM(i, size: size, getReg(i.reg, size: size))
        case 0x8A, 0x8B: setReg(i.reg, size: size, try readRM(i, size: size))
        case 0x8C: try moveFromSegment(i)
        case 0x8D:
            guard !i.registerForm else { throw Fault.ud }
            setReg(i.reg, size: i.operandSize, effectiveAddress(i) & CPU.mask(i.operandSize))
        case 0x8E: try moveToSegment(i)
        case 0x8F:
            guard i.reg == 0 else { throw Fault.ud }
            try popRM(i)
        case 0x90: break
        case 0x91...0x97:
            let r = Int(i.opcode & 7), s = i.operandSize
            let v = getReg(r, size: s)
            setReg(r, size: s, getReg(Reg.eax, size: s))
            setReg(Reg.eax, size: s, v)
        case 0x98, 0x99: signExtendAccumulator(i)
        case 0x9A: try callFar(selector: i.immediate2, offset: i.immediate, size: i.operandSize)
        case 0x9B: try checkFPUAvailable(wait: true)
        case 0x9C: try pushFlags(size: i.operandSize)
        case 0x9D: try popFlags(size: i.operandSize)
        case 0x9E: flags.setStatus(LazyFlags.cf | LazyFlags.pf | LazyFlags.af | LazyFlags.zf | LazyFlags.sf, UInt32(get8(4)))
        case 0x9F: set8(4, UInt8(truncatingIfNeeded: eflags))
        case 0xA0...0xA3:
            let offset = i.address32 ? i.immediate : i.immediate & 0xFFFF
            if i.opcode < 0xA2 {
                setReg(Reg.eax, size: size, try readMemory(segment: Int(i.segment), offset: offset, size: size))
            } else {
                try writeMemory(segment: Int(i.segment), offset: offset, size: size, getReg(Reg.eax, size: size))
            }
        case 0xA8, 0xA9: test(getReg(Reg.eax, size: size), i.immediate & CPU.mask(size), size: size)
        case 0xB0...0xB7: set8(Int(i.opcode & 7), UInt8(truncatingIfNeeded: i.immediate))
        case 0xB8...0xBF: setReg(Int(i.opcode & 7), size: i.operandSize, i.immediate)
        case 0xC0, 0xC1, 0xD0...0xD3: try shiftGroup(i)
        case 0xC2, 0xC3: try returnNear(i)
        case 0xC4: try loadFarPointer(i, segment: SegmentIndex.es)
        case 0xC5: try loadFarPointer(i, segment: SegmentIndex.ds)
        case 0xC6, 0xC7:
            guard i.reg == 0 else { throw Fault.ud }
            try writeRM(i, size: size, i.immediate & CPU.mask(size))
        case 0xC8: try enter(i)
        case 0xC9: try leave(i)
        case 0xCA, 0xCB: try returnFar(i)
        case 0xCC: try deliverInterrupt(vector: Fault.breakpoint)
        case 0xCD: try deliverInterrupt(vector: UInt8(truncatingIfNeeded: i.immediate))
        case 0xCE: if flags.overflowFlag { try deliverInterrupt(vector: Fault.overflow) }
        case 0xCF: try interruptReturn(size: i.operandSize)
        case 0xD4: try asciiAdjustMultiply(base: UInt8(truncatingIfNeeded: i.immediate))
        case 0xD5: asciiAdjustDivide(base: UInt8(truncatingIfNeeded: i.immediate))
        case 0xD6: setALFromCarry()
        case 0xD7:
            let offset = (i.address32 ? get32(Reg.ebx) : UInt32(get16(Reg.ebx))) &+ UInt32(get8(Reg.eax))
            set8(Reg.eax, UInt8(truncatingIfNeeded: try readMemory(segment: Int(i.segment), offset: i.address32 ? offset : offset & 0xFFFF, size: 1)))
        case 0xD8...0xDF: try checkFPUAvailable(wait: false)
        case 0xE0...0xE3: try loop(i)
        case 0xE4...0xE7, 0xEC...0xEF: inputOutput(i)
        case 0xE8: try callNear(eip &+ i.immediate, size: i.operandSize)
        case 0xE9, 0xEB: try jumpRelative(i)
        case 0xEA: try jumpFar(selector: i.immediate2, offset: i.immediate, size: i.operandSize)
        case 0xF1: try deliverInterrupt(vector: Fault.debug)
        case 0xF4: halted = true
        case 0xF5: flags.setFlag(LazyFlags.cf, !flags.carryFlag)
        case 0xF6, 0xF7: try group3(i, size: size)
        case 0xF8, 0xF9: flags.setFlag(LazyFlags.cf, i.opcode == 0xF9)
        case 0xFA: flags.bits &= ~LazyFlags.intf
        case 0xFB:
            if flags.bits & LazyFlags.intf == 0 { interruptShadow = true }
            flags.bits |= LazyFlags.intf
        case 0xFC: flags.bits &= ~LazyFlags.df
        case 0xFD: flags.bits |= LazyFlags.df
        case 0xFE:
            guard i.reg < 2 else { throw Fault.ud }
            try incDecRM(i, size: 1)
        case 0xFF:
            switch i.reg {
            case 0, 1: try incDecRM(i, size: i.operandSize)
            case 2...5: try indirectBranch(i)
            case 6: try push(try readRM(i, size: i.operandSize), size: i.operandSize)
            default: throw Fault.ud
            }
        default:
            try executeTwoByte(i)
        }
    }

    /// Opcodes of the two-byte map (0F xx).
    func executeTwoByte(_ i: DecodedInstruction) throws(Fault) {
        let size = i.opcode & 1 == 0 ? 1 : i.operandSize
        switch i.opcode {
        case 0x100, 0x102, 0x103: throw Fault.ud // not recognised in real mode
        case 0x101: try group7(i)
        case 0x106: cr0 &= ~UInt32(8)
        case 0x108, 0x109, 0x10D, 0x118...0x11F: break
        case 0x120: try moveControlRegister(i, toControl: false)
        case 0x122: try moveControlRegister(i, toControl: true)
        case 0x121: moveDebugRegister(i, toDebug: false)
        case 0x123: moveDebugRegister(i, toDebug: true)
        case 0x130: try modelSpecificRegister(write: true)
        case 0x131:
            if cr4 & 4 != 0 && protectedMode { throw Fault.gp() }
            rdtsc()
        case 0x132: try modelSpecificRegister(write: false)
        case 0x140...0x14F: try conditionalMove(i)
        case 0x180...0x18F: if flags.condition(Int(i.opcode & 0xF)) { try jumpRelative(i) }
        case 0x190...0x19F: try setByteOnCondition(i)
        case 0x1A0, 0x1A8: try pushSegment(i.opcode == 0x1A0 ? SegmentIndex.fs : SegmentIndex.gs, size: i.operandSize)
        case 0x1A1, 0x1A9: try popSegment(i.opcode == 0x1A1 ? SegmentIndex.fs : SegmentIndex.gs, size: i.operandSize)
        case 0x1A2: cpuid()
        case 0x1A3: try bitTest(i, op: 4, offsetFromRegister: true)
        case 0x1AB: try bitTest(i, op: 5, offsetFromRegister: true)
        case 0x1B3: try bitTest(i, op: 6, offsetFromRegister: true)
        case 0x1BB: try bitTest(i, op: 7, offsetFromRegister: true)
        case 0x1BA:
            guard i.reg >= 4 else { throw Fault.ud }
            try bitTest(i, op: i.reg, offsetFromRegister: false)
        case 0x1A4, 0x1A5, 0x1AC, 0x1AD: try doubleShift(i)
        case 0x1AF: try imulTruncating(i, multiplier: nil)
        case 0x1B0, 0x1B1: try compareExchange(i, size: size)
        case 0x1B2: try loadFarPointer(i, segment: SegmentIndex.ss)
        case 0x1B4: try loadFarPointer(i, segment: SegmentIndex.fs)
        case 0x1B5: try loadFarPointer(i, segment: SegmentIndex.gs)
        case 0x1B6, 0x1B7, 0x1BE, 0x1BF: try moveExtend(i)
        case 0x1BC, 0x1BD: try bitScan(i, reverse: i.opcode == 0x1BD)
        case 0x1C0, 0x1C1: try exchangeAdd(i, size: size)
        case 0x1C8...0x1CF: bswap(i)
        default: throw Fault.ud
        }
    }

    /// Undefined opcodes raise #UD, instructions over 15 bytes #GP(0), and LOCK
    /// on anything but a read-modify-write of memory #UD (SDM Vol. 2, "LOCK").
    @inline(never) func checkPrefixes(_ i: DecodedInstruction) throws(Fault) {
        if i.prefixes & DecodedInstruction.tooLong != 0 { throw Fault.gp() }
        if i.prefixes & DecodedInstruction.invalid != 0 { throw Fault.ud }
        guard !i.registerForm else { throw Fault.ud }
        switch i.opcode {
        case 0x00...0x01, 0x08...0x09, 0x10...0x11, 0x18...0x19, 0x20...0x21, 0x28...0x29, 0x30...0x31,
             0x80...0x83, 0x86, 0x87, 0x1AB, 0x1B3, 0x1BB, 0x1B0, 0x1B1, 0x1C0, 0x1C1:
            return
        case 0xF6, 0xF7: if i.reg == 2 || i.reg == 3 { return }
        case 0xFE, 0xFF: if i.reg < 2 { return }
        case 0x1BA: if i.reg > 4 { return }
        default: break
        }
        throw Fault.ud
    }

    /// Group 3 (F6, F7): TEST, NOT, NEG, MUL, IMUL, DIV, IDIV.
    func group3(_ i: DecodedInstruction, size: Int) throws(Fault) {
        switch i.reg {
        case 0, 1: test(try readRM(i, size: size), i.immediate & CPU.mask(size), size: size)
        case 2: try modifyRM(i, size: size) { ~$0 & CPU.mask(size) }
        case 3: try modifyRM(i, size: size) { neg($0, size: size) }
        default: try multiplyDivide(i, size: size)
        }
    }

    /// BOUND (62): #BR when the signed index lies outside [lower, upper].
    func bound(_ i: DecodedInstruction) throws(Fault) {
        guard !i.registerForm else { throw Fault.ud }
        let size = i.operandSize
        let ea = effectiveAddress(i)
        let lower = CPU.signExtend(try readMemory(segment: Int(i.segment), offset: ea, size: size), size: size)
        let upperOffset = i.address32 ? ea &+ UInt32(size) : (ea &+ UInt32(size)) & 0xFFFF
        let upper = CPU.signExtend(try readMemory(segment: Int(i.segment), offset: upperOffset, size: size), size: size)
        let index = CPU.signExtend(getReg(i.reg, size: size), size: size)
        if index < lower || index > upper { throw Fault(Fault.boundRange) }
    }

    /// IRET in real mode: pop IP, CS and FLAGS (SDM Vol. 2, "IRET", real-address mode).
    func interruptReturn(size: Int) throws(Fault) {
        let offset = try peek(size: size)
        let selector = UInt16(truncatingIfNeeded: try peek(size: size, depth: UInt32(size)))
        let newFlags = try peek(size: size, depth: UInt32(2 * size))
        try loadCodeSegment(selector: selector, offset: size == 2 ? offset & 0xFFFF : offset)
        setStackPointer((stackPointer &+ UInt32(3 * size)) & stackMask())
        let writable: UInt32 = size == 2 ? 0x7FD5 : 0x0024_7FD5
        eflags = (eflags & ~writable) | (newFlags & writable)
    }

    /// ESC (D8-DF) and WAIT with no x87 present: #NM when CR0.EM or CR0.TS ask for
    /// emulation (WAIT: TS with MP), otherwise #UD. The x87 itself is issue 6.
    func checkFPUAvailable(wait: Bool) throws(Fault) {
        if wait {
            if cr0 & 0xA == 0xA { throw Fault(Fault.deviceNotAvailable) }
            return
        }
        if cr0 & 0xC != 0 { throw Fault(Fault.deviceNotAvailable) }
        throw Fault.ud
    }
}
