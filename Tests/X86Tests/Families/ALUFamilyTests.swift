// ADD/ADC/SUB/SBB/CMP/AND/OR/XOR/TEST, INC/DEC, NEG/NOT and the sign
// extensions CBW/CWDE/CWD/CDQ (SDM Vol. 2 instruction pages; flags per Vol. 1
// §3.4.3.1). AF after logic operations is undefined in the SDM; LazyFlags.swift
// documents that it is cleared.

import XCTest
import X86

final class ALUFamilyTests: XCTestCase {
    /// Operation name, opcode of the "op r/m, reg" byte form, whether it writes, kind.
    enum Kind { case add, adc, sub, sbb, logic }
    static let binaryOps: [(name: String, opcode: UInt8, writes: Bool, kind: Kind, f: (UInt32, UInt32) -> UInt32)] = [
        ("add", 0x00, true, .add, { $0 &+ $1 }),
        ("or", 0x08, true, .logic, { $0 | $1 }),
        ("adc", 0x10, true, .adc, { $0 &+ $1 }),
        ("sbb", 0x18, true, .sbb, { $0 &- $1 }),
        ("and", 0x20, true, .logic, { $0 & $1 }),
        ("sub", 0x28, true, .sub, { $0 &- $1 }),
        ("xor", 0x30, true, .logic, { $0 ^ $1 }),
        ("cmp", 0x38, false, .sub, { $0 &- $1 }),
        ("test", 0x84, false, .logic, { $0 & $1 }),
    ]

    /// "op al, cl" / "op ax, cx" / "op eax, ecx" (modrm C8: reg = CL/CX/ECX, r/m = AL/AX/EAX).
    static func code(_ opcode: UInt8, bits: Int) -> [UInt8] {
        switch bits {
        case 8: return [opcode, 0xC8]
        case 16: return [opcode + 1, 0xC8]
        default: return [0x66, opcode + 1, 0xC8]
        }
    }

    /// Upper register bits that a narrower operation must preserve.
    static let junk: UInt32 = 0x5AA5_C3C3

    struct Literal {
        var name: String
        var op: String
        var bits: Int
        var d: UInt32, s: UInt32
        var cf: Bool
        var result: UInt32
        var flags: String
    }

