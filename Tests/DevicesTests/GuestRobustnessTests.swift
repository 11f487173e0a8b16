import XCTest
import Devices

/// Guests may issue any access to any port; none of it may trap the host.
final class GuestRobustnessTests: XCTestCase {
    func testRandomAccessesNeverTrap() {
        let uart = UART16550(backend: BufferBackend(input: Array(repeating: 0x55, count: 64)))
        let exit = DebugExit()
        let devices: [IOPortDevice] = [
            uart,
            DebugConsole(backend: BufferBackend()),
            exit,
            POSTCodePort(historyLimit: 8),
            SystemControlPortA(),
        ]
        let sizes = [-1, 0, 1, 2, 3, 4, 8, Int.max]
        var generator = XorShift64(seed: 0x9E37_79B9_7F4A_7C15)
        for _ in 0..<20_000 {
            let random = generator.next()
            let device = devices[Int(random % UInt64(devices.count))]
            let port = UInt16(truncatingIfNeeded: random >> 8) & 0x3FF | (random & 1 == 0 ? 0 : 0xFC00)
            let size = sizes[Int((random >> 32) % UInt64(sizes.count))]
            if random & 2 == 0 {
                device.ioWrite(port: port, size: size, value: UInt32(truncatingIfNeeded: random >> 24))
            } else {
                _ = device.ioRead(port: port, size: size)
            }
        }
        XCTAssertEqual(uart.ioRead(port: 0x3FD, size: 1) & 0x60, 0x60, "transmitter always ready")
        if let status = exit.exitStatus {
            XCTAssertEqual(status & 1, 1, "exit statuses are odd")
        }
    }
}
