// The two machines of the packed-integer tests: the host CPU through
// Tests/NativeRunner/simd_int_runner.c (see the protocol at the top of that
// file), and SwiftPC's CPU in 64-bit mode through LongModeHarness, both
// running one instruction's bytes from the same register and memory state.

import Foundation
import XCTest
@testable import X86
#if canImport(Glibc)
import Glibc
#endif

/// The state one instruction runs from and leaves: XMM0-15, MM0-7, the
/// general registers (RAX RCX RDX RBX RSP RBP RSI RDI R8-R15) and a 64-byte,
/// 64-byte aligned memory block. When `rebased`, RSI and R14 hold offsets
/// into the block, which each machine adds its block's address to.
struct SIMDState: Equatable {
    var xmm = [Vector128](repeating: .zero, count: 16)
    var mm = [UInt64](repeating: 0, count: 8)
    var gpr = [UInt64](repeating: 0, count: 16)
    var memory = [UInt8](repeating: 0, count: 64)
}

struct SIMDCase {
    var code: [UInt8]
    var rebased: Bool
    var state: SIMDState
}

struct SIMDOutcome: Equatable {
    /// The exception vector, or nil.
    var vector: UInt8?
    var state: SIMDState
}

/// The registers the native runner's trampoline keeps for itself (RSP, RDI,
/// R11): the instructions under test must not use them, and both machines
/// report them as they were given.
enum SIMDReserved {
    static let registers: Set<Int> = [4, 7, 11]
}

final class SIMDNativeRunner {
    static let caseSize = 528
    let helper: CompiledHelper
    var toRunner: Int32 { helper.toRunner }
    var fromRunner: Int32 { helper.fromRunner }

    init() throws {
        helper = try CompiledHelper(source: "simd_int_runner.c", magic: "SPCI")
    }

    static func put64(_ v: UInt64, _ out: inout [UInt8]) {
        for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> UInt64(8 * k))) }
    }

    static func get64(_ b: [UInt8], _ at: Int) -> UInt64 {
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(b[at + k]) << UInt64(8 * k) }
        return v
    }

    static func encode(_ s: SIMDState, _ out: inout [UInt8]) {
        for v in s.xmm { put64(v.low, &out); put64(v.high, &out) }
        for v in s.mm { put64(v, &out) }
        for v in s.gpr { put64(v, &out) }
        out += s.memory
    }

    static func decode(_ b: [UInt8], _ at: Int) -> SIMDState {
        var s = SIMDState()
        for k in 0..<16 { s.xmm[k] = Vector128(low: get64(b, at + 16 * k), high: get64(b, at + 16 * k + 8)) }
        for k in 0..<8 { s.mm[k] = get64(b, at + 256 + 8 * k) }
        for k in 0..<16 { s.gpr[k] = get64(b, at + 320 + 8 * k) }
        s.memory = Array(b[(at + 448)..<(at + 512)])
        return s
    }

    /// Runs the cases in batches (the runner reads a whole batch before it answers).
    func run(_ cases: [SIMDCase]) throws -> [SIMDOutcome] {
        var outcomes: [SIMDOutcome] = []
        outcomes.reserveCapacity(cases.count)
        var start = 0
        while start < cases.count {
            let end = min(start + 2048, cases.count)
            var out: [UInt8] = []
            out.reserveCapacity(4 + (end - start) * SIMDNativeRunner.caseSize)
            let n = UInt32(end - start)
            for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: n >> UInt32(8 * k))) }
            for c in cases[start..<end] {
                precondition(c.code.count <= 14)
                out += [UInt8(c.code.count), c.rebased ? 1 : 0] + c.code + [UInt8](repeating: 0, count: 14 - c.code.count)
                SIMDNativeRunner.encode(c.state, &out)
            }
            try NativeRunner.writeAll(toRunner, &out)
            var response = [UInt8](repeating: 0, count: (end - start) * SIMDNativeRunner.caseSize)
            try NativeRunner.readExact(fromRunner, &response)
            for k in 0..<(end - start) {
                let at = k * SIMDNativeRunner.caseSize
                let vector = response[at]
                outcomes.append(SIMDOutcome(vector: vector == 0xFF ? nil : vector, state: SIMDNativeRunner.decode(response, at + 16)))
            }
            start = end
        }
        return outcomes
    }
}

/// SwiftPC's side: one instruction in 64-bit mode at CPL 0 with CR4.OSFXSR
/// set and CR0.EM/TS clear, the memory block at `memoryBase`.
final class SIMDSwiftRunner {
    let harness = LongModeHarness()
    static let memoryBase = 0x10000

    init() {
        harness.cpu.cr4 |= CPU.cr4OSFXSR
    }

    func run(_ c: SIMDCase) -> SIMDOutcome {
        let cpu = harness.cpu
        let base = UInt64(SIMDSwiftRunner.memoryBase)
        for (k, b) in c.state.memory.enumerated() {
            harness.bus.ram.storeBytes(of: b, toByteOffset: SIMDSwiftRunner.memoryBase + k, as: UInt8.self)
        }
        for k in 0..<16 { cpu.setXMM(k, c.state.xmm[k]) }
        for k in 0..<8 { cpu.x87.setMMX(k, c.state.mm[k]) }
        var registers = c.state.gpr
        if c.rebased {
            registers[6] &+= base
            registers[14] &+= base
        }
        let result = harness.step(code: c.code, state: LongModeState(registers: registers, eflags: 0x2))
        var after = SIMDState()
        for k in 0..<16 { after.xmm[k] = cpu.xmmRegister(k) }
        for k in 0..<8 { after.mm[k] = cpu.x87.mmx(k) }
        after.gpr = result.state.registers
        if c.rebased {
            after.gpr[6] &-= base
            after.gpr[14] &-= base
        }
        for r in SIMDReserved.registers { after.gpr[r] = c.state.gpr[r] }
        after.memory = (0..<64).map { harness.bus.byte(at: SIMDSwiftRunner.memoryBase + $0) }
        return SIMDOutcome(vector: result.fault, state: after)
    }
}
