import XCTest
@testable import X86

/// 4-level paging of IA-32e mode (SDM Vol. 3 §4.5-4.8): translations through
/// 4 KiB, 2 MiB and 1 GiB pages, rights as the AND of every level, NX as the OR,
/// #PF error codes (P, W/R, U/S, RSVD, I/D), reserved bits at each level,
/// canonical addresses, and the accessed and dirty bits a walk sets.
final class FourLevelPagingTests: XCTestCase {
    static let pml4: UInt64 = 0x1000, pdpt: UInt64 = 0x2000, directory: UInt64 = 0x3000, table: UInt64 = 0x4000
    static let p: UInt64 = 1, w: UInt64 = 2, u: UInt64 = 4, ps: UInt64 = 0x80, xd: UInt64 = 1 << 63
    static let pwu = p | w | u

    /// The entries of one walk; the linear address picks which: 0x20_1123 a
    /// 4 KiB page (PD[1] → PT[1]), 0x40_0123 a 2 MiB page (PD[2]), 0x4000_0123
    /// a 1 GiB page (PDPT[1]).
    struct Case {
        var name: String
        var linear: UInt64
        var pml4e: UInt64 = pwu
        var pdpte: UInt64 = pwu
        var pde: UInt64 = pwu
        var pte: UInt64 = pwu
        var access: PageAccess = .read
        var wp = false
        var nxe = true
        /// The physical address, or the #PF error code (or nil for #GP).
        var physical: UInt64? = nil
        var error: UInt32? = nil
        var generalProtection = false
    }

    static let fourK: UInt64 = 0x20_1123, twoM: UInt64 = 0x40_0123, oneG: UInt64 = 0x4000_0123
    static let frame: UInt64 = 0x30_0000

    static let cases: [Case] = [
        Case(name: "4 KiB page", linear: fourK, physical: frame | 0x123),
        Case(name: "2 MiB page", linear: twoM, pde: pwu | ps | 0x60_0000, physical: 0x60_0123),
        Case(name: "1 GiB page", linear: oneG, pdpte: pwu | ps | 0x8000_0000, physical: 0x8000_0123),
        Case(name: "high half through PML4E 511", linear: 0xFFFF_FF80_0020_1123, physical: frame | 0x123),
        Case(name: "PML4E not present", linear: fourK, pml4e: 0, error: 0),
        Case(name: "PDPTE not present, user write", linear: fourK, pdpte: 0, access: [.user, .write], error: 6),
        Case(name: "PDE not present, fetch with NXE has I/D", linear: fourK, pde: 0, access: .fetch, error: 0x10),
        Case(name: "PTE not present, fetch without NXE has no I/D", linear: fourK, pte: 0, access: .fetch, nxe: false, error: 0),
        Case(name: "PS in a PML4E is reserved", linear: fourK, pml4e: pwu | ps, error: 9),
        Case(name: "1 GiB page bit 13 is reserved", linear: oneG, pdpte: pwu | ps | 1 << 13, error: 9),
        Case(name: "2 MiB page bit 20 is reserved", linear: twoM, pde: pwu | ps | 1 << 20, access: .write, error: 0xB),
        Case(name: "PTE bit 36 is above MAXPHYADDR", linear: fourK, pte: pwu | 1 << 36, access: .user, error: 0xD),
        Case(name: "XD without NXE is reserved", linear: fourK, pdpte: pwu | xd, nxe: false, error: 9),
        Case(name: "fetch from an XD PML4E", linear: fourK, pml4e: pwu | xd, access: .fetch, error: 0x11),
        Case(name: "read from an XD page", linear: fourK, pte: pwu | xd, physical: frame | 0x123),
        Case(name: "user fetch through an XD 1 GiB page", linear: oneG, pdpte: pwu | ps | xd, access: [.user, .fetch], error: 0x15),
        Case(name: "user read through a supervisor PDPTE", linear: fourK, pdpte: p | w, access: .user, error: 5),
        Case(name: "user read through a supervisor PML4E", linear: twoM, pml4e: p | w, pde: pwu | ps, access: .user, error: 5),
        Case(name: "user write through a read-only PML4E", linear: fourK, pml4e: p | u, access: [.user, .write], error: 7),
        Case(name: "supervisor write to a read-only PTE, WP=0", linear: fourK, pte: p | u, access: .write, physical: frame | 0x123),
        Case(name: "supervisor write to a read-only PDE, WP=1", linear: fourK, pde: p | u, access: .write, wp: true, error: 3),
        Case(name: "bits 63:48 not a copy of bit 47", linear: 0x0000_8000_0000_0000, generalProtection: true),
        Case(name: "bits 63:48 not a copy of bit 47 (high)", linear: 0xFFFF_7FFF_FFFF_F000, generalProtection: true),
    ]

