// DAA, DAS, AAA, AAS, AAM, AAD (SDM Vol. 2 pseudocode). Undefined flags follow
// BCD.swift: after AAA/AAS, SF/ZF/PF describe the adjusted AL and OF is clear;
// after DAA/DAS, OF is clear; after AAM/AAD, CF, AF and OF are clear.

import XCTest
import X86

final class BCDFamilyTests: XCTestCase {
    /// The SDM pseudocode for DAA (0x27) / DAS (0x2F) / AAA (0x37) / AAS (0x3F).
    static func reference(_ opcode: UInt8, ax: UInt16, cf: Bool, af: Bool) -> (ax: UInt16, flags: UInt32) {
        var al = UInt8(ax & 0xFF), ah = UInt8(ax >> 8)
        var f: UInt32 = 0
        switch opcode {
        case 0x27, 0x2F:
            let oldAL = al, oldCF = cf
            var newCF = false, newAF = false
            if al & 0x0F > 9 || af {
                if opcode == 0x27 {
                    newCF = oldCF || al > 0xFF - 6     // carry from AL + 6
                    al = al &+ 6
                } else {
                    newCF = oldCF || al < 6            // borrow from AL - 6
                    al = al &- 6
                }
                newAF = true
            }
            if oldAL > 0x99 || oldCF {
                al = opcode == 0x27 ? al &+ 0x60 : al &- 0x60
                newCF = true
            } else if opcode == 0x27 {
                newCF = false
            }
            if newCF { f |= FamFlags.cf }
            if newAF { f |= FamFlags.af }
            f |= FamReference.szp(UInt32(al), bits: 8)
            return (UInt16(ah) << 8 | UInt16(al), f)
        default:
            if al & 0x0F > 9 || af {
                if opcode == 0x37 {
                    let sum = ax &+ 0x106
                    al = UInt8(sum & 0xFF); ah = UInt8(sum >> 8)
                } else {
                    let diff = ax &- 6
                    al = UInt8(diff & 0xFF); ah = UInt8(diff >> 8) &- 1
                }
                f |= FamFlags.af | FamFlags.cf
            }
            al &= 0x0F
            f |= FamReference.szp(UInt32(al), bits: 8)
            return (UInt16(ah) << 8 | UInt16(al), f)
        }
    }

    /// (name, opcode, AX before, CF, AF, AX after, flags after)
    static let anchors: [(String, UInt8, UInt16, Bool, Bool, UInt16, String)] = [
        ("daa after 0x15+0x27 (AL=0x3C)", 0x27, 0x003C, false, false, 0x0042, "PA"),
        ("daa AL=0x9A", 0x27, 0x009A, false, false, 0x0000, "CPAZ"),
        ("daa AL=0x00 CF=1 AF=1", 0x27, 0x0000, true, true, 0x0066, "CPA"),
        ("daa AL=0x99", 0x27, 0x0099, false, false, 0x0099, "PS"),
        ("das after 0x42-0x15 (AL=0x2D AF=1)", 0x2F, 0x002D, false, true, 0x0027, "PA"),
        ("das AL=0x00 CF=1", 0x2F, 0x0000, true, false, 0x00A0, "CPS"),
        ("das AL=0x9A", 0x2F, 0x009A, false, false, 0x0034, "CA"),
        ("aaa after 0x09+0x08 (AL=0x11 AF=1)", 0x37, 0x0011, false, true, 0x0107, "CA"),
        ("aaa AL=0xFA", 0x37, 0x00FA, false, false, 0x0200, "CPAZ"),
        ("aaa AL=0x05 no adjust", 0x37, 0x1235, true, false, 0x1205, "P"),
        ("aas after 0x08-0x09 (AX=0x02FF AF=1)", 0x3F, 0x02FF, false, true, 0x0109, "CPA"),
        ("aas AX=0x0500 AF=1 (borrow reaches AH)", 0x3F, 0x0500, false, true, 0x030A, "CPA"),
        ("aas AL=0x0A AH=0x00", 0x3F, 0x000A, false, false, 0xFF04, "CA"),
    ]

