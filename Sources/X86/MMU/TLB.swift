/// The software TLBs (SDM Vol. 3 §4.10.2; DESIGN.md, "The hot path"): direct-mapped
/// arrays keyed by linear page number, one each for reads, writes and instruction
/// fetches. A read or write entry holds a host-pointer addend (host address minus
/// linear page base) for a page of directly mapped memory; a code entry holds the
/// physical page base, because decoded instructions are cached by physical address.
///
/// An entry exists only if the access it stands for is permitted at the current
/// privilege, so a hit needs no further check. There is one set for both
/// privileges, so that the CPU holds its pointers in `let` properties the
/// optimiser can keep in registers (a set per privilege, switched on CPL
/// changes, cost 9% in the run loop): without SMEP and SMAP anything a user
/// access may do, a supervisor access may do too, so entries filled at CPL 3
/// stay valid at CPL 0-2, and a switch to CPL 3 drops the supervisor-only ones.
///
/// Each entry has flags: global (a 4 KiB piece of a page whose G bit was set
/// under CR4.PGE), so that a CR3 load can keep it (§4.10.2.4), and user, set
/// when user accesses of the entry's kind are permitted too.
final class TLBArrays {
    static let size = MemoryAccess.tlbSize
    /// Tags of invalid entries: never a linear page number, which is below 2^52.
    static let invalid = UInt64.max
    static let globalFlag: UInt8 = 1, userFlag: UInt8 = 2
    /// Offsets of the three kinds in `flags` and in supervisor-only slot numbers.
    static let readKind = 0, writeKind = size, codeKind = 2 * size
    /// How many supervisor-only slots are remembered before a switch to CPL 3
    /// has to scan every entry instead.
    static let supervisorSlotCapacity = 64

    let readTags: UnsafeMutablePointer<UInt64>
    let readAddends: UnsafeMutablePointer<UnsafeMutableRawPointer>
    let writeTags: UnsafeMutablePointer<UInt64>
    let writeAddends: UnsafeMutablePointer<UnsafeMutableRawPointer>
    let codeTags: UnsafeMutablePointer<UInt64>
    let codeFrames: UnsafeMutablePointer<UInt64>
    /// `globalFlag | userFlag` per entry, kinds at `readKind`, `writeKind`, `codeKind`.
    let flags: UnsafeMutablePointer<UInt8>
    /// The code page fetched from last: a copy of one code entry at a fixed
    /// address, so the per-instruction check loads nothing whose address depends
    /// on EIP. Cleared with the code entries and on a change of privilege.
    let currentCode: UnsafeMutablePointer<CodePage>
    /// Slots (kind offset + index) filled with supervisor-only entries since the
    /// last switch to CPL 3; more than the capacity means "scan everything".
    let supervisorSlots: UnsafeMutablePointer<Int>
    var supervisorSlotCount = 0

    /// One page-aligned block holds the arrays, so their placement relative to
    /// each other is fixed. `currentCode` is loaded on every instruction right
    /// after the run loop stores EIP: if its address had the same low 12 bits as
    /// a field the loop stores (EIP lives in the CPU object, wherever malloc put
    /// it), every load would stall on the false dependency ("4K aliasing"; it
    /// cost 8% in one build, and 15% at offsets 0x240 and 0xE40 once the debug
    /// registers changed the CPU object). Its offset in its page is a constant
    /// to move if a profile ever shows that stall.
    static let currentCodeOffset = 0x640
    let block: UnsafeMutableRawPointer

    init() {
        let n = TLBArrays.size
        // The 8-byte arrays first, then the flags, and on a page of its own `currentCode`.
        let arrays = 51 * n
        let codePage = (arrays + 0xFFF) & ~0xFFF
        block = .allocate(byteCount: codePage + 0x1000, alignment: 0x1000)
        readAddends = block.bindMemory(to: UnsafeMutableRawPointer.self, capacity: n)
        writeAddends = (block + 8 * n).bindMemory(to: UnsafeMutableRawPointer.self, capacity: n)
        codeFrames = (block + 16 * n).bindMemory(to: UInt64.self, capacity: n)
        readTags = (block + 24 * n).bindMemory(to: UInt64.self, capacity: n)
        writeTags = (block + 32 * n).bindMemory(to: UInt64.self, capacity: n)
        codeTags = (block + 40 * n).bindMemory(to: UInt64.self, capacity: n)
        flags = (block + 48 * n).bindMemory(to: UInt8.self, capacity: 3 * n)
        currentCode = (block + codePage + TLBArrays.currentCodeOffset).bindMemory(to: CodePage.self, capacity: 1)
        // The addend of an invalid entry is never used; any non-null pointer will do.
        let dummy = UnsafeMutableRawPointer(bitPattern: 0x1000)!
        readAddends.initialize(repeating: dummy, count: n)
        writeAddends.initialize(repeating: dummy, count: n)
        codeFrames.initialize(repeating: 0, count: n)
        currentCode.initialize(to: CodePage())
        supervisorSlots = .allocate(capacity: TLBArrays.supervisorSlotCapacity)
        flushAll()
    }

    deinit {
        block.deallocate()
        supervisorSlots.deallocate()
    }

