/// The debug registers and the debug exception #DB (SDM Vol. 3 ch. 18, "Debug,
/// Branch Profile, TSC, and Intel Resource Director Technology Features";
/// Vol. 3 §6.15 "Interrupt 1"): instruction breakpoints (faults, checked before
/// the instruction, suppressed once by EFLAGS.RF), data and I/O breakpoints and
/// single-step (traps, taken after the instruction), the task-switch trap of a
/// TSS's T bit, and general detect (DR7.GD).
///
/// The run loop pays nothing for any of it while it is off. Anything armed, TF
/// or RF raises `CPU.debugEvent` in `pendingEvents`, which sends every
/// instruction boundary through `serviceEvents`: there the traps of the
/// instruction just executed are delivered, the next instruction's breakpoints
/// are checked, and TF is noted for the trap after it. Data accesses are matched
/// in the MMU's slow path (`DataBreakpoints.swift`).
struct DebugState {
    /// B0-B3 of the breakpoints armed for instruction execution (R/W = 00).
    var instructionBreakpoints: UInt32 = 0
    /// B0-B3 of the breakpoints armed for I/O (R/W = 10 under CR4.DE).
    var ioBreakpoints: UInt32 = 0
    /// DR6 bits of the traps of the instruction under way (BS, BT), delivered
    /// with its data and I/O breakpoint hits at the next instruction boundary.
    var pendingTraps: UInt32 = 0
    /// The interrupt shadow is MOV SS's or POP SS's, which holds debug traps
    /// too until the next instruction ends (SDM Vol. 2, MOV); STI's does not.
    var stackSegmentShadow = false
}

/// DR6 bits (SDM Vol. 3 §18.2.3).
enum DebugStatus {
    static let breakpoints: UInt32 = 0xF
    static let generalDetect: UInt32 = 1 << 13
    static let singleStep: UInt32 = 1 << 14
    static let taskSwitch: UInt32 = 1 << 15
    /// Bits 4-11 and 16-31 read as 1, bit 12 as 0.
    static let fixedOnes: UInt32 = 0xFFFF_0FF0
    static let writable: UInt32 = 0x0000_E00F
}

/// DR7 fields (SDM Vol. 3 §18.2.4).
enum DebugControl {
    static let localEnables: UInt32 = 0x55 | 1 << 8
    static let generalDetect: UInt32 = 1 << 13
    /// Bit 10 reads as 1; bits 11, 12, 14 and 15 as 0.
    static let fixedOnes: UInt32 = 1 << 10
    static let writable: UInt32 = 0xFFFF_23FF

    static func enabled(_ dr7: UInt32, _ n: Int) -> Bool { (dr7 >> (2 * n)) & 3 != 0 }
    /// 0: instruction execution, 1: data writes, 2: I/O, 3: data reads and writes.
    static func condition(_ dr7: UInt32, _ n: Int) -> UInt32 { (dr7 >> (16 + 4 * n)) & 3 }
    /// LEN: 00 one byte, 01 two, 10 eight, 11 four.
    static func length(_ dr7: UInt32, _ n: Int) -> UInt32 { [1, 2, 8, 4][Int((dr7 >> (18 + 4 * n)) & 3)] }
}

extension CPU {
    static let debugEvent: UInt8 = 4
    static let cr4DE: UInt32 = 1 << 3

    /// MOV DRn (0F 21, 0F 23) at CPL 0. With CR4.DE, DR4 and DR5 are reserved
    /// (#UD); without it they alias DR6 and DR7. DR7.GD makes any access a #DB
    /// fault with DR6.BD, and clears GD so the handler may use the registers.
    /// In 64-bit mode the registers move as 64 bits, and REX.R (DR8-DR15) is #UD.
    func moveDebugRegister(_ i: DecodedInstruction, toDebug: Bool) throws(Fault) {
        let number = i.reg & 15, r = i.rm & 15
        if number > 7 || ((number == 4 || number == 5) && cr4 & CPU.cr4DE != 0) { throw Fault.ud }
        if debugRegisters[7] & UInt64(DebugControl.generalDetect) != 0 {
            debugRegisters[6] |= UInt64(DebugStatus.generalDetect)
            debugRegisters[7] &= ~UInt64(DebugControl.generalDetect)
            throw Fault(Fault.debug)
        }
        let n = number == 4 ? 6 : number == 5 ? 7 : number
        let long = mode64
        guard toDebug else {
            if long { set64(r, debugRegisters[n]) } else { set32(r, UInt32(truncatingIfNeeded: debugRegisters[n])) }
            return
        }
        let v = long ? get64(r) : UInt64(get32(r))
        switch n {
        case 6, 7:
            // Bits 63:32 of DR6 and DR7 are reserved: writing a 1 there is #GP(0).
            if v >> 32 != 0 { throw Fault.gp() }
            debugRegisters[n] = n == 6 ? (v & UInt64(DebugStatus.writable)) | UInt64(DebugStatus.fixedOnes)
                : (v & UInt64(DebugControl.writable)) | UInt64(DebugControl.fixedOnes)
        default: debugRegisters[n] = v
        }
        updateBreakpoints()
    }

