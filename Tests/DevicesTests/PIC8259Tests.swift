import XCTest
import Devices

final class PIC8259Tests: XCTestCase {
    private var pics = InterruptControllerPair()
    private var intrChanges: [Bool] = []

    override func setUp() {
        super.setUp()
        pics = InterruptControllerPair()
        intrChanges = []
        pics.output.onChange = { [unowned self] level in intrChanges.append(level) }
    }

    private func out(_ port: UInt16, _ value: UInt8) {
        pics.ioWrite(port: port, size: 1, value: UInt32(value))
    }

    private func inb(_ port: UInt16) -> UInt8 {
        UInt8(truncatingIfNeeded: pics.ioRead(port: port, size: 1))
    }

    /// The BIOS sequence: edge, cascade, ICW4 8086; vectors 0x08 and 0x70.
    private func initializePC(masterICW4: UInt8 = 0x01, slaveICW4: UInt8 = 0x01, icw1: UInt8 = 0x11) {
        out(0x20, icw1); out(0x21, 0x08); out(0x21, 0x04); out(0x21, masterICW4)
        out(0xA0, icw1); out(0xA1, 0x70); out(0xA1, 0x02); out(0xA1, slaveICW4)
    }

    private func readIRR(_ port: UInt16) -> UInt8 { out(port, 0x0A); return inb(port) }
    private func readISR(_ port: UInt16) -> UInt8 { out(port, 0x0B); return inb(port) }

    private func pulse(_ irq: Int) {
        pics.setIRQ(irq, level: true)
        pics.setIRQ(irq, level: false)
    }

    func testInitializationSequenceAndReadBacks() {
        out(0x21, 0x5A)
        XCTAssertEqual(inb(0x21), 0x5A, "IMR before init")
        initializePC()
        XCTAssertEqual(inb(0x21), 0x00, "ICW1 clears the IMR")
        XCTAssertEqual(pics.master.vectorBase, 0x08)
        XCTAssertEqual(pics.slave.vectorBase, 0x70)
        XCTAssertEqual(pics.master.cascadeConfiguration, 0x04)
        XCTAssertEqual(pics.slave.cascadeConfiguration, 0x02)
        XCTAssertFalse(pics.master.autoEOI)
        let masks: [(UInt16, UInt8)] = [(0x21, 0xFF), (0x21, 0x00), (0xA1, 0xB8), (0xA1, 0x01)]
        for (port, mask) in masks {
            out(port, mask)
            XCTAssertEqual(inb(port), mask, String(format: "IMR at %X", port))
        }
        pics.setIRQ(3, level: true)
        XCTAssertEqual(readIRR(0x20), 0x08)
        XCTAssertEqual(inb(0x20), 0x08, "the RR/RIS selection persists")
        XCTAssertEqual(readISR(0x20), 0x00)
        XCTAssertEqual(pics.acknowledge(), 0x0B)
        XCTAssertEqual(inb(0x20), 0x08, "ISR still selected")
        XCTAssertEqual(readIRR(0x20), 0x00, "edge request cleared by the acknowledge")
    }

    func testSingleModeSkipsICW3AndNoICW4ClearsAEOI() {
        out(0x20, 0x13); out(0x21, 0x20); out(0x21, 0x02)
        XCTAssertTrue(pics.master.autoEOI)
        out(0x20, 0x12); out(0x21, 0x40)
        XCTAssertTrue(pics.master.singleMode)
        XCTAssertFalse(pics.master.autoEOI, "IC4 = 0 zeroes the ICW4 functions")
        out(0x21, 0xFB)
        XCTAssertEqual(inb(0x21), 0xFB, "the write after ICW2 is OCW1 in single mode")
        pics.setIRQ(2, level: true)
        XCTAssertEqual(pics.acknowledge(), 0x47, "IR2 has no slave on the PC board; only the master input feeds it")
        pics.master.setInput(2, level: true)
        XCTAssertEqual(pics.acknowledge(), 0x42, "single mode: IR2 is an ordinary input")
    }

