import Glibc

/// Buffered output to a POSIX file descriptor, shared by the stdio and file
/// backends. Guests emit one byte per OUT instruction, so writing each byte
/// with its own system call would dominate the cost of serial output; bytes
/// are instead held until a newline, a full buffer or an explicit flush.
final class FileDescriptorWriter {
    private static let capacity = 4096
    private static let newline = UInt8(ascii: "\n")

    let fd: Int32
    private var buffer: [UInt8] = []

    init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(Self.capacity)
    }

    func write(_ byte: UInt8) {
        buffer.append(byte)
        if byte == Self.newline || buffer.count >= Self.capacity {
            flush()
        }
    }

    /// Writes out everything buffered. Output errors are dropped: a closed
    /// terminal or full disk must not stop the emulated machine.
    func flush() {
        var offset = 0
        buffer.withUnsafeBytes { bytes in
            guard let start = bytes.baseAddress else { return }
            while offset < bytes.count {
                let written = Glibc.write(fd, start + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
