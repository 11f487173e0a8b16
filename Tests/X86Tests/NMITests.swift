import XCTest
@testable import X86

/// NMI (SDM Vol. 3 §6.7.1): taken whatever IF says, and blocked from its
/// delivery until the next IRET.
final class NMITests: XCTestCase {
    func testNMIIgnoresIFAndIsBlockedUntilIRET() {
        let bus = TestBus()
        let cpu = bus.cpu
        // IVT vector 2 -> 0000:0600. Handler: inc byte [0x500]; iret.
        bus.load([0x00, 0x06, 0x00, 0x00], at: 2 * 4)
        bus.load([0xFE, 0x06, 0x00, 0x05, 0xCF], at: 0x600)
        // Main at 0000:0700: cli; then a run of NOPs.
        bus.load([0xFA] + [UInt8](repeating: 0x90, count: 64), at: 0x700)
        cpu.segments[SegmentIndex.cs] = SegmentRegister(selector: 0, base: 0, limit: 0xFFFF, attributes: 0x9B)
        cpu.set32(Reg.esp, 0x7000)
        cpu.eip = 0x700
        _ = cpu.run(budget: 1)
        cpu.nmiPending = true
        _ = cpu.run(budget: 1)
        XCTAssertEqual(cpu.segments[SegmentIndex.cs].base &+ cpu.rip, 0x604, "delivered with IF = 0, one handler instruction run")
        cpu.nmiPending = true
        _ = cpu.run(budget: 1)
        XCTAssertEqual(cpu.eip, 0x701, "the IRET ran (back after the CLI): a second NMI waited for it")
        XCTAssertEqual(bus.byte(at: 0x500), 1)
        _ = cpu.run(budget: 2)
        XCTAssertEqual(bus.byte(at: 0x500), 2, "the pending NMI is taken after the IRET")
        XCTAssertFalse(cpu.nmiPending)
    }
}
