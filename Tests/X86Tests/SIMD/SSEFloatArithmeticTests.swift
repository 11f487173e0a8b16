// ADD/SUB/MUL/DIV/MIN/MAX/SQRT in their PS/PD/SS/SD forms, RCP/RSQRT and
// SSE3's ADDSUB/HADD/HSUB run as instruction bytes in SwiftPC's 64-bit mode:
// random register forms against the SoftFloat model and the host CPU, then
// the memory forms, alignment, kept upper lanes, REX registers, #XM/#UD and
// the encodings that are undefined.

import XCTest
@testable import X86

final class SSEFloatArithmeticTests: XCTestCase {
    static let seed: UInt64 = 0x5353_4541_5249_5448

    static let one32: UInt32 = 0x3F80_0000, two32: UInt32 = 0x4000_0000, three32: UInt32 = 0x4040_0000
    static let one64: UInt64 = 0x3FF0_0000_0000_0000, two64: UInt64 = 0x4000_0000_0000_0000
    static let three64: UInt64 = 0x4008_0000_0000_0000

    func testRegisterFormsAgainstModelAndHost() throws {
        let ops: [SSERunnerOp] = [.addps, .addss, .addpd, .addsd, .subps, .subss, .subpd, .subsd,
                                  .mulps, .mulss, .mulpd, .mulsd, .divps, .divss, .divpd, .divsd,
                                  .sqrtps, .sqrtss, .sqrtpd, .sqrtsd, .minps, .minss, .minpd, .minsd,
                                  .maxps, .maxss, .maxpd, .maxsd, .rcpps, .rcpss, .rsqrtps, .rsqrtss,
                                  .addsubps, .addsubpd, .haddps, .haddpd, .hsubps, .hsubpd]
        let total = try SSEFloatRig.compareRegisterForms(ops, seed: SSEFloatArithmeticTests.seed, perOperation: 150)
        XCTAssertEqual(total, ops.count * 150)
    }

    func testMemoryForms() {
        typealias S = SSEFloatArithmeticTests
        let lanes1 = XMMBits(lanes32: [S.one32, S.one32, S.one32, S.one32])
        let junk = XMMBits(low: 0x1111_2222_3333_4444, high: 0x5555_6666_7777_8888)
        struct Row {
            var name: String
            var code: [UInt8]
            var a: XMMBits
            var memory: [UInt64]
            var result: XMMBits?
            var fault: UInt8?
        }
        let twos = UInt64(S.two32) | UInt64(S.two32) << 32
        let rows: [Row] = [
            Row(name: "addps [rbx]", code: [0x0F, 0x58, 0x03], a: lanes1, memory: [twos, twos],
                result: XMMBits(lanes32: [S.three32, S.three32, S.three32, S.three32])),
            Row(name: "addps [rbx+8] misaligned", code: [0x0F, 0x58, 0x43, 0x08], a: lanes1, memory: [twos, twos, twos],
                result: nil, fault: SSEFloatRig.gpFault),
            Row(name: "addss [rbx+4] keeps lanes 1-3", code: [0xF3, 0x0F, 0x58, 0x43, 0x04],
                a: XMMBits(low: junk.low & ~0xFFFF_FFFF | UInt64(S.one32), high: junk.high), memory: [twos],
                result: XMMBits(low: junk.low & ~0xFFFF_FFFF | UInt64(S.three32), high: junk.high)),
            Row(name: "addsd [rbx+8] keeps the high quadword", code: [0xF2, 0x0F, 0x58, 0x43, 0x08],
                a: XMMBits(low: S.one64, high: junk.high), memory: [0, S.two64],
                result: XMMBits(low: S.three64, high: junk.high)),
            Row(name: "sqrtpd [rbx]", code: [0x66, 0x0F, 0x51, 0x03], a: junk,
                memory: [0x4010_0000_0000_0000, 0x4022_0000_0000_0000], result: XMMBits(low: S.two64, high: S.three64)),
            Row(name: "maxsd [rbx+3] unaligned", code: [0xF2, 0x0F, 0x5F, 0x43, 0x03],
                a: XMMBits(low: S.one64, high: junk.high), memory: [S.three64 << 24, S.three64 >> 40],
                result: XMMBits(low: S.three64, high: junk.high)),
            Row(name: "rcpss [rbx+4]", code: [0xF3, 0x0F, 0x53, 0x43, 0x04], a: junk, memory: [twos],
                result: XMMBits(low: junk.low & ~0xFFFF_FFFF | 0x3F00_0000, high: junk.high)),
            Row(name: "haddps [rbx+4] misaligned", code: [0xF2, 0x0F, 0x7C, 0x43, 0x04], a: lanes1, memory: [twos, twos, twos],
                result: nil, fault: SSEFloatRig.gpFault),
            Row(name: "addsubpd [rbx]", code: [0x66, 0x0F, 0xD0, 0x03], a: XMMBits(low: S.three64, high: S.one64),
                memory: [S.two64, S.two64], result: XMMBits(low: S.one64, high: S.three64)),
        ]
        let rig = SSEFloatRig()
        for row in rows {
            rig.poke(SSEFloatRig.data, row.memory)
            let c = SSECase(op: .addps, mxcsr: 0x1F80, a: row.a, b: XMMBits(low: 0, high: 0))
            let (out, fault) = rig.run(row.code, c, registers: [Reg.ebx: SSEFloatRig.data])
            XCTAssertEqual(fault, row.fault, row.name)
            XCTAssertEqual(out.xmm0, row.result ?? row.a, row.name)
        }
    }

