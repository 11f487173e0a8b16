/// National Semiconductor PC16550D UART, the serial port of PC/AT-compatible
/// machines (COM1 at 0x3F8). Register behaviour follows the PC16550D
/// datasheet, section 8 ("Registers") and its register summary table.
///
/// The line itself is not timed: a byte written to THR reaches the backend at
/// once, so THRE and TEMT stay set, and input is taken from the backend when
/// the guest reads LSR or RBR or the machine calls `pollInput()`. The modem
/// inputs of a connected backend read as CTS, DSR and DCD asserted.
public final class UART16550: ByteIOPortDevice {
    private enum Register {
        static let data: UInt16 = 0                 // RBR / THR, DLL when DLAB
        static let interruptEnable: UInt16 = 1      // IER, DLM when DLAB
        static let interruptID: UInt16 = 2          // IIR read, FCR write
        static let lineControl: UInt16 = 3
        static let modemControl: UInt16 = 4
        static let lineStatus: UInt16 = 5
        static let modemStatus: UInt16 = 6
        static let scratch: UInt16 = 7
    }

    private enum IER {
        static let receivedData: UInt8 = 0x01
        static let transmitterEmpty: UInt8 = 0x02
        static let lineStatus: UInt8 = 0x04
        static let modemStatus: UInt8 = 0x08
        static let writable: UInt8 = 0x0F
    }

    private enum FCR {
        static let enable: UInt8 = 0x01
        static let clearReceiver: UInt8 = 0x02
    }

    private enum LCR {
        static let divisorLatchAccess: UInt8 = 0x80
    }

    private enum MCR {
        static let dtr: UInt8 = 0x01
        static let rts: UInt8 = 0x02
        static let out1: UInt8 = 0x04
        static let out2: UInt8 = 0x08
        static let loopback: UInt8 = 0x10
        static let writable: UInt8 = 0x1F
    }

    private enum LSR {
        static let dataReady: UInt8 = 0x01
        static let overrunError: UInt8 = 0x02
        static let transmitterHoldingEmpty: UInt8 = 0x20
        static let transmitterEmpty: UInt8 = 0x40
    }

    private enum MSR {
        static let deltaCTS: UInt8 = 0x01
        static let deltaDSR: UInt8 = 0x02
        static let trailingEdgeRI: UInt8 = 0x04
        static let deltaDCD: UInt8 = 0x08
        static let cts: UInt8 = 0x10
        static let dsr: UInt8 = 0x20
        static let ri: UInt8 = 0x40
        static let dcd: UInt8 = 0x80
        static let connected: UInt8 = cts | dsr | dcd
    }

    /// IIR bits 3..1 of each interrupt source; the enum order is the
    /// datasheet's priority order, highest first.
    private enum InterruptSource: UInt8 {
        case lineStatus = 0x06
        case receivedData = 0x04
        case characterTimeout = 0x0C
        case transmitterEmpty = 0x02
        case modemStatus = 0x00
    }

    private static let noInterruptPending: UInt8 = 0x01
    private static let fifoEnabledBits: UInt8 = 0xC0
    private static let triggerLevels = [1, 4, 8, 14]

    public let base: UInt16
    public let ports: ClosedRange<UInt16>
    public let backend: CharacterBackend
    /// Called with the new level whenever `irqLevel` changes.
    public var onIRQChange: ((Bool) -> Void)?

    private var interruptEnable: UInt8 = 0
    private var lineControl: UInt8 = 0
    private var modemControl: UInt8 = 0
    private var scratch: UInt8 = 0
    private var divisor: UInt16 = 0
    private var fifoEnabled = false
    private var triggerLevel = 1
    private var lineErrors: UInt8 = 0
    private var modemInputs: UInt8 = MSR.connected
    private var modemDeltas: UInt8 = 0
    private var transmitterEmptyInterrupt = false
    private var receiver = UARTReceiveFIFO()
    private var lastReceived: UInt8 = 0
    private var reportedIRQLevel = false

    public init(base: UInt16 = 0x3F8, backend: CharacterBackend) {
        self.base = base
        let last = base.addingReportingOverflow(7)
        ports = base...(last.overflow ? UInt16.max : last.partialValue)
        self.backend = backend
    }

