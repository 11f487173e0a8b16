/// One rendered VGA screen: `width * height` pixels of red, green, blue bytes.
public struct VGAFrame {
    public let width: Int
    public let height: Int
    public let rgb: [UInt8]

    public func pixel(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let offset = (y * width + x) * 3
        return (rgb[offset], rgb[offset + 1], rgb[offset + 2])
    }
}

/// The text-mode pixel pipeline (IBM VGA Technical Reference, "Attribute
/// Controller" and "Video DAC"): each dot of the character generator picks
/// the foreground or background attribute nibble, which goes through the
/// colour plane enable mask, the palette registers, the colour select bits,
/// the DAC mask and the DAC.
extension VGA {
    /// Sequencer Clocking Mode bit 5 blanks the screen.
    static let screenOff: UInt8 = 0x20
    /// Attribute Mode Control bit 7: palette bits 5-4 come from Colour Select bits 1-0.
    static let paletteBits54Select: UInt8 = 0x80

    /// The cursor blinks every 8 frames and blinking characters every 16,
    /// as the VGA's frame counter divides (IBM VGA Technical Reference,
    /// "Cursor"); frame 0 starts with both shown.
    public static func cursorShown(frame: UInt64) -> Bool { (frame / 8) % 2 == 0 }
    public static func blinkingCharactersShown(frame: UInt64) -> Bool { (frame / 16) % 2 == 0 }

    /// The 24-bit colour the display shows for attribute value `nibble`.
    public func displayColor(_ nibble: UInt8) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let planes = nibble & attribute[0x12] & 0x0F
        return color(palette: attribute[Int(planes)])
    }

    /// Colours a 6-bit palette register value through colour select, the
    /// DAC mask and the DAC; 6-bit DAC levels widen to 8 bits.
    private func color(palette: UInt8) -> (red: UInt8, green: UInt8, blue: UInt8) {
        var index = palette & 0x3F
        let select = attribute[0x14]
        if attribute[0x10] & Self.paletteBits54Select != 0 {
            index = index & 0x0F | (select & 0x03) << 4
        }
        index = (index | (select & 0x0C) << 4) & dacMask
        let entry = dacEntry(index)
        func widen(_ level: UInt8) -> UInt8 { level << 2 | level >> 4 }
        return (widen(entry.red), widen(entry.green), widen(entry.blue))
    }

    /// Renders the text screen as it looks at frame `frame` (default: the
    /// current frame from the virtual clock), which sets the blink phases.
    /// Every displayed dot is drawn: 9 per character unless the Sequencer
    /// selects 8, `characterHeight` lines per row. The ninth dot repeats the
    /// eighth for 0xC0-0xDF when line graphics are enabled. The cursor and
    /// blinking characters follow `cursorShown` and `blinkingCharactersShown`.
    public func renderFrame(frame: UInt64? = nil) -> VGAFrame {
        let dots = dotsPerCharacter
        let width = columns * dots
        let lines = characterHeight
        let height = rows * lines
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        if sequencer[1] & Self.screenOff != 0 { return VGAFrame(width: width, height: height, rgb: rgb) }
        guard paletteAddressSourceEnabled else {
            let overscan = color(palette: attribute[0x11])
            for pixel in 0..<(width * height) {
                rgb[pixel * 3] = overscan.red
                rgb[pixel * 3 + 1] = overscan.green
                rgb[pixel * 3 + 2] = overscan.blue
            }
            return VGAFrame(width: width, height: height, rgb: rgb)
        }
        let palette = (0..<16).map { displayColor(UInt8($0)) }
        let currentFrame = frame ?? frameCount
        let cursor = self.cursor
        let drawCursor = cursor.enabled && Self.cursorShown(frame: currentFrame)
        let showBlinking = Self.blinkingCharactersShown(frame: currentFrame)
        let blink = blinkEnabled
        let lineGraphics = attribute[0x10] & Self.lineGraphicsEnable != 0
        let underlineLine = Int(crtc[0x14] & 0x1F)
        // Cells shorter than the font (the 8- and 14-line modes, whose fonts
        // the BIOS would load into plane 2) sample its lines evenly.
        let fontLine = (0..<lines).map { lines < VGAFont.height ? $0 * VGAFont.height / lines : $0 }
        rgb.withUnsafeMutableBufferPointer { out in
            for row in 0..<rows {
                for column in 0..<columns {
                    let (code, attributeByte) = cell(row: row, column: column)
                    var foreground = attributeByte & 0x0F
                    let background = blink ? (attributeByte >> 4) & 0x07 : attributeByte >> 4
                    if blink && attributeByte & 0x80 != 0 && !showBlinking { foreground = background }
                    let isCursorCell = drawCursor && row == cursor.row && column == cursor.column
                    let extendNinth = lineGraphics && (0xC0...0xDF).contains(code)
                    for line in 0..<lines {
                        var bits = UInt16(VGAFont.row(code, line: fontLine[line])) << 1
                        if extendNinth { bits |= bits >> 1 & 1 }
                        if line == underlineLine && attributeByte & 0x77 == 0x01 { bits = 0x1FF }
                        if isCursorCell && line >= cursor.startLine && line <= cursor.endLine { bits = 0x1FF }
                        var offset = ((row * lines + line) * width + column * dots) * 3
                        for dot in 0..<dots {
                            let lit = bits & (0x100 >> UInt16(dot)) != 0
                            let colour = palette[Int(lit ? foreground : background)]
                            out[offset] = colour.red
                            out[offset + 1] = colour.green
                            out[offset + 2] = colour.blue
                            offset += 3
                        }
                    }
                }
            }
        }
        return VGAFrame(width: width, height: height, rgb: rgb)
    }

    /// The text screen as a PNG file (see `renderFrame`): 720x400 in mode 3.
    public func renderPNG(frame: UInt64? = nil) -> [UInt8] {
        let image = renderFrame(frame: frame)
        return PNGEncoder.encode(width: image.width, height: image.height, rgb: image.rgb)
    }
}
