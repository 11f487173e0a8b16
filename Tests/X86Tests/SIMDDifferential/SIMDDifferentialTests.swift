// Differential test of the x87, MMX, SSE, SSE2, SSE3 and SSSE3 instructions
// (issue 6): random blocks of one to four instructions (SIMDGenerator, from
// the form tables SIMDForms*.swift) run from random states on the host CPU
// (Tests/NativeRunner/simd_runner.c, 64-bit user mode) and in SwiftPC
// (SIMDHarness, 64-bit mode at CPL 3, CR0.NE, CR4.OSFXSR and OSXMMEXCPT).
// Each block is FXRSTOR64 [state], the instructions, FXSAVE64 [out]; both
// sides then report the general registers, RFLAGS, the FXSAVE image and the
// data buffer, or for an exception (#MF, #XM, #GP for a misaligned operand,
// #UD) its vector, where it was taken and the state there. SIMDComparison
// says what is compared and what is not, and why.
//
// Environment:
//   SWIFTPC_SIMD_SEED     the seed (decimal or 0x-hex)
//   SWIFTPC_SIMD_CASES    the number of cases (default: enough for 200,000 instructions)
//   SWIFTPC_SIMD_CLASSES  a list such as x87,mmx,sse,sse2,sse3,ssse3, or "all";
//                         default: the classes SwiftPC's CPUID reports
//   SWIFTPC_SIMD_CASE     run only this case (as numbered in a mismatch report)
//   SWIFTPC_SIMD_REPORTS  how many mismatches to report in full (default 20)

import Foundation
import XCTest
@testable import X86

final class SIMDDifferentialTests: XCTestCase {
    static let defaultSeed: UInt64 = 0x5349_4D44_3837_5353
    static let defaultInstructions = 200_000
    static let maxMismatches = 20
    static let casesPerBatch = 1_000

    typealias D = DifferentialTests

    /// The classes SwiftPC's CPUID leaf 1 reports (SDM Vol. 2A, CPUID, Tables
    /// 3-10 and 3-11); none without FXSR, which every block needs.
    static func reportedClasses(_ harness: SIMDHarness) -> [SIMDClass] {
        let (ecx, edx) = harness.cpuidLeaf1()
        guard edx & 1 << 24 != 0 else { return [] }
        var classes: [SIMDClass] = []
        if edx & 1 != 0 { classes.append(.x87) }
        if edx & 1 << 23 != 0 { classes.append(.mmx) }
        if edx & 1 << 25 != 0 { classes.append(.sse) }
        if edx & 1 << 26 != 0 { classes.append(.sse2) }
        if ecx & 1 != 0 { classes.append(.sse3) }
        if ecx & 1 << 9 != 0 { classes.append(.ssse3) }
        return classes
    }

    /// SWIFTPC_SIMD_CLASSES, or the classes SwiftPC reports; only those the host has.
    static func enabledClasses(_ harness: SIMDHarness, _ runner: SIMDBlockRunner) throws -> [SIMDClass] {
        let host = SIMDClass.allCases.filter {
            ($0 != .sse3 || runner.features & 2 != 0) && ($0 != .ssse3 || runner.features & 4 != 0)
        }
        guard let text = ProcessInfo.processInfo.environment["SWIFTPC_SIMD_CLASSES"], !text.isEmpty else {
            return reportedClasses(harness).filter { host.contains($0) }
        }
        if text == "all" { return host }
        var classes: [SIMDClass] = []
        for name in text.split(separator: ",") {
            guard let c = SIMDClass(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw NativeRunnerError.protocolError("SWIFTPC_SIMD_CLASSES: unknown class \(name)")
            }
            if host.contains(c) && !classes.contains(c) { classes.append(c) }
        }
        return classes.sorted()
    }

    // MARK: Known cases

    struct KnownCase {
        var name: String
        var state: FXSaveImage
        var code: [UInt8]
        var registers = [UInt64](repeating: 0, count: 16)
        var fault: UInt8?
        /// Where the fault is taken, as a byte offset into `code`.
        var faultAt: Int?
        var check: (SIMDBlockOutcome) -> Bool
    }

