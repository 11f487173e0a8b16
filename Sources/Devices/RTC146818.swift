/// The PC/AT real-time clock and CMOS RAM: a Motorola MC146818A behind the
/// index port 0x70 and the data port 0x71 (MC146818A datasheet; IBM PC/AT
/// Technical Reference, "Real-Time Clock/CMOS RAM").
///
/// Port 0x70 is a write-only latch: bits 0-6 select one of the 128 bytes and
/// bit 7 is the PC/AT NMI mask, which the board reads from `nmiDisabled`.
/// Bytes 0x00-0x0D are the clock's registers ("Address Map"); the rest is
/// battery-backed RAM that only the board and the guest change.
///
/// The clock runs on virtual time: nothing ticks. Each access first applies
/// the update cycles and divider edges that happened since the last one
/// (`sync`), and a `DeviceTimer` is scheduled only for the next interrupt the
/// guest enabled (PIE, UIE, AIE) while IRQ8 is low.
///
/// Modelling choices where the datasheet is silent:
/// - Time bytes are stored as the guest wrote them, in the format of the DM and
///   24/12 bits; changing those bits does not convert them (datasheet,
///   "Register B"). A byte out of its field's range (0xFF in the month, a BCD
///   digit above 9 that decodes past the range, hour 0 in 12-hour mode) counts
///   as the field's last value: the next carry into it sets the first value and
///   carries on. An unknown month is 31 days long.
/// - The century byte 0x32 counts with the year, as in PC chipset RTCs, and
///   leap years follow the Gregorian rule on century * 100 + year (2000 is a
///   leap year, 1900 and 2100 are not).
/// - The update cycle is instantaneous at the end of each second; UIP is high
///   for the 8 oscillator cycles (244.140625 µs, tBUC) before it.
/// - DV2-DV0 other than 010 (run) and 11x (reset) select the chains for the
///   4.194304 and 1.048576 MHz crystals or factory tests; with the PC's
///   32.768 kHz crystal none keeps time, so they stop the clock and hold the
///   divider's phase, as the DS12887 (the chip's PC successor) documents.
/// - SQWE is stored; the SQW pin is not wired on the PC.
/// - DSE follows the MC146818A's rule (last Sunday in April and October), not
///   today's; PC firmware keeps it clear.
/// - The PC/AT configuration bytes in RAM are set by the board through the
///   API in RTC146818+Configuration.swift.
public final class RTC146818: ByteIOPortDevice {
    public static let indexPort: UInt16 = 0x70
    public static let dataPort: UInt16 = 0x71
    /// The chip's bytes: registers 0x00-0x0D and 114 bytes of RAM.
    public static let size = 128

    enum Register {
        static let seconds = 0x00
        static let secondsAlarm = 0x01
        static let minutes = 0x02
        static let minutesAlarm = 0x03
        static let hours = 0x04
        static let hoursAlarm = 0x05
        static let dayOfWeek = 0x06
        static let dateOfMonth = 0x07
        static let month = 0x08
        static let year = 0x09
        static let a = 0x0A
        static let b = 0x0B
        static let c = 0x0C
        static let d = 0x0D
        static let century = 0x32
    }

    enum RegisterA {
        static let uip: UInt8 = 0x80
        static let dividerMask: UInt8 = 0x70
        static let divider32kHz: UInt8 = 0x20
        static let rateMask: UInt8 = 0x0F
    }

    enum RegisterB {
        static let set: UInt8 = 0x80
        static let pie: UInt8 = 0x40
        static let aie: UInt8 = 0x20
        static let uie: UInt8 = 0x10
        static let dm: UInt8 = 0x04
        static let hour24: UInt8 = 0x02
        static let dse: UInt8 = 0x01
    }

    enum RegisterC {
        static let irqf: UInt8 = 0x80
        static let pf: UInt8 = 0x40
        static let af: UInt8 = 0x20
        static let uf: UInt8 = 0x10
    }

    static let vrt: UInt8 = 0x80
    static let nanosecondsPerSecond: UInt64 = 1_000_000_000
    /// The 32.768 kHz time base: one oscillator cycle is 1 953 125 / 64 ns.
    static let cycleNumerator: UInt64 = 1_953_125
    static let cycleDenominator: UInt64 = 64
    static let cyclesPerSecond: UInt64 = 32_768
    /// tBUC: UIP rises this many oscillator cycles (244.140625 µs) before the update.
    static let uipLeadCycles: UInt64 = 8
    /// After the divider leaves reset, the first update comes half a second later
    /// (datasheet, "Divider Control"): the chain starts at this phase.
    static let phaseAfterReset: UInt64 = 500_000_000
    /// Updates enough for the time bytes to become valid (1 + 60 + 3600) and then
    /// pass every time of day once: if none matched the alarm, none ever will.
    static let alarmSearchLimit: UInt64 = 86_400 + 3_600 + 60 + 1

