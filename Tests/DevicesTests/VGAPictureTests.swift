import XCTest
import Devices

/// The VGA's pixel output, its PNG encoding and its font.
final class VGAPictureTests: XCTestCase {
    private var now: UInt64 = 0
    private var vga = VGA(clock: VirtualClock())

    override func setUp() {
        super.setUp()
        now = 0
        vga = VGA(clock: VirtualClock(source: { [unowned self] in now }))
    }

    private func poke(_ code: UInt8, row: Int, column: Int, attribute: UInt8) {
        let address = (row * 80 + column) * 2
        vga.textMemory.storeBytes(of: code, toByteOffset: address, as: UInt8.self)
        vga.textMemory.storeBytes(of: attribute, toByteOffset: address + 1, as: UInt8.self)
    }

    private func write(_ port: UInt16, _ value: UInt8) {
        vga.ioWrite(port: port, size: 1, value: UInt32(value))
    }

    private func rgb(_ frame: VGAFrame, _ x: Int, _ y: Int) -> [UInt8] {
        let pixel = frame.pixel(x: x, y: y)
        return [pixel.red, pixel.green, pixel.blue]
    }

    private static let blue: [UInt8] = [0x00, 0x00, 0xAA]
    private static let yellow: [UInt8] = [0xFF, 0xFF, 0x55]
    private static let grey: [UInt8] = [0xAA, 0xAA, 0xAA]
    private static let black: [UInt8] = [0, 0, 0]

    // MARK: - Pixels

    func testGlyphPixelsAndColours() {
        poke(0x41, row: 0, column: 0, attribute: 0x1E)
        write(0x3D4, 0x0A)
        write(0x3D5, 0x20)
        let frame = vga.renderFrame(frame: 0)
        XCTAssertEqual(frame.width, 720)
        XCTAssertEqual(frame.height, 400)
        for line in 0..<16 {
            let bits = VGAFont.row(0x41, line: line)
            for dot in 0..<9 {
                let lit = dot < 8 && bits & (0x80 >> UInt8(dot)) != 0
                XCTAssertEqual(rgb(frame, dot, line), lit ? Self.yellow : Self.blue, "A at (\(dot), \(line))")
            }
        }
        XCTAssertEqual(rgb(frame, 3, 3), Self.yellow, "apex of A")
        XCTAssertEqual(rgb(frame, 9, 3), Self.black, "next cell is blank grey on black")
    }

    func testNinthDotRepeatsForLineGraphicsOnly() {
        poke(0xC4, row: 0, column: 0, attribute: 0x07)
        poke(0xB3, row: 0, column: 1, attribute: 0x07)
        poke(0x2D, row: 0, column: 2, attribute: 0x07)
        var frame = vga.renderFrame(frame: 0)
        XCTAssertEqual(rgb(frame, 7, 7), Self.grey)
        XCTAssertEqual(rgb(frame, 8, 7), Self.grey, "─ continues through the ninth dot")
        XCTAssertEqual(rgb(frame, 9 + 3, 0), Self.grey, "│ at dot 3")
        XCTAssertEqual(rgb(frame, 18 + 8, 7), Self.black, "- has a dark ninth dot")
        _ = vga.ioRead(port: 0x3DA, size: 1)
        write(0x3C0, 0x30)
        write(0x3C0, 0x08)
        frame = vga.renderFrame(frame: 0)
        XCTAssertEqual(rgb(frame, 8, 7), Self.black, "line graphics disabled")
        write(0x3C4, 0x01)
        write(0x3C5, 0x01)
        frame = vga.renderFrame(frame: 0)
        XCTAssertEqual(frame.width, 640, "8-dot characters")
        XCTAssertEqual(rgb(frame, 8 + 3, 0), Self.grey, "│ in the second 8-dot cell")
    }

