import XCTest
import Devices

/// A controller with a keyboard and a mouse, recording its callbacks.
final class KeyboardControllerHarness {
    let keyboard = PS2Keyboard()
    let mouse = PS2Mouse()
    let controller: KeyboardController8042
    var keyboardIRQ: [Bool] = []
    var mouseIRQ: [Bool] = []
    var resets = 0
    var a20Changes: [Bool] = []

    init(commandByte: UInt8 = 0x45, withMouse: Bool = true) {
        controller = KeyboardController8042(keyboard: keyboard, mouse: withMouse ? mouse : nil,
                                            commandByte: commandByte)
        controller.keyboardInterrupt.onChange = { [unowned self] in keyboardIRQ.append($0) }
        controller.mouseInterrupt.onChange = { [unowned self] in mouseIRQ.append($0) }
        controller.onReset = { [unowned self] in resets += 1 }
        controller.onA20Change = { [unowned self] in a20Changes.append($0) }
    }

    var status: UInt8 {
        controller.ioReadByte(port: 0x64)
    }

    func command(_ value: UInt8) {
        controller.ioWriteByte(port: 0x64, value: value)
    }

    func write(_ value: UInt8) {
        controller.ioWriteByte(port: 0x60, value: value)
    }

    func read() -> UInt8 {
        controller.ioReadByte(port: 0x60)
    }

    /// Everything waiting, read the way a polling driver does.
    func drain() -> [UInt8] {
        var bytes: [UInt8] = []
        while status & 0x01 != 0, bytes.count < 64 {
            bytes.append(read())
        }
        return bytes
    }
}

final class KeyboardControllerTests: XCTestCase {
    func testPowerOnStatusAndPorts() {
        let h = KeyboardControllerHarness()
        XCTAssertEqual(h.controller.ports, [0x60, 0x64])
        XCTAssertEqual(h.status, 0x14, "unlocked and system flag, buffers empty")
        XCTAssertFalse(h.controller.a20Enabled)
        XCTAssertEqual(KeyboardControllerHarness(commandByte: 0).status, 0x10, "cold: no system flag")
        XCTAssertEqual(h.controller.ioReadByte(port: 0x61), 0xFF, "port 0x61 is not the 8042")
    }

    func testCommandDataBitFollowsLastWrite() {
        let h = KeyboardControllerHarness()
        h.command(0xAE)
        XCTAssertEqual(h.status & 0x08, 0x08)
        h.write(0xF4)
        XCTAssertEqual(h.status & 0x08, 0x00)
        XCTAssertEqual(h.read(), 0xFA)
        XCTAssertEqual(h.status & 0x03, 0x00, "output read, input never full")
    }

    func testCommandByteReadWrite() {
        let h = KeyboardControllerHarness()
        h.command(0x20)
        XCTAssertEqual(h.status & 0x21, 0x01, "reply is not from the mouse")
        XCTAssertEqual(h.read(), 0x45)
        h.command(0x60)
        h.write(0x00)
        XCTAssertEqual(h.controller.commandByte, 0x00)
        XCTAssertEqual(h.status & 0x04, 0x00, "system flag follows command byte bit 2")
        h.command(0x60)
        h.write(0x67)
        h.command(0x20)
        XCTAssertEqual(h.read(), 0x67)
        XCTAssertEqual(h.status & 0x04, 0x04)
    }

    func testInternalRAMScratchBytes() {
        let h = KeyboardControllerHarness()
        let cases: [(write: UInt8, read: UInt8, value: UInt8)] = [(0x61, 0x21, 0x5A), (0x7F, 0x3F, 0xA5), (0x70, 0x30, 0x11)]
        for (write, read, value) in cases {
            h.command(write)
            h.write(value)
            h.command(read)
            XCTAssertEqual(h.read(), value, "RAM \(read - 0x20)")
        }
        XCTAssertEqual(h.controller.commandByte, 0x45, "byte 0 untouched")
    }

