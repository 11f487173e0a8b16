// The SSE/SSE2 conversions run as instruction bytes in SwiftPC's 64-bit
// mode: random register forms against the SoftFloat model and the host CPU,
// then memory forms and their alignment, kept and zeroed upper halves, the
// general-register destinations, and the MMX forms with their x87-to-MMX
// transition (SDM Vol. 2 CVTPI2PS, CVTPI2PD, CVTPS2PI, CVTPD2PI).

import XCTest
@testable import X86

final class SSEFloatConversionTests: XCTestCase {
    static let seed: UInt64 = 0x5353_4543_4F4E_5654
    static let one32: UInt32 = 0x3F80_0000, two32: UInt32 = 0x4000_0000, half32: UInt32 = 0x3F00_0000
    static let one64: UInt64 = 0x3FF0_0000_0000_0000, two64: UInt64 = 0x4000_0000_0000_0000
    static let junk = XMMBits(low: 0x1111_2222_3333_4444, high: 0x5555_6666_7777_8888)

    func testRegisterFormsAgainstModelAndHost() throws {
        let ops: [SSERunnerOp] = [.cvtss2sd, .cvtsd2ss, .cvtps2pd, .cvtpd2ps, .cvtsi2ss32, .cvtsi2ss64, .cvtsi2sd32, .cvtsi2sd64,
                                  .cvtss2si32, .cvtss2si64, .cvttss2si32, .cvttss2si64, .cvtsd2si32, .cvtsd2si64,
                                  .cvttsd2si32, .cvttsd2si64, .cvtdq2ps, .cvtps2dq, .cvttps2dq, .cvtdq2pd, .cvtpd2dq, .cvttpd2dq]
        let total = try SSEFloatRig.compareRegisterForms(ops, seed: SSEFloatConversionTests.seed, perOperation: 200)
        XCTAssertEqual(total, ops.count * 200)
    }

