/// The Bochs/QEMU debug console ("port E9 hack", QEMU `isa-debugcon`):
/// each byte written to the port is output immediately, with no UART
/// programming needed. Reading the port returns 0xE9, which is how guests
/// detect the console (Bochs user manual, "Debugger/port e9 hack").
public final class DebugConsole: ByteIOPortDevice {
    public static let probeValue: UInt8 = 0xE9

    public let port: UInt16
    public let backend: CharacterBackend

    public init(port: UInt16 = 0xE9, backend: CharacterBackend) {
        self.port = port
        self.backend = backend
    }

    public var ports: ClosedRange<UInt16> {
        port...port
    }

    public func ioReadByte(port: UInt16) -> UInt8 {
        port == self.port ? Self.probeValue : 0xFF
    }

    public func ioWriteByte(port: UInt16, value: UInt8) {
        guard port == self.port else { return }
        backend.write(value)
    }
}
