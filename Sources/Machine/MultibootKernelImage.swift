/// What a multiboot kernel file asks to have in memory before it runs
/// (Multiboot Specification 0.6.96 §3.1.3): its segments and its entry
/// address. The header's address fields (flag 16, the "a.out kludge") describe
/// one segment when present; otherwise the file must be an ELF executable and
/// its program headers describe them (`MultibootELF.swift`).
public struct MultibootKernelImage: Equatable {
    /// Bytes `fileOffset..<fileOffset + fileSize` of the file placed at
    /// `address`, then zeroes up to `memorySize` bytes (the bss).
    public struct Segment: Equatable {
        public var address: UInt32
        public var fileOffset: Int
        public var fileSize: Int
        public var memorySize: Int

        /// One past the last byte, which may lie beyond 4 GiB in a bad file.
        public var end: UInt64 { UInt64(address) + UInt64(memorySize) }
    }

    public var header: MultibootHeader
    /// Never empty, each with `fileSize <= memorySize`, all within the file.
    public var segments: [Segment]
    public var entry: UInt32

    public init(file: [UInt8]) throws(MultibootError) {
        header = try MultibootHeader(file: file)
        if let fields = header.addressFields {
            segments = [try MultibootKernelImage.segment(fields, headerOffset: header.offset, fileSize: file.count)]
            entry = fields.entryAddress
        } else {
            (segments, entry) = try MultibootKernelImage.elfSegments(file)
        }
        let e = UInt64(entry)
        guard segments.contains(where: { UInt64($0.address) <= e && e < $0.end }) else {
            throw .entryOutsideImage(entry)
        }
    }

    /// The lowest loaded address.
    public var start: UInt64 { segments.map { UInt64($0.address) }.min() ?? 0 }
    /// One past the highest loaded byte, bss included.
    public var end: UInt64 { segments.map(\.end).max() ?? 0 }

    /// §3.1.3: header_addr locates the header in memory, so the file's loaded
    /// bytes start `header_addr - load_addr` bytes before the header's offset.
    static func segment(_ fields: MultibootHeader.AddressFields, headerOffset: Int,
                        fileSize: Int) throws(MultibootError) -> Segment {
        let load = fields.loadAddress
        guard fields.headerAddress >= load else {
            throw .addressFields("header_addr \(hexAddress(fields.headerAddress)) is below load_addr \(hexAddress(load))")
        }
        let lead = Int(fields.headerAddress - load)
        guard lead <= headerOffset else {
            throw .addressFields("load_addr \(hexAddress(load)) would start loading \(lead) bytes before the header,"
                                 + " but the header is only \(headerOffset) bytes into the file")
        }
        let start = headerOffset - lead
        var loadSize = fileSize - start
        if fields.loadEndAddress != 0 {
            guard fields.loadEndAddress >= load else {
                throw .addressFields("load_end_addr \(hexAddress(fields.loadEndAddress)) is below load_addr \(hexAddress(load))")
            }
            loadSize = Int(fields.loadEndAddress - load)
            guard loadSize <= fileSize - start else {
                throw .addressFields("load_end_addr \(hexAddress(fields.loadEndAddress)) asks for \(loadSize) bytes;"
                                     + " the file has \(fileSize - start) from load_addr on")
            }
        }
        var memorySize = loadSize
        if fields.bssEndAddress != 0 {
            let loadEnd = UInt64(load) + UInt64(loadSize)
            guard UInt64(fields.bssEndAddress) >= loadEnd else {
                throw .addressFields("bss_end_addr \(hexAddress(fields.bssEndAddress)) is below the end of the loaded bytes")
            }
            memorySize = Int(fields.bssEndAddress - load)
        }
        return Segment(address: load, fileOffset: start, fileSize: loadSize, memorySize: memorySize)
    }
}
