/// Hardware task switching (SDM Vol. 3 §7.3): JMP or CALL to a TSS descriptor
/// or task gate, an interrupt through a task gate, and IRET with NT set. The
/// outgoing task's state goes to its TSS, the incoming task's comes from its
/// own; busy bits, NT and the back link record the nesting.
extension CPU {
    enum TaskSwitchSource { case jump, call, interrupt, interruptReturn }

    /// Register layout of a 32-bit TSS (Figure 7-2) and a 16-bit one (Figure 7-11).
    private struct TSSLayout {
        let wide: Bool
        var word: Int { wide ? 4 : 2 }
        var ip: UInt64 { wide ? 0x20 : 0x0E }
        var flags: UInt64 { wide ? 0x24 : 0x10 }
        var registers: UInt64 { wide ? 0x28 : 0x12 }
        var segments: UInt64 { wide ? 0x48 : 0x22 }
        var segmentStride: UInt64 { wide ? 4 : 2 }
        var ldt: UInt64 { wide ? 0x60 : 0x2A }
        var minimumLimit: UInt32 { wide ? 0x67 : 0x2B }
    }

    /// Switches to the task whose TSS descriptor `selector` names. `errorCode`
    /// is pushed on the new task's stack for exceptions delivered through a task gate.
    func switchTask(to selector: UInt16, source: TaskSwitchSource, errorCode: UInt32? = nil) throws(Fault) {
        let code = UInt32(selector & 0xFFFC)
        if selector & 4 != 0 { throw Fault(Fault.invalidTSS, errorCode: code) }
        let d = try readDescriptor(selector)
        let busyType = d.type == Descriptor.SystemType.busyTSS16 || d.type == Descriptor.SystemType.busyTSS32
        let availableType = d.type == Descriptor.SystemType.availableTSS16 || d.type == Descriptor.SystemType.availableTSS32
        if d.isCodeOrData || !(source == .interruptReturn ? busyType : availableType) {
            throw Fault(source == .interruptReturn ? Fault.invalidTSS : Fault.generalProtection, errorCode: code)
        }
        guard d.present else { throw Fault(Fault.segmentNotPresent, errorCode: code) }
        let new = TSSLayout(wide: d.type & 8 != 0)
        if d.limit < new.minimumLimit { throw Fault(Fault.invalidTSS, errorCode: code) }
        let old = TSSLayout(wide: tr.attributes & 8 != 0)
        let newBase = d.base

        // Save the outgoing task (its EIP is the instruction after the switch).
        var outgoingFlags = eflags
        if source == .interruptReturn { outgoingFlags &= ~LazyFlags.nt }
        try writeSupervisor(tr.base &+ old.ip, size: old.word, rip)
        try writeSupervisor(tr.base &+ old.flags, size: old.word, UInt64(outgoingFlags))
        for r in 0..<8 {
            try writeSupervisor(tr.base &+ old.registers &+ UInt64(r * old.word), size: old.word, UInt64(get32(r)))
        }
        for s in 0..<(old.wide ? 6 : 4) {
            try writeSupervisor(tr.base &+ old.segments &+ UInt64(s) &* old.segmentStride, size: 2, UInt64(segments[s].selector))
        }
        if source == .jump || source == .interruptReturn {
            try setBusy(tr.selector, false)
        }

        // Read the incoming task.
        var newFlags = UInt32(truncatingIfNeeded: try readSupervisor(newBase &+ new.flags, size: new.word))
        if !new.wide { newFlags = (eflags & 0xFFFF_0000) | newFlags }
        let newIP = try readSupervisor(newBase &+ new.ip, size: new.word)
        var registers = [UInt32](repeating: 0, count: 8)
        for r in 0..<8 {
            registers[r] = UInt32(truncatingIfNeeded: try readSupervisor(newBase &+ new.registers &+ UInt64(r * new.word), size: new.word))
        }
        var selectors = [UInt16](repeating: 0, count: 6)
        for s in 0..<(new.wide ? 6 : 4) {
            selectors[s] = UInt16(truncatingIfNeeded: try readSupervisor(newBase &+ new.segments &+ UInt64(s) &* new.segmentStride, size: 2))
        }
        let ldtSelector = UInt16(truncatingIfNeeded: try readSupervisor(newBase &+ new.ldt, size: 2))
        let newCR3 = new.wide ? try readSupervisor(newBase &+ 0x1C, size: 4) : cr3
        // The T bit (bit 0 at offset 64H) exists in 32-bit TSSs only.
        let debugTrap = new.wide ? try readSupervisor(newBase &+ 0x64, size: 2) & 1 != 0 : false

        if source == .call || source == .interrupt {
            try writeSupervisor(newBase, size: 2, UInt64(tr.selector))
            newFlags |= LazyFlags.nt
        }
        if source != .interruptReturn { try setBusy(selector, true) }
        tr = Descriptor(low: d.low, high: d.high | 0x200).segment(selector: selector)
        cr0 |= 8

        // From here on, faults belong to the new task (SDM Vol. 3 §7.3, step 13).
        // A 32-bit TSS always reloads CR3 under paging, which flushes the
        // non-global TLB entries even when the value is the same (SDM Vol. 3 §7.3).
        if new.wide && cr0 & 0x8000_0000 != 0 {
            try memory.loadCR3(newCR3)
            cr3 = newCR3
        }
        eflags = newFlags | 2
        rip = new.wide ? newIP : newIP & 0xFFFF
        debugTaskSwitch(trap: debugTrap)
        for r in 0..<8 {
            if new.wide { set32(r, registers[r]) } else { set16(r, UInt16(truncatingIfNeeded: registers[r])) }
        }
        try loadTaskSegments(selectors, ldt: ldtSelector)
        if let errorCode { try push(UInt64(errorCode), size: new.word) }
    }

