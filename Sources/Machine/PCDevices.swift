import Devices
import Storage
import X86

/// The chips of the PC/AT board beyond the first slice's ports, wired as on the
/// IBM PC/AT (Technical Reference, "System Board": interrupt and I/O maps):
/// the 8259A pair (IRQ0-15, cascade on IRQ2) driving the CPU's INTR, the 8254
/// timer on IRQ0 with port 0x61, the MC146818 RTC/CMOS on IRQ8, the 8042
/// keyboard controller with a PS/2 keyboard (IRQ1) and mouse (IRQ12), 16550A
/// UARTs COM2-COM4 (COM1 is the board's `serial`), the two IDE channels (IRQ14,
/// IRQ15) and the VGA with its text buffer at 0xB8000. PCI configuration
/// space (0xCF8-0xCFF) shows an i440FX board: the 82441FX host bridge at
/// 00:00.0 and the PIIX3 ISA bridge and IDE interface at 00:01.0 and 00:01.1.
public final class PCDevices {
    public let interruptControllers = InterruptControllerPair()
    /// FERR# to IRQ13, cleared through port F0h.
    public let coprocessorError = CoprocessorErrorLatch()
    public let timer: PIT8254
    public let portB: SystemControlPortB
    public let rtc: RTC146818
    public let keyboard = PS2Keyboard()
    public let mouse = PS2Mouse()
    public let keyboardController: KeyboardController8042
    /// COM2 (0x2F8, IRQ3), COM3 (0x3E8, IRQ4) and COM4 (0x2E8, IRQ3).
    public let extraSerialPorts: [UART16550]
    public let primaryIDE: IDEChannel
    public let secondaryIDE: IDEChannel
    public let vga: VGA
    public let pci = PCIConfigurationSpace()
    public let hostBridge = I440FXHostBridge()
    public let isaBridge = PIIX3ISABridge()
    public let ideFunction = PIIX3IDE()

    /// Standard ISA IRQ numbers (PC/AT Technical Reference, "Hardware Interrupts").
    enum IRQ {
        static let timer = 0, keyboard = 1, com2 = 3, com1 = 4, rtc = 8, mouse = 12, coprocessor = 13, primaryIDE = 14, secondaryIDE = 15
    }

    init(configuration: MachineConfiguration, clock: VirtualClock, serial: UART16550) {
        timer = PIT8254(clock: clock)
        portB = SystemControlPortB(clock: clock)
        rtc = RTC146818(clock: clock, startTime: configuration.rtcStartTime)
        keyboardController = KeyboardController8042(keyboard: keyboard, mouse: mouse)
        extraSerialPorts = [UInt16(0x2F8), 0x3E8, 0x2E8].enumerated().map { k, base in
            UART16550(base: base, backend: k < configuration.extraSerial.count ? configuration.extraSerial[k] : NullBackend())
        }
        let drives = configuration.ideDrives.map { $0.map { PCDevices.makeDevice($0, clock: clock) } }
        primaryIDE = IDEChannel.primary(master: drives[0] ?? nil, slave: drives[1] ?? nil)
        secondaryIDE = IDEChannel.secondary(master: drives[2] ?? nil, slave: drives[3] ?? nil)
        vga = VGA(clock: clock)
        pci.install(hostBridge, device: 0, number: 0)
        pci.install(isaBridge, device: 1, number: 0)
        pci.install(ideFunction, device: 1, number: 1)

        let pics = interruptControllers
        timer.irq.onChange = { pics.setIRQ(IRQ.timer, level: $0) }
        portB.onTimer2Gate = { [unowned timer] in timer.setGate(2, level: $0) }
        portB.timer2Output = { [unowned timer] in timer.output(2) }
        rtc.irq.onChange = { pics.setIRQ(IRQ.rtc, level: $0) }
        coprocessorError.irq.onChange = { pics.setIRQ(IRQ.coprocessor, level: $0) }
        keyboardController.keyboardInterrupt.onChange = { pics.setIRQ(IRQ.keyboard, level: $0) }
        keyboardController.mouseInterrupt.onChange = { pics.setIRQ(IRQ.mouse, level: $0) }
        primaryIDE.interrupt.onChange = { pics.setIRQ(IRQ.primaryIDE, level: $0) }
        secondaryIDE.interrupt.onChange = { pics.setIRQ(IRQ.secondaryIDE, level: $0) }
        // COM1 and COM3 share IRQ4, COM2 and COM4 IRQ3: each line is high while
        // either UART drives it (the ISA bus has no sharing; this is the wired OR
        // boards with both ports enabled give).
        let com1 = serial, com2 = extraSerialPorts[0], com3 = extraSerialPorts[1], com4 = extraSerialPorts[2]
        let irq4 = { [unowned com1, unowned com3] in pics.setIRQ(IRQ.com1, level: com1.irqLevel || com3.irqLevel) }
        let irq3 = { [unowned com2, unowned com4] in pics.setIRQ(IRQ.com2, level: com2.irqLevel || com4.irqLevel) }
        com1.onIRQChange = { _ in irq4() }
        com3.onIRQChange = { _ in irq4() }
        com2.onIRQChange = { _ in irq3() }
        com4.onIRQChange = { _ in irq3() }

        let ramKiB = configuration.memorySize >> 10
        rtc.setMemorySize(baseKiB: 640, extendedKiB: max(ramKiB - 1024, 0))
        // Type 47: "user-defined", the geometry comes from IDENTIFY (as BIOSes set it).
        let disks = configuration.ideDrives.prefix(2).map { if case .disk = $0 { return UInt8(47) } else { return 0 } }
        rtc.setHardDiskTypes(first: disks[0], second: disks[1])
    }

    static func makeDevice(_ drive: MachineConfiguration.IDEDrive, clock: VirtualClock) -> IDEDevice {
        switch drive {
        case .disk(let medium): return ATADisk(medium: medium, clock: clock)
        case .cdrom(let medium): return ATAPICDROM(medium: medium, clock: clock)
        }
    }

    /// Claims the ports and maps the VGA text buffer.
    func attach(to io: IOBus, access: MemoryAccess) {
        for r in interruptControllers.ports { io.register(interruptControllers, ports: r) }
        io.register(timer, ports: timer.ports)
        io.register(portB, ports: portB.ports)
        io.register(rtc, ports: rtc.ports)
        io.register(coprocessorError, ports: coprocessorError.ports)
        for p in keyboardController.ports { io.register(keyboardController, ports: p...p) }
        for uart in extraSerialPorts { io.register(uart, ports: uart.ports) }
        for channel in [primaryIDE, secondaryIDE] {
            io.register(channel, ports: channel.commandPorts)
            io.register(channel, ports: channel.controlPorts)
        }
        for r in vga.ports { io.register(vga, ports: r) }
        io.register(pci, ports: pci.ports)
        access.map(firstPage: 0xB8, count: VGA.textMemorySize >> 12, host: vga.textMemory, writable: true)
    }
}
