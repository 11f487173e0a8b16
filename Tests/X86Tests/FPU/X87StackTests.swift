// The x87 register stack, status word, exceptions and state instructions as
// the CPU runs them (SDM Vol. 1 ch. 8): pushes and pops with the tag word,
// stack faults with their masked responses, condition codes and FCOMI's
// EFLAGS, #MF with CR0.NE and FERR# without it, #NM/#UD, the environment
// and state images, and the MMX aliasing. The arithmetic itself is checked
// against the host's x87 by X87DifferentialTests.

import XCTest
@testable import X86

final class X87StackTests: XCTestCase {
    struct Case {
        var name: String
        var code: [UInt8]
        var steps: Int
        var setup: (FamRig) -> Void = { _ in }
        var check: (FamRig, String) -> Void
    }

    static let ds = SegmentIndex.ds
    static let one = Extended80(signExponent: 0x3FFF, significand: 1 << 63)
    static let two = Extended80(signExponent: 0x4000, significand: 1 << 63)
    static let pi = Extended80(signExponent: 0x4000, significand: 0xC90F_DAA2_2168_C235)
    static let fninit: [UInt8] = [0xDB, 0xE3]
    static let fld1: [UInt8] = [0xD9, 0xE8]
    static let fldz: [UInt8] = [0xD9, 0xEE]
    static let fldpi: [UInt8] = [0xD9, 0xEB]
    static let fnstswAX: [UInt8] = [0xDF, 0xE0]