    enum Divider {
        case running, reset, stopped

        /// DV2-DV0 (datasheet, "Divider Configurations"): 010 runs the 32.768 kHz
        /// time base, 11x holds the chain in reset, other values stop the oscillator.
        init(registerA: UInt8) {
            switch registerA & RegisterA.dividerMask {
            case RegisterA.divider32kHz: self = .running
            case 0x60, 0x70: self = .reset
            default: self = .stopped
            }
        }
    }

    public let ports: ClosedRange<UInt16> = indexPort...dataPort
    /// IRQ8 on the PC/AT; high while IRQF is set.
    public let irq: InterruptLine
    /// Bit 7 of the last write to port 0x70: the PC/AT NMI mask.
    public private(set) var nmiDisabled = false
    /// The selected byte (bits 0-6 of the last write to port 0x70).
    public private(set) var index: UInt8 = 0

    private let clock: VirtualClock
    private var timer: DeviceTimer?
    /// Internal so that the configuration-RAM extension can fill it.
    var bytes = [UInt8](repeating: 0, count: RTC146818.size)
    /// Virtual time up to which updates and divider edges have been applied.
    private var lastSync: UInt64
    /// While the divider runs, `(now + dividerShift) % 1 s` is the time since the last update.
    private var dividerShift: UInt64 = 0
    /// The divider's phase within the second while it is stopped or in reset.
    private var heldPhase: UInt64 = 0
    /// The October hour 1:00-1:59 has been repeated; the next 1:59:59 goes on to 2:00.
    private var fellBack = false

    /// - Parameters:
    ///   - clock: the board's virtual clock.
    ///   - startTime: the time the clock shows now, in seconds since
    ///     1970-01-01 00:00:00 (negative before); default 2000-01-01 00:00:00.
    ///     The board passes the host time if it wants it.
    ///   - irq: the line the board routes to interrupt controller input 8.
    public init(clock: VirtualClock, startTime: Int64 = 946_684_800, irq: InterruptLine = InterruptLine()) {
        self.clock = clock
        self.irq = irq
        let now = clock.now
        lastSync = now
        dividerShift = Self.shift(toPhase: 0, at: now)
        bytes[Register.a] = RegisterA.divider32kHz | 0x06
        bytes[Register.b] = RegisterB.hour24
        bytes[Register.d] = Self.vrt
        setTime(secondsSince1970: startTime)
        timer = clock.makeTimer { [weak self] in self?.timerFired() }
    }

    // MARK: Ports

    public func ioReadByte(port: UInt16) -> UInt8 {
        guard port == Self.dataPort else { return 0xFF }
        let i = Int(index)
        switch i {
        case Register.seconds...Register.year:
            sync()
            return bytes[i]
        case Register.a:
            sync()
            return bytes[i] | (updateInProgress ? RegisterA.uip : 0)
        case Register.c:
            sync()
            let value = bytes[i]
            bytes[i] = 0
            updateIRQ()
            reschedule()
            return value
        case Register.d:
            return Self.vrt
        default:
            return bytes[i]
        }
    }

    public func ioWriteByte(port: UInt16, value: UInt8) {
        guard port == Self.dataPort else {
            if port == Self.indexPort {
                index = value & 0x7F
                nmiDisabled = value & 0x80 != 0
            }
            return
        }
        let i = Int(index)
        switch i {
        case Register.seconds...Register.year:
            sync()
            bytes[i] = value
        case Register.a:
            writeRegisterA(value)
        case Register.b:
            sync()
            // Setting SET aborts any update and clears UIE (datasheet, "Register B").
            bytes[i] = value & RegisterB.set != 0 ? value & ~RegisterB.uie : value
            updateIRQ()
            reschedule()
        case Register.c, Register.d:
            return
        default:
            bytes[i] = value
        }
    }

    private func writeRegisterA(_ value: UInt8) {
        sync()
        let now = clock.now
        let old = Divider(registerA: bytes[Register.a])
        let new = Divider(registerA: value)
        if new == .reset {
            heldPhase = Self.phaseAfterReset
        } else if old == .running && new == .stopped {
            heldPhase = phase(at: now)
        }
        if old != .running && new == .running {
            dividerShift = Self.shift(toPhase: heldPhase, at: now)
        }
        bytes[Register.a] = value & ~RegisterA.uip
        reschedule()
    }

