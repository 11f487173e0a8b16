/// System instructions legal in real mode (SDM Vol. 3 §2.8 and Vol. 2): control
/// and debug register moves, LGDT/LIDT/SGDT/SIDT, SMSW/LMSW, CLTS, CPUID, RDTSC,
/// RDMSR/WRMSR, HLT, CLI/STI, IN/OUT, INVD/WBINVD.
extension CPU {
    /// CR0 bits this CPU implements: PE MP EM TS ET NE WP AM NW CD PG.
    static let cr0Writable: UInt32 = 0xE005_003F
    /// CR4 bits this CPU implements: VME, PVI, TSD (time-stamp disable), PSE, PAE, PGE.
    static let cr4Writable: UInt32 = 0x0000_00BF

    /// MOV CRn, r32 (0F 22) and MOV r32, CRn (0F 20).
    func moveControlRegister(_ i: DecodedInstruction, toControl: Bool) throws(Fault) {
        let r = i.rm
        if !toControl {
            let v: UInt32
            switch i.reg {
            case 0: v = cr0
            case 2: v = cr2
            case 3: v = cr3
            case 4: v = cr4
            default: throw Fault.ud
            }
            set32(r, v)
            return
        }
        let v = get32(r)
        switch i.reg {
        case 0:
            // PG without PE, or NW without CD, is #GP(0) (SDM Vol. 3 §2.5).
            if v & 0x8000_0000 != 0 && v & 1 == 0 { throw Fault.gp() }
            if v & 0x2000_0000 != 0 && v & 0x4000_0000 == 0 { throw Fault.gp() }
            let new = (v & CPU.cr0Writable) | 0x10
            // Under PAE a bad PDPTE makes the MOV fail with #GP(0) before CR0 changes (SDM Vol. 3 §4.4.1).
            try memory.setPaging(cr0: new, cr3: cr3, cr4: cr4, nxe: msr.efer & ModelSpecificRegisters.eferNXE != 0)
            cr0 = new
            updateAlignmentChecking()
        case 2: cr2 = v
        case 3:
            try memory.loadCR3(v)
            cr3 = v
        case 4:
            if v & ~CPU.cr4Writable != 0 { throw Fault.gp() }
            try memory.setPaging(cr0: cr0, cr3: cr3, cr4: v, nxe: msr.efer & ModelSpecificRegisters.eferNXE != 0)
            let debugExtensionsChanged = (cr4 ^ v) & CPU.cr4DE != 0
            cr4 = v
            if debugExtensionsChanged { updateBreakpoints() }
        default: throw Fault.ud
        }
    }

    /// Group 7 (0F 01): SGDT, SIDT, LGDT, LIDT, SMSW, LMSW, INVLPG, and RDTSCP
    /// (0F 01 F9). All but the stores (SGDT, SIDT, SMSW) and RDTSCP need CPL 0.
    func group7(_ i: DecodedInstruction) throws(Fault) {
        if i.reg == 7 && i.registerForm {
            // F9 is RDTSCP; F8 (SWAPGS) exists in 64-bit mode only.
            guard i.rm == 1 else { throw Fault.ud }
            try readTimeStamp()
            set32(Reg.ecx, msr.timeStampAuxiliary)
            return
        }
        if i.reg == 2 || i.reg == 3 || i.reg == 6 || i.reg == 7 { try requirePrivilegeLevel0() }
        switch i.reg {
        case 0, 1, 2, 3:
            guard !i.registerForm else { throw Fault.ud }
            let ea = effectiveAddress(i)
            // The 6-byte operand must lie within the limit as a whole, checked
            // before anything is stored; its upper part does not wrap to offset 0.
            _ = try linear(segment: Int(i.segment), offset: ea, size: 6, write: i.reg < 2)
            let baseOffset = ea &+ 2
            if i.reg < 2 {
                // Both operand sizes store the full 32-bit base (SDM Vol. 2, SGDT).
                let table = i.reg == 0 ? gdtr : idtr
                try writeMemory(segment: Int(i.segment), offset: ea, size: 2, UInt32(table.limit))
                try writeMemory(segment: Int(i.segment), offset: baseOffset, size: 4, table.base)
            } else {
                let limit = UInt16(truncatingIfNeeded: try readMemory(segment: Int(i.segment), offset: ea, size: 2))
                var base = try readMemory(segment: Int(i.segment), offset: baseOffset, size: 4)
                if i.operandSize == 2 { base &= 0x00FF_FFFF }
                if i.reg == 2 { gdtr = DescriptorTableRegister(base: base, limit: limit) } else { idtr = DescriptorTableRegister(base: base, limit: limit) }
            }
        case 4: // SMSW
            if i.registerForm { setReg(i.rm, size: i.operandSize, cr0 & CPU.mask(i.operandSize)) } else { try writeRM(i, size: 2, cr0) }
        case 6: // LMSW: loads PE, MP, EM, TS and cannot clear PE
            let v = try readRM(i, size: 2)
            cr0 = (cr0 & ~0xE) | (v & 0xF) | (cr0 & 1)
        case 7: // INVLPG
            guard !i.registerForm else { throw Fault.ud }
            memory.invalidatePage(try operandAddress(i, size: 1))
        default:
            throw Fault.ud
        }
    }

