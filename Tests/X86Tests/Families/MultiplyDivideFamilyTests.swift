// MUL, IMUL (one-, two- and three-operand forms), DIV, IDIV (SDM Vol. 2).
// CF = OF = "upper half significant"; SF/ZF/PF/AF are undefined in the SDM and
// pinned to the rule of MultiplyDivide.swift: SF/ZF/PF follow the low half
// (the destination for the two- and three-operand forms), AF = 0, and DIV/IDIV
// leave every status flag unchanged. #DE for a zero divisor or a quotient that
// does not fit.

import XCTest
import X86

final class MultiplyDivideFamilyTests: XCTestCase {
    struct Case {
        var name: String
        var code: [UInt8]
        var eax: UInt32, ecx: UInt32, edx: UInt32
        var expectEAX: UInt32, expectEDX: UInt32
        var flags: String
    }

    // MUL/IMUL r/m with CL/CX/ECX as the source: F6/F7 E1 (MUL), E9 (IMUL).
    // Upper EAX/EDX bits that the operation must not touch carry a junk pattern.
    static let multiplies: [Case] = [
        Case(name: "mul8 0x80*0x02", code: [0xF6, 0xE1], eax: 0xDEAD_BE80, ecx: 0x02, edx: 0x1111_1111, expectEAX: 0xDEAD_0100, expectEDX: 0x1111_1111, flags: "CPZO"),
        Case(name: "mul8 0x0F*0x0F", code: [0xF6, 0xE1], eax: 0x0F, ecx: 0x0F, edx: 0, expectEAX: 0x00E1, expectEDX: 0, flags: "PS"),
        Case(name: "mul8 0xFF*0xFF", code: [0xF6, 0xE1], eax: 0xFF, ecx: 0xFF, edx: 0, expectEAX: 0xFE01, expectEDX: 0, flags: "CO"),
        Case(name: "mul8 0x00*0xFF", code: [0xF6, 0xE1], eax: 0xAB00, ecx: 0xFF, edx: 0, expectEAX: 0x0000, expectEDX: 0, flags: "PZ"),
        Case(name: "mul8 ah-source 0x10*0x10", code: [0xF6, 0xE4], eax: 0x1010, ecx: 0, edx: 0, expectEAX: 0x0100, expectEDX: 0, flags: "CPZO"),
        Case(name: "mul16 0xFFFF*0xFFFF", code: [0xF7, 0xE1], eax: 0xAAAA_FFFF, ecx: 0xFFFF, edx: 0xBBBB_0000, expectEAX: 0xAAAA_0001, expectEDX: 0xBBBB_FFFE, flags: "CO"),
        Case(name: "mul16 0x1234*0x0010", code: [0xF7, 0xE1], eax: 0x1234, ecx: 0x10, edx: 0, expectEAX: 0x2340, expectEDX: 0x0001, flags: "CO"),
        Case(name: "mul16 0x00FF*0x0101", code: [0xF7, 0xE1], eax: 0xFF, ecx: 0x101, edx: 0xFFFF, expectEAX: 0xFFFF, expectEDX: 0, flags: "PS"),
        Case(name: "mul32 0xFFFFFFFF*2", code: [0x66, 0xF7, 0xE1], eax: 0xFFFF_FFFF, ecx: 2, edx: 0, expectEAX: 0xFFFF_FFFE, expectEDX: 1, flags: "CSO"),
        Case(name: "mul32 0x10000*0x10000", code: [0x66, 0xF7, 0xE1], eax: 0x10000, ecx: 0x10000, edx: 0, expectEAX: 0, expectEDX: 1, flags: "CPZO"),
        Case(name: "mul32 3*5", code: [0x66, 0xF7, 0xE1], eax: 3, ecx: 5, edx: 0xFFFF_FFFF, expectEAX: 15, expectEDX: 0, flags: "P"),
        Case(name: "mul32 0xFFFFFFFF*0xFFFFFFFF", code: [0x66, 0xF7, 0xE1], eax: 0xFFFF_FFFF, ecx: 0xFFFF_FFFF, edx: 0, expectEAX: 1, expectEDX: 0xFFFF_FFFE, flags: "CO"),
        Case(name: "imul8 -128*-1", code: [0xF6, 0xE9], eax: 0x80, ecx: 0xFF, edx: 0, expectEAX: 0x0080, expectEDX: 0, flags: "CSO"),
        Case(name: "imul8 -2*3", code: [0xF6, 0xE9], eax: 0xFE, ecx: 0x03, edx: 0, expectEAX: 0xFFFA, expectEDX: 0, flags: "PS"),
        Case(name: "imul8 -128*1", code: [0xF6, 0xE9], eax: 0x80, ecx: 0x01, edx: 0, expectEAX: 0xFF80, expectEDX: 0, flags: "S"),
        Case(name: "imul8 127*127", code: [0xF6, 0xE9], eax: 0x7F, ecx: 0x7F, edx: 0, expectEAX: 0x3F01, expectEDX: 0, flags: "CO"),
        Case(name: "imul16 -32768*-32768", code: [0xF7, 0xE9], eax: 0x8000, ecx: 0x8000, edx: 0, expectEAX: 0x0000, expectEDX: 0x4000, flags: "CPZO"),
        Case(name: "imul16 -1*-1", code: [0xF7, 0xE9], eax: 0xFFFF, ecx: 0xFFFF, edx: 0xFFFF, expectEAX: 1, expectEDX: 0, flags: ""),
        Case(name: "imul16 -1*1", code: [0xF7, 0xE9], eax: 0xFFFF, ecx: 1, edx: 0, expectEAX: 0xFFFF, expectEDX: 0xFFFF, flags: "PS"),
        Case(name: "imul32 0x7FFFFFFF*2", code: [0x66, 0xF7, 0xE9], eax: 0x7FFF_FFFF, ecx: 2, edx: 0, expectEAX: 0xFFFF_FFFE, expectEDX: 0, flags: "CSO"),
        Case(name: "imul32 -1*-1", code: [0x66, 0xF7, 0xE9], eax: 0xFFFF_FFFF, ecx: 0xFFFF_FFFF, edx: 0, expectEAX: 1, expectEDX: 0, flags: ""),
        Case(name: "imul32 -2^31*-1", code: [0x66, 0xF7, 0xE9], eax: 0x8000_0000, ecx: 0xFFFF_FFFF, edx: 0, expectEAX: 0x8000_0000, expectEDX: 0, flags: "CPSO"),
        Case(name: "imul32 -2^31*-2^31", code: [0x66, 0xF7, 0xE9], eax: 0x8000_0000, ecx: 0x8000_0000, edx: 0, expectEAX: 0, expectEDX: 0x4000_0000, flags: "CPZO"),
        // Two-operand IMUL (0F AF): destination register only, truncated.
        Case(name: "imul ax,cx 0x100*0x100", code: [0x0F, 0xAF, 0xC1], eax: 0x5555_0100, ecx: 0x0100, edx: 0x7777, expectEAX: 0x5555_0000, expectEDX: 0x7777, flags: "CPZO"),
        Case(name: "imul ax,cx -3*7", code: [0x0F, 0xAF, 0xC1], eax: 0xFFFD, ecx: 7, edx: 0, expectEAX: 0xFFEB, expectEDX: 0, flags: "PS"),
        Case(name: "imul ax,cx -32768*1", code: [0x0F, 0xAF, 0xC1], eax: 0x8000, ecx: 1, edx: 0, expectEAX: 0x8000, expectEDX: 0, flags: "PS"),
        Case(name: "imul eax,ecx 0x40000000*4", code: [0x66, 0x0F, 0xAF, 0xC1], eax: 0x4000_0000, ecx: 4, edx: 0, expectEAX: 0, expectEDX: 0, flags: "CPZO"),
        Case(name: "imul eax,ecx -65536*65536", code: [0x66, 0x0F, 0xAF, 0xC1], eax: 0xFFFF_0000, ecx: 0x1_0000, edx: 0, expectEAX: 0, expectEDX: 0, flags: "CPZO"),
        Case(name: "imul edx,ecx 100*-100", code: [0x66, 0x0F, 0xAF, 0xD1], eax: 0, ecx: 0xFFFF_FF9C, edx: 100, expectEAX: 0, expectEDX: 0xFFFF_D8F0, flags: "PS"),
        // Three-operand IMUL (69 iz, 6B ib sign-extended): AX = CX * imm.
        Case(name: "imul ax,cx,0x1234 (69)", code: [0x69, 0xC1, 0x34, 0x12], eax: 0xEEEE_0000, ecx: 2, edx: 0, expectEAX: 0xEEEE_2468, expectEDX: 0, flags: ""),
        Case(name: "imul ax,cx,-1 (6B) 0x8000", code: [0x6B, 0xC1, 0xFF], eax: 0, ecx: 0x8000, edx: 0, expectEAX: 0x8000, expectEDX: 0, flags: "CPSO"),
        Case(name: "imul ax,cx,-128 (6B) 2", code: [0x6B, 0xC1, 0x80], eax: 0, ecx: 2, edx: 0, expectEAX: 0xFF00, expectEDX: 0, flags: "PS"),
        Case(name: "imul eax,ecx,-2 (66 6B) 3", code: [0x66, 0x6B, 0xC1, 0xFE], eax: 0, ecx: 3, edx: 0, expectEAX: 0xFFFF_FFFA, expectEDX: 0, flags: "PS"),
        Case(name: "imul eax,ecx,0x10000 (66 69) 0x10000", code: [0x66, 0x69, 0xC1, 0x00, 0x00, 0x01, 0x00], eax: 0, ecx: 0x1_0000, edx: 0, expectEAX: 0, expectEDX: 0, flags: "CPZO"),
        Case(name: "imul cx,cx,3 (6B) same register", code: [0x6B, 0xC9, 0x03], eax: 0, ecx: 0x0101, edx: 0, expectEAX: 0, expectEDX: 0, flags: "P"),
    ]

