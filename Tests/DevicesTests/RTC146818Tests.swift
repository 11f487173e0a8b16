import Foundation
import XCTest
import Devices

/// The MC146818A against its datasheet: formats, counting, the update cycle,
/// the three interrupts on IRQ8, and the PC/AT configuration bytes.
final class RTC146818Tests: XCTestCase {
    private enum Reg {
        static let seconds: UInt8 = 0x00
        static let secondsAlarm: UInt8 = 0x01
        static let minutes: UInt8 = 0x02
        static let minutesAlarm: UInt8 = 0x03
        static let hours: UInt8 = 0x04
        static let hoursAlarm: UInt8 = 0x05
        static let dayOfWeek: UInt8 = 0x06
        static let date: UInt8 = 0x07
        static let month: UInt8 = 0x08
        static let year: UInt8 = 0x09
        static let a: UInt8 = 0x0A
        static let b: UInt8 = 0x0B
        static let c: UInt8 = 0x0C
        static let d: UInt8 = 0x0D
        static let century: UInt8 = 0x32
    }

    private static let second: UInt64 = 1_000_000_000
    /// 2023-07-15 13:45:30, a Saturday.
    private static let saturdayAfternoon: Int64 = 1_689_428_730

    private var now: UInt64 = 0
    private var clock = VirtualClock()
    private var irqChanges: [Bool] = []

    override func setUp() {
        super.setUp()
        now = 0
        clock = VirtualClock(source: { [unowned self] in now })
        irqChanges = []
    }

    private func makeRTC(start: Int64 = 946_684_800) -> RTC146818 {
        let rtc = RTC146818(clock: clock, startTime: start)
        rtc.irq.onChange = { [unowned self] level in irqChanges.append(level) }
        return rtc
    }

    private func read(_ rtc: RTC146818, _ index: UInt8) -> UInt8 {
        rtc.ioWrite(port: 0x70, size: 1, value: UInt32(index))
        return UInt8(truncatingIfNeeded: rtc.ioRead(port: 0x71, size: 1))
    }

    private func write(_ rtc: RTC146818, _ index: UInt8, _ value: UInt8) {
        rtc.ioWrite(port: 0x70, size: 1, value: UInt32(index))
        rtc.ioWrite(port: 0x71, size: 1, value: UInt32(value))
    }

    /// Seconds, minutes, hours, day of week, date, month, year, century.
    private func clockBytes(_ rtc: RTC146818) -> [UInt8] {
        [Reg.seconds, Reg.minutes, Reg.hours, Reg.dayOfWeek, Reg.date, Reg.month, Reg.year, Reg.century]
            .map { read(rtc, $0) }
    }

    /// Moves virtual time to `time`, firing each timer at its own deadline as the board does.
    private func run(until time: UInt64) {
        while let deadline = clock.nextDeadline, deadline <= time {
            now = max(now, deadline)
            clock.fireDue()
        }
        now = time
        clock.fireDue()
    }

    /// Runs timer to timer until IRQ8 rises; returns the time or nil if nothing is scheduled.
    private func runUntilInterrupt(_ rtc: RTC146818, limit: Int = 100_000) -> UInt64? {
        for _ in 0..<limit {
            guard let deadline = clock.nextDeadline else { return nil }
            now = deadline
            clock.fireDue()
            if rtc.irq.level { return now }
        }
        return nil
    }

    private static func bcd(_ value: Int) -> UInt8 { UInt8((value / 10) << 4 | value % 10) }

    // MARK: Formats

