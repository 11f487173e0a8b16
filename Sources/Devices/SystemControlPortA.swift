/// PS/2 System Control Port A at 0x92 (IBM PS/2 Hardware Interface Technical
/// Reference, "System Control Port A"), the "fast A20" and fast-reset port
/// found on nearly every PC chipset since.
///
/// Bit 1 gates address line 20; writing 1 to bit 0 pulses the CPU reset
/// line. The reset bit reads back as 0 because the pulse has ended by the
/// time software can look. Other bits (security lock, activity LEDs) are
/// stored and read back without effect.
public final class SystemControlPortA: ByteIOPortDevice {
    private static let resetBit: UInt8 = 0x01
    private static let a20Bit: UInt8 = 0x02

    public let port: UInt16
    public var onA20Change: ((Bool) -> Void)?
    public var onReset: (() -> Void)?
    public private(set) var value: UInt8

    public init(port: UInt16 = 0x92, a20Enabled: Bool = false) {
        self.port = port
        value = a20Enabled ? Self.a20Bit : 0
    }

    public var ports: ClosedRange<UInt16> {
        port...port
    }

    public var a20Enabled: Bool {
        value & Self.a20Bit != 0
    }

    public func ioReadByte(port: UInt16) -> UInt8 {
        port == self.port ? value : 0xFF
    }

    public func ioWriteByte(port: UInt16, value newValue: UInt8) {
        guard port == self.port else { return }
        let wasEnabled = a20Enabled
        value = newValue & ~Self.resetBit
        if a20Enabled != wasEnabled {
            onA20Change?(a20Enabled)
        }
        if newValue & Self.resetBit != 0 {
            onReset?()
        }
    }
}
