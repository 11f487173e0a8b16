import XCTest
import Devices

final class DebugConsoleTests: XCTestCase {
    func testWritesReachBackend() {
        let backend = BufferBackend()
        let console = DebugConsole(backend: backend)
        for byte in "hello\n".utf8 {
            console.ioWrite(port: 0xE9, size: 1, value: UInt32(byte))
        }
        XCTAssertEqual(backend.text, "hello\n")
    }

    func testReadReturnsProbeValue() {
        let console = DebugConsole(backend: NullBackend())
        XCTAssertEqual(console.ioRead(port: 0xE9, size: 1), 0xE9)
        XCTAssertEqual(console.ports, 0xE9...0xE9)
    }

    func testWordWriteSendsOnlyTheLowByte() {
        let backend = BufferBackend()
        let console = DebugConsole(backend: backend)
        console.ioWrite(port: 0xE9, size: 2, value: 0x6968)
        XCTAssertEqual(backend.output, [0x68], "the high byte belongs to port 0xEA")
    }
}

final class DebugExitTests: XCTestCase {
    func testStatusMapping() {
        let cases: [(value: UInt32, status: Int32)] = [
            (0, 1),
            (1, 3),
            (0x7F, 0xFF),
            (0x8000_0000, 1),
            (0xFFFF_FFFF, -1),
        ]
        for (value, status) in cases {
            let device = DebugExit()
            var reported: [Int32] = []
            device.onExit = { reported.append($0) }
            device.ioWrite(port: 0xF4, size: 4, value: value)
            XCTAssertEqual(device.exitStatus, status, "value \(value)")
            XCTAssertEqual(reported, [status], "value \(value)")
            XCTAssertEqual(DebugExit.status(forValue: value), status)
        }
    }

    func testAccessWidthLimitsValue() {
        let device = DebugExit()
        device.ioWrite(port: 0xF4, size: 1, value: 0x1FF)
        XCTAssertEqual(device.exitStatus, 0x1FF)
        device.ioWrite(port: 0xF6, size: 2, value: 0x1_0002)
        XCTAssertEqual(device.exitStatus, 5, "any port of the range exits")
    }

    func testReadsAllOnesAndNoExitBeforeWrite() {
        let device = DebugExit()
        XCTAssertEqual(device.ioRead(port: 0xF4, size: 4), 0xFFFF_FFFF)
        XCTAssertNil(device.exitStatus)
        XCTAssertEqual(device.ports, 0xF4...0xF7)
    }
}

final class POSTCodePortTests: XCTestCase {
    func testLastCodeAndReadBack() {
        let port = POSTCodePort()
        XCTAssertNil(port.lastCode)
        port.ioWrite(port: 0x80, size: 1, value: 0x12)
        port.ioWrite(port: 0x80, size: 1, value: 0x34)
        XCTAssertEqual(port.lastCode, 0x34)
        XCTAssertEqual(port.ioRead(port: 0x80, size: 1), 0x34)
        XCTAssertEqual(port.history, [0x12, 0x34])
    }

    func testHistoryIsBounded() {
        let port = POSTCodePort(historyLimit: 4)
        for code in 0..<10 {
            port.ioWrite(port: 0x80, size: 1, value: UInt32(code))
        }
        XCTAssertEqual(port.history, [6, 7, 8, 9])
    }

    func testEcho() {
        let port = POSTCodePort()
        let echo = BufferBackend()
        port.ioWrite(port: 0x80, size: 1, value: 0x01)
        port.echo = echo
        port.ioWrite(port: 0x80, size: 1, value: 0x0A)
        port.ioWrite(port: 0x80, size: 1, value: 0xFF)
        XCTAssertEqual(echo.text, "POST: 0A\nPOST: FF\n")
    }
}

final class SystemControlPortATests: XCTestCase {
    func testA20AndResetCallbacks() {
        let port = SystemControlPortA()
        var a20Changes: [Bool] = []
        var resets = 0
        port.onA20Change = { a20Changes.append($0) }
        port.onReset = { resets += 1 }

        let steps: [(write: UInt8, read: UInt8, a20: [Bool], resets: Int)] = [
            (0x02, 0x02, [true], 0),
            (0x02, 0x02, [true], 0),
            (0x03, 0x02, [true], 1),
            (0x00, 0x00, [true, false], 1),
            (0x01, 0x00, [true, false], 2),
            (0xC2, 0xC2, [true, false, true], 2),
        ]
        for (index, step) in steps.enumerated() {
            port.ioWrite(port: 0x92, size: 1, value: UInt32(step.write))
            XCTAssertEqual(UInt8(port.ioRead(port: 0x92, size: 1)), step.read, "step \(index)")
            XCTAssertEqual(a20Changes, step.a20, "step \(index)")
            XCTAssertEqual(resets, step.resets, "step \(index)")
        }
        XCTAssertTrue(port.a20Enabled)
    }

    func testInitialA20State() {
        XCTAssertFalse(SystemControlPortA().a20Enabled)
        XCTAssertEqual(SystemControlPortA(a20Enabled: true).ioRead(port: 0x92, size: 1), 0x02)
    }
}