    static let knownCases: [KnownCase] = {
        var plain = FXSaveImage()
        plain.fcw = 0x037F
        plain.mxcsr = 0x1F80
        var zeroDivideUnmasked = plain
        zeroDivideUnmasked.fcw = 0x037B
        var sseZeroDivideUnmasked = plain
        sseZeroDivideUnmasked.mxcsr = 0x1D80
        sseZeroDivideUnmasked.setXMM(0, [0, 0, 0x80, 0x3F] + [UInt8](repeating: 0, count: 12))
        var registers = [UInt64](repeating: 0, count: 16)
        registers[3] = SIMDHarness.dataBase + 128
        var half = plain
        half.setXMM(2, [0, 0, 0x20, 0x40] + [UInt8](repeating: 0, count: 12))   // 2.5
        return [
            KnownCase(name: "fld1; fld1; faddp: ST0 = 2.0", state: plain, code: [0xD9, 0xE8, 0xD9, 0xE8, 0xDE, 0xC1]) {
                $0.state.st(0) == Float80Bits(significand: 1 << 63, signExponent: 0x4000) && $0.state.fsw == 0x3800 && $0.state.ftw == 0x80
            },
            KnownCase(name: "divps 0/0 masked: the default NaN and IE", state: plain, code: [0x0F, 0x5E, 0xC1]) {
                $0.state.xmm(0) == (0xFFC0_0000_FFC0_0000, 0xFFC0_0000_FFC0_0000) && $0.state.mxcsr == 0x1F81
            },
            KnownCase(name: "movaps xmm0, [rbx-127]: #GP(0)", state: plain, code: [0x0F, 0x28, 0x43, 0x81],
                      registers: registers, fault: 13, faultAt: 0) { $0.errorCode == 0 },
            KnownCase(name: "1/0 with ZE unmasked: #MF at the next x87 instruction", state: zeroDivideUnmasked,
                      code: [0xD9, 0xE8, 0xD9, 0xEE, 0xDE, 0xF9, 0xD9, 0xE8], fault: 16, faultAt: 6) {
                $0.state.fsw & 0x80BF == 0x8084
            },
            KnownCase(name: "divss 1/0 with ZE unmasked: #XM, destination kept", state: sseZeroDivideUnmasked,
                      code: [0xF3, 0x0F, 0x5E, 0xC1], fault: 19, faultAt: 0) {
                $0.state.mxcsr == 0x1D84 && $0.state.xmm(0).low == 0x3F80_0000
            },
            KnownCase(name: "cvtss2si eax, xmm2: 2.5 rounds to even", state: half, code: [0xF3, 0x0F, 0x2D, 0xC2]) {
                $0.registers[0] == 2 && $0.state.mxcsr == 0x1FA0
            },
        ]
    }()

    static func checkKnown(_ k: KnownCase, _ out: SIMDBlockOutcome, side: String) {
        XCTAssertEqual(out.fault, k.fault, "\(side): \(k.name)")
        if let at = k.faultAt { XCTAssertEqual(out.faultRIP, SIMDHarness.codeBase + UInt64(SIMDHarness.prologue.count + at), "\(side): \(k.name): where the fault was taken") }
        XCTAssertTrue(k.check(out), "\(side): \(k.name): fsw \(String(out.state.fsw, radix: 16)) mxcsr \(String(out.state.mxcsr, radix: 16)) st0 \(out.state.st(0).hex) xmm0 \(SIMDComparison.xmmText(out.state.xmm(0)))")
    }

    func testSIMDRunnerKnownCases() throws {
        let runner = try SIMDBlockRunner()
        defer { runner.close() }
        let cases = SIMDDifferentialTests.knownCases
        let outcomes = try runner.run(cases.map {
            SIMDBlockCase(label: "known", registers: $0.registers, rflags: 2, state: $0.state,
                     data: [UInt8](repeating: 0, count: SIMDHarness.dataSize), instructions: [],
                     code: SIMDHarness.block($0.code), starts: [])
        })
        for (k, out) in zip(cases, outcomes) { SIMDDifferentialTests.checkKnown(k, out, side: "host") }
    }

