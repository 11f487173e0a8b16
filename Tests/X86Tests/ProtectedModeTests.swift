import XCTest
@testable import X86

/// Protected-mode segmentation, privilege and interrupts, on small nasm
/// programs that enter protected mode themselves (see `ProtectedModeTests.program`).
final class ProtectedModeTests: XCTestCase {
    /// A program loaded at 0x10000 that starts in real mode at 1000:0000, loads a
    /// GDT (flat ring-0 and ring-3 code and data at 08/10/18/20, a TSS at 28 with
    /// ESP0 = 0x8000 and an all-clear I/O bitmap for ports 0-0x107), an IDT, enters protected mode, and runs `body`; `handlers`
    /// and `data` follow. Results go to the words at 0x500 onwards.
    static func program(body: String, handlers: String = "", gdtExtra: String = "") -> String {
        """
        bits 16
        org 0x10000
        %macro GATE 3
            mov eax, %2
            mov [idt + %1*8], ax
            mov word [idt + %1*8 + 2], 0x08
            mov byte [idt + %1*8 + 4], 0
            mov byte [idt + %1*8 + 5], %3
            shr eax, 16
            mov [idt + %1*8 + 6], ax
        %endmacro
        start:
            cli
            mov ax, 0x1000
            mov ds, ax
            lgdt [gdt_ptr - 0x10000]
            lidt [idt_ptr - 0x10000]
            mov eax, cr0
            or al, 1
            mov cr0, eax
            jmp dword 0x08:pm_entry
        bits 32
        pm_entry:
            mov ax, 0x10
            mov ds, ax
            mov es, ax
            mov fs, ax
            mov gs, ax
            mov ss, ax
            mov esp, 0x9000
            mov eax, tss
            mov [gdt + 0x28 + 2], ax
            shr eax, 16
            mov [gdt + 0x28 + 4], al
            mov [gdt + 0x28 + 7], ah
            mov word [gdt + 0x28], 0x88
            mov word [tss + 0x66], 0x68
            mov byte [gdt + 0x28 + 5], 0x89
            mov dword [tss + 4], 0x8000
            mov word [tss + 8], 0x10
            mov ax, 0x28
            ltr ax
        \(body)
            hlt
        \(handlers)
        align 8
        gdt:
            dq 0
            dq 0x00CF9A000000FFFF
            dq 0x00CF92000000FFFF
            dq 0x00CFFA000000FFFF
            dq 0x00CFF2000000FFFF
            dq 0
        \(gdtExtra)
        gdt_end:
        gdt_ptr:
            dw gdt_end - gdt - 1
            dd gdt
        align 8
        idt:
            times 256 dq 0
        idt_ptr:
            dw 256 * 8 - 1
            dd idt
        tss:
            times 0x89 db 0
        """
    }

    func run(_ source: String, limit: Int = 100_000) throws -> (CPU, TestBus, [UInt32]) {
        try Self.run(source, limit: limit)
    }

    /// Runs a program to its HLT and returns the CPU, the bus and the result dwords at 0x500.
    static func run(_ source: String, limit: Int = 100_000) throws -> (CPU, TestBus, [UInt32]) {
        let bytes = try Assembler.assemble(source)
        let bus = TestBus(ramSize: 1 << 20)
        bus.load(bytes, at: 0x10000)
        let cpu = bus.cpu
        cpu.segments[SegmentIndex.cs] = SegmentRegister(selector: 0x1000, base: 0x10000, limit: 0xFFFF, attributes: 0x9B)
        cpu.eip = 0
        if ProcessInfo.processInfo.environment["SWIFTPC_TRACE"] != nil {
            cpu.tracer = { c, i in
                print(String(c.segments[SegmentIndex.cs].selector, radix: 16), String(c.instructionStart, radix: 16),
                      Disassembler.text(i, address: c.instructionStart), "esp", String(c.get32(Reg.esp), radix: 16))
            }
        }
        // OUT ends a run (the board looks at its devices); keep going to the HLT.
        var runs = 0
        while !cpu.halted && !cpu.shutdown && runs < 100 && cpu.instructionCount < UInt64(limit) {
            _ = cpu.run(budget: limit)
            runs += 1
        }
        XCTAssertTrue(cpu.halted, "the program reached its HLT (EIP \(String(cpu.eip, radix: 16)))")
        let results = (0..<16).map { k in
            (0..<4).reduce(UInt32(0)) { $0 | UInt32(bus.byte(at: 0x500 + 4 * k + $1)) << (8 * UInt32($1)) }
        }
        return (cpu, bus, results)
    }

