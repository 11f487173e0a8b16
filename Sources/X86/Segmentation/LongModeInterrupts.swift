/// Interrupt and exception delivery in IA-32e mode (SDM Vol. 3 §6.14): 16-byte
/// IDT gates that must be 64-bit interrupt or trap gates naming 64-bit code,
/// the stack from the 64-bit TSS (RSP0-2 for a change of privilege, or one of
/// IST1-7 whenever the gate names it), RSP aligned down to 16 bytes, and a frame
/// of 8-byte SS, RSP, RFLAGS, CS, RIP and error code pushed unconditionally.
extension CPU {
    /// 64-bit TSS offsets (SDM Vol. 3 §8.7, Figure 8-11): RSPn at 4 + 8n, ISTn at 0x1C + 8n.
    func longModeStack(level: Int, interruptStackTable ist: Int) throws(Fault) -> UInt64 {
        let offset = UInt64(ist != 0 ? 0x1C + 8 * ist : 4 + 8 * level)
        if offset &+ 7 > UInt64(tr.limit) { throw Fault(Fault.invalidTSS, errorCode: UInt32(tr.selector & 0xFFFC)) }
        return try readSupervisor(tr.base &+ offset, size: 8)
    }

    func deliverLongModeInterrupt(vector: UInt8, errorCode: UInt32?, software: Bool) throws(Fault) {
        let ext: UInt32 = software ? 0 : 1
        let entry = UInt64(vector) &* 16
        let idtCode = UInt32(vector) &* 8 | 2 | ext
        if entry &+ 15 > UInt64(idtr.limit) { throw Fault.gp(idtCode) }
        let gate = Descriptor(low: UInt32(truncatingIfNeeded: try readSupervisor(idtr.base &+ entry, size: 4)),
                              high: UInt32(truncatingIfNeeded: try readSupervisor(idtr.base &+ entry &+ 4, size: 4)),
                              upper: try readSupervisor(idtr.base &+ entry &+ 8, size: 8))
        let interruptGate = gate.type == Descriptor.SystemType.interruptGate32
        guard !gate.isCodeOrData, interruptGate || gate.type == Descriptor.SystemType.trapGate32 else {
            throw Fault.gp(idtCode)
        }
        if software && gate.dpl < cpl { throw Fault.gp(idtCode) }
        guard gate.present else { throw Fault(Fault.segmentNotPresent, errorCode: idtCode) }
        let target = gate.gateSelector
        if target & 0xFFFC == 0 { throw Fault.gp(ext) }
        let targetCode = UInt32(target & 0xFFFC) | ext
        let d = try readDescriptor(target)
        guard d.isCode, d.long, !d.big, d.dpl <= cpl else { throw Fault.gp(targetCode) }
        guard d.present else { throw Fault(Fault.segmentNotPresent, errorCode: targetCode) }
        let offset = gate.gateOffset
        if !CPU.isCanonical(offset) { throw Fault.gp(ext) }

        let returnFlags = UInt64(eflags), returnCS = UInt64(segments[SegmentIndex.cs].selector), returnIP = rip
        let oldSS = segments[SegmentIndex.ss].selector, oldRSP = get64(Reg.esp)
        let level = d.conformingOrExpandDown ? cpl : d.dpl
        let ist = gate.interruptStackTable
        var newRSP = oldRSP
        if level < cpl || ist != 0 { newRSP = try longModeStack(level: level, interruptStackTable: ist) }
        if !CPU.isCanonical(newRSP) { throw Fault.ss(ext) }
        // The frame is built with 64-bit pushes whatever mode was interrupted.
        try enterWithLongModeFrame(target, d, offset: offset, level: level, rsp: newRSP & ~15) { () throws(Fault) in
            try push(UInt64(oldSS), size: 8)
            try push(oldRSP, size: 8)
            try push(returnFlags, size: 8)
            try push(returnCS, size: 8)
            try push(returnIP, size: 8)
            if let errorCode { try push(UInt64(errorCode), size: 8) }
        }
        var cleared = LazyFlags.tf | LazyFlags.nt | LazyFlags.rf | LazyFlags.vm
        if interruptGate { cleared |= LazyFlags.intf }
        flags.bits &= ~cleared
    }

    /// Loads CS:RIP from `d` at `offset` with CPL `level`, switches to the stack
    /// `rsp` (SS becomes a null selector of the new RPL when the level changes),
    /// then makes the frame's pushes. When one faults, CS:RIP, SS:RSP and the
    /// CPL go back to what they were: the fault belongs to the old context.
    func enterWithLongModeFrame(_ target: UInt16, _ d: Descriptor, offset: UInt64, level: Int, rsp: UInt64,
                                pushes: () throws(Fault) -> Void) throws(Fault) {
        let oldCS = segments[SegmentIndex.cs], oldRIP = rip
        let oldSS = segments[SegmentIndex.ss], oldRSP = get64(Reg.esp), oldCPL = cpl
        do throws(Fault) {
            if level < cpl {
                segments[SegmentIndex.ss] = SegmentRegister(selector: UInt16(level), base: 0, limit: 0, attributes: 0)
            }
            try loadCodeSegment(target, d, offset: offset, level: level)
            set64(Reg.esp, rsp)
            try pushes()
        } catch {
            segments[SegmentIndex.cs] = oldCS
            rip = oldRIP
            segments[SegmentIndex.ss] = oldSS
            set64(Reg.esp, oldRSP)
            cpl = oldCPL
            throw error
        }
    }
}