    func testFixedPriorityAndNonSpecificEOI() {
        initializePC()
        for irq in [6, 1, 4] { pulse(irq) }
        XCTAssertEqual(intrChanges, [true])
        XCTAssertEqual(pics.acknowledge(), 0x09)
        XCTAssertEqual(pics.master.isr, 0x02)
        XCTAssertFalse(pics.output.level, "lower levels wait while IR1 is in service")
        pulse(0)
        XCTAssertTrue(pics.output.level, "a higher level interrupts")
        XCTAssertEqual(pics.acknowledge(), 0x08)
        XCTAssertEqual(pics.master.isr, 0x03)
        let order: [(eoiBefore: Int, vector: UInt8, isr: UInt8)] = [(2, 0x0C, 0x10), (1, 0x0E, 0x40)]
        for step in order {
            for _ in 0..<step.eoiBefore { out(0x20, 0x20) }
            XCTAssertTrue(pics.output.level)
            XCTAssertEqual(pics.acknowledge(), step.vector)
            XCTAssertEqual(pics.master.isr, step.isr)
        }
        out(0x20, 0x20)
        XCTAssertEqual(pics.master.isr, 0)
        XCTAssertFalse(pics.output.level)
    }

    func testSpecificEOIAndRotations() {
        initializePC()
        pulse(3); pulse(5)
        XCTAssertEqual(pics.acknowledge(), 0x0B)
        out(0x20, 0x60 | 5)
        XCTAssertEqual(pics.master.isr, 0x08, "specific EOI of a level not in service changes nothing")
        out(0x20, 0x60 | 3)
        XCTAssertEqual(pics.master.isr, 0x00)

        // Rotate on non-specific EOI: the served level becomes the lowest.
        XCTAssertEqual(pics.acknowledge(), 0x0D)
        out(0x20, 0xA0)
        XCTAssertEqual(pics.master.lowestPriority, 5)
        for irq in [0, 4, 6] { pulse(irq) }
        XCTAssertEqual(pics.acknowledge(), 0x0E, "IR6 now has the highest priority")
        out(0x20, 0xE0 | 6)
        XCTAssertEqual(pics.master.lowestPriority, 6, "rotate on specific EOI")
        XCTAssertEqual(pics.acknowledge(), 0x08, "IR0 is next after IR7")
        out(0x20, 0x20)

        out(0x20, 0xC0 | 2)
        XCTAssertEqual(pics.master.lowestPriority, 2, "set priority")
        pulse(1); pulse(3)
        XCTAssertEqual(pics.acknowledge(), 0x0B)
        XCTAssertEqual(pics.acknowledge(), 0x0F, "IR1 is blocked by IR3 in service: spurious")
        out(0x20, 0x40)
        XCTAssertEqual(pics.master.isr, 0x08, "OCW2 no-operation")
    }

    func testAutomaticEOIAndRotateInAEOIMode() {
        initializePC(masterICW4: 0x03)
        XCTAssertTrue(pics.master.autoEOI)
        pulse(4); pulse(6)
        XCTAssertEqual(pics.acknowledge(), 0x0C)
        XCTAssertEqual(pics.master.isr, 0)
        XCTAssertEqual(pics.acknowledge(), 0x0E)
        XCTAssertEqual(pics.master.lowestPriority, 7)
        out(0x20, 0x80)
        pulse(1); pulse(5)
        XCTAssertEqual(pics.acknowledge(), 0x09)
        XCTAssertEqual(pics.master.lowestPriority, 1, "rotate in AEOI mode")
        pulse(1)
        XCTAssertEqual(pics.acknowledge(), 0x0D, "IR5 above IR1 after the rotation")
        out(0x20, 0x00)
        pulse(3)
        XCTAssertEqual(pics.acknowledge(), 0x09)
        XCTAssertEqual(pics.master.lowestPriority, 5, "rotation cleared: the priority stays")
    }

    func testMaskingAndSpecialMaskMode() {
        initializePC()
        out(0x21, 0x10)
        pulse(4)
        XCTAssertFalse(pics.output.level, "masked")
        XCTAssertEqual(readIRR(0x20), 0x10, "IRR holds a masked request")
        out(0x21, 0x00)
        XCTAssertTrue(pics.output.level)
        XCTAssertEqual(pics.acknowledge(), 0x0C)

        // Special mask mode: mask the level in service to let lower ones in.
        pulse(6)
        XCTAssertFalse(pics.output.level)
        out(0x21, 0x10)
        XCTAssertFalse(pics.output.level, "normal mask mode: IR4 in service still blocks")
        out(0x20, 0x68)
        XCTAssertTrue(pics.master.specialMaskMode)
        XCTAssertTrue(pics.output.level)
        XCTAssertEqual(pics.acknowledge(), 0x0E)
        out(0x20, 0x20)
        XCTAssertEqual(pics.master.isr, 0x10, "non-specific EOI skips the masked IR4")
        out(0x20, 0x48)
        XCTAssertFalse(pics.master.specialMaskMode)
        out(0x20, 0x08)
        XCTAssertFalse(pics.master.specialMaskMode, "ESMM = 0 leaves the mode alone")
    }

