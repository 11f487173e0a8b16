/// Far JMP and CALL through a call gate in IA-32e mode (SDM Vol. 3 §5.8.3.1,
/// §5.8.5; Vol. 2 "CALL", "JMP"): the gate is a 16-byte 64-bit call gate (type
/// 12, the type field of its upper half 0) naming 64-bit code at a canonical
/// offset. A CALL to a more privileged level takes RSP from the 64-bit TSS,
/// loads SS with a null selector of the new RPL and pushes the old SS and RSP;
/// nothing is copied from the caller's stack, and every push is 8 bytes. RETF
/// with REX.W returns through `protectedReturnFar`.
extension CPU {
    /// `call` carries the return CS:RIP of a CALL, nil for a JMP.
    func transferThroughLongModeGate(_ selector: UInt16, _ gate: Descriptor, call: (UInt64, UInt64)?) throws(Fault) {
        let code = UInt32(selector & 0xFFFC)
        // TSS and task-gate descriptors and anything but a 64-bit call gate fail here.
        guard gate.type == Descriptor.SystemType.callGate32, gate.upper >> 40 & 0x1F == 0 else { throw Fault.gp(code) }
        let (target, d, offset) = try callGateTarget(selector, gate, forCall: call != nil)
        let targetCode = UInt32(target & 0xFFFC)
        guard d.long, !d.big else { throw Fault.gp(targetCode) }
        if !CPU.isCanonical(offset) { throw Fault.gp() }
        guard let (returnCS, returnIP) = call else {
            try loadCodeSegment(target, d, offset: offset, level: cpl)
            return
        }
        let level = d.conformingOrExpandDown ? cpl : d.dpl
        guard level < cpl else {
            try pushPair(returnCS, returnIP, size: 8)
            try loadCodeSegment(target, d, offset: offset, level: cpl)
            return
        }
        let newRSP = try longModeStack(level: level, interruptStackTable: 0)
        if !CPU.isCanonical(newRSP) { throw Fault.ss(UInt32(selector & 0xFFFC)) }
        let oldSS = segments[SegmentIndex.ss].selector, oldRSP = get64(Reg.esp)
        try enterWithLongModeFrame(target, d, offset: offset, level: level, rsp: newRSP) { () throws(Fault) in
            try push(UInt64(oldSS), size: 8)
            try push(oldRSP, size: 8)
            try push(returnCS, size: 8)
            try push(returnIP, size: 8)
        }
    }
}
