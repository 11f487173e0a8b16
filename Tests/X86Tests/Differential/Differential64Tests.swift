// Differential test in 64-bit mode: random straight-line integer instructions
// with REX prefixes on all sixteen registers (DiffGenerator64) run both in
// SwiftPC (64-bit mode at CPL 0, via LongModeHarness) and natively on the
// x86-64 host (native_runner --long), compared after every instruction.
//
// SWIFTPC_DIFF64_SEED (decimal or 0x-hex) picks the seed, SWIFTPC_DIFF64_COUNT
// the number of instructions (default 300,000, a few seconds in a debug build).
//
// Compared: all sixteen 64-bit registers but RSP, and the EFLAGS bits in
// `DiffFlags.compared` minus the flags the instruction leaves undefined
// (`DiffFlagModel.flagEffect`, given the actual shift count). Undefined
// destination bits (BSF/BSR with a zero source, 16-bit SHLD/SHRD by more than
// 16) are not compared either. A #DE must happen on both sides, with the state
// before the instruction (SwiftPC's RFLAGS and RIP taken from the frame the
// exception pushed); it ends the sequence. As in DifferentialTests, undefined
// bits are copied from the host into the state SwiftPC continues from, and the
// generator never lets an instruction read a flag that may be undefined.

import XCTest
import X86

final class Differential64Tests: XCTestCase {
    static let defaultSeed: UInt64 = 0x5357_4946_5450_4364
    static let defaultCount = 300_000
    static let maxMismatches = 20
    static let casesPerBatch = 2_000

    typealias D = DifferentialTests

    static func describe(_ regs: [UInt64], _ eflags: UInt32) -> String {
        let names = (0..<16).map { "\(DiffRegisters64.name($0, 8))=\(DiffRegisters64.hex(regs[$0]))" }
        return names[0..<8].joined(separator: " ") + "\n                " + names[8...].joined(separator: " ")
            + " rflags=\(D.hex(eflags)) [\(DiffFlags.describe(eflags & DiffFlags.status))]"
    }

    /// The instruction carries a REX prefix (after any 0x66/0x67).
    static func hasRex(_ bytes: [UInt8]) -> Bool {
        bytes.first { $0 != 0x66 && $0 != 0x67 }.map { $0 & 0xF0 == 0x40 } ?? false
    }

    /// Hand-written cases with known results, run on the host and in SwiftPC.
    static let knownCases: [(name: String, registers: [UInt64], eflags: UInt32, code: [UInt8], register: Int, value: UInt64?)] = {
        var r = [UInt64](repeating: 0, count: 16)
        r[0] = UInt64.max; r[3] = 1; r[6] = 0x1100; r[4] = LongModeHarness.stackTop
        var highRAX = r
        highRAX[0] = 0xFFFF_FFFF_0000_0001
        var divide = r
        divide[0] = 0; divide[2] = 1; divide[9] = 2
        return [
            ("add rax, rbx", r, 0x2, [0x48, 0x01, 0xD8], 0, 0),
            ("mov r15, imm64", r, 0x2, [0x49, 0xBF, 0xF0, 0xDE, 0xBC, 0x9A, 0x78, 0x56, 0x34, 0x12], 15, 0x1234_5678_9ABC_DEF0),
            ("cmovz eax, ecx (false) clears bits 63:32", highRAX, 0x2, [0x0F, 0x44, 0xC1], 0, 1),
            ("nop (90) keeps bits 63:32", highRAX, 0x2, [0x90], 0, 0xFFFF_FFFF_0000_0001),
            ("xchg eax, eax (87 C0) clears them", highRAX, 0x2, [0x87, 0xC0], 0, 1),
            ("setne sil", r, 0x2, [0x40, 0x0F, 0x95, 0xC6], 6, 0x1101),
            ("setne dh", r, 0x2, [0x0F, 0x95, 0xC6], 2, 0x100),
            ("div r9: RDX:RAX / 2", divide, 0x2, [0x49, 0xF7, 0xF1], 0, 0x8000_0000_0000_0000),
            ("div r10 by 0: #DE", divide, 0x2, [0x49, 0xF7, 0xF2], 0, nil),
        ]
    }()