    func testSelfTestsAndInputPort() {
        let cases: [(command: UInt8, reply: UInt8)] = [
            (0xAA, 0x55), (0xAB, 0x00), (0xA9, 0x00), (0xA4, 0xF1), (0xC0, 0xB0),
        ]
        for (command, reply) in cases {
            let h = KeyboardControllerHarness(commandByte: 0)
            h.command(command)
            XCTAssertEqual(h.drain(), [reply], String(format: "command %02X", command))
        }
        let h = KeyboardControllerHarness(commandByte: 0)
        h.command(0xAA)
        XCTAssertEqual(h.status & 0x04, 0x04, "self-test sets the system flag")
    }

    func testDisableEnableBitsInCommandByte() {
        let h = KeyboardControllerHarness()
        let cases: [(command: UInt8, commandByte: UInt8)] = [
            (0xAD, 0x55), (0xA7, 0x75), (0xAE, 0x65), (0xA8, 0x45),
        ]
        for (command, expected) in cases {
            h.command(command)
            XCTAssertEqual(h.controller.commandByte, expected, String(format: "command %02X", command))
        }
    }

    func testDisabledKeyboardHoldsItsBytes() {
        let h = KeyboardControllerHarness(commandByte: 0x05)
        h.command(0xAD)
        h.keyboard.press(.a)
        XCTAssertEqual(h.status & 0x01, 0, "clock held low: nothing arrives")
        XCTAssertEqual(h.keyboard.pendingOutputCount, 1)
        h.command(0xAE)
        XCTAssertEqual(h.drain(), [0x1C])
    }

    func testWritingToKeyboardEnablesItsInterface() {
        let h = KeyboardControllerHarness(commandByte: 0x15)
        h.write(0xEE)
        XCTAssertEqual(h.controller.commandByte & 0x10, 0)
        XCTAssertEqual(h.drain(), [0xEE])
    }

    func testOutputPortA20AndReset() {
        let h = KeyboardControllerHarness()
        h.command(0xD0)
        XCTAssertEqual(h.read(), 0xCD)
        h.command(0xD1)
        h.write(0xDF)
        XCTAssertTrue(h.controller.a20Enabled)
        XCTAssertEqual(h.a20Changes, [true])
        h.command(0xD0)
        XCTAssertEqual(h.read(), 0xCF, "IRQ1 bit 4 low once the reply was read")
        h.command(0xD1)
        h.write(0xDF)
        XCTAssertEqual(h.a20Changes, [true], "no change, no callback")
        XCTAssertEqual(h.resets, 0)
        h.command(0xD1)
        h.write(0xDE)
        XCTAssertEqual(h.resets, 1, "bit 0 low resets the CPU")
        XCTAssertEqual(h.controller.outputPort & 0x01, 0x01, "reset line released afterwards")
        XCTAssertTrue(h.controller.a20Enabled, "A20 kept across the reset")
    }

    func testOutputPortReadShowsIRQOutputs() {
        let h = KeyboardControllerHarness(commandByte: 0x47)
        h.keyboard.press(.a)
        XCTAssertTrue(h.controller.keyboardInterrupt.level)
        h.command(0xD0)
        XCTAssertEqual(h.read(), 0x1E, "the pending scan code (set 1 'a') comes first")
        XCTAssertEqual(h.read(), 0xCD | 0x10, "IRQ1 was high when the port was read")
    }

    func testFastA20Commands() {
        let h = KeyboardControllerHarness()
        h.command(0xDF)
        h.command(0xDF)
        h.command(0xDD)
        XCTAssertEqual(h.a20Changes, [true, false])
        XCTAssertEqual(h.resets, 0)
        XCTAssertEqual(h.status & 0x01, 0, "no reply")
    }

    func testPulseCommands() {
        let cases: [(command: UInt8, resets: Int)] = [(0xFE, 1), (0xF0, 1), (0xFC, 1), (0xFF, 0), (0xFD, 0), (0xF1, 0)]
        for (command, resets) in cases {
            let h = KeyboardControllerHarness()
            h.command(command)
            XCTAssertEqual(h.resets, resets, String(format: "command %02X", command))
            XCTAssertEqual(h.a20Changes, [], "a 6 us A20 pulse changes nothing")
        }
    }

