// Paging (Intel SDM Vol. 3 ch. 4): 32-bit paging with 4 KiB and 4 MiB pages
// (§4.3), PAE paging with 4 KiB and 2 MiB pages and XD (§4.4), access rights
// (§4.6), the #PF error code (§4.7), accessed and dirty bits (§4.8), and the
// TLB rules for CR3 loads, global pages and INVLPG (§4.10). Paging structures
// are built in a TestBus's RAM and the MMU is driven through its own API.

import XCTest
@testable import X86

/// Paging structures in the RAM of a TestBus: a 32-bit page directory or a PAE
/// PDPT at `root`, a PAE page directory at `directory`, one page table at `table`.
final class PagingRig {
    let bus = TestBus(ramSize: 8 << 20)
    var memory: MemoryAccess { bus.memory }

    /// The CPU comes first: its reset turns paging off and opens the A20 gate.
    init() { _ = bus.cpu }

    static let root: UInt64 = 0x10000
    static let directory: UInt64 = 0x11000
    static let table: UInt64 = 0x12000
    static let frame: UInt64 = 0x20000

    static let p: UInt64 = 1, w: UInt64 = 2, u: UInt64 = 4, a: UInt64 = 0x20, d: UInt64 = 0x40
    static let ps: UInt64 = 0x80, g: UInt64 = 0x100, xd: UInt64 = 1 << 63

    func put32(_ address: UInt64, _ v: UInt32) { bus.ram.storeBytes(of: v, toByteOffset: Int(address), as: UInt32.self) }
    func get32(_ address: UInt64) -> UInt32 { bus.ram.load(fromByteOffset: Int(address), as: UInt32.self) }
    func put64(_ address: UInt64, _ v: UInt64) { bus.ram.storeBytes(of: v, toByteOffset: Int(address), as: UInt64.self) }
    func get64(_ address: UInt64) -> UInt64 { bus.ram.load(fromByteOffset: Int(address), as: UInt64.self) }

    func pdeAddress(_ linear: UInt64, pae: Bool) -> UInt64 {
        pae ? PagingRig.directory + (linear >> 21 & 0x1FF) * 8 : PagingRig.root + (linear >> 22) * 4
    }
    func pteAddress(_ linear: UInt64, pae: Bool) -> UInt64 {
        PagingRig.table + (pae ? (linear >> 12 & 0x1FF) * 8 : (linear >> 12 & 0x3FF) * 4)
    }
    func pde(_ linear: UInt64, pae: Bool) -> UInt64 {
        pae ? get64(pdeAddress(linear, pae: true)) : UInt64(get32(pdeAddress(linear, pae: false)))
    }
    func pte(_ linear: UInt64, pae: Bool) -> UInt64 {
        pae ? get64(pteAddress(linear, pae: true)) : UInt64(get32(pteAddress(linear, pae: false)))
    }

    /// Maps `linear` through the page table to `frame`; `pde` and `pte` are the
    /// flag bits (XD and reserved bits included for PAE).
    func map(_ linear: UInt64, pae: Bool, pde: UInt64, pte: UInt64, frame: UInt64 = PagingRig.frame) {
        if pae {
            put64(PagingRig.root + (linear >> 30) * 8, UInt64(PagingRig.directory) | PagingRig.p)
            put64(pdeAddress(linear, pae: true), UInt64(PagingRig.table) | pde)
            put64(pteAddress(linear, pae: true), UInt64(frame) | pte)
        } else {
            put32(pdeAddress(linear, pae: false), UInt32(truncatingIfNeeded: PagingRig.table | pde))
            put32(pteAddress(linear, pae: false), UInt32(truncatingIfNeeded: frame | pte))
        }
    }

    /// Sets a PDE that maps a large page (4 MiB, or 2 MiB under PAE) directly.
    func mapLarge(_ linear: UInt64, pae: Bool, entry: UInt64) {
        if pae {
            put64(PagingRig.root + (linear >> 30) * 8, UInt64(PagingRig.directory) | PagingRig.p)
            put64(pdeAddress(linear, pae: true), entry)
        } else {
            put32(pdeAddress(linear, pae: false), UInt32(truncatingIfNeeded: entry))
        }
    }

    func enable(pae: Bool, pse: Bool = false, pge: Bool = false, wp: Bool = false, nxe: Bool = false,
                cr3: UInt64 = PagingRig.root) throws(Fault) {
        let cr0: UInt64 = 0x8000_0011 | (wp ? 1 << 16 : 0)
        let cr4: UInt64 = (pse ? 0x10 : 0) | (pae ? 0x20 : 0) | (pge ? 0x80 : 0)
        try memory.setPaging(cr0: UInt32(cr0), cr3: cr3, cr4: UInt32(cr4), nxe: nxe)
    }
}

/// The outcome of a call that may raise a fault.
func faultOf<T>(_ body: () throws(Fault) -> T) -> Fault? {
    do { _ = try body(); return nil } catch { return error }
}

func pageFault(_ code: UInt64, at address: UInt64) -> Fault {
    Fault(Fault.pageFault, errorCode: UInt32(code), address: address)
}

final class PagingTests: XCTestCase {
    typealias R = PagingRig

    struct AccessCase {
        var name: String
        var pae: Bool
        var wp = false
        var nxe = false
        var pde: UInt64
        var pte: UInt64
        var access: PageAccess
        /// The #PF error code, or nil when the access succeeds.
        var error: UInt64?
    }

    static let user: PageAccess = .user, userWrite: PageAccess = [.user, .write]
    static let userFetch: PageAccess = [.user, .fetch]
    static let pw = R.p | R.w, pwu = R.p | R.w | R.u, pu = R.p | R.u

