extension Disassembler {
    /// Decodes and prints the instruction at the start of `bytes`, which sits at
    /// offset `address` of a code segment of the given size. Returns the text and
    /// the instruction's length; an instruction that runs past the end of `bytes`
    /// is `(bad)` with the length of what there is. Each call builds a scratch
    /// CPU (milliseconds): to list many instructions, decode them on a CPU and
    /// call `text(_:address:)`.
    public static func text(bytes: [UInt8], address: UInt64, codeSize: CodeSize) -> (text: String, length: Int) {
        let source = ByteSource(bytes)
        let memory = MemoryAccess()
        memory.bus = source
        let cpu = CPU(bus: source, memory: memory)
        // Paging is off in a new CPU: a fetch from this flat space cannot fault.
        let decoded = withExtendedLifetime(source) {
            try? cpu.decode(base: 0, ip: 0, codeSize: codeSize)
        }
        guard let decoded, Int(decoded.length) <= bytes.count else { return (bad, bytes.count) }
        return (text(decoded, address: address), Int(decoded.length))
    }
}

/// A board whose whole physical address space is `bytes` from address 0 (zero
/// beyond), with no RAM mapped so that every fetch reaches `readPhysical`, and
/// no devices (CPUBus, as `CPU.decode` fetches through `MemoryAccess`).
private final class ByteSource: CPUBus {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func readPhysical(_ address: UInt64, size: Int) -> UInt32 {
        var v: UInt32 = 0
        for k in 0..<size {
            let a = address &+ UInt64(k)
            if a < UInt64(bytes.count) { v |= UInt32(bytes[Int(a)]) << (8 * UInt32(k)) }
        }
        return v
    }
    func writePhysical(_ address: UInt64, size: Int, value: UInt32) {}
    func portIn(_ port: UInt16, size: Int) -> UInt32 { 0xFFFF_FFFF }
    func portOut(_ port: UInt16, size: Int, value: UInt32) {}
    func acknowledgeInterrupt() -> UInt8 { 0 }
}
