// Runs random SSE/SSE2/SSE3 floating-point instructions on the host CPU
// (Tests/NativeRunner/sse_runner.c) and in SwiftPC's SSE SoftFloat with
// random MXCSRs (every rounding mode, FTZ, DAZ, masked and unmasked
// exceptions) and compares the destination, RAX, MXCSR, RFLAGS and whether
// #XM was raised. RCPPS/RSQRTPS results are approximations that differ
// between vendors: their finite results are checked against the SDM's error
// bound, everything else bit for bit.
// Set SWIFTPC_SSE_SEED to replay a seed, SWIFTPC_SSE_CASES for more cases
// per instruction, SWIFTPC_SSE_OPS (protocol numbers, comma separated) to
// run only some instructions.

import Foundation
import XCTest
@testable import X86

final class SSEDifferentialTests: XCTestCase {
    /// The seed of a default run, so that CI runs the same operations every
    /// time; SWIFTPC_SSE_SEED picks another.
    static let defaultSeed: UInt64 = 0x5353_4546_4C4F_4154

    func testAgainstHostCPU() throws {
        let runner = try SSENativeRunner()
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["SWIFTPC_SSE_SEED"].flatMap { UInt64($0) } ?? SSEDifferentialTests.defaultSeed
        let perOperation = environment["SWIFTPC_SSE_CASES"].flatMap { Int($0) } ?? 3000
        let only = environment["SWIFTPC_SSE_OPS"].map { Set($0.split(separator: ",").compactMap { UInt8($0) }) }
        var generator = SSEOperandGenerator(rng: DiffRandom(seed: seed))
        var total = 0, lanes = 0, mismatches = 0, faults = 0
        var perOp: [SSERunnerOp: Int] = [:]
        for op in SSERunnerOp.allCases where only?.contains(op.rawValue) ?? true {
            let cases = (0..<perOperation).map { _ in generator.instructionCase(op) }
            let host = try runner.run(cases)
            for (c, expected) in zip(cases, host) {
                let got = SSEModel.run(c)
                total += 1
                lanes += SSEDifferentialTests.laneCount(op)
                if expected.faulted { faults += 1 }
                if !SSEDifferentialTests.agrees(c, got, expected) {
                    mismatches += 1
                    perOp[op, default: 0] += 1
                    if mismatches <= 30 { print(SSEDifferentialTests.describe(c, got, expected)) }
                }
            }
        }
        print("SSE differential: seed \(seed), \(total) instructions (\(lanes) lane operations, \(faults) with #XM), "
              + "\(mismatches) mismatches \(perOp.map { "\($0.key)=\($0.value)" }.sorted())")
        XCTAssertEqual(mismatches, 0, "seed \(seed)")
        XCTAssertGreaterThan(total, 0)
    }

    static func laneCount(_ op: SSERunnerOp) -> Int {
        switch op {
        case .addps, .subps, .mulps, .divps, .sqrtps, .minps, .maxps, .cmpps, .cvtdq2ps, .cvtps2dq, .cvttps2dq,
             .rcpps, .rsqrtps, .addsubps, .haddps, .hsubps:
            return 4
        case .addpd, .subpd, .mulpd, .divpd, .sqrtpd, .minpd, .maxpd, .cmppd, .cvtps2pd, .cvtpd2ps, .cvtdq2pd,
             .cvtpd2dq, .cvttpd2dq, .addsubpd, .haddpd, .hsubpd:
            return 2
        default:
            return 1
        }
    }

    static func agrees(_ c: SSECase, _ got: SSEOutcome, _ host: SSEOutcome) -> Bool {
        switch c.op {
        case .rcpps, .rcpss, .rsqrtps, .rsqrtss:
            guard got.mxcsr == host.mxcsr, got.faulted == host.faulted else { return false }
            let square = c.op == .rsqrtps || c.op == .rsqrtss
            let source = c.b.lanes32, mine = got.xmm0.lanes32, theirs = host.xmm0.lanes32
            for i in 0..<4 where mine[i] != theirs[i] {
                let lane = i == 0 || c.op == .rcpps || c.op == .rsqrtps
                let acceptable = { (r: UInt32) in
                    SSEDifferentialTests.withinEstimateBound(source[i], r, square: square)
                        || (!square && SSEDifferentialTests.mayBeTinyReciprocal(source[i]) && r == source[i] & 0x8000_0000)
                }
                guard lane, acceptable(mine[i]), acceptable(theirs[i]) else { return false }
            }
            return true
        default:
            return got == host
        }
    }

    /// Whether `estimate` is a normal binary32 within 1.5 × 2^-12 relative
    /// error of 1/x or 1/√x (SDM Vol. 2 RCPPS, RSQRTPS).
    static func withinEstimateBound(_ x: UInt32, _ estimate: UInt32, square: Bool) -> Bool {
        let field = estimate >> 23 & 0xFF
        guard field != 0, field != 0xFF else { return false }
        let value = Double(Float(bitPattern: x))
        let exact = square ? 1 / value.squareRoot() : 1 / value
        return abs(Double(Float(bitPattern: estimate)) - exact) <= 1.5 * 0x1p-12 * abs(exact)
    }

    /// Whether RCPPS of x may or may not give a tiny result (flushed to a
    /// signed zero), by the range of SDM Vol. 2 RCPPS:
    /// 1.11111111110100000000000B × 2^125 ≤ |x| ≤ 1.00000000000110000000001B × 2^126.
    static func mayBeTinyReciprocal(_ x: UInt32) -> Bool {
        (0x7E7F_E800...0x7E80_0C01).contains(x & 0x7FFF_FFFF)
    }

    static func describe(_ c: SSECase, _ got: SSEOutcome, _ host: SSEOutcome) -> String {
        func hex<T: BinaryInteger>(_ v: T) -> String { String(v, radix: 16) }
        func x(_ v: XMMBits) -> String { "\(hex(v.high)):\(hex(v.low))" }
        func o(_ v: SSEOutcome) -> String {
            "xmm0=\(x(v.xmm0)) rax=\(hex(v.rax)) mxcsr=\(hex(v.mxcsr)) rflags=\(hex(v.rflags)) #XM=\(v.faulted)"
        }
        return "mismatch \(c.op)(\(c.op.rawValue)) imm=\(c.predicate) mxcsr=\(hex(c.mxcsr)) a=\(x(c.a)) b=\(x(c.b))\n"
            + "  host  \(o(host))\n  swift \(o(got))"
    }
}
