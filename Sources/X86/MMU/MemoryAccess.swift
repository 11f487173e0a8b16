/// The path from a linear address to host memory: paging (SDM Vol. 3 ch. 4,
/// `PageWalk.swift`), the A20 gate, the physical page map (which pages are plain
/// RAM or ROM the CPU may touch directly) and the software TLBs (`TLB.swift`)
/// whose hit is a tag compare plus a host-pointer add (DESIGN.md, "The hot path").
/// The hits are in the CPU (`LinearAccess.swift`); the misses, fills and
/// physical accesses are here. Pages that hold decoded code are never entered in
/// the write TLB, so stores to them take the slow path, which invalidates the
/// decoded instructions they overwrite.
public final class MemoryAccess {
    public static let pageShift = 12
    public static let pageCount = 1 << 20
    /// 4096 entries cover 16 MiB of distinct pages: a guest's working set
    /// rarely thrashes it, and a flush (CR3 load) still writes only a few pages.
    static let tlbSize = 4096

    static let cr0WP: UInt32 = 1 << 16
    static let cr0PG: UInt32 = 1 << 31
    /// CR0.NW and CR0.CD: changing them reloads the PAE PDPTEs (§4.4.1).
    static let cr0Cache: UInt32 = 3 << 29
    static let cr4PSE: UInt32 = 1 << 4
    static let cr4PAE: UInt32 = 1 << 5
    static let cr4PGE: UInt32 = 1 << 7

    /// Host address of each 4 KiB physical page below 4 GiB that may be read
    /// (RAM and ROM) or written (RAM) directly; nil sends the access to the bus.
    let readMap: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    let writeMap: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    /// Non-zero for pages from which instructions have been decoded.
    let codePages: UnsafeMutablePointer<UInt8>
    let tlb: TLBArrays

    /// The A20 gate as an address mask, behind a pointer the CPU reads directly.
    let a20: UnsafeMutablePointer<UInt32>
    public var a20Mask: UInt32 { a20.pointee }

    // Paging state, as last given to `setPaging`/`loadCR3`.
    @exclusivity(unchecked) var mode = PagingMode.off
    @exclusivity(unchecked) var cr0: UInt32 = 0
    @exclusivity(unchecked) var cr3: UInt64 = 0
    @exclusivity(unchecked) var cr4: UInt32 = 0
    @exclusivity(unchecked) var nxe = false
    /// The four PAE PDPTEs as loaded at the last CR3 load (§4.4.1).
    let pdptes: UnsafeMutablePointer<UInt64>
    /// Set when a 4 MiB, 2 MiB or 1 GiB page enters a TLB, until the next full flush.
    @exclusivity(unchecked) var largePagesCached = false

    /// The privilege of ordinary accesses: CPL 3 is user (§4.6). Entering user
    /// mode drops the TLB entries only supervisor accesses may use.
    @exclusivity(unchecked) public var userMode = false {
        didSet { if userMode && !oldValue { tlb.dropSupervisorOnly() } }
    }
    /// The TLB arrays, for the CPU's fast paths.
    var view: TLBView { tlb.view }

    /// TLB misses of every kind; with the CPU's instruction count this gives the hit rate.
    @exclusivity(unchecked) public var tlbMisses: UInt64 = 0
    /// Walks of the paging structures (misses and uncached accesses with paging on).
    @exclusivity(unchecked) public var pageWalks: UInt64 = 0
    /// The data breakpoints armed in DR7 (`DataBreakpoints.swift`), and the DR6
    /// B0-B3 bits of those the current instruction has hit so far.
    var watchpoints: [Watchpoint] = []
    @exclusivity(unchecked) var debugHits: UInt32 = 0
    public unowned(unsafe) var bus: CPUBus!
    unowned(unsafe) var decodeCache: DecodeCache!

    public init() {
        readMap = .allocate(capacity: MemoryAccess.pageCount)
        readMap.initialize(repeating: nil, count: MemoryAccess.pageCount)
        writeMap = .allocate(capacity: MemoryAccess.pageCount)
        writeMap.initialize(repeating: nil, count: MemoryAccess.pageCount)
        a20 = .allocate(capacity: 1)
        a20.initialize(to: 0xFFFF_FFFF)
        codePages = .allocate(capacity: MemoryAccess.pageCount)
        codePages.initialize(repeating: 0, count: MemoryAccess.pageCount)
        pdptes = .allocate(capacity: 4)
        pdptes.initialize(repeating: 0, count: 4)
        tlb = TLBArrays()
    }

    deinit {
        readMap.deallocate(); writeMap.deallocate(); codePages.deallocate(); a20.deallocate()
        pdptes.deallocate()
    }

