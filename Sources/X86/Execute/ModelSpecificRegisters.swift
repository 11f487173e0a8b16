/// RDMSR/WRMSR and the MSRs of a P6-class processor with Intel 64 that this
/// CPU implements (SDM Vol. 4, Table 2-2 "IA-32 Architectural MSRs"), and
/// SYSENTER/SYSEXIT, which take their targets from three of them (SDM Vol. 2
/// "SYSENTER", "SYSEXIT"). Any other MSR raises #GP(0), as on hardware.
public struct ModelSpecificRegisters {
    public static let timeStampCounter: UInt32 = 0x10, apicBase: UInt32 = 0x1B, biosSignature: UInt32 = 0x8B
    public static let mtrrCapabilities: UInt32 = 0xFE
    public static let sysenterCS: UInt32 = 0x174, sysenterESP: UInt32 = 0x175, sysenterEIP: UInt32 = 0x176
    public static let mtrrDefaultType: UInt32 = 0x2FF
    public static let pageAttributeTable: UInt32 = 0x277
    public static let timeStampAuxiliary: UInt32 = 0xC000_0103
    /// IA32_EFER (SDM Vol. 3 §2.2.1): SYSCALL enable, IA-32e mode enable and
    /// active (read-only), execute-disable enable.
    public static let efer: UInt32 = 0xC000_0080
    public static let eferSCE: UInt64 = 1 << 0, eferLME: UInt64 = 1 << 8, eferLMA: UInt64 = 1 << 10
    public static let eferNXE: UInt64 = 1 << 11
    /// The SYSCALL/SYSRET MSRs (SDM Vol. 3 §5.8.8) and the FS/GS bases (§3.4.4).
    public static let star: UInt32 = 0xC000_0081, longModeSyscallTarget: UInt32 = 0xC000_0082
    public static let compatibilitySyscallTarget: UInt32 = 0xC000_0083, syscallFlagMask: UInt32 = 0xC000_0084
    public static let fsBase: UInt32 = 0xC000_0100, gsBase: UInt32 = 0xC000_0101
    public static let kernelGSBase: UInt32 = 0xC000_0102

    public var efer: UInt64 = 0

    public var sysenterCS: UInt32 = 0
    public var sysenterESP: UInt64 = 0
    public var sysenterEIP: UInt64 = 0
    /// IA32_STAR: SYSRET's CS/SS base selector in 63:48, SYSCALL's in 47:32,
    /// the legacy-mode SYSCALL target EIP in 31:0.
    public var star: UInt64 = 0
    /// IA32_LSTAR and IA32_CSTAR: the SYSCALL targets from 64-bit and compatibility mode.
    public var longModeSyscallTarget: UInt64 = 0
    public var compatibilitySyscallTarget: UInt64 = 0
    /// IA32_FMASK: the RFLAGS bits SYSCALL clears.
    public var syscallFlagMask: UInt32 = 0
    /// IA32_KERNEL_GS_BASE: what SWAPGS exchanges with the GS base.
    public var kernelGSBase: UInt64 = 0
    /// IA32_PAT: eight memory types, one a byte; the power-up value (SDM Vol. 3
    /// §11.12.4). Like the MTRRs it is kept but does not change what an access returns.
    public var pageAttributeTable: UInt64 = 0x0007_0406_0007_0406
    /// IA32_TSC_AUX, which RDTSCP returns in ECX (an OS puts the processor number there).
    public var timeStampAuxiliary: UInt32 = 0
    /// Variable-range MTRR base/mask pairs (200H-20FH), the fixed-range MTRRs
    /// (250H, 258H, 259H, 268H-26FH) and the default type (2FFH): stored, not
    /// acted on, as memory types do not change what an emulated access returns.
    var mtrrs: [UInt32: UInt64] = [:]

    public init() {}

    /// MTRRcap: 8 variable ranges, fixed ranges supported, no write-combining.
    static let mtrrCapabilitiesValue: UInt64 = 0x108

    static func isMTRR(_ index: UInt32) -> Bool {
        (0x200...0x20F).contains(index) || index == 0x250 || index == 0x258 || index == 0x259
            || (0x268...0x26F).contains(index) || index == mtrrDefaultType
    }
}

