// The differential test in 64-bit mode with 4-level paging: random
// instructions with memory operands (PagedGenerator64) run in SwiftPC
// (PagedLongModeHarness: CPL 3, a data region whose pages are read-write,
// read-only or not present) and natively on the host (native_runner --paged64:
// the same region and code page at the same addresses, mprotect'ed pages),
// compared after every instruction.
//
// SWIFTPC_PAGED64_SEED (decimal or 0x-hex) picks the seed, SWIFTPC_PAGED64_COUNT
// the number of instructions (default 500,000, about 20 s in a debug build).
//
// Compared: the sixteen registers but RSP and RFLAGS as in Differential64Tests
// (undefined flags and register bits masked after an instruction that
// completes), the bytes of the region each instruction changed, and for a fault
// its vector (#PF, #GP(0) for a non-canonical address or a misaligned
// CMPXCHG16B, #SS(0) for a non-canonical stack reference, #DE), its error code
// (for #PF all the bits the host reports: P, W/R, U/S, RSVD, I/D...), the RIP
// it pushed and for #PF the linear address (CR2). The state at a fault is the
// state the fault was taken in, so a REP string instruction that faults
// part-way is compared with its RSI, RDI, RCX, flags and stores so far. A fault
// ends the case.

import XCTest
import X86

final class PagedDifferential64Tests: XCTestCase {
    static let defaultSeed: UInt64 = 0x5357_4946_5450_5064
    static let defaultCount = 500_000
    static let maxMismatches = 20
    static let casesPerBatch = 2_000
    /// The vectors the generated instructions may raise; any other one means a bad encoding.
    static let expectedVectors: Set<UInt8> = [Fault.divideError, Fault.stackFault, Fault.generalProtection, Fault.pageFault]

    typealias D = DifferentialTests

    /// What differs between SwiftPC's and the host's outcome, or nil. `undefinedFlags`
    /// and `undefinedBits` (per register) apply when the instruction completed.
    static func problem(swift: PagedOutcome64, host: PagedNativeStep64, undefinedFlags: UInt32, undefinedBits: [UInt64]) -> String? {
        if let vector = host.fault, !expectedVectors.contains(vector) {
            return "host raised vector \(vector): generator produced a bad host encoding"
        }
        if swift.fault != host.fault {
            return "SwiftPC: \(swift.fault.map { "vector \($0)" } ?? "no fault"), host: \(host.fault.map { "vector \($0)" } ?? "no fault")"
        }
        var differing: [String] = []
        if host.fault != nil {
            if swift.errorCode != host.errorCode { differing.append("error code") }
            if swift.faultRIP != host.rip { differing.append("pushed RIP") }
            if host.fault == Fault.pageFault && swift.cr2 != host.address { differing.append("CR2") }
        }
        for r in 0..<16 where r != DiffRegisters64.rsp {
            if (swift.state.registers[r] ^ host.registers[r]) & ~undefinedBits[r] != 0 { differing.append(DiffRegisters64.name(r, 8)) }
        }
        let flagDiff = (swift.state.eflags ^ host.eflags) & DiffFlags.compared & ~undefinedFlags
        if flagDiff != 0 { differing.append("flags " + DiffFlags.describe(flagDiff)) }
        if swift.changes != host.changes { differing.append("memory") }
        return differing.isEmpty ? nil : "differs in " + differing.joined(separator: ", ")
    }

    static func describe(_ protections: [PageProtection], executeDisable: [Bool]) -> String {
        let pages = zip(protections, executeDisable).map { $0.letter + ($0 != .none && $1 ? "x" : "") }
        return "pages from \(D.hex(PagedRegion.base)): " + pages.joined(separator: " ")
            + " (w read-write, r read-only, - not present; x: XD set in SwiftPC)"
    }

    static func describeFault(_ vector: UInt8?, errorCode: UInt32, rip: UInt64, address: UInt64) -> String {
        guard let vector else { return "" }
        return "fault \(vector) error \(D.hex(errorCode)) RIP \(DiffRegisters64.hex(rip))"
            + (vector == Fault.pageFault ? " CR2 \(DiffRegisters64.hex(address))" : "") + ", "
    }

