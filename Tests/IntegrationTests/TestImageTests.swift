import Devices
import Foundation
import Machine
import XCTest

/// Boots the project's own test images: the final word on the CPU and board.
final class TestImageTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    func boot(_ relativePath: String, limit: UInt64 = 50_000_000) throws -> (Machine.RunSummary, String, Machine) {
        let path = TestImageTests.root.appendingPathComponent(relativePath).path
        let data = try XCTUnwrap(FileManager.default.contents(atPath: path), "cannot read \(path)")
        var c = MachineConfiguration()
        c.bios = [UInt8](data)
        let console = BufferBackend()
        c.debugConsole = console
        let machine = try Machine(configuration: c)
        return (machine.run(instructionLimit: limit), console.text, machine)
    }

    /// Every check of the real-mode ROM passes, including the segment-limit
    /// checks that QEMU TCG cannot run.
    func testRealModeTestROMPasses() throws {
        let (summary, text, _) = try boot("TestImages/realmode/realmode-test.bin")
        XCTAssertEqual(summary.reason, .debugExit(1), text)
        XCTAssertTrue(text.contains("realmode-test: PASS (1057 checks)"), text)
        XCTAssertFalse(text.contains("FAIL"), text)
        XCTAssertFalse(text.contains("NOTE"), text)
    }

    func testDefaultImageIsTheTestROM() throws {
        let console = BufferBackend()
        var c = MachineConfiguration()
        c.debugConsole = console
        let summary = try Machine(configuration: c).run(instructionLimit: 50_000_000)
        XCTAssertEqual(summary.reason, .debugExit(1))
        XCTAssertTrue(console.text.contains("realmode-test: PASS"), console.text)
    }

    /// Two runs of the benchmark ROM agree to the instruction and the register
    /// (determinism). Its answer is checked by `swiftpc-bench` and under QEMU;
    /// a debug build is too slow to run it to the end here.
    func testRunsAreDeterministic() throws {
        let (a, _, machineA) = try boot("Benchmarks/sieve.bin", limit: 3_000_000)
        let (b, _, machineB) = try boot("Benchmarks/sieve.bin", limit: 3_000_000)
        XCTAssertEqual(a.reason, .instructionLimit)
        XCTAssertEqual(a.instructions, b.instructions)
        XCTAssertEqual(machineA.cpu.rip, machineB.cpu.rip)
        XCTAssertEqual(machineA.cpu.eflags, machineB.cpu.eflags)
        XCTAssertEqual((0..<8).map { machineA.cpu.get32($0) }, (0..<8).map { machineB.cpu.get32($0) })
    }

    /// The long-mode ROM (issue 5) runs every check, including the ones QEMU
    /// TCG skips with a NOTE (#SS for non-canonical stack references, the #GP
    /// cases of IA-32e activation): real mode to protected mode to 64-bit mode,
    /// 4-level paging with all three page sizes, #PF error codes, canonical
    /// faults, SYSCALL/SYSRET from ring 3, compatibility mode and back, IST stacks.
    func testLongModeROMPasses() throws {
        let (summary, text, _) = try boot("TestImages/long/long-test.bin")
        XCTAssertEqual(summary.reason, .debugExit(1), text)
        XCTAssertTrue(text.contains("long-test: PASS (310 checks)"), text)
        XCTAssertFalse(text.contains("FAIL"), text)
        XCTAssertFalse(text.contains("NOTE"), text)
    }

    /// The x87/SSE image (issue 6): FPU probing, CR0.EM/MP/TS/NE and
    /// CR4.OSFXSR/OSXMMEXCPT, #NM lazy switching with FXSAVE64/FXRSTOR64, #MF,
    /// FERR# through IRQ13 with IGNNE#, #XM, the FXSAVE layouts and round trips,
    /// and exact x87/SSE results: every check, including the 66 QEMU skips.
    func testFPUROMPasses() throws {
        let (summary, text, _) = try boot("TestImages/fpu/fpu-test.bin")
        XCTAssertEqual(summary.reason, .debugExit(1), text)
        XCTAssertTrue(text.contains("fpu-test: PASS (309 checks)"), text)
        XCTAssertFalse(text.contains("FAIL"), text)
        XCTAssertFalse(text.contains("NOTE"), text)
    }

    /// Both ROMs run every check, including those QEMU TCG has to skip (VME,
    /// segment checks on memory accesses, ...): the counts Bochs reaches.
    func testProtectedModeAndPagingROMsPass() throws {
        let (pm, pmText, _) = try boot("TestImages/protected/pm-test.bin")
        XCTAssertEqual(pm.reason, .debugExit(1), pmText)
        XCTAssertTrue(pmText.contains("pm-test: PASS (904 checks)"), pmText)
        XCTAssertFalse(pmText.contains("NOTE"), pmText)
        let (paging, pagingText, _) = try boot("TestImages/protected/paging-test.bin")
        XCTAssertEqual(paging.reason, .debugExit(1), pagingText)
        XCTAssertTrue(pagingText.contains("paging-test: PASS (200 checks)"), pagingText)
        XCTAssertFalse(pagingText.contains("NOTE"), pagingText)
    }
}
