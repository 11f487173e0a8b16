/// QEMU's `isa-debug-exit` device (default iobase 0xF4, iosize 4): a write of
/// any width anywhere in its range asks the emulator to exit with status
/// `(value << 1) | 1`. The status is always odd so a test harness can tell a
/// guest-requested exit from the emulator's own exit code 0.
public final class DebugExit: IOPortDevice {
    public let ports: ClosedRange<UInt16>
    /// Called on every exit request; the machine decides how to stop.
    public var onExit: ((Int32) -> Void)?
    /// The status of the most recent exit request, nil until one is made.
    public private(set) var exitStatus: Int32?

    public init(iobase: UInt16 = 0xF4, iosize: UInt16 = 4) {
        let last = iobase.addingReportingOverflow(max(iosize, 1) &- 1)
        ports = iobase...(last.overflow ? UInt16.max : last.partialValue)
    }

    /// Maps a written value to the exit status, the way QEMU computes it.
    public static func status(forValue value: UInt32) -> Int32 {
        Int32(bitPattern: (value &<< 1) | 1)
    }

    public func ioRead(port: UInt16, size: Int) -> UInt32 {
        UInt32.max
    }

    public func ioWrite(port: UInt16, size: Int, value: UInt32) {
        guard ports.contains(port) else { return }
        let status = Self.status(forValue: value & Self.mask(size: size))
        exitStatus = status
        onExit?(status)
    }

    private static func mask(size: Int) -> UInt32 {
        switch size {
        case 1: return 0xFF
        case 2: return 0xFFFF
        default: return 0xFFFF_FFFF
        }
    }
}
