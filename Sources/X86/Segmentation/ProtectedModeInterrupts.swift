/// Interrupts, exceptions and IRET in protected mode (SDM Vol. 3 §6.10-6.14;
/// Vol. 2 "INT n", "IRET"): IDT interrupt and trap gates, the stack switch to
/// the handler's privilege level through the TSS, error codes, and the return.
extension CPU {
    /// Delivers `vector` through its IDT gate. Errors while doing so carry the
    /// IDT entry as error code (index × 8 + 2, plus EXT unless `software`).
    func deliverProtectedModeInterrupt(vector: UInt8, errorCode: UInt32?, software: Bool) throws(Fault) {
        let ext: UInt32 = software ? 0 : 1
        let entry = UInt32(vector) &* 8
        let idtCode = entry | 2 | ext
        if entry &+ 7 > UInt32(idtr.limit) { throw Fault.gp(idtCode) }
        let gate = Descriptor(low: UInt32(truncatingIfNeeded: try readSupervisor(idtr.base &+ UInt64(entry), size: 4)),
                              high: UInt32(truncatingIfNeeded: try readSupervisor(idtr.base &+ UInt64(entry) &+ 4, size: 4)))
        let size: Int // of the pushes; 0 marks a task gate
        switch gate.type {
        case Descriptor.SystemType.interruptGate16, Descriptor.SystemType.trapGate16: size = 2
        case Descriptor.SystemType.interruptGate32, Descriptor.SystemType.trapGate32: size = 4
        case Descriptor.SystemType.taskGate: size = 0
        default: throw Fault.gp(idtCode)
        }
        if gate.isCodeOrData { throw Fault.gp(idtCode) }
        if software && gate.dpl < cpl { throw Fault.gp(idtCode) }
        guard gate.present else { throw Fault(Fault.segmentNotPresent, errorCode: idtCode) }
        if size == 0 {
            try switchTask(to: gate.gateSelector, source: .interrupt, errorCode: errorCode)
            return
        }
        let target = gate.gateSelector
        if target & 0xFFFC == 0 { throw Fault.gp(ext) }
        let targetCode = UInt32(target & 0xFFFC) | ext
        let d = try readDescriptor(target)
        guard d.isCode, d.dpl <= cpl else { throw Fault.gp(targetCode) }
        // From virtual-8086 mode only a ring-0, non-conforming handler will do.
        if virtual8086Mode && (d.dpl != 0 || d.conformingOrExpandDown) { throw Fault.gp(targetCode) }
        guard d.present else { throw Fault(Fault.segmentNotPresent, errorCode: targetCode) }
        let offset = size == 2 ? gate.gateOffset & 0xFFFF : gate.gateOffset
        if offset > UInt64(d.limit) { throw Fault.gp(ext) }

        let returnFlags = UInt64(eflags), returnCS = UInt64(segments[SegmentIndex.cs].selector), returnIP = rip
        let oldSS = segments[SegmentIndex.ss], oldSP = stackPointer, oldCPL = cpl
        let fromVirtual8086 = virtual8086Mode
        let level = d.conformingOrExpandDown ? cpl : d.dpl
        do throws(Fault) {
            if level < cpl {
                let (newSS, newSP) = try innerStack(level: level)
                try switchToInnerStack(newSS, newSP, level: level)
                if fromVirtual8086 {
                    // The 8086 segment registers go on the ring-0 stack (SDM Vol. 3 Figure 20-5).
                    for s in [SegmentIndex.gs, SegmentIndex.fs, SegmentIndex.ds, SegmentIndex.es] {
                        try push(UInt64(segments[s].selector), size: size)
                    }
                }
                try push(UInt64(oldSS.selector), size: size)
                try push(oldSP, size: size)
            }
            try push(returnFlags, size: size)
            try push(returnCS, size: size)
            try push(returnIP, size: size)
            if let errorCode { try push(UInt64(errorCode), size: size) }
            try loadCodeSegment(target, d, offset: offset, level: level)
        } catch {
            segments[SegmentIndex.ss] = oldSS
            setStackPointer(oldSP)
            cpl = oldCPL
            throw error
        }
        if fromVirtual8086 {
            for s in [SegmentIndex.gs, SegmentIndex.fs, SegmentIndex.ds, SegmentIndex.es] {
                segments[s] = SegmentRegister(selector: 0, base: 0, limit: 0, attributes: 0)
            }
        }
        var cleared = LazyFlags.tf | LazyFlags.nt | LazyFlags.rf | LazyFlags.vm
        if gate.type & 1 == 0 { cleared |= LazyFlags.intf }
        flags.bits &= ~cleared
    }

