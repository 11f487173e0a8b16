import XCTest
@testable import X86

/// No guest input may crash the host: random bytes run as real-mode code, with
/// random registers and a random IVT, must only ever raise guest exceptions.
final class RobustnessTests: XCTestCase {
    func testRandomCodeNeverTrapsTheHost() {
        let seed = UInt64(ProcessInfo.processInfo.environment["SWIFTPC_FUZZ_SEED"] ?? "") ?? 0x5350_4346_555A
        var random = DiffRandom(seed: seed)
        var executed: UInt64 = 0
        for round in 0..<60 {
            let bus = TestBus()
            let cpu = bus.cpu
            // Random bytes over the first 64 KiB (IVT included) and the code segment.
            var bytes = [UInt8](repeating: 0, count: 0x10000)
            for k in stride(from: 0, to: bytes.count, by: 8) {
                let v = random.next()
                for b in 0..<8 { bytes[k + b] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(b))) }
            }
            bus.load(bytes, at: 0)
            bus.load(bytes, at: 0x20000)
            for r in 0..<8 { cpu.set32(r, UInt32(truncatingIfNeeded: random.next())) }
            cpu.eflags = UInt32(truncatingIfNeeded: random.next()) & ~LazyFlags.tf
            cpu.segments[SegmentIndex.cs] = SegmentRegister(selector: 0x2000, base: 0x20000, limit: 0xFFFF, attributes: 0x9B)
            cpu.eip = UInt32(truncatingIfNeeded: random.next()) & 0xFFFF
            var budget = 20_000
            while budget > 0 && !cpu.shutdown {
                let before = cpu.instructionCount
                switch cpu.run(budget: budget) {
                case .halted: cpu.halted = false
                default: break
                }
                let done = Int(cpu.instructionCount &- before)
                budget -= max(done, 1)
            }
            executed &+= cpu.instructionCount
            XCTAssertGreaterThan(cpu.instructionCount, 0, "seed \(seed) round \(round)")
        }
        print("robustness: \(executed) random instructions executed without a host trap (seed \(seed))")
    }
}
