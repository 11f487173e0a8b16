// The differential test in 32-bit protected mode with paging on: random
// instructions with memory operands run in SwiftPC (PagedHarness: CPL 3, flat
// segments, a data region whose pages are read-write, read-only or not present)
// and natively on the host (native_runner --paged: the same region at the same
// addresses with mprotect'ed pages), compared after every instruction.
//
// SWIFTPC_DIFF_SEED (decimal or 0x-hex) picks the seed, SWIFTPC_PAGED_DIFF_COUNT
// the number of instructions (default 1,000,000, about 30 s in a debug build).
//
// Compared: the registers and EFLAGS as in DifferentialTests (undefined flags and
// register bits masked after an instruction that completes), the bytes of the
// region each instruction changed, and for a fault its vector, error code (all
// the bits the host reports: P, W/R, U/S, RSVD, I/D...) and for #PF the linear
// address (CR2). The state at a fault is the state the fault was taken in, so a
// REP string instruction that faults part-way is compared with its ESI, EDI,
// ECX, flags and stores so far. A fault ends the case.

import XCTest
import X86

final class PagedDifferentialTests: XCTestCase {
    static let defaultSeed: UInt64 = 0x5357_4946_5450_4302
    static let defaultCount = 1_000_000
    static let maxMismatches = 20
    static let casesPerBatch = 2_000

    typealias D = DifferentialTests

    /// What differs between SwiftPC's and the host's outcome of `insn`, or nil.
    /// `undefinedFlags` and `undefinedRegister` apply when the instruction completed.
    static func problem(_ insn: DiffInstruction, swift: PagedOutcome, host: PagedNativeStep,
                        undefinedFlags: UInt32, undefinedRegister: (register: Int, mask: UInt32)?) -> String? {
        if let vector = host.fault, vector != Fault.divideError && vector != Fault.pageFault {
            return "host raised vector \(vector): generator produced a bad host encoding"
        }
        if swift.fault != host.fault {
            return "SwiftPC: \(swift.fault.map { "vector \($0)" } ?? "no fault"), host: \(host.fault.map { "vector \($0)" } ?? "no fault")"
        }
        var differing: [String] = []
        if host.fault != nil && swift.errorCode != host.errorCode { differing.append("error code") }
        if host.fault == Fault.pageFault && swift.cr2 != host.address { differing.append("CR2") }
        let completed = host.fault == nil
        for r in 0..<8 where r != Reg.esp {
            let mask: UInt32 = completed && undefinedRegister?.register == r ? ~undefinedRegister!.mask : 0xFFFF_FFFF
            if (swift.registers[r] ^ host.registers[r]) & mask != 0 { differing.append(D.regNames[r]) }
        }
        let flagDiff = (swift.eflags ^ host.eflags) & DiffFlags.compared & ~(completed ? undefinedFlags : 0)
        if flagDiff != 0 { differing.append("flags " + DiffFlags.describe(flagDiff)) }
        if swift.changes != host.changes { differing.append("memory") }
        return differing.isEmpty ? nil : "differs in " + differing.joined(separator: ", ")
    }

    static func describe(_ changes: [ByteChange]) -> String {
        if changes.isEmpty { return "none" }
        let shown = changes.prefix(24).map { "\(D.hex(PagedRegion.base &+ UInt32($0.offset)))=\(D.hexBytes([$0.value]))" }
        return shown.joined(separator: " ") + (changes.count > 24 ? " ... (\(changes.count) bytes)" : "")
    }

    static func describe(_ protections: [PageProtection]) -> String {
        "pages from \(D.hex(PagedRegion.base)): " + protections.map { $0.letter }.joined(separator: " ") + " (w read-write, r read-only, - not present)"
    }

    static func describeFault(_ vector: UInt8?, errorCode: UInt32, address: UInt32) -> String {
        guard let vector else { return "" }
        return "fault \(vector) error \(D.hex(errorCode))" + (vector == Fault.pageFault ? " CR2 \(D.hex(address))" : "") + ", "
    }