    func testMemoryForms() {
        typealias S = SSEFloatConversionTests
        struct Row {
            var name: String
            var code: [UInt8]
            var memory: [UInt64]
            var xmm0: XMMBits?
            var rax: UInt64?
            var fault: UInt8?
        }
        let rows: [Row] = [
            Row(name: "cvtsi2ss xmm0, dword [rbx+1]", code: [0xF3, 0x0F, 0x2A, 0x43, 0x01], memory: [0xFFFF_FFFE << 8],
                xmm0: XMMBits(low: S.junk.low & ~0xFFFF_FFFF | 0xC000_0000, high: S.junk.high)),
            Row(name: "cvtsi2sd xmm0, qword [rbx]", code: [0xF2, 0x48, 0x0F, 0x2A, 0x03], memory: [2],
                xmm0: XMMBits(low: S.two64, high: S.junk.high)),
            Row(name: "cvtss2si eax, [rbx+2] clears the upper half", code: [0xF3, 0x0F, 0x2D, 0x43, 0x02],
                memory: [UInt64(S.two32) << 16], rax: 2),
            Row(name: "cvttsd2si rax, [rbx]", code: [0xF2, 0x48, 0x0F, 0x2C, 0x03], memory: [0xC000_0000_0000_0000],
                rax: UInt64(bitPattern: -2)),
            Row(name: "cvtps2pd xmm0, [rbx+8] (m64, unaligned)", code: [0x0F, 0x5A, 0x43, 0x08],
                memory: [0, UInt64(S.one32) | UInt64(S.two32) << 32], xmm0: XMMBits(low: S.one64, high: S.two64)),
            Row(name: "cvtdq2pd xmm0, [rbx+4] (m64)", code: [0xF3, 0x0F, 0xE6, 0x43, 0x04], memory: [1 << 32, 2],
                xmm0: XMMBits(low: S.one64, high: S.two64)),
            Row(name: "cvtss2sd xmm0, [rbx+3]", code: [0xF3, 0x0F, 0x5A, 0x43, 0x03], memory: [UInt64(S.two32) << 24],
                xmm0: XMMBits(low: S.two64, high: S.junk.high)),
            Row(name: "cvtsd2ss keeps lanes 1-3", code: [0xF2, 0x0F, 0x5A, 0x03], memory: [S.one64],
                xmm0: XMMBits(low: S.junk.low & ~0xFFFF_FFFF | UInt64(S.one32), high: S.junk.high)),
            Row(name: "cvtpd2ps zeroes the high quadword", code: [0x66, 0x0F, 0x5A, 0x03], memory: [S.one64, S.two64],
                xmm0: XMMBits(low: UInt64(S.one32) | UInt64(S.two32) << 32, high: 0)),
            Row(name: "cvtpd2ps [rbx+8] misaligned", code: [0x66, 0x0F, 0x5A, 0x43, 0x08], memory: [0, 0, 0], fault: SSEFloatRig.gpFault),
            Row(name: "cvttpd2dq zeroes the high quadword", code: [0x66, 0x0F, 0xE6, 0x03], memory: [S.two64, 0xBFF8_0000_0000_0000],
                xmm0: XMMBits(low: 2 | UInt64(UInt32(bitPattern: -1)) << 32, high: 0)),
            Row(name: "cvtpd2dq rounds to nearest even", code: [0xF2, 0x0F, 0xE6, 0x03], memory: [0x3FF8_0000_0000_0000, 0xC004_0000_0000_0000],
                xmm0: XMMBits(low: 2 | UInt64(UInt32(bitPattern: -2)) << 32, high: 0)),
            Row(name: "cvtps2dq [rbx+4] misaligned", code: [0x66, 0x0F, 0x5B, 0x43, 0x04], memory: [0, 0, 0], fault: SSEFloatRig.gpFault),
        ]
        let rig = SSEFloatRig()
        for row in rows {
            rig.poke(SSEFloatRig.data, row.memory)
            let c = SSECase(op: .cvtss2sd, mxcsr: 0x1F80, a: S.junk, b: XMMBits(low: 0, high: 0))
            let (out, fault) = rig.run(row.code, c, registers: [Reg.ebx: SSEFloatRig.data])
            XCTAssertEqual(fault, row.fault, row.name)
            XCTAssertEqual(out.xmm0, row.xmm0 ?? S.junk, row.name)
            XCTAssertEqual(out.rax, row.rax ?? S.junk.low, row.name)
        }
    }

