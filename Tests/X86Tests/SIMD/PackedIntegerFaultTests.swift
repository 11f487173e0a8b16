// The exceptions of the packed-integer instructions: #UD for encodings
// without a form (F2/F3 where the opcode has none, the 66-only opcodes
// without 66, unassigned group extensions, the memory forms of the register-
// only instructions, LOCK), #GP(0) for a misaligned 16-byte operand but not
// for the MMX, PINSRW and other narrower ones, and the CR0/CR4 checks made
// before them with the x87 transition after an MMX instruction. The table is
// checked in SwiftPC, and on the host CPU too where the native runner runs.

import XCTest
@testable import X86

final class PackedIntegerFaultTests: XCTestCase {
    struct Entry {
        var name: String
        var code: [UInt8]
        /// The vector of the expected exception, nil for none.
        var vector: UInt8?
    }

    static let ud: UInt8 = 6, gp: UInt8 = 13

    /// Memory operands are [RSI + disp8] with RSI at offset 0 of the
    /// 64-byte aligned block, so disp8 sets the alignment.
    static let table: [Entry] = [
        Entry(name: "F3 PADDB", code: [0xF3, 0x0F, 0xFC, 0xC1], vector: ud),
        Entry(name: "F2 PUNPCKLBW", code: [0xF2, 0x0F, 0x60, 0xC1], vector: ud),
        Entry(name: "F2 PCMPEQB", code: [0xF2, 0x0F, 0x74, 0xC1], vector: ud),
        Entry(name: "F3 PMADDWD", code: [0xF3, 0x0F, 0xF5, 0xC1], vector: ud),
        Entry(name: "F3 PSRLW imm", code: [0xF3, 0x0F, 0x71, 0xD1, 0x03], vector: ud),
        Entry(name: "F2 PSLLDQ", code: [0xF2, 0x0F, 0x73, 0xF9, 0x03], vector: ud),
        Entry(name: "F3 PINSRW", code: [0xF3, 0x0F, 0xC4, 0xC1, 0x01], vector: ud),
        Entry(name: "F2 PEXTRW", code: [0xF2, 0x0F, 0xC5, 0xC1, 0x01], vector: ud),
        Entry(name: "F3 PMOVMSKB", code: [0xF3, 0x0F, 0xD7, 0xC1], vector: ud),
        Entry(name: "F3 PSHUFB", code: [0xF3, 0x0F, 0x38, 0x00, 0xC1], vector: ud),
        Entry(name: "F2 PABSD", code: [0xF2, 0x0F, 0x38, 0x1E, 0xC1], vector: ud),
        Entry(name: "F2 PALIGNR", code: [0xF2, 0x0F, 0x3A, 0x0F, 0xC1, 0x03], vector: ud),
        Entry(name: "PUNPCKLQDQ without 66", code: [0x0F, 0x6C, 0xC1], vector: ud),
        Entry(name: "PUNPCKHQDQ without 66, memory", code: [0x0F, 0x6D, 0x06], vector: ud),
        Entry(name: "PSRLDQ without 66", code: [0x0F, 0x73, 0xD9, 0x01], vector: ud),
        Entry(name: "PSLLDQ without 66", code: [0x0F, 0x73, 0xF9, 0x01], vector: ud),
        Entry(name: "0F 71 /0", code: [0x0F, 0x71, 0xC1, 0x01], vector: ud),
        Entry(name: "66 0F 71 /3", code: [0x66, 0x0F, 0x71, 0xD9, 0x01], vector: ud),
        Entry(name: "0F 72 /5", code: [0x0F, 0x72, 0xE9, 0x01], vector: ud),
        Entry(name: "66 0F 72 /7", code: [0x66, 0x0F, 0x72, 0xF9, 0x01], vector: ud),
        Entry(name: "0F 73 /4 (no PSRAQ)", code: [0x0F, 0x73, 0xE1, 0x01], vector: ud),
        Entry(name: "66 0F 73 /4 (no PSRAQ)", code: [0x66, 0x0F, 0x73, 0xE1, 0x01], vector: ud),
        Entry(name: "66 0F 73 /1", code: [0x66, 0x0F, 0x73, 0xC9, 0x01], vector: ud),
        Entry(name: "PSRLW imm, memory form", code: [0x0F, 0x71, 0x16, 0x01], vector: ud),
        Entry(name: "66 PSLLQ imm, memory form", code: [0x66, 0x0F, 0x73, 0x36, 0x01], vector: ud),
        Entry(name: "66 PSRLDQ, memory form", code: [0x66, 0x0F, 0x73, 0x1E, 0x01], vector: ud),
        Entry(name: "PEXTRW, memory form", code: [0x0F, 0xC5, 0x06, 0x01], vector: ud),
        Entry(name: "66 PEXTRW, memory form", code: [0x66, 0x0F, 0xC5, 0x06, 0x01], vector: ud),
        Entry(name: "PMOVMSKB, memory form", code: [0x0F, 0xD7, 0x06], vector: ud),
        Entry(name: "66 PMOVMSKB, memory form", code: [0x66, 0x0F, 0xD7, 0x06], vector: ud),
        Entry(name: "LOCK PADDB", code: [0xF0, 0x0F, 0xFC, 0x06], vector: ud),
        Entry(name: "LOCK 66 PADDB", code: [0xF0, 0x66, 0x0F, 0xFC, 0x06], vector: ud),
        Entry(name: "66 PADDB misaligned", code: [0x66, 0x0F, 0xFC, 0x46, 0x01], vector: gp),
        Entry(name: "66 PUNPCKLBW misaligned", code: [0x66, 0x0F, 0x60, 0x46, 0x04], vector: gp),
        Entry(name: "66 PSRLW count misaligned", code: [0x66, 0x0F, 0xD1, 0x46, 0x08], vector: gp),
        Entry(name: "66 PSHUFD misaligned", code: [0x66, 0x0F, 0x70, 0x46, 0x02, 0x1B], vector: gp),
        Entry(name: "F3 PSHUFHW misaligned", code: [0xF3, 0x0F, 0x70, 0x46, 0x01, 0x1B], vector: gp),
        Entry(name: "F2 PSHUFLW misaligned", code: [0xF2, 0x0F, 0x70, 0x46, 0x0C, 0x1B], vector: gp),
        Entry(name: "66 PSHUFB misaligned", code: [0x66, 0x0F, 0x38, 0x00, 0x46, 0x08], vector: gp),
        Entry(name: "66 PALIGNR misaligned", code: [0x66, 0x0F, 0x3A, 0x0F, 0x46, 0x04, 0x03], vector: gp),
        Entry(name: "66 PUNPCKHQDQ misaligned", code: [0x66, 0x0F, 0x6D, 0x46, 0x08], vector: gp),
        Entry(name: "66 PADDB aligned", code: [0x66, 0x0F, 0xFC, 0x46, 0x10], vector: nil),
        Entry(name: "66 PINSRW m16 misaligned", code: [0x66, 0x0F, 0xC4, 0x46, 0x01, 0x02], vector: nil),
        Entry(name: "PADDB m64 misaligned", code: [0x0F, 0xFC, 0x46, 0x01], vector: nil),
        Entry(name: "PUNPCKLBW m32 misaligned", code: [0x0F, 0x60, 0x46, 0x03], vector: nil),
        Entry(name: "PSHUFB m64 misaligned", code: [0x0F, 0x38, 0x00, 0x46, 0x05], vector: nil),
    ]

