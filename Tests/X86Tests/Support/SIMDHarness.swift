@testable import X86

/// What a block left behind in `SIMDHarness`, or where it faulted.
struct SIMDBlockOutcome {
    /// The exception vector, nil when the block ran to its end.
    var fault: UInt8?
    var errorCode: UInt32 = 0
    /// RIP in the frame the exception pushed (0 without one).
    var faultRIP: UInt64 = 0
    /// RAX RCX RDX RBX RSP RBP RSI RDI R8..R15: after the block, or where the
    /// exception was taken. RSP is not meaningful.
    var registers: [UInt64]
    var rflags: UInt32
    /// The FXSAVE64 image the block stored at its end, or the one the exception
    /// handler stored.
    var state: FXSaveImage
    /// False after #UD and #NM in SwiftPC, whose handlers do not store the state.
    var stateCaptured = true
    var data: [UInt8]
    /// Host only: signal number << 16 | si_code of the fault.
    var signal: UInt32 = 0
}

/// Runs blocks of x87/MMX/SSE code in SwiftPC in 64-bit mode at CPL 3 under
/// 4-level paging (SDM Vol. 3 §4.5), laid out like the host's user process in
/// Tests/NativeRunner/simd_runner.c: the code at `codeBase`, the data buffer at
/// `dataBase`, the FXSAVE areas at `stateIn` and `stateOut`, and the selectors
/// Linux gives a 64-bit process (CS 33h, SS 2Bh, null DS/ES), so that FIP,
/// FDP and the FCS/FDS fields of FNSTENV/FNSAVE compare. CR0 has NE and MP
/// (x87 errors raise #MF, SDM Vol. 3 §2.5) and CR4 has OSFXSR and OSXMMEXCPT
/// (SSE enabled, SIMD exceptions raise #XM, SDM Vol. 3 §13.1.3), as on Linux.
///
/// Physical layout (identity-mapped below 0xC000, supervisor-only): PML4 0x1000,
/// PDPT 0x2000, page directory 0x3000, page tables 0x4000 (the low 2 MiB),
/// 0x5000 (the code) and 0x6000 (the data), GDT 0x7000, IDT 0x8000, handler
/// stubs at 0x9000 (16 bytes each), the 64-bit TSS at 0xA000, the handlers'
/// FXSAVE area at 0xB000 and the ring-0 stack below 0xC000. The code frame
/// 0xC000 is mapped user read-only at `codeBase`, the user stack frame 0xD000
/// after it, the data frame 0xE000 at `dataBase` and the state frame 0xF000
/// after that. Every exception goes to a stub that stores FXSAVE64 at 0xB000
/// (FXSAVE does not deliver a pending x87 exception, SDM Vol. 2A "FXSAVE") and
/// halts, but for #UD and #NM, whose stubs only halt: those are what an
/// FXSAVE SwiftPC lacks raises, and a fault in a stub then shows its frame's
/// RIP in the stub it came from. The block ends with HLT, which at CPL 3 raises #GP(0) at that HLT:
/// that fault is the block's normal end.
final class SIMDHarness {
    let bus = TestBus(ramSize: 2 << 20)
    var cpu: CPU { bus.cpu }
    typealias H = SIMDHarness
    static let kernelCode: UInt16 = 0x10, userData: UInt16 = 0x2B, userCode: UInt16 = 0x33, tssSelector: UInt16 = 0x38
    static let pml4 = 0x1000, pdpt = 0x2000, directory = 0x3000
    static let lowTable = 0x4000, codeTable = 0x5000, dataTable = 0x6000
    static let gdt = 0x7000, idt = 0x8000, handlers = 0x9000, tss = 0xA000, faultState = 0xB000
    static let kernelStackTop: UInt64 = 0xC000
    static let codeFrame = 0xC000, userStackFrame = 0xD000, dataFrame = 0xE000, stateFrame = 0xF000
    /// The linear addresses, the same as in simd_runner.c.
    static let codeBase: UInt64 = 0x1F00_0000, dataBase: UInt64 = 0x2000_0000
    static let stateIn: UInt64 = dataBase + 0x1000, stateOut: UInt64 = dataBase + 0x1200
    static let dataSize = 512
    static let userStackTop = codeBase + 0x2000
    static let present: UInt64 = 1, writable: UInt64 = 2, user: UInt64 = 4, executeDisable: UInt64 = 1 << 63
    /// Instructions a block may take, counting the handler stub.
    static let budget = 64

