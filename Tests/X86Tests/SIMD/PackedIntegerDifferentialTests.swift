// Runs every MMX, SSE2 and SSSE3 integer instruction form with random
// operands on this host's CPU (Tests/NativeRunner/simd_int_runner.c) and in
// SwiftPC, and compares XMM0-15, MM0-7, the general registers, the memory
// block and the exception raised. SWIFTPC_SIMD_INT_SEED replays a seed,
// SWIFTPC_SIMD_INT_CASES sets the cases per form.

import Foundation
import XCTest
@testable import X86

final class PackedIntegerDifferentialTests: XCTestCase {
    /// The seed of a default run, so that CI runs the same cases every time.
    static let defaultSeed: UInt64 = 0x5350_4349_4E54_0601

    func testAgainstHostCPU() throws {
        let native = try SIMDNativeRunner()
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["SWIFTPC_SIMD_INT_SEED"].flatMap { UInt64($0) } ?? PackedIntegerDifferentialTests.defaultSeed
        let perForm = environment["SWIFTPC_SIMD_INT_CASES"].flatMap { Int($0) } ?? 256
        var generator = PackedCaseGenerator(rng: DiffRandom(seed: seed))
        let forms = PackedForms.all
        var cases: [SIMDCase] = [], owners: [Int] = []
        for (index, form) in forms.enumerated() {
            for k in 0..<perForm {
                cases.append(generator.makeCase(form, memory: form.memorySize > 0 && k % 2 == 1))
                owners.append(index)
            }
        }
        let host = try native.run(cases)
        let swift = SIMDSwiftRunner()
        var mismatches = 0, hostFaults = 0, memoryCases = 0
        var compared = [Int](repeating: 0, count: forms.count), failed = [Int](repeating: 0, count: forms.count)
        var report: [String] = []
        for (k, c) in cases.enumerated() {
            let expected = host[k], actual = swift.run(c)
            if c.rebased { memoryCases += 1 }
            if expected.vector != nil { hostFaults += 1 } else { compared[owners[k]] += 1 }
            guard expected != actual else { continue }
            mismatches += 1
            failed[owners[k]] += 1
            if failed[owners[k]] <= 2 && report.count < 40 {
                report.append("case \(k) \(forms[owners[k]].name) [\(PackedIntegerDifferentialTests.hex(c.code))]: "
                              + PackedIntegerDifferentialTests.differences(c.state, expected, actual).joined(separator: "; "))
            }
        }
        let summary = "packed-integer differential, seed \(seed): \(forms.count) forms, \(cases.count) cases "
            + "(\(memoryCases) with a memory operand), \(hostFaults) faulted on the host, \(mismatches) mismatches"
        print(summary)
        for (index, count) in failed.enumerated() where count > 0 { print("  \(forms[index].name): \(count) mismatches") }
        for line in report { print("  " + line) }
        XCTAssertEqual(mismatches, 0, summary + "\n" + report.joined(separator: "\n"))
        for (index, count) in compared.enumerated() {
            XCTAssertGreaterThan(count, 0, "\(forms[index].name): no case ran to completion on the host")
        }
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02X", $0) }.joined(separator: " ") }

    static func hex(_ v: UInt64) -> String { String(format: "%016llX", v) }

    /// What differs between the host's outcome and SwiftPC's, with the inputs
    /// of the registers concerned.
    static func differences(_ input: SIMDState, _ expected: SIMDOutcome, _ actual: SIMDOutcome) -> [String] {
        var lines: [String] = []
        if expected.vector != actual.vector {
            lines.append("exception host \(expected.vector.map(String.init) ?? "none") SwiftPC \(actual.vector.map(String.init) ?? "none")")
        }
        let e = expected.state, a = actual.state
        for k in 0..<16 where e.xmm[k] != a.xmm[k] {
            lines.append("XMM\(k) in \(hex(input.xmm[k].high)):\(hex(input.xmm[k].low)) host \(hex(e.xmm[k].high)):\(hex(e.xmm[k].low)) "
                         + "SwiftPC \(hex(a.xmm[k].high)):\(hex(a.xmm[k].low))")
        }
        for k in 0..<8 where e.mm[k] != a.mm[k] {
            lines.append("MM\(k) in \(hex(input.mm[k])) host \(hex(e.mm[k])) SwiftPC \(hex(a.mm[k]))")
        }
        for k in 0..<16 where e.gpr[k] != a.gpr[k] {
            lines.append("GPR\(k) in \(hex(input.gpr[k])) host \(hex(e.gpr[k])) SwiftPC \(hex(a.gpr[k]))")
        }
        if e.memory != a.memory { lines.append("memory differs") }
        return lines
    }
}