    static let cases: [Case] = [
        Case(name: "push constants", code: fninit + fld1 + fldpi, steps: 3) { r, n in
            XCTAssertEqual(r.cpu.x87.top, 6, n)
            XCTAssertEqual(r.cpu.x87.st(0), pi, n)
            XCTAssertEqual(r.cpu.x87.st(1), one, n)
            XCTAssertEqual(r.cpu.x87.tagWord, 0x0FFF, "\(n): R6, R7 valid")
            XCTAssertEqual(r.cpu.x87.status & 0x3F, 0, n)
        },
        Case(name: "FLDPI rounds down with RC = down", code: fninit + [0xD9, 0x2E, 0x00, 0x01] + fldpi, steps: 3,
             setup: { r in r.poke16(ds, 0x100, 0x077F) }) { r, n in
            XCTAssertEqual(r.cpu.x87.st(0).significand, 0xC90F_DAA2_2168_C234, n)
        },
        Case(name: "stack overflow: masked IE, SF, C1 = 1, the indefinite pushed",
             code: fninit + Array([[UInt8]](repeating: fld1, count: 9).joined()), steps: 10) { r, n in
            XCTAssertEqual(r.cpu.x87.status & 0x47FF, 0x0241, n)
            XCTAssertEqual(r.cpu.x87.st(0), .indefinite, n)
            XCTAssertEqual(r.cpu.x87.top, 7, n)
        },
        Case(name: "stack underflow: FADD ST(0), ST(1) on an empty stack", code: fninit + [0xD8, 0xC1], steps: 2) { r, n in
            XCTAssertEqual(r.cpu.x87.status & 0x47FF, 0x0041, "\(n): IE, SF, C1 = 0")
            XCTAssertEqual(r.cpu.x87.st(0), .indefinite, n)
            XCTAssertFalse(r.cpu.x87.isEmpty(0), n)
        },
        Case(name: "unmasked underflow changes nothing but the status word",
             code: fninit + [0xD9, 0x2E, 0x00, 0x01, 0xD8, 0xC1], steps: 3,
             setup: { r in r.poke16(ds, 0x100, 0x037E) }) { r, n in
            XCTAssertEqual(r.cpu.x87.status & 0xBFFF, 0x80C1, "\(n): B, ES, SF, IE")
            XCTAssertTrue(r.cpu.x87.isEmpty(0), n)
        },
        Case(name: "FCOM and FNSTSW AX: 1 < pi sets C0", code: fninit + fldpi + fld1 + [0xD8, 0xD1] + fnstswAX, steps: 5) { r, n in
            XCTAssertEqual(r.reg(Reg.eax) & 0x4700, 0x0100, n)
        },
        Case(name: "FCOMPP pops twice", code: fninit + fldpi + fld1 + [0xDE, 0xD9], steps: 4) { r, n in
            XCTAssertEqual(r.cpu.x87.validTags, 0, n)
            XCTAssertEqual(r.cpu.x87.top, 0, n)
        },
        Case(name: "FCOMI: pi > 1 clears ZF PF CF; FUCOMIP of equal values sets ZF and pops",
             code: fninit + fld1 + fldpi + [0xDB, 0xF1, 0x9C] + fld1 + [0xDF, 0xEA], steps: 7) { r, n in
            XCTAssertEqual(r.peek16(SegmentIndex.ss, 0x0FFE) & 0x8D5, 0, "\(n): FCOMI flags")
            XCTAssertEqual(r.cpu.eflags & 0x8D5, 0x40, "\(n): FUCOMIP flags")
            XCTAssertEqual(r.cpu.x87.top, 6, n)
        },
        Case(name: "FCMOVB moves when CF = 1, FCMOVNB does not", code: fninit + fld1 + fldpi + [0xF9, 0xDA, 0xC1, 0xDB, 0xC1], steps: 6) { r, n in
            XCTAssertEqual(r.cpu.x87.st(0), one, n)
        },
        Case(name: "FXCH, FCHS, FABS", code: fninit + fld1 + fldpi + [0xD9, 0xC9, 0xD9, 0xE0, 0xD9, 0xC9, 0xD9, 0xE0, 0xD9, 0xE1], steps: 8) { r, n in
            XCTAssertEqual(r.cpu.x87.st(0), pi, n)
            XCTAssertEqual(r.cpu.x87.st(1).signExponent, 0xBFFF, n)
        },
        Case(name: "FXAM of an empty register: C3 C0 and the stale sign in C1", code: fninit + [0xD9, 0xE5] + fnstswAX, steps: 3) { r, n in
            XCTAssertEqual(r.reg(Reg.eax) & 0x4700, 0x4100, n)
        },
        Case(name: "FFREE, FINCSTP, FDECSTP move TOP and tags only", code: fninit + fld1 + [0xDD, 0xC0, 0xD9, 0xF7, 0xD9, 0xF6, 0xD9, 0xF6], steps: 6) { r, n in
            XCTAssertEqual(r.cpu.x87.top, 6, n)
            XCTAssertEqual(r.cpu.x87.validTags, 0, n)
        },
        Case(name: "FILD/FISTP m32 with RC = nearest", code: fninit + [0xDB, 0x06, 0x00, 0x01, 0xD9, 0xE8, 0xDE, 0xC1, 0xDB, 0x1E, 0x04, 0x01],
             steps: 5, setup: { r in r.poke32(ds, 0x100, 0xFFFF_FFF9) }) { r, n in
            XCTAssertEqual(r.peek32(ds, 0x104), 0xFFFF_FFFA, n)
            XCTAssertEqual(r.cpu.x87.validTags, 0, n)
        },
        Case(name: "FISTP m16 of an out-of-range value: the integer indefinite, IE, popped",
             code: fninit + [0xDF, 0x2E, 0x00, 0x01, 0xDF, 0x1E, 0x10, 0x01], steps: 3,
             setup: { r in r.poke32(ds, 0x100, 0xFFFF_FFFF); r.poke32(ds, 0x104, 0x7FFF_FFFF) }) { r, n in
            XCTAssertEqual(r.peek16(ds, 0x110), 0x8000, n)
            XCTAssertEqual(r.cpu.x87.status & 0x47FF, 0x0001, n)
            XCTAssertEqual(r.cpu.x87.validTags, 0, n)
        },
        Case(name: "FST m32 and FSTP m64 and m80", code: fninit + fldpi + [0xD9, 0x16, 0x00, 0x01, 0xDD, 0x1E, 0x10, 0x01] + fld1 + [0xDB, 0x3E, 0x20, 0x01],
             steps: 6) { r, n in
            XCTAssertEqual(r.peek32(ds, 0x100), 0x4049_0FDB, "\(n): binary32 pi")
            XCTAssertEqual(r.peek32(ds, 0x110), 0x5444_2D18, "\(n): binary64 pi, low")
            XCTAssertEqual(r.peek32(ds, 0x114), 0x4009_21FB, "\(n): binary64 pi, high")
            XCTAssertEqual(r.peek16(ds, 0x128), 0x3FFF, "\(n): extended 1.0")
            XCTAssertEqual(r.cpu.x87.status & 0x20, 0x20, "\(n): PE")
        },
        Case(name: "FNSTENV (16-bit real mode) then FLDENV", code: fninit + fld1 + [0xD9, 0x36, 0x00, 0x01, 0xD9, 0x26, 0x00, 0x01],
             steps: 4) { r, n in
            XCTAssertEqual(r.peek16(ds, 0x100), 0x037F, "\(n): FCW as stored")
            XCTAssertEqual(r.peek16(ds, 0x102), 0x3800, "\(n): FSW with TOP 7")
            XCTAssertEqual(r.peek16(ds, 0x104), 0x3FFF, "\(n): tags: R7 valid")
            XCTAssertEqual(r.peek16(ds, 0x106), 0x1002, "\(n): FIP of FLD1 (linear 1002h)")
            XCTAssertEqual(r.peek16(ds, 0x108), 0x01E8, "\(n): FOP")
            XCTAssertEqual(r.cpu.x87.control, 0x037F, "\(n): FLDENV restored the masks")
        },
        Case(name: "FNSTENV with 66 (32-bit real-mode layout): linear FIP in two fields with FOP",
             code: fninit + fld1 + [0x66, 0xD9, 0x36, 0x00, 0x01], steps: 3) { r, n in
            XCTAssertEqual(r.peek32(ds, 0x100), 0xFFFF_037F, "\(n): FCW, reserved half all ones")
            XCTAssertEqual(r.peek16(ds, 0x104), 0x3800, "\(n): FSW")
            XCTAssertEqual(r.peek16(ds, 0x10C), 0x1002, "\(n): FIP 15:0")
            XCTAssertEqual(r.peek32(ds, 0x110), 0x0000_01E8, "\(n): FIP 31:16 in bits 27:12, FOP in 10:0")
            XCTAssertEqual(r.cpu.x87.control & 0x3F, 0x3F, "\(n): every exception masked")
        },
        Case(name: "FNSAVE with 66 (108 bytes) then FRSTOR with 66",
             code: fninit + fldpi + [0x66, 0xDD, 0x36, 0x00, 0x01, 0x66, 0xDD, 0x26, 0x00, 0x01], steps: 4) { r, n in
            XCTAssertEqual(r.peek16(ds, 0x100 + 28 + 8), 0x4000, "\(n): ST(0) after the 28-byte environment")
            XCTAssertEqual(r.cpu.x87.st(0), pi, n)
            XCTAssertEqual(r.cpu.x87.top, 7, n)
        },
        Case(name: "FNSAVE initialises; FRSTOR brings the stack back", code: fninit + fld1 + fldpi + [0xDD, 0x36, 0x00, 0x01, 0xDD, 0x26, 0x00, 0x01],
             steps: 5) { r, n in
            XCTAssertEqual(r.cpu.x87.top, 6, n)
            XCTAssertEqual(r.cpu.x87.st(0), pi, n)
            XCTAssertEqual(r.cpu.x87.st(1), one, n)
            XCTAssertEqual(r.peek16(ds, 0x100 + 14 + 8), 0x4000, "\(n): ST(0) in the image")
        },
        Case(name: "#MF at the next waiting instruction with CR0.NE = 1",
             code: fninit + [0xD9, 0x2E, 0x00, 0x01] + fld1 + fldz + [0xDE, 0xF9, 0x9B], steps: 6,
             setup: { r in r.poke16(ds, 0x100, 0x037B); r.cpu.cr0 |= 0x20 }) { r, n in
            XCTAssertEqual(r.faultVector, 16, n)
            XCTAssertEqual(r.cpu.x87.status & 0x80FF, 0x8084, "\(n): B, ES, ZE")
            XCTAssertEqual(r.cpu.x87.top, 6, "\(n): the unmasked division left the stack alone")
        },
        Case(name: "FERR# with CR0.NE = 0: the instruction waits for the interrupt",
             code: fninit + [0xD9, 0x2E, 0x00, 0x01] + fld1 + fldz + [0xDE, 0xF9, 0x9B], steps: 6,
             setup: { r in r.poke16(ds, 0x100, 0x037B) }) { r, n in
            XCTAssertNil(r.faultVector, n)
            XCTAssertTrue(r.cpu.halted, n)
            XCTAssertEqual(r.cpu.eip, 12, "\(n): back at the FWAIT")
        },
        Case(name: "FNCLEX and FNINIT do not wait", code: fninit + [0xD9, 0x2E, 0x00, 0x01] + fld1 + fldz + [0xDE, 0xF9, 0xDB, 0xE2] + fld1,
             steps: 7, setup: { r in r.poke16(ds, 0x100, 0x037B); r.cpu.cr0 |= 0x20 }) { r, n in
            XCTAssertNil(r.faultVector, n)
            XCTAssertEqual(r.cpu.x87.status & 0x80FF, 0, n)
        },
        Case(name: "CR0.EM: #NM for ESC", code: fld1, steps: 1, setup: { r in r.cpu.cr0 |= 0x4 }) { r, n in
            XCTAssertEqual(r.faultVector, 7, n)
        },
        Case(name: "CR0.TS without MP: WAIT runs", code: [0x9B], steps: 1, setup: { r in r.cpu.cr0 = r.cpu.cr0 & ~0x2 | 0x8 }) { r, n in
            XCTAssertNil(r.faultVector, n)
        },
        Case(name: "CR0.TS with MP: WAIT raises #NM", code: [0x9B], steps: 1, setup: { r in r.cpu.cr0 |= 0xA }) { r, n in
            XCTAssertEqual(r.faultVector, 7, n)
        },
        Case(name: "D9 /1 with a memory operand is #UD", code: [0xD9, 0x0E, 0x00, 0x01], steps: 1) { r, n in
            XCTAssertEqual(r.faultVector, 6, n)
        },
        Case(name: "MMX: MOVD MM1, EAX sets TOP 0, all tags valid, the exponent all ones; EMMS empties",
             code: fninit + [0x66, 0xB8, 0x78, 0x56, 0x34, 0x12, 0x0F, 0x6E, 0xC8], steps: 3) { r, n in
            XCTAssertEqual(r.cpu.x87.registers[1], Extended80(signExponent: 0xFFFF, significand: 0x1234_5678), n)
            XCTAssertEqual(r.cpu.x87.validTags, 0xFF, n)
            XCTAssertEqual(r.cpu.x87.top, 0, n)
        },
        Case(name: "SSE without CR4.OSFXSR is #UD", code: [0x0F, 0x28, 0xC1], steps: 1) { r, n in
            XCTAssertEqual(r.faultVector, 6, n)
        },
        Case(name: "MOVAPS from a misaligned address is #GP(0); MOVUPS is fine",
             code: [0x0F, 0x10, 0x06, 0x08, 0x01, 0x0F, 0x28, 0x06, 0x08, 0x01], steps: 2,
             setup: { r in r.cpu.cr4 |= 0x200 }) { r, n in
            XCTAssertEqual(r.faultVector, 13, n)
        },
        Case(name: "FXSAVE then FXRSTOR restores the x87 and XMM state",
             code: fninit + fldpi + [0x0F, 0xAE, 0x06, 0x00, 0x02] + fninit + [0x0F, 0xAE, 0x0E, 0x00, 0x02], steps: 5,
             setup: { r in r.cpu.cr4 |= 0x200; r.cpu.setXMM(3, Vector128(low: 0x1111, high: 0x2222)) }) { r, n in
            XCTAssertEqual(r.cpu.x87.st(0), pi, n)
            XCTAssertEqual(r.cpu.x87.top, 7, n)
            XCTAssertEqual(r.peek8(ds, 0x204), 0x80, "\(n): abridged tag of R7")
            XCTAssertEqual(r.peek32(ds, 0x218), 0x1F80, "\(n): MXCSR")
            XCTAssertEqual(r.peek32(ds, 0x200 + 160 + 48), 0x1111, "\(n): XMM3")
            XCTAssertEqual(r.cpu.xmmRegister(3), Vector128(low: 0x1111, high: 0x2222), n)
        },
        Case(name: "LDMXCSR with a reserved bit is #GP(0)", code: [0x0F, 0xAE, 0x16, 0x00, 0x01], steps: 1,
             setup: { r in r.cpu.cr4 |= 0x200; r.poke32(ds, 0x100, 0x0001_1F80) }) { r, n in
            XCTAssertEqual(r.faultVector, 13, n)
            XCTAssertEqual(r.cpu.mxcsr, 0x1F80, n)
        },
    ]

    func testCases() {
        let rig = FamRig()
        for c in Self.cases {
            rig.reset()
            rig.cpu.cr0 &= ~0xE
            c.setup(rig)
            rig.load(c.code)
            rig.run(c.steps)
            c.check(rig, c.name)
        }
    }
}