    /// Hand-computed anchors, checked against both the CPU and the reference model.
    static let literals: [Literal] = [
        Literal(name: "add8 0xFF+0x01", op: "add", bits: 8, d: 0xFF, s: 0x01, cf: false, result: 0x00, flags: "CPAZ"),
        Literal(name: "add8 0x7F+0x01", op: "add", bits: 8, d: 0x7F, s: 0x01, cf: false, result: 0x80, flags: "ASO"),
        Literal(name: "add16 0x7FFF+0x0001", op: "add", bits: 16, d: 0x7FFF, s: 0x0001, cf: false, result: 0x8000, flags: "PASO"),
        Literal(name: "add32 0xFFFFFFFF+0x00000001", op: "add", bits: 32, d: 0xFFFF_FFFF, s: 1, cf: false, result: 0, flags: "CPAZ"),
        Literal(name: "add32 0x80000000+0x80000000", op: "add", bits: 32, d: 0x8000_0000, s: 0x8000_0000, cf: false, result: 0, flags: "CPZO"),
        Literal(name: "adc8 0xFF+0x00 CF=1", op: "adc", bits: 8, d: 0xFF, s: 0x00, cf: true, result: 0x00, flags: "CPAZ"),
        Literal(name: "adc16 0xFFFF+0x0001 CF=1", op: "adc", bits: 16, d: 0xFFFF, s: 0x0001, cf: true, result: 0x0001, flags: "CA"),
        Literal(name: "adc32 0x7FFFFFFF+0 CF=1", op: "adc", bits: 32, d: 0x7FFF_FFFF, s: 0, cf: true, result: 0x8000_0000, flags: "PASO"),
        Literal(name: "sub8 0x00-0x01", op: "sub", bits: 8, d: 0x00, s: 0x01, cf: false, result: 0xFF, flags: "CPAS"),
        Literal(name: "sub8 0x80-0x01", op: "sub", bits: 8, d: 0x80, s: 0x01, cf: false, result: 0x7F, flags: "AO"),
        Literal(name: "sub16 0x8000-0x0001", op: "sub", bits: 16, d: 0x8000, s: 0x0001, cf: false, result: 0x7FFF, flags: "PAO"),
        Literal(name: "sbb8 0x00-0xFF CF=1", op: "sbb", bits: 8, d: 0x00, s: 0xFF, cf: true, result: 0x00, flags: "CPAZ"),
        Literal(name: "sbb32 0x80000000-0 CF=1", op: "sbb", bits: 32, d: 0x8000_0000, s: 0, cf: true, result: 0x7FFF_FFFF, flags: "PAO"),
        Literal(name: "cmp8 0x80-0x7F", op: "cmp", bits: 8, d: 0x80, s: 0x7F, cf: false, result: 0x80, flags: "AO"),
        Literal(name: "cmp32 0x7FFFFFFF-0xFFFFFFFF", op: "cmp", bits: 32, d: 0x7FFF_FFFF, s: 0xFFFF_FFFF, cf: false, result: 0x7FFF_FFFF, flags: "CPSO"),
        Literal(name: "and16 0xFFFF&0x8000", op: "and", bits: 16, d: 0xFFFF, s: 0x8000, cf: true, result: 0x8000, flags: "PS"),
        Literal(name: "or8 0x00|0x00", op: "or", bits: 8, d: 0, s: 0, cf: true, result: 0, flags: "PZ"),
        Literal(name: "xor32 0xFFFFFFFF^0xFFFFFFFF", op: "xor", bits: 32, d: 0xFFFF_FFFF, s: 0xFFFF_FFFF, cf: false, result: 0, flags: "PZ"),
        Literal(name: "test8 0x80&0xFF", op: "test", bits: 8, d: 0x80, s: 0xFF, cf: true, result: 0x80, flags: "S"),
    ]

    static func reference(kind: Kind, f: (UInt32, UInt32) -> UInt32, d: UInt32, s: UInt32, cf: Bool, bits: Int) -> (UInt32, UInt32) {
        let c: UInt32 = cf ? 1 : 0
        switch kind {
        case .add: return FamReference.arith(d, s, carry: 0, subtract: false, bits: bits)
        case .adc: return FamReference.arith(d, s, carry: c, subtract: false, bits: bits)
        case .sub: return FamReference.arith(d, s, carry: 0, subtract: true, bits: bits)
        case .sbb: return FamReference.arith(d, s, carry: c, subtract: true, bits: bits)
        case .logic:
            let r = f(d, s) & famMask(bits)
            return (r, FamReference.logic(r, bits: bits))
        }
    }

