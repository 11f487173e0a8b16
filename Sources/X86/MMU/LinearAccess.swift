/// The CPU's copy of the pointers to the TLB arrays (`TLBArrays`). The CPU
/// holds them in a `let` property, so a hit touches no class reference, pays no
/// retain/release, and the optimiser may keep the pointers in registers; a miss
/// calls into `MemoryAccess`.
struct TLBView {
    let readTags: UnsafeMutablePointer<UInt64>
    let readAddends: UnsafeMutablePointer<UnsafeMutableRawPointer>
    let writeTags: UnsafeMutablePointer<UInt64>
    let writeAddends: UnsafeMutablePointer<UnsafeMutableRawPointer>
    let codeTags: UnsafeMutablePointer<UInt64>
    let codeFrames: UnsafeMutablePointer<UInt64>
    let currentCode: UnsafeMutablePointer<CodePage>

    init(_ m: MemoryAccess) { self = m.view }

    init(readTags: UnsafeMutablePointer<UInt64>, readAddends: UnsafeMutablePointer<UnsafeMutableRawPointer>,
         writeTags: UnsafeMutablePointer<UInt64>, writeAddends: UnsafeMutablePointer<UnsafeMutableRawPointer>,
         codeTags: UnsafeMutablePointer<UInt64>, codeFrames: UnsafeMutablePointer<UInt64>,
         currentCode: UnsafeMutablePointer<CodePage>) {
        self.readTags = readTags; self.readAddends = readAddends
        self.writeTags = writeTags; self.writeAddends = writeAddends
        self.codeTags = codeTags; self.codeFrames = codeFrames
        self.currentCode = currentCode
    }
}

extension CPU {
    /// The physical address of the instruction byte at `linear`, checked for
    /// execution at the current privilege (SDM Vol. 3 §4.6). The hit, run for
    /// every instruction, compares with the page fetched from last, whose copy
    /// sits at a fixed address: nothing loaded depends on RIP, so the decode-cache
    /// lookup that follows is not delayed by a dependent load.
    @inline(__always) func translateFetch(_ linear: UInt64) throws(Fault) -> UInt64 {
        let current = tlb.currentCode
        if current.pointee.page == linear >> 12 { return linear &+ current.pointee.delta }
        return try fetchOtherPage(linear)
    }

    /// A fetch from another page than the last: the code TLB, then a walk.
    @inline(never) func fetchOtherPage(_ linear: UInt64) throws(Fault) -> UInt64 {
        let i = TLBArrays.slot(linear >> 12)
        guard tlb.codeTags[i] == linear >> 12 else { return try memory.fetchSlow(linear) }
        let frame = tlb.codeFrames[i]
        tlb.currentCode.pointee = CodePage(page: linear >> 12, frame: frame)
        return frame | (linear & 0xFFF)
    }

    /// An instruction byte, fetched with execute permission (a fetch from a
    /// no-execute or, at CPL 3, a supervisor page raises #PF).
    @inline(__always) func fetchLinear8(_ linear: UInt64) throws(Fault) -> UInt8 {
        memory.readPhysicalByte(try translateFetch(linear))
    }

    /// Implicit supervisor-mode accesses (SDM Vol. 3 §4.6): the GDT, LDT, IDT
    /// and TSS are read and written with supervisor rights whatever the CPL. A
    /// TLB hit is a permitted supervisor access at any CPL (see `TLBArrays`).
    @inline(__always) func readSupervisor(_ linear: UInt64, size: Int) throws(Fault) -> UInt64 {
        let i = TLBArrays.slot(linear >> 12)
        if tlb.readTags[i] == linear >> 12 && Int(linear & 0xFFF) &+ size <= 0x1000 {
            return CPU.load(tlb.readAddends[i] + Int(truncatingIfNeeded: linear), size: size)
        }
        return try memory.read(linear, size: size, user: false)
    }

    @inline(__always) func writeSupervisor(_ linear: UInt64, size: Int, _ v: UInt64) throws(Fault) {
        if !writeTLBHit(linear, size: size, v) { try memory.write(linear, size: size, value: v, user: false) }
    }

