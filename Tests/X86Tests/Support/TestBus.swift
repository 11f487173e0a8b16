import X86

/// A minimal board for CPU tests: flat RAM from 0, open bus elsewhere, a
/// recorded I/O port space, and no interrupt controller.
final class TestBus: CPUBus {
    let ramSize: Int
    let ram: UnsafeMutableRawPointer
    let memory = MemoryAccess()
    var ports: [UInt16: UInt32] = [:]
    var outputs: [(port: UInt16, size: Int, value: UInt32)] = []
    lazy var cpu = CPU(bus: self, memory: memory)

    init(ramSize: Int = 1 << 20) {
        self.ramSize = ramSize
        ram = .allocate(byteCount: ramSize, alignment: 4096)
        ram.initializeMemory(as: UInt8.self, repeating: 0, count: ramSize)
        memory.bus = self
        memory.map(firstPage: 0, count: ramSize >> 12, host: ram, writable: true)
    }

    deinit { ram.deallocate() }

    func load(_ bytes: [UInt8], at address: Int) {
        for (k, b) in bytes.enumerated() { memory.writePhysical8(UInt32(address + k), b) }
    }

    func byte(at address: Int) -> UInt8 { ram.load(fromByteOffset: address, as: UInt8.self) }

    func readPhysical(_ address: UInt64, size: Int) -> UInt32 { size == 4 ? 0xFFFF_FFFF : (1 << (8 * UInt32(size))) - 1 }
    func writePhysical(_ address: UInt64, size: Int, value: UInt32) {}
    func portIn(_ port: UInt16, size: Int) -> UInt32 { ports[port] ?? 0xFFFF_FFFF }
    func portOut(_ port: UInt16, size: Int, value: UInt32) { outputs.append((port, size, value)) }
    func acknowledgeInterrupt() -> UInt8 { 0x08 }
}

extension CPU {
    /// The low 32 bits of RIP, for the tests of 16- and 32-bit code.
    var eip: UInt32 {
        get { UInt32(truncatingIfNeeded: rip) }
        set { rip = UInt64(newValue) }
    }
}
