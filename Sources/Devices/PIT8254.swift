/// Intel 8254 Programmable Interval Timer at 0x40-0x43 (Intel 8254 datasheet,
/// "Operational Description": control word, counter latch and read-back
/// commands, modes 0-5, gate behaviour; input clock 105/88 MHz, the PC's
/// 1.193182 MHz).
///
/// Nothing ticks: each counter keeps the clock tick its counting element was
/// last loaded at and derives its count and OUT from `clock.now` on demand.
/// The one timer is for counter 0, whose OUT is IRQ0: it fires at each rising
/// edge of OUT0 and shows it on `irq` as a low-high step. Between edges `irq`
/// stays high (in mode 3 OUT0 really drops for half the period), which an
/// edge-triggered interrupt input cannot tell apart.
///
/// Counters 0 and 1 have their gates tied high; counter 2's gate is set with
/// `setGate(2, ...)` (port 0x61 bit 0) and starts low, as port 0x61 does.
/// Each counter starts as if programmed for mode 0, LSB then MSB, binary,
/// with no count written (the datasheet leaves the power-on state undefined).
/// An initial count is loaded into the counting element on the clock tick
/// after it is written; until then a read returns the new count.
public final class PIT8254: ByteIOPortDevice {
    /// Input clock ticks per nanosecond: 105 / 88,000 (105/88 MHz).
    private static let ticksPerNanosecond = (numerator: UInt64(105), denominator: UInt64(88_000))
    private static let controlPort: UInt16 = 3

    public let base: UInt16
    /// OUT0: the board routes it to IRQ0.
    public let irq = InterruptLine()
    private let clock: VirtualClock
    private let counters = [PITCounter(gate: true), PITCounter(gate: true), PITCounter(gate: false)]
    private var timer: DeviceTimer?

    public init(clock: VirtualClock, base: UInt16 = 0x40) {
        self.clock = clock
        self.base = base
        timer = clock.makeTimer { [unowned self] in outputEdge() }
    }

    public var ports: ClosedRange<UInt16> {
        base...(base + 3)
    }

    /// The clock tick in progress at `nanoseconds` of virtual time. Exact for
    /// every 64-bit time: the product is taken at 128 bits and the quotient is
    /// below 2^64 because the numerator is smaller than the denominator.
    public static func tick(atNanoseconds nanoseconds: UInt64) -> UInt64 {
        let product = nanoseconds.multipliedFullWidth(by: ticksPerNanosecond.numerator)
        return ticksPerNanosecond.denominator.dividingFullWidth(product).quotient
    }

    /// The first nanosecond of clock tick `tick`; UInt64.max beyond 64-bit time.
    public static func nanoseconds(atTick tick: UInt64) -> UInt64 {
        let product = tick.multipliedFullWidth(by: ticksPerNanosecond.denominator)
        guard product.high < ticksPerNanosecond.numerator else { return .max }
        let (quotient, remainder) = ticksPerNanosecond.numerator.dividingFullWidth(product)
        guard remainder != 0 else { return quotient }
        return quotient == .max ? .max : quotient + 1
    }

    private var now: UInt64 {
        Self.tick(atNanoseconds: clock.now)
    }

    /// OUT of counter 0-2 now; other numbers read low.
    public func output(_ counter: Int) -> Bool {
        guard counters.indices.contains(counter) else { return false }
        return counters[counter].output(at: now)
    }

    /// The GATE input of counter 0-2; other numbers are ignored.
    public func setGate(_ counter: Int, level: Bool) {
        guard counters.indices.contains(counter) else { return }
        counters[counter].setGate(level, at: now)
        if counter == 0 { counter0Changed() }
    }

    public func ioReadByte(port: UInt16) -> UInt8 {
        let index = Int(port &- base)
        guard index < counters.count else { return 0xFF }
        return counters[index].read(at: now)
    }

    public func ioWriteByte(port: UInt16, value: UInt8) {
        let offset = port &- base
        if offset == Self.controlPort {
            controlWord(value)
            return
        }
        let index = Int(offset)
        guard index < counters.count else { return }
        counters[index].writeCount(value, at: now)
        if index == 0 { counter0Changed() }
    }

    /// SC1-SC0 select the counter, or 3 for the read-back command; RW1-RW0 of
    /// 0 is the counter latch command.
    private func controlWord(_ value: UInt8) {
        let select = Int(value >> 6)
        let access = (value >> 4) & 3
        let time = now
        guard select < counters.count else {
            readBack(value, at: time)
            return
        }
        if access == 0 {
            counters[select].latchCount(at: time)
            return
        }
        counters[select].program(access: access, mode: (value >> 1) & 7, bcd: value & 1 != 0)
        if select == 0 { counter0Changed() }
    }

    /// Read-back: bit 5 low latches counts, bit 4 low latches status, bits
    /// 3-1 select counters 2-0.
    private func readBack(_ value: UInt8, at time: UInt64) {
        for (index, counter) in counters.enumerated() where value & (2 << UInt8(index)) != 0 {
            if value & 0x10 == 0 { counter.latchStatus(at: time) }
            if value & 0x20 == 0 { counter.latchCount(at: time) }
        }
    }

