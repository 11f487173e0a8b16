import Storage

/// One device on an IDE (ATA) cable: the task-file registers it latches,
/// its status and error, its INTRQ and its PIO data buffer, following
/// ATA/ATAPI-6 (T13/1410D) section 7 ("Register description") and section 9
/// ("Protocol": the PIO data-in, PIO data-out, non-data, PACKET and
/// software reset protocols).
///
/// Both devices on a channel latch every task-file write (clause 7), so each keeps
/// its own copy; `ATADisk` and `ATAPICDROM` add their command sets. Commands
/// run in virtual time: writing the command sets BSY and the next phase
/// happens when the device's timer fires, so a guest polling BSY sees it.
public class IDEDevice {
    /// Status register bits (7, "Status register").
    public enum Status {
        public static let bsy: UInt8 = 0x80
        public static let drdy: UInt8 = 0x40
        public static let dsc: UInt8 = 0x10
        public static let drq: UInt8 = 0x08
        public static let err: UInt8 = 0x01
    }

    /// Error register bits (7, "Error register").
    public enum ErrorBit {
        public static let unc: UInt8 = 0x40
        public static let idnf: UInt8 = 0x10
        public static let abrt: UInt8 = 0x04
    }

    /// A command-block register that keeps the previous value written for
    /// 48-bit commands, read back with HOB set ("48-bit Address feature set").
    public struct HOBRegister {
        public var current: UInt8 = 0
        public var previous: UInt8 = 0

        mutating func write(_ value: UInt8) {
            previous = current
            current = value
        }

        mutating func set(current: UInt8, previous: UInt8) {
            self.current = current
            self.previous = previous
        }
    }

    /// The Device register's LBA bit (7, "Device register").
    static let lbaMode: UInt8 = 0x40
    /// Time a non-data command or a reset keeps the device busy.
    static let commandDelay: UInt64 = 2_000
    /// Time per sector moved between the medium and the buffer.
    static let sectorDelay: UInt64 = 4_000

    public internal(set) var features = HOBRegister()
    public internal(set) var sectorCount = HOBRegister()
    public internal(set) var lbaLow = HOBRegister()
    public internal(set) var lbaMid = HOBRegister()
    public internal(set) var lbaHigh = HOBRegister()
    public internal(set) var device: UInt8 = 0
    public internal(set) var status: UInt8 = 0
    public internal(set) var error: UInt8 = 0
    /// The device's interrupt request, before the channel applies nIEN.
    public private(set) var intrq = false

    /// Called when `intrq` changes; the channel recomputes its line.
    var onInterruptChange: (() -> Void)?

    private var buffer: [UInt8] = []
    private var bufferIndex = 0
    private var dataIn = false
    private var blockDone: (() -> Void)?
    private var continuation: (() -> Void)?
    private var timer: DeviceTimer?

    init(clock: VirtualClock) {
        timer = clock.makeTimer { [weak self] in self?.timerFired() }
        applySignature()
        status = resetStatus
        error = 0x01
    }

    /// The register values that identify the device type after a reset ("Signature and persistence").
    var signature: (mid: UInt8, high: UInt8) { (0, 0) }

    /// Status of the device once it is idle after a reset.
    var idleStatus: UInt8 { Status.drdy | Status.dsc }

    /// Status right after a reset or diagnostic.
    var resetStatus: UInt8 { idleStatus }

    var isBusy: Bool { status & Status.bsy != 0 }

    /// Starts the command in `code`; the channel has already checked BSY.
    func execute(command code: UInt8) {
        abortCommand()
    }

    // MARK: Task file as the channel sees it

    func writeTaskFile(register: Int, value: UInt8) {
        guard !isBusy else { return }
        switch register {
        case 1: features.write(value)
        case 2: sectorCount.write(value)
        case 3: lbaLow.write(value)
        case 4: lbaMid.write(value)
        case 5: lbaHigh.write(value)
        case 6: device = value
        default: break
        }
    }

    func readTaskFile(register: Int, hob: Bool) -> UInt8 {
        switch register {
        case 1: return error
        case 2: return hob ? sectorCount.previous : sectorCount.current
        case 3: return hob ? lbaLow.previous : lbaLow.current
        case 4: return hob ? lbaMid.previous : lbaMid.current
        case 5: return hob ? lbaHigh.previous : lbaHigh.current
        case 6: return device
        default: return status
        }
    }

    /// A status read on the command block, which acknowledges the interrupt ("Status register").
    func readStatusAcknowledging() -> UInt8 {
        let value = status
        setInterrupt(false)
        return value
    }

    func commandWritten(_ code: UInt8) {
        setInterrupt(false)
        execute(command: code)
    }

    // MARK: Reset

