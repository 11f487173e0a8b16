import XCTest
@testable import X86

/// The system instructions of IA-32e mode, one instruction at a time on a CPU
/// put straight into 64-bit mode: 64-bit call gates and RETF back, SYSCALL and
/// SYSRET, SWAPGS, CMPXCHG16B, CR8, and the #GP cases of IA-32e activation and
/// deactivation (SDM Vol. 3 §5.8.3.1, §5.8.8, §9.8.5; Vol. 2 for each instruction).
final class LongModeSystemTests: XCTestCase {
    /// Identity-mapped low 2 MiB (one user-accessible 2 MiB page), a GDT with
    /// 64-bit and 32-bit code and data at ring 0 and 3, a 64-bit TSS, two call
    /// gates, and an IDT whose handlers are HLTs at `handlers + vector`.
    final class Rig {
        let bus = TestBus(ramSize: 4 << 20)
        var cpu: CPU { bus.cpu }
        static let pml4 = 0x1000, pdpt = 0x2000, directory = 0x3000, gdt = 0x4000, idt = 0x5000, tss = 0x6000
        static let code = 0x7000, handlers = 0x9000, gateTarget: UInt64 = 0xA000, stack: UInt64 = 0x8F00
        static let kernelStack: UInt64 = 0xC000
        static let kernelCode: UInt16 = 0x08, kernelData: UInt16 = 0x10, userCode32: UInt16 = 0x1B
        static let userData: UInt16 = 0x23, userCode: UInt16 = 0x2B, kernelCode32: UInt16 = 0x30
        static let tssSelector: UInt16 = 0x38, gate: UInt16 = 0x4B, badGate: UInt16 = 0x5B

        func put64(_ address: Int, _ v: UInt64) { bus.ram.storeBytes(of: v, toByteOffset: address, as: UInt64.self) }
        func get64(_ address: UInt64) -> UInt64 { bus.ram.load(fromByteOffset: Int(address), as: UInt64.self) }

        /// A 64-bit call gate (16 bytes) at `index` to `selector:offset`, DPL 3.
        func callGate(at offset: Int, selector: UInt16, target: UInt64) {
            put64(Rig.gdt + offset, target & 0xFFFF | UInt64(selector) << 16 | 0xEC00 << 32 | (target >> 16 & 0xFFFF) << 48)
            put64(Rig.gdt + offset + 8, target >> 32)
        }

        init() {
            put64(Rig.pml4, UInt64(Rig.pdpt) | 7)
            put64(Rig.pdpt, UInt64(Rig.directory) | 7)
            put64(Rig.directory, 0x87)
            let descriptors: [UInt64] = [0, 0x00AF_9A00_0000_FFFF, 0x00CF_9200_0000_FFFF, 0x00CF_FA00_0000_FFFF,
                                         0x00CF_F200_0000_FFFF, 0x00AF_FA00_0000_FFFF, 0x00CF_9A00_0000_FFFF]
            for (k, d) in descriptors.enumerated() { put64(Rig.gdt + 8 * k, d) }
            put64(Rig.gdt + 0x38, 0x0000_8900_0000_0067 | UInt64(Rig.tss) << 16)
            callGate(at: 0x48, selector: Rig.kernelCode, target: Rig.gateTarget)
            callGate(at: 0x58, selector: Rig.kernelCode32, target: Rig.gateTarget)
            for v in 0..<256 {
                let handler = UInt64(Rig.handlers + v)
                put64(Rig.idt + 16 * v, handler & 0xFFFF | UInt64(Rig.kernelCode) << 16 | 0x8E00 << 32 | (handler >> 16) << 48)
                bus.ram.storeBytes(of: 0xF4, toByteOffset: Rig.handlers + v, as: UInt8.self)
            }
            put64(Rig.tss + 4, Rig.kernelStack)
            cpu.msr.efer = ModelSpecificRegisters.eferSCE | ModelSpecificRegisters.eferLME | ModelSpecificRegisters.eferLMA
                | ModelSpecificRegisters.eferNXE
            cpu.cr0 = 0x8001_0011
            cpu.cr4 = 0x20
            cpu.cr3 = UInt64(Rig.pml4)
            try! cpu.memory.setPaging(cr0: cpu.cr0, cr3: cpu.cr3, cr4: cpu.cr4, nxe: true, longMode: true)
            cpu.gdtr = DescriptorTableRegister(base: UInt64(Rig.gdt), limit: 0x67)
            cpu.idtr = DescriptorTableRegister(base: UInt64(Rig.idt), limit: 256 * 16 - 1)
            cpu.tr = SegmentRegister(selector: Rig.tssSelector, base: UInt64(Rig.tss), limit: 0x67, attributes: 0x8B)
            setLevel(0)
        }

