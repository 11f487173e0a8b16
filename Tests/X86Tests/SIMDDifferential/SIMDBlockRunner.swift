// Builds and drives Tests/NativeRunner/simd_runner.c, which runs blocks of
// x87/MMX/SSE code on the host CPU (see the protocol at the top of that file).

import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class SIMDBlockRunner {
    let process: Process
    private let toRunner: Int32
    private let fromRunner: Int32
    private let pipes: (Pipe, Pipe)
    /// CPUID vendor string of the host, e.g. "AuthenticAMD".
    let vendor: String
    /// Features from the hello: bit 0 XSaveErPtr, bit 1 SSE3, bit 2 SSSE3.
    let features: UInt32

    static let responseSize = 1 + 4 + 4 + 8 + 16 * 8 + 4 + 512 + SIMDHarness.dataSize

    init() throws {
        #if !(arch(x86_64) && os(Linux))
        throw XCTSkip("the SIMD runner needs an x86-64 Linux host")
        #else
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let cc = path.split(separator: ":").map({ URL(fileURLWithPath: String($0)).appendingPathComponent("cc") })
                .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw XCTSkip("no C compiler (cc) on PATH")
        }
        // #filePath: Tests/X86Tests/SIMDDifferential/SIMDBlockRunner.swift -> Tests/NativeRunner/simd_runner.c
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("NativeRunner/simd_runner.c")
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftpc-simd-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // The running process keeps its executable; nothing is left in the temporary directory.
        defer { try? FileManager.default.removeItem(at: dir) }
        let exe = dir.appendingPathComponent("simd_runner")
        let compiler = Process()
        compiler.executableURL = cc
        compiler.arguments = ["-O1", "-o", exe.path, source.path]
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
        var hello = [UInt8](repeating: 0, count: 24)
        try NativeRunner.readExact(fromRunner, &hello)
        guard Array(hello[0..<4]) == Array("SPCS".utf8), NativeRunner.u32(hello, 4) == 1 else {
            throw NativeRunnerError.protocolError("bad hello \(hello)")
        }
        features = NativeRunner.u32(hello, 8)
        vendor = String(decoding: hello[12..<24].filter { $0 != 0 }, as: UTF8.self)
        #endif
    }

    deinit { close() }

    private var closed = false
    func close() {
        guard !closed else { return }
        closed = true
        var zero = [UInt8](repeating: 0, count: 4)
        _ = try? NativeRunner.writeAll(toRunner, &zero)
        try? pipes.0.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// Runs a batch of cases; returns the host's outcome of each.
    func run(_ cases: [SIMDBlockCase]) throws -> [SIMDBlockOutcome] {
        var out: [UInt8] = []
        out.reserveCapacity(cases.count * 1200)
        func put(_ v: UInt64, bytes: Int) {
            for k in 0..<bytes { out.append(UInt8(truncatingIfNeeded: v >> (8 * k))) }
        }
        put(UInt64(cases.count), bytes: 4)
        for c in cases {
            precondition(c.registers.count == 16 && c.data.count == SIMDHarness.dataSize && c.code.count < 1024)
            for r in c.registers { put(r, bytes: 8) }
            put(UInt64(c.rflags), bytes: 4)
            out += c.state.bytes
            out += c.data
            put(UInt64(c.code.count), bytes: 2)
            out += c.code
        }
        try NativeRunner.writeAll(toRunner, &out)

        func u64(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(NativeRunner.u32(b, i)) | UInt64(NativeRunner.u32(b, i + 4)) << 32 }
        var results: [SIMDBlockOutcome] = []
        results.reserveCapacity(cases.count)
        var r = [UInt8](repeating: 0, count: SIMDBlockRunner.responseSize)
        for _ in cases {
            try NativeRunner.readExact(fromRunner, &r)
            var o = SIMDBlockOutcome(registers: (0..<16).map { u64(r, 17 + 8 * $0) }, rflags: NativeRunner.u32(r, 145),
                                state: FXSaveImage(bytes: Array(r[149..<661])), data: Array(r[661...]))
            if r[0] != 0xFF {
                o.fault = r[0]
                o.errorCode = NativeRunner.u32(r, 1)
                o.signal = NativeRunner.u32(r, 5)
                o.faultRIP = u64(r, 9)
            }
            results.append(o)
        }
        return results
    }
}