extension CPU {
    /// RDMSR (0F 32) and WRMSR (0F 30): ECX names the MSR, EDX:EAX holds the value.
    func modelSpecificRegister(write: Bool) throws(Fault) {
        let index = get32(Reg.ecx)
        let value = UInt64(get32(Reg.edx)) << 32 | UInt64(get32(Reg.eax))
        var result: UInt64 = 0
        // The MSRs that hold linear addresses take canonical ones only.
        @inline(__always) func canonical(_ v: UInt64) throws(Fault) -> UInt64 {
            if !CPU.isCanonical(v) { throw Fault.gp() }
            return v
        }
        switch index {
        case ModelSpecificRegisters.timeStampCounter:
            if write { tscOffset = value &- instructionCount } else { result = timeStampCounter }
        case ModelSpecificRegisters.apicBase:
            // No local APIC (CPUID.01H:EDX.APIC = 0): the base reads as the default
            // address with this processor the bootstrap one and the APIC disabled.
            if write { throw Fault.gp() }
            result = 0xFEE0_0100
        case ModelSpecificRegisters.biosSignature:
            // No microcode updates: the signature reads 0 and writes are accepted.
            result = 0
        case ModelSpecificRegisters.mtrrCapabilities:
            if write { throw Fault.gp() }
            result = ModelSpecificRegisters.mtrrCapabilitiesValue
        case ModelSpecificRegisters.efer:
            if write {
                let writable = ModelSpecificRegisters.eferSCE | ModelSpecificRegisters.eferLME | ModelSpecificRegisters.eferNXE
                if value & ~(writable | ModelSpecificRegisters.eferLMA) != 0 { throw Fault.gp() }
                // LME cannot change while paging is on (SDM Vol. 3 §9.8.5); LMA is read-only.
                if cr0 & 0x8000_0000 != 0 && (value ^ msr.efer) & ModelSpecificRegisters.eferLME != 0 { throw Fault.gp() }
                let new = (value & writable) | (msr.efer & ModelSpecificRegisters.eferLMA)
                try memory.setPaging(cr0: cr0, cr3: cr3, cr4: cr4, nxe: new & ModelSpecificRegisters.eferNXE != 0, longMode: longMode)
                msr.efer = new
            } else {
                result = msr.efer
            }
        case ModelSpecificRegisters.sysenterCS:
            if write { msr.sysenterCS = UInt32(truncatingIfNeeded: value) } else { result = UInt64(msr.sysenterCS) }
        case ModelSpecificRegisters.sysenterESP:
            if write { msr.sysenterESP = try canonical(value) } else { result = msr.sysenterESP }
        case ModelSpecificRegisters.sysenterEIP:
            if write { msr.sysenterEIP = try canonical(value) } else { result = msr.sysenterEIP }
        case ModelSpecificRegisters.star:
            if write { msr.star = value } else { result = msr.star }
        case ModelSpecificRegisters.longModeSyscallTarget:
            if write { msr.longModeSyscallTarget = try canonical(value) } else { result = msr.longModeSyscallTarget }
        case ModelSpecificRegisters.compatibilitySyscallTarget:
            if write { msr.compatibilitySyscallTarget = try canonical(value) } else { result = msr.compatibilitySyscallTarget }
        case ModelSpecificRegisters.syscallFlagMask:
            // Bits 63:32 are reserved and read as 0.
            if write { msr.syscallFlagMask = UInt32(truncatingIfNeeded: value) } else { result = UInt64(msr.syscallFlagMask) }
        case ModelSpecificRegisters.fsBase:
            if write { segments[SegmentIndex.fs].base = try canonical(value) } else { result = segments[SegmentIndex.fs].base }
        case ModelSpecificRegisters.gsBase:
            if write { segments[SegmentIndex.gs].base = try canonical(value) } else { result = segments[SegmentIndex.gs].base }
        case ModelSpecificRegisters.kernelGSBase:
            if write { msr.kernelGSBase = try canonical(value) } else { result = msr.kernelGSBase }
        case ModelSpecificRegisters.pageAttributeTable:
            if write {
                // Types 2 and 3 are reserved, as are 8 and up: #GP(0) (SDM Vol. 3 §11.12.2).
                for k in stride(from: 0, to: 64, by: 8) where [2, 3].contains(value >> UInt64(k) & 0xFF) || value >> UInt64(k) & 0xF8 != 0 {
                    throw Fault.gp()
                }
                msr.pageAttributeTable = value
            } else {
                result = msr.pageAttributeTable
            }
        case ModelSpecificRegisters.timeStampAuxiliary:
            if write {
                if value >> 32 != 0 { throw Fault.gp() }
                msr.timeStampAuxiliary = UInt32(value)
            } else {
                result = UInt64(msr.timeStampAuxiliary)
            }
        case _ where ModelSpecificRegisters.isMTRR(index):
            if write { msr.mtrrs[index] = value } else { result = msr.mtrrs[index] ?? 0 }
        default:
            throw Fault.gp()
        }
        if !write {
            set32(Reg.eax, UInt32(truncatingIfNeeded: result))
            set32(Reg.edx, UInt32(truncatingIfNeeded: result >> 32))
        }
    }

