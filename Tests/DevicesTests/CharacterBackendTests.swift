import Glibc
import XCTest
import Devices

final class CharacterBackendTests: XCTestCase {
    private func temporaryPath() -> String {
        let name = "swiftpc-devices-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        return NSTemporaryDirectory() + name
    }

    func testBufferBackend() {
        let backend = BufferBackend(input: [0x61])
        for byte in "ok\u{FF}".utf8 {
            backend.write(byte)
        }
        XCTAssertEqual(backend.text, "ok\u{FF}")
        backend.queueInput("bc")
        XCTAssertEqual(backend.pendingInputCount, 3)
        XCTAssertEqual([backend.readByte(), backend.readByte(), backend.readByte()], [0x61, 0x62, 0x63])
        XCTAssertNil(backend.readByte())
    }

    func testNullBackend() {
        let backend = NullBackend()
        backend.write(0x41)
        backend.flush()
        XCTAssertNil(backend.readByte())
    }

    func testFileBackendWritesFile() throws {
        let path = temporaryPath()
        defer { unlink(path) }
        let backend = try FileBackend(path: path)
        for byte in "line\npartial".utf8 {
            backend.write(byte)
        }
        backend.flush()
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "line\npartial")
        XCTAssertNil(backend.readByte())
    }

    func testFileBackendReportsUnwritablePath() {
        XCTAssertThrowsError(try FileBackend(path: "/nonexistent/dir/x")) { error in
            XCTAssertEqual("\(error)", "cannot open '/nonexistent/dir/x' for writing: No such file or directory")
            XCTAssertEqual(error.localizedDescription, "\(error)")
        }
    }

    func testMakeFromSpec() throws {
        let path = temporaryPath()
        defer { unlink(path) }
        let cases: [(spec: String, expected: CharacterBackend.Type)] = [
            ("stdio", StdioBackend.self),
            ("null", NullBackend.self),
            ("file:" + path, FileBackend.self),
        ]
        for (spec, expected) in cases {
            let backend = try CharacterBackends.make(spec: spec)
            XCTAssertTrue(type(of: backend) == expected, spec)
        }
    }

    func testMakeRejectsBadSpecs() {
        let cases: [(spec: String, message: String)] = [
            ("xyz", "unknown character device 'xyz' (expected stdio, null, file:PATH or tcp:127.0.0.1:PORT[,server,nowait])"),
            ("", "unknown character device '' (expected stdio, null, file:PATH or tcp:127.0.0.1:PORT[,server,nowait])"),
            ("file:", "character device 'file:' needs a path, as in file:PATH"),
            ("file:/nonexistent/dir/x", "cannot open '/nonexistent/dir/x' for writing: No such file or directory"),
        ]
        for (spec, message) in cases {
            XCTAssertThrowsError(try CharacterBackends.make(spec: spec), spec) { error in
                XCTAssertEqual("\(error)", message)
            }
        }
    }
}

final class StdioBackendTests: XCTestCase {
    private var inputPipe: [Int32] = [-1, -1]
    private var outputPipe: [Int32] = [-1, -1]

    override func setUp() {
        super.setUp()
        XCTAssertEqual(pipe(&inputPipe), 0)
        XCTAssertEqual(pipe(&outputPipe), 0)
    }

    override func tearDown() {
        for fd in inputPipe + outputPipe where fd >= 0 {
            close(fd)
        }
        super.tearDown()
    }

    private func available(_ fd: Int32) -> [UInt8] {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: 256)
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return Array(bytes.prefix(max(count, 0)))
    }

    func testInputIsNonBlocking() {
        let backend = StdioBackend(inputFD: inputPipe[0], outputFD: outputPipe[1])
        XCTAssertNil(backend.readByte())
        XCTAssertEqual(write(inputPipe[1], "ab", 2), 2)
        XCTAssertEqual(backend.readByte(), 0x61)
        XCTAssertEqual(backend.readByte(), 0x62)
        XCTAssertNil(backend.readByte())
        close(inputPipe[1])
        inputPipe[1] = -1
        XCTAssertNil(backend.readByte(), "end of input")
    }

    func testOutputFlushesOnNewlineAndOnFlush() {
        let backend = StdioBackend(inputFD: inputPipe[0], outputFD: outputPipe[1])
        backend.write(0x61)
        XCTAssertEqual(available(outputPipe[0]), [], "held until a newline")
        backend.write(0x0A)
        XCTAssertEqual(available(outputPipe[0]), [0x61, 0x0A])
        backend.write(0x3E)
        backend.flush()
        XCTAssertEqual(available(outputPipe[0]), [0x3E])
    }
}

/// StdioBackend on a terminal (a pseudo-terminal here): raw mode while it
/// lives, the Ctrl-A escapes, and the settings restored afterwards.
final class StdioTerminalTests: XCTestCase {
    func testRawModeAndEscapes() throws {
        // /dev/ptmx with the Linux ioctls TIOCSPTLCK and TIOCGPTN (their _IOW/_IOR
        // values): Glibc's module leaves out posix_openpt, ptsname and those macros.
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0, number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            throw XCTSkip("no pseudo-terminals here")
        }
        defer { close(master) }
        let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        XCTAssertGreaterThanOrEqual(slave, 0)
        defer { close(slave) }
        var before = termios()
        tcgetattr(slave, &before)
        XCTAssertNotEqual(before.c_lflag & tcflag_t(ICANON), 0, "a new terminal starts in canonical mode")

        var backend: StdioBackend? = StdioBackend(inputFD: slave, outputFD: slave)
        var raw = termios()
        tcgetattr(slave, &raw)
        XCTAssertEqual(raw.c_lflag & tcflag_t(ICANON | ECHO | ISIG), 0, "raw: no line editing, echo or signals")
        XCTAssertNotEqual(raw.c_oflag & tcflag_t(OPOST), 0, "output processing kept")

        // a, Ctrl-A Ctrl-A (one Ctrl-A), Ctrl-A q (ignored), b, Ctrl-A x (quit)
        let input: [UInt8] = [0x61, 0x01, 0x01, 0x01, 0x71, 0x62, 0x01, 0x78]
        XCTAssertEqual(input.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }, input.count)
        var got: [UInt8] = []
        for _ in 0..<200 where !(backend?.quitRequested ?? true) {
            if let b = backend?.readByte() { got.append(b) } else { usleep(1000) }
        }
        XCTAssertEqual(got, [0x61, 0x01, 0x62])
        XCTAssertEqual(backend?.quitRequested, true)

        backend = nil
        var after = termios()
        tcgetattr(slave, &after)
        XCTAssertEqual(after.c_lflag, before.c_lflag, "settings restored")
    }
}
