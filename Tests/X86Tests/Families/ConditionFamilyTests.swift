// SETcc and CMOVcc for all 16 conditions (SDM Vol. 1 Appendix B, Table B-1)
// after many flag-producing operations. LazyFlags evaluates conditions after
// CMP/SUB straight from the operands (a fast path); every result here is checked
// against the condition computed from the materialised EFLAGS bits, and for
// CMP/SUB also against a direct signed/unsigned comparison of the operands.

import XCTest
import X86

final class ConditionFamilyTests: XCTestCase {
    /// The 16 "setcc byte [0x10+cc]" instructions (0F 90+cc /0, modrm 06 disp16).
    static let setAll: [UInt8] = (0..<16).flatMap { cc in [0x0F, 0x90 + UInt8(cc), 0x06, 0x10 + UInt8(cc), 0x00] }

    /// Expected truth of each condition from the operands of a comparison d - s.
    static func compare(_ cc: Int, _ d: UInt32, _ s: UInt32, bits: Int) -> Bool {
        let sd = FamReference.signed(d, bits: bits), ss = FamReference.signed(s, bits: bits)
        switch cc {
        case 2: return d < s
        case 3: return d >= s
        case 4: return d == s
        case 5: return d != s
        case 6: return d <= s
        case 7: return d > s
        case 12: return sd < ss
        case 13: return sd >= ss
        case 14: return sd <= ss
        case 15: return sd > ss
        default:
            let (_, f) = FamReference.arith(d, s, carry: 0, subtract: true, bits: bits)
            return FamFlags.condition(cc, f)
        }
    }

    /// Flag producers: name, code (operating on AL/AX/EAX with CL/CX/ECX), and
    /// the reference status flags from (d, s, CF in).
    struct Producer {
        var name: String
        var code: (Int) -> [UInt8]
        var isCompare: Bool
        var reference: (UInt32, UInt32, Bool, Int) -> UInt32
    }

    static func sized(_ op: UInt8, _ modrm: UInt8) -> (Int) -> [UInt8] {
        { bits in bits == 8 ? [op, modrm] : bits == 16 ? [op | 1, modrm] : [0x66, op | 1, modrm] }
    }

    static let producers: [Producer] = [
        Producer(name: "cmp", code: sized(0x38, 0xC8), isCompare: true) { d, s, _, b in FamReference.arith(d, s, carry: 0, subtract: true, bits: b).flags },
        Producer(name: "sub", code: sized(0x28, 0xC8), isCompare: true) { d, s, _, b in FamReference.arith(d, s, carry: 0, subtract: true, bits: b).flags },
        Producer(name: "add", code: sized(0x00, 0xC8), isCompare: false) { d, s, _, b in FamReference.arith(d, s, carry: 0, subtract: false, bits: b).flags },
        Producer(name: "adc CF=1", code: sized(0x10, 0xC8), isCompare: false) { d, s, c, b in FamReference.arith(d, s, carry: c ? 1 : 0, subtract: false, bits: b).flags },
        Producer(name: "sbb CF=1", code: sized(0x18, 0xC8), isCompare: false) { d, s, c, b in FamReference.arith(d, s, carry: c ? 1 : 0, subtract: true, bits: b).flags },
        Producer(name: "and", code: sized(0x20, 0xC8), isCompare: false) { d, s, _, b in FamReference.logic((d & s) & famMask(b), bits: b) },
        Producer(name: "test", code: sized(0x84, 0xC8), isCompare: false) { d, s, _, b in FamReference.logic((d & s) & famMask(b), bits: b) },
        Producer(name: "xor", code: sized(0x30, 0xC8), isCompare: false) { d, s, _, b in FamReference.logic((d ^ s) & famMask(b), bits: b) },
        Producer(name: "inc CF=1", code: { b in b == 8 ? [0xFE, 0xC0] : b == 16 ? [0x40] : [0x66, 0x40] }, isCompare: false) { d, _, c, b in
            (FamReference.arith(d, 1, carry: 0, subtract: false, bits: b).flags & ~FamFlags.cf) | (c ? FamFlags.cf : 0)
        },
        Producer(name: "dec CF=1", code: { b in b == 8 ? [0xFE, 0xC8] : b == 16 ? [0x48] : [0x66, 0x48] }, isCompare: false) { d, _, c, b in
            (FamReference.arith(d, 1, carry: 0, subtract: true, bits: b).flags & ~FamFlags.cf) | (c ? FamFlags.cf : 0)
        },
        Producer(name: "neg", code: { b in b == 8 ? [0xF6, 0xD8] : b == 16 ? [0xF7, 0xD8] : [0x66, 0xF7, 0xD8] }, isCompare: false) { d, _, _, b in
            FamReference.arith(0, d, carry: 0, subtract: true, bits: b).flags
        },
        Producer(name: "scas", code: { b in b == 8 ? [0xAE] : b == 16 ? [0xAF] : [0x66, 0xAF] }, isCompare: true) { d, s, _, b in
            FamReference.arith(d, s, carry: 0, subtract: true, bits: b).flags
        },
    ]

