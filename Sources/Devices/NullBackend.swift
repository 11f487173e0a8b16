/// Character backend that discards output and never has input, like QEMU's
/// `null` chardev: the device stays present to the guest but unconnected.
public final class NullBackend: CharacterBackend {
    public init() {}

    public func write(_ byte: UInt8) {}

    public func readByte() -> UInt8? {
        nil
    }

    public func flush() {}
}