    /// Register forms of the eight ALU operations and TEST at 8, 16 and 32 bits,
    /// every pair of edge values, with CF in and out for ADC/SBB: result, upper
    /// register bits, all six status flags and the other EFLAGS bits.
    func testBinaryALURegisterForms() {
        let h = RealModeHarness()
        var cases = 0
        // The literal anchors first: they check the reference model too.
        for l in ALUFamilyTests.literals {
            let op = ALUFamilyTests.binaryOps.first { $0.name == l.op }!
            let (refR, refF) = ALUFamilyTests.reference(kind: op.kind, f: op.f, d: l.d, s: l.s, cf: l.cf, bits: l.bits)
            let expectedResult = op.writes ? l.result : l.d
            if op.writes { XCTAssertEqual(refR, l.result, "reference model disagrees with anchor \(l.name)") }
            XCTAssertEqual(refF, FamFlags.parse(l.flags), "reference model disagrees with anchor \(l.name)")
            let m = famMask(l.bits)
            let out = h.famStep(ALUFamilyTests.code(op.opcode, bits: l.bits),
                                regs: [Reg.eax: (ALUFamilyTests.junk & ~m) | l.d, Reg.ecx: (ALUFamilyTests.junk & ~m) | l.s],
                                eflags: 0x2 | (l.cf ? 1 : 0))
            XCTAssertNil(out.fault, l.name)
            XCTAssertEqual(out.reg(Reg.eax), (ALUFamilyTests.junk & ~m) | expectedResult, "\(l.name): result")
            XCTAssertEqual(FamFlags.describe(out.eflags & FamFlags.status), FamFlags.describe(FamFlags.parse(l.flags)), "\(l.name): flags")
            cases += 1
        }
        for bits in [8, 16, 32] {
            let m = famMask(bits), width = bits / 4
            for op in ALUFamilyTests.binaryOps {
                let carries: [Bool] = op.kind == .adc || op.kind == .sbb ? [false, true] : [false]
                for d in FamEdges.values(bits) {
                    for s in FamEdges.values(bits) {
                        for cf in carries {
                            let name = "\(op.name)\(bits) \(famHex(d, bits: width * 4)),\(famHex(s, bits: width * 4))"
                                + (carries.count > 1 ? " CF=\(cf ? 1 : 0)" : "")
                            // DF and IF set as bystanders: only status flags may change.
                            let before: UInt32 = 0x2 | FamFlags.df | FamFlags.intf | (cf ? FamFlags.cf : 0)
                            let eax = (ALUFamilyTests.junk & ~m) | d, ecx = (0xA5A5_A5A5 & ~m) | s
                            let out = h.famStep(ALUFamilyTests.code(op.opcode, bits: bits), regs: [Reg.eax: eax, Reg.ecx: ecx], eflags: before)
                            let (r, f) = ALUFamilyTests.reference(kind: op.kind, f: op.f, d: d, s: s, cf: cf, bits: bits)
                            XCTAssertNil(out.fault, name)
                            XCTAssertEqual(out.reg(Reg.eax), op.writes ? (eax & ~m) | r : eax, "\(name): result")
                            XCTAssertEqual(out.reg(Reg.ecx), ecx, "\(name): source changed")
                            XCTAssertEqual(FamFlags.describe(out.eflags & FamFlags.status), FamFlags.describe(f), "\(name): flags")
                            XCTAssertEqual(out.eflags & ~FamFlags.status, before & ~FamFlags.status, "\(name): non-status EFLAGS bits")
                            cases += 1
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(cases, 2000)
    }

    struct FormCase {
        var name: String
        var code: [UInt8]
        var regs: [Int: UInt32] = [:]
        var memory: [UInt8] = []          // at DS:0100
        var cf = false
        var expectRegs: [Int: UInt32] = [:]
        var expectMemory: [UInt8] = []     // at DS:0100
        var flags: String
    }

    /// Memory, immediate (group 1, sign-extended 83) and accumulator forms, the
    /// "reg, r/m" direction, byte registers AH..BH, and LOCK on a memory form.
    func testALUMemoryImmediateAndAccumulatorForms() {
        let cases: [FormCase] = [
            FormCase(name: "add [bx],cl 0xFF+0x01", code: [0x00, 0x0F], regs: [Reg.ebx: 0x100, Reg.ecx: 0x01], memory: [0xFF], expectMemory: [0x00], flags: "CPAZ"),
            FormCase(name: "add [bx],cx 0x7FFF+1", code: [0x01, 0x0F], regs: [Reg.ebx: 0x100, Reg.ecx: 1], memory: [0xFF, 0x7F], expectMemory: [0x00, 0x80], flags: "PASO"),
            FormCase(name: "add [bx],ecx 0xFFFFFFFF+1", code: [0x66, 0x01, 0x0F], regs: [Reg.ebx: 0x100, Reg.ecx: 1], memory: [0xFF, 0xFF, 0xFF, 0xFF], expectMemory: [0, 0, 0, 0], flags: "CPAZ"),
            FormCase(name: "sub cl,[bx] 0x00-0x01", code: [0x2A, 0x0F], regs: [Reg.ebx: 0x100, Reg.ecx: 0x1200], memory: [0x01], expectRegs: [Reg.ecx: 0x12FF], flags: "CPAS"),
            FormCase(name: "sbb cx,[bx] 0-0 CF=1", code: [0x1B, 0x0F], regs: [Reg.ebx: 0x100, Reg.ecx: 0xABCD_0000], memory: [0, 0], cf: true, expectRegs: [Reg.ecx: 0xABCD_FFFF], flags: "CPAS"),
            FormCase(name: "cmp [bx],cx does not write", code: [0x39, 0x0F], regs: [Reg.ebx: 0x100, Reg.ecx: 0x8000], memory: [0x00, 0x80], expectMemory: [0x00, 0x80], flags: "PZ"),
            FormCase(name: "add byte [bx],0x80 (80 /0)", code: [0x80, 0x07, 0x80], regs: [Reg.ebx: 0x100], memory: [0x80], expectMemory: [0x00], flags: "CPZO"),
            FormCase(name: "or byte [bx],0x0F (80 /1)", code: [0x80, 0x0F, 0x0F], regs: [Reg.ebx: 0x100], memory: [0xF0], cf: true, expectMemory: [0xFF], flags: "PS"),
            FormCase(name: "adc byte [bx],0 CF=1 (80 /2)", code: [0x80, 0x17, 0x00], regs: [Reg.ebx: 0x100], memory: [0x7F], cf: true, expectMemory: [0x80], flags: "ASO"),
            FormCase(name: "sbb byte [bx],1 CF=1 (80 /3)", code: [0x80, 0x1F, 0x01], regs: [Reg.ebx: 0x100], memory: [0x01], cf: true, expectMemory: [0xFF], flags: "CPAS"),
            FormCase(name: "and byte [bx],0x00 (80 /4)", code: [0x80, 0x27, 0x00], regs: [Reg.ebx: 0x100], memory: [0xFF], cf: true, expectMemory: [0x00], flags: "PZ"),
            FormCase(name: "sub byte [bx],0x01 (80 /5)", code: [0x80, 0x2F, 0x01], regs: [Reg.ebx: 0x100], memory: [0x80], expectMemory: [0x7F], flags: "AO"),
            FormCase(name: "xor byte [bx],0xFF (80 /6)", code: [0x80, 0x37, 0xFF], regs: [Reg.ebx: 0x100], memory: [0x0F], expectMemory: [0xF0], flags: "PS"),
            FormCase(name: "cmp byte [bx],0x01 (80 /7)", code: [0x80, 0x3F, 0x01], regs: [Reg.ebx: 0x100], memory: [0x00], expectMemory: [0x00], flags: "CPAS"),
            FormCase(name: "add word [bx],0x8000 (81 /0)", code: [0x81, 0x07, 0x00, 0x80], regs: [Reg.ebx: 0x100], memory: [0x00, 0x80], expectMemory: [0, 0], flags: "CPZO"),
            FormCase(name: "add word [bx],-1 (83 sign-extends)", code: [0x83, 0x07, 0xFF], regs: [Reg.ebx: 0x100], memory: [0x01, 0x00], expectMemory: [0, 0], flags: "CPAZ"),
            FormCase(name: "cmp dword [bx],-1 (66 83 /7)", code: [0x66, 0x83, 0x3F, 0xFF], regs: [Reg.ebx: 0x100], memory: [0xFF, 0xFF, 0xFF, 0xFF], expectMemory: [0xFF, 0xFF, 0xFF, 0xFF], flags: "PZ"),
            FormCase(name: "sub dword [bx],0x80000000 (66 81 /5)", code: [0x66, 0x81, 0x2F, 0x00, 0x00, 0x00, 0x80], regs: [Reg.ebx: 0x100], memory: [0, 0, 0, 0], expectMemory: [0, 0, 0, 0x80], flags: "CPSO"),
            FormCase(name: "add al,0x01 (04)", code: [0x04, 0x01], regs: [Reg.eax: 0x1234_56FF], expectRegs: [Reg.eax: 0x1234_5600], flags: "CPAZ"),
            FormCase(name: "sub ax,0x0001 (2D)", code: [0x2D, 0x01, 0x00], regs: [Reg.eax: 0x1234_8000], expectRegs: [Reg.eax: 0x1234_7FFF], flags: "PAO"),
            FormCase(name: "adc eax,0 CF=1 (66 15)", code: [0x66, 0x15, 0, 0, 0, 0], regs: [Reg.eax: 0xFFFF_FFFF], cf: true, expectRegs: [Reg.eax: 0], flags: "CPAZ"),
            FormCase(name: "test al,0x80 (A8)", code: [0xA8, 0x80], regs: [Reg.eax: 0x80], expectRegs: [Reg.eax: 0x80], flags: "S"),
            FormCase(name: "test eax,0x80000000 (66 A9)", code: [0x66, 0xA9, 0, 0, 0, 0x80], regs: [Reg.eax: 0x7FFF_FFFF], expectRegs: [Reg.eax: 0x7FFF_FFFF], flags: "PZ"),
            FormCase(name: "test [bx],cx (85)", code: [0x85, 0x0F], regs: [Reg.ebx: 0x100, Reg.ecx: 0x0100], memory: [0x00, 0x01], expectMemory: [0x00, 0x01], flags: "P"),
            FormCase(name: "test byte [bx],0x01 (F6 /0)", code: [0xF6, 0x07, 0x01], regs: [Reg.ebx: 0x100], memory: [0xFE], flags: "PZ"),
            FormCase(name: "add ah,ch 0x7F+0x01", code: [0x00, 0xEC], regs: [Reg.eax: 0x7F11, Reg.ecx: 0x0122], expectRegs: [Reg.eax: 0x8011, Reg.ecx: 0x0122], flags: "ASO"),
            FormCase(name: "sub bh,dl 0x00-0x01", code: [0x28, 0xD7], regs: [Reg.ebx: 0x0000, Reg.edx: 0x01], expectRegs: [Reg.ebx: 0xFF00], flags: "CPAS"),
            FormCase(name: "lock add [bx],cx", code: [0xF0, 0x01, 0x0F], regs: [Reg.ebx: 0x100, Reg.ecx: 2], memory: [0xFE, 0xFF], expectMemory: [0, 0], flags: "CPAZ"),
            FormCase(name: "add [bp+si+2],al uses SS", code: [0x00, 0x42, 0x02], regs: [Reg.ebp: 0xF0, Reg.esi: 0x0E, Reg.eax: 0x01], flags: "P"),
            FormCase(name: "add [ebx+ecx*4+0x10],al (67, SIB)", code: [0x67, 0x00, 0x44, 0x8B, 0x10], regs: [Reg.ebx: 0x20, Reg.ecx: 0x34, Reg.eax: 0x01], memory: [0x41], expectMemory: [0x42], flags: "P"),
        ]
        let rig = FamRig()
        for c in cases {
            rig.reset()
            rig.load(c.code)
            rig.set(c.regs)
            rig.poke(SegmentIndex.ds, 0x100, c.memory)
            if c.name.contains("uses SS") { rig.poke(SegmentIndex.ss, 0x100, [0x02]); rig.poke(SegmentIndex.ds, 0x100, [0x7F]) }
            rig.cpu.eflags = 0x2 | (c.cf ? FamFlags.cf : 0)
            XCTAssertNil(rig.run(1), c.name)
            XCTAssertEqual(rig.cpu.eip, UInt32(c.code.count), "\(c.name): IP")
            for (r, v) in c.expectRegs { XCTAssertEqual(rig.reg(r), v, "\(c.name): register \(r)") }
            for (k, b) in c.expectMemory.enumerated() { XCTAssertEqual(rig.peek8(SegmentIndex.ds, 0x100 + UInt32(k)), b, "\(c.name): memory byte \(k)") }
            if c.name.contains("uses SS") {
                XCTAssertEqual(rig.peek8(SegmentIndex.ss, 0x100), 0x03, "\(c.name): SS byte")
                XCTAssertEqual(rig.peek8(SegmentIndex.ds, 0x100), 0x7F, "\(c.name): DS byte untouched")
            }
            XCTAssertEqual(FamFlags.describe(rig.cpu.eflags & FamFlags.status), FamFlags.describe(FamFlags.parse(c.flags)), "\(c.name): flags")
        }
    }

    /// INC/DEC at every width and edge value, in every encoding (40+r, 48+r, FE/FF),
    /// with CF set and clear before: CF is preserved, the rest as ADD/SUB of 1.
    func testIncDec() {
        let h = RealModeHarness()
        // Anchors: (name, code, bits, value, result, flags without CF)
        let anchors: [(String, [UInt8], Int, UInt32, UInt32, String)] = [
            ("inc8 0xFF", [0xFE, 0xC0], 8, 0xFF, 0x00, "PAZ"),
            ("inc8 0x7F", [0xFE, 0xC0], 8, 0x7F, 0x80, "ASO"),
            ("dec8 0x80", [0xFE, 0xC8], 8, 0x80, 0x7F, "AO"),
            ("dec16 0x0000", [0x48], 16, 0x0000, 0xFFFF, "PAS"),
            ("inc32 0x7FFFFFFF", [0x66, 0x40], 32, 0x7FFF_FFFF, 0x8000_0000, "PASO"),
            ("dec32 0x80000000", [0x66, 0x48], 32, 0x8000_0000, 0x7FFF_FFFF, "PAO"),
            ("dec8 0x01", [0xFE, 0xC8], 8, 0x01, 0x00, "PZ"),
        ]
        for (name, code, bits, v, r, flags) in anchors {
            for cf in [false, true] {
                let m = famMask(bits)
                let out = h.famStep(code, regs: [Reg.eax: (ALUFamilyTests.junk & ~m) | v], eflags: 0x2 | (cf ? 1 : 0))
                XCTAssertEqual(out.reg(Reg.eax), (ALUFamilyTests.junk & ~m) | r, "\(name) CF=\(cf): result")
                XCTAssertEqual(FamFlags.describe(out.eflags & FamFlags.status), FamFlags.describe(FamFlags.parse(flags) | (cf ? FamFlags.cf : 0)), "\(name) CF=\(cf): flags")
            }
        }
        // Encodings: (name, code, bits, register, decrement)
        let forms: [(String, [UInt8], Int, Int, Bool)] = [
            ("inc al (FE /0)", [0xFE, 0xC0], 8, Reg.eax, false),
            ("dec al (FE /1)", [0xFE, 0xC8], 8, Reg.eax, true),
            ("inc ax (40)", [0x40], 16, Reg.eax, false),
            ("dec ax (48)", [0x48], 16, Reg.eax, true),
            ("inc di (47)", [0x47], 16, Reg.edi, false),
            ("dec si (4E)", [0x4E], 16, Reg.esi, true),
            ("inc ax (FF /0)", [0xFF, 0xC0], 16, Reg.eax, false),
            ("dec ax (FF /1)", [0xFF, 0xC8], 16, Reg.eax, true),
            ("inc eax (66 40)", [0x66, 0x40], 32, Reg.eax, false),
            ("dec ebx (66 4B)", [0x66, 0x4B], 32, Reg.ebx, true),
            ("inc ecx (66 FF /0)", [0x66, 0xFF, 0xC1], 32, Reg.ecx, false),
            ("dec edx (66 FF /1)", [0x66, 0xFF, 0xCA], 32, Reg.edx, true),
        ]
        var cases = anchors.count * 2
        for (name, code, bits, r, dec) in forms {
            let m = famMask(bits)
            for v in FamEdges.values(bits) {
                for cf in [false, true] {
                    let label = "\(name) \(famHex(v, bits: bits)) CF=\(cf ? 1 : 0)"
                    let start = (ALUFamilyTests.junk & ~m) | v
                    let out = h.famStep(code, regs: [r: start], eflags: 0x2 | (cf ? 1 : 0))
                    let (res, f) = FamReference.arith(v, 1, carry: 0, subtract: dec, bits: bits)
                    XCTAssertEqual(out.reg(r), (start & ~m) | res, "\(label): result")
                    let expected = (f & ~FamFlags.cf) | (cf ? FamFlags.cf : 0)
                    XCTAssertEqual(FamFlags.describe(out.eflags & FamFlags.status), FamFlags.describe(expected), "\(label): flags")
                    cases += 1
                }
            }
        }
        // Memory forms.
        let rig = FamRig()
        let memoryForms: [(String, [UInt8], [UInt8], [UInt8], String)] = [
            ("inc byte [bx] 0xFF", [0xFE, 0x07], [0xFF], [0x00], "CPAZ"),
            ("dec word [bx] 0x8000", [0xFF, 0x0F], [0x00, 0x80], [0xFF, 0x7F], "CPAO"),
            ("inc dword [bx] 0xFFFFFFFF", [0x66, 0xFF, 0x07], [0xFF, 0xFF, 0xFF, 0xFF], [0, 0, 0, 0], "CPAZ"),
        ]
        for (name, code, mem, expect, flags) in memoryForms {
            rig.reset()
            rig.load(code)
            rig.set([Reg.ebx: 0x100])
            rig.poke(SegmentIndex.ds, 0x100, mem)
            rig.cpu.eflags = 0x2 | FamFlags.cf
            XCTAssertNil(rig.run(1), name)
            for (k, b) in expect.enumerated() { XCTAssertEqual(rig.peek8(SegmentIndex.ds, 0x100 + UInt32(k)), b, "\(name): byte \(k)") }
            XCTAssertEqual(FamFlags.describe(rig.cpu.eflags & FamFlags.status), FamFlags.describe(FamFlags.parse(flags)), "\(name): flags (CF preserved)")
            cases += 1
        }
        XCTAssertGreaterThan(cases, 100)
    }

    /// NEG (CF = source != 0, the rest as 0 - source) and NOT (no flags) at every width.
    func testNegNot() {
        let h = RealModeHarness()
        let anchors: [(String, Int, UInt32, UInt32, String)] = [
            ("neg8 0x00", 8, 0x00, 0x00, "PZ"),
            ("neg8 0x01", 8, 0x01, 0xFF, "CPAS"),
            ("neg8 0x80", 8, 0x80, 0x80, "CSO"),
            ("neg16 0x8000", 16, 0x8000, 0x8000, "CPSO"),
            ("neg32 0x80000000", 32, 0x8000_0000, 0x8000_0000, "CPSO"),
            ("neg32 0x00000001", 32, 1, 0xFFFF_FFFF, "CPAS"),
        ]
        var cases = 0
        let negCode: [Int: [UInt8]] = [8: [0xF6, 0xD8], 16: [0xF7, 0xD8], 32: [0x66, 0xF7, 0xD8]]
        let notCode: [Int: [UInt8]] = [8: [0xF6, 0xD0], 16: [0xF7, 0xD0], 32: [0x66, 0xF7, 0xD0]]
        for (name, bits, v, r, flags) in anchors {
            let m = famMask(bits)
            let out = h.famStep(negCode[bits]!, regs: [Reg.eax: (ALUFamilyTests.junk & ~m) | v])
            XCTAssertEqual(out.reg(Reg.eax), (ALUFamilyTests.junk & ~m) | r, "\(name): result")
            XCTAssertEqual(FamFlags.describe(out.eflags & FamFlags.status), FamFlags.describe(FamFlags.parse(flags)), "\(name): flags")
            cases += 1
        }
        for bits in [8, 16, 32] {
            let m = famMask(bits)
            for v in FamEdges.values(bits) {
                let start = (ALUFamilyTests.junk & ~m) | v
                // NEG: reference is 0 - v.
                let neg = h.famStep(negCode[bits]!, regs: [Reg.eax: start], eflags: 0x2 | FamFlags.status)
                let (r, f) = FamReference.arith(0, v, carry: 0, subtract: true, bits: bits)
                XCTAssertEqual(neg.reg(Reg.eax), (start & ~m) | r, "neg\(bits) \(famHex(v, bits: bits)): result")
                XCTAssertEqual(FamFlags.describe(neg.eflags & FamFlags.status), FamFlags.describe(f), "neg\(bits) \(famHex(v, bits: bits)): flags")
                // NOT: flags untouched, both all-set and all-clear.
                for flags: UInt32 in [0x2, 0x2 | FamFlags.status] {
                    let not = h.famStep(notCode[bits]!, regs: [Reg.eax: start], eflags: flags)
                    XCTAssertEqual(not.reg(Reg.eax), (start & ~m) | (~v & m), "not\(bits) \(famHex(v, bits: bits)): result")
                    XCTAssertEqual(not.eflags, flags, "not\(bits) \(famHex(v, bits: bits)) flags=\(famHex(flags, bits: 16)): flags changed")
                }
                cases += 3
            }
        }
        // Memory forms.
        let rig = FamRig()
        for (name, code, mem, expect, flags) in [
            ("neg word [bx] 0x0001", [UInt8(0xF7), 0x1F], [UInt8(0x01), 0x00], [UInt8(0xFF), 0xFF], "CPAS"),
            ("not byte [bx] 0x5A", [UInt8(0xF6), 0x17], [UInt8(0x5A)], [UInt8(0xA5)], "O"),
        ] as [(String, [UInt8], [UInt8], [UInt8], String)] {
            rig.reset()
            rig.load(code)
            rig.set([Reg.ebx: 0x100])
            rig.poke(SegmentIndex.ds, 0x100, mem)
            rig.cpu.eflags = 0x2 | FamFlags.of
            XCTAssertNil(rig.run(1), name)
            for (k, b) in expect.enumerated() { XCTAssertEqual(rig.peek8(SegmentIndex.ds, 0x100 + UInt32(k)), b, "\(name): byte \(k)") }
            XCTAssertEqual(FamFlags.describe(rig.cpu.eflags & FamFlags.status), FamFlags.describe(FamFlags.parse(flags)), "\(name): flags")
            cases += 1
        }
        XCTAssertGreaterThan(cases, 50)
    }

    /// CBW, CWDE (66 98), CWD, CDQ (66 99): sign extension; no flags change.
    func testSignExtendAccumulator() {
        let h = RealModeHarness()
        let cases: [(String, [UInt8], UInt32, UInt32, UInt32, UInt32)] = [
            // name, code, eax, edx, expected eax, expected edx
            ("cbw 0x80", [0x98], 0x1234_5680, 0x1111_1111, 0x1234_FF80, 0x1111_1111),
            ("cbw 0x7F", [0x98], 0x1234_FF7F, 0x1111_1111, 0x1234_007F, 0x1111_1111),
            ("cbw 0x00", [0x98], 0xFFFF_FF00, 0, 0xFFFF_0000, 0),
            ("cwde 0x8000", [0x66, 0x98], 0x1234_8000, 0, 0xFFFF_8000, 0),
            ("cwde 0x7FFF", [0x66, 0x98], 0xFFFF_7FFF, 0, 0x0000_7FFF, 0),
            ("cwd 0x8000", [0x99], 0x0000_8000, 0xABCD_0000, 0x0000_8000, 0xABCD_FFFF),
            ("cwd 0x7FFF", [0x99], 0x0000_7FFF, 0xABCD_1234, 0x0000_7FFF, 0xABCD_0000),
            ("cdq 0x80000000", [0x66, 0x99], 0x8000_0000, 0, 0x8000_0000, 0xFFFF_FFFF),
            ("cdq 0x7FFFFFFF", [0x66, 0x99], 0x7FFF_FFFF, 0xFFFF_FFFF, 0x7FFF_FFFF, 0),
        ]
        for (name, code, eax, edx, ea, ed) in cases {
            for flags: UInt32 in [0x2, 0x2 | FamFlags.status] {
                let out = h.famStep(code, regs: [Reg.eax: eax, Reg.edx: edx], eflags: flags)
                XCTAssertEqual(out.reg(Reg.eax), ea, "\(name): EAX")
                XCTAssertEqual(out.reg(Reg.edx), ed, "\(name): EDX")
                XCTAssertEqual(out.eflags, flags, "\(name): flags")
            }
        }
    }
}
