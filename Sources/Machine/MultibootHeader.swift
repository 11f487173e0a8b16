/// The multiboot header (Multiboot Specification 0.6.96 §3.1.1-3.1.3): magic,
/// flags and checksum at a 4-byte-aligned offset, wholly within the file's
/// first 8192 bytes, and, when flag 16 is set, the address fields of the
/// "a.out kludge" that tell the loader where to put the file without reading
/// its executable format.
public struct MultibootHeader: Equatable {
    public static let magic: UInt32 = 0x1BAD_B002
    /// The header must lie completely within this many bytes of the file (§3.1.1).
    public static let searchLimit = 8192
    /// Flag 16: the address fields are valid; the loader uses them even for an ELF file (§3.1.2).
    public static let addressFieldsFlag: UInt32 = 1 << 16
    /// Requirement bits (0-15) this loader meets: 0, page-aligned modules (it
    /// always aligns them), and 1, memory information (always given). Bit 2, a
    /// video mode, is accepted without one, as QEMU does: the information
    /// structure then simply has no video fields (flags 11 and 12 clear).
    static let knownRequirements: UInt32 = 0x7

    /// §3.1.3, offsets 12-28: where the file goes and where it starts running.
    public struct AddressFields: Equatable {
        /// The address the header's magic is loaded at; ties the file to memory.
        public var headerAddress: UInt32
        /// The address of the file's first loaded byte.
        public var loadAddress: UInt32
        /// End of the loaded bytes; 0 means the rest of the file.
        public var loadEndAddress: UInt32
        /// End of the zeroed bss after them; 0 means no bss.
        public var bssEndAddress: UInt32
        public var entryAddress: UInt32
    }

    /// Offset of the magic in the file.
    public var offset: Int
    public var flags: UInt32
    /// Present exactly when flag 16 is set.
    public var addressFields: AddressFields?

    /// Finds the first valid header in `file`. A magic whose checksum does not
    /// match is no header (the search goes on), as in QEMU.
    public init(file: [UInt8]) throws(MultibootError) {
        let end = min(file.count, MultibootHeader.searchLimit)
        var found: Int?
        var o = 0
        while o + 12 <= end {
            if file.littleEndian32(at: o) == MultibootHeader.magic,
               MultibootHeader.magic &+ file.littleEndian32(at: o + 4) &+ file.littleEndian32(at: o + 8) == 0 {
                found = o
                break
            }
            o += 4
        }
        guard let offset = found else { throw .noHeader }
        self.offset = offset
        flags = file.littleEndian32(at: offset + 4)
        if flags & 0xFFFF & ~MultibootHeader.knownRequirements != 0 {
            throw .unsupportedRequirements(flags: flags)
        }
        guard flags & MultibootHeader.addressFieldsFlag != 0 else { return }
        guard offset + 32 <= end else { throw .headerTruncated(offset: offset) }
        addressFields = AddressFields(headerAddress: file.littleEndian32(at: offset + 12),
                                      loadAddress: file.littleEndian32(at: offset + 16),
                                      loadEndAddress: file.littleEndian32(at: offset + 20),
                                      bssEndAddress: file.littleEndian32(at: offset + 24),
                                      entryAddress: file.littleEndian32(at: offset + 28))
    }
}
