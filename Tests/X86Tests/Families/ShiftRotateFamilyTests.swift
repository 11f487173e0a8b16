// ROL/ROR/RCL/RCR/SHL/SHR/SAL/SAR and SHLD/SHRD (SDM Vol. 2). The reference
// below follows the SDM's bit-at-a-time pseudocode. Where the SDM leaves a flag
// undefined, it follows the rule documented in Shifts.swift: for counts above 1,
// OF is MSB(result) XOR CF for SHL/ROL/RCL, the XOR of the result's top two bits
// for SHR/ROR/RCR, and 0 for SAR; AF is cleared by shifts with a nonzero count
// and unchanged by rotates; a masked count of 0 changes nothing.

import XCTest
import X86

final class ShiftRotateFamilyTests: XCTestCase {
    static let names = ["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"]

    /// The SDM pseudocode, one bit per iteration. Returns the result and EFLAGS.
    static func reference(op: Int, value: UInt32, count: UInt32, bits: Int, flags: UInt32) -> (UInt32, UInt32) {
        let m = famMask(bits), msb = UInt32(1) << UInt32(bits - 1)
        let masked = count & 0x1F
        if masked == 0 { return (value, flags) }
        var dest = value & m
        var cf = flags & FamFlags.cf != 0
        let originalMSB = dest & msb != 0
        switch op {
        case 0, 1: // ROL, ROR: tempCOUNT = masked MOD SIZE
            var t = masked % UInt32(bits)
            while t != 0 {
                if op == 0 {
                    let top = dest & msb != 0
                    dest = ((dest << 1) & m) | (top ? 1 : 0)
                } else {
                    let low = dest & 1 != 0
                    dest = (dest >> 1) | (low ? msb : 0)
                }
                t -= 1
            }
            cf = op == 0 ? dest & 1 != 0 : dest & msb != 0
            let of = op == 0 ? (dest & msb != 0) != cf : (dest & msb != 0) != (dest & (msb >> 1) != 0)
            var f = flags & ~(FamFlags.cf | FamFlags.of)
            if cf { f |= FamFlags.cf }
            if of { f |= FamFlags.of }
            return (dest, f)
        case 2, 3: // RCL, RCR: tempCOUNT = masked MOD (SIZE + 1) for 8/16 bits
            var t = bits == 32 ? masked : masked % UInt32(bits + 1)
            let cfBefore = cf
            while t != 0 {
                if op == 2 {
                    let top = dest & msb != 0
                    dest = ((dest << 1) & m) | (cf ? 1 : 0)
                    cf = top
                } else {
                    let low = dest & 1 != 0
                    dest = (dest >> 1) | (cf ? msb : 0)
                    cf = low
                }
                t -= 1
            }
            let of: Bool
            if op == 2 {
                of = (dest & msb != 0) != cf
            } else if masked == 1 {
                of = originalMSB != cfBefore   // SDM: computed before the rotation
            } else {
                of = (dest & msb != 0) != (dest & (msb >> 1) != 0)
            }
            var f = flags & ~(FamFlags.cf | FamFlags.of)
            if cf { f |= FamFlags.cf }
            if of { f |= FamFlags.of }
            return (dest, f)
        default: // SHL/SAL, SHR, SAR
            var t = masked
            while t != 0 {
                if op == 4 || op == 6 {
                    cf = dest & msb != 0
                    dest = (dest << 1) & m
                } else {
                    cf = dest & 1 != 0
                    let sign = dest & msb
                    dest = dest >> 1
                    if op == 7 { dest |= sign }
                }
                t -= 1
            }
            let of: Bool
            switch op {
            case 4, 6: of = (dest & msb != 0) != cf
            case 5: of = masked == 1 ? originalMSB : (dest & msb != 0) != (dest & (msb >> 1) != 0)
            default: of = false
            }
            var f = FamReference.szp(dest, bits: bits)
            if cf { f |= FamFlags.cf }
            if of { f |= FamFlags.of }
            return (dest, (flags & ~FamFlags.status) | f)
        }
    }

