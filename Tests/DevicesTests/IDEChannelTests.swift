import XCTest
import Devices
import Storage

/// Channel-level behaviour: device selection, reset and signatures (ATA-6
/// 9.2, 9.12), nIEN (7.8), absent devices (9.16) and guest robustness.
final class IDEChannelTests: XCTestCase {
    private func diskAndCD() -> IDETestBench {
        IDETestBench(master: { ATADisk(medium: patternDevice(blocks: 64), clock: $0) },
                     slave: { ATAPICDROM(medium: patternDevice(blocks: 4, blockSize: 2048), clock: $0) })
    }

    private func signature(_ bench: IDETestBench, device: UInt8) -> [UInt8] {
        bench.outb(6, device << 4)
        return [bench.inb(2), bench.inb(3), bench.inb(4), bench.inb(5)]
    }

    func testPowerOnSignaturesAndStatus() {
        let bench = diskAndCD()
        XCTAssertEqual(signature(bench, device: 0), [1, 1, 0x00, 0x00], "ATA signature")
        XCTAssertEqual(bench.inb(7), 0x50)
        XCTAssertEqual(signature(bench, device: 1), [1, 1, 0x14, 0xEB], "ATAPI signature")
        XCTAssertEqual(bench.inb(7), 0x00, "ATAPI status after reset")
        XCTAssertEqual(bench.inb(1), 0x01, "diagnostic code: passed")
    }

    func testSoftwareResetHoldsBusyAndRestoresSignatures() {
        let bench = diskAndCD()
        bench.outb(6, 0x10)
        bench.outb(4, 0x55)
        bench.outb(5, 0xAA)
        bench.outb(6, 0x00)
        bench.setLBA28(0, count: 4)
        bench.command(0x20)
        bench.waitNotBusy()
        XCTAssertTrue(bench.irq)
        bench.control(0x04)
        XCTAssertFalse(bench.irq, "reset drops INTRQ")
        XCTAssertEqual(bench.altStatus(), 0x80, "BSY while SRST is set")
        bench.advance(1_000_000)
        XCTAssertEqual(bench.altStatus(), 0x80, "still BSY: SRST still set")
        bench.control(0x00)
        XCTAssertEqual(bench.altStatus() & 0x80, 0x80)
        bench.waitNotBusy()
        XCTAssertFalse(bench.irq, "software reset does not interrupt")
        XCTAssertEqual(bench.inb(7), 0x50, "no DRQ left from the read")
        XCTAssertEqual(bench.inb(1), 0x01)
        XCTAssertEqual(bench.inb(6), 0x00, "device 0 selected")
        XCTAssertEqual(signature(bench, device: 0), [1, 1, 0, 0])
        XCTAssertEqual(signature(bench, device: 1), [1, 1, 0x14, 0xEB])
    }

    func testExecuteDeviceDiagnosticInterruptsFromDeviceZero() {
        let bench = diskAndCD()
        bench.outb(6, 0x10)
        bench.outb(4, 0x12)
        bench.command(0x90)
        XCTAssertEqual(bench.altStatus() & 0x80, 0x80)
        bench.waitNotBusy()
        XCTAssertTrue(bench.irq)
        XCTAssertEqual(bench.inb(6) & 0x10, 0, "device 0 selected")
        XCTAssertEqual(bench.inb(7), 0x50)
        XCTAssertFalse(bench.irq)
        XCTAssertEqual(bench.inb(1), 0x01)
        XCTAssertEqual(signature(bench, device: 1), [1, 1, 0x14, 0xEB])
    }

    func testIdentifyDeviceOnATAPIAbortsWithSignature() {
        let bench = diskAndCD()
        bench.outb(6, 0x10)
        bench.outb(4, 0)
        bench.outb(5, 0)
        for code: UInt8 in [0xEC, 0x20, 0xC6] {
            bench.command(code)
            bench.waitNotBusy()
            XCTAssertEqual(bench.inb(7) & 0x01, 0x01, "command \(code) aborts on ATAPI")
            XCTAssertEqual(bench.inb(1), 0x04)
            XCTAssertEqual([bench.inb(4), bench.inb(5)], [0x14, 0xEB])
        }
    }

