/// The operations that hot loops rarely execute, one case per `Operation`
/// (resolved from the opcode at decode time), delegating to the family files in
/// Execute/. The frequent ones are switched on in the run loop itself
/// (Interpreter.swift), so that no call stands between fetch and execute.
extension CPU {
    @inline(never) func executeUncommon(_ i: DecodedInstruction, size: Int) throws(Fault) {
        switch i.operation {
        case .pushSegment: try pushSegment(Int(i.opcode >> 3), size: i.operandSize)
        case .popSegment: try popSegment(Int(i.opcode >> 3), size: i.operandSize)
        case .pushFSGS: try pushSegment(i.opcode == 0x1A0 ? SegmentIndex.fs : SegmentIndex.gs, size: i.operandSize)
        case .popFSGS: try popSegment(i.opcode == 0x1A1 ? SegmentIndex.fs : SegmentIndex.gs, size: i.operandSize)
        case .pushAll: try pushAll(size: i.operandSize)
        case .popAll: try popAll(size: i.operandSize)
        case .popRM:
            guard i.regField == 0 else { throw Fault.ud }
            try popRM(i)
        case .pushFlags: try pushFlagsChecked(size: i.operandSize)
        case .popFlags: try popFlagsChecked(size: i.operandSize)
        case .decimalAdjust: decimalAdjust(i.opcode)
        case .asciiAdjustMultiply: try asciiAdjustMultiply(base: UInt8(truncatingIfNeeded: i.immediate))
        case .asciiAdjustDivide: asciiAdjustDivide(base: UInt8(truncatingIfNeeded: i.immediate))
        case .setALFromCarry: setALFromCarry()
        case .bound: try bound(i)
        case .jumpFarImmediate: try jumpFar(selector: i.immediate2, offset: i.immediate, size: i.operandSize)
        case .callFarImmediate: try callFar(selector: i.immediate2, offset: i.immediate, size: i.operandSize)
        case .returnFar: try returnFar(i)
        case .interrupt3:
            try deliverInterrupt(vector: Fault.breakpoint, software: true)
            discardDebugTraps()
        case .interrupt:
            try softwareInterrupt(UInt8(truncatingIfNeeded: i.immediate))
            discardDebugTraps()
        case .interruptOnOverflow:
            if flags.overflowFlag {
                try deliverInterrupt(vector: Fault.overflow, software: true)
                discardDebugTraps()
            }
        case .interrupt1:
            try deliverInterrupt(vector: Fault.debug)
            discardDebugTraps()
        case .interruptReturn:
            try interruptReturnChecked(size: i.operandSize)
            nmiBlocked = false
        case .moveFromSegment: try moveFromSegment(i)
        case .moveToSegment: try moveToSegment(i)
        case .moveOffset:
            let offset = i.immediate & i.addressMask
            if i.opcode < 0xA2 {
                setReg(Reg.eax, size: size, try readMemory(segment: Int(i.segment), offset: offset, size: size))
            } else {
                try writeMemory(segment: Int(i.segment), offset: offset, size: size, getReg(Reg.eax, size: size))
            }
        case .loadFarPointer:
            let segment: Int
            switch i.opcode {
            case 0xC4: segment = SegmentIndex.es
            case 0xC5: segment = SegmentIndex.ds
            case 0x1B2: segment = SegmentIndex.ss
            case 0x1B4: segment = SegmentIndex.fs
            default: segment = SegmentIndex.gs
            }
            try loadFarPointer(i, segment: segment)
        case .wait: try wait()
        case .storeAHIntoFlags:
            flags.setStatus(LazyFlags.cf | LazyFlags.pf | LazyFlags.af | LazyFlags.zf | LazyFlags.sf, UInt32(get8(4)))
        case .loadAHFromFlags: set8(4, UInt8(truncatingIfNeeded: eflags))
        case .translate:
            let offset = (get64(Reg.ebx) &+ UInt64(get8(Reg.eax))) & i.addressMask
            set8(Reg.eax, UInt8(truncatingIfNeeded: try readMemory(segment: Int(i.segment), offset: offset, size: 1)))
        case .doubleShift: try doubleShift(i)
        case .inputOutput: try inputOutput(i)
        case .cacheControl: try requirePrivilegeLevel0()
        case .halt:
            try requirePrivilegeLevel0()
            halted = true
            stopRequested = true
        case .complementCarry: flags.setFlag(LazyFlags.cf, !flags.carryFlag)
        case .clearOrSetCarry: flags.setFlag(LazyFlags.cf, i.opcode == 0xF9)
        case .clearInterrupt: try clearInterruptFlag()
        case .setInterrupt: try setInterruptFlag()
        case .clearDirection: flags.bits &= ~LazyFlags.df
        case .setDirection: flags.bits |= LazyFlags.df
        case .group6: try group6(i)
        case .loadAccessRights: try loadAccessRights(i)
        case .loadSegmentLimit: try loadSegmentLimit(i)
        case .adjustRPL: try adjustRPL(i)
        case .group7: try group7(i)
        case .clearTaskSwitched:
            try requirePrivilegeLevel0()
            cr0 &= ~UInt32(8)
        case .moveFromControl, .moveToControl:
            try requirePrivilegeLevel0()
            try moveControlRegister(i, toControl: i.operation == .moveToControl)
        case .moveFromDebug, .moveToDebug:
            try requirePrivilegeLevel0()
            try moveDebugRegister(i, toDebug: i.operation == .moveToDebug)
        case .writeMSR, .readMSR:
            try requirePrivilegeLevel0()
            try modelSpecificRegister(write: i.operation == .writeMSR)
        case .readTimeStamp: try readTimeStamp()
        case .cpuid: cpuid()
        case .systemEnter: try systemEnter()
        case .systemExit: try systemExit(i)
        case .bitScan: try bitScan(i, reverse: i.opcode == 0x1BD)
        case .compareExchange: try compareExchange(i, size: size)
        case .exchangeAdd: try exchangeAdd(i, size: size)
        case .byteSwap: bswap(i)
        case .moveSignExtend32: try moveSignExtend32(i)
        case .systemCall: try systemCall()
        case .systemReturn: try systemReturn(i)
        case .group9: try group9(i)
        case .undefined: throw Fault.ud

        default: break // handled in the run loop
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
             0x86, 0x87, 0x1AB, 0x1B3, 0x1BB, 0x1B0, 0x1B1, 0x1C0, 0x1C1:
            return
        case 0x80...0x83: if i.regField != 7 { return } // CMP writes nothing to lock
        case 0xF6, 0xF7: if i.regField == 2 || i.regField == 3 { return }
        case 0xFE, 0xFF: if i.regField < 2 { return }
        case 0x1BA: if i.regField > 4 { return }
        case 0x1C7: if i.regField == 1 { return }
        default: break
        }
        throw Fault.ud
    }