    // MARK: Time base

    private var divider: Divider { Divider(registerA: bytes[Register.a]) }

    /// Nanoseconds since the last update boundary while the divider runs.
    private func phase(at time: UInt64) -> UInt64 {
        (time &+ dividerShift) % Self.nanosecondsPerSecond
    }

    private static func shift(toPhase phase: UInt64, at time: UInt64) -> UInt64 {
        let second = nanosecondsPerSecond
        return (phase % second &+ second &- time % second) % second
    }

    /// Whole oscillator cycles in `nanoseconds`, without overflowing.
    static func cycles(_ nanoseconds: UInt64) -> UInt64 {
        (nanoseconds / cycleNumerator) &* cycleDenominator
            &+ (nanoseconds % cycleNumerator) &* cycleDenominator / cycleNumerator
    }

    /// The first nanosecond at which `cycles` oscillator cycles have passed.
    static func nanoseconds(cycles: UInt64) -> UInt64 {
        let part = (cycles % cycleDenominator) &* cycleNumerator
        return (cycles / cycleDenominator) &* cycleNumerator
            &+ (part &+ cycleDenominator &- 1) / cycleDenominator
    }

    /// Oscillator cycles between periodic-interrupt edges for rate select
    /// RS3-RS0 (datasheet, "Periodic Interrupt Rate"): rates 1 and 2 repeat the
    /// taps of rates 8 and 9 (3.90625 ms, 7.8125 ms); rate 0 has no edges.
    static func periodCycles(rate: UInt8) -> UInt64? {
        let select = rate & RegisterA.rateMask
        switch select {
        case 0: return nil
        case 1, 2: return 1 << UInt64(select + 6)
        default: return 1 << UInt64(select - 1)
        }
    }

    /// The periodic-interrupt period in nanoseconds, rounded down, for the board and tests.
    public var periodicInterruptPeriod: UInt64? {
        Self.periodCycles(rate: bytes[Register.a]).map { $0 &* Self.cycleNumerator / Self.cycleDenominator }
    }

    private var updateInProgress: Bool {
        guard divider == .running, bytes[Register.b] & RegisterB.set == 0 else { return false }
        return Self.cycles(phase(at: clock.now)) >= Self.cyclesPerSecond - Self.uipLeadCycles
    }

    /// Applies what happened between `lastSync` and now: periodic edges set PF,
    /// update cycles advance the time and set UF (and AF on an alarm match).
    private func sync() {
        let now = clock.now
        guard now > lastSync else { return }
        let last = lastSync
        lastSync = now
        guard divider == .running else { return }
        if let period = Self.periodCycles(rate: bytes[Register.a]),
           Self.cycles(now &+ dividerShift) / period != Self.cycles(last &+ dividerShift) / period {
            bytes[Register.c] |= RegisterC.pf
        }
        if bytes[Register.b] & RegisterB.set == 0 {
            let second = Self.nanosecondsPerSecond
            let updates = (now &+ dividerShift) / second &- (last &+ dividerShift) / second
            if updates > 0 {
                applyUpdates(updates)
                bytes[Register.c] |= RegisterC.uf
            }
        }
        updateIRQ()
    }

    /// IRQF = PF·PIE + AF·AIE + UF·UIE (datasheet, "Register C"); the flag and
    /// enable bits share positions 4-6 of registers B and C.
    private func updateIRQ() {
        let active = bytes[Register.c] & bytes[Register.b] & (RegisterC.pf | RegisterC.af | RegisterC.uf) != 0
        if active {
            bytes[Register.c] |= RegisterC.irqf
        } else {
            bytes[Register.c] &= ~RegisterC.irqf
        }
        irq.set(active)
    }

    /// Schedules the next enabled interrupt, or nothing while IRQ8 is already high:
    /// only a read of register C or a write to register B can lower it then, and
    /// both reschedule.
    private func reschedule() {
        guard let timer else { return }
        let b = bytes[Register.b]
        guard divider == .running, bytes[Register.c] & RegisterC.irqf == 0 else {
            timer.cancel()
            return
        }
        let now = clock.now
        var next: UInt64?
        if b & RegisterB.pie != 0, let period = Self.periodCycles(rate: bytes[Register.a]) {
            let edge = (Self.cycles(now &+ dividerShift) / period &+ 1) &* period
            next = Self.nanoseconds(cycles: edge) &- dividerShift
        }
        if b & (RegisterB.uie | RegisterB.aie) != 0, b & RegisterB.set == 0 {
            let update = now &- phase(at: now) &+ Self.nanosecondsPerSecond
            next = min(next ?? update, update)
        }
        if let next {
            timer.schedule(at: next)
        } else {
            timer.cancel()
        }
    }

