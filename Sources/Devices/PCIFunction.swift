/// One function's 256-byte PCI configuration space (PCI Local Bus
/// Specification 2.1, chapter 6 "Configuration Space").
///
/// Each byte has a power-on value, a mask of the bits software may write and
/// a mask of the bits it clears by writing 1 (status bits, section 6.2.3);
/// every other bit is read-only, so vendor/device IDs, class code, revision
/// and header type ignore writes, and a base address register's hard-wired
/// low bits give the "write all ones, read back the size" sizing of section
/// 6.2.5.1 without code of its own. Bytes no register defines read 0 and
/// ignore writes, as the datasheets' reserved locations do.
///
/// The chip models subclass this to add what masks cannot express (locks).
public class PCIFunction {
    public static let size = 256

    /// Standard header offsets (PCI Local Bus Specification 2.1, figure 6-1).
    public enum Register {
        public static let vendorID = 0x00, deviceID = 0x02, command = 0x04, status = 0x06
        public static let revisionID = 0x08, classCode = 0x09, latencyTimer = 0x0D, headerType = 0x0E
        public static let baseAddress0 = 0x10, interruptLine = 0x3C, interruptPin = 0x3D
    }

    /// Header type bit 7: the device implements functions 1-7 as well.
    public static let multiFunction: UInt8 = 0x80

    private var bytes: [UInt8]
    private var powerOn: [UInt8]
    private var writable: [UInt8]
    private var writeOneToClear: [UInt8]

    public init(vendorID: UInt16, deviceID: UInt16, revisionID: UInt8, classCode: UInt32, headerType: UInt8) {
        bytes = Array(repeating: 0, count: Self.size)
        writable = bytes
        writeOneToClear = bytes
        powerOn = bytes
        define(Register.vendorID, size: 2, value: UInt32(vendorID))
        define(Register.deviceID, size: 2, value: UInt32(deviceID))
        define(Register.revisionID, size: 1, value: UInt32(revisionID))
        define(Register.classCode, size: 3, value: classCode)
        define(Register.headerType, size: 1, value: UInt32(headerType))
    }

    /// Declares a register of `size` (1-4) bytes at `offset`: its power-on
    /// value, its read/write bits and its write-1-to-clear bits.
    public func define(_ offset: Int, size: Int, value: UInt32, writable: UInt32 = 0, writeOneToClear: UInt32 = 0) {
        for index in 0..<min(max(size, 0), 4) {
            let at = (offset &+ index) & 0xFF
            let shift = UInt32(index &* 8)
            powerOn[at] = UInt8(truncatingIfNeeded: value &>> shift)
            bytes[at] = powerOn[at]
            self.writable[at] = UInt8(truncatingIfNeeded: writable &>> shift)
            self.writeOneToClear[at] = UInt8(truncatingIfNeeded: writeOneToClear &>> shift)
        }
    }

    /// The byte at `offset` (taken modulo 256).
    public func read(_ offset: Int) -> UInt8 {
        bytes[offset & 0xFF]
    }

    /// `size` bytes from `offset`, little-endian, as a configuration read
    /// with those byte enables returns them.
    public func read(_ offset: Int, size: Int) -> UInt32 {
        var value: UInt32 = 0
        for index in 0..<min(max(size, 0), 4) {
            value |= UInt32(read(offset &+ index)) &<< UInt32(index &* 8)
        }
        return value
    }

    /// A configuration write of one byte: writable bits take the new value,
    /// write-1-to-clear bits clear where `value` has a 1, the rest stay.
    public func write(_ offset: Int, value: UInt8) {
        let at = offset & 0xFF
        let kept = bytes[at] & ~writable[at] & ~(writeOneToClear[at] & value)
        bytes[at] = kept | (value & writable[at])
    }

    /// A configuration write of `size` bytes from `offset`, low byte first.
    public func write(_ offset: Int, size: Int, value: UInt32) {
        for index in 0..<min(max(size, 0), 4) {
            write(offset &+ index, value: UInt8(truncatingIfNeeded: value &>> UInt32(index &* 8)))
        }
    }

    /// Back to the power-on values (PCIRST#).
    public func reset() {
        bytes = powerOn
    }
}
