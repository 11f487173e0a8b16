import X86

/// The machine state a multiboot kernel starts in (Multiboot Specification
/// 0.6.96 §3.2): EAX = 0x2BADB002, EBX = the information structure's address,
/// CS a 32-bit read/execute code segment and DS, ES, FS, GS, SS 32-bit
/// read/write data segments, all with offset 0 and limit 0xFFFFFFFF, A20
/// enabled, CR0.PE set and PG clear, EFLAGS.VM and IF clear, EIP the entry.
/// The spec leaves ESP, GDTR and IDTR to the kernel; the selectors here are
/// real all the same: a three-entry GDT in low memory (null, code at 0x08,
/// data at 0x10, the selectors QEMU's loader uses) holds the very descriptors
/// in the segment caches, so a kernel that reloads a segment register before
/// building its own GDT gets what it already has. IDTR keeps its reset value;
/// the kernel must not enable interrupts before it sets its own IDT (§3.2).
extension Machine {
    static let multibootBootMagic: UInt32 = 0x2BAD_B002
    static let multibootCodeSelector: UInt16 = 0x08
    static let multibootDataSelector: UInt16 = 0x10
    /// Base 0, limit 0xFFFFF in 4 KiB units, present, DPL 0, 32-bit (D/B), and
    /// already marked accessed so that a reload writes nothing back.
    static let multibootCodeDescriptor = Descriptor(low: 0x0000_FFFF, high: 0x00CF_9B00)
    static let multibootDataDescriptor = Descriptor(low: 0x0000_FFFF, high: 0x00CF_9300)

    func enterMultibootKernel(entry: UInt32, information: UInt32) {
        var gdt = [UInt8](repeating: 0, count: 8)
        for d in [Machine.multibootCodeDescriptor, Machine.multibootDataDescriptor] {
            gdt.appendLittleEndian32(d.low)
            gdt.appendLittleEndian32(d.high)
        }
        writeRAM(gdt[...], at: UInt64(MultibootLayout.gdtAddress))
        cpu.gdtr = DescriptorTableRegister(base: UInt64(MultibootLayout.gdtAddress), limit: UInt16(gdt.count - 1))
        // The CPU is fresh from reset: CPL 0, A20 enabled (the board's port 0x92
        // gate starts enabled), paging off. Only PE changes in CR0.
        cpu.cr0 |= 1
        cpu.segments[SegmentIndex.cs] = Machine.multibootCodeDescriptor.segment(selector: Machine.multibootCodeSelector)
        for s in [SegmentIndex.es, SegmentIndex.ss, SegmentIndex.ds, SegmentIndex.fs, SegmentIndex.gs] {
            cpu.segments[s] = Machine.multibootDataDescriptor.segment(selector: Machine.multibootDataSelector)
        }
        cpu.eflags = 0x0000_0002  // only the always-one bit 1
        for r in 0..<8 { cpu.set32(r, 0) }
        cpu.set32(Reg.eax, Machine.multibootBootMagic)
        cpu.set32(Reg.ebx, information)
        cpu.set32(Reg.esp, MultibootLayout.initialStackPointer)
        cpu.rip = UInt64(entry)
        // Memory was written behind the CPU's back and the mode changed.
        access.flushTLB()
        cpu.decodeCache.invalidateAll()
    }
}