        func setLevel(_ level: Int) {
            let user = level == 3
            cpu.segments[SegmentIndex.cs] = SegmentRegister(selector: user ? Rig.userCode : Rig.kernelCode, base: 0,
                                                            limit: 0xFFFF_FFFF, attributes: 0xA9B | UInt16(level) << 5)
            let data = SegmentRegister(selector: user ? Rig.userData : Rig.kernelData, base: 0, limit: 0xFFFF_FFFF,
                                       attributes: 0xC93 | UInt16(level) << 5)
            for s in [SegmentIndex.es, SegmentIndex.ss, SegmentIndex.ds, SegmentIndex.fs, SegmentIndex.gs] { cpu.segments[s] = data }
            cpu.cpl = level
            cpu.set64(Reg.esp, Rig.stack)
        }

        /// Runs one instruction at `code`; returns the vector of the exception it raised, if any.
        @discardableResult
        func step(_ bytes: [UInt8]) -> UInt8? {
            bus.load(bytes, at: Rig.code)
            cpu.rip = UInt64(Rig.code)
            _ = cpu.run(budget: 1)
            let r = cpu.rip
            guard cpu.segments[SegmentIndex.cs].selector == Rig.kernelCode, r >= UInt64(Rig.handlers), r < UInt64(Rig.handlers + 256) else { return nil }
            return UInt8(r - UInt64(Rig.handlers))
        }
        /// The error code an exception pushed.
        var errorCode: UInt64 { get64(cpu.get64(Reg.esp)) }
    }

