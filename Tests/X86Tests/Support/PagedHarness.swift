import Glibc
@testable import X86

/// The data region that memory operands of the paged differential test reach:
/// the same linear addresses in SwiftPC and in the host's native runner
/// (Tests/NativeRunner/native_runner.c, REGION_BASE and REGION_PAGES). The host
/// keeps 0x0800_0000..<0x3800_0000 around it PROT_NONE, so that the generated
/// addresses, which stay within 256 MiB of the region, fault there as they do
/// in SwiftPC (where nothing else is mapped) instead of reaching another mapping.
enum PagedRegion {
    static let base: UInt32 = 0x2000_0000
    static let pages = 8
    static let size = pages * 4096
    /// Cases draw their seed from this many, so that SwiftPC can keep each
    /// filled region instead of hashing 32 KiB per case in a debug build.
    static let seeds = 64

    /// Word `k` of the region for a case's seed (fill_word in native_runner.c):
    /// both sides fill their copy from the seed rather than sending 32 KiB.
    static func word(seed: UInt32, index k: UInt32) -> UInt32 {
        var x = seed ^ (k &* 0x9E37_79B9)
        x ^= x >> 16; x &*= 0x7FEB_352D
        x ^= x >> 15; x &*= 0x846C_A68B
        x ^= x >> 16
        let edges: [UInt32] = [0x00, 0x7F, 0x80, 0xFF]
        switch x & 7 {
        case 0: return 0
        case 1: return 0xFFFF_FFFF
        case 2: return edges[Int(x >> 8 & 3)] | edges[Int(x >> 10 & 3)] << 8 | edges[Int(x >> 12 & 3)] << 16 | edges[Int(x >> 14 & 3)] << 24
        default: return x
        }
    }
}

/// A page's protection, as the host's mprotect and as SwiftPC's page-table entry.
enum PageProtection: UInt8 {
    case none = 0       // PROT_NONE; PTE not present
    case readOnly = 1   // PROT_READ; present, R/W = 0
    case readWrite = 2  // PROT_READ | PROT_WRITE; present, R/W = 1

    var letter: String { ["-", "r", "w"][Int(rawValue)] }
}

/// A byte of the data region that an instruction changed: offset from `PagedRegion.base`, new value.
struct ByteChange: Equatable {
    var offset: Int
    var value: UInt8
}

/// The region's frames in a test bus's RAM (`PagedHarness`,
/// `PagedLongModeHarness`): filled from a case's seed, and compared with a
/// shadow copy to find the bytes an instruction changed.
final class PagedRegionFrames {
    /// The first frame, in the bus's RAM.
    let frames: UnsafeMutableRawPointer
    /// Copy of the region before the instruction, to find the bytes it changed.
    private let shadow = UnsafeMutableRawPointer.allocate(byteCount: PagedRegion.size, alignment: 4096)
    /// The region's contents for each seed seen so far.
    private var contents: [UInt32: UnsafeMutableRawPointer] = [:]

    init(_ frames: UnsafeMutableRawPointer) { self.frames = frames }

    deinit {
        shadow.deallocate()
        for buffer in contents.values { buffer.deallocate() }
    }

    /// Fills the frames and the shadow copy from `seed` (`PagedRegion.word`).
    func fill(seed: UInt32) {
        let filled: UnsafeMutableRawPointer
        if let known = contents[seed] {
            filled = known
        } else {
            filled = .allocate(byteCount: PagedRegion.size, alignment: 4096)
            for k in 0..<PagedRegion.size / 4 {
                filled.storeBytes(of: PagedRegion.word(seed: seed, index: UInt32(k)), toByteOffset: 4 * k, as: UInt32.self)
            }
            contents[seed] = filled
        }
        frames.copyMemory(from: filled, byteCount: PagedRegion.size)
        shadow.copyMemory(from: filled, byteCount: PagedRegion.size)
    }

