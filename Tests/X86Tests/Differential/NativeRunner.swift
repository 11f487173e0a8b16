// Builds and drives Tests/NativeRunner/native_runner.c, which runs instructions
// on the host CPU, in its register-only mode, its 64-bit mode (`--long`, REX
// prefixes and all sixteen 64-bit registers) or its paged modes (`--paged` and
// `--paged64`, in native_runner_paged.c: memory operands against a data region
// with page protections). See the protocol descriptions at the top of those files.

import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The state after one instruction on the host (or before it, when it faulted).
struct NativeStep {
    var fault: UInt8?          // exception vector, nil when the instruction completed
    var registers: [UInt32]    // EAX ECX EDX EBX ESP EBP ESI EDI (low 32 bits; ESP as given)
    var eflags: UInt32
}

/// The state after one instruction on the host in the 64-bit mode (or before it, when it faulted).
struct NativeStep64 {
    var fault: UInt8?          // exception vector, nil when the instruction completed
    var registers: [UInt64]    // RAX RCX RDX RBX RSP RBP RSI RDI R8..R15 (RSP as given)
    var eflags: UInt32
}

/// The outcome of one instruction on the host in the paged mode.
struct PagedNativeStep {
    var fault: UInt8?          // exception vector (the kernel's trap number), nil when the instruction completed
    var errorCode: UInt32      // the error code the CPU pushed (0 without a fault)
    var address: UInt32        // for #PF the faulting linear address (CR2)
    var registers: [UInt32]    // after the instruction, or where the fault was taken; ESP as given
    var eflags: UInt32
    var changes: [ByteChange]  // bytes of the region's writable pages that changed
}

enum NativeRunnerError: Error, CustomStringConvertible {
    case compileFailed(String)
    case protocolError(String)
    var description: String {
        switch self {
        case .compileFailed(let s): return "native runner did not compile:\n\(s)"
        case .protocolError(let s): return "native runner: \(s)"
        }
    }
}

final class NativeRunner {
    /// The runner's protocols, by the magic of their hello.
    enum Mode: String {
        case registers = "SPCN", paged = "SPCP", long = "SPCL", paged64 = "SPCQ"
        var arguments: [String] {
            switch self {
            case .registers: return []
            case .paged: return ["--paged"]
            case .long: return ["--long"]
            case .paged64: return ["--paged64"]
            }
        }
    }

    let process: Process
    let toRunner: Int32
    let fromRunner: Int32
    /// CPUID vendor string of the host, e.g. "AuthenticAMD".
    let vendor: String
    /// LAHF/SAHF are usable in 64-bit mode.
    let hasLahfSahf: Bool