    /// The level of the IRQ line as wired on a PC: the UART's INTR output
    /// gated by the OUT2 pin. Loopback mode forces the OUT2 pin inactive
    /// (datasheet, Modem Control Register bit 4), which blocks the line.
    public var irqLevel: Bool {
        let out2Pin = modemControl & (MCR.out2 | MCR.loopback) == MCR.out2
        return out2Pin && pendingInterrupt != nil
    }

    /// Moves waiting backend input into the receiver so a guest that sleeps
    /// until the receive interrupt gets woken; the machine calls this
    /// periodically.
    public func pollInput() {
        fillReceiver()
        updateIRQ()
    }

    public func ioReadByte(port: UInt16) -> UInt8 {
        let offset = port &- base
        guard offset <= Register.scratch else { return 0xFF }
        let value = readRegister(offset)
        updateIRQ()
        return value
    }

    public func ioWriteByte(port: UInt16, value: UInt8) {
        let offset = port &- base
        guard offset <= Register.scratch else { return }
        writeRegister(offset, value)
        updateIRQ()
    }

    private var divisorLatchAccess: Bool {
        lineControl & LCR.divisorLatchAccess != 0
    }

    private var loopback: Bool {
        modemControl & MCR.loopback != 0
    }

    private var receiverCapacity: Int {
        fifoEnabled ? UARTReceiveFIFO.depth : 1
    }

    private func readRegister(_ offset: UInt16) -> UInt8 {
        switch offset {
        case Register.data:
            if divisorLatchAccess { return UInt8(truncatingIfNeeded: divisor) }
            return readReceiverBuffer()
        case Register.interruptEnable:
            if divisorLatchAccess { return UInt8(truncatingIfNeeded: divisor >> 8) }
            return interruptEnable
        case Register.interruptID:
            return readInterruptID()
        case Register.lineControl:
            return lineControl
        case Register.modemControl:
            return modemControl
        case Register.lineStatus:
            return readLineStatus()
        case Register.modemStatus:
            let value = modemInputs | modemDeltas
            modemDeltas = 0
            return value
        default:
            return scratch
        }
    }

    private func writeRegister(_ offset: UInt16, _ value: UInt8) {
        switch offset {
        case Register.data:
            if divisorLatchAccess {
                divisor = divisor & 0xFF00 | UInt16(value)
            } else {
                transmit(value)
            }
        case Register.interruptEnable:
            if divisorLatchAccess {
                divisor = divisor & 0x00FF | UInt16(value) << 8
            } else {
                writeInterruptEnable(value)
            }
        case Register.interruptID:
            writeFIFOControl(value)
        case Register.lineControl:
            lineControl = value
        case Register.modemControl:
            modemControl = value & MCR.writable
            updateModemInputs()
        case Register.scratch:
            scratch = value
        default:
            // LSR and MSR are status registers; writing them is reserved for
            // factory test and has no defined effect.
            break
        }
    }

    /// Reading an empty receiver returns the last byte again, as the real
    /// RBR keeps its contents.
    private func readReceiverBuffer() -> UInt8 {
        fillReceiver()
        if let byte = receiver.pop() {
            lastReceived = byte
        }
        return lastReceived
    }

    private func readInterruptID() -> UInt8 {
        let source = pendingInterrupt
        // Reading IIR acknowledges the THRE interrupt only when it is the
        // one being reported.
        if source == .transmitterEmpty {
            transmitterEmptyInterrupt = false
        }
        let fifoBits = fifoEnabled ? Self.fifoEnabledBits : 0
        return (source?.rawValue ?? Self.noInterruptPending) | fifoBits
    }

    private func readLineStatus() -> UInt8 {
        fillReceiver()
        var value = lineErrors | LSR.transmitterHoldingEmpty | LSR.transmitterEmpty
        if !receiver.isEmpty {
            value |= LSR.dataReady
        }
        lineErrors = 0
        return value
    }