    /// A guest write may have moved OUT0 (mode 0 drops it when programmed) and
    /// its next rising edge.
    private func counter0Changed() {
        irq.set(counters[0].output(at: now))
        scheduleOutputEdge()
    }

    private func outputEdge() {
        let time = now
        irq.lower()
        if counters[0].output(at: time) { irq.raise() }
        scheduleOutputEdge()
    }

    private func scheduleOutputEdge() {
        guard let tick = counters[0].nextRisingEdge(after: now) else {
            timer?.cancel()
            return
        }
        timer?.schedule(at: Self.nanoseconds(atTick: tick))
    }
}

/// One counter of the 8254: count register (CR), counting element (CE),
/// output latch (OL) and status latch, modelled as the tick the CE was loaded
/// at ("Operational Description", "Mode Definitions").
private final class PITCounter {
    /// A load of CR into CE that happens at a later tick: on the tick after a
    /// write or trigger, or at the end of a period (modes 2 and 3).
    private struct PendingLoad {
        var tick: UInt64
        /// Ticks of the new count already elapsed at `tick`: mode 3 can take a
        /// new count at a half-period boundary, starting with its low half.
        var offset: UInt64
        /// Lost if the gate stops counting before it: a period end.
        var needsCounting: Bool
    }

    private var mode = 0
    private var programmedMode: UInt8 = 0
    private var bcd = false
    private var access: UInt8 = 3
    private var countRegister: UInt16 = 0
    private var countWritten = false
    private var lowByte: UInt8?
    private var readMSBNext = false
    private var countLatch: UInt16?
    private var statusLatch: UInt8?
    private var nullCount = true
    private var gate: Bool

    /// CE state: the count it was loaded with, when, and how far it counted.
    private var loaded = false
    private var initial: UInt64 = 0x10000
    private var start: UInt64 = 0
    private var offset: UInt64 = 0
    private var running = false
    private var pending: PendingLoad?

    init(gate: Bool) {
        self.gate = gate
    }

    /// The number of counts in a period: 0 stands for 2^16 (binary) or 10^4 (BCD).
    private var modulus: UInt64 { bcd ? 10_000 : 0x10000 }

    private var countRegisterValue: UInt64 {
        let value = bcd ? Self.decimal(fromBCD: countRegister) : UInt64(countRegister)
        return value == 0 ? modulus : value
    }

    /// BCD digits to their value; digits A-F count as 10-15, which no
    /// programmer uses and which therefore only needs to be harmless.
    private static func decimal(fromBCD value: UInt16) -> UInt64 {
        var result: UInt64 = 0
        for shift in stride(from: 12, through: 0, by: -4) {
            result = result * 10 + UInt64((value >> UInt16(shift)) & 0xF)
        }
        return result
    }

    private static func bcd(fromDecimal value: UInt64) -> UInt16 {
        var result: UInt16 = 0
        var rest = value
        for shift in stride(from: 0, through: 12, by: 4) {
            result |= UInt16(rest % 10) << UInt16(shift)
            rest /= 10
        }
        return result
    }

    // MARK: Programming

    func program(access: UInt8, mode: UInt8, bcd: Bool) {
        self.access = access
        programmedMode = mode
        // Modes 6 and 7 are modes 2 and 3 (the datasheet's X10 and X11).
        self.mode = mode >= 6 ? Int(mode & 3) : Int(mode)
        self.bcd = bcd
        countWritten = false
        lowByte = nil
        readMSBNext = false
        countLatch = nil
        statusLatch = nil
        nullCount = true
        loaded = false
        running = false
        pending = nil
    }

    func writeCount(_ value: UInt8, at time: UInt64) {
        settle(at: time)
        switch access {
        case 1:
            countRegister = UInt16(value)
        case 2:
            countRegister = UInt16(value) << 8
        default:
            guard let low = lowByte else {
                lowByte = value
                // Mode 0: the first byte stops counting and drops OUT.
                if mode == 0 {
                    loaded = false
                    pending = nil
                }
                return
            }
            lowByte = nil
            countRegister = UInt16(value) << 8 | UInt16(low)
        }
        countWritten = true
        nullCount = true
        switch mode {
        case 0:
            loaded = false
            pending = PendingLoad(tick: time &+ 1, offset: 0, needsCounting: false)
        case 4:
            pending = PendingLoad(tick: time &+ 1, offset: 0, needsCounting: false)
        case 2, 3:
            if !loaded {
                if pending == nil {
                    pending = PendingLoad(tick: time &+ 1, offset: 0, needsCounting: false)
                }
            } else if running {
                pending = periodEndLoad(at: time)
            }
        default:
            break
        }
    }