    /// Group 3 (F6, F7): TEST, NOT, NEG, MUL, IMUL, DIV, IDIV.
    func group3(_ i: DecodedInstruction, size: Int) throws(Fault) {
        switch i.regField {
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
        // The bounds are one operand: the upper one does not wrap to offset 0.
        let upperOffset = ea &+ UInt64(size)
        let upper = CPU.signExtend(try readMemory(segment: Int(i.segment), offset: upperOffset, size: size), size: size)
        let index = CPU.signExtend(getReg(i.reg, size: size), size: size)
        if index < lower || index > upper { throw Fault(Fault.boundRange) }
    }

    /// IRET in real mode: pop IP, CS and FLAGS (SDM Vol. 2, "IRET", real-address mode).
    func interruptReturn(size: Int) throws(Fault) {
        if selectorMode { try protectedModeInterruptReturn(size: size); return }
        let offset = try peek(size: size)
        let selector = UInt16(truncatingIfNeeded: try peek(size: size, depth: UInt64(size)))
        let newFlags = try peek(size: size, depth: UInt64(2 * size))
        try loadCodeSegment(selector: selector, offset: size == 2 ? offset & 0xFFFF : offset)
        setStackPointer((stackPointer &+ UInt64(3 * size)) & stackMask())
        // IRETD loads RF too: EFLAGS ← (temp AND 257FD5H) OR (EFLAGS AND 1A0000H).
        loadFlagsAtPrivilege(UInt32(truncatingIfNeeded: newFlags), size: size, privilege: cpl, allowRF: true)
    }
}
