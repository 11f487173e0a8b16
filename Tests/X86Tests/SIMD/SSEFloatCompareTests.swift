// CMPPS/CMPPD/CMPSS/CMPSD and COMISS/COMISD/UCOMISS/UCOMISD run as
// instruction bytes in SwiftPC's 64-bit mode: random register forms against
// the SoftFloat model and the host CPU, then memory forms, the ignored
// imm8 bits, RFLAGS kept on #XM, and the undefined prefixes.

import XCTest
@testable import X86

final class SSEFloatCompareTests: XCTestCase {
    static let seed: UInt64 = 0x5353_4543_4F4D_5041

    func testRegisterFormsAgainstModelAndHost() throws {
        let ops: [SSERunnerOp] = [.cmpps, .cmpss, .cmppd, .cmpsd, .comiss, .ucomiss, .comisd, .ucomisd]
        let total = try SSEFloatRig.compareRegisterForms(ops, seed: SSEFloatCompareTests.seed, perOperation: 400)
        XCTAssertEqual(total, ops.count * 400)
    }

    func testMemoryFormsAndPredicateBits() {
        let one: UInt32 = 0x3F80_0000, two: UInt32 = 0x4000_0000, qnan: UInt32 = 0x7FC0_0000
        let a = XMMBits(lanes32: [one, two, qnan, one])
        let rig = SSEFloatRig()
        rig.poke(SSEFloatRig.data, [UInt64(two) | UInt64(one) << 32, UInt64(one) | UInt64(qnan) << 32])
        let c = SSECase(op: .cmpps, mxcsr: 0x1F80, a: a, b: XMMBits(low: 0, high: 0))
        struct Row { var name: String; var code: [UInt8]; var lanes: [UInt32]; var mxcsr: UInt32 }
        let rows: [Row] = [
            Row(name: "cmpltps [rbx]", code: [0x0F, 0xC2, 0x03, 0x01], lanes: [~0, 0, 0, 0], mxcsr: 0x1F81),
            Row(name: "imm8 F9h is LT", code: [0x0F, 0xC2, 0x03, 0xF9], lanes: [~0, 0, 0, 0], mxcsr: 0x1F81),
            Row(name: "cmpunordps [rbx]", code: [0x0F, 0xC2, 0x03, 0x03], lanes: [0, 0, ~0, ~0], mxcsr: 0x1F80),
            Row(name: "cmpeqss [rbx+4]", code: [0xF3, 0x0F, 0xC2, 0x43, 0x04, 0x00], lanes: [~0, two, qnan, one], mxcsr: 0x1F80),
            Row(name: "cmpneqps [rbx+4] misaligned", code: [0x0F, 0xC2, 0x43, 0x04, 0x04], lanes: a.lanes32, mxcsr: 0x1F80),
        ]
        for row in rows {
            let (out, fault) = rig.run(row.code, c, registers: [Reg.ebx: SSEFloatRig.data])
            XCTAssertEqual(fault, row.name.hasSuffix("misaligned") ? SSEFloatRig.gpFault : nil, row.name)
            XCTAssertEqual(out.xmm0.lanes32, row.lanes, row.name)
            XCTAssertEqual(out.mxcsr, row.mxcsr, row.name)
        }
    }

    func testScalarComparisonsSetFlags() {
        let one64: UInt64 = 0x3FF0_0000_0000_0000, two64: UInt64 = 0x4000_0000_0000_0000
        let rig = SSEFloatRig()
        rig.poke(SSEFloatRig.data, [two64 << 8, two64 >> 56])
        let c = SSECase(op: .comisd, mxcsr: 0x1F80, a: XMMBits(low: one64, high: 0), b: XMMBits(low: 0, high: 0))
        // comisd xmm0, [rbx+1]: 1 < 2 gives CF alone.
        let (less, fault) = rig.run([0x66, 0x0F, 0x2F, 0x43, 0x01], c, registers: [Reg.ebx: SSEFloatRig.data])
        XCTAssertNil(fault)
        XCTAssertEqual(less.rflags, 0x01)
        // ucomiss with a QNaN: unordered (ZF PF CF), no exception; comiss: IE,
        // and with IE unmasked #XM leaves RFLAGS as they were.
        let nan = SSECase(op: .ucomiss, mxcsr: 0x1F80 & ~0x80, a: XMMBits(low: 0x7FC0_0000, high: 0), b: XMMBits(low: 0, high: 0))
        let (unordered, f1) = rig.run(nan)
        XCTAssertNil(f1)
        XCTAssertEqual(unordered.rflags, 0x45)
        XCTAssertEqual(unordered.mxcsr, 0x1F00)
        var ordered = nan
        ordered.op = .comiss
        let (kept, f2) = rig.run(ordered)
        XCTAssertEqual(f2, SSEFloatRig.xmFault)
        XCTAssertEqual(kept.rflags, 0x8D5)
        XCTAssertEqual(kept.mxcsr, 0x1F01)
    }

    func testUndefinedForms() {
        let rig = SSEFloatRig()
        let c = SSECase(op: .comiss, mxcsr: 0x1F80, a: XMMBits(low: 1, high: 2), b: XMMBits(low: 3, high: 4))
        for code: [UInt8] in [[0xF3, 0x0F, 0x2E, 0xC1], [0xF2, 0x0F, 0x2E, 0xC1], [0xF3, 0x0F, 0x2F, 0xC1], [0xF2, 0x0F, 0x2F, 0xC1]] {
            XCTAssertEqual(rig.run(code, c).fault, SSEFloatRig.udFault, "\(code)")
        }
    }
}
