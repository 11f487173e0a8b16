import Storage

/// An ATA hard disk (ATA/ATAPI-6, T13/1410D) on a `BlockDevice` of 512-byte
/// sectors: CHS, LBA28 and LBA48 addressing, PIO single- and multiple-sector
/// transfers, INITIALIZE DEVICE PARAMETERS translation, SET FEATURES and
/// FLUSH CACHE (section 8 describes each command). Sector data moves through
/// the device's buffer in virtual time: `sectorDelay` per sector of a block.
public final class ATADisk: IDEDevice {
    /// The largest READ/WRITE MULTIPLE block (IDENTIFY word 47).
    public static let maxMultiple = 16
    static let defaultHeads = 16
    static let defaultSectorsPerTrack = 63
    static let maxCylinders = 16383

    public let medium: BlockDevice
    public let serialNumber: String
    public let model: String
    public let firmwareRevision: String
    /// Sectors per READ/WRITE MULTIPLE block; 0 when multiple mode is off.
    public private(set) var multipleCount = 0
    /// The CHS translation set by INITIALIZE DEVICE PARAMETERS.
    public private(set) var logicalHeads: Int
    public private(set) var logicalSectorsPerTrack: Int
    public private(set) var writeCacheEnabled = true

    /// Where the current READ/WRITE transfer stands.
    private struct Transfer {
        var lba: UInt64
        var remaining: Int
        var blockSectors: Int
        var extended: Bool
    }

    private var transfer = Transfer(lba: 0, remaining: 0, blockSectors: 1, extended: false)

    public init(medium: BlockDevice, clock: VirtualClock, serialNumber: String = "SWIFTPC-ATA-0001",
                model: String = "SwiftPC ATA Disk", firmwareRevision: String = "1.0") {
        self.medium = medium
        self.serialNumber = serialNumber
        self.model = model
        self.firmwareRevision = firmwareRevision
        logicalHeads = Self.defaultHeads
        logicalSectorsPerTrack = Self.defaultSectorsPerTrack
        super.init(clock: clock)
    }

    public var sectorCountTotal: UInt64 { medium.blockCount }

    /// Default cylinders: the capacity over 16 heads of 63 sectors, capped at 16383.
    public var defaultCylinders: Int {
        Int(min(sectorCountTotal / UInt64(Self.defaultHeads * Self.defaultSectorsPerTrack), UInt64(Self.maxCylinders)))
    }

    /// Cylinders of the current logical translation.
    var logicalCylinders: Int {
        let perCylinder = UInt64(logicalHeads * logicalSectorsPerTrack)
        guard perCylinder > 0 else { return 0 }
        return Int(min(min(sectorCountTotal, 16_514_064) / perCylinder, 65535))
    }

    override func resetState() {
        logicalHeads = Self.defaultHeads
        logicalSectorsPerTrack = Self.defaultSectorsPerTrack
    }

    override func execute(command code: UInt8) {
        switch code {
        case 0x20, 0x21: startRead(extended: false, multiple: false)
        case 0x24: startRead(extended: true, multiple: false)
        case 0xC4: startRead(extended: false, multiple: true)
        case 0x29: startRead(extended: true, multiple: true)
        case 0x30, 0x31: startWrite(extended: false, multiple: false)
        case 0x34: startWrite(extended: true, multiple: false)
        case 0xC5: startWrite(extended: false, multiple: true)
        case 0x39: startWrite(extended: true, multiple: true)
        case 0x40, 0x41: verify(extended: false)
        case 0x42: verify(extended: true)
        case 0xC6: nonData { self.setMultipleMode() }
        case 0xEC: identify()
        case 0xEF: nonData { self.setFeatures() }
        case 0xE7, 0xEA: nonData { self.flushCache() }
        case 0x91: nonData { self.initializeDeviceParameters() }
        case 0x10...0x1F, 0x70...0x7F, 0xE0...0xE3: nonData { self.completeCommand() }
        case 0xE5:
            nonData {
                self.sectorCount.current = 0xFF
                self.completeCommand()
            }
        default: abortCommand()
        }
    }

    private func nonData(_ work: @escaping () -> Void) {
        busy(for: Self.commandDelay, then: work)
    }

    // MARK: Addressing

