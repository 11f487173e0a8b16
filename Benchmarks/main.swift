import Devices
import Foundation
import Machine

/// Times the benchmark ROMs on SwiftPC and, when installed, on QEMU (TCG) and
/// Bochs with the same image, and prints guest MIPS and the ratios. The guest
/// instruction count comes from SwiftPC's run (the workload is deterministic), so
/// the others' MIPS is that count over their wall time, start-up included.
/// Every emulator must print the workload's result line on port 0xE9 for its
/// time to count.
let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

/// One benchmark ROM and how the other emulators run it.
struct Workload {
    let name: String
    let file: String
    /// What the ROM prints on port 0xE9 when its result is right.
    let resultLine: String
    /// Data loads it makes by construction in its paging sweeps, for the TLB
    /// hit rate (0 when it does not page).
    let pagedLoads: Double
    let qemuSystem: String
    let qemuOptions: [String]

    /// The start of every line the ROM prints: its name and a colon.
    var marker: String { String(resultLine.prefix { $0 != ":" }) + ":" }
}

let workloads = [
    Workload(name: "real-mode sieve + 32-bit mixing loop", file: "sieve.bin",
             resultLine: "sieve: 1028 primes below 8192", pagedLoads: 0,
             qemuSystem: "qemu-system-i386", qemuOptions: []),
    Workload(name: "paging: 2048-page sweeps under 4 KiB paging", file: "paging.bin",
             resultLine: "paging: sweep sum correct", pagedLoads: 20_000 * 2048,
             qemuSystem: "qemu-system-i386", qemuOptions: []),
    Workload(name: "long mode: 64-bit integer loops over 2048 4 KiB pages under 4-level paging", file: "long.bin",
             resultLine: "long: checksum a8415828adc70bbd correct", pagedLoads: 5_000 * 2048,
             qemuSystem: "qemu-system-x86_64", qemuOptions: ["-cpu", "qemu64"]),
    Workload(name: "float: x87 polynomial and series, SSE2/SSE power iterations and a packed-integer hash in 64-bit mode",
             file: "float.bin", resultLine: "float: checksum 778a5aec1b3d7625 correct", pagedLoads: 0,
             qemuSystem: "qemu-system-x86_64", qemuOptions: ["-cpu", "qemu64"]),
]

/// Keeps what the guest writes to the debug console.
final class CapturedConsole: CharacterBackend {
    private(set) var text = ""
    func write(_ byte: UInt8) { text.unicodeScalars.append(Unicode.Scalar(byte)) }
    func readByte() -> UInt8? { nil }
    func flush() {}
}

/// What another emulator made of a workload.
enum Outcome {
    /// It printed the result line after this many seconds.
    case finished(Double)
    /// It printed this line instead.
    case printed(String)
    /// Not installed, or it stopped without a result line.
    case unavailable
}

/// The line of `output` that starts with the workload's marker, once complete.
func resultLine(in output: String, of workload: Workload) -> String? {
    guard let start = output.range(of: workload.marker),
          let end = output[start.lowerBound...].firstIndex(of: "\n") else { return nil }
    return String(output[start.lowerBound..<end])
}

func outcome(_ line: String?, of workload: Workload, seconds: Double) -> Outcome {
    guard let line else { return .unavailable }
    return line == workload.resultLine ? .finished(seconds) : .printed(line)
}

func runQEMU(_ path: String, workload: Workload) -> Outcome {
    guard let qemu = executable(workload.qemuSystem) else { return .unavailable }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: qemu)
    p.arguments = workload.qemuOptions + ["-bios", path, "-display", "none", "-debugcon", "stdio", "-serial", "null",
                                          "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-no-reboot"]
    let output = Pipe()
    p.standardOutput = output
    p.standardError = FileHandle.nullDevice
    let start = Date()
    do { try p.run() } catch { return .unavailable }
    let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    let seconds = Date().timeIntervalSince(start)
    return outcome(resultLine(in: printed, of: workload), of: workload, seconds: seconds)
}

