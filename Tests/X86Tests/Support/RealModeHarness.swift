import X86

struct RealModeState: Equatable {
    /// eax ecx edx ebx esp ebp esi edi
    var registers: [UInt32]
    var eflags: UInt32
}

/// Runs single real-mode instructions on a fresh CPU: the code sits at
/// CS:0 with CS = 0x0100, the stack at 0000:8000, and an IVT whose entries all
/// point at a HLT, so a raised exception is seen as a jump to the handler.
final class RealModeHarness {
    let bus = TestBus()
    var cpu: CPU { bus.cpu }
    static let codeSegment: UInt16 = 0x0100
    static let handlerSegment: UInt16 = 0x0800

    init() {
        for v in 0..<256 {
            // Each vector v points at 0800:v, where a HLT waits.
            bus.load([UInt8(v & 0xFF), 0, UInt8(RealModeHarness.handlerSegment & 0xFF), UInt8(RealModeHarness.handlerSegment >> 8)], at: v * 4)
            bus.load([0xF4], at: Int(RealModeHarness.handlerSegment) * 16 + v)
        }
    }

    /// Executes exactly one instruction `code` at CS:0 from `state`. Returns the
    /// state after it, or the exception vector (with the state before it) if it faulted.
    func step(code: [UInt8], state: RealModeState) -> (state: RealModeState, fault: UInt8?) {
        bus.load(code + [0xF4], at: Int(RealModeHarness.codeSegment) * 16)
        cpu.segments[SegmentIndex.cs] = SegmentRegister(selector: RealModeHarness.codeSegment, base: UInt64(RealModeHarness.codeSegment) << 4, limit: 0xFFFF, attributes: 0x9B)
        for s in [SegmentIndex.ds, SegmentIndex.es, SegmentIndex.ss, SegmentIndex.fs, SegmentIndex.gs] {
            cpu.segments[s] = SegmentRegister(selector: 0, base: 0, limit: 0xFFFF, attributes: 0x93)
        }
        for r in 0..<8 { cpu.set32(r, state.registers[r]) }
        if state.registers[Reg.esp] == 0 { cpu.set32(Reg.esp, 0x8000) }
        // Reloading EFLAGS would materialise the lazy flags; leaving them alone when
        // they already match lets a sequence test the lazy path across instructions.
        if cpu.eflags != state.eflags { cpu.eflags = state.eflags }
        cpu.eip = 0
        cpu.halted = false
        let before = RealModeState(registers: (0..<8).map { cpu.get32($0) }, eflags: cpu.eflags)
        _ = cpu.run(budget: 1)
        let cs = cpu.segments[SegmentIndex.cs].selector
        if cs == RealModeHarness.handlerSegment {
            return (before, UInt8(truncatingIfNeeded: cpu.eip))
        }
        return (RealModeState(registers: (0..<8).map { cpu.get32($0) }, eflags: cpu.eflags), nil)
    }
}
