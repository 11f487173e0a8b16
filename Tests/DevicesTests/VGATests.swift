import XCTest
import Devices

final class VGATests: XCTestCase {
    private var now: UInt64 = 0
    private var clock = VirtualClock()
    private var vga = VGA(clock: VirtualClock())

    override func setUp() {
        super.setUp()
        now = 0
        clock = VirtualClock(source: { [unowned self] in now })
        vga = VGA(clock: clock)
    }

    private func read(_ port: UInt16) -> UInt8 {
        UInt8(truncatingIfNeeded: vga.ioRead(port: port, size: 1))
    }

    private func write(_ port: UInt16, _ value: UInt8) {
        vga.ioWrite(port: port, size: 1, value: UInt32(value))
    }

    private func writeIndexed(_ addressPort: UInt16, _ index: UInt8, _ value: UInt8) {
        write(addressPort, index)
        write(addressPort + 1, value)
    }

    private func readIndexed(_ addressPort: UInt16, _ index: UInt8) -> UInt8 {
        write(addressPort, index)
        return read(addressPort + 1)
    }

    private func writeAttribute(_ index: UInt8, _ value: UInt8) {
        _ = read(0x3DA)
        write(0x3C0, index | 0x20)
        write(0x3C0, value)
    }

    private func unprotectCRTC() {
        writeIndexed(0x3D4, 0x11, readIndexed(0x3D4, 0x11) & 0x7F)
    }

    private func put(_ text: String, row: Int, column: Int, attribute: UInt8) {
        for (offset, byte) in text.utf8.enumerated() {
            poke(byte, row: row, column: column + offset, attribute: attribute)
        }
    }

    private func poke(_ code: UInt8, row: Int, column: Int, attribute: UInt8) {
        let address = (row * 80 + column) * 2
        vga.textMemory.storeBytes(of: code, toByteOffset: address, as: UInt8.self)
        vga.textMemory.storeBytes(of: attribute, toByteOffset: address + 1, as: UInt8.self)
    }

    // MARK: - Power-on state

    func testPowerOnStateIsMode3() {
        XCTAssertEqual(read(0x3CC), 0x67)
        XCTAssertTrue(vga.colorAddressing)
        XCTAssertEqual(vga.textMemoryBase, 0xB8000)
        XCTAssertEqual(VGA.textMemorySize, 0x8000)
        XCTAssertEqual(vga.ports, [0x3B0...0x3BB, 0x3C0...0x3DF])
        XCTAssertEqual(vga.columns, 80)
        XCTAssertEqual(vga.rowStride, 80)
        XCTAssertEqual(vga.rows, 25)
        XCTAssertEqual(vga.characterHeight, 16)
        XCTAssertEqual(vga.dotsPerCharacter, 9)
        XCTAssertTrue(vga.blinkEnabled)
        XCTAssertTrue(vga.paletteAddressSourceEnabled)
        XCTAssertEqual(vga.cursor, VGACursor(row: 0, column: 0, startLine: 13, endLine: 14, enabled: true))
        let expected: [(UInt16, UInt8, UInt8, String)] = [
            (0x3C4, 0x01, 0x00, "SR1 clocking mode: 9 dots"),
            (0x3C4, 0x04, 0x02, "SR4 memory mode: odd/even"),
            (0x3D4, 0x09, 0x4F, "CR9 max scan line 15"),
            (0x3D4, 0x11, 0x8E, "CR11 protected, retrace end 14"),
            (0x3D4, 0x13, 0x28, "CR13 offset 40 words"),
            (0x3CE, 0x06, 0x0E, "GR6 map B8000, odd/even"),
        ]
        for (port, index, value, name) in expected {
            XCTAssertEqual(readIndexed(port, index), value, name)
        }
        XCTAssertEqual(vga.renderPlainText(), Array(repeating: String(repeating: " ", count: 80), count: 25))
        XCTAssertEqual(vga.cell(row: 24, column: 79).attribute, 0x07)
    }