    /// IRET in protected mode, to the same or an outer privilege level. In
    /// IA-32e mode there are no task returns (NT set is #GP(0)), and from
    /// 64-bit mode IRET always pops SS:RSP too (SDM Vol. 2 "IRET", IA-32e mode).
    func protectedModeInterruptReturn(size: Int) throws(Fault) {
        // NT: return to the task that called or interrupted this one.
        if flags.bits & LazyFlags.nt != 0 {
            if longMode { throw Fault.gp() }
            try switchTask(to: UInt16(truncatingIfNeeded: try readSupervisor(tr.base, size: 2)), source: .interruptReturn)
            return
        }
        let offset = try peek(size: size)
        let selector = UInt16(truncatingIfNeeded: try peek(size: size, depth: UInt64(size)))
        let newFlags = UInt32(truncatingIfNeeded: try peek(size: size, depth: UInt64(2 * size)))
        if size == 4 && newFlags & LazyFlags.vm != 0 && cpl == 0 && !longMode {
            try returnToVirtual8086(ip: offset, cs: selector, flags: newFlags)
            return
        }
        let d = try checkReturnCodeSegment(selector)
        let target = offset & CPU.mask(size)
        let oldCPL = cpl
        if Int(selector & 3) == cpl && !mode64 {
            try loadCodeSegment(selector, d, offset: target, level: cpl)
            setStackPointer((stackPointer &+ UInt64(3 * size)) & stackMask())
        } else {
            let newSP = try returnToOuterLevel(selector, d, offset: target, size: size, depth: UInt64(3 * size))
            setStackPointer(size == 2 ? (stackPointer & ~0xFFFF) | (newSP & 0xFFFF) : newSP)
        }
        loadFlagsAtPrivilege(newFlags, size: size, privilege: oldCPL, allowRF: true)
        if cpl != oldCPL { invalidateDataSegmentsForOuterLevel() }
    }

    /// EFLAGS from POPF or IRET (SDM Vol. 2 "IRET", "POPF"): the status flags,
    /// TF, DF, NT, AC and ID always (RF for IRET only); IOPL only at CPL 0; IF only
    /// when CPL <= IOPL (real mode runs at CPL 0); VM, VIP and VIF are left alone
    /// here; a 16-bit form changes the low half only.
    func loadFlagsAtPrivilege(_ value: UInt32, size: Int, privilege: Int, allowRF: Bool) {
        var writable: UInt32 = 0x48D5 | LazyFlags.tf | LazyFlags.df | LazyFlags.ac | LazyFlags.id
        if allowRF { writable |= LazyFlags.rf }
        if privilege == 0 { writable |= LazyFlags.iopl }
        if privilege <= Int(flags.bits >> 12) & 3 { writable |= LazyFlags.intf }
        if size == 2 { writable &= 0xFFFF }
        eflags = (eflags & ~writable) | (value & writable)
    }

    /// IRETD at CPL 0 to an image with VM set: the frame continues with ESP, SS,
    /// ES, DS, FS and GS, all loaded as 8086 segments (SDM Vol. 2 IRET, "RETURN-TO-VIRTUAL-8086-MODE").
    func returnToVirtual8086(ip: UInt64, cs: UInt16, flags newFlags: UInt32) throws(Fault) {
        var values = [UInt64](repeating: 0, count: 6)
        for k in 0..<6 { values[k] = try peek(size: 4, depth: UInt64(12 + 4 * k)) }
        eflags = newFlags | 2
        cpl = 3
        let selectors = [values[2], values[1], values[3], values[4], values[5]].map { UInt16(truncatingIfNeeded: $0) }
        for (s, selector) in zip([SegmentIndex.es, SegmentIndex.ss, SegmentIndex.ds, SegmentIndex.fs, SegmentIndex.gs], selectors) {
            segments[s] = SegmentRegister(selector: selector, base: UInt64(selector) << 4, limit: 0xFFFF, attributes: 0xF3)
        }
        segments[SegmentIndex.cs] = SegmentRegister(selector: cs, base: UInt64(cs) << 4, limit: 0xFFFF, attributes: 0xFB)
        set32(Reg.esp, UInt32(truncatingIfNeeded: values[0]))
        rip = ip & 0xFFFF
    }
}