    /// DAA/DAS/AAA/AAS: anchors, then every AL with every CF/AF and three AH values
    /// against the pseudocode; bystander flags (DF) untouched.
    func testDecimalAdjusts() {
        let h = RealModeHarness()
        for (name, op, ax, cf, af, expectAX, flags) in BCDFamilyTests.anchors {
            let ref = BCDFamilyTests.reference(op, ax: ax, cf: cf, af: af)
            XCTAssertEqual(ref.ax, expectAX, "reference disagrees with anchor \(name)")
            XCTAssertEqual(FamFlags.describe(ref.flags), FamFlags.describe(FamFlags.parse(flags)), "reference disagrees with anchor \(name)")
            let out = h.famStep([op], regs: [Reg.eax: 0xABCD_0000 | UInt32(ax)], eflags: 0x2 | (cf ? FamFlags.cf : 0) | (af ? FamFlags.af : 0))
            XCTAssertEqual(out.reg(Reg.eax), 0xABCD_0000 | UInt32(expectAX), "\(name): AX")
            XCTAssertEqual(FamFlags.describe(out.eflags & FamFlags.status), FamFlags.describe(FamFlags.parse(flags)), "\(name): flags")
        }
        var cases = 0
        let names: [UInt8: String] = [0x27: "daa", 0x2F: "das", 0x37: "aaa", 0x3F: "aas"]
        for op: UInt8 in [0x27, 0x2F, 0x37, 0x3F] {
            for ah: UInt16 in [0x00, 0x7F, 0xFF] {
                for al: UInt16 in 0...0xFF {
                    for cf in [false, true] {
                        for af in [false, true] {
                            let ax = ah << 8 | al
                            let name = "\(names[op]!) AX=\(famHex(UInt32(ax), bits: 16)) CF=\(cf ? 1 : 0) AF=\(af ? 1 : 0)"
                            // OF set beforehand: the documented rule clears it.
                            let before: UInt32 = 0x2 | FamFlags.df | FamFlags.of | (cf ? FamFlags.cf : 0) | (af ? FamFlags.af : 0)
                            let out = h.famStep([op], regs: [Reg.eax: 0x5555_0000 | UInt32(ax)], eflags: before)
                            let ref = BCDFamilyTests.reference(op, ax: ax, cf: cf, af: af)
                            let expectAX = op >= 0x37 ? ref.ax : (ax & 0xFF00) | (ref.ax & 0xFF)
                            XCTAssertEqual(out.reg(Reg.eax), 0x5555_0000 | UInt32(expectAX), "\(name): AX")
                            XCTAssertEqual(FamFlags.describe(out.eflags & FamFlags.status), FamFlags.describe(ref.flags), "\(name): flags")
                            XCTAssertEqual(out.eflags & FamFlags.df, FamFlags.df, "\(name): DF")
                            cases += 1
                        }
                    }
                }
            }
        }
        XCTAssertEqual(cases, 4 * 3 * 256 * 4)
    }

    /// AAM imm8 / AAD imm8 with bases 10, 16, 7 and 1; AAM 0 raises #DE.
    func testAsciiAdjustMultiplyDivide() {
        let h = RealModeHarness()
        // (name, code, AX before, AX after or nil for #DE, flags after)
        let cases: [(String, [UInt8], UInt16, UInt16?, String)] = [
            ("aam AL=63", [0xD4, 0x0A], 0xFF3F, 0x0603, "P"),
            ("aam AL=0", [0xD4, 0x0A], 0x1200, 0x0000, "PZ"),
            ("aam AL=0xFF", [0xD4, 0x0A], 0x00FF, 0x1905, "P"),
            ("aam 16 AL=0xAB", [0xD4, 0x10], 0x00AB, 0x0A0B, ""),
            ("aam 7 AL=50", [0xD4, 0x07], 0x0032, 0x0701, ""),
            ("aam 1 AL=0x80", [0xD4, 0x01], 0x0080, 0x8000, "PZ"),
            ("aam 0 -> #DE", [0xD4, 0x00], 0x0050, nil, ""),
            ("aad AX=0x0603", [0xD5, 0x0A], 0x0603, 0x003F, "P"),
            ("aad 16 AX=0x0A0B", [0xD5, 0x10], 0x0A0B, 0x00AB, "S"),
            ("aad AX=0xFFFF (wraps)", [0xD5, 0x0A], 0xFFFF, 0x00F5, "PS"),
            ("aad AX=0x0000", [0xD5, 0x0A], 0x0000, 0x0000, "PZ"),
            ("aad 0 AX=0x1280", [0xD5, 0x00], 0x1280, 0x0080, "S"),
            ("aad 7 AX=0x0203", [0xD5, 0x07], 0x0203, 0x0011, "P"),
        ]
        for (name, code, ax, expect, flags) in cases {
            // CF, AF and OF set beforehand: the documented rule clears them.
            let before: UInt32 = 0x2 | FamFlags.cf | FamFlags.af | FamFlags.of
            let out = h.famStep(code, regs: [Reg.eax: 0x7777_0000 | UInt32(ax)], eflags: before)
            guard let e = expect else {
                XCTAssertEqual(out.fault, 0, "\(name): expected #DE")
                XCTAssertEqual(out.reg(Reg.eax), 0x7777_0000 | UInt32(ax), "\(name): AX unchanged")
                continue
            }
            XCTAssertNil(out.fault, name)
            XCTAssertEqual(out.reg(Reg.eax), 0x7777_0000 | UInt32(e), "\(name): AX")
            XCTAssertEqual(FamFlags.describe(out.eflags & FamFlags.status), FamFlags.describe(FamFlags.parse(flags)), "\(name): flags")
        }
    }
}
