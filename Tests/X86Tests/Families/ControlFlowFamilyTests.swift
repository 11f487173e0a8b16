// JMP/CALL/RET near and far (direct and indirect, 16- and 32-bit operand size,
// RET imm16), Jcc short and near for all 16 conditions, LOOP/LOOPE/LOOPNE/JCXZ
// with CX and (0x67) ECX, and INT n / INT3 / INTO / IRET through the real-mode
// IVT (SDM Vol. 2; Vol. 3 §20.1.4). Code runs at CS = 0100h.

import XCTest
import X86

final class ControlFlowFamilyTests: XCTestCase {
    struct Case {
        var name: String
        var code: [UInt8]
        var ip: UInt16 = 0
        var steps = 1
        var setup: (FamRig) -> Void = { _ in }
        var expectCS: UInt16 = FamRig.cs
        var expectIP: UInt32
        var check: (FamRig, String) -> Void = { _, _ in }
    }

    static let ss = SegmentIndex.ss, ds = SegmentIndex.ds

    static let transfers: [Case] = [
        Case(name: "jmp short +3", code: [0xEB, 0x03], expectIP: 5),
        Case(name: "jmp short -2 (to itself)", code: [0xEB, 0xFE], ip: 0x10, expectIP: 0x10),
        Case(name: "jmp short -128", code: [0xEB, 0x80], ip: 0x100, expectIP: 0x82),
        Case(name: "jmp near +0x100", code: [0xE9, 0x00, 0x01], expectIP: 0x103),
        Case(name: "jmp near wraps at 64 KiB", code: [0xE9, 0xF0, 0xFF], expectIP: 0xFFF3),
        Case(name: "jmp near rel32 (66)", code: [0x66, 0xE9, 0x00, 0x01, 0x00, 0x00], expectIP: 0x106),
        Case(name: "jmp far 0200:1234", code: [0xEA, 0x34, 0x12, 0x00, 0x02], expectCS: 0x0200, expectIP: 0x1234, check: { r, n in
            XCTAssertEqual(r.cpu.segments[SegmentIndex.cs].base, 0x2000, "\(n): CS base")
        }),
        Case(name: "jmp far 32 (66) 0300:00005678", code: [0x66, 0xEA, 0x78, 0x56, 0x00, 0x00, 0x00, 0x03], expectCS: 0x0300, expectIP: 0x5678),
        Case(name: "jmp ax", code: [0xFF, 0xE0], setup: { r in r.set([Reg.eax: 0xFFFF_0200]) }, expectIP: 0x200),
        Case(name: "jmp [bx]", code: [0xFF, 0x27], setup: { r in r.set([Reg.ebx: 0x100]); r.poke16(ds, 0x100, 0x0300) }, expectIP: 0x300),
        Case(name: "jmp far [bx]", code: [0xFF, 0x2F], setup: { r in r.set([Reg.ebx: 0x100]); r.poke16(ds, 0x100, 0x1111); r.poke16(ds, 0x102, 0x0222) },
             expectCS: 0x0222, expectIP: 0x1111),
        Case(name: "jmp far dword [bx] (66)", code: [0x66, 0xFF, 0x2F], setup: { r in r.set([Reg.ebx: 0x100]); r.poke32(ds, 0x100, 0x0000_2222); r.poke16(ds, 0x104, 0x0333) },
             expectCS: 0x0333, expectIP: 0x2222),
        Case(name: "call near +0x10", code: [0xE8, 0x10, 0x00], expectIP: 0x13, check: { r, n in
            XCTAssertEqual(r.reg(Reg.esp), 0xFFE, "\(n): SP"); XCTAssertEqual(r.peek16(ss, 0xFFE), 3, "\(n): return address")
        }),
        Case(name: "call near rel32 (66) pushes EIP", code: [0x66, 0xE8, 0x10, 0x00, 0x00, 0x00], expectIP: 0x16, check: { r, n in
            XCTAssertEqual(r.reg(Reg.esp), 0xFFC, "\(n): SP"); XCTAssertEqual(r.peek32(ss, 0xFFC), 6, "\(n): return address")
        }),
        Case(name: "call near backwards", code: [0xE8, 0xFD, 0xFF], ip: 0x40, expectIP: 0x40, check: { r, n in
            XCTAssertEqual(r.peek16(ss, 0xFFE), 0x43, "\(n): return address")
        }),
        Case(name: "call ax", code: [0xFF, 0xD0], setup: { r in r.set([Reg.eax: 0x0500]) }, expectIP: 0x500, check: { r, n in
            XCTAssertEqual(r.peek16(ss, 0xFFE), 2, "\(n): return address")
        }),
        Case(name: "call [bx]", code: [0xFF, 0x17], setup: { r in r.set([Reg.ebx: 0x100]); r.poke16(ds, 0x100, 0x0600) }, expectIP: 0x600, check: { r, n in
            XCTAssertEqual(r.peek16(ss, 0xFFE), 2, "\(n): return address")
        }),
        Case(name: "call far 0200:0100", code: [0x9A, 0x00, 0x01, 0x00, 0x02], expectCS: 0x0200, expectIP: 0x100, check: { r, n in
            XCTAssertEqual(r.peek16(ss, 0xFFE), FamRig.cs, "\(n): pushed CS"); XCTAssertEqual(r.peek16(ss, 0xFFC), 5, "\(n): pushed IP")
            XCTAssertEqual(r.reg(Reg.esp), 0xFFC, "\(n): SP")
        }),
        Case(name: "call far 32 (66)", code: [0x66, 0x9A, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02], expectCS: 0x0200, expectIP: 0x100, check: { r, n in
            XCTAssertEqual(r.peek32(ss, 0xFFC), UInt32(FamRig.cs), "\(n): pushed CS"); XCTAssertEqual(r.peek32(ss, 0xFF8), 8, "\(n): pushed EIP")
            XCTAssertEqual(r.reg(Reg.esp), 0xFF8, "\(n): SP")
        }),
        Case(name: "call far [bx]", code: [0xFF, 0x1F], setup: { r in r.set([Reg.ebx: 0x100]); r.poke16(ds, 0x100, 0x0010); r.poke16(ds, 0x102, 0x0700) },
             expectCS: 0x0700, expectIP: 0x10, check: { r, n in
            XCTAssertEqual(r.peek16(ss, 0xFFE), FamRig.cs, "\(n): pushed CS"); XCTAssertEqual(r.peek16(ss, 0xFFC), 2, "\(n): pushed IP")
        }),
        Case(name: "ret", code: [0xC3], setup: { r in r.poke16(ss, 0xFFE, 0x0050); r.set([Reg.esp: 0xFFE]) }, expectIP: 0x50, check: { r, n in
            XCTAssertEqual(r.reg(Reg.esp), 0x1000, "\(n): SP")
        }),
        Case(name: "ret 4", code: [0xC2, 0x04, 0x00], setup: { r in r.poke16(ss, 0xFFA, 0x0050); r.set([Reg.esp: 0xFFA]) }, expectIP: 0x50, check: { r, n in
            XCTAssertEqual(r.reg(Reg.esp), 0x1000, "\(n): SP")
        }),
        Case(name: "ret (66) pops EIP", code: [0x66, 0xC3], setup: { r in r.poke32(ss, 0xFFC, 0x0000_0070); r.set([Reg.esp: 0xFFC]) }, expectIP: 0x70, check: { r, n in
            XCTAssertEqual(r.reg(Reg.esp), 0x1000, "\(n): SP")
        }),
        Case(name: "retf", code: [0xCB], setup: { r in r.poke16(ss, 0xFFC, 0x0020); r.poke16(ss, 0xFFE, 0x0900); r.set([Reg.esp: 0xFFC]) },
             expectCS: 0x0900, expectIP: 0x20, check: { r, n in XCTAssertEqual(r.reg(Reg.esp), 0x1000, "\(n): SP") }),
        Case(name: "retf 6", code: [0xCA, 0x06, 0x00], setup: { r in r.poke16(ss, 0xFF6, 0x0020); r.poke16(ss, 0xFF8, 0x0900); r.set([Reg.esp: 0xFF6]) },
             expectCS: 0x0900, expectIP: 0x20, check: { r, n in XCTAssertEqual(r.reg(Reg.esp), 0x1000, "\(n): SP") }),
        Case(name: "retf (66) pops 8 bytes", code: [0x66, 0xCB], setup: { r in r.poke32(ss, 0xFF8, 0x30); r.poke32(ss, 0xFFC, 0xFFFF_0A00); r.set([Reg.esp: 0xFF8]) },
             expectCS: 0x0A00, expectIP: 0x30, check: { r, n in XCTAssertEqual(r.reg(Reg.esp), 0x1000, "\(n): SP") }),
        Case(name: "call ; ret round trip", code: [0xE8, 0x01, 0x00, 0xF4, 0xC3], steps: 2, expectIP: 3, check: { r, n in
            XCTAssertEqual(r.reg(Reg.esp), 0x1000, "\(n): SP")
        }),
        // LOOP family: E2 FD jumps back to offset 0 (the INC AX) from offset 1.
        Case(name: "inc ax ; loop (CX=3) runs three times", code: [0x40, 0xE2, 0xFD], steps: 6, setup: { r in r.set([Reg.ecx: 0xFFFF_0003]) }, expectIP: 3, check: { r, n in
            XCTAssertEqual(r.reg(Reg.eax), 3, "\(n): AX"); XCTAssertEqual(r.reg(Reg.ecx), 0xFFFF_0000, "\(n): ECX")
        }),
        Case(name: "loop with CX=0 wraps to FFFF and jumps", code: [0xE2, 0xFE], setup: { r in r.set([Reg.ecx: 0]) }, expectIP: 0, check: { r, n in
            XCTAssertEqual(r.reg(Reg.ecx), 0xFFFF, "\(n): CX")
        }),
        Case(name: "loop CX=1 falls through", code: [0xE2, 0xFE], setup: { r in r.set([Reg.ecx: 0x0001_0001]) }, expectIP: 2, check: { r, n in
            XCTAssertEqual(r.reg(Reg.ecx), 0x0001_0000, "\(n): only CX")
        }),
        Case(name: "a32 loop uses ECX (0x10001 -> 0x10000 jumps)", code: [0x67, 0xE2, 0xFD], setup: { r in r.set([Reg.ecx: 0x0001_0001]) }, expectIP: 0, check: { r, n in
            XCTAssertEqual(r.reg(Reg.ecx), 0x0001_0000, "\(n): ECX")
        }),
        Case(name: "loope ZF=1 CX=2 jumps", code: [0xE1, 0xFE], setup: { r in r.set([Reg.ecx: 2]); r.cpu.eflags = 0x2 | FamFlags.zf }, expectIP: 0),
        Case(name: "loope ZF=0 falls through", code: [0xE1, 0xFE], setup: { r in r.set([Reg.ecx: 2]) }, expectIP: 2, check: { r, n in
            XCTAssertEqual(r.reg(Reg.ecx), 1, "\(n): CX still decremented")
        }),
        Case(name: "loope ZF=1 CX=1 falls through", code: [0xE1, 0xFE], setup: { r in r.set([Reg.ecx: 1]); r.cpu.eflags = 0x2 | FamFlags.zf }, expectIP: 2),
        Case(name: "loopne ZF=0 CX=2 jumps", code: [0xE0, 0xFE], setup: { r in r.set([Reg.ecx: 2]) }, expectIP: 0),
        Case(name: "loopne ZF=1 falls through", code: [0xE0, 0xFE], setup: { r in r.set([Reg.ecx: 2]); r.cpu.eflags = 0x2 | FamFlags.zf }, expectIP: 2),
        Case(name: "loop does not change flags", code: [0xE2, 0xFE], setup: { r in r.set([Reg.ecx: 1]); r.cpu.eflags = 0x2 | FamFlags.status }, expectIP: 2, check: { r, n in
            XCTAssertEqual(r.cpu.eflags, 0x2 | FamFlags.status, "\(n): flags")
        }),
        Case(name: "jcxz CX=0 jumps", code: [0xE3, 0x10], setup: { r in r.set([Reg.ecx: 0xFFFF_0000]) }, expectIP: 0x12),
        Case(name: "jcxz CX=1 falls through", code: [0xE3, 0x10], setup: { r in r.set([Reg.ecx: 1]) }, expectIP: 2, check: { r, n in
            XCTAssertEqual(r.reg(Reg.ecx), 1, "\(n): CX untouched")
        }),
        Case(name: "jecxz (67) ECX=0x10000 falls through", code: [0x67, 0xE3, 0x10], setup: { r in r.set([Reg.ecx: 0x0001_0000]) }, expectIP: 3),
        Case(name: "jecxz (67) ECX=0 jumps", code: [0x67, 0xE3, 0x10], setup: { r in r.set([Reg.ecx: 0]) }, expectIP: 0x13),
    ]

