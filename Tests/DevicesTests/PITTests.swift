import XCTest
import Devices

final class PITTests: XCTestCase {
    private var now: UInt64 = 0
    private var clock = VirtualClock()
    private var pit = PIT8254(clock: VirtualClock())
    private var portB = SystemControlPortB(clock: VirtualClock())
    private var irqEdges: [(level: Bool, time: UInt64)] = []

    override func setUp() {
        super.setUp()
        now = 0
        clock = VirtualClock(source: { [unowned self] in now })
        pit = PIT8254(clock: clock)
        portB = SystemControlPortB(clock: clock)
        portB.onTimer2Gate = { [unowned self] level in pit.setGate(2, level: level) }
        portB.timer2Output = { [unowned self] in pit.output(2) }
        irqEdges = []
        pit.irq.onChange = { [unowned self] level in irqEdges.append((level, now)) }
    }

    private func out(_ port: UInt16, _ value: UInt8) {
        let device: IOPortDevice = port == 0x61 ? portB : pit
        device.ioWrite(port: port, size: 1, value: UInt32(value))
    }

    private func inb(_ port: UInt16) -> UInt8 {
        let device: IOPortDevice = port == 0x61 ? portB : pit
        return UInt8(truncatingIfNeeded: device.ioRead(port: port, size: 1))
    }

    private func at(tick: UInt64) {
        now = PIT8254.nanoseconds(atTick: tick)
    }

    /// Programs `counter` (LSB then MSB) at the current time.
    private func program(_ counter: UInt16, mode: UInt8, count: UInt16, bcd: Bool = false) {
        out(0x43, UInt8(counter) << 6 | 0x30 | mode << 1 | (bcd ? 1 : 0))
        out(0x40 + counter, UInt8(truncatingIfNeeded: count))
        out(0x40 + counter, UInt8(truncatingIfNeeded: count >> 8))
    }

    /// The count through a counter latch command.
    private func latchedCount(_ counter: UInt16) -> UInt16 {
        out(0x43, UInt8(counter) << 6)
        let low = inb(0x40 + counter)
        return UInt16(inb(0x40 + counter)) << 8 | UInt16(low)
    }

    private func status(_ counter: UInt16) -> UInt8 {
        out(0x43, 0xE0 | 2 << UInt8(counter))
        return inb(0x40 + counter)
    }

    /// Checks (tick, count, OUT) rows of a waveform table for one counter.
    private func check(_ counter: UInt16, _ rows: [(tick: UInt64, count: UInt16, out: Bool)],
                       file: StaticString = #filePath, line: UInt = #line) {
        for row in rows {
            at(tick: row.tick)
            clock.fireDue()
            XCTAssertEqual(latchedCount(counter), row.count, "count at tick \(row.tick)", file: file, line: line)
            XCTAssertEqual(pit.output(Int(counter)), row.out, "OUT at tick \(row.tick)", file: file, line: line)
            XCTAssertEqual(status(counter) & 0x80 != 0, row.out, "status OUT at tick \(row.tick)", file: file, line: line)
        }
    }

    func testClockConversion() {
        let rows: [(ns: UInt64, tick: UInt64)] = [
            (0, 0), (838, 0), (839, 1), (1_000_000_000, 1_193_181),
            (88_000_000_000, 105_000_000), (.max, 22_010_319_633_403_442),
        ]
        for row in rows {
            XCTAssertEqual(PIT8254.tick(atNanoseconds: row.ns), row.tick, "\(row.ns) ns")
        }
        for tick: UInt64 in [0, 1, 2, 65_536, 1_193_182, 22_010_319_633_403_442] {
            let ns = PIT8254.nanoseconds(atTick: tick)
            XCTAssertEqual(PIT8254.tick(atNanoseconds: ns), tick)
            if ns > 0 { XCTAssertEqual(PIT8254.tick(atNanoseconds: ns - 1), tick - 1) }
        }
        XCTAssertEqual(PIT8254.nanoseconds(atTick: 22_010_319_633_403_443), .max)
        XCTAssertEqual(PIT8254.nanoseconds(atTick: .max), .max)
    }