    func testSIMDHarnessKnownCases() throws {
        let harness = SIMDHarness()
        let classes = SIMDDifferentialTests.reportedClasses(harness)
        guard classes.contains(.x87) && classes.contains(.sse) && classes.contains(.sse2) else {
            throw XCTSkip("SwiftPC's CPUID does not report FXSR, FPU, SSE and SSE2 yet (reports \(classes.map(\.rawValue)))")
        }
        for k in SIMDDifferentialTests.knownCases {
            let out = harness.run(code: SIMDHarness.block(k.code), registers: k.registers, rflags: 2, state: k.state,
                                  data: [UInt8](repeating: 0, count: SIMDHarness.dataSize))
            SIMDDifferentialTests.checkKnown(k, out, side: "SwiftPC")
        }
    }

    // MARK: Random cases

    struct ClassStatistics {
        var cases = 0, instructions = 0, faults = 0, mismatches = 0
    }

    func testRandomSIMDInstructionsAgainstHost() throws {
        let seed = D.environmentNumber("SWIFTPC_SIMD_SEED") ?? SIMDDifferentialTests.defaultSeed
        let caseLimit = D.environmentNumber("SWIFTPC_SIMD_CASES").map { Int($0) }
        let only = D.environmentNumber("SWIFTPC_SIMD_CASE").map { Int($0) }
        let reports = Int(D.environmentNumber("SWIFTPC_SIMD_REPORTS") ?? UInt64(SIMDDifferentialTests.maxMismatches))
        let runner = try SIMDBlockRunner()
        defer { runner.close() }
        let harness = SIMDHarness()
        let classes = try SIMDDifferentialTests.enabledClasses(harness, runner)
        let seedText = "0x" + String(seed, radix: 16)
        guard !classes.isEmpty else {
            throw XCTSkip("simd differential: no class to run: SwiftPC's CPUID reports \(SIMDDifferentialTests.reportedClasses(harness).map(\.rawValue)); "
                          + "set SWIFTPC_SIMD_CLASSES=all (or a list) to run them anyway")
        }
        let classList = classes.map(\.rawValue).joined(separator: ",")
        var generator = SIMDGenerator(seed: seed, classes: classes)

        var executed = 0, caseIndex = 0, mismatches = 0
        var perClass: [String: ClassStatistics] = [:]
        var faults: [String: Int] = [:]
        var nativeSeconds = 0.0, swiftSeconds = 0.0, generateSeconds = 0.0
        func done() -> Bool {
            if let only = only { return caseIndex > only }
            if let limit = caseLimit { return caseIndex >= limit }
            return executed >= SIMDDifferentialTests.defaultInstructions
        }

        batches: while !done() {
            let tg = Date()
            var cases: [SIMDBlockCase] = []
            var indices: [Int] = []
            var planned = executed
            var next = caseIndex
            while cases.count < SIMDDifferentialTests.casesPerBatch {
                if let only = only, next > only { break }
                if let limit = caseLimit, next >= limit { break }
                if only == nil && caseLimit == nil && planned >= SIMDDifferentialTests.defaultInstructions { break }
                let c = generator.makeCase()
                if only == nil || next == only {
                    cases.append(c)
                    indices.append(next)
                    planned += c.instructions.count
                }
                next += 1
            }
            caseIndex = next
            generateSeconds += Date().timeIntervalSince(tg)
            if cases.isEmpty { break }
            if only != nil, let c = cases.first {
                print("running: " + c.instructions.map { "\($0.text) [\(D.hexBytes($0.bytes))]" }.joined(separator: "; ")
                      + "; fcw \(SIMDComparison.hex(UInt64(c.state.fcw), 4)) fsw \(SIMDComparison.hex(UInt64(c.state.fsw), 4))")
            }
            let t0 = Date()
            let native = try runner.run(cases)
            nativeSeconds += Date().timeIntervalSince(t0)
            let t1 = Date()
            defer { swiftSeconds += Date().timeIntervalSince(t1) }

            for ((c, index), host) in zip(zip(cases, indices), native) {
                let swift = harness.run(code: c.code, registers: c.registers, rflags: c.rflags, state: c.state, data: c.data)
                executed += c.instructions.count
                perClass[c.label, default: ClassStatistics()].cases += 1
                perClass[c.label, default: ClassStatistics()].instructions += c.instructions.count
                if let v = host.fault {
                    perClass[c.label, default: ClassStatistics()].faults += 1
                    faults[SIMDComparison.vectorName(v), default: 0] += 1
                }
                let differences = SIMDComparison.differences(c, host: host, swift: swift, hostVendor: runner.vendor)
                if only != nil {
                    print(SIMDDifferentialTests.report(c, index: index, seedText: seedText, classList: classList, host: host, swift: swift, differences: differences))
                }
                guard !differences.isEmpty else { continue }
                mismatches += 1
                perClass[c.label, default: ClassStatistics()].mismatches += 1
                if mismatches <= reports {
                    XCTFail("simd mismatch \(mismatches): " + SIMDDifferentialTests.report(c, index: index, seedText: seedText, classList: classList,
                                                                                          host: host, swift: swift, differences: differences))
                }
            }
        }

        let classText = perClass.sorted { $0.key < $1.key }.map {
            "\($0.key) \($0.value.instructions) insns/\($0.value.cases) cases/\($0.value.faults) faults/\($0.value.mismatches) mismatches"
        }.joined(separator: "; ")
        let faultText = faults.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("""
            simd differential: seed \(seedText), classes \(classList), \(executed) instructions in \(caseIndex) cases, \
            \(faults.values.reduce(0, +)) faults (\(faultText)), \(mismatches) mismatches; host \(runner.vendor); \
            generate \(String(format: "%.2f", generateSeconds)) s, native \(String(format: "%.2f", nativeSeconds)) s, SwiftPC + compare \(String(format: "%.2f", swiftSeconds)) s
            per class: \(classText)
            """)
        XCTAssertEqual(mismatches, 0, "simd differential: \(mismatches) mismatching cases (seed \(seedText), classes \(classList))")
        if only == nil && caseLimit == nil {
            XCTAssertGreaterThanOrEqual(executed, SIMDDifferentialTests.defaultInstructions)
        }
    }

