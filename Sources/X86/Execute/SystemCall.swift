/// The fast system calls of 64-bit mode and the GS-base swap (SDM Vol. 2
/// "SYSCALL", "SYSRET", "SWAPGS"; Vol. 3 §5.8.8): SYSCALL enters ring 0 at
/// IA32_LSTAR with flat segments derived from IA32_STAR, saving RIP in RCX and
/// RFLAGS in R11; SYSRET returns to ring 3 in 64-bit or compatibility mode.
/// As on Intel processors, both exist only in 64-bit mode.
extension CPU {
    @inline(__always) var systemCallsEnabled: Bool {
        mode64 && msr.efer & ModelSpecificRegisters.eferSCE != 0
    }

    func systemCall() throws(Fault) {
        guard systemCallsEnabled else { throw Fault.ud }
        let selector = UInt16(truncatingIfNeeded: msr.star >> 32) & 0xFFFC
        set64(Reg.ecx, rip)
        set64(Reg.r11, UInt64(eflags))
        rip = msr.longModeSyscallTarget
        eflags = eflags & ~msr.syscallFlagMask
        segments[SegmentIndex.cs] = flatSegment(selector, code: true, dpl: 0, long: true)
        segments[SegmentIndex.ss] = flatSegment(selector &+ 8, code: false, dpl: 0)
        cpl = 0
    }

    /// SYSRET with REX.W returns to 64-bit code at RCX, which must be canonical
    /// (#GP(0), still in ring 0); without it, to compatibility mode at ECX.
    func systemReturn(_ i: DecodedInstruction) throws(Fault) {
        guard systemCallsEnabled else { throw Fault.ud }
        try requirePrivilegeLevel0()
        let base = UInt16(truncatingIfNeeded: msr.star >> 48)
        let wide = i.operandSize == 8
        let target = wide ? get64(Reg.ecx) : UInt64(get32(Reg.ecx))
        if wide && !CPU.isCanonical(target) { throw Fault.gp() }
        eflags = (UInt32(truncatingIfNeeded: get64(Reg.r11)) & 0x3C_7FD7) | 2
        segments[SegmentIndex.cs] = flatSegment((wide ? base &+ 16 : base) | 3, code: true, dpl: 3, long: wide)
        segments[SegmentIndex.ss] = flatSegment((base &+ 8) | 3, code: false, dpl: 3)
        cpl = 3
        rip = target
    }

    /// SWAPGS (0F 01 F8): exchanges the GS base with IA32_KERNEL_GS_BASE, at CPL 0.
    func swapGS() throws(Fault) {
        try requirePrivilegeLevel0()
        let kernel = msr.kernelGSBase
        msr.kernelGSBase = segments[SegmentIndex.gs].base
        segments[SegmentIndex.gs].base = kernel
    }
}
