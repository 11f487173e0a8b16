// BT/BTS/BTR/BTC, BSF/BSR, BSWAP, MOVZX/MOVSX, XCHG/XADD/CMPXCHG (SDM Vol. 2).
// Undefined flags, per BitOperations.swift: BT* change only CF; BSF/BSR only ZF;
// a zero BSF/BSR source leaves the destination unchanged; BSWAP of a 16-bit
// register clears it.

import XCTest
import X86

final class BitOperationFamilyTests: XCTestCase {
    struct BitCase {
        var name: String
        var code: [UInt8]
        var regs: [Int: UInt32]
        /// Words at DS:BX + offset before and after (offsets are signed).
        var memory: [(Int32, UInt32, Int)] = []   // (offset from BX, value, size)
        var cf: Bool
        var expectRegs: [Int: UInt32] = [:]
        var expectMemory: [(Int32, UInt32, Int)] = []
    }

    static let bx: UInt32 = 0x0200

    static let bitCases: [BitCase] = [
        // Register forms: the offset is taken modulo the operand width.
        BitCase(name: "bt ax,cx offset 3", code: [0x0F, 0xA3, 0xC8], regs: [Reg.eax: 0x0008, Reg.ecx: 3], cf: true, expectRegs: [Reg.eax: 0x0008]),
        BitCase(name: "bt ax,cx offset 19 (mod 16 = 3)", code: [0x0F, 0xA3, 0xC8], regs: [Reg.eax: 0x0008, Reg.ecx: 19], cf: true),
        BitCase(name: "bt ax,cx offset -1 (bit 15)", code: [0x0F, 0xA3, 0xC8], regs: [Reg.eax: 0x7FFF, Reg.ecx: 0xFFFF], cf: false),
        BitCase(name: "bts eax,ecx offset 63 (bit 31)", code: [0x66, 0x0F, 0xAB, 0xC8], regs: [Reg.eax: 0, Reg.ecx: 63], cf: false, expectRegs: [Reg.eax: 0x8000_0000]),
        BitCase(name: "btr ax,cx offset 15", code: [0x0F, 0xB3, 0xC8], regs: [Reg.eax: 0xABCD_FFFF, Reg.ecx: 15], cf: true, expectRegs: [Reg.eax: 0xABCD_7FFF]),
        BitCase(name: "btc ax,cx offset 0 set", code: [0x0F, 0xBB, 0xC8], regs: [Reg.eax: 1, Reg.ecx: 0], cf: true, expectRegs: [Reg.eax: 0]),
        BitCase(name: "btc eax,ecx offset 32 (bit 0) clear", code: [0x66, 0x0F, 0xBB, 0xC8], regs: [Reg.eax: 0, Reg.ecx: 32], cf: false, expectRegs: [Reg.eax: 1]),
        BitCase(name: "bts ax,cx already set", code: [0x0F, 0xAB, 0xC8], regs: [Reg.eax: 0x0100, Reg.ecx: 8], cf: true, expectRegs: [Reg.eax: 0x0100]),
        BitCase(name: "btr ax,cx already clear", code: [0x0F, 0xB3, 0xC8], regs: [Reg.eax: 0xFEFF, Reg.ecx: 8], cf: false, expectRegs: [Reg.eax: 0xFEFF]),
        // Immediate forms (0F BA /4-/7): offset modulo the width.
        BitCase(name: "bt ax,0x21 (mod 16 = 1)", code: [0x0F, 0xBA, 0xE0, 0x21], regs: [Reg.eax: 2], cf: true),
        BitCase(name: "bts eax,31", code: [0x66, 0x0F, 0xBA, 0xE8, 0x1F], regs: [Reg.eax: 1], cf: false, expectRegs: [Reg.eax: 0x8000_0001]),
        BitCase(name: "btr eax,0x40 (mod 32 = 0)", code: [0x66, 0x0F, 0xBA, 0xF0, 0x40], regs: [Reg.eax: 0xFFFF_FFFF], cf: true, expectRegs: [Reg.eax: 0xFFFF_FFFE]),
        BitCase(name: "btc ax,0xFF (mod 16 = 15)", code: [0x0F, 0xBA, 0xF8, 0xFF], regs: [Reg.eax: 0], cf: false, expectRegs: [Reg.eax: 0x8000]),
        // Memory forms with a register offset: signed, and reaching neighbouring words.
        BitCase(name: "bt [bx],cx offset 19 -> word at bx+2 bit 3", code: [0x0F, 0xA3, 0x0F],
                regs: [Reg.ecx: 19], memory: [(0, 0x0000, 2), (2, 0x0008, 2)], cf: true),
        BitCase(name: "bts [bx],cx offset -1 -> word at bx-2 bit 15", code: [0x0F, 0xAB, 0x0F],
                regs: [Reg.ecx: 0xFFFF], memory: [(-2, 0x0000, 2), (0, 0x0000, 2)], cf: false,
                expectMemory: [(-2, 0x8000, 2), (0, 0x0000, 2)]),
        BitCase(name: "btr [bx],cx offset -16 -> word at bx-2 bit 0", code: [0x0F, 0xB3, 0x0F],
                regs: [Reg.ecx: 0xFFF0], memory: [(-2, 0xFFFF, 2), (0, 0xFFFF, 2)], cf: true,
                expectMemory: [(-2, 0xFFFE, 2), (0, 0xFFFF, 2)]),
        BitCase(name: "btc [bx],cx offset 0x7FFF -> word at bx+0xFFE bit 15", code: [0x0F, 0xBB, 0x0F],
                regs: [Reg.ecx: 0x7FFF], memory: [(0xFFE, 0x8000, 2)], cf: true,
                expectMemory: [(0xFFE, 0x0000, 2)]),
        BitCase(name: "btc dword [bx],ecx offset -1 -> dword at bx-4 bit 31", code: [0x66, 0x0F, 0xBB, 0x0F],
                regs: [Reg.ecx: 0xFFFF_FFFF], memory: [(-4, 0x0000_0001, 4), (0, 0, 4)], cf: false,
                expectMemory: [(-4, 0x8000_0001, 4), (0, 0, 4)]),
        BitCase(name: "bt dword [bx],ecx offset 0x100 -> dword at bx+32 bit 0", code: [0x66, 0x0F, 0xA3, 0x0F],
                regs: [Reg.ecx: 0x100], memory: [(0, 0, 4), (32, 1, 4)], cf: true),
        BitCase(name: "bts dword [bx],ecx offset -33 -> dword at bx-8 bit 31", code: [0x66, 0x0F, 0xAB, 0x0F],
                regs: [Reg.ecx: 0xFFFF_FFDF], memory: [(-8, 0, 4), (-4, 0, 4)], cf: false,
                expectMemory: [(-8, 0x8000_0000, 4), (-4, 0, 4)]),
        // Memory forms with an immediate offset stay within the operand.
        BitCase(name: "bt word [bx],19 (imm: bit 3 of [bx])", code: [0x0F, 0xBA, 0x27, 0x13],
                regs: [:], memory: [(0, 0x0008, 2), (2, 0x0000, 2)], cf: true),
        BitCase(name: "bts dword [bx],35 (imm: bit 3 of [bx])", code: [0x66, 0x0F, 0xBA, 0x2F, 0x23],
                regs: [:], memory: [(0, 0, 4), (4, 0, 4)], cf: false,
                expectMemory: [(0, 0x8, 4), (4, 0, 4)]),
        BitCase(name: "lock btr word [bx],cx", code: [0xF0, 0x0F, 0xB3, 0x0F],
                regs: [Reg.ecx: 17], memory: [(2, 0x0002, 2)], cf: true, expectMemory: [(2, 0, 2)]),
    ]