    /// Compiles C `sources` of Tests/NativeRunner together into a new
    /// temporary directory (about 0.1 s) and returns the executable; throws
    /// XCTSkip when the host cannot run it (not x86-64 Linux, or no `cc` on PATH).
    /// This runner is the core and the paged modes; the x87 and SIMD runners
    /// (`CompiledHelper`) are one file each.
    static func compile(_ sources: [String] = ["native_runner.c", "native_runner_paged.c"]) throws -> URL {
        #if !(arch(x86_64) && os(Linux))
        throw XCTSkip("the native runner needs an x86-64 Linux host")
        #else
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let cc = path.split(separator: ":").map({ URL(fileURLWithPath: String($0)).appendingPathComponent("cc") })
                .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw XCTSkip("no C compiler (cc) on PATH")
        }
        // #filePath: Tests/X86Tests/Differential/NativeRunner.swift -> Tests/NativeRunner/
        let directory = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("NativeRunner")
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftpc-native-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let exe = dir.appendingPathComponent("runner")
        let compiler = Process()
        compiler.executableURL = cc
        compiler.arguments = ["-O1", "-o", exe.path] + sources.map { directory.appendingPathComponent($0).path }
        let errors = Pipe()
        compiler.standardError = errors
        compiler.standardOutput = errors
        try compiler.run()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        compiler.waitUntilExit()
        guard compiler.terminationStatus == 0 else {
            try? FileManager.default.removeItem(at: dir)
            throw NativeRunnerError.compileFailed(String(decoding: output, as: UTF8.self))
        }
        return exe
        #endif
    }

    /// Starts the runner in `mode`.
    init(mode: Mode = .registers) throws {
        let exe = try NativeRunner.compile()
        // The running process keeps its executable; nothing is left in the temporary directory.
        defer { try? FileManager.default.removeItem(at: exe.deletingLastPathComponent()) }
        signal(SIGPIPE, SIG_IGN)   // a dead runner must fail the test, not kill it
        process = Process()
        process.executableURL = exe
        process.arguments = mode.arguments
        let stdinPipe = Pipe(), stdoutPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        try process.run()
        toRunner = stdinPipe.fileHandleForWriting.fileDescriptor
        fromRunner = stdoutPipe.fileHandleForReading.fileDescriptor
        self.stdinPipe = stdinPipe
        self.stdoutPipe = stdoutPipe
        var hello = [UInt8](repeating: 0, count: 24)
        try NativeRunner.readExact(fromRunner, &hello)
        guard Array(hello[0..<4]) == Array(mode.rawValue.utf8), NativeRunner.u32(hello, 4) == 1 else {
            throw NativeRunnerError.protocolError("bad hello \(hello)")
        }
        hasLahfSahf = NativeRunner.u32(hello, 8) & 1 != 0
        vendor = String(decoding: hello[12..<24].filter { $0 != 0 }, as: UTF8.self)
    }

    private let stdinPipe: Pipe
    private let stdoutPipe: Pipe

    deinit { close() }

    private var closed = false
    func close() {
        guard !closed else { return }
        closed = true
        var zero = [UInt8](repeating: 0, count: 4)
        _ = try? NativeRunner.writeAll(toRunner, &zero)
        try? stdinPipe.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// Runs a batch of cases: each case's instructions (host encodings) from its
    /// initial state, stopping a case at its first fault. Returns the steps run per case.
    func run(_ cases: [(registers: [UInt32], eflags: UInt32, code: [[UInt8]])]) throws -> [[NativeStep]] {
        var out: [UInt8] = []
        out.reserveCapacity(cases.count * 120)
        func put(_ v: UInt32) {
            out.append(UInt8(truncatingIfNeeded: v)); out.append(UInt8(truncatingIfNeeded: v >> 8))
            out.append(UInt8(truncatingIfNeeded: v >> 16)); out.append(UInt8(truncatingIfNeeded: v >> 24))
        }
        put(UInt32(cases.count))
        for c in cases {
            precondition(c.registers.count == 8 && c.code.count <= 64)
            for r in c.registers { put(r) }
            put(c.eflags)
            put(UInt32(c.code.count))
            for bytes in c.code {
                precondition(!bytes.isEmpty && bytes.count <= 15)
                out.append(UInt8(bytes.count))
                out.append(contentsOf: bytes)
            }
        }
        try NativeRunner.writeAll(toRunner, &out)

        var results: [[NativeStep]] = []
        results.reserveCapacity(cases.count)
        var word = [UInt8](repeating: 0, count: 4)
        var step = [UInt8](repeating: 0, count: 37)
        for c in cases {
            try NativeRunner.readExact(fromRunner, &word)
            let n = Int(NativeRunner.u32(word, 0))
            guard n <= c.code.count else { throw NativeRunnerError.protocolError("\(n) steps for \(c.code.count) instructions") }
            var steps: [NativeStep] = []
            steps.reserveCapacity(n)
            for _ in 0..<n {
                try NativeRunner.readExact(fromRunner, &step)
                let regs = (0..<8).map { NativeRunner.u32(step, 1 + 4 * $0) }
                steps.append(NativeStep(fault: step[0] == 0xFF ? nil : step[0], registers: regs, eflags: NativeRunner.u32(step, 33)))
            }
            results.append(steps)
        }
        return results
    }

    /// Runs a batch of paged cases (host encodings), each from its registers,
    /// region contents and page protections, stopping a case at its first fault.
    func run(_ cases: [PagedCase]) throws -> [[PagedNativeStep]] {
        var out: [UInt8] = []
        out.reserveCapacity(cases.count * 160)
        func put(_ v: UInt32) {
            out.append(UInt8(truncatingIfNeeded: v)); out.append(UInt8(truncatingIfNeeded: v >> 8))
            out.append(UInt8(truncatingIfNeeded: v >> 16)); out.append(UInt8(truncatingIfNeeded: v >> 24))
        }
        put(UInt32(cases.count))
        for c in cases {
            precondition(c.registers.count == 8 && c.instructions.count <= 64 && c.protections.count == PagedRegion.pages)
            for r in c.registers { put(r) }
            put(c.eflags)
            put(c.seed)
            out.append(contentsOf: c.protections.map { $0.rawValue })
            put(UInt32(c.instructions.count))
            for insn in c.instructions {
                let bytes = insn.hostBytes
                precondition(!bytes.isEmpty && bytes.count <= 15)
                out.append(UInt8(bytes.count))
                out.append(contentsOf: bytes)
            }
        }
        try NativeRunner.writeAll(toRunner, &out)

        var results: [[PagedNativeStep]] = []
        results.reserveCapacity(cases.count)
        var word = [UInt8](repeating: 0, count: 4)
        var step = [UInt8](repeating: 0, count: 47)
        for c in cases {
            try NativeRunner.readExact(fromRunner, &word)
            let n = Int(NativeRunner.u32(word, 0))
            guard n <= c.instructions.count else { throw NativeRunnerError.protocolError("\(n) steps for \(c.instructions.count) instructions") }
            var steps: [PagedNativeStep] = []
            steps.reserveCapacity(n)
            for _ in 0..<n {
                try NativeRunner.readExact(fromRunner, &step)
                var changes = [UInt8](repeating: 0, count: 3 * (Int(step[45]) | Int(step[46]) << 8))
                try NativeRunner.readExact(fromRunner, &changes)
                steps.append(PagedNativeStep(
                    fault: step[0] == 0xFF ? nil : step[0], errorCode: NativeRunner.u32(step, 1), address: NativeRunner.u32(step, 5),
                    registers: (0..<8).map { NativeRunner.u32(step, 9 + 4 * $0) }, eflags: NativeRunner.u32(step, 41),
                    changes: stride(from: 0, to: changes.count, by: 3).map {
                        ByteChange(offset: Int(changes[$0]) | Int(changes[$0 + 1]) << 8, value: changes[$0 + 2])
                    }))
            }
            results.append(steps)
        }
        return results
    }

    // MARK: Raw pipe I/O

    static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    static func readExact(_ fd: Int32, _ buffer: inout [UInt8]) throws {
        var done = 0
        let total = buffer.count
        try buffer.withUnsafeMutableBytes { raw in
            while done < total {
                let n = read(fd, raw.baseAddress! + done, total - done)
                if n > 0 { done += n; continue }
                if n < 0 && errno == EINTR { continue }
                throw NativeRunnerError.protocolError(n == 0 ? "runner closed its output (crashed?)" : "read failed, errno \(errno)")
            }
        }
    }

    static func writeAll(_ fd: Int32, _ buffer: inout [UInt8]) throws {
        var done = 0
        let total = buffer.count
        try buffer.withUnsafeBytes { raw in
            while done < total {
                let n = write(fd, raw.baseAddress! + done, total - done)
                if n > 0 { done += n; continue }
                if n < 0 && errno == EINTR { continue }
                throw NativeRunnerError.protocolError("write failed, errno \(errno) (runner gone?)")
            }
        }
    }
}
