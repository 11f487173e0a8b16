import XCTest
import Devices
import Storage

/// ATA disk commands against ATA/ATAPI-6 section 8 and the PIO protocols of section 9.
final class IDEATADiskTests: XCTestCase {
    private func bench(blocks: Int = 4096, readOnly: Bool = false) -> (IDETestBench, MemoryBlockDevice) {
        let medium = patternDevice(blocks: blocks, readOnly: readOnly)
        return (IDETestBench(master: { ATADisk(medium: medium, clock: $0) }), medium)
    }

    private func identify(_ bench: IDETestBench) -> [UInt16] {
        bench.outb(6, 0xA0)
        bench.command(0xEC)
        bench.waitNotBusy()
        XCTAssertEqual(bench.inb(7), 0x58, "DRDY DSC DRQ")
        return (0..<256).map { _ in bench.inw() }
    }

    private func string(_ words: [UInt16], _ range: Range<Int>) -> String {
        String(decoding: words[range].flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }, as: UTF8.self)
    }

    func testIdentifyDeviceWords() {
        let sizes: [(blocks: UInt64, cylinders: UInt16, lba28: UInt32)] = [
            (4096, 4, 4096), (1_008_000, 1000, 1_008_000), (16_514_064, 16383, 16_514_064),
            (0x1_2345_6789, 16383, 0x0FFF_FFFF), (500, 0, 500),
        ]
        for size in sizes {
            let disk = IDETestBench(master: { ATADisk(medium: ZeroDevice(blockCount: size.blocks), clock: $0) })
            let words = identify(disk)
            XCTAssertEqual(words[1], size.cylinders, "cylinders for \(size.blocks) sectors")
            XCTAssertEqual(words[3], 16)
            XCTAssertEqual(words[6], 63)
            XCTAssertEqual(UInt32(words[60]) | UInt32(words[61]) << 16, size.lba28)
            let lba48 = (0..<4).reduce(UInt64(0)) { $0 | UInt64(words[100 + $1]) << UInt64(16 * $1) }
            XCTAssertEqual(lba48, size.blocks)
        }
        let (bench, _) = bench()
        let words = identify(bench)
        XCTAssertEqual(words[0], 0x0040, "fixed device")
        XCTAssertEqual(string(words, 27..<47), "SwiftPC ATA Disk" + String(repeating: " ", count: 24))
        XCTAssertEqual(string(words, 10..<20), "SWIFTPC-ATA-0001    ")
        XCTAssertEqual(string(words, 23..<27), "1.0     ")
        XCTAssertEqual(words[47], 0x8010, "multiple max 16")
        XCTAssertEqual(words[49] & 0x0200, 0x0200, "LBA")
        XCTAssertEqual(words[59], 0, "multiple mode off")
        XCTAssertEqual(words[83] & 0x0400, 0x0400, "48-bit supported")
        XCTAssertEqual(words[86] & 0x0400, 0x0400, "48-bit enabled")
        XCTAssertEqual(words[64], 0x0003, "PIO 3 and 4")
        XCTAssertEqual(words[255] & 0xFF, 0xA5)
        let sum = words.reduce(UInt8(0)) { $0 &+ UInt8($1 & 0xFF) &+ UInt8($1 >> 8) }
        XCTAssertEqual(sum, 0, "checksum")
        XCTAssertEqual(bench.inb(7) & 0x08, 0, "DRQ ends after 256 words")
    }

    func testReadSectorsLBA28InterruptPerBlockAndBusyTiming() {
        let (bench, _) = bench()
        bench.setLBA28(100, count: 3)
        bench.command(0x20)
        XCTAssertEqual(bench.altStatus() & 0x88, 0x80, "BSY without DRQ right after the command")
        XCTAssertFalse(bench.irq)
        let waited = bench.waitNotBusy()
        XCTAssertEqual(waited, 4_000, "one sector of virtual time")
        for sector in 100..<103 {
            XCTAssertTrue(bench.irq, "INTRQ for the block of sector \(sector)")
            XCTAssertEqual(bench.altStatus(), 0x58)
            XCTAssertTrue(bench.irq, "alternate status does not acknowledge")
            XCTAssertEqual(bench.inb(7), 0x58)
            XCTAssertFalse(bench.irq, "status acknowledges")
            XCTAssertEqual(bench.readBytes(512), patternSector(sector))
            if sector < 102 {
                XCTAssertEqual(bench.altStatus() & 0x88, 0x80)
                bench.waitNotBusy()
            }
        }
        XCTAssertEqual(bench.altStatus(), 0x50, "no DRQ, no interrupt after the last block")
        XCTAssertFalse(bench.irq)
        XCTAssertEqual(bench.inb(3), 102, "LBA of the last sector")
        XCTAssertEqual(bench.inb(2), 0)
    }

    func testThirtyTwoBitDataAccess() {
        let (bench, _) = bench()
        bench.setLBA28(7, count: 1)
        bench.command(0x20)
        bench.waitNotBusy()
        var bytes: [UInt8] = []
        for _ in 0..<128 {
            let value = bench.channel.ioRead(port: 0x1F0, size: 4)
            bytes += [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: value >> UInt32($0)) }
        }
        XCTAssertEqual(bytes, patternSector(7))

        let (writer, medium) = self.bench()
        writer.setLBA28(3, count: 1)
        writer.command(0x30)
        writer.waitNotBusy()
        for index in 0..<128 {
            writer.channel.ioWrite(port: 0x1F0, size: 4, value: UInt32(index) * 0x0101_0101)
        }
        writer.waitNotBusy()
        XCTAssertEqual(writer.inb(7), 0x50)
        XCTAssertEqual(Array(medium.bytes[3 * 512..<4 * 512]), (0..<512).map { UInt8($0 / 4) })

        writer.setLBA28(9, count: 1)
        writer.command(0x20)
        writer.waitNotBusy()
        let low = (0..<256).map { _ in UInt8(writer.channel.ioRead(port: 0x1F0, size: 1)) }
        XCTAssertEqual(low, stride(from: 0, to: 512, by: 2).map { patternSector(9)[$0] }, "a byte read moves a word")
        XCTAssertEqual(writer.inb(7), 0x50)
    }

    func testWriteSectorsInterruptAfterEachBlock() {
        let (bench, medium) = bench()
        bench.setLBA28(10, count: 2)
        bench.command(0x30)
        bench.waitNotBusy()
        XCTAssertEqual(bench.altStatus() & 0x08, 0x08, "DRQ for the first block")
        XCTAssertFalse(bench.irq, "no interrupt before the first block (9.8)")
        bench.writeBytes([UInt8](repeating: 0xAA, count: 512))
        XCTAssertEqual(bench.altStatus() & 0x88, 0x80)
        bench.waitNotBusy()
        XCTAssertTrue(bench.irq)
        XCTAssertEqual(bench.inb(7), 0x58)
        bench.writeBytes([UInt8](repeating: 0xBB, count: 512))
        bench.waitNotBusy()
        XCTAssertTrue(bench.irq, "completion interrupt")
        XCTAssertEqual(bench.inb(7), 0x50)
        XCTAssertEqual(Array(medium.bytes[5120..<5632]), [UInt8](repeating: 0xAA, count: 512))
        XCTAssertEqual(Array(medium.bytes[5632..<6144]), [UInt8](repeating: 0xBB, count: 512))
        XCTAssertEqual(Array(medium.bytes[6144..<6656]), patternSector(12))
    }

    func testLBA48ReadWithHOBReadBack() {
        let medium = PatternDevice(blockCount: 70_000)
        let bench = IDETestBench(master: { ATADisk(medium: medium, clock: $0) })
        bench.setLBA48(0x0001_0005, count: 0x0102 - 0x0100)
        bench.control(0x80)
        XCTAssertEqual(bench.inb(3), 0x00, "HOB shows the previous LBA low")
        XCTAssertEqual(bench.inb(4), 0x00)
        bench.control(0x00)
        XCTAssertEqual(bench.inb(3), 0x05)
        XCTAssertEqual(bench.inb(5), 0x01)
        bench.command(0x24)
        for sector in 0x10005..<0x10007 {
            bench.waitNotBusy()
            XCTAssertEqual(bench.readBytes(512), patternSector(sector))
        }
        XCTAssertEqual(bench.inb(7), 0x50)
        bench.setLBA48(0x1_0000_0000, count: 1)
        bench.command(0x24)
        bench.waitNotBusy()
        XCTAssertEqual(bench.inb(7), 0x51)
        XCTAssertEqual(bench.inb(1), 0x10, "IDNF beyond the end")
        bench.control(0x80)
        XCTAssertEqual(bench.inb(3), 0x00, "HOB: LBA bits 31:24 of the failing sector")
        XCTAssertEqual(bench.inb(4), 0x01, "HOB: LBA bits 39:32")
    }

    func testCHSAddressingAndInitializeDeviceParameters() {
        let bench = IDETestBench(master: { ATADisk(medium: PatternDevice(blockCount: 20_000), clock: $0) })
        let cases: [(heads: UInt8, sectors: UInt8, c: Int, h: UInt8, s: UInt8)] = [
            (16, 63, 2, 3, 5), (4, 17, 1, 2, 1), (8, 32, 10, 7, 32),
        ]
        for entry in cases {
            bench.outb(6, 0xA0 | (entry.heads - 1) & 0x0F)
            bench.outb(2, entry.sectors)
            bench.command(0x91)
            bench.waitNotBusy()
            XCTAssertEqual(bench.inb(7), 0x50, "INITIALIZE DEVICE PARAMETERS")
            let heads = Int(entry.heads)
            let words = identify(bench)
            XCTAssertEqual(words[53] & 1, 1, "current CHS valid")
            XCTAssertEqual(words[54...56], [UInt16(20_000 / (heads * Int(entry.sectors))), UInt16(heads), UInt16(entry.sectors)])
            bench.outb(6, 0xA0 | entry.h)
            bench.outb(2, 1)
            bench.outb(3, entry.s)
            bench.outb(4, UInt8(entry.c & 0xFF))
            bench.outb(5, UInt8(entry.c >> 8))
            bench.command(0x20)
            bench.waitNotBusy()
            let lba = (entry.c * heads + Int(entry.h)) * Int(entry.sectors) + Int(entry.s) - 1
            XCTAssertEqual(bench.readBytes(512), patternSector(lba), "C/H/S \(entry.c)/\(entry.h)/\(entry.s)")
        }
        bench.outb(3, 0)
        bench.command(0x20)
        bench.waitNotBusy()
        XCTAssertEqual(bench.inb(7), 0x51, "sector 0 does not exist in CHS")
        XCTAssertEqual(bench.inb(1), 0x10)
        bench.outb(2, 0)
        bench.command(0x91)
        bench.waitNotBusy()
        XCTAssertEqual(bench.inb(1), 0x04, "zero sectors per track aborts")
    }

    func testMultipleModeBlocks() {
        let (bench, medium) = bench()
        bench.setLBA28(0, count: 1)
        bench.command(0xC4)
        bench.waitNotBusy()
        XCTAssertEqual(bench.inb(1), 0x04, "READ MULTIPLE aborts with multiple mode off")
        for (count, expected) in [(3, UInt8(0x51)), (32, 0x51), (4, 0x50)] {
            bench.outb(2, UInt8(count))
            bench.command(0xC6)
            bench.waitNotBusy()
            XCTAssertEqual(bench.inb(7), expected, "SET MULTIPLE \(count)")
        }
        XCTAssertEqual(identify(bench)[59], 0x0104)
        bench.setLBA28(20, count: 6)
        bench.command(0xC4)
        XCTAssertEqual(bench.waitNotBusy(), 16_000, "four sectors per block")
        XCTAssertEqual(bench.inb(7), 0x58)
        XCTAssertEqual(bench.readBytes(2048), (20..<24).flatMap { patternSector($0) })
        XCTAssertEqual(bench.waitNotBusy(), 8_000, "the last block holds the two left")
        XCTAssertTrue(bench.irq)
        XCTAssertEqual(bench.readBytes(1024), (24..<26).flatMap { patternSector($0) })
        XCTAssertEqual(bench.inb(7), 0x50)
        bench.setLBA28(30, count: 5)
        bench.command(0xC5)
        bench.waitNotBusy()
        bench.writeBytes([UInt8](repeating: 0x11, count: 2048))
        bench.waitNotBusy()
        XCTAssertEqual(bench.inb(7), 0x58, "DRQ for the second block")
        bench.writeBytes([UInt8](repeating: 0x22, count: 512))
        bench.waitNotBusy()
        XCTAssertEqual(bench.inb(7), 0x50)
        XCTAssertEqual(Array(medium.bytes[30 * 512..<34 * 512]), [UInt8](repeating: 0x11, count: 2048))
        XCTAssertEqual(Array(medium.bytes[34 * 512..<35 * 512]), [UInt8](repeating: 0x22, count: 512))
    }

    func testErrorsAbortIDNFAndReadOnly() {
        let (bench, _) = bench(blocks: 100)
        let unknown: [UInt8] = [0x00, 0x01, 0x50, 0xA0, 0xA1, 0xFF, 0xC8, 0xB0]
        for code in unknown {
            bench.command(code)
            bench.waitNotBusy()
            XCTAssertEqual(bench.inb(7), 0x51, "command \(code) aborts")
            XCTAssertEqual(bench.inb(1), 0x04)
        }
        let ranges: [(lba: UInt32, count: UInt8, command: UInt8, failing: UInt8, moved: Int)] = [
            (100, 1, 0x20, 100, 0), (99, 2, 0x20, 100, 1), (0x0FFF_FFFF, 1, 0x40, 0xFF, 0), (98, 5, 0x30, 100, 2),
            (0x0FFF_FF00, 1, 0x20, 0x00, 0),
        ]
        for entry in ranges {
            bench.setLBA28(entry.lba, count: entry.count)
            bench.command(entry.command)
            bench.waitNotBusy()
            var blocks = 0
            while bench.inb(7) & 0x08 != 0 {
                if entry.command == 0x30 { bench.writeBytes(patternSector(0)) } else { _ = bench.readBytes(512) }
                blocks += 1
                bench.waitNotBusy()
            }
            XCTAssertEqual(blocks, entry.moved, "sectors moved before the error")
            XCTAssertEqual(bench.altStatus(), 0x51, "LBA \(entry.lba)+\(entry.count) command \(entry.command)")
            XCTAssertEqual(bench.inb(1), 0x10, "IDNF")
            XCTAssertEqual(bench.inb(3), entry.failing, "the failing sector")
        }
        bench.setLBA28(99, count: 1)
        bench.command(0x40)
        bench.waitNotBusy()
        XCTAssertEqual(bench.inb(7), 0x50, "READ VERIFY in range")

        let readOnly = IDETestBench(master: { ATADisk(medium: patternDevice(blocks: 10, readOnly: true), clock: $0) })
        for code: UInt8 in [0x30, 0x34, 0x39] {
            readOnly.setLBA28(1, count: 1)
            readOnly.outb(2, 1)
            readOnly.outb(2, 1)
            readOnly.command(code)
            readOnly.waitNotBusy()
            XCTAssertEqual(readOnly.inb(7), 0x51, "write \(code) to read-only media")
            XCTAssertEqual(readOnly.inb(1), 0x04)
            XCTAssertTrue(readOnly.irq == false)
        }
    }

    func testSetFeaturesAndNonDataCommands() {
        let (bench, medium) = bench()
        let cases: [(feature: UInt8, count: UInt8, status: UInt8)] = [
            (0x03, 0x0C, 0x50), (0x03, 0x01, 0x50), (0x03, 0x22, 0x51), (0x03, 0x45, 0x51),
            (0x82, 0, 0x50), (0x02, 0, 0x50), (0xAA, 0, 0x50), (0x99, 0, 0x51),
        ]
        for entry in cases {
            bench.outb(1, entry.feature)
            bench.outb(2, entry.count)
            bench.command(0xEF)
            bench.waitNotBusy()
            XCTAssertEqual(bench.inb(7), entry.status, "SET FEATURES \(entry.feature)/\(entry.count)")
        }
        bench.outb(1, 0x82)
        bench.command(0xEF)
        bench.waitNotBusy()
        XCTAssertEqual(identify(bench)[85] & 0x20, 0, "write cache disabled")
        for code: UInt8 in [0xE7, 0xEA] {
            bench.command(code)
            XCTAssertEqual(bench.altStatus() & 0x80, 0x80)
            bench.waitNotBusy()
            XCTAssertTrue(bench.irq)
            XCTAssertEqual(bench.inb(7), 0x50)
        }
        XCTAssertEqual(medium.flushCount, 2)
        for code: UInt8 in [0x10, 0x1F, 0x70, 0xE0, 0xE1] {
            bench.command(code)
            bench.waitNotBusy()
            XCTAssertEqual(bench.inb(7), 0x50, "command \(code) accepted")
        }
        bench.command(0xE5)
        bench.waitNotBusy()
        XCTAssertEqual(bench.inb(2), 0xFF, "CHECK POWER MODE: active")
    }
}

