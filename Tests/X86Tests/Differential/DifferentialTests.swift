// Differential test: random straight-line integer instructions run both in
// SwiftPC (real mode, via RealModeHarness) and natively on the x86-64 host
// (Tests/NativeRunner/native_runner.c), compared after every instruction.
//
// SWIFTPC_DIFF_SEED (decimal or 0x-hex) picks the seed, SWIFTPC_DIFF_COUNT the
// number of instructions (default 100,000).
//
// Comparison: the low 32 bits of every GPR except ESP, and the EFLAGS bits in
// `DiffFlags.compared` minus the flags the instruction leaves undefined
// (`DiffInstruction.flagEffect`, given the actual shift count). Undefined
// destination bits (BSF/BSR with a zero source, 16-bit SHLD/SHRD by more than
// 16) are not compared either. A #DE must happen on both sides, with the state
// before the instruction; it ends the sequence.
// Undefined bits are then copied from the host into the state SwiftPC continues
// from, so both sides run the rest of the sequence from the same state; on top
// of that the generator never lets an instruction read a flag that may be
// undefined at that point (it inserts a CMP first).

import XCTest

final class DifferentialTests: XCTestCase {
    static let defaultSeed: UInt64 = 0x5357_4946_5450_4301
    static let defaultCount = 100_000
    static let maxMismatches = 20
    static let casesPerBatch = 2_000

    static func environmentNumber(_ name: String) -> UInt64? {
        guard let s = ProcessInfo.processInfo.environment[name]?.trimmingCharacters(in: .whitespaces), !s.isEmpty else { return nil }
        if s.hasPrefix("0x") || s.hasPrefix("0X") { return UInt64(s.dropFirst(2), radix: 16) }
        return UInt64(s)
    }

