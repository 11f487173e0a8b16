import Devices
import X86

/// The `-d` trace: one line per executed instruction with its address, bytes
/// and Intel-syntax disassembly (`in_asm`), and the registers before it (`cpu`).
public struct InstructionTrace {
    public var instructions = false
    public var registers = false
    public static let classes = ["in_asm", "cpu"]

    public init() {}

    /// Parses QEMU-style `-d` classes: a comma-separated list of `classes`.
    public init(classes text: String) throws(TraceError) {
        for c in text.split(separator: ",") {
            switch c {
            case "in_asm": instructions = true
            case "cpu": registers = true
            default: throw TraceError(name: String(c))
            }
        }
    }

    public struct TraceError: Error, CustomStringConvertible {
        public var name: String
        public var description: String {
            "unknown trace class '\(name)' (known: \(InstructionTrace.classes.joined(separator: ", ")))"
        }
    }

    /// Installs the trace on `machine`'s CPU, writing lines to `output`.
    public func install(on machine: Machine, output: CharacterBackend) {
        guard instructions || registers else { return }
        let showInstructions = instructions, showRegisters = registers
        machine.cpu.tracer = { cpu, i in
            var line = ""
            if showRegisters { line += InstructionTrace.registerLine(cpu) + "\n" }
            if showInstructions {
                let cs = cpu.segments[SegmentIndex.cs]
                let ip = UInt32(truncatingIfNeeded: cpu.instructionStart)
                var bytes = ""
                for k in 0..<UInt32(i.length) {
                    let byte = cpu.memory.peekLinear8((cs.base &+ UInt64((ip &+ k) & (cs.big ? 0xFFFF_FFFF : 0xFFFF))) & 0xFFFF_FFFF)
                    bytes += byte.map { hex($0, 2) } ?? "??"
                }
                line += "\(hex(UInt32(cs.selector), 4)):\(hex(ip, cs.big ? 8 : 4))  \(bytes.padding(toLength: 16, withPad: " ", startingAt: 0)) \(Disassembler.text(i, address: cpu.instructionStart))\n"
            }
            for b in line.utf8 { output.write(b) }
        }
    }

    static func registerLine(_ cpu: CPU) -> String {
        let names = ["EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"]
        var s = ""
        for r in 0..<8 { s += "\(names[r])=\(hex(cpu.get32(r), 8)) " }
        s += "EFL=\(hex(cpu.eflags, 8))"
        let segs = ["ES", "CS", "SS", "DS", "FS", "GS"]
        for k in 0..<6 { s += " \(segs[k])=\(hex(UInt32(cpu.segments[k].selector), 4))" }
        return s
    }
}

func hex<T: BinaryInteger>(_ v: T, _ digits: Int) -> String {
    let s = String(v, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, digits - s.count)) + s
}
