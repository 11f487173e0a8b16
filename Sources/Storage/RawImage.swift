import Glibc

/// A raw disk image: a plain host file whose bytes are the device's blocks
/// in order (QEMU's "raw" format). Reads and writes go straight to the file
/// with pread/pwrite, so a write has reached the file when `write` returns
/// and `flush` (fsync) puts it on stable storage.
///
/// The block count is the file size divided by the block size; a trailing
/// partial block is not addressable.
public final class RawImage: BlockDevice {
    public let path: String
    public let blockSize: Int
    public let blockCount: UInt64
    public let isReadOnly: Bool
    private let fd: Int32

    public init(path: String, readOnly: Bool = false, blockSize: Int = 512) throws {
        let descriptor = open(path, (readOnly ? O_RDONLY : O_RDWR) | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw StorageError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw StorageError.cannotOpen(path: path, reason: reason)
        }
        guard info.st_mode & S_IFMT == S_IFREG || info.st_mode & S_IFMT == S_IFBLK else {
            close(descriptor)
            throw StorageError.cannotOpen(path: path, reason: "not a regular file")
        }
        var size = UInt64(max(info.st_size, 0))
        if info.st_mode & S_IFMT == S_IFBLK {
            size = UInt64(max(lseek(descriptor, 0, SEEK_END), 0))
        }
        self.path = path
        self.blockSize = max(blockSize, 1)
        self.isReadOnly = readOnly
        fd = descriptor
        blockCount = size / UInt64(self.blockSize)
    }

    deinit {
        close(fd)
    }

    public func read(at lba: UInt64, count: Int) throws -> [UInt8] {
        guard contains(lba: lba, count: count) else { throw StorageError.outOfRange(lba: lba, count: count) }
        var data = [UInt8](repeating: 0, count: count * blockSize)
        var done = 0
        let offset = Int(lba) * blockSize
        while done < data.count {
            let n = data.withUnsafeMutableBytes { buffer in
                pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw failure("read") }
            if n == 0 { break }
            done += n
        }
        return data
    }

    public func write(at lba: UInt64, _ data: [UInt8]) throws {
        let offset = try checkWrite(at: lba, data)
        var done = 0
        while done < data.count {
            let n = data.withUnsafeBytes { buffer in
                pwrite(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw failure("write") }
            done += n
        }
    }

    public func flush() throws {
        guard !isReadOnly else { return }
        while fsync(fd) != 0 {
            guard errno == EINTR else { throw failure("fsync") }
        }
    }

    private func failure(_ operation: String) -> StorageError {
        .ioFailed(path: path, operation: operation, reason: String(cString: strerror(errno)))
    }
}
