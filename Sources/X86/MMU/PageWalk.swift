/// The kind of a linear-memory access, for the permission checks of SDM Vol. 3
/// §4.6. The bit positions are those of the #PF error code (§4.7): W/R is bit 1,
/// U/S bit 2, I/D bit 4. `user` means an access at CPL 3 that is not one of the
/// implicit supervisor-mode accesses (descriptor tables, TSS).
public struct PageAccess: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let read: PageAccess = []
    public static let write = PageAccess(rawValue: 1 << 1)
    public static let user = PageAccess(rawValue: 1 << 2)
    public static let fetch = PageAccess(rawValue: 1 << 4)
}

/// Which translation CR0.PG, CR4.PAE and EFER.LMA select (SDM Vol. 3 §4.1.1, Table 4-1).
enum PagingMode {
    /// Linear addresses are physical (real mode, or protected mode with CR0.PG=0).
    case off
    /// 32-bit paging (§4.3): 4 KiB pages, and 4 MiB pages under CR4.PSE.
    case legacy
    /// PAE paging (§4.4): 4 KiB and 2 MiB pages, 64-bit entries, XD under EFER.NXE.
    case pae
    /// 4-level paging of IA-32e mode (§4.5): 48-bit linear addresses, 4 KiB,
    /// 2 MiB and 1 GiB pages.
    case fourLevel
}

/// The outcome of a translation that passed every check: the physical address,
/// what a TLB entry made from it may claim, and the accessed/dirty bits still to
/// be set in the paging-structure entries it used. Walking and setting the bits
/// are separate steps so that an access spanning two pages can check both before
/// it changes anything in either.
struct PageWalk {
    var physical: UInt64
    /// CR4.PGE was set and so was the G bit of the entry that maps the page.
    var global = false
    /// Mapped by a 4 MiB, 2 MiB or 1 GiB page.
    var large = false
    /// Writable at every level (R/W=1), so a write is allowed whatever CR0.WP is.
    var writable = true
    /// User-accessible at every level (U/S=1).
    var user = true
    /// The entries above the one that maps the page (up to the PML4E, PDPTE
    /// and PDE of 4-level paging; PAE PDPTEs have no accessed bit) and the entry
    /// that maps the page; the bits of each not yet set, 0 when there is nothing to write.
    var topAddress: UInt64 = 0
    var topBits: UInt32 = 0
    var middleAddress: UInt64 = 0
    var middleBits: UInt32 = 0
    var upperAddress: UInt64 = 0
    var upperBits: UInt32 = 0
    var leafAddress: UInt64 = 0
    var leafBits: UInt32 = 0
}

/// The page walker (SDM Vol. 3 §4.3, §4.4, §4.6-4.8). Paging structures are read
/// from guest physical memory as they are when the walk happens, except the four
/// PAE PDPTEs, which are loaded at CR3 load as the processor does (§4.4.1), so a
/// reserved bit in a PDPTE raises #GP on the MOV to CR3 rather than #PF later.
///
/// Accessed and dirty bits are set only for an access that passes every check:
/// the SDM allows a processor to set accessed bits for a walk that ends in a
/// fault, but never requires it, so software cannot rely on either.
/// MAXPHYADDR is 36 and linear addresses have 48 bits (CPUID leaf 80000008H).
extension MemoryAccess {
    static let present: UInt32 = 1 << 0
    static let writableBit: UInt32 = 1 << 1
    static let userBit: UInt32 = 1 << 2
    static let accessed: UInt32 = 1 << 5
    static let dirty: UInt32 = 1 << 6
    static let pageSize: UInt32 = 1 << 7
    static let globalBit: UInt32 = 1 << 8
    /// PAE entries: bits 35:12 address the next structure or the page.
    static let frameMask: UInt64 = 0xF_FFFF_F000
    /// PAE PDE and PTE bits 62:MAXPHYADDR (§4.4.2, Tables 4-8 to 4-11).
    static let reservedHigh: UInt64 = 0x7FFF_FFF0_0000_0000
    static let executeDisable: UInt64 = 1 << 63
    /// PAE PDPTE bits 63:36, 8:5 and 2:1 (Table 4-8).
    static let reservedPDPTE: UInt64 = 0xFFFF_FFF0_0000_01E6
    /// A 2 MiB PAE PDE: bits 20:13 (Table 4-9).
    static let reserved2M: UInt64 = 0x001F_E000
    /// A 1 GiB PDPTE of 4-level paging: bits 29:13 (Table 4-16).
    static let reserved1G: UInt64 = 0x3FFF_E000
    /// A 4 MiB 32-bit PDE: bits 21:17; bits 16:13 are physical address bits
    /// 35:32 (PSE-36, Table 4-4).
    static let reserved4M: UInt32 = 0x003E_0000

