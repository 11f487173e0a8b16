// A change to a more privileged level switches to the TSS stack of that level
// and pushes the return frame there with the new privilege: from CPL 3 these
// are supervisor accesses, so a supervisor-only kernel stack works (as every
// OS with paging relies on), where user accesses would fault and escalate to a
// triple fault. PagedHarness provides the setting: CPL 3, paging on, a ring-0
// stack in a supervisor-only page below 0x8000.

import XCTest
@testable import X86

final class InnerStackPrivilegeTests: XCTestCase {
    func testExceptionFromUserModePushesOntoSupervisorOnlyStack() {
        let harness = PagedHarness()
        harness.prepare(seed: 1, protections: [.readOnly] + Array(repeating: .readWrite, count: PagedRegion.pages - 1))
        // mov [ebx], eax with EBX in the read-only page: #PF(P W U) at CPL 3.
        let outcome = harness.step(code: [0x89, 0x03], registers: [0, 0, 0, PagedRegion.base, 0, 0, 0, 0], eflags: 0x2)
        XCTAssertFalse(harness.cpu.shutdown)
        XCTAssertEqual(outcome.fault, Fault.pageFault)
        XCTAssertEqual(outcome.errorCode, 7)
        XCTAssertEqual(outcome.cr2, PagedRegion.base)
        XCTAssertEqual(harness.cpu.cpl, 0)
        XCTAssertEqual(harness.cpu.get32(Reg.esp), PagedHarness.kernelStackTop - 24, "SS, ESP, EFLAGS, CS, EIP, error code")
        let frame = Int(harness.cpu.get32(Reg.esp))
        XCTAssertEqual(harness.bus.ram.load(fromByteOffset: frame + 4, as: UInt32.self), UInt32(PagedHarness.code), "EIP of the faulting instruction")
        XCTAssertEqual(harness.bus.ram.load(fromByteOffset: frame + 8, as: UInt32.self), UInt32(PagedHarness.userCode))
        XCTAssertEqual(harness.bus.ram.load(fromByteOffset: frame + 20, as: UInt32.self), UInt32(PagedHarness.userData))
    }

    func testCallGateFromUserModePushesOntoSupervisorOnlyStack() {
        let harness = PagedHarness()
        // GDT entry 5 (selector 0x2B with RPL 3): a DPL-3 32-bit call gate to 0x08:0x8000.
        let gate = PagedHarness.gdt + 5 * 8
        harness.bus.ram.storeBytes(of: UInt32(PagedHarness.kernelCode) << 16 | UInt32(PagedHarness.handlers), toByteOffset: gate, as: UInt32.self)
        harness.bus.ram.storeBytes(of: UInt32(0xEC00), toByteOffset: gate + 4, as: UInt32.self)
        harness.cpu.gdtr = DescriptorTableRegister(base: UInt64(PagedHarness.gdt), limit: 6 * 8 - 1)
        // call far 0x2B:0
        // The harness would read the arrival at 0x08:0x8000 as vector 0; the stack tells a call from an exception.
        _ = harness.step(code: [0x9A, 0, 0, 0, 0, 0x2B, 0x00], registers: [0, 0, 0, 0, 0, 0, 0, 0], eflags: 0x2)
        XCTAssertFalse(harness.cpu.shutdown)
        XCTAssertEqual(harness.cpu.segments[SegmentIndex.cs].selector, PagedHarness.kernelCode)
        XCTAssertEqual(harness.cpu.eip, UInt32(PagedHarness.handlers))
        XCTAssertEqual(harness.cpu.get32(Reg.esp), PagedHarness.kernelStackTop - 16, "SS, ESP, CS, EIP")
        let frame = Int(harness.cpu.get32(Reg.esp))
        XCTAssertEqual(harness.bus.ram.load(fromByteOffset: frame, as: UInt32.self), UInt32(PagedHarness.code + 7), "return EIP")
        XCTAssertEqual(harness.bus.ram.load(fromByteOffset: frame + 12, as: UInt32.self), UInt32(PagedHarness.userData))
    }
}