    /// The flat segments SYSENTER, SYSEXIT, SYSCALL and SYSRET load (base 0,
    /// 4 GiB): 32-bit, or 64-bit code (L = 1, D = 0) when `long`.
    func flatSegment(_ selector: UInt16, code: Bool, dpl: Int, long: Bool = false) -> SegmentRegister {
        let access: UInt16 = (code ? 0x9B : 0x93) | UInt16(dpl) << 5
        let size: UInt16 = long && code ? 0xA00 : 0xC00
        return SegmentRegister(selector: selector, base: 0, limit: 0xFFFF_FFFF, attributes: access | size)
    }

    /// SYSENTER (0F 34): to ring 0 at SYSENTER_CS:SYSENTER_EIP with SYSENTER_ESP,
    /// into 64-bit mode when IA-32e mode is active.
    func systemEnter() throws(Fault) {
        let cs = UInt16(truncatingIfNeeded: msr.sysenterCS)
        if !protectedMode || cs & 0xFFFC == 0 { throw Fault.gp() }
        let long = longMode
        flags.bits &= ~(LazyFlags.vm | LazyFlags.intf | LazyFlags.rf)
        segments[SegmentIndex.cs] = flatSegment(cs & 0xFFFC, code: true, dpl: 0, long: long)
        segments[SegmentIndex.ss] = flatSegment((cs & 0xFFFC) &+ 8, code: false, dpl: 0)
        cpl = 0
        if long {
            set64(Reg.esp, msr.sysenterESP)
            rip = msr.sysenterEIP
        } else {
            set32(Reg.esp, UInt32(truncatingIfNeeded: msr.sysenterESP))
            rip = msr.sysenterEIP & 0xFFFF_FFFF
        }
    }

    /// SYSEXIT (0F 35): back to ring 3 at (SYSENTER_CS+16):EDX with ESP = ECX;
    /// with REX.W, to 64-bit code at (SYSENTER_CS+32):RDX with RSP = RCX.
    func systemExit(_ i: DecodedInstruction) throws(Fault) {
        let cs = UInt16(truncatingIfNeeded: msr.sysenterCS)
        if !protectedMode || cpl != 0 || cs & 0xFFFC == 0 { throw Fault.gp() }
        let wide = i.operandSize == 8
        if wide && (!CPU.isCanonical(get64(Reg.edx)) || !CPU.isCanonical(get64(Reg.ecx))) { throw Fault.gp() }
        let codeSelector = ((cs & 0xFFFC) &+ (wide ? 32 : 16)) | 3
        segments[SegmentIndex.cs] = flatSegment(codeSelector, code: true, dpl: 3, long: wide)
        segments[SegmentIndex.ss] = flatSegment((codeSelector &+ 8) | 3, code: false, dpl: 3)
        cpl = 3
        if wide {
            set64(Reg.esp, get64(Reg.ecx))
            rip = get64(Reg.edx)
        } else {
            set32(Reg.esp, get32(Reg.ecx))
            rip = UInt64(get32(Reg.edx))
        }
    }
}