    func testCallGateToRing0AndFarReturn() {
        let rig = Rig(), cpu = rig.cpu
        rig.setLevel(3)
        // call far [rip+0] with the pointer m16:64 right after the instruction (REX.W FF 1D).
        let pointer: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, UInt8(Rig.gate), 0]
        XCTAssertNil(rig.step([0x48, 0xFF, 0x1D, 0, 0, 0, 0] + pointer), "call through the gate")
        XCTAssertEqual(cpu.rip, Rig.gateTarget)
        XCTAssertEqual(cpu.cpl, 0)
        XCTAssertEqual(cpu.segments[SegmentIndex.cs].selector, Rig.kernelCode)
        XCTAssertEqual(cpu.segments[SegmentIndex.ss].selector, 0, "SS is a null selector with RPL 0")
        let rsp = cpu.get64(Reg.esp)
        XCTAssertEqual(rsp, Rig.kernelStack - 32)
        XCTAssertEqual([rig.get64(rsp), rig.get64(rsp + 8), rig.get64(rsp + 16), rig.get64(rsp + 24)],
                       [UInt64(Rig.code) + 7, UInt64(Rig.userCode), Rig.stack, UInt64(Rig.userData)],
                       "RIP, CS, RSP and SS of the caller, 8 bytes each")
        // retfq (REX.W CB) back to ring 3.
        rig.bus.load([0x48, 0xCB], at: Int(Rig.gateTarget))
        _ = cpu.run(budget: 1)
        XCTAssertEqual(cpu.rip, UInt64(Rig.code) + 7)
        XCTAssertEqual(cpu.cpl, 3)
        XCTAssertEqual(cpu.get64(Reg.esp), Rig.stack)
        XCTAssertEqual(cpu.segments[SegmentIndex.ss].selector, Rig.userData)
    }

    /// An exception whose delivery faults on the ring-0 stack becomes #DF (the
    /// #PF on the push, then a #PF while delivering that), taken on its IST
    /// stack with the CS:RIP of the instruction that faulted first.
    func testDoubleFaultOnAnISTStack() {
        let rig = Rig(), cpu = rig.cpu
        rig.put64(Rig.tss + 4, 0x40_0000)                  // RSP0 in unmapped memory
        rig.put64(Rig.tss + 0x24, 0xE000)                  // IST1
        let gate = Rig.idt + 16 * Int(Fault.doubleFault)
        rig.put64(gate, rig.get64(UInt64(gate)) | 1 << 32)  // #DF uses IST1
        rig.setLevel(3)
        XCTAssertEqual(rig.step([0x0F, 0x0B]), Fault.doubleFault, "ud2 at CPL 3")
        let rsp = cpu.get64(Reg.esp)
        XCTAssertEqual(rsp, 0xE000 - 48, "on IST1: error code, RIP, CS, RFLAGS, RSP, SS")
        XCTAssertEqual([rig.get64(rsp), rig.get64(rsp + 8), rig.get64(rsp + 16)], [0, UInt64(Rig.code), UInt64(Rig.userCode)])
        XCTAssertEqual(cpu.cr2, 0x40_0000 - 8, "CR2: the first push")
        XCTAssertEqual(cpu.cpl, 0)
    }

    func testCallGateFaults() {
        let rig = Rig()
        let farCall = { (selector: UInt16) -> [UInt8] in [0x48, 0xFF, 0x1D, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, UInt8(selector), 0] }
        XCTAssertEqual(rig.step(farCall(Rig.badGate)), Fault.generalProtection, "the gate's target is 32-bit code")
        XCTAssertEqual(rig.errorCode, UInt64(Rig.kernelCode32 & 0xFFFC))
        rig.setLevel(0)
        XCTAssertEqual(rig.step(farCall(Rig.tssSelector)), Fault.generalProtection, "no task switches in IA-32e mode")
        XCTAssertEqual(rig.errorCode, UInt64(Rig.tssSelector))
        rig.setLevel(0)
        // jmp far through the gate at the same level.
        XCTAssertNil(rig.step([0x48, 0xFF, 0x2D, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, UInt8(Rig.gate), 0]))
        XCTAssertEqual(rig.cpu.rip, Rig.gateTarget)
        XCTAssertEqual(rig.cpu.get64(Reg.esp), Rig.stack, "a JMP pushes nothing")
    }

    func testSystemCallAndReturn() {
        let rig = Rig(), cpu = rig.cpu
        cpu.msr.star = UInt64(Rig.userCode32) << 48 | UInt64(Rig.kernelCode) << 32
        cpu.msr.longModeSyscallTarget = 0xB000
        cpu.msr.syscallFlagMask = LazyFlags.intf | LazyFlags.df
        rig.setLevel(3)
        cpu.eflags = 0x202 | LazyFlags.df | LazyFlags.cf
        XCTAssertNil(rig.step([0x0F, 0x05]), "syscall")
        XCTAssertEqual(cpu.rip, 0xB000)
        XCTAssertEqual(cpu.get64(Reg.ecx), UInt64(Rig.code) + 2, "RCX: the return RIP")
        XCTAssertEqual(cpu.get64(Reg.r11), UInt64(0x202 | LazyFlags.df | LazyFlags.cf), "R11: RFLAGS")
        XCTAssertEqual(cpu.eflags & (LazyFlags.intf | LazyFlags.df | LazyFlags.cf), LazyFlags.cf, "FMASK clears IF and DF")
        XCTAssertEqual([cpu.segments[SegmentIndex.cs].selector, cpu.segments[SegmentIndex.ss].selector], [Rig.kernelCode, Rig.kernelData])
        XCTAssertEqual(cpu.cpl, 0)
        // sysretq to 64-bit ring 3 at RCX, with RFLAGS from R11.
        cpu.set64(Reg.r11, 0x3C_7FD7 | 0xFF00_0000)
        XCTAssertNil(rig.step([0x48, 0x0F, 0x07]), "sysretq")
        XCTAssertEqual(cpu.rip, UInt64(Rig.code) + 2)
        XCTAssertEqual([cpu.segments[SegmentIndex.cs].selector, cpu.segments[SegmentIndex.ss].selector], [Rig.userCode, Rig.userData])
        XCTAssertTrue(cpu.mode64)
        XCTAssertEqual(cpu.cpl, 3)
        XCTAssertEqual(cpu.eflags, 0x3C_7FD7 & ~LazyFlags.vm & ~LazyFlags.rf | 2, "reserved bits, VM and RF stay clear")
        // SYSRET is privileged; with a non-canonical RCX it faults in ring 0.
        XCTAssertEqual(rig.step([0x48, 0x0F, 0x07]), Fault.generalProtection, "sysretq at CPL 3")
        rig.setLevel(0)
        cpu.set64(Reg.ecx, 0x0000_8000_0000_0000)
        XCTAssertEqual(rig.step([0x48, 0x0F, 0x07]), Fault.generalProtection, "sysretq to a non-canonical RIP")
        // Without EFER.SCE both are #UD.
        rig.setLevel(0)
        cpu.msr.efer &= ~ModelSpecificRegisters.eferSCE
        XCTAssertEqual(rig.step([0x0F, 0x05]), Fault.invalidOpcode, "syscall with SCE = 0")
    }

    /// SYSENTER enters 64-bit ring 0 in IA-32e mode; SYSEXIT with REX.W returns
    /// to 64-bit ring 3 at RDX with RSP = RCX, its CS 32 above SYSENTER_CS.
    func testSystemEnterAndExitInLongMode() {
        let rig = Rig(), cpu = rig.cpu
        cpu.msr.sysenterCS = UInt32(Rig.kernelCode)
        cpu.msr.sysenterESP = 0xFFFF_8000_0000_9000
        cpu.msr.sysenterEIP = 0xB100
        rig.setLevel(3)
        XCTAssertNil(rig.step([0x0F, 0x34]), "sysenter")
        XCTAssertEqual([cpu.rip, cpu.get64(Reg.esp)], [0xB100, 0xFFFF_8000_0000_9000])
        XCTAssertTrue(cpu.mode64)
        XCTAssertEqual(cpu.cpl, 0)
        cpu.set64(Reg.edx, 0x7777)
        cpu.set64(Reg.ecx, 0x8800)
        XCTAssertNil(rig.step([0x48, 0x0F, 0x35]), "sysexitq")
        XCTAssertEqual([cpu.rip, cpu.get64(Reg.esp)], [0x7777, 0x8800])
        XCTAssertEqual([cpu.segments[SegmentIndex.cs].selector, cpu.segments[SegmentIndex.ss].selector], [0x2B, 0x33])
        XCTAssertTrue(cpu.mode64)
        XCTAssertEqual(cpu.cpl, 3)
    }

    /// IRETD from 64-bit mode pops EIP, CS, EFLAGS, ESP and SS as dwords, even
    /// at the same privilege level, and may land in compatibility mode.
    func testInterruptReturnToCompatibilityMode() {
        let rig = Rig(), cpu = rig.cpu
        let frame = Rig.stack - 20
        let dwords: [UInt32] = [0x7400, UInt32(Rig.kernelCode32), 0x202, 0x6000, UInt32(Rig.kernelData)]
        for (k, v) in dwords.enumerated() { rig.bus.ram.storeBytes(of: v, toByteOffset: Int(frame) + 4 * k, as: UInt32.self) }
        cpu.set64(Reg.esp, frame)
        XCTAssertNil(rig.step([0xCF]), "iretd")
        XCTAssertFalse(cpu.mode64, "compatibility mode")
        XCTAssertTrue(cpu.longMode)
        XCTAssertEqual([cpu.rip, cpu.get64(Reg.esp)], [0x7400, 0x6000])
        XCTAssertEqual(cpu.segments[SegmentIndex.cs].selector, Rig.kernelCode32)
        XCTAssertEqual(cpu.eflags, 0x202)
    }

    /// LAR and LSL in IA-32e mode see LDTs, 64-bit TSSs and (LAR only) 64-bit
    /// call gates; the 16-bit system types are not valid there.
    func testAccessRightsAndLimitsOfSystemDescriptors() {
        let rig = Rig(), cpu = rig.cpu
        rig.put64(Rig.gdt + 0x68, 0x0000_E400_0008_1000)    // a 16-bit call gate, DPL 3
        cpu.gdtr = DescriptorTableRegister(base: UInt64(Rig.gdt), limit: 0x6F)
        struct Case { var selector: UInt16; var lar: UInt64?; var lsl: UInt64? }
        let cases = [
            Case(selector: Rig.tssSelector, lar: 0x8900, lsl: 0x67),
            Case(selector: Rig.gate, lar: 0xEC00, lsl: nil),
            Case(selector: 0x68, lar: nil, lsl: nil),
            Case(selector: Rig.kernelCode, lar: 0xAF9A00, lsl: 0xFFFF_FFFF),
        ]
        for c in cases {
            for (opcode, expected) in [(UInt8(0x02), c.lar), (0x03, c.lsl)] {
                cpu.set64(Reg.ecx, UInt64(c.selector))
                cpu.set64(Reg.eax, 0x1234)
                // lar/lsl eax, ecx
                XCTAssertNil(rig.step([0x0F, opcode, 0xC1]), "0F \(opcode) of \(c.selector)")
                XCTAssertEqual(cpu.flags.zeroFlag, expected != nil, "ZF, 0F \(opcode) of \(c.selector)")
                XCTAssertEqual(cpu.get64(Reg.eax), expected ?? 0x1234, "0F \(opcode) of \(c.selector)")
            }
        }
    }

    func testSwapGSAndBaseRegisters() {
        let rig = Rig(), cpu = rig.cpu
        cpu.segments[SegmentIndex.gs].base = 0x1111
        cpu.msr.kernelGSBase = 0xFFFF_8000_0000_2222
        XCTAssertNil(rig.step([0x0F, 0x01, 0xF8]), "swapgs")
        XCTAssertEqual(cpu.segments[SegmentIndex.gs].base, 0xFFFF_8000_0000_2222)
        XCTAssertEqual(cpu.msr.kernelGSBase, 0x1111)
        // wrmsr of a non-canonical FS base is #GP(0).
        cpu.set32(Reg.ecx, ModelSpecificRegisters.fsBase)
        cpu.set32(Reg.edx, 0x0000_8000); cpu.set32(Reg.eax, 0)
        XCTAssertEqual(rig.step([0x0F, 0x30]), Fault.generalProtection, "non-canonical FS.base")
        rig.setLevel(3)
        XCTAssertEqual(rig.step([0x0F, 0x01, 0xF8]), Fault.generalProtection, "swapgs at CPL 3")
    }

    func testCompareExchange16Bytes() {
        let rig = Rig(), cpu = rig.cpu
        let at = 0x8000
        rig.put64(at, 0x1111); rig.put64(at + 8, 0x2222)
        cpu.set64(Reg.esi, UInt64(at))
        cpu.set64(Reg.eax, 0x1111); cpu.set64(Reg.edx, 0x2222)
        cpu.set64(Reg.ebx, 0xAAAA); cpu.set64(Reg.ecx, 0xBBBB)
        // lock cmpxchg16b [rsi]
        XCTAssertNil(rig.step([0xF0, 0x48, 0x0F, 0xC7, 0x0E]))
        XCTAssertTrue(cpu.flags.zeroFlag)
        XCTAssertEqual([rig.get64(UInt64(at)), rig.get64(UInt64(at) + 8)], [0xAAAA, 0xBBBB])
        XCTAssertNil(rig.step([0x48, 0x0F, 0xC7, 0x0E]))
        XCTAssertFalse(cpu.flags.zeroFlag)
        XCTAssertEqual([cpu.get64(Reg.eax), cpu.get64(Reg.edx)], [0xAAAA, 0xBBBB], "a mismatch loads RDX:RAX")
        cpu.set64(Reg.esi, UInt64(at) + 8)
        XCTAssertEqual(rig.step([0x48, 0x0F, 0xC7, 0x0E]), Fault.generalProtection, "a 16-byte operand must be aligned")
    }

    /// MOV to CR0, CR4, CR8 and WRMSR of EFER around IA-32e mode (SDM Vol. 3 §9.8.5).
    func testActivationChecks() {
        let rig = Rig(), cpu = rig.cpu
        // mov rax, cr8 / mov cr8, rax through REX.R (44 0F 20 C0, 44 0F 22 C0).
        cpu.set64(Reg.eax, 0x9)
        XCTAssertNil(rig.step([0x44, 0x0F, 0x22, 0xC0]), "mov cr8, rax")
        XCTAssertEqual(cpu.cr8, 9)
        cpu.set64(Reg.eax, 0x10)
        XCTAssertEqual(rig.step([0x44, 0x0F, 0x22, 0xC0]), Fault.generalProtection, "CR8 bits 63:4 are reserved")
        // Clearing CR4.PAE in IA-32e mode.
        cpu.set64(Reg.eax, 0)
        XCTAssertEqual(rig.step([0x0F, 0x22, 0xE0]), Fault.generalProtection, "mov cr4, rax clearing PAE")
        // Clearing CR0.PG from 64-bit mode (it must happen in compatibility mode).
        cpu.set64(Reg.eax, 0x0001_0011)
        XCTAssertEqual(rig.step([0x0F, 0x22, 0xC0]), Fault.generalProtection, "mov cr0, rax clearing PG in 64-bit mode")
        XCTAssertTrue(cpu.longMode)
        // WRMSR changing EFER.LME while paging is on.
        cpu.set32(Reg.ecx, ModelSpecificRegisters.efer)
        cpu.set32(Reg.edx, 0); cpu.set32(Reg.eax, UInt32(ModelSpecificRegisters.eferNXE))
        XCTAssertEqual(rig.step([0x0F, 0x30]), Fault.generalProtection, "wrmsr clearing LME with PG = 1")
        // Setting PG with LME but without PAE, from 32-bit protected mode with a
        // legacy IDT (8-byte gates to 32-bit code).
        let legacyIDT = 0xD000
        for v in 0..<32 {
            let handler = UInt64(Rig.handlers + v)
            rig.put64(legacyIDT + 8 * v, handler & 0xFFFF | UInt64(Rig.kernelCode32) << 16 | 0x8E00 << 32 | (handler >> 16) << 48)
        }
        cpu.idtr = DescriptorTableRegister(base: UInt64(legacyIDT), limit: 32 * 8 - 1)
        cpu.msr.efer = ModelSpecificRegisters.eferLME
        cpu.cr0 = 0x11
        cpu.cr4 = 0
        try? cpu.memory.setPaging(cr0: cpu.cr0, cr3: cpu.cr3, cr4: 0, nxe: false, longMode: false)
        rig.setLevel(0)
        cpu.segments[SegmentIndex.cs] = SegmentRegister(selector: Rig.kernelCode32, base: 0, limit: 0xFFFF_FFFF, attributes: 0xC9B)
        cpu.set64(Reg.eax, 0x8000_0011)
        rig.step([0x0F, 0x22, 0xC0])
        XCTAssertEqual(cpu.rip, UInt64(Rig.handlers) + UInt64(Fault.generalProtection), "mov cr0 setting PG with LME and PAE = 0")
        XCTAssertEqual(cpu.cr0 & 0x8000_0000, 0)
        XCTAssertFalse(cpu.longMode)
    }
}
