/// A text-mode cursor as the CRT Controller shows it: its cell and the
/// scan lines it covers (Cursor Start 0x0A, Cursor End 0x0B).
public struct VGACursor: Equatable {
    public var row: Int
    public var column: Int
    public var startLine: Int
    public var endLine: Int
    public var enabled: Bool

    public init(row: Int, column: Int, startLine: Int, endLine: Int, enabled: Bool) {
        self.row = row
        self.column = column
        self.startLine = startLine
        self.endLine = endLine
        self.enabled = enabled
    }
}

/// The text screen the CRT Controller scans out (IBM VGA Technical
/// Reference, "CRT Controller Registers": Horizontal Display End, Vertical
/// Display End, Maximum Scan Line, Start Address, Cursor Location, Offset),
/// and its text renderings.
extension VGA {
    /// Cursor Start bit 5 turns the cursor off.
    static let cursorDisable: UInt8 = 0x20
    /// Attribute Mode Control bit 3: attribute bit 7 blinks instead of
    /// brightening the background.
    static let blinkEnable: UInt8 = 0x08
    /// Attribute Mode Control bit 2: the ninth dot of characters 0xC0-0xDF
    /// repeats the eighth.
    static let lineGraphicsEnable: UInt8 = 0x04

    /// Characters displayed per row, Horizontal Display End + 1.
    public var columns: Int {
        Int(horizontalDisplayed)
    }

    /// Character cells from one row to the next in memory: the Offset
    /// register counts words of two cells in text modes.
    public var rowStride: Int {
        Int(crtc[0x13]) * 2
    }

    /// Scan lines per character row, Maximum Scan Line bits 0-4 + 1.
    public var characterHeight: Int {
        Int(crtc[0x09] & 0x1F) + 1
    }

    /// Whole character rows in the displayed scan lines, at least one.
    public var rows: Int {
        max(verticalDisplayed / characterHeight, 1)
    }

    /// The cell shown at the top left, Start Address High/Low.
    public var startAddress: Int {
        Int(crtc[0x0C]) << 8 | Int(crtc[0x0D])
    }

    /// The cursor relative to the displayed screen; the cell may be off screen.
    public var cursor: VGACursor {
        let location = Int(crtc[0x0E]) << 8 | Int(crtc[0x0F])
        let offset = (location - startAddress) & 0xFFFF
        let stride = max(rowStride, 1)
        return VGACursor(
            row: offset / stride,
            column: offset % stride,
            startLine: Int(crtc[0x0A] & 0x1F),
            endLine: Int(crtc[0x0B] & 0x1F),
            enabled: crtc[0x0A] & Self.cursorDisable == 0)
    }

    /// Whether attribute bit 7 means blink (else bright background).
    public var blinkEnabled: Bool {
        attribute[0x10] & Self.blinkEnable != 0
    }

    /// The character and attribute bytes of a displayed cell; the address
    /// wraps within the text buffer as the CRTC's address counter does.
    public func cell(row: Int, column: Int) -> (character: UInt8, attribute: UInt8) {
        let address = ((startAddress &+ row &* rowStride &+ column) &* 2) & (Self.textMemorySize - 2)
        return (textMemory.load(fromByteOffset: address, as: UInt8.self),
                textMemory.load(fromByteOffset: address + 1, as: UInt8.self))
    }

    /// The screen as lines of Unicode text, code page 437 glyphs for every byte.
    public func renderPlainText() -> [String] {
        (0..<rows).map { row in
            var line = String.UnicodeScalarView()
            for column in 0..<columns {
                line.append(CodePage437.scalar(cell(row: row, column: column).character))
            }
            return String(line)
        }
    }

    /// The screen as text with ANSI SGR colours, one line per row, each
    /// ending with a reset. Colours are the 16 attribute colours (the
    /// palette and DAC are not consulted); attribute bit 7 becomes SGR 5
    /// (blink) or a bright background per Attribute Mode Control bit 3.
    public func renderANSI() -> String {
        var lines: [String] = []
        for row in 0..<rows {
            var line = ""
            var current: UInt8?
            for column in 0..<columns {
                let (character, attributeByte) = cell(row: row, column: column)
                if attributeByte != current {
                    line += sgr(for: attributeByte)
                    current = attributeByte
                }
                line.unicodeScalars.append(CodePage437.scalar(character))
            }
            lines.append(line + "\u{1B}[0m")
        }
        return lines.joined(separator: "\n")
    }

    /// VGA colour bits are blue, green, red from bit 0; ANSI's are red, green, blue.
    private static let ansiColor = [0, 4, 2, 6, 1, 5, 3, 7]

    private func sgr(for attributeByte: UInt8) -> String {
        let foreground = Int(attributeByte & 0x0F)
        let background = Int((attributeByte >> 4) & 0x07)
        let bit7 = attributeByte & 0x80 != 0
        var codes = ["0"]
        codes.append(String((foreground & 0x08 != 0 ? 90 : 30) + Self.ansiColor[foreground & 0x07]))
        let brightBackground = bit7 && !blinkEnabled
        codes.append(String((brightBackground ? 100 : 40) + Self.ansiColor[background]))
        if bit7 && blinkEnabled {
            codes.append("5")
        }
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }
}