    /// Faults now if a write of `size` bytes (at most 4096) at `linear` would,
    /// so a read-modify-write instruction changes nothing before faulting.
    @inline(__always) func probeWrite(_ linear: UInt64, size: Int) throws(Fault) {
        let i = TLBArrays.slot(linear >> 12)
        if tlb.writeTags[i] == linear >> 12 && Int(linear & 0xFFF) &+ size <= 0x1000 { return }
        try memory.probeWrite(linear, size: size)
    }

    @inline(__always) static func load(_ p: UnsafeMutableRawPointer, size: Int) -> UInt64 {
        switch size {
        case 1: return UInt64(p.load(as: UInt8.self))
        case 2: return UInt64(p.loadUnaligned(as: UInt16.self))
        case 4: return UInt64(p.loadUnaligned(as: UInt32.self))
        default: return p.loadUnaligned(as: UInt64.self)
        }
    }

    /// A byte at a linear address, read by the CPU (with the read's side effects:
    /// accessed bits, TLB fill, data breakpoints; traces use `MemoryAccess.peekLinear8`).
    @inline(__always) func readLinear8(_ linear: UInt64) throws(Fault) -> UInt8 {
        let i = TLBArrays.slot(linear >> 12)
        if tlb.readTags[i] == linear >> 12 { return (tlb.readAddends[i] + Int(truncatingIfNeeded: linear)).load(as: UInt8.self) }
        return UInt8(truncatingIfNeeded: try memory.readSlow(linear, size: 1))
    }

    @inline(__always) func readLinear16(_ linear: UInt64) throws(Fault) -> UInt16 {
        let i = TLBArrays.slot(linear >> 12)
        if tlb.readTags[i] == linear >> 12 && linear & 0xFFF <= 0xFFE {
            return (tlb.readAddends[i] + Int(truncatingIfNeeded: linear)).loadUnaligned(as: UInt16.self)
        }
        return UInt16(truncatingIfNeeded: try memory.readSlow(linear, size: 2))
    }

    @inline(__always) func readLinear32(_ linear: UInt64) throws(Fault) -> UInt32 {
        let i = TLBArrays.slot(linear >> 12)
        if tlb.readTags[i] == linear >> 12 && linear & 0xFFF <= 0xFFC {
            return (tlb.readAddends[i] + Int(truncatingIfNeeded: linear)).loadUnaligned(as: UInt32.self)
        }
        return UInt32(truncatingIfNeeded: try memory.readSlow(linear, size: 4))
    }

    @inline(__always) func readLinear64(_ linear: UInt64) throws(Fault) -> UInt64 {
        let i = TLBArrays.slot(linear >> 12)
        if tlb.readTags[i] == linear >> 12 && linear & 0xFFF <= 0xFF8 {
            return (tlb.readAddends[i] + Int(truncatingIfNeeded: linear)).loadUnaligned(as: UInt64.self)
        }
        return try memory.readSlow(linear, size: 8)
    }

    @inline(__always) func readLinear(_ linear: UInt64, size: Int) throws(Fault) -> UInt64 {
        switch size {
        case 1: return UInt64(try readLinear8(linear))
        case 2: return UInt64(try readLinear16(linear))
        case 4: return UInt64(try readLinear32(linear))
        default: return try readLinear64(linear)
        }
    }

    @inline(__always) func writeLinear(_ linear: UInt64, size: Int, _ v: UInt64) throws(Fault) {
        if !writeTLBHit(linear, size: size, v) { try memory.writeSlow(linear, size: size, value: v) }
    }

    /// Stores through the write TLB when the page is there and the access stays
    /// inside it; false sends the caller to a slow path.
    @inline(__always) func writeTLBHit(_ linear: UInt64, size: Int, _ v: UInt64) -> Bool {
        let i = TLBArrays.slot(linear >> 12)
        guard tlb.writeTags[i] == linear >> 12 && Int(linear & 0xFFF) &+ size <= 0x1000 else { return false }
        let p = tlb.writeAddends[i] + Int(truncatingIfNeeded: linear)
        switch size {
        case 1: p.storeBytes(of: UInt8(truncatingIfNeeded: v), as: UInt8.self)
        case 2: p.storeBytes(of: UInt16(truncatingIfNeeded: v), as: UInt16.self)
        case 4: p.storeBytes(of: UInt32(truncatingIfNeeded: v), as: UInt32.self)
        default: p.storeBytes(of: v, as: UInt64.self)
        }
        return true
    }
}