    func testPagedRunnerSanity() throws {
        let runner = try NativeRunner(mode: .paged)
        defer { runner.close() }
        let harness = PagedHarness()
        func insn(_ bytes: [UInt8], _ text: String) -> DiffInstruction {
            var i = DiffInstruction(kind: .mov, size: 4, body: bytes, text: text)
            i.addressesMemory = true
            return i
        }
        let protections: [PageProtection] = [.readWrite, .readOnly, .none, .readWrite, .readWrite, .readWrite, .readWrite, .readWrite]
        var regs: [UInt32] = [0, 0, 0, 0x2000_1000, 0, 0, 0, 0]
        let cases = [
            // mov eax, [0x20000004]: a load from a writable page
            PagedCase(registers: regs, eflags: 2, seed: 7, protections: protections, writeProtect: true, instructions: [insn([0x8B, 0x04, 0x25, 4, 0, 0, 0x20], "mov eax, [0x20000004]")]),
            // mov [ebx], eax: a store to a read-only page, #PF(P W U)
            PagedCase(registers: regs, eflags: 2, seed: 7, protections: protections, writeProtect: true, instructions: [insn([0x89, 0x03], "mov [ebx], eax")]),
            // mov eax, [ebx+0x1000]: a load from a page that is not present, #PF(U)
            PagedCase(registers: regs, eflags: 2, seed: 7, protections: protections, writeProtect: true, instructions: [insn([0x8B, 0x83, 0, 0x10, 0, 0], "mov eax, [ebx+0x1000]")]),
            // rep stosb from 0x20000FFE, ECX = 5: two bytes, then #PF on the read-only page with ECX = 3
            PagedCase(registers: { regs[1] = 5; regs[7] = 0x2000_0FFE; return regs }(), eflags: 2, seed: 7, protections: protections, writeProtect: true,
                      instructions: [insn([0xF3, 0xAA], "rep stosb")]),
        ]
        let native = try runner.run(cases)
        XCTAssertNil(native[0][0].fault)
        XCTAssertEqual(native[0][0].registers[Reg.eax], PagedRegion.word(seed: 7, index: 1))
        XCTAssertEqual(native[1][0].fault, Fault.pageFault)
        XCTAssertEqual(native[1][0].errorCode, 7)
        XCTAssertEqual(native[1][0].address, 0x2000_1000)
        XCTAssertEqual(native[2][0].errorCode, 4)
        XCTAssertEqual(native[2][0].address, 0x2000_2000)
        XCTAssertEqual(native[3][0].errorCode, 7)
        XCTAssertEqual(native[3][0].registers[Reg.ecx], 3)
        XCTAssertEqual(native[3][0].registers[Reg.edi], 0x2000_1000)
        XCTAssertEqual(native[3][0].changes.map { $0.offset }, [0xFFE, 0xFFF])
        for (c, host) in zip(cases, native) {
            harness.prepare(seed: c.seed, protections: c.protections, writeProtect: c.writeProtect)
            let swift = harness.step(code: c.instructions[0].protectedModeBytes, registers: c.registers, eflags: c.eflags)
            let problem = PagedDifferentialTests.problem(c.instructions[0], swift: swift, host: host[0], undefinedFlags: 0, undefinedRegister: nil)
            XCTAssertNil(problem, "\(c.instructions[0].text): \(problem ?? "")")
        }
    }