    private func setBusy(_ selector: UInt16, _ busy: Bool) throws(Fault) {
        let at = gdtr.base &+ UInt64(selector & 0xFFF8) &+ 4
        let high = try readSupervisor(at, size: 4)
        try writeSupervisor(at, size: 4, busy ? high | 0x200 : high & ~0x200)
    }

    /// Loads LDTR, CS, SS and the data segments of the new task, with #TS for
    /// what does not fit (SDM Vol. 3 §7.3, Table 7-1).
    private func loadTaskSegments(_ selectors: [UInt16], ldt: UInt16) throws(Fault) {
        if virtual8086Mode {
            ldtr = SegmentRegister(selector: ldt, base: 0, limit: 0, attributes: 0)
            for s in 0..<6 {
                segments[s] = SegmentRegister(selector: selectors[s], base: UInt64(selectors[s]) << 4, limit: 0xFFFF, attributes: 0xF3)
            }
            segments[SegmentIndex.cs].attributes = 0xFB
            cpl = 3
            return
        }
        let ldtCode = UInt32(ldt & 0xFFFC)
        if ldt & 0xFFFC == 0 {
            ldtr = SegmentRegister(selector: ldt, base: 0, limit: 0, attributes: 0)
        } else {
            if ldt & 4 != 0 { throw Fault(Fault.invalidTSS, errorCode: ldtCode) }
            let d = try readDescriptor(ldt, vector: Fault.invalidTSS)
            guard !d.isCodeOrData, d.type == Descriptor.SystemType.ldt else { throw Fault(Fault.invalidTSS, errorCode: ldtCode) }
            guard d.present else { throw Fault(Fault.invalidTSS, errorCode: ldtCode) }
            ldtr = d.segment(selector: ldt)
        }
        let cs = selectors[SegmentIndex.cs]
        let csCode = UInt32(cs & 0xFFFC)
        if cs & 0xFFFC == 0 { throw Fault(Fault.invalidTSS, errorCode: 0) }
        let code = try readDescriptor(cs, vector: Fault.invalidTSS)
        let level = Int(cs & 3)
        guard code.isCode else { throw Fault(Fault.invalidTSS, errorCode: csCode) }
        if code.conformingOrExpandDown ? code.dpl > level : code.dpl != level {
            throw Fault(Fault.invalidTSS, errorCode: csCode)
        }
        guard code.present else { throw Fault(Fault.segmentNotPresent, errorCode: csCode) }
        try markAccessed(cs, code)
        segments[SegmentIndex.cs] = codeSegmentCache(code, selector: cs)
        cpl = level
        do throws(Fault) {
            try loadStackSegment(selectors[SegmentIndex.ss], cpl: level)
            for s in [SegmentIndex.es, SegmentIndex.ds, SegmentIndex.fs, SegmentIndex.gs] {
                try loadDataSegment(s, selector: selectors[s])
            }
        } catch {
            // Segment checks during a task switch report #TS, except not-present ones (#NP / #SS).
            if error.vector == Fault.generalProtection { throw Fault(Fault.invalidTSS, errorCode: error.errorCode) }
            throw error
        }
    }
}
