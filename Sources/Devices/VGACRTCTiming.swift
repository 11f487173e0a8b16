/// The CRT Controller's raster timing (IBM VGA Technical Reference, "CRT
/// Controller Registers": Horizontal Total, Vertical Total, Vertical Retrace
/// Start/End and the Overflow register) and the Input Status 1 register it
/// drives.
///
/// The raster position is computed from virtual time on each read rather
/// than ticked: with the mode 3 values a line is 100 characters of 9 dots at
/// 28.322 MHz (31.78 µs) and a frame 449 lines (70.1 Hz), 400 displayed and
/// the retrace in lines 412-413.
extension VGA {
    /// Input Status 1 bit 0: the display is in horizontal or vertical blanking.
    static let displayDisabled: UInt8 = 0x01
    /// Input Status 1 bit 3: vertical retrace is in progress.
    static let verticalRetrace: UInt8 = 0x08

    /// Dot clock periods of the two VGA crystals, 25.175 MHz and 28.322 MHz,
    /// selected by Miscellaneous Output bits 2-3.
    private static let dotPeriodPicoseconds: [UInt64] = [39_722, 35_308]

    /// Dots per character clock: 8 when Sequencer Clocking Mode bit 0 is set, else 9.
    public var dotsPerCharacter: Int {
        sequencer[1] & 0x01 != 0 ? 8 : 9
    }

    /// Character clocks per scan line, Horizontal Total + 5.
    var horizontalTotal: UInt64 {
        UInt64(crtc[0x00]) + 5
    }

    /// Displayed character clocks per scan line, Horizontal Display End + 1.
    var horizontalDisplayed: UInt64 {
        UInt64(crtc[0x01]) + 1
    }

    /// A 10-bit vertical value whose bits 8 and 9 live in the Overflow register.
    private func vertical(_ low: Int, bit8: UInt8, bit9: UInt8) -> Int {
        let overflow = crtc[0x07]
        return Int(crtc[low]) | (overflow & bit8 != 0 ? 0x100 : 0) | (overflow & bit9 != 0 ? 0x200 : 0)
    }

    /// Scan lines per frame, Vertical Total + 2.
    var verticalTotal: Int {
        vertical(0x06, bit8: 0x01, bit9: 0x20) + 2
    }

    /// Displayed scan lines, Vertical Display End + 1.
    public var verticalDisplayed: Int {
        vertical(0x12, bit8: 0x02, bit9: 0x40) + 1
    }

    var verticalRetraceStart: Int {
        vertical(0x10, bit8: 0x04, bit9: 0x80)
    }

    /// Duration of one scan line in picoseconds.
    var linePicoseconds: UInt64 {
        let clockSelect = Int((miscellaneousOutput >> 2) & 0x01)
        return horizontalTotal * UInt64(dotsPerCharacter) * Self.dotPeriodPicoseconds[clockSelect]
    }

    /// Duration of one frame in picoseconds.
    public var framePicoseconds: UInt64 {
        linePicoseconds * UInt64(verticalTotal)
    }

    /// Frames displayed since power-on, which paces cursor and character blink.
    public var frameCount: UInt64 {
        let frameNanoseconds = max(framePicoseconds / 1000, 1)
        return clock.now / frameNanoseconds
    }

    /// The scan line being displayed now and the picoseconds into it.
    var rasterPosition: (line: Int, picoseconds: UInt64) {
        let frame = framePicoseconds
        let line = linePicoseconds
        let intoFrame = (clock.now % frame) * 1000 % frame
        return (Int(intoFrame / line), intoFrame % line)
    }

    /// Whether the raster is in vertical retrace: from Vertical Retrace
    /// Start until the line counter's low four bits match Vertical Retrace
    /// End (CRTC register 0x11 bits 0-3), at most 16 lines later.
    var inVerticalRetrace: Bool {
        let line = rasterPosition.line
        let start = verticalRetraceStart
        let end = Int(crtc[0x11] & 0x0F)
        var length = (end &- start) & 0x0F
        if length == 0 { length = 16 }
        return line >= start && line < start + length
    }

    func readInputStatus1() -> UInt8 {
        attributeFlipFlopData = false
        let position = rasterPosition
        let displayedPicoseconds = linePicoseconds * horizontalDisplayed / horizontalTotal
        var status: UInt8 = 0
        if position.line >= verticalDisplayed || position.picoseconds >= displayedPicoseconds {
            status |= Self.displayDisabled
        }
        if inVerticalRetrace {
            status |= Self.verticalRetrace
        }
        return status
    }
}
