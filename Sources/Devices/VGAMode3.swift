/// The register values an IBM-compatible BIOS leaves in the VGA after setting
/// mode 3, 80x25 16-colour text with 9x16 character cells (IBM VGA Technical
/// Reference, "Video Modes", parameter table for mode 3+), and the DAC
/// palette that goes with it.
///
/// The VGA starts in this state so a guest that writes to 0xB8000 without
/// programming any register sees text, as it would after a real POST.
enum VGAMode3 {
    /// I/OAS = 1 (colour ports), RAM enabled, 28.322 MHz clock, odd/even
    /// page 1, negative vertical sync for 400 lines.
    static let miscellaneousOutput: UInt8 = 0x67

    static let sequencer: [UInt8] = [0x03, 0x00, 0x03, 0x00, 0x02]

    static let crtc: [UInt8] = [
        0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F,
        0x00, 0x4F, 0x0D, 0x0E, 0x00, 0x00, 0x00, 0x00,
        0x9C, 0x8E, 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3,
        0xFF,
    ]

    static let graphics: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF]

    /// Palette 0-15, then mode control (blink and line-graphics enable),
    /// overscan, colour plane enable, horizontal panning and colour select.
    static let attribute: [UInt8] = [
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07,
        0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F,
        0x0C, 0x00, 0x0F, 0x08, 0x00,
    ]

    /// The 256 DAC entries as 6-bit R, G, B triples.
    ///
    /// Entries 0-63 hold the 64 EGA colours the text-mode palette registers
    /// select from: each index bit pair (bit 2/5 red, 1/4 green, 0/3 blue)
    /// adds 2/3 and 1/3 of full intensity. The BIOS loads only these 64 for a
    /// 16-colour mode, so the rest stay black.
    static func dacPalette() -> [UInt8] {
        var palette = [UInt8](repeating: 0, count: 768)
        for index in 0..<64 {
            let red = component(primary: index & 0x04 != 0, secondary: index & 0x20 != 0)
            let green = component(primary: index & 0x02 != 0, secondary: index & 0x10 != 0)
            let blue = component(primary: index & 0x01 != 0, secondary: index & 0x08 != 0)
            palette[index * 3] = red
            palette[index * 3 + 1] = green
            palette[index * 3 + 2] = blue
        }
        return palette
    }

    private static func component(primary: Bool, secondary: Bool) -> UInt8 {
        (primary ? 0x2A : 0) + (secondary ? 0x15 : 0)
    }
}