    /// The bytes of the region that differ from the shadow copy, which is then
    /// brought up to date. The host can only report changes to writable pages;
    /// SwiftPC's other pages are looked at too, as a change there is a bug.
    func changes() -> [ByteChange] {
        var out: [ByteChange] = []
        for page in 0..<PagedRegion.pages {
            let offset = page * 0x1000
            guard memcmp(frames + offset, shadow + offset, 0x1000) != 0 else { continue }
            for i in offset..<offset + 0x1000 {
                let value = frames.load(fromByteOffset: i, as: UInt8.self)
                if value != shadow.load(fromByteOffset: i, as: UInt8.self) {
                    out.append(ByteChange(offset: i, value: value))
                    shadow.storeBytes(of: value, toByteOffset: i, as: UInt8.self)
                }
            }
        }
        return out
    }
}

struct PagedOutcome {
    var registers: [UInt32]
    var eflags: UInt32
    /// The exception vector, nil when the instruction completed.
    var fault: UInt8?
    var errorCode: UInt32 = 0
    /// CR2 after the instruction (cleared before it).
    var cr2: UInt32 = 0
    var changes: [ByteChange]
}

/// Runs single instructions in SwiftPC at CPL 3 in a flat 32-bit protected-mode
/// world with paging on, the way the host runs them in a user process.
///
/// Physical layout (identity-mapped, supervisor-only unless noted): GDT 0x1000,
/// IDT 0x2000, TSS 0x3000, page directory 0x4000, the page table of the low
/// 4 MiB 0x5000, the region's page table 0x6000, the ring-0 stack below 0x8000,
/// 256 HLTs for the exception handlers at 0x8000, the code page 0x9000 and a
/// stack page 0xA000 (both user). The region's pages are frames from 0x100000.
/// An exception goes through an interrupt gate to the ring-0 handler for its
/// vector, so a fault is seen as CS = 0x08 with EIP = 0x8000 + vector, and the
/// error code, EFLAGS and ESP come from the frame the delivery pushed.
final class PagedHarness {
    let bus = TestBus(ramSize: 2 << 20)
    var cpu: CPU { bus.cpu }
    static let kernelCode: UInt16 = 0x08, kernelData: UInt16 = 0x10
    static let userCode: UInt16 = 0x1B, userData: UInt16 = 0x23
    static let gdt = 0x1000, idt = 0x2000, tss = 0x3000, directory = 0x4000
    static let lowTable = 0x5000, regionTable = 0x6000, kernelStackTop: UInt32 = 0x8000
    static let handlers = 0x8000, code = 0x9000, userStack = 0xA000
    static let regionFrames = 0x10_0000
    private lazy var region = PagedRegionFrames(bus.ram + PagedHarness.regionFrames)

    init() {
        func put32(_ address: Int, _ v: UInt32) { bus.ram.storeBytes(of: v, toByteOffset: address, as: UInt32.self) }
        func descriptor(_ index: Int, access: UInt32, flags: UInt32) {
            put32(PagedHarness.gdt + index * 8, 0x0000_FFFF)
            put32(PagedHarness.gdt + index * 8 + 4, access << 8 | flags << 20 | 0xF_0000)
        }
        descriptor(1, access: 0x9B, flags: 0xC)
        descriptor(2, access: 0x93, flags: 0xC)
        descriptor(3, access: 0xFB, flags: 0xC)
        descriptor(4, access: 0xF3, flags: 0xC)
        for v in 0..<256 {
            let handler = UInt32(PagedHarness.handlers + v)
            put32(PagedHarness.idt + v * 8, UInt32(PagedHarness.kernelCode) << 16 | handler & 0xFFFF)
            put32(PagedHarness.idt + v * 8 + 4, handler & 0xFFFF_0000 | 0x8E00)
            bus.ram.storeBytes(of: 0xF4, toByteOffset: PagedHarness.handlers + v, as: UInt8.self)
        }
        put32(PagedHarness.tss + 4, PagedHarness.kernelStackTop)
        put32(PagedHarness.tss + 8, UInt32(PagedHarness.kernelData))
        let p: UInt32 = 1, w: UInt32 = 2, u: UInt32 = 4
        put32(PagedHarness.directory, UInt32(PagedHarness.lowTable) | p | w | u)
        put32(PagedHarness.directory + Int(PagedRegion.base >> 22) * 4, UInt32(PagedHarness.regionTable) | p | w | u)
        for page in 1...10 {
            let user = page * 0x1000 >= PagedHarness.code ? u : 0
            put32(PagedHarness.lowTable + page * 4, UInt32(page * 0x1000) | p | w | user)
        }
        cpu.gdtr = DescriptorTableRegister(base: UInt64(PagedHarness.gdt), limit: 5 * 8 - 1)
        cpu.idtr = DescriptorTableRegister(base: UInt64(PagedHarness.idt), limit: 256 * 8 - 1)
        cpu.tr = SegmentRegister(selector: 0x28, base: UInt64(PagedHarness.tss), limit: 0x67, attributes: 0x8B)
        cpu.cr0 = 0x8001_0011   // PG, WP, ET, PE
        cpu.cr3 = UInt64(PagedHarness.directory)
        try! cpu.memory.setPaging(cr0: cpu.cr0, cr3: cpu.cr3, cr4: 0, nxe: false)
    }

