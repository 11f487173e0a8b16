import Devices
import Foundation
import Machine
import Storage

/// The command line, in QEMU's spelling where QEMU has one.
let usage = """
usage: swiftpc [options]
  -bios FILE           ROM image ending at 0xFFFFF (default: the embedded self-test ROM)
  -kernel FILE         boot FILE as a multiboot kernel (ELF32, or flat with the a.out kludge)
  -append TEXT         the kernel's command line, after its file name
  -initrd MODS         multiboot modules: "FILE[ ARGS]" entries, comma-separated (",," for a comma)
  -m SIZE              RAM size, e.g. 32M or 1G (default 32M)
  -serial DEV          COM1: stdio, null, file:PATH or tcp:127.0.0.1:PORT[,server,nowait] (default stdio);
                       repeat it for COM2, COM3 and COM4
  -debugcon DEV        port 0xE9 console: stdio, null, file:PATH or tcp:... as -serial (default stdio)
  -hda/-hdb/-hdc/-hdd FILE   raw disk image on IDE primary master/slave, secondary master/slave
  -cdrom FILE          ISO image in an ATAPI CD-ROM drive, secondary master
  -screendump FILE     write the VGA screen as a PNG image to FILE on exit
  -display none|text   text: the VGA text screen on this terminal, keys to the PS/2 keyboard
                       (serial and debug console then default to null)
  -d CLASSES           trace: in_asm (instructions), cpu (registers), comma-separated
  -D FILE              write the trace to FILE instead of stderr
  -icount-limit N      stop after N instructions
  -icount shift=N      each instruction lasts 2^N ns of device time (default 3)
  -rtc OPTIONS         clock=vm|host: device time from the instruction count (default, repeatable)
                       or the host clock; base=utc|YYYY-MM-DDTHH:MM:SS: the RTC's start time
                       (default 2000-01-01T00:00:00, repeatable); comma-separated
  -post                show POST codes written to port 0x80 on stderr
  -nographic, -display none, -no-reboot   accepted for QEMU compatibility
  -h, --help           this text
"""

struct UsageError: Error, CustomStringConvertible { var description: String }

func fail(_ message: String) -> Never {
    FileHandle.standardError.write("swiftpc: \(message)\n".data(using: .utf8)!)
    exit(2)
}

func parseSize(_ text: String) -> Int? {
    var digits = text
    var unit = 1 << 20
    if let last = text.last, last.isLetter {
        digits = String(text.dropLast())
        switch last {
        case "K", "k": unit = 1 << 10
        case "M", "m": unit = 1 << 20
        case "G", "g": unit = 1 << 30
        default: return nil
        }
    }
    guard let n = Int(digits), n > 0, n <= (1 << 40) / unit else { return nil }
    return n * unit
}

var configuration = MachineConfiguration()
var serialSpec = "stdio", debugconSpec = "stdio"
var serialSpecGiven = false, debugconSpecGiven = false
var extraSerialSpecs: [String] = []
var trace = InstructionTrace()
var traceFile: String?
var instructionLimit: UInt64?
var showPOST = false
var kernelPath: String?
var appendText: String?
var initrdList: String?
var screendumpPath: String?
var showScreen = false

/// `YYYY-MM-DDTHH:MM:SS` (or with a space, or a date alone) in UTC, as seconds since 1970.
func parseDateTime(_ text: String) -> Int64? {
    let parts = text.split(whereSeparator: { "-T :".contains($0) }).map { Int($0) }
    guard parts.count == 3 || parts.count == 6, parts.allSatisfy({ $0 != nil }) else { return nil }
    let v = parts.map { $0! } + [0, 0, 0]
    var components = DateComponents()
    (components.year, components.month, components.day) = (v[0], v[1], v[2])
    (components.hour, components.minute, components.second) = (v[3], v[4], v[5])
    guard (1900...2099).contains(v[0]), (1...12).contains(v[1]), (1...31).contains(v[2]),
          v[3] < 24, v[4] < 60, v[5] < 60 else { return nil }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    guard let date = calendar.date(from: components) else { return nil }
    return Int64(date.timeIntervalSince1970)
}

