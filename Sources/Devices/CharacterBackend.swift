import Foundation

/// The host side of a character device (serial port, debug console): a byte
/// sink plus an optional non-blocking byte source, in the manner of QEMU's
/// `-chardev` backends.
public protocol CharacterBackend: AnyObject {
    func write(_ byte: UInt8)
    /// Returns the next input byte, or nil at once when none is available.
    func readByte() -> UInt8?
    func flush()
    /// The user asked to quit through this backend (Ctrl-A X on a terminal).
    var quitRequested: Bool { get }
}

extension CharacterBackend {
    public var quitRequested: Bool { false }
}

/// Why a character backend could not be created; `description` is one line
/// suitable for showing to the user as is.
public enum CharacterBackendError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case unknownDevice(String)
    case missingPath(String)
    case cannotOpen(path: String, reason: String)
    case badSocket(spec: String, reason: String)
    case cannotConnect(address: String, reason: String)

    public var description: String {
        switch self {
        case .unknownDevice(let spec):
            return "unknown character device '\(spec)' (expected stdio, null, file:PATH or tcp:127.0.0.1:PORT[,server,nowait])"
        case .missingPath(let spec):
            return "character device '\(spec)' needs a path, as in file:PATH"
        case .cannotOpen(let path, let reason):
            return "cannot open '\(path)' for writing: \(reason)"
        case .badSocket(let spec, let reason):
            return "character device '\(spec)': \(reason)"
        case .cannotConnect(let address, let reason):
            return "TCP character device \(address): \(reason)"
        }
    }

    public var errorDescription: String? { description }
}

/// Builds backends from command-line specs. A namespace rather than a static
/// member of `CharacterBackend`, because Swift cannot call static members on
/// a protocol's metatype.
public enum CharacterBackends {
    /// Parses a QEMU-style spec: `stdio`, `null`, `file:PATH` or
    /// `tcp:[127.0.0.1|localhost]:PORT[,server][,nowait]`.
    public static func make(spec: String) throws -> CharacterBackend {
        switch spec {
        case "stdio":
            return StdioBackend()
        case "null":
            return NullBackend()
        case _ where spec.hasPrefix("tcp:"):
            return try makeTCP(spec: spec)
        default:
            let filePrefix = "file:"
            guard spec.hasPrefix(filePrefix) else {
                throw CharacterBackendError.unknownDevice(spec)
            }
            let path = String(spec.dropFirst(filePrefix.count))
            guard !path.isEmpty else { throw CharacterBackendError.missingPath(spec) }
            return try FileBackend(path: path)
        }
    }

    /// `tcp:HOST:PORT` connects; with `server` it listens and, unless `nowait`
    /// is given, waits here for the first client, as QEMU does.
    static func makeTCP(spec: String) throws -> CharacterBackend {
        let parts = spec.dropFirst("tcp:".count).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let address = parts[0]
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
            throw CharacterBackendError.badSocket(spec: spec, reason: "expected HOST:PORT with a port number")
        }
        let host = address[..<colon]
        guard ["", "127.0.0.1", "localhost"].contains(host) else {
            throw CharacterBackendError.badSocket(spec: spec, reason: "only the loopback address (127.0.0.1) is supported")
        }
        var server = false, wait = true
        for option in parts.dropFirst() {
            switch option {
            case "server", "server=on": server = true
            case "server=off": server = false
            case "nowait", "wait=off": wait = false
            case "wait", "wait=on": wait = true
            default: throw CharacterBackendError.badSocket(spec: spec, reason: "unknown option '\(option)'")
            }
        }
        let backend = try TCPBackend(port: port, server: server)
        if server && wait { backend.waitForClient() }
        return backend
    }
}
