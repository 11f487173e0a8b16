// Exceptions raised by instructions in real mode (SDM Vol. 3 §20.1.4, Table
// 20-2; Vol. 2 "Real-Address Mode Exceptions"): segment overrun #GP (13), stack
// #SS (12), #UD (6) for UD2, undefined opcodes and misplaced LOCK, #GP for an
// instruction over 15 bytes, #BR (5); faults return to the faulting instruction.

import XCTest
import X86

final class FaultFamilyTests: XCTestCase {
    struct Case {
        var name: String
        var code: [UInt8]
        var regs: [Int: UInt32] = [:]
        var vector: UInt8?
    }

    static let cases: [Case] = [
        Case(name: "mov ax,[FFFF] word at offset FFFF", code: [0xA1, 0xFF, 0xFF], vector: 13),
        Case(name: "mov al,[FFFF] byte at offset FFFF", code: [0xA0, 0xFF, 0xFF], vector: nil),
        Case(name: "mov ax,[FFFE] word at offset FFFE", code: [0xA1, 0xFE, 0xFF], vector: nil),
        Case(name: "mov eax,[FFFD] dword crossing the limit", code: [0x66, 0xA1, 0xFD, 0xFF], vector: 13),
        Case(name: "mov es:[FFFF],bx", code: [0x26, 0x89, 0x1E, 0xFF, 0xFF], vector: 13),
        Case(name: "add [bx+si],ax wrapping EA to FFFF", code: [0x01, 0x00], regs: [Reg.ebx: 0xFFF0, Reg.esi: 0x000F], vector: 13),
        Case(name: "inc word [di] at FFFF", code: [0xFF, 0x05], regs: [Reg.edi: 0xFFFF], vector: 13),
        Case(name: "mov ax,[ebx] (67) beyond 64 KiB", code: [0x67, 0x8B, 0x03], regs: [Reg.ebx: 0x0001_0000], vector: 13),
        Case(name: "mov ax,[bp] at SS:FFFF is #SS", code: [0x8B, 0x46, 0x00], regs: [Reg.ebp: 0xFFFF], vector: 12),
        Case(name: "pop ax at SP=FFFF is #SS", code: [0x58], regs: [Reg.esp: 0xFFFF], vector: 12),
        Case(name: "push eax at SP=2 is #SS (the frame pushes wrap and fit)", code: [0x66, 0x50], regs: [Reg.esp: 2], vector: 12),
        Case(name: "push ax at SP=2 wraps, no fault", code: [0x50], regs: [Reg.esp: 2], vector: nil),
        Case(name: "ud2", code: [0x0F, 0x0B], vector: 6),
        Case(name: "undefined 0F FF", code: [0x0F, 0xFF], vector: 6),
        Case(name: "arpl (63) in real mode", code: [0x63, 0xC0], vector: 6),
        Case(name: "lea with a register operand", code: [0x8D, 0xC0], vector: 6),
        Case(name: "FE /2 undefined", code: [0xFE, 0xD0], vector: 6),
        Case(name: "FF /7 undefined", code: [0xFF, 0xF8], vector: 6),
        Case(name: "C6 /1 undefined", code: [0xC6, 0xC8, 0x00], vector: 6),
        Case(name: "lock add ax,cx (register form)", code: [0xF0, 0x01, 0xC8], vector: 6),
        Case(name: "lock inc ax (register form)", code: [0xF0, 0xFF, 0xC0], vector: 6),
        Case(name: "lock mov [bx],ax (not read-modify-write)", code: [0xF0, 0x89, 0x07], regs: [Reg.ebx: 0x100], vector: 6),
        Case(name: "lock cmp [bx],ax (CMP does not write)", code: [0xF0, 0x39, 0x07], regs: [Reg.ebx: 0x100], vector: 6),
        Case(name: "lock nop", code: [0xF0, 0x90], vector: 6),
        Case(name: "lock add [bx],ax", code: [0xF0, 0x01, 0x07], regs: [Reg.ebx: 0x100], vector: nil),
        Case(name: "lock xchg [bx],ax", code: [0xF0, 0x87, 0x07], regs: [Reg.ebx: 0x100], vector: nil),
        Case(name: "lock not word [bx]", code: [0xF0, 0xF7, 0x17], regs: [Reg.ebx: 0x100], vector: nil),
        Case(name: "16 bytes (15 prefixes + nop) is #GP", code: [UInt8](repeating: 0x3E, count: 15) + [0x90], vector: 13),
        Case(name: "15 bytes (14 prefixes + nop) is fine", code: [UInt8](repeating: 0x3E, count: 14) + [0x90], vector: nil),
        Case(name: "bound ax,[bx] below the range", code: [0x62, 0x07], regs: [Reg.ebx: 0x100, Reg.eax: 0xFFFF], vector: 5),
        Case(name: "bound ax,[bx] inside the range", code: [0x62, 0x07], regs: [Reg.ebx: 0x100, Reg.eax: 0x0005], vector: nil),
        Case(name: "jmp far [FFFE] pointer crosses the limit", code: [0xFF, 0x2E, 0xFE, 0xFF], vector: 13),
        Case(name: "call far [FFFE] pointer crosses the limit", code: [0xFF, 0x1E, 0xFE, 0xFF], vector: 13),
    ]

