// System instructions legal in real mode (SDM Vol. 2 and Vol. 3 §2.5, §2.8):
// CPUID leaves 0 and 1, RDTSC (which counts retired instructions, System.swift),
// MOV CRn, LGDT/SGDT/LIDT/SIDT with 16- and 32-bit operand size, SMSW/LMSW, HLT,
// and IN/OUT through TestBus.

import XCTest
import X86

final class SystemFamilyTests: XCTestCase {
    func testCPUID() {
        let h = RealModeHarness()
        let leaf1: UInt32 = 1 << 0 | 1 << 1 | 1 << 2 | 1 << 3 | 1 << 4 | 1 << 5 | 1 << 6 | 1 << 8 | 1 << 11 | 1 << 12 | 1 << 13
            | 1 << 15 | 1 << 16 | 1 << 17 | 1 << 19 | 1 << 23 | 1 << 24 | 1 << 25 | 1 << 26
        // (name, EAX in, EAX, EBX, ECX, EDX)
        let cases: [(String, UInt32, UInt32, UInt32, UInt32, UInt32)] = [
            ("cpuid 0: max leaf 1, GenuineIntel", 0, 1, 0x756E_6547, 0x6C65_746E, 0x4965_6E69),
            ("cpuid 1: family 6 model 15 stepping 11; 64-byte CLFLUSH lines; FPU VME DE PSE TSC MSR PAE CX8 SEP MTRR PGE CMOV PAT PSE-36 CLFSH MMX FXSR SSE SSE2; SSE3 SSSE3 CX16",
             1, 0x0000_06FB, 0x800, 1 << 0 | 1 << 9 | 1 << 13, leaf1),
            ("cpuid 5 (above the maximum): the highest basic leaf", 5, 0x0000_06FB, 0x800, 1 << 0 | 1 << 9 | 1 << 13, leaf1),
            ("cpuid 80000000h: extended leaves up to 80000008h", 0x8000_0000, 0x8000_0008, 0, 0, 0),
            ("cpuid 80000001h: LAHF/SAHF; SYSCALL, NX, 1-GByte pages, RDTSCP, LM", 0x8000_0001, 0, 0, 1, 1 << 11 | 1 << 20 | 1 << 26 | 1 << 27 | 1 << 29),
            ("cpuid 80000008h: 36 physical, 48 linear address bits", 0x8000_0008, 0x3024, 0, 0, 0),
            ("cpuid 80000009h (above the maximum): the highest basic leaf", 0x8000_0009, 0x0000_06FB, 0x800, 1 << 0 | 1 << 9 | 1 << 13, leaf1),
        ]
        for (name, leaf, a, b, c, d) in cases {
            let out = h.famStep([0x0F, 0xA2], regs: [Reg.eax: leaf, Reg.ebx: 0xFFFF_FFFF, Reg.ecx: 0xFFFF_FFFF, Reg.edx: 0xFFFF_FFFF])
            XCTAssertNil(out.fault, name)
            XCTAssertEqual([out.reg(Reg.eax), out.reg(Reg.ebx), out.reg(Reg.ecx), out.reg(Reg.edx)], [a, b, c, d], name)
        }
        // The vendor string reads "GenuineIntel" in EBX, EDX, ECX order.
        let v = h.famStep([0x0F, 0xA2], regs: [Reg.eax: 0])
        let bytes = [v.reg(Reg.ebx), v.reg(Reg.edx), v.reg(Reg.ecx)].flatMap { r in (0..<4).map { UInt8(truncatingIfNeeded: r >> (8 * UInt32($0))) } }
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "GenuineIntel", "cpuid 0 vendor")
    }

    func testTimeStampCounter() {
        let rig = FamRig()
        // rdtsc ; mov esi,eax ; mov edi,edx ; rdtsc
        rig.load([0x0F, 0x31, 0x66, 0x89, 0xC6, 0x66, 0x89, 0xD7, 0x0F, 0x31])
        XCTAssertNil(rig.run(4), "rdtsc twice")
        let first = UInt64(rig.reg(Reg.edi)) << 32 | UInt64(rig.reg(Reg.esi))
        let second = UInt64(rig.reg(Reg.edx)) << 32 | UInt64(rig.reg(Reg.eax))
        XCTAssertGreaterThan(second, first, "rdtsc is monotonic")
        XCTAssertEqual(second - first, 3, "rdtsc counts the three instructions retired in between")
        // WRMSR to IA32_TIME_STAMP_COUNTER (10h) sets it; the high half carries.
        rig.reset()
        rig.load([0x0F, 0x30, 0x0F, 0x31])
        rig.set([Reg.ecx: 0x10, Reg.eax: 0xFFFF_FFFF, Reg.edx: 0x0000_0001])
        XCTAssertNil(rig.run(2), "wrmsr 10h ; rdtsc")
        XCTAssertEqual(rig.reg(Reg.edx), 2, "rdtsc after wrmsr: high half")
        XCTAssertEqual(rig.reg(Reg.eax), 0, "rdtsc after wrmsr: low half (one instruction later)")
        // An unimplemented MSR is #GP; APIC_BASE reads the default base, BSP, disabled.
        rig.reset()
        rig.load([0x0F, 0x32])
        rig.set([Reg.ecx: 0x1234])
        XCTAssertEqual(rig.run(1), 13, "rdmsr 1234h: #GP")
        rig.reset()
        rig.load([0x0F, 0x32])
        rig.set([Reg.ecx: 0x1B])
        XCTAssertNil(rig.run(1), "rdmsr 1Bh")
        XCTAssertEqual(rig.reg(Reg.eax), 0xFEE0_0100, "APIC_BASE: default base, BSP, APIC disabled")
    }

    /// IA32_PAT (277H) and IA32_TSC_AUX (C0000103H): read-back, the power-up PAT,
    /// #GP(0) for reserved memory types and reserved TSC_AUX bits; RDTSCP returns
    /// the counter in EDX:EAX and TSC_AUX in ECX.
    func testPATAndTimeStampAuxiliary() {
        let rig = FamRig()
        // (name, code, ECX, EDX, EAX, expected fault, expected EDX:EAX after)
        let cases: [(String, [UInt8], UInt32, UInt32, UInt32, UInt8?, UInt64?)] = [
            ("rdmsr PAT at power-up", [0x0F, 0x32], 0x277, 0, 0, nil, 0x0007_0406_0007_0406),
            ("wrmsr PAT ; rdmsr", [0x0F, 0x30, 0x0F, 0x32], 0x277, 0x0001_0506, 0x0700_0401, nil, 0x0001_0506_0700_0401),
            ("wrmsr PAT type 2: #GP", [0x0F, 0x30], 0x277, 0, 0x0000_0200, 13, nil),
            ("wrmsr PAT type 3: #GP", [0x0F, 0x30], 0x277, 0x0300_0000, 0, 13, nil),
            ("wrmsr PAT type 8: #GP", [0x0F, 0x30], 0x277, 0, 0x0000_0008, 13, nil),
            ("wrmsr TSC_AUX ; rdmsr", [0x0F, 0x30, 0x0F, 0x32], 0xC000_0103, 0, 0x1234_5678, nil, 0x1234_5678),
            ("wrmsr TSC_AUX high bits: #GP", [0x0F, 0x30], 0xC000_0103, 1, 0, 13, nil),
        ]
        for (name, code, ecx, edx, eax, fault, after) in cases {
            rig.reset()
            rig.load(code)
            rig.set([Reg.ecx: ecx, Reg.edx: edx, Reg.eax: eax])
            XCTAssertEqual(rig.run(code.count / 2), fault, name)
            if let after {
                XCTAssertEqual(UInt64(rig.reg(Reg.edx)) << 32 | UInt64(rig.reg(Reg.eax)), after, name)
            }
        }
        // wrmsr TSC_AUX ; rdtscp ; rdtsc: ECX = TSC_AUX, the counters one instruction apart.
        rig.reset()
        rig.load([0x0F, 0x30, 0x0F, 0x01, 0xF9, 0x66, 0x89, 0xC6, 0x0F, 0x31])
        rig.set([Reg.ecx: 0xC000_0103, Reg.edx: 0, Reg.eax: 7])
        XCTAssertNil(rig.run(4), "wrmsr ; rdtscp ; mov esi,eax ; rdtsc")
        XCTAssertEqual(rig.reg(Reg.ecx), 7, "RDTSCP: ECX = TSC_AUX")
        XCTAssertEqual(rig.reg(Reg.eax) &- rig.reg(Reg.esi), 2, "RDTSCP reads the counter as RDTSC does")
    }

    func testControlRegisters() {
        let h = RealModeHarness()
        // mov cr0,eax ; then mov ebx,cr0 in a second step through the rig.
        let rig = FamRig()
        // (name, value written, value read back or nil for #GP)
        let cr0Cases: [(String, UInt32, UInt32?)] = [
            ("cr0 reset value", 0x6000_0010, 0x6000_0010),
            ("cr0 MP TS", 0x0000_000A, 0x0000_001A),
            ("cr0 ET is always 1", 0, 0x10),
            ("cr0 NE WP AM", 0x0005_0020, 0x0005_0030),
            ("cr0 reserved bits ignored", 0x1FFA_FFC0, 0x0000_0010),
            ("cr0 NW without CD is #GP", 0x2000_0010, nil),
            ("cr0 PG without PE is #GP", 0x8000_0010, nil),
        ]
        for (name, v, expect) in cr0Cases {
            rig.reset()
            rig.cpu.cr0 = 0x6000_0010
            rig.load([0x0F, 0x22, 0xC0, 0x0F, 0x20, 0xC3])   // mov cr0,eax ; mov ebx,cr0
            rig.set([Reg.eax: v, Reg.ebx: 0xDEAD_BEEF])
            let vector = rig.run(2)
            if let e = expect {
                XCTAssertNil(vector, name)
                XCTAssertEqual(rig.reg(Reg.ebx), e, "\(name): read back")
                XCTAssertEqual(rig.cpu.cr0, e, "\(name): CR0")
            } else {
                XCTAssertEqual(vector, 13, "\(name): #GP")
                XCTAssertEqual(rig.cpu.cr0, 0x6000_0010, "\(name): CR0 unchanged")
            }
        }
        // CR2, CR3 and CR4 round trips; CR4 reserved bits are #GP; CR1 is #UD.
        let others: [(String, [UInt8], UInt32, UInt8?)] = [
            ("cr2 round trip", [0x0F, 0x22, 0xD0, 0x0F, 0x20, 0xD3], 0x1234_5678, nil),
            ("cr3 round trip", [0x0F, 0x22, 0xD8, 0x0F, 0x20, 0xDB], 0x0010_0000, nil),
            ("cr4 TSD round trip", [0x0F, 0x22, 0xE0, 0x0F, 0x20, 0xE3], 0x0000_0004, nil),
            ("cr4 OSFXSR and OSXMMEXCPT round trip", [0x0F, 0x22, 0xE0, 0x0F, 0x20, 0xE3], 0x0000_0600, nil),
            ("cr4 reserved bit (UMIP, not implemented) is #GP", [0x0F, 0x22, 0xE0, 0x0F, 0x20, 0xE3], 0x0000_0800, 13),
            ("mov cr1,eax is #UD", [0x0F, 0x22, 0xC8, 0x90, 0x90, 0x90], 0, 6),
        ]
        for (name, code, v, fault) in others {
            rig.reset()
            rig.load(code)
            rig.set([Reg.eax: v])
            let vector = rig.run(2)
            XCTAssertEqual(vector, fault, name)
            if fault == nil { XCTAssertEqual(rig.reg(Reg.ebx), v, "\(name): read back") }
        }
        // SMSW and LMSW: LMSW loads PE MP EM TS only.
        let smsw = h.famStep([0x0F, 0x01, 0xE0], regs: [Reg.eax: 0xFFFF_FFFF])   // smsw ax
        XCTAssertEqual(smsw.reg(Reg.eax), 0xFFFF_0000 | (h.cpu.cr0 & 0xFFFF), "smsw ax")
        rig.reset()
        rig.cpu.cr0 = 0x6000_0010
        rig.load([0x0F, 0x01, 0xF0])   // lmsw ax
        rig.set([Reg.eax: 0xFFF6])     // MP EM set, TS and PE clear in the source
        XCTAssertNil(rig.run(1), "lmsw ax")
        XCTAssertEqual(rig.cpu.cr0, 0x6000_0016, "lmsw ax: only MP EM (TS PE clear)")
    }

    struct TableCase {
        var name: String
        var code: [UInt8]
        /// Bytes at DS:0100 for the loads.
        var source: [UInt8]
        var expectGDTR: DescriptorTableRegister?
        var expectIDTR: DescriptorTableRegister?
        /// Bytes expected at DS:0200 after the store.
        var stored: [UInt8]
    }

    // lgdt [bx] = 0F 01 17, lidt [bx] = 0F 01 1F, sgdt [di] = 0F 01 05, sidt [di] = 0F 01 0D.
    static let tables: [TableCase] = [
        TableCase(name: "lgdt 16-bit loads a 24-bit base", code: [0x0F, 0x01, 0x17, 0x0F, 0x01, 0x05],
                  source: [0x34, 0x12, 0xDD, 0xCC, 0xBB, 0xAA],
                  expectGDTR: DescriptorTableRegister(base: 0x00BB_CCDD, limit: 0x1234), expectIDTR: nil,
                  stored: [0x34, 0x12, 0xDD, 0xCC, 0xBB, 0x00]),
        TableCase(name: "lgdt/sgdt 32-bit (66): full base", code: [0x66, 0x0F, 0x01, 0x17, 0x66, 0x0F, 0x01, 0x05],
                  source: [0x34, 0x12, 0xDD, 0xCC, 0xBB, 0xAA],
                  expectGDTR: DescriptorTableRegister(base: 0xAABB_CCDD, limit: 0x1234), expectIDTR: nil,
                  stored: [0x34, 0x12, 0xDD, 0xCC, 0xBB, 0xAA]),
        TableCase(name: "lgdt 32-bit then sgdt 16-bit: the full base is stored (SDM SGDT)", code: [0x66, 0x0F, 0x01, 0x17, 0x0F, 0x01, 0x05],
                  source: [0xFF, 0xFF, 0x00, 0x00, 0x00, 0xFF],
                  expectGDTR: DescriptorTableRegister(base: 0xFF00_0000, limit: 0xFFFF), expectIDTR: nil,
                  stored: [0xFF, 0xFF, 0x00, 0x00, 0x00, 0xFF]),
        TableCase(name: "lidt/sidt 16-bit", code: [0x0F, 0x01, 0x1F, 0x0F, 0x01, 0x0D],
                  source: [0xFF, 0x01, 0x00, 0x00, 0x00, 0x77],
                  expectGDTR: nil, expectIDTR: DescriptorTableRegister(base: 0, limit: 0x1FF),
                  stored: [0xFF, 0x01, 0x00, 0x00, 0x00, 0x00]),
        TableCase(name: "lidt/sidt 32-bit (66)", code: [0x66, 0x0F, 0x01, 0x1F, 0x66, 0x0F, 0x01, 0x0D],
                  source: [0xFF, 0x02, 0x00, 0x00, 0x00, 0x00],
                  expectGDTR: nil, expectIDTR: DescriptorTableRegister(base: 0, limit: 0x2FF),
                  stored: [0xFF, 0x02, 0x00, 0x00, 0x00, 0x00]),
        TableCase(name: "lidt 32-bit with a high base", code: [0x66, 0x0F, 0x01, 0x1F, 0x66, 0x0F, 0x01, 0x0D],
                  source: [0x07, 0x00, 0x00, 0x10, 0x00, 0x80],
                  expectGDTR: nil, expectIDTR: DescriptorTableRegister(base: 0x8000_1000, limit: 0x0007),
                  stored: [0x07, 0x00, 0x00, 0x10, 0x00, 0x80]),
    ]

    /// LGDT/LIDT then SGDT/SIDT: the register contents and the stored image.
    func testDescriptorTableRegisters() {
        let rig = FamRig()
        for c in SystemFamilyTests.tables {
            rig.reset()
            rig.cpu.gdtr = DescriptorTableRegister(base: 0, limit: 0xFFFF)
            rig.load(c.code)
            rig.set([Reg.ebx: 0x100, Reg.edi: 0x200])
            rig.poke(SegmentIndex.ds, 0x100, c.source)
            rig.poke(SegmentIndex.ds, 0x200, [UInt8](repeating: 0xEE, count: 8))
            XCTAssertNil(rig.run(1), "\(c.name): load")
            if let g = c.expectGDTR { XCTAssertEqual(rig.cpu.gdtr, g, "\(c.name): GDTR") }
            if let i = c.expectIDTR { XCTAssertEqual(rig.cpu.idtr, i, "\(c.name): IDTR") }
            XCTAssertNil(rig.run(1), "\(c.name): store")
            XCTAssertEqual((0..<8).map { rig.peek8(SegmentIndex.ds, 0x200 + UInt32($0)) }, c.stored + [0xEE, 0xEE], "\(c.name): stored image")
        }
        // Register operands are #UD; a 6-byte operand crossing the limit is #GP.
        for (name, code, vector) in [("lgdt with a register operand", [UInt8(0x0F), 0x01, 0xD0], UInt8(6)),
                                     ("sidt with a register operand", [UInt8(0x0F), 0x01, 0xC8], 6),
                                     ("sgdt [FFFC] crosses the limit", [UInt8(0x0F), 0x01, 0x06, 0xFC, 0xFF], 13),
                                     ("lidt [FFFC] crosses the limit", [UInt8(0x0F), 0x01, 0x1E, 0xFC, 0xFF], 13),
                                     ("sgdt [FFFE] crosses the limit (no 16-bit wrap)", [UInt8(0x0F), 0x01, 0x06, 0xFE, 0xFF], 13),
                                     ("lidt [FFFE] crosses the limit (no 16-bit wrap)", [UInt8(0x0F), 0x01, 0x1E, 0xFE, 0xFF], 13)] {
            rig.reset()
            rig.load(code)
            XCTAssertEqual(rig.run(1), vector, name)
            XCTAssertEqual(rig.cpu.idtr, DescriptorTableRegister(base: 0, limit: 0x3FF), "\(name): IDTR unchanged")
        }
    }

    func testInputOutputAndHalt() {
        let rig = FamRig()
        rig.bus.ports[0x60] = 0x12
        rig.bus.ports[0x1F0] = 0xBEEF
        rig.bus.ports[0xCFC] = 0x8086_1237
        // (name, code, registers, register checked, expected)
        let inputs: [(String, [UInt8], [Int: UInt32], UInt32)] = [
            ("in al,60h", [0xE4, 0x60], [Reg.eax: 0xAAAA_AAAA], 0xAAAA_AA12),
            ("in ax,dx", [0xED], [Reg.eax: 0xAAAA_AAAA, Reg.edx: 0x1F0], 0xAAAA_BEEF),
            ("in eax,dx (66)", [0x66, 0xED], [Reg.edx: 0xCFC], 0x8086_1237),
            ("in al,dx from an unmapped port reads FF", [0xEC], [Reg.eax: 0, Reg.edx: 0x2F8], 0xFF),
            ("in ax,61h unmapped reads FFFF", [0xE5, 0x61], [Reg.eax: 0x1234_0000], 0x1234_FFFF),
        ]
        for (name, code, regs, expect) in inputs {
            rig.reset()
            rig.load(code)
            rig.set(regs)
            XCTAssertNil(rig.run(1), name)
            XCTAssertEqual(rig.reg(Reg.eax), expect, name)
        }
        // OUT ends the run (stopRequested) after recording the write.
        let outputs: [(String, [UInt8], [Int: UInt32], (UInt16, Int, UInt32))] = [
            ("out 80h,al", [0xE6, 0x80], [Reg.eax: 0x1234_5678], (0x80, 1, 0x78)),
            ("out dx,ax", [0xEF], [Reg.eax: 0x1234_5678, Reg.edx: 0x3F8], (0x3F8, 2, 0x5678)),
            ("out dx,eax (66)", [0x66, 0xEF], [Reg.eax: 0x1234_5678, Reg.edx: 0xCF8], (0xCF8, 4, 0x1234_5678)),
            ("out 0FFh,ax", [0xE7, 0xFF], [Reg.eax: 0xABCD], (0xFF, 2, 0xABCD)),
        ]
        for (name, code, regs, expect) in outputs {
            rig.reset()
            rig.bus.outputs.removeAll()
            rig.load(code + [0x90, 0x90])
            rig.set(regs)
            XCTAssertEqual(rig.cpu.run(budget: 3), .stopRequested, "\(name): the run stops after OUT")
            XCTAssertEqual(rig.cpu.eip, UInt32(code.count), "\(name): stopped right after the OUT")
            XCTAssertEqual(rig.bus.outputs.count, 1, name)
            if let o = rig.bus.outputs.first {
                XCTAssertEqual(o.port, expect.0, "\(name): port")
                XCTAssertEqual(o.size, expect.1, "\(name): size")
                XCTAssertEqual(o.value, expect.2, "\(name): value")
            }
        }
        // HLT stops the run with the CPU halted until an interrupt.
        rig.reset()
        rig.load([0xF4, 0x90])
        let reason = rig.cpu.run(budget: 5)
        XCTAssertTrue(reason == .halted || reason == .stopRequested, "hlt ends the run")
        XCTAssertTrue(rig.cpu.halted, "hlt: halted")
        XCTAssertEqual(rig.cpu.eip, 1, "hlt: IP after the HLT")
        XCTAssertEqual(rig.cpu.run(budget: 5), .halted, "hlt: stays halted")
        XCTAssertEqual(rig.cpu.eip, 1, "hlt: nothing executed while halted")
    }
}
