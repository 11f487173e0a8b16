import XCTest
import Devices

final class PS2MouseTests: XCTestCase {
    private func send(_ mouse: PS2Mouse, _ bytes: [UInt8]) -> [UInt8] {
        for byte in bytes {
            mouse.receive(byte)
        }
        var reply: [UInt8] = []
        while let byte = mouse.dequeue() {
            reply.append(byte)
        }
        return reply
    }

    func testCommandReplies() {
        let cases: [(bytes: [UInt8], reply: [UInt8])] = [
            ([0xFF], [0xFA, 0xAA, 0x00]),
            ([0xF2], [0xFA, 0x00]),
            ([0xF4], [0xFA]),
            ([0xF5], [0xFA]),
            ([0xF6], [0xFA]),
            ([0xE6], [0xFA]),
            ([0xE7], [0xFA]),
            ([0xEA], [0xFA]),
            ([0xF0], [0xFA]),
            ([0xE9], [0xFA, 0x00, 0x02, 100]),
            ([0xF3, 200], [0xFA, 0xFA]),
            ([0xF3, 7], [0xFA, 0xFE]),
            ([0xF3, 7, 7], [0xFA, 0xFE, 0xFC]),
            ([0xF3, 7, 40], [0xFA, 0xFE, 0xFA]),
            ([0xF3, 7, 7, 0xF2], [0xFA, 0xFE, 0xFC, 0xFA, 0x00]),
            ([0xF3, 0xFF], [0xFA, 0xAA, 0x00]),
            ([0xE8, 3], [0xFA, 0xFA]),
            ([0xE8, 4], [0xFA, 0xFE]),
            ([0xEB], [0xFA, 0x08, 0x00, 0x00]),
            ([0x12], [0xFE]),
        ]
        for (bytes, reply) in cases {
            XCTAssertEqual(send(PS2Mouse(), bytes), reply, "\(bytes)")
        }
    }

    func testStatusRequestReflectsSettings() {
        let mouse = PS2Mouse()
        _ = send(mouse, [0xF3, 40, 0xE8, 0x03, 0xE7, 0xF4])
        mouse.move(dx: 0, dy: 0, buttons: [.left, .right])
        _ = send(mouse, [])
        XCTAssertEqual(send(mouse, [0xE9]), [0xFA, 0x35, 0x03, 40])
        _ = send(mouse, [0xF0])
        XCTAssertEqual(send(mouse, [0xE9]), [0xFA, 0x75, 0x03, 40], "remote mode bit; reporting stays enabled")
    }

    func testPacketsNeedReportingEnabled() {
        let mouse = PS2Mouse()
        mouse.move(dx: 3, dy: 3, buttons: [])
        XCTAssertEqual(send(mouse, []), [], "reporting is off after power-on")
        _ = send(mouse, [0xF4])
        let cases: [(dx: Int, dy: Int, buttons: PS2Mouse.Buttons, packet: [UInt8])] = [
            (1, 2, [], [0x08, 0x01, 0x02]),
            (-1, 0, .right, [0x1A, 0xFF, 0x00]),
            (0, -256, .middle, [0x2C, 0x00, 0x00]),
            (300, 0, [.left, .middle, .right], [0x4F, 0xFF, 0x00]),
            (-300, -1000, [], [0xF8, 0x00, 0x00]),
        ]
        for (dx, dy, buttons, packet) in cases {
            mouse.move(dx: dx, dy: dy, buttons: buttons)
            XCTAssertEqual(send(mouse, []), packet, "move \(dx), \(dy)")
        }
    }

    func testScaling2to1InStreamModeOnly() {
        let mouse = PS2Mouse()
        _ = send(mouse, [0xE7, 0xF4])
        let cases: [(Int, UInt8)] = [(0, 0), (1, 1), (2, 1), (3, 3), (4, 6), (5, 9), (6, 12), (-5, 0xF7)]
        for (movement, reported) in cases {
            mouse.move(dx: movement, dy: 0, buttons: [])
            XCTAssertEqual(send(mouse, [])[1], reported, "movement \(movement)")
        }
        _ = send(mouse, [0xF0])
        mouse.move(dx: 5, dy: 0, buttons: [])
        XCTAssertEqual(send(mouse, [0xEB]), [0xFA, 0x08, 0x05, 0x00], "Read Data is not scaled")
    }

    func testRemoteModeAccumulates() {
        let mouse = PS2Mouse()
        _ = send(mouse, [0xF0])
        mouse.move(dx: 10, dy: -4, buttons: [])
        mouse.move(dx: 5, dy: 1, buttons: .left)
        XCTAssertEqual(send(mouse, []), [], "remote mode sends only when asked")
        XCTAssertEqual(send(mouse, [0xEB]), [0xFA, 0x29, 0x0F, 0xFD])
        XCTAssertEqual(send(mouse, [0xEB]), [0xFA, 0x09, 0x00, 0x00], "counters reset by the read")
    }

    func testWrapModeEchoes() {
        let mouse = PS2Mouse()
        XCTAssertEqual(send(mouse, [0xEE, 0x12, 0xF4, 0xE9]), [0xFA, 0x12, 0xF4, 0xE9])
        XCTAssertTrue(mouse.wrapMode)
        XCTAssertEqual(send(mouse, [0xEC, 0xF2]), [0xFA, 0xFA, 0x00])
        XCTAssertFalse(mouse.wrapMode)
    }

    func testResetRestoresDefaults() {
        let mouse = PS2Mouse()
        _ = send(mouse, [0xF3, 10, 0xE8, 0, 0xE7, 0xF0, 0xF4])
        XCTAssertEqual(send(mouse, [0xFF]), [0xFA, 0xAA, 0x00])
        XCTAssertEqual(send(mouse, [0xE9]), [0xFA, 0x00, 0x02, 100])
    }

    func testFullBufferDropsWholePackets() {
        let mouse = PS2Mouse()
        _ = send(mouse, [0xF4])
        for step in 0..<10 {
            mouse.move(dx: step, dy: 0, buttons: [])
        }
        XCTAssertEqual(mouse.pendingOutputCount, 15, "five packets fit in 16 bytes")
        XCTAssertEqual(send(mouse, []).count % 3, 0)
    }

    func testHugeMovementsNeverTrap() {
        let mouse = PS2Mouse()
        _ = send(mouse, [0xE7, 0xF0])
        mouse.move(dx: Int.max, dy: Int.min, buttons: PS2Mouse.Buttons(rawValue: 0xFF))
        mouse.move(dx: Int.max, dy: Int.min, buttons: [])
        XCTAssertEqual(send(mouse, [0xEB]), [0xFA, 0xE8, 0xFF, 0x00])
    }
}