    func testFixedStartTimeInEachFormat() {
        let rtc = makeRTC(start: Self.saturdayAfternoon)
        XCTAssertEqual(clockBytes(rtc), [0x30, 0x45, 0x13, 0x07, 0x15, 0x07, 0x23, 0x20], "power-on BCD 24-hour")
        XCTAssertEqual(read(rtc, Reg.b), 0x02)
        XCTAssertEqual(read(rtc, Reg.a), 0x26)
        XCTAssertEqual(read(rtc, Reg.d), 0x80)
        let cases: [(UInt8, Int64, [UInt8], String)] = [
            (0x06, Self.saturdayAfternoon, [30, 45, 13, 7, 15, 7, 23, 20], "binary 24-hour"),
            (0x00, Self.saturdayAfternoon, [0x30, 0x45, 0x81, 0x07, 0x15, 0x07, 0x23, 0x20], "BCD 12-hour PM"),
            (0x04, Self.saturdayAfternoon, [30, 45, 0x81, 7, 15, 7, 23, 20], "binary 12-hour PM"),
            (0x00, 1_689_379_200, [0x00, 0x00, 0x12, 0x07, 0x15, 0x07, 0x23, 0x20], "BCD 12-hour midnight is 12 AM"),
            (0x04, 1_689_422_399, [59, 59, 11, 7, 15, 7, 23, 20], "binary 12-hour 11 AM"),
            (0x00, 1_689_422_400, [0x00, 0x00, 0x92, 0x07, 0x15, 0x07, 0x23, 0x20], "BCD 12-hour noon is 12 PM"),
            (0x06, -2_203_891_201, [59, 59, 23, 4, 28, 2, 0, 19], "binary 1900"),
        ]
        for (registerB, start, expected, name) in cases {
            write(rtc, Reg.b, 0x80 | registerB)
            rtc.setTime(secondsSince1970: start)
            write(rtc, Reg.b, registerB)
            XCTAssertEqual(read(rtc, Reg.b), registerB, name)
            XCTAssertEqual(clockBytes(rtc), expected, name)
        }
    }

    func testTwelveHourCountingAcrossNoonAndMidnight() {
        let rtc = makeRTC()
        write(rtc, Reg.b, 0x80)
        rtc.setTime(secondsSince1970: 1_689_422_399)
        write(rtc, Reg.b, 0x00)
        run(until: Self.second)
        XCTAssertEqual(clockBytes(rtc), [0x00, 0x00, 0x92, 0x07, 0x15, 0x07, 0x23, 0x20], "11:59:59 AM -> 12:00:00 PM")
        run(until: Self.second * (1 + 12 * 3600 - 1))
        XCTAssertEqual(clockBytes(rtc), [0x59, 0x59, 0x91, 0x07, 0x15, 0x07, 0x23, 0x20], "11:59:59 PM")
        run(until: Self.second * (1 + 12 * 3600))
        XCTAssertEqual(clockBytes(rtc), [0x00, 0x00, 0x12, 0x01, 0x16, 0x07, 0x23, 0x20], "-> 12:00:00 AM Sunday")
    }

    // MARK: Counting

    func testTimeAdvancesAcrossBoundaries() {
        let cases: [(Int64, UInt64, [UInt8], String)] = [
            (946_684_799, 1, [0x00, 0x00, 0x00, 0x07, 0x01, 0x01, 0x00, 0x20], "1999 -> 2000"),
            (951_782_399, 1, [0x00, 0x00, 0x00, 0x03, 0x29, 0x02, 0x00, 0x20], "2000 is a leap year"),
            (951_868_799, 1, [0x00, 0x00, 0x00, 0x04, 0x01, 0x03, 0x00, 0x20], "29 February -> 1 March"),
            (-2_203_891_201, 1, [0x00, 0x00, 0x00, 0x05, 0x01, 0x03, 0x00, 0x19], "1900 is not a leap year"),
            (4_107_542_399, 1, [0x00, 0x00, 0x00, 0x02, 0x01, 0x03, 0x00, 0x21], "2100 is not a leap year"),
            (4_102_444_799, 1, [0x00, 0x00, 0x00, 0x06, 0x01, 0x01, 0x00, 0x21], "2099 -> 2100"),
            (1_682_899_199, 1, [0x00, 0x00, 0x00, 0x02, 0x01, 0x05, 0x23, 0x20], "30 April -> 1 May"),
            (1_689_428_730, 30, [0x00, 0x46, 0x13, 0x07, 0x15, 0x07, 0x23, 0x20], "minute"),
            (1_689_428_730, 870, [0x00, 0x00, 0x14, 0x07, 0x15, 0x07, 0x23, 0x20], "hour"),
            (946_684_800, 366 * 86_400 + 3_661, [0x01, 0x01, 0x01, 0x02, 0x01, 0x01, 0x01, 0x20], "a leap year and 1:01:01"),
        ]
        for (start, elapsed, expected, name) in cases {
            setUp()
            let rtc = makeRTC(start: start)
            run(until: elapsed * Self.second - 1)
            XCTAssertNotEqual(clockBytes(rtc), expected, "\(name): not before the update")
            run(until: elapsed * Self.second)
            XCTAssertEqual(clockBytes(rtc), expected, name)
        }
    }

