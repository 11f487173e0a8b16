/// Data breakpoints as the MMU sees them (SDM Vol. 3 §18.2.4-18.2.5, §18.3.1.2):
/// the linear ranges DR0-DR3 watch for data reads and writes. A watched page is
/// never entered in the read or write TLB, so every access to it takes the slow
/// path, which checks it against the ranges; pages not watched keep their
/// host-pointer hits, and with no breakpoint armed nothing is checked at all.
struct Watchpoint: Equatable {
    /// First byte, aligned down to the length as the hardware does.
    let start: UInt64
    /// 1, 2, 4 or 8 bytes.
    let length: UInt64
    /// R/W = 01: only writes match; R/W = 11: reads and writes.
    let writesOnly: Bool
    /// The DR6 bit (B0-B3) a match sets.
    let status: UInt32

    var page: UInt64 { start >> 12 }
}

extension MemoryAccess {
    /// Arms `watchpoints`, dropping the TLB entries of the pages they watch so
    /// that the accesses to them reach `noteWatchedAccess`.
    func setWatchpoints(_ watchpoints: [Watchpoint]) {
        guard watchpoints != self.watchpoints else { return }
        self.watchpoints = watchpoints
        for w in watchpoints { tlb.invalidate(page: w.page, largePages: largePagesCached) }
    }

    /// Records in `debugHits` the breakpoints an access of `size` bytes at
    /// `linear` matches, and says whether it touches a watched page (which then
    /// must not enter a TLB). Called on the slow paths once the access is known
    /// to succeed: a faulting access reports no breakpoint.
    func noteWatchedAccess(_ linear: UInt64, size: Int, write: Bool) -> Bool {
        var watched = false
        for w in watchpoints {
            // Byte by byte, so that an access wrapping around the address space is seen whole.
            for k in 0..<UInt64(truncatingIfNeeded: size) {
                let byte = linear &+ k
                if byte >> 12 == w.page { watched = true }
                if byte &- w.start < w.length && (write || !w.writesOnly) { debugHits |= w.status }
            }
        }
        return watched
    }
}