    func testMode0InterruptOnTerminalCount() {
        program(0, mode: 0, count: 5)
        check(0, [(0, 5, false), (1, 5, false), (2, 4, false), (5, 1, false),
                  (6, 0, true), (7, 0xFFFF, true), (10, 0xFFFC, true)])
        XCTAssertEqual(irqEdges.map(\.level), [true])
        out(0x40, 9)
        XCTAssertFalse(pit.output(0), "the first byte of a new count drops OUT")
        out(0x40, 0)
        check(0, [(11, 9, false), (19, 1, false), (20, 0, true)])
    }

    func testMode1HardwareRetriggerableOneShot() {
        program(2, mode: 1, count: 3)
        XCTAssertTrue(pit.output(2))
        check(2, [(1, 3, true)])
        at(tick: 2)
        pit.setGate(2, level: true)
        check(2, [(3, 3, false), (5, 1, false), (6, 0, true), (8, 0xFFFE, true)])
        pit.setGate(2, level: false)
        pit.setGate(2, level: true)
        check(2, [(9, 3, false), (11, 1, false), (12, 0, true)])
    }

    func testMode2RateGenerator() {
        program(0, mode: 2, count: 4)
        check(0, [(1, 4, true), (2, 3, true), (3, 2, true), (4, 1, false), (5, 4, true), (8, 1, false), (9, 4, true)])
    }

    func testMode2NewCountTakesEffectAtTheNextReload() {
        program(0, mode: 2, count: 4)
        at(tick: 2)
        out(0x40, 6); out(0x40, 0)
        XCTAssertEqual(status(0) & 0x40, 0x40, "null count until the reload")
        check(0, [(3, 2, true), (4, 1, false), (5, 6, true), (10, 1, false), (11, 6, true)])
        XCTAssertEqual(status(0) & 0x40, 0)
    }

    func testMode3SquareWave() {
        program(0, mode: 3, count: 4)
        check(0, [(1, 4, true), (2, 2, true), (3, 4, false), (4, 2, false), (5, 4, true)])
        program(1, mode: 3, count: 5)
        check(1, [(6, 4, true), (7, 2, true), (8, 0, true), (9, 4, false), (10, 2, false), (11, 4, true)])
    }

    func testMode3NewCountAtTheEndOfTheHalfPeriod() {
        program(0, mode: 3, count: 8)
        at(tick: 2)
        out(0x40, 4); out(0x40, 0)
        check(0, [(4, 2, true), (5, 4, false), (6, 2, false), (7, 4, true), (9, 4, false)])
    }

    func testMode4SoftwareTriggeredStrobe() {
        program(0, mode: 4, count: 3)
        XCTAssertEqual(irqEdges.map(\.level), [true], "OUT0 rises from mode 0's low to mode 4's high")
        check(0, [(1, 3, true), (3, 1, true), (4, 0, false), (5, 0xFFFF, true)])
        XCTAssertEqual(irqEdges.map(\.level), [true, false, true], "the strobe ends with a rising edge")
        XCTAssertEqual(irqEdges.last?.time, PIT8254.nanoseconds(atTick: 5))
    }

    func testMode5HardwareTriggeredStrobe() {
        program(2, mode: 5, count: 2)
        check(2, [(3, 2, true)])
        pit.setGate(2, level: true)
        check(2, [(4, 2, true), (5, 1, true), (6, 0, false), (7, 0xFFFF, true)])
    }

    func testBCDCounting() {
        program(0, mode: 0, count: 0x0010, bcd: true)
        check(0, [(1, 0x0010, false), (2, 0x0009, false), (11, 0x0000, true), (12, 0x9999, true)])
        program(1, mode: 2, count: 0, bcd: true)
        check(1, [(13, 0x0000, true), (14, 0x9999, true), (10_012, 0x0001, false), (10_013, 0x0000, true)])
        XCTAssertEqual(status(1), 0xB5)
    }

