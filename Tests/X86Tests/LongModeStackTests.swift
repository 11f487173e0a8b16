import XCTest
@testable import X86

/// Stack operations and near branches in 64-bit mode (SDM Vol. 1 §6.14.2 and
/// Vol. 2 for each instruction): 8-byte pushes and pops by default, 2-byte ones
/// with 66, no 32-bit form; PUSH imm32 sign-extended; PUSHFQ/POPFQ; ENTER and
/// LEAVE on RBP/RSP; CALL/RET with 64-bit return addresses; RSP-based operands.
final class LongModeStackTests: XCTestCase {
    typealias Rig = LongModeSystemTests.Rig

    struct Case {
        var name: String
        var code: [UInt8]
        var setup: (CPU) -> Void = { _ in }
        /// RSP after the instruction minus RSP before it (after `setup`).
        var stackDelta: Int64
        /// Expected qwords from the new RSP up, and register values.
        var stack: [UInt64] = []
        var registers: [Int: UInt64] = [:]
        var rip: UInt64? = nil
    }

    static let top = Rig.stack
    static let cases: [Case] = [
        Case(name: "push rax", code: [0x50], setup: { $0.set64(Reg.eax, 0x1122_3344_5566_7788) },
             stackDelta: -8, stack: [0x1122_3344_5566_7788]),
        Case(name: "push r15 (41 57)", code: [0x41, 0x57], setup: { $0.set64(Reg.r15, 0xF00D) }, stackDelta: -8, stack: [0xF00D]),
        Case(name: "push ax (66 50) is 2 bytes", code: [0x66, 0x50], setup: { $0.set64(Reg.eax, 0xABCD) }, stackDelta: -2),
        Case(name: "push imm32 sign-extended (68)", code: [0x68, 0x00, 0x00, 0x00, 0x80], stackDelta: -8, stack: [0xFFFF_FFFF_8000_0000]),
        Case(name: "push imm8 sign-extended (6A)", code: [0x6A, 0xFE], stackDelta: -8, stack: [0xFFFF_FFFF_FFFF_FFFE]),
        Case(name: "pop r9 (41 59)", code: [0x41, 0x59], setup: { cpu in
            cpu.set64(Reg.esp, top - 8)
            try? cpu.writeLinear(top - 8, size: 8, 0x0123_4567_89AB_CDEF)
        }, stackDelta: 8, registers: [Reg.r9: 0x0123_4567_89AB_CDEF]),
        Case(name: "push fs zero-extends the selector", code: [0x0F, 0xA0], stackDelta: -8, stack: [UInt64(Rig.kernelData)]),
        Case(name: "pushfq", code: [0x9C], setup: { $0.eflags = 0x202 | LazyFlags.cf }, stackDelta: -8, stack: [0x203]),
        Case(name: "push qword [rsp+8] reads before it pushes (FF 74 24 08)", code: [0xFF, 0x74, 0x24, 0x08], setup: { cpu in
            cpu.set64(Reg.esp, top - 16)
            try? cpu.writeLinear(top - 8, size: 8, 0x5555)
        }, stackDelta: -8, stack: [0x5555]),
        Case(name: "call rel32 pushes the 64-bit return address", code: [0xE8, 0x10, 0x00, 0x00, 0x00],
             stackDelta: -8, stack: [UInt64(Rig.code) + 5], rip: UInt64(Rig.code) + 5 + 0x10),
        Case(name: "call rax (FF D0)", code: [0xFF, 0xD0], setup: { $0.set64(Reg.eax, 0x7100) },
             stackDelta: -8, stack: [UInt64(Rig.code) + 2], rip: 0x7100),
        Case(name: "ret imm16 (C2 10 00)", code: [0xC2, 0x10, 0x00], setup: { cpu in
            cpu.set64(Reg.esp, top - 8)
            try? cpu.writeLinear(top - 8, size: 8, 0x7234)
        }, stackDelta: 24, rip: 0x7234),
        Case(name: "enter 16, 0 (C8 10 00 00)", code: [0xC8, 0x10, 0x00, 0x00], setup: { $0.set64(Reg.ebp, 0xBBBB_0000_0000_1111) },
             stackDelta: -24, registers: [Reg.ebp: top - 8]),
        Case(name: "leave (C9)", code: [0xC9], setup: { cpu in
            cpu.set64(Reg.ebp, top - 16)
            try? cpu.writeLinear(top - 16, size: 8, 0xCAFE_0000_0000_0001)
        }, stackDelta: -8, registers: [Reg.ebp: 0xCAFE_0000_0000_0001]),
    ]

    func testStackOperations() {
        for c in LongModeStackTests.cases {
            let rig = Rig(), cpu = rig.cpu
            c.setup(cpu)
            let start = cpu.get64(Reg.esp)
            XCTAssertNil(rig.step(c.code), c.name)
            let rsp = cpu.get64(Reg.esp)
            XCTAssertEqual(Int64(bitPattern: rsp &- start), c.stackDelta, "\(c.name): RSP")
            for (k, v) in c.stack.enumerated() { XCTAssertEqual(rig.get64(rsp + UInt64(8 * k)), v, "\(c.name): stack qword \(k)") }
            for (r, v) in c.registers { XCTAssertEqual(cpu.get64(r), v, "\(c.name): register \(r)") }
            if let rip = c.rip { XCTAssertEqual(cpu.rip, rip, "\(c.name): RIP") }
        }
    }

    /// PUSH with a non-canonical RSP is #SS(0) (taken on an IST stack, as the
    /// old one cannot hold the frame); POPFQ keeps VM and RF clear.
    func testStackFaultsAndFlags() {
        let rig = Rig(), cpu = rig.cpu
        rig.put64(Rig.tss + 0x24, 0xE000)
        let gate = Rig.idt + 16 * Int(Fault.stackFault)
        rig.put64(gate, rig.get64(UInt64(gate)) | 1 << 32)
        cpu.set64(Reg.esp, 0x0000_8000_0000_0008)
        XCTAssertEqual(rig.step([0x50]), Fault.stackFault, "push with a non-canonical RSP")
        XCTAssertEqual(rig.errorCode, 0)
        let other = Rig(), second = other.cpu
        try? second.writeLinear(Rig.stack - 8, size: 8, 0xFFFF_FFFF_FFFF_FFFF)
        second.set64(Reg.esp, Rig.stack - 8)
        XCTAssertNil(other.step([0x9D]), "popfq")
        XCTAssertEqual(second.eflags & (LazyFlags.vm | LazyFlags.rf), 0, "POPF never sets VM or RF")
        XCTAssertEqual(second.eflags & LazyFlags.iopl, LazyFlags.iopl, "IOPL loads at CPL 0")
        XCTAssertEqual(second.get64(Reg.esp), Rig.stack)
    }
}