    /// Flags before MUL/IMUL: AF set so that its clearing is seen.
    func testMultiply() {
        let h = RealModeHarness()
        for c in MultiplyDivideFamilyTests.multiplies {
            let out = h.famStep(c.code, regs: [Reg.eax: c.eax, Reg.ecx: c.ecx, Reg.edx: c.edx], eflags: 0x2 | FamFlags.af)
            XCTAssertNil(out.fault, c.name)
            XCTAssertEqual(out.reg(Reg.eax), c.expectEAX, "\(c.name): EAX")
            if c.name.contains("same register") {
                XCTAssertEqual(out.reg(Reg.ecx), 0x0303, "\(c.name): CX")
            } else {
                XCTAssertEqual(out.reg(Reg.edx), c.expectEDX, "\(c.name): EDX")
            }
            XCTAssertEqual(FamFlags.describe(out.eflags & FamFlags.status), FamFlags.describe(FamFlags.parse(c.flags)), "\(c.name): flags")
        }
        // A memory source: mul word [bx], imul ax,[bx],imm.
        let rig = FamRig()
        rig.load([0xF7, 0x27, 0x69, 0x07, 0x03, 0x00])
        rig.set([Reg.ebx: 0x100, Reg.eax: 0x0003])
        rig.poke16(SegmentIndex.ds, 0x100, 0x8000)
        XCTAssertNil(rig.run(1), "mul word [bx]")
        XCTAssertEqual(rig.reg(Reg.eax), 0x8000, "mul word [bx] 3*0x8000: AX")
        XCTAssertEqual(rig.reg(Reg.edx), 0x0001, "mul word [bx] 3*0x8000: DX")
        XCTAssertNil(rig.run(1), "imul ax,[bx],3")
        XCTAssertEqual(rig.reg(Reg.eax), 0x8000, "imul ax,[bx],3 (0x8000*3 truncated)")
        XCTAssertEqual(rig.cpu.eflags & (FamFlags.cf | FamFlags.of), FamFlags.cf | FamFlags.of, "imul ax,[bx],3: CF=OF=1")
    }

