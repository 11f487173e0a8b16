/// System instructions legal in real mode (SDM Vol. 3 §2.8 and Vol. 2): control
/// and debug register moves, LGDT/LIDT/SGDT/SIDT, SMSW/LMSW, CLTS, CPUID, RDTSC,
/// RDMSR/WRMSR, HLT, CLI/STI, IN/OUT, INVD/WBINVD.
extension CPU {
    /// CR0 bits this CPU implements: PE MP EM TS ET NE WP AM NW CD PG.
    static let cr0Writable: UInt32 = 0xE005_003F
    /// CR4 bits this CPU implements: VME, PVI, TSD (time-stamp disable), DE, PSE, PAE, PGE,
    /// OSFXSR and OSXMMEXCPT.
    static let cr4Writable: UInt32 = 0x0000_06BF
    /// MAXPHYADDR: physical addresses have 36 bits (CPUID leaf 80000008H).
    static let physicalAddressBits: UInt64 = 36

    /// MOV CRn, r (0F 22) and MOV r, CRn (0F 20): 64-bit registers in 64-bit
    /// mode, where REX.R reaches CR8, 32-bit ones elsewhere.
    func moveControlRegister(_ i: DecodedInstruction, toControl: Bool) throws(Fault) {
        let r = i.rm & 15, n = i.reg & 15
        let long = mode64
        if !toControl {
            let v: UInt64
            switch n {
            case 0: v = UInt64(cr0)
            case 2: v = cr2
            case 3: v = cr3
            case 4: v = UInt64(cr4)
            case 8 where long: v = cr8
            default: throw Fault.ud
            }
            if long { set64(r, v) } else { set32(r, UInt32(truncatingIfNeeded: v)) }
            return
        }
        let v = long ? get64(r) : UInt64(get32(r))
        let nxe = msr.efer & ModelSpecificRegisters.eferNXE != 0
        switch n {
        case 0:
            // Bits 63:32 are reserved; PG without PE, or NW without CD, is #GP(0) (SDM Vol. 3 §2.5).
            if v >> 32 != 0 { throw Fault.gp() }
            let value = UInt32(v)
            if value & 0x8000_0000 != 0 && value & 1 == 0 { throw Fault.gp() }
            if value & 0x2000_0000 != 0 && value & 0x4000_0000 == 0 { throw Fault.gp() }
            let new = (value & CPU.cr0Writable) | 0x10
            let efer = try longModeTransition(cr0: new)
            // Under PAE a bad PDPTE makes the MOV fail with #GP(0) before CR0 changes (SDM Vol. 3 §4.4.1).
            try memory.setPaging(cr0: new, cr3: cr3, cr4: cr4, nxe: nxe, longMode: efer & ModelSpecificRegisters.eferLMA != 0)
            cr0 = new
            msr.efer = efer
            updateAlignmentChecking()
        case 2: cr2 = v
        case 3:
            // Bits above MAXPHYADDR are reserved (SDM Vol. 3 §4.5.2); outside IA-32e mode CR3 is 32 bits.
            let value = longMode ? v : v & 0xFFFF_FFFF
            if value >> CPU.physicalAddressBits != 0 { throw Fault.gp() }
            try memory.loadCR3(value)
            cr3 = value
        case 4:
            if v & ~UInt64(CPU.cr4Writable) != 0 { throw Fault.gp() }
            let value = UInt32(v)
            // IA-32e mode needs PAE paging (SDM Vol. 3 §9.8.5).
            if longMode && value & 0x20 == 0 { throw Fault.gp() }
            try memory.setPaging(cr0: cr0, cr3: cr3, cr4: value, nxe: nxe, longMode: longMode)
            let debugExtensionsChanged = (cr4 ^ value) & CPU.cr4DE != 0
            cr4 = value
            if debugExtensionsChanged { updateBreakpoints() }
        case 8 where long:
            // CR8 bits 63:4 are reserved.
            if v >> 4 != 0 { throw Fault.gp() }
            cr8 = v
        default: throw Fault.ud
        }
    }

    /// The EFER a MOV to CR0 leaves (SDM Vol. 3 §9.8.5, "Initializing IA-32e
    /// Mode"): setting PG with EFER.LME activates IA-32e mode (LMA = 1), which
    /// needs CR4.PAE; clearing PG deactivates it, which is allowed only from
    /// compatibility mode. Either violation is #GP(0).
    func longModeTransition(cr0 new: UInt32) throws(Fault) -> UInt64 {
        var efer = msr.efer
        let pagingBefore = cr0 & 0x8000_0000 != 0, pagingAfter = new & 0x8000_0000 != 0
        if !pagingBefore && pagingAfter && efer & ModelSpecificRegisters.eferLME != 0 {
            if cr4 & 0x20 == 0 { throw Fault.gp() }
            efer |= ModelSpecificRegisters.eferLMA
        } else if pagingBefore && !pagingAfter && efer & ModelSpecificRegisters.eferLMA != 0 {
            if mode64 { throw Fault.gp() }
            efer &= ~ModelSpecificRegisters.eferLMA
        }
        return efer
    }

