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

    /// Builds and starts Tests/NativeRunner/`source` (`NativeRunner.compile`);
    /// throws XCTSkip off an x86-64 Linux host or without cc.
    init(source: String, magic: String, helloSize: Int = 8) throws {
        let exe = try NativeRunner.compile([source])
        // The running process keeps its executable; nothing is left in the temporary directory.
        defer { try? FileManager.default.removeItem(at: exe.deletingLastPathComponent()) }
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
    }

    deinit { close() }

    /// Runs `cases` through `batch` 1,024 at a time, small enough that neither
    /// pipe fills while the other side waits (the runners answer each case as
    /// soon as they have read it).
    static func inBatches<Case, Outcome>(_ cases: [Case], _ batch: ([Case]) throws -> [Outcome]) rethrows -> [Outcome] {
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(cases.count)
        var start = 0
        while start < cases.count {
            let end = min(start + 1024, cases.count)
            outcomes += try batch(Array(cases[start..<end]))
            start = end
        }
        return outcomes
    }

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
