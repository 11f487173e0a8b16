/// A disk or disc image seen as fixed-size blocks (DESIGN.md, "Storage/: disk
/// image formats behind one BlockDevice protocol"): 512-byte sectors for
/// hard disks, 2048-byte sectors for CD-ROM media (ECMA-119 logical blocks).
///
/// Devices address it by logical block number; a request that does not lie
/// wholly inside the device throws `StorageError.outOfRange` without touching
/// any block, so a guest's address never reaches the host unchecked.
public protocol BlockDevice: AnyObject {
    var blockSize: Int { get }
    var blockCount: UInt64 { get }
    var isReadOnly: Bool { get }
    /// The `count` blocks starting at `lba`, `count * blockSize` bytes.
    func read(at lba: UInt64, count: Int) throws -> [UInt8]
    /// Writes whole blocks; `data.count` must be a multiple of `blockSize`.
    func write(at lba: UInt64, _ data: [UInt8]) throws
    /// Returns once every completed write is on stable storage.
    func flush() throws
}

extension BlockDevice {
    /// Whether `count` blocks from `lba` lie inside the device.
    public func contains(lba: UInt64, count: Int) -> Bool {
        guard count >= 0, lba <= blockCount else { return false }
        return UInt64(count) <= blockCount - lba
    }

    /// The checks every write makes before touching a block: a writable device,
    /// whole blocks, inside the device. Returns the byte offset of `lba`.
    func checkWrite(at lba: UInt64, _ data: [UInt8]) throws -> Int {
        guard !isReadOnly else { throw StorageError.readOnly }
        guard data.count % blockSize == 0 else {
            throw StorageError.misalignedWrite(bytes: data.count, blockSize: blockSize)
        }
        let count = data.count / blockSize
        guard contains(lba: lba, count: count) else { throw StorageError.outOfRange(lba: lba, count: count) }
        return Int(lba) * blockSize
    }
}

/// Why a storage operation failed; `description` is one line naming the file
/// and the problem, suitable for stderr as is (DESIGN.md, "Errors").
public enum StorageError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case ioFailed(path: String, operation: String, reason: String)
    case outOfRange(lba: UInt64, count: Int)
    case readOnly
    case misalignedWrite(bytes: Int, blockSize: Int)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open disk image '\(path)': \(reason)"
        case .ioFailed(let path, let operation, let reason):
            return "disk image '\(path)': \(operation) failed: \(reason)"
        case .outOfRange(let lba, let count):
            return "blocks \(lba)+\(count) lie beyond the end of the device"
        case .readOnly:
            return "the device is read-only"
        case .misalignedWrite(let bytes, let blockSize):
            return "a write of \(bytes) bytes is not a whole number of \(blockSize)-byte blocks"
        }
    }
}
