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
                let ip = cpu.instructionStart
                let long = cpu.mode64
                // In 64-bit mode RIP is the linear address; elsewhere IP wraps in the segment.
                let ipMask: UInt64 = long ? UInt64.max : cs.big ? 0xFFFF_FFFF : 0xFFFF
                var bytes = ""
                for k in 0..<UInt64(i.length) {
                    let offset = (ip &+ k) & ipMask
                    let byte = cpu.memory.peekLinear8(long ? offset : (cs.base &+ offset) & 0xFFFF_FFFF)
                    bytes += byte.map { hex($0, 2) } ?? "??"
                }
                let address = long ? hex(ip, 16) : hex(ip, cs.big ? 8 : 4)
                line += "\(hex(UInt32(cs.selector), 4)):\(address)  \(bytes.padding(toLength: 16, withPad: " ", startingAt: 0)) \(Disassembler.text(i, address: ip))\n"
            }
            for b in line.utf8 { output.write(b) }
        }
    }

    /// The general registers, 64-bit ones in 64-bit mode, then EFLAGS and the selectors.
    static func registerLine(_ cpu: CPU) -> String {
        var s = ""
        if cpu.mode64 {
            let names = ["RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI", "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15"]
            for r in 0..<16 { s += "\(names[r])=\(hex(cpu.get64(r), 16)) " }
        } else {
            let names = ["EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"]
            for r in 0..<8 { s += "\(names[r])=\(hex(cpu.get32(r), 8)) " }
        }
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