    func testJumpsCallsReturnsLoops() {
        let rig = FamRig()
        for c in ControlFlowFamilyTests.transfers {
            rig.reset()
            rig.poke(SegmentIndex.ss, 0xF00, [UInt8](repeating: 0, count: 0x100))
            rig.load(c.code, ip: c.ip)
            c.setup(rig)
            XCTAssertNil(rig.run(c.steps), c.name)
            XCTAssertEqual(rig.selector(SegmentIndex.cs), c.expectCS, "\(c.name): CS")
            XCTAssertEqual(rig.cpu.eip, c.expectIP, "\(c.name): IP")
            c.check(rig, c.name)
        }
        // Targets beyond the CS limit raise #GP before anything changes.
        for (name, code) in [("jmp near rel32 beyond the limit", [UInt8(0x66), 0xE9, 0x00, 0x00, 0x01, 0x00]),
                             ("call near rel32 beyond the limit", [UInt8(0x66), 0xE8, 0x00, 0x00, 0x01, 0x00]),
                             ("jmp far 32 beyond the limit", [UInt8(0x66), 0xEA, 0x00, 0x00, 0x01, 0x00, 0x00, 0x02])] {
            rig.reset()
            rig.load(code)
            XCTAssertEqual(rig.run(1), 13, "\(name): #GP")
            XCTAssertEqual(rig.peek16(SegmentIndex.ss, 0x1000 - 6), 0, "\(name): return IP is the instruction")
            XCTAssertEqual(rig.peek16(SegmentIndex.ss, 0x1000 - 4), FamRig.cs, "\(name): return CS unchanged")
            XCTAssertEqual(rig.reg(Reg.esp), 0x1000 - 6, "\(name): only the exception frame was pushed")
        }
    }