    /// The MMX forms: CVTPI2PS (any source), CVTPI2PD from an MMX register and
    /// every form with an MMX destination make TOP = 0 and all tags valid;
    /// CVTPI2PD from memory leaves the x87 state alone.
    func testMMXForms() {
        typealias S = SSEFloatConversionTests
        struct Row {
            var name: String
            var code: [UInt8]
            var transition: Bool
            var xmm0: XMMBits?
            var mm0: UInt64?
        }
        let ints: UInt64 = 1 | UInt64(UInt32(bitPattern: -2)) << 32
        let rows: [Row] = [
            Row(name: "cvtpi2ps xmm0, mm1", code: [0x0F, 0x2A, 0xC1], transition: true,
                xmm0: XMMBits(low: UInt64(S.one32) | UInt64(0xC000_0000) << 32, high: S.junk.high)),
            Row(name: "cvtpi2ps xmm0, [rbx]", code: [0x0F, 0x2A, 0x03], transition: false,
                xmm0: XMMBits(low: UInt64(S.one32) | UInt64(0xC000_0000) << 32, high: S.junk.high)),
            Row(name: "cvtpi2pd xmm0, mm1", code: [0x66, 0x0F, 0x2A, 0xC1], transition: true,
                xmm0: XMMBits(low: S.one64, high: 0xC000_0000_0000_0000)),
            Row(name: "cvtpi2pd xmm0, [rbx]", code: [0x66, 0x0F, 0x2A, 0x03], transition: false,
                xmm0: XMMBits(low: S.one64, high: 0xC000_0000_0000_0000)),
            Row(name: "cvtps2pi mm0, xmm1", code: [0x0F, 0x2D, 0xC1], transition: true, mm0: 2 | 0 << 32),
            Row(name: "cvttps2pi mm0, xmm1", code: [0x0F, 0x2C, 0xC1], transition: true, mm0: 1 | 0 << 32),
            Row(name: "cvtpd2pi mm0, xmm1", code: [0x66, 0x0F, 0x2D, 0xC1], transition: true, mm0: 2 | 1 << 32),
            Row(name: "cvttpd2pi mm0, [rbx+16]", code: [0x66, 0x0F, 0x2C, 0x43, 0x10], transition: true,
                mm0: 1 | UInt64(UInt32(bitPattern: -1)) << 32),
        ]
        for row in rows {
            let rig = SSEFloatRig()
            rig.poke(SSEFloatRig.data, [ints, 0, 0x3FF8_0000_0000_0000, 0xBFFC_0000_0000_0000])
            rig.cpu.x87.setMMX(1, ints)
            rig.cpu.x87.setMMX(0, 0xDEAD)
            rig.cpu.x87.status = 3 << 11
            rig.cpu.x87.validTags = 0
            // xmm1: 1.5f and 0.5f in lanes 0-1, 1.5 and 1.0 (doubles) as seen by the PD forms.
            let b = XMMBits(low: 0x3FF8_0000_0000_0000, high: S.one64)
            let c = SSECase(op: .cvtss2sd, mxcsr: 0x1F80, a: S.junk, b: b)
            var source = c
            if row.code.starts(with: [0x0F, 0x2D]) || row.code.starts(with: [0x0F, 0x2C]) {
                source.b = XMMBits(low: UInt64(0x3FC0_0000) | UInt64(S.half32) << 32, high: 0)
            }
            let (out, fault) = rig.run(row.code, source, registers: [Reg.ebx: SSEFloatRig.data])
            XCTAssertNil(fault, row.name)
            XCTAssertEqual(out.xmm0, row.xmm0 ?? S.junk, row.name)
            if let mm0 = row.mm0 { XCTAssertEqual(rig.cpu.x87.mmx(0), mm0, row.name) }
            XCTAssertEqual(rig.cpu.x87.validTags, row.transition ? 0xFF : 0, row.name)
            XCTAssertEqual(rig.cpu.x87.top, row.transition ? 0 : 3, row.name)
        }
    }

    /// A pending x87 exception is reported (#MF with CR0.NE) before CVTPI2PS
    /// runs; an unmasked IE in CVTPS2PI leaves MM0 unwritten (#XM).
    func testMMXFormExceptions() {
        let rig = SSEFloatRig()
        rig.cpu.cr0 |= CPU.cr0NE
        rig.cpu.x87.status = X87State.errorSummary | X87State.invalid
        let c = SSECase(op: .cvtss2sd, mxcsr: 0x1F80, a: SSEFloatConversionTests.junk, b: XMMBits(low: 0, high: 0))
        XCTAssertEqual(rig.run([0x0F, 0x2A, 0xC1], c).fault, 16)
        rig.cpu.x87.status = 0
        rig.cpu.x87.setMMX(0, 0x1234)
        let invalid = SSECase(op: .cvtss2sd, mxcsr: 0x1F80 & ~0x80, a: SSEFloatConversionTests.junk, b: XMMBits(low: 0x7FC0_0000, high: 0))
        let (out, fault) = rig.run([0x0F, 0x2D, 0xC1], invalid)
        XCTAssertEqual(fault, SSEFloatRig.xmFault)
        XCTAssertEqual(out.mxcsr, 0x1F01)
        XCTAssertEqual(rig.cpu.x87.mmx(0), 0x1234)
    }

    func testUndefinedForms() {
        let rig = SSEFloatRig()
        let c = SSECase(op: .cvtdq2ps, mxcsr: 0x1F80, a: XMMBits(low: 1, high: 2), b: XMMBits(low: 3, high: 4))
        for code: [UInt8] in [[0xF2, 0x0F, 0x5B, 0xC1], [0x0F, 0xE6, 0xC1]] {
            let (out, fault) = rig.run(code, c)
            XCTAssertEqual(fault, SSEFloatRig.udFault, "\(code)")
            XCTAssertEqual(out.xmm0, c.a, "\(code)")
        }
    }
}
