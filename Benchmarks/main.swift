import Foundation
import Machine

/// Times the benchmark ROMs on SwiftPC and, when installed, on QEMU (TCG) and
/// Bochs with the same image, and prints guest MIPS and the ratios. The guest
/// instruction count comes from SwiftPC's run (the workload is deterministic), so
/// the others' MIPS is that count over their wall time, start-up included.
let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
/// (name, ROM, the prefix of its result line, data loads it makes by construction
/// in its paging sweeps, for the TLB hit rate (0 when it does not page), and
/// the QEMU system that runs it).
let workloads: [(String, String, String, Double, String)] = [
    ("real-mode sieve + 32-bit mixing loop", "sieve.bin", "sieve:", 0, "qemu-system-i386"),
    ("paging: 2048-page sweeps under 4 KiB paging", "paging.bin", "paging:", 20_000 * 2048, "qemu-system-i386"),
    ("long mode: 64-bit sweeps and mixing under 4-level paging", "long.bin", "long:", 20_000 * 1024, "qemu-system-x86_64"),
]

func runQEMU(_ path: String, system: String) -> Double? {
    guard let qemu = executable(system) else { return nil }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: qemu)
    p.arguments = ["-bios", path, "-display", "none", "-debugcon", "null", "-serial", "null",
                   "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-no-reboot"]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    let start = Date()
    do { try p.run() } catch { return nil }
    p.waitUntilExit()
    return p.terminationStatus == 1 ? Date().timeIntervalSince(start) : nil
}

func executable(_ name: String) -> String? {
    ["/usr/bin/", "/usr/local/bin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// Bochs has no isa-debug-exit: it runs until the workload's result line
/// appears on its port 0xE9 console, and is then stopped. Debian's build has the
/// internal debugger, which waits for a "c" (continue) on stdin first.
func runBochs(_ path: String, marker: String) -> Double? {
    guard let bochs = executable("bochs") else { return nil }
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
    guard (try? config.write(to: rc, atomically: true, encoding: .utf8)) != nil else { return nil }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: bochs)
    p.arguments = ["-q", "-f", rc.path]
    let input = Pipe(), output = Pipe()
    p.standardInput = input
    p.standardOutput = output
    p.standardError = output
    let start = Date()
    do { try p.run() } catch { return nil }
    input.fileHandleForWriting.write("c\n".data(using: .utf8)!)
    var seen = ""
    var elapsed: Double?
    while elapsed == nil {
        let chunk = output.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        seen += String(decoding: chunk, as: UTF8.self)
        if seen.contains(marker) { elapsed = Date().timeIntervalSince(start) }
        if seen.count > 1 << 20 { seen = String(seen.suffix(4096)) }
    }
    p.terminate()
    p.waitUntilExit()
    return elapsed
}

func report(_ name: String, seconds: Double?, instructions: UInt64, mips: Double) {
    guard let seconds else {
        print("  \(name): not installed or failed: no comparison")
        return
    }
    let theirs = Double(instructions) / seconds / 1e6
    print("  \(name): \(String(format: "%.3f", seconds)) s: \(String(format: "%.1f", theirs)) MIPS; SwiftPC is \(String(format: "%.2f", mips / theirs))x")
}

for (name, file, marker, pagedLoads, qemuSystem) in workloads {
    let path = here.appendingPathComponent(file).path
    guard let data = FileManager.default.contents(atPath: path) else {
        print("cannot read \(path)")
        exit(2)
    }
    var configuration = MachineConfiguration()
    configuration.bios = [UInt8](data)
    let machine = try Machine(configuration: configuration)
    let summary = machine.run(instructionLimit: 2_000_000_000)
    guard summary.reason == .debugExit(1) else {
        print("\(name): the workload failed (\(summary.reason))")
        exit(1)
    }
    let mips = summary.mips
    print("\(name): \(summary.instructions) instructions in \(String(format: "%.3f", summary.seconds)) s: \(String(format: "%.1f", mips)) MIPS")
    report("\(qemuSystem) (TCG)", seconds: runQEMU(path, system: qemuSystem), instructions: summary.instructions, mips: mips)
    if pagedLoads > 0 {
        let walks = Double(machine.access.pageWalks)
        print("  TLB: \(machine.access.pageWalks) page walks for \(Int(pagedLoads)) sweep loads: hit rate at least \(String(format: "%.2f", max(0, 100 * (1 - walks / pagedLoads))))%")
    }
    report("Bochs", seconds: runBochs(path, marker: marker), instructions: summary.instructions, mips: mips)
}