    /// Every BT form: CF, the written operand, the neighbours, and the other status
    /// flags unchanged (set and clear beforehand).
    func testBitTests() {
        let rig = FamRig()
        for c in BitOperationFamilyTests.bitCases {
            for others: UInt32 in [0, FamFlags.status & ~FamFlags.cf] {
                let label = "\(c.name) others=\(FamFlags.describe(others))"
                rig.reset()
                rig.load(c.code)
                rig.set([Reg.ebx: BitOperationFamilyTests.bx])
                rig.set(c.regs)
                for (off, v, size) in c.memory {
                    let a = UInt32(bitPattern: Int32(BitOperationFamilyTests.bx) + off)
                    if size == 2 { rig.poke16(SegmentIndex.ds, a, UInt16(v)) } else { rig.poke32(SegmentIndex.ds, a, v) }
                }
                // The opposite CF beforehand, so the result is seen.
                rig.cpu.eflags = 0x2 | others | (c.cf ? 0 : FamFlags.cf)
                XCTAssertNil(rig.run(1), label)
                XCTAssertEqual(rig.cpu.eflags & FamFlags.cf != 0, c.cf, "\(label): CF")
                XCTAssertEqual(rig.cpu.eflags & FamFlags.status & ~FamFlags.cf, others, "\(label): other flags changed")
                for (r, v) in c.expectRegs { XCTAssertEqual(rig.reg(r), v, "\(label): register \(r)") }
                for (off, v, size) in c.expectMemory.isEmpty ? c.memory : c.expectMemory {
                    let a = UInt32(bitPattern: Int32(BitOperationFamilyTests.bx) + off)
                    let got = size == 2 ? UInt32(rig.peek16(SegmentIndex.ds, a)) : rig.peek32(SegmentIndex.ds, a)
                    XCTAssertEqual(got, v, "\(label): memory at bx\(off >= 0 ? "+" : "")\(off)")
                }
            }
        }
        // 16-bit addressing wraps: [bx] with BX = 0 and offset -1 is DS:FFFE.
        rig.reset()
        rig.load([0x0F, 0xAB, 0x0F])
        rig.set([Reg.ebx: 0, Reg.ecx: 0xFFFF])
        XCTAssertNil(rig.run(1), "bts [bx=0],cx=-1")
        XCTAssertEqual(rig.peek16(SegmentIndex.ds, 0xFFFE), 0x8000, "bts [bx=0],cx=-1 wraps to DS:FFFE")
        // BT with LOCK is #UD (not a read-modify-write); BT reg with LOCK too.
        for (name, code) in [("lock bt [bx],cx", [UInt8(0xF0), 0x0F, 0xA3, 0x0F]), ("lock bts ax,cx", [UInt8(0xF0), 0x0F, 0xAB, 0xC8]),
                             ("lock bt word [bx],1", [UInt8(0xF0), 0x0F, 0xBA, 0x27, 0x01])] {
            rig.reset()
            rig.load(code)
            rig.set([Reg.ebx: 0x200])
            XCTAssertEqual(rig.run(1), 6, "\(name): #UD")
        }
    }