    func testExtendedRegisters() {
        let rig = SSEFloatRig()
        rig.cpu.setXMM(8, Vector128(low: SSEFloatArithmeticTests.one64, high: SSEFloatArithmeticTests.two64))
        rig.cpu.setXMM(15, Vector128(low: SSEFloatArithmeticTests.two64, high: SSEFloatArithmeticTests.one64))
        // mulpd xmm8, xmm15
        let (_, fault) = rig.run([0x66, 0x45, 0x0F, 0x59, 0xC7], SSECase(op: .mulpd, mxcsr: 0x1F80, a: XMMBits(low: 0, high: 0),
                                                                         b: XMMBits(low: 0, high: 0)))
        XCTAssertNil(fault)
        XCTAssertEqual(rig.cpu.xmmRegister(8), Vector128(low: SSEFloatArithmeticTests.two64, high: SSEFloatArithmeticTests.two64))
    }

    /// An unmasked ZE in one lane: nothing written, MXCSR.ZE set, #XM; with
    /// CR4.OSXMMEXCPT clear, #UD (SDM Vol. 3 §6.15, interrupt 19).
    func testUnmaskedExceptionRaisesXMOrUD() {
        let rig = SSEFloatRig()
        let a = XMMBits(lanes32: [SSEFloatArithmeticTests.one32, SSEFloatArithmeticTests.one32, 0x7F00_0000, 0])
        let b = XMMBits(lanes32: [0, SSEFloatArithmeticTests.two32, 0x4000_0000, SSEFloatArithmeticTests.one32])
        let c = SSECase(op: .divps, mxcsr: 0x1F80 & ~0x200, a: a, b: b)
        let (out, fault) = rig.run(c)
        XCTAssertEqual(fault, SSEFloatRig.xmFault)
        XCTAssertEqual(out.xmm0, a)
        XCTAssertEqual(out.mxcsr, 0x1D84)
        rig.cpu.cr4 &= ~CPU.cr4OSXMMEXCPT
        let (out2, fault2) = rig.run(c)
        XCTAssertEqual(fault2, SSEFloatRig.udFault)
        XCTAssertEqual(out2.xmm0, a)
        // Masked: every lane written, ZE reported.
        let (out3, fault3) = rig.run(SSECase(op: .divps, mxcsr: 0x1F80, a: a, b: b))
        XCTAssertNil(fault3)
        XCTAssertEqual(out3.xmm0.lanes32, [0x7F80_0000, 0x3F00_0000, 0x7E80_0000, 0])
        XCTAssertEqual(out3.mxcsr, 0x1F84)
    }

    func testUndefinedForms() {
        let rig = SSEFloatRig()
        let codes: [[UInt8]] = [[0x66, 0x0F, 0x52, 0xC1], [0xF2, 0x0F, 0x52, 0xC1], [0x66, 0x0F, 0x53, 0xC1],
                                [0xF2, 0x0F, 0x53, 0xC1], [0x0F, 0x7C, 0xC1], [0xF3, 0x0F, 0x7C, 0xC1],
                                [0x0F, 0x7D, 0xC1], [0xF3, 0x0F, 0x7D, 0xC1], [0x0F, 0xD0, 0xC1], [0xF3, 0x0F, 0xD0, 0xC1]]
        let c = SSECase(op: .addps, mxcsr: 0x1F80, a: XMMBits(low: 1, high: 2), b: XMMBits(low: 3, high: 4))
        for code in codes {
            let (out, fault) = rig.run(code, c)
            XCTAssertEqual(fault, SSEFloatRig.udFault, "\(code)")
            XCTAssertEqual(out.xmm0, c.a, "\(code)")
        }
    }

    /// CR4.OSFXSR = 0 or CR0.EM = 1 give #UD, CR0.TS = 1 gives #NM (SDM Vol. 3 §13.1.4).
    func testAvailability() {
        let c = SSECase(op: .addps, mxcsr: 0x1F80, a: XMMBits(low: 1, high: 2), b: XMMBits(low: 3, high: 4))
        let rows: [(name: String, setup: (CPU) -> Void, fault: UInt8)] = [
            ("OSFXSR clear", { $0.cr4 &= ~CPU.cr4OSFXSR }, SSEFloatRig.udFault),
            ("EM set", { $0.cr0 |= CPU.cr0EM }, SSEFloatRig.udFault),
            ("TS set", { $0.cr0 |= CPU.cr0TS }, SSEFloatRig.nmFault),
        ]
        for row in rows {
            let rig = SSEFloatRig()
            row.setup(rig.cpu)
            XCTAssertEqual(rig.run(c).fault, row.fault, row.name)
        }
    }
}