    func testEnteringProtectedModeLoadsDescriptors() throws {
        let (cpu, bus, r) = try run(Self.program(body: """
                mov dword [0x500], 0x12345678
                mov eax, [0x500]
                mov [0x504], eax
                str ax
                mov [0x508], eax
                lsl ecx, [dummy_selector]
            """, handlers: "dummy_selector: dw 0x10"))
        XCTAssertTrue(cpu.protectedMode)
        XCTAssertEqual(cpu.cpl, 0)
        XCTAssertTrue(cpu.segments[SegmentIndex.cs].big, "32-bit code segment")
        XCTAssertEqual(cpu.segments[SegmentIndex.ds].limit, 0xFFFF_FFFF, "4 GiB page-granular limit")
        XCTAssertEqual(r[1], 0x1234_5678)
        XCTAssertEqual(r[2] & 0xFFFF, 0x28, "STR after LTR")
        XCTAssertEqual(cpu.get32(Reg.ecx), 0xFFFF_FFFF, "LSL of the flat data segment")
        XCTAssertNotEqual(cpu.tr.attributes & 0x2, 0, "LTR marks the TSS busy")
        // The CPU set the accessed bit of the data descriptor it loaded (GDT entry 2, access byte).
        let gdt = Int(cpu.gdtr.base)
        XCTAssertEqual(bus.byte(at: gdt + 0x10 + 5), 0x93)
        XCTAssertEqual(bus.byte(at: gdt + 0x28 + 5), 0x8B, "busy TSS in the GDT")
    }

    /// Each case loads a selector into a segment register and expects the fault
    /// vector and error code the SDM lists; the handler records them and resumes.
    func testSegmentLoadFaultsAndErrorCodes() throws {
        let cases: [(name: String, code: String, vector: UInt32, error: UInt32)] = [
            ("null DS, then a read", "xor eax, eax\n    mov ds, ax\n    mov eax, [0x500]", 13, 0),
            ("selector beyond the GDT", "mov ax, 0x80\n    mov ds, ax", 13, 0x80),
            ("not-present data segment", "mov ax, 0x30\n    mov es, ax", 11, 0x30),
            ("SS with RPL != CPL", "mov ax, 0x13\n    mov ss, ax", 13, 0x10),
            ("SS not present", "mov ax, 0x30\n    mov ss, ax", 12, 0x30),
            ("readable code into FS is fine, execute-only code is not", "mov ax, 0x08\n    mov fs, ax\n    mov ax, 0x38\n    mov gs, ax", 13, 0x38),
            ("expand-down segment below its limit", "mov ax, 0x40\n    mov es, ax\n    mov eax, [es:0x0FFF]", 13, 0),
        ]
        for c in cases {
            let (_, _, r) = try run(Self.program(body: """
                    GATE 11, fault_11, 0x8E
                    GATE 12, fault_12, 0x8E
                    GATE 13, fault_13, 0x8E
                    mov dword [0x500], 0xFFFFFFFF
                    \(c.code)
                    mov dword [0x500], 0xAAAAAAAA
                recover:
                    mov ax, 0x10
                    mov ds, ax
                """, handlers: """
                fault_11:
                    mov dword [ss:0x508], 11
                    jmp fault_handler
                fault_12:
                    mov dword [ss:0x508], 12
                    jmp fault_handler
                fault_13:
                    mov dword [ss:0x508], 13
                fault_handler:
                    mov ax, 0x10
                    mov ds, ax
                    pop dword [0x504]
                    mov dword [0x500], 1
                    mov dword [esp], recover
                    mov dword [esp + 4], 0x08
                    mov ss, ax
                    iretd
                """, gdtExtra: """
                    dq 0x00CF12000000FFFF
                    dq 0x00CF98000000FFFF
                    dq 0x00409600000FFFFF
                """))
            XCTAssertEqual(r[0], 1, "\(c.name): a fault was taken")
            XCTAssertEqual(r[1], c.error, "\(c.name): error code")
            XCTAssertEqual(r[2], c.vector, "\(c.name): vector")
        }
    }

