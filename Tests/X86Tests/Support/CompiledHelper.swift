// One C program of Tests/NativeRunner compiled with the host's cc and started
// with pipes on its standard input and output: the x87, SSE, packed-integer
// and SIMD-block runners all talk to their program through one of these.

import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class CompiledHelper {
    let process: Process
    let toRunner: Int32
    let fromRunner: Int32
    /// The hello the program writes first: `magic`, version 1, then its own fields.
    let hello: [UInt8]
    private let pipes: (Pipe, Pipe)
    private var closed = false

    /// Builds and starts Tests/NativeRunner/`source`; throws XCTSkip off an
    /// x86-64 Linux host or without cc.
    init(source: String, magic: String, helloSize: Int = 8) throws {
        #if !(arch(x86_64) && os(Linux))
        throw XCTSkip("\(source) needs an x86-64 Linux host")
        #else
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let cc = path.split(separator: ":").map({ URL(fileURLWithPath: String($0)).appendingPathComponent("cc") })
                .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw XCTSkip("no C compiler (cc) on PATH")
        }
        // #filePath: Tests/X86Tests/Support/CompiledHelper.swift -> Tests/NativeRunner/<source>
        let sourceURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("NativeRunner/\(source)")
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftpc-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // The running process keeps its executable; nothing is left in the temporary directory.
        defer { try? FileManager.default.removeItem(at: dir) }
        let exe = dir.appendingPathComponent("runner")
        let compiler = Process()
        compiler.executableURL = cc
        compiler.arguments = ["-O1", "-o", exe.path, sourceURL.path]
        let errors = Pipe()
        compiler.standardError = errors
        compiler.standardOutput = errors
        try compiler.run()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        compiler.waitUntilExit()
        guard compiler.terminationStatus == 0 else {
            throw NativeRunnerError.compileFailed(String(decoding: output, as: UTF8.self))
        }
        signal(SIGPIPE, SIG_IGN)   // a dead runner must fail the test, not kill it
        process = Process()
        process.executableURL = exe
        let stdinPipe = Pipe(), stdoutPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        try process.run()
        pipes = (stdinPipe, stdoutPipe)
        toRunner = stdinPipe.fileHandleForWriting.fileDescriptor
        fromRunner = stdoutPipe.fileHandleForReading.fileDescriptor
        var bytes = [UInt8](repeating: 0, count: helloSize)
        try NativeRunner.readExact(fromRunner, &bytes)
        guard bytes.count >= 8, Array(bytes[0..<4]) == Array(magic.utf8), Array(bytes[4..<8]) == [1, 0, 0, 0] else {
            throw NativeRunnerError.protocolError("bad hello \(bytes)")
        }
        hello = bytes
        #endif
    }

    deinit { close() }

    /// A batch of zero cases ends the program.
    func close() {
        guard !closed else { return }
        closed = true
        var zero = [UInt8](repeating: 0, count: 4)
        _ = try? NativeRunner.writeAll(toRunner, &zero)
        try? pipes.0.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
