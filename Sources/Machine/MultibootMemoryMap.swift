/// The memory map of the multiboot information structure (Multiboot
/// Specification 0.6.96 §3.3, `mmap_addr` and `mmap_length`): entries of a
/// 4-byte size field (20, which does not count itself), a 64-bit base, a 64-bit
/// length and a 32-bit type, 1 for usable RAM and anything else reserved.
///
/// This board's map: RAM below 0x9FC00, the reserved area up to 1 MiB, RAM
/// from 1 MiB to its end, and the BIOS image below 4 GiB, reserved, as QEMU's
/// BIOS reports it too.
struct MultibootMemoryMap: Equatable {
    struct Entry: Equatable {
        var base: UInt64
        var length: UInt64
        var type: UInt32
    }

    static let available: UInt32 = 1
    static let reserved: UInt32 = 2
    /// The size field's value: the entry's bytes after the field itself.
    static let entrySize: UInt32 = 20

    var entries: [Entry]

    /// `ramSize` is at least 2 MiB, `biosSize` at least a page (the board's minimums).
    init(ramSize: Int, biosSize: Int) {
        let low = MultibootLayout.reservedStart, high = MultibootLayout.reservedEnd
        entries = [
            Entry(base: 0, length: low, type: MultibootMemoryMap.available),
            Entry(base: low, length: high - low, type: MultibootMemoryMap.reserved),
            Entry(base: high, length: UInt64(ramSize) - high, type: MultibootMemoryMap.available),
            Entry(base: (1 << 32) - UInt64(biosSize), length: UInt64(biosSize), type: MultibootMemoryMap.reserved),
        ]
    }

    var bytes: [UInt8] {
        var b: [UInt8] = []
        for e in entries {
            b.appendLittleEndian32(MultibootMemoryMap.entrySize)
            b.appendLittleEndian64(e.base)
            b.appendLittleEndian64(e.length)
            b.appendLittleEndian32(e.type)
        }
        return b
    }
}
