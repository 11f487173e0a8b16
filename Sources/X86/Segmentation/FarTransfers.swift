/// Far JMP, CALL and RET in protected mode (SDM Vol. 2 "JMP", "CALL", "RET";
/// Vol. 3 §5.8): direct transfers to conforming and non-conforming code
/// segments, call gates (with a stack switch and parameter copy when a CALL goes
/// to an inner privilege level), and returns to the same or an outer level. In
/// IA-32e mode a code segment with L = 1 is 64-bit code, call gates are the
/// 64-bit ones of LongModeCallGates.swift, and there are no task switches.
extension CPU {
    /// The privilege checks of a direct far JMP or CALL to a code segment.
    func checkDirectCodeSegment(_ selector: UInt16, _ d: Descriptor) throws(Fault) {
        let code = UInt32(selector & 0xFFFC)
        guard d.isCode else { throw Fault.gp(code) }
        if d.conformingOrExpandDown {
            if d.dpl > cpl { throw Fault.gp(code) }
        } else if Int(selector & 3) > cpl || d.dpl != cpl {
            throw Fault.gp(code)
        }
        guard d.present else { throw Fault(Fault.segmentNotPresent, errorCode: code) }
    }

    /// #GP(0) unless `offset` may be jumped to in `d`: within the limit, or
    /// canonical for 64-bit code, which ignores the limit (L and D both set is
    /// reserved: #GP with the selector).
    func checkCodeOffset(_ selector: UInt16, _ d: Descriptor, offset: UInt64) throws(Fault) {
        if longMode && d.long {
            if d.big { throw Fault.gp(UInt32(selector & 0xFFFC)) }
            if !CPU.isCanonical(offset) { throw Fault.gp() }
        } else if offset > UInt64(d.limit) {
            throw Fault.gp()
        }
    }

    /// Loads CS from a checked descriptor at privilege level `level` (the RPL
    /// of the loaded selector becomes the CPL) and jumps to `offset`.
    func loadCodeSegment(_ selector: UInt16, _ d: Descriptor, offset: UInt64, level: Int) throws(Fault) {
        try checkCodeOffset(selector, d, offset: offset)
        try markAccessed(selector, d)
        segments[SegmentIndex.cs] = codeSegmentCache(d, selector: (selector & 0xFFFC) | UInt16(level))
        cpl = level
        rip = offset
    }

    /// The CS cache a code descriptor loads, accessed. CS caches L only in
    /// IA-32e mode, so that the bit alone marks 64-bit mode (`CPU.mode64`).
    func codeSegmentCache(_ d: Descriptor, selector: UInt16) -> SegmentRegister {
        var cs = d.segment(selector: selector)
        cs.attributes |= 1
        if !longMode { cs.attributes &= ~SegmentRegister.longBit }
        return cs
    }

    /// A call gate's target (SDM Vol. 3 §5.8.4): the gate's DPL must admit both
    /// the CPL and the selector's RPL, and the gate must be present; it must name
    /// a present code segment whose DPL is not above the CPL (a JMP through a
    /// gate may not change privilege at all).
    func callGateTarget(_ selector: UInt16, _ gate: Descriptor, forCall: Bool) throws(Fault) -> (UInt16, Descriptor, UInt64) {
        let code = UInt32(selector & 0xFFFC)
        if gate.dpl < cpl || gate.dpl < Int(selector & 3) { throw Fault.gp(code) }
        guard gate.present else { throw Fault(Fault.segmentNotPresent, errorCode: code) }
        let target = gate.gateSelector
        if target & 0xFFFC == 0 { throw Fault.gp() }
        let d = try readDescriptor(target)
        let targetCode = UInt32(target & 0xFFFC)
        guard d.isCode, d.dpl <= cpl else { throw Fault.gp(targetCode) }
        // A JMP through a gate cannot change privilege.
        if !forCall && !d.conformingOrExpandDown && d.dpl != cpl { throw Fault.gp(targetCode) }
        guard d.present else { throw Fault(Fault.segmentNotPresent, errorCode: targetCode) }
        let offset = gate.type == Descriptor.SystemType.callGate16 ? gate.gateOffset & 0xFFFF : gate.gateOffset
        return (target, d, offset)
    }