    func testInterruptLineFollowsNIENAndSelection() {
        let bench = diskAndCD()
        let steps: [(action: String, irq: Bool)] = [
            ("command", false), ("wait", true), ("nIEN", false), ("enable", true), ("select1", false),
            ("select0", true), ("altstatus", true), ("status", false), ("command", false), ("wait", true),
            ("command", false),
        ]
        for (index, step) in steps.enumerated() {
            switch step.action {
            case "command": bench.command(0xE7)
            case "wait": bench.waitNotBusy()
            case "nIEN": bench.control(0x02)
            case "enable": bench.control(0x00)
            case "select1": bench.outb(6, 0x10)
            case "select0": bench.outb(6, 0x00)
            case "altstatus": _ = bench.altStatus()
            default: _ = bench.inb(7)
            }
            XCTAssertEqual(bench.irq, step.irq, "step \(index): \(step.action)")
        }
        bench.waitNotBusy()
        XCTAssertEqual(bench.interruptEdges, 5, "rising edges: two completions, re-enable, reselect, the last command")
    }

    func testAbsentDevicesAndEmptyChannel() {
        let bench = IDETestBench(master: { ATADisk(medium: patternDevice(blocks: 8), clock: $0) })
        bench.outb(6, 0x10)
        bench.outb(3, 0x5A)
        XCTAssertEqual(bench.inb(7), 0x00, "absent device 1 reads status 00h")
        XCTAssertEqual(bench.altStatus(), 0x00)
        XCTAssertEqual(bench.inb(3), 0x5A, "device 0's shadow registers")
        bench.command(0xEC)
        bench.advance(1_000_000)
        XCTAssertFalse(bench.irq, "commands to an absent device are ignored")
        bench.outb(6, 0x00)
        XCTAssertEqual(bench.inb(7), 0x50)

        let empty = IDETestBench(master: { _ in nil })
        for register: UInt16 in 1...7 {
            XCTAssertEqual(empty.inb(register), 0xFF, "register \(register) of an empty channel floats")
        }
        XCTAssertEqual(empty.inw(), 0xFFFF)
        empty.command(0xEC)
        XCTAssertFalse(empty.irq)
    }

    func testWideAccessesToByteRegistersSplitIntoBytes() {
        let bench = diskAndCD()
        bench.channel.ioWrite(port: 0x1F2, size: 4, value: 0x44_33_22_01)
        XCTAssertEqual([bench.inb(2), bench.inb(3), bench.inb(4), bench.inb(5)], [0x01, 0x22, 0x33, 0x44])
        XCTAssertEqual(bench.channel.ioRead(port: 0x1F3, size: 2), 0x3322)
        XCTAssertEqual(bench.channel.ioRead(port: 0x1F7, size: 2), 0xFF50, "0x1F8 is not the channel's")
        XCTAssertEqual(bench.channel.ioRead(port: 0x3F6, size: 2), 0xFF50)
    }

    func testHOBClearedByCommandBlockWrite() {
        let bench = diskAndCD()
        bench.outb(3, 0x11)
        bench.outb(3, 0x22)
        bench.control(0x80)
        XCTAssertEqual(bench.inb(3), 0x11)
        bench.outb(4, 0x33)
        XCTAssertEqual(bench.inb(3), 0x22, "a command-block write clears HOB")
    }

    func testGarbageAccessesNeverTrap() {
        let cd = MemoryBlockDevice(blockSize: 2048, blockCount: 3)
        let benches = [
            diskAndCD(),
            IDETestBench(master: { ATAPICDROM(medium: cd, clock: $0) },
                         slave: { ATADisk(medium: MemoryBlockDevice(blockCount: 5), clock: $0) }),
            IDETestBench(master: { ATADisk(medium: ZeroDevice(blockCount: 1 << 40), clock: $0) },
                         slave: { ATAPICDROM(medium: nil, clock: $0) }),
        ]
        let sizes = [-1, 0, 1, 2, 3, 4, 8, Int.max, Int.min]
        var generator = XorShift64()
        for bench in benches {
            for _ in 0..<30_000 {
                let random = generator.next()
                let ports: [UInt16] = [0x1F0, 0x1F1, 0x1F2, 0x1F3, 0x1F4, 0x1F5, 0x1F6, 0x1F7, 0x3F6, 0x3F7, 0xFFFF]
                let port = ports[Int(random % UInt64(ports.count))]
                let size = sizes[Int((random >> 8) % UInt64(sizes.count))]
                let value = UInt32(truncatingIfNeeded: random >> 24)
                if random & 0x10000 == 0 {
                    bench.channel.ioWrite(port: port, size: size, value: value)
                } else {
                    _ = bench.channel.ioRead(port: port, size: size)
                }
                if random & 0x7_0000 == 0 { bench.advance(random >> 40) }
            }
            bench.control(0x04)
            bench.control(0x00)
            bench.waitNotBusy()
            XCTAssertEqual(bench.altStatus() & 0x88, 0, "a reset always recovers")
        }
    }
}
