/// When x87 and MMX instructions may run, and how x87 exceptions reach
/// software (SDM Vol. 1 §8.4-8.7; Vol. 3 §2.5 for CR0.EM/MP/TS/NE, §13.1.4):
/// exception flags accumulate in the status word; an unmasked one sets ES and
/// B, and the next waiting x87 or MMX instruction (or WAIT) raises #MF with
/// CR0.NE = 1, or with NE = 0 asserts FERR#, which a PC routes to IRQ13, and
/// waits for that interrupt unless IGNNE# is asserted.
extension CPU {
    static let cr0MP: UInt32 = 1 << 1, cr0EM: UInt32 = 1 << 2, cr0TS: UInt32 = 1 << 3, cr0NE: UInt32 = 1 << 5

    /// ESC instructions: #NM when CR0.EM asks for emulation or CR0.TS marks
    /// the FPU state as another task's.
    @inline(__always) func checkX87Available() throws(Fault) {
        if cr0 & (CPU.cr0EM | CPU.cr0TS) != 0 { throw Fault(Fault.deviceNotAvailable) }
    }

    /// WAIT/FWAIT: #NM only when both MP and TS are set; then a pending
    /// unmasked exception is reported.
    func wait() throws(Fault) {
        if cr0 & (CPU.cr0MP | CPU.cr0TS) == CPU.cr0MP | CPU.cr0TS { throw Fault(Fault.deviceNotAvailable) }
        try checkPendingNumericError()
    }

    /// The check a waiting x87 instruction (and every MMX instruction) makes
    /// first. With NE = 0 and IGNNE# deasserted the processor asserts FERR# and
    /// stops before the instruction until an interrupt arrives, so the
    /// handler's IRET returns to the instruction, which then runs again.
    @inline(__always) func checkPendingNumericError() throws(Fault) {
        guard x87.status & X87State.errorSummary != 0 else { return }
        try reportNumericError()
    }

    @inline(never) func reportNumericError() throws(Fault) {
        if cr0 & CPU.cr0NE != 0 { throw Fault(Fault.floatingPointError) }
        if ignoreNumericError { return }
        bus.floatingPointError()
        rip = instructionStart
        halted = true
        stopRequested = true
        throw Fault.numericErrorWait
    }

    /// Merges the flags an operation raised into the status word: the
    /// exception flags (sticky), the condition codes in `conditionCodes`
    /// (the others keep their values), and ES and B when an exception is
    /// unmasked. Returns false when an unmasked IE, DE or ZE stops the
    /// instruction from writing its result (§8.5: the operands stay unchanged).
    @discardableResult
    func x87Report(_ raised: X87StatusFlags, conditionCodes: UInt16 = X87State.c1) -> Bool {
        let exceptions = raised.rawValue & 0x3F
        x87.status = (x87.status & ~conditionCodes) | (raised.rawValue & conditionCodes) | exceptions
        let unmasked = exceptions & ~x87.control & 0x3F
        if unmasked != 0 { x87.status |= X87State.errorSummary | X87State.busy }
        return unmasked & 0x07 == 0
    }

    /// A stack overflow (push onto a full register) or underflow (an empty
    /// source): IE with SF, and C1 telling which (§8.5.1.1). Returns true when
    /// IE is masked, so that the masked response (the real indefinite) proceeds.
    func x87StackFault(overflow: Bool) -> Bool {
        x87.status = (x87.status & ~X87State.c1) | X87State.invalid | X87State.stackFault | (overflow ? X87State.c1 : 0)
        if x87.control & 1 == 0 {
            x87.status |= X87State.errorSummary | X87State.busy
            return false
        }
        return true
    }

    /// ES and B follow the flags and masks after FLDCW, FLDENV, FRSTOR and
    /// FXRSTOR load new ones; clearing ES also ends FERR# and so IGNNE#.
    func x87UpdateErrorSummary() {
        if x87.status & ~x87.control & 0x3F != 0 {
            x87.status |= X87State.errorSummary | X87State.busy
        } else {
            x87.status &= ~(X87State.errorSummary | X87State.busy)
            ignoreNumericError = false
        }
    }

    /// The arithmetic core set up with the current control word.
    @inline(__always) var x87Arithmetic: X87Arithmetic { X87Arithmetic(control: x87.decodedControl) }
}

extension Fault {
    /// Not a processor exception: the instruction waits for the FERR#
    /// interrupt (`reportNumericError`), so nothing is delivered.
    static let numericErrorWait = Fault(0xFF, errorCode: 0xFFFF_FFFF)
}