    /// Jcc short (70+cc) and near (0F 80+cc), forward and backward, for all 16
    /// conditions under all 32 combinations of CF PF ZF SF OF.
    func testConditionalJumps() {
        let rig = FamRig()
        let bitsOf: [UInt32] = [FamFlags.cf, FamFlags.pf, FamFlags.zf, FamFlags.sf, FamFlags.of]
        var cases = 0
        for combo in 0..<32 {
            var f: UInt32 = 0x2
            for k in 0..<5 where combo & (1 << k) != 0 { f |= bitsOf[k] }
            for cc in 0..<16 {
                let taken = FamFlags.condition(cc, f)
                let forms: [(String, [UInt8], UInt16, UInt32)] = [
                    ("j\(FamFlags.conditionNames[cc].lowercased()) short +0x10", [0x70 + UInt8(cc), 0x10], 0x100, taken ? 0x112 : 0x102),
                    ("j\(FamFlags.conditionNames[cc].lowercased()) short -0x10", [0x70 + UInt8(cc), 0xF0], 0x100, taken ? 0xF2 : 0x102),
                    ("j\(FamFlags.conditionNames[cc].lowercased()) near +0x1000", [0x0F, 0x80 + UInt8(cc), 0x00, 0x10], 0x100, taken ? 0x1104 : 0x104),
                    ("j\(FamFlags.conditionNames[cc].lowercased()) near -0x200", [0x0F, 0x80 + UInt8(cc), 0x00, 0xFE], 0x300, taken ? 0x104 : 0x304),
                    ("j\(FamFlags.conditionNames[cc].lowercased()) near rel32 (66)", [0x66, 0x0F, 0x80 + UInt8(cc), 0x00, 0x02, 0x00, 0x00], 0x100, taken ? 0x307 : 0x107),
                ]
                for (name, code, ip, expect) in forms {
                    let label = "\(name) flags=\(FamFlags.describe(f & FamFlags.status))"
                    rig.reset()
                    rig.load(code, ip: ip)
                    rig.cpu.eflags = f
                    XCTAssertNil(rig.run(1), label)
                    XCTAssertEqual(rig.cpu.eip, expect, label)
                    XCTAssertEqual(rig.cpu.eflags, f, "\(label): flags changed")
                    cases += 1
                }
            }
        }
        XCTAssertEqual(cases, 32 * 16 * 5)
    }