    /// BSF/BSR: index, ZF; zero source sets ZF and leaves the destination alone.
    func testBitScans() {
        let h = RealModeHarness()
        // (name, code, ecx, eax before, eax after, ZF)
        let cases: [(String, [UInt8], UInt32, UInt32, UInt32, Bool)] = [
            ("bsf ax,cx 0x0008", [0x0F, 0xBC, 0xC1], 0x0008, 0xFFFF_FFFF, 0xFFFF_0003, false),
            ("bsf ax,cx 0x8000", [0x0F, 0xBC, 0xC1], 0x8000, 0, 15, false),
            ("bsf ax,cx 0xFFFF", [0x0F, 0xBC, 0xC1], 0xFFFF, 0, 0, false),
            ("bsf ax,cx 0 (upper ECX set)", [0x0F, 0xBC, 0xC1], 0xFFFF_0000, 0x1234_5678, 0x1234_5678, true),
            ("bsr ax,cx 0x0008", [0x0F, 0xBD, 0xC1], 0x0008, 0, 3, false),
            ("bsr ax,cx 0x8001", [0x0F, 0xBD, 0xC1], 0x8001, 0, 15, false),
            ("bsr ax,cx 0x0001", [0x0F, 0xBD, 0xC1], 0x0001, 0xAAAA_AAAA, 0xAAAA_0000, false),
            ("bsr ax,cx 0", [0x0F, 0xBD, 0xC1], 0, 0x1234_5678, 0x1234_5678, true),
            ("bsf eax,ecx 0x80000000", [0x66, 0x0F, 0xBC, 0xC1], 0x8000_0000, 0, 31, false),
            ("bsf eax,ecx 0x00010000", [0x66, 0x0F, 0xBC, 0xC1], 0x0001_0000, 0, 16, false),
            ("bsr eax,ecx 0xFFFFFFFF", [0x66, 0x0F, 0xBD, 0xC1], 0xFFFF_FFFF, 0, 31, false),
            ("bsr eax,ecx 0x00010000", [0x66, 0x0F, 0xBD, 0xC1], 0x0001_0000, 0, 16, false),
            ("bsf eax,ecx 0", [0x66, 0x0F, 0xBC, 0xC1], 0, 0xDEAD_BEEF, 0xDEAD_BEEF, true),
            ("bsr eax,ecx 0", [0x66, 0x0F, 0xBD, 0xC1], 0, 0xDEAD_BEEF, 0xDEAD_BEEF, true),
        ]
        for (name, code, ecx, eax, expect, zf) in cases {
            for others: UInt32 in [0, FamFlags.status & ~FamFlags.zf] {
                let label = "\(name) others=\(FamFlags.describe(others))"
                let out = h.famStep(code, regs: [Reg.eax: eax, Reg.ecx: ecx], eflags: 0x2 | others | (zf ? 0 : FamFlags.zf))
                XCTAssertEqual(out.reg(Reg.eax), expect, "\(label): destination")
                XCTAssertEqual(out.eflags & FamFlags.zf != 0, zf, "\(label): ZF")
                XCTAssertEqual(out.eflags & FamFlags.status & ~FamFlags.zf, others, "\(label): other flags changed")
            }
        }
        // Memory source.
        let rig = FamRig()
        rig.load([0x0F, 0xBD, 0x07])   // bsr ax,[bx]
        rig.set([Reg.ebx: 0x100, Reg.eax: 0x7777])
        rig.poke16(SegmentIndex.ds, 0x100, 0x0410)
        XCTAssertNil(rig.run(1), "bsr ax,[bx]")
        XCTAssertEqual(rig.reg(Reg.eax), 10, "bsr ax,[bx] 0x0410")
    }

