// Shared support of the SSE floating-point instruction tests: the encodings
// of the instructions sse_runner.c knows, and a 64-bit machine that runs one
// of them with the state the runner gives the host (XMM0 = a, XMM1 = b,
// RAX = a's low quadword, RCX = b's, RFLAGS = 8D7h, MXCSR).

import XCTest
@testable import X86

final class SSEFloatRig {
    let harness = LongModeHarness()
    var cpu: CPU { harness.cpu }
    /// A data area in the identity-mapped low memory, 16-byte aligned.
    static let data: UInt64 = 0x10000
    static let xmFault: UInt8 = 19, udFault: UInt8 = 6, gpFault: UInt8 = 13, nmFault: UInt8 = 7

    init() {
        cpu.cr4 |= CPU.cr4OSFXSR | CPU.cr4OSXMMEXCPT
    }

    /// The register form of `op` as the runner encodes it: destination XMM0
    /// (or EAX/RAX), source XMM1 (or ECX/RCX).
    static func encoding(_ op: SSERunnerOp, predicate: UInt8 = 0) -> [UInt8] {
        let none: [UInt8] = [], pd: [UInt8] = [0x66], ss: [UInt8] = [0xF3], sd: [UInt8] = [0xF2]
        let four = [none, ss, pd, sd]
        let raw = Int(op.rawValue)
        switch op {
        case .addps, .addss, .addpd, .addsd: return four[raw % 4] + [0x0F, 0x58, 0xC1]
        case .subps, .subss, .subpd, .subsd: return four[raw % 4] + [0x0F, 0x5C, 0xC1]
        case .mulps, .mulss, .mulpd, .mulsd: return four[raw % 4] + [0x0F, 0x59, 0xC1]
        case .divps, .divss, .divpd, .divsd: return four[raw % 4] + [0x0F, 0x5E, 0xC1]
        case .sqrtps, .sqrtss, .sqrtpd, .sqrtsd: return four[raw % 4] + [0x0F, 0x51, 0xC1]
        case .minps, .minss, .minpd, .minsd: return four[raw % 4] + [0x0F, 0x5D, 0xC1]
        case .maxps, .maxss, .maxpd, .maxsd: return four[raw % 4] + [0x0F, 0x5F, 0xC1]
        case .cmpps, .cmpss, .cmppd, .cmpsd: return four[raw % 4] + [0x0F, 0xC2, 0xC1, predicate]
        case .comiss: return [0x0F, 0x2F, 0xC1]
        case .ucomiss: return [0x0F, 0x2E, 0xC1]
        case .comisd: return [0x66, 0x0F, 0x2F, 0xC1]
        case .ucomisd: return [0x66, 0x0F, 0x2E, 0xC1]
        case .cvtss2sd: return [0xF3, 0x0F, 0x5A, 0xC1]
        case .cvtsd2ss: return [0xF2, 0x0F, 0x5A, 0xC1]
        case .cvtps2pd: return [0x0F, 0x5A, 0xC1]
        case .cvtpd2ps: return [0x66, 0x0F, 0x5A, 0xC1]
        case .cvtsi2ss32: return [0xF3, 0x0F, 0x2A, 0xC1]
        case .cvtsi2ss64: return [0xF3, 0x48, 0x0F, 0x2A, 0xC1]
        case .cvtsi2sd32: return [0xF2, 0x0F, 0x2A, 0xC1]
        case .cvtsi2sd64: return [0xF2, 0x48, 0x0F, 0x2A, 0xC1]
        case .cvtss2si32: return [0xF3, 0x0F, 0x2D, 0xC1]
        case .cvtss2si64: return [0xF3, 0x48, 0x0F, 0x2D, 0xC1]
        case .cvttss2si32: return [0xF3, 0x0F, 0x2C, 0xC1]
        case .cvttss2si64: return [0xF3, 0x48, 0x0F, 0x2C, 0xC1]
        case .cvtsd2si32: return [0xF2, 0x0F, 0x2D, 0xC1]
        case .cvtsd2si64: return [0xF2, 0x48, 0x0F, 0x2D, 0xC1]
        case .cvttsd2si32: return [0xF2, 0x0F, 0x2C, 0xC1]
        case .cvttsd2si64: return [0xF2, 0x48, 0x0F, 0x2C, 0xC1]
        case .cvtdq2ps: return [0x0F, 0x5B, 0xC1]
        case .cvtps2dq: return [0x66, 0x0F, 0x5B, 0xC1]
        case .cvttps2dq: return [0xF3, 0x0F, 0x5B, 0xC1]
        case .cvtdq2pd: return [0xF3, 0x0F, 0xE6, 0xC1]
        case .cvtpd2dq: return [0xF2, 0x0F, 0xE6, 0xC1]
        case .cvttpd2dq: return [0x66, 0x0F, 0xE6, 0xC1]
        case .rcpps: return [0x0F, 0x53, 0xC1]
        case .rcpss: return [0xF3, 0x0F, 0x53, 0xC1]
        case .rsqrtps: return [0x0F, 0x52, 0xC1]
        case .rsqrtss: return [0xF3, 0x0F, 0x52, 0xC1]
        case .addsubps: return [0xF2, 0x0F, 0xD0, 0xC1]
        case .addsubpd: return [0x66, 0x0F, 0xD0, 0xC1]
        case .haddps: return [0xF2, 0x0F, 0x7C, 0xC1]
        case .haddpd: return [0x66, 0x0F, 0x7C, 0xC1]
        case .hsubps: return [0xF2, 0x0F, 0x7D, 0xC1]
        case .hsubpd: return [0x66, 0x0F, 0x7D, 0xC1]
        }
    }

