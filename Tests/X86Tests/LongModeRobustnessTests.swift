import XCTest
@testable import X86

/// No guest input may crash the host, in IA-32e mode too: random bytes run as
/// 64-bit code at CPL 0 and CPL 3, over random page-table entries (4 KiB,
/// 2 MiB and 1 GiB pages, reserved bits, NX), a GDT with random descriptors
/// next to valid 64-bit ones, an IDT of random 16-byte gates and a TSS of
/// random stack pointers, must only ever raise guest exceptions.
final class LongModeRobustnessTests: XCTestCase {
    static let pml4 = 0x1000, pdpt = 0x2000, directory = 0x3000, table = 0x4000
    static let gdt = 0x5000, idt = 0x6000, tss = 0x8000
    static let ramSize = 4 << 20

    func testRandomLongModeCodeNeverTrapsTheHost() {
        let seed = UInt64(ProcessInfo.processInfo.environment["SWIFTPC_FUZZ_SEED"] ?? "") ?? 0x5350_4346_3634
        var random = DiffRandom(seed: seed)
        var executed: UInt64 = 0
        for round in 0..<24 {
            let bus = TestBus(ramSize: LongModeRobustnessTests.ramSize)
            let cpu = bus.cpu
            fillRandomly(bus, &random)
            buildTables(bus, &random)
            enterLongMode(cpu, user: round % 3 == 2, &random)
            var budget = 20_000
            while budget > 0 && !cpu.shutdown {
                let before = cpu.instructionCount
                if cpu.run(budget: budget) == .halted { cpu.halted = false }
                budget -= max(Int(cpu.instructionCount &- before), 1)
            }
            executed &+= cpu.instructionCount
            XCTAssertGreaterThan(cpu.instructionCount, 0, "seed \(seed) round \(round)")
        }
        print("long-mode robustness: \(executed) random instructions executed without a host trap (seed \(seed))")
    }

    /// Random bytes everywhere: code, data, and the stacks the TSS points at.
    private func fillRandomly(_ bus: TestBus, _ random: inout DiffRandom) {
        for k in stride(from: 0, to: LongModeRobustnessTests.ramSize, by: 8) {
            bus.ram.storeBytes(of: random.next(), toByteOffset: k, as: UInt64.self)
        }
    }

    private func put64(_ bus: TestBus, _ address: Int, _ v: UInt64) {
        bus.ram.storeBytes(of: v, toByteOffset: address, as: UInt64.self)
    }

    /// Mostly sensible paging structures with random damage, descriptor tables
    /// with valid 64-bit code and data segments among random entries.
    private func buildTables(_ bus: TestBus, _ random: inout DiffRandom) {
        let t = LongModeRobustnessTests.self
        let pwu: UInt64 = 7, large: UInt64 = 0x80
        // Low and high canonical halves both reach the same PDPT.
        put64(bus, t.pml4, UInt64(t.pdpt) | pwu)
        put64(bus, t.pml4 + 511 * 8, UInt64(t.pdpt) | pwu)
        put64(bus, t.pdpt, UInt64(t.directory) | pwu)
        put64(bus, t.pdpt + 8, large | pwu | (random.chance(30) ? random.next() & 0x8000_0000_0000_0000 : 0))
        put64(bus, t.directory, large | pwu)
        put64(bus, t.directory + 8, UInt64(t.table) | pwu)
        for k in 0..<512 {
            // Frames inside RAM, random flags (NX, reserved bits now and then).
            var entry = UInt64(random.below(t.ramSize >> 12)) << 12 | random.next() & 0x1FF
            if random.chance(5) { entry |= random.next() & 0xFFF0_0000_0000_0000 }
            put64(bus, t.table + 8 * k, entry)
        }
        let descriptors: [UInt64] = [0, 0x00AF_9A00_0000_FFFF, 0x00CF_9200_0000_FFFF, 0x00CF_FA00_0000_FFFF,
                                     0x00CF_F200_0000_FFFF, 0x00AF_FA00_0000_FFFF, 0x00CF_9A00_0000_FFFF]
        for (k, d) in descriptors.enumerated() { put64(bus, t.gdt + 8 * k, d) }
        // A 64-bit TSS descriptor at 0x38 (16 bytes), then random descriptors.
        put64(bus, t.gdt + 0x38, 0x0000_8900_0000_0067 | UInt64(t.tss & 0xFFFF) << 16)
        put64(bus, t.gdt + 0x40, 0)
        for k in 10..<32 { put64(bus, t.gdt + 8 * k, random.next()) }
        for v in 0..<256 {
            let handler = UInt64(random.below(2 << 20))
            var low = handler & 0xFFFF | 0x08 << 16 | (handler >> 16 & 0xFFFF) << 48 | 0x8E00 << 32
            if random.chance(10) { low = random.next() }
            put64(bus, t.idt + 16 * v, low | UInt64(random.below(8)) << 32)
            put64(bus, t.idt + 16 * v + 8, random.chance(5) ? random.next() : 0)
        }
        for k in 0..<13 { put64(bus, t.tss + 4 + 8 * k, UInt64(random.below(2 << 20))) }
    }

