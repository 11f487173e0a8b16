/// Stack instructions (SDM Vol. 1 §6.2, §7.3.1.5): PUSH/POP of registers,
/// segment registers, immediates and memory, PUSHA/POPA, PUSHF/POPF, ENTER/LEAVE.
extension CPU {
    /// POP r/m (8F /0): ESP is incremented before the destination address is
    /// computed (SDM Vol. 2, "POP"), and restored if the store faults.
    func popRM(_ i: DecodedInstruction) throws(Fault) {
        let size = i.operandSize
        let sp = stackPointer
        let v = try pop(size: size)
        do throws(Fault) {
            try writeRM(i, size: size, v)
        } catch {
            setStackPointer(sp)
            throw error
        }
    }

    func pushAll(size: Int) throws(Fault) {
        let sp = stackPointer
        // Each push wraps around the stack segment on its own; check them all first.
        for k in 1...8 {
            _ = try linear(segment: SegmentIndex.ss, offset: (sp &- UInt64(k * size)) & stackMask(), size: size)
        }
        for r in 0..<8 {
            try push(r == Reg.esp ? sp : getReg(r, size: size), size: size)
        }
    }

    func popAll(size: Int) throws(Fault) {
        let sp = stackPointer
        for k in 0..<8 {
            _ = try linear(segment: SegmentIndex.ss, offset: (sp &+ UInt64(k * size)) & stackMask(), size: size)
        }
        for r in (0..<8).reversed() {
            let v = try pop(size: size)
            if r != Reg.esp { setReg(r, size: size, v) }
        }
    }

    /// PUSHF: the image has VM and RF clear (SDM Vol. 2, "PUSHF").
    func pushFlags(size: Int) throws(Fault) {
        try push(UInt64(eflags & 0x00FC_FFFF), size: size)
    }

    /// POPF: what it may change depends on CPL and IOPL (`loadFlagsAtPrivilege`).
    func popFlags(size: Int) throws(Fault) {
        let v = try pop(size: size)
        loadFlagsAtPrivilege(UInt32(truncatingIfNeeded: v), size: size, privilege: cpl, allowRF: false)
    }

    /// ENTER imm16, imm8 (C8): creates a stack frame with `level` nested frame pointers.
    func enter(_ i: DecodedInstruction) throws(Fault) {
        let size = i.operandSize
        let allocation = i.immediate & 0xFFFF
        let level = Int(i.immediate2 & 31)
        let spBefore = stackPointer
        let bpBefore = get64(Reg.ebp)
        do throws(Fault) {
            try push(getReg(Reg.ebp, size: size), size: size)
            let frame = stackPointer
            if level > 0 {
                var bp = bpBefore & stackMask()
                for _ in 1..<level {
                    bp = (bp &- UInt64(size)) & stackMask()
                    try push(try readMemory(segment: SegmentIndex.ss, offset: bp, size: size), size: size)
                }
                try push(frame, size: size)
            }
            let newSP = (stackPointer &- allocation) & stackMask()
            _ = try linear(segment: SegmentIndex.ss, offset: newSP, size: 1)
            setReg(Reg.ebp, size: size, frame)
            setStackPointer(newSP)
        } catch {
            setStackPointer(spBefore)
            set64(Reg.ebp, bpBefore)
            throw error
        }
    }

    /// LEAVE (C9): (E)SP = (E)BP, then pop (E)BP.
    func leave(_ i: DecodedInstruction) throws(Fault) {
        let size = i.operandSize
        let sp = stackPointer
        setStackPointer(get64(Reg.ebp) & stackMask())
        do throws(Fault) {
            setReg(Reg.ebp, size: size, try pop(size: size))
        } catch {
            setStackPointer(sp)
            throw error
        }
    }
}
