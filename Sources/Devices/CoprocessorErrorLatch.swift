/// The PC/AT's coprocessor error logic (IBM PC AT Technical Reference,
/// "Math Coprocessor"; SDM Vol. 1 §8.7 and Appendix D "Guidelines for
/// Writing x87 FPU Exception Handlers"): the processor's FERR# output sets a
/// latch that drives IRQ13, and any write to port F0h clears the latch and
/// asserts IGNNE#, so that the handler's own x87 instructions run despite the
/// pending exception. IGNNE# ends when the error summary clears (the CPU
/// models that side).
public final class CoprocessorErrorLatch: ByteIOPortDevice {
    public let port: UInt16 = 0xF0
    /// IRQ13, wired to the slave 8259A's input 5.
    public let irq = InterruptLine()
    /// Called on a write to F0h: IGNNE# goes to the processor.
    public var onIgnoreNumericError: (() -> Void)?

    public init() {}

    public var ports: ClosedRange<UInt16> { port...port }

    /// FERR# asserted.
    public func numericError() { irq.raise() }

    public func ioReadByte(port: UInt16) -> UInt8 { 0xFF }

    public func ioWriteByte(port: UInt16, value: UInt8) {
        guard port == self.port else { return }
        irq.lower()
        onIgnoreNumericError?()
    }
}