    /// Each case runs one instruction; a fault must arrive at its vector with the
    /// registers and SP as before and the faulting instruction's address pushed.
    func testFaults() {
        let rig = FamRig()
        for c in FaultFamilyTests.cases {
            rig.reset()
            rig.load(c.code)
            rig.set(c.regs)
            rig.poke32(SegmentIndex.ds, 0x100, 0x0010_0000)   // bound: lower 0, upper 16
            let sp = rig.reg(Reg.esp)
            let before = (0..<8).map { rig.reg($0) }
            let vector = rig.run(1)
            XCTAssertEqual(vector, c.vector, "\(c.name): vector")
            guard vector != nil else {
                XCTAssertEqual(rig.cpu.eip, UInt32(c.code.count), "\(c.name): IP after")
                continue
            }
            let frame = (sp &- 6) & 0xFFFF
            XCTAssertEqual(rig.reg(Reg.esp), frame, "\(c.name): only the exception frame on the stack")
            XCTAssertEqual(rig.peek16(SegmentIndex.ss, frame), 0, "\(c.name): pushed IP is the faulting instruction")
            XCTAssertEqual(rig.peek16(SegmentIndex.ss, frame + 2), FamRig.cs, "\(c.name): pushed CS")
            XCTAssertEqual((0..<8).filter { $0 != Reg.esp }.map { rig.reg($0) },
                           (0..<8).filter { $0 != Reg.esp }.map { before[$0] }, "\(c.name): registers unchanged")
        }
    }

    /// A PUSH at SP = 1 in real mode: the #SS cannot be delivered (its own frame
    /// crosses the limit), nor the #DF that follows: the processor shuts down
    /// (SDM Vol. 2, PUSH, the note on SP = 1 in real-address mode).
    func testPushAtSPOneShutsDown() {
        let rig = FamRig()
        rig.load([0x50, 0x90])
        rig.set([Reg.esp: 1])
        XCTAssertNil(rig.run(1), "push ax at SP=1")
        XCTAssertTrue(rig.cpu.shutdown, "push ax at SP=1: #SS, then #DF, then shutdown")
        XCTAssertEqual(rig.cpu.run(budget: 5), .shutdown, "push ax at SP=1: run reports shutdown")

        // PUSHA at SP = 1, 3, 5 also shuts down (SDM Vol. 2, PUSHA); at SP = 7 the #SS is delivered.
        for (sp, shutdown) in [(UInt32(1), true), (3, true), (5, true), (7, false), (4, false)] {
            rig.reset()
            rig.load([0x60, 0x90])
            rig.set([Reg.esp: sp, Reg.eax: 0xAAAA])
            let vector = rig.run(1)
            if shutdown {
                XCTAssertTrue(rig.cpu.shutdown, "pusha at SP=\(sp): shutdown")
            } else if sp & 1 == 1 {
                XCTAssertFalse(rig.cpu.shutdown, "pusha at SP=\(sp): no shutdown")
                XCTAssertEqual(vector, 12, "pusha at SP=\(sp): #SS delivered")
            } else {
                XCTAssertNil(vector, "pusha at SP=\(sp): the pushes wrap around and fit")
                XCTAssertEqual(rig.reg(Reg.esp), (sp &- 16) & 0xFFFF, "pusha at SP=\(sp): SP")
                XCTAssertEqual(rig.peek16(SegmentIndex.ss, (sp &- 2) & 0xFFFF), 0xAAAA, "pusha at SP=\(sp): AX image")
                XCTAssertEqual(rig.peek16(SegmentIndex.ss, 0xFFFA), UInt16(sp), "pusha at SP=\(sp): SP image")
            }
        }
        // POPA at SP = FFF8 reads across the wrap.
        rig.reset()
        rig.load([0x61])
        for k in 0..<8 { rig.poke16(SegmentIndex.ss, (0xFFF8 + 2 * UInt32(k)) & 0xFFFF, UInt16(0x1110 + k)) }
        rig.set([Reg.esp: 0xFFF8])
        XCTAssertNil(rig.run(1), "popa at SP=FFF8")
        XCTAssertEqual(rig.reg(Reg.edi), 0x1110, "popa at SP=FFF8: DI")
        XCTAssertEqual(rig.reg(Reg.eax), 0x1117, "popa at SP=FFF8: AX (from SS:0006)")
        XCTAssertEqual(rig.reg(Reg.esp), 0x0008, "popa at SP=FFF8: SP")
        // CALL FAR at SP = 2 pushes across the wrap as two words.
        rig.reset()
        rig.load([0x9A, 0x00, 0x00, 0x00, 0x02])
        rig.set([Reg.esp: 2])
        XCTAssertNil(rig.run(1), "call far at SP=2")
        XCTAssertEqual(rig.selector(SegmentIndex.cs), 0x0200, "call far at SP=2: CS")
        XCTAssertEqual(rig.peek16(SegmentIndex.ss, 0), FamRig.cs, "call far at SP=2: pushed CS at 0")
        XCTAssertEqual(rig.peek16(SegmentIndex.ss, 0xFFFE), 5, "call far at SP=2: pushed IP at FFFE")
        // INT at SP = 4: the three frame words go to 2, 0 and FFFE.
        rig.reset()
        rig.load([0xCD, 0x33])
        rig.set([Reg.esp: 4])
        XCTAssertEqual(rig.run(1), 0x33, "int 33h at SP=4")
        XCTAssertEqual(rig.peek16(SegmentIndex.ss, 0xFFFE), 2, "int 33h at SP=4: IP at FFFE")
        XCTAssertEqual(rig.peek16(SegmentIndex.ss, 0), FamRig.cs, "int 33h at SP=4: CS at 0")
    }