    func testPowerOnDACPaletteAndDisplayColours() {
        let entries: [(UInt8, UInt8, UInt8, UInt8)] = [
            (0x00, 0x00, 0x00, 0x00), (0x01, 0x00, 0x00, 0x2A), (0x07, 0x2A, 0x2A, 0x2A),
            (0x14, 0x2A, 0x15, 0x00), (0x38, 0x15, 0x15, 0x15), (0x3E, 0x3F, 0x3F, 0x15),
            (0x3F, 0x3F, 0x3F, 0x3F), (0x40, 0x00, 0x00, 0x00), (0xFF, 0x00, 0x00, 0x00),
        ]
        for (index, red, green, blue) in entries {
            let entry = vga.dacEntry(index)
            XCTAssertEqual([entry.red, entry.green, entry.blue], [red, green, blue], "DAC \(index)")
        }
        let colours: [(UInt8, [UInt8])] = [
            (0x0, [0x00, 0x00, 0x00]), (0x1, [0x00, 0x00, 0xAA]), (0x6, [0xAA, 0x55, 0x00]),
            (0x7, [0xAA, 0xAA, 0xAA]), (0x8, [0x55, 0x55, 0x55]), (0xE, [0xFF, 0xFF, 0x55]),
            (0xF, [0xFF, 0xFF, 0xFF]),
        ]
        for (nibble, rgb) in colours {
            let colour = vga.displayColor(nibble)
            XCTAssertEqual([colour.red, colour.green, colour.blue], rgb, "attribute colour \(nibble)")
        }
    }

    // MARK: - Register groups

    func testSequencerIndexMaskingAndReadBack() {
        for index: UInt8 in 0...4 {
            writeIndexed(0x3C4, index, 0xA0 | index)
            XCTAssertEqual(readIndexed(0x3C4, index), 0xA0 | index, "SR\(index)")
        }
        write(0x3C4, 0xFA)
        XCTAssertEqual(read(0x3C4), 0x02, "index keeps bits 0-2")
        XCTAssertEqual(read(0x3C5), 0xA2)
        write(0x3C4, 0x05)
        write(0x3C5, 0x12)
        XCTAssertEqual(read(0x3C5), 0xFF, "no register 5")
        XCTAssertEqual(vga.sequencerRegister(4), 0xA4)
    }

    func testCRTCReadBackIndexMaskingAndWriteProtect() {
        writeIndexed(0x3D4, 0x00, 0x12)
        XCTAssertEqual(readIndexed(0x3D4, 0x00), 0x5F, "CR0 protected at power-on")
        writeIndexed(0x3D4, 0x07, 0x00)
        XCTAssertEqual(readIndexed(0x3D4, 0x07), 0x0F, "protected CR7 keeps all but line compare bit 8")
        unprotectCRTC()
        for index: UInt8 in 0...0x18 where index != 0x11 {
            writeIndexed(0x3D4, index, index &* 7 &+ 1)
            XCTAssertEqual(readIndexed(0x3D4, index), index &* 7 &+ 1, "CR\(index)")
        }
        write(0x3D4, 0xEC)
        XCTAssertEqual(read(0x3D4), 0x0C, "index keeps bits 0-4")
        XCTAssertEqual(read(0x3D5), 0x0C &* 7 &+ 1)
        for index: UInt8 in 0x19...0x1F {
            writeIndexed(0x3D4, index, 0x55)
            XCTAssertEqual(readIndexed(0x3D4, index), 0xFF, "no CR\(index)")
        }
        writeIndexed(0x3D4, 0x11, 0x80)
        writeIndexed(0x3D4, 0x03, 0x44)
        XCTAssertEqual(readIndexed(0x3D4, 0x03), 0x03 &* 7 &+ 1, "protect set again")
        writeIndexed(0x3D4, 0x08, 0x44)
        XCTAssertEqual(readIndexed(0x3D4, 0x08), 0x44, "CR8 is not protected")
    }

    func testGraphicsControllerReadBack() {
        for index: UInt8 in 0...8 {
            writeIndexed(0x3CE, index, 0x30 | index)
            XCTAssertEqual(readIndexed(0x3CE, index), 0x30 | index, "GR\(index)")
        }
        write(0x3CE, 0xF6)
        XCTAssertEqual(read(0x3CE), 0x06, "index keeps bits 0-3")
        writeIndexed(0x3CE, 0x09, 0x12)
        XCTAssertEqual(readIndexed(0x3CE, 0x09), 0xFF)
        let maps: [(UInt8, UInt32)] = [(0x00, 0xA0000), (0x04, 0xA0000), (0x08, 0xB0000), (0x0C, 0xB8000)]
        for (value, base) in maps {
            writeIndexed(0x3CE, 0x06, value)
            XCTAssertEqual(vga.textMemoryBase, base, "memory map \(value)")
        }
    }