    /// Hand-computed anchors: (name, op, bits, value, count, CF in, result, status flags after).
    static let anchors: [(String, Int, Int, UInt32, UInt32, Bool, UInt32, String)] = [
        ("shl8 0x81 by 1", 4, 8, 0x81, 1, false, 0x02, "CO"),
        ("shr8 0x81 by 1", 5, 8, 0x81, 1, false, 0x40, "CO"),
        ("sar8 0x81 by 1", 7, 8, 0x81, 1, false, 0xC0, "CPS"),
        ("rol8 0x81 by 1", 0, 8, 0x81, 1, false, 0x03, "CO"),
        ("ror8 0x81 by 1", 1, 8, 0x81, 1, false, 0xC0, "C"),
        ("rcl8 0x81 by 1 CF=0", 2, 8, 0x81, 1, false, 0x02, "CO"),
        ("rcr8 0x81 by 1 CF=0", 3, 8, 0x81, 1, false, 0x40, "CO"),
        ("rcr8 0x01 by 1 CF=1", 3, 8, 0x01, 1, true, 0x80, "CO"),
        ("shl16 0x0001 by 16", 4, 16, 0x0001, 16, false, 0, "CPZO"),
        ("shl16 0x0001 by 17", 4, 16, 0x0001, 17, false, 0, "PZ"),
        ("shr32 0x80000000 by 31", 5, 32, 0x8000_0000, 31, false, 1, ""),
        ("sar32 0x80000000 by 31", 7, 32, 0x8000_0000, 31, false, 0xFFFF_FFFF, "PS"),
        ("sar8 0x80 by 9 (>= width)", 7, 8, 0x80, 9, false, 0xFF, "CPS"),
        ("shl8 0xFF by 32 (masked to 0)", 4, 8, 0xFF, 32, true, 0xFF, "C"),
        ("shl8 0xFF by 33 (masked to 1)", 4, 8, 0xFF, 33, false, 0xFE, "CS"),
        ("rcl16 0x8000 by 17 CF=1 (17 mod 17 = 0)", 2, 16, 0x8000, 17, true, 0x8000, "C"),
        ("rcl8 0x00 by 9 CF=1 (9 mod 9 = 0)", 2, 8, 0x00, 9, true, 0x00, "CO"),
        ("rcr32 0x00000001 by 1 CF=0", 3, 32, 1, 1, false, 0, "C"),
        ("rcl32 0x80000000 by 31 CF=1", 2, 32, 0x8000_0000, 31, true, 0x6000_0000, ""),
        ("rol32 0x80000001 by 31", 0, 32, 0x8000_0001, 31, false, 0xC000_0000, "O"),
        ("rol8 0x01 by 8 (8 mod 8 = 0, CF = LSB)", 0, 8, 0x01, 8, false, 0x01, "CO"),
        ("ror16 0x0001 by 16 (CF = MSB)", 1, 16, 0x0001, 16, true, 0x0001, ""),
    ]

