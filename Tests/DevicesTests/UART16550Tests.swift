import XCTest
import Devices

final class UART16550Tests: XCTestCase {
    private enum Offset {
        static let data: UInt16 = 0
        static let ier: UInt16 = 1
        static let iir: UInt16 = 2
        static let lcr: UInt16 = 3
        static let mcr: UInt16 = 4
        static let lsr: UInt16 = 5
        static let msr: UInt16 = 6
        static let scratch: UInt16 = 7
    }

    private var backend = BufferBackend()
    private var uart = UART16550(backend: NullBackend())
    private var irqChanges: [Bool] = []

    override func setUp() {
        super.setUp()
        backend = BufferBackend()
        uart = UART16550(backend: backend)
        irqChanges = []
        uart.onIRQChange = { [unowned self] level in irqChanges.append(level) }
    }

    private func read(_ offset: UInt16) -> UInt8 {
        UInt8(truncatingIfNeeded: uart.ioRead(port: 0x3F8 + offset, size: 1))
    }

    private func write(_ offset: UInt16, _ value: UInt8) {
        uart.ioWrite(port: 0x3F8 + offset, size: 1, value: UInt32(value))
    }

    func testResetState() {
        let expected: [(UInt16, UInt8, String)] = [
            (Offset.ier, 0x00, "IER"),
            (Offset.iir, 0x01, "IIR"),
            (Offset.lcr, 0x00, "LCR"),
            (Offset.mcr, 0x00, "MCR"),
            (Offset.lsr, 0x60, "LSR"),
            (Offset.msr, 0xB0, "MSR"),
        ]
        for (offset, value, name) in expected {
            XCTAssertEqual(read(offset), value, name)
        }
        XCTAssertFalse(uart.irqLevel)
        XCTAssertEqual(uart.ports, 0x3F8...0x3FF)
    }

    func testTransmitGoesToBackend() {
        for byte in "Hi\n".utf8 {
            XCTAssertEqual(read(Offset.lsr) & 0x20, 0x20, "THRE before each byte")
            write(Offset.data, byte)
        }
        XCTAssertEqual(backend.text, "Hi\n")
        XCTAssertEqual(read(Offset.lsr), 0x60)
    }

    func testDivisorLatchReadBack() {
        write(Offset.lcr, 0x83)
        write(Offset.data, 0x01)
        write(Offset.ier, 0x02)
        XCTAssertEqual(read(Offset.data), 0x01)
        XCTAssertEqual(read(Offset.ier), 0x02)
        uart.ioWrite(port: 0x3F8, size: 2, value: 0x0C00)
        XCTAssertEqual(uart.ioRead(port: 0x3F8, size: 2), 0x0C00)
        XCTAssertEqual(backend.output, [], "DLAB writes must not transmit")

        write(Offset.lcr, 0x03)
        XCTAssertEqual(read(Offset.lcr), 0x03)
        XCTAssertEqual(read(Offset.ier), 0x00, "IER is separate from DLM")
        write(Offset.data, 0x41)
        XCTAssertEqual(backend.output, [0x41])
        write(Offset.lcr, 0x80)
        XCTAssertEqual(uart.ioRead(port: 0x3F8, size: 2), 0x0C00, "latch survives")
    }

    func testScratchRegister() {
        for value: UInt8 in [0x00, 0x55, 0xAA, 0xFF] {
            write(Offset.scratch, value)
            XCTAssertEqual(read(Offset.scratch), value)
        }
    }

    func testIERKeepsOnlyDefinedBits() {
        write(Offset.ier, 0xFF)
        XCTAssertEqual(read(Offset.ier), 0x0F)
        write(Offset.mcr, 0xFF)
        XCTAssertEqual(read(Offset.mcr), 0x1F)
    }

    func testLoopbackReceive() {
        write(Offset.mcr, 0x10)
        write(Offset.data, 0x5A)
        XCTAssertEqual(backend.output, [], "loopback keeps bytes off the line")
        XCTAssertEqual(read(Offset.lsr), 0x61)
        XCTAssertEqual(read(Offset.data), 0x5A)
        XCTAssertEqual(read(Offset.lsr), 0x60)
    }

