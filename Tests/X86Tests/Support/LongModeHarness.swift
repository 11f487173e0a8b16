@testable import X86

struct LongModeState: Equatable {
    /// RAX RCX RDX RBX RSP RBP RSI RDI R8..R15
    var registers: [UInt64]
    var eflags: UInt32
}

/// Runs single instructions in SwiftPC in 64-bit mode at CPL 0 (IA-32e mode,
/// SDM Vol. 3 §2.2, §4.5 and §6.14), with the CPU state set directly.
///
/// Physical layout, identity-mapped with 4 KiB pages over the low 2 MiB: PML4
/// 0x1000, PDPT 0x2000, page directory 0x3000, page table 0x4000, GDT 0x5000
/// (null, 64-bit code 0x08, data 0x10), IDT 0x6000 (256 64-bit interrupt gates
/// of 16 bytes), 256 HLTs for the exception handlers at 0x7000, the code at
/// 0x8000 and the stack below 0xA000. An exception goes through the gate for
/// its vector to the HLT at 0x7000 + vector, so a fault shows as RIP there.
final class LongModeHarness {
    let bus = TestBus(ramSize: 2 << 20)
    var cpu: CPU { bus.cpu }
    static let codeSelector: UInt16 = 0x08, dataSelector: UInt16 = 0x10
    static let pml4 = 0x1000, pdpt = 0x2000, directory = 0x3000, table = 0x4000
    static let gdt = 0x5000, idt = 0x6000, handlers = 0x7000, code = 0x8000
    static let stackTop: UInt64 = 0xA000
    /// Exceptions that push an error code (SDM Vol. 3 §6.13, Table 6-1).
    static let errorCodeVectors: Set<UInt8> = [8, 10, 11, 12, 13, 14, 17, 21]

    init() {
        func put64(_ address: Int, _ v: UInt64) { bus.ram.storeBytes(of: v, toByteOffset: address, as: UInt64.self) }
        let present: UInt64 = 1, writable: UInt64 = 2
        put64(LongModeHarness.pml4, UInt64(LongModeHarness.pdpt) | present | writable)
        put64(LongModeHarness.pdpt, UInt64(LongModeHarness.directory) | present | writable)
        put64(LongModeHarness.directory, UInt64(LongModeHarness.table) | present | writable)
        for page in 1..<512 { put64(LongModeHarness.table + page * 8, UInt64(page * 0x1000) | present | writable) }

        // Descriptors: limit 0xFFFFF, G; code 0x9B with L (not D), data 0x93 with D/B.
        put64(LongModeHarness.gdt + 8, 0x00AF_9B00_0000_FFFF)
        put64(LongModeHarness.gdt + 16, 0x00CF_9300_0000_FFFF)
        for v in 0..<256 {
            let handler = UInt64(LongModeHarness.handlers + v)
            let gate = LongModeHarness.idt + v * 16
            put64(gate, handler & 0xFFFF | UInt64(LongModeHarness.codeSelector) << 16 | 0x8E00 << 32 | (handler >> 16 & 0xFFFF) << 48)
            put64(gate + 8, handler >> 32)
            bus.ram.storeBytes(of: 0xF4, toByteOffset: LongModeHarness.handlers + v, as: UInt8.self)
        }

        cpu.gdtr = DescriptorTableRegister(base: UInt64(LongModeHarness.gdt), limit: 3 * 8 - 1)
        cpu.idtr = DescriptorTableRegister(base: UInt64(LongModeHarness.idt), limit: 256 * 16 - 1)
        cpu.segments[SegmentIndex.cs] = SegmentRegister(selector: LongModeHarness.codeSelector, base: 0, limit: 0xFFFF_FFFF, attributes: 0xA9B)
        let data = SegmentRegister(selector: LongModeHarness.dataSelector, base: 0, limit: 0xFFFF_FFFF, attributes: 0xC93)
        for s in [SegmentIndex.ds, SegmentIndex.es, SegmentIndex.ss, SegmentIndex.fs, SegmentIndex.gs] { cpu.segments[s] = data }
        cpu.msr.efer = ModelSpecificRegisters.eferLME | ModelSpecificRegisters.eferLMA | ModelSpecificRegisters.eferNXE
        cpu.cr0 = 0x8000_0011   // PG, ET, PE
        cpu.cr4 = 0x20          // PAE
        cpu.cr3 = UInt64(LongModeHarness.pml4)
        try! cpu.memory.setPaging(cr0: cpu.cr0, cr3: cpu.cr3, cr4: cpu.cr4, nxe: true, longMode: true)
    }

    /// Executes exactly one instruction `code` from `state` (RSP is set to
    /// `stackTop`, whatever `state` says). Returns the state after it, or for an
    /// exception its vector, the registers where it was taken, RFLAGS and RIP
    /// from the frame it pushed, and the state's RSP.
    func step(code: [UInt8], state: LongModeState) -> (state: LongModeState, fault: UInt8?, faultRIP: UInt64) {
        bus.load(code + [0xF4], at: LongModeHarness.code)
        for r in 0..<16 { cpu.set64(r, state.registers[r]) }
        cpu.set64(Reg.esp, LongModeHarness.stackTop)
        // Reloading EFLAGS would materialise the lazy flags; leaving them alone when
        // they already match lets a sequence test the lazy path across instructions.
        if cpu.eflags != state.eflags { cpu.eflags = state.eflags }
        cpu.rip = UInt64(LongModeHarness.code)
        cpu.halted = false
        _ = cpu.run(budget: 1)
        var after = LongModeState(registers: (0..<16).map { cpu.get64($0) }, eflags: cpu.eflags)
        after.registers[Reg.esp] = state.registers[Reg.esp]
        let handlers = UInt64(LongModeHarness.handlers)
        guard cpu.rip >= handlers && cpu.rip < handlers + 256 else { return (after, nil, 0) }
        let vector = UInt8(truncatingIfNeeded: cpu.rip - handlers)
        var frame = Int(truncatingIfNeeded: cpu.get64(Reg.esp))
        if LongModeHarness.errorCodeVectors.contains(vector) { frame += 8 }
        guard frame >= 0 && frame + 24 <= bus.ramSize else { return (after, vector, 0) }   // a frame outside RAM: a bug shown as RIP 0
        let faultRIP = bus.ram.load(fromByteOffset: frame, as: UInt64.self)
        after.eflags = UInt32(truncatingIfNeeded: bus.ram.load(fromByteOffset: frame + 16, as: UInt64.self))
        return (after, vector, faultRIP)
    }
}