    /// - LOCK is #UD on CMP (SDM Vol. 2 "LOCK": CMP is not in the list), also in group 1 (80-83 /7);
    /// - BOUND's bound pair is one operand: the upper bound does not wrap to offset 0;
    /// - IRETD in real mode loads RF: EFLAGS = (image AND 257FD5H) OR (EFLAGS AND 1A0000H).
    func testLockBoundAndIRETDetails() {
        let rig = FamRig()
        let cases: [(String, [UInt8], UInt8?)] = [
            ("lock cmp byte [bx],1 (80 /7)", [0xF0, 0x80, 0x3F, 0x01], 6),
            ("lock cmp word [bx],1 (83 /7)", [0xF0, 0x83, 0x3F, 0x01], 6),
            ("lock cmp word [bx],1 (81 /7)", [0xF0, 0x81, 0x3F, 0x01, 0x00], 6),
            ("lock sub word [bx],1 (83 /5) is fine", [0xF0, 0x83, 0x2F, 0x01], nil),
            ("bound ax,[FFFE] crosses the limit", [0x62, 0x06, 0xFE, 0xFF], 13),
        ]
        for (name, code, vector) in cases {
            rig.reset()
            rig.load(code)
            rig.set([Reg.ebx: 0x100])
            XCTAssertEqual(rig.run(1), vector, name)
        }
        rig.reset()
        rig.load([0x66, 0xCF])
        rig.poke32(SegmentIndex.ss, 0xFF4, 0x10)
        rig.poke32(SegmentIndex.ss, 0xFF8, UInt32(FamRig.cs))
        rig.poke32(SegmentIndex.ss, 0xFFC, 0x0001_0002)   // RF
        rig.set([Reg.esp: 0xFF4])
        XCTAssertNil(rig.run(1), "iretd with RF in the image")
        XCTAssertEqual(rig.cpu.eflags & 0x0001_0000, 0x0001_0000, "iretd loads RF in real mode")
    }

    /// A fault while delivering a fault: #GP from an IVT entry beyond IDTR.limit
    /// while delivering #DE becomes #DF; a fault while delivering #DF shuts down.
    func testDoubleFaultAndShutdown() {
        let rig = FamRig()
        // IDTR.limit = 0x23 covers vectors 0-8 only: #DE (0) -> fine, INT 40h -> #GP(0x202) -> vector 13 beyond -> #DF (8).
        rig.cpu.idtr = DescriptorTableRegister(base: 0, limit: 0x23)
        rig.load([0xCD, 0x40])
        XCTAssertEqual(rig.run(1), 8, "int 40h with vector 13 beyond IDTR.limit: #DF")
        // IDTR.limit = 0x1F covers vectors 0-7: #DF cannot be delivered either.
        rig.reset()
        rig.cpu.idtr = DescriptorTableRegister(base: 0, limit: 0x1F)
        rig.load([0xCD, 0x40])
        XCTAssertNil(rig.run(1), "int 40h, nothing deliverable")
        XCTAssertTrue(rig.cpu.shutdown, "int 40h with #GP and #DF beyond IDTR.limit: triple fault")
    }
}