    /// Hand-written cases with known host outcomes, run on both sides.
    func testPaged64RunnerSanity() throws {
        let runner = try NativeRunner(mode: .paged64)
        defer { runner.close() }
        let harness = PagedLongModeHarness()
        func insn(_ bytes: [UInt8], _ text: String) -> PagedInstruction64 {
            var i = PagedInstruction64(DiffInstruction64(kind: .mov, size: 8, bytes: bytes, text: text))
            i.addressesMemory = true
            return i
        }
        let protections: [PageProtection] = [.readWrite, .readOnly, .none, .readWrite, .readWrite, .readWrite, .readWrite, .readWrite]
        let noXD = [Bool](repeating: false, count: PagedRegion.pages)
        var regs = [UInt64](repeating: 0, count: 16)
        regs[DiffRegisters64.rsp] = PagedLongModeHarness.userStackTop
        func with(_ changes: [(Int, UInt64)]) -> [UInt64] {
            var r = regs
            for (k, v) in changes { r[k] = v }
            return r
        }
        // mov rax, [rip+disp32] reaching 0x20000004 from the end of the 7-byte instruction at codeBase
        let disp = DiffGenerator64.immBytes(0x2000_0004 &- (PagedLongModeHarness.codeBase + 7), 4)
        let nonCanonical: UInt64 = 0x8000_0000_2000_0000
        let cases: [(PagedCase64, check: (PagedNativeStep64) -> Void)] = [
            (PagedCase64(registers: regs, eflags: 2, seed: 7, protections: protections, executeDisable: noXD, writeProtect: true,
                         instructions: [insn([0x48, 0x8B, 0x05] + disp, "mov rax, [rip+0x20000004]")]), { host in
                XCTAssertNil(host.fault)
                XCTAssertEqual(host.registers[Reg.eax],
                               UInt64(PagedRegion.word(seed: 7, index: 1)) | UInt64(PagedRegion.word(seed: 7, index: 2)) << 32)
            }),
            // mov [r12], rax: a store to a read-only page, #PF(P W U)
            (PagedCase64(registers: with([(12, 0x2000_1000)]), eflags: 2, seed: 7, protections: protections, executeDisable: noXD,
                         writeProtect: true, instructions: [insn([0x49, 0x89, 0x04, 0x24], "mov [r12], rax")]), { host in
                XCTAssertEqual(host.fault, Fault.pageFault)
                XCTAssertEqual(host.errorCode, 7)
                XCTAssertEqual(host.address, 0x2000_1000)
                XCTAssertEqual(host.rip, PagedLongModeHarness.codeBase)
            }),
            // mov eax, [r13+0x1000]: a load from a page that is not present, #PF(U)
            (PagedCase64(registers: with([(13, 0x2000_1000)]), eflags: 2, seed: 7, protections: protections, executeDisable: noXD,
                         writeProtect: true, instructions: [insn([0x41, 0x8B, 0x85, 0, 0x10, 0, 0], "mov eax, [r13+0x1000]")]), { host in
                XCTAssertEqual(host.errorCode, 4)
                XCTAssertEqual(host.address, 0x2000_2000)
            }),
            // a32 rep stosb from EDI = 0x20000FFE (RDI's upper half ignored), ECX = 5: two bytes, then #PF with ECX = 3
            (PagedCase64(registers: with([(Reg.ecx, 0x1_0000_0005), (Reg.edi, 0xABCD_0000_2000_0FFE)]), eflags: 2, seed: 7,
                         protections: protections, executeDisable: noXD, writeProtect: true,
                         instructions: [insn([0xF3, 0x67, 0xAA], "rep stosb (a32)")]), { host in
                XCTAssertEqual(host.errorCode, 7)
                XCTAssertEqual(host.address, 0x2000_1000)
                XCTAssertEqual(host.registers[Reg.ecx] & 0xFFFF_FFFF, 3)
                XCTAssertEqual(host.registers[Reg.edi] & 0xFFFF_FFFF, 0x2000_1000)
                XCTAssertEqual(host.changes.map { $0.offset }, [0xFFE, 0xFFF])
            }),
            // cmpxchg16b [rbx] with RBX 8-byte aligned: #GP(0)
            (PagedCase64(registers: with([(Reg.ebx, 0x2000_0008)]), eflags: 2, seed: 7, protections: protections, executeDisable: noXD,
                         writeProtect: true, instructions: [insn([0x48, 0x0F, 0xC7, 0x0B], "cmpxchg16b [rbx]")]), { host in
                XCTAssertEqual(host.fault, Fault.generalProtection)
                XCTAssertEqual(host.errorCode, 0)
            }),
            // mov rax, [rsi] with a non-canonical RSI: #GP(0); mov rax, [rbp+0] with one: #SS(0)
            (PagedCase64(registers: with([(Reg.esi, nonCanonical)]), eflags: 2, seed: 7, protections: protections, executeDisable: noXD,
                         writeProtect: true, instructions: [insn([0x48, 0x8B, 0x06], "mov rax, [rsi]")]), { host in
                XCTAssertEqual(host.fault, Fault.generalProtection)
            }),
            (PagedCase64(registers: with([(Reg.ebp, nonCanonical)]), eflags: 2, seed: 7, protections: protections, executeDisable: noXD,
                         writeProtect: true, instructions: [insn([0x48, 0x8B, 0x45, 0x00], "mov rax, [rbp+0]")]), { host in
                XCTAssertEqual(host.fault, Fault.stackFault)
            }),
        ]
        let native = try runner.runPaged64(cases.map { $0.0 })
        for ((c, check), host) in zip(cases, native) {
            guard let step = host.first else { XCTFail("\(c.instructions[0].text): no step"); continue }
            check(step)
            harness.prepare(seed: c.seed, protections: c.protections, executeDisable: c.executeDisable, writeProtect: c.writeProtect)
            let swift = harness.step(code: c.instructions[0].bytes, state: LongModeState(registers: c.registers, eflags: c.eflags))
            let problem = PagedDifferential64Tests.problem(swift: swift, host: step, undefinedFlags: 0,
                                                           undefinedBits: [UInt64](repeating: 0, count: 16))
            XCTAssertNil(problem, "\(c.instructions[0].text): \(problem ?? "")")
        }
    }