    static let pairs: [Int: [(UInt32, UInt32)]] = {
        var p: [Int: [(UInt32, UInt32)]] = [:]
        for bits in [8, 16, 32] {
            let m = famMask(bits), sign = UInt32(1) << UInt32(bits - 1)
            // Signed/unsigned edge pairs: around 0, around the sign boundary, equal values.
            let v: [UInt32] = [0, 1, sign - 1, sign, sign + 1, m - 1, m]
            p[bits] = v.flatMap { a in v.map { (a, $0) } }
        }
        return p
    }()

    /// After each producer, at each width, for each edge pair: the 16 SETcc
    /// results against the EFLAGS-bit evaluation, EFLAGS against the reference, and
    /// for comparisons against a direct comparison of the operands.
    func testSetccAfterFlagProducers() {
        let rig = FamRig()
        var cases = 0
        for bits in [8, 16, 32] {
            let m = famMask(bits)
            for p in ConditionFamilyTests.producers {
                for (d, s) in ConditionFamilyTests.pairs[bits]! {
                    let cf = p.name.contains("CF=1")
                    let name = "\(p.name)\(bits) \(famHex(d, bits: bits)),\(famHex(s, bits: bits))"
                    rig.reset()
                    rig.load(p.code(bits) + ConditionFamilyTests.setAll)
                    rig.set([Reg.eax: d, Reg.ecx: s, Reg.edi: 0x200])
                    if p.name == "scas" {
                        // SCAS compares the accumulator with ES:[DI].
                        rig.poke32(SegmentIndex.es, 0x200, s)
                    }
                    rig.poke(SegmentIndex.ds, 0x10, [UInt8](repeating: 0xEE, count: 16))
                    rig.cpu.eflags = 0x2 | (cf ? FamFlags.cf : 0)
                    XCTAssertNil(rig.run(17), name)
                    let eflags = rig.cpu.eflags
                    let ref = p.reference(d & m, s & m, cf, bits)
                    XCTAssertEqual(FamFlags.describe(eflags & FamFlags.status), FamFlags.describe(ref), "\(name): EFLAGS")
                    for cc in 0..<16 {
                        let got = rig.peek8(SegmentIndex.ds, 0x10 + UInt32(cc))
                        let fromBits = FamFlags.condition(cc, eflags)
                        XCTAssertEqual(got, fromBits ? 1 : 0, "\(name): set\(FamFlags.conditionNames[cc].lowercased()) vs EFLAGS bits")
                        if p.isCompare {
                            let direct = ConditionFamilyTests.compare(cc, d & m, s & m, bits: bits)
                            XCTAssertEqual(got, direct ? 1 : 0, "\(name): set\(FamFlags.conditionNames[cc].lowercased()) vs operands")
                        }
                        // The public evaluator agrees too, lazily and once materialised.
                        XCTAssertEqual(rig.cpu.flags.condition(cc), fromBits, "\(name): LazyFlags.condition(\(cc))")
                        var materialised = LazyFlags()
                        materialised.value = eflags
                        XCTAssertEqual(materialised.condition(cc), fromBits, "\(name): materialised condition(\(cc))")
                        cases += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(cases, 20_000)
    }

    /// Every combination of CF PF ZF SF OF loaded by POPF (no lazy state): SETcc
    /// into a register (setcc al..bh rotate through) matches Table B-1.
    func testSetccFromPoppedFlags() {
        let rig = FamRig()
        let bitsOf: [UInt32] = [FamFlags.cf, FamFlags.pf, FamFlags.zf, FamFlags.sf, FamFlags.of]
        for combo in 0..<32 {
            var f: UInt32 = 0x2
            for k in 0..<5 where combo & (1 << k) != 0 { f |= bitsOf[k] }
            let name = "popf \(FamFlags.describe(f & FamFlags.status))"
            rig.reset()
            // push imm16; popf; 16 x setcc [0x10+cc]
            rig.load([0x68, UInt8(f & 0xFF), UInt8(f >> 8), 0x9D] + ConditionFamilyTests.setAll)
            XCTAssertNil(rig.run(18), name)
            for cc in 0..<16 {
                XCTAssertEqual(rig.peek8(SegmentIndex.ds, 0x10 + UInt32(cc)), FamFlags.condition(cc, f) ? 1 : 0, "\(name): set\(FamFlags.conditionNames[cc].lowercased())")
            }
            // Register form: sete bl / setne bh leave the rest of EBX alone.
            rig.reset()
            rig.load([0x68, UInt8(f & 0xFF), UInt8(f >> 8), 0x9D, 0x0F, 0x94, 0xC3, 0x0F, 0x95, 0xC7])
            rig.set([Reg.ebx: 0xABCD_EEEE])
            XCTAssertNil(rig.run(4), name)
            let z: UInt32 = f & FamFlags.zf != 0 ? 1 : 0
            XCTAssertEqual(rig.reg(Reg.ebx), 0xABCD_0000 | (1 - z) << 8 | z, "\(name): sete bl, setne bh")
        }
    }

    /// CMOVcc (0F 40+cc) at 16 and 32 bits after CMP of edge pairs: the move happens
    /// exactly when the condition holds; a memory source is read even when it does
    /// not (a #GP at offset FFFF shows it).
    func testCmovcc() {
        let rig = FamRig()
        var cases = 0
        for bits in [16, 32] {
            for (d, s) in ConditionFamilyTests.pairs[bits]! {
                for cc in 0..<16 {
                    let name = "cmp\(bits) \(famHex(d, bits: bits)),\(famHex(s, bits: bits)); cmov\(FamFlags.conditionNames[cc].lowercased())"
                    rig.reset()
                    // cmp ax,cx ; cmovcc dx,bx (modrm D3: reg = DX, r/m = BX)
                    let cmp: [UInt8] = bits == 16 ? [0x39, 0xC8] : [0x66, 0x39, 0xC8]
                    let cmov: [UInt8] = (bits == 16 ? [] : [0x66]) + [0x0F, 0x40 + UInt8(cc), 0xD3]
                    rig.load(cmp + cmov)
                    rig.set([Reg.eax: d, Reg.ecx: s, Reg.ebx: 0x1357_9BDF, Reg.edx: 0x2468_ACE0])
                    XCTAssertNil(rig.run(2), name)
                    let taken = ConditionFamilyTests.compare(cc, d, s, bits: bits)
                    let expected: UInt32 = taken ? (bits == 16 ? 0x2468_9BDF : 0x1357_9BDF) : 0x2468_ACE0
                    XCTAssertEqual(rig.reg(Reg.edx), expected, name)
                    cases += 1
                }
            }
        }
        // The source is read even when the condition is false.
        rig.reset()
        rig.load([0xF8, 0x0F, 0x42, 0x06, 0xFF, 0xFF])   // clc ; cmovb ax,[0xFFFF]
        XCTAssertEqual(rig.run(2), 13, "cmovb ax,[FFFF] not taken still faults (#GP)")
        rig.reset()
        rig.load([0xF9, 0x0F, 0x42, 0x06, 0x00, 0x01])   // stc ; cmovb ax,[0x100]
        rig.poke16(SegmentIndex.ds, 0x100, 0x4321)
        XCTAssertNil(rig.run(2), "cmovb ax,[0x100] taken")
        XCTAssertEqual(rig.reg(Reg.eax), 0x4321, "cmovb ax,[0x100] taken")
        XCTAssertGreaterThan(cases, 1000)
    }
}
