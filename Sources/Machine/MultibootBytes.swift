/// Little-endian fields, the byte order of every multiboot and i386 ELF field
/// (Multiboot Specification 0.6.96 §3.1.1: "all fields are in little-endian
/// byte order"). Readers take offsets their callers have checked against the
/// array's size: kernel files are untrusted, so every caller bounds-checks first.
extension Array where Element == UInt8 {
    func littleEndian16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    func littleEndian32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) | UInt32(self[offset + 1]) << 8
            | UInt32(self[offset + 2]) << 16 | UInt32(self[offset + 3]) << 24
    }

    mutating func appendLittleEndian32(_ value: UInt32) {
        for k in 0..<4 { append(UInt8(truncatingIfNeeded: value >> (8 * k))) }
    }

    mutating func appendLittleEndian64(_ value: UInt64) {
        for k in 0..<8 { append(UInt8(truncatingIfNeeded: value >> (8 * k))) }
    }

    mutating func storeLittleEndian32(_ value: UInt32, at offset: Int) {
        for k in 0..<4 { self[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
    }

    /// A string's UTF-8 bytes and the terminating NUL the kernel reads up to.
    mutating func appendCString(_ text: String) {
        append(contentsOf: text.utf8)
        append(0)
    }
}
