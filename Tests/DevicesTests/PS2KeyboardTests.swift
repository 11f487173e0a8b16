import XCTest
import Devices

final class PS2KeyboardTests: XCTestCase {
    private func drain(_ keyboard: PS2Keyboard) -> [UInt8] {
        var bytes: [UInt8] = []
        while let byte = keyboard.dequeue() {
            bytes.append(byte)
        }
        return bytes
    }

    private func send(_ keyboard: PS2Keyboard, _ bytes: [UInt8]) -> [UInt8] {
        for byte in bytes {
            keyboard.receive(byte)
        }
        return drain(keyboard)
    }

    func testCommandReplies() {
        let cases: [(bytes: [UInt8], reply: [UInt8])] = [
            ([0xFF], [0xFA, 0xAA]),
            ([0xF2], [0xFA, 0xAB, 0x83]),
            ([0xEE], [0xEE]),
            ([0xF4], [0xFA]),
            ([0xF5], [0xFA]),
            ([0xF6], [0xFA]),
            ([0xED, 0x07], [0xFA, 0xFA]),
            ([0xF3, 0x20], [0xFA, 0xFA]),
            ([0xF0, 0x00], [0xFA, 0xFA, 0x02]),
            ([0xF0, 0x01], [0xFA, 0xFA]),
            ([0xF0, 0x04], [0xFA, 0xFE]),
            ([0x00], [0xFE]),
            ([0xE5], [0xFE]),
            ([0xF8], [0xFE]),
        ]
        for (bytes, reply) in cases {
            XCTAssertEqual(send(PS2Keyboard(), bytes), reply, "\(bytes)")
        }
    }

    func testLEDsTypematicAndSetState() {
        let keyboard = PS2Keyboard()
        _ = send(keyboard, [0xED, 0x0F, 0xF3, 0x7F, 0xF0, 0x03])
        XCTAssertEqual(keyboard.leds, 0x07, "three LED bits")
        XCTAssertEqual(keyboard.typematic, 0x7F)
        XCTAssertEqual(keyboard.scanCodeSet, 3)
        XCTAssertEqual(send(keyboard, [0xF0, 0x00]), [0xFA, 0xFA, 0x03])
        _ = send(keyboard, [0xF6])
        XCTAssertEqual(keyboard.typematic, PS2Keyboard.defaultTypematic)
        XCTAssertEqual(keyboard.scanCodeSet, 2)
        XCTAssertEqual(keyboard.leds, 0x07, "Set Default keeps the LEDs")
        XCTAssertEqual(send(keyboard, [0xF3, 0x7F, 0xF3, 0xFF]), [0xFA, 0xAA],
                       "FF in place of a parameter is Reset, which clears the buffer first")
        XCTAssertEqual(keyboard.typematic, PS2Keyboard.defaultTypematic)
        XCTAssertEqual(keyboard.leds, 0)
    }

    func testCommandInPlaceOfParameterRunsAsCommand() {
        let keyboard = PS2Keyboard()
        XCTAssertEqual(send(keyboard, [0xED, 0xF2]), [0xFA, 0xFA, 0xAB, 0x83])
        XCTAssertEqual(keyboard.leds, 0)
        XCTAssertEqual(send(keyboard, [0xED, 0x02]), [0xFA, 0xFA], "the next parameter is taken again")
        XCTAssertEqual(keyboard.leds, 0x02)
    }

    func testResendRepeatsLastByte() {
        let keyboard = PS2Keyboard()
        XCTAssertEqual(send(keyboard, [0xF2]), [0xFA, 0xAB, 0x83])
        XCTAssertEqual(send(keyboard, [0xFE]), [0x83])
    }

    func testScanningDisableAndEnable() {
        let keyboard = PS2Keyboard()
        _ = send(keyboard, [0xF5])
        keyboard.press(.a)
        XCTAssertEqual(drain(keyboard), [])
        _ = send(keyboard, [0xF4])
        keyboard.press(.a)
        XCTAssertEqual(drain(keyboard), [0x1C])
    }