    func protectedJumpFar(selector: UInt16, offset: UInt64) throws(Fault) {
        if selector & 0xFFFC == 0 { throw Fault.gp() }
        let d = try readDescriptor(selector)
        if d.isCodeOrData {
            try checkDirectCodeSegment(selector, d)
            try loadCodeSegment(selector, d, offset: offset, level: cpl)
            return
        }
        if longMode {
            try transferThroughLongModeGate(selector, d, call: nil)
            return
        }
        switch d.type {
        case Descriptor.SystemType.callGate16, Descriptor.SystemType.callGate32:
            let (target, code, targetOffset) = try callGateTarget(selector, d, forCall: false)
            try loadCodeSegment(target, code, offset: targetOffset, level: cpl)
        default:
            try jumpOrCallToTask(selector, d, source: .jump)
        }
    }

    /// JMP or CALL to a TSS descriptor or through a task gate: both must admit
    /// the CPL and the RPL (SDM Vol. 3 §7.3).
    func jumpOrCallToTask(_ selector: UInt16, _ d: Descriptor, source: TaskSwitchSource) throws(Fault) {
        let code = UInt32(selector & 0xFFFC)
        let tss = d.type == Descriptor.SystemType.availableTSS16 || d.type == Descriptor.SystemType.availableTSS32
            || d.type == Descriptor.SystemType.busyTSS16 || d.type == Descriptor.SystemType.busyTSS32
        guard tss || d.type == Descriptor.SystemType.taskGate else { throw Fault.gp(code) }
        if d.dpl < cpl || d.dpl < Int(selector & 3) { throw Fault.gp(code) }
        guard d.present else { throw Fault(Fault.segmentNotPresent, errorCode: code) }
        try switchTask(to: tss ? selector : d.gateSelector, source: source)
    }

    func protectedCallFar(selector: UInt16, offset: UInt64, size: Int) throws(Fault) {
        if selector & 0xFFFC == 0 { throw Fault.gp() }
        let d = try readDescriptor(selector)
        let returnCS = UInt64(segments[SegmentIndex.cs].selector), returnIP = rip
        if d.isCodeOrData {
            try checkDirectCodeSegment(selector, d)
            try checkCodeOffset(selector, d, offset: offset)
            try pushPair(returnCS, returnIP, size: size)
            try loadCodeSegment(selector, d, offset: offset, level: cpl)
            return
        }
        if longMode {
            try transferThroughLongModeGate(selector, d, call: (returnCS, returnIP))
            return
        }
        switch d.type {
        case Descriptor.SystemType.callGate16, Descriptor.SystemType.callGate32:
            let (target, code, targetOffset) = try callGateTarget(selector, d, forCall: true)
            let gateSize = d.type == Descriptor.SystemType.callGate16 ? 2 : 4
            if targetOffset > UInt64(code.limit) { throw Fault.gp() }
            if !code.conformingOrExpandDown && code.dpl < cpl {
                try callThroughGateToInnerLevel(target, code, offset: targetOffset, gate: d, size: gateSize,
                                                returnCS: returnCS, returnIP: returnIP)
            } else {
                try pushPair(returnCS, returnIP, size: gateSize)
                try loadCodeSegment(target, code, offset: targetOffset, level: cpl)
            }
        default:
            try jumpOrCallToTask(selector, d, source: .call)
        }
    }

    /// Pushes CS then EIP, both checked before either is written.
    func pushPair(_ first: UInt64, _ second: UInt64, size: Int) throws(Fault) {
        let sp = stackPointer
        for k in 1...2 {
            _ = try linear(segment: SegmentIndex.ss, offset: (sp &- UInt64(k * size)) & stackMask(), size: size)
        }
        try push(first, size: size)
        try push(second, size: size)
    }

