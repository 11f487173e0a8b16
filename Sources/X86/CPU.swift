/// Architectural state of an x86-64 processor: general-purpose registers, RIP,
/// RFLAGS (kept lazily, see `LazyFlags`), segment-register caches, control
/// registers and the descriptor-table registers (Intel SDM Vol. 1 §3.4, §3.2.1;
/// Vol. 3 §2.4-2.5).
///
/// The hot state lives behind pointers held in `let` properties or in
/// `@exclusivity(unchecked)` stored properties so that the interpreter loop pays
/// neither retain/release nor runtime exclusivity checks (DESIGN.md, "The hot path").
public final class CPU {
    /// General-purpose registers RAX..R15, 8 bytes each, then RIP in slot 16
    /// so that RIP-relative addressing reads it as a base register, then the
    /// other words the run loop stores on every instruction (`instructionStart`,
    /// `instructionCount`). Byte registers AH..BH live at byte offset 1 of
    /// registers 0..3. The block is page-aligned: those stores then sit at
    /// fixed page offsets that differ from that of the code-TLB copy the loop
    /// loads (`TLBArrays.currentCodeOffset`), so they never stall it by 4K aliasing.
    public let registers: UnsafeMutableRawPointer
    static let registerSlots = 32
    static let ripSlot = 16, instructionStartSlot = 17, instructionCountSlot = 18
    /// ES, CS, SS, DS, FS, GS in their encoding order (SDM Vol. 2 §3.1.1.6, "Sreg").
    public let segments: UnsafeMutablePointer<SegmentRegister>

    @exclusivity(unchecked) public var flags = LazyFlags()
    @exclusivity(unchecked) public var cr0: UInt32 = 0x6000_0010
    @exclusivity(unchecked) public var cr2: UInt64 = 0
    @exclusivity(unchecked) public var cr3: UInt64 = 0
    @exclusivity(unchecked) public var cr4: UInt32 = 0
    /// CR8: the task-priority register of 64-bit mode, bits 3:0 (SDM Vol. 3 §10.8.6.1).
    /// With no local APIC it only holds its value.
    @exclusivity(unchecked) public var cr8: UInt64 = 0
    /// Current privilege level: 0 in real mode, 3 in virtual-8086 mode, and in
    /// protected mode the level the last code-segment load set (SDM Vol. 3 §5.5).
    @exclusivity(unchecked) public internal(set) var cpl = 0 {
        didSet {
            updateAlignmentChecking()
            // CPL 3 accesses are user accesses for paging (SDM Vol. 3 §4.6).
            memory.userMode = cpl == 3
        }
    }
    /// 0x8000 while alignment checking is on (CR0.AM, EFLAGS.AC, CPL 3): OR-ed
    /// into the segment attributes on each access, it sends every access to the
    /// slow path, which raises #AC(0) for a misaligned one (SDM Vol. 3 §6.15,
    /// "Interrupt 17"), at no cost while it is off.
    @exclusivity(unchecked) var alignmentCheckBit: UInt16 = 0
    /// LDTR and TR with their descriptor caches (SDM Vol. 3 §2.4.3, §2.4.4).
    @exclusivity(unchecked) public var ldtr = SegmentRegister(selector: 0, base: 0, limit: 0xFFFF, attributes: 0x82)
    @exclusivity(unchecked) public var tr = SegmentRegister(selector: 0, base: 0, limit: 0xFFFF, attributes: 0x8B)
    @exclusivity(unchecked) public var gdtr = DescriptorTableRegister(base: 0, limit: 0xFFFF)
    @exclusivity(unchecked) public var idtr = DescriptorTableRegister(base: 0, limit: 0x3FF)
    public var msr = ModelSpecificRegisters()
    /// DR0-DR7 (SDM Vol. 3 §18.2), armed by `updateBreakpoints` (DebugExceptions.swift).
    public internal(set) var debugRegisters: [UInt64] = [0, 0, 0, 0, 0, 0, UInt64(DebugStatus.fixedOnes), UInt64(DebugControl.fixedOnes)]
    /// RIP of the instruction being executed: where faults and restarts return to.
    @inline(__always) public internal(set) var instructionStart: UInt64 {
        get { registers.load(fromByteOffset: CPU.instructionStartSlot * 8, as: UInt64.self) }
        set { registers.storeBytes(of: newValue, toByteOffset: CPU.instructionStartSlot * 8, as: UInt64.self) }
    }
    /// Time-stamp counter: counts retired instructions, so it is deterministic.
    @inline(__always) public var instructionCount: UInt64 {
        get { registers.load(fromByteOffset: CPU.instructionCountSlot * 8, as: UInt64.self) }
        set { registers.storeBytes(of: newValue, toByteOffset: CPU.instructionCountSlot * 8, as: UInt64.self) }
    }
    @exclusivity(unchecked) public var tscOffset: UInt64 = 0

