import Foundation
import Machine

/// Times the benchmark ROMs on SwiftPC and, when installed, on QEMU (TCG) with
/// the same image, and prints guest MIPS and the ratio. The guest instruction
/// count comes from SwiftPC's run (the workload is deterministic), so QEMU's
/// MIPS is that count over QEMU's wall time, start-up included.
let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let workloads = [("real-mode sieve + 32-bit mixing loop", "sieve.bin")]

func runQEMU(_ path: String) -> Double? {
    let candidates = ["/usr/bin/qemu-system-i386", "/usr/local/bin/qemu-system-i386"]
    guard let qemu = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
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

for (name, file) in workloads {
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
    if let seconds = runQEMU(path) {
        let qemuMIPS = Double(summary.instructions) / seconds / 1e6
        print("  qemu-system-i386 (TCG): \(String(format: "%.3f", seconds)) s: \(String(format: "%.1f", qemuMIPS)) MIPS; SwiftPC/QEMU = \(String(format: "%.2f", mips / qemuMIPS))")
    } else {
        print("  qemu-system-i386 not installed: no comparison")
    }
}
