import Glibc

/// Character backend on the host's standard input and output.
///
/// Output is line buffered; a guest printing a prompt without a newline is
/// shown when the machine calls `flush()`, which it should do whenever the
/// guest idles. Input is polled without blocking and the terminal is left in
/// its normal (cooked) mode, so keystrokes arrive a line at a time.
public final class StdioBackend: CharacterBackend {
    private let writer: FileDescriptorWriter
    private let inputFD: Int32
    private var pending: [UInt8] = []
    private var pendingIndex = 0
    private var inputClosed = false

    /// The descriptors default to stdin and stdout; tests pass pipes.
    public init(inputFD: Int32 = STDIN_FILENO, outputFD: Int32 = STDOUT_FILENO) {
        self.inputFD = inputFD
        writer = FileDescriptorWriter(fd: outputFD)
    }

    deinit {
        writer.flush()
    }

    public func write(_ byte: UInt8) {
        writer.write(byte)
    }

    public func flush() {
        writer.flush()
    }

    public func readByte() -> UInt8? {
        if pendingIndex < pending.count {
            let byte = pending[pendingIndex]
            pendingIndex += 1
            return byte
        }
        guard !inputClosed, inputReady() else { return nil }
        var chunk = [UInt8](repeating: 0, count: 256)
        let count = chunk.withUnsafeMutableBytes { Glibc.read(inputFD, $0.baseAddress, $0.count) }
        if count == 0 {
            // At end of file poll() keeps reporting the descriptor readable;
            // remembering it avoids a pair of system calls per guest poll.
            inputClosed = true
            return nil
        }
        guard count > 0 else { return nil }
        pending = Array(chunk[1..<count])
        pendingIndex = 0
        return chunk[0]
    }

    private func inputReady() -> Bool {
        var descriptor = pollfd(fd: inputFD, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) > 0 else { return false }
        return descriptor.revents & Int16(POLLIN | POLLHUP) != 0
    }
}