    /// Work at the next instruction boundary: bit 0 the INTR line, bit 1 a
    /// pending NMI, bit 2 debug work (`CPU.debugEvent`), bit 3 an interrupt
    /// shadow, bit 4 a tracer (`CPU.traceEvent`), bit 5 a stop (`stopRequested`).
    /// One word, so that the loop tests them all with a single load.
    @exclusivity(unchecked) var pendingEvents: UInt8 = 0
    /// Set by the board while the INTR line is asserted.
    public var interruptRequested: Bool {
        get { pendingEvents & 1 != 0 }
        set { pendingEvents = newValue ? pendingEvents | 1 : pendingEvents & ~1 }
    }
    /// An NMI waits here until delivered; a delivered one blocks further NMIs
    /// until the next IRET (SDM Vol. 3 §6.7.1).
    public var nmiPending: Bool {
        get { pendingEvents & 2 != 0 }
        set { pendingEvents = newValue ? pendingEvents | 2 : pendingEvents & ~2 }
    }
    @exclusivity(unchecked) var nmiBlocked = false
    /// True between HLT and the next interrupt.
    @exclusivity(unchecked) public var halted = false
    /// Interrupts are inhibited for the instruction after STI (when IF was 0),
    /// MOV SS and POP SS (SDM Vol. 3 §6.8.3).
    static let shadowEvent: UInt8 = 8
    static let traceEvent: UInt8 = 16
    var interruptShadow: Bool {
        get { pendingEvents & CPU.shadowEvent != 0 }
        set { pendingEvents = newValue ? pendingEvents | CPU.shadowEvent : pendingEvents & ~CPU.shadowEvent }
    }
    /// Set by an OUT, HLT, a triple fault or the board to end the current `run`
    /// after the instruction under way: bit 5 of `pendingEvents`, so that the
    /// loop finds it with the other boundary work.
    static let stopEvent: UInt8 = 32
    public var stopRequested: Bool {
        get { pendingEvents & CPU.stopEvent != 0 }
        set { pendingEvents = newValue ? pendingEvents | CPU.stopEvent : pendingEvents & ~CPU.stopEvent }
    }
    /// Nesting of exception delivery, for #DF and triple fault (SDM Vol. 3 §6.15, "Interrupt 8").
    @exclusivity(unchecked) var faultDepth = 0
    @exclusivity(unchecked) public internal(set) var shutdown = false

    /// Owned by the board, which outlives the CPU; unowned(unsafe) keeps
    /// retain/release off every memory access.
    public unowned(unsafe) let memory: MemoryAccess
    public let decodeCache: DecodeCache
    let tlb: TLBView
    public unowned(unsafe) let bus: CPUBus
    /// When set, each instruction is described here before it executes. It
    /// raises `traceEvent`, so the boundary check (`serviceEvents`) calls it
    /// and the run loop itself tests nothing more.
    public var tracer: ((CPU, DecodedInstruction) -> Void)? {
        didSet { pendingEvents = tracer != nil ? pendingEvents | CPU.traceEvent : pendingEvents & ~CPU.traceEvent }
    }
    /// Debug-register state (DebugExceptions.swift), after the hot fields so that it
    /// does not move them.
    @exclusivity(unchecked) var debug = DebugState()
    /// The x87 FPU and the MMX registers aliased on it (FPU/X87State.swift).
    @exclusivity(unchecked) public var x87 = X87State()
    /// XMM0-XMM15 (SDM Vol. 1 §10.2.2), two words each, the low quadword first.
    public let xmm: UnsafeMutablePointer<UInt64>
    /// MXCSR (SDM Vol. 1 §10.2.3): exception flags, DAZ, masks, rounding control, FTZ.
    @exclusivity(unchecked) public var mxcsr: UInt32 = 0x1F80
    /// IGNNE#: the board asserts it when software acknowledges FERR# (OUT to
    /// port F0h), and it lasts until the x87 error summary clears (FPU/X87Exceptions.swift).
    @exclusivity(unchecked) public var ignoreNumericError = false

    public init(bus: CPUBus, memory: MemoryAccess) {
        self.bus = bus
        self.memory = memory
        tlb = TLBView(memory)
        registers = UnsafeMutableRawPointer.allocate(byteCount: CPU.registerSlots * 8, alignment: 4096)
        registers.initializeMemory(as: UInt8.self, repeating: 0, count: CPU.registerSlots * 8)
        segments = UnsafeMutablePointer<SegmentRegister>.allocate(capacity: 6)
        segments.initialize(repeating: SegmentRegister(), count: 6)
        xmm = UnsafeMutablePointer<UInt64>.allocate(capacity: 32)
        xmm.initialize(repeating: 0, count: 32)
        decodeCache = DecodeCache()
        memory.decodeCache = decodeCache
        reset()
    }