    func testAttributeFlipFlopAndItsResetByInputStatus1() {
        _ = read(0x3DA)
        XCTAssertFalse(vga.attributeFlipFlopData)
        write(0x3C0, 0x25)
        XCTAssertTrue(vga.attributeFlipFlopData)
        XCTAssertEqual(read(0x3C0), 0x25, "address register keeps index and PAS")
        write(0x3C0, 0xFF)
        XCTAssertFalse(vga.attributeFlipFlopData)
        XCTAssertEqual(read(0x3C1), 0x3F, "palette registers are 6 bits")
        XCTAssertEqual(vga.attributeControllerRegister(5), 0x3F)
        write(0x3C0, 0x31)
        write(0x3C0, 0x09)
        XCTAssertEqual(read(0x3C1), 0x09, "overscan 0x11 holds 8 bits")
        write(0x3C0, 0xF3)
        XCTAssertEqual(read(0x3C0), 0x33, "index keeps bits 0-5")
        _ = read(0x3DA)
        write(0x3C0, 0x30)
        write(0x3C0, 0x04)
        XCTAssertEqual(vga.attributeControllerRegister(0x10), 0x04, "reset flip-flop made 0x30 an index")
        XCTAssertFalse(vga.blinkEnabled)
        write(0x3C0, 0x15)
        write(0x3C0, 0x77)
        XCTAssertEqual(read(0x3C1), 0xFF, "no register 0x15")
        write(0x3C0, 0x00)
        XCTAssertFalse(vga.paletteAddressSourceEnabled)
        _ = read(0x3DA)
        write(0x3C0, 0x20)
        XCTAssertTrue(vga.paletteAddressSourceEnabled)
    }

    func testDACWriteAndReadSequencesAutoIncrement() {
        write(0x3C8, 0x10)
        XCTAssertEqual(read(0x3C7), 0x00, "DAC state: write mode")
        for value: UInt8 in [0x01, 0x02, 0x03, 0x04, 0x05, 0xFF] { write(0x3C9, value) }
        XCTAssertEqual(read(0x3C8), 0x12, "write index after two entries")
        XCTAssertEqual([vga.dacEntry(0x10).red, vga.dacEntry(0x10).green, vga.dacEntry(0x10).blue], [1, 2, 3])
        XCTAssertEqual(vga.dacEntry(0x11).blue, 0x3F, "6-bit components")
        write(0x3C9, 0x2A)
        write(0x3C9, 0x2A)
        XCTAssertEqual(vga.dacEntry(0x12).red, 0x00, "an entry is written only when blue arrives")
        write(0x3C7, 0x10)
        XCTAssertEqual(read(0x3C7), 0x03, "DAC state: read mode")
        XCTAssertEqual((0..<7).map { _ in read(0x3C9) }, [1, 2, 3, 4, 5, 0x3F, 0x00])
        write(0x3C8, 0xFF)
        for value: UInt8 in [0x3F, 0x00, 0x3F, 0x0A, 0x0B, 0x0C] { write(0x3C9, value) }
        XCTAssertEqual(read(0x3C8), 0x01, "write index wraps past 255")
        XCTAssertEqual(vga.dacEntry(0xFF).red, 0x3F)
        XCTAssertEqual(vga.dacEntry(0x00).blue, 0x0C)
        write(0x3C7, 0xFF)
        XCTAssertEqual((0..<4).map { _ in read(0x3C9) }, [0x3F, 0x00, 0x3F, 0x0A], "read index wraps too")
        write(0x3C6, 0x0F)
        XCTAssertEqual(read(0x3C6), 0x0F)
        XCTAssertEqual(vga.dacMask, 0x0F)
    }

