import Glibc

/// Character backend that records output to a host file (QEMU `file:PATH`).
/// The file is created or truncated; it provides no input.
public final class FileBackend: CharacterBackend {
    public let path: String
    private let writer: FileDescriptorWriter

    public init(path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw CharacterBackendError.cannotOpen(path: path, reason: reason)
        }
        self.path = path
        writer = FileDescriptorWriter(fd: fd)
    }

    deinit {
        writer.flush()
        close(writer.fd)
    }

    public func write(_ byte: UInt8) {
        writer.write(byte)
    }

    public func readByte() -> UInt8? {
        nil
    }

    public func flush() {
        writer.flush()
    }
}