    /// The inner-level stack for privilege level `level` from the current TSS
    /// (SDM Vol. 3 §7.2.1: SSn:ESPn at 8n+8 and 8n+4, or SPn/SSn at 4n+2/4n+4 in a
    /// 16-bit TSS). A TSS too short for them raises #TS(TSS selector).
    func innerStack(level: Int) throws(Fault) -> (UInt16, UInt64) {
        let tss32 = tr.attributes & 0x8 != 0
        let offset = UInt64(tss32 ? 8 * level + 4 : 4 * level + 2)
        let size = tss32 ? 4 : 2
        if offset &+ UInt64(size + 1) > UInt64(tr.limit) { throw Fault(Fault.invalidTSS, errorCode: UInt32(tr.selector & 0xFFFC)) }
        let sp = try readSupervisor(tr.base &+ offset, size: size)
        let ss = UInt16(truncatingIfNeeded: try readSupervisor(tr.base &+ offset &+ UInt64(size), size: 2))
        return (ss, sp)
    }

    /// The stack switch of a call gate or an interrupt to the more privileged
    /// `level`, to the SS:ESP `innerStack` read from the TSS, and CPL = `level`
    /// at once: the pushes that follow are made with the new privilege (from
    /// CPL 3 they are supervisor accesses to the, typically supervisor-only,
    /// inner stack). The caller restores SS, ESP and CPL if a later step faults.
    func switchToInnerStack(_ newSS: UInt16, _ newSP: UInt64, level: Int) throws(Fault) {
        try loadInnerStackSegment(newSS, level: level)
        setStackPointer(newSP)
        cpl = level
    }

    /// Loads SS for a stack switch to `level`, with #TS instead of #GP/#SS (SDM
    /// Vol. 2 CALL, "IF new stack segment selector is NULL THEN #TS(...)").
    func loadInnerStackSegment(_ selector: UInt16, level: Int) throws(Fault) {
        let code = UInt32(selector & 0xFFFC)
        if selector & 0xFFFC == 0 { throw Fault(Fault.invalidTSS, errorCode: code) }
        let d = try readDescriptor(selector, vector: Fault.invalidTSS)
        guard Int(selector & 3) == level, d.dpl == level, d.isData, d.readableOrWritable else {
            throw Fault(Fault.invalidTSS, errorCode: code)
        }
        guard d.present else { throw Fault(Fault.stackFault, errorCode: code) }
        try markAccessed(selector, d)
        segments[SegmentIndex.ss] = d.segment(selector: selector)
        segments[SegmentIndex.ss].attributes |= 1
    }

    /// CALL through a gate to a more privileged non-conforming segment: switch
    /// to the TSS stack of the target level, push the old SS:ESP, copy the
    /// gate's parameters from the old stack, push the return CS:EIP.
    func callThroughGateToInnerLevel(_ target: UInt16, _ code: Descriptor, offset: UInt64, gate: Descriptor,
                                      size: Int, returnCS: UInt64, returnIP: UInt64) throws(Fault) {
        let level = code.dpl
        let (newSS, newSP) = try innerStack(level: level)
        let oldSS = segments[SegmentIndex.ss], oldSP = stackPointer
        let count = gate.gateParameterCount
        var parameters: [UInt64] = []
        parameters.reserveCapacity(count)
        for k in 0..<count {
            let at = (oldSP &+ UInt64(k * size)) & stackMask()
            parameters.append(try readMemory(segment: SegmentIndex.ss, offset: at, size: size))
        }
        let oldCPL = cpl
        do throws(Fault) {
            try switchToInnerStack(newSS, newSP, level: level)
            try push(UInt64(oldSS.selector), size: size)
            try push(oldSP, size: size)
            for p in parameters.reversed() { try push(p, size: size) }
            try push(returnCS, size: size)
            try push(returnIP, size: size)
            try loadCodeSegment(target, code, offset: offset, level: level)
        } catch {
            segments[SegmentIndex.ss] = oldSS
            setStackPointer(oldSP)
            cpl = oldCPL
            throw error
        }
    }