    func testPollCommand() {
        initializePC()
        out(0x21, 0xFF)
        out(0x20, 0x0C)
        XCTAssertEqual(inb(0x20), 0x00, "no request")
        pics.setIRQ(5, level: true)
        out(0x20, 0x0C)
        XCTAssertEqual(inb(0x20), 0x00, "masked requests are not polled")
        out(0x21, 0x00)
        pics.setIRQ(3, level: true)
        out(0x20, 0x0C)
        XCTAssertEqual(inb(0x20), 0x83)
        XCTAssertEqual(pics.master.isr, 0x08, "the poll read acknowledges")
        XCTAssertEqual(inb(0x20), 0x20, "only one read is a poll; then IRR again")
    }

    func testSpuriousIRQ7() {
        initializePC()
        out(0x4D0, 0x08)
        pics.setIRQ(3, level: true)
        XCTAssertTrue(pics.output.level)
        pics.setIRQ(3, level: false)
        XCTAssertFalse(pics.output.level, "a level request ends with its input")
        XCTAssertEqual(pics.acknowledge(), 0x0F)
        XCTAssertEqual(pics.master.isr, 0, "a spurious IRQ7 sets no ISR bit")

        pulse(5)
        out(0x21, 0x20)
        XCTAssertEqual(pics.acknowledge(), 0x0F, "masked after INTR was raised")
        XCTAssertEqual(pics.master.isr, 0)
    }

    func testCascadeThroughIRQ2() {
        initializePC()
        pulse(12)
        XCTAssertEqual(readIRR(0xA0), 0x10)
        XCTAssertEqual(readIRR(0x20), 0x04)
        XCTAssertTrue(pics.output.level)
        XCTAssertEqual(pics.acknowledge(), 0x74)
        XCTAssertEqual(pics.master.isr, 0x04)
        XCTAssertEqual(pics.slave.isr, 0x10)
        pulse(1)
        XCTAssertEqual(pics.acknowledge(), 0x09, "IRQ1 is above IRQ2 and so above the slave")
        pulse(3)
        pulse(9)
        XCTAssertFalse(pics.output.level, "slave and IRQ3 wait for the EOIs")
        out(0x20, 0x20)
        XCTAssertFalse(pics.output.level, "IRQ2 still in service on the master")
        out(0xA0, 0x20)
        out(0x20, 0x20)
        XCTAssertEqual(pics.acknowledge(), 0x71, "IRQ9 before IRQ3")
        out(0xA0, 0x20); out(0x20, 0x20)
        XCTAssertEqual(pics.acknowledge(), 0x0B)
        pics.setIRQ(2, level: true)
        XCTAssertEqual(readIRR(0x20), 0x00, "IRQ2 is the cascade, not a device line")
    }

    func testSpuriousIRQ15LeavesMasterIR2InService() {
        initializePC()
        out(0x4D1, 0x08)
        pics.setIRQ(11, level: true)
        XCTAssertTrue(pics.output.level)
        pics.setIRQ(11, level: false)
        XCTAssertTrue(pics.output.level, "the master latched the slave's edge")
        XCTAssertEqual(pics.acknowledge(), 0x77)
        XCTAssertEqual(pics.master.isr, 0x04)
        XCTAssertEqual(pics.slave.isr, 0x00)
    }

    func testSlaveAEOIKeepsSecondRequest() {
        initializePC(slaveICW4: 0x03)
        pulse(9); pulse(14)
        XCTAssertEqual(pics.acknowledge(), 0x71)
        out(0x20, 0x20)
        XCTAssertTrue(pics.output.level)
        XCTAssertEqual(pics.acknowledge(), 0x76)
    }