    static func state() -> SIMDState {
        var rng = DiffRandom(seed: 0x5350_4349_4641_0601)
        var s = SIMDState()
        for k in 0..<16 { s.xmm[k] = Vector128(low: rng.next(), high: rng.next()) }
        for k in 0..<8 { s.mm[k] = rng.next() }
        for k in 0..<16 { s.gpr[k] = rng.next() }
        s.gpr[6] = 0
        s.gpr[14] = 0
        for k in 0..<64 { s.memory[k] = UInt8(truncatingIfNeeded: rng.next()) }
        return s
    }

    static func cases() -> [SIMDCase] {
        table.map { SIMDCase(code: $0.code, rebased: true, state: state()) }
    }

    func testExceptionsInSwiftPC() {
        let swift = SIMDSwiftRunner()
        for (entry, c) in zip(PackedIntegerFaultTests.table, PackedIntegerFaultTests.cases()) {
            let outcome = swift.run(c)
            XCTAssertEqual(outcome.vector, entry.vector, entry.name)
            if entry.vector != nil {
                XCTAssertEqual(outcome.state.xmm, c.state.xmm, "\(entry.name): XMM changed by a faulting instruction")
                XCTAssertEqual(outcome.state.mm, c.state.mm, "\(entry.name): MM changed by a faulting instruction")
            }
        }
    }

