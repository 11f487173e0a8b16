import Foundation
import XCTest

/// The `swiftpc` program as a user meets it: options, error lines, exit status.
final class CommandLineTests: XCTestCase {
    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try SwiftPCCommand.run(arguments)
    }

    func tempFile(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "swiftpc-test-\(UUID().uuidString).bin"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testBadInputGetsOneLineAndStatus2() throws {
        let cases: [([String], String)] = [
            (["-frobnicate"], "unknown option '-frobnicate'"),
            (["-bios", "/nonexistent/rom.bin"], "cannot read BIOS image '/nonexistent/rom.bin'"),
            (["-bios"], "option -bios needs a value"),
            (["-m", "lots"], "invalid memory size 'lots'"),
            (["-m", "1M"], "memory size 1 MiB is out of range"),
            (["-serial", "udp:nowhere"], "unknown character device"),
            (["-serial", "tcp:nowhere"], "expected HOST:PORT with a port number"),
            (["-serial", "tcp:192.168.1.1:4444,server,nowait"], "only the loopback address"),
            (["-debugcon", "file:/nonexistent/dir/log"], "cannot open '/nonexistent/dir/log'"),
            (["-d", "everything"], "unknown trace class 'everything'"),
            (["-icount-limit", "-5"], "invalid instruction count '-5'"),
        ]
        for (arguments, message) in cases {
            let r = try run(arguments)
            XCTAssertEqual(r.status, 2, "\(arguments)")
            XCTAssertTrue(r.stderr.hasPrefix("swiftpc: ") && r.stderr.contains(message), "\(arguments): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(arguments): one line")
        }
    }

    func testRunsAROMAndReportsTheExitStatus() throws {
        // mov al,'o'; out 0xE9,al; mov dx,0x3F8; mov al,'k'; out dx,al; mov al,2; out 0xF4,al
        var image = [UInt8](repeating: 0xFF, count: 0x10000)
        let code: [UInt8] = [0xB0, 0x6F, 0xE6, 0xE9, 0xBA, 0xF8, 0x03, 0xB0, 0x6B, 0xEE, 0xB0, 0x02, 0xE6, 0xF4]
        image.replaceSubrange(0..<code.count, with: code)
        image.replaceSubrange(0xFFF0..<0xFFF5, with: [0xEA, 0x00, 0x00, 0x00, 0xF0])
        let rom = try tempFile(image)
        defer { try? FileManager.default.removeItem(atPath: rom) }
        let r = try run(["-bios", rom, "-m", "8M"])
        XCTAssertEqual(r.status, 5, "isa-debug-exit: (2 << 1) | 1")
        XCTAssertEqual(r.stdout, "ok")
        XCTAssertTrue(r.stderr.contains("swiftpc: 8 instructions in"), r.stderr)
        XCTAssertTrue(r.stderr.contains("MIPS"), r.stderr)

        let trace = NSTemporaryDirectory() + "swiftpc-trace-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: trace) }
        let t = try run(["-bios", rom, "-d", "in_asm,cpu", "-D", trace, "-icount-limit", "3", "-debugcon", "null"])
        XCTAssertEqual(t.status, 0)
        XCTAssertTrue(t.stderr.contains("instruction limit reached"), t.stderr)
        let text = try String(contentsOfFile: trace, encoding: .utf8)
        XCTAssertTrue(text.contains("F000:FFF0  EA000000F0"), text)
        XCTAssertTrue(text.contains("F000:0000  B06F"), text)
        XCTAssertTrue(text.contains("EAX=00000000 ECX=00000000 EDX=00000600"), text)
        XCTAssertEqual(text.split(separator: "\n").count, 6, "three instructions, two lines each")
    }

    /// A second -serial is COM2 (0x2F8); -screendump writes the VGA screen as a PNG.
    func testSecondSerialPortAndScreenDump() throws {
        // mov dx,0x2F8; mov al,'A'; out dx,al; mov al,2; out 0xF4,al
        var image = [UInt8](repeating: 0xFF, count: 0x10000)
        let code: [UInt8] = [0xBA, 0xF8, 0x02, 0xB0, 0x41, 0xEE, 0xB0, 0x02, 0xE6, 0xF4]
        image.replaceSubrange(0..<code.count, with: code)
        image.replaceSubrange(0xFFF0..<0xFFF5, with: [0xEA, 0x00, 0x00, 0x00, 0xF0])
        let rom = try tempFile(image)
        let com2 = NSTemporaryDirectory() + "swiftpc-com2-\(UUID().uuidString).txt"
        let png = NSTemporaryDirectory() + "swiftpc-screen-\(UUID().uuidString).png"
        defer { for f in [rom, com2, png] { try? FileManager.default.removeItem(atPath: f) } }
        let r = try run(["-bios", rom, "-serial", "null", "-serial", "file:" + com2, "-screendump", png])
        XCTAssertEqual(r.status, 5)
        XCTAssertEqual(try String(contentsOfFile: com2, encoding: .utf8), "A")
        let picture = try XCTUnwrap(FileManager.default.contents(atPath: png))
        XCTAssertEqual([UInt8](picture.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG")
        let five = try run(["-bios", rom] + Array(repeating: ["-serial", "null"], count: 5).flatMap { $0 })
        XCTAssertEqual(five.status, 2)
        XCTAssertTrue(five.stderr.contains("at most four -serial options"), five.stderr)
    }
}