    func testTranslationsAndFaults() {
        for c in FourLevelPagingTests.cases {
            let bus = TestBus(ramSize: 4 << 20)
            let t = FourLevelPagingTests.self
            func put(_ address: UInt64, _ v: UInt64) { bus.ram.storeBytes(of: v, toByteOffset: Int(address), as: UInt64.self) }
            put(t.pml4, t.pdpt | c.pml4e)
            put(t.pml4 + 511 * 8, t.pdpt | c.pml4e)
            put(t.pdpt, t.directory | c.pdpte)
            put(t.pdpt + 8, c.pdpte)
            put(t.directory + 8, t.table | c.pde)
            put(t.directory + 16, c.pde)
            put(t.table + 8, t.frame | c.pte)
            let memory = bus.cpu.memory
            let cr0: UInt32 = 0x8000_0011 | (c.wp ? 1 << 16 : 0)
            XCTAssertNoThrow(try memory.setPaging(cr0: cr0, cr3: t.pml4, cr4: 0x20, nxe: c.nxe, longMode: true), c.name)
            do throws(Fault) {
                let physical = try memory.translate(c.linear, access: c.access)
                XCTAssertEqual(physical, c.physical, c.name)
            } catch {
                if c.generalProtection {
                    XCTAssertEqual(error, Fault.gp(), c.name)
                } else {
                    XCTAssertEqual(error, Fault(Fault.pageFault, errorCode: c.error ?? 0xFFFF, address: c.linear), c.name)
                    XCTAssertNotNil(c.error, "\(c.name): unexpected \(error)")
                }
            }
        }
    }

    /// A successful walk sets A in every entry it used and D in the one that
    /// maps the page, for a write only; a faulting one sets nothing.
    func testAccessedAndDirtyBits() throws {
        let bus = TestBus(ramSize: 4 << 20)
        let t = FourLevelPagingTests.self
        func put(_ address: UInt64, _ v: UInt64) { bus.ram.storeBytes(of: v, toByteOffset: Int(address), as: UInt64.self) }
        func get(_ address: UInt64) -> UInt64 { bus.ram.load(fromByteOffset: Int(address), as: UInt64.self) }
        put(t.pml4, t.pdpt | t.pwu)
        put(t.pdpt, t.directory | t.pwu)
        put(t.pdpt + 8, t.pwu | t.ps)
        put(t.directory + 8, t.table | t.pwu)
        put(t.table + 8, t.frame | t.pwu)
        put(t.table + 16, t.frame | t.p | t.u)
        let memory = bus.cpu.memory
        try memory.setPaging(cr0: 0x8001_0011, cr3: t.pml4, cr4: 0x20, nxe: true, longMode: true)
        let accessed: UInt64 = 0x20, dirty: UInt64 = 0x40
        _ = try memory.translate(t.fourK, access: .read)
        XCTAssertEqual([get(t.pml4), get(t.pdpt), get(t.directory + 8), get(t.table + 8)].map { $0 & (accessed | dirty) },
                       [accessed, accessed, accessed, accessed], "a read sets A at every level")
        _ = try memory.translate(t.fourK, access: .write)
        XCTAssertEqual(get(t.table + 8) & dirty, dirty, "a write sets D in the PTE")
        XCTAssertEqual(get(t.directory + 8) & dirty, 0, "D only in the entry that maps the page")
        XCTAssertThrowsError(try memory.translate(t.fourK + 0x1000, access: .write), "write to a read-only PTE, WP=1")
        XCTAssertEqual(get(t.table + 16) & accessed, 0, "a faulting walk sets no A bit")
        _ = try memory.translate(t.oneG, access: .write)
        XCTAssertEqual(get(t.pdpt + 8) & (accessed | dirty), accessed | dirty, "a 1 GiB page gets A and D")
    }
}