/// The disk on a raw image file: PIO writes reach the file, FLUSH CACHE
/// fsyncs it before it completes.
final class IDERawImageTests: XCTestCase {
    /// Counts flushes that reach the image.
    private final class FlushRecorder: BlockDevice {
        let image: RawImage
        var flushes = 0
        init(_ image: RawImage) { self.image = image }
        var blockSize: Int { image.blockSize }
        var blockCount: UInt64 { image.blockCount }
        var isReadOnly: Bool { image.isReadOnly }
        func read(at lba: UInt64, count: Int) throws -> [UInt8] { try image.read(at: lba, count: count) }
        func write(at lba: UInt64, _ data: [UInt8]) throws { try image.write(at: lba, data) }
        func flush() throws {
            try image.flush()
            flushes += 1
        }
    }

    func testWritesReachTheFileAndFlushCompletesAfterFsync() throws {
        let path = NSTemporaryDirectory() + "swiftpc-ide-\(getpid()).img"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data((0..<64).flatMap { patternSector($0) })))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let recorder = FlushRecorder(try RawImage(path: path))
        let bench = IDETestBench(master: { ATADisk(medium: recorder, clock: $0) })
        bench.setLBA28(5, count: 1)
        bench.command(0x20)
        bench.waitNotBusy()
        XCTAssertEqual(bench.readBytes(512), patternSector(5))
        bench.setLBA48(40, count: 2)
        bench.command(0x34)
        for fill: UInt8 in [0x5A, 0xA5] {
            bench.waitNotBusy()
            bench.writeBytes([UInt8](repeating: fill, count: 512))
        }
        bench.waitNotBusy()
        XCTAssertEqual(bench.inb(7), 0x50)
        let file = try XCTUnwrap(FileManager.default.contents(atPath: path))
        XCTAssertEqual(Array(file[40 * 512..<41 * 512]), [UInt8](repeating: 0x5A, count: 512))
        XCTAssertEqual(Array(file[41 * 512..<42 * 512]), [UInt8](repeating: 0xA5, count: 512))
        bench.command(0xEA)
        XCTAssertEqual(recorder.flushes, 0, "the flush happens while BSY")
        bench.waitNotBusy()
        XCTAssertEqual(recorder.flushes, 1)
        XCTAssertTrue(bench.irq)
        XCTAssertEqual(bench.inb(7), 0x50)
    }
}