    deinit {
        registers.deallocate()
        segments.deallocate()
        xmm.deallocate()
    }

    /// The state after RESET (SDM Vol. 3 §9.1.1, Table 9-1).
    public func reset() {
        // The general registers and RIP; the instruction count (the board's clock) goes on.
        registers.initializeMemory(as: UInt8.self, repeating: 0, count: (CPU.ripSlot + 1) * 8)
        set32(Reg.edx, 0x0000_0600)
        flags = LazyFlags()
        rip = 0xFFF0
        cr0 = 0x6000_0010
        cr2 = 0; cr3 = 0; cr4 = 0; cr8 = 0
        msr = ModelSpecificRegisters()
        gdtr = DescriptorTableRegister(base: 0, limit: 0xFFFF)
        idtr = DescriptorTableRegister(base: 0, limit: 0x3FF)
        ldtr = SegmentRegister(selector: 0, base: 0, limit: 0xFFFF, attributes: 0x82)
        tr = SegmentRegister(selector: 0, base: 0, limit: 0xFFFF, attributes: 0x8B)
        cpl = 0
        for s in 0..<6 { segments[s] = SegmentRegister(selector: 0, base: 0, limit: 0xFFFF, attributes: 0x93) }
        segments[SegmentIndex.cs] = SegmentRegister(selector: 0xF000, base: 0xFFFF_0000, limit: 0xFFFF, attributes: 0x9B)
        halted = false
        interruptShadow = false
        nmiPending = false
        nmiBlocked = false
        faultDepth = 0
        shutdown = false
        debugRegisters = [0, 0, 0, 0, 0, 0, UInt64(DebugStatus.fixedOnes), UInt64(DebugControl.fixedOnes)]
        debug = DebugState()
        x87 = X87State()
        xmm.update(repeating: 0, count: 32)
        mxcsr = 0x1F80
        ignoreNumericError = false
        memory.setA20(enabled: true)
        memory.resetPaging()
        memory.debugHits = 0
        updateBreakpoints()
        decodeCache.invalidateAll()
    }

    /// The instruction pointer (slot 16 of `registers`).
    @inline(__always) public var rip: UInt64 {
        get { registers.load(fromByteOffset: CPU.ripSlot * 8, as: UInt64.self) }
        set { registers.storeBytes(of: newValue, toByteOffset: CPU.ripSlot * 8, as: UInt64.self) }
    }

    // MARK: Register access by encoding number (SDM Vol. 2 §2.1.5, Table 2-2; §2.2.1 for REX)

    @inline(__always) public func get64(_ r: Int) -> UInt64 {
        registers.load(fromByteOffset: (r & 15) &* 8, as: UInt64.self)
    }
    @inline(__always) public func set64(_ r: Int, _ v: UInt64) {
        registers.storeBytes(of: v, toByteOffset: (r & 15) &* 8, as: UInt64.self)
    }
    @inline(__always) public func get32(_ r: Int) -> UInt32 {
        registers.load(fromByteOffset: (r & 15) &* 8, as: UInt32.self)
    }
    /// A 32-bit write clears bits 63:32 (SDM Vol. 1 §3.4.1.1); outside 64-bit
    /// mode they are undefined, and clearing them there too is what processors do.
    @inline(__always) public func set32(_ r: Int, _ v: UInt32) {
        registers.storeBytes(of: UInt64(v), toByteOffset: (r & 15) &* 8, as: UInt64.self)
    }
    @inline(__always) public func get16(_ r: Int) -> UInt16 {
        registers.load(fromByteOffset: (r & 15) &* 8, as: UInt16.self)
    }
    @inline(__always) public func set16(_ r: Int, _ v: UInt16) {
        registers.storeBytes(of: v, toByteOffset: (r & 15) &* 8, as: UInt16.self)
    }
    /// Byte registers by byte-register number: 0-3 are AL CL DL BL, 4-7 AH CH
    /// DH BH (the legacy encodings without a REX prefix), 8-15 R8B-R15B, and
    /// 20-23 SPL BPL SIL DIL (encodings 4-7 with a REX prefix, which the decoder
    /// numbers 16 higher so that `r & 15` is still the register for wider sizes).
    @inline(__always) static func byteOffset(_ r: Int) -> Int {
        r & ~3 == 4 ? (r & 3) &* 8 | 1 : (r & 15) &* 8
    }
    @inline(__always) public func get8(_ r: Int) -> UInt8 {
        registers.load(fromByteOffset: CPU.byteOffset(r), as: UInt8.self)
    }
    @inline(__always) public func set8(_ r: Int, _ v: UInt8) {
        registers.storeBytes(of: v, toByteOffset: CPU.byteOffset(r), as: UInt8.self)
    }
    /// A register of 1, 2, 4 or 8 bytes, zero-extended.
    @inline(__always) public func getReg(_ r: Int, size: Int) -> UInt64 {
        switch size {
        case 1: return UInt64(get8(r))
        case 2: return UInt64(get16(r))
        case 4: return UInt64(get32(r))
        default: return get64(r)
        }
    }
    @inline(__always) public func setReg(_ r: Int, size: Int, _ v: UInt64) {
        switch size {
        case 1: set8(r, UInt8(truncatingIfNeeded: v))
        case 2: set16(r, UInt16(truncatingIfNeeded: v))
        case 4: set32(r, UInt32(truncatingIfNeeded: v))
        default: set64(r, v)
        }
    }

