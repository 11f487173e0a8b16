import Storage

/// An ATAPI CD-ROM drive: the PACKET command protocol of ATA/ATAPI-6
/// (T13/1410D, the PACKET command and the "PACKET command protocol") carrying MMC/SPC commands (SCSI Primary
/// Commands SPC-2, Multimedia Commands MMC-2) to 2048-byte sectors of
/// `medium`, an ISO image (a `BlockDevice` with 2048-byte blocks), or no disc.
///
/// Only PIO transfers exist (no DMA in IDENTIFY PACKET DEVICE). The drive
/// reports CHECK CONDITION with sense key and additional sense code, which
/// REQUEST SENSE returns and clears.
public final class ATAPICDROM: IDEDevice {
    /// SCSI sense keys (SPC-2, "Sense key descriptions").
    public enum SenseKey {
        public static let noSense: UInt8 = 0x0
        public static let notReady: UInt8 = 0x2
        public static let mediumError: UInt8 = 0x3
        public static let illegalRequest: UInt8 = 0x5
        public static let unitAttention: UInt8 = 0x6
    }

    /// The interrupt reason bits in the sector count register ("PACKET command protocol").
    enum InterruptReason {
        static let commandOrData: UInt8 = 0x01
        static let io: UInt8 = 0x02
    }

    static let sectorSize = 2048

    /// The disc, or nil when the tray is empty. Changing it raises UNIT ATTENTION.
    public var medium: BlockDevice? {
        didSet { setSense(SenseKey.unitAttention, 0x28, 0x00) }
    }

    public let vendor: String
    public let product: String
    public let revision: String
    /// The last error's sense key, additional sense code and qualifier.
    public private(set) var sense: (key: UInt8, asc: UInt8, ascq: UInt8) = (0, 0, 0)

    private var output: [UInt8] = []
    private var outputIndex = 0
    private var readLBA: UInt64 = 0
    private var readRemaining = 0
    private var byteCountLimit = 0

    public init(medium: BlockDevice?, clock: VirtualClock, vendor: String = "SwiftPC",
                product: String = "CD-ROM", revision: String = "1.0") {
        self.medium = medium
        self.vendor = vendor
        self.product = product
        self.revision = revision
        super.init(clock: clock)
    }

    override var signature: (mid: UInt8, high: UInt8) { (0x14, 0xEB) }
    override var idleStatus: UInt8 { Status.drdy }
    override var resetStatus: UInt8 { 0 }

    override func execute(command code: UInt8) {
        switch code {
        case 0xA0: packet()
        case 0xA1: identifyPacketDevice()
        case 0x08:
            busy(for: Self.commandDelay) {
                self.applySignature()
                self.error = 0x01
                self.status = self.resetStatus
            }
        case 0xEF, 0xE0...0xE3:
            busy(for: Self.commandDelay) { self.completeCommand() }
        default:
            // "Signature and persistence": ATA commands an ATAPI device does not execute abort and
            // leave the signature, so IDENTIFY DEVICE reveals a packet device.
            applySignature()
            abortCommand()
        }
    }

    // MARK: PACKET protocol

    /// PACKET: asks for the 12-byte command packet with CoD set, IO clear.
    private func packet() {
        guard features.current & 0x01 == 0 else {
            abortCommand()
            return
        }
        let limit = Int(lbaHigh.current) << 8 | Int(lbaMid.current)
        byteCountLimit = limit == 0 ? 0xFFFE : limit
        busy(for: Self.commandDelay) {
            self.sectorCount.current = InterruptReason.commandOrData
            self.startDataOut(count: 12, interrupt: false) { bytes in
                self.busy(for: Self.commandDelay) { self.run(packet: bytes) }
            }
        }
    }

    private func run(packet cdb: [UInt8]) {
        output = []
        outputIndex = 0
        readRemaining = 0
        let opcode = cdb[0]
        if sense.key == SenseKey.unitAttention && opcode != 0x03 && opcode != 0x12 {
            checkCondition()
            return
        }
        switch opcode {
        case 0x00:
            guard requireMedium() else { return }
            finishPacket()
        case 0x03: requestSense(cdb)
        case 0x12: inquiry(cdb)
        case 0x1B, 0x1E: finishPacket()
        case 0x25: readCapacity()
        case 0x43: readTOC(cdb)
        case 0x28:
            read(lba: bigEndian(cdb, 2, 4), count: Int(bigEndian(cdb, 7, 2)))
        case 0xA8:
            read(lba: bigEndian(cdb, 2, 4), count: Int(bigEndian(cdb, 6, 4)))
        case 0x5A: modeSense(cdb)
        default: fail(SenseKey.illegalRequest, 0x20, 0x00)
        }
    }

