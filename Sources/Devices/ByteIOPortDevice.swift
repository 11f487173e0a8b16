/// A device with an 8-bit data path on the ISA bus.
///
/// Such a device cannot see a 16- or 32-bit access as one cycle: the bus
/// splits it into byte cycles at consecutive port numbers, low byte first
/// (ISA bus specification, 8-bit slave data-size conversion), so a device
/// only implements byte access and ports it does not own read as open bus.
public protocol ByteIOPortDevice: IOPortDevice {
    func ioReadByte(port: UInt16) -> UInt8
    func ioWriteByte(port: UInt16, value: UInt8)
}

extension ByteIOPortDevice {
    public func ioRead(port: UInt16, size: Int) -> UInt32 {
        var result: UInt32 = 0
        for index in 0..<byteCount(size) {
            let byte = UInt32(ioReadByte(port: port &+ UInt16(index)))
            result |= byte &<< UInt32(index &* 8)
        }
        return result
    }

    public func ioWrite(port: UInt16, size: Int, value: UInt32) {
        for index in 0..<byteCount(size) {
            let byte = UInt8(truncatingIfNeeded: value &>> UInt32(index &* 8))
            ioWriteByte(port: port &+ UInt16(index), value: byte)
        }
    }
}

/// Clamps an access width so a malformed size can neither trap nor loop long.
private func byteCount(_ size: Int) -> Int {
    min(max(size, 0), 4)
}