    /// BSWAP, MOVZX/MOVSX: values, upper bits, flags unchanged.
    func testByteSwapAndExtensions() {
        let h = RealModeHarness()
        // (name, code, eax, ecx, register checked, expected)
        let cases: [(String, [UInt8], UInt32, UInt32, Int, UInt32)] = [
            ("bswap eax", [0x66, 0x0F, 0xC8], 0x1234_5678, 0, Reg.eax, 0x7856_3412),
            ("bswap ecx", [0x66, 0x0F, 0xC9], 0, 0x8000_00FF, Reg.ecx, 0xFF00_0080),
            ("bswap ax (16-bit: cleared, doc rule)", [0x0F, 0xC8], 0x1234_5678, 0, Reg.eax, 0x1234_0000),
            ("movzx ax,cl 0x80", [0x0F, 0xB6, 0xC1], 0xFFFF_FFFF, 0x80, Reg.eax, 0xFFFF_0080),
            ("movzx ax,ch 0xFE", [0x0F, 0xB6, 0xC5], 0, 0xFE00, Reg.eax, 0x00FE),
            ("movzx ax,cx (16 to 16)", [0x0F, 0xB7, 0xC1], 0xAAAA_0000, 0x1234_8001, Reg.eax, 0xAAAA_8001),
            ("movzx eax,cl 0xFF", [0x66, 0x0F, 0xB6, 0xC1], 0xFFFF_FFFF, 0xFF, Reg.eax, 0x0000_00FF),
            ("movzx eax,cx 0x8000", [0x66, 0x0F, 0xB7, 0xC1], 0xFFFF_FFFF, 0xFFFF_8000, Reg.eax, 0x0000_8000),
            ("movsx ax,cl 0x80", [0x0F, 0xBE, 0xC1], 0x1234_0000, 0x80, Reg.eax, 0x1234_FF80),
            ("movsx ax,cl 0x7F", [0x0F, 0xBE, 0xC1], 0x1234_FFFF, 0x7F, Reg.eax, 0x1234_007F),
            ("movsx ax,ch 0xFE", [0x0F, 0xBE, 0xC5], 0, 0xFE00, Reg.eax, 0xFFFE),
            ("movsx eax,cl 0x80", [0x66, 0x0F, 0xBE, 0xC1], 0, 0x80, Reg.eax, 0xFFFF_FF80),
            ("movsx eax,cx 0x8000", [0x66, 0x0F, 0xBF, 0xC1], 0, 0x8000, Reg.eax, 0xFFFF_8000),
            ("movsx eax,cx 0x7FFF", [0x66, 0x0F, 0xBF, 0xC1], 0xFFFF_FFFF, 0xFFFF_7FFF, Reg.eax, 0x0000_7FFF),
        ]
        for (name, code, eax, ecx, r, expect) in cases {
            for flags: UInt32 in [0x2, 0x2 | FamFlags.status] {
                let out = h.famStep(code, regs: [Reg.eax: eax, Reg.ecx: ecx], eflags: flags)
                XCTAssertNil(out.fault, name)
                XCTAssertEqual(out.reg(r), expect, name)
                XCTAssertEqual(out.eflags, flags, "\(name): flags changed")
            }
        }
        let rig = FamRig()
        rig.load([0x66, 0x0F, 0xBE, 0x07, 0x0F, 0xB7, 0x4F, 0x02])   // movsx eax,byte [bx]; movzx cx,word [bx+2]
        rig.set([Reg.ebx: 0x100, Reg.ecx: 0xFFFF_FFFF])
        rig.poke(SegmentIndex.ds, 0x100, [0x9C, 0x00, 0x34, 0x92])
        XCTAssertNil(rig.run(2), "movsx/movzx memory")
        XCTAssertEqual(rig.reg(Reg.eax), 0xFFFF_FF9C, "movsx eax,byte [bx]")
        XCTAssertEqual(rig.reg(Reg.ecx), 0xFFFF_9234, "movzx cx,word [bx+2]")
    }