    private func timerFired() {
        sync()
        reschedule()
    }

    // MARK: Calendar

    private var isBinary: Bool { bytes[Register.b] & RegisterB.dm != 0 }
    private var is24Hour: Bool { bytes[Register.b] & RegisterB.hour24 != 0 }

    private func decode(_ byte: UInt8) -> Int {
        isBinary ? Int(byte) : Int(byte >> 4) * 10 + Int(byte & 0x0F)
    }

    /// `value` is 0-99.
    private func encode(_ value: Int) -> UInt8 {
        let v = UInt8(truncatingIfNeeded: value)
        return isBinary ? v : (v / 10) << 4 | v % 10
    }

    /// The hour as 0-23, or -1 for a byte that is no hour in the current format.
    private func decodeHour(_ byte: UInt8) -> Int {
        if is24Hour { return decode(byte) }
        let hour = decode(byte & 0x7F)
        guard (1...12).contains(hour) else { return -1 }
        return hour % 12 + (byte & 0x80 != 0 ? 12 : 0)
    }

    /// 12-hour format: 12 AM is 12, PM sets bit 7 (datasheet, "Time, Calendar and Alarm Data Modes").
    private func encodeHour(_ hour: Int) -> UInt8 {
        if is24Hour { return encode(hour) }
        let twelve = hour % 12 == 0 ? 12 : hour % 12
        return encode(twelve) | (hour >= 12 ? 0x80 : 0)
    }

    /// Counts field `i` forward `count` times within `range` and returns the
    /// carries out of it; a value outside the range counts as the last one.
    private func step(_ i: Int, _ range: ClosedRange<Int>, by count: UInt64) -> UInt64 {
        guard count > 0 else { return 0 }
        let isHour = i == Register.hours
        var value = isHour ? decodeHour(bytes[i]) : decode(bytes[i])
        var remaining = count
        var carries: UInt64 = 0
        if !range.contains(value) {
            value = range.lowerBound
            carries = 1
            remaining -= 1
        }
        let span = UInt64(range.count)
        let offset = UInt64(value - range.lowerBound) &+ remaining
        value = range.lowerBound + Int(offset % span)
        carries &+= offset / span
        bytes[i] = isHour ? encodeHour(value) : encode(value)
        return carries
    }

    /// Seconds, minutes and hours; returns the carries into the date.
    private func advanceTimeOfDay(by count: UInt64) -> UInt64 {
        let minutes = step(Register.seconds, 0...59, by: count)
        let hours = step(Register.minutes, 0...59, by: minutes)
        return step(Register.hours, 0...23, by: hours)
    }

    private func alarmMatches() -> Bool {
        alarmMatches(Register.secondsAlarm, Register.seconds)
            && alarmMatches(Register.minutesAlarm, Register.minutes)
            && alarmMatches(Register.hoursAlarm, Register.hours)
    }

    /// 11xxxxxx in an alarm byte matches every value (datasheet, "Alarm").
    private func alarmMatches(_ alarm: Int, _ time: Int) -> Bool {
        bytes[alarm] & 0xC0 == 0xC0 || bytes[alarm] == bytes[time]
    }

    private func applyUpdates(_ count: UInt64) {
        var remaining = count
        if bytes[Register.c] & RegisterC.af == 0 {
            for _ in 0..<min(remaining, Self.alarmSearchLimit) {
                advance(by: 1)
                remaining -= 1
                if alarmMatches() {
                    bytes[Register.c] |= RegisterC.af
                    break
                }
            }
        }
        advance(by: remaining)
    }

    /// `count` update cycles; with DSE, each passage through 1:59:59 AM is a
    /// single update that may jump (datasheet, "Register B", DSE).
    private func advance(by count: UInt64) {
        var remaining = count
        while remaining > 0 {
            guard bytes[Register.b] & RegisterB.dse != 0 else {
                advanceDate(by: advanceTimeOfDay(by: remaining))
                return
            }
            let untilSwitch = secondsUntilDaylightSavingPoint()
            if untilSwitch >= remaining {
                advanceDate(by: advanceTimeOfDay(by: remaining))
                return
            }
            advanceDate(by: advanceTimeOfDay(by: untilSwitch))
            remaining -= untilSwitch + 1
            daylightSavingUpdate()
        }
    }

