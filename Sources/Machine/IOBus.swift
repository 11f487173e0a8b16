import Devices

/// The ISA I/O port space (64 Ki byte-wide ports). Devices claim port ranges;
/// an unclaimed port reads as all-ones and ignores writes, as on a PC whose
/// data lines float high.
public final class IOBus {
    private var devices: [IOPortDevice?] = Array(repeating: nil, count: 0x10000)

    public init() {}

    public func register(_ device: IOPortDevice, ports: ClosedRange<UInt16>) {
        for p in ports { devices[Int(p)] = device }
    }

    public func device(at port: UInt16) -> IOPortDevice? { devices[Int(port)] }

    public func read(_ port: UInt16, size: Int) -> UInt32 {
        guard let d = devices[Int(port)] else { return size == 4 ? 0xFFFF_FFFF : (1 << (8 * UInt32(size))) - 1 }
        return d.ioRead(port: port, size: size)
    }

    public func write(_ port: UInt16, size: Int, value: UInt32) {
        devices[Int(port)]?.ioWrite(port: port, size: size, value: value)
    }
}