    /// Translates `linear` for `access` without side effects other than reading
    /// the paging structures, or throws the #PF the access raises.
    func walk(_ linear: UInt64, _ access: PageAccess) throws(Fault) -> PageWalk {
        switch mode {
        case .off: return PageWalk(physical: linear & UInt64(a20.pointee))
        case .legacy: return try walkLegacy(UInt32(truncatingIfNeeded: linear), access)
        case .pae: return try walkPAE(UInt32(truncatingIfNeeded: linear), access)
        case .fourLevel: return try walkFourLevel(linear, access)
        }
    }

    /// 32-bit paging (§4.3): CR3 → PDE → PTE, or a 4 MiB page from the PDE under CR4.PSE.
    private func walkLegacy(_ linear: UInt32, _ access: PageAccess) throws(Fault) -> PageWalk {
        pageWalks &+= 1
        let pdeAddress = cr3 & 0xFFFF_F000 | UInt64((linear >> 20) & 0xFFC)
        let pde = readEntry32(pdeAddress)
        guard pde & MemoryAccess.present != 0 else { throw pageFault(linear, access, present: false) }
        let pge = cr4 & MemoryAccess.cr4PGE != 0
        if pde & MemoryAccess.pageSize != 0 && cr4 & MemoryAccess.cr4PSE != 0 {
            guard pde & MemoryAccess.reserved4M == 0 else { throw pageFault(linear, access, present: true, reserved: true) }
            try check(linear, access, rights: pde, noExecute: false)
            let base = UInt64(pde & 0xFFC0_0000) | UInt64(pde >> 13 & 0xF) << 32
            return PageWalk(physical: (base | UInt64(linear & 0x3F_FFFF)) & a20Mask64,
                            global: pge && pde & MemoryAccess.globalBit != 0, large: true,
                            writable: pde & MemoryAccess.writableBit != 0, user: pde & MemoryAccess.userBit != 0,
                            leafAddress: pdeAddress, leafBits: MemoryAccess.missing(pde, access))
        }
        // Without CR4.PSE the PS bit is ignored and the PDE references a page table.
        let pteAddress = UInt64(pde & 0xFFFF_F000 | (linear >> 10) & 0xFFC)
        let pte = readEntry32(pteAddress)
        guard pte & MemoryAccess.present != 0 else { throw pageFault(linear, access, present: false) }
        let rights = pde & pte
        try check(linear, access, rights: rights, noExecute: false)
        return PageWalk(physical: UInt64(pte & 0xFFFF_F000 | linear & 0xFFF) & a20Mask64,
                        global: pge && pte & MemoryAccess.globalBit != 0,
                        writable: rights & MemoryAccess.writableBit != 0, user: rights & MemoryAccess.userBit != 0,
                        upperAddress: pdeAddress, upperBits: MemoryAccess.accessed & ~pde,
                        leafAddress: pteAddress, leafBits: MemoryAccess.missing(pte, access))
    }

    /// PAE paging (§4.4): PDPTE (loaded at CR3 load) → PDE → PTE, or a 2 MiB page
    /// from the PDE. PDPTEs carry no access rights and no accessed bit.
    private func walkPAE(_ linear: UInt32, _ access: PageAccess) throws(Fault) -> PageWalk {
        pageWalks &+= 1
        let pdpte = pdptes[Int(linear >> 30)]
        guard pdpte & 1 != 0 else { throw pageFault(linear, access, present: false) }
        let pdeAddress = pdpte & MemoryAccess.frameMask | UInt64(linear >> 18 & 0xFF8)
        let pde = readEntry64(pdeAddress)
        let pdeLow = UInt32(truncatingIfNeeded: pde)
        guard pdeLow & MemoryAccess.present != 0 else { throw pageFault(linear, access, present: false) }
        // Without EFER.NXE bit 63 is reserved too.
        let reserved = MemoryAccess.reservedHigh | (nxe ? 0 : MemoryAccess.executeDisable)
        let pge = cr4 & MemoryAccess.cr4PGE != 0
        if pdeLow & MemoryAccess.pageSize != 0 {
            guard pde & (reserved | MemoryAccess.reserved2M) == 0 else {
                throw pageFault(linear, access, present: true, reserved: true)
            }
            try check(linear, access, rights: pdeLow, noExecute: pde & MemoryAccess.executeDisable != 0)
            let base = pde & MemoryAccess.frameMask & ~0x1F_FFFF
            return PageWalk(physical: (base | UInt64(linear & 0x1F_FFFF)) & a20Mask64,
                            global: pge && pdeLow & MemoryAccess.globalBit != 0, large: true,
                            writable: pdeLow & MemoryAccess.writableBit != 0, user: pdeLow & MemoryAccess.userBit != 0,
                            leafAddress: pdeAddress, leafBits: MemoryAccess.missing(pdeLow, access))
        }
        guard pde & reserved == 0 else { throw pageFault(linear, access, present: true, reserved: true) }
        let pteAddress = pde & MemoryAccess.frameMask | UInt64(linear >> 9 & 0xFF8)
        let pte = readEntry64(pteAddress)
        let pteLow = UInt32(truncatingIfNeeded: pte)
        guard pteLow & MemoryAccess.present != 0 else { throw pageFault(linear, access, present: false) }
        guard pte & reserved == 0 else { throw pageFault(linear, access, present: true, reserved: true) }
        let rights = pdeLow & pteLow
        try check(linear, access, rights: rights, noExecute: (pde | pte) & MemoryAccess.executeDisable != 0)
        return PageWalk(physical: (pte & MemoryAccess.frameMask | UInt64(linear & 0xFFF)) & a20Mask64,
                        global: pge && pteLow & MemoryAccess.globalBit != 0,
                        writable: rights & MemoryAccess.writableBit != 0, user: rights & MemoryAccess.userBit != 0,
                        upperAddress: pdeAddress, upperBits: MemoryAccess.accessed & ~pdeLow,
                        leafAddress: pteAddress, leafBits: MemoryAccess.missing(pteLow, access))
    }