    /// Maps `count` pages starting at physical page `firstPage` to host memory.
    public func map(firstPage: Int, count: Int, host: UnsafeMutableRawPointer, writable: Bool) {
        for i in 0..<count where firstPage + i < MemoryAccess.pageCount {
            let p = host + i << MemoryAccess.pageShift
            readMap[firstPage + i] = p
            writeMap[firstPage + i] = writable ? p : nil
        }
        flushTLB()
    }

    /// Sends `count` pages starting at `firstPage` to the bus (device memory, holes).
    public func unmap(firstPage: Int, count: Int) {
        for i in 0..<count where firstPage + i < MemoryAccess.pageCount {
            readMap[firstPage + i] = nil
            writeMap[firstPage + i] = nil
        }
        flushTLB()
    }

    @inline(never) public func setA20(enabled: Bool) {
        let mask: UInt32 = enabled ? 0xFFFF_FFFF : 0xFFEF_FFFF
        if mask != a20.pointee { a20.pointee = mask; flushTLB() }
    }

    /// Forgets every translation, global ones included.
    @inline(never) public func flushTLB() {
        tlb.flushAll()
        largePagesCached = false
    }

    // MARK: Paging control (SDM Vol. 3 §4.1.1, §4.10.4.1)

    /// Takes the paging-related parts of CR0, CR3, CR4, EFER.NXE and EFER.LMA
    /// after a MOV to CR0 or CR4 or a WRMSR of EFER; call it before committing
    /// the register, as it throws #GP(0) when PAE paging would use a PDPTE with
    /// a reserved bit set. Changing CR0.PG/WP, CR4.PSE/PAE/PGE, NXE or LMA
    /// flushes every TLB entry; a change of CR3 alone keeps global ones. A MOV to
    /// CR3, which flushes even when the value is unchanged, is `loadCR3`.
    @inline(never) public func setPaging(cr0: UInt32, cr3: UInt64, cr4: UInt32, nxe: Bool, longMode: Bool = false) throws(Fault) {
        let newMode: PagingMode = cr0 & MemoryAccess.cr0PG == 0 ? .off
            : longMode ? .fourLevel : cr4 & MemoryAccess.cr4PAE != 0 ? .pae : .legacy
        let cr0Changes = cr0 ^ self.cr0, cr4Changes = cr4 ^ self.cr4
        let modeChanged = cr0Changes & (MemoryAccess.cr0PG | MemoryAccess.cr0WP) != 0
            || cr4Changes & (MemoryAccess.cr4PSE | MemoryAccess.cr4PAE | MemoryAccess.cr4PGE) != 0
            || nxe != self.nxe || newMode != mode
        // The PDPTEs are reloaded when PAE paging is in use afterwards and the
        // instruction changed CR0.PG/CD/NW or CR4.PAE/PGE/PSE (§4.4.1).
        let reload = cr3 != self.cr3 || cr0Changes & (MemoryAccess.cr0PG | MemoryAccess.cr0Cache) != 0
            || cr4Changes & (MemoryAccess.cr4PSE | MemoryAccess.cr4PAE | MemoryAccess.cr4PGE) != 0
        if newMode == .pae && reload { try loadPDPTEs(cr3) }
        let cr3Changed = cr3 != self.cr3
        self.cr0 = cr0; self.cr3 = cr3; self.cr4 = cr4; self.nxe = nxe
        mode = newMode
        if modeChanged { flushTLB() } else if cr3Changed { tlb.flushNonGlobal() }
    }

    /// MOV to CR3 or a task switch (§4.10.4.1): non-global entries go, and under
    /// PAE paging the PDPTEs are reloaded, which throws #GP(0) when a present one
    /// has a reserved bit set (call it before committing CR3).
    @inline(never) public func loadCR3(_ cr3: UInt64) throws(Fault) {
        if mode == .pae { try loadPDPTEs(cr3) }
        self.cr3 = cr3
        tlb.flushNonGlobal()
    }

    /// The state after RESET or INIT: no paging, supervisor, nothing cached.
    @inline(never) public func resetPaging() {
        mode = .off
        cr0 = 0; cr3 = 0; cr4 = 0; nxe = false
        userMode = false
        flushTLB()
    }

    /// INVLPG: the page's translations go from every TLB, global or not.
    @inline(never) public func invalidatePage(_ linear: UInt64) {
        tlb.invalidate(page: linear >> 12, largePages: largePagesCached)
    }

    // MARK: Linear to physical

    /// The physical address `access` at `linear` reaches, with the accessed and
    /// dirty bits set as that access would set them, or the #PF it raises.
    @inline(never) public func translate(_ linear: UInt64, access: PageAccess) throws(Fault) -> UInt64 {
        let w = try walk(linear, access)
        commit(w)
        return w.physical
    }

