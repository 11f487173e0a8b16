/// A key going down or coming up.
public enum KeyEvent: Equatable, Sendable {
    case press(KeyCode)
    case release(KeyCode)
}

/// Turns the bytes a host terminal sends (US layout, as xterm and the Linux
/// console send them) into PC key strokes for `PS2Keyboard`: printable
/// ASCII with Shift where the character needs it, control characters as
/// Ctrl plus a letter, CR and LF as Enter, DEL and BS as Backspace, ESC as
/// Escape, and the ANSI/VT100 sequences for the cursor keys, Home, End,
/// Insert, Delete, Page Up/Down and F1-F12 (ECMA-48 control sequences;
/// xterm "PC-Style Function Keys").
///
/// A sequence split across two `decode` calls is completed by the second;
/// an ESC that nothing follows is held until the next call or `flush()`,
/// since only the absence of further bytes tells a lone Escape apart.
public struct TerminalKeyDecoder: Sendable {
    private static let escape: UInt8 = 0x1B
    /// Longest sequence kept while waiting for its final byte; longer
    /// garbage is dropped.
    private static let maxSequenceLength = 8

    private var pending: [UInt8] = []

    public init() {}

    public mutating func decode(_ bytes: [UInt8]) -> [KeyEvent] {
        var events: [KeyEvent] = []
        for byte in bytes {
            if pending.isEmpty {
                if byte == Self.escape {
                    pending = [byte]
                } else {
                    events += Self.events(forCharacter: byte)
                }
                continue
            }
            pending.append(byte)
            events += resolvePending()
        }
        return events
    }

    /// Ends a held ESC or unfinished sequence: a lone ESC is the Escape key,
    /// an unfinished sequence is dropped.
    public mutating func flush() -> [KeyEvent] {
        defer { pending = [] }
        return pending == [Self.escape] ? Self.stroke(.escape) : []
    }

    private mutating func resolvePending() -> [KeyEvent] {
        let introducer = pending[1]
        guard introducer == UInt8(ascii: "[") || introducer == UInt8(ascii: "O") else {
            // ESC then an ordinary character: Escape, then that character
            // (an ESC followed by ESC starts over with the second one).
            pending = []
            if introducer == Self.escape {
                pending = [introducer]
                return Self.stroke(.escape)
            }
            return Self.stroke(.escape) + Self.events(forCharacter: introducer)
        }
        guard pending.count > 2 else { return [] }
        let final = pending[pending.count - 1]
        // Parameter and intermediate bytes (0x20-0x3F) continue a control
        // sequence; a byte in 0x40-0x7E ends it.
        if (0x40...0x7E).contains(final) {
            let sequence = pending
            pending = []
            return Self.key(forSequence: sequence).map { Self.stroke($0) } ?? []
        }
        if !(0x20...0x3F).contains(final) || pending.count >= Self.maxSequenceLength {
            pending = []
        }
        return []
    }

    private static func key(forSequence sequence: [UInt8]) -> KeyCode? {
        let final = sequence[sequence.count - 1]
        let parameters = String(decoding: sequence[2..<(sequence.count - 1)], as: UTF8.self)
        switch (Character(Unicode.Scalar(final)), parameters) {
        case ("A", _): return .up
        case ("B", _): return .down
        case ("C", _): return .right
        case ("D", _): return .left
        case ("H", _): return .home
        case ("F", _): return .end
        case ("P", _): return .f1
        case ("Q", _): return .f2
        case ("R", _): return .f3
        case ("S", _): return .f4
        case ("~", let number):
            return tildeKeys[number]
        default:
            return nil
        }
    }

    private static let tildeKeys: [String: KeyCode] = [
        "1": .home, "2": .insert, "3": .delete, "4": .end, "5": .pageUp, "6": .pageDown,
        "7": .home, "8": .end, "11": .f1, "12": .f2, "13": .f3, "14": .f4,
        "15": .f5, "17": .f6, "18": .f7, "19": .f8, "20": .f9, "21": .f10,
        "23": .f11, "24": .f12,
    ]

    /// Press and release, with Shift or Ctrl held around the key if given.
    private static func stroke(_ key: KeyCode, modifier: KeyCode? = nil) -> [KeyEvent] {
        guard let modifier else { return [.press(key), .release(key)] }
        return [.press(modifier), .press(key), .release(key), .release(modifier)]
    }

    /// The strokes for one byte that is not part of an escape sequence.
    public static func events(forCharacter byte: UInt8) -> [KeyEvent] {
        switch byte {
        case 0x0D, 0x0A: return stroke(.enter)
        case 0x08, 0x7F: return stroke(.backspace)
        case 0x09: return stroke(.tab)
        case 0x1B: return stroke(.escape)
        case 0x00: return stroke(.digit2, modifier: .leftControl)
        case 0x01...0x1A: return stroke(letters[Int(byte - 0x01)], modifier: .leftControl)
        case 0x1C: return stroke(.backslash, modifier: .leftControl)
        case 0x1D: return stroke(.rightBracket, modifier: .leftControl)
        case 0x1E: return stroke(.digit6, modifier: .leftControl)
        case 0x1F: return stroke(.minus, modifier: .leftControl)
        case 0x20...0x7E:
            guard let (key, shifted) = printable[byte] else { return [] }
            return stroke(key, modifier: shifted ? .leftShift : nil)
        default:
            // Bytes above 0x7F (UTF-8 text beyond ASCII) have no key on a
            // US keyboard.
            return []
        }
    }

    private static let letters: [KeyCode] = [
        .a, .b, .c, .d, .e, .f, .g, .h, .i, .j, .k, .l, .m,
        .n, .o, .p, .q, .r, .s, .t, .u, .v, .w, .x, .y, .z,
    ]

    private static let digits: [KeyCode] = [
        .digit0, .digit1, .digit2, .digit3, .digit4, .digit5, .digit6, .digit7, .digit8, .digit9,
    ]

    /// Every printable ASCII character: its key and whether Shift is held.
    private static let printable: [UInt8: (KeyCode, Bool)] = {
        var table: [UInt8: (KeyCode, Bool)] = [:]
        for (index, key) in letters.enumerated() {
            table[UInt8(ascii: "a") + UInt8(index)] = (key, false)
            table[UInt8(ascii: "A") + UInt8(index)] = (key, true)
        }
        for (index, key) in digits.enumerated() {
            table[UInt8(ascii: "0") + UInt8(index)] = (key, false)
        }
        let unshifted: [(Character, KeyCode)] = [
            (" ", .space), ("-", .minus), ("=", .equals), ("[", .leftBracket), ("]", .rightBracket),
            ("\\", .backslash), (";", .semicolon), ("'", .apostrophe), ("`", .grave),
            (",", .comma), (".", .period), ("/", .slash),
        ]
        let shifted: [(Character, KeyCode)] = [
            ("!", .digit1), ("@", .digit2), ("#", .digit3), ("$", .digit4), ("%", .digit5),
            ("^", .digit6), ("&", .digit7), ("*", .digit8), ("(", .digit9), (")", .digit0),
            ("_", .minus), ("+", .equals), ("{", .leftBracket), ("}", .rightBracket),
            ("|", .backslash), (":", .semicolon), ("\"", .apostrophe), ("~", .grave),
            ("<", .comma), (">", .period), ("?", .slash),
        ]
        for (character, key) in unshifted {
            table[character.asciiValue ?? 0] = (key, false)
        }
        for (character, key) in shifted {
            table[character.asciiValue ?? 0] = (key, true)
        }
        return table
    }()
}
