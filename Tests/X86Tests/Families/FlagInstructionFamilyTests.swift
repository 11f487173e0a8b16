// LAHF/SAHF, PUSHF/POPF (16 and 32 bit), CLC/STC/CMC, CLD/STD, CLI/STI
// (SDM Vol. 2). POPF in real mode writes every flag but VM, RF, VIF and VIP; a
// 16-bit POPF leaves the upper half alone; PUSHF images have VM and RF clear.

import XCTest
import X86

final class FlagInstructionFamilyTests: XCTestCase {
    /// The single-byte flag instructions over several starting EFLAGS: (name, opcode, transform).
    func testFlagBitInstructions() {
        let h = RealModeHarness()
        let ops: [(String, UInt8, (UInt32) -> UInt32)] = [
            ("clc", 0xF8, { $0 & ~FamFlags.cf }),
            ("stc", 0xF9, { $0 | FamFlags.cf }),
            ("cmc", 0xF5, { $0 ^ FamFlags.cf }),
            ("cld", 0xFC, { $0 & ~FamFlags.df }),
            ("std", 0xFD, { $0 | FamFlags.df }),
            ("cli", 0xFA, { $0 & ~FamFlags.intf }),
            ("sti", 0xFB, { $0 | FamFlags.intf }),
        ]
        let starts: [UInt32] = [0x2, 0x2 | FamFlags.status, 0x2 | FamFlags.cf | FamFlags.df | FamFlags.intf, 0x2 | FamFlags.zf | FamFlags.of]
        for (name, op, f) in ops {
            for s in starts {
                let out = h.famStep([op], eflags: s)
                XCTAssertEqual(out.eflags, f(s), "\(name) from \(famHex(s, bits: 16))")
            }
        }
        // CMC/CLC/STC after a lazily evaluated ADD keep the other flags of the ADD.
        let rig = FamRig()
        for (name, op, expectCF) in [("cmc", UInt8(0xF5), false), ("clc", UInt8(0xF8), false), ("stc", UInt8(0xF9), true)] {
            rig.reset()
            rig.load([0x04, 0x01, op])      // add al,1 (0xFF + 1: CF PF AF ZF) ; op
            rig.set([Reg.eax: 0xFF])
            XCTAssertNil(rig.run(2), name)
            let expected = FamFlags.pf | FamFlags.af | FamFlags.zf | (expectCF ? FamFlags.cf : 0)
            XCTAssertEqual(FamFlags.describe(rig.cpu.eflags & FamFlags.status), FamFlags.describe(expected), "add al,1 ; \(name)")
        }
    }

    /// LAHF/SAHF: the five low status flags through AH; OF and the rest untouched.
    func testLahfSahf() {
        let h = RealModeHarness()
        // (name, opcode, eflags before, AH before, EAX after, eflags after)
        let cases: [(String, UInt8, UInt32, UInt32, UInt32, UInt32)] = [
            ("lahf all status set", 0x9F, 0x2 | FamFlags.status, 0x1234_5678, 0x1234_D778, 0x2 | FamFlags.status),
            ("lahf none set", 0x9F, 0x2 | FamFlags.of | FamFlags.df, 0x0000_FF00, 0x0000_0200, 0x2 | FamFlags.of | FamFlags.df),
            ("lahf CF ZF", 0x9F, 0x2 | FamFlags.cf | FamFlags.zf, 0, 0x0000_4300, 0x2 | FamFlags.cf | FamFlags.zf),
            ("sahf AH=0xFF", 0x9E, 0x2, 0x0000_FF00, 0x0000_FF00, 0x2 | FamFlags.cf | FamFlags.pf | FamFlags.af | FamFlags.zf | FamFlags.sf),
            ("sahf AH=0x00 keeps OF DF", 0x9E, 0x2 | FamFlags.status | FamFlags.df, 0x0000_0000, 0, 0x2 | FamFlags.of | FamFlags.df),
            ("sahf AH=0x28 (reserved bits ignored)", 0x9E, 0x2 | FamFlags.cf, 0x0000_2800, 0x0000_2800, 0x2),
            ("sahf AH=0x41", 0x9E, 0x2 | FamFlags.sf, 0x0000_4100, 0x0000_4100, 0x2 | FamFlags.zf | FamFlags.cf),
        ]
        for (name, op, flags, eax, expectEAX, expectFlags) in cases {
            let out = h.famStep([op], regs: [Reg.eax: eax], eflags: flags)
            XCTAssertEqual(out.reg(Reg.eax), expectEAX, "\(name): EAX")
            XCTAssertEqual(out.eflags, expectFlags, "\(name): EFLAGS")
        }
        // LAHF after a lazily evaluated SUB.
        let rig = FamRig()
        rig.load([0x2C, 0x01, 0x9F])   // sub al,1 ; lahf   (0x00 - 1: CF PF AF SF)
        XCTAssertNil(rig.run(2), "sub al,1 ; lahf")
        XCTAssertEqual(rig.reg(Reg.eax) >> 8 & 0xFF, 0x97, "sub al,1 ; lahf: AH = SF AF PF 1 CF")
    }

