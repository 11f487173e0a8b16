import XCTest
@testable import X86

/// Debug registers and #DB (SDM Vol. 3 ch. 18): instruction breakpoints with
/// RF, data and I/O breakpoints, single-step, general detect, the task-switch
/// trap and the RF that faults push. Each program runs in protected mode (see
/// `ProtectedModeTests.program`) with a #DB handler that logs one entry per
/// exception and returns with RF set in the image.
final class DebugExceptionTests: XCTestCase {
    /// One #DB as the handler saw it.
    struct Entry: Equatable, CustomStringConvertible {
        var status: UInt32      // DR6, which the handler then clears
        var eip: UInt32         // pushed EIP
        var eflags: UInt32      // pushed EFLAGS
        var ecx: UInt32
        var description: String {
            "DR6 \(String(status, radix: 16)) EIP \(String(eip, radix: 16)) EFLAGS \(String(eflags, radix: 16)) ECX \(ecx)"
        }
    }

    static let logCount = 0x5FC, log = 0x600
    static let handlers = """
        db_handler:
            push eax
            push ebx
            mov ebx, [0x5FC]
            shl ebx, 4
            mov eax, dr6
            mov [0x600 + ebx], eax
            mov eax, [esp + 8]
            mov [0x604 + ebx], eax
            mov eax, [esp + 16]
            mov [0x608 + ebx], eax
            mov [0x60C + ebx], ecx
            inc dword [0x5FC]
            xor eax, eax
            mov dr6, eax
            or dword [esp + 16], 0x10000
            pop ebx
            pop eax
            iretd
        ud_handler:
            push eax
            mov eax, [esp + 12]
            mov [0x5F8], eax
            add dword [esp + 4], 3
            inc dword [0x5F4]
            pop eax
            iretd
        int_handler:
            inc dword [0x5F0]
            iretd

        """

    /// Runs `body` with the #DB, #UD and INT 0x40 handlers installed, and the label
    /// addresses `labels` resolved from the assembled program's symbol values
    /// (each stored by the body at 0x540 + 4k).
    func run(_ body: String, handlers: String = "", gdtExtra: String = "") throws -> (CPU, TestBus, [Entry], [UInt32]) {
        let (cpu, bus, r) = try ProtectedModeTests.run(ProtectedModeTests.program(body: """
                GATE 1, db_handler, 0x8E
                GATE 6, ud_handler, 0x8E
                GATE 0x40, int_handler, 0x8E
                mov dword [0x5FC], 0
            \(body)
            """, handlers: DebugExceptionTests.handlers + handlers, gdtExtra: gdtExtra))
        let count = Int(dword(bus, DebugExceptionTests.logCount))
        let entries = (0..<min(count, 32)).map { k in
            let base = DebugExceptionTests.log + 16 * k
            return Entry(status: dword(bus, base), eip: dword(bus, base + 4), eflags: dword(bus, base + 8), ecx: dword(bus, base + 12))
        }
        return (cpu, bus, entries, r)
    }

