import Foundation
import XCTest

/// Assembles test snippets with nasm (Debian's `nasm`, which Tests/run-all.sh
/// installs). A test calls `try Assembler.assemble(...)`, which skips the test
/// when nasm is missing rather than failing it.
enum Assembler {
    static let nasm: String? = ["/usr/bin/nasm", "/usr/local/bin/nasm"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static func assemble(_ source: String) throws -> [UInt8] {
        guard let nasm else { throw XCTSkip("nasm is not installed (Tests/run-all.sh installs it)") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swiftpc-asm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("snippet.asm"), output = dir.appendingPathComponent("snippet.bin")
        try source.write(to: input, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: nasm)
        p.arguments = ["-f", "bin", "-o", output.path, input.path]
        let errors = Pipe()
        p.standardError = errors
        try p.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            XCTFail("nasm failed: \(message)\n\(source)")
            return []
        }
        return [UInt8](try Data(contentsOf: output))
    }
}
