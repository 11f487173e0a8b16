import Glibc
import XCTest
@testable import Devices

/// The loopback TCP backend (`-serial tcp:127.0.0.1:PORT,server,nowait`): bytes
/// both ways with a client, dropped output without one, a client replaced by
/// the next, and spec errors as one line each.
final class TCPBackendTests: XCTestCase {
    /// A blocking client socket connected to 127.0.0.1:`port`.
    func connectClient(_ port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        XCTAssertEqual(result, 0, "connect to the backend")
        return fd
    }

    func receive(_ fd: Int32, count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64)
        while bytes.count < count {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { break }
            bytes += chunk[0..<n]
        }
        return bytes
    }

    /// The backend's input, polled until `count` bytes came or a second passed.
    func drain(_ backend: CharacterBackend, count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<1000 where bytes.count < count {
            if let b = backend.readByte() { bytes.append(b) } else { usleep(1000) }
        }
        return bytes
    }

    func testServerExchangesBytesWithItsClient() throws {
        let backend = try CharacterBackends.make(spec: "tcp:127.0.0.1:0,server,nowait")
        let port = try XCTUnwrap(backend as? TCPBackend).port
        XCTAssertNotEqual(port, 0)
        for b in Array("lost\n".utf8) { backend.write(b) }   // no client yet: dropped
        backend.flush()
        XCTAssertNil(backend.readByte())

        let client = try connectClient(port)
        for b in Array("hello\n".utf8) { backend.write(b) }
        XCTAssertEqual(receive(client, count: 6), Array("hello\n".utf8))
        let typed = Array("ok".utf8)
        XCTAssertEqual(typed.withUnsafeBytes { send(client, $0.baseAddress, $0.count, 0) }, 2)
        XCTAssertEqual(drain(backend, count: 2), typed)
        close(client)

        // The next client takes over once the first is gone.
        XCTAssertTrue(drain(backend, count: 1).isEmpty)
        let second = try connectClient(port)
        backend.write(0x41)
        backend.flush()
        XCTAssertEqual(receive(second, count: 1), [0x41])
        close(second)
    }

    func testClientConnectsToAListeningProgram() throws {
        let server = try TCPBackend(port: 0, server: true)
        let client = try CharacterBackends.make(spec: "tcp:localhost:\(server.port)")
        for b in Array("ping\n".utf8) { client.write(b) }
        XCTAssertEqual(drain(server, count: 5), Array("ping\n".utf8))
    }

    func testSpecErrors() {
        let cases: [(String, String)] = [
            ("tcp:127.0.0.1", "expected HOST:PORT"),
            ("tcp:127.0.0.1:99999,server", "expected HOST:PORT"),
            ("tcp:10.0.0.1:4444,server", "only the loopback address"),
            ("tcp::4444,server,telnet", "unknown option 'telnet'"),
        ]
        for (spec, message) in cases {
            XCTAssertThrowsError(try CharacterBackends.make(spec: spec), spec) { error in
                XCTAssertTrue("\(error)".contains(message), "\(spec): \(error)")
                XCTAssertFalse("\(error)".contains("\n"), "one line")
            }
        }
    }
}