    func testRandomMemoryOperandsUnderPagingAgainstHost() throws {
        let seed = D.environmentNumber("SWIFTPC_DIFF_SEED") ?? PagedDifferentialTests.defaultSeed
        let target = Int(D.environmentNumber("SWIFTPC_PAGED_DIFF_COUNT") ?? UInt64(PagedDifferentialTests.defaultCount))
        let runner = try NativeRunner(mode: .paged)
        defer { runner.close() }
        var generator = DiffGenerator(seed: seed, allowLahfSahf: runner.hasLahfSahf)
        let harness = PagedHarness()

        var executed = 0, withMemory = 0, caseIndex = 0, pageFaults = 0, otherFaults = 0, partialRepeats = 0, mismatches = 0
        var stores = 0, bytesStored = 0, faultsAtPageStart = 0
        var errorCodes: [UInt32: Int] = [:]
        var perFamily: [String: Int] = [:]
        var nativeSeconds = 0.0, swiftSeconds = 0.0
        let seedText = "0x" + String(seed, radix: 16)
        let started = Date()

        batches: while executed < target {
            let cases = (0..<PagedDifferentialTests.casesPerBatch).map { _ in generator.makePagedCase() }
            let t0 = Date()
            let native = try runner.run(cases)
            nativeSeconds += Date().timeIntervalSince(t0)
            let t1 = Date()
            defer { swiftSeconds += Date().timeIntervalSince(t1) }

            for (c, hostSteps) in zip(cases, native) {
                defer { caseIndex += 1 }
                harness.prepare(seed: c.seed, protections: c.protections, writeProtect: c.writeProtect)
                var registers = c.registers, eflags = c.eflags
                var undefinedSoFar: UInt32 = 0
                for (k, host) in hostSteps.enumerated() {
                    let insn = c.instructions[k]
                    let before = (registers: registers, eflags: eflags)
                    let exact = insn.flagEffect(maskedCount: insn.maskedCount(cl: registers[Reg.ecx] & 0xFF))
                    if insn.flagsRead & undefinedSoFar != 0 {
                        mismatches += 1
                        XCTFail("generator bug (seed \(seedText), case \(caseIndex), step \(k)): \(insn.text) reads undefined flags [\(DiffFlags.describe(insn.flagsRead & undefinedSoFar))]")
                        if mismatches >= PagedDifferentialTests.maxMismatches { break batches }
                    }
                    undefinedSoFar = (undefinedSoFar & ~exact.defined) | exact.undefined
                    let swift = harness.step(code: insn.protectedModeBytes, registers: registers, eflags: eflags)
                    executed += 1
                    if insn.addressesMemory {
                        withMemory += 1
                        perFamily[insn.kind.family, default: 0] += 1
                    }
                    let undefinedRegister = insn.undefinedRegisterBits(before: registers)

                    if let problem = PagedDifferentialTests.problem(insn, swift: swift, host: host, undefinedFlags: exact.undefined,
                                                                    undefinedRegister: undefinedRegister) {
                        mismatches += 1
                        let listing = c.instructions.enumerated().map { i, x in
                            "    \(i == k ? ">" : " ")\(i): \(x.text)  [SwiftPC \(D.hexBytes(x.protectedModeBytes)) | host \(D.hexBytes(x.hostBytes))]"
                        }.joined(separator: "\n")
                        XCTFail("""
                            paged differential mismatch \(mismatches) (seed \(seedText), case \(caseIndex), step \(k)): \(insn.text): \(problem)
                              reproduce:    SWIFTPC_DIFF_SEED=\(seedText) swift test --filter PagedDifferentialTests
                              SwiftPC bytes: \(D.hexBytes(insn.protectedModeBytes))   host bytes: \(D.hexBytes(insn.hostBytes))
                              region:       \(PagedDifferentialTests.describe(c.protections)); contents seed \(c.seed); CR0.WP \(c.writeProtect ? 1 : 0)
                              case start:   \(D.describe(c.registers, c.eflags))
                              before step:  \(D.describe(before.registers, before.eflags))
                              SwiftPC:      \(PagedDifferentialTests.describeFault(swift.fault, errorCode: swift.errorCode, address: swift.cr2))\(D.describe(swift.registers, swift.eflags))
                              host:         \(PagedDifferentialTests.describeFault(host.fault, errorCode: host.errorCode, address: host.address))\(D.describe(host.registers, host.eflags))
                              SwiftPC wrote: \(PagedDifferentialTests.describe(swift.changes))
                              host wrote:    \(PagedDifferentialTests.describe(host.changes))
                              not compared: flags [\(DiffFlags.describe(host.fault == nil ? exact.undefined : 0))]\(undefinedRegister.map { ", \(D.regNames[$0.register]) bits \(D.hex($0.mask))" } ?? ""), esp, eflags bits outside \(D.hex(DiffFlags.compared))
                              sequence:
                            \(listing)
                            """)
                        if mismatches >= PagedDifferentialTests.maxMismatches { break batches }
                        break   // the states have diverged: drop the rest of this case
                    }
                    if !host.changes.isEmpty {
                        stores += 1
                        bytesStored += host.changes.count
                    }
                    if host.fault == Fault.pageFault {
                        pageFaults += 1
                        if host.address & 0xFFF == 0 { faultsAtPageStart += 1 }
                        errorCodes[host.errorCode, default: 0] += 1
                        if case .string(_, repeated: true) = insn.kind, host.registers[Reg.ecx] != before.registers[Reg.ecx] { partialRepeats += 1 }
                    } else if host.fault != nil {
                        otherFaults += 1
                    }
                    if host.fault != nil { break }

                    // Continue from SwiftPC's state, with the undefined bits taken from the host.
                    registers = swift.registers
                    eflags = (swift.eflags & ~exact.undefined) | (host.eflags & exact.undefined)
                    if let u = undefinedRegister {
                        registers[u.register] = (registers[u.register] & ~u.mask) | (host.registers[u.register] & u.mask)
                    }
                }
                if executed >= target { break batches }
            }
        }

        let families = perFamily.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        let codes = errorCodes.sorted { $0.key < $1.key }.map { "\(String($0.key, radix: 16)): \($0.value)" }.joined(separator: ", ")
        print("""
            paged differential: seed \(seedText), \(executed) instructions (\(withMemory) with memory operands) in \(caseIndex) cases, \
            \(pageFaults) #PF faults (\(partialRepeats) part-way through a REP string instruction), \(otherFaults) other faults (#DE), \
            \(mismatches) mismatches; host \(runner.vendor); native \(String(format: "%.2f", nativeSeconds)) s, \
            SwiftPC + compare \(String(format: "%.2f", swiftSeconds)) s, total \(String(format: "%.1f", Date().timeIntervalSince(started))) s
            #PF error codes (hex: count): \(codes); \(faultsAtPageStart) #PF at the first byte of a page; \
            \(stores) instructions changed memory (\(bytesStored) bytes compared)
            memory forms per family: \(families)
            """)
        if mismatches == 0 {
            XCTAssertGreaterThanOrEqual(executed, target)
        }
    }
}
