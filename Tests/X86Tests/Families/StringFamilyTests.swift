// MOVS, CMPS, SCAS, LODS, STOS, INS, OUTS with REP/REPE/REPNE, DF=1, the 0x67
// address size (ESI/EDI/ECX), segment overrides of the source, and a long REP
// MOVSB that the implementation runs in 4096-iteration chunks, restarting itself
// (SDM Vol. 1 §7.3.9, Vol. 2 "REP/REPE/REPZ/REPNE/REPNZ").
// The rig has DS = 2000h and ES = 3000h.

import XCTest
import X86

final class StringFamilyTests: XCTestCase {
    struct Case {
        var name: String
        var code: [UInt8]
        var steps: Int = 1
        var setup: (FamRig) -> Void
        var check: (FamRig, String) -> Void
    }

    static let ds = SegmentIndex.ds, es = SegmentIndex.es

    static let cases: [Case] = [
        Case(name: "rep movsb forward", code: [0xF3, 0xA4], setup: { r in
            r.poke(ds, 0x10, [1, 2, 3, 4, 5, 6]); r.set([Reg.esi: 0x10, Reg.edi: 0x20, Reg.ecx: 0xABCD_0005])
        }, check: { r, n in
            XCTAssertEqual((0..<6).map { r.peek8(es, 0x20 + $0) }, [1, 2, 3, 4, 5, 0], n)
            XCTAssertEqual(r.reg(Reg.esi), 0x15, "\(n): SI"); XCTAssertEqual(r.reg(Reg.edi), 0x25, "\(n): DI")
            XCTAssertEqual(r.reg(Reg.ecx), 0xABCD_0000, "\(n): CX only")
        }),
        Case(name: "rep movsb DF=1", code: [0xFD, 0xF3, 0xA4], steps: 2, setup: { r in
            r.poke(ds, 0x10, [1, 2, 3, 4, 5]); r.set([Reg.esi: 0x14, Reg.edi: 0x24, Reg.ecx: 5])
        }, check: { r, n in
            XCTAssertEqual((0..<6).map { r.peek8(es, 0x1F + $0) }, [0, 1, 2, 3, 4, 5], n)
            XCTAssertEqual(r.reg(Reg.esi), 0x0F, "\(n): SI"); XCTAssertEqual(r.reg(Reg.edi), 0x1F, "\(n): DI")
            XCTAssertEqual(r.reg(Reg.ecx), 0, "\(n): CX")
        }),
        Case(name: "movsw without rep", code: [0xA5], setup: { r in
            r.poke16(ds, 0x10, 0xBEEF); r.set([Reg.esi: 0x10, Reg.edi: 0x20, Reg.ecx: 7])
        }, check: { r, n in
            XCTAssertEqual(r.peek16(es, 0x20), 0xBEEF, n)
            XCTAssertEqual(r.reg(Reg.esi), 0x12, "\(n): SI"); XCTAssertEqual(r.reg(Reg.edi), 0x22, "\(n): DI")
            XCTAssertEqual(r.reg(Reg.ecx), 7, "\(n): CX untouched")
        }),
        Case(name: "rep movsd (66) DF=1", code: [0xFD, 0xF3, 0x66, 0xA5], steps: 2, setup: { r in
            r.poke32(ds, 0x10, 0x1111_1111); r.poke32(ds, 0x14, 0x2222_2222); r.set([Reg.esi: 0x14, Reg.edi: 0x44, Reg.ecx: 2])
        }, check: { r, n in
            XCTAssertEqual(r.peek32(es, 0x40), 0x1111_1111, n); XCTAssertEqual(r.peek32(es, 0x44), 0x2222_2222, n)
            XCTAssertEqual(r.reg(Reg.esi), 0x0C, "\(n): SI"); XCTAssertEqual(r.reg(Reg.edi), 0x3C, "\(n): DI")
        }),
        Case(name: "rep movsb CX=0 does nothing", code: [0xF3, 0xA4], setup: { r in
            r.poke(ds, 0x10, [9]); r.set([Reg.esi: 0x10, Reg.edi: 0x20, Reg.ecx: 0xFFFF_0000])
            r.cpu.eflags = 0x2 | FamFlags.zf
        }, check: { r, n in
            XCTAssertEqual(r.peek8(es, 0x20), 0, n)
            XCTAssertEqual(r.reg(Reg.esi), 0x10, "\(n): SI"); XCTAssertEqual(r.reg(Reg.edi), 0x20, "\(n): DI")
            XCTAssertEqual(r.reg(Reg.ecx), 0xFFFF_0000, "\(n): ECX"); XCTAssertEqual(r.cpu.eip, 2, "\(n): IP")
        }),
        Case(name: "16-bit SI/DI wrap at FFFF", code: [0xF3, 0xA4], setup: { r in
            r.poke(ds, 0xFFFF, [0xA1]); r.poke(ds, 0, [0xA2]); r.set([Reg.esi: 0xFFFF, Reg.edi: 0xFFFF, Reg.ecx: 2])
        }, check: { r, n in
            XCTAssertEqual(r.peek8(es, 0xFFFF), 0xA1, n); XCTAssertEqual(r.peek8(es, 0), 0xA2, n)
            XCTAssertEqual(r.reg(Reg.esi), 1, "\(n): SI wraps"); XCTAssertEqual(r.reg(Reg.edi), 1, "\(n): DI wraps")
        }),
        Case(name: "a32 rep movsb uses ESI EDI ECX (67)", code: [0x67, 0xF3, 0xA4], setup: { r in
            r.poke(ds, 0xFFFE, [7, 8]); r.set([Reg.esi: 0xFFFE, Reg.edi: 0x10, Reg.ecx: 2])
        }, check: { r, n in
            XCTAssertEqual(r.peek8(es, 0x10), 7, n); XCTAssertEqual(r.peek8(es, 0x11), 8, n)
            XCTAssertEqual(r.reg(Reg.esi), 0x1_0000, "\(n): ESI does not wrap at 16 bits")
            XCTAssertEqual(r.reg(Reg.edi), 0x12, "\(n): EDI"); XCTAssertEqual(r.reg(Reg.ecx), 0, "\(n): ECX")
        }),
        Case(name: "a32 rep stosb counts with all of ECX", code: [0x67, 0xF3, 0xAA], setup: { r in
            r.set([Reg.edi: 0x100, Reg.ecx: 0x0000_0003, Reg.eax: 0x5A])
        }, check: { r, n in
            XCTAssertEqual((0..<4).map { r.peek8(es, 0x100 + $0) }, [0x5A, 0x5A, 0x5A, 0], n)
            XCTAssertEqual(r.reg(Reg.edi), 0x103, "\(n): EDI"); XCTAssertEqual(r.reg(Reg.ecx), 0, "\(n): ECX")
        }),
        Case(name: "es: movsb reads ES:SI", code: [0x26, 0xA4], setup: { r in
            r.poke(ds, 0x10, [0x11]); r.poke(es, 0x10, [0x22]); r.set([Reg.esi: 0x10, Reg.edi: 0x30])
        }, check: { r, n in XCTAssertEqual(r.peek8(es, 0x30), 0x22, n) }),
        Case(name: "fs: lodsw reads FS:SI", code: [0x64, 0xAD], setup: { r in
            r.poke16(ds, 0x10, 0x1111); r.poke16(SegmentIndex.fs, 0x10, 0x3333); r.set([Reg.esi: 0x10, Reg.eax: 0xFFFF_0000])
        }, check: { r, n in
            XCTAssertEqual(r.reg(Reg.eax), 0xFFFF_3333, n); XCTAssertEqual(r.reg(Reg.esi), 0x12, "\(n): SI")
        }),
        Case(name: "cs: stosb still writes ES:DI", code: [0x2E, 0xAA], setup: { r in
            r.set([Reg.edi: 0x50, Reg.eax: 0x77])
        }, check: { r, n in
            XCTAssertEqual(r.peek8(es, 0x50), 0x77, n); XCTAssertEqual(r.reg(Reg.edi), 0x51, "\(n): DI")
        }),
        Case(name: "rep stosw", code: [0xF3, 0xAB], setup: { r in
            r.set([Reg.edi: 0x100, Reg.ecx: 4, Reg.eax: 0xABCD])
        }, check: { r, n in
            XCTAssertEqual((0..<5).map { r.peek16(es, 0x100 + 2 * $0) }, [0xABCD, 0xABCD, 0xABCD, 0xABCD, 0], n)
            XCTAssertEqual(r.reg(Reg.edi), 0x108, "\(n): DI")
        }),
        Case(name: "rep lodsb leaves the last byte", code: [0xF3, 0xAC], setup: { r in
            r.poke(ds, 0x10, [1, 2, 3]); r.set([Reg.esi: 0x10, Reg.ecx: 3])
        }, check: { r, n in
            XCTAssertEqual(r.reg(Reg.eax), 3, n); XCTAssertEqual(r.reg(Reg.esi), 0x13, "\(n): SI")
        }),
        Case(name: "repe cmpsb stops at the mismatch", code: [0xF3, 0xA6], setup: { r in
            r.poke(ds, 0x10, Array("ABCDE".utf8)); r.poke(es, 0x20, Array("ABXDE".utf8)); r.set([Reg.esi: 0x10, Reg.edi: 0x20, Reg.ecx: 5])
        }, check: { r, n in
            XCTAssertEqual(r.reg(Reg.ecx), 2, "\(n): CX"); XCTAssertEqual(r.reg(Reg.esi), 0x13, "\(n): SI"); XCTAssertEqual(r.reg(Reg.edi), 0x23, "\(n): DI")
            // 'C' - 'X' = 0x43 - 0x58 = 0xEB: CF SF PF AF
            XCTAssertEqual(FamFlags.describe(r.cpu.eflags & FamFlags.status), FamFlags.describe(FamFlags.parse("CPAS")), "\(n): flags")
        }),
        Case(name: "repe cmpsb all equal", code: [0xF3, 0xA6], setup: { r in
            r.poke(ds, 0x10, Array("ABC".utf8)); r.poke(es, 0x20, Array("ABC".utf8)); r.set([Reg.esi: 0x10, Reg.edi: 0x20, Reg.ecx: 3])
        }, check: { r, n in
            XCTAssertEqual(r.reg(Reg.ecx), 0, "\(n): CX"); XCTAssertEqual(r.cpu.eflags & FamFlags.zf, FamFlags.zf, "\(n): ZF")
            XCTAssertEqual(r.reg(Reg.esi), 0x13, "\(n): SI")
        }),
        Case(name: "repne cmpsb stops at the first equal", code: [0xF2, 0xA6], setup: { r in
            r.poke(ds, 0x10, Array("ABCD".utf8)); r.poke(es, 0x20, Array("XYCD".utf8)); r.set([Reg.esi: 0x10, Reg.edi: 0x20, Reg.ecx: 4])
        }, check: { r, n in
            XCTAssertEqual(r.reg(Reg.ecx), 1, "\(n): CX"); XCTAssertEqual(r.reg(Reg.edi), 0x23, "\(n): DI")
            XCTAssertEqual(r.cpu.eflags & FamFlags.zf, FamFlags.zf, "\(n): ZF")
        }),
        Case(name: "repe cmpsw DF=1", code: [0xFD, 0xF3, 0xA7], steps: 2, setup: { r in
            r.poke16(ds, 0x10, 0x1234); r.poke16(ds, 0x12, 0x5678); r.poke16(es, 0x20, 0x1233); r.poke16(es, 0x22, 0x5678)
            r.set([Reg.esi: 0x12, Reg.edi: 0x22, Reg.ecx: 2])
        }, check: { r, n in
            XCTAssertEqual(r.reg(Reg.ecx), 0, "\(n): CX"); XCTAssertEqual(r.reg(Reg.esi), 0x0E, "\(n): SI"); XCTAssertEqual(r.reg(Reg.edi), 0x1E, "\(n): DI")
            XCTAssertEqual(FamFlags.describe(r.cpu.eflags & FamFlags.status), FamFlags.describe(0), "\(n): flags of 0x1234-0x1233")
        }),
        Case(name: "repne scasb finds the byte", code: [0xF2, 0xAE], setup: { r in
            r.poke(es, 0x20, Array("ABCDE".utf8)); r.set([Reg.edi: 0x20, Reg.ecx: 5, Reg.eax: 0x44])
        }, check: { r, n in
            XCTAssertEqual(r.reg(Reg.ecx), 1, "\(n): CX"); XCTAssertEqual(r.reg(Reg.edi), 0x24, "\(n): DI")
            XCTAssertEqual(r.cpu.eflags & FamFlags.zf, FamFlags.zf, "\(n): ZF")
        }),
        Case(name: "repne scasb not found", code: [0xF2, 0xAE], setup: { r in
            r.poke(es, 0x20, Array("ABCDE".utf8)); r.set([Reg.edi: 0x20, Reg.ecx: 5, Reg.eax: 0x5A])
        }, check: { r, n in
            XCTAssertEqual(r.reg(Reg.ecx), 0, "\(n): CX"); XCTAssertEqual(r.reg(Reg.edi), 0x25, "\(n): DI")
            XCTAssertEqual(r.cpu.eflags & FamFlags.zf, 0, "\(n): ZF")
        }),
        Case(name: "repe scasw (66) a32", code: [0x66, 0x67, 0xF3, 0xAF], setup: { r in
            r.poke32(es, 0x20, 0x0); r.poke32(es, 0x24, 0x0); r.poke32(es, 0x28, 0x1)
            r.set([Reg.edi: 0x20, Reg.ecx: 10, Reg.eax: 0])
        }, check: { r, n in
            XCTAssertEqual(r.reg(Reg.ecx), 7, "\(n): ECX"); XCTAssertEqual(r.reg(Reg.edi), 0x2C, "\(n): EDI")
            XCTAssertEqual(r.cpu.eflags & FamFlags.zf, 0, "\(n): ZF")
        }),
        Case(name: "rep movsw faulting midway keeps the progress", code: [0xF3, 0xA5], setup: { r in
            r.set([Reg.esi: 0, Reg.edi: 0xFFFB, Reg.ecx: 3])
        }, check: { r, n in
            XCTAssertEqual(r.faultVector, 13, "\(n): #GP")
            XCTAssertEqual(r.reg(Reg.ecx), 1, "\(n): CX at the faulting iteration")
            XCTAssertEqual(r.reg(Reg.esi), 4, "\(n): SI"); XCTAssertEqual(r.reg(Reg.edi), 0xFFFF, "\(n): DI")
            XCTAssertEqual(r.peek16(SegmentIndex.ss, 0x1000 - 6), 0, "\(n): the fault returns to the instruction")
        }),
    ]

