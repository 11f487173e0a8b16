/// What the CPU sees of the board outside RAM: memory-mapped devices and ROM
/// writes (the slow path of `MemoryAccess`), the I/O port space, and the
/// interrupt controller's INTA cycle. Only slow paths go through here.
public protocol CPUBus: AnyObject {
    /// A physical read that hit no directly mapped page. Open bus reads as all-ones.
    func readPhysical(_ address: UInt64, size: Int) -> UInt32
    /// A physical write that hit no directly writable page (ROM, MMIO, nothing).
    func writePhysical(_ address: UInt64, size: Int, value: UInt32)
    func portIn(_ port: UInt16, size: Int) -> UInt32
    func portOut(_ port: UInt16, size: Int, value: UInt32)
    /// The INTA cycle: the vector of the highest-priority pending interrupt.
    func acknowledgeInterrupt() -> UInt8
    /// FERR# (see the default below).
    func floatingPointError()
}

extension CPUBus {
    /// FERR#: an x87 instruction found an unmasked exception pending with
    /// CR0.NE = 0. A PC board routes it to IRQ13 (SDM Vol. 1 §8.7); a bus
    /// without that wiring ignores it.
    public func floatingPointError() {}
}
