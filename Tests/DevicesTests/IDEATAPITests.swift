import XCTest
import Devices
import Storage

/// ATAPI CD-ROM: the PACKET protocol (ATA-6 9.10) and the MMC/SPC commands.
final class IDEATAPITests: XCTestCase {
    private let isoBlocks = 40

    private func bench(medium: BlockDevice?) -> (IDETestBench, ATAPICDROM) {
        var drive: ATAPICDROM?
        let bench = IDETestBench(master: { clock in
            let cd = ATAPICDROM(medium: medium, clock: clock)
            drive = cd
            return cd
        })
        return (bench, drive!)
    }

    private func iso() -> MemoryBlockDevice {
        patternDevice(blocks: isoBlocks, blockSize: 2048, readOnly: true)
    }

    /// Sends a 12-byte packet and collects the data blocks; returns the data
    /// and the status of the status phase.
    private func packet(_ bench: IDETestBench, _ cdb: [UInt8], limit: UInt16 = 0xFFFE,
                        blockSizes: UnsafeMutablePointer<[Int]>? = nil) -> (data: [UInt8], status: UInt8) {
        bench.outb(1, 0)
        bench.outb(4, UInt8(limit & 0xFF))
        bench.outb(5, UInt8(limit >> 8))
        bench.command(0xA0)
        bench.waitNotBusy()
        XCTAssertEqual(bench.altStatus() & 0x08, 0x08, "DRQ for the packet")
        XCTAssertEqual(bench.inb(2) & 0x03, 0x01, "CoD=1 IO=0")
        XCTAssertFalse(bench.irq)
        bench.writeBytes(cdb + Array(repeating: 0, count: 12 - cdb.count))
        var data: [UInt8] = []
        while true {
            bench.waitNotBusy()
            XCTAssertTrue(bench.irq)
            let status = bench.inb(7)
            guard status & 0x08 != 0 else {
                XCTAssertEqual(bench.inb(2) & 0x03, 0x03, "status phase: CoD=1 IO=1")
                return (data, status)
            }
            XCTAssertEqual(bench.inb(2) & 0x03, 0x02, "data phase: IO=1")
            let count = Int(bench.inb(5)) << 8 | Int(bench.inb(4))
            blockSizes?.pointee.append(count)
            data += bench.readBytes(count)
        }
    }

    func testIdentifyPacketDevice() {
        let (bench, _) = bench(medium: iso())
        bench.command(0xA1)
        bench.waitNotBusy()
        XCTAssertTrue(bench.irq)
        XCTAssertEqual(bench.inb(7), 0x48)
        let words = (0..<256).map { _ in bench.inw() }
        XCTAssertEqual(words[0], 0x8580, "ATAPI, CD-ROM, removable, 12-byte packets")
        XCTAssertEqual(words[255] & 0xFF, 0xA5)
        XCTAssertEqual(words.reduce(UInt8(0)) { $0 &+ UInt8($1 & 0xFF) &+ UInt8($1 >> 8) }, 0)
        XCTAssertEqual(words[27], UInt16(UInt8(ascii: "S")) << 8 | UInt16(UInt8(ascii: "w")))
    }

    func testInquiry() {
        let (bench, _) = bench(medium: iso())
        let reply = packet(bench, [0x12, 0, 0, 0, 36])
        XCTAssertEqual(reply.status, 0x40)
        XCTAssertEqual(reply.data.count, 36)
        XCTAssertEqual(reply.data[0], 0x05, "CD-ROM device")
        XCTAssertEqual(reply.data[1], 0x80, "removable")
        XCTAssertEqual(String(decoding: reply.data[8..<16], as: UTF8.self), "SwiftPC ")
        XCTAssertEqual(String(decoding: reply.data[16..<32], as: UTF8.self), "CD-ROM          ")
        XCTAssertEqual(packet(bench, [0x12, 0, 0, 0, 5]).data.count, 5, "allocation length")
    }