    /// Re-reads DR0-DR3, DR7 and CR4.DE into the armed breakpoints.
    func updateBreakpoints() {
        let dr7 = UInt32(truncatingIfNeeded: debugRegisters[7])
        var instruction: UInt32 = 0, io: UInt32 = 0
        var watchpoints: [Watchpoint] = []
        for n in 0..<4 where DebugControl.enabled(dr7, n) {
            let length = DebugControl.length(dr7, n)
            switch DebugControl.condition(dr7, n) {
            case 0: instruction |= 1 << n
            // Without CR4.DE the encoding is undefined; it arms nothing here.
            case 2: if cr4 & CPU.cr4DE != 0 { io |= 1 << n }
            case let c:
                watchpoints.append(Watchpoint(start: debugRegisters[n] & ~UInt64(length - 1), length: UInt64(length),
                                              writesOnly: c == 1, status: 1 << n))
            }
        }
        debug.instructionBreakpoints = instruction
        debug.ioBreakpoints = io
        memory.setWatchpoints(watchpoints)
        updateDebugEvent()
    }

    /// Raises or drops `CPU.debugEvent` as the debug state asks. It may stay
    /// raised longer than needed (the eflags setter raises it for TF and RF):
    /// the boundary check then finds nothing and drops it.
    func updateDebugEvent() {
        let active = debug.instructionBreakpoints != 0 || debug.ioBreakpoints != 0 || !memory.watchpoints.isEmpty
            || debug.pendingTraps != 0 || memory.debugHits != 0 || flags.bits & (LazyFlags.tf | LazyFlags.rf) != 0
        pendingEvents = active ? pendingEvents | CPU.debugEvent : pendingEvents & ~CPU.debugEvent
    }

    /// At an instruction boundary, before NMI and INTR (SDM Vol. 3 §6.9): the
    /// traps of the instruction just executed, as one #DB, unless a MOV SS
    /// shadow holds them for one more instruction.
    func deliverDebugTraps(held: Bool) {
        guard !held else { return }
        let status = debug.pendingTraps | memory.debugHits
        debug.pendingTraps = 0
        memory.debugHits = 0
        if status != 0 { raiseDebugTrap(status) }
    }

    /// After NMI and INTR: the instruction breakpoints at CS:EIP unless RF
    /// suppresses them for this one instruction, then TF for the trap after it.
    /// Returns true when it delivered a #DB fault instead of the instruction.
    func checkDebugBeforeInstruction(shadowed: Bool) -> Bool {
        defer { updateDebugEvent() }
        if flags.bits & LazyFlags.rf != 0 {
            // Cleared once the instruction is under way; should it fault, the
            // fault pushes RF = 1 anyway (`deliverException`).
            flags.bits &= ~LazyFlags.rf
        } else if debug.instructionBreakpoints != 0 && !shadowed {
            let linearIP = mode64 ? rip : (segments[SegmentIndex.cs].base &+ rip) & 0xFFFF_FFFF
            var hits: UInt32 = 0
            for n in 0..<4 where debug.instructionBreakpoints & (1 << n) != 0 && debugRegisters[n] == linearIP {
                hits |= 1 << n
            }
            if hits != 0 {
                debugRegisters[6] = (debugRegisters[6] & ~UInt64(DebugStatus.breakpoints)) | UInt64(hits)
                deliverException(Fault(Fault.debug))
                return true
            }
        }
        if flags.bits & LazyFlags.tf != 0 { debug.pendingTraps |= DebugStatus.singleStep }
        return false
    }

    /// A faulting instruction completes nothing, so it raises no trap; INT n,
    /// INT3, INTO and INT1 enter their handler without theirs (single-stepping
    /// resumes after the handler returns).
    @inline(never) func discardDebugTraps() {
        debug.pendingTraps = 0
        memory.debugHits = 0
    }

    /// Records `status` in DR6 (B0-B3 replaced, BD, BS and BT kept: SDM Vol. 3
    /// §18.2.3) and delivers #DB as a trap.
    func raiseDebugTrap(_ status: UInt32) {
        debugRegisters[6] = (debugRegisters[6] & ~UInt64(DebugStatus.breakpoints)) | UInt64(status)
        do throws(Fault) {
            try deliverInterrupt(vector: Fault.debug)
        } catch {
            deliverException(error)
        }
    }

    /// IN, OUT, INS and OUTS at `port`: an armed I/O breakpoint whose range
    /// the access overlaps raises a trap after the instruction.
    @inline(__always) func noteIOAccess(port: UInt16, size: Int) {
        if debug.ioBreakpoints != 0 { matchIOBreakpoints(port: port, size: size) }
    }

    @inline(never) func matchIOBreakpoints(port: UInt16, size: Int) {
        let dr7 = UInt32(truncatingIfNeeded: debugRegisters[7])
        for n in 0..<4 where debug.ioBreakpoints & (1 << n) != 0 {
            let length = DebugControl.length(dr7, n)
            let start = UInt32(truncatingIfNeeded: debugRegisters[n]) & 0xFFFF & ~(length - 1)
            let first = UInt32(port)
            if first < start + length && start < first + UInt32(size) { memory.debugHits |= 1 << n }
        }
    }

    /// A task switch clears the local enables (L0-L3, LE) and, for a TSS with
    /// the T bit, raises the task-switch trap before the new task's first instruction.
    func debugTaskSwitch(trap: Bool) {
        if debugRegisters[7] & UInt64(DebugControl.localEnables) != 0 {
            debugRegisters[7] &= ~UInt64(DebugControl.localEnables)
            updateBreakpoints()
        }
        if trap { debug.pendingTraps |= DebugStatus.taskSwitch }
        updateDebugEvent()
    }
}