    /// In mode 2 a new count takes effect at the next reload, in mode 3 at the
    /// end of the current half-period.
    private func periodEndLoad(at time: UInt64) -> PendingLoad {
        let k = elapsed(at: time)
        let phase = k % initial
        let firstHalf = (initial + 1) / 2
        if mode == 3 && phase < firstHalf {
            let newFirstHalf = (countRegisterValue + 1) / 2
            return PendingLoad(tick: time &+ (firstHalf - phase), offset: newFirstHalf, needsCounting: true)
        }
        return PendingLoad(tick: time &+ (initial - phase), offset: 0, needsCounting: true)
    }

    func setGate(_ level: Bool, at time: UInt64) {
        settle(at: time)
        guard level != gate else { return }
        gate = level
        switch (mode, level) {
        case (0, false), (2, false), (3, false), (4, false):
            if running {
                offset = elapsed(at: time)
                running = false
            }
            if pending?.needsCounting == true { pending = nil }
        case (0, true), (4, true):
            if loaded {
                start = time &+ 1
                running = true
            }
        case (_, true):
            // A trigger: modes 1, 2, 3 and 5 reload the count on the next tick.
            if countWritten {
                pending = PendingLoad(tick: time &+ 1, offset: 0, needsCounting: false)
            }
        default:
            break
        }
    }

    /// Applies a load that is due.
    private func settle(at time: UInt64) {
        guard let load = pending, time >= load.tick else { return }
        pending = nil
        loaded = true
        nullCount = false
        initial = countRegisterValue
        start = load.tick
        offset = load.offset
        running = countsAfterLoad
    }

    /// Clock pulses counted since the CE was loaded.
    private func elapsed(at time: UInt64) -> UInt64 {
        guard running, time > start else { return offset }
        return offset &+ (time - start)
    }

    // MARK: State

    func output(at time: UInt64) -> Bool {
        settle(at: time)
        guard loaded else { return mode != 0 }
        let k = elapsed(at: time)
        let n = initial
        switch mode {
        case 0, 1:
            return k >= n
        case 2:
            return !gate || k % n != n - 1
        case 3:
            return !gate || k % n < (n + 1) / 2
        default:
            return k != n
        }
    }

    /// The CE value as the guest reads it (binary or BCD).
    private func count(at time: UInt64) -> UInt16 {
        settle(at: time)
        let value: UInt64
        if !loaded {
            value = countRegisterValue % modulus
        } else {
            let k = elapsed(at: time)
            let n = initial
            switch mode {
            case 2:
                value = (n - k % n) % modulus
            case 3:
                let phase = k % n
                let firstHalf = (n + 1) / 2
                let half = phase < firstHalf ? phase : phase - firstHalf
                let reload = n & 1 == 0 ? n : n - 1
                value = (reload - 2 * half) % modulus
            default:
                value = (n % modulus + modulus - k % modulus) % modulus
            }
        }
        return bcd ? Self.bcd(fromDecimal: value) : UInt16(value)
    }

    /// The tick of OUT's next low-to-high change after `time`, while counting.
    func nextRisingEdge(after time: UInt64) -> UInt64? {
        settle(at: time)
        var edge: UInt64?
        if loaded && running {
            edge = risingEdge(afterElapsed: elapsed(at: time), count: initial).map { start &+ ($0 - offset) }
        }
        if let load = pending, edge.map({ $0 > load.tick }) ?? true, countsAfterLoad,
           let k = risingEdge(afterElapsed: load.offset, count: countRegisterValue) {
            edge = load.tick &+ (k - load.offset)
        }
        return edge
    }

    /// Whether the CE counts once a pending load happens: modes 1 and 5 count
    /// whatever the gate does once triggered.
    private var countsAfterLoad: Bool {
        mode == 1 || mode == 5 || gate
    }

    /// Counted ticks at the next rising edge of OUT after `k` in a period of `n`.
    private func risingEdge(afterElapsed k: UInt64, count n: UInt64) -> UInt64? {
        switch mode {
        case 0, 1:
            return k < n ? n : nil
        case 2, 3:
            return n >= 2 ? (k / n + 1) * n : nil
        default:
            return k <= n ? n + 1 : nil
        }
    }

    private func status(at time: UInt64) -> UInt8 {
        let out: UInt8 = output(at: time) ? 0x80 : 0
        let null: UInt8 = nullCount ? 0x40 : 0
        return out | null | access << 4 | programmedMode << 1 | (bcd ? 1 : 0)
    }

    // MARK: Reading

    func latchCount(at time: UInt64) {
        guard countLatch == nil else { return }
        countLatch = count(at: time)
    }

    func latchStatus(at time: UInt64) {
        guard statusLatch == nil else { return }
        statusLatch = status(at: time)
    }

    /// Status first, then a latched count, else the live count, in the RW
    /// format; a latch is released once read in full.
    func read(at time: UInt64) -> UInt8 {
        if let status = statusLatch {
            statusLatch = nil
            return status
        }
        let value = countLatch ?? count(at: time)
        let msb: Bool
        switch access {
        case 1: msb = false
        case 2: msb = true
        default:
            msb = readMSBNext
            readMSBNext.toggle()
        }
        if access != 3 || msb { countLatch = nil }
        return UInt8(truncatingIfNeeded: msb ? value >> 8 : value)
    }
}