    /// Group 2 by CL (D2/D3 /op on AL/AX/EAX), every operation, width, edge value and
    /// count (0, 1, n, >= width, 31, 32 and 33 masked), CF 0 and 1, with AF and other
    /// flags set beforehand so "unchanged" is visible. Then the D0/D1 (by 1) and
    /// C0/C1 (by imm8) encodings and a memory operand.
    func testShiftsAndRotates() {
        let h = RealModeHarness()
        var cases = 0
        for (name, op, bits, v, count, cf, r, flags) in ShiftRotateFamilyTests.anchors {
            let (rr, rf) = ShiftRotateFamilyTests.reference(op: op, value: v, count: count, bits: bits, flags: 0x2 | (cf ? 1 : 0))
            XCTAssertEqual(rr, r, "reference disagrees with anchor \(name)")
            XCTAssertEqual(FamFlags.describe(rf & FamFlags.status), FamFlags.describe(FamFlags.parse(flags)), "reference disagrees with anchor \(name)")
            let code: [UInt8] = bits == 8 ? [0xD2, 0xC0 | UInt8(op << 3)] : bits == 16 ? [0xD3, 0xC0 | UInt8(op << 3)] : [0x66, 0xD3, 0xC0 | UInt8(op << 3)]
            let out = h.famStep(code, regs: [Reg.eax: v, Reg.ecx: count], eflags: 0x2 | (cf ? 1 : 0))
            XCTAssertNil(out.fault, name)
            XCTAssertEqual(out.reg(Reg.eax), r, "\(name): result")
            XCTAssertEqual(FamFlags.describe(out.eflags & FamFlags.status), FamFlags.describe(FamFlags.parse(flags)), "\(name): flags")
            cases += 1
        }
        let values: [Int: [UInt32]] = [
            8: [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x81, 0x5A, 0xC3],
            16: [0x0000, 0x0001, 0x7FFF, 0x8000, 0xFFFF, 0x8001, 0x5AA5, 0x00FF],
            32: [0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x8000_0001, 0x5AA5_C33C, 0x0000_FFFF],
        ]
        for bits in [8, 16, 32] {
            let m = famMask(bits)
            let counts: [UInt32] = [0, 1, 2, UInt32(bits / 2), UInt32(bits - 1), UInt32(bits), UInt32(bits + 1), 31, 32, 33, 0xFF]
            for op in 0..<8 {
                let modrm = 0xC0 | UInt8(op << 3)
                let code: [UInt8] = bits == 8 ? [0xD2, modrm] : bits == 16 ? [0xD3, modrm] : [0x66, 0xD3, modrm]
                for v in values[bits]! {
                    for count in counts {
                        for cf in [false, true] {
                            let name = "\(ShiftRotateFamilyTests.names[op])\(bits) \(famHex(v, bits: bits)) by \(count) CF=\(cf ? 1 : 0)"
                            // Bystander flags: AF, ZF, PF set; OF and SF clear; DF set.
                            let before: UInt32 = 0x2 | FamFlags.af | FamFlags.zf | FamFlags.pf | FamFlags.df | (cf ? FamFlags.cf : 0)
                            let eax = (0xDEAD_BEEF & ~m) | v
                            // CH carries junk: only CL & 31 counts.
                            let ecx = 0x1234_AB00 | count
                            let out = h.famStep(code, regs: [Reg.eax: eax, Reg.ecx: ecx], eflags: before)
                            let (r, f) = ShiftRotateFamilyTests.reference(op: op, value: v, count: count, bits: bits, flags: before)
                            XCTAssertNil(out.fault, name)
                            XCTAssertEqual(out.reg(Reg.eax), (eax & ~m) | r, "\(name): result")
                            XCTAssertEqual(FamFlags.describe(out.eflags & FamFlags.status), FamFlags.describe(f & FamFlags.status), "\(name): flags")
                            XCTAssertEqual(out.eflags & ~FamFlags.status, before & ~FamFlags.status, "\(name): other EFLAGS bits")
                            XCTAssertEqual(out.reg(Reg.ecx), ecx, "\(name): ECX")
                            cases += 1
                        }
                    }
                }
            }
        }
        // D0/D1 (by 1) and C0/C1 (imm8) give what the CL form gives.
        let alternates: [(String, [UInt8], Int, Int, UInt32, UInt32)] = [
            // name, code, op, bits, value, count
            ("shl al,1 (D0 /4)", [0xD0, 0xE0], 4, 8, 0xC1, 1),
            ("sar ax,1 (D1 /7)", [0xD1, 0xF8], 7, 16, 0x8001, 1),
            ("rcr eax,1 (66 D1 /3)", [0x66, 0xD1, 0xD8], 3, 32, 0x0000_0003, 1),
            ("rol al,4 (C0 /0 4)", [0xC0, 0xC0, 0x04], 0, 8, 0x12, 4),
            ("shr ax,9 (C1 /5 9)", [0xC1, 0xE8, 0x09], 5, 16, 0xFF00, 9),
            ("shl eax,31 (66 C1 /4 31)", [0x66, 0xC1, 0xE0, 0x1F], 4, 32, 0x0000_0003, 31),
            ("sar eax,0x21 masked (66 C1 /7 33)", [0x66, 0xC1, 0xF8, 0x21], 7, 32, 0x8000_0000, 33),
            ("rcl al,0 (C0 /2 0) no change", [0xC0, 0xD0, 0x00], 2, 8, 0x80, 0),
            ("sal ax,3 (C1 /6 3)", [0xC1, 0xF0, 0x03], 6, 16, 0x1234, 3),
        ]
        for (name, code, op, bits, v, count) in alternates {
            for cf in [false, true] {
                let before: UInt32 = 0x2 | FamFlags.af | (cf ? FamFlags.cf : 0)
                let out = h.famStep(code, regs: [Reg.eax: v, Reg.ecx: 0x55], eflags: before)
                let (r, f) = ShiftRotateFamilyTests.reference(op: op, value: v, count: count, bits: bits, flags: before)
                XCTAssertEqual(out.reg(Reg.eax), r, "\(name) CF=\(cf): result")
                XCTAssertEqual(FamFlags.describe(out.eflags & FamFlags.status), FamFlags.describe(f & FamFlags.status), "\(name) CF=\(cf): flags")
                cases += 1
            }
        }
        // Byte register AH and a memory operand.
        let ah = h.famStep([0xD0, 0xE4], regs: [Reg.eax: 0x8001])   // shl ah,1
        XCTAssertEqual(ah.reg(Reg.eax), 0x0001, "shl ah,1: AH")
        XCTAssertEqual(ah.eflags & (FamFlags.cf | FamFlags.zf), FamFlags.cf | FamFlags.zf, "shl ah,1: CF ZF")
        let rig = FamRig()
        rig.load([0xD1, 0x27, 0xC1, 0x3F, 0x04])   // shl word [bx],1 ; sar word [bx],4
        rig.set([Reg.ebx: 0x100])
        rig.poke16(SegmentIndex.ds, 0x100, 0x4001)
        XCTAssertNil(rig.run(2), "shl/sar word [bx]")
        XCTAssertEqual(rig.peek16(SegmentIndex.ds, 0x100), 0xF800, "shl word [bx],1 then sar 4 of 0x4001")
        XCTAssertGreaterThan(cases, 3000)
    }