    /// Group 7 (0F 01): SGDT, SIDT, LGDT, LIDT, SMSW, LMSW, INVLPG, SWAPGS
    /// (0F 01 F8, 64-bit mode only) and RDTSCP (0F 01 F9). All but the stores
    /// (SGDT, SIDT, SMSW) and RDTSCP need CPL 0.
    func group7(_ i: DecodedInstruction) throws(Fault) {
        if i.regField == 7 && i.registerForm {
            switch i.rmField {
            case 0 where mode64: try swapGS()
            case 1:
                try readTimeStamp()
                set32(Reg.ecx, msr.timeStampAuxiliary)
            default: throw Fault.ud
            }
            return
        }
        let op = i.regField
        if op == 2 || op == 3 || op == 6 || op == 7 { try requirePrivilegeLevel0() }
        switch op {
        case 0, 1, 2, 3:
            guard !i.registerForm else { throw Fault.ud }
            let ea = effectiveAddress(i)
            // The operand (6 bytes, 10 in 64-bit mode) must lie within the limit as
            // a whole, checked before anything is stored; its upper part does not
            // wrap to offset 0.
            let baseSize = mode64 ? 8 : 4
            _ = try linear(segment: Int(i.segment), offset: ea, size: 2 + baseSize, write: op < 2)
            let baseOffset = ea &+ 2
            if op < 2 {
                // Both operand sizes store the full 32-bit base (SDM Vol. 2, SGDT).
                let table = op == 0 ? gdtr : idtr
                try writeMemory(segment: Int(i.segment), offset: ea, size: 2, UInt64(table.limit))
                try writeMemory(segment: Int(i.segment), offset: baseOffset, size: baseSize, table.base)
            } else {
                let limit = UInt16(truncatingIfNeeded: try readMemory(segment: Int(i.segment), offset: ea, size: 2))
                var base = try readMemory(segment: Int(i.segment), offset: baseOffset, size: baseSize)
                if i.operandSize == 2 && !mode64 { base &= 0x00FF_FFFF }
                if mode64 && !CPU.isCanonical(base) { throw Fault.gp() }
                if op == 2 { gdtr = DescriptorTableRegister(base: base, limit: limit) } else { idtr = DescriptorTableRegister(base: base, limit: limit) }
            }
        case 4: // SMSW
            if i.registerForm { setReg(i.rm, size: i.operandSize, UInt64(cr0) & CPU.mask(i.operandSize)) } else { try writeRM(i, size: 2, UInt64(cr0)) }
        case 6: // LMSW: loads PE, MP, EM, TS and cannot clear PE
            let v = UInt32(truncatingIfNeeded: try readRM(i, size: 2))
            cr0 = (cr0 & ~0xE) | (v & 0xF) | (cr0 & 1)
        case 7: // INVLPG
            guard !i.registerForm else { throw Fault.ud }
            memory.invalidatePage(try operandAddress(i, size: 1))
        default:
            throw Fault.ud
        }
    }

    /// CPUID (0F A2): exactly what this CPU implements (SDM Vol. 2, "CPUID").
    /// Leaf 1 EDX: VME (1), DE (2), PSE (3), TSC (4), MSR (5), PAE (6), CX8 (8),
    /// SEP (11), MTRR (12), PGE (13), CMOV (15), PAT (16), PSE-36 (17); ECX: CX16 (13).
    /// Leaf 80000001H EDX: SYSCALL (11), NX (20), 1-GByte pages (26), RDTSCP (27),
    /// LM (29); ECX: LAHF/SAHF in 64-bit mode (0). Leaf 80000008H: 36 physical and
    /// 48 linear address bits. A leaf above the maximum of its range returns the
    /// highest basic leaf, as Intel processors do.
    func cpuid() {
        var leaf = get32(Reg.eax)
        if (leaf > 1 && leaf < 0x8000_0000) || leaf > 0x8000_0008 { leaf = 1 }
        var a: UInt32 = 0, b: UInt32 = 0, c: UInt32 = 0, d: UInt32 = 0
        switch leaf {
        case 0:
            a = 1
            b = 0x756E_6547 // "Genu"
            d = 0x4965_6E69 // "ineI"
            c = 0x6C65_746E // "ntel"
        case 1:
            // Family 6, model 15 (0FH), stepping 11: the first family-6 processors
            // with Intel 64; the feature bits, not the model, say what is there.
            a = 0x0000_06FB
            // CLFLUSH line size in 8-byte units.
            b = 8 << 8
            c = 1 << 0 | 1 << 9 | 1 << 13
            d = 1 << 0 | 1 << 1 | 1 << 2 | 1 << 3 | 1 << 4 | 1 << 5 | 1 << 6 | 1 << 8 | 1 << 11 | 1 << 12 | 1 << 13
                | 1 << 15 | 1 << 16 | 1 << 17 | 1 << 19 | 1 << 23 | 1 << 24 | 1 << 25 | 1 << 26
        case 0x8000_0000:
            a = 0x8000_0008
        case 0x8000_0001:
            c = 1 << 0
            d = 1 << 11 | 1 << 20 | 1 << 26 | 1 << 27 | 1 << 29
        case 0x8000_0002...0x8000_0004:
            // The processor brand string, 16 bytes a leaf, NUL-padded.
            let brand = Array("SwiftPC x86-64 interpreter".utf8)
            var words = [UInt32](repeating: 0, count: 4)
            for k in 0..<16 {
                let at = Int(leaf - 0x8000_0002) * 16 + k
                if at < brand.count { words[k / 4] |= UInt32(brand[at]) << (8 * UInt32(k % 4)) }
            }
            a = words[0]; b = words[1]; c = words[2]; d = words[3]
        case 0x8000_0008:
            a = 48 << 8 | UInt32(CPU.physicalAddressBits)
        default:
            break
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
        let offset = mapBase &+ UInt64(port >> 3)
        if offset &+ 1 > UInt64(tr.limit) { throw Fault.gp() }
        let bits = try readSupervisor(tr.base &+ offset, size: 2) >> UInt64(port & 7)
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
            setReg(Reg.eax, size: size, UInt64(bus.portIn(port, size: size)) & CPU.mask(size))
        } else {
            bus.portOut(port, size: size, value: UInt32(truncatingIfNeeded: getReg(Reg.eax, size: size)))
            stopRequested = true
        }
    }
}
