import Glibc

/// Character backend on a TCP socket of the loopback interface, as QEMU's
/// `-serial tcp:127.0.0.1:PORT,server,nowait` (listen for one client) or
/// `tcp:127.0.0.1:PORT` (connect to a listening program).
///
/// Nothing blocks the guest: a server accepts its client when one is waiting,
/// output while no client is connected is dropped (as a serial line with
/// nothing plugged in), input is polled, and a client that goes away is
/// replaced by the next one to connect. Only loopback addresses are accepted,
/// so a guest's console is never exposed beyond this host.
public final class TCPBackend: CharacterBackend {
    private var listener: Int32 = -1
    private var connection: Int32 = -1
    /// The port listened on or connected to (useful with port 0: the system's choice).
    public private(set) var port: UInt16 = 0
    private var output: [UInt8] = []
    private var input: [UInt8] = []
    private var inputIndex = 0

    /// Listens on 127.0.0.1:`port` (`server: true`) or connects to it.
    public init(port: UInt16, server: Bool) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TCPBackend.failure("socket", port) }
        var address = TCPBackend.loopback(port)
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        if server {
            var on: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
            let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
            guard bound == 0, listen(fd, 1) == 0 else {
                close(fd)
                throw TCPBackend.failure("listen on", port)
            }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var actual = sockaddr_in()
            var actualLength = length
            _ = withUnsafeMutablePointer(to: &actual) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &actualLength) }
            }
            listener = fd
            self.port = UInt16(bigEndian: actual.sin_port)
        } else {
            let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) } }
            guard connected == 0 else {
                close(fd)
                throw TCPBackend.failure("connect to", port)
            }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            connection = fd
            self.port = port
        }
    }

    deinit {
        flush()
        if connection >= 0 { close(connection) }
        if listener >= 0 { close(listener) }
    }

    private static func loopback(_ port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    private static func failure(_ action: String, _ port: UInt16) -> CharacterBackendError {
        .cannotConnect(address: "127.0.0.1:\(port)", reason: "cannot \(action) it: \(String(cString: strerror(errno)))")
    }

    public func write(_ byte: UInt8) {
        output.append(byte)
        if byte == 0x0A || output.count >= 4096 { flush() }
    }

    public func flush() {
        defer { output.removeAll(keepingCapacity: true) }
        guard !output.isEmpty, acceptClient() else { return }
        var sent = 0
        while sent < output.count {
            let n = output.withUnsafeBytes { send(connection, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                sent += n
            } else if n < 0 && errno == EAGAIN {
                // The client reads slower than the guest writes: wait for it, as a
                // serial line with hardware flow control would.
                var descriptor = pollfd(fd: connection, events: Int16(POLLOUT), revents: 0)
                _ = poll(&descriptor, 1, 100)
            } else {
                dropClient()
                return
            }
        }
    }

    public func readByte() -> UInt8? {
        if inputIndex < input.count {
            defer { inputIndex += 1 }
            return input[inputIndex]
        }
        guard acceptClient() else { return nil }
        var chunk = [UInt8](repeating: 0, count: 256)
        let n = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
        if n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) { dropClient() }
        guard n > 0 else { return nil }
        input = Array(chunk[1..<n])
        inputIndex = 0
        return chunk[0]
    }

    /// Blocks until a client connects (a server started without `nowait`).
    func waitForClient() {
        while !acceptClient() {
            var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, -1) < 0 && errno != EINTR { return }
        }
    }

    /// True with a client connected, taking a waiting one if there is none yet.
    private func acceptClient() -> Bool {
        if connection >= 0 { return true }
        guard listener >= 0 else { return false }
        let fd = accept(listener, nil, nil)
        guard fd >= 0 else { return false }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        connection = fd
        return true
    }

    private func dropClient() {
        if connection >= 0 { close(connection) }
        connection = -1
    }
}
