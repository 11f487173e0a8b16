// PUSH/POP of registers, segment registers, immediates and memory (including POP
// with an ESP-relative destination), PUSHA/POPA, ENTER (levels 0, 1, 3) and LEAVE
// (SDM Vol. 2). The rig's stack is SS = 4000h, SP = 1000h.

import XCTest
import X86

final class StackFamilyTests: XCTestCase {
    struct Case {
        var name: String
        var code: [UInt8]
        var steps = 1
        var setup: (FamRig) -> Void
        var check: (FamRig, String) -> Void
    }

    static let ss = SegmentIndex.ss

    static let cases: [Case] = [
        Case(name: "push ax", code: [0x50], setup: { r in r.set([Reg.eax: 0xAAAA_1234]) }, check: { r, n in
            XCTAssertEqual(r.reg(Reg.esp), 0x0FFE, "\(n): SP"); XCTAssertEqual(r.peek16(ss, 0xFFE), 0x1234, n)
            XCTAssertEqual(r.peek16(ss, 0x1000), 0, "\(n): nothing above")
        }),
        Case(name: "push eax (66)", code: [0x66, 0x50], setup: { r in r.set([Reg.eax: 0xAAAA_1234]) }, check: { r, n in
            XCTAssertEqual(r.reg(Reg.esp), 0x0FFC, "\(n): SP"); XCTAssertEqual(r.peek32(ss, 0xFFC), 0xAAAA_1234, n)
        }),
        Case(name: "push di at SP=0 wraps to FFFE", code: [0x57], setup: { r in r.set([Reg.edi: 0x5151, Reg.esp: 0]) }, check: { r, n in
            XCTAssertEqual(r.reg(Reg.esp), 0xFFFE, "\(n): SP"); XCTAssertEqual(r.peek16(ss, 0xFFFE), 0x5151, n)
        }),
        Case(name: "pop cx", code: [0x59], setup: { r in r.poke16(ss, 0xFFE, 0xBEEF); r.set([Reg.esp: 0xFFE, Reg.ecx: 0x7777_0000]) }, check: { r, n in
            XCTAssertEqual(r.reg(Reg.ecx), 0x7777_BEEF, n); XCTAssertEqual(r.reg(Reg.esp), 0x1000, "\(n): SP")
        }),
        Case(name: "pop ecx (66)", code: [0x66, 0x59], setup: { r in r.poke32(ss, 0xFFC, 0xDEAD_BEEF); r.set([Reg.esp: 0xFFC]) }, check: { r, n in
            XCTAssertEqual(r.reg(Reg.ecx), 0xDEAD_BEEF, n); XCTAssertEqual(r.reg(Reg.esp), 0x1000, "\(n): SP")
        }),
        Case(name: "push sp pushes the value before the push", code: [0x54], setup: { _ in }, check: { r, n in
            XCTAssertEqual(r.peek16(ss, 0xFFE), 0x1000, n); XCTAssertEqual(r.reg(Reg.esp), 0xFFE, "\(n): SP")
        }),
        Case(name: "pop sp loads the popped value", code: [0x5C], setup: { r in r.poke16(ss, 0xFFE, 0x0800); r.set([Reg.esp: 0xFFE]) }, check: { r, n in
            XCTAssertEqual(r.reg(Reg.esp), 0x0800, n)
        }),
        Case(name: "push es/cs/ss/ds/fs/gs", code: [0x06, 0x0E, 0x16, 0x1E, 0x0F, 0xA0, 0x0F, 0xA8], steps: 6, setup: { _ in }, check: { r, n in
            XCTAssertEqual((0..<6).map { r.peek16(ss, 0xFFE - 2 * UInt32($0)) },
                           [FamRig.es, FamRig.cs, FamRig.ss, FamRig.ds, FamRig.fs, FamRig.gs], n)
            XCTAssertEqual(r.reg(Reg.esp), 0x1000 - 12, "\(n): SP")
        }),
        Case(name: "push ds with 66 writes the selector zero-extended", code: [0x66, 0x1E], setup: { r in r.poke32(ss, 0xFFC, 0xFFFF_FFFF) }, check: { r, n in
            XCTAssertEqual(r.peek32(ss, 0xFFC), UInt32(FamRig.ds), n); XCTAssertEqual(r.reg(Reg.esp), 0xFFC, "\(n): SP")
        }),
        Case(name: "pop es/ds/fs/gs load selector and base", code: [0x07, 0x1F, 0x0F, 0xA1, 0x0F, 0xA9], steps: 4, setup: { r in
            r.poke16(ss, 0xFF8, 0x1111); r.poke16(ss, 0xFFA, 0x2222); r.poke16(ss, 0xFFC, 0x3333); r.poke16(ss, 0xFFE, 0x4444)
            r.set([Reg.esp: 0xFF8])
        }, check: { r, n in
            for (s, v) in [(SegmentIndex.es, UInt16(0x1111)), (SegmentIndex.ds, 0x2222), (SegmentIndex.fs, 0x3333), (SegmentIndex.gs, 0x4444)] {
                XCTAssertEqual(r.cpu.segments[s].selector, v, "\(n): selector \(s)")
                XCTAssertEqual(r.cpu.segments[s].base, UInt64(v) << 4, "\(n): base \(s)")
            }
            XCTAssertEqual(r.reg(Reg.esp), 0x1000, "\(n): SP")
        }),
        Case(name: "pop ss then the next instruction", code: [0x17, 0x90], steps: 2, setup: { r in r.poke16(ss, 0xFFE, 0x4100); r.set([Reg.esp: 0xFFE]) }, check: { r, n in
            XCTAssertEqual(r.cpu.segments[SegmentIndex.ss].selector, 0x4100, n)
            XCTAssertEqual(r.cpu.segments[SegmentIndex.ss].base, 0x41000, "\(n): base")
            XCTAssertEqual(r.reg(Reg.esp), 0x1000, "\(n): SP")
        }),
        Case(name: "pop ds (66) pops four bytes", code: [0x66, 0x1F], setup: { r in r.poke32(ss, 0xFFC, 0xFFFF_2345); r.set([Reg.esp: 0xFFC]) }, check: { r, n in
            XCTAssertEqual(r.cpu.segments[SegmentIndex.ds].selector, 0x2345, n); XCTAssertEqual(r.reg(Reg.esp), 0x1000, "\(n): SP")
        }),
        Case(name: "push imm16 (68)", code: [0x68, 0x34, 0x12], setup: { _ in }, check: { r, n in
            XCTAssertEqual(r.peek16(ss, 0xFFE), 0x1234, n); XCTAssertEqual(r.reg(Reg.esp), 0xFFE, "\(n): SP")
        }),
        Case(name: "push imm8 -1 (6A) sign-extends", code: [0x6A, 0xFF], setup: { _ in }, check: { r, n in
            XCTAssertEqual(r.peek16(ss, 0xFFE), 0xFFFF, n)
        }),
        Case(name: "push imm8 -128 (66 6A) sign-extends to 32", code: [0x66, 0x6A, 0x80], setup: { _ in }, check: { r, n in
            XCTAssertEqual(r.peek32(ss, 0xFFC), 0xFFFF_FF80, n); XCTAssertEqual(r.reg(Reg.esp), 0xFFC, "\(n): SP")
        }),
        Case(name: "push imm32 (66 68)", code: [0x66, 0x68, 0x78, 0x56, 0x34, 0x12], setup: { _ in }, check: { r, n in
            XCTAssertEqual(r.peek32(ss, 0xFFC), 0x1234_5678, n)
        }),
        Case(name: "push word [bx] (FF /6)", code: [0xFF, 0x37], setup: { r in r.poke16(SegmentIndex.ds, 0x100, 0xCAFE); r.set([Reg.ebx: 0x100]) }, check: { r, n in
            XCTAssertEqual(r.peek16(ss, 0xFFE), 0xCAFE, n)
        }),
        Case(name: "push dword [bx] (66 FF /6)", code: [0x66, 0xFF, 0x37], setup: { r in r.poke32(SegmentIndex.ds, 0x100, 0xCAFE_BABE); r.set([Reg.ebx: 0x100]) }, check: { r, n in
            XCTAssertEqual(r.peek32(ss, 0xFFC), 0xCAFE_BABE, n); XCTAssertEqual(r.reg(Reg.esp), 0xFFC, "\(n): SP")
        }),
        Case(name: "pop word [bx] (8F /0)", code: [0x8F, 0x07], setup: { r in r.poke16(ss, 0xFFE, 0x4321); r.set([Reg.ebx: 0x100, Reg.esp: 0xFFE]) }, check: { r, n in
            XCTAssertEqual(r.peek16(SegmentIndex.ds, 0x100), 0x4321, n); XCTAssertEqual(r.reg(Reg.esp), 0x1000, "\(n): SP")
        }),
        Case(name: "pop word [esp] uses ESP after the pop", code: [0x67, 0x8F, 0x04, 0x24], setup: { r in
            r.poke16(ss, 0xFFE, 0xAAAA); r.poke16(ss, 0x1000, 0x5555); r.set([Reg.esp: 0xFFE])
        }, check: { r, n in
            XCTAssertEqual(r.peek16(ss, 0x1000), 0xAAAA, "\(n): written at the new top")
            XCTAssertEqual(r.peek16(ss, 0xFFE), 0xAAAA, "\(n): old slot untouched")
            XCTAssertEqual(r.reg(Reg.esp), 0x1000, "\(n): SP")
        }),
        Case(name: "pop dword [esp+4] uses ESP after the pop", code: [0x66, 0x67, 0x8F, 0x44, 0x24, 0x04], setup: { r in
            r.poke32(ss, 0xFFC, 0x1234_5678); r.set([Reg.esp: 0xFFC])
        }, check: { r, n in
            XCTAssertEqual(r.peek32(ss, 0x1004), 0x1234_5678, n); XCTAssertEqual(r.reg(Reg.esp), 0x1000, "\(n): SP")
        }),
        Case(name: "pusha", code: [0x60], setup: { r in
            r.set([Reg.eax: 1, Reg.ecx: 2, Reg.edx: 3, Reg.ebx: 4, Reg.ebp: 6, Reg.esi: 7, Reg.edi: 8])
        }, check: { r, n in
            XCTAssertEqual((0..<8).map { r.peek16(ss, 0xFFE - 2 * UInt32($0)) }, [1, 2, 3, 4, 0x1000, 6, 7, 8], n)
            XCTAssertEqual(r.reg(Reg.esp), 0xFF0, "\(n): SP")
        }),
        Case(name: "popa skips SP", code: [0x61], setup: { r in
            for (k, v) in ([8, 7, 6, 0xDEAD, 4, 3, 2, 1] as [UInt16]).enumerated() { r.poke16(ss, 0xFF0 + 2 * UInt32(k), v) }
            r.set([Reg.esp: 0xFF0, Reg.eax: 0xFFFF_0000])
        }, check: { r, n in
            XCTAssertEqual([Reg.eax, Reg.ecx, Reg.edx, Reg.ebx, Reg.ebp, Reg.esi, Reg.edi].map { r.reg($0) & 0xFFFF }, [1, 2, 3, 4, 6, 7, 8], n)
            XCTAssertEqual(r.reg(Reg.eax), 0xFFFF_0001, "\(n): upper EAX kept")
            XCTAssertEqual(r.reg(Reg.esp), 0x1000, "\(n): SP")
        }),
        Case(name: "pushad/popad round trip", code: [0x66, 0x60, 0x66, 0x31, 0xC0, 0x66, 0x31, 0xDB, 0x66, 0x61], steps: 4, setup: { r in
            r.set([Reg.eax: 0x1111_1111, Reg.ebx: 0x4444_4444, Reg.ebp: 0x6666_6666])
        }, check: { r, n in
            XCTAssertEqual(r.peek32(ss, 0xFFC), 0x1111_1111, "\(n): EAX image")
            XCTAssertEqual(r.peek32(ss, 0x1000 - 20), 0x1000, "\(n): ESP image")
            XCTAssertEqual(r.reg(Reg.eax), 0x1111_1111, "\(n): EAX"); XCTAssertEqual(r.reg(Reg.ebx), 0x4444_4444, "\(n): EBX")
            XCTAssertEqual(r.reg(Reg.ebp), 0x6666_6666, "\(n): EBP"); XCTAssertEqual(r.reg(Reg.esp), 0x1000, "\(n): ESP")
        }),
        Case(name: "enter 16,0", code: [0xC8, 0x10, 0x00, 0x00], setup: { r in r.set([Reg.ebp: 0x0F00]) }, check: { r, n in
            XCTAssertEqual(r.peek16(ss, 0xFFE), 0x0F00, "\(n): old BP")
            XCTAssertEqual(r.reg(Reg.ebp), 0x0FFE, "\(n): BP"); XCTAssertEqual(r.reg(Reg.esp), 0x0FEE, "\(n): SP")
        }),
        Case(name: "enter 8,1", code: [0xC8, 0x08, 0x00, 0x01], setup: { r in r.set([Reg.ebp: 0x0F00]) }, check: { r, n in
            XCTAssertEqual(r.peek16(ss, 0xFFE), 0x0F00, "\(n): old BP"); XCTAssertEqual(r.peek16(ss, 0xFFC), 0x0FFE, "\(n): frame pointer")
            XCTAssertEqual(r.reg(Reg.ebp), 0x0FFE, "\(n): BP"); XCTAssertEqual(r.reg(Reg.esp), 0x0FF4, "\(n): SP")
        }),
        Case(name: "enter 4,3 copies two display entries", code: [0xC8, 0x04, 0x00, 0x03], setup: { r in
            r.poke16(ss, 0x0EFE, 0x1111); r.poke16(ss, 0x0EFC, 0x2222); r.set([Reg.ebp: 0x0F00])
        }, check: { r, n in
            XCTAssertEqual((0..<4).map { r.peek16(ss, 0xFFE - 2 * UInt32($0)) }, [0x0F00, 0x1111, 0x2222, 0x0FFE], n)
            XCTAssertEqual(r.reg(Reg.ebp), 0x0FFE, "\(n): BP"); XCTAssertEqual(r.reg(Reg.esp), 0x0FF4, "\(n): SP")
        }),
        Case(name: "enter 8,0 (66) pushes EBP", code: [0x66, 0xC8, 0x08, 0x00, 0x00], setup: { r in r.set([Reg.ebp: 0x1234_0F00]) }, check: { r, n in
            XCTAssertEqual(r.peek32(ss, 0xFFC), 0x1234_0F00, "\(n): old EBP")
            XCTAssertEqual(r.reg(Reg.ebp), 0x0FFC, "\(n): EBP"); XCTAssertEqual(r.reg(Reg.esp), 0x0FF4, "\(n): SP")
        }),
        Case(name: "enter 0,33 (level masked to 1)", code: [0xC8, 0x00, 0x00, 0x21], setup: { r in r.set([Reg.ebp: 0x0F00]) }, check: { r, n in
            XCTAssertEqual(r.peek16(ss, 0xFFC), 0x0FFE, "\(n): frame pointer"); XCTAssertEqual(r.reg(Reg.esp), 0x0FFC, "\(n): SP")
        }),
        Case(name: "leave", code: [0xC9], setup: { r in r.poke16(ss, 0xFF0, 0x1234); r.set([Reg.ebp: 0xFF0, Reg.esp: 0x800]) }, check: { r, n in
            XCTAssertEqual(r.reg(Reg.ebp), 0x1234, "\(n): BP"); XCTAssertEqual(r.reg(Reg.esp), 0xFF2, "\(n): SP")
        }),
        Case(name: "leave (66) pops EBP", code: [0x66, 0xC9], setup: { r in r.poke32(ss, 0xFF0, 0x8765_4321); r.set([Reg.ebp: 0xFF0]) }, check: { r, n in
            XCTAssertEqual(r.reg(Reg.ebp), 0x8765_4321, "\(n): EBP"); XCTAssertEqual(r.reg(Reg.esp), 0xFF4, "\(n): SP")
        }),
        Case(name: "enter 6,2 ; leave restores", code: [0xC8, 0x06, 0x00, 0x02, 0xC9], steps: 2, setup: { r in
            r.poke16(ss, 0x0EFE, 0x7777); r.set([Reg.ebp: 0x0F00])
        }, check: { r, n in
            XCTAssertEqual(r.reg(Reg.ebp), 0x0F00, "\(n): BP"); XCTAssertEqual(r.reg(Reg.esp), 0x0FFE + 2, "\(n): SP")
        }),
    ]

    func testStackInstructions() {
        let rig = FamRig()
        for c in StackFamilyTests.cases {
            rig.reset()
            rig.poke(SegmentIndex.ss, 0xE00, [UInt8](repeating: 0, count: 0x300))
            rig.poke(SegmentIndex.ss, 0xFFF0, [UInt8](repeating: 0, count: 0x10))
            rig.load(c.code)
            c.setup(rig)
            XCTAssertNil(rig.run(c.steps), c.name)
            XCTAssertEqual(rig.cpu.eip, UInt32(c.code.count), "\(c.name): IP after")
            c.check(rig, c.name)
        }
    }
}
