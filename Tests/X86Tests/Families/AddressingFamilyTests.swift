// Effective addresses of ModR/M memory operands (SDM Vol. 2 §2.1.5, Tables 2-1
// and 2-2 with SIB Table 2-3): every 16-bit form with no, 8-bit (sign-extended)
// and 16-bit displacements, 16-bit wraparound, SS as the default segment for BP
// (and for ESP/EBP bases with 0x67), and segment overrides.

import XCTest
import X86

final class AddressingFamilyTests: XCTestCase {
    struct Case {
        var name: String
        /// Bytes after the opcode 8A (mov r8, r/m8): ModR/M, SIB, displacement.
        var operand: [UInt8]
        var prefixes: [UInt8] = []
        var segment: Int
        var offset: UInt32
    }

    static let regs: [Int: UInt32] = [
        Reg.ebx: 0xFFF0, Reg.ebp: 0x2000, Reg.esi: 0x0020, Reg.edi: 0x0010,
        Reg.eax: 0x0000_0300, Reg.ecx: 0x0000_0040, Reg.edx: 0x0000_0008, Reg.esp: 0x1000,
    ]

    static let cases: [Case] = {
        let ds = SegmentIndex.ds, ss = SegmentIndex.ss
        let bx: UInt32 = 0xFFF0, bp: UInt32 = 0x2000, si: UInt32 = 0x20, di: UInt32 = 0x10
        // (rm, base sum, default segment) for the 16-bit forms (Table 2-1).
        let forms: [(UInt8, String, UInt32, Int)] = [
            (0, "bx+si", bx + si, ds), (1, "bx+di", bx + di, ds), (2, "bp+si", bp + si, ss), (3, "bp+di", bp + di, ss),
            (4, "si", si, ds), (5, "di", di, ds), (6, "bp", bp, ss), (7, "bx", bx, ds),
        ]
        var c: [Case] = []
        for (rm, name, sum, seg) in forms {
            // mod 00 (rm 6 is disp16 alone), mod 01 disp8 -128 and +0x7F, mod 10 disp16.
            if rm == 6 {
                c.append(Case(name: "[0x1234]", operand: [0x06, 0x34, 0x12], segment: ds, offset: 0x1234))
            } else {
                c.append(Case(name: "[\(name)]", operand: [rm], segment: seg, offset: sum & 0xFFFF))
            }
            c.append(Case(name: "[\(name)-0x80]", operand: [0x40 | rm, 0x80], segment: seg, offset: (sum &- 0x80) & 0xFFFF))
            c.append(Case(name: "[\(name)+0x7F]", operand: [0x40 | rm, 0x7F], segment: seg, offset: (sum + 0x7F) & 0xFFFF))
            c.append(Case(name: "[\(name)+0x1234]", operand: [0x80 | rm, 0x34, 0x12], segment: seg, offset: (sum + 0x1234) & 0xFFFF))
        }
        c += [
            Case(name: "ds:[bp] override", operand: [0x46, 0x00], prefixes: [0x3E], segment: ds, offset: bp),
            Case(name: "es:[bx+si] override", operand: [0x00], prefixes: [0x26], segment: SegmentIndex.es, offset: (bx + si) & 0xFFFF),
            Case(name: "gs:[bp+di] override", operand: [0x03], prefixes: [0x65], segment: SegmentIndex.gs, offset: bp + di),
            Case(name: "cs:[0x0040]", operand: [0x06, 0x40, 0x00], prefixes: [0x2E], segment: SegmentIndex.cs, offset: 0x40),
            // 32-bit addressing (0x67): EAX=300h ECX=40h EDX=8 ESP=1000h EBP=2000h.
            Case(name: "a32 [eax]", operand: [0x00], prefixes: [0x67], segment: ds, offset: 0x300),
            Case(name: "a32 [0x00001234]", operand: [0x05, 0x34, 0x12, 0x00, 0x00], prefixes: [0x67], segment: ds, offset: 0x1234),
            Case(name: "a32 [ebp+8]", operand: [0x45, 0x08], prefixes: [0x67], segment: ss, offset: 0x2008),
            Case(name: "a32 [esp] (SIB, SS)", operand: [0x04, 0x24], prefixes: [0x67], segment: ss, offset: 0x1000),
            Case(name: "a32 [esp+ecx*2+4] (SS)", operand: [0x44, 0x4C, 0x04], prefixes: [0x67], segment: ss, offset: 0x1000 + 0x80 + 4),
            Case(name: "a32 [eax+edx*4]", operand: [0x04, 0x90], prefixes: [0x67], segment: ds, offset: 0x300 + 0x20),
            Case(name: "a32 [ecx*8+0x100] (no base)", operand: [0x04, 0xCD, 0x00, 0x01, 0x00, 0x00], prefixes: [0x67], segment: ds, offset: 0x200 + 0x100),
            Case(name: "a32 [ebp+edx] (SS)", operand: [0x44, 0x15, 0x00], prefixes: [0x67], segment: ss, offset: 0x2008),
            Case(name: "a32 [eax] index 4 means none", operand: [0x04, 0x20], prefixes: [0x67], segment: ds, offset: 0x300),
            Case(name: "a32 [eax-1] disp8 sign-extended", operand: [0x40, 0xFF], prefixes: [0x67], segment: ds, offset: 0x2FF),
            Case(name: "a32 fs:[ebp+8] override", operand: [0x45, 0x08], prefixes: [0x67, 0x64], segment: SegmentIndex.fs, offset: 0x2008),
        ]
        return c
    }()

    /// mov al,<operand> finds the marker byte at the expected segment:offset;
    /// lea ax,<operand> gives the offset.
    func testEffectiveAddresses() {
        let rig = FamRig()
        for c in AddressingFamilyTests.cases {
            rig.reset()
            // Code lives at CS:0100 so that cs:[0x40] reads data, not the instruction.
            let code = c.prefixes + [0x8A] + c.operand
            rig.load(code, ip: 0x100)
            rig.set(AddressingFamilyTests.regs)
            let previous = rig.peek8(c.segment, c.offset)
            rig.poke(c.segment, c.offset, [0xC7])
            XCTAssertNil(rig.run(1), c.name)
            XCTAssertEqual(rig.reg(Reg.eax) & 0xFF, 0xC7, "\(c.name): byte read from \(c.segment):\(famHex(c.offset, bits: 16))")
            XCTAssertEqual(rig.cpu.eip, 0x100 + UInt32(code.count), "\(c.name): instruction length")
            rig.poke(c.segment, c.offset, [previous])
            // LEA computes the same offset (segment prefixes do not matter).
            rig.reset()
            let lea = c.prefixes.filter { $0 == 0x67 } + [0x66, 0x8D] + c.operand
            rig.load(lea, ip: 0x100)
            rig.set(AddressingFamilyTests.regs)
            XCTAssertNil(rig.run(1), "lea \(c.name)")
            XCTAssertEqual(rig.reg(Reg.eax), c.offset, "lea \(c.name)")
        }
    }
}
