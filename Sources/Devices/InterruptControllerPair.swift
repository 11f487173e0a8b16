/// The PC/AT interrupt controllers (IBM PC/AT Technical Reference, "System
/// Interrupts"): two 8259As, the master at 0x20/0x21 and the slave at
/// 0xA0/0xA1 with its INT output on master input IR2, plus the edge/level
/// control registers ELCR1/ELCR2 at 0x4D0/0x4D1 of PCI-era chipsets (Intel
/// 82371AB PIIX4 datasheet, "ELCR1/ELCR2"), where IRQ0, 1, 2, 8 and 13 are
/// always edge-triggered: their bits read 0 and cannot be set.
///
/// IRQs 0-7 are master inputs 0-7, IRQs 8-15 slave inputs 0-7. The master's
/// IR2 carries only the slave: on the AT the ISA bus IRQ2 pin is wired to
/// IRQ9, so the board routes such a device to 9 and `setIRQ(2, ...)` does
/// nothing. `output` is the master's INT, the CPU's INTR input;
/// `acknowledge()` is the CPU's INTA cycle.
public final class InterruptControllerPair: ByteIOPortDevice {
    private static let cascadeInput = 2
    /// ELCR bits that may be set: not IRQ0, 1, 2 (ELCR1) nor IRQ8, 13 (ELCR2).
    private static let elcrWritable: (UInt8, UInt8) = (0xF8, 0xDE)
    /// What the data bus reads when no slave answers a cascade address.
    private static let openBus: UInt8 = 0xFF

    public let master = PIC8259(isMaster: true)
    public let slave = PIC8259(isMaster: false)
    /// INTR to the CPU.
    public let output = InterruptLine()

    public init() {
        master.onINTChange = { [unowned self] level in output.set(level) }
        slave.onINTChange = { [unowned self] level in
            master.setInput(Self.cascadeInput, level: level)
        }
    }

    /// The port ranges to register on the I/O bus.
    public var ports: [ClosedRange<UInt16>] {
        [0x20...0x21, 0xA0...0xA1, 0x4D0...0x4D1]
    }

    /// Drives IRQ `n` (0-15); other numbers and IRQ2 are ignored.
    public func setIRQ(_ n: Int, level: Bool) {
        switch n {
        case 0..<8 where n != Self.cascadeInput:
            master.setInput(n, level: level)
        case 8..<16:
            slave.setInput(n - 8, level: level)
        default:
            break
        }
    }

    /// The INTA cycle: the master resolves its request; a cascade input passes
    /// the cycle to the slave with that ID. A spurious slave request (IRQ15's
    /// vector with no ISR bit on the slave) leaves the master's IR2 in
    /// service, so its handler owes the master an EOI but not the slave.
    public func acknowledge() -> UInt8 {
        switch master.acknowledge() {
        case .vector(let vector):
            return vector
        case .cascade(let id):
            guard slave.respondsToCascade(id) else { return Self.openBus }
            let answer = slave.acknowledge()
            // The master's IR2 is edge-triggered: if the slave still requests
            // after this acknowledge, present that as a new edge so the
            // request is not hidden behind the one just taken.
            if slave.int {
                master.setInput(Self.cascadeInput, level: false)
                master.setInput(Self.cascadeInput, level: true)
            }
            if case .vector(let vector) = answer { return vector }
            return Self.openBus
        }
    }

    public var elcr1: UInt8 { master.elcr }
    public var elcr2: UInt8 { slave.elcr }

    public func ioReadByte(port: UInt16) -> UInt8 {
        switch port {
        case 0x20, 0x21: return master.read(a0: port & 1 != 0)
        case 0xA0, 0xA1: return slave.read(a0: port & 1 != 0)
        case 0x4D0: return master.elcr
        case 0x4D1: return slave.elcr
        default: return 0xFF
        }
    }

    public func ioWriteByte(port: UInt16, value: UInt8) {
        switch port {
        case 0x20, 0x21: master.write(a0: port & 1 != 0, value: value)
        case 0xA0, 0xA1: slave.write(a0: port & 1 != 0, value: value)
        case 0x4D0: master.elcr = value & Self.elcrWritable.0
        case 0x4D1: slave.elcr = value & Self.elcrWritable.1
        default: break
        }
    }
}
