import Devices
import Foundation
import Machine
import Storage
import XCTest

/// TestImages/board/board-test.bin: the 8259A pair, the 8254 with port 0x61,
/// the RTC, COM1 and the primary IDE disk, programmed by the ROM itself. The
/// disk is the sparse 128.5 GiB image of TestImages/board/disk.py, made and
/// checked here the same way: the ROM's writes must be in the host file.
final class BoardImageTests: XCTestCase {
    static let sectors: UInt64 = 0x1010_0000
    static let prefilled: [UInt64] = Array(0..<16) + Array(0x1000_0000..<0x1000_0008) + [sectors - 2, sectors - 1]
    static let written: [UInt64] = [100, 101, 102, 103, 0x0FFF_FFFF] + Array(0x1000_0010..<0x1000_0014)
    static let untouched: [UInt64] = [16, 99, 104, 0x0FFF_FFFE, 0x1000_0008, 0x1000_000F, 0x1000_0014, sectors - 3]

    /// P(n) and W(n): 128 little-endian dwords (n ^ xor) + j * step.
    static func pattern(_ n: UInt64, xor: UInt32, step: UInt32) -> [UInt8] {
        (0..<128).flatMap { j -> [UInt8] in
            let v = (UInt32(truncatingIfNeeded: n) ^ xor) &+ UInt32(j) &* step
            return [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
        }
    }
    static func prefilledPattern(_ n: UInt64) -> [UInt8] { pattern(n, xor: 0xDEAD_BEEF, step: 0x9E37_79B9) }
    static func writtenPattern(_ n: UInt64) -> [UInt8] { pattern(n, xor: 0x0BAD_F00D, step: 0x0100_0193) }

    func makeDisk() throws -> String {
        let path = NSTemporaryDirectory() + "swiftpc-board-\(UUID().uuidString).img"
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: FileManager.default.createFile(atPath: path, contents: nil) ? path : ""))
        try handle.truncate(atOffset: BoardImageTests.sectors * 512)
        for n in BoardImageTests.prefilled {
            try handle.seek(toOffset: n * 512)
            handle.write(Data(BoardImageTests.prefilledPattern(n)))
        }
        try handle.close()
        return path
    }

    func run(disk: String, limit: UInt64) throws -> (Machine.RunSummary, String) {
        let rom = TestImageTests.root.appendingPathComponent("TestImages/board/board-test.bin").path
        var c = MachineConfiguration()
        c.bios = [UInt8](try XCTUnwrap(FileManager.default.contents(atPath: rom)))
        c.ideDrives[0] = .disk(try RawImage(path: disk))
        let console = BufferBackend()
        c.debugConsole = console
        let summary = try Machine(configuration: c).run(instructionLimit: limit)
        return (summary, console.text)
    }

    /// Every check passes, none skipped (QEMU skips 24), and the host file holds
    /// exactly what the ROM wrote through LBA28 and LBA48 commands. A second run
    /// on a fresh disk prints the same and stops at the same instruction
    /// (deterministic mode).
    func testBoardROMPassesDeterministicallyAndItsWritesReachTheFile() throws {
        var runs: [(UInt64, String)] = []
        for _ in 0..<2 {
            let disk = try makeDisk()
            defer { try? FileManager.default.removeItem(atPath: disk) }
            let (summary, text) = try run(disk: disk, limit: 400_000_000)
            XCTAssertEqual(summary.reason, .debugExit(1), text)
            XCTAssertTrue(text.contains("board-test: PASS (228 checks)"), text)
            XCTAssertFalse(text.contains("NOTE"), text)
            try checkDisk(disk)
            runs.append((summary.instructions, text))
        }
        XCTAssertEqual(runs[0].0, runs[1].0, "the same instruction count")
        XCTAssertEqual(runs[0].1, runs[1].1, "the same output")
    }

    func checkDisk(_ disk: String) throws {
        let file = try XCTUnwrap(FileHandle(forReadingAtPath: disk))
        defer { try? file.close() }
        func sector(_ n: UInt64) throws -> [UInt8] {
            try file.seek(toOffset: n * 512)
            return [UInt8](try file.read(upToCount: 512) ?? Data())
        }
        for n in BoardImageTests.written { XCTAssertEqual(try sector(n), BoardImageTests.writtenPattern(n), "sector \(n)") }
        for n in BoardImageTests.prefilled { XCTAssertEqual(try sector(n), BoardImageTests.prefilledPattern(n), "sector \(n)") }
        for n in BoardImageTests.untouched { XCTAssertEqual(try sector(n), [UInt8](repeating: 0, count: 512), "sector \(n)") }
        XCTAssertEqual(try file.seekToEnd(), BoardImageTests.sectors * 512)
    }
}