func executable(_ name: String) -> String? {
    ["/usr/bin/", "/usr/local/bin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// Bochs has no isa-debug-exit: it runs until the workload's result line
/// appears on its port 0xE9 console, and is then stopped (or after two
/// minutes, since a triple fault makes it reset and start again). Debian's
/// build has the internal debugger, which waits for a "c" (continue) on stdin
/// first. Its default CPU (bx_generic) has long mode and SSE2; a build without
/// them makes long.bin and float.bin print what CPUID lacks.
func runBochs(_ path: String, workload: Workload) -> Outcome {
    guard let bochs = executable("bochs") else { return .unavailable }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swiftpc-bench-\(getpid())")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let rc = dir.appendingPathComponent("bochsrc")
    let config = """
        megs: 32
        romimage: file=\(path), address=0xffff0000
        display_library: rfb, options="timeout=0"
        port_e9_hack: enabled=1
        log: /dev/null
        speaker: enabled=0
        plugin_ctrl: speaker=0, sb16=0, es1370=0, parallel=0, serial=0, gameport=0, e1000=0, ne2k=0
        clock: sync=none

        """
    guard (try? config.write(to: rc, atomically: true, encoding: .utf8)) != nil else { return .unavailable }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: bochs)
    p.arguments = ["-q", "-f", rc.path]
    let input = Pipe(), output = Pipe()
    p.standardInput = input
    p.standardOutput = output
    p.standardError = output
    let start = Date()
    do { try p.run() } catch { return .unavailable }
    DispatchQueue.global().asyncAfter(deadline: .now() + 120) { if p.isRunning { p.terminate() } }
    input.fileHandleForWriting.write("c\n".data(using: .utf8)!)
    var seen = ""
    var line: String?
    var seconds = 0.0
    while line == nil {
        let chunk = output.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        seen += String(decoding: chunk, as: UTF8.self)
        line = resultLine(in: seen, of: workload)
        seconds = Date().timeIntervalSince(start)
        if line == nil && seen.count > 1 << 20 { seen = String(seen.suffix(4096)) }
    }
    p.terminate()
    p.waitUntilExit()
    return outcome(line, of: workload, seconds: seconds)
}

func report(_ name: String, _ outcome: Outcome, instructions: UInt64, mips: Double) {
    switch outcome {
    case .unavailable:
        print("  \(name): not installed or failed: no comparison")
    case .printed(let line):
        print("  \(name): printed \"\(line)\" instead of the result: no comparison")
    case .finished(let seconds):
        let theirs = Double(instructions) / seconds / 1e6
        print("  \(name): \(String(format: "%.3f", seconds)) s: \(String(format: "%.1f", theirs)) MIPS; SwiftPC is \(String(format: "%.2f", mips / theirs))x")
    }
}

for workload in workloads {
    let path = here.appendingPathComponent(workload.file).path
    guard let data = FileManager.default.contents(atPath: path) else {
        print("cannot read \(path)")
        exit(2)
    }
    var configuration = MachineConfiguration()
    configuration.bios = [UInt8](data)
    let console = CapturedConsole()
    configuration.debugConsole = console
    let machine = try Machine(configuration: configuration)
    let summary = machine.run(instructionLimit: 2_000_000_000)
    let printed = resultLine(in: console.text, of: workload)
    guard summary.reason == .debugExit(1), printed == workload.resultLine else {
        print("\(workload.name): the workload failed (\(summary.reason)), printing \(printed ?? "nothing")")
        exit(1)
    }
    let mips = summary.mips
    print("\(workload.name): \(summary.instructions) instructions in \(String(format: "%.3f", summary.seconds)) s: \(String(format: "%.1f", mips)) MIPS")
    print("  result: \(workload.resultLine)")
    report("\(workload.qemuSystem) (TCG)", runQEMU(path, workload: workload), instructions: summary.instructions, mips: mips)
    if workload.pagedLoads > 0 {
        let walks = Double(machine.access.pageWalks)
        print("  TLB: \(machine.access.pageWalks) page walks for \(Int(workload.pagedLoads)) sweep loads: hit rate at least \(String(format: "%.2f", max(0, 100 * (1 - walks / workload.pagedLoads))))%")
    }
    report("Bochs", runBochs(path, workload: workload), instructions: summary.instructions, mips: mips)
}