    /// Makes sure a write of `size` bytes (at most 4096) at `linear` would
    /// succeed, so that a read-modify-write instruction faults before it changes
    /// anything; the dirty bits are set as by the write that follows.
    @inline(never) public func probeWrite(_ linear: UInt64, size: Int) throws(Fault) {
        let access = PageAccess.write.union(userMode ? .user : [])
        let last = linear &+ UInt64(truncatingIfNeeded: max(size, 1) &- 1)
        let first = try walk(linear, access)
        if last >> 12 != linear >> 12 {
            let second = try walk(last & ~0xFFF, access)
            commit(second)
        }
        commit(first)
    }

    /// The byte a read at `linear` would see, for traces and debuggers: the
    /// walk sets no accessed bit, fills no TLB and hits no data breakpoint, so
    /// looking changes nothing the guest can observe. Nil where the read would fault.
    public func peekLinear8(_ linear: UInt64) -> UInt8? {
        guard let w = try? walk(linear, userMode ? .user : .read) else { return nil }
        return readPhysicalByte(w.physical)
    }

    // MARK: Slow paths

    @inline(never) func readSlow(_ linear: UInt64, size: Int) throws(Fault) -> UInt64 {
        try read(linear, size: size, user: userMode)
    }

    @inline(never) func writeSlow(_ linear: UInt64, size: Int, value: UInt64) throws(Fault) {
        try write(linear, size: size, value: value, user: userMode)
    }

    /// Reads 1, 2, 4 or 8 bytes at `linear` with the given privilege (`user: false`
    /// for the implicit supervisor accesses to descriptor tables and the TSS),
    /// and enters the page in the read TLB.
    public func read(_ linear: UInt64, size: Int, user: Bool) throws(Fault) -> UInt64 {
        tlbMisses &+= 1
        let access: PageAccess = user ? .user : .read
        if Int(linear & 0xFFF) + size > 0x1000 {
            // Both pages are checked before either is read.
            let second = (linear | 0xFFF) &+ 1
            let a = try walk(linear, access), b = try walk(second, access)
            commit(a); commit(b)
            if !watchpoints.isEmpty { _ = noteWatchedAccess(linear, size: size, write: false) }
            let firstCount = Int(second &- linear)
            var v: UInt64 = 0
            for k in 0..<size {
                let phys = k < firstCount ? a.physical &+ UInt64(k) : b.physical &+ UInt64(k - firstCount)
                v |= UInt64(readPhysicalByte(phys)) << (8 * k)
            }
            return v
        }
        let w = try walk(linear, access)
        commit(w)
        let watched = !watchpoints.isEmpty && noteWatchedAccess(linear, size: size, write: false)
        let phys = w.physical
        guard phys >> 32 == 0, let host = readMap[Int(phys >> 12)] else { return readBus(phys, size: size) }
        if !watched && cacheable(w) {
            tlb.fillRead(page: linear >> 12, addend: host - Int(truncatingIfNeeded: linear & ~0xFFF), global: w.global, user: w.user)
        }
        let p = host + Int(phys & 0xFFF)
        switch size {
        case 1: return UInt64(p.load(as: UInt8.self))
        case 2: return UInt64(p.loadUnaligned(as: UInt16.self))
        case 4: return UInt64(p.loadUnaligned(as: UInt32.self))
        default: return p.loadUnaligned(as: UInt64.self)
        }
    }

    /// A device or open-bus read; the bus moves at most 4 bytes at a time.
    private func readBus(_ phys: UInt64, size: Int) -> UInt64 {
        guard size == 8 else { return UInt64(bus.readPhysical(phys, size: size)) }
        return UInt64(bus.readPhysical(phys, size: 4)) | UInt64(bus.readPhysical(phys &+ 4, size: 4)) << 32
    }

    private func writeBus(_ phys: UInt64, size: Int, value: UInt64) {
        guard size == 8 else { bus.writePhysical(phys, size: size, value: UInt32(truncatingIfNeeded: value)); return }
        bus.writePhysical(phys, size: 4, value: UInt32(truncatingIfNeeded: value))
        bus.writePhysical(phys &+ 4, size: 4, value: UInt32(truncatingIfNeeded: value >> 32))
    }