    struct ExchangeCase {
        var name: String
        var code: [UInt8]
        var regs: [Int: UInt32]
        var memory: UInt32? = nil            // dword at DS:0100 (BX = 0100)
        var expectRegs: [Int: UInt32]
        var expectMemory: UInt32? = nil
        var flags: String? = nil             // nil: unchanged
    }

    static let exchanges: [ExchangeCase] = [
        ExchangeCase(name: "xchg al,cl", code: [0x86, 0xC8], regs: [Reg.eax: 0x1111_2233, Reg.ecx: 0x4444_5566], expectRegs: [Reg.eax: 0x1111_2266, Reg.ecx: 0x4444_5533]),
        ExchangeCase(name: "xchg ah,cl", code: [0x86, 0xE1], regs: [Reg.eax: 0x2233, Reg.ecx: 0x5566], expectRegs: [Reg.eax: 0x6633, Reg.ecx: 0x5522]),
        ExchangeCase(name: "xchg ax,cx", code: [0x87, 0xC8], regs: [Reg.eax: 0x1111_2233, Reg.ecx: 0x4444_5566], expectRegs: [Reg.eax: 0x1111_5566, Reg.ecx: 0x4444_2233]),
        ExchangeCase(name: "xchg eax,ecx", code: [0x66, 0x87, 0xC8], regs: [Reg.eax: 0x1111_2233, Reg.ecx: 0x4444_5566], expectRegs: [Reg.eax: 0x4444_5566, Reg.ecx: 0x1111_2233]),
        ExchangeCase(name: "xchg cx,ax (91)", code: [0x91], regs: [Reg.eax: 0x1111_2233, Reg.ecx: 0x4444_5566], expectRegs: [Reg.eax: 0x1111_5566, Reg.ecx: 0x4444_2233]),
        ExchangeCase(name: "xchg edi,eax (66 97)", code: [0x66, 0x97], regs: [Reg.eax: 1, Reg.edi: 2], expectRegs: [Reg.eax: 2, Reg.edi: 1]),
        ExchangeCase(name: "xchg [bx],ax", code: [0x87, 0x07], regs: [Reg.eax: 0xAAAA_1234], memory: 0x5555_6789, expectRegs: [Reg.eax: 0xAAAA_6789], expectMemory: 0x5555_1234),
        ExchangeCase(name: "xadd al,cl 0xFF+0x01", code: [0x0F, 0xC0, 0xC8], regs: [Reg.eax: 0xFF, Reg.ecx: 0x01], expectRegs: [Reg.eax: 0x00, Reg.ecx: 0xFF], flags: "CPAZ"),
        ExchangeCase(name: "xadd ax,cx 0x7FFF+1", code: [0x0F, 0xC1, 0xC8], regs: [Reg.eax: 0x7FFF, Reg.ecx: 0x0001], expectRegs: [Reg.eax: 0x8000, Reg.ecx: 0x7FFF], flags: "PASO"),
        ExchangeCase(name: "xadd eax,ecx", code: [0x66, 0x0F, 0xC1, 0xC8], regs: [Reg.eax: 0x8000_0000, Reg.ecx: 0x8000_0000], expectRegs: [Reg.eax: 0, Reg.ecx: 0x8000_0000], flags: "CPZO"),
        ExchangeCase(name: "xadd ax,ax (same register: the sum is written last)", code: [0x0F, 0xC1, 0xC0], regs: [Reg.eax: 0x0003], expectRegs: [Reg.eax: 0x0006], flags: "P"),
        ExchangeCase(name: "xadd [bx],cx", code: [0x0F, 0xC1, 0x0F], regs: [Reg.ecx: 0x0010], memory: 0x0000_FFF0, expectRegs: [Reg.ecx: 0xFFF0], expectMemory: 0, flags: "CPZ"),
        ExchangeCase(name: "lock xadd dword [bx],ecx", code: [0xF0, 0x66, 0x0F, 0xC1, 0x0F], regs: [Reg.ecx: 1], memory: 0x7FFF_FFFF, expectRegs: [Reg.ecx: 0x7FFF_FFFF], expectMemory: 0x8000_0000, flags: "PASO"),
        // cmpxchg dl,cl / dx,cx / edx,ecx (modrm CA: reg = CL/CX/ECX, r/m = DL/DX/EDX).
        ExchangeCase(name: "cmpxchg8 equal", code: [0x0F, 0xB0, 0xCA], regs: [Reg.eax: 0x44, Reg.edx: 0x44, Reg.ecx: 0x99], expectRegs: [Reg.eax: 0x44, Reg.edx: 0x99, Reg.ecx: 0x99], flags: "PZ"),
        ExchangeCase(name: "cmpxchg8 not equal", code: [0x0F, 0xB0, 0xCA], regs: [Reg.eax: 0x10, Reg.edx: 0x20, Reg.ecx: 0x99], expectRegs: [Reg.eax: 0x20, Reg.edx: 0x20, Reg.ecx: 0x99], flags: "CPS"),
        ExchangeCase(name: "cmpxchg16 equal", code: [0x0F, 0xB1, 0xCA], regs: [Reg.eax: 0xAAAA_8000, Reg.edx: 0xBBBB_8000, Reg.ecx: 0x1234], expectRegs: [Reg.eax: 0xAAAA_8000, Reg.edx: 0xBBBB_1234], flags: "PZ"),
        ExchangeCase(name: "cmpxchg16 not equal", code: [0x0F, 0xB1, 0xCA], regs: [Reg.eax: 0xAAAA_0001, Reg.edx: 0xBBBB_8000, Reg.ecx: 0x1234], expectRegs: [Reg.eax: 0xAAAA_8000, Reg.edx: 0xBBBB_8000], flags: "CSO"),
        ExchangeCase(name: "cmpxchg32 equal", code: [0x66, 0x0F, 0xB1, 0xCA], regs: [Reg.eax: 0xFFFF_FFFF, Reg.edx: 0xFFFF_FFFF, Reg.ecx: 7], expectRegs: [Reg.eax: 0xFFFF_FFFF, Reg.edx: 7], flags: "PZ"),
        ExchangeCase(name: "cmpxchg32 not equal", code: [0x66, 0x0F, 0xB1, 0xCA], regs: [Reg.eax: 0x8000_0000, Reg.edx: 0x7FFF_FFFF, Reg.ecx: 7], expectRegs: [Reg.eax: 0x7FFF_FFFF, Reg.edx: 0x7FFF_FFFF], flags: "AO"),
        ExchangeCase(name: "cmpxchg [bx],cx equal", code: [0x0F, 0xB1, 0x0F], regs: [Reg.eax: 0x5678, Reg.ecx: 0x9ABC], memory: 0x1234_5678, expectRegs: [Reg.eax: 0x5678], expectMemory: 0x1234_9ABC, flags: "PZ"),
        ExchangeCase(name: "cmpxchg [bx],cx not equal", code: [0x0F, 0xB1, 0x0F], regs: [Reg.eax: 0x5679, Reg.ecx: 0x9ABC], memory: 0x1234_5678, expectRegs: [Reg.eax: 0x5678], expectMemory: 0x1234_5678, flags: ""),
        ExchangeCase(name: "lock cmpxchg dword [bx],ecx equal", code: [0xF0, 0x66, 0x0F, 0xB1, 0x0F], regs: [Reg.eax: 0, Reg.ecx: 0xFFFF_FFFF], memory: 0, expectRegs: [Reg.eax: 0], expectMemory: 0xFFFF_FFFF, flags: "PZ"),
    ]

    /// XCHG (all encodings), XADD and CMPXCHG (equal and not equal), register and memory.
    func testExchanges() {
        let rig = FamRig()
        for c in BitOperationFamilyTests.exchanges {
            rig.reset()
            rig.load(c.code)
            rig.set([Reg.ebx: 0x100])
            rig.set(c.regs)
            if let m = c.memory { rig.poke32(SegmentIndex.ds, 0x100, m) }
            let before: UInt32 = 0x2 | FamFlags.af | FamFlags.sf
            rig.cpu.eflags = before
            XCTAssertNil(rig.run(1), c.name)
            for (r, v) in c.expectRegs { XCTAssertEqual(rig.reg(r), v, "\(c.name): register \(r)") }
            if let m = c.expectMemory { XCTAssertEqual(rig.peek32(SegmentIndex.ds, 0x100), m, "\(c.name): memory") }
            if let f = c.flags {
                XCTAssertEqual(FamFlags.describe(rig.cpu.eflags & FamFlags.status), FamFlags.describe(FamFlags.parse(f)), "\(c.name): flags")
            } else {
                XCTAssertEqual(rig.cpu.eflags, before, "\(c.name): flags changed")
            }
        }
    }
}