    private func bigEndian(_ bytes: [UInt8], _ start: Int, _ count: Int) -> UInt64 {
        bytes[start..<start + count].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    private func requireMedium() -> Bool {
        guard medium != nil else {
            fail(SenseKey.notReady, 0x3A, 0x00)
            return false
        }
        return true
    }

    private func setSense(_ key: UInt8, _ asc: UInt8, _ ascq: UInt8) {
        sense = (key, asc, ascq)
    }

    private func fail(_ key: UInt8, _ asc: UInt8, _ ascq: UInt8) {
        setSense(key, asc, ascq)
        checkCondition()
    }

    /// Status phase with CHECK CONDITION: ERR, the sense key in the error
    /// register's upper nibble and ABRT for an invalid command (ATA-6 PACKET "Error outputs").
    private func checkCondition() {
        sectorCount.current = InterruptReason.commandOrData | InterruptReason.io
        failCommand(sense.key << 4 | (sense.key == SenseKey.illegalRequest ? ErrorBit.abrt : 0))
    }

    /// Status phase without error: CoD and IO set, DRQ clear, INTRQ.
    private func finishPacket() {
        setSense(SenseKey.noSense, 0, 0)
        sectorCount.current = InterruptReason.commandOrData | InterruptReason.io
        completeCommand()
    }

    /// Sends `data`, cut to the command's allocation length.
    private func respond(_ data: [UInt8], allocationLength: Int) {
        output = Array(data.prefix(allocationLength))
        outputIndex = 0
        setSense(SenseKey.noSense, 0, 0)
        sendNextBlock()
    }

    /// One DRQ data block of at most the byte count limit, with its length in
    /// LBA mid/high and IO set ("PACKET command protocol"); after the last, the status phase.
    private func sendNextBlock() {
        if outputIndex >= output.count && readRemaining > 0 {
            refillFromMedium()
            if status & Status.err != 0 { return }
        }
        let left = output.count - outputIndex
        guard left > 0 else {
            finishPacket()
            return
        }
        var length = min(byteCountLimit, left)
        if length < left { length &= ~1 }
        length = max(length, min(left, 2))
        let block = Array(output[outputIndex..<outputIndex + length])
        outputIndex += length
        lbaMid.current = UInt8(truncatingIfNeeded: length)
        lbaHigh.current = UInt8(truncatingIfNeeded: length >> 8)
        sectorCount.current = InterruptReason.io
        startDataIn(block, interrupt: true) {
            let sectors = max(1, min(self.readRemaining, self.byteCountLimit / Self.sectorSize))
            self.busy(for: Self.sectorDelay * UInt64(self.readRemaining > 0 ? sectors : 1)) { self.sendNextBlock() }
        }
    }

    private func refillFromMedium() {
        let sectors = max(1, min(readRemaining, byteCountLimit / Self.sectorSize))
        guard let disc = medium else {
            readRemaining = 0
            fail(SenseKey.notReady, 0x3A, 0x00)
            return
        }
        guard let data = try? disc.read(at: readLBA, count: sectors) else {
            readRemaining = 0
            fail(SenseKey.mediumError, 0x11, 0x00)
            return
        }
        output = data
        outputIndex = 0
        readLBA &+= UInt64(sectors)
        readRemaining -= sectors
    }

    // MARK: Commands

    /// REQUEST SENSE (SPC-2): fixed-format sense data, then cleared.
    private func requestSense(_ cdb: [UInt8]) {
        var data = [UInt8](repeating: 0, count: 18)
        data[0] = 0x70
        data[2] = sense.key
        data[7] = 10
        data[12] = sense.asc
        data[13] = sense.ascq
        respond(data, allocationLength: Int(cdb[4]))
    }

    /// INQUIRY (SPC-2): CD-ROM device (type 05h), removable medium.
    private func inquiry(_ cdb: [UInt8]) {
        var data: [UInt8] = [0x05, 0x80, 0x00, 0x21, 31, 0, 0, 0]
        data += padded(vendor, 8) + padded(product, 16) + padded(revision, 4)
        let unitAttention = sense.key == SenseKey.unitAttention
        let saved = sense
        respond(data, allocationLength: Int(bigEndian(cdb, 3, 2)))
        if unitAttention { sense = saved }
    }

    private func padded(_ text: String, _ length: Int) -> [UInt8] {
        let bytes = Array(text.utf8.prefix(length))
        return bytes + Array(repeating: UInt8(ascii: " "), count: length - bytes.count)
    }

    /// READ CAPACITY (MMC-2): last LBA and block length, big-endian.
    private func readCapacity() {
        guard requireMedium(), let disc = medium else { return }
        let last = UInt32(truncatingIfNeeded: max(disc.blockCount, 1) - 1)
        let size = UInt32(Self.sectorSize)
        var data: [UInt8] = []
        for value in [last, size] {
            data += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> UInt32($0)) }
        }
        respond(data, allocationLength: 8)
    }

    /// READ TOC/PMA/ATIP (MMC-2) for a single-session disc with one data track:
    /// format 0 (the TOC: track 1 and the lead-out, AAh, from the starting track
    /// on) and format 1 (session information). Addresses are LBAs, or MSF with
    /// the 2-second (150-frame) lead-in offset when the MSF bit is set. The
    /// format comes from byte 2, or from bits 6-7 of byte 9 in the older
    /// SFF-8020i form that some drivers still send.
    private func readTOC(_ cdb: [UInt8]) {
        guard requireMedium(), let disc = medium else { return }
        let msf = cdb[1] & 0x02 != 0
        let format = cdb[2] & 0x0F != 0 ? cdb[2] & 0x0F : cdb[9] >> 6
        let allocation = Int(bigEndian(cdb, 7, 2))
        func address(_ lba: UInt64) -> [UInt8] {
            guard msf else { return [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: lba >> UInt64($0)) } }
            let frames = lba &+ 150
            return [0, UInt8(truncatingIfNeeded: frames / (75 * 60)), UInt8(frames / 75 % 60), UInt8(frames % 75)]
        }
        // ADR 1 (position data), control 4 (data track, recorded uninterrupted).
        func descriptor(track: UInt8, lba: UInt64) -> [UInt8] { [0, 0x14, track, 0] + address(lba) }
        var body: [UInt8]
        switch format {
        case 0:
            let start = cdb[6]
            switch start {
            case 0, 1: body = descriptor(track: 1, lba: 0) + descriptor(track: 0xAA, lba: disc.blockCount)
            case 0xAA: body = descriptor(track: 0xAA, lba: disc.blockCount)
            default:
                fail(SenseKey.illegalRequest, 0x24, 0x00)
                return
            }
        case 1: body = descriptor(track: 1, lba: 0)
        default:
            fail(SenseKey.illegalRequest, 0x24, 0x00)
            return
        }
        // Data length (excluding itself), first and last track or session.
        let length = UInt16(body.count + 2)
        respond([UInt8(length >> 8), UInt8(length & 0xFF), 1, 1] + body, allocationLength: allocation)
    }

    /// READ(10)/READ(12) (MMC-2): LBA out of range is ILLEGAL
    /// REQUEST, LOGICAL BLOCK ADDRESS OUT OF RANGE (21h/00h).
    private func read(lba: UInt64, count: Int) {
        guard requireMedium(), let disc = medium else { return }
        guard disc.contains(lba: lba, count: count) else {
            fail(SenseKey.illegalRequest, 0x21, 0x00)
            return
        }
        guard count > 0 else {
            finishPacket()
            return
        }
        setSense(SenseKey.noSense, 0, 0)
        readLBA = lba
        readRemaining = count
        sendNextBlock()
    }

    /// MODE SENSE(10) (SPC-2): the read error recovery page (01h) and the
    /// CD capabilities page (2Ah), or both for 3Fh.
    private func modeSense(_ cdb: [UInt8]) {
        let page = cdb[2] & 0x3F
        let recovery: [UInt8] = [0x01, 0x0A, 0x00, 0x05, 0, 0, 0, 0, 0x05, 0, 0, 0]
        var capabilities = [UInt8](repeating: 0, count: 20)
        capabilities[0] = 0x2A
        capabilities[1] = 18
        capabilities[2] = 0x01
        capabilities[6] = 0x29
        capabilities[8] = 0x0B
        capabilities[9] = 0x00
        capabilities[14] = 0x0B
        capabilities[15] = 0x00
        let pages: [UInt8]
        switch page {
        case 0x01: pages = recovery
        case 0x2A: pages = capabilities
        case 0x3F: pages = recovery + capabilities
        default:
            fail(SenseKey.illegalRequest, 0x24, 0x00)
            return
        }
        let length = 6 + pages.count
        let header: [UInt8] = [UInt8(length >> 8), UInt8(length & 0xFF), medium == nil ? 0x70 : 0x01, 0, 0, 0, 0, 0]
        respond(header + pages, allocationLength: Int(bigEndian(cdb, 7, 2)))
    }

    private func identifyPacketDevice() {
        busy(for: Self.commandDelay) {
            var id = IdentifyData()
            // ATAPI (10b), CD-ROM (05h), removable, DRQ within 3 ms, 12-byte packets.
            id.words[0] = 0x8580
            id.setString("SWIFTPC-CD-0001", at: 10, words: 10)
            id.setString(self.revision, at: 23, words: 4)
            id.setString("\(self.vendor) \(self.product)", at: 27, words: 20)
            id.words[49] = 0x0A00
            id.words[50] = 0x4000
            id.words[51] = 0x0200
            id.words[53] = 0x0002
            id.words[64] = 0x0003
            id.words[65...68] = [120, 120, 120, 120]
            id.words[80] = 0x007E
            id.words[82] = 0x0010
            id.words[84] = 0x4000
            id.words[85] = 0x0010
            id.words[87] = 0x4000
            self.startDataIn(id.bytesWithChecksum(), interrupt: true) { self.error = 0 }
        }
    }
}