    func testLatchHoldsValueWhileCountingContinues() {
        program(0, mode: 2, count: 0)
        at(tick: 10)
        out(0x43, 0x00)
        at(tick: 100)
        out(0x43, 0x00)
        XCTAssertEqual(inb(0x40), 0xF7, "latched at tick 10; the second latch is ignored")
        XCTAssertEqual(inb(0x40), 0xFF)
        XCTAssertEqual(inb(0x40), 0x9D, "live count at tick 100, low byte")
        XCTAssertEqual(inb(0x40), 0xFF)
    }

    func testReadBackStatusAndCounts() {
        out(0x43, 0x34)
        XCTAssertEqual(status(0), 0xF4, "OUT high, null count, LSB/MSB, mode 2")
        out(0x40, 0x10); out(0x40, 0x00)
        at(tick: 1)
        XCTAssertEqual(status(0), 0xB4)
        out(0x43, 0x71)
        XCTAssertEqual(status(1), 0x71, "mode 0 starts low; BCD")
        out(0x43, 0xBE)
        XCTAssertEqual(status(2), 0xFE, "mode 7 reads back as written; it runs as mode 3, OUT high")

        program(1, mode: 0, count: 0x1234)
        program(2, mode: 2, count: 0x0500)
        at(tick: 3)
        out(0x43, 0xCE)
        let expected: [(UInt16, [UInt8])] = [
            (0, [0xB4, 0x0E, 0x00]),
            (1, [0x30, 0x33, 0x12]),
            (2, [0xB4, 0x00, 0x05]),
        ]
        for (counter, bytes) in expected {
            XCTAssertEqual((0..<3).map { _ in inb(0x40 + counter) }, bytes, "counter \(counter)")
        }
        out(0x43, 0xD2)
        XCTAssertEqual(inb(0x40), 0x0E, "count only")
        XCTAssertEqual(inb(0x40), 0x00)
        out(0x43, 0xE2)
        out(0x43, 0xE2)
        at(tick: 2000)
        XCTAssertEqual(inb(0x40), 0xB4, "status only, the first latch kept")
        XCTAssertEqual(inb(0x40), 0x01, "then the live count's low byte")
    }

    func testSingleByteAccessModes() {
        out(0x43, 0x14)
        out(0x40, 0x80)
        at(tick: 1)
        XCTAssertEqual(inb(0x40), 0x80)
        at(tick: 3)
        XCTAssertEqual(inb(0x40), 0x7E, "LSB only: every read is the low byte")
        out(0x43, 0x24)
        out(0x40, 0x01)
        at(tick: 4)
        XCTAssertEqual(inb(0x40), 0x01)
        at(tick: 4 + 0x80)
        XCTAssertEqual(inb(0x40), 0x00, "MSB only: 0x0100 - 0x80")
        out(0x43, 0x00)
        XCTAssertEqual(inb(0x40), 0x00, "a latched MSB-only count is one byte")
        XCTAssertEqual(inb(0x40), 0x00)
    }

    func testIRQ0EdgesInMode2AndMode3() {
        let cases: [(mode: UInt8, count: UInt16, period: UInt64)] = [
            (2, 0, 65_536), (3, 0, 65_536), (2, 2, 2), (3, 3, 3), (2, 1193, 1193),
        ]
        for c in cases {
            setUp()
            now = 1_000_000
            let startTick = PIT8254.tick(atNanoseconds: now)
            program(0, mode: c.mode, count: c.count)
            for m: UInt64 in 1...3 {
                let edgeTick = startTick + 1 + m * c.period
                let deadline = PIT8254.nanoseconds(atTick: edgeTick)
                XCTAssertEqual(clock.nextDeadline, deadline, "mode \(c.mode) count \(c.count) edge \(m)")
                now = deadline - 1
                clock.fireDue()
                XCTAssertEqual(irqEdges.count, 2 * Int(m) - 1, "nothing before the edge")
                now = deadline
                clock.fireDue()
                XCTAssertEqual(irqEdges.suffix(2).map(\.level), [false, true])
                XCTAssertEqual(irqEdges.last?.time, deadline)
            }
        }
    }