    func testCursorAndBlinkPhases() {
        write(0x3D4, 0x0E)
        write(0x3D5, 0x00)
        write(0x3D4, 0x0F)
        write(0x3D5, 81)
        poke(0x20, row: 1, column: 1, attribute: 0x1E)
        poke(0xDB, row: 2, column: 0, attribute: 0x8E)
        let shown = vga.renderFrame(frame: 0)
        XCTAssertEqual(rgb(shown, 9 + 4, 16 + 13), Self.yellow, "cursor line 13 in the foreground colour")
        XCTAssertEqual(rgb(shown, 9 + 8, 16 + 14), Self.yellow, "cursor covers the ninth dot")
        XCTAssertEqual(rgb(shown, 9 + 4, 16 + 12), Self.blue)
        XCTAssertEqual(rgb(shown, 4, 32 + 4), Self.yellow, "blinking block shown")
        let cursorOff = vga.renderFrame(frame: 8)
        XCTAssertEqual(rgb(cursorOff, 9 + 4, 16 + 13), Self.blue, "cursor in its off phase")
        XCTAssertEqual(rgb(cursorOff, 4, 32 + 4), Self.yellow)
        let blinkOff = vga.renderFrame(frame: 16)
        XCTAssertEqual(rgb(blinkOff, 4, 32 + 4), Self.black, "blinking block hidden")
        XCTAssertEqual(rgb(blinkOff, 9 + 4, 16 + 13), Self.yellow)
        write(0x3D4, 0x0A)
        write(0x3D5, 0x2D)
        XCTAssertEqual(rgb(vga.renderFrame(frame: 0), 9 + 4, 16 + 13), Self.blue, "cursor disabled")
    }

    func testShortCellsSampleTheFont() {
        poke(0x41, row: 0, column: 0, attribute: 0x07)
        write(0x3D4, 0x09)
        write(0x3D5, 0x07)
        write(0x3D4, 0x0A)
        write(0x3D5, 0x20)
        let frame = vga.renderFrame(frame: 0)
        XCTAssertEqual(frame.height, 400, "50 rows of 8 lines")
        for line in 0..<8 {
            let bits = VGAFont.row(0x41, line: line * 2)
            for dot in 0..<8 {
                let lit = bits & (0x80 >> UInt8(dot)) != 0
                XCTAssertEqual(rgb(frame, dot, line), lit ? Self.grey : Self.black, "A at (\(dot), \(line))")
            }
        }
    }

    func testScreenOffAndPaletteAccessBlankTheDisplay() {
        poke(0xDB, row: 0, column: 0, attribute: 0x0F)
        write(0x3C4, 0x01)
        write(0x3C5, 0x20)
        XCTAssertTrue(vga.renderFrame(frame: 0).rgb.allSatisfy { $0 == 0 }, "Sequencer screen off")
        write(0x3C5, 0x00)
        _ = vga.ioRead(port: 0x3DA, size: 1)
        write(0x3C0, 0x11)
        write(0x3C0, 0x01)
        let frame = vga.renderFrame(frame: 0)
        XCTAssertEqual(rgb(frame, 0, 0), Self.blue, "PAS = 0 shows the overscan colour")
        XCTAssertEqual(rgb(frame, 719, 399), Self.blue)
    }

    // MARK: - PNG

    private struct Chunk {
        let type: String
        let data: [UInt8]
    }