    /// CPUID (0F A2): exactly what this CPU implements (SDM Vol. 2, "CPUID").
    /// Leaf 1 EDX: VME (1), DE (2), PSE (3), TSC (4), MSR (5), PAE (6), SEP (11), MTRR (12),
    /// PGE (13), CMOV (15), PAT (16), PSE-36 (17); leaf 80000001H EDX: NX (20), RDTSCP (27).
    /// A basic leaf above the maximum returns the highest basic leaf, as Intel processors do.
    func cpuid() {
        let leaf = get32(Reg.eax)
        var a: UInt32 = 0, b: UInt32 = 0, c: UInt32 = 0, d: UInt32 = 0
        switch leaf {
        case 0:
            a = 1
            b = 0x756E_6547 // "Genu"
            d = 0x4965_6E69 // "ineI"
            c = 0x6C65_746E // "ntel"
        case 0x8000_0000:
            a = 0x8000_0001
        case 0x8000_0001:
            d = 1 << 20 | 1 << 27 // NX (EFER.NXE), RDTSCP
        case 0x8000_0002...:
            break
        default:
            a = 0x0000_0611 // family 6, model 1, stepping 1
            d = 1 << 1 | 1 << 2 | 1 << 3 | 1 << 4 | 1 << 5 | 1 << 6 | 1 << 11 | 1 << 12 | 1 << 13 | 1 << 15
                | 1 << 16 | 1 << 17
        }
        set32(Reg.eax, a); set32(Reg.ebx, b); set32(Reg.ecx, c); set32(Reg.edx, d)
    }

    /// The time-stamp counter counts retired instructions (and the board adds the
    /// instruction times skipped while halted), so it is deterministic.
    public var timeStampCounter: UInt64 { instructionCount &+ tscOffset }

    /// RDTSC and the counter half of RDTSCP: CR4.TSD restricts them to CPL 0.
    func readTimeStamp() throws(Fault) {
        if cr4 & 4 != 0 && cpl != 0 { throw Fault.gp() }
        let t = timeStampCounter
        set32(Reg.eax, UInt32(truncatingIfNeeded: t))
        set32(Reg.edx, UInt32(truncatingIfNeeded: t >> 32))
    }

    /// Privileged instructions raise #GP(0) outside ring 0 (SDM Vol. 3 §5.9).
    @inline(__always) func requirePrivilegeLevel0() throws(Fault) {
        if cpl != 0 { throw Fault.gp() }
    }

    @inline(__always) var iopl: Int { Int(flags.bits >> 12) & 3 }

    /// I/O permission (SDM Vol. 1 §19.5): in protected mode with CPL > IOPL,
    /// and always in virtual-8086 mode, every bit of the TSS I/O bitmap that
    /// covers the accessed ports must be clear; a bitmap outside the TSS limit
    /// (or a 16-bit TSS, which has none) denies access.
    func checkIOPermission(port: UInt16, size: Int) throws(Fault) {
        guard protectedMode && (cpl > iopl || virtual8086Mode) else { return }
        guard tr.attributes & 0x8 != 0, tr.limit >= 0x67 else { throw Fault.gp() }
        let mapBase = try readSupervisor(tr.base &+ 0x66, size: 2)
        let offset = mapBase &+ UInt32(port >> 3)
        if offset &+ 1 > tr.limit { throw Fault.gp() }
        let bits = try readSupervisor(tr.base &+ offset, size: 2) >> UInt32(port & 7)
        if bits & ((1 << UInt32(size)) - 1) != 0 { throw Fault.gp() }
    }

    /// IN and OUT (E4-E7, EC-EF). OUT ends the current run so the board can
    /// react before the next instruction.
    func inputOutput(_ i: DecodedInstruction) throws(Fault) {
        let size = i.size
        let port = i.opcode >= 0xEC ? get16(Reg.edx) : UInt16(i.immediate & 0xFF)
        try checkIOPermission(port: port, size: size)
        noteIOAccess(port: port, size: size)
        if i.opcode & 2 == 0 {
            setReg(Reg.eax, size: size, bus.portIn(port, size: size) & CPU.mask(size))
        } else {
            bus.portOut(port, size: size, value: getReg(Reg.eax, size: size))
            stopRequested = true
        }
    }
}