    func testReadCapacityAndRead10() {
        let (bench, _) = bench(medium: iso())
        let capacity = packet(bench, [0x25])
        XCTAssertEqual(capacity.data, [0, 0, 0, UInt8(isoBlocks - 1), 0, 0, 0x08, 0x00])
        let cases: [(lba: UInt8, count: UInt8, limit: UInt16, blocks: [Int])] = [
            (16, 1, 0xFFFE, [2048]), (3, 3, 0xFFFE, [6144]), (5, 2, 2048, [2048, 2048]),
            (0, 1, 1000, [1000, 1000, 48]), (7, 2, 0, [4096]),
        ]
        for entry in cases {
            var sizes: [Int] = []
            let reply = packet(bench, [0x28, 0, 0, 0, 0, entry.lba, 0, 0, entry.count], limit: entry.limit,
                               blockSizes: &sizes)
            XCTAssertEqual(reply.status, 0x40)
            XCTAssertEqual(reply.data, (Int(entry.lba)..<Int(entry.lba + entry.count)).flatMap { patternSector($0, size: 2048) })
            XCTAssertEqual(sizes, entry.blocks, "DRQ blocks for limit \(entry.limit)")
        }
        let twelve = packet(bench, [0xA8, 0, 0, 0, 0, 9, 0, 0, 0, 1])
        XCTAssertEqual(twelve.data, patternSector(9, size: 2048), "READ(12)")
        XCTAssertEqual(packet(bench, [0x28, 0, 0, 0, 0, 9, 0, 0, 0]).data, [], "zero blocks")
    }

    /// READ TOC: the one data track and the lead-out, in LBA and MSF form,
    /// from a starting track, session information, and the allocation length.
    func testReadTOC() {
        let (bench, _) = bench(medium: iso())
        let lead = UInt8(isoBlocks)
        let cases: [(cdb: [UInt8], data: [UInt8])] = [
            ([0x43, 0, 0, 0, 0, 0, 0, 0, 100], [0, 18, 1, 1, 0, 0x14, 1, 0, 0, 0, 0, 0, 0, 0x14, 0xAA, 0, 0, 0, 0, lead]),
            // MSF: LBA 0 is 00:02:00; the lead-out at 40 is 00:02:40.
            ([0x43, 2, 0, 0, 0, 0, 0, 0, 100], [0, 18, 1, 1, 0, 0x14, 1, 0, 0, 0, 2, 0, 0, 0x14, 0xAA, 0, 0, 0, 2, lead]),
            ([0x43, 0, 0, 0, 0, 0, 0xAA, 0, 100], [0, 10, 1, 1, 0, 0x14, 0xAA, 0, 0, 0, 0, lead]),
            ([0x43, 0, 1, 0, 0, 0, 0, 0, 100], [0, 10, 1, 1, 0, 0x14, 1, 0, 0, 0, 0, 0]),
            ([0x43, 0, 0, 0, 0, 0, 0, 0, 100, 0x40], [0, 10, 1, 1, 0, 0x14, 1, 0, 0, 0, 0, 0]),
            ([0x43, 0, 0, 0, 0, 0, 0, 0, 4], [0, 18, 1, 1]),
        ]
        for c in cases {
            let reply = packet(bench, c.cdb)
            XCTAssertEqual(reply.status, 0x40, "\(c.cdb)")
            XCTAssertEqual(reply.data, c.data, "\(c.cdb)")
        }
        for cdb: [UInt8] in [[0x43, 0, 0, 0, 0, 0, 2, 0, 100], [0x43, 0, 5, 0, 0, 0, 0, 0, 100]] {
            XCTAssertEqual(packet(bench, cdb).status & 0x01, 0x01, "\(cdb): CHECK CONDITION")
            let sense = packet(bench, [0x03, 0, 0, 0, 18]).data
            XCTAssertEqual(sense[2] & 0x0F, 0x05, "ILLEGAL REQUEST")
            XCTAssertEqual(sense[12], 0x24, "INVALID FIELD IN CDB")
        }
    }