    private func bigEndian(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Splits a PNG into chunks, checking the signature and every CRC.
    private func chunks(_ png: [UInt8]) -> [Chunk] {
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var result: [Chunk] = []
        var offset = 8
        while offset + 12 <= png.count {
            let length = Int(bigEndian(png, offset))
            let typed = Array(png[(offset + 4)..<(offset + 8 + length)])
            XCTAssertEqual(bigEndian(png, offset + 8 + length), PNGEncoder.crc32(typed), "chunk CRC")
            result.append(Chunk(type: String(decoding: typed.prefix(4), as: UTF8.self), data: Array(typed.dropFirst(4))))
            offset += 12 + length
        }
        XCTAssertEqual(offset, png.count, "no trailing bytes")
        return result
    }

    /// Inflates a zlib stream of stored blocks, checking header and Adler-32.
    private func inflateStored(_ stream: [UInt8]) -> [UInt8] {
        XCTAssertEqual(stream[0] & 0x0F, 8, "deflate")
        XCTAssertEqual((UInt16(stream[0]) << 8 | UInt16(stream[1])) % 31, 0, "FCHECK")
        var output: [UInt8] = []
        var offset = 2
        var final = false
        while !final {
            final = stream[offset] & 1 != 0
            XCTAssertEqual(stream[offset] & 0x06, 0, "stored block")
            let length = Int(stream[offset + 1]) | Int(stream[offset + 2]) << 8
            let complement = Int(stream[offset + 3]) | Int(stream[offset + 4]) << 8
            XCTAssertEqual(length ^ complement, 0xFFFF, "NLEN")
            output += stream[(offset + 5)..<(offset + 5 + length)]
            offset += 5 + length
        }
        XCTAssertEqual(bigEndian(stream, offset), PNGEncoder.adler32(output), "Adler-32")
        XCTAssertEqual(offset + 4, stream.count)
        return output
    }

    func testPNGIsStructurallyValidAndHoldsTheFrame() {
        poke(0x41, row: 0, column: 0, attribute: 0x1E)
        let png = vga.renderPNG(frame: 0)
        let parts = chunks(png)
        XCTAssertEqual(parts.map(\.type), ["IHDR", "IDAT", "IEND"])
        XCTAssertEqual(parts[0].data.count, 13)
        XCTAssertEqual(bigEndian(parts[0].data, 0), 720)
        XCTAssertEqual(bigEndian(parts[0].data, 4), 400)
        XCTAssertEqual(Array(parts[0].data[8...]), [8, 2, 0, 0, 0])
        let scanlines = inflateStored(parts[1].data)
        XCTAssertEqual(scanlines.count, 400 * (1 + 720 * 3))
        let frame = vga.renderFrame(frame: 0)
        for y in 0..<400 {
            let start = y * (1 + 720 * 3)
            XCTAssertEqual(scanlines[start], 0, "filter None")
            if Array(scanlines[(start + 1)..<(start + 1 + 720 * 3)]) != Array(frame.rgb[(y * 2160)..<((y + 1) * 2160)]) {
                XCTFail("scan line \(y) differs from the frame")
            }
        }
        let apex = 3 * (1 + 720 * 3) + 1 + 3 * 3
        XCTAssertEqual(Array(scanlines[apex..<(apex + 3)]), Self.yellow)
        XCTAssertEqual(parts[2].data, [])
    }

    func testChecksumsMatchPublishedValues() {
        XCTAssertEqual(PNGEncoder.crc32(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(PNGEncoder.crc32(Array("IEND".utf8)), 0xAE42_6082)
        XCTAssertEqual(PNGEncoder.adler32(Array("Wikipedia".utf8)), 0x11E6_0398)
        XCTAssertEqual(PNGEncoder.adler32([UInt8]()), 1)
        let tiny = PNGEncoder.encode(width: 1, height: 1, rgb: [1, 2, 3])
        XCTAssertEqual(inflateStored(chunks(tiny)[1].data), [0, 1, 2, 3])
    }

    // MARK: - Font

    func testFontCoversPrintableASCIIAndGraphics() {
        let box = (0..<16).map { VGAFont.row(0x05, line: $0) }
        XCTAssertEqual(box[3], 0xFE, "an undrawn code shows a box")
        var shapes = Set<[UInt8]>()
        for code: UInt8 in 0x21...0x7E {
            let glyph = (0..<16).map { VGAFont.row(code, line: $0) }
            XCTAssertNotEqual(glyph, box, "glyph \(code) drawn")
            XCTAssertTrue(glyph.contains { $0 != 0 }, "glyph \(code) not blank")
            XCTAssertTrue(glyph.allSatisfy { $0 & 0x01 == 0 }, "glyph \(code) leaves column 7 dark")
            shapes.insert(glyph)
        }
        XCTAssertEqual(shapes.count, 94, "printable glyphs all differ")
        for code: UInt8 in 0xB0...0xDF {
            XCTAssertNotEqual((0..<16).map { VGAFont.row(code, line: $0) }, box, "graphic \(code)")
        }
        for code: UInt8 in [0x00, 0x20, 0xFF] {
            XCTAssertTrue((0..<16).allSatisfy { VGAFont.row(code, line: $0) == 0 }, "blank \(code)")
        }
        XCTAssertEqual(VGAFont.bitmaps.count, 4096)
        XCTAssertEqual(VGAFont.row(0x41, line: -1), 0)
        XCTAssertEqual(VGAFont.row(0x41, line: 16), 0)
    }

    func testBoxDrawingJoins() {
        let expected: [(UInt8, [UInt8], String)] = [
            (0xC4, [0, 0, 0, 0, 0, 0, 0, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0], "─"),
            (0xB3, [UInt8](repeating: 0x10, count: 16), "│"),
            (0xC5, [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0xFF, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10], "┼"),
            (0xC9, [0, 0, 0, 0, 0, 0, 0x3F, 0x20, 0x20, 0x27, 0x24, 0x24, 0x24, 0x24, 0x24, 0x24], "╔"),
            (0xCD, [0, 0, 0, 0, 0, 0, 0xFF, 0, 0, 0xFF, 0, 0, 0, 0, 0, 0], "═"),
            (0xBA, [UInt8](repeating: 0x24, count: 16), "║"),
            (0xCE, [0x24, 0x24, 0x24, 0x24, 0x24, 0x24, 0xE7, 0, 0, 0xE7, 0x24, 0x24, 0x24, 0x24, 0x24, 0x24], "╬"),
            (0xD1, [0, 0, 0, 0, 0, 0, 0xFF, 0, 0, 0xFF, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10], "╤"),
            (0xCF, [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0xFF, 0, 0, 0xFF, 0, 0, 0, 0, 0, 0], "╧"),
            (0xB8, [0, 0, 0, 0, 0, 0, 0xF0, 0x10, 0x10, 0xF0, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10], "╕"),
            (0xD7, [0x24, 0x24, 0x24, 0x24, 0x24, 0x24, 0x24, 0xFF, 0x24, 0x24, 0x24, 0x24, 0x24, 0x24, 0x24, 0x24], "╫"),
            (0xB1, [0xAA, 0x55, 0xAA, 0x55, 0xAA, 0x55, 0xAA, 0x55, 0xAA, 0x55, 0xAA, 0x55, 0xAA, 0x55, 0xAA, 0x55], "▒"),
            (0xDC, [0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], "▄"),
        ]
        for (code, rows, name) in expected {
            XCTAssertEqual((0..<16).map { VGAFont.row(code, line: $0) }, rows, name)
        }
    }

    func testAccentedLettersAddTheirMark() {
        let e = (0..<16).map { VGAFont.row(0x65, line: $0) }
        let eAcute = (0..<16).map { VGAFont.row(0x82, line: $0) }
        XCTAssertEqual(Array(eAcute[6...]), Array(e[6...]), "é keeps the e")
        XCTAssertEqual(Array(eAcute[3...4]), [0x08, 0x10], "acute above")
        let cCedilla = (0..<16).map { VGAFont.row(0x80, line: $0) }
        XCTAssertEqual(cCedilla[12], 0x10, "cedilla below Ç")
        XCTAssertEqual(VGAFont.row(0x8B, line: 4), 0x44, "ï has a diaeresis and no dot")
    }

    // MARK: - Robustness

    func testGarbageRegisterWritesNeverTrap() {
        var generator = XorShift64()
        let sizes = [-3, 0, 1, 2, 4, 7]
        for round in 0..<40 {
            for _ in 0..<2_000 {
                let random = generator.next()
                let port = 0x3B0 + UInt16(truncatingIfNeeded: random % 0x31)
                let size = sizes[Int((random >> 16) % UInt64(sizes.count))]
                if random & 0x100 == 0 {
                    vga.ioWrite(port: port, size: size, value: UInt32(truncatingIfNeeded: random >> 24))
                } else {
                    _ = vga.ioRead(port: port, size: size)
                }
                now &+= random >> 48
            }
            vga.textMemory.storeBytes(of: generator.next(), toByteOffset: round * 8, as: UInt64.self)
            let frame = vga.renderFrame()
            XCTAssertEqual(frame.rgb.count, frame.width * frame.height * 3)
            XCTAssertEqual(vga.renderPlainText().count, vga.rows)
            _ = vga.renderANSI()
            _ = vga.cursor
            _ = vga.frameCount
        }
        XCTAssertGreaterThan(vga.renderPNG().count, 8)
    }
}
