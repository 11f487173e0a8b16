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
// and C1 agree. They disagree where the host is not correctly rounded (C1),
// and where the host raises PE, and UE for a tiny result, although the
// result is exact: FYL2X with x a power of two, F2XM1(±1). SoftFloat raises
// them only for inexact results, as SDM Vol. 1 §4.9.1.5 and §4.9.1.6 define.
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
        /// Trigonometric cases bit-identical when SoftFloat reduces by the host's p.
        var identicalWithHostPi = 0
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
            func percent(_ n: Int) -> String { String(format: "%.1f%%", 100 * Double(n) / Double(max(cases, 1))) }
            let withHostPi = identicalWithHostPi > 0 ? " (\(percent(identicalWithHostPi)) with the host's p)" : ""
            return "\(cases) cases, \(identical) bit-identical (\(percent(identical)))\(withHostPi), "
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
                    let (a, b) = Self.inRangeOperands(op, &operands)
                    cases.append(X87Case(op: op, controlWord: controlWord, a: a, b: b))
                }
            }
            let tally = try compare(cases, runner, failures: &failures)
            report.append("  \(op): \(tally.summary)")
        }
        print("x87 transcendental differential, seed \(seed), \(failures) failures:\n" + report.joined(separator: "\n"))
        XCTAssertEqual(failures, 0, "seed \(seed)")
    }

    /// ST(0) and ST(1) inside the operation's documented range.
    static func inRangeOperands(_ op: X87RunnerOp, _ operands: inout X87TranscendentalOperands) -> (Extended80, Extended80) {
        switch op {
        case .arctangent: let (y, x) = operands.arctangent(); return (x, y)
        case .twoToXMinusOne: return (operands.twoToXMinusOne(), operands.finite(exponents: 0...0))
        case .yLog2X: let (y, x) = operands.log2(); return (x, y)
        case .yLog2XPlusOne: let (y, x) = operands.log2PlusOne(); return (x, y)
        default: return (operands.trigonometric(), operands.finite(exponents: 0...0))
        }
    }

    /// With random exception masks: an unmasked IE, DE or ZE leaves the
    /// stack as it was; an unmasked UE or OE delivers the result with its
    /// exponent adjusted by 24576 (SDM Vol. 1 §8.5). The runner reads the
    /// registers with FNSAVE before #MF could be delivered. After the popping
    /// instructions ST(1) is an empty register and is not compared.
    func testUnmaskedResponsesAgainstHostFPU() throws {
        let runner = try X87NativeRunner()
        var operands = X87TranscendentalOperands(rng: DiffRandom(seed: seed))
        var generator = X87OperandGenerator(rng: DiffRandom(seed: seed ^ 0x5555))
        var failures = 0, total = 0, identical = 0, stopped = 0, adjusted = 0
        for op in Self.operations {
            var cases: [X87Case] = []
            while cases.count < casesPerMode {
                let controlWord = UInt16(truncatingIfNeeded: operands.rng.next()) & 0x0F3F
                let (a, b) = operands.rng.next() % 2 == 0 ? Self.inRangeOperands(op, &operands) : (generator.operand(), generator.operand())
                let c = X87Case(op: op, controlWord: controlWord, a: a, b: b, unmasked: true)
                if Self.resultIsDefined(c) { cases.append(c) }
            }
            for (c, host) in zip(cases, try runner.run(cases)) {
                let ours = Self.unmaskedOutcome(c, reducingBy: .exact)
                total += 1
                let unmasked = X87StatusFlags(rawValue: ours.statusWord).subtracting(X87Control(controlWord: c.controlWord).exceptionMasks)
                if !unmasked.intersection([.invalid, .denormal, .zeroDivide]).isEmpty {
                    stopped += 1
                } else if !unmasked.intersection([.overflow, .underflow]).isEmpty {
                    adjusted += 1
                }
                if Self.closeResults(c.op, ours, host, within: 0) { identical += 1 }
                var ok = (ours.statusWord ^ host.statusWord) & Self.comparedFlags.rawValue == 0
                if !Self.closeResults(c.op, ours, host, within: 1) {
                    ok = ok && Self.isTrigonometric(c.op)
                        && Self.closeResults(c.op, Self.unmaskedOutcome(c, reducingBy: .sdmInternal), host, within: 1)
                }
                if !ok {
                    failures += 1
                    if failures <= 20 { print(Self.describe(c, ours: ours, host: host)) }
                }
            }
        }
        print("x87 transcendental unmasked, seed \(seed): \(total) cases (\(stopped) stopped by IE/DE/ZE, "
              + "\(adjusted) with an adjusted OE/UE result), \(identical) bit-identical, \(failures) failures")
        XCTAssertEqual(failures, 0, "seed \(seed)")
    }

    /// SoftFloat's registers after an operation with the case's exception masks.
    static func unmaskedOutcome(_ c: X87Case, reducingBy piOverTwo: X87PiOverTwo) -> X87Outcome {
        let result = X87Model.runTranscendental(c, reducingBy: piOverTwo)
        let raised = X87StatusFlags(rawValue: result.statusWord).intersection([.invalid, .denormal, .zeroDivide])
        if !raised.subtracting(X87Control(controlWord: c.controlWord).exceptionMasks).isEmpty {
            return X87Outcome(r0: c.a, r1: c.b, statusWord: result.statusWord)
        }
        return result
    }

    /// FBSTP and FBLD are exact: results, exception flags and C1 must match
    /// bit for bit (FBLD of nibbles Ah-Fh included, see `load(packedBCD:)`).
    func testPackedBCDAgainstHostFPU() throws {
        let runner = try X87NativeRunner()
        var operands = X87TranscendentalOperands(rng: DiffRandom(seed: seed))
        var generator = X87OperandGenerator(rng: DiffRandom(seed: seed ^ 0xAAAA))
        var cases: [X87Case] = []
        for _ in 0..<4 * casesPerMode {
            let controlWord = 0x037F & ~0x0C00 | UInt16(operands.rng.next() % 4) << 10
            let source = operands.rng.next() % 4 == 0 ? generator.operand() : operands.packedBCDSource()
            cases.append(X87Case(op: .storePackedBCD, controlWord: controlWord, a: source, b: .zero(sign: false)))
            let bcd = operands.packedBCD()
            cases.append(X87Case(op: .loadPackedBCD, controlWord: controlWord,
                                 a: Extended80(signExponent: bcd.high, significand: bcd.low), b: .zero(sign: false)))
        }
        let mask = X87StatusFlags.exceptions.union(.c1).rawValue
        var mismatches = 0, invalid = 0
        for (c, host) in zip(cases, try runner.run(cases)) {
            let ours = X87Model.runTranscendental(c, reducingBy: .exact)
            if ours.statusWord & X87StatusFlags.invalid.rawValue != 0 { invalid += 1 }
            if ours.r0 != host.r0 || (ours.statusWord ^ host.statusWord) & mask != 0 {
                mismatches += 1
                if mismatches <= 20 { print(Self.describe(c, ours: ours, host: host)) }
            }
        }
        print("x87 packed BCD differential, seed \(seed): \(cases.count) cases (\(invalid) invalid), \(mismatches) mismatches")
        XCTAssertEqual(mismatches, 0, "seed \(seed)")
    }

    /// Every operand class (zeros, denormals, pseudo-denormals, infinities,
    /// NaNs, unsupported encodings) as either operand, with the SDM's special
    /// results. Finite operands outside F2XM1's and FYL2XP1's ranges, whose
    /// results are undefined, are left out.
    func testSpecialOperandsAgainstHostFPU() throws {
        let runner = try X87NativeRunner()
        var generator = X87OperandGenerator(rng: DiffRandom(seed: seed))
        var failures = 0
        var report: [String] = []
        for op in Self.operations {
            var cases: [X87Case] = []
            while cases.count < 4 * casesPerMode {
                let controlWord = 0x037F & ~0x0C00 | UInt16(generator.rng.next() % 4) << 10
                let c = X87Case(op: op, controlWord: controlWord, a: generator.operand(), b: generator.operand())
                if Self.resultIsDefined(c) { cases.append(c) }
            }
            let tally = try compare(cases, runner, failures: &failures)
            report.append("  \(op): \(tally.summary)")
        }
        print("x87 transcendental special operands, seed \(seed), \(failures) failures:\n" + report.joined(separator: "\n"))
        XCTAssertEqual(failures, 0, "seed \(seed)")
    }

    /// False for the finite operands outside F2XM1's [−1, 1] and FYL2XP1's
    /// |x| < 1 − √2/2, where the SDM leaves the result undefined.
    static func resultIsDefined(_ c: X87Case) -> Bool {
        let x = c.a
        guard !x.isUnsupported, x.exponent != 0x7FFF else { return true }
        switch c.op {
        case .twoToXMinusOne: return x.exponent < 0x3FFF || (x.exponent == 0x3FFF && x.significand == 1 << 63)
        case .yLog2XPlusOne: return x.exponent < 0x3FFD || (x.exponent == 0x3FFD && x.significand < 0x95F6_1998_0C43_36F7)
        default: return true
        }
    }

    /// Runs the cases on the host and checks SoftFloat against it (see the top of the file).
    func compare(_ cases: [X87Case], _ runner: X87NativeRunner, failures: inout Int) throws -> Tally {
        var tally = Tally()
        for (c, host) in zip(cases, try runner.run(cases)) {
            let ours = X87Model.runTranscendental(c, reducingBy: .exact)
            tally.add(c.op, ours: ours, host: host)
            var ok = (ours.statusWord ^ host.statusWord) & Self.comparedFlags.rawValue == 0
            let modelled = Self.isTrigonometric(c.op) ? X87Model.runTranscendental(c, reducingBy: .sdmInternal) : nil
            if let modelled, Self.closeResults(c.op, modelled, host, within: 0) { tally.identicalWithHostPi += 1 }
            if !Self.closeResults(c.op, ours, host, within: 1) {
                tally.beyondOneUlp += 1
                ok = ok && modelled.map { Self.closeResults(c.op, $0, host, within: 1) } ?? false
            }
            if !ok {
                failures += 1
                if failures <= 20 { print(Self.describe(c, ours: ours, host: host)) }
            }
        }
        return tally
    }

    static func describe(_ c: X87Case, ours: X87Outcome, host: X87Outcome) -> String {
        func hex(_ x: Extended80) -> String { String(x.signExponent, radix: 16) + ":" + String(x.significand, radix: 16) }
        return "mismatch \(c.op) cw=\(String(c.controlWord, radix: 16)) a=\(hex(c.a)) b=\(hex(c.b))\n"
            + "  host  r0=\(hex(host.r0)) r1=\(hex(host.r1)) sw=\(String(host.statusWord & 0x47FF, radix: 16))\n"
            + "  swift r0=\(hex(ours.r0)) r1=\(hex(ours.r1)) sw=\(String(ours.statusWord & 0x47FF, radix: 16))"
    }
}