    /// SRST set: the device stops what it was doing and stays busy ("Software reset protocol").
    func holdReset() {
        stopEverything()
        status = Status.bsy
    }

    /// SRST cleared: the device finishes its reset shortly and shows its signature.
    func releaseReset() {
        busy(for: Self.commandDelay) { [unowned self] in
            self.resetState()
            self.applySignature()
            self.error = 0x01
            self.status = self.resetStatus
        }
    }

    /// EXECUTE DEVICE DIAGNOSTIC: signature, code 01h (passed), and
    /// device 0 interrupts at the end.
    func runDiagnostic(interrupting: Bool) {
        stopEverything()
        busy(for: Self.commandDelay) { [unowned self] in
            self.resetState()
            self.applySignature()
            self.error = 0x01
            self.status = self.resetStatus
            if interrupting { self.setInterrupt(true) }
        }
    }

    /// Forgets per-command settings that a reset returns to their defaults.
    func resetState() {}

    func applySignature() {
        sectorCount.set(current: 1, previous: 0)
        lbaLow.set(current: 1, previous: 0)
        lbaMid.set(current: signature.mid, previous: 0)
        lbaHigh.set(current: signature.high, previous: 0)
        device = 0
    }

    private func stopEverything() {
        timer?.cancel()
        continuation = nil
        endDataBlock()
        setInterrupt(false)
    }

    // MARK: Phases

    /// Sets BSY and runs `next` after `delay` nanoseconds of virtual time.
    func busy(for delay: UInt64, then next: @escaping () -> Void) {
        endDataBlock()
        status = (status & ~(Status.drq | Status.err)) | Status.bsy
        continuation = next
        timer?.schedule(after: delay)
    }

    private func timerFired() {
        let next = continuation
        continuation = nil
        next?()
    }

    /// Ends a command without error and interrupts ("Non-data command protocol").
    func completeCommand() {
        endDataBlock()
        error = 0
        status = idleStatus
        setInterrupt(true)
    }

    /// Ends a command with ERR set, `bits` in the error register, and an interrupt.
    func failCommand(_ bits: UInt8) {
        endDataBlock()
        error = bits
        status = idleStatus | Status.err
        setInterrupt(true)
    }

    func abortCommand() {
        failCommand(ErrorBit.abrt)
    }

    func setInterrupt(_ level: Bool) {
        guard intrq != level else { return }
        intrq = level
        onInterruptChange?()
    }

    // MARK: PIO data

    /// Offers `data` to the host (DRQ set, BSY clear); `done` runs when the
    /// host has read it all.
    func startDataIn(_ data: [UInt8], interrupt: Bool, done: @escaping () -> Void) {
        buffer = data
        bufferIndex = 0
        dataIn = true
        blockDone = done
        status = idleStatus | Status.drq
        if interrupt { setInterrupt(true) }
    }

    /// Asks the host for `count` bytes (DRQ set); `done` receives them.
    func startDataOut(count: Int, interrupt: Bool, done: @escaping ([UInt8]) -> Void) {
        buffer = Array(repeating: 0, count: count)
        bufferIndex = 0
        dataIn = false
        blockDone = { [unowned self] in done(self.buffer) }
        status = idleStatus | Status.drq
        if interrupt { setInterrupt(true) }
    }

    private func endDataBlock() {
        blockDone = nil
        buffer = []
        bufferIndex = 0
        status &= ~Status.drq
    }

    /// A 16-bit data-register read; outside a data-in block the bus floats.
    func readDataWord() -> UInt16 {
        guard status & Status.drq != 0, dataIn, bufferIndex < buffer.count else { return 0xFFFF }
        var word = UInt16(buffer[bufferIndex])
        if bufferIndex + 1 < buffer.count { word |= UInt16(buffer[bufferIndex + 1]) << 8 }
        bufferIndex += 2
        if bufferIndex >= buffer.count { finishBlock() }
        return word
    }

    /// A 16-bit data-register write; outside a data-out block it is ignored.
    func writeDataWord(_ word: UInt16) {
        guard status & Status.drq != 0, !dataIn, bufferIndex < buffer.count else { return }
        buffer[bufferIndex] = UInt8(truncatingIfNeeded: word)
        if bufferIndex + 1 < buffer.count { buffer[bufferIndex + 1] = UInt8(truncatingIfNeeded: word >> 8) }
        bufferIndex += 2
        if bufferIndex >= buffer.count { finishBlock() }
    }

    private func finishBlock() {
        let done = blockDone
        blockDone = nil
        status &= ~Status.drq
        done?()
        if status & Status.drq == 0 && blockDone == nil {
            buffer = []
            bufferIndex = 0
        }
    }
}