    struct DivCase {
        var name: String
        var code: [UInt8]
        var eax: UInt32, edx: UInt32, ecx: UInt32
        /// nil: #DE expected.
        var expect: (eax: UInt32, edx: UInt32)?
    }

    // DIV F6/F7 F1 (by CL/CX/ECX), IDIV F6/F7 F9.
    static let divides: [DivCase] = [
        DivCase(name: "div8 100/7", code: [0xF6, 0xF1], eax: 0xABCD_0064, edx: 0x1234, ecx: 7, expect: (0xABCD_020E, 0x1234)),
        DivCase(name: "div8 0x00FF/1", code: [0xF6, 0xF1], eax: 0x00FF, edx: 0, ecx: 1, expect: (0x00FF, 0)),
        DivCase(name: "div8 0xFFFF/0xFF quotient 0x101 overflows", code: [0xF6, 0xF1], eax: 0xFFFF, edx: 0, ecx: 0xFF, expect: nil),
        DivCase(name: "div8 0x0100/1 overflows", code: [0xF6, 0xF1], eax: 0x0100, edx: 0, ecx: 1, expect: nil),
        DivCase(name: "div8 by zero", code: [0xF6, 0xF1], eax: 0x0005, edx: 0, ecx: 0, expect: nil),
        DivCase(name: "div8 by zero CL (CH nonzero)", code: [0xF6, 0xF1], eax: 0x0005, edx: 0, ecx: 0xFF00, expect: nil),
        DivCase(name: "div16 0x00010000/2", code: [0xF7, 0xF1], eax: 0x0000, edx: 0x0001, ecx: 2, expect: (0x8000, 0)),
        DivCase(name: "div16 0xFFFEFFFF/0xFFFF", code: [0xF7, 0xF1], eax: 0xFFFF, edx: 0xFFFE, ecx: 0xFFFF, expect: (0xFFFF, 0xFFFE)),
        DivCase(name: "div16 0xFFFF0000/0xFFFF overflows", code: [0xF7, 0xF1], eax: 0x0000, edx: 0xFFFF, ecx: 0xFFFF, expect: nil),
        DivCase(name: "div16 by zero", code: [0xF7, 0xF1], eax: 1, edx: 0, ecx: 0xFFFF_0000, expect: nil),
        DivCase(name: "div32 0x100000000/0x10", code: [0x66, 0xF7, 0xF1], eax: 0, edx: 1, ecx: 0x10, expect: (0x1000_0000, 0)),
        DivCase(name: "div32 0xFFFFFFFF/0x10", code: [0x66, 0xF7, 0xF1], eax: 0xFFFF_FFFF, edx: 0, ecx: 0x10, expect: (0x0FFF_FFFF, 0xF)),
        DivCase(name: "div32 0xFFFFFFFE_FFFFFFFF/0xFFFFFFFF", code: [0x66, 0xF7, 0xF1], eax: 0xFFFF_FFFF, edx: 0xFFFF_FFFE, ecx: 0xFFFF_FFFF, expect: (0xFFFF_FFFF, 0xFFFF_FFFE)),
        DivCase(name: "div32 0x100000000/1 overflows", code: [0x66, 0xF7, 0xF1], eax: 0, edx: 1, ecx: 1, expect: nil),
        DivCase(name: "div32 by zero", code: [0x66, 0xF7, 0xF1], eax: 1, edx: 0, ecx: 0, expect: nil),
        DivCase(name: "idiv8 -7/2", code: [0xF6, 0xF9], eax: 0xFFF9, edx: 0, ecx: 2, expect: (0xFFFD, 0)),
        DivCase(name: "idiv8 7/-2", code: [0xF6, 0xF9], eax: 0x0007, edx: 0, ecx: 0xFE, expect: (0x01FD, 0)),
        DivCase(name: "idiv8 -128/1", code: [0xF6, 0xF9], eax: 0xFF80, edx: 0, ecx: 1, expect: (0x0080, 0)),
        DivCase(name: "idiv8 128/1 overflows", code: [0xF6, 0xF9], eax: 0x0080, edx: 0, ecx: 1, expect: nil),
        DivCase(name: "idiv8 0x8000/-1 overflows", code: [0xF6, 0xF9], eax: 0x8000, edx: 0, ecx: 0xFF, expect: nil),
        DivCase(name: "idiv8 by zero", code: [0xF6, 0xF9], eax: 0x8000, edx: 0, ecx: 0, expect: nil),
        DivCase(name: "idiv16 -7/2", code: [0xF7, 0xF9], eax: 0xFFF9, edx: 0xFFFF, ecx: 2, expect: (0xFFFD, 0xFFFF)),
        DivCase(name: "idiv16 -32768/1", code: [0xF7, 0xF9], eax: 0x8000, edx: 0xFFFF, ecx: 1, expect: (0x8000, 0)),
        DivCase(name: "idiv16 0x80000000/-1 overflows", code: [0xF7, 0xF9], eax: 0x0000, edx: 0x8000, ecx: 0xFFFF, expect: nil),
        DivCase(name: "idiv16 32768/1 overflows", code: [0xF7, 0xF9], eax: 0x8000, edx: 0x0000, ecx: 1, expect: nil),
        DivCase(name: "idiv32 -2^63/-1 overflows (no host trap)", code: [0x66, 0xF7, 0xF9], eax: 0, edx: 0x8000_0000, ecx: 0xFFFF_FFFF, expect: nil),
        DivCase(name: "idiv32 -2^63/1 overflows", code: [0x66, 0xF7, 0xF9], eax: 0, edx: 0x8000_0000, ecx: 1, expect: nil),
        DivCase(name: "idiv32 -2^31/-1 overflows", code: [0x66, 0xF7, 0xF9], eax: 0x8000_0000, edx: 0xFFFF_FFFF, ecx: 0xFFFF_FFFF, expect: nil),
        DivCase(name: "idiv32 -2^31/1", code: [0x66, 0xF7, 0xF9], eax: 0x8000_0000, edx: 0xFFFF_FFFF, ecx: 1, expect: (0x8000_0000, 0)),
        DivCase(name: "idiv32 -100/7", code: [0x66, 0xF7, 0xF9], eax: 0xFFFF_FF9C, edx: 0xFFFF_FFFF, ecx: 7, expect: (0xFFFF_FFF2, 0xFFFF_FFFE)),
        DivCase(name: "idiv32 100/-7", code: [0x66, 0xF7, 0xF9], eax: 100, edx: 0, ecx: 0xFFFF_FFF9, expect: (0xFFFF_FFF2, 2)),
        DivCase(name: "idiv32 by zero", code: [0x66, 0xF7, 0xF9], eax: 0, edx: 0x8000_0000, ecx: 0, expect: nil),
    ]

