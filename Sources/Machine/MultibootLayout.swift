/// Where the multiboot loader puts what it hands the kernel, and where the
/// kernel's own bytes may go (Multiboot Specification 0.6.96 §3.3 leaves the
/// places to the loader). The low addresses follow QEMU: the memory map at
/// 0x9000, the information structure at 0x9500. The GDT follows them (QEMU's
/// lies in its option ROM, for which this board has no RAM). The module list,
/// the strings and the modules go after the kernel, page-aligned, as in QEMU.
enum MultibootLayout {
    static let memoryMapAddress: UInt32 = 0x9000
    static let informationAddress: UInt32 = 0x9500
    static let gdtAddress: UInt32 = 0x9580
    /// The loader's data in low memory, which nothing else may overlap.
    static let loaderDataStart: UInt64 = 0x9000
    static let loaderDataEnd: UInt64 = 0x9600
    /// The ESP the kernel starts with. §3.2 leaves ESP undefined and the kernel
    /// must switch to its own stack; until it does, pushes land in free low
    /// memory just below the loader's data rather than on anything it placed.
    static let initialStackPointer: UInt32 = 0x9000
    /// Below 1 MiB the memory map reports 0x9FC00-0xFFFFF reserved: the KiB a
    /// PC BIOS keeps for its extended data area, the VGA window and the ROMs.
    static let reservedStart: UInt64 = 0x9_FC00
    static let reservedEnd: UInt64 = 0x10_0000
    static let pageSize: UInt64 = 4096

    static func pageAlign(_ address: UInt64) -> UInt64 {
        (address + pageSize - 1) & ~(pageSize - 1)
    }

    /// Throws unless `start..<end` lies in RAM, outside the reserved area and
    /// outside the loader's data. An empty range only has to start within RAM.
    static func checkPlacement(_ what: String, start: UInt64, end: UInt64, ramSize: Int) throws(MultibootError) {
        guard end <= UInt64(ramSize), start <= UInt64(ramSize) else {
            throw .placement(what: what, start: start, end: end, problem: .beyondRAM(ramSize))
        }
        guard end > start else { return }
        if start < reservedEnd && end > reservedStart {
            throw .placement(what: what, start: start, end: end, problem: .reservedArea)
        }
        if start < loaderDataEnd && end > loaderDataStart {
            throw .placement(what: what, start: start, end: end, problem: .loaderData)
        }
    }
}
