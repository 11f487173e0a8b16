import Foundation

/// The host side of a character device (serial port, debug console): a byte
/// sink plus an optional non-blocking byte source, in the manner of QEMU's
/// `-chardev` backends.
public protocol CharacterBackend: AnyObject {
    func write(_ byte: UInt8)
    /// Returns the next input byte, or nil at once when none is available.
    func readByte() -> UInt8?
    func flush()
}

/// Why a character backend could not be created; `description` is one line
/// suitable for showing to the user as is.
public enum CharacterBackendError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case unknownDevice(String)
    case missingPath(String)
    case cannotOpen(path: String, reason: String)

    public var description: String {
        switch self {
        case .unknownDevice(let spec):
            return "unknown character device '\(spec)' (expected stdio, null or file:PATH)"
        case .missingPath(let spec):
            return "character device '\(spec)' needs a path, as in file:PATH"
        case .cannotOpen(let path, let reason):
            return "cannot open '\(path)' for writing: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}

/// Builds backends from command-line specs. A namespace rather than a static
/// member of `CharacterBackend`, because Swift cannot call static members on
/// a protocol's metatype.
public enum CharacterBackends {
    /// Parses a QEMU-style spec: `stdio`, `null` or `file:PATH`.
    public static func make(spec: String) throws -> CharacterBackend {
        switch spec {
        case "stdio":
            return StdioBackend()
        case "null":
            return NullBackend()
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
}
