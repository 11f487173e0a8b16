/// Virtual time for the devices, in nanoseconds, and their timers (DESIGN.md,
/// "Virtual time is counted in instructions").
///
/// The board supplies `source`, which derives the current time from the guest
/// instruction count (and the time skipped while the CPU halted), so every
/// device reads the same exact time in the middle of a run and runs repeat
/// exactly. Timers fire only from `fireDue`, which the board calls at the end of
/// each CPU run; it ends each run at `nextDeadline`, so a timer fires at its
/// instruction. Timers due at the same time fire in the order they were
/// scheduled.
public final class VirtualClock {
    /// The current time; the board replaces this with its instruction-based source.
    public var source: () -> UInt64
    private var timers: [DeviceTimer] = []
    private var sequence: UInt64 = 0

    public init(source: @escaping () -> UInt64 = { 0 }) {
        self.source = source
    }

    /// Nanoseconds since the machine was built.
    public var now: UInt64 { source() }

    /// A timer that calls `fire` when it is due; a device keeps it and reschedules it.
    public func makeTimer(_ fire: @escaping () -> Void) -> DeviceTimer {
        let timer = DeviceTimer(clock: self, fire: fire)
        timers.append(timer)
        return timer
    }

    /// The earliest time a scheduled timer is due.
    public var nextDeadline: UInt64? {
        var earliest: UInt64?
        for t in timers { if let d = t.deadline, d < earliest ?? .max { earliest = d } }
        return earliest
    }

    /// Fires every timer due at `now` or earlier, earliest first; a timer a
    /// handler schedules at or before `now` fires in the same call.
    public func fireDue() {
        let time = now
        while let timer = nextDue(at: time) {
            timer.deadline = nil
            timer.fire()
        }
    }

    private func nextDue(at time: UInt64) -> DeviceTimer? {
        var best: DeviceTimer?
        for t in timers {
            guard let d = t.deadline, d <= time else { continue }
            if let b = best, let bd = b.deadline, (bd, b.order) <= (d, t.order) { continue }
            best = t
        }
        return best
    }

    fileprivate func nextOrder() -> UInt64 {
        sequence &+= 1
        return sequence
    }
}

/// One device timer: due at `deadline` nanoseconds of virtual time, or idle.
public final class DeviceTimer {
    public fileprivate(set) var deadline: UInt64?
    fileprivate var order: UInt64 = 0
    fileprivate let fire: () -> Void
    private unowned let clock: VirtualClock

    fileprivate init(clock: VirtualClock, fire: @escaping () -> Void) {
        self.clock = clock
        self.fire = fire
    }

    /// Makes the timer due at `time` (replacing any earlier schedule).
    public func schedule(at time: UInt64) {
        deadline = time
        order = clock.nextOrder()
    }

    /// Makes the timer due `delay` nanoseconds from now.
    public func schedule(after delay: UInt64) {
        schedule(at: clock.now &+ delay)
    }

    public func cancel() { deadline = nil }
}