    static func report(_ c: SIMDBlockCase, index: Int, seedText: String, classList: String, host: SIMDBlockOutcome, swift: SIMDBlockOutcome,
                       differences: [String]) -> String {
        let listing = c.instructions.enumerated().map { k, insn in
            let address = SIMDHarness.codeBase + UInt64(c.starts[k])
            let swiftText = Disassembler.text(bytes: insn.bytes, address: address, codeSize: .bits64).text
            var line = "    \(k): \(insn.text)   [\(D.hexBytes(insn.bytes))]   SwiftPC: \(swiftText)"
            if let offset = insn.memoryOffset, let m = insn.form.rm.memory {
                line += "   data[\(offset)...] before: " + D.hexBytes(Array(c.data[offset..<min(offset + min(m.size, 16), c.data.count)]))
            }
            return line
        }.joined(separator: "\n")
        let fault = { (o: SIMDBlockOutcome) -> String in
            o.fault.map { "\(SIMDComparison.vectorName($0)) at \(SIMDComparison.place(o.faultRIP, in: c))" } ?? "none"
        }
        let stack = (0..<8).map { i -> String in
            let physical = (c.state.top + i) & 7
            return "st\(i)=\(c.state.st(i).hex)\(c.state.ftw >> UInt8(physical) & 1 == 0 ? " (empty)" : "")"
        }.joined(separator: " ")
        return """
            case \(index) (\(c.label)), seed \(seedText)
              reproduce: SWIFTPC_SIMD_SEED=\(seedText) SWIFTPC_SIMD_CLASSES=\(classList) SWIFTPC_SIMD_CASE=\(index) swift test --filter SIMDDifferentialTests
              code:
            \(listing)
              faults: host \(fault(host)), SwiftPC \(fault(swift))
              before: fcw \(SIMDComparison.hex(UInt64(c.state.fcw), 4)) fsw \(SIMDComparison.hex(UInt64(c.state.fsw), 4)) ftw \(SIMDComparison.hex(UInt64(c.state.ftw), 2)) mxcsr \(SIMDComparison.hex(UInt64(c.state.mxcsr), 8)) rflags \(SIMDComparison.hex(UInt64(c.rflags), 4))
              stack before: \(stack)
              \(differences.isEmpty ? "no differences" : "differs:\n      " + differences.joined(separator: "\n      "))
            """
    }
}
