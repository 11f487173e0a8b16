/// Exception and interrupt delivery (SDM Vol. 3 ch. 6; IA-32e mode: §6.14; real mode: §20.1.4,
/// "Interrupt and Exception Handling" through the interrupt vector table).
///
/// Faults restore EIP to the faulting instruction before delivery; traps and
/// software interrupts deliver with EIP after the instruction. A fault raised
/// while delivering another is combined by the SDM's Table 6-5: contributory
/// after contributory (or after #PF) becomes #DF, and a fault while delivering
/// #DF shuts the processor down (triple fault).
extension CPU {
    /// Delivers interrupt or exception `vector`. `software` marks INT n, INT3 and
    /// INTO, whose gates must admit the CPL and whose delivery errors carry EXT = 0.
    func deliverInterrupt(vector: UInt8, errorCode: UInt32? = nil, software: Bool = false) throws(Fault) {
        if longMode {
            try deliverLongModeInterrupt(vector: vector, errorCode: errorCode, software: software)
        } else if protectedMode {
            try deliverProtectedModeInterrupt(vector: vector, errorCode: errorCode, software: software)
        } else {
            try deliverRealModeInterrupt(vector: vector)
        }
        halted = false
    }

    /// Real-mode delivery: push FLAGS, CS, IP; clear IF, TF and AC; jump through
    /// the IVT. No error code is pushed.
    func deliverRealModeInterrupt(vector: UInt8) throws(Fault) {
        let entry = UInt32(vector) &* 4
        if entry &+ 3 > UInt32(idtr.limit) { throw Fault.gp(UInt32(vector) &* 8 &+ 2) }
        let offset = try readLinear16(idtr.base &+ UInt64(entry))
        let selector = try readLinear16(idtr.base &+ UInt64(entry) &+ 2)
        // The three word pushes wrap around the stack segment like any push, so each
        // must fit on its own (SDM Vol. 2 PUSHA: only SP = 1, 3, 5 make delivery fail).
        let sp = stackPointer
        for k: UInt64 in 1...3 {
            _ = try linear(segment: SegmentIndex.ss, offset: (sp &- 2 &* k) & stackMask(), size: 2)
        }
        try push(UInt64(eflags & 0xFFFF), size: 2)
        try push(UInt64(segments[SegmentIndex.cs].selector), size: 2)
        try push(rip & 0xFFFF, size: 2)
        flags.bits &= ~(LazyFlags.intf | LazyFlags.tf | LazyFlags.ac | LazyFlags.rf)
        var cs = segments[SegmentIndex.cs]
        cs.selector = selector
        cs.base = UInt64(selector) << 4
        segments[SegmentIndex.cs] = cs
        rip = UInt64(offset)
    }

    /// The fault-class exceptions other than #DB (SDM Vol. 3 Table 6-1): #DE, #BR,
    /// #UD, #NM, #TS, #NP, #SS, #GP, #PF, #MF, #AC, #XM.
    static let faultClass: UInt32 = 1 << 0 | 1 << 5 | 1 << 6 | 1 << 7 | 1 << 10 | 1 << 11 | 1 << 12
        | 1 << 13 | 1 << 14 | 1 << 16 | 1 << 17 | 1 << 19

    /// Classes of SDM Vol. 3 Table 6-4.
    private static func isContributory(_ v: UInt8) -> Bool {
        v == Fault.divideError || (v >= Fault.invalidTSS && v <= Fault.generalProtection)
    }

    /// Delivers an exception raised by an instruction, escalating to #DF or a
    /// triple fault when delivery itself faults.
    func deliverException(_ fault: Fault) {
        if fault == Fault.numericErrorWait { return }
        // Faults push RF = 1, so that returning to the instruction does not hit
        // its instruction breakpoint again; a #DB fault pushes RF as it was
        // (SDM Vol. 3 §18.3.1.1). Delivery clears RF in the handler's EFLAGS.
        if CPU.faultClass & (1 << UInt32(fault.vector & 31)) != 0 { flags.bits |= LazyFlags.rf }
        var current = fault
        while true {
            do throws(Fault) {
                if current.vector == Fault.pageFault { cr2 = current.address }
                try deliverInterrupt(vector: current.vector, errorCode: current.errorCode)
                return
            } catch {
                if current.vector == Fault.doubleFault {
                    shutdown = true
                    stopRequested = true
                    return
                }
                let first = current.vector
                let second = error.vector
                let contributoryPair = CPU.isContributory(first) && CPU.isContributory(second)
                let pageFaultPair = first == Fault.pageFault && (second == Fault.pageFault || CPU.isContributory(second))
                current = contributoryPair || pageFaultPair ? Fault(Fault.doubleFault, errorCode: 0) : error
            }
        }
    }

    /// NMI: vector 2 whatever IF says; the next IRET ends the blocking.
    func deliverNonMaskableInterrupt() {
        nmiPending = false
        nmiBlocked = true
        do throws(Fault) {
            try deliverInterrupt(vector: 2)
        } catch {
            deliverException(error)
        }
    }

    /// INTR: acknowledge the interrupt controller and deliver its vector.
    func deliverExternalInterrupt() {
        let vector = bus.acknowledgeInterrupt()
        do throws(Fault) {
            try deliverInterrupt(vector: vector)
        } catch {
            deliverException(error)
        }
    }
}