    func testSet2MakeAndBreakCodes() {
        let cases: [(key: KeyCode, make: [UInt8], breakCode: [UInt8])] = [
            (.a, [0x1C], [0xF0, 0x1C]),
            (.z, [0x1A], [0xF0, 0x1A]),
            (.digit1, [0x16], [0xF0, 0x16]),
            (.digit0, [0x45], [0xF0, 0x45]),
            (.enter, [0x5A], [0xF0, 0x5A]),
            (.escape, [0x76], [0xF0, 0x76]),
            (.backspace, [0x66], [0xF0, 0x66]),
            (.tab, [0x0D], [0xF0, 0x0D]),
            (.space, [0x29], [0xF0, 0x29]),
            (.f1, [0x05], [0xF0, 0x05]),
            (.f7, [0x83], [0xF0, 0x83]),
            (.f12, [0x07], [0xF0, 0x07]),
            (.leftShift, [0x12], [0xF0, 0x12]),
            (.rightShift, [0x59], [0xF0, 0x59]),
            (.leftControl, [0x14], [0xF0, 0x14]),
            (.rightControl, [0xE0, 0x14], [0xE0, 0xF0, 0x14]),
            (.rightAlt, [0xE0, 0x11], [0xE0, 0xF0, 0x11]),
            (.up, [0xE0, 0x75], [0xE0, 0xF0, 0x75]),
            (.down, [0xE0, 0x72], [0xE0, 0xF0, 0x72]),
            (.left, [0xE0, 0x6B], [0xE0, 0xF0, 0x6B]),
            (.right, [0xE0, 0x74], [0xE0, 0xF0, 0x74]),
            (.keypad8, [0x75], [0xF0, 0x75]),
            (.keypadEnter, [0xE0, 0x5A], [0xE0, 0xF0, 0x5A]),
            (.delete, [0xE0, 0x71], [0xE0, 0xF0, 0x71]),
            (.printScreen, [0xE0, 0x12, 0xE0, 0x7C], [0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12]),
            (.pause, [0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77], []),
        ]
        for (key, make, breakCode) in cases {
            XCTAssertEqual(ScanCodeSet2.make(key), make, "\(key)")
            XCTAssertEqual(ScanCodeSet2.breakCode(key), breakCode, "\(key)")
            let keyboard = PS2Keyboard()
            keyboard.press(key)
            keyboard.release(key)
            XCTAssertEqual(drain(keyboard), make + breakCode, "\(key) sent")
        }
    }

    func testEveryKeyHasADistinctMakeCode() {
        let codes = KeyCode.allCases.map(ScanCodeSet2.make)
        XCTAssertEqual(Set(codes.map { $0.map(String.init).joined(separator: ",") }).count, KeyCode.allCases.count)
        for key in KeyCode.allCases where key != .pause {
            var translator = ScanCodeTranslator()
            let make = ScanCodeSet2.make(key).compactMap { translator.translate($0) }
            let breakCode = ScanCodeSet2.breakCode(key).compactMap { translator.translate($0) }
            XCTAssertEqual(breakCode, make.map { $0 == 0xE0 ? 0xE0 : $0 | 0x80 }.reversedIfPrintScreen(key),
                           "set 1 break of \(key) is make | 0x80")
        }
    }

    func testTranslationTableIsAPermutation() {
        var translator = ScanCodeTranslator()
        let images = (0x01...0x7F).compactMap { translator.translate(UInt8($0)) }
        XCTAssertEqual(Set(images), Set(0x01...0x7F), "codes 01-7F map one to one")
        let fixed: [(UInt8, UInt8)] = [(0x00, 0xFF), (0x83, 0x41), (0xFA, 0xFA), (0xAA, 0xAA), (0xE0, 0xE0), (0xE1, 0xE1)]
        for (input, output) in fixed {
            XCTAssertEqual(translator.translate(input), output, String(format: "%02X", input))
        }
    }

    func testNativeSet1() {
        let keyboard = PS2Keyboard()
        _ = send(keyboard, [0xF0, 0x01])
        keyboard.press(.rightControl)
        keyboard.release(.rightControl)
        keyboard.press(.q)
        XCTAssertEqual(drain(keyboard), [0xE0, 0x1D, 0xE0, 0x9D, 0x10])
    }

    func testRawSet2Sequence() {
        let keyboard = PS2Keyboard()
        keyboard.sendScanCodes([0xE0, 0x37])
        XCTAssertEqual(drain(keyboard), [0xE0, 0x37])
        _ = send(keyboard, [0xF0, 0x01])
        keyboard.sendScanCodes([0xE0, 0xF0, 0x37])
        XCTAssertEqual(drain(keyboard), [0xE0, 0xDE], "set 2 E0 37 (Power) is set 1 E0 5E")
    }

    func testOverrunCodeInSets2And1() {
        for (set, overrun) in [(UInt8(2), UInt8(0x00)), (1, 0xFF)] {
            let keyboard = PS2Keyboard()
            _ = send(keyboard, [0xF0, set])
            for _ in 0..<20 {
                keyboard.press(.up)
            }
            XCTAssertEqual(keyboard.pendingOutputCount, PS2Keyboard.bufferCapacity + 1)
            keyboard.press(.a)
            let bytes = drain(keyboard)
            XCTAssertEqual(bytes.count, 17, "set \(set)")
            XCTAssertEqual(bytes.last, overrun, "set \(set)")
            keyboard.press(.a)
            XCTAssertEqual(drain(keyboard).count, 1, "keys arrive again once read")
        }
    }

    func testEventThatDoesNotFitIsReplacedByOverrun() {
        let keyboard = PS2Keyboard()
        for _ in 0..<15 {
            keyboard.press(.a)
        }
        keyboard.press(.up)
        keyboard.press(.a)
        XCTAssertEqual(drain(keyboard), Array(repeating: 0x1C, count: 15) + [0x00],
                       "no half sequence; later events lost until read")
    }
}

private extension Array where Element == UInt8 {
    /// Print Screen's break releases its two parts in the opposite order.
    func reversedIfPrintScreen(_ key: KeyCode) -> [UInt8] {
        key == .printScreen ? Array(self[2...] + self[..<2]) : self
    }
}
