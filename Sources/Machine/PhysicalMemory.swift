import X86

/// The PC's physical address space (the classic layout of the IBM PC/AT and its
/// successors): conventional RAM below 640 KiB, the VGA window at
/// 0xA0000-0xBFFFF, option and system ROM at 0xC0000-0xFFFFF (the top of the
/// BIOS image ends at 0xFFFFF), extended RAM from 1 MiB, and the BIOS image
/// aliased again so that it ends at 0xFFFFFFFF, where the reset vector is fetched.
public final class PhysicalMemory {
    public let ramSize: Int
    public let ram: UnsafeMutableRawPointer
    private var rom: UnsafeMutableRawPointer?
    let access: MemoryAccess

    /// The largest RAM this board takes: below the 3 GiB PCI hole.
    public static let maximumRAM = 3 << 30
    static let isaROMWindow = 128 << 10

    init(ramSize: Int, access: MemoryAccess) {
        self.ramSize = ramSize
        self.access = access
        ram = .allocate(byteCount: ramSize, alignment: 4096)
        ram.initializeMemory(as: UInt8.self, repeating: 0, count: ramSize)
        access.map(firstPage: 0, count: ramSize >> 12, host: ram, writable: true)
        // The VGA window and ROM area are not RAM, whatever the RAM size.
        access.unmap(firstPage: 0xA0, count: 0x60)
    }

    deinit {
        ram.deallocate()
        rom?.deallocate()
    }

    /// Installs a BIOS image: its last 128 KiB (or all of it if smaller) end at
    /// 0xFFFFF, and the whole image ends at 0xFFFFFFFF.
    func loadBIOS(_ image: [UInt8]) {
        rom?.deallocate()
        let size = (image.count + 0xFFF) & ~0xFFF
        let r = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 4096)
        r.initializeMemory(as: UInt8.self, repeating: 0xFF, count: size)
        // Right-aligned so the image's last byte is the page's last byte.
        let start = size - image.count
        image.withUnsafeBytes { r.advanced(by: start).copyMemory(from: $0.baseAddress!, byteCount: image.count) }
        rom = r
        let low = min(size, PhysicalMemory.isaROMWindow)
        access.map(firstPage: (0x10_0000 - low) >> 12, count: low >> 12, host: r + (size - low), writable: false)
        access.map(firstPage: (0x1_0000_0000 - size) >> 12, count: size >> 12, host: r, writable: false)
    }
}