    /// Updates until the time reads 1:59:59 AM; 0 while a time byte is out of
    /// range, so that such times count one update at a time until they are valid.
    private func secondsUntilDaylightSavingPoint() -> UInt64 {
        let hour = decodeHour(bytes[Register.hours])
        let minute = decode(bytes[Register.minutes])
        let second = decode(bytes[Register.seconds])
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else { return 0 }
        let secondOfDay = hour * 3_600 + minute * 60 + second
        return UInt64((7_199 - secondOfDay + 86_400) % 86_400)
    }

    /// The update from 1:59:59 AM: on the last Sunday in April to 3:00:00 AM,
    /// the first time on the last Sunday in October back to 1:00:00 AM, by the
    /// day-of-week and date registers.
    private func daylightSavingUpdate() {
        let atPoint = decodeHour(bytes[Register.hours]) == 1 && decode(bytes[Register.minutes]) == 59
            && decode(bytes[Register.seconds]) == 59
        let lastSunday = atPoint && decode(bytes[Register.dayOfWeek]) == 1
        let month = decode(bytes[Register.month])
        let date = decode(bytes[Register.dateOfMonth])
        if lastSunday && month == 4 && date >= 24 {
            setTimeOfDay(hour: 3)
        } else if lastSunday && month == 10 && date >= 25 && !fellBack {
            setTimeOfDay(hour: 1)
            fellBack = true
        } else {
            fellBack = false
            advanceDate(by: advanceTimeOfDay(by: 1))
        }
    }

    private func setTimeOfDay(hour: Int) {
        bytes[Register.seconds] = encode(0)
        bytes[Register.minutes] = encode(0)
        bytes[Register.hours] = encodeHour(hour)
    }

    private func advanceDate(by days: UInt64) {
        guard days > 0 else { return }
        _ = step(Register.dayOfWeek, 1...7, by: days)
        var remaining = days
        var date = decode(bytes[Register.dateOfMonth])
        if date < 1 || date > monthLength() {
            date = 1
            carryIntoMonth()
            remaining -= 1
        }
        while remaining > 0 {
            let left = UInt64(monthLength() - date)
            if remaining <= left {
                date += Int(remaining)
                remaining = 0
            } else {
                remaining -= left + 1
                date = 1
                carryIntoMonth()
            }
        }
        bytes[Register.dateOfMonth] = encode(date)
    }

    private func carryIntoMonth() {
        guard step(Register.month, 1...12, by: 1) > 0, step(Register.year, 0...99, by: 1) > 0 else { return }
        _ = step(Register.century, 0...99, by: 1)
    }

    private func monthLength() -> Int {
        switch decode(bytes[Register.month]) {
        case 4, 6, 9, 11: return 30
        case 2:
            let year = decode(bytes[Register.century]) * 100 + decode(bytes[Register.year])
            return Self.isLeapYear(year) ? 29 : 28
        default: return 31
        }
    }

    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// Writes the time and date registers and the century in the current format
    /// (register B's DM and 24/12 bits), as firmware would with SET on; the
    /// divider keeps its phase. `seconds` counts from 1970-01-01 00:00:00.
    public func setTime(secondsSince1970 seconds: Int64) {
        sync()
        let (days, secondOfDay) = seconds.floorDivided(by: 86_400)
        let (year, month, date) = Self.civilDate(daysSince1970: days)
        // 1970-01-01 was a Thursday; the chip counts Sunday as 1.
        let weekday = (days % 7 + 7 + 4) % 7 + 1
        bytes[Register.seconds] = encode(Int(secondOfDay % 60))
        bytes[Register.minutes] = encode(Int(secondOfDay / 60 % 60))
        bytes[Register.hours] = encodeHour(Int(secondOfDay / 3600))
        bytes[Register.dayOfWeek] = encode(Int(weekday))
        bytes[Register.dateOfMonth] = encode(date)
        bytes[Register.month] = encode(month)
        bytes[Register.year] = encode(Int((year % 100 + 100) % 100))
        bytes[Register.century] = encode(Int((year / 100 % 100 + 100) % 100))
    }

    /// The proleptic Gregorian date of a day number, counted in 400-year eras
    /// of 146 097 days that start on 1 March so that 29 February ends a year.
    static func civilDate(daysSince1970: Int64) -> (year: Int64, month: Int, date: Int) {
        let (era, dayOfEra) = (daysSince1970 + 719_468).floorDivided(by: 146_097)
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let date = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        let month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, date)
    }
}

extension Int64 {
    /// Quotient rounded toward minus infinity and the non-negative remainder.
    fileprivate func floorDivided(by divisor: Int64) -> (Int64, Int64) {
        let remainder = self % divisor
        return remainder < 0 ? (self / divisor - 1, remainder + divisor) : (self / divisor, remainder)
    }
}