    private func enterLongMode(_ cpu: CPU, user: Bool, _ random: inout DiffRandom) {
        let t = LongModeRobustnessTests.self
        cpu.msr.efer = ModelSpecificRegisters.eferSCE | ModelSpecificRegisters.eferLME | ModelSpecificRegisters.eferLMA
            | ModelSpecificRegisters.eferNXE
        // Mostly with the x87 and SSE usable (CR0.EM/TS clear, CR4.OSFXSR and
        // OSXMMEXCPT set), sometimes with their #NM/#UD cases.
        cpu.cr0 = 0x8001_0033 | (random.chance(10) ? 0x4 : 0) | (random.chance(10) ? 0x8 : 0)
        cpu.cr4 = (random.chance(50) ? 0xA0 : 0x20) | (random.chance(80) ? 0x600 : 0)
        cpu.cr3 = UInt64(t.pml4)
        try? cpu.memory.setPaging(cr0: cpu.cr0, cr3: cpu.cr3, cr4: cpu.cr4, nxe: true, longMode: true)
        cpu.gdtr = DescriptorTableRegister(base: UInt64(t.gdt), limit: 32 * 8 - 1)
        cpu.idtr = DescriptorTableRegister(base: UInt64(t.idt), limit: 256 * 16 - 1)
        cpu.tr = SegmentRegister(selector: 0x38, base: UInt64(t.tss), limit: 0x67, attributes: 0x8B)
        cpu.msr.star = 0x0013_0008_0000_0000
        cpu.msr.longModeSyscallTarget = UInt64(random.below(2 << 20))
        let level = user ? 3 : 0
        cpu.segments[SegmentIndex.cs] = SegmentRegister(selector: user ? 0x2B : 0x08, base: 0, limit: 0xFFFF_FFFF,
                                                        attributes: 0xA9B | UInt16(level) << 5)
        let data = SegmentRegister(selector: user ? 0x23 : 0x10, base: 0, limit: 0xFFFF_FFFF, attributes: 0xC93 | UInt16(level) << 5)
        for s in [SegmentIndex.es, SegmentIndex.ss, SegmentIndex.ds, SegmentIndex.fs, SegmentIndex.gs] { cpu.segments[s] = data }
        cpu.cpl = level
        for r in 0..<16 {
            // Half the registers point into RAM, so that memory operands often hit it.
            cpu.set64(r, random.chance(50) ? UInt64(random.below(t.ramSize)) : random.next())
        }
        cpu.eflags = UInt32(truncatingIfNeeded: random.next()) & ~LazyFlags.tf & ~LazyFlags.vm | 2
        cpu.rip = 0x10000 + UInt64(random.below(0x10000))
    }
}