    func testLoopbackIgnoresBackendInput() {
        backend.queueInput("x")
        write(Offset.mcr, 0x10)
        XCTAssertEqual(read(Offset.lsr) & 0x01, 0)
        XCTAssertEqual(backend.pendingInputCount, 1)
    }

    func testLoopbackModemStatusMirrorsOutputs() {
        let cases: [(mcr: UInt8, msr: UInt8)] = [
            (0x10, 0x00),
            (0x11, 0x20),  // DTR -> DSR
            (0x12, 0x10),  // RTS -> CTS
            (0x14, 0x40),  // OUT1 -> RI
            (0x18, 0x80),  // OUT2 -> DCD
            (0x1A, 0x90),  // the pattern Linux's 8250 probe expects
            (0x1F, 0xF0),
        ]
        for (mcr, msr) in cases {
            write(Offset.mcr, mcr)
            XCTAssertEqual(read(Offset.msr) & 0xF0, msr, "MCR \(mcr)")
        }
    }

    func testModemStatusDeltas() {
        write(Offset.mcr, 0x10)
        XCTAssertEqual(read(Offset.msr), 0x0B, "CTS, DSR, DCD dropped on entering loopback")
        XCTAssertEqual(read(Offset.msr), 0x00, "reading MSR clears the deltas")
        write(Offset.mcr, 0x14)
        XCTAssertEqual(read(Offset.msr), 0x40, "RI leading edge sets no delta")
        write(Offset.mcr, 0x10)
        XCTAssertEqual(read(Offset.msr), 0x04, "RI trailing edge sets TERI")
    }

    func testTransmitterEmptyInterrupt() {
        write(Offset.mcr, 0x08)
        write(Offset.ier, 0x02)
        XCTAssertTrue(uart.irqLevel)
        XCTAssertEqual(irqChanges, [true])
        XCTAssertEqual(read(Offset.iir), 0x02)
        XCTAssertFalse(uart.irqLevel, "reading IIR acknowledges THRE")
        XCTAssertEqual(read(Offset.iir), 0x01)
        XCTAssertEqual(irqChanges, [true, false])

        write(Offset.data, 0x41)
        XCTAssertEqual(read(Offset.iir), 0x02, "THRE returns after the byte leaves")
        XCTAssertEqual(irqChanges, [true, false, true, false])
    }

    func testTransmitPulsesIRQForEdgeTriggeredPIC() {
        write(Offset.mcr, 0x08)
        write(Offset.ier, 0x02)
        write(Offset.data, 0x41)
        XCTAssertEqual(irqChanges, [true, false, true])
        XCTAssertTrue(uart.irqLevel)
    }

    func testIRQNeedsOUT2() {
        write(Offset.ier, 0x02)
        XCTAssertFalse(uart.irqLevel)
        write(Offset.mcr, 0x08)
        XCTAssertTrue(uart.irqLevel)
        write(Offset.mcr, 0x18)
        XCTAssertFalse(uart.irqLevel, "loopback forces the OUT2 pin inactive")
        XCTAssertEqual(read(Offset.iir), 0x02, "the interrupt itself stays pending")
        XCTAssertEqual(irqChanges, [true, false])
    }

    func testReceivedDataInterrupt() {
        write(Offset.mcr, 0x08)
        write(Offset.ier, 0x01)
        XCTAssertEqual(read(Offset.iir), 0x01)
        backend.queueInput("x")
        uart.pollInput()
        XCTAssertTrue(uart.irqLevel)
        XCTAssertEqual(read(Offset.iir), 0x04)
        XCTAssertEqual(read(Offset.iir), 0x04, "IIR read does not clear received data")
        XCTAssertEqual(read(Offset.data), UInt8(ascii: "x"))
        XCTAssertEqual(read(Offset.iir), 0x01)
        XCTAssertFalse(uart.irqLevel)
        XCTAssertEqual(irqChanges, [true, false])
    }