    func testDACMaskPaletteAndColourSelectReachTheDisplay() {
        writeAttribute(0x02, 0x3F)
        XCTAssertEqual(vga.displayColor(2).red, 0xFF)
        write(0x3C6, 0x07)
        XCTAssertEqual(vga.displayColor(2).blue, 0xAA, "palette 0x3F masked to DAC 7")
        write(0x3C6, 0xFF)
        writeAttribute(0x14, 0x04)
        write(0x3C8, 0x7F)
        for value: UInt8 in [0x3F, 0x00, 0x00] { write(0x3C9, value) }
        XCTAssertEqual(vga.displayColor(2).red, 0xFF, "colour select bits 3-2 give DAC bits 7-6")
        XCTAssertEqual(vga.displayColor(2).green, 0x00)
        writeAttribute(0x12, 0x0D)
        XCTAssertEqual(vga.displayColor(2).green, 0x00, "plane 1 disabled: nibble 2 becomes 0")
    }

    // MARK: - Addressing and timing

    func testIOAddressSelectMovesCRTCAndInputStatus1() {
        writeIndexed(0x3D4, 0x0E, 0x01)
        XCTAssertEqual(read(0x3B4), 0xFF, "monochrome CRTC absent while I/OAS = 1")
        XCTAssertEqual(read(0x3B5), 0xFF)
        XCTAssertEqual(read(0x3BA), 0xFF)
        write(0x3C2, 0x66)
        XCTAssertFalse(vga.colorAddressing)
        XCTAssertEqual(read(0x3CC), 0x66)
        XCTAssertEqual(readIndexed(0x3B4, 0x0E), 0x01, "same CRTC at 0x3B4")
        XCTAssertEqual(read(0x3D4), 0xFF)
        XCTAssertEqual(read(0x3D5), 0xFF)
        XCTAssertEqual(read(0x3DA), 0xFF)
        write(0x3C0, 0x10)
        XCTAssertTrue(vga.attributeFlipFlopData)
        _ = read(0x3BA)
        XCTAssertFalse(vga.attributeFlipFlopData, "0x3BA resets the flip-flop in monochrome addressing")
        write(0x3BA, 0x0B)
        XCTAssertEqual(read(0x3CA), 0x0B, "feature control written at 0x3BA")
        write(0x3C2, 0x67)
        write(0x3DA, 0x02)
        XCTAssertEqual(read(0x3CA), 0x02)
    }

    func testInputStatus1FollowsTheRasterInVirtualTime() {
        // Mode 3: 31 777.2 ns lines of which 80/100 are displayed, 449 lines,
        // 400 displayed, vertical retrace in lines 412 and 413.
        let line = 31_777.2
        let frame = line * 449
        let cases: [(Double, UInt8, String)] = [
            (0, 0x00, "line 0, displaying"),
            (25_000, 0x00, "line 0, dot 708"),
            (26_000, 0x01, "line 0, horizontal blanking"),
            (line * 200 + 100, 0x00, "line 200"),
            (line * 400 + 100, 0x01, "line 400, vertical blanking"),
            (line * 412 + 100, 0x09, "line 412, retrace"),
            (line * 413 + 30_000, 0x09, "line 413, retrace"),
            (line * 414 + 100, 0x01, "line 414, retrace over"),
            (frame + 100, 0x00, "next frame"),
            (frame * 1000 + line * 412 + 500, 0x09, "frame 1000 retrace"),
        ]
        for (time, status, name) in cases {
            now = UInt64(time)
            XCTAssertEqual(read(0x3DA), status, name)
        }
    }

    func testRetracePollingLoopEnds() {
        var polls = 0
        while read(0x3DA) & 0x08 == 0 && polls < 100_000 { now += 1_000; polls += 1 }
        let retraceStart = now
        while read(0x3DA) & 0x08 != 0 && polls < 100_000 { now += 1_000; polls += 1 }
        XCTAssertLessThan(polls, 100_000)
        XCTAssertEqual(Double(now - retraceStart), 2 * 31_777.2, accuracy: 1_000, "two lines of retrace")
        XCTAssertEqual(vga.framePicoseconds, 14_267_962_800, "70.09 Hz")
        now = 14_267_962 * 10 + 1
        XCTAssertEqual(vga.frameCount, 10)
    }