    /// Ring 0 → ring 3 by IRETD (which nulls DS, a ring-0 segment: ring 3 reloads
    /// it with its own); ring 3 makes a system call through a DPL-3
    /// interrupt gate (stack switch to the TSS's SS0:ESP0, the old SS:ESP pushed),
    /// returns by IRETD, calls through a call gate copying two parameters, comes
    /// back by RETF, and finally hits a DPL-0 gate: #GP(vector × 8 + 2).
    func testPrivilegeTransitions() throws {
        let (cpu, _, r) = try run(Self.program(body: """
                GATE 0x80, syscall, 0xEE
                GATE 0x81, syscall, 0x8E
                GATE 13, gp_handler, 0x8E
                mov eax, gate_target
                mov [gdt + 0x30], ax
                shr eax, 16
                mov [gdt + 0x36], ax
                push dword 0x23
                push dword 0x7000
                pushfd
                push dword 0x1B
                push dword ring3
                iretd
            ring3:
                mov ax, 0x23
                mov ds, ax
                mov ax, cs
                mov [0x500], eax
                mov eax, 0x1234
                int 0x80
                mov [0x50C], eax
                push dword 0x11111111
                push dword 0x22222222
                call 0x33:0
                mov [0x51C], esp
                int 0x81
                hlt
            """, handlers: """
            syscall:
                mov ebx, cs
                mov [0x504], ebx
                mov [0x508], esp
                mov ebx, [esp + 16]
                mov [0x510], ebx
                add eax, 1
                iretd
            gate_target:
                mov ebx, cs
                mov [0x514], ebx
                mov ebx, [esp + 8]
                mov [0x518], ebx
                mov ebx, [esp + 12]
                mov [0x520], ebx
                retf 8
            gp_handler:
                mov ax, 0x10
                mov ds, ax
                pop dword [0x524]
                hlt
            """, gdtExtra: """
                dw 0, 0x08
                db 2, 0xEC
                dw 0
            """))
        XCTAssertEqual(r[0] & 0xFFFF, 0x1B, "running at ring 3")
        XCTAssertEqual(r[1] & 0xFFFF, 0x08, "the system call runs at ring 0")
        XCTAssertEqual(r[2], 0x8000 - 20, "ring-0 stack from the TSS, with SS, ESP, EFLAGS, CS, EIP pushed")
        XCTAssertEqual(r[4], 0x23, "the old SS was pushed")
        XCTAssertEqual(r[3], 0x1235, "returned to ring 3 with the result")
        XCTAssertEqual(r[5] & 0xFFFF, 0x08, "the call gate runs at ring 0")
        XCTAssertEqual(r[6], 0x2222_2222, "first copied parameter")
        XCTAssertEqual(r[8], 0x1111_1111, "second copied parameter")
        XCTAssertEqual(r[7], 0x7000, "RETF 8 released the parameters on the ring-3 stack")
        XCTAssertEqual(r[9], 0x81 * 8 + 2, "INT to a DPL-0 gate from ring 3: #GP with the IDT entry")
        XCTAssertEqual(cpu.cpl, 0)
    }

    /// At ring 3 with IOPL 0: privileged instructions and CLI raise #GP(0); I/O
    /// goes through the TSS bitmap (clear bit: allowed; set bit or beyond the TSS
    /// limit: #GP(0)). Each faulting instruction is followed by a NOP the handler
    /// skips to.
    func testIOPLAndPrivilegedInstructionsAtRing3() throws {
        let (_, _, r) = try run(Self.program(body: """
                GATE 13, gp_handler, 0x8E
                GATE 0x80, finish, 0xEE
                or byte [tss + 0x68 + 0x10], 1
                push dword 0x23
                push dword 0x7000
                push dword 0x0002
                push dword 0x1B
                push dword ring3
                iretd
            ring3:
                mov ax, 0x23
                mov ds, ax
                mov dword [0x500], 0
                in al, 0x60
                mov [0x504], eax
                cli
                nop
                hlt
                nop
                mov eax, cr0
                nop
                out 0x80, al
                nop
                mov dx, 0x200
                in al, dx
                nop
                lgdt [0x600]
                nop
                out 0x81, al
                mov dword [0x508], 0x600D
                int 0x80
            """, handlers: """
            finish:
                hlt
            gp_handler:
                add dword [0x500], 1
                pop dword [0x50C]
                mov eax, [esp]
            skip:
                inc eax
                cmp byte [eax - 1], 0x90
                jne skip
                mov [esp], eax
                iretd
            """))
        XCTAssertEqual(r[1] & 0xFF, 0xFF, "IN from a port whose bitmap bit is clear (open bus)")
        XCTAssertEqual(r[0], 6, "CLI, HLT, MOV CR0, OUT to a denied port, IN beyond the bitmap, LGDT")
        XCTAssertEqual(r[2], 0x600D, "OUT to a permitted port went through")
        XCTAssertEqual(r[3], 0, "#GP(0)")
    }