    /// Runs `code` from the runner's state for `c`; returns the outcome in
    /// the runner's terms and the vector of any exception.
    func run(_ code: [UInt8], _ c: SSECase, registers: [Int: UInt64] = [:]) -> (outcome: SSEOutcome, fault: UInt8?) {
        cpu.setXMM(0, Vector128(low: c.a.low, high: c.a.high))
        cpu.setXMM(1, Vector128(low: c.b.low, high: c.b.high))
        cpu.mxcsr = c.mxcsr
        var r = [UInt64](repeating: 0, count: 16)
        r[Reg.eax] = c.a.low
        r[Reg.ecx] = c.b.low
        for (k, v) in registers { r[k] = v }
        let (state, fault, _) = harness.step(code: code, state: LongModeState(registers: r, eflags: 0x8D7))
        let x = cpu.xmmRegister(0)
        let outcome = SSEOutcome(xmm0: XMMBits(low: x.low, high: x.high), rax: state.registers[Reg.eax], mxcsr: cpu.mxcsr,
                                 rflags: UInt16(truncatingIfNeeded: state.eflags & 0x8D5), faulted: fault == SSEFloatRig.xmFault)
        return (outcome, fault)
    }

    /// Runs the register form of `c.op`.
    func run(_ c: SSECase) -> (outcome: SSEOutcome, fault: UInt8?) {
        run(SSEFloatRig.encoding(c.op, predicate: c.predicate), c)
    }

    func poke(_ address: UInt64, _ values: [UInt64]) {
        for (k, v) in values.enumerated() { harness.bus.ram.storeBytes(of: v, toByteOffset: Int(address) + 8 * k, as: UInt64.self) }
    }

    /// Random register-form cases of `ops` run in SwiftPC, compared with the
    /// SoftFloat model (any host) and with the host CPU (x86-64 Linux); the
    /// number of cases run, or a failure naming the seed.
    static func compareRegisterForms(_ ops: [SSERunnerOp], seed: UInt64, perOperation: Int,
                                     file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let rig = SSEFloatRig()
        let runner = try? SSENativeRunner()
        var generator = SSEOperandGenerator(rng: DiffRandom(seed: seed))
        var total = 0, mismatches = 0
        for op in ops {
            let cases = (0..<perOperation).map { _ in generator.instructionCase(op) }
            let host = try runner?.run(cases)
            for (k, c) in cases.enumerated() {
                let (got, fault) = rig.run(c)
                let model = SSEModel.run(c)
                total += 1
                var wrong = got != model || (fault != nil && fault != xmFault)
                if let expected = host?[k], !SSEDifferentialTests.agrees(c, got, expected) { wrong = true }
                if wrong {
                    mismatches += 1
                    if mismatches <= 10 {
                        print(SSEDifferentialTests.describe(c, got, host?[k] ?? model) + " fault=\(String(describing: fault))")
                    }
                }
            }
        }
        XCTAssertEqual(mismatches, 0, "seed \(seed), \(runner == nil ? "model only" : "model and host")", file: file, line: line)
        return total
    }
}