    func testKeyboardInterruptRaiseAndLower() {
        let h = KeyboardControllerHarness(commandByte: 0x01)
        h.keyboard.press(.a)
        XCTAssertEqual(h.keyboardIRQ, [true])
        XCTAssertEqual(h.status & 0x21, 0x01)
        XCTAssertEqual(h.read(), 0x1C)
        XCTAssertEqual(h.keyboardIRQ, [true, false])
        XCTAssertEqual(h.mouseIRQ, [])
    }

    func testNextQueuedByteMakesANewEdge() {
        let h = KeyboardControllerHarness(commandByte: 0x01)
        h.keyboard.press(.up)
        XCTAssertEqual(h.read(), 0xE0)
        XCTAssertEqual(h.keyboardIRQ, [true, false, true], "low for the read, high for the next byte")
        XCTAssertEqual(h.read(), 0x75)
        XCTAssertEqual(h.keyboardIRQ, [true, false, true, false])
        XCTAssertEqual(h.read(), 0x75, "empty buffer reads the last byte again")
    }

    func testInterruptNeedsEnableBit() {
        let h = KeyboardControllerHarness(commandByte: 0x00)
        h.keyboard.press(.a)
        XCTAssertEqual(h.status & 0x01, 0x01)
        XCTAssertEqual(h.keyboardIRQ, [])
        h.command(0x60)
        h.write(0x01)
        XCTAssertEqual(h.keyboardIRQ, [true], "line follows the enable bit while the byte waits")
        XCTAssertEqual(h.read(), 0x1C)
        XCTAssertEqual(h.keyboardIRQ, [true, false])
    }

    func testControllerRepliesRaiseKeyboardInterrupt() {
        let h = KeyboardControllerHarness(commandByte: 0x01)
        h.command(0xAA)
        XCTAssertEqual(h.keyboardIRQ, [true])
        XCTAssertEqual(h.read(), 0x55)
    }

    func testTranslationToSet1() {
        let cases: [(key: KeyCode, make: [UInt8], breakCode: [UInt8])] = [
            (.a, [0x1E], [0x9E]),
            (.escape, [0x01], [0x81]),
            (.f7, [0x41], [0xC1]),
            (.up, [0xE0, 0x48], [0xE0, 0xC8]),
            (.rightControl, [0xE0, 0x1D], [0xE0, 0x9D]),
            (.leftControl, [0x1D], [0x9D]),
            (.keypadDivide, [0xE0, 0x35], [0xE0, 0xB5]),
            (.printScreen, [0xE0, 0x2A, 0xE0, 0x37], [0xE0, 0xB7, 0xE0, 0xAA]),
            (.pause, [0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5], []),
        ]
        for (key, make, breakCode) in cases {
            let h = KeyboardControllerHarness(commandByte: 0x45)
            h.keyboard.press(key)
            XCTAssertEqual(h.drain(), make, "\(key) make")
            h.keyboard.release(key)
            XCTAssertEqual(h.drain(), breakCode, "\(key) break")
        }
    }

    func testUntranslatedSet2() {
        let h = KeyboardControllerHarness(commandByte: 0x05)
        h.keyboard.press(.rightControl)
        h.keyboard.release(.rightControl)
        XCTAssertEqual(h.drain(), [0xE0, 0x14, 0xE0, 0xF0, 0x14])
    }

    func testTranslatedKeyboardReplies() {
        let h = KeyboardControllerHarness(commandByte: 0x45)
        h.write(0xF2)
        XCTAssertEqual(h.drain(), [0xFA, 0xAB, 0x41], "identify through translation reads AB 41")
        h.write(0xF0)
        h.write(0x00)
        XCTAssertEqual(h.drain(), [0xFA, 0xFA, 0x41], "set 2 reported as 41 when translated")
    }