    /// Body lines that make GDT entry 0x30 an available 32-bit TSS `tss2` (104
    /// bytes, defined by the program) for a ring-0 task starting at `task2`
    /// with flat segments and ESP = 0x6000.
    static let secondTaskSetup = """
            mov eax, tss2
            mov [gdt + 0x30 + 2], ax
            shr eax, 16
            mov [gdt + 0x30 + 4], al
            mov [gdt + 0x30 + 7], ah
            mov word [gdt + 0x30], 0x67
            mov byte [gdt + 0x30 + 5], 0x89
            mov dword [tss2 + 0x20], task2
            mov dword [tss2 + 0x38], 0x6000
            mov word [tss2 + 0x4C], 0x08
            mov word [tss2 + 0x50], 0x10
            mov word [tss2 + 0x48], 0x10
            mov word [tss2 + 0x54], 0x10

        """

    /// CALL through a task gate to a second task (back link, NT, busy bits),
    /// IRET back (NT), then JMP to the second task's TSS, which resumes after its IRET.
    func testTaskSwitches() throws {
        let (cpu, _, r) = try run(Self.program(body: Self.secondTaskSetup + """
                mov dword [tss2 + 0x24], 2
                mov eax, 0x5555
                call 0x38:0
                mov [0x50C], eax
                mov al, [gdt + 0x30 + 5]
                mov [0x510], al
                mov al, [gdt + 0x28 + 5]
                mov [0x514], al
                jmp 0x30:0
            """, handlers: """
            task2:
                str ax
                mov [0x500], eax
                mov ax, [tss2]
                mov [0x504], eax
                pushfd
                pop dword [0x508]
                mov eax, 0x7777
                iretd
                mov al, [gdt + 0x28 + 5]
                mov [0x518], al
                pushfd
                pop dword [0x51C]
                hlt
            align 8
            tss2:
                times 104 db 0
            """, gdtExtra: """
                dq 0
                dw 0, 0x30
                db 0, 0x85
                dw 0
            """))
        XCTAssertEqual(r[0] & 0xFFFF, 0x30, "TR in the called task")
        XCTAssertEqual(r[1] & 0xFFFF, 0x28, "back link to the caller's TSS")
        XCTAssertNotEqual(r[2] & 0x4000, 0, "NT set in the called task")
        XCTAssertEqual(r[3], 0x5555, "IRET returned to the caller with its own EAX")
        XCTAssertEqual(r[4] & 0xFF, 0x89, "the returned-from task is no longer busy")
        XCTAssertEqual(r[5] & 0xFF, 0x8B, "the caller's TSS stayed busy")
        XCTAssertEqual(r[6] & 0xFF, 0x89, "JMP frees the outgoing task")
        XCTAssertEqual(r[7] & 0x4000, 0, "no NT after a JMP")
        XCTAssertEqual(cpu.tr.selector, 0x30)
        XCTAssertEqual(cpu.get32(Reg.eax) & 0xFF, 0x89, "the second run resumed after the IRET, with its saved EAX")
        XCTAssertNotEqual(cpu.cr0 & 8, 0, "CR0.TS set by the task switch")
    }

    /// IRETD with VM into virtual-8086 mode: 8086 segments (DS = 0x50 reaches
    /// 0x500), then CLI with IOPL 0 traps to the ring-0 #GP handler, which finds
    /// GS, FS, DS, ES, SS, ESP, EFLAGS (VM), CS and EIP on its TSS stack, and null
    /// data segments.
    func testVirtual8086Mode() throws {
        let (cpu, bus, r) = try run(Self.program(body: """
                GATE 13, gp_handler, 0x8E
                push dword 0x0040
                push dword 0x0030
                push dword 0x0050
                push dword 0x0020
                push dword 0x3000
                push dword 0x0FF0
                push dword 0x00020002
                push dword 0x1000
                push dword v86_code - 0x10000
                iretd
            bits 16
            v86_code:
                mov ax, 0x1234
                mov [0x00], ax
                mov ax, ds
                mov [0x04], ax
                cli
                hlt
            bits 32
            """, handlers: """
            gp_handler:
                mov eax, ds
                mov bx, 0x10
                mov ds, bx
                mov es, bx
                mov [0x508], eax
                mov esi, esp
                mov edi, 0x50C
                mov ecx, 10
                cld
                rep movsd
                hlt
            """))
        XCTAssertEqual(r[0] & 0xFFFF, 0x1234, "8086 segment arithmetic: DS 0x50 reaches 0x500")
        XCTAssertEqual(r[1] & 0xFFFF, 0x50, "DS as the 8086 code sees it")
        XCTAssertEqual(r[2] & 0xFFFF, 0, "the handler starts with a null DS")
        let frame = Array(r[3..<13])
        XCTAssertEqual(frame[0], 0, "error code of the #GP")
        XCTAssertEqual(frame[2] & 0xFFFF, 0x1000, "CS of the 8086 code")
        XCTAssertNotEqual(frame[3] & LazyFlags.vm, 0, "EFLAGS image has VM")
        XCTAssertEqual(frame[4], 0x0FF0, "ESP")
        XCTAssertEqual(frame[5] & 0xFFFF, 0x3000, "SS")
        XCTAssertEqual(frame[6] & 0xFFFF, 0x0020, "ES")
        XCTAssertEqual(frame[7] & 0xFFFF, 0x0050, "DS")
        XCTAssertEqual(frame[8] & 0xFFFF, 0x0030, "FS")
        XCTAssertEqual(frame[9] & 0xFFFF, 0x0040, "GS")
        XCTAssertEqual(bus.byte(at: Int(0x10000 + frame[1])), 0xFA, "saved EIP points at the CLI")
        XCTAssertFalse(cpu.virtual8086Mode)
        XCTAssertEqual(cpu.cpl, 0)
    }

