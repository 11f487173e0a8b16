/// A block device held in host memory: scratch disks and test media.
public final class MemoryBlockDevice: BlockDevice {
    public let blockSize: Int
    public let isReadOnly: Bool
    public private(set) var bytes: [UInt8]
    /// How many times `flush` was called, so tests can see a FLUSH CACHE arrive.
    public private(set) var flushCount = 0

    public init(blockSize: Int = 512, blockCount: Int, readOnly: Bool = false) {
        self.blockSize = max(blockSize, 1)
        isReadOnly = readOnly
        bytes = Array(repeating: 0, count: self.blockSize * max(blockCount, 0))
    }

    /// A device holding `contents`, padded with zeros to whole blocks.
    public init(blockSize: Int = 512, contents: [UInt8], readOnly: Bool = false) {
        self.blockSize = max(blockSize, 1)
        isReadOnly = readOnly
        let blocks = (contents.count + self.blockSize - 1) / self.blockSize
        bytes = contents + Array(repeating: 0, count: blocks * self.blockSize - contents.count)
    }

    public var blockCount: UInt64 { UInt64(bytes.count / blockSize) }

    public func read(at lba: UInt64, count: Int) throws -> [UInt8] {
        guard contains(lba: lba, count: count) else { throw StorageError.outOfRange(lba: lba, count: count) }
        let start = Int(lba) * blockSize
        return Array(bytes[start..<start + count * blockSize])
    }

    public func write(at lba: UInt64, _ data: [UInt8]) throws {
        let start = try checkWrite(at: lba, data)
        bytes.replaceSubrange(start..<start + data.count, with: data)
    }

    public func flush() throws {
        flushCount += 1
    }
}