    /// The starting sector and count of a transfer command.
    private func requestedRange(extended: Bool) -> (lba: UInt64?, count: Int) {
        if extended {
            let count = Int(sectorCount.previous) << 8 | Int(sectorCount.current)
            var lba: UInt64 = 0
            for byte in [lbaHigh.previous, lbaMid.previous, lbaLow.previous, lbaHigh.current, lbaMid.current, lbaLow.current] {
                lba = lba << 8 | UInt64(byte)
            }
            return (lba, count == 0 ? 65536 : count)
        }
        let count = sectorCount.current == 0 ? 256 : Int(sectorCount.current)
        if device & Self.lbaMode != 0 {
            let lba = UInt64(device & 0x0F) << 24 | UInt64(lbaHigh.current) << 16
                | UInt64(lbaMid.current) << 8 | UInt64(lbaLow.current)
            return (lba, count)
        }
        let cylinder = Int(lbaHigh.current) << 8 | Int(lbaMid.current)
        let head = Int(device & 0x0F)
        let sector = Int(lbaLow.current)
        guard sector >= 1, sector <= logicalSectorsPerTrack, head < logicalHeads, cylinder < max(logicalCylinders, 1) else {
            return (nil, count)
        }
        let lba = (cylinder * logicalHeads + head) * logicalSectorsPerTrack + sector - 1
        return (UInt64(lba), count)
    }

    /// Puts `lba` back in the address registers in the command's addressing
    /// mode, so an error reports the failing sector (the commands' "Error outputs").
    private func reportAddress(_ lba: UInt64, extended: Bool) {
        if extended {
            lbaLow.set(current: UInt8(truncatingIfNeeded: lba), previous: UInt8(truncatingIfNeeded: lba >> 24))
            lbaMid.set(current: UInt8(truncatingIfNeeded: lba >> 8), previous: UInt8(truncatingIfNeeded: lba >> 32))
            lbaHigh.set(current: UInt8(truncatingIfNeeded: lba >> 16), previous: UInt8(truncatingIfNeeded: lba >> 40))
        } else if device & Self.lbaMode != 0 {
            lbaLow.current = UInt8(truncatingIfNeeded: lba)
            lbaMid.current = UInt8(truncatingIfNeeded: lba >> 8)
            lbaHigh.current = UInt8(truncatingIfNeeded: lba >> 16)
            device = device & 0xF0 | UInt8(truncatingIfNeeded: lba >> 24) & 0x0F
        } else if logicalHeads > 0, logicalSectorsPerTrack > 0 {
            let track = lba / UInt64(logicalSectorsPerTrack)
            let cylinder = track / UInt64(logicalHeads)
            lbaLow.current = UInt8(truncatingIfNeeded: lba % UInt64(logicalSectorsPerTrack) + 1)
            lbaMid.current = UInt8(truncatingIfNeeded: cylinder)
            lbaHigh.current = UInt8(truncatingIfNeeded: cylinder >> 8)
            device = device & 0xF0 | UInt8(truncatingIfNeeded: track % UInt64(logicalHeads)) & 0x0F
        }
    }

    private func reportRemaining(_ count: Int, extended: Bool) {
        sectorCount.set(current: UInt8(truncatingIfNeeded: count),
                        previous: extended ? UInt8(truncatingIfNeeded: count >> 8) : sectorCount.previous)
    }

    private func failIDNF(at lba: UInt64, extended: Bool) {
        reportAddress(lba, extended: extended)
        failCommand(ErrorBit.idnf)
    }

    // MARK: PIO transfers

    private func setUpTransfer(extended: Bool, multiple: Bool) -> Bool {
        if multiple && multipleCount == 0 {
            abortCommand()
            return false
        }
        let range = requestedRange(extended: extended)
        guard let lba = range.lba else {
            failCommand(ErrorBit.idnf)
            return false
        }
        transfer = Transfer(lba: lba, remaining: range.count, blockSectors: multiple ? multipleCount : 1, extended: extended)
        return true
    }

    private var blockLength: Int { min(transfer.blockSectors, transfer.remaining) }

    private func startRead(extended: Bool, multiple: Bool) {
        guard setUpTransfer(extended: extended, multiple: multiple) else { return }
        busy(for: Self.sectorDelay * UInt64(blockLength)) { self.readBlock() }
    }

