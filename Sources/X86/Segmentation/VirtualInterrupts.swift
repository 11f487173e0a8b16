/// The IOPL-sensitive instructions and the virtual interrupt flag (SDM Vol. 3
/// §20.3 "Interrupt and Exception Handling in Virtual-8086 Mode" and §20.4
/// "Protected-Mode Virtual Interrupts"): with CR4.VME, code in virtual-8086 mode
/// at IOPL < 3 runs CLI/STI/PUSHF/POPF/IRET against VIF instead of trapping, and
/// INT n is redirected through the 8086 IVT when the TSS's interrupt-redirection
/// bitmap says so; CR4.PVI gives ring-3 protected-mode code the same CLI/STI.
extension CPU {
    static let cr4VME: UInt32 = 1, cr4PVI: UInt32 = 2
    static let vif: UInt32 = 1 << 19, vip: UInt32 = 1 << 20

    /// True where CLI/STI act on VIF: VME in virtual-8086 mode, or PVI at CPL 3,
    /// both with IOPL < 3.
    @inline(__always) var virtualInterruptFlagApplies: Bool {
        guard protectedMode && iopl < 3 else { return false }
        return virtual8086Mode ? cr4 & CPU.cr4VME != 0 : cpl == 3 && cr4 & CPU.cr4PVI != 0
    }

    func clearInterruptFlag() throws(Fault) {
        if protectedMode && cpl > iopl {
            guard virtualInterruptFlagApplies else { throw Fault.gp() }
            flags.bits &= ~CPU.vif
            return
        }
        flags.bits &= ~LazyFlags.intf
    }

    func setInterruptFlag() throws(Fault) {
        if protectedMode && cpl > iopl {
            guard virtualInterruptFlagApplies, flags.bits & CPU.vip == 0 else { throw Fault.gp() }
            flags.bits |= CPU.vif
            return
        }
        if flags.bits & LazyFlags.intf == 0 { interruptShadow = true }
        flags.bits |= LazyFlags.intf
    }

    /// PUSHF: in virtual-8086 mode at IOPL < 3 only the 16-bit form with VME,
    /// which pushes VIF as IF and IOPL as 3.
    func pushFlagsChecked(size: Int) throws(Fault) {
        guard virtual8086Mode && iopl < 3 else { try pushFlags(size: size); return }
        guard size == 2, cr4 & CPU.cr4VME != 0 else { throw Fault.gp() }
        var image = eflags & 0xFFFF & ~LazyFlags.intf
        if flags.bits & CPU.vif != 0 { image |= LazyFlags.intf }
        try push(UInt64(image | LazyFlags.iopl), size: 2)
    }

    /// The FLAGS image of a 16-bit POPF or IRET under VME: IF goes to VIF, IOPL
    /// stays; an image with IF while VIP is pending, or with TF, raises #GP(0).
    func loadVirtualFlags(_ image: UInt32) throws(Fault) {
        if (image & LazyFlags.intf != 0 && flags.bits & CPU.vip != 0) || image & LazyFlags.tf != 0 { throw Fault.gp() }
        let kept = LazyFlags.intf | LazyFlags.iopl
        eflags = (eflags & ~(0xFFFF & ~kept)) | (image & 0xFFFF & ~kept)
        if image & LazyFlags.intf != 0 { flags.bits |= CPU.vif } else { flags.bits &= ~CPU.vif }
    }

    func popFlagsChecked(size: Int) throws(Fault) {
        guard virtual8086Mode && iopl < 3 else { try popFlags(size: size); return }
        guard size == 2, cr4 & CPU.cr4VME != 0 else { throw Fault.gp() }
        let image = UInt32(truncatingIfNeeded: try peek(size: 2))
        try loadVirtualFlags(image)
        setStackPointer((stackPointer &+ 2) & stackMask())
    }

    func interruptReturnChecked(size: Int) throws(Fault) {
        guard virtual8086Mode && iopl < 3 else { try interruptReturn(size: size); return }
        guard size == 2, cr4 & CPU.cr4VME != 0 else { throw Fault.gp() }
        let ip = try peek(size: 2)
        let cs = UInt16(truncatingIfNeeded: try peek(size: 2, depth: 2))
        let image = UInt32(truncatingIfNeeded: try peek(size: 2, depth: 4))
        try loadVirtualFlags(image)
        try loadCodeSegment(selector: cs, offset: ip)
        setStackPointer((stackPointer &+ 6) & stackMask())
    }

    /// INT n. In virtual-8086 mode with VME, a clear bit in the TSS's
    /// interrupt-redirection bitmap (the 32 bytes below the I/O map base) sends
    /// it through the 8086 IVT; otherwise IOPL < 3 sends it to the monitor (#GP).
    func softwareInterrupt(_ vector: UInt8) throws(Fault) {
        if virtual8086Mode {
            if cr4 & CPU.cr4VME != 0, try !redirectionBitSet(vector) {
                try redirectThroughIVT(vector)
                return
            }
            if iopl < 3 { throw Fault.gp() }
        }
        try deliverInterrupt(vector: vector, software: true)
    }

    private func redirectionBitSet(_ vector: UInt8) throws(Fault) -> Bool {
        guard tr.attributes & 0x8 != 0, tr.limit >= 0x67 else { throw Fault.gp() }
        let mapBase = try readSupervisor(tr.base &+ 0x66, size: 2)
        let offset = mapBase &- 32 &+ UInt64(vector >> 3)
        if offset > UInt64(tr.limit) || mapBase < 32 { throw Fault.gp() }
        return try readSupervisor(tr.base &+ offset, size: 1) >> UInt64(vector & 7) & 1 != 0
    }

    /// An 8086-style interrupt inside the virtual-8086 task: FLAGS (with VIF as
    /// IF and IOPL as 3 when IOPL < 3), CS and IP pushed; TF and IF or VIF cleared.
    private func redirectThroughIVT(_ vector: UInt8) throws(Fault) {
        let entry = UInt64(vector) &* 4
        let offset = try readLinear16(entry)
        let selector = try readLinear16(entry &+ 2)
        var image = eflags & 0xFFFF
        if iopl < 3 {
            image = (image & ~LazyFlags.intf) | (flags.bits & CPU.vif != 0 ? LazyFlags.intf : 0) | LazyFlags.iopl
        }
        let sp = stackPointer
        for k: UInt64 in 1...3 {
            _ = try linearForWrite(segment: SegmentIndex.ss, offset: (sp &- 2 &* k) & stackMask(), size: 2)
        }
        try push(UInt64(image), size: 2)
        try push(UInt64(segments[SegmentIndex.cs].selector), size: 2)
        try push(rip & 0xFFFF, size: 2)
        flags.bits &= ~LazyFlags.tf
        if iopl < 3 { flags.bits &= ~CPU.vif } else { flags.bits &= ~LazyFlags.intf }
        try loadCodeSegment(selector: selector, offset: UInt64(offset))
    }
}