    private func transmit(_ byte: UInt8) {
        // Writing THR clears the THRE interrupt; it comes back when the byte
        // moves on to the shift register, which here is immediate. Lowering
        // the line in between gives an edge-triggered PIC a fresh edge.
        transmitterEmptyInterrupt = false
        updateIRQ()
        if loopback {
            receive(byte)
        } else {
            backend.write(byte)
        }
        transmitterEmptyInterrupt = true
    }

    private func writeInterruptEnable(_ value: UInt8) {
        let newlyEnabled = value & ~interruptEnable
        interruptEnable = value & IER.writable
        // THR is always empty, so enabling its interrupt raises it at once.
        if newlyEnabled & IER.transmitterEmpty != 0 {
            transmitterEmptyInterrupt = true
        }
    }

    /// FCR bits other than bit 0 take effect only when written together with
    /// bit 0 set; clearing bit 0 empties the FIFOs (datasheet, FIFO Control
    /// Register). The transmitter FIFO is always empty, so its reset bit and
    /// the DMA mode bit have nothing to act on.
    private func writeFIFOControl(_ value: UInt8) {
        guard value & FCR.enable != 0 else {
            if fifoEnabled {
                fifoEnabled = false
                receiver.removeAll()
            }
            return
        }
        fifoEnabled = true
        if value & FCR.clearReceiver != 0 {
            receiver.removeAll()
        }
        triggerLevel = Self.triggerLevels[Int(value >> 6)]
    }

    /// A byte arriving while the receiver is full is an overrun: without
    /// FIFOs it replaces the unread RBR, with FIFOs it is lost in the shift
    /// register (datasheet, Line Status Register bit 1).
    private func receive(_ byte: UInt8) {
        if receiver.count >= receiverCapacity {
            lineErrors |= LSR.overrunError
            guard !fifoEnabled else { return }
            receiver.removeAll()
        }
        receiver.push(byte)
    }

    /// Takes no more than fits, so backend input is never lost to overrun;
    /// in loopback the serial input is disconnected and nothing is taken.
    private func fillReceiver() {
        guard !loopback else { return }
        while receiver.count < receiverCapacity, let byte = backend.readByte() {
            receiver.push(byte)
        }
    }

    /// In loopback the modem outputs feed the modem inputs (DTR->DSR,
    /// RTS->CTS, OUT1->RI, OUT2->DCD); any change sets the MSR delta bits,
    /// RI only on its trailing edge.
    private func updateModemInputs() {
        var inputs = MSR.connected
        if loopback {
            inputs = 0
            if modemControl & MCR.dtr != 0 { inputs |= MSR.dsr }
            if modemControl & MCR.rts != 0 { inputs |= MSR.cts }
            if modemControl & MCR.out1 != 0 { inputs |= MSR.ri }
            if modemControl & MCR.out2 != 0 { inputs |= MSR.dcd }
        }
        let changed = inputs ^ modemInputs
        if changed & MSR.cts != 0 { modemDeltas |= MSR.deltaCTS }
        if changed & MSR.dsr != 0 { modemDeltas |= MSR.deltaDSR }
        if changed & MSR.dcd != 0 { modemDeltas |= MSR.deltaDCD }
        if changed & modemInputs & MSR.ri != 0 { modemDeltas |= MSR.trailingEdgeRI }
        modemInputs = inputs
    }

    /// The highest-priority enabled interrupt condition. The character
    /// timeout stands in for received data below the FIFO trigger level:
    /// with no line timing, input is idle as soon as it has been taken.
    private var pendingInterrupt: InterruptSource? {
        if interruptEnable & IER.lineStatus != 0 && lineErrors != 0 {
            return .lineStatus
        }
        if interruptEnable & IER.receivedData != 0 && !receiver.isEmpty {
            let reachedTrigger = !fifoEnabled || receiver.count >= triggerLevel
            return reachedTrigger ? .receivedData : .characterTimeout
        }
        if interruptEnable & IER.transmitterEmpty != 0 && transmitterEmptyInterrupt {
            return .transmitterEmpty
        }
        if interruptEnable & IER.modemStatus != 0 && modemDeltas != 0 {
            return .modemStatus
        }
        return nil
    }

    private func updateIRQ() {
        let level = irqLevel
        guard level != reportedIRQLevel else { return }
        reportedIRQLevel = level
        onIRQChange?(level)
    }
}