    func testLongModeHarnessKnownCases() {
        let harness = LongModeHarness()
        for c in Differential64Tests.knownCases {
            let out = harness.step(code: c.code, state: LongModeState(registers: c.registers, eflags: c.eflags))
            if let value = c.value {
                XCTAssertNil(out.fault, c.name)
                XCTAssertEqual(out.state.registers[c.register], value, c.name)
            } else {
                XCTAssertEqual(out.fault, 0, c.name)
                XCTAssertEqual(out.faultRIP, UInt64(LongModeHarness.code), c.name)
                XCTAssertEqual(out.state.registers, c.registers, c.name)
            }
        }
    }

    func testNativeRunner64KnownCases() throws {
        let runner = try NativeRunner(mode: .long)
        defer { runner.close() }
        let cases = Differential64Tests.knownCases
        let results = try runner.run64(cases.map { (registers: $0.registers, eflags: $0.eflags, code: [$0.code]) })
        XCTAssertEqual(results.count, cases.count)
        for (c, steps) in zip(cases, results) {
            guard let step = steps.first else { XCTFail("\(c.name): no step"); continue }
            if let value = c.value {
                XCTAssertNil(step.fault, c.name)
                XCTAssertEqual(step.registers[c.register], value, c.name)
            } else {
                XCTAssertEqual(step.fault, 0, c.name)
                XCTAssertEqual(step.registers, c.registers, "\(c.name): a faulting instruction reports the state before it")
            }
        }
    }