    /// The table itself, on the host CPU.
    func testExceptionsOnHost() throws {
        let native = try SIMDNativeRunner()
        let outcomes = try native.run(PackedIntegerFaultTests.cases())
        for (entry, outcome) in zip(PackedIntegerFaultTests.table, outcomes) {
            XCTAssertEqual(outcome.vector, entry.vector, "host: \(entry.name)")
        }
    }

    /// CR0.EM, CR0.TS and CR4.OSFXSR before the instruction (SDM Vol. 3
    /// §13.1.4, Vol. 2 §2.5), and the MMX transition of the x87 state after
    /// it (§9.5.1): TOP 0 and every register valid for an MMX instruction,
    /// nothing for an SSE2 one.
    func testAvailabilityAndMMXTransition() {
        let mmx: [UInt8] = [0x0F, 0xFC, 0xC1], sse: [UInt8] = [0x66, 0x0F, 0xFC, 0xC1]
        let cases: [(name: String, cr0Set: UInt32, cr4Clear: UInt32, code: [UInt8], vector: UInt8?)] = [
            ("MMX with EM", CPU.cr0EM, 0, mmx, 6),
            ("SSE2 with EM", CPU.cr0EM, 0, sse, 6),
            ("MMX with TS", CPU.cr0TS, 0, mmx, 7),
            ("SSE2 with TS", CPU.cr0TS, 0, sse, 7),
            ("SSE2 without OSFXSR", 0, CPU.cr4OSFXSR, sse, 6),
            ("MMX without OSFXSR", 0, CPU.cr4OSFXSR, mmx, nil),
        ]
        for c in cases {
            let swift = SIMDSwiftRunner()
            swift.harness.cpu.cr0 |= c.cr0Set
            swift.harness.cpu.cr4 &= ~c.cr4Clear
            let outcome = swift.run(SIMDCase(code: c.code, rebased: false, state: PackedIntegerFaultTests.state()))
            XCTAssertEqual(outcome.vector, c.vector, c.name)
        }
        for (code, isMMX) in [(mmx, true), (sse, false)] {
            let swift = SIMDSwiftRunner()
            let cpu = swift.harness.cpu
            let state = PackedIntegerFaultTests.state()
            for k in 0..<16 { cpu.setXMM(k, state.xmm[k]) }
            cpu.x87.initialize()
            cpu.x87.status = 5 << 11
            swift.harness.bus.load(code + [0xF4], at: LongModeHarness.code)
            cpu.rip = UInt64(LongModeHarness.code)
            _ = cpu.run(budget: 1)
            XCTAssertEqual(cpu.rip, UInt64(LongModeHarness.code + code.count), "\(code): completed")
            XCTAssertEqual(cpu.x87.top, isMMX ? 0 : 5, "\(code): TOP")
            XCTAssertEqual(cpu.x87.validTags, isMMX ? 0xFF : 0, "\(code): tags")
        }
    }
}