    var view: TLBView {
        TLBView(readTags: readTags, readAddends: readAddends, writeTags: writeTags, writeAddends: writeAddends,
                codeTags: codeTags, codeFrames: codeFrames, currentCode: currentCode)
    }

    @inline(__always) static func slot(_ page: UInt64) -> Int { Int(truncatingIfNeeded: page) & (size - 1) }

    // MARK: Fills

    func fillRead(page: UInt64, addend: UnsafeMutableRawPointer, global: Bool, user: Bool) {
        let i = TLBArrays.slot(page)
        readTags[i] = page
        readAddends[i] = addend
        setFlags(TLBArrays.readKind + i, global: global, user: user)
    }

    func fillWrite(page: UInt64, addend: UnsafeMutableRawPointer, global: Bool, user: Bool) {
        let i = TLBArrays.slot(page)
        writeTags[i] = page
        writeAddends[i] = addend
        setFlags(TLBArrays.writeKind + i, global: global, user: user)
    }

    func fillCode(page: UInt64, frame: UInt64, global: Bool, user: Bool) {
        let i = TLBArrays.slot(page)
        codeTags[i] = page
        codeFrames[i] = frame
        setFlags(TLBArrays.codeKind + i, global: global, user: user)
        currentCode.pointee = CodePage(page: page, frame: frame)
    }

    private func setFlags(_ j: Int, global: Bool, user: Bool) {
        flags[j] = (global ? TLBArrays.globalFlag : 0) | (user ? TLBArrays.userFlag : 0)
        if !user {
            if supervisorSlotCount < TLBArrays.supervisorSlotCapacity { supervisorSlots[supervisorSlotCount] = j }
            supervisorSlotCount &+= 1
        }
    }

    // MARK: Invalidation

    /// Invalidates the entry at `j` (kind offset + index).
    private func drop(_ j: Int) {
        let n = TLBArrays.size
        switch j {
        case ..<n: readTags[j] = TLBArrays.invalid
        case ..<(2 * n): writeTags[j - n] = TLBArrays.invalid
        default: codeTags[j - 2 * n] = TLBArrays.invalid
        }
    }

    func flushAll() {
        let n = TLBArrays.size
        readTags.initialize(repeating: TLBArrays.invalid, count: n)
        writeTags.initialize(repeating: TLBArrays.invalid, count: n)
        codeTags.initialize(repeating: TLBArrays.invalid, count: n)
        flags.initialize(repeating: 0, count: 3 * n)
        currentCode.pointee = CodePage()
        supervisorSlotCount = 0
    }

    /// What a CR3 load does (SDM Vol. 3 §4.10.4.1): every entry but the global ones goes.
    func flushNonGlobal() {
        for j in 0..<(3 * TLBArrays.size) where flags[j] & TLBArrays.globalFlag == 0 { drop(j) }
        currentCode.pointee = CodePage()
    }

    /// Before accesses at CPL 3: the entries only supervisor accesses may use go.
    func dropSupervisorOnly() {
        if supervisorSlotCount > TLBArrays.supervisorSlotCapacity {
            for j in 0..<(3 * TLBArrays.size) where flags[j] & TLBArrays.userFlag == 0 { drop(j) }
        } else {
            // A listed slot may have been refilled with a user entry since: dropping it too is harmless.
            for k in 0..<supervisorSlotCount { drop(supervisorSlots[k]) }
        }
        supervisorSlotCount = 0
        currentCode.pointee = CodePage()
    }

    /// Forgets every write entry.
    func flushWrites() {
        writeTags.initialize(repeating: TLBArrays.invalid, count: TLBArrays.size)
    }

    /// INVLPG (SDM Vol. 3 §4.10.4.1): the page's entries go from every TLB, global
    /// or not. A large page is held as many 4 KiB entries and INVLPG of any address
    /// in it must drop them all, so while large pages may be cached every entry in
    /// the same region as the page goes; dropping more
    /// than asked is always allowed. The region is 1 GiB, the largest page.
    func invalidate(page: UInt64, largePages: Bool) {
        currentCode.pointee = CodePage()
        if largePages {
            let region = page >> 18
            for i in 0..<TLBArrays.size {
                if readTags[i] >> 18 == region { readTags[i] = TLBArrays.invalid }
                if writeTags[i] >> 18 == region { writeTags[i] = TLBArrays.invalid }
                if codeTags[i] >> 18 == region { codeTags[i] = TLBArrays.invalid }
            }
            return
        }
        let i = TLBArrays.slot(page)
        if readTags[i] == page { readTags[i] = TLBArrays.invalid }
        if writeTags[i] == page { writeTags[i] = TLBArrays.invalid }
        if codeTags[i] == page { codeTags[i] = TLBArrays.invalid }
    }
}

/// A linear code page and what to add to a linear address in it to get the
/// physical address (an add is one operation less than mask-and-or).
struct CodePage {
    var page = TLBArrays.invalid
    var delta: UInt64 = 0

    init() {}
    init(page: UInt64, frame: UInt64) {
        self.page = page
        delta = frame &- UInt64(page) << 12
    }
}