var arguments = CommandLine.arguments.dropFirst()
func value(for option: String) -> String {
    guard let v = arguments.popFirst() else { fail("option \(option) needs a value") }
    return v
}
while let option = arguments.popFirst() {
    switch option {
    case "-bios":
        let path = value(for: option)
        guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read BIOS image '\(path)'") }
        configuration.bios = [UInt8](data)
    case "-kernel": kernelPath = value(for: option)
    case "-append": appendText = value(for: option)
    case "-initrd": initrdList = value(for: option)
    case "-m":
        let text = value(for: option)
        guard let size = parseSize(text) else { fail("invalid memory size '\(text)'") }
        configuration.memorySize = size
    case "-serial":
        // The first -serial is COM1, further ones COM2 to COM4 (as in QEMU).
        if serialSpecGiven {
            guard extraSerialSpecs.count < 3 else { fail("at most four -serial options (COM1-COM4)") }
            extraSerialSpecs.append(value(for: option))
        } else {
            serialSpec = value(for: option)
            serialSpecGiven = true
        }
    case "-debugcon":
        debugconSpec = value(for: option)
        debugconSpecGiven = true
    case "-d":
        do { trace = try InstructionTrace(classes: value(for: option)) } catch { fail(error.description) }
    case "-D": traceFile = value(for: option)
    case "-icount-limit":
        let text = value(for: option)
        guard let n = UInt64(text) else { fail("invalid instruction count '\(text)'") }
        instructionLimit = n
    case "-icount":
        let text = value(for: option)
        let number = text.hasPrefix("shift=") ? String(text.dropFirst(6)) : text
        guard let shift = Int(number), (0...10).contains(shift) else { fail("invalid -icount '\(text)' (expected shift=N, N from 0 to 10)") }
        configuration.instructionTimeShift = shift
    case "-rtc":
        let text = value(for: option)
        for setting in text.split(separator: ",") {
            switch setting {
            case "clock=vm": configuration.timeSource = .instructions
            case "clock=host": configuration.timeSource = .host
            case "base=utc": configuration.rtcStartTime = Int64(Date().timeIntervalSince1970)
            case _ where setting.hasPrefix("base="):
                guard let start = parseDateTime(String(setting.dropFirst(5))) else {
                    fail("invalid -rtc base '\(setting.dropFirst(5))' (expected utc or YYYY-MM-DDTHH:MM:SS)")
                }
                configuration.rtcStartTime = start
            default: fail("invalid -rtc '\(text)' (expected clock=vm|host and base=utc|YYYY-MM-DDTHH:MM:SS)")
            }
        }
    case "-hda", "-hdb", "-hdc", "-hdd":
        let path = value(for: option)
        let index = Int(option.utf8.last! - UInt8(ascii: "a"))
        do { configuration.ideDrives[index] = .disk(try RawImage(path: path)) } catch { fail("\(error)") }
    case "-cdrom":
        let path = value(for: option)
        do { configuration.ideDrives[2] = .cdrom(try RawImage(path: path, readOnly: true, blockSize: 2048)) } catch { fail("\(error)") }
    case "-screendump": screendumpPath = value(for: option)
    case "-post": showPOST = true
    case "-nographic", "-no-reboot": break
    case "-display":
        let text = value(for: option)
        switch text {
        case "none": showScreen = false
        case "text", "curses": showScreen = true
        default: fail("invalid -display '\(text)' (expected none or text)")
        }
    case "-h", "--help", "-help":
        print(usage)
        exit(0)
    default: fail("unknown option '\(option)' (try -h)")
    }
}

if let kernelPath {
    guard let kernel = FileManager.default.contents(atPath: kernelPath) else { fail("cannot read kernel '\(kernelPath)'") }
    var boot = MultibootConfiguration(kernel: [UInt8](kernel), kernelName: kernelPath, arguments: appendText ?? "")
    for string in MultibootConfiguration.moduleStrings(initrdList ?? "") {
        let path = MultibootConfiguration.modulePath(string)
        guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read module '\(path)'") }
        boot.modules.append(.init(bytes: [UInt8](data), string: string))
    }
    configuration.multiboot = boot
} else if appendText != nil || initrdList != nil {
    fail("-append and -initrd need -kernel")
}

// One StdioBackend is shared when both consoles go to stdio, so their output interleaves in order.
var stdio: StdioBackend?
func backend(_ spec: String) -> CharacterBackend {
    if spec == "stdio" {
        if stdio == nil { stdio = StdioBackend() }
        return stdio!
    }
    do { return try CharacterBackends.make(spec: spec) } catch { fail("\(error)") }
}
// The screen takes the terminal: the consoles then default to nothing.
configuration.serial = backend(serialSpecGiven || !showScreen ? serialSpec : "null")
configuration.debugConsole = backend(debugconSpecGiven || !showScreen ? debugconSpec : "null")
configuration.extraSerial = extraSerialSpecs.map(backend)
if showPOST { configuration.postCodes = StdioBackend(inputFD: -1, outputFD: STDERR_FILENO) }

let machine: Machine
do {
    machine = try Machine(configuration: configuration)
} catch let error as MultibootError {
    fail("\(kernelPath ?? ""): \(error)")
} catch {
    fail("\(error)")
}
let traceOutput: CharacterBackend
if let traceFile {
    do { traceOutput = try FileBackend(path: traceFile) } catch { fail("\(error)") }
} else {
    traceOutput = StdioBackend(inputFD: -1, outputFD: STDERR_FILENO)
}
trace.install(on: machine, output: traceOutput)
if showScreen {
    if stdio == nil { stdio = StdioBackend() }
    machine.display = TerminalDisplay(terminal: stdio!, vga: machine.devices.vga, keyboard: machine.devices.keyboard)
}

let summary = machine.run(instructionLimit: instructionLimit)
traceOutput.flush()
if let screendumpPath {
    do {
        try Data(machine.devices.vga.renderPNG()).write(to: URL(fileURLWithPath: screendumpPath))
    } catch {
        FileHandle.standardError.write("swiftpc: cannot write screen dump '\(screendumpPath)': \(error.localizedDescription)\n".data(using: .utf8)!)
    }
}
let mips = (summary.mips * 10).rounded() / 10
let seconds = (summary.seconds * 1000).rounded() / 1000
let line = "swiftpc: \(summary.instructions) instructions in \(seconds) s (\(mips) MIPS); \(summary.reason)\n"
FileHandle.standardError.write(line.data(using: .utf8)!)
switch summary.reason {
case .debugExit(let status): exit(status)
case .shutdown: exit(1)
default: exit(0)
}