    init() {
        func put64(_ address: Int, _ v: UInt64) { bus.ram.storeBytes(of: v, toByteOffset: address, as: UInt64.self) }
        let pw = H.present | H.writable
        put64(H.pml4, UInt64(H.pdpt) | pw | H.user)
        put64(H.pdpt, UInt64(H.directory) | pw | H.user)
        put64(H.directory, UInt64(H.lowTable) | pw)
        put64(H.directory + Int(H.codeBase >> 21 & 511) * 8, UInt64(H.codeTable) | pw | H.user)
        put64(H.directory + Int(H.dataBase >> 21 & 511) * 8, UInt64(H.dataTable) | pw | H.user)
        for page in 1..<H.codeFrame / 0x1000 { put64(H.lowTable + page * 8, UInt64(page * 0x1000) | pw) }
        let codeEntry = H.codeTable + Int(H.codeBase >> 12 & 511) * 8
        put64(codeEntry, UInt64(H.codeFrame) | H.present | H.user)
        put64(codeEntry + 8, UInt64(H.userStackFrame) | pw | H.user | H.executeDisable)
        let dataEntry = H.dataTable + Int(H.dataBase >> 12 & 511) * 8
        put64(dataEntry, UInt64(H.dataFrame) | pw | H.user | H.executeDisable)
        put64(dataEntry + 8, UInt64(H.stateFrame) | pw | H.user | H.executeDisable)

        // Linux's GDT order: 10h kernel code, 18h kernel data, 2Bh user data, 33h 64-bit user code, 38h the TSS.
        let descriptors: [UInt64] = [0, 0, 0x00AF_9B00_0000_FFFF, 0x00CF_9300_0000_FFFF, 0, 0x00CF_F300_0000_FFFF, 0x00AF_FB00_0000_FFFF]
        for (k, d) in descriptors.enumerated() { put64(H.gdt + 8 * k, d) }
        let fxsave: [UInt8] = [0x48, 0x0F, 0xAE, 0x04, 0x25] + SIMDHarness.littleEndian(UInt32(H.faultState))
        for v in 0..<256 {
            let handler = UInt64(H.handlers + v * 16)
            let gate = H.idt + v * 16
            put64(gate, handler & 0xFFFF | UInt64(H.kernelCode) << 16 | 0x8E00 << 32 | (handler >> 16 & 0xFFFF) << 48)
            put64(gate + 8, handler >> 32)
            let stub = v == 6 || v == 7 ? [0xF4] : fxsave + [0xF4]
            for (k, b) in stub.enumerated() { bus.ram.storeBytes(of: b, toByteOffset: Int(handler) + k, as: UInt8.self) }
        }
        put64(H.tss + 4, H.kernelStackTop)   // RSP0

        cpu.gdtr = DescriptorTableRegister(base: UInt64(H.gdt), limit: UInt16(descriptors.count * 8 + 15))
        cpu.idtr = DescriptorTableRegister(base: UInt64(H.idt), limit: 256 * 16 - 1)
        cpu.tr = SegmentRegister(selector: H.tssSelector, base: UInt64(H.tss), limit: 0x67, attributes: 0x8B)
        cpu.msr.efer = ModelSpecificRegisters.eferLME | ModelSpecificRegisters.eferLMA | ModelSpecificRegisters.eferNXE
        cpu.cr0 = 0x8001_0033   // PG, WP, NE, ET, MP, PE
        cpu.cr4 = 0x620         // OSXMMEXCPT, OSFXSR, PAE
        cpu.cr3 = UInt64(H.pml4)
        try! cpu.memory.setPaging(cr0: cpu.cr0, cr3: cpu.cr3, cr4: cpu.cr4, nxe: true, longMode: true)
    }

