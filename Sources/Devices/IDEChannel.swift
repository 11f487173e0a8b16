/// One IDE (ATA) channel of a PC/AT: the command block at `base`...`base`+7,
/// the control block register at `controlPort` and one IRQ, shared by a
/// device 0 (master) and a device 1 (slave). Register map and semantics
/// follow ATA/ATAPI-6 (T13/1410D) section 7; the absent-device rules follow
/// clause 9 ("Device 0 only configurations").
///
/// The data register is 16 bits wide; a 32-bit access moves two words (as
/// PCI IDE controllers do) and a byte access moves one word and returns its
/// low byte. The other registers are 8 bits wide, so a wider access there is
/// split into byte cycles at consecutive ports, as the ISA bus does.
/// Ports this channel does not own read as open bus (0xFF).
public final class IDEChannel: IOPortDevice {
    /// Device Control register bits (7, "Device Control register").
    public enum DeviceControl {
        public static let nIEN: UInt8 = 0x02
        public static let srst: UInt8 = 0x04
        public static let hob: UInt8 = 0x80
    }

    private static let deviceSelect: UInt8 = 0x10
    private static let executeDeviceDiagnostic: UInt8 = 0x90
    private static let deviceReset: UInt8 = 0x08

    public let base: UInt16
    public let controlPort: UInt16
    /// INTRQ of the selected device, masked by nIEN; the board routes it to
    /// the interrupt controller (IRQ 14 for the primary, 15 for the secondary channel).
    public let interrupt: InterruptLine
    public let devices: [IDEDevice?]
    public private(set) var deviceControl: UInt8 = 0
    /// The DEV bit of the last device-register write: which device answers.
    public private(set) var selected = 0

    public init(base: UInt16, controlPort: UInt16, master: IDEDevice?, slave: IDEDevice?,
                interrupt: InterruptLine = InterruptLine()) {
        self.base = base
        self.controlPort = controlPort
        self.interrupt = interrupt
        devices = [master, slave]
        for device in [master, slave] {
            device?.onInterruptChange = { [unowned self] in self.updateInterrupt() }
        }
    }

    /// The primary channel: 0x1F0-0x1F7 and 0x3F6, IRQ 14.
    public static func primary(master: IDEDevice?, slave: IDEDevice? = nil) -> IDEChannel {
        IDEChannel(base: 0x1F0, controlPort: 0x3F6, master: master, slave: slave)
    }

    /// The secondary channel: 0x170-0x177 and 0x376, IRQ 15.
    public static func secondary(master: IDEDevice?, slave: IDEDevice? = nil) -> IDEChannel {
        IDEChannel(base: 0x170, controlPort: 0x376, master: master, slave: slave)
    }

    public var commandPorts: ClosedRange<UInt16> { base...(base &+ 7) }
    public var controlPorts: ClosedRange<UInt16> { controlPort...controlPort }

    private var selectedDevice: IDEDevice? { devices[selected & 1] }
    private var hasDevices: Bool { devices.contains { $0 != nil } }
    private var hob: Bool { deviceControl & DeviceControl.hob != 0 }

    // MARK: Port access

    public func ioRead(port: UInt16, size: Int) -> UInt32 {
        if port == base {
            let words = size >= 4 ? 2 : 1
            var value: UInt32 = 0
            for index in 0..<words {
                value |= UInt32(readData()) << UInt32(16 * index)
            }
            return size <= 1 ? value & 0xFF : value
        }
        var result: UInt32 = 0
        for index in 0..<byteCount(size) {
            result |= UInt32(readByte(port: port &+ UInt16(index))) << UInt32(8 * index)
        }
        return result
    }

    public func ioWrite(port: UInt16, size: Int, value: UInt32) {
        if port == base {
            let words = size >= 4 ? 2 : 1
            for index in 0..<words {
                writeData(UInt16(truncatingIfNeeded: value >> UInt32(16 * index)))
            }
            return
        }
        for index in 0..<byteCount(size) {
            writeByte(port: port &+ UInt16(index), value: UInt8(truncatingIfNeeded: value >> UInt32(8 * index)))
        }
    }

    private func byteCount(_ size: Int) -> Int { min(max(size, 0), 4) }

    private func readData() -> UInt16 {
        selectedDevice?.readDataWord() ?? 0xFFFF
    }

    private func writeData(_ word: UInt16) {
        selectedDevice?.writeDataWord(word)
    }

    private func readByte(port: UInt16) -> UInt8 {
        guard hasDevices else { return 0xFF }
        if port == controlPort {
            return selectedDevice?.status ?? 0
        }
        guard commandPorts.contains(port) else { return 0xFF }
        let register = Int(port &- base)
        if register == 0 {
            return UInt8(truncatingIfNeeded: readData())
        }
        guard let device = selectedDevice else {
            // "Device 0 only configurations": device 0 answers for an absent device 1 with status 00h
            // and its own shadow of the other registers.
            if register == 7 { return 0 }
            return devices[0]?.readTaskFile(register: register, hob: hob)
                ?? devices[1]?.readTaskFile(register: register, hob: hob) ?? 0xFF
        }
        if register == 7 { return device.readStatusAcknowledging() }
        return device.readTaskFile(register: register, hob: hob)
    }

    private func writeByte(port: UInt16, value: UInt8) {
        if port == controlPort {
            writeDeviceControl(value)
            return
        }
        guard commandPorts.contains(port) else { return }
        let register = Int(port &- base)
        if register == 0 {
            writeData(UInt16(value))
            return
        }
        deviceControl &= ~DeviceControl.hob
        if register == 7 {
            writeCommand(value)
            return
        }
        for device in devices { device?.writeTaskFile(register: register, value: value) }
        if register == 6, !(devices[selected & 1]?.isBusy ?? false) {
            selected = value & Self.deviceSelect != 0 ? 1 : 0
        }
        updateInterrupt()
    }

    private func writeCommand(_ code: UInt8) {
        if code == Self.executeDeviceDiagnostic {
            guard devices.contains(where: { $0.map { !$0.isBusy } ?? false }) else { return }
            selected = 0
            for (index, device) in devices.enumerated() {
                device?.runDiagnostic(interrupting: index == 0 || devices[0] == nil)
            }
            updateInterrupt()
            return
        }
        guard let device = selectedDevice else { return }
        guard !device.isBusy || code == Self.deviceReset else { return }
        device.commandWritten(code)
    }

    private func writeDeviceControl(_ value: UInt8) {
        let wasReset = deviceControl & DeviceControl.srst != 0
        deviceControl = value
        let reset = value & DeviceControl.srst != 0
        if reset && !wasReset {
            for device in devices { device?.holdReset() }
        } else if !reset && wasReset {
            selected = 0
            for device in devices { device?.releaseReset() }
        }
        updateInterrupt()
    }

    private func updateInterrupt() {
        let asserted = selectedDevice?.intrq ?? false
        interrupt.set(asserted && deviceControl & DeviceControl.nIEN == 0)
    }
}