    /// Long and odd jumps against Foundation's Gregorian calendar, read in steps and in one go.
    func testCountingMatchesTheGregorianCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        var random = XorShift64(seed: 0x2545_F491_4F6C_DD1D)
        for _ in 0..<40 {
            let state = random.next()
            let start = -2_208_988_800 + Int64(state % 6_311_390_400)
            let elapsed = (state >> 20) % (12 * 366 * 86_400)
            setUp()
            let rtc = makeRTC(start: start)
            run(until: elapsed / 3 * Self.second)
            _ = clockBytes(rtc)
            run(until: elapsed * Self.second + Self.second / 2)
            let date = Date(timeIntervalSince1970: TimeInterval(start + Int64(elapsed)))
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
            let year = parts.year ?? 0
            let expected = [parts.second, parts.minute, parts.hour, parts.weekday, parts.day, parts.month]
                .map { Self.bcd($0 ?? 0) } + [Self.bcd(year % 100), Self.bcd(year / 100)]
            XCTAssertEqual(clockBytes(rtc), expected, "start \(start) + \(elapsed) s")
        }
    }

    // MARK: Update cycle

    func testUIPIsHighForTheLast244MicrosecondsBeforeEachUpdate() {
        let rtc = makeRTC()
        let cases: [(UInt64, UInt8, UInt8)] = [
            (0, 0x26, 0x00),
            (999_755_859, 0x26, 0x00),
            (999_755_860, 0xA6, 0x00),
            (999_999_999, 0xA6, 0x00),
            (1_000_000_000, 0x26, 0x01),
            (1_999_755_859, 0x26, 0x01),
            (1_999_755_860, 0xA6, 0x01),
            (2_000_000_000, 0x26, 0x02),
        ]
        for (time, registerA, seconds) in cases {
            run(until: time)
            XCTAssertEqual(read(rtc, Reg.a), registerA, "register A at \(time) ns")
            XCTAssertEqual(read(rtc, Reg.seconds), seconds, "seconds at \(time) ns")
        }
        write(rtc, Reg.a, 0xA6)
        XCTAssertEqual(read(rtc, Reg.a), 0x26, "UIP is read-only")
        run(until: 2_999_900_000)
        write(rtc, Reg.b, 0x82)
        XCTAssertEqual(read(rtc, Reg.a), 0x26, "SET clears UIP")
    }

    func testSetFreezesTheClockAndWritesCountFromItsRelease() {
        let rtc = makeRTC()
        run(until: 250_000_000)
        write(rtc, Reg.b, 0x82 | 0x10)
        XCTAssertEqual(read(rtc, Reg.b), 0x82, "SET clears UIE")
        write(rtc, Reg.hours, 0x12)
        write(rtc, Reg.minutes, 0x34)
        write(rtc, Reg.seconds, 0x56)
        run(until: 5_600_000_000)
        XCTAssertEqual(Array(clockBytes(rtc)[0...2]), [0x56, 0x34, 0x12], "no updates while SET")
        write(rtc, Reg.b, 0x02)
        run(until: 5_999_999_999)
        XCTAssertEqual(read(rtc, Reg.seconds), 0x56, "the divider keeps its phase")
        run(until: 6_000_000_000)
        XCTAssertEqual(Array(clockBytes(rtc)[0...2]), [0x57, 0x34, 0x12])
        XCTAssertEqual(read(rtc, Reg.c), 0x50, "UF from the first update after SET; PF runs at rate 6 throughout")
    }

    func testDividerResetAndStop() {
        let rtc = makeRTC()
        run(until: 300_000_000)
        write(rtc, Reg.a, 0x66)
        run(until: 4_000_000_000)
        XCTAssertEqual(read(rtc, Reg.seconds), 0x00, "divider reset holds the time")
        XCTAssertEqual(read(rtc, Reg.a), 0x66, "no UIP in reset")
        write(rtc, Reg.a, 0x26)
        run(until: 4_499_999_999)
        XCTAssertEqual(read(rtc, Reg.seconds), 0x00)
        run(until: 4_500_000_000)
        XCTAssertEqual(read(rtc, Reg.seconds), 0x01, "first update half a second after reset")

        run(until: 4_800_000_000)
        write(rtc, Reg.a, 0x06)
        run(until: 9_000_000_000)
        XCTAssertEqual(read(rtc, Reg.seconds), 0x01, "oscillator off")
        write(rtc, Reg.a, 0x26)
        run(until: 9_699_999_999)
        XCTAssertEqual(read(rtc, Reg.seconds), 0x01)
        run(until: 9_700_000_000)
        XCTAssertEqual(read(rtc, Reg.seconds), 0x02, "the stopped divider resumes its phase")
    }

    func testDaylightSavingUpdates() {
        let cases: [(Int64, UInt8, UInt64, [UInt8], String)] = [
            (1_682_819_999, 0x03, 1, [0x00, 0x00, 0x03, 0x01, 0x30, 0x04, 0x23, 0x20], "last Sunday in April skips 2 AM"),
            (1_682_819_999, 0x02, 1, [0x00, 0x00, 0x02, 0x01, 0x30, 0x04, 0x23, 0x20], "without DSE"),
            (1_682_215_199, 0x03, 1, [0x00, 0x00, 0x02, 0x01, 0x23, 0x04, 0x23, 0x20], "not the last Sunday"),
            (1_698_544_799, 0x03, 1, [0x00, 0x00, 0x01, 0x01, 0x29, 0x10, 0x23, 0x20], "last Sunday in October repeats 1 AM"),
            (1_698_544_799, 0x03, 3_601, [0x00, 0x00, 0x02, 0x01, 0x29, 0x10, 0x23, 0x20], "only once"),
            (1_698_537_600, 0x03, 3 * 3_600, [0x00, 0x00, 0x02, 0x01, 0x29, 0x10, 0x23, 0x20], "October in one jump"),
            (1_682_726_400, 0x03, 2 * 86_400, [0x00, 0x00, 0x01, 0x02, 0x01, 0x05, 0x23, 0x20], "April in one jump"),
            (1_698_537_600, 0x01, 15 * 3_600, [0x00, 0x00, 0x82, 0x01, 0x29, 0x10, 0x23, 0x20], "12-hour October: 2 PM after 15 hours"),
        ]
        for (start, registerB, elapsed, expected, name) in cases {
            setUp()
            let rtc = makeRTC()
            write(rtc, Reg.b, 0x80 | registerB)
            rtc.setTime(secondsSince1970: start)
            write(rtc, Reg.b, registerB)
            run(until: elapsed * Self.second)
            XCTAssertEqual(clockBytes(rtc), expected, name)
        }
    }

    // MARK: Interrupts

    func testRegisterCReadClearsFlagsAndLowersIRQ8() {
        let rtc = makeRTC()
        write(rtc, Reg.b, 0x12)
        XCTAssertEqual(clock.nextDeadline, Self.second)
        run(until: Self.second)
        XCTAssertTrue(rtc.irq.level)
        XCTAssertNil(clock.nextDeadline, "no timer while IRQ8 waits for register C")
        XCTAssertEqual(read(rtc, Reg.c), 0xD0, "IRQF, UF and PF (set at rate 6 without PIE)")
        XCTAssertFalse(rtc.irq.level)
        XCTAssertEqual(read(rtc, Reg.c), 0x00)
        XCTAssertEqual(irqChanges, [true, false])
        XCTAssertEqual(clock.nextDeadline, 2 * Self.second)
        write(rtc, Reg.c, 0xF0)
        XCTAssertEqual(read(rtc, Reg.c), 0x00, "register C is read-only")
        write(rtc, Reg.d, 0x00)
        XCTAssertEqual(read(rtc, Reg.d), 0x80, "VRT stays set")
    }

    func testPeriodicInterruptEdges() {
        let cases: [(UInt8, [UInt64], UInt64)] = [
            (1, [3_906_250, 7_812_500, 11_718_750, 15_625_000], 3_906_250),
            (2, [7_812_500, 15_625_000, 23_437_500, 31_250_000], 7_812_500),
            (3, [122_071, 244_141, 366_211, 488_282], 122_070),
            (6, [976_563, 1_953_125, 2_929_688, 3_906_250], 976_562),
            (7, [1_953_125, 3_906_250, 5_859_375, 7_812_500], 1_953_125),
            (9, [7_812_500, 15_625_000, 23_437_500, 31_250_000], 7_812_500),
            (15, [500_000_000, 1_000_000_000, 1_500_000_000, 2_000_000_000], 500_000_000),
        ]
        for (rate, edges, period) in cases {
            setUp()
            let rtc = makeRTC()
            write(rtc, Reg.a, 0x20 | rate)
            XCTAssertEqual(rtc.periodicInterruptPeriod, period, "rate \(rate)")
            write(rtc, Reg.b, 0x42)
            var seen: [UInt64] = []
            for _ in edges {
                guard let time = runUntilInterrupt(rtc) else { break }
                seen.append(time)
                XCTAssertEqual(read(rtc, Reg.c) & 0xC0, 0xC0, "rate \(rate): IRQF and PF")
            }
            XCTAssertEqual(seen, edges, "rate \(rate)")
        }
    }

    func testPeriodicFlagWithoutInterruptAndLateEnable() {
        let rtc = makeRTC()
        write(rtc, Reg.a, 0x20)
        write(rtc, Reg.b, 0x42)
        XCTAssertNil(clock.nextDeadline, "rate 0 has no edges")
        write(rtc, Reg.b, 0x02)
        write(rtc, Reg.a, 0x26)
        XCTAssertNil(clock.nextDeadline, "no timer when nothing is enabled")
        run(until: 1_000_000)
        XCTAssertFalse(rtc.irq.level)
        write(rtc, Reg.b, 0x42)
        XCTAssertTrue(rtc.irq.level, "enabling PIE with PF pending raises IRQ8 at once")
        write(rtc, Reg.b, 0x02)
        XCTAssertFalse(rtc.irq.level, "IRQF follows the enable bits")
        XCTAssertEqual(read(rtc, Reg.c), 0x40, "PF stays set for polling")
        XCTAssertEqual(irqChanges, [true, false])
    }

    func testAlarmInterrupts() {
        let cases: [(UInt8, UInt8, UInt8, UInt64, String)] = [
            (0x05, 0x00, 0x00, 5, "00:00:05"),
            (0xC0, 0x01, 0x00, 60, "any second of 00:01"),
            (0xFF, 0xFF, 0xFF, 1, "every second"),
            (0x30, 0xC5, 0xFE, 30, "second 30 of any minute and hour"),
            (0x00, 0x00, 0x01, 3_600, "01:00:00"),
        ]
        for (seconds, minutes, hours, expected, name) in cases {
            setUp()
            let rtc = makeRTC()
            write(rtc, Reg.secondsAlarm, seconds)
            write(rtc, Reg.minutesAlarm, minutes)
            write(rtc, Reg.hoursAlarm, hours)
            write(rtc, Reg.b, 0x22)
            XCTAssertEqual(runUntilInterrupt(rtc), expected * Self.second, name)
            XCTAssertEqual(read(rtc, Reg.c), 0xF0, "\(name): IRQF, AF, UF and PF")
            XCTAssertFalse(rtc.irq.level)
        }
    }

    func testAlarmFlagFoundAcrossLongJumps() {
        let rtc = makeRTC()
        write(rtc, Reg.hoursAlarm, 0x12)
        run(until: 2 * 86_400 * Self.second)
        XCTAssertEqual(read(rtc, Reg.c), 0x70, "AF, UF and PF without enables, IRQ8 low")
        XCTAssertFalse(rtc.irq.level)
        write(rtc, Reg.secondsAlarm, 0x60)
        run(until: 5 * 86_400 * Self.second)
        XCTAssertEqual(read(rtc, Reg.c), 0x50, "an alarm second of 0x60 never matches")
        XCTAssertEqual(clockBytes(rtc), [0x00, 0x00, 0x00, 0x05, 0x06, 0x01, 0x00, 0x20])
    }

    // MARK: Ports and RAM

    func testIndexMaskingAndNMIBit() {
        let rtc = makeRTC()
        rtc.ioWrite(port: 0x70, size: 1, value: 0x8F)
        XCTAssertTrue(rtc.nmiDisabled)
        XCTAssertEqual(rtc.index, 0x0F)
        rtc.ioWrite(port: 0x71, size: 1, value: 0x5A)
        rtc.ioWrite(port: 0x70, size: 1, value: 0x0F)
        XCTAssertFalse(rtc.nmiDisabled)
        XCTAssertEqual(rtc.ioRead(port: 0x71, size: 1), 0x5A)
        XCTAssertEqual(read(rtc, 0x80 | Reg.a), 0x26, "bit 7 is not part of the index")
        write(rtc, 0xFF, 0xA5)
        XCTAssertEqual(rtc.configurationByte(at: 0x7F), 0xA5)
        XCTAssertEqual(rtc.ioRead(port: 0x70, size: 1), 0xFF, "the index latch is write-only")
        XCTAssertEqual(rtc.ports, 0x70...0x71)
    }

    func testConfigurationBytesAndChecksum() {
        let rtc = makeRTC()
        XCTAssertEqual(rtc.checksum, 0)
        rtc.setMemorySize(baseKiB: 640, extendedKiB: 127 * 1024)
        rtc.setFloppyTypes(driveA: 4, driveB: 0)
        rtc.setHardDiskTypes(first: 47, second: 2)
        rtc.setConfigurationByte(0x20 | rtc.configurationByte(at: 0x14), at: 0x14)
        let expected: [(UInt8, UInt8, String)] = [
            (0x10, 0x40, "1.44 MB drive A"),
            (0x12, 0xF2, "disk types"),
            (0x14, 0x21, "equipment: one drive, 80-column colour"),
            (0x15, 0x80, "base memory low"), (0x16, 0x02, "base memory high"),
            (0x17, 0xFF, "extended memory capped"), (0x18, 0xFF, "extended memory capped"),
            (0x19, 47, "first disk extended type"), (0x1A, 0x00, "second disk has a basic type"),
            (0x30, 0xFF, "extended copy"), (0x31, 0xFF, "extended copy"),
            (0x34, 0x00, "above 16 MiB low"), (0x35, 0x07, "above 16 MiB: 112 MiB in 64 KiB units"),
            (0x2E, 0x04, "checksum high"), (0x2F, 0x02, "checksum low"),
            (0x32, 0x20, "century"),
        ]
        for (index, value, name) in expected {
            XCTAssertEqual(read(rtc, index), value, name)
        }
        let sum = (0x10...0x2D).reduce(0) { $0 + Int(read(rtc, UInt8($1))) }
        XCTAssertEqual(Int(rtc.checksum), sum)
        write(rtc, 0x10, 0x00)
        XCTAssertEqual(rtc.checksum, 0x0402, "guest writes do not refresh the checksum")
        rtc.setConfigurationByte(0x99, at: Int(Reg.seconds))
        XCTAssertEqual(read(rtc, Reg.seconds), 0x00, "the board cannot write clock registers")
        rtc.setMemorySize(baseKiB: -5, extendedKiB: 1024)
        XCTAssertEqual([0x15, 0x16, 0x17, 0x18, 0x34, 0x35].map { read(rtc, $0) }, [0, 0, 0x00, 0x04, 0, 0])
    }

    // MARK: Guest nonsense

    func testOutOfRangeFieldsCountAsTheirLastValue() {
        let cases: [(UInt8, [(UInt8, UInt8)], [UInt8], String)] = [
            (0x86, [(Reg.month, 0xFF), (Reg.date, 31), (Reg.year, 5), (Reg.hours, 23), (Reg.minutes, 59), (Reg.seconds, 59)],
             [0, 0, 0, 1, 1, 1, 6, 20], "binary month 0xFF ends after 31 days"),
            (0x82, [(Reg.seconds, 0x5A)], [0x00, 0x01, 0x00, 0x07, 0x01, 0x01, 0x00, 0x20], "BCD 0x5A seconds carry"),
            (0x80, [(Reg.hours, 0x00), (Reg.minutes, 0x59), (Reg.seconds, 0x59)],
             [0x00, 0x00, 0x12, 0x01, 0x02, 0x01, 0x00, 0x20], "12-hour hour 0 counts as 11 PM"),
            (0x82, [(Reg.date, 0x45), (Reg.hours, 0x23), (Reg.minutes, 0x59), (Reg.seconds, 0x59)],
             [0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x00, 0x20], "date 45 rolls into the next month"),
        ]
        for (registerB, writes, expected, name) in cases {
            setUp()
            let rtc = makeRTC()
            write(rtc, Reg.b, registerB)
            rtc.setTime(secondsSince1970: 946_684_800)
            for (index, value) in writes { write(rtc, index, value) }
            write(rtc, Reg.b, registerB & 0x7F)
            run(until: Self.second)
            XCTAssertEqual(clockBytes(rtc), expected, name)
        }
    }

    func testRandomGuestAccessesNeverTrap() {
        let rtc = makeRTC()
        var random = XorShift64(seed: 0x9E37_79B9_7F4A_7C15)
        for _ in 0..<20_000 {
            let state = random.next()
            let value = UInt32(truncatingIfNeeded: state >> 24)
            switch state % 5 {
            case 0: rtc.ioWrite(port: 0x70, size: 1, value: value)
            case 1: rtc.ioWrite(port: 0x71, size: Int(state >> 60) % 5, value: value)
            case 2: _ = rtc.ioRead(port: 0x71, size: 1)
            case 3: _ = rtc.ioRead(port: 0x70 &+ UInt16(truncatingIfNeeded: state >> 40) % 4, size: 4)
            default: run(until: now &+ (state >> 8) % (state & 0x700 == 0 ? 90_000 * Self.second : 3_000_000))
            }
        }
        for index in UInt8(0)..<0x80 { write(rtc, index, 0xFF) }
        write(rtc, Reg.a, 0x2F)
        write(rtc, Reg.b, 0x7F)
        run(until: now + 400 * 86_400 * Self.second)
        XCTAssertTrue(rtc.irq.level, "periodic, alarm and update flags all enabled")
        XCTAssertEqual(read(rtc, Reg.c), 0xF0)
        let bytes = clockBytes(rtc)
        XCTAssertTrue(bytes[0] < 60 && bytes[1] < 60 && bytes[2] < 24, "binary 24-hour time valid again: \(bytes)")
    }
}