    /// SYSENTER from ring 3 to the SYSENTER_CS:EIP/ESP MSRs, SYSEXIT back to
    /// ring 3 at EDX with ESP = ECX (the template's GDT has the layout they need).
    func testSysenterAndSysexit() throws {
        let (cpu, _, r) = try run(Self.program(body: """
                GATE 0x80, finish, 0xEE
                xor edx, edx
                mov ecx, 0x174
                mov eax, 0x08
                wrmsr
                mov ecx, 0x175
                mov eax, 0x8800
                wrmsr
                mov ecx, 0x176
                mov eax, kernel_entry
                wrmsr
                rdmsr
                mov [0x510], eax
                push dword 0x23
                push dword 0x7000
                push dword 0x0202
                push dword 0x1B
                push dword ring3
                iretd
            ring3:
                mov ax, 0x23
                mov ds, ax
                mov edx, back_in_ring3
                mov ecx, 0x6F00
                sysenter
            back_in_ring3:
                mov eax, cs
                mov [0x508], eax
                mov [0x50C], esp
                int 0x80
            """, handlers: """
            kernel_entry:
                mov eax, cs
                mov [0x500], eax
                mov [0x504], esp
                pushfd
                pop dword [0x514]
                sysexit
            finish:
                hlt
            """))
        XCTAssertEqual(r[0] & 0xFFFF, 0x08, "SYSENTER: CS from SYSENTER_CS")
        XCTAssertEqual(r[1], 0x8800, "SYSENTER: ESP from SYSENTER_ESP")
        XCTAssertEqual(r[5] & LazyFlags.intf, 0, "SYSENTER clears IF")
        XCTAssertEqual(r[2] & 0xFFFF, 0x1B, "SYSEXIT: CS = SYSENTER_CS + 16, RPL 3")
        XCTAssertEqual(r[3], 0x6F00, "SYSEXIT: ESP from ECX")
        XCTAssertNotEqual(r[4], 0, "RDMSR reads SYSENTER_EIP back")
        XCTAssertEqual(cpu.cpl, 0)
    }

    /// #AC(0) for a misaligned access at CPL 3 with CR0.AM and EFLAGS.AC set;
    /// none for an aligned one, with AC clear, or at CPL 0.
    func testAlignmentCheck() throws {
        let (_, _, r) = try run(Self.program(body: """
                GATE 17, ac_handler, 0x8E
                GATE 0x80, finish, 0xEE
                mov eax, cr0
                or eax, 0x40000
                mov cr0, eax
                mov eax, [0x601]
                push dword 0x23
                push dword 0x7000
                push dword 0x40002
                push dword 0x1B
                push dword ring3
                iretd
            ring3:
                mov ax, 0x23
                mov ds, ax
                mov eax, [0x600]
                mov ax, [0x602]
                mov al, [0x603]
                mov [0x50C], eax
                mov eax, [0x601]
                nop
                pushfd
                and dword [esp], ~0x40000
                popfd
                mov eax, [0x601]
                int 0x80
            """, handlers: """
            ac_handler:
                add dword [0x500], 1
                pop dword [0x504]
                mov eax, [esp]
                mov [0x508], eax
            skip:
                inc eax
                cmp byte [eax - 1], 0x90
                jne skip
                mov [esp], eax
                iretd
            finish:
                hlt
            """))
        XCTAssertEqual(r[0], 1, "one #AC: the misaligned dword read at ring 3 with AC set")
        XCTAssertEqual(r[1], 0, "#AC pushes error code 0")
        XCTAssertNotEqual(r[2], 0, "saved EIP points at the faulting instruction")
    }
}
