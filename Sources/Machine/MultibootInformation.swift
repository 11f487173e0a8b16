/// The multiboot information structure (Multiboot Specification 0.6.96
/// §3.3), whose address the kernel gets in EBX. This loader fills the memory
/// fields (flag 0), the command line (flag 2), the module list (flag 3, set
/// even with no modules, as QEMU does), the memory map (flag 6) and the boot
/// loader name (flag 9). It leaves out `boot_device` (flag 1): there are no
/// BIOS drives yet. Every other field is zero.
struct MultibootInformation: Equatable {
    /// Through the framebuffer fields, the last ones 0.6.96 defines.
    static let size = 116
    static let bootLoaderName = "SwiftPC"
    static let flags: UInt32 = 1 << 0 | 1 << 2 | 1 << 3 | 1 << 6 | 1 << 9

    /// KiB of RAM from 0 and from 1 MiB, up to the first hole above each.
    var memoryLower: UInt32
    var memoryUpper: UInt32
    var commandLine: UInt32
    var moduleCount: UInt32
    var moduleList: UInt32
    var memoryMapLength: UInt32
    var memoryMapAddress: UInt32
    var bootLoaderNameAddress: UInt32

    var bytes: [UInt8] {
        var b = [UInt8](repeating: 0, count: MultibootInformation.size)
        b.storeLittleEndian32(MultibootInformation.flags, at: 0)
        b.storeLittleEndian32(memoryLower, at: 4)
        b.storeLittleEndian32(memoryUpper, at: 8)
        b.storeLittleEndian32(commandLine, at: 16)
        b.storeLittleEndian32(moduleCount, at: 20)
        b.storeLittleEndian32(moduleList, at: 24)
        b.storeLittleEndian32(memoryMapLength, at: 44)
        b.storeLittleEndian32(memoryMapAddress, at: 48)
        b.storeLittleEndian32(bootLoaderNameAddress, at: 64)
        return b
    }
}