    struct DoubleCase {
        var name: String
        var code: [UInt8]
        var dest: UInt32, src: UInt32, cl: UInt32 = 0
        var result: UInt32
        /// nil: flags unchanged (count 0).
        var flags: String?
        var checkOF = true
    }

    // shld/shrd ax,bx (modrm D8: reg = BX/EBX, r/m = AX/EAX).
    static let doubles: [DoubleCase] = [
        DoubleCase(name: "shld16 0x1234,0x5678 by 4", code: [0x0F, 0xA4, 0xD8, 4], dest: 0x1234, src: 0x5678, result: 0x2345, flags: "C", checkOF: false),
        DoubleCase(name: "shld16 0x4000,0 by 1 (sign change)", code: [0x0F, 0xA4, 0xD8, 1], dest: 0x4000, src: 0, result: 0x8000, flags: "PSO"),
        DoubleCase(name: "shld16 0x8000,0x8000 by 1", code: [0x0F, 0xA4, 0xD8, 1], dest: 0x8000, src: 0x8000, result: 0x0001, flags: "CO"),
        DoubleCase(name: "shld16 0x1234,0x5678 by CL=16", code: [0x0F, 0xA5, 0xD8], dest: 0x1234, src: 0x5678, cl: 16, result: 0x5678, flags: "P", checkOF: false),
        DoubleCase(name: "shld16 0x1234,0x5678 by 20 (doc: dest:src:dest pattern)", code: [0x0F, 0xA4, 0xD8, 20], dest: 0x1234, src: 0x5678, result: 0x6781, flags: "CP", checkOF: false),
        DoubleCase(name: "shrd16 0x1234,0x5678 by 4", code: [0x0F, 0xAC, 0xD8, 4], dest: 0x1234, src: 0x5678, result: 0x8123, flags: "S", checkOF: false),
        DoubleCase(name: "shrd16 0x0001,0xFFFF by 1", code: [0x0F, 0xAC, 0xD8, 1], dest: 0x0001, src: 0xFFFF, result: 0x8000, flags: "CPSO"),
        DoubleCase(name: "shrd16 0x8000,0x0000 by CL=15", code: [0x0F, 0xAD, 0xD8], dest: 0x8000, src: 0, cl: 15, result: 0x0001, flags: "", checkOF: false),
        DoubleCase(name: "shld32 0x80000000,0xFFFFFFFF by 1", code: [0x66, 0x0F, 0xA4, 0xD8, 1], dest: 0x8000_0000, src: 0xFFFF_FFFF, result: 1, flags: "CO"),
        DoubleCase(name: "shld32 0x12345678,0x9ABCDEF0 by 8", code: [0x66, 0x0F, 0xA4, 0xD8, 8], dest: 0x1234_5678, src: 0x9ABC_DEF0, result: 0x3456_789A, flags: "P", checkOF: false),
        DoubleCase(name: "shld32 0x00000001,0 by CL=31", code: [0x66, 0x0F, 0xA5, 0xD8], dest: 1, src: 0, cl: 31, result: 0x8000_0000, flags: "PS", checkOF: false),
        DoubleCase(name: "shrd32 0x12345678,0x9ABCDEF0 by 8", code: [0x66, 0x0F, 0xAC, 0xD8, 8], dest: 0x1234_5678, src: 0x9ABC_DEF0, result: 0xF012_3456, flags: "PS", checkOF: false),
        DoubleCase(name: "shrd32 0x80000000,0x00000001 by CL=31", code: [0x66, 0x0F, 0xAD, 0xD8], dest: 0x8000_0000, src: 1, cl: 31, result: 3, flags: "P", checkOF: false),
        DoubleCase(name: "shrd32 0x00000001,0 by 1", code: [0x66, 0x0F, 0xAC, 0xD8, 1], dest: 1, src: 0, result: 0, flags: "CPZ"),
        DoubleCase(name: "shld16 by 0: nothing", code: [0x0F, 0xA4, 0xD8, 0], dest: 0x1234, src: 0xFFFF, result: 0x1234, flags: nil),
        DoubleCase(name: "shrd32 by CL=32 (masked 0): nothing", code: [0x66, 0x0F, 0xAD, 0xD8], dest: 0x1234, src: 0xFFFF, cl: 32, result: 0x1234, flags: nil),
        DoubleCase(name: "shld32 by CL=33 (masked 1)", code: [0x66, 0x0F, 0xA5, 0xD8], dest: 0x4000_0000, src: 0x8000_0000, cl: 33, result: 0x8000_0001, flags: "SO"),
    ]

