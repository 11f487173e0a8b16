// Segment-register loads in real mode: MOV Sreg (MOV CS is #UD), MOV from Sreg,
// LDS/LES/LFS/LGS/LSS (SDM Vol. 2; Vol. 3 §20.1.1). A load sets the selector and
// base = selector * 16 and keeps the cached limit (Segments.swift), and MOV SS /
// POP SS inhibit interrupts for one instruction (Vol. 3 §6.8.3).

import XCTest
import X86

final class SegmentFamilyTests: XCTestCase {
    struct Case {
        var name: String
        var code: [UInt8]
        var setup: (FamRig) -> Void
        /// Segment loaded and its new selector; nil when the case checks something else.
        var segment: (Int, UInt16)?
        var regs: [Int: UInt32] = [:]
        var fault: UInt8? = nil
    }

    static let ds = SegmentIndex.ds

    static let cases: [Case] = [
        Case(name: "mov ds,ax", code: [0x8E, 0xD8], setup: { r in r.set([Reg.eax: 0xFFFF_1234]) }, segment: (SegmentIndex.ds, 0x1234)),
        Case(name: "mov es,[bx]", code: [0x8E, 0x07], setup: { r in r.set([Reg.ebx: 0x100]); r.poke16(ds, 0x100, 0x5678) }, segment: (SegmentIndex.es, 0x5678)),
        Case(name: "mov ss,dx", code: [0x8E, 0xD2], setup: { r in r.set([Reg.edx: 0x0ABC]) }, segment: (SegmentIndex.ss, 0x0ABC)),
        Case(name: "mov fs,si", code: [0x8E, 0xE6], setup: { r in r.set([Reg.esi: 0x0001]) }, segment: (SegmentIndex.fs, 0x0001)),
        Case(name: "mov gs,di (66 ignored)", code: [0x66, 0x8E, 0xEF], setup: { r in r.set([Reg.edi: 0xFFFF_F000]) }, segment: (SegmentIndex.gs, 0xF000)),
        Case(name: "mov cs,ax is #UD", code: [0x8E, 0xC8], setup: { r in r.set([Reg.eax: 0x2000]) }, segment: nil, fault: 6),
        Case(name: "mov sreg 6 is #UD", code: [0x8E, 0xF0], setup: { _ in }, segment: nil, fault: 6),
        Case(name: "mov ax,ds", code: [0x8C, 0xD8], setup: { r in r.set([Reg.eax: 0xFFFF_FFFF]) }, segment: nil, regs: [Reg.eax: 0xFFFF_0000 | UInt32(FamRig.ds)]),
        Case(name: "mov eax,cs (66) zero-extends", code: [0x66, 0x8C, 0xC8], setup: { r in r.set([Reg.eax: 0xFFFF_FFFF]) }, segment: nil, regs: [Reg.eax: UInt32(FamRig.cs)]),
        Case(name: "mov ax,sreg 7 is #UD", code: [0x8C, 0xF8], setup: { _ in }, segment: nil, fault: 6),
        Case(name: "lds si,[bx]", code: [0xC5, 0x37], setup: { r in r.set([Reg.ebx: 0x100]); r.poke16(ds, 0x100, 0x1234); r.poke16(ds, 0x102, 0x5678) },
             segment: (SegmentIndex.ds, 0x5678), regs: [Reg.esi: 0x1234]),
        Case(name: "les di,[bx+2]", code: [0xC4, 0x7F, 0x02], setup: { r in r.set([Reg.ebx: 0x100]); r.poke16(ds, 0x102, 0xAAAA); r.poke16(ds, 0x104, 0x0BBB) },
             segment: (SegmentIndex.es, 0x0BBB), regs: [Reg.edi: 0xAAAA]),
        Case(name: "lss sp,[bx]", code: [0x0F, 0xB2, 0x27], setup: { r in r.set([Reg.ebx: 0x100]); r.poke16(ds, 0x100, 0x0800); r.poke16(ds, 0x102, 0x7000) },
             segment: (SegmentIndex.ss, 0x7000), regs: [Reg.esp: 0x0800]),
        Case(name: "lfs si,[bx]", code: [0x0F, 0xB4, 0x37], setup: { r in r.set([Reg.ebx: 0x100]); r.poke16(ds, 0x100, 0x0010); r.poke16(ds, 0x102, 0x0020) },
             segment: (SegmentIndex.fs, 0x0020), regs: [Reg.esi: 0x0010]),
        Case(name: "lgs ax,[bx]", code: [0x0F, 0xB5, 0x07], setup: { r in r.set([Reg.ebx: 0x100, Reg.eax: 0xFFFF_0000]); r.poke16(ds, 0x100, 0x4444); r.poke16(ds, 0x102, 0x5555) },
             segment: (SegmentIndex.gs, 0x5555), regs: [Reg.eax: 0xFFFF_4444]),
        Case(name: "lds esi,[bx] (66: 32-bit offset, selector after it)", code: [0x66, 0xC5, 0x37],
             setup: { r in r.set([Reg.ebx: 0x100]); r.poke32(ds, 0x100, 0x8765_4321); r.poke16(ds, 0x104, 0x3333) },
             segment: (SegmentIndex.ds, 0x3333), regs: [Reg.esi: 0x8765_4321]),
        Case(name: "lss esp,[bx] (66)", code: [0x66, 0x0F, 0xB2, 0x27],
             setup: { r in r.set([Reg.ebx: 0x100]); r.poke32(ds, 0x100, 0x0000_2000); r.poke16(ds, 0x104, 0x6000) },
             segment: (SegmentIndex.ss, 0x6000), regs: [Reg.esp: 0x2000]),
        Case(name: "lds with a register operand is #UD", code: [0xC5, 0xC0], setup: { _ in }, segment: nil, fault: 6),
        Case(name: "lss with a register operand is #UD", code: [0x0F, 0xB2, 0xC0], setup: { _ in }, segment: nil, fault: 6),
        Case(name: "lds si,[0xFFFE] pointer crosses the limit: #GP", code: [0xC5, 0x36, 0xFE, 0xFF], setup: { _ in }, segment: nil, fault: 13),
    ]

