/// Function 0 of the Intel 82371SB PIIX3, the PCI-to-ISA bridge (82371FB/SB
/// datasheet, the PCI-to-ISA bridge configuration registers), at bus 0
/// device 1 on i440FX boards.
///
/// The header identifies 8086:7000, class 06 01 00, header type 0x80: the
/// PIIX3 is multi-function (function 1 is its IDE interface). The ISA
/// bridge's registers are stored as firmware writes them; the PIRQ route
/// control registers (0x60-0x63) are decoded for the board, which does not
/// route PCI interrupts yet (no PCI device raises one).
public final class PIIX3ISABridge: PCIFunction {
    public enum Register {
        public static let isaIORecovery = 0x4C, xbcs = 0x4E, pirqRouteControl = 0x60, topOfMemory = 0x69
        public static let motherboardIRQ = 0x70, motherboardDMA = 0x76, apicBase = 0x80, smiControl = 0xA0
    }

    /// PIRQRC bit 7: the PIRQx# line is not routed to any ISA IRQ.
    public static let routingDisabled: UInt8 = 0x80

    public init() {
        super.init(vendorID: 0x8086, deviceID: 0x7000, revisionID: 0x00, classCode: 0x06_01_00,
                   headerType: PCIFunction.multiFunction)
        // PCICMD: I/O, memory and bus-master access always on; special cycle
        // enable writable. PCISTS: medium DEVSEL, abort bits write-1-to-clear.
        define(PCIFunction.Register.command, size: 2, value: 0x0007, writable: 0x0008)
        define(PCIFunction.Register.status, size: 2, value: 0x0200, writeOneToClear: 0x7800)
        define(Register.isaIORecovery, size: 1, value: 0x4D, writable: 0xFF)
        define(Register.xbcs, size: 2, value: 0x0003, writable: 0x03FF)
        define(Register.pirqRouteControl, size: 4, value: 0x8080_8080, writable: 0x8F8F_8F8F)
        define(Register.topOfMemory, size: 1, value: 0x02, writable: 0xFF)
        // Motherboard device IRQ and DMA routing: disabled at power-on.
        define(Register.motherboardIRQ, size: 2, value: 0x8080, writable: 0xCFCF)
        define(Register.motherboardDMA, size: 2, value: 0x0404, writable: 0x8787)
        // MSTAT, PCSC, APIC base, DLC, then SMI control and enables, system
        // events, fast-off timer, SMI request and clock throttle timers:
        // stored as written (no SMI, no I/O APIC on this board).
        define(0x6A, size: 2, value: 0x0000, writable: 0xFFFF)
        define(0x78, size: 2, value: 0x0002, writable: 0xFFFF)
        define(Register.apicBase, size: 1, value: 0x00, writable: 0xFF)
        define(0x82, size: 1, value: 0x00, writable: 0xFF)
        define(Register.smiControl, size: 1, value: 0x08, writable: 0xFF)
        define(0xA2, size: 2, value: 0x0000, writable: 0xFFFF)
        define(0xA4, size: 4, value: 0x0000_0000, writable: 0xFFFF_FFFF)
        define(0xA8, size: 1, value: 0x0F, writable: 0xFF)
        define(0xAA, size: 2, value: 0x0000, writable: 0xFFFF)
        define(0xAC, size: 1, value: 0x00, writable: 0xFF)
        define(0xAE, size: 1, value: 0x00, writable: 0xFF)
    }

    /// The ISA IRQ that PIRQA#-PIRQD# (`pirq` 0-3) is routed to, or nil when
    /// routing is disabled or names one of the IRQs the datasheet reserves
    /// (0-2, 8, 13).
    public func routedIRQ(pirq: Int) -> Int? {
        guard 0...3 ~= pirq else { return nil }
        let control = read(Register.pirqRouteControl &+ pirq)
        let irq = Int(control & 0x0F)
        guard control & Self.routingDisabled == 0, ![0, 1, 2, 8, 13].contains(irq) else { return nil }
        return irq
    }
}

/// Function 1 of the Intel 82371SB PIIX3, its bus-master IDE interface
/// (82371FB/SB datasheet, the IDE interface configuration registers).
///
/// The header identifies 8086:7010, class 01 01 80: programming interface
/// 0x80 says both channels are fixed in compatibility mode (ports
/// 0x1F0/0x3F6 on IRQ14, 0x170/0x376 on IRQ15) with bus-master capability,
/// so BARs 0-3 read 0 and only BAR4 (BMIBA, the 16-byte bus-master register
/// block) is programmable. The IDE timing registers are stored as written.
/// The legacy ports answer whether or not the command register's I/O space
/// bit or IDETIM's decode-enable bit are set (QEMU's "pc" machine behaves
/// the same): firmware that never programs this function still finds its
/// disks.
public final class PIIX3IDE: PCIFunction {
    public enum Register {
        public static let busMasterBase = 0x20, primaryTiming = 0x40, secondaryTiming = 0x42, slaveTiming = 0x44
    }

    public init() {
        super.init(vendorID: 0x8086, deviceID: 0x7010, revisionID: 0x00, classCode: 0x01_01_80, headerType: 0x00)
        // PCICMD: I/O space and bus-master enables. PCISTS: medium DEVSEL,
        // fast back-to-back capable, abort bits write-1-to-clear.
        define(PCIFunction.Register.command, size: 2, value: 0x0000, writable: 0x0005)
        define(PCIFunction.Register.status, size: 2, value: 0x0280, writeOneToClear: 0x3800)
        define(PCIFunction.Register.latencyTimer, size: 1, value: 0x00, writable: 0xF0)
        // BMIBA: an I/O BAR (bit 0 hard-wired 1) decoding 16 bytes within
        // the first 64 KiB, so bits 31-16 and 3-1 are hard-wired 0.
        define(Register.busMasterBase, size: 4, value: 0x0000_0001, writable: 0x0000_FFF0)
        define(Register.primaryTiming, size: 2, value: 0x0000, writable: 0xF3FF)
        define(Register.secondaryTiming, size: 2, value: 0x0000, writable: 0xF3FF)
        define(Register.slaveTiming, size: 1, value: 0x00, writable: 0xFF)
    }

    /// The I/O base of the bus-master IDE registers BMIBA holds.
    public var busMasterBase: UInt16 {
        UInt16(truncatingIfNeeded: read(Register.busMasterBase, size: 4) & 0xFFF0)
    }
}