    func dword(_ bus: TestBus, _ address: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bus.byte(at: address + $1)) << (8 * UInt32($1)) }
    }

    static let rf: UInt32 = 1 << 16, tf: UInt32 = 1 << 8
    static let bs: UInt32 = 1 << 14, bd: UInt32 = 1 << 13, bt: UInt32 = 1 << 15

    /// An execute breakpoint faults before the instruction, pushes RF = 0, and
    /// the handler's RF lets the instruction run once; the next pass hits again.
    func testInstructionBreakpointIsAFaultThatRFSuppressesOnce() throws {
        let (_, _, log, r) = try run("""
                mov eax, target
                mov dr0, eax
                mov eax, 1
                mov dr7, eax
                xor ecx, ecx
            again:
            target:
                inc ecx
                cmp ecx, 2
                jb again
                xor eax, eax
                mov dr7, eax
                mov [0x500], ecx
                mov dword [0x504], target
            """)
        let target = r[1]
        XCTAssertEqual(r[0], 2, "the instruction ran once per pass")
        XCTAssertEqual(log.map(\.status), [0xFFFF_0FF1, 0xFFFF_0FF1], "\(log)")
        XCTAssertEqual(log.map(\.eip), [target, target], "a fault: the saved EIP is the instruction")
        XCTAssertEqual(log.map(\.ecx), [0, 1], "taken before the instruction ran")
        for e in log { XCTAssertEqual(e.eflags & DebugExceptionTests.rf, 0, "an instruction-breakpoint #DB pushes RF as it was (0)") }
    }

    /// Write-only and read-write breakpoints match accesses that overlap their
    /// aligned range; the trap comes after the instruction.
    func testDataBreakpoints() throws {
        // DR1: writes to 0x700-0x703 (R/W1 = 01, LEN1 = 11); DR2: reads or writes of 0x710-0x711.
        let (_, _, log, r) = try run("""
                mov eax, 0x701
                mov dr1, eax
                mov eax, 0x711
                mov dr2, eax
                mov eax, (1 << 2) | (1 << 4) | (0xD << 20) | (0x7 << 24)
                mov dr7, eax
                mov ecx, 1
                mov eax, [0x700]
                mov ecx, 2
                mov [0x702], ax
            after_write:
                mov ecx, 3
                mov byte [0x704], 1
                mov ecx, 4
                mov eax, [0x70E]
            after_read:
                mov ecx, 5
                xor eax, eax
                mov dr7, eax
                mov dword [0x500], after_write
                mov dword [0x504], after_read
            """)
        XCTAssertEqual(log.map(\.status), [0xFFFF_0FF2, 0xFFFF_0FF4], "\(log)")
        XCTAssertEqual(log.map(\.eip), [r[0], r[1]], "traps: the saved EIP is the next instruction")
        XCTAssertEqual(log.map(\.ecx), [2, 4])
    }

    /// A data breakpoint inside a REP STOSD traps after the iteration that hit
    /// it, with the registers of that point and EIP still at the REP.
    func testDataBreakpointInRepeatedString() throws {
        let (cpu, bus, log, r) = try run("""
                mov eax, 0x808
                mov dr3, eax
                mov eax, (1 << 6) | (0xD << 28)
                mov dr7, eax
                mov edi, 0x800
                mov ecx, 8
                mov eax, 0x11111111
                cld
            store:
                rep stosd
                xor eax, eax
                mov dr7, eax
                mov dword [0x500], store
            """)
        XCTAssertEqual(log.count, 1, "\(log)")
        XCTAssertEqual(log.first?.status, 0xFFFF_0FF8)
        XCTAssertEqual(log.first?.eip, r[0], "EIP at the REP STOSD, which resumes")
        XCTAssertEqual(log.first?.ecx, 5, "three iterations done when the trap came")
        XCTAssertEqual(cpu.get32(Reg.edi), 0x820, "the REP then ran to its end")
        XCTAssertEqual(dword(bus, 0x81C), 0x1111_1111)
    }

    /// TF: a trap after each instruction that began with TF set (POPF that sets
    /// it: none; POPF that clears it: one). INT n enters its handler without the
    /// trap; stepping resumes after the handler's IRET.
    func testSingleStep() throws {
        let (_, bus, log, r) = try run("""
                mov dword [0x5F0], 0
                pushfd
                or dword [esp], 0x100
                popfd
            first:
                inc eax
            second:
                int 0x40
            third:
                nop
            fourth:
                pushfd
            fifth:
                and dword [esp], ~0x100
            sixth:
                popfd
            seventh:
                nop
                mov dword [0x500], first
                mov dword [0x504], second
                mov dword [0x508], third
                mov dword [0x50C], fourth
                mov dword [0x510], fifth
                mov dword [0x514], sixth
                mov dword [0x518], seventh
            """)
        XCTAssertEqual(log.map(\.eip), [r[1], r[3], r[4], r[5], r[6]], "\(log)")
        XCTAssertTrue(log.allSatisfy { $0.status & DebugExceptionTests.bs != 0 && $0.status & 0xF == 0 }, "BS set, B0-B3 clear")
        XCTAssertEqual(log.map { $0.eflags & DebugExceptionTests.tf }, [0x100, 0x100, 0x100, 0x100, 0],
                       "the image has TF as the instruction left it")
        XCTAssertEqual(dword(bus, 0x5F0), 1, "the INT 0x40 handler ran once, unstepped")
    }

    /// MOV SS holds the traps of its instruction until the next one ends: one
    /// #DB, after the instruction following MOV SS.
    func testMovSSHoldsTheSingleStepTrap() throws {
        let (_, _, log, r) = try run("""
                pushfd
                or dword [esp], 0x100
                popfd
                mov ax, ss
            before_mov_ss:
                mov ss, ax
                inc eax
            after_inc:
                pushfd
                and dword [esp], ~0x100
                popfd
                mov dword [0x500], before_mov_ss
                mov dword [0x504], after_inc
            """)
        XCTAssertEqual(log.count, 5, "after MOV AX,SS, INC, PUSHFD, AND and POPFD: \(log)")
        XCTAssertEqual(log.prefix(2).map(\.eip), [r[0], r[1]], "no trap between MOV SS and INC: \(log)")
    }

    /// DR7.GD: a MOV DRn faults with DR6.BD before it runs, and the processor
    /// clears GD so the handler (here, the retried MOV) may use the registers.
    func testGeneralDetect() throws {
        let (cpu, _, log, r) = try run("""
                mov eax, 0x12345678
                mov dr0, eax
                mov eax, 0x2000 | 0x400
                mov dr7, eax
            read:
                mov ecx, dr0
                mov [0x504], ecx
                mov dword [0x500], read
            """)
        XCTAssertEqual(log.count, 1, "\(log)")
        XCTAssertEqual(log.first?.eip, r[0], "a fault: the saved EIP is the MOV")
        XCTAssertEqual((log.first?.status ?? 0) & DebugExceptionTests.bd, DebugExceptionTests.bd)
        XCTAssertEqual(r[1], 0x1234_5678, "the MOV ran after the handler")
        XCTAssertEqual(cpu.debugRegisters[7], 0x400, "GD cleared")
    }

    /// I/O breakpoints need CR4.DE; DR4 and DR5 then raise #UD, while without
    /// DE they alias DR6 and DR7. DR6 and DR7 keep their fixed bits.
    func testIOBreakpointsAndDebugExtensions() throws {
        let (_, bus, log, r) = try run("""
                mov dword [0x5F4], 0
                xor eax, eax
                mov dr6, eax
                mov dr7, eax
                mov eax, dr4
                mov [0x500], eax
                mov eax, dr5
                mov [0x504], eax
                mov eax, cr4
                or eax, 8
                mov cr4, eax
                mov eax, dr4
                mov eax, 0x86
                mov dr3, eax
                mov eax, (1 << 6) | (0x6 << 28)
                mov dr7, eax
                mov ecx, 1
                in al, 0x85
                mov ecx, 2
                out 0x87, al
            after_out:
                mov ecx, 3
                xor eax, eax
                mov dr7, eax
                mov dword [0x508], after_out
            """)
        XCTAssertEqual(r[0], 0xFFFF_0FF0, "DR4 reads DR6 without CR4.DE")
        XCTAssertEqual(r[1], 0x400, "DR5 reads DR7 without CR4.DE")
        XCTAssertEqual(dword(bus, 0x5F4), 1, "MOV from DR4 with CR4.DE: #UD")
        XCTAssertEqual(log.map(\.eip), [r[2]], "\(log)")
        XCTAssertEqual(log.first?.status, 0xFFFF_0FF8, "the 2-byte breakpoint at 0x86 sees the byte OUT to 0x87, not the IN at 0x85")
        XCTAssertEqual(log.first?.ecx, 2)
    }

    /// Fault-class exceptions push RF = 1 (SDM Vol. 3 §18.3.1.1), so an
    /// instruction breakpoint on the faulting instruction does not fire again
    /// when the handler returns to it.
    func testFaultsPushRF() throws {
        let (_, bus, log, _) = try run("""
                mov dword [0x5F4], 0
                ud2
                nop
                mov eax, bp_ud
                mov dr0, eax
                mov eax, 1
                mov dr7, eax
            bp_ud:
                ud2
                nop
                xor eax, eax
                mov dr7, eax
            """)
        XCTAssertEqual(dword(bus, 0x5F8) & DebugExceptionTests.rf, DebugExceptionTests.rf, "#UD pushed RF = 1")
        XCTAssertEqual(dword(bus, 0x5F4), 2)
        XCTAssertEqual(log.count, 1, "the breakpoint fired once: the #UD handler returned past it, \(log)")
    }

    /// A task switch to a TSS with the T bit raises #DB (BT) before the new
    /// task's first instruction, and clears the local enables L0-L3 of DR7.
    func testTaskSwitchTrap() throws {
        let (cpu, _, log, r) = try run(ProtectedModeTests.secondTaskSetup + """
                mov word [tss2 + 0x64], 1
                mov eax, 0x55AA0000
                mov dr0, eax
                mov eax, 0x403
                mov dr7, eax
                call 0x30:0
                mov eax, dr7
                mov [0x500], eax
                mov dword [0x504], task2
            """, handlers: """
            task2:
                iretd
            align 8
            tss2:
                times 104 db 0
            """, gdtExtra: "    dq 0")
        XCTAssertEqual(log.count, 1, "\(log)")
        XCTAssertEqual(log.first?.eip, r[1], "before the new task's first instruction")
        XCTAssertEqual((log.first?.status ?? 0) & DebugExceptionTests.bt, DebugExceptionTests.bt)
        XCTAssertEqual(r[0], 0x402, "L0 cleared by the task switch, G0 kept")
        XCTAssertEqual(cpu.debugRegisters[7], 0x402)
    }
}
