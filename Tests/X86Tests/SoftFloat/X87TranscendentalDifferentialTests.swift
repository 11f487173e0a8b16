// Runs the x87 transcendental and packed BCD instructions on the host FPU
// (Tests/NativeRunner/x87_runner.c) and in SwiftPC's SoftFloat, in all four
// rounding modes, and compares them.
//
// The host is an AMD CPU. Its transcendental results are not correctly
// rounded, and FSIN, FCOS, FSINCOS and FPTAN compute the functions at x·π/p
// with the SDM's 66-bit p (Vol. 1 §8.3.8), which puts them many units in the
// last place away from the true value once |x| is well above 1 and near
// multiples of π. SoftFloat is correctly rounded almost always (the reference
// table test, X87TranscendentalReferenceTests, checks it against mpmath):
// where the host and the correctly rounded result disagree, the correctly
// rounded result wins. So this test requires
//   - the exception flags IE, DE, ZE and the condition code C2 to be equal;
//   - every result within one unit in the last place of the host's, except
//     for the trigonometric instructions, whose differences beyond that must
//     all be the host's p: SoftFloat reducing by the same p (the
//     `.sdmInternal` constant) must then be within one unit of the host;
//   - the packed BCD instructions, which are exact, to match bit for bit;
// and reports how often the results are bit-identical and how often PE, UE
// and C1 agree.
// SWIFTPC_X87_SEED replays another seed; SWIFTPC_X87_CASES sets the number
// of cases per operation and rounding mode.

import Foundation
import XCTest
@testable import X86

final class X87TranscendentalDifferentialTests: XCTestCase {
    static let defaultSeed: UInt64 = 0x5357_4946_5438_3703
    static let operations: [X87RunnerOp] = [.sine, .cosine, .sineCosine, .tangent, .arctangent,
                                            .twoToXMinusOne, .yLog2X, .yLog2XPlusOne]
    static let comparedFlags: X87StatusFlags = [.invalid, .denormal, .zeroDivide, .c2]
    static let reportedFlags: [(String, X87StatusFlags)] = [("PE", .precision), ("UE", .underflow), ("C1", .c1)]

    var seed: UInt64 {
        ProcessInfo.processInfo.environment["SWIFTPC_X87_SEED"].flatMap { UInt64($0) } ?? Self.defaultSeed
    }
    var casesPerMode: Int {
        ProcessInfo.processInfo.environment["SWIFTPC_X87_CASES"].flatMap { Int($0) } ?? 400
    }

    static func isTrigonometric(_ op: X87RunnerOp) -> Bool {
        op == .sine || op == .cosine || op == .sineCosine || op == .tangent
    }

    /// Whether both result registers of `op` are compared (the others leave
    /// ST(1) as it was or empty).
    static func comparesST1(_ op: X87RunnerOp) -> Bool { op == .sineCosine || op == .tangent }

    /// Two results within `ulps` of each other; NaNs, infinities and zeros must be equal.
    static func close(_ a: Extended80, _ b: Extended80, within ulps: Int64) -> Bool {
        if a == b { return true }
        if a.exponent == 0x7FFF || b.exponent == 0x7FFF || a.isUnsupported || b.isUnsupported || a.isZero || b.isZero {
            return false
        }
        let d = X87TranscendentalReferenceTests.distance(a, b)
        return d != Int64.max && abs(d) <= ulps
    }

    static func closeResults(_ op: X87RunnerOp, _ a: X87Outcome, _ b: X87Outcome, within ulps: Int64) -> Bool {
        close(a.r0, b.r0, within: ulps) && (!comparesST1(op) || close(a.r1, b.r1, within: ulps))
    }

    struct Tally {
        var cases = 0, identical = 0, beyondOneUlp = 0
        var flagAgreement = [Int](repeating: 0, count: 3)

        mutating func add(_ op: X87RunnerOp, ours: X87Outcome, host: X87Outcome) {
            cases += 1
            if ours.r0 == host.r0 && (!comparesST1(op) || ours.r1 == host.r1) { identical += 1 }
            for (i, flag) in reportedFlags.enumerated() where (ours.statusWord ^ host.statusWord) & flag.1.rawValue == 0 {
                flagAgreement[i] += 1
            }
        }

        var summary: String {
            let flags = zip(reportedFlags, flagAgreement).map { "\($0.0.0) \($0.1)" }.joined(separator: ", ")
            return "\(cases) cases, \(identical) bit-identical (\(String(format: "%.1f", 100 * Double(identical) / Double(max(cases, 1))))%), "
                + "\(beyondOneUlp) beyond 1 ulp from SoftFloat (host's p); flags agree: \(flags)"
        }
    }

    func testInRangeOperandsAgainstHostFPU() throws {
        let runner = try X87NativeRunner()
        var operands = X87TranscendentalOperands(rng: DiffRandom(seed: seed))
        var failures = 0
        var report: [String] = []
        for op in Self.operations {
            var cases: [X87Case] = []
            for rounding in X87Control.Rounding.allCases {
                let controlWord = 0x037F & ~0x0C00 | rounding.rawValue << 10
                for _ in 0..<casesPerMode {
                    let (a, b): (Extended80, Extended80)
                    switch op {
                    case .arctangent: (b, a) = operands.arctangent()
                    case .twoToXMinusOne: (a, b) = (operands.twoToXMinusOne(), operands.finite(exponents: 0...0))
                    case .yLog2X: (b, a) = operands.log2()
                    case .yLog2XPlusOne: (b, a) = operands.log2PlusOne()
                    default: (a, b) = (operands.trigonometric(), operands.finite(exponents: 0...0))
                    }
                    cases.append(X87Case(op: op, controlWord: controlWord, a: a, b: b))
                }
            }
            var tally = Tally()
            for (c, host) in zip(cases, try runner.run(cases)) {
                let ours = X87Model.runTranscendental(c, reducingBy: .exact)
                tally.add(op, ours: ours, host: host)
                var ok = (ours.statusWord ^ host.statusWord) & Self.comparedFlags.rawValue == 0
                if !Self.closeResults(op, ours, host, within: 1) {
                    tally.beyondOneUlp += 1
                    if Self.isTrigonometric(op) {
                        let modelled = X87Model.runTranscendental(c, reducingBy: .sdmInternal)
                        ok = ok && Self.closeResults(op, modelled, host, within: 1)
                    } else {
                        ok = false
                    }
                }
                if !ok {
                    failures += 1
                    if failures <= 20 { print(Self.describe(c, ours: ours, host: host)) }
                }
            }
            report.append("  \(op): \(tally.summary)")
        }
        print("x87 transcendental differential, seed \(seed), \(failures) failures:\n" + report.joined(separator: "\n"))
        XCTAssertEqual(failures, 0, "seed \(seed)")
    }

    static func describe(_ c: X87Case, ours: X87Outcome, host: X87Outcome) -> String {
        func hex(_ x: Extended80) -> String { String(x.signExponent, radix: 16) + ":" + String(x.significand, radix: 16) }
        return "mismatch \(c.op) cw=\(String(c.controlWord, radix: 16)) a=\(hex(c.a)) b=\(hex(c.b))\n"
            + "  host  r0=\(hex(host.r0)) r1=\(hex(host.r1)) sw=\(String(host.statusWord & 0x47FF, radix: 16))\n"
            + "  swift r0=\(hex(ours.r0)) r1=\(hex(ours.r1)) sw=\(String(ours.statusWord & 0x47FF, radix: 16))"
    }
}
