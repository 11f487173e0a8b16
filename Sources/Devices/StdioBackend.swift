import Glibc

/// Character backend on the host's standard input and output.
///
/// Output is line buffered; a guest printing a prompt without a newline is
/// shown when the machine calls `flush()`, which it should do whenever the
/// guest idles. Input is polled without blocking. When the input is a
/// terminal it is put in raw mode, as QEMU's `-serial stdio` does: keys reach
/// the guest one by one and Ctrl-C goes to the guest, not to SwiftPC. Ctrl-A
/// is then an escape: Ctrl-A X quits (`quitRequested`), Ctrl-A Ctrl-A sends
/// one Ctrl-A. Output processing stays on, so a bare LF still starts a new line.
/// The terminal's settings come back when the backend goes away or the process exits.
public final class StdioBackend: CharacterBackend {
    private let writer: FileDescriptorWriter
    private let inputFD: Int32
    private var pending: [UInt8] = []
    private var pendingIndex = 0
    private var inputClosed = false
    /// The terminal settings to restore, when the input is a terminal put in raw mode.
    private var savedTerminal: termios?
    /// The last input byte was Ctrl-A: the next one is an escape command.
    private var escape = false
    public private(set) var quitRequested = false

    static let escapeKey: UInt8 = 0x01

    /// The descriptors default to stdin and stdout; tests pass pipes or a pseudo-terminal.
    public init(inputFD: Int32 = STDIN_FILENO, outputFD: Int32 = STDOUT_FILENO) {
        self.inputFD = inputFD
        writer = FileDescriptorWriter(fd: outputFD)
        if inputFD >= 0 && isatty(inputFD) == 1 { enterRawMode() }
    }

    deinit {
        writer.flush()
        restoreTerminal()
    }

    private func enterRawMode() {
        var settings = termios()
        guard tcgetattr(inputFD, &settings) == 0 else { return }
        savedTerminal = settings
        TerminalRestore.remember(fd: inputFD, settings: settings)
        cfmakeraw(&settings)
        settings.c_oflag |= tcflag_t(OPOST)
        tcsetattr(inputFD, TCSANOW, &settings)
    }

    private func restoreTerminal() {
        guard var settings = savedTerminal else { return }
        tcsetattr(inputFD, TCSANOW, &settings)
        savedTerminal = nil
        TerminalRestore.forget()
    }

    public func write(_ byte: UInt8) {
        writer.write(byte)
    }

    public func flush() {
        writer.flush()
    }

    public func readByte() -> UInt8? {
        while let byte = nextInputByte() {
            guard savedTerminal != nil else { return byte }
            if escape {
                escape = false
                switch byte {
                case StdioBackend.escapeKey: return byte
                case UInt8(ascii: "x"), UInt8(ascii: "X"):
                    quitRequested = true
                    return nil
                default: continue
                }
            }
            if byte == StdioBackend.escapeKey {
                escape = true
                continue
            }
            return byte
        }
        return nil
    }

    private func nextInputByte() -> UInt8? {
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

/// Puts a terminal left in raw mode back when the process exits without
/// tearing the backend down (`exit` runs no deinitialisers).
private enum TerminalRestore {
    nonisolated(unsafe) static var fd: Int32 = -1
    nonisolated(unsafe) static var settings = termios()
    nonisolated(unsafe) static var registered = false

    static func remember(fd: Int32, settings: termios) {
        self.fd = fd
        self.settings = settings
        if !registered {
            registered = true
            atexit {
                if TerminalRestore.fd >= 0 { tcsetattr(TerminalRestore.fd, TCSANOW, &TerminalRestore.settings) }
            }
        }
    }

    static func forget() { fd = -1 }
}