    /// 4-level paging (§4.5): PML4E → PDPTE → PDE → PTE, with 1 GiB pages from
    /// the PDPTE and 2 MiB pages from the PDE. A linear address whose bits 63:47
    /// are not all equal is not canonical: #GP(0) rather than a walk (§3.3.7.1;
    /// the accesses that must raise #SS instead check before they get here).
    private func walkFourLevel(_ linear: UInt64, _ access: PageAccess) throws(Fault) -> PageWalk {
        guard CPU.isCanonical(linear) else { throw Fault.gp() }
        pageWalks &+= 1
        let reserved = MemoryAccess.reservedHigh | (nxe ? 0 : MemoryAccess.executeDisable)
        let pageSize = UInt64(MemoryAccess.pageSize)
        var w = PageWalk(physical: 0)
        var table = cr3, shift: UInt64 = 39
        var rights = UInt32.max, noExecute = false
        // One level a turn, from the PML4E (shift 39) down: a PDPTE (30) or PDE (21)
        // with PS maps a 1 GiB or 2 MiB page; a PTE (12) always maps a 4 KiB one.
        while true {
            let address = table & MemoryAccess.frameMask | (linear >> shift & 0x1FF) << 3
            let e = readEntry64(address)
            guard e & 1 != 0 else { throw pageFault(linear, access, present: false) }
            let large = e & pageSize != 0 && (shift == 30 || shift == 21)
            // PS is reserved in a PML4E; a large page has reserved bits of its own.
            let reservedHere = reserved | (shift == 39 ? pageSize : 0)
                | (large ? (shift == 30 ? MemoryAccess.reserved1G : MemoryAccess.reserved2M) : 0)
            guard e & reservedHere == 0 else { throw pageFault(linear, access, present: true, reserved: true) }
            rights &= UInt32(truncatingIfNeeded: e)
            noExecute = noExecute || e & MemoryAccess.executeDisable != 0
            if large || shift == 12 {
                try check(linear, access, rights: rights, noExecute: noExecute)
                let low = UInt32(truncatingIfNeeded: e)
                let offsetMask: UInt64 = (1 << shift) - 1
                w.physical = (e & MemoryAccess.frameMask & ~offsetMask | linear & offsetMask) & a20Mask64
                w.global = cr4 & MemoryAccess.cr4PGE != 0 && low & MemoryAccess.globalBit != 0
                w.large = large
                w.writable = rights & MemoryAccess.writableBit != 0
                w.user = rights & MemoryAccess.userBit != 0
                w.leafAddress = address
                w.leafBits = MemoryAccess.missing(low, access)
                return w
            }
            // The entries above the leaf get their accessed bit (§4.8).
            let missing = MemoryAccess.accessed & ~UInt32(truncatingIfNeeded: e)
            switch shift {
            case 39: w.topAddress = address; w.topBits = missing
            case 30: w.middleAddress = address; w.middleBits = missing
            default: w.upperAddress = address; w.upperBits = missing
            }
            table = e
            shift -= 9
        }
    }

    /// The accessed bit, and for a write the dirty bit, that the entry mapping the page lacks (§4.8).
    @inline(__always) private static func missing(_ entry: UInt32, _ access: PageAccess) -> UInt32 {
        let wanted = access.contains(.write) ? accessed | dirty : accessed
        return wanted & ~entry
    }