    static func littleEndian(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    /// The block as both sides run it: FXRSTOR64 [stateIn], `body`, FXSAVE64 [stateOut].
    static func block(_ body: [UInt8]) -> [UInt8] { prologue + body + epilogue }
    static let prologue: [UInt8] = [0x48, 0x0F, 0xAE, 0x0C, 0x25] + littleEndian(UInt32(stateIn))
    static let epilogue: [UInt8] = [0x48, 0x0F, 0xAE, 0x04, 0x25] + littleEndian(UInt32(stateOut))

    /// Runs `code` (a whole block) at CPL 3 from `registers` (RSP excepted),
    /// `rflags`, the FXSAVE image `state` at `stateIn` and `data` at `dataBase`.
    func run(code: [UInt8], registers: [UInt64], rflags: UInt32, state: FXSaveImage, data: [UInt8]) -> SIMDBlockOutcome {
        bus.load(code + [0xF4], at: H.codeFrame)
        state.bytes.withUnsafeBytes { (bus.ram + H.stateFrame).copyMemory(from: $0.baseAddress!, byteCount: 512) }
        (bus.ram + H.stateFrame + 0x200).initializeMemory(as: UInt8.self, repeating: 0, count: 512)
        (bus.ram + H.faultState).initializeMemory(as: UInt8.self, repeating: 0, count: 512)
        data.withUnsafeBytes { (bus.ram + H.dataFrame).copyMemory(from: $0.baseAddress!, byteCount: H.dataSize) }

        cpu.segments[SegmentIndex.cs] = SegmentRegister(selector: H.userCode, base: 0, limit: 0xFFFF_FFFF, attributes: 0xAFB)
        cpu.segments[SegmentIndex.ss] = SegmentRegister(selector: H.userData, base: 0, limit: 0xFFFF_FFFF, attributes: 0xCF3)
        for s in [SegmentIndex.ds, SegmentIndex.es, SegmentIndex.fs, SegmentIndex.gs] {
            cpu.segments[s] = SegmentRegister(selector: 0, base: 0, limit: 0, attributes: 0)
        }
        if cpu.cpl != 3 { cpu.cpl = 3 }
        for r in 0..<16 { cpu.set64(r, registers[r]) }
        cpu.set64(Reg.esp, H.userStackTop)
        cpu.eflags = rflags
        cpu.rip = H.codeBase
        cpu.halted = false
        _ = cpu.run(budget: H.budget)

        var outcome = SIMDBlockOutcome(registers: (0..<16).map { cpu.get64($0) }, rflags: cpu.eflags,
                                  state: FXSaveImage(), data: [UInt8](repeating: 0, count: H.dataSize))
        outcome.data.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: bus.ram + H.dataFrame, count: H.dataSize)) }
        let end = H.codeBase + UInt64(code.count)
        guard cpu.halted && cpu.segments[SegmentIndex.cs].selector == H.kernelCode else {
            // Still at CPL 3 or not halted: the block ran away (a bug shown as vector 255 at RIP).
            outcome.fault = 0xFF
            outcome.faultRIP = cpu.rip
            return outcome
        }
        let vector = UInt8(truncatingIfNeeded: (cpu.rip &- UInt64(H.handlers)) / 16)
        var frame = Int(truncatingIfNeeded: cpu.get64(Reg.esp))
        var errorCode: UInt32 = 0
        if LongModeHarness.errorCodeVectors.contains(vector) && frame >= 0 && frame + 8 <= bus.ramSize {
            errorCode = UInt32(truncatingIfNeeded: bus.ram.load(fromByteOffset: frame, as: UInt64.self))
            frame += 8
        }
        guard frame >= 0 && frame + 24 <= bus.ramSize else {
            outcome.fault = vector
            return outcome
        }
        let rip = bus.ram.load(fromByteOffset: frame, as: UInt64.self)
        outcome.rflags = UInt32(truncatingIfNeeded: bus.ram.load(fromByteOffset: frame + 16, as: UInt64.self))
        let image = vector == 13 && rip == end ? H.stateFrame + 0x200 : H.faultState
        outcome.state.bytes.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: bus.ram + image, count: 512)) }
        if vector != 13 || rip != end {
            outcome.stateCaptured = vector != 6 && vector != 7
            outcome.fault = vector
            outcome.errorCode = errorCode
            outcome.faultRIP = rip
        }
        return outcome
    }

    /// CPUID leaf 1 as SwiftPC reports it to CPL 3: (ECX, EDX).
    func cpuidLeaf1() -> (ecx: UInt32, edx: UInt32) {
        var registers = [UInt64](repeating: 0, count: 16)
        registers[0] = 1
        let out = run(code: [0x0F, 0xA2], registers: registers, rflags: 2, state: FXSaveImage(), data: [UInt8](repeating: 0, count: H.dataSize))
        return (UInt32(truncatingIfNeeded: out.registers[1]), UInt32(truncatingIfNeeded: out.registers[2]))
    }
}
