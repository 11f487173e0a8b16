/// A key of the 101/102-key PC keyboard (US layout names), identified by its
/// position, not by the character it types.
public enum KeyCode: CaseIterable, Sendable {
    case a, b, c, d, e, f, g, h, i, j, k, l, m
    case n, o, p, q, r, s, t, u, v, w, x, y, z
    case digit0, digit1, digit2, digit3, digit4, digit5, digit6, digit7, digit8, digit9
    case grave, minus, equals, leftBracket, rightBracket, backslash
    case semicolon, apostrophe, comma, period, slash
    case enter, escape, backspace, tab, space, capsLock
    case f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12
    case leftShift, rightShift, leftControl, rightControl, leftAlt, rightAlt
    case leftGUI, rightGUI, menu
    case insert, delete, home, end, pageUp, pageDown
    case up, down, left, right
    case numLock, scrollLock, printScreen, pause
    case keypad0, keypad1, keypad2, keypad3, keypad4
    case keypad5, keypad6, keypad7, keypad8, keypad9
    case keypadPeriod, keypadPlus, keypadMinus, keypadMultiply, keypadDivide, keypadEnter
}

/// Scan code set 2, the set every MF2 keyboard sends by default, and the
/// 8042's translation of it to set 1 (IBM PS/2 Hardware Interface Technical
/// Reference, "Keyboard", scan code tables for sets 1 and 2; Microsoft
/// "Keyboard Scan Code Specification" rev. 1.3a, appendix tables).
public enum ScanCodeSet2 {
    static let extendedPrefix: UInt8 = 0xE0
    static let breakPrefix: UInt8 = 0xF0

    /// The make code of a key: one byte, or 0xE0 and a byte for the keys the
    /// 101-key keyboard added; Print Screen and Pause have their own
    /// sequences.
    public static func make(_ key: KeyCode) -> [UInt8] {
        if let code = code(key) {
            return code.extended ? [extendedPrefix, code.byte] : [code.byte]
        }
        return key == .printScreen
            ? [0xE0, 0x12, 0xE0, 0x7C]
            : [0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77]
    }

    /// The break code: 0xF0 before the last byte of each make code. Pause
    /// has none: its make sequence already holds its own release.
    public static func breakCode(_ key: KeyCode) -> [UInt8] {
        if let code = code(key) {
            return code.extended ? [extendedPrefix, breakPrefix, code.byte] : [breakPrefix, code.byte]
        }
        return key == .printScreen ? [0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12] : []
    }

    /// The single make byte of a key and whether 0xE0 precedes it; nil for
    /// the two keys with longer sequences.
    private static func code(_ key: KeyCode) -> (byte: UInt8, extended: Bool)? {
        switch key {
        case .a: return (0x1C, false)
        case .b: return (0x32, false)
        case .c: return (0x21, false)
        case .d: return (0x23, false)
        case .e: return (0x24, false)
        case .f: return (0x2B, false)
        case .g: return (0x34, false)
        case .h: return (0x33, false)
        case .i: return (0x43, false)
        case .j: return (0x3B, false)
        case .k: return (0x42, false)
        case .l: return (0x4B, false)
        case .m: return (0x3A, false)
        case .n: return (0x31, false)
        case .o: return (0x44, false)
        case .p: return (0x4D, false)
        case .q: return (0x15, false)
        case .r: return (0x2D, false)
        case .s: return (0x1B, false)
        case .t: return (0x2C, false)
        case .u: return (0x3C, false)
        case .v: return (0x2A, false)
        case .w: return (0x1D, false)
        case .x: return (0x22, false)
        case .y: return (0x35, false)
        case .z: return (0x1A, false)
        case .digit0: return (0x45, false)
        case .digit1: return (0x16, false)
        case .digit2: return (0x1E, false)
        case .digit3: return (0x26, false)
        case .digit4: return (0x25, false)
        case .digit5: return (0x2E, false)
        case .digit6: return (0x36, false)
        case .digit7: return (0x3D, false)
        case .digit8: return (0x3E, false)
        case .digit9: return (0x46, false)
        case .grave: return (0x0E, false)
        case .minus: return (0x4E, false)
        case .equals: return (0x55, false)
        case .leftBracket: return (0x54, false)
        case .rightBracket: return (0x5B, false)
        case .backslash: return (0x5D, false)
        case .semicolon: return (0x4C, false)
        case .apostrophe: return (0x52, false)
        case .comma: return (0x41, false)
        case .period: return (0x49, false)
        case .slash: return (0x4A, false)
        case .enter: return (0x5A, false)
        case .escape: return (0x76, false)
        case .backspace: return (0x66, false)
        case .tab: return (0x0D, false)
        case .space: return (0x29, false)
        case .capsLock: return (0x58, false)
        case .f1: return (0x05, false)
        case .f2: return (0x06, false)
        case .f3: return (0x04, false)
        case .f4: return (0x0C, false)
        case .f5: return (0x03, false)
        case .f6: return (0x0B, false)
        case .f7: return (0x83, false)
        case .f8: return (0x0A, false)
        case .f9: return (0x01, false)
        case .f10: return (0x09, false)
        case .f11: return (0x78, false)
        case .f12: return (0x07, false)
        case .leftShift: return (0x12, false)
        case .rightShift: return (0x59, false)
        case .leftControl: return (0x14, false)
        case .rightControl: return (0x14, true)
        case .leftAlt: return (0x11, false)
        case .rightAlt: return (0x11, true)
        case .leftGUI: return (0x1F, true)
        case .rightGUI: return (0x27, true)
        case .menu: return (0x2F, true)
        case .insert: return (0x70, true)
        case .delete: return (0x71, true)
        case .home: return (0x6C, true)
        case .end: return (0x69, true)
        case .pageUp: return (0x7D, true)
        case .pageDown: return (0x7A, true)
        case .up: return (0x75, true)
        case .down: return (0x72, true)
        case .left: return (0x6B, true)
        case .right: return (0x74, true)
        case .numLock: return (0x77, false)
        case .scrollLock: return (0x7E, false)
        case .keypad0: return (0x70, false)
        case .keypad1: return (0x69, false)
        case .keypad2: return (0x72, false)
        case .keypad3: return (0x7A, false)
        case .keypad4: return (0x6B, false)
        case .keypad5: return (0x73, false)
        case .keypad6: return (0x74, false)
        case .keypad7: return (0x6C, false)
        case .keypad8: return (0x75, false)
        case .keypad9: return (0x7D, false)
        case .keypadPeriod: return (0x71, false)
        case .keypadPlus: return (0x79, false)
        case .keypadMinus: return (0x7B, false)
        case .keypadMultiply: return (0x7C, false)
        case .keypadDivide: return (0x4A, true)
        case .keypadEnter: return (0x5A, true)
        case .printScreen, .pause: return nil
        }
    }
}