    /// Access rights (§4.6.1) from the AND of the R/W and U/S bits of every level:
    /// user accesses need U/S=1; user writes need R/W=1, and so do supervisor
    /// writes under CR0.WP; fetches need XD=0 (only ever set with PAE and NXE).
    @inline(__always) private func check<A: BinaryInteger>(_ linear: A, _ access: PageAccess, rights: UInt32, noExecute: Bool) throws(Fault) {
        let user = access.contains(.user)
        let denied = (user && rights & MemoryAccess.userBit == 0)
            || (access.contains(.write) && rights & MemoryAccess.writableBit == 0 && (user || cr0 & MemoryAccess.cr0WP != 0))
            || (access.contains(.fetch) && noExecute)
        if denied { throw pageFault(linear, access, present: true) }
    }

    /// #PF with its error code (§4.7): P, W/R, U/S, RSVD (which implies P), and
    /// I/D for a fetch when PAE or 4-level paging is in use with EFER.NXE (there is no SMEP).
    private func pageFault<A: BinaryInteger>(_ linear: A, _ access: PageAccess, present: Bool, reserved: Bool = false) -> Fault {
        var code = access.rawValue & (PageAccess.write.rawValue | PageAccess.user.rawValue)
        if present { code |= 1 }
        if reserved { code |= 1 << 3 }
        if access.contains(.fetch) && mode != .legacy && nxe { code |= PageAccess.fetch.rawValue }
        return Fault(Fault.pageFault, errorCode: code, address: UInt64(truncatingIfNeeded: linear))
    }

    /// Sets the accessed and dirty bits a successful walk used (§4.8).
    func commit(_ w: PageWalk) {
        if w.topBits != 0 { setBits(w.topBits, at: w.topAddress) }
        if w.middleBits != 0 { setBits(w.middleBits, at: w.middleAddress) }
        if w.upperBits != 0 { setBits(w.upperBits, at: w.upperAddress) }
        if w.leafBits != 0 { setBits(w.leafBits, at: w.leafAddress) }
    }

    /// A read-modify-write of the entry's low dword, as the processor's locked
    /// update is. Re-reading keeps bits just set through another role of the same
    /// entry (a page directory that maps itself makes a PDE also a PTE).
    private func setBits(_ bits: UInt32, at address: UInt64) {
        let v = readEntry32(address)
        if v & bits != bits { writeEntry32(address, v | bits) }
    }

    // MARK: PDPTEs

    /// Loads the four PDPTEs from the 32-byte table at CR3 (§4.4.1). A present
    /// entry with a reserved bit set makes the instruction fail with #GP(0) and
    /// leaves the old PDPTEs in place.
    func loadPDPTEs(_ cr3: UInt64) throws(Fault) {
        let base = cr3 & 0xFFFF_FFE0
        let e0 = readEntry64(base), e1 = readEntry64(base + 8)
        let e2 = readEntry64(base + 16), e3 = readEntry64(base + 24)
        @inline(__always) func bad(_ e: UInt64) -> Bool { e & 1 != 0 && e & MemoryAccess.reservedPDPTE != 0 }
        if bad(e0) || bad(e1) || bad(e2) || bad(e3) { throw Fault.gp() }
        pdptes[0] = e0; pdptes[1] = e1; pdptes[2] = e2; pdptes[3] = e3
    }

    // MARK: Paging-structure entries in guest physical memory

    /// A 64-bit mask applying the A20 gate to physical addresses above 4 GiB too.
    var a20Mask64: UInt64 { 0xFFFF_FFFF_0000_0000 | UInt64(a20.pointee) }

    /// An aligned dword of physical memory: RAM through the page map, anything
    /// else (ROM, devices, nothing) through the bus, which reads open bus as all-ones.
    func readEntry32(_ address: UInt64) -> UInt32 {
        let a = address & a20Mask64
        if a >> 32 == 0, let host = readMap[Int(a >> 12)] {
            return (host + Int(a & 0xFFF)).loadUnaligned(as: UInt32.self)
        }
        return bus.readPhysical(a, size: 4)
    }

    func readEntry64(_ address: UInt64) -> UInt64 {
        UInt64(readEntry32(address)) | UInt64(readEntry32(address &+ 4)) << 32
    }

    /// Writes an entry back as a store from the CPU would: decoded instructions
    /// in the page are invalidated, writes outside RAM go to the bus.
    func writeEntry32(_ address: UInt64, _ v: UInt32) {
        let a = address & a20Mask64
        let page = Int(truncatingIfNeeded: a >> 12)
        if a >> 32 == 0, let host = writeMap[page] {
            (host + Int(a & 0xFFF)).storeBytes(of: v, as: UInt32.self)
            if codePages[page] != 0 { decodeCache.invalidate(physical: UInt32(truncatingIfNeeded: a), size: 4) }
        } else {
            bus.writePhysical(a, size: 4, value: v)
        }
    }
}