    /// Writes 1, 2, 4 or 8 bytes at `linear` with the given privilege. The page
    /// enters the write TLB only if it is writable at every level (so a hit never
    /// depends on CR0.WP), its dirty bit is now set, and it holds no decoded code.
    public func write(_ linear: UInt64, size: Int, value: UInt64, user: Bool) throws(Fault) {
        tlbMisses &+= 1
        let access = PageAccess.write.union(user ? .user : [])
        if Int(linear & 0xFFF) + size > 0x1000 {
            // Both pages are checked before either is written: no partial writes.
            let second = (linear | 0xFFF) &+ 1
            let a = try walk(linear, access), b = try walk(second, access)
            commit(a); commit(b)
            if !watchpoints.isEmpty { _ = noteWatchedAccess(linear, size: size, write: true) }
            let firstCount = Int(second &- linear)
            for k in 0..<size {
                let phys = k < firstCount ? a.physical &+ UInt64(k) : b.physical &+ UInt64(k - firstCount)
                writePhysicalByte(phys, UInt8(truncatingIfNeeded: value >> (8 * k)))
            }
            return
        }
        let w = try walk(linear, access)
        commit(w)
        let watched = !watchpoints.isEmpty && noteWatchedAccess(linear, size: size, write: true)
        let phys = w.physical
        let page = Int(truncatingIfNeeded: phys >> 12)
        guard phys >> 32 == 0, let host = writeMap[page] else {
            writeBus(phys, size: size, value: value)
            return
        }
        let p = host + Int(phys & 0xFFF)
        switch size {
        case 1: p.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
        case 2: p.storeBytes(of: UInt16(truncatingIfNeeded: value), as: UInt16.self)
        case 4: p.storeBytes(of: UInt32(truncatingIfNeeded: value), as: UInt32.self)
        default: p.storeBytes(of: value, as: UInt64.self)
        }
        if codePages[page] != 0 {
            decodeCache.invalidate(physical: UInt32(truncatingIfNeeded: phys), size: size)
        } else if w.writable && !watched && cacheable(w) {
            tlb.fillWrite(page: linear >> 12, addend: host - Int(truncatingIfNeeded: linear & ~0xFFF), global: w.global, user: w.user)
        }
    }

    /// An instruction fetch from `linear` at the current privilege: the physical
    /// address, with the page entered in the code TLB.
    @inline(never) func fetchSlow(_ linear: UInt64) throws(Fault) -> UInt64 {
        tlbMisses &+= 1
        let w = try walk(linear, userMode ? [.fetch, .user] : .fetch)
        commit(w)
        if cacheable(w) { tlb.fillCode(page: linear >> 12, frame: w.physical & ~0xFFF, global: w.global, user: w.user) }
        return w.physical
    }

    /// Whether the one TLB set may hold this translation: in user mode it must be
    /// usable by user accesses (an implicit supervisor access to a supervisor
    /// page is not). Notes large pages for INVLPG.
    private func cacheable(_ w: PageWalk) -> Bool {
        guard w.user || !userMode else { return false }
        if w.large { largePagesCached = true }
        return true
    }

    // MARK: Physical access (device DMA, loaders, the decoder)

    /// Reads physical memory the way a bus master would (RAM or device).
    public func readPhysical8(_ phys: UInt32) -> UInt8 {
        if let host = readMap[Int(phys >> 12)] { return (host + Int(phys & 0xFFF)).load(as: UInt8.self) }
        return UInt8(truncatingIfNeeded: bus.readPhysical(UInt64(phys), size: 1))
    }

    /// Writes physical RAM as a bus master would; code decoded from it is invalidated.
    public func writePhysical8(_ phys: UInt32, _ v: UInt8) {
        let page = Int(phys >> 12)
        if let host = writeMap[page] {
            (host + Int(phys & 0xFFF)).storeBytes(of: v, as: UInt8.self)
            if codePages[page] != 0 { decodeCache.invalidate(physical: phys, size: 1) }
        } else {
            bus.writePhysical(UInt64(phys), size: 1, value: UInt32(v))
        }
    }

    /// A byte anywhere in the 36-bit physical space paging can reach.
    func readPhysicalByte(_ phys: UInt64) -> UInt8 {
        if phys >> 32 == 0 { return readPhysical8(UInt32(phys)) }
        return UInt8(truncatingIfNeeded: bus.readPhysical(phys, size: 1))
    }

    func writePhysicalByte(_ phys: UInt64, _ v: UInt8) {
        if phys >> 32 == 0 { writePhysical8(UInt32(phys), v) } else { bus.writePhysical(phys, size: 1, value: UInt32(v)) }
    }

    /// Records that `page` holds decoded instructions: from now on stores to it
    /// go through `writeSlow`, so the write TLBs must forget it.
    @inline(never) func markCodePage(_ page: Int) {
        guard page >= 0, page < MemoryAccess.pageCount, codePages[page] == 0 else { return }
        codePages[page] = 1
        tlb.flushWrites()
    }
}