    func testRandomIntegerInstructions64AgainstHost() throws {
        let seed = D.environmentNumber("SWIFTPC_DIFF64_SEED") ?? Differential64Tests.defaultSeed
        let target = Int(D.environmentNumber("SWIFTPC_DIFF64_COUNT") ?? UInt64(Differential64Tests.defaultCount))
        let runner = try NativeRunner(mode: .long)
        defer { runner.close() }
        var generator = DiffGenerator64(seed: seed, allowLahfSahf: runner.hasLahfSahf)
        let harness = LongModeHarness()

        var executed = 0, caseIndex = 0, faults = 0, mismatches = 0, withRex = 0
        var perFamily: [String: Int] = [:]
        var nativeSeconds = 0.0, swiftSeconds = 0.0
        let seedText = "0x" + String(seed, radix: 16)

        batches: while executed < target {
            let cases = (0..<Differential64Tests.casesPerBatch).map { _ in generator.makeCase() }
            let t0 = Date()
            let native = try runner.run64(cases.map { c in
                (registers: c.registers, eflags: c.eflags, code: c.instructions.map { $0.bytes })
            })
            nativeSeconds += Date().timeIntervalSince(t0)
            let t1 = Date()
            defer { swiftSeconds += Date().timeIntervalSince(t1) }

            for (c, hostSteps) in zip(cases, native) {
                defer { caseIndex += 1 }
                var state = LongModeState(registers: c.registers, eflags: c.eflags)
                var undefinedSoFar: UInt32 = 0   // exact, for checking the generator's own tracking
                for (k, host) in hostSteps.enumerated() {
                    let insn = c.instructions[k]
                    let before = state
                    let exact = insn.flagEffect(maskedCount: insn.maskedCount(cl: UInt32(before.registers[1] & 0xFF)))
                    if insn.flagsRead & undefinedSoFar != 0 {
                        mismatches += 1
                        XCTFail("generator bug (seed \(seedText), case \(caseIndex), step \(k)): \(insn.text) reads undefined flags [\(DiffFlags.describe(insn.flagsRead & undefinedSoFar))]")
                        if mismatches >= Differential64Tests.maxMismatches { break batches }
                    }
                    undefinedSoFar = (undefinedSoFar & ~exact.defined) | exact.undefined
                    let swift = harness.step(code: insn.bytes, state: state)
                    executed += 1
                    perFamily[insn.kind.family, default: 0] += 1
                    if Differential64Tests.hasRex(insn.bytes) { withRex += 1 }

                    var problem: String?
                    var undefinedFlags: UInt32 = 0
                    // Per register, the bits not compared and taken from the host afterwards.
                    var undefinedBits = [UInt64](repeating: 0, count: 16)
                    if let vector = host.fault {
                        // Faults: only #DE is expected; anything else means a bad host encoding.
                        if vector != 0 {
                            problem = "host raised vector \(vector): generator produced a bad host encoding"
                        } else if swift.fault != vector {
                            problem = swift.fault.map { "SwiftPC raised vector \($0), host #DE" } ?? "host raised #DE, SwiftPC did not fault"
                        } else if swift.faultRIP != UInt64(LongModeHarness.code) {
                            problem = "SwiftPC's #DE frame holds RIP \(DiffRegisters64.hex(swift.faultRIP)), not the instruction's"
                        }
                    } else if let vector = swift.fault {
                        problem = "SwiftPC raised vector \(vector), host did not fault"
                    } else {
                        undefinedFlags = exact.undefined
                        if let u = insn.undefinedRegisterBits(before: before.registers) { undefinedBits[u.register] |= u.mask }
                    }
                    if problem == nil {
                        var differing: [String] = []
                        for r in 0..<16 where r != DiffRegisters64.rsp {
                            if (swift.state.registers[r] ^ host.registers[r]) & ~undefinedBits[r] != 0 { differing.append(DiffRegisters64.name(r, 8)) }
                        }
                        let flagDiff = (swift.state.eflags ^ host.eflags) & DiffFlags.compared & ~undefinedFlags
                        if flagDiff != 0 { differing.append("flags " + DiffFlags.describe(flagDiff)) }
                        if !differing.isEmpty { problem = "differs in " + differing.joined(separator: ", ") }
                    }

                    if let problem = problem {
                        mismatches += 1
                        let listing = c.instructions.enumerated().map { i, x in
                            "    \(i == k ? ">" : " ")\(i): \(x.text)  [\(D.hexBytes(x.bytes))]"
                        }.joined(separator: "\n")
                        let undefinedText = (0..<16).filter { undefinedBits[$0] != 0 }
                            .map { ", \(DiffRegisters64.name($0, 8)) bits \(DiffRegisters64.hex(undefinedBits[$0]))" }.joined()
                        XCTFail("""
                            differential64 mismatch \(mismatches) (seed \(seedText), case \(caseIndex), step \(k)): \(insn.text): \(problem)
                              reproduce:    SWIFTPC_DIFF64_SEED=\(seedText) swift test --filter Differential64Tests
                              bytes:        \(D.hexBytes(insn.bytes))
                              case start:   \(Differential64Tests.describe(c.registers, c.eflags))
                              before step:  \(Differential64Tests.describe(before.registers, before.eflags))
                              SwiftPC:      \(swift.fault.map { "fault \($0), " } ?? "")\(Differential64Tests.describe(swift.state.registers, swift.state.eflags))
                              host:         \(host.fault.map { "fault \($0), " } ?? "")\(Differential64Tests.describe(host.registers, host.eflags))
                              not compared: flags [\(DiffFlags.describe(undefinedFlags))]\(undefinedText), rsp, rflags bits outside \(D.hex(DiffFlags.compared))
                              sequence:
                            \(listing)
                            """)
                        if mismatches >= Differential64Tests.maxMismatches { break batches }
                        break   // the states have diverged: drop the rest of this case
                    }
                    if host.fault != nil { faults += 1; break }

                    // Continue from SwiftPC's state, with the undefined bits taken from the host.
                    var next = swift.state
                    next.eflags = (next.eflags & ~undefinedFlags) | (host.eflags & undefinedFlags)
                    for r in 0..<16 where undefinedBits[r] != 0 {
                        next.registers[r] = (next.registers[r] & ~undefinedBits[r]) | (host.registers[r] & undefinedBits[r])
                    }
                    state = next
                }
                if executed >= target { break batches }
            }
        }

        let families = perFamily.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("""
            differential64: seed \(seedText), \(executed) instructions in \(caseIndex) cases, \(faults) #DE faults, \(mismatches) mismatches; \
            \(withRex) with a REX prefix; host \(runner.vendor); native \(String(format: "%.2f", nativeSeconds)) s, \
            SwiftPC + compare \(String(format: "%.2f", swiftSeconds)) s
            per family: \(families)
            """)
        if mismatches == 0 {
            XCTAssertGreaterThanOrEqual(executed, target)
        }
    }
}