    /// Error code bits: P=1, W/R=2, U/S=4, RSVD=8, I/D=0x10.
    static let accessCases: [AccessCase] = [
        AccessCase(name: "32-bit: supervisor read", pae: false, pde: pw, pte: pw, access: .read, error: nil),
        AccessCase(name: "32-bit: PDE not present", pae: false, pde: 0, pte: pw, access: .read, error: 0),
        AccessCase(name: "32-bit: PTE not present, user write", pae: false, pde: pwu, pte: 0, access: userWrite, error: 6),
        AccessCase(name: "32-bit: not-present fetch has no I/D even with NXE", pae: false, nxe: true, pde: pw, pte: 0, access: .fetch, error: 0),
        AccessCase(name: "32-bit: user read of a supervisor PTE", pae: false, pde: pwu, pte: pw, access: user, error: 5),
        AccessCase(name: "32-bit: user read of a supervisor PDE", pae: false, pde: pw, pte: pwu, access: user, error: 5),
        AccessCase(name: "32-bit: user read of a read-only user page", pae: false, pde: pu, pte: pu, access: user, error: nil),
        AccessCase(name: "32-bit: user write to a read-only PTE", pae: false, pde: pwu, pte: pu, access: userWrite, error: 7),
        AccessCase(name: "32-bit: user write through a read-only PDE", pae: false, pde: pu, pte: pwu, access: userWrite, error: 7),
        AccessCase(name: "32-bit: user write, WP=1, writable page", pae: false, wp: true, pde: pwu, pte: pwu, access: userWrite, error: nil),
        AccessCase(name: "32-bit: supervisor write to a read-only page, WP=0", pae: false, pde: pw, pte: R.p, access: .write, error: nil),
        AccessCase(name: "32-bit: supervisor write to a read-only page, WP=1", pae: false, wp: true, pde: pw, pte: R.p, access: .write, error: 3),
        AccessCase(name: "32-bit: supervisor write through a read-only PDE, WP=1", pae: false, wp: true, pde: R.p, pte: pw, access: .write, error: 3),
        AccessCase(name: "32-bit: supervisor write to a read-only user page, WP=0", pae: false, pde: pu, pte: pu, access: .write, error: nil),
        AccessCase(name: "32-bit: supervisor write to a read-only user page, WP=1", pae: false, wp: true, pde: pu, pte: pu, access: .write, error: 3),
        AccessCase(name: "32-bit: user fetch from a supervisor page", pae: false, pde: pwu, pte: pw, access: userFetch, error: 5),
        AccessCase(name: "32-bit: supervisor fetch from a user page", pae: false, pde: pwu, pte: pwu, access: .fetch, error: nil),
        AccessCase(name: "32-bit: bit 63 does not exist, fetch succeeds", pae: false, nxe: true, pde: pw, pte: pw, access: .fetch, error: nil),

        AccessCase(name: "PAE: supervisor read", pae: true, pde: pw, pte: pw, access: .read, error: nil),
        AccessCase(name: "PAE: PDE not present", pae: true, pde: 0, pte: pw, access: .read, error: 0),
        AccessCase(name: "PAE: PTE not present, user write", pae: true, pde: pwu, pte: 0, access: userWrite, error: 6),
        AccessCase(name: "PAE: not-present fetch with NXE sets I/D", pae: true, nxe: true, pde: pw, pte: 0, access: .fetch, error: 0x10),
        AccessCase(name: "PAE: not-present user fetch with NXE", pae: true, nxe: true, pde: pwu, pte: 0, access: userFetch, error: 0x14),
        AccessCase(name: "PAE: not-present fetch without NXE has no I/D", pae: true, pde: pw, pte: 0, access: .fetch, error: 0),
        AccessCase(name: "PAE: user read of a supervisor page", pae: true, pde: pwu, pte: pw, access: user, error: 5),
        AccessCase(name: "PAE: user write to a read-only page", pae: true, pde: pwu, pte: pu, access: userWrite, error: 7),
        AccessCase(name: "PAE: supervisor write to a read-only page, WP=0", pae: true, pde: pw, pte: R.p, access: .write, error: nil),
        AccessCase(name: "PAE: supervisor write to a read-only page, WP=1", pae: true, wp: true, pde: pw, pte: R.p, access: .write, error: 3),
        AccessCase(name: "PAE: supervisor write to a read-only user page, WP=0", pae: true, pde: pwu, pte: pu, access: .write, error: nil),
        AccessCase(name: "PAE: supervisor write to a read-only user page, WP=1", pae: true, wp: true, pde: pwu, pte: pu, access: .write, error: 3),
        AccessCase(name: "PAE: fetch from an XD PTE with NXE", pae: true, nxe: true, pde: pw, pte: pw | R.xd, access: .fetch, error: 0x11),
        AccessCase(name: "PAE: user fetch through an XD PDE with NXE", pae: true, nxe: true, pde: pwu | R.xd, pte: pwu, access: userFetch, error: 0x15),
        AccessCase(name: "PAE: read from an XD page with NXE", pae: true, nxe: true, pde: pw, pte: pw | R.xd, access: .read, error: nil),
        AccessCase(name: "PAE: fetch from a page without XD, NXE", pae: true, nxe: true, pde: pw, pte: pw, access: .fetch, error: nil),
        AccessCase(name: "PAE: XD in a PTE without NXE is reserved", pae: true, pde: pw, pte: pw | R.xd, access: .read, error: 9),
        AccessCase(name: "PAE: XD in a PDE without NXE is reserved, write", pae: true, pde: pw | R.xd, pte: pw, access: .write, error: 0xB),
        AccessCase(name: "PAE: PTE bit 36 is above MAXPHYADDR", pae: true, pde: pw, pte: pw | 1 << 36, access: .read, error: 9),
        AccessCase(name: "PAE: PTE bit 62 reserved, user read", pae: true, pde: pwu, pte: pwu | 1 << 62, access: user, error: 0xD),
        AccessCase(name: "PAE: PDE bit 40 reserved, fetch with NXE", pae: true, nxe: true, pde: pw | 1 << 40, pte: pw, access: .fetch, error: 0x19),
        AccessCase(name: "PAE: RSVD is found before U/S is checked", pae: true, pde: pwu, pte: pw | 1 << 50, access: user, error: 0xD),
        AccessCase(name: "PAE: reserved bits of a not-present PTE are ignored", pae: true, pde: pw, pte: 1 << 40, access: .read, error: 0),
        AccessCase(name: "PAE: bits 35:32 of a frame are allowed", pae: true, pde: pw, pte: pw | 0x8_0000_0000, access: .read, error: nil),
    ]

