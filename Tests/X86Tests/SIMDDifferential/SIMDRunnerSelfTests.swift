// Checks of the host side of the SIMD differential test on its own, so that a
// mismatch there means SwiftPC: the host runs the same cases to the same
// outcomes twice, and takes every generated state through FXRSTOR64 and
// FXSAVE64 unchanged.

import XCTest

final class SIMDRunnerSelfTests: XCTestCase {
    static let seed: UInt64 = 0x5349_4D44_5345_4C46

    func testHostOutcomesAreReproducible() throws {
        let runner = try SIMDBlockRunner()
        defer { runner.close() }
        var generator = SIMDGenerator(seed: SIMDRunnerSelfTests.seed, classes: SIMDClass.allCases)
        let cases = (0..<3_000).map { _ in generator.makeCase() }
        let first = try runner.run(cases), second = try runner.run(cases)
        var differing = 0
        for (k, (a, b)) in zip(first, second).enumerated() {
            let same = a.fault == b.fault && a.faultRIP == b.faultRIP && a.errorCode == b.errorCode && a.registers == b.registers
                && a.rflags == b.rflags && a.state == b.state && a.data == b.data
            if !same {
                differing += 1
                if differing <= 5 { XCTFail("case \(k): " + cases[k].instructions.map(\.text).joined(separator: "; ") + ": two host runs differ") }
            }
        }
        XCTAssertEqual(differing, 0)
    }

    /// FXRSTOR64 then FXSAVE64 gives back the generated image: FCW, FSW, the
    /// abridged tags, MXCSR, the registers, and FOP/FIP/FDP when an exception is
    /// pending (AMD stores them only then, see SIMDComparison).
    func testGeneratedStatesRoundTripThroughTheHost() throws {
        let runner = try SIMDBlockRunner()
        defer { runner.close() }
        var generator = SIMDGenerator(seed: SIMDRunnerSelfTests.seed, classes: SIMDClass.allCases)
        var cases: [SIMDBlockCase] = []
        for _ in 0..<2_000 {
            var c = generator.makeCase()
            c.instructions = []
            c.code = SIMDHarness.block([])
            c.starts = [SIMDHarness.prologue.count]
            cases.append(c)
        }
        var problems = 0
        for (c, out) in zip(cases, try runner.run(cases)) {
            let a = c.state, b = out.state
            var differing: [String] = []
            if out.fault != nil { differing.append("fault \(SIMDComparison.vectorName(out.fault))") }
            if a.fcw != b.fcw { differing.append("fcw \(String(a.fcw, radix: 16)) -> \(String(b.fcw, radix: 16))") }
            if a.fsw != b.fsw { differing.append("fsw \(String(a.fsw, radix: 16)) -> \(String(b.fsw, radix: 16))") }
            if a.ftw != b.ftw { differing.append("ftw") }
            if a.mxcsr != b.mxcsr { differing.append("mxcsr") }
            if (0..<8).contains(where: { a.st($0) != b.st($0) }) { differing.append("st") }
            if (0..<16).contains(where: { a.xmm($0) != b.xmm($0) }) { differing.append("xmm") }
            if a.fsw & 0x80 != 0 && (a.fop != b.fop || a.fip != b.fip || a.fdp != b.fdp) {
                differing.append("pointers \(String(a.fip, radix: 16)) -> \(String(b.fip, radix: 16))")
            }
            if !differing.isEmpty {
                problems += 1
                if problems <= 5 { XCTFail("round trip: " + differing.joined(separator: ", ")) }
            }
        }
        XCTAssertEqual(problems, 0)
    }

    /// The generator's idea of which FCOMI-family comparisons raise #IA
    /// (`raisesInvalidArithmetic`, which the comparison relies on) agrees with
    /// the host: where IE was clear before, the host sets IE without SF exactly then.
    func testInvalidComparisonsAgreeWithTheHost() throws {
        let runner = try SIMDBlockRunner()
        defer { runner.close() }
        var generator = SIMDGenerator(seed: SIMDRunnerSelfTests.seed, classes: [.x87])
        var cases: [SIMDBlockCase] = []
        while cases.count < 400 {
            var c = generator.makeCase()
            guard let first = c.instructions.first, SIMDGenerator.flagComparisons.contains(first.form.name),
                  c.state.fsw & 0x41 == 0 else { continue }
            c.instructions = [first]
            c.code = SIMDHarness.block(first.bytes)
            c.starts = [SIMDHarness.prologue.count, SIMDHarness.prologue.count + first.bytes.count]
            cases.append(c)
        }
        var marked = 0
        for (c, out) in zip(cases, try runner.run(cases)) {
            let raised = out.state.fsw & 0x41 == 0x01
            if c.instructions[0].raisesInvalidArithmetic { marked += 1 }
            XCTAssertEqual(c.instructions[0].raisesInvalidArithmetic, raised,
                           "\(c.instructions[0].text): st0 \(c.state.st(0).hex), fsw after \(String(out.state.fsw, radix: 16))")
        }
        XCTAssertGreaterThan(marked, 20)
    }
}