    func testStringInstructions() {
        let rig = FamRig()
        for c in StringFamilyTests.cases {
            rig.reset()
            // Clear the data areas the cases use.
            rig.poke(SegmentIndex.ds, 0, [UInt8](repeating: 0, count: 0x200))
            rig.poke(SegmentIndex.es, 0, [UInt8](repeating: 0, count: 0x200))
            rig.poke(SegmentIndex.ds, 0xFF00, [UInt8](repeating: 0, count: 0x100))
            rig.poke(SegmentIndex.es, 0xFF00, [UInt8](repeating: 0, count: 0x100))
            rig.load(c.code)
            c.setup(rig)
            let fault = rig.run(c.steps)
            if !c.name.contains("fault") {
                XCTAssertNil(fault, c.name)
                XCTAssertEqual(rig.cpu.eip, UInt32(c.code.count), "\(c.name): IP after")
            }
            c.check(rig, c.name)
        }
    }

    /// REP MOVSB of 5000 bytes: 4096 iterations, then the instruction restarts
    /// itself (IP unchanged, CX = 904), then the rest; every byte lands.
    func testLongRepMovsbRestartsInChunks() {
        let rig = FamRig()
        let count = 5000
        let pattern = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        rig.poke(SegmentIndex.ds, 0x100, pattern)
        rig.load([0xF3, 0xA4, 0x90])
        rig.set([Reg.esi: 0x100, Reg.edi: 0x200, Reg.ecx: UInt32(count)])
        XCTAssertNil(rig.run(1), "rep movsb 5000: first chunk")
        XCTAssertEqual(rig.cpu.eip, 0, "rep movsb 5000: restarts itself after a chunk")
        XCTAssertEqual(rig.reg(Reg.ecx), UInt32(count - 4096), "rep movsb 5000: CX after the first chunk")
        XCTAssertEqual(rig.reg(Reg.esi), UInt32(0x100 + 4096), "rep movsb 5000: SI after the first chunk")
        let (steps, fault) = rig.run(untilIP: 2)
        XCTAssertNil(fault, "rep movsb 5000")
        XCTAssertEqual(steps, 1, "rep movsb 5000: one more chunk")
        XCTAssertEqual(rig.reg(Reg.ecx), 0, "rep movsb 5000: CX")
        XCTAssertEqual(rig.reg(Reg.esi), UInt32(0x100 + count), "rep movsb 5000: SI")
        XCTAssertEqual(rig.reg(Reg.edi), UInt32(0x200 + count), "rep movsb 5000: DI")
        let copied = (0..<count).map { rig.peek8(SegmentIndex.es, 0x200 + UInt32($0)) }
        XCTAssertEqual(copied, pattern, "rep movsb 5000: bytes")
        XCTAssertEqual(rig.peek8(SegmentIndex.es, 0x200 + UInt32(count)), 0, "rep movsb 5000: no byte beyond")

        // The same copy with cpu.run(budget:) directly, as a board would.
        rig.reset()
        rig.poke(SegmentIndex.es, 0x200, [UInt8](repeating: 0, count: count))
        rig.load([0xF3, 0xA4, 0xF4])
        rig.set([Reg.esi: 0x100, Reg.edi: 0x200, Reg.ecx: UInt32(count)])
        _ = rig.cpu.run(budget: 10)
        XCTAssertTrue(rig.cpu.halted, "rep movsb 5000 then hlt: reached HLT")
        XCTAssertEqual((0..<count).map { rig.peek8(SegmentIndex.es, 0x200 + UInt32($0)) }, pattern, "rep movsb 5000 via run(budget:)")
    }

