@testable import X86

/// The outcome of one instruction in `PagedLongModeHarness`.
struct PagedOutcome64 {
    /// After the instruction, or for a fault the registers it was taken with and
    /// RFLAGS from the frame it pushed; RSP as given.
    var state: LongModeState
    /// The exception vector, nil when the instruction completed.
    var fault: UInt8?
    var errorCode: UInt32 = 0
    /// CR2 after the instruction (cleared before it).
    var cr2: UInt64 = 0
    /// RIP in the frame the exception pushed.
    var faultRIP: UInt64 = 0
    var changes: [ByteChange]
}

/// Runs single instructions in SwiftPC in 64-bit mode at CPL 3 under 4-level
/// paging (SDM Vol. 3 §4.5), the way the host's native runner runs them in a
/// user process (`native_runner --paged64`): the data region of `PagedRegion`
/// with per-page protections, and the code at `codeBase`, the linear address
/// the runner executes from, so that RIP-relative operands meet.
///
/// Physical layout (identity-mapped below 0xC000, supervisor-only): PML4 0x1000,
/// PDPT 0x2000, page directory 0x3000, page tables 0x4000 (the low 2 MiB),
/// 0x5000 (the code) and 0x6000 (the region), GDT 0x7000, IDT 0x8000 (256
/// 64-bit interrupt gates), 256 HLTs for the handlers at 0x9000, the 64-bit TSS
/// at 0xA000 and the ring-0 stack below 0xC000. The code frame 0xC000 is mapped
/// user read-only at `codeBase`, the user stack frame 0xD000 after it, and the
/// region's frames from 0x100000 at `PagedRegion.base`. An exception from CPL 3
/// takes RSP0 from the TSS and goes to the HLT at 0x9000 + vector, where the
/// frame (SDM Vol. 3 §6.14.2) gives its error code, RIP and RFLAGS.
final class PagedLongModeHarness {
    let bus = TestBus(ramSize: 2 << 20)
    var cpu: CPU { bus.cpu }
    static let kernelCode: UInt16 = 0x08, userData: UInt16 = 0x1B, userCode: UInt16 = 0x23
    static let pml4 = 0x1000, pdpt = 0x2000, directory = 0x3000
    static let lowTable = 0x4000, codeTable = 0x5000, regionTable = 0x6000
    static let gdt = 0x7000, idt = 0x8000, handlers = 0x9000, tss = 0xA000
    static let kernelStackTop: UInt64 = 0xC000
    static let codeFrame = 0xC000, userStackFrame = 0xD000, regionFrames = 0x10_0000
    /// Where the instruction runs, here and on the host (CODE_BASE in native_runner_paged.c).
    static let codeBase: UInt64 = 0x1F00_0000
    static let userStackTop = codeBase + 0x2000
    static let present: UInt64 = 1, writable: UInt64 = 2, user: UInt64 = 4, executeDisable: UInt64 = 1 << 63

    private lazy var region = PagedRegionFrames(bus.ram + PagedLongModeHarness.regionFrames)

    init() {
        typealias H = PagedLongModeHarness
        func put64(_ address: Int, _ v: UInt64) { bus.ram.storeBytes(of: v, toByteOffset: address, as: UInt64.self) }
        let pw = H.present | H.writable
        put64(H.pml4, UInt64(H.pdpt) | pw | H.user)
        put64(H.pdpt, UInt64(H.directory) | pw | H.user)
        put64(H.directory, UInt64(H.lowTable) | pw)
        put64(H.directory + Int(H.codeBase >> 21 & 511) * 8, UInt64(H.codeTable) | pw | H.user)
        put64(H.directory + Int(UInt64(PagedRegion.base) >> 21 & 511) * 8, UInt64(H.regionTable) | pw | H.user)
        for page in 1..<H.codeFrame / 0x1000 { put64(H.lowTable + page * 8, UInt64(page * 0x1000) | pw) }
        put64(H.codeTable + Int(H.codeBase >> 12 & 511) * 8, UInt64(H.codeFrame) | H.present | H.user)
        put64(H.codeTable + Int(H.codeBase >> 12 & 511) * 8 + 8, UInt64(H.userStackFrame) | pw | H.user | H.executeDisable)

        // Descriptors: null, 64-bit ring-0 code, ring-0 data, ring-3 data, 64-bit ring-3 code.
        for (k, d) in [0, 0x00AF_9B00_0000_FFFF, 0x00CF_9300_0000_FFFF, 0x00CF_F300_0000_FFFF, 0x00AF_FB00_0000_FFFF].enumerated() {
            put64(H.gdt + 8 * k, UInt64(d))
        }
        for v in 0..<256 {
            let handler = UInt64(H.handlers + v)
            let gate = H.idt + v * 16
            put64(gate, handler & 0xFFFF | UInt64(H.kernelCode) << 16 | 0x8E00 << 32 | (handler >> 16 & 0xFFFF) << 48)
            put64(gate + 8, handler >> 32)
            bus.ram.storeBytes(of: 0xF4, toByteOffset: H.handlers + v, as: UInt8.self)
        }
        put64(H.tss + 4, H.kernelStackTop)   // RSP0

        cpu.gdtr = DescriptorTableRegister(base: UInt64(H.gdt), limit: 5 * 8 - 1)
        cpu.idtr = DescriptorTableRegister(base: UInt64(H.idt), limit: 256 * 16 - 1)
        cpu.tr = SegmentRegister(selector: 0x28, base: UInt64(H.tss), limit: 0x67, attributes: 0x8B)
        cpu.msr.efer = ModelSpecificRegisters.eferLME | ModelSpecificRegisters.eferLMA | ModelSpecificRegisters.eferNXE
        cpu.cr0 = 0x8001_0011   // PG, WP, ET, PE
        cpu.cr4 = 0x20          // PAE
        cpu.cr3 = UInt64(H.pml4)
        try! cpu.memory.setPaging(cr0: cpu.cr0, cr3: cpu.cr3, cr4: cpu.cr4, nxe: true, longMode: true)
    }