    func testSegmentLoads() {
        let rig = FamRig()
        for c in SegmentFamilyTests.cases {
            rig.reset()
            rig.load(c.code)
            c.setup(rig)
            let limitsBefore = (0..<6).map { rig.cpu.segments[$0].limit }
            let selectorsBefore = (0..<6).map { rig.cpu.segments[$0].selector }
            let vector = rig.run(1)
            XCTAssertEqual(vector, c.fault, "\(c.name): fault")
            if c.fault != nil {
                XCTAssertEqual((0..<6).filter { $0 != SegmentIndex.cs }.map { rig.cpu.segments[$0].selector },
                               (0..<6).filter { $0 != SegmentIndex.cs }.map { selectorsBefore[$0] }, "\(c.name): segments unchanged")
                continue
            }
            XCTAssertEqual(rig.cpu.eip, UInt32(c.code.count), "\(c.name): IP")
            if let (s, sel) = c.segment {
                XCTAssertEqual(rig.cpu.segments[s].selector, sel, "\(c.name): selector")
                XCTAssertEqual(rig.cpu.segments[s].base, UInt64(sel) << 4, "\(c.name): base")
                XCTAssertEqual(rig.cpu.segments[s].limit, limitsBefore[s], "\(c.name): limit kept")
            }
            for (r, v) in c.regs { XCTAssertEqual(rig.reg(r), v, "\(c.name): register \(r)") }
        }
        // MOV to memory from Sreg writes 16 bits even with 66.
        rig.reset()
        rig.load([0x66, 0x8C, 0x07])   // mov [bx],es
        rig.set([Reg.ebx: 0x100])
        rig.poke32(SegmentIndex.ds, 0x100, 0xFFFF_FFFF)
        XCTAssertNil(rig.run(1), "mov [bx],es (66)")
        XCTAssertEqual(rig.peek32(SegmentIndex.ds, 0x100), 0xFFFF_0000 | UInt32(FamRig.es), "mov [bx],es (66): only a word written")
        // A load in real mode keeps a big cached limit ("unreal mode").
        rig.reset()
        rig.cpu.segments[SegmentIndex.fs].limit = 0xFFFF_FFFF
        rig.load([0x8E, 0xE0, 0x67, 0x64, 0x8A, 0x03])   // mov fs,ax ; mov al,fs:[ebx]
        rig.set([Reg.eax: 0, Reg.ebx: 0x0002_0000])
        rig.bus.load([0x5D], at: 0x20000)
        XCTAssertNil(rig.run(2), "unreal fs")
        XCTAssertEqual(rig.cpu.segments[SegmentIndex.fs].limit, 0xFFFF_FFFF, "mov fs,ax keeps the cached 4 GiB limit")
        XCTAssertEqual(rig.reg(Reg.eax) & 0xFF, 0x5D, "fs:[ebx] beyond 64 KiB with the big limit")
    }

    /// MOV SS and POP SS hold off a pending interrupt for one instruction; MOV DS does not.
    func testInterruptShadow() {
        let rig = FamRig()
        // (name, code, shadow, IP after the instruction that follows)
        for (name, code, shadow, nextIP) in [("mov ss,ax", [UInt8(0x8E), 0xD0, 0x90, 0x90], true, UInt32(3)),
                                             ("pop ss", [UInt8(0x17), 0x90, 0x90, 0x90], true, UInt32(2)),
                                             ("mov ds,ax", [UInt8(0x8E), 0xD8, 0x90, 0x90], false, UInt32(3))] {
            rig.reset()
            rig.load(code)
            rig.set([Reg.eax: UInt32(FamRig.ss)])
            rig.poke16(SegmentIndex.ss, 0x1000, FamRig.ss)
            rig.cpu.eflags = 0x2 | FamFlags.intf
            // First instruction with no request pending.
            XCTAssertNil(rig.run(1), name)
            rig.cpu.interruptRequested = true
            defer { rig.cpu.interruptRequested = false }
            _ = rig.cpu.run(budget: 1)
            if shadow {
                XCTAssertFalse(rig.inHandler, "\(name): the next instruction runs before the interrupt")
                XCTAssertEqual(rig.cpu.eip, nextIP, "\(name): one NOP executed")
                _ = rig.cpu.run(budget: 1)
            }
            // TestBus acknowledges vector 8; the interrupt is taken now.
            XCTAssertTrue(rig.inHandler, "\(name): interrupt taken")
            XCTAssertEqual(rig.cpu.eip, 8 + 1, "\(name): vector 8 handler ran its HLT")
        }
    }
}
