import XCTest
import Devices

final class TerminalKeyDecoderTests: XCTestCase {
    private func tap(_ key: KeyCode) -> [KeyEvent] {
        [.press(key), .release(key)]
    }

    private func tap(_ key: KeyCode, with modifier: KeyCode) -> [KeyEvent] {
        [.press(modifier), .press(key), .release(key), .release(modifier)]
    }

    func testSingleBytes() {
        let cases: [(String, [KeyEvent])] = [
            ("a", tap(.a)),
            ("Z", tap(.z, with: .leftShift)),
            ("5", tap(.digit5)),
            ("%", tap(.digit5, with: .leftShift)),
            ("\r", tap(.enter)),
            ("\n", tap(.enter)),
            ("\u{7F}", tap(.backspace)),
            ("\u{08}", tap(.backspace)),
            ("\t", tap(.tab)),
            (" ", tap(.space)),
            ("\u{03}", tap(.c, with: .leftControl)),
            ("\u{1A}", tap(.z, with: .leftControl)),
            ("-", tap(.minus)),
            ("_", tap(.minus, with: .leftShift)),
            ("\"", tap(.apostrophe, with: .leftShift)),
            ("~", tap(.grave, with: .leftShift)),
            ("/", tap(.slash)),
            ("?", tap(.slash, with: .leftShift)),
            ("|", tap(.backslash, with: .leftShift)),
            ("{", tap(.leftBracket, with: .leftShift)),
        ]
        for (text, events) in cases {
            var decoder = TerminalKeyDecoder()
            XCTAssertEqual(decoder.decode(Array(text.utf8)), events, text.debugDescription)
        }
    }

    func testEveryPrintableCharacterHasAKey() {
        for byte in UInt8(0x20)...0x7E {
            XCTAssertFalse(TerminalKeyDecoder.events(forCharacter: byte).isEmpty, String(format: "%02X", byte))
        }
        XCTAssertEqual(TerminalKeyDecoder.events(forCharacter: 0xC3), [], "non-ASCII has no key")
    }

    func testEscapeSequences() {
        let cases: [(String, KeyCode)] = [
            ("\u{1B}[A", .up), ("\u{1B}[B", .down), ("\u{1B}[C", .right), ("\u{1B}[D", .left),
            ("\u{1B}OA", .up), ("\u{1B}OD", .left),
            ("\u{1B}[H", .home), ("\u{1B}[F", .end), ("\u{1B}[1~", .home), ("\u{1B}[4~", .end),
            ("\u{1B}[2~", .insert), ("\u{1B}[3~", .delete), ("\u{1B}[5~", .pageUp), ("\u{1B}[6~", .pageDown),
            ("\u{1B}OP", .f1), ("\u{1B}OS", .f4), ("\u{1B}[15~", .f5), ("\u{1B}[21~", .f10), ("\u{1B}[24~", .f12),
        ]
        for (text, key) in cases {
            var decoder = TerminalKeyDecoder()
            XCTAssertEqual(decoder.decode(Array(text.utf8)), tap(key), text.debugDescription)
            XCTAssertEqual(decoder.flush(), [])
        }
    }

    func testSequenceSplitAcrossCalls() {
        var decoder = TerminalKeyDecoder()
        XCTAssertEqual(decoder.decode([0x1B]), [])
        XCTAssertEqual(decoder.decode(Array("[1".utf8)), [])
        XCTAssertEqual(decoder.decode(Array("5~x".utf8)), tap(.f5) + tap(.x))
    }

    func testLoneEscape() {
        var decoder = TerminalKeyDecoder()
        XCTAssertEqual(decoder.decode([0x1B]), [])
        XCTAssertEqual(decoder.flush(), tap(.escape))
        XCTAssertEqual(decoder.decode([0x1B, UInt8(ascii: "q")]), tap(.escape) + tap(.q))
        XCTAssertEqual(decoder.decode([0x1B, 0x1B, UInt8(ascii: "["), UInt8(ascii: "A")]), tap(.escape) + tap(.up))
    }

    func testUnknownAndOverlongSequencesAreDropped() {
        var decoder = TerminalKeyDecoder()
        XCTAssertEqual(decoder.decode(Array("\u{1B}[99~a".utf8)), tap(.a))
        XCTAssertEqual(decoder.decode(Array("\u{1B}[1;2;3;b".utf8)), tap(.b),
                       "a sequence past eight bytes is abandoned and what follows decodes")
        XCTAssertEqual(decoder.decode([0x1B, UInt8(ascii: "["), 0x0A, UInt8(ascii: "c")]), tap(.c),
                       "a control byte inside a sequence abandons it")
    }

    func testRandomBytesNeverTrap() {
        var decoder = TerminalKeyDecoder()
        var state: UInt32 = 0x1234_5678
        var count = 0
        for _ in 0..<2_000 {
            var chunk: [UInt8] = []
            for _ in 0..<8 {
                state = state &* 1_664_525 &+ 1_013_904_223
                chunk.append(UInt8(truncatingIfNeeded: state >> 24))
            }
            count += decoder.decode(chunk).count
        }
        count += decoder.flush().count
        XCTAssertGreaterThan(count, 0)
        XCTAssertEqual(count % 2, 0, "every press has its release")
    }
}