    /// Fills the region from `seed` and maps its pages with `protections`, the
    /// present ones with XD where `executeDisable` says so; sets CR0.WP. Neither
    /// XD nor WP may matter to data accesses at CPL 3 (SDM Vol. 3 §4.6.1).
    func prepare(seed: UInt32, protections: [PageProtection], executeDisable: [Bool], writeProtect: Bool) {
        let cr0 = writeProtect ? cpu.cr0 | 0x1_0000 : cpu.cr0 & ~0x1_0000
        if cr0 != cpu.cr0 {
            cpu.cr0 = cr0
            try! cpu.memory.setPaging(cr0: cr0, cr3: cpu.cr3, cr4: cpu.cr4, nxe: true, longMode: true)
        }
        region.fill(seed: seed)
        for (k, protection) in protections.enumerated() {
            let frame = UInt64(PagedLongModeHarness.regionFrames + k * 0x1000)
            var entry = frame | PagedLongModeHarness.present | PagedLongModeHarness.user
            switch protection {
            case .none: entry = 0
            case .readOnly: break
            case .readWrite: entry |= PagedLongModeHarness.writable
            }
            if entry != 0 && executeDisable[k] { entry |= PagedLongModeHarness.executeDisable }
            let linear = UInt64(PagedRegion.base) + UInt64(k * 0x1000)
            bus.ram.storeBytes(of: entry, toByteOffset: PagedLongModeHarness.regionTable + Int(linear >> 12 & 511) * 8, as: UInt64.self)
            cpu.memory.invalidatePage(linear)
        }
    }

    /// Executes exactly one instruction `code` at CPL 3 from `state` (RSP is
    /// set to the user stack, whatever `state` says).
    func step(code: [UInt8], state: LongModeState) -> PagedOutcome64 {
        typealias H = PagedLongModeHarness
        bus.load(code + [0xF4], at: H.codeFrame)
        cpu.segments[SegmentIndex.cs] = SegmentRegister(selector: H.userCode, base: 0, limit: 0xFFFF_FFFF, attributes: 0xAFB)
        let data = SegmentRegister(selector: H.userData, base: 0, limit: 0xFFFF_FFFF, attributes: 0xCF3)
        for s in [SegmentIndex.ds, SegmentIndex.es, SegmentIndex.ss, SegmentIndex.fs, SegmentIndex.gs] { cpu.segments[s] = data }
        if cpu.cpl != 3 { cpu.cpl = 3 }
        for r in 0..<16 { cpu.set64(r, state.registers[r]) }
        cpu.set64(Reg.esp, H.userStackTop)
        // Reloading EFLAGS would materialise the lazy flags; leaving them alone when
        // they already match lets a sequence test the lazy path across instructions.
        if cpu.eflags != state.eflags { cpu.eflags = state.eflags }
        cpu.rip = H.codeBase
        cpu.cr2 = 0
        cpu.halted = false
        _ = cpu.run(budget: 1)
        var after = LongModeState(registers: (0..<16).map { cpu.get64($0) }, eflags: cpu.eflags)
        after.registers[Reg.esp] = state.registers[Reg.esp]
        var outcome = PagedOutcome64(state: after, changes: region.changes())
        guard cpu.segments[SegmentIndex.cs].selector == H.kernelCode else { return outcome }
        let vector = UInt8(truncatingIfNeeded: cpu.rip &- UInt64(H.handlers))
        outcome.fault = vector
        outcome.cr2 = cpu.cr2
        var frame = Int(truncatingIfNeeded: cpu.get64(Reg.esp))
        if LongModeHarness.errorCodeVectors.contains(vector) {
            guard frame >= 0 && frame + 8 <= bus.ramSize else { return outcome }
            outcome.errorCode = UInt32(truncatingIfNeeded: bus.ram.load(fromByteOffset: frame, as: UInt64.self))
            frame += 8
        }
        // A frame outside RAM is a bug, shown as RIP 0.
        guard frame >= 0 && frame + 24 <= bus.ramSize else { return outcome }
        outcome.faultRIP = bus.ram.load(fromByteOffset: frame, as: UInt64.self)
        outcome.state.eflags = UInt32(truncatingIfNeeded: bus.ram.load(fromByteOffset: frame + 16, as: UInt64.self))
        return outcome
    }
}