    /// RETF in protected mode, to the same or an outer privilege level.
    func protectedReturnFar(size: Int, release: UInt64) throws(Fault) {
        let offset = try peek(size: size)
        let selector = UInt16(truncatingIfNeeded: try peek(size: size, depth: UInt64(size)))
        let d = try checkReturnCodeSegment(selector)
        let target = offset & CPU.mask(size)
        if Int(selector & 3) == cpl {
            // The stack is popped with the stack size before the return (64-bit
            // when leaving 64-bit mode for compatibility mode).
            let sp = (stackPointer &+ UInt64(2 * size) &+ release) & stackMask()
            try loadCodeSegment(selector, d, offset: target, level: cpl)
            setStackPointer(sp)
            return
        }
        // The caller's SS:ESP sit above the return address and the parameters.
        let newSP = try returnToOuterLevel(selector, d, offset: target, size: size, depth: UInt64(2 * size) &+ release)
        setStackPointer(newSP &+ release)
        invalidateDataSegmentsForOuterLevel()
    }

    /// The checks RETF and IRET make on the code segment they return to: not
    /// more privileged than the CPL, and matching its RPL (SDM Vol. 2 "RET").
    func checkReturnCodeSegment(_ selector: UInt16) throws(Fault) -> Descriptor {
        let rpl = Int(selector & 3)
        let code = UInt32(selector & 0xFFFC)
        if selector & 0xFFFC == 0 { throw Fault.gp() }
        let d = try readDescriptor(selector)
        guard rpl >= cpl, d.isCode else { throw Fault.gp(code) }
        if d.conformingOrExpandDown ? d.dpl > rpl : d.dpl != rpl { throw Fault.gp(code) }
        guard d.present else { throw Fault(Fault.segmentNotPresent, errorCode: code) }
        return d
    }

    /// RETF or IRET to an outer level: checks the outer SS found `depth` bytes
    /// above the stack top, loads CS and SS, and returns the outer ESP (the
    /// caller sets it, as the two instructions size it differently).
    func returnToOuterLevel(_ selector: UInt16, _ d: Descriptor, offset: UInt64, size: Int, depth: UInt64) throws(Fault) -> UInt64 {
        let rpl = Int(selector & 3)
        let newSP = try peek(size: size, depth: depth)
        let newSS = UInt16(truncatingIfNeeded: try peek(size: size, depth: depth &+ UInt64(size)))
        try checkCodeOffset(selector, d, offset: offset)
        let ssCode = UInt32(newSS & 0xFFFC)
        if newSS & 0xFFFC == 0 {
            // Only a return to 64-bit code below ring 3 may leave SS null (SDM Vol. 2 IRET, RET).
            guard longMode && d.long && rpl < 3 else { throw Fault.gp() }
            try loadCodeSegment(selector, d, offset: offset, level: rpl)
            segments[SegmentIndex.ss] = SegmentRegister(selector: newSS, base: 0, limit: 0, attributes: 0)
            return newSP
        }
        let ssd = try readDescriptor(newSS)
        guard Int(newSS & 3) == rpl, ssd.isData, ssd.readableOrWritable, ssd.dpl == rpl else { throw Fault.gp(ssCode) }
        guard ssd.present else { throw Fault.ss(ssCode) }
        try loadCodeSegment(selector, d, offset: offset, level: rpl)
        try markAccessed(newSS, ssd)
        segments[SegmentIndex.ss] = ssd.segment(selector: newSS)
        segments[SegmentIndex.ss].attributes |= 1
        return newSP
    }

    /// After a return to an outer level, ES, DS, FS and GS that the new CPL may
    /// not use (data or non-conforming code with DPL < CPL) become null (SDM Vol. 2 RET).
    func invalidateDataSegmentsForOuterLevel() {
        for s in [SegmentIndex.es, SegmentIndex.ds, SegmentIndex.fs, SegmentIndex.gs] {
            let a = segments[s].attributes
            let dpl = Int(a >> 5) & 3
            let conformingCode = a & 0x1C == 0x1C
            if a & 0x80 != 0 && !conformingCode && dpl < cpl {
                segments[s] = SegmentRegister(selector: 0, base: 0, limit: 0, attributes: 0)
            }
        }
    }
}