    func testKeyboardOutputBufferWrite() {
        let h = KeyboardControllerHarness(commandByte: 0x03)
        h.command(0xD2)
        h.write(0x1C)
        XCTAssertEqual(h.status & 0x21, 0x01)
        XCTAssertEqual(h.keyboardIRQ, [true])
        XCTAssertEqual(h.read(), 0x1C)
        h.command(0xD3)
        h.write(0x08)
        XCTAssertEqual(h.status & 0x21, 0x21, "mouse output buffer full")
        XCTAssertEqual(h.mouseIRQ, [true])
        XCTAssertEqual(h.read(), 0x08)
        XCTAssertEqual(h.mouseIRQ, [true, false])
    }

    func testMouseCommandsAndInterrupt() {
        let h = KeyboardControllerHarness(commandByte: 0x47)
        h.command(0xD4)
        h.write(0xF2)
        XCTAssertEqual(h.status & 0x21, 0x21)
        XCTAssertEqual(h.mouseIRQ, [true])
        XCTAssertEqual(h.keyboardIRQ, [])
        XCTAssertEqual(h.drain(), [0xFA, 0x00], "mouse bytes are never translated")
        h.command(0xD4)
        h.write(0xF4)
        XCTAssertEqual(h.drain(), [0xFA])
        h.mouse.move(dx: 5, dy: -3, buttons: .left)
        XCTAssertEqual(h.drain(), [0x29, 0x05, 0xFD])
        XCTAssertEqual(h.mouseIRQ.last, false)
    }

    func testDisabledMouseHoldsItsBytes() {
        let h = KeyboardControllerHarness(commandByte: 0x47)
        h.command(0xD4)
        h.write(0xF4)
        XCTAssertEqual(h.drain(), [0xFA])
        h.command(0xA7)
        h.mouse.move(dx: 1, dy: 1, buttons: [])
        XCTAssertEqual(h.status & 0x01, 0)
        h.command(0xA8)
        XCTAssertEqual(h.drain(), [0x08, 0x01, 0x01])
    }

    func testAbsentMouseTimesOut() {
        let h = KeyboardControllerHarness(commandByte: 0x47, withMouse: false)
        h.command(0xD4)
        h.write(0xFF)
        XCTAssertEqual(h.status & 0x61, 0x61, "timeout, from the auxiliary port")
        XCTAssertEqual(h.read(), 0xFE)
        h.write(0xEE)
        XCTAssertEqual(h.status & 0x40, 0, "a good transmission clears the timeout")
    }

    func testKeyboardBytesWaitBehindReplies() {
        let h = KeyboardControllerHarness(commandByte: 0x05)
        h.keyboard.press(.a)
        h.command(0xAA)
        XCTAssertEqual(h.drain(), [0x1C, 0x55])
    }

    func testGarbageNeverTraps() {
        var random = XorShift64(seed: 0x2545_F491_4F6C_DD1D)
        let h = KeyboardControllerHarness()
        var resets = 0
        h.controller.onReset = { resets += 1 }
        for step in 0..<50_000 {
            let state = random.next()
            let value = UInt8(truncatingIfNeeded: state >> 16)
            switch state & 7 {
            case 0: h.command(value)
            case 1, 2: h.write(value)
            case 3: _ = h.read()
            case 4: _ = h.status
            case 5: h.keyboard.press(KeyCode.allCases[Int(value) % KeyCode.allCases.count])
            case 6: h.mouse.move(dx: Int(Int8(bitPattern: value)) * 300, dy: step, buttons: [])
            default:
                h.controller.ioWrite(port: UInt16(truncatingIfNeeded: state >> 32), size: Int(value) - 100,
                                     value: UInt32(truncatingIfNeeded: state))
            }
        }
        XCTAssertLessThanOrEqual(h.keyboard.pendingOutputCount, PS2Keyboard.bufferCapacity + 1)
        XCTAssertLessThanOrEqual(h.mouse.pendingOutputCount, PS2Mouse.bufferCapacity)
        XCTAssertGreaterThan(resets, 0, "random commands include the reset pulse")
        XCTAssertLessThanOrEqual(h.drain().count, 64)
    }
}