    /// INS/OUTS through the TestBus ports.
    func testPortStrings() {
        let rig = FamRig()
        rig.poke(SegmentIndex.ds, 0x10, [0x41, 0x42, 0x43])
        rig.load([0xF3, 0x6E])          // rep outsb
        rig.set([Reg.esi: 0x10, Reg.ecx: 3, Reg.edx: 0x3F8])
        rig.run(1)
        XCTAssertEqual(rig.bus.outputs.map { $0.port }, [0x3F8, 0x3F8, 0x3F8], "rep outsb: ports")
        XCTAssertEqual(rig.bus.outputs.map { $0.value }, [0x41, 0x42, 0x43], "rep outsb: values")
        XCTAssertEqual(rig.reg(Reg.esi), 0x13, "rep outsb: SI")
        XCTAssertEqual(rig.reg(Reg.ecx), 0, "rep outsb: CX")

        rig.reset()
        rig.bus.ports[0x60] = 0xBEEF
        rig.load([0xF3, 0x6D])          // rep insw
        rig.set([Reg.edi: 0x40, Reg.ecx: 2, Reg.edx: 0x60])
        XCTAssertNil(rig.run(1), "rep insw")
        XCTAssertEqual(rig.peek16(SegmentIndex.es, 0x40), 0xBEEF, "rep insw: first word")
        XCTAssertEqual(rig.peek16(SegmentIndex.es, 0x42), 0xBEEF, "rep insw: second word")
        XCTAssertEqual(rig.reg(Reg.edi), 0x44, "rep insw: DI")
    }
}