    /// "PIO data-in command protocol": each block is offered with DRQ and an interrupt.
    private func readBlock() {
        let count = blockLength
        guard medium.contains(lba: transfer.lba, count: count) else {
            failIDNF(at: max(transfer.lba, min(transfer.lba &+ UInt64(count), sectorCountTotal)), extended: transfer.extended)
            return
        }
        let data: [UInt8]
        do {
            data = try medium.read(at: transfer.lba, count: count)
        } catch {
            reportAddress(transfer.lba, extended: transfer.extended)
            failCommand(ErrorBit.unc)
            return
        }
        startDataIn(data, interrupt: true) {
            self.transfer.lba &+= UInt64(count)
            self.transfer.remaining -= count
            if self.transfer.remaining > 0 {
                self.busy(for: Self.sectorDelay * UInt64(self.blockLength)) { self.readBlock() }
            } else {
                self.reportAddress(self.transfer.lba &- 1, extended: self.transfer.extended)
                self.reportRemaining(0, extended: self.transfer.extended)
                self.error = 0
            }
        }
    }

    private func startWrite(extended: Bool, multiple: Bool) {
        if medium.isReadOnly {
            abortCommand()
            return
        }
        guard setUpTransfer(extended: extended, multiple: multiple) else { return }
        busy(for: Self.commandDelay) { self.requestWriteBlock(interrupt: false) }
    }

    /// "PIO data-out command protocol": the first block is asked for without an
    /// interrupt, later ones with one after the previous block is written.
    private func requestWriteBlock(interrupt: Bool) {
        let count = blockLength
        guard medium.contains(lba: transfer.lba, count: count) else {
            failIDNF(at: max(transfer.lba, min(transfer.lba &+ UInt64(count), sectorCountTotal)), extended: transfer.extended)
            return
        }
        startDataOut(count: count * 512, interrupt: interrupt) { data in
            self.busy(for: Self.sectorDelay * UInt64(count)) { self.writeBlock(data, count: count) }
        }
    }

    private func writeBlock(_ data: [UInt8], count: Int) {
        do {
            try medium.write(at: transfer.lba, data)
        } catch {
            reportAddress(transfer.lba, extended: transfer.extended)
            failCommand(ErrorBit.abrt)
            return
        }
        transfer.lba &+= UInt64(count)
        transfer.remaining -= count
        if transfer.remaining > 0 {
            requestWriteBlock(interrupt: true)
        } else {
            reportAddress(transfer.lba &- 1, extended: transfer.extended)
            reportRemaining(0, extended: transfer.extended)
            completeCommand()
        }
    }

    /// READ VERIFY SECTORS: the range is checked, nothing moves.
    private func verify(extended: Bool) {
        guard setUpTransfer(extended: extended, multiple: false) else { return }
        busy(for: Self.sectorDelay) {
            let count = self.transfer.remaining
            guard self.medium.contains(lba: self.transfer.lba, count: count) else {
                self.failIDNF(at: max(self.transfer.lba, self.sectorCountTotal), extended: extended)
                return
            }
            self.reportAddress(self.transfer.lba &+ UInt64(count) &- 1, extended: extended)
            self.reportRemaining(0, extended: extended)
            self.completeCommand()
        }
    }

    // MARK: Non-data commands

    /// SET MULTIPLE MODE: a power of two up to `maxMultiple`, or 0 to turn it off.
    private func setMultipleMode() {
        let count = Int(sectorCount.current)
        guard count <= Self.maxMultiple, count & (count - 1) == 0 || count == 0 else {
            abortCommand()
            return
        }
        multipleCount = count
        completeCommand()
    }

    /// SET FEATURES: transfer mode (PIO only) and the write cache.
    private func setFeatures() {
        switch features.current {
        case 0x02:
            writeCacheEnabled = true
        case 0x82:
            writeCacheEnabled = false
        case 0x03:
            let mode = sectorCount.current
            guard mode <= 0x01 || (mode >= 0x08 && mode <= 0x0C) else {
                abortCommand()
                return
            }
        case 0x55, 0xAA, 0x66, 0xCC:
            break
        default:
            abortCommand()
            return
        }
        completeCommand()
    }

    /// FLUSH CACHE: completes once the host file is fsync'd.
    private func flushCache() {
        do {
            try medium.flush()
            completeCommand()
        } catch {
            failCommand(ErrorBit.abrt)
        }
    }

    /// INITIALIZE DEVICE PARAMETERS: sectors per track from the
    /// sector count, heads from the device register's head bits plus one.
    private func initializeDeviceParameters() {
        guard sectorCount.current != 0 else {
            abortCommand()
            return
        }
        logicalSectorsPerTrack = Int(sectorCount.current)
        logicalHeads = Int(device & 0x0F) + 1
        completeCommand()
    }

    private func identify() {
        busy(for: Self.commandDelay) {
            self.startDataIn(self.identifyData(), interrupt: true) { self.error = 0 }
        }
    }
}