    /// Fills the region from `seed`, maps its pages with `protections` and sets
    /// CR0.WP, which must not matter at CPL 3 (SDM Vol. 3 §4.6.1).
    func prepare(seed: UInt32, protections: [PageProtection], writeProtect: Bool = true) {
        let cr0 = writeProtect ? cpu.cr0 | 0x1_0000 : cpu.cr0 & ~0x1_0000
        if cr0 != cpu.cr0 {
            cpu.cr0 = cr0
            try! cpu.memory.setPaging(cr0: cr0, cr3: cpu.cr3, cr4: 0, nxe: false)
        }
        region.fill(seed: seed)
        for (k, protection) in protections.enumerated() {
            let frame = UInt32(PagedHarness.regionFrames + k * 0x1000)
            let entry: UInt32
            switch protection {
            case .none: entry = 0
            case .readOnly: entry = frame | 5
            case .readWrite: entry = frame | 7
            }
            let linear = PagedRegion.base + UInt32(k * 0x1000)
            bus.ram.storeBytes(of: entry, toByteOffset: PagedHarness.regionTable + Int(linear >> 12 & 0x3FF) * 4, as: UInt32.self)
            cpu.memory.invalidatePage(UInt64(linear))
        }
    }

    /// Executes exactly one instruction `code` at CPL 3 from the given registers and EFLAGS.
    func step(code: [UInt8], registers: [UInt32], eflags: UInt32) -> PagedOutcome {
        bus.load(code + [0xF4], at: PagedHarness.code)
        let user = SegmentRegister(selector: PagedHarness.userData, base: 0, limit: 0xFFFF_FFFF, attributes: 0xCF3)
        cpu.segments[SegmentIndex.cs] = SegmentRegister(selector: PagedHarness.userCode, base: 0, limit: 0xFFFF_FFFF, attributes: 0xCFB)
        for s in [SegmentIndex.ds, SegmentIndex.es, SegmentIndex.ss, SegmentIndex.fs, SegmentIndex.gs] { cpu.segments[s] = user }
        if cpu.cpl != 3 { cpu.cpl = 3 }
        for r in 0..<8 { cpu.set32(r, registers[r]) }
        cpu.set32(Reg.esp, UInt32(PagedHarness.userStack + 0x1000))
        // Reloading EFLAGS would materialise the lazy flags; leaving them alone when
        // they already match lets a sequence test the lazy path across instructions.
        if cpu.eflags != eflags { cpu.eflags = eflags }
        cpu.eip = UInt32(PagedHarness.code)
        cpu.cr2 = 0
        cpu.halted = false
        _ = cpu.run(budget: 1)
        var outcome = PagedOutcome(registers: (0..<8).map { cpu.get32($0) }, eflags: cpu.eflags, changes: region.changes())
        if cpu.segments[SegmentIndex.cs].selector == PagedHarness.kernelCode {
            let vector = UInt8(truncatingIfNeeded: cpu.eip &- UInt32(PagedHarness.handlers))
            var frame = Int(cpu.get32(Reg.esp))
            if [8, 10, 11, 12, 13, 14, 17].contains(vector) {
                outcome.errorCode = bus.ram.load(fromByteOffset: frame, as: UInt32.self)
                frame += 4
            }
            outcome.fault = vector
            outcome.eflags = bus.ram.load(fromByteOffset: frame + 8, as: UInt32.self)
            outcome.registers[Reg.esp] = bus.ram.load(fromByteOffset: frame + 12, as: UInt32.self)
            outcome.cr2 = UInt32(truncatingIfNeeded: cpu.cr2)
        }
        return outcome
    }
}