    func testIRQ0DeadlineForDivisor0FromTimeZero() {
        program(0, mode: 2, count: 0)
        XCTAssertEqual(irqEdges.map(\.level), [true], "OUT0 rises from mode 0's low to mode 2's high")
        XCTAssertEqual(clock.nextDeadline, 54_926_248, "tick 65537 begins at ceil(65537 * 88000 / 105) ns")
        program(0, mode: 0, count: 100)
        XCTAssertEqual(irqEdges.map(\.level), [true, false], "mode 0 drops OUT0")
        XCTAssertEqual(clock.nextDeadline, PIT8254.nanoseconds(atTick: 101))
        now = PIT8254.nanoseconds(atTick: 101)
        clock.fireDue()
        XCTAssertEqual(irqEdges.map(\.level), [true, false, true])
        XCTAssertNil(clock.nextDeadline, "mode 0 interrupts once")
    }

    func testGate2AndOut2ThroughPortB() {
        XCTAssertEqual(inb(0x61) & 0x21, 0x00, "gate low, OUT2 low before programming (mode 0)")
        program(2, mode: 0, count: 10)
        at(tick: 5)
        XCTAssertEqual(latchedCount(2), 10, "gate low: loaded, not counting")
        out(0x61, 0x01)
        check(2, [(6, 10, false), (10, 6, false), (16, 0, true)])
        XCTAssertEqual(inb(0x61) & 0x21, 0x21)

        program(2, mode: 3, count: 4)
        at(tick: 18)
        XCTAssertEqual(inb(0x61) & 0x20, 0x20)
        at(tick: 20)
        XCTAssertEqual(inb(0x61) & 0x20, 0x00, "low half of the square wave")
        out(0x61, 0x00)
        XCTAssertEqual(inb(0x61) & 0x21, 0x20, "gate low forces OUT high in mode 3")
        at(tick: 30)
        out(0x61, 0x01)
        check(2, [(31, 4, true), (33, 4, false)])
    }

    func testPortBBitsAndRefreshToggle() {
        out(0x61, 0xFE)
        XCTAssertEqual(inb(0x61) & 0xCF, 0x0E, "bits 1-3 stored, 6-7 read 0")
        XCTAssertEqual(portB.value, 0x0E)
        let rows: [(ns: UInt64, refresh: UInt8)] = [
            (0, 0), (15_084, 0), (15_085, 0x10), (30_169, 0x10), (30_170, 0), (45_255, 0x10),
        ]
        for row in rows {
            now = row.ns
            XCTAssertEqual(inb(0x61) & 0x10, row.refresh, "\(row.ns) ns")
        }
        XCTAssertEqual(portB.ports, 0x61...0x61)
        XCTAssertEqual(portB.ioRead(port: 0x62, size: 1), 0xFF)
    }

    func testGarbageNeverTraps() {
        var random = XorShift64(seed: 0x9E37_79B9_7F4A_7C15)
        for _ in 0..<30_000 {
            let state = random.next()
            let port: UInt16 = state & 7 == 7 ? 0x61 : 0x40 + UInt16(state >> 3 & 7)
            switch (state >> 8) % 5 {
            case 0: _ = inb(port)
            case 1: now = state & 0x10000 == 0 ? now &+ (state >> 40) : UInt64.max - (state >> 30)
            case 2: clock.fireDue()
            case 3: pit.setGate(Int(truncatingIfNeeded: Int8(bitPattern: UInt8(truncatingIfNeeded: state >> 16))) % 5,
                                level: state & 0x100 != 0)
            default: out(port, UInt8(truncatingIfNeeded: state >> 24))
            }
        }
        XCTAssertEqual(inb(0x61) & 0xC0, 0)
        XCTAssertEqual(pit.ports, 0x40...0x43)
    }
}