    func testRandomMemoryOperands64UnderPagingAgainstHost() throws {
        let seed = D.environmentNumber("SWIFTPC_PAGED64_SEED") ?? PagedDifferential64Tests.defaultSeed
        let target = Int(D.environmentNumber("SWIFTPC_PAGED64_COUNT") ?? UInt64(PagedDifferential64Tests.defaultCount))
        let runner = try NativeRunner(mode: .paged64)
        defer { runner.close() }
        var generator = DiffGenerator64(seed: seed, allowLahfSahf: runner.hasLahfSahf)
        let harness = PagedLongModeHarness()

        var executed = 0, withMemory = 0, addressSize32 = 0, ripRelative = 0, caseIndex = 0, mismatches = 0
        var pageFaults = 0, partialRepeats = 0, stores = 0, bytesStored = 0
        var errorCodes: [UInt32: Int] = [:], otherFaults: [String: Int] = [:]
        var perFamily: [String: Int] = [:]
        var nativeSeconds = 0.0, swiftSeconds = 0.0
        let seedText = "0x" + String(seed, radix: 16)
        let started = Date()

        batches: while executed < target {
            let cases = (0..<PagedDifferential64Tests.casesPerBatch).map { _ in generator.makePagedCase() }
            let t0 = Date()
            let native = try runner.runPaged64(cases)
            nativeSeconds += Date().timeIntervalSince(t0)
            let t1 = Date()
            defer { swiftSeconds += Date().timeIntervalSince(t1) }

            for (c, hostSteps) in zip(cases, native) {
                defer { caseIndex += 1 }
                harness.prepare(seed: c.seed, protections: c.protections, executeDisable: c.executeDisable, writeProtect: c.writeProtect)
                var state = LongModeState(registers: c.registers, eflags: c.eflags)
                var undefinedSoFar: UInt32 = 0
                for (k, host) in hostSteps.enumerated() {
                    let insn = c.instructions[k]
                    let before = state
                    let exact = insn.flagEffect(maskedCount: insn.maskedCount(cl: UInt32(before.registers[Reg.ecx] & 0xFF)))
                    if insn.flagsRead & undefinedSoFar != 0 {
                        mismatches += 1
                        XCTFail("generator bug (seed \(seedText), case \(caseIndex), step \(k)): \(insn.text) reads undefined flags [\(DiffFlags.describe(insn.flagsRead & undefinedSoFar))]")
                        if mismatches >= PagedDifferential64Tests.maxMismatches { break batches }
                    }
                    undefinedSoFar = (undefinedSoFar & ~exact.defined) | exact.undefined
                    let swift = harness.step(code: insn.bytes, state: state)
                    executed += 1
                    if insn.addressesMemory {
                        withMemory += 1
                        if insn.addressSize32 { addressSize32 += 1 }
                        if insn.ripRelative { ripRelative += 1 }
                        perFamily[insn.family, default: 0] += 1
                    }
                    let completed = host.fault == nil
                    let undefinedFlags = completed ? exact.undefined : 0
                    // Per register, the bits not compared and taken from the host afterwards.
                    var undefinedBits = [UInt64](repeating: 0, count: 16)
                    if completed, let u = insn.instruction.undefinedRegisterBits(before: before.registers) { undefinedBits[u.register] |= u.mask }

                    if let problem = PagedDifferential64Tests.problem(swift: swift, host: host, undefinedFlags: undefinedFlags, undefinedBits: undefinedBits) {
                        mismatches += 1
                        let listing = c.instructions.enumerated().map { i, x in
                            "    \(i == k ? ">" : " ")\(i): \(x.text)  [\(D.hexBytes(x.bytes))]"
                        }.joined(separator: "\n")
                        let undefinedText = (0..<16).filter { undefinedBits[$0] != 0 }
                            .map { ", \(DiffRegisters64.name($0, 8)) bits \(DiffRegisters64.hex(undefinedBits[$0]))" }.joined()
                        let describe = Differential64Tests.describe
                        XCTFail("""
                            paged64 differential mismatch \(mismatches) (seed \(seedText), case \(caseIndex), step \(k)): \(insn.text): \(problem)
                              reproduce:    SWIFTPC_PAGED64_SEED=\(seedText) swift test --filter PagedDifferential64Tests
                              bytes:        \(D.hexBytes(insn.bytes)) at \(DiffRegisters64.hex(PagedLongModeHarness.codeBase))
                              region:       \(PagedDifferential64Tests.describe(c.protections, executeDisable: c.executeDisable)); contents seed \(c.seed); CR0.WP \(c.writeProtect ? 1 : 0)
                              case start:   \(describe(c.registers, c.eflags))
                              before step:  \(describe(before.registers, before.eflags))
                              SwiftPC:      \(PagedDifferential64Tests.describeFault(swift.fault, errorCode: swift.errorCode, rip: swift.faultRIP, address: swift.cr2))\(describe(swift.state.registers, swift.state.eflags))
                              host:         \(PagedDifferential64Tests.describeFault(host.fault, errorCode: host.errorCode, rip: host.rip, address: host.address))\(describe(host.registers, host.eflags))
                              SwiftPC wrote: \(PagedDifferentialTests.describe(swift.changes))
                              host wrote:    \(PagedDifferentialTests.describe(host.changes))
                              not compared: flags [\(DiffFlags.describe(undefinedFlags))]\(undefinedText), rsp, rflags bits outside \(D.hex(DiffFlags.compared))
                              sequence:
                            \(listing)
                            """)
                        if mismatches >= PagedDifferential64Tests.maxMismatches { break batches }
                        break   // the states have diverged: drop the rest of this case
                    }
                    if !host.changes.isEmpty {
                        stores += 1
                        bytesStored += host.changes.count
                    }
                    if host.fault == Fault.pageFault {
                        pageFaults += 1
                        errorCodes[host.errorCode, default: 0] += 1
                        let countMask: UInt64 = insn.addressSize32 ? 0xFFFF_FFFF : UInt64.max
                        if case .string(_, repeated: true) = insn.kind,
                           (host.registers[Reg.ecx] ^ before.registers[Reg.ecx]) & countMask != 0 {
                            partialRepeats += 1
                        }
                    } else if let vector = host.fault {
                        let name = vector == Fault.generalProtection ? "#GP" : vector == Fault.stackFault ? "#SS" : "#DE"
                        otherFaults[name + (vector == Fault.generalProtection && insn.family == "CMPXCHG16B" ? " CMPXCHG16B" : ""), default: 0] += 1
                    }
                    if host.fault != nil { break }

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
        let codes = errorCodes.sorted { $0.key < $1.key }.map { "\(String($0.key, radix: 16)): \($0.value)" }.joined(separator: ", ")
        let others = otherFaults.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        print("""
            paged64 differential: seed \(seedText), \(executed) instructions (\(withMemory) with memory operands, \
            \(addressSize32) of them with 32-bit addresses, \(ripRelative) RIP-relative) in \(caseIndex) cases, \
            \(pageFaults) #PF faults (\(partialRepeats) part-way through a REP string instruction), other faults: \(others), \
            \(mismatches) mismatches; host \(runner.vendor); native \(String(format: "%.2f", nativeSeconds)) s, \
            SwiftPC + compare \(String(format: "%.2f", swiftSeconds)) s, total \(String(format: "%.1f", Date().timeIntervalSince(started))) s
            #PF error codes (hex: count): \(codes); \(stores) instructions changed memory (\(bytesStored) bytes compared)
            memory forms per family: \(families)
            """)
        if mismatches == 0 {
            XCTAssertGreaterThanOrEqual(executed, target)
        }
    }
}