    func testTextGeometryAndCursorFromRegisters() {
        unprotectCRTC()
        writeIndexed(0x3D4, 0x01, 39)
        writeIndexed(0x3D4, 0x13, 20)
        writeIndexed(0x3D4, 0x09, 0x47)
        writeIndexed(0x3D4, 0x0C, 0x01)
        writeIndexed(0x3D4, 0x0D, 0x00)
        writeIndexed(0x3D4, 0x0E, 0x01)
        writeIndexed(0x3D4, 0x0F, 0x7B)
        writeIndexed(0x3D4, 0x0A, 0x06)
        writeIndexed(0x3D4, 0x0B, 0x07)
        XCTAssertEqual(vga.columns, 40)
        XCTAssertEqual(vga.rowStride, 40)
        XCTAssertEqual(vga.characterHeight, 8)
        XCTAssertEqual(vga.rows, 50)
        XCTAssertEqual(vga.startAddress, 0x100)
        XCTAssertEqual(vga.cursor, VGACursor(row: 3, column: 3, startLine: 6, endLine: 7, enabled: true))
        writeIndexed(0x3D4, 0x0A, 0x26)
        XCTAssertFalse(vga.cursor.enabled)
        writeIndexed(0x3D4, 0x12, 0xDF)
        writeIndexed(0x3D4, 0x07, 0x1F & ~0x02)
        XCTAssertEqual(vga.verticalDisplayed, 224)
        XCTAssertEqual(vga.rows, 28)
        writeIndexed(0x3C4, 0x01, 0x01)
        XCTAssertEqual(vga.dotsPerCharacter, 8)
    }

    // MARK: - Text renders

    func testPlainTextShowsCharactersAndFollowsStartAddress() {
        put("Hello, VGA!", row: 0, column: 0, attribute: 0x07)
        for (offset, code) in ([0xC9, 0xCD, 0xBB, 0x01, 0xB1, 0xE1, 0xFE] as [UInt8]).enumerated() {
            poke(code, row: 1, column: offset, attribute: 0x1F)
        }
        put("last", row: 25, column: 76, attribute: 0x07)
        let lines = vga.renderPlainText()
        XCTAssertEqual(lines.count, 25)
        XCTAssertTrue(lines.allSatisfy { $0.unicodeScalars.count == 80 })
        XCTAssertEqual(lines[0], "Hello, VGA!" + String(repeating: " ", count: 69))
        XCTAssertTrue(lines[1].hasPrefix("╔═╗☺▒ß■ "))
        unprotectCRTC()
        writeIndexed(0x3D4, 0x0D, 80)
        XCTAssertTrue(vga.renderPlainText()[0].hasPrefix("╔═╗"), "start address one row down")
        XCTAssertTrue(vga.renderPlainText()[24].hasSuffix("last"))
    }

    func testANSIRenderColours() {
        put("A", row: 0, column: 0, attribute: 0x1F)
        put("B", row: 0, column: 1, attribute: 0x4E)
        put("C", row: 0, column: 2, attribute: 0x4E)
        put("D", row: 0, column: 3, attribute: 0x8C)
        put("E", row: 0, column: 4, attribute: 0x07)
        let firstLine = vga.renderANSI().components(separatedBy: "\n")[0]
        let expected = "\u{1B}[0;97;44mA\u{1B}[0;93;41mBC\u{1B}[0;91;40;5mD\u{1B}[0;37;40mE"
            + String(repeating: " ", count: 75) + "\u{1B}[0m"
        XCTAssertEqual(firstLine, expected)
        XCTAssertEqual(vga.renderANSI().components(separatedBy: "\n").count, 25)
        writeAttribute(0x10, 0x04)
        XCTAssertTrue(vga.renderANSI().contains("\u{1B}[0;91;100mD"), "bit 7 is bright background without blink")
        poke(0x03, row: 2, column: 0, attribute: 0x02)
        XCTAssertTrue(vga.renderANSI().components(separatedBy: "\n")[2].hasPrefix("\u{1B}[0;32;40m♥"))
    }

    func testCodePage437Table() {
        XCTAssertEqual(CodePage437.table.count, 256)
        let mappings: [(UInt8, Unicode.Scalar)] = [
            (0x00, " "), (0x01, "☺"), (0x1F, "▼"), (0x41, "A"), (0x7F, "⌂"), (0x80, "Ç"),
            (0x9F, "ƒ"), (0xB0, "░"), (0xC5, "┼"), (0xDB, "█"), (0xE0, "α"), (0xFE, "■"), (0xFF, "\u{00A0}"),
        ]
        for (code, scalar) in mappings {
            XCTAssertEqual(CodePage437.scalar(code), scalar, "CP437 \(code)")
        }
        XCTAssertEqual(Set(CodePage437.table[1...]).count, 255, "no duplicates")
    }
}