/// The 8042's set 2 to set 1 translation, applied to keyboard bytes when bit
/// 6 of the controller command byte is set. Codes 0x01-0x7F map one to one
/// onto 0x01-0x7F; 0x00 (the set 2 overrun code) becomes 0xFF (the set 1
/// overrun code); 0x83 (F7, the one set 2 make code above 0x7F) becomes
/// 0x41; every other byte above 0x7F (0xE0, 0xE1, 0xFA, 0xAA, 0xEE, ...)
/// passes unchanged. An 0xF0 prefix is absorbed and sets bit 7 of the byte
/// after it, which turns a set 2 break into a set 1 break (make | 0x80).
public struct ScanCodeTranslator: Sendable {
    private static let table: [UInt8] = [
        0xFF, 0x43, 0x41, 0x3F, 0x3D, 0x3B, 0x3C, 0x58, 0x64, 0x44, 0x42, 0x40, 0x3E, 0x0F, 0x29, 0x59,
        0x65, 0x38, 0x2A, 0x70, 0x1D, 0x10, 0x02, 0x5A, 0x66, 0x71, 0x2C, 0x1F, 0x1E, 0x11, 0x03, 0x5B,
        0x67, 0x2E, 0x2D, 0x20, 0x12, 0x05, 0x04, 0x5C, 0x68, 0x39, 0x2F, 0x21, 0x14, 0x13, 0x06, 0x5D,
        0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5E, 0x6A, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5F,
        0x6B, 0x33, 0x25, 0x17, 0x18, 0x0B, 0x0A, 0x60, 0x6C, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0C, 0x61,
        0x6D, 0x73, 0x28, 0x74, 0x1A, 0x0D, 0x62, 0x6E, 0x3A, 0x36, 0x1C, 0x1B, 0x75, 0x2B, 0x63, 0x76,
        0x55, 0x56, 0x77, 0x78, 0x79, 0x7A, 0x0E, 0x7B, 0x7C, 0x4F, 0x7D, 0x4B, 0x47, 0x7E, 0x7F, 0x6F,
        0x52, 0x53, 0x50, 0x4C, 0x4D, 0x48, 0x01, 0x45, 0x57, 0x4E, 0x51, 0x4A, 0x37, 0x49, 0x46, 0x54,
    ]
    private static let f7: UInt8 = 0x83

    private var sawBreakPrefix = false

    public init() {}

    /// The set 1 byte for one set 2 byte, or nil when the byte is absorbed.
    public mutating func translate(_ byte: UInt8) -> UInt8? {
        if byte == ScanCodeSet2.breakPrefix {
            sawBreakPrefix = true
            return nil
        }
        let code: UInt8
        if byte < 0x80 {
            code = Self.table[Int(byte)]
        } else {
            code = byte == Self.f7 ? 0x41 : byte
        }
        if sawBreakPrefix {
            sawBreakPrefix = false
            return code | 0x80
        }
        return code
    }

    /// A whole set 2 sequence in set 1.
    public static func translate(_ sequence: [UInt8]) -> [UInt8] {
        var translator = ScanCodeTranslator()
        return sequence.compactMap { translator.translate($0) }
    }
}