    func testErrorCodes() {
        let linear: UInt64 = 0x4060_3123
        for c in PagingTests.accessCases {
            let rig = PagingRig()
            rig.map(linear, pae: c.pae, pde: c.pde, pte: c.pte)
            XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: c.pae, wp: c.wp, nxe: c.nxe) }, c.name)
            var physical: UInt64 = 0
            let fault = faultOf { () throws(Fault) in physical = try rig.memory.translate(linear, access: c.access) }
            if let code = c.error {
                XCTAssertEqual(fault, pageFault(code, at: linear), c.name)
                XCTAssertEqual(rig.pte(linear, pae: c.pae) & (R.a | R.d), 0, "\(c.name): no A/D bits for a faulting access")
            } else {
                XCTAssertNil(fault, c.name)
                let frame = c.pae ? c.pte & 0xF_FFFF_F000 | UInt64(R.frame) : UInt64(R.frame)
                XCTAssertEqual(physical, frame | UInt64(linear & 0xFFF), c.name)
                XCTAssertNotEqual(rig.pte(linear, pae: c.pae) & R.a, 0, "\(c.name): PTE accessed")
            }
        }
    }

    // MARK: Accessed and dirty bits (§4.8)

    func testAccessedAndDirtyBits() {
        let linear: UInt64 = 0x0040_5000
        for pae in [false, true] {
            let mode = pae ? "PAE" : "32-bit"
            let rig = PagingRig()
            rig.map(linear, pae: pae, pde: PagingTests.pw, pte: PagingTests.pw)
            XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: pae) }, mode)
            XCTAssertNil(faultOf { () throws(Fault) in _ = try rig.memory.read(linear, size: 4, user: false) }, mode)
            XCTAssertEqual(rig.pde(linear, pae: pae) & (R.a | R.d), R.a, "\(mode): read sets PDE.A only")
            XCTAssertEqual(rig.pte(linear, pae: pae) & (R.a | R.d), R.a, "\(mode): read sets PTE.A, not D")
            XCTAssertNil(faultOf { () throws(Fault) in try rig.memory.write(linear, size: 4, value: 0x1234_5678, user: false) }, mode)
            XCTAssertEqual(rig.pte(linear, pae: pae) & (R.a | R.d), R.a | R.d, "\(mode): write sets PTE.D")
            XCTAssertEqual(rig.pde(linear, pae: pae) & R.d, 0, "\(mode): a PDE that references a table gets no D")
            XCTAssertEqual(rig.get32(R.frame), 0x1234_5678, "\(mode): the write reached the frame")
            if pae {
                XCTAssertEqual(rig.get64(R.root + (linear >> 30) * 8), UInt64(R.directory) | R.p, "PAE: PDPTEs have no accessed bit")
            }
        }
    }

    /// What traces and debuggers read: the guest's view, with no accessed bit set
    /// and no TLB entry filled; nil where a read would fault.
    func testPeekLeavesNoTrace() {
        let linear: UInt64 = 0x0040_5000
        for pae in [false, true] {
            let rig = PagingRig()
            rig.map(linear, pae: pae, pde: PagingTests.pw, pte: PagingTests.pw)
            rig.put32(R.frame + 8, 0xA5)
            XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: pae) })
            let misses = rig.memory.tlbMisses
            XCTAssertEqual(rig.memory.peekLinear8(linear + 8), 0xA5, "pae \(pae)")
            XCTAssertEqual(rig.pte(linear, pae: pae) & R.a, 0, "pae \(pae): no accessed bit")
            XCTAssertEqual(rig.pde(linear, pae: pae) & R.a, 0, "pae \(pae): no accessed bit in the PDE")
            XCTAssertNil(rig.memory.peekLinear8(linear + 0x1000), "pae \(pae): not present")
            XCTAssertEqual(rig.memory.tlbMisses, misses, "pae \(pae): no TLB lookups or fills")
        }
    }

    func testRefusedWriteSetsNoBits() {
        let linear: UInt64 = 0x0040_5000
        for pae in [false, true] {
            let rig = PagingRig()
            rig.map(linear, pae: pae, pde: PagingTests.pw, pte: R.p)
            XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: pae, wp: true) }, "pae \(pae): paging on with WP")
            let f = faultOf { () throws(Fault) in try rig.memory.write(linear, size: 1, value: 1, user: false) }
            XCTAssertEqual(f, pageFault(3, at: linear), "pae \(pae): WP=1 write to a read-only page")
            XCTAssertEqual(rig.pte(linear, pae: pae) & (R.a | R.d), 0, "pae \(pae): PTE untouched")
            XCTAssertEqual(rig.pde(linear, pae: pae) & R.a, 0, "pae \(pae): PDE untouched")
            XCTAssertEqual(rig.get32(R.frame), 0, "pae \(pae): nothing written")
        }
    }

    // MARK: Large pages

    struct LargeCase {
        var name: String
        var pae: Bool
        var pse = true
        var entry: UInt64
        var linear: UInt64
        var physical: UInt64?
        var error: UInt64? = nil
    }

    static let largeCases: [LargeCase] = [
        LargeCase(name: "4 MiB page", pae: false, entry: 0x0040_0000 | pw | R.ps, linear: 0x0080_1234, physical: 0x0040_1234),
        LargeCase(name: "4 MiB page, PSE-36 bits 16:13 give physical bits 35:32", pae: false,
                  entry: 0x0040_0000 | 0x3 << 13 | pw | R.ps, linear: 0x0080_1234, physical: 0x3_0040_1234),
        LargeCase(name: "4 MiB page, bit 21 reserved", pae: false, entry: 0x0040_0000 | 1 << 21 | pw | R.ps,
                  linear: 0x0080_1234, physical: nil, error: 9),
        LargeCase(name: "2 MiB page", pae: true, entry: 0x0060_0000 | pw | R.ps, linear: 0x4060_3123, physical: 0x0060_3123),
        LargeCase(name: "2 MiB page above 4 GiB", pae: true, entry: 0xF_0060_0000 | pw | R.ps, linear: 0x4060_3123, physical: 0xF_0060_3123),
        LargeCase(name: "2 MiB page, bit 13 reserved", pae: true, entry: 0x0060_0000 | 1 << 13 | pw | R.ps,
                  linear: 0x4060_3123, physical: nil, error: 9),
        LargeCase(name: "2 MiB page, bit 20 reserved", pae: true, entry: 0x0070_0000 | pw | R.ps,
                  linear: 0x4060_3123, physical: nil, error: 9),
    ]

    func testLargePages() {
        for c in PagingTests.largeCases {
            let rig = PagingRig()
            rig.mapLarge(c.linear, pae: c.pae, entry: c.entry)
            XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: c.pae, pse: c.pse) }, c.name)
            var physical: UInt64 = 0
            let fault = faultOf { () throws(Fault) in physical = try rig.memory.translate(c.linear, access: .write) }
            if let code = c.error {
                XCTAssertEqual(fault, pageFault(code | 2, at: c.linear), c.name)
                continue
            }
            XCTAssertNil(fault, c.name)
            XCTAssertEqual(physical, c.physical, c.name)
            XCTAssertEqual(rig.pde(c.linear, pae: c.pae) & (R.a | R.d), R.a | R.d, "\(c.name): A and D in the PDE")
            // A frame beyond RAM reads as all-ones through the bus and takes writes without trapping.
            XCTAssertNil(faultOf { () throws(Fault) in try rig.memory.write(c.linear, size: 4, value: 0xCAFE_F00D, user: false) }, c.name)
            var v: UInt64 = 0
            XCTAssertNil(faultOf { () throws(Fault) in v = try rig.memory.read(c.linear, size: 4, user: false) }, c.name)
            XCTAssertEqual(v, (c.physical ?? 0) < UInt64(rig.bus.ramSize) ? 0xCAFE_F00D : 0xFFFF_FFFF, c.name)
        }
    }

    func testPSEOffIgnoresPageSizeBit() {
        let rig = PagingRig()
        let linear: UInt64 = 0x0080_3123
        rig.map(linear, pae: false, pde: PagingTests.pw | R.ps, pte: PagingTests.pw)
        XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: false, pse: false) }, "enable(pae: false, pse: false)")
        var physical: UInt64 = 0
        XCTAssertNil(faultOf { () throws(Fault) in physical = try rig.memory.translate(linear, access: .read) }, "CR4.PSE=0")
        XCTAssertEqual(physical, UInt64(R.frame | 0x123), "CR4.PSE=0: PS ignored, the PDE references a page table")
    }

    // MARK: PAE PDPTEs (§4.4.1)

    func testPDPTEs() {
        let linear: UInt64 = 0x4060_3123
        let rig = PagingRig()
        rig.map(linear, pae: true, pde: PagingTests.pw, pte: PagingTests.pw)
        rig.put64(R.root, UInt64(R.directory) | R.p | R.w)   // PDPTE 0: R/W is reserved
        XCTAssertEqual(faultOf { () throws(Fault) in try rig.enable(pae: true) }, Fault.gp(), "reserved bit in a present PDPTE: #GP(0)")
        XCTAssertEqual(rig.memory.mode, .off, "the failed MOV leaves paging off")
        rig.put64(R.root, UInt64(R.directory) | R.w)         // not present: its bits are not checked
        XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: true) }, "reserved bits of a not-present PDPTE are ignored")
        XCTAssertEqual(faultOf { () throws(Fault) in try rig.memory.translate(0x0000_1000, access: .write) }, pageFault(2, at: 0x1000),
                       "not-present PDPTE")
        XCTAssertNil(faultOf { () throws(Fault) in _ = try rig.memory.translate(linear, access: .read) }, "PDPTE 1 present")

        // The PDPTEs are those loaded at the last CR3 load, not what memory holds now.
        rig.put64(R.root + 8, 0)
        XCTAssertNil(faultOf { () throws(Fault) in _ = try rig.memory.translate(linear, access: .read) }, "cached PDPTE still used")
        XCTAssertNil(faultOf { () throws(Fault) in try rig.memory.loadCR3(R.root) }, "CR3 reload")
        XCTAssertEqual(faultOf { () throws(Fault) in try rig.memory.translate(linear, access: .read) }, pageFault(0, at: linear),
                       "after the CR3 load the cleared PDPTE is seen")

        rig.put64(R.root + 8, UInt64(R.directory) | R.p | 1 << 40)
        XCTAssertEqual(faultOf { () throws(Fault) in try rig.memory.loadCR3(R.root) }, Fault.gp(), "MOV CR3 with a bad PDPTE")
        XCTAssertEqual(faultOf { () throws(Fault) in try rig.memory.translate(linear, access: .read) }, pageFault(0, at: linear),
                       "the failed CR3 load kept the old PDPTEs")
    }

    // MARK: Pages that cross

    func testStraddlingWriteChecksBothPages() {
        for pae in [false, true] {
            let rig = PagingRig()
            let first: UInt64 = 0x0040_0000
            rig.map(first, pae: pae, pde: PagingTests.pw, pte: PagingTests.pw)
            rig.map(first + 0x1000, pae: pae, pde: PagingTests.pw, pte: 0)
            XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: pae) }, "pae \(pae): paging on")
            let linear = first + 0xFFE
            let w = faultOf { () throws(Fault) in try rig.memory.write(linear, size: 4, value: 0xAABB_CCDD, user: false) }
            XCTAssertEqual(w, pageFault(2, at: first + 0x1000), "pae \(pae): CR2 is the first byte of the faulting page")
            let probe = faultOf { () throws(Fault) in try rig.memory.probeWrite(first + 0xFFC, size: 8) }
            XCTAssertEqual(probe, pageFault(2, at: first + 0x1000), "pae \(pae): 8-byte probe straddling a not-present page")
            XCTAssertEqual(rig.get32(R.frame + 0xFFC), 0, "pae \(pae): nothing written to the present page")
            XCTAssertEqual(rig.pte(first, pae: pae) & (R.a | R.d), 0, "pae \(pae): no A/D set by the failed write")

            let r = faultOf { () throws(Fault) in try rig.memory.read(linear, size: 4, user: false) }
            XCTAssertEqual(r, pageFault(0, at: first + 0x1000), "pae \(pae): straddling read")
            rig.map(first, pae: pae, pde: PagingTests.pw, pte: 0)
            XCTAssertEqual(faultOf { () throws(Fault) in try rig.memory.write(linear, size: 4, value: 0, user: false) },
                           pageFault(2, at: linear), "pae \(pae): a fault in the first page reports the access's address")
        }
    }

    func testStraddlingAccessSplitsAcrossFrames() {
        let rig = PagingRig()
        let first: UInt64 = 0x0040_0000
        rig.map(first, pae: false, pde: PagingTests.pw, pte: PagingTests.pw, frame: 0x30000)
        rig.map(first + 0x1000, pae: false, pde: PagingTests.pw, pte: PagingTests.pw, frame: 0x20000)
        XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: false) }, "enable(pae: false)")
        XCTAssertNil(faultOf { () throws(Fault) in try rig.memory.write(first + 0xFFE, size: 4, value: 0xAABB_CCDD, user: false) }, "memory.write(first + 0xFFE, size: 4, value: 0xAABB_CCDD, user: false)")
        XCTAssertEqual(rig.bus.byte(at: 0x30FFE), 0xDD, "low bytes in the first frame")
        XCTAssertEqual(rig.bus.byte(at: 0x30FFF), 0xCC, "low bytes in the first frame")
        XCTAssertEqual(rig.bus.byte(at: 0x20000), 0xBB, "high bytes in the second frame")
        XCTAssertEqual(rig.bus.byte(at: 0x20001), 0xAA, "high bytes in the second frame")
        var v: UInt64 = 0
        XCTAssertNil(faultOf { () throws(Fault) in v = try rig.memory.read(first + 0xFFE, size: 4, user: false) }, "memory.read(first + 0xFFE, size: 4, user: false)")
        XCTAssertEqual(v, 0xAABB_CCDD, "straddling read")
        XCTAssertEqual(rig.pte(first, pae: false) & R.d, R.d, "D set in the first page")
        XCTAssertEqual(rig.pte(first + 0x1000, pae: false) & R.d, R.d, "D set in the second page")
    }

    // MARK: TLB (§4.10)

    func testTLBFillsAndPrivilege() {
        let rig = PagingRig()
        let m = rig.memory, tlb = rig.memory.view
        let userPage: UInt64 = 0x0040_7000, kernelPage: UInt64 = 0x0040_8000
        let u = Int(userPage >> 12) & (MemoryAccess.tlbSize - 1), k = Int(kernelPage >> 12) & (MemoryAccess.tlbSize - 1)
        rig.map(userPage, pae: false, pde: PagingTests.pwu, pte: PagingTests.pwu)
        rig.map(kernelPage, pae: false, pde: PagingTests.pwu, pte: PagingTests.pw, frame: 0x21000)
        rig.put32(0x21000, 0x5EC2E7)
        XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: false) }, "enable(pae: false)")
        XCTAssertNil(faultOf { () throws(Fault) in _ = try m.read(userPage, size: 4, user: false) }, "supervisor read, user page")
        XCTAssertNil(faultOf { () throws(Fault) in _ = try m.read(kernelPage, size: 4, user: false) }, "supervisor read, kernel page")
        XCTAssertEqual(tlb.readTags[u], userPage >> 12, "supervisor read fills the read TLB")
        XCTAssertEqual(tlb.readTags[k], kernelPage >> 12, "supervisor read of a supervisor page fills too")
        XCTAssertNotEqual(tlb.writeTags[u], userPage >> 12, "a read fills no write entry")
        XCTAssertNil(faultOf { () throws(Fault) in try m.write(userPage, size: 4, value: 7, user: false) }, "write")
        XCTAssertEqual(tlb.writeTags[u], userPage >> 12, "a write that set D fills the write TLB")
        XCTAssertEqual(tlb.writeAddends[u] + Int(userPage), rig.bus.ram + Int(R.frame), "the addend reaches the frame")

        // Entering user mode drops what only supervisor accesses may use.
        m.userMode = true
        XCTAssertEqual(tlb.readTags[u], userPage >> 12, "user-accessible entry kept at CPL 3")
        XCTAssertEqual(tlb.writeTags[u], userPage >> 12, "user-writable entry kept at CPL 3")
        XCTAssertNotEqual(tlb.readTags[k], kernelPage >> 12, "supervisor-only entry dropped at CPL 3")
        XCTAssertEqual(faultOf { () throws(Fault) in try m.readSlow(kernelPage, size: 4) }, pageFault(5, at: kernelPage),
                       "user read of a supervisor page")
        var v: UInt64 = 0
        XCTAssertNil(faultOf { () throws(Fault) in v = try rig.bus.cpu.readSupervisor(kernelPage, size: 4) }, "implicit supervisor read")
        XCTAssertEqual(v, 0x5EC2E7, "implicit supervisor read at CPL 3")
        XCTAssertNotEqual(tlb.readTags[k], kernelPage >> 12, "and it is not cached for user accesses")
        XCTAssertNil(faultOf { () throws(Fault) in try rig.bus.cpu.writeSupervisor(kernelPage, size: 2, 0xBEEF) }, "implicit write")
        XCTAssertEqual(rig.get32(0x21000) & 0xFFFF, 0xBEEF, "implicit supervisor write at CPL 3")

        XCTAssertNil(faultOf { () throws(Fault) in _ = try m.fetchSlow(userPage) }, "user fetch")
        XCTAssertEqual(tlb.codeTags[u], userPage >> 12, "a fetch fills the code TLB")
        XCTAssertEqual(tlb.codeFrames[u], UInt64(R.frame), "code entry holds the frame")
        XCTAssertEqual(tlb.currentCode.pointee.page, userPage >> 12, "and becomes the current code page")
        m.userMode = false
        XCTAssertEqual(tlb.currentCode.pointee.page, userPage >> 12, "user entries stay valid at CPL 0")

        // A supervisor write to a read-only page with WP=0 succeeds but is not cached.
        let ro: UInt64 = 0x0040_9000
        rig.map(ro, pae: false, pde: PagingTests.pwu, pte: R.p | R.d)
        XCTAssertNil(faultOf { () throws(Fault) in try m.write(ro, size: 1, value: 1, user: false) }, "WP=0 write")
        XCTAssertNotEqual(tlb.writeTags[Int(ro >> 12) & (MemoryAccess.tlbSize - 1)], ro >> 12, "read-only page not in the write TLB")
    }

    func testManySupervisorEntriesDroppedAtCPL3() {
        let rig = PagingRig()
        let m = rig.memory
        let base: UInt64 = 0x0040_0000
        for n in 0..<100 { rig.map(base + UInt64(n) << 12, pae: false, pde: PagingTests.pwu, pte: PagingTests.pw) }
        rig.map(base + 0x80000, pae: false, pde: PagingTests.pwu, pte: PagingTests.pwu)
        XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: false) }, "enable(pae: false)")
        for n in 0..<100 {
            XCTAssertNil(faultOf { () throws(Fault) in _ = try m.read(base + UInt64(n) << 12, size: 1, user: false) }, "page \(n)")
        }
        XCTAssertNil(faultOf { () throws(Fault) in _ = try m.read(base + 0x80000, size: 1, user: false) }, "user page")
        m.userMode = true
        for n in 0..<100 {
            let page = (base >> 12) + UInt64(n)
            XCTAssertNotEqual(m.view.readTags[Int(page) & (MemoryAccess.tlbSize - 1)], page, "supervisor-only page \(n) dropped past the slot list")
        }
        XCTAssertEqual(m.view.readTags[Int((base + 0x80000) >> 12) & (MemoryAccess.tlbSize - 1)], (base + 0x80000) >> 12, "user page kept")
    }

    func testCPUFastPathsWithPaging() {
        let rig = PagingRig()
        let cpu = rig.bus.cpu
        let linear: UInt64 = 0x0040_7010
        rig.map(linear, pae: true, pde: PagingTests.pw, pte: PagingTests.pw | R.xd)
        rig.map(0x0040_9000, pae: true, pde: PagingTests.pw, pte: PagingTests.pw, frame: 0x31000)
        XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: true, nxe: true) }, "enable(pae: true, nxe: true)")
        rig.put32(R.frame + 0x10, 0x1122_3344)
        var v: UInt64 = 0
        XCTAssertNil(faultOf { () throws(Fault) in v = UInt64(try cpu.readLinear32(linear)) }, "CPU read, miss")
        XCTAssertEqual(v, 0x1122_3344, "CPU read through the page tables")
        XCTAssertNil(faultOf { () throws(Fault) in v = UInt64(try cpu.readLinear32(linear)) }, "CPU read, hit")
        XCTAssertEqual(v, 0x1122_3344, "CPU read hit")
        XCTAssertNil(faultOf { () throws(Fault) in try cpu.writeLinear(linear, size: 2, 0xBEEF) }, "CPU write")
        XCTAssertNil(faultOf { () throws(Fault) in try cpu.writeLinear(linear, size: 2, 0xCAFE) }, "CPU write hit")
        XCTAssertEqual(rig.get32(R.frame + 0x10), 0x1122_CAFE, "CPU writes reached the frame")
        XCTAssertNil(faultOf { () throws(Fault) in try cpu.probeWrite(linear, size: 4) }, "probe a writable page")
        XCTAssertEqual(faultOf { () throws(Fault) in try cpu.translateFetch(linear) }, pageFault(0x11, at: linear),
                       "fetch from an XD page")
        var physical: UInt64 = 0
        XCTAssertNil(faultOf { () throws(Fault) in physical = try cpu.translateFetch(0x0040_9ABC) }, "fetch")
        XCTAssertEqual(physical, 0x31ABC, "fetch translation")
        XCTAssertNil(faultOf { () throws(Fault) in physical = try cpu.translateFetch(0x0040_9ABD) }, "fetch hit")
        XCTAssertEqual(physical, 0x31ABD, "fetch translation from the code TLB")
        rig.put32(0x31ABC, 0x90)
        var b: UInt8 = 0
        XCTAssertNil(faultOf { () throws(Fault) in b = try cpu.fetchLinear8(0x0040_9ABC) }, "fetch byte")
        XCTAssertEqual(b, 0x90, "instruction byte through the code TLB")
    }

    func testGlobalPagesAndINVLPG() {
        for pge in [false, true] {
            let rig = PagingRig()
            let m = rig.memory
            let global: UInt64 = 0x0040_1000, local: UInt64 = 0x0040_2000
            rig.map(global, pae: false, pde: PagingTests.pw, pte: PagingTests.pw | R.g, frame: 0x20000)
            rig.map(local, pae: false, pde: PagingTests.pw, pte: PagingTests.pw, frame: 0x21000)
            rig.put32(0x20000, 0xAAAA); rig.put32(0x21000, 0xBBBB); rig.put32(0x22000, 0xCCCC)
            XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: false, pge: pge) }, "pge \(pge): paging on")
            func read(_ l: UInt64) -> UInt64? {
                var v: UInt64 = 0
                return faultOf { () throws(Fault) in v = UInt64(try rig.bus.cpu.readLinear32(l)) } == nil ? v : nil
            }
            XCTAssertEqual(read(global), 0xAAAA, "pge \(pge): global page")
            XCTAssertEqual(read(local), 0xBBBB, "pge \(pge): local page")
            // Remap both to 0x22000 without invalidating: the TLB still holds the old translations.
            rig.map(global, pae: false, pde: PagingTests.pw, pte: PagingTests.pw | R.g, frame: 0x22000)
            rig.map(local, pae: false, pde: PagingTests.pw, pte: PagingTests.pw, frame: 0x22000)
            XCTAssertEqual(read(global), 0xAAAA, "pge \(pge): stale until invalidated")
            XCTAssertNil(faultOf { () throws(Fault) in try m.loadCR3(R.root) }, "pge \(pge): CR3 reload")
            XCTAssertEqual(read(local), 0xCCCC, "pge \(pge): CR3 load drops the non-global entry")
            XCTAssertEqual(read(global), pge ? 0xAAAA : 0xCCCC, "pge \(pge): global entry survives a CR3 load only with PGE")
            m.invalidatePage(global + 0x123)
            XCTAssertEqual(read(global), 0xCCCC, "pge \(pge): INVLPG drops the global entry")
            // Changing PGE flushes everything.
            rig.map(global, pae: false, pde: PagingTests.pw, pte: PagingTests.pw | R.g, frame: 0x20000)
            XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: false, pge: !pge) }, "pge \(pge): PGE toggled")
            XCTAssertEqual(read(global), 0xAAAA, "pge \(pge): CR4.PGE change flushes global entries")
        }
    }

    func testINVLPGDropsAWholeLargePage() {
        let rig = PagingRig()
        rig.mapLarge(0x0080_0000, pae: false, entry: 0x0040_0000 | PagingTests.pw | R.ps)
        XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: false, pse: true) }, "enable(pae: false, pse: true)")
        rig.put32(0x0040_5000, 0x1111)
        XCTAssertNil(faultOf { () throws(Fault) in _ = try rig.bus.cpu.readLinear32(0x0080_5000) }, "cpu.readLinear32(0x0080_5000)")
        rig.mapLarge(0x0080_0000, pae: false, entry: 0x0000_0000 | PagingTests.pw | R.ps)
        rig.bus.memory.invalidatePage(0x0080_0000)
        var v: UInt64 = 0
        XCTAssertNil(faultOf { () throws(Fault) in v = UInt64(try rig.bus.cpu.readLinear32(0x0080_5000)) }, "cpu.readLinear32(0x0080_5000)")
        XCTAssertEqual(v, UInt64(rig.get32(0x5000)), "INVLPG of the first 4 KiB of a 4 MiB page drops its other pieces")
    }

    func testModeChangesFlush() {
        struct Change { var name: String; var wp = false, nxe = false, pse = false }
        let changes = [Change(name: "CR0.WP", wp: true), Change(name: "EFER.NXE", nxe: true), Change(name: "CR4.PSE", pse: true)]
        for c in changes {
            let rig = PagingRig()
            let linear: UInt64 = 0x0040_1000
            rig.map(linear, pae: false, pde: PagingTests.pw, pte: PagingTests.pw)
            XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: false) }, "enable(pae: false)")
            XCTAssertNil(faultOf { () throws(Fault) in _ = try rig.bus.cpu.readLinear32(linear) }, c.name)
            let slot = Int(linear >> 12) & (MemoryAccess.tlbSize - 1)
            XCTAssertEqual(rig.memory.view.readTags[slot], UInt64(linear >> 12), "\(c.name): cached")
            XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: false, pse: c.pse, wp: c.wp, nxe: c.nxe) }, c.name)
            XCTAssertNotEqual(rig.memory.view.readTags[slot], UInt64(linear >> 12), "\(c.name): change flushes the TLB")
        }
    }

    // MARK: Guest data that must not trap

    func testPageTablesBeyondRAM() {
        // CR3 beyond RAM: every entry reads as all-ones. 32-bit without PSE: present,
        // writable, user, a table at FFFFF000 whose PTE maps FFFFF000.
        let rig = PagingRig()
        XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: false, cr3: 0x4000_0000) }, "32-bit CR3 beyond RAM")
        var v: UInt64 = 0
        XCTAssertNil(faultOf { () throws(Fault) in v = try rig.memory.read(0x1234, size: 4, user: true) }, "all-ones tables")
        XCTAssertEqual(v, 0xFFFF_FFFF, "open bus")
        XCTAssertNil(faultOf { () throws(Fault) in try rig.memory.write(0x1234, size: 4, value: 0, user: true) }, "write to open bus")
        // With PSE the all-ones PDE is a 4 MiB page with reserved bits set.
        XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: false, pse: true, cr3: 0x4000_0000) }, "enable(pae: false, pse: true, cr3: 0x4000_0000)")
        XCTAssertEqual(faultOf { () throws(Fault) in try rig.memory.read(0x1234, size: 4, user: false) }, pageFault(9, at: 0x1234),
                       "all-ones 4 MiB PDE has reserved bits")
        // PAE: all-ones PDPTEs are rejected at CR3 load.
        XCTAssertEqual(faultOf { () throws(Fault) in try rig.enable(pae: true, cr3: 0x4000_0000) }, Fault.gp(), "PAE PDPT beyond RAM")
        // PAE: a page table above 4 GiB reads as all-ones, which has reserved bits.
        let linear: UInt64 = 0x4060_3123
        rig.map(linear, pae: true, pde: PagingTests.pw, pte: PagingTests.pw)
        rig.put64(rig.pdeAddress(linear, pae: true), 0x8_0000_0000 | PagingTests.pw)
        XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: true) }, "enable(pae: true)")
        XCTAssertEqual(faultOf { () throws(Fault) in try rig.memory.read(linear, size: 2, user: false) }, pageFault(9, at: linear),
                       "PAE table above 4 GiB")
        // A frame above 4 GiB: reads all-ones, writes vanish, fetches translate.
        rig.put64(rig.pdeAddress(linear, pae: true), UInt64(R.table) | PagingTests.pw)
        rig.put64(rig.pteAddress(linear, pae: true), 0xF_FFFF_F000 | PagingTests.pw)
        rig.put64(rig.pteAddress(linear + 0x1000, pae: true), 0xF_FFFF_E000 | PagingTests.pw)
        XCTAssertNil(faultOf { () throws(Fault) in try rig.memory.loadCR3(R.root) }, "CR3 reload after remapping above 4 GiB")
        XCTAssertNil(faultOf { () throws(Fault) in v = try rig.memory.read(linear, size: 4, user: false) }, "frame above 4 GiB")
        XCTAssertEqual(v, 0xFFFF_FFFF, "frame above 4 GiB reads open bus")
        XCTAssertNil(faultOf { () throws(Fault) in try rig.memory.write(linear, size: 4, value: 5, user: false) }, "write above 4 GiB")
        XCTAssertNil(faultOf { () throws(Fault) in try rig.memory.write(linear | 0xFFF, size: 4, value: 5, user: false) },
                     "straddling write above 4 GiB")
        var physical: UInt64 = 0
        XCTAssertNil(faultOf { () throws(Fault) in physical = try rig.bus.cpu.translateFetch(linear) }, "fetch above 4 GiB")
        XCTAssertEqual(physical, 0xF_FFFF_F123, "fetch above 4 GiB")
    }

    func testAccessedBitWriteInvalidatesDecodedCode() {
        let rig = PagingRig()
        let cpu = rig.bus.cpu
        let linear: UInt64 = 0x0040_3000
        rig.map(linear, pae: false, pde: PagingTests.pw, pte: PagingTests.pw)
        let pte = rig.pteAddress(linear, pae: false)
        // Pretend an instruction was decoded from the bytes just before the PTE.
        let slot = Int(pte - 2) & DecodeCache.mask
        cpu.decodeCache.tags[slot] = UInt64(pte - 2)
        rig.memory.markCodePage(Int(pte >> 12))
        XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: false) }, "enable(pae: false)")
        XCTAssertNil(faultOf { () throws(Fault) in _ = try rig.memory.translate(linear, access: .read) }, "memory.translate(linear, access: .read)")
        XCTAssertEqual(rig.pte(linear, pae: false) & R.a, R.a, "A set")
        XCTAssertEqual(cpu.decodeCache.tags[slot], DecodeCache.empty, "setting A invalidated the code it overwrote")
    }

    func testPagingOffAndA20() {
        let rig = PagingRig()
        let cpu = rig.bus.cpu
        var physical: UInt64 = 0
        XCTAssertNil(faultOf { () throws(Fault) in physical = try rig.memory.translate(0x0012_3456, access: [.user, .write]) }, "memory.translate(0x0012_3456, access: [.user, .write])")
        XCTAssertEqual(physical, 0x0012_3456, "paging off: linear is physical")
        rig.memory.setA20(enabled: false)
        XCTAssertNil(faultOf { () throws(Fault) in physical = try cpu.translateFetch(0x0012_3456) }, "cpu.translateFetch(0x0012_3456)")
        XCTAssertEqual(physical, 0x0002_3456, "A20 masks the fetch address")
        // With paging, A20 applies to the physical address.
        rig.map(0x0040_0000, pae: false, pde: PagingTests.pw, pte: PagingTests.pw, frame: 0x0010_0000)
        XCTAssertNil(faultOf { () throws(Fault) in try rig.enable(pae: false) }, "enable(pae: false)")
        XCTAssertNil(faultOf { () throws(Fault) in physical = try rig.memory.translate(0x0040_0010, access: .read) }, "memory.translate(0x0040_0010, access: .read)")
        XCTAssertEqual(physical, 0x10, "A20 masks the paged physical address")
        rig.memory.resetPaging()
        XCTAssertEqual(rig.memory.mode, .off, "reset turns paging off")
    }
}
