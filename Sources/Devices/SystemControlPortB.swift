/// PC/AT System Control Port B at 0x61 (IBM PC/AT Technical Reference,
/// "Port 61h"; Intel 82371AB PIIX4 datasheet, "NMI Status and Control
/// Register").
///
/// Bit 0 drives timer 2's GATE, bit 1 is the speaker data enable (stored:
/// there is no sound), bits 2-3 are the parity and channel check enables
/// (stored). Bit 4 toggles with each DRAM refresh request, every 15.085 µs of
/// virtual time, for the delay loops of BIOSes and DOS programs. Bit 5 is
/// timer 2's OUT. Bits 6-7, the channel check and parity error flags, read 0
/// because no such error ever happens. Writes to bits 4-7 are ignored.
///
/// The port does not know the timer: the board connects `onTimer2Gate` to
/// `PIT8254.setGate(2, level:)` and `timer2Output` to `PIT8254.output(2)`.
public final class SystemControlPortB: ByteIOPortDevice {
    private static let writable: UInt8 = 0x0F
    private static let timer2GateBit: UInt8 = 0x01
    private static let refreshToggleBit: UInt8 = 0x10
    private static let timer2OutputBit: UInt8 = 0x20
    /// Nanoseconds between refresh requests (18 ticks of the 1.193182 MHz clock).
    public static let refreshPeriod: UInt64 = 15_085

    public let port: UInt16
    private let clock: VirtualClock
    /// The bits software wrote (0-3).
    public private(set) var value: UInt8 = 0
    /// Called when bit 0 changes: timer 2's GATE.
    public var onTimer2Gate: ((Bool) -> Void)?
    /// Timer 2's OUT, read for bit 5.
    public var timer2Output: () -> Bool = { false }

    public init(clock: VirtualClock, port: UInt16 = 0x61) {
        self.clock = clock
        self.port = port
    }

    public var ports: ClosedRange<UInt16> {
        port...port
    }

    public var timer2Gate: Bool {
        value & Self.timer2GateBit != 0
    }

    public func ioReadByte(port: UInt16) -> UInt8 {
        guard port == self.port else { return 0xFF }
        let refresh: UInt8 = (clock.now / Self.refreshPeriod) & 1 != 0 ? Self.refreshToggleBit : 0
        let out: UInt8 = timer2Output() ? Self.timer2OutputBit : 0
        return value | refresh | out
    }

    public func ioWriteByte(port: UInt16, value newValue: UInt8) {
        guard port == self.port else { return }
        let gateWas = timer2Gate
        value = newValue & Self.writable
        if timer2Gate != gateWas {
            onTimer2Gate?(timer2Gate)
        }
    }
}