    /// The whole EFLAGS register with the arithmetic flags materialised (the
    /// upper half of RFLAGS is reserved and reads as 0).
    public var eflags: UInt32 {
        get { flags.value }
        set {
            flags.value = newValue
            updateAlignmentChecking()
            // TF asks for a trap after each instruction, and RF (from IRET or a
            // task switch) lasts one instruction: both need the boundary check.
            if newValue & (LazyFlags.tf | LazyFlags.rf) != 0 { pendingEvents |= CPU.debugEvent }
        }
    }

    func updateAlignmentChecking() {
        let on = cpl == 3 && cr0 & 0x4_0000 != 0 && flags.bits & LazyFlags.ac != 0
        alignmentCheckBit = on ? 0x8000 : 0
    }

    /// CR0.PE: protected mode (or virtual-8086 mode, when EFLAGS.VM is also set).
    @inline(__always) public var protectedMode: Bool { cr0 & 1 != 0 }
    /// EFLAGS.VM counts only in protected mode.
    @inline(__always) public var virtual8086Mode: Bool { cr0 & 1 != 0 && flags.bits & LazyFlags.vm != 0 }
    /// Protected mode proper: segment registers hold selectors, not paragraph numbers.
    @inline(__always) public var selectorMode: Bool { cr0 & 1 != 0 && flags.bits & LazyFlags.vm == 0 }
    /// IA-32e mode is active (EFER.LMA, SDM Vol. 3 §2.2.1): 64-bit or compatibility mode.
    @inline(__always) public var longMode: Bool { msr.efer & ModelSpecificRegisters.eferLMA != 0 }
    /// 64-bit mode: IA-32e mode with CS.L set. CS caches L only when it was
    /// loaded in IA-32e mode (`codeSegmentCache`), so the bit alone tells.
    @inline(__always) public var mode64: Bool { segments[SegmentIndex.cs].attributes & SegmentRegister.longBit != 0 }
}

/// Encoding numbers of the general-purpose registers.
public enum Reg {
    public static let eax = 0, ecx = 1, edx = 2, ebx = 3, esp = 4, ebp = 5, esi = 6, edi = 7
    public static let r8 = 8, r9 = 9, r10 = 10, r11 = 11, r12 = 12, r13 = 13, r14 = 14, r15 = 15
}

/// Encoding numbers of the segment registers.
public enum SegmentIndex {
    public static let es = 0, cs = 1, ss = 2, ds = 3, fs = 4, gs = 5
}

/// The hidden descriptor cache of a segment register (SDM Vol. 3 §3.4.3). The
/// base is 64 bits wide for FS and GS (and for the system segments of IA-32e mode).
public struct SegmentRegister: Equatable {
    public var base: UInt64 = 0
    public var limit: UInt32 = 0xFFFF
    public var selector: UInt16 = 0
    /// Descriptor bits 40-47 and 52-55 (type, S, DPL, P, AVL, L, D/B, G) as in
    /// the access-rights word that LAR returns, shifted right by 8.
    public var attributes: UInt16 = 0x93
    /// The L bit: a 64-bit code segment.
    public static let longBit: UInt16 = 0x200

    public init(selector: UInt16 = 0, base: UInt64 = 0, limit: UInt32 = 0xFFFF, attributes: UInt16 = 0x93) {
        self.selector = selector
        self.base = base
        self.limit = limit
        self.attributes = attributes
    }

    /// The D/B bit: 32-bit default operand size (code) or stack size (stack).
    public var big: Bool { attributes & 0x400 != 0 }
}

/// GDTR or IDTR (SDM Vol. 3 §2.4.1): a 64-bit base in IA-32e mode.
public struct DescriptorTableRegister: Equatable {
    public var base: UInt64
    public var limit: UInt16
    public init(base: UInt64, limit: UInt16) {
        self.base = base
        self.limit = limit
    }
}