    /// DIV/IDIV: quotient and remainder, #DE (vector 0, registers as before),
    /// and status flags unchanged (MultiplyDivide.swift rule) from two starting patterns.
    func testDivide() {
        let h = RealModeHarness()
        for c in MultiplyDivideFamilyTests.divides {
            for flags: UInt32 in [0x2, 0x2 | FamFlags.status] {
                let label = "\(c.name) flags=\(FamFlags.describe(flags & FamFlags.status))"
                let out = h.famStep(c.code, regs: [Reg.eax: c.eax, Reg.ecx: c.ecx, Reg.edx: c.edx], eflags: flags)
                if let e = c.expect {
                    XCTAssertNil(out.fault, label)
                    XCTAssertEqual(out.reg(Reg.eax), e.eax, "\(label): EAX")
                    XCTAssertEqual(out.reg(Reg.edx), e.edx, "\(label): EDX")
                    XCTAssertEqual(out.eflags & FamFlags.status, flags & FamFlags.status, "\(label): flags changed")
                } else {
                    XCTAssertEqual(out.fault, 0, "\(label): expected #DE")
                    XCTAssertEqual(out.reg(Reg.eax), c.eax, "\(label): EAX after #DE")
                    XCTAssertEqual(out.reg(Reg.edx), c.edx, "\(label): EDX after #DE")
                }
            }
        }
        // #DE is a fault: the pushed return address is the DIV itself, and a memory source divides too.
        let rig = FamRig()
        rig.load([0x90, 0xF7, 0x37])  // nop; div word [bx]
        rig.set([Reg.ebx: 0x100, Reg.eax: 0x1234, Reg.edx: 0])
        rig.poke16(SegmentIndex.ds, 0x100, 0)
        XCTAssertEqual(rig.run(3), 0, "div word [bx] by zero: #DE")
        XCTAssertEqual(rig.peek16(SegmentIndex.ss, 0x1000 - 6), 1, "#DE return IP points at the DIV")
        XCTAssertEqual(rig.peek16(SegmentIndex.ss, 0x1000 - 4), FamRig.cs, "#DE return CS")
        rig.reset()
        rig.load([0xF7, 0x37])
        rig.set([Reg.ebx: 0x100, Reg.eax: 0x0007, Reg.edx: 0])
        rig.poke16(SegmentIndex.ds, 0x100, 2)
        XCTAssertNil(rig.run(1), "div word [bx] 7/2")
        XCTAssertEqual(rig.reg(Reg.eax), 3, "div word [bx] 7/2: quotient")
        XCTAssertEqual(rig.reg(Reg.edx), 1, "div word [bx] 7/2: remainder")
    }
}