    func testInterruptPriority() {
        write(Offset.mcr, 0x08)
        write(Offset.ier, 0x0F)
        backend.queueInput("ab")
        uart.pollInput()
        XCTAssertEqual(read(Offset.iir), 0x04, "received data outranks THRE")
        XCTAssertEqual(read(Offset.data), UInt8(ascii: "a"))
        XCTAssertEqual(read(Offset.data), UInt8(ascii: "b"))
        XCTAssertEqual(read(Offset.iir), 0x02)
        write(Offset.mcr, 0x18)
        XCTAssertEqual(read(Offset.iir), 0x00, "modem input changes raise modem status")
        _ = read(Offset.msr)
        XCTAssertEqual(read(Offset.iir), 0x01)
    }

    func testReceiveWithoutFIFOHoldsOneByte() {
        backend.queueInput("ab")
        XCTAssertEqual(read(Offset.lsr), 0x61)
        XCTAssertEqual(backend.pendingInputCount, 1, "only RBR is filled")
        XCTAssertEqual(read(Offset.data), UInt8(ascii: "a"))
        XCTAssertEqual(read(Offset.data), UInt8(ascii: "b"))
        XCTAssertEqual(read(Offset.lsr), 0x60)
        XCTAssertEqual(read(Offset.data), UInt8(ascii: "b"), "empty RBR keeps its last byte")
    }

    func testFIFOControlAndIdentification() {
        let cases: [(fcr: UInt8, iir: UInt8)] = [
            (0x01, 0xC4),  // trigger 1: received data
            (0xC1, 0xCC),  // trigger 14 not reached: character timeout
            (0x41, 0xC4),  // trigger 4 reached by the 4 bytes
            (0x00, 0x04),  // FIFOs off: one byte in RBR
        ]
        write(Offset.mcr, 0x08)
        write(Offset.ier, 0x01)
        for (fcr, iir) in cases {
            write(Offset.iir, fcr)
            backend.queueInput("abcd")
            uart.pollInput()
            XCTAssertEqual(read(Offset.iir), iir, "FCR \(fcr)")
            if fcr != 0 {
                write(Offset.iir, fcr | 0x02)
            }
        }
        XCTAssertEqual(read(Offset.data), UInt8(ascii: "a"))
        XCTAssertEqual(backend.pendingInputCount, 3, "without FIFOs only RBR is filled")
    }

    func testFIFOHoldsSixteenBytes() {
        write(Offset.iir, 0x01)
        backend.queueInput(Array(0..<20))
        XCTAssertEqual(read(Offset.lsr) & 0x01, 0x01)
        XCTAssertEqual(backend.pendingInputCount, 4)
        var received: [UInt8] = []
        while read(Offset.lsr) & 0x01 != 0 {
            received.append(read(Offset.data))
        }
        XCTAssertEqual(received, Array(0..<20))
    }

    func testOverrunInLoopback() {
        write(Offset.mcr, 0x10)
        write(Offset.ier, 0x04)
        write(Offset.data, 0x01)
        write(Offset.data, 0x02)
        XCTAssertEqual(read(Offset.iir), 0x06, "overrun raises line status")
        XCTAssertEqual(read(Offset.lsr), 0x63)
        XCTAssertEqual(read(Offset.lsr), 0x61, "reading LSR clears OE")
        XCTAssertEqual(read(Offset.data), 0x02, "without FIFOs the new byte overwrites RBR")
    }

    func testOverrunWithFIFOKeepsOldBytes() {
        write(Offset.iir, 0x01)
        write(Offset.mcr, 0x10)
        for byte in 0..<17 {
            write(Offset.data, UInt8(byte))
        }
        XCTAssertEqual(read(Offset.lsr) & 0x02, 0x02)
        var received: [UInt8] = []
        while read(Offset.lsr) & 0x01 != 0 {
            received.append(read(Offset.data))
        }
        XCTAssertEqual(received, Array(0..<16))
    }

    func testPortsOutsideTheUARTReadOpenBus() {
        XCTAssertEqual(uart.ioRead(port: 0x3F7, size: 1), 0xFF)
        XCTAssertEqual(uart.ioRead(port: 0x400, size: 1), 0xFF)
        XCTAssertEqual(uart.ioRead(port: 0x3FF, size: 2) >> 8, 0xFF)
        uart.ioWrite(port: 0x3F7, size: 4, value: 0xFFFF_FFFF)
        XCTAssertEqual(backend.output, [0xFF], "only the THR byte lands")
    }
}