    /// SHLD/SHRD by imm8 and CL at 16 and 32 bits: result, CF (last bit out),
    /// SF/ZF/PF, OF for 1-bit shifts (sign change), AF cleared; count 0 changes nothing.
    func testDoubleShifts() {
        let h = RealModeHarness()
        for c in ShiftRotateFamilyTests.doubles {
            let before: UInt32 = 0x2 | FamFlags.af | FamFlags.zf | FamFlags.of
            let wide = c.code.first == 0x66
            let eax = wide ? c.dest : 0xCAFE_0000 | c.dest
            let out = h.famStep(c.code, regs: [Reg.eax: eax, Reg.ebx: c.src, Reg.ecx: c.cl], eflags: before)
            XCTAssertNil(out.fault, c.name)
            XCTAssertEqual(out.reg(Reg.eax), wide ? c.result : 0xCAFE_0000 | c.result, "\(c.name): result")
            XCTAssertEqual(out.reg(Reg.ebx), c.src, "\(c.name): source changed")
            guard let flags = c.flags else {
                XCTAssertEqual(out.eflags, before, "\(c.name): flags changed")
                continue
            }
            let mask = c.checkOF ? FamFlags.status : FamFlags.status & ~FamFlags.of
            XCTAssertEqual(FamFlags.describe(out.eflags & mask), FamFlags.describe(FamFlags.parse(flags) & mask), "\(c.name): flags")
        }
        // Memory destination: shld [bx],ax,4 and shrd dword [bx],eax,cl.
        let rig = FamRig()
        rig.load([0x0F, 0xA4, 0x07, 0x04, 0x66, 0x0F, 0xAD, 0x07])
        rig.set([Reg.ebx: 0x100, Reg.eax: 0xABCD_F00F, Reg.ecx: 8])
        rig.poke32(SegmentIndex.ds, 0x100, 0x1111_2345)
        XCTAssertNil(rig.run(1), "shld [bx],ax,4")
        XCTAssertEqual(rig.peek32(SegmentIndex.ds, 0x100), 0x1111_345F, "shld [bx],ax,4")
        XCTAssertNil(rig.run(1), "shrd dword [bx],eax,cl")
        XCTAssertEqual(rig.peek32(SegmentIndex.ds, 0x100), 0x0F11_1134, "shrd dword [bx],eax,8")
    }
}