    struct PushPopCase {
        var name: String
        var code: [UInt8]
        var before: UInt32
        var pushed: UInt32?            // image expected on the stack (PUSHF)
        var stackImage: UInt32? = nil  // image placed on the stack (POPF)
        var after: UInt32
    }

    static let pushPop: [PushPopCase] = [
        PushPopCase(name: "pushf", code: [0x9C], before: 0x2 | FamFlags.status | FamFlags.df | FamFlags.intf, pushed: 0x0ED7, after: 0x0ED7),
        // RF lasts one instruction: it is clear again after the PUSHFD.
        PushPopCase(name: "pushfd clears VM and RF in the image", code: [0x66, 0x9C], before: 0x2 | 0x0003_0000 | 0x0004_0000 | FamFlags.cf, pushed: 0x0004_0003, after: 0x0006_0003),
        PushPopCase(name: "pushfd ID AC IOPL NT", code: [0x66, 0x9C], before: 0x2 | 0x0020_0000 | 0x0004_0000 | 0x3000 | 0x4000, pushed: 0x0024_7002, after: 0x0024_7002),
        PushPopCase(name: "popf all ones", code: [0x9D], before: 0x2, pushed: nil, stackImage: 0xFFFF, after: 0x7FD7),
        PushPopCase(name: "popf zeros keeps upper half", code: [0x9D], before: 0x0024_0ED7, pushed: nil, stackImage: 0x0000, after: 0x0024_0002),
        PushPopCase(name: "popfd all ones (not VM RF VIF VIP)", code: [0x66, 0x9D], before: 0x2, pushed: nil, stackImage: 0xFFFF_FFFF, after: 0x0024_7FD7),
        PushPopCase(name: "popfd zeros keeps VM", code: [0x66, 0x9D], before: 0x0003_0ED7, pushed: nil, stackImage: 0, after: 0x0002_0002),
        PushPopCase(name: "popf TF DF OF", code: [0x9D], before: 0x2, pushed: nil, stackImage: 0x0D00, after: 0x0D02),
    ]

    /// PUSHF/PUSHFD images and POPF/POPFD writable masks; SP moves by the operand size.
    func testPushfPopf() {
        let rig = FamRig()
        for c in FlagInstructionFamilyTests.pushPop {
            rig.reset()
            rig.load(c.code)
            rig.cpu.eflags = c.before
            let size: UInt32 = c.code.first == 0x66 ? 4 : 2
            if let img = c.stackImage {
                rig.set([Reg.esp: 0x1000 - size])
                if size == 2 { rig.poke16(SegmentIndex.ss, 0x1000 - size, UInt16(img)) } else { rig.poke32(SegmentIndex.ss, 0x1000 - size, img) }
            }
            XCTAssertNil(rig.run(1), c.name)
            if let p = c.pushed {
                XCTAssertEqual(rig.reg(Reg.esp), 0x1000 - size, "\(c.name): SP")
                let got = size == 2 ? UInt32(rig.peek16(SegmentIndex.ss, 0x1000 - size)) : rig.peek32(SegmentIndex.ss, 0x1000 - size)
                XCTAssertEqual(got, p, "\(c.name): pushed image")
            } else {
                XCTAssertEqual(rig.reg(Reg.esp), 0x1000, "\(c.name): SP")
            }
            XCTAssertEqual(rig.cpu.eflags, c.after, "\(c.name): EFLAGS")
        }
        // A round trip through the stack of lazily computed flags.
        rig.reset()
        rig.load([0x04, 0x01, 0x9C, 0xF9, 0x9D])   // add al,1 ; pushf ; stc ; popf
        rig.set([Reg.eax: 0x7F])
        XCTAssertNil(rig.run(4), "add ; pushf ; stc ; popf")
        XCTAssertEqual(FamFlags.describe(rig.cpu.eflags & FamFlags.status), FamFlags.describe(FamFlags.parse("ASO")), "flags restored by popf")
    }
}