    /// INT n through an IVT entry to a handler that IRETs; INT3, INTO, INT1;
    /// IRETD; an IVT moved by IDTR.base; a vector beyond IDTR.limit.
    func testSoftwareInterrupts() {
        let rig = FamRig()
        // IVT[0x40] = 0900:0010, where an IRET waits.
        func installHandler(vector: Int, at base: UInt32 = 0) {
            rig.bus.load([0x10, 0x00, 0x00, 0x09], at: Int(base) + vector * 4)
            rig.bus.load([0xCF], at: 0x9000 + 0x10)
        }
        installHandler(vector: 0x40)
        rig.reset()
        rig.load([0xCD, 0x40, 0x90])
        let before: UInt32 = 0x2 | FamFlags.intf | FamFlags.cf | FamFlags.zf | FamFlags.df
        rig.cpu.eflags = before
        XCTAssertNil(rig.run(1), "int 40h")
        XCTAssertEqual(rig.selector(SegmentIndex.cs), 0x0900, "int 40h: CS")
        XCTAssertEqual(rig.cpu.segments[SegmentIndex.cs].base, 0x9000, "int 40h: CS base")
        XCTAssertEqual(rig.cpu.eip, 0x10, "int 40h: IP")
        XCTAssertEqual(rig.reg(Reg.esp), 0xFFA, "int 40h: SP")
        XCTAssertEqual(rig.peek16(SegmentIndex.ss, 0xFFA), 2, "int 40h: pushed IP is the next instruction")
        XCTAssertEqual(rig.peek16(SegmentIndex.ss, 0xFFC), FamRig.cs, "int 40h: pushed CS")
        XCTAssertEqual(UInt32(rig.peek16(SegmentIndex.ss, 0xFFE)), before, "int 40h: pushed FLAGS")
        XCTAssertEqual(rig.cpu.eflags, before & ~FamFlags.intf, "int 40h: IF cleared, the rest kept")
        XCTAssertNil(rig.run(1), "iret")
        XCTAssertEqual(rig.selector(SegmentIndex.cs), FamRig.cs, "iret: CS")
        XCTAssertEqual(rig.cpu.eip, 2, "iret: IP")
        XCTAssertEqual(rig.reg(Reg.esp), 0x1000, "iret: SP")
        XCTAssertEqual(rig.cpu.eflags, before, "iret: FLAGS restored")

        // Lazily computed flags are pushed as EFLAGS bits; TF and AC are cleared in the handler.
        rig.reset()
        rig.load([0x04, 0x01, 0xCD, 0x40])      // add al,1 (0x7F+1) ; int 40h
        rig.set([Reg.eax: 0x7F])
        rig.cpu.eflags = 0x2 | 0x0004_0000       // AC
        XCTAssertNil(rig.run(2), "add ; int 40h")
        XCTAssertEqual(UInt32(rig.peek16(SegmentIndex.ss, 0xFFE)), 0x2 | FamFlags.parse("ASO"), "add ; int 40h: pushed FLAGS")
        XCTAssertEqual(rig.cpu.eflags & 0x0004_0000, 0, "int 40h: AC cleared")

        // IRETD pops EIP, CS and EFLAGS as doublewords (AC and ID are writable; VM is not).
        rig.reset()
        rig.load([0x66, 0xCF])
        rig.poke32(SegmentIndex.ss, 0xFF4, 0x0000_0123)
        rig.poke32(SegmentIndex.ss, 0xFF8, 0xFFFF_0A00)
        rig.poke32(SegmentIndex.ss, 0xFFC, 0x0026_08D7)   // ID VM AC OF + low status
        rig.set([Reg.esp: 0xFF4])
        XCTAssertNil(rig.run(1), "iretd")
        XCTAssertEqual(rig.selector(SegmentIndex.cs), 0x0A00, "iretd: CS")
        XCTAssertEqual(rig.cpu.eip, 0x123, "iretd: EIP")
        XCTAssertEqual(rig.reg(Reg.esp), 0x1000, "iretd: SP")
        XCTAssertEqual(rig.cpu.eflags, 0x0024_08D7, "iretd: EFLAGS (VM not loaded)")

        // INT3, INT1 and INTO go to vectors 3, 1 and 4 (the rig's default handlers).
        let defaults: [(String, [UInt8], UInt32, UInt8?, UInt16)] = [
            // name, code, eflags, vector or nil, pushed IP
            ("int3", [0xCC], 0x2, 3, 1),
            ("int 3 (CD 03)", [0xCD, 0x03], 0x2, 3, 2),
            ("int1 (F1)", [0xF1], 0x2, 1, 1),
            ("into OF=1", [0xCE], 0x2 | FamFlags.of, 4, 1),
            ("into OF=0", [0xCE], 0x2, nil, 0),
            ("int 0FFh", [0xCD, 0xFF], 0x2, 0xFF, 2),
        ]
        for (name, code, flags, vector, pushedIP) in defaults {
            rig.reset()
            rig.load(code)
            rig.cpu.eflags = flags
            XCTAssertEqual(rig.run(1), vector, name)
            if vector != nil {
                XCTAssertEqual(rig.peek16(SegmentIndex.ss, 0xFFA), pushedIP, "\(name): pushed IP (a trap: after the instruction)")
            } else {
                XCTAssertEqual(rig.cpu.eip, UInt32(code.count), "\(name): falls through")
            }
        }
        // INTO after an overflowing ADD (lazy OF).
        rig.reset()
        rig.load([0x04, 0x01, 0xCE])
        rig.set([Reg.eax: 0x7F])
        XCTAssertEqual(rig.run(2), 4, "add al,1 (0x7F) ; into")

        // The IVT is found through IDTR: move it to 5000h.
        rig.reset()
        installHandler(vector: 0x21, at: 0x5000)
        rig.cpu.idtr = DescriptorTableRegister(base: 0x5000, limit: 0x3FF)
        rig.load([0xCD, 0x21])
        XCTAssertNil(rig.run(1), "int 21h with IDTR.base = 5000h")
        XCTAssertEqual(rig.selector(SegmentIndex.cs), 0x0900, "int 21h with IDTR.base = 5000h: CS")
        // A vector beyond IDTR.limit raises #GP (delivered through vector 13, inside the limit).
        rig.reset()
        rig.cpu.idtr = DescriptorTableRegister(base: 0, limit: 0x3F)
        rig.load([0xCD, 0x20])
        XCTAssertEqual(rig.run(1), 13, "int 20h beyond IDTR.limit 3Fh: #GP")
        XCTAssertEqual(rig.peek16(SegmentIndex.ss, 0xFFA), 0, "int 20h beyond the limit: a fault, IP of the INT")
    }
}