    func testErrorsAndRequestSense() {
        let (bench, _) = bench(medium: iso())
        let cases: [(cdb: [UInt8], key: UInt8, asc: UInt8, error: UInt8)] = [
            ([0x28, 0, 0, 0, 0, UInt8(isoBlocks), 0, 0, 1], 0x05, 0x21, 0x54),
            ([0x28, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0xFF, 0xFF], 0x05, 0x21, 0x54),
            ([0xEE], 0x05, 0x20, 0x54),
            ([0x5A, 0, 0x05, 0, 0, 0, 0, 0, 0xFF], 0x05, 0x24, 0x54),
        ]
        for entry in cases {
            let reply = packet(bench, entry.cdb)
            XCTAssertEqual(reply.status, 0x41, "CHECK CONDITION for \(entry.cdb)")
            XCTAssertEqual(bench.inb(1), entry.error, "sense key in the error register")
            let sense = packet(bench, [0x03, 0, 0, 0, 18]).data
            XCTAssertEqual(sense.count, 18)
            XCTAssertEqual(sense[0], 0x70)
            XCTAssertEqual(sense[2], entry.key)
            XCTAssertEqual(sense[12], entry.asc)
            XCTAssertEqual(packet(bench, [0x03, 0, 0, 0, 18]).data[2], 0, "sense cleared once read")
        }
    }

    func testNoMediumAndMediumChange() {
        let (bench, drive) = bench(medium: nil)
        for cdb: [UInt8] in [[0x00], [0x25], [0x28, 0, 0, 0, 0, 0, 0, 0, 1]] {
            XCTAssertEqual(packet(bench, cdb).status, 0x41)
            XCTAssertEqual(bench.inb(1), 0x20, "NOT READY")
            let sense = packet(bench, [0x03, 0, 0, 0, 18]).data
            XCTAssertEqual([sense[2], sense[12]], [0x02, 0x3A], "MEDIUM NOT PRESENT")
        }
        XCTAssertEqual(packet(bench, [0x12, 0, 0, 0, 36]).status, 0x40, "INQUIRY needs no medium")
        drive.medium = iso()
        XCTAssertEqual(packet(bench, [0x00]).status, 0x41, "UNIT ATTENTION after the change")
        XCTAssertEqual(bench.inb(1), 0x60)
        let sense = packet(bench, [0x03, 0, 0, 0, 18]).data
        XCTAssertEqual([sense[2], sense[12]], [0x06, 0x28])
        XCTAssertEqual(packet(bench, [0x00]).status, 0x40, "ready")
        XCTAssertEqual(packet(bench, [0x1B, 0, 0, 0, 0x01]).status, 0x40, "START STOP UNIT")
    }

    func testModeSense10() {
        let (bench, _) = bench(medium: iso())
        let reply = packet(bench, [0x5A, 0, 0x2A, 0, 0, 0, 0, 0, 0xFF])
        XCTAssertEqual(reply.status, 0x40)
        XCTAssertEqual(reply.data.count, 28)
        XCTAssertEqual(Int(reply.data[0]) << 8 | Int(reply.data[1]), 26, "mode data length")
        XCTAssertEqual(reply.data[8], 0x2A)
        XCTAssertEqual(packet(bench, [0x5A, 0, 0x3F, 0, 0, 0, 0, 0, 0xFF]).data.count, 40)
        XCTAssertEqual(packet(bench, [0x5A, 0, 0x3F, 0, 0, 0, 0, 0, 8]).data.count, 8, "allocation length")
    }

    func testPacketWithDMABitAbortsAndDeviceResetRecovers() {
        let (bench, _) = bench(medium: iso())
        bench.outb(1, 0x01)
        bench.command(0xA0)
        bench.waitNotBusy()
        XCTAssertEqual(bench.inb(7), 0x41)
        XCTAssertEqual(bench.inb(1), 0x04)
        bench.outb(1, 0)
        bench.command(0xA0)
        bench.waitNotBusy()
        XCTAssertEqual(bench.inb(7) & 0x08, 0x08, "waiting for the packet")
        bench.command(0x08)
        bench.waitNotBusy()
        XCTAssertEqual(bench.inb(7), 0x00, "DEVICE RESET")
        XCTAssertEqual([bench.inb(4), bench.inb(5)], [0x14, 0xEB])
    }
}