    func testSpecialFullyNestedModeLetsAHigherSlaveRequestIn() {
        initializePC(masterICW4: 0x11)
        pulse(12)
        XCTAssertEqual(pics.acknowledge(), 0x74)
        pulse(8)
        XCTAssertTrue(pics.output.level)
        XCTAssertEqual(pics.acknowledge(), 0x70)

        initializePC()
        pulse(12)
        XCTAssertEqual(pics.acknowledge(), 0x74)
        pulse(8)
        XCTAssertFalse(pics.output.level, "fully nested: IR2 in service blocks its own level")
    }

    func testEdgeAndLevelTriggering() {
        initializePC()
        pics.setIRQ(5, level: true)
        XCTAssertEqual(pics.acknowledge(), 0x0D)
        out(0x20, 0x20)
        XCTAssertFalse(pics.output.level, "an edge input that stays high requests once")
        pics.setIRQ(5, level: false)
        pics.setIRQ(5, level: true)
        XCTAssertTrue(pics.output.level, "a new edge")
        XCTAssertEqual(pics.acknowledge(), 0x0D)
        out(0x20, 0x20)

        out(0x4D0, 0x20)
        XCTAssertTrue(pics.output.level, "level mode: the high input requests")
        XCTAssertEqual(pics.acknowledge(), 0x0D)
        out(0x20, 0x20)
        XCTAssertTrue(pics.output.level, "and again after the EOI while it stays high")
        pics.setIRQ(5, level: false)
        XCTAssertFalse(pics.output.level)

        out(0x4D0, 0x00)
        out(0x20, 0x19); out(0x21, 0x08); out(0x21, 0x04); out(0x21, 0x01)
        XCTAssertEqual(pics.master.levelTriggered, 0xFF, "ICW1 LTIM")
        pics.setIRQ(6, level: true)
        XCTAssertEqual(pics.acknowledge(), 0x0E)
        out(0x20, 0x20)
        XCTAssertTrue(pics.output.level)
    }

    func testReinitializationResetsEdgeSense() {
        initializePC()
        pics.setIRQ(4, level: true)
        initializePC()
        XCTAssertEqual(pics.master.irr, 0)
        XCTAssertFalse(pics.output.level, "an edge input must go low and high again")
        pics.setIRQ(4, level: false)
        pics.setIRQ(4, level: true)
        XCTAssertTrue(pics.output.level)
    }

    func testELCRFixedBits() {
        let cases: [(port: UInt16, write: UInt8, read: UInt8)] = [
            (0x4D0, 0xFF, 0xF8),
            (0x4D0, 0x07, 0x00),
            (0x4D0, 0x28, 0x28),
            (0x4D1, 0xFF, 0xDE),
            (0x4D1, 0x21, 0x00),
            (0x4D1, 0x8E, 0x8E),
        ]
        for c in cases {
            out(c.port, c.write)
            XCTAssertEqual(inb(c.port), c.read, String(format: "%X <- %02X", c.port, c.write))
        }
        XCTAssertEqual(pics.elcr1, 0x28)
        XCTAssertEqual(pics.elcr2, 0x8E)
        XCTAssertEqual(pics.ports, [0x20...0x21, 0xA0...0xA1, 0x4D0...0x4D1])
    }

    func testUnansweredCascadeReadsOpenBus() {
        out(0x20, 0x11); out(0x21, 0x08); out(0x21, 0x04); out(0x21, 0x01)
        out(0xA0, 0x11); out(0xA1, 0x70); out(0xA1, 0x05); out(0xA1, 0x01)
        pulse(10)
        XCTAssertEqual(pics.acknowledge(), 0xFF, "no slave has ID 2")
    }

    func testGarbageNeverTraps() {
        var random = XorShift64(seed: 0x2545_F491_4F6C_DD1D)
        let ports: [UInt16] = [0x20, 0x21, 0xA0, 0xA1, 0x4D0, 0x4D1, 0x22, 0x4D2]
        for _ in 0..<20_000 {
            let state = random.next()
            let port = ports[Int(state % UInt64(ports.count))]
            switch (state >> 8) % 4 {
            case 0: _ = inb(port)
            case 1: pics.setIRQ(Int(truncatingIfNeeded: Int64(bitPattern: state >> 16) % 40), level: state & 0x100 != 0)
            case 2: _ = pics.acknowledge()
            default: pics.ioWrite(port: port, size: Int((state >> 20) % 5), value: UInt32(truncatingIfNeeded: state >> 24))
            }
        }
        XCTAssertEqual(inb(0x4D0) & 0x07, 0, "fixed ELCR bits stay clear")
    }
}
