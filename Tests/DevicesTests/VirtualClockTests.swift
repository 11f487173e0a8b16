import XCTest
@testable import Devices

/// The device clock: time from its source, timers firing in deadline order
/// (ties in scheduling order), rescheduling from a handler, cancelling.
final class VirtualClockTests: XCTestCase {
    func testTimersFireInDeadlineOrder() {
        var now: UInt64 = 0
        let clock = VirtualClock(source: { now })
        var fired: [String] = []
        let a = clock.makeTimer { fired.append("a") }
        let b = clock.makeTimer { fired.append("b") }
        let c = clock.makeTimer { fired.append("c") }
        XCTAssertNil(clock.nextDeadline)
        a.schedule(at: 300)
        b.schedule(at: 100)
        c.schedule(at: 300)
        XCTAssertEqual(clock.nextDeadline, 100)
        now = 99
        clock.fireDue()
        XCTAssertEqual(fired, [], "nothing due before 100")
        now = 300
        clock.fireDue()
        XCTAssertEqual(fired, ["b", "a", "c"], "earliest first; a before c, scheduled first")
        XCTAssertNil(clock.nextDeadline, "fired timers are idle")
        XCTAssertNil(a.deadline)
    }

    func testRescheduleCancelAndPeriodic() {
        var now: UInt64 = 0
        let clock = VirtualClock(source: { now })
        var ticks: [UInt64] = []
        var next: UInt64 = 1000
        var periodic: DeviceTimer!
        periodic = clock.makeTimer {
            ticks.append(now)
            next += 1000
            periodic.schedule(at: next)
        }
        periodic.schedule(after: 1000)
        let cancelled = clock.makeTimer { XCTFail("a cancelled timer fired") }
        cancelled.schedule(at: 500)
        cancelled.cancel()
        now = 3500
        clock.fireDue()
        XCTAssertEqual(ticks, [3500, 3500, 3500], "a late periodic timer catches up (1000, 2000, 3000) in one call")
        XCTAssertEqual(clock.nextDeadline, 4000)
        periodic.schedule(at: 100)
        periodic.schedule(at: 4500)
        XCTAssertEqual(clock.nextDeadline, 4500, "a new schedule replaces the old one")
        now = 4499
        clock.fireDue()
        XCTAssertEqual(ticks.count, 3)
        now = 4500
        clock.fireDue()
        XCTAssertEqual(ticks.count, 4)
    }

    func testHandlerSchedulingInThePastFiresInTheSameCall() {
        var now: UInt64 = 0
        let clock = VirtualClock(source: { now })
        var count = 0
        var t: DeviceTimer!
        t = clock.makeTimer {
            count += 1
            if count < 3 { t.schedule(at: now) }
        }
        t.schedule(at: 10)
        now = 10
        clock.fireDue()
        XCTAssertEqual(count, 3)
    }
}