    static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, 8 - s.count)) + s
    }
    static func hexBytes(_ b: [UInt8]) -> String {
        b.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: " ")
    }
    static let regNames = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"]
    static func describe(_ regs: [UInt32], _ eflags: UInt32) -> String {
        (0..<8).map { "\(regNames[$0])=\(hex(regs[$0]))" }.joined(separator: " ")
            + " eflags=\(hex(eflags)) [\(DiffFlags.describe(eflags & DiffFlags.status))]"
    }

    func testNativeRunnerSanity() throws {
        let runner = try NativeRunner()
        defer { runner.close() }
        var regs: [UInt32] = [0xFFFF_FFFF, 0, 0, 1, 0, 0, 0, 0]
        let results = try runner.run([
            // add eax, ebx: 0xFFFFFFFF + 1 = 0 with CF ZF AF PF
            (registers: regs, eflags: 0x2, code: [[0x01, 0xD8]]),
            // add ax, bx (16-bit on the host needs 0x66): the upper half stays
            (registers: [0x1234_FFFF, 0, 0, 1, 0, 0, 0, 0], eflags: 0x2, code: [[0x66, 0x01, 0xD8]]),
            // stc; adc eax, 41 (83 D0 29); div ecx with ECX = 0 faults, the sequence ends
            (registers: [0, 0, 0, 0, 0, 0, 0, 0], eflags: 0x2, code: [[0xF9], [0x83, 0xD0, 0x29], [0xF7, 0xF1], [0x90]]),
        ])
        XCTAssertEqual(results.count, 3)
        XCTAssertEqual(results[0].count, 1)
        XCTAssertNil(results[0][0].fault)
        XCTAssertEqual(results[0][0].registers[0], 0)
        XCTAssertEqual(results[0][0].eflags & DiffFlags.status, DiffFlags.cf | DiffFlags.zf | DiffFlags.af | DiffFlags.pf)
        XCTAssertEqual(results[1][0].registers[0], 0x1234_0000)
        XCTAssertEqual(results[2].count, 3)
        XCTAssertEqual(results[2][0].eflags & DiffFlags.cf, DiffFlags.cf)
        XCTAssertEqual(results[2][1].registers[0], 42)
        XCTAssertEqual(results[2][2].fault, 0)
        regs = results[2][1].registers
        XCTAssertEqual(results[2][2].registers, regs, "a faulting instruction reports the state before it")
        print("native runner: host \(runner.vendor), LAHF/SAHF in 64-bit mode: \(runner.hasLahfSahf)")
    }

    func testRandomIntegerInstructionsAgainstHost() throws {
        let seed = DifferentialTests.environmentNumber("SWIFTPC_DIFF_SEED") ?? DifferentialTests.defaultSeed
        let target = Int(DifferentialTests.environmentNumber("SWIFTPC_DIFF_COUNT") ?? UInt64(DifferentialTests.defaultCount))
        let runner = try NativeRunner()
        defer { runner.close() }
        var generator = DiffGenerator(seed: seed, allowLahfSahf: runner.hasLahfSahf)
        let harness = RealModeHarness()

        var executed = 0, caseIndex = 0, faults = 0, mismatches = 0
        var perFamily: [String: Int] = [:]
        var nativeSeconds = 0.0, swiftSeconds = 0.0
        let seedText = "0x" + String(seed, radix: 16)

        batches: while executed < target {
            let cases = (0..<DifferentialTests.casesPerBatch).map { _ in generator.makeCase() }
            let t0 = Date()
            let native = try runner.run(cases.map { c in
                (registers: c.registers, eflags: c.eflags, code: c.instructions.map { $0.hostBytes })
            })
            nativeSeconds += Date().timeIntervalSince(t0)
            let t1 = Date()
            defer { swiftSeconds += Date().timeIntervalSince(t1) }

            for (c, hostSteps) in zip(cases, native) {
                defer { caseIndex += 1 }
                var state = RealModeState(registers: c.registers, eflags: c.eflags)
                var undefinedSoFar: UInt32 = 0   // exact, for checking the generator's own tracking
                for (k, host) in hostSteps.enumerated() {
                    let insn = c.instructions[k]
                    let before = state
                    let exact = insn.flagEffect(maskedCount: insn.maskedCount(cl: before.registers[1] & 0xFF))
                    if insn.flagsRead & undefinedSoFar != 0 {
                        mismatches += 1
                        XCTFail("generator bug (seed \(seedText), case \(caseIndex), step \(k)): \(insn.text) reads undefined flags [\(DiffFlags.describe(insn.flagsRead & undefinedSoFar))]")
                        if mismatches >= DifferentialTests.maxMismatches { break batches }
                    }
                    undefinedSoFar = (undefinedSoFar & ~exact.defined) | exact.undefined
                    let swift = harness.step(code: insn.swiftBytes, state: state)
                    executed += 1
                    perFamily[insn.kind.family, default: 0] += 1

                    var problem: String?
                    var undefinedFlags: UInt32 = 0
                    var undefinedReg: (register: Int, mask: UInt32)?
                    if let vector = host.fault {
                        // Faults: only #DE is expected; anything else means a bad host encoding.
                        if vector != 0 {
                            problem = "host raised vector \(vector): generator produced a bad host encoding"
                        } else if swift.fault != vector {
                            problem = swift.fault.map { "SwiftPC raised vector \($0), host #DE" } ?? "host raised #DE, SwiftPC did not fault"
                        }
                    } else if let vector = swift.fault {
                        problem = "SwiftPC raised vector \(vector), host did not fault"
                    } else {
                        undefinedFlags = exact.undefined
                        undefinedReg = insn.undefinedRegisterBits(before: before.registers)
                    }
                    if problem == nil {
                        var differing: [String] = []
                        for r in 0..<8 where r != 4 {
                            let mask: UInt32 = undefinedReg?.register == r ? ~undefinedReg!.mask : 0xFFFF_FFFF
                            if (swift.state.registers[r] ^ host.registers[r]) & mask != 0 { differing.append(DifferentialTests.regNames[r]) }
                        }
                        let flagMask = DiffFlags.compared & ~undefinedFlags
                        let flagDiff = (swift.state.eflags ^ host.eflags) & flagMask
                        if flagDiff != 0 { differing.append("flags " + DiffFlags.describe(flagDiff)) }
                        if !differing.isEmpty { problem = "differs in " + differing.joined(separator: ", ") }
                    }

                    if let problem = problem {
                        mismatches += 1
                        let listing = c.instructions.enumerated().map { i, x in
                            "    \(i == k ? ">" : " ")\(i): \(x.text)  [SwiftPC \(DifferentialTests.hexBytes(x.swiftBytes)) | host \(DifferentialTests.hexBytes(x.hostBytes))]"
                        }.joined(separator: "\n")
                        XCTFail("""
                            differential mismatch \(mismatches) (seed \(seedText), case \(caseIndex), step \(k)): \(insn.text): \(problem)
                              reproduce:    SWIFTPC_DIFF_SEED=\(seedText) swift test --filter DifferentialTests
                              SwiftPC bytes: \(DifferentialTests.hexBytes(insn.swiftBytes))   host bytes: \(DifferentialTests.hexBytes(insn.hostBytes))
                              case start:   \(DifferentialTests.describe(c.registers, c.eflags))
                              before step:  \(DifferentialTests.describe(before.registers, before.eflags))
                              SwiftPC:      \(swift.fault.map { "fault \($0), " } ?? "")\(DifferentialTests.describe(swift.state.registers, swift.state.eflags))
                              host:         \(host.fault.map { "fault \($0), " } ?? "")\(DifferentialTests.describe(host.registers, host.eflags))
                              not compared: flags [\(DiffFlags.describe(undefinedFlags))]\(undefinedReg.map { ", \(DifferentialTests.regNames[$0.register]) bits \(DifferentialTests.hex($0.mask))" } ?? ""), esp, eflags bits outside \(DifferentialTests.hex(DiffFlags.compared))
                              sequence:
                            \(listing)
                            """)
                        if mismatches >= DifferentialTests.maxMismatches { break batches }
                        break   // the states have diverged: drop the rest of this case
                    }
                    if host.fault != nil { faults += 1; break }

                    // Continue from SwiftPC's state, with the undefined bits taken from the host.
                    var next = swift.state
                    next.eflags = (next.eflags & ~undefinedFlags) | (host.eflags & undefinedFlags)
                    if let u = undefinedReg {
                        next.registers[u.register] = (next.registers[u.register] & ~u.mask) | (host.registers[u.register] & u.mask)
                    }
                    state = next
                }
                if executed >= target { break batches }
            }
        }

        let families = perFamily.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("""
            differential: seed \(seedText), \(executed) instructions in \(caseIndex) cases, \(faults) #DE faults, \(mismatches) mismatches; \
            host \(runner.vendor); native \(String(format: "%.2f", nativeSeconds)) s, SwiftPC + compare \(String(format: "%.2f", swiftSeconds)) s
            per family: \(families)
            """)
        if mismatches == 0 {
            XCTAssertGreaterThanOrEqual(executed, target)
        }
    }
}
