import Devices
import Glibc
import X86

/// The board: CPU, physical memory, the I/O bus and the devices of this slice
/// (16550 UART at 0x3F8, the 0xE9 debug console, isa-debug-exit at 0xF4, POST
/// codes at 0x80, system control port A at 0x92), and the loop that runs them.
public final class Machine: CPUBus {
    public let access = MemoryAccess()
    public let memory: PhysicalMemory
    public let io = IOBus()
    public private(set) var cpu: CPU!
    public let serial: UART16550
    public let debugConsole: DebugConsole
    public let debugExit: DebugExit
    public let postCodes: POSTCodePort
    public let systemControl: SystemControlPortA
    /// Device time: 2^shift ns per instruction, plus the time skipped while halted.
    public let clock = VirtualClock()
    /// The PC/AT chips: interrupt controllers, timer, RTC, keyboard controller, IDE, VGA.
    public let devices: PCDevices
    /// The VGA screen and keyboard on the host terminal (`-display text`), if shown.
    public var display: TerminalDisplay?
    /// Nanoseconds the CPU spent halted, skipped to the next device deadline.
    private var idleTime: UInt64 = 0
    /// The instruction count when host input was last taken (`serviceHost`).
    private var lastHostService: UInt64 = 0
    /// Each instruction lasts 2^shift ns (`MachineConfiguration.instructionTimeShift`, clamped).
    private let timeShift: UInt64
    let configuration: MachineConfiguration

    public enum ExitReason: Equatable, CustomStringConvertible {
        /// The guest wrote to isa-debug-exit; the status is (value << 1) | 1.
        case debugExit(Int32)
        case instructionLimit
        /// HLT with nothing left that could wake the CPU.
        case halted
        /// Triple fault (the processor shut down).
        case shutdown
        /// The user quit from the terminal (Ctrl-A X).
        case quit

        public var description: String {
            switch self {
            case .debugExit(let s): return "isa-debug-exit (status \(s))"
            case .instructionLimit: return "instruction limit reached"
            case .halted: return "halted with no interrupt source"
            case .shutdown: return "triple fault (shutdown)"
            case .quit: return "quit from the terminal"
            }
        }
    }

    public struct RunSummary {
        public var instructions: UInt64
        public var seconds: Double
        public var reason: ExitReason
        public var mips: Double { seconds > 0 ? Double(instructions) / seconds / 1e6 : 0 }
    }

    public enum ConfigurationError: Error, CustomStringConvertible {
        case memorySize(Int)
        case biosSize(Int)
        public var description: String {
            switch self {
            case .memorySize(let n):
                return "memory size \(n >> 20) MiB is out of range (2 MiB to \(PhysicalMemory.maximumRAM >> 20) MiB)"
            case .biosSize(let n):
                return "BIOS image of \(n) bytes: it must be between 1 byte and 16 MiB"
            }
        }
    }

    public init(configuration: MachineConfiguration) throws {
        let ramSize = configuration.memorySize
        guard ramSize >= 2 << 20, ramSize <= PhysicalMemory.maximumRAM else { throw ConfigurationError.memorySize(ramSize) }
        let image = configuration.bios ?? DefaultFirmware.image
        guard !image.isEmpty, image.count <= 16 << 20 else { throw ConfigurationError.biosSize(image.count) }
        self.configuration = configuration
        timeShift = UInt64(min(max(configuration.instructionTimeShift, 0), 20))
        memory = PhysicalMemory(ramSize: ramSize & ~0xFFF, access: access)
        serial = UART16550(base: 0x3F8, backend: configuration.serial)
        debugConsole = DebugConsole(port: 0xE9, backend: configuration.debugConsole)
        debugExit = DebugExit(iobase: 0xF4, iosize: 4)
        postCodes = POSTCodePort(port: 0x80)
        postCodes.echo = configuration.postCodes
        systemControl = SystemControlPortA(port: 0x92, a20Enabled: true)
        devices = PCDevices(configuration: configuration, clock: clock, serial: serial)
        access.bus = self
        cpu = CPU(bus: self, memory: access)
        switch configuration.timeSource {
        case .instructions:
            clock.source = { [unowned self] in (self.cpu.instructionCount << self.timeShift) &+ self.idleTime }
        case .host:
            let start = ContinuousClock.now
            clock.source = {
                let elapsed = ContinuousClock.now - start
                return UInt64(elapsed.components.seconds) &* 1_000_000_000 &+ UInt64(elapsed.components.attoseconds / 1_000_000_000)
            }
        }
        memory.loadBIOS(image)
        io.register(serial, ports: serial.ports)
        io.register(debugConsole, ports: debugConsole.ports)
        io.register(debugExit, ports: debugExit.ports)
        io.register(postCodes, ports: postCodes.ports)
        io.register(systemControl, ports: systemControl.ports)
        devices.attach(to: io, access: access)
        // A20 is open when either the 8042's output port or port 0x92 opens it.
        systemControl.onA20Change = { [unowned self] _ in self.updateA20() }
        devices.keyboardController.onA20Change = { [unowned self] _ in self.updateA20() }
        systemControl.onReset = { [unowned self] in self.reset() }
        devices.keyboardController.onReset = { [unowned self] in self.reset() }
        devices.pci.onReset = { [unowned self] _ in self.reset() }
        devices.coprocessorError.onIgnoreNumericError = { [unowned self] in self.cpu.ignoreNumericError = true }
        devices.interruptControllers.output.onChange = { [unowned self] in self.cpu.interruptRequested = $0 }
        if let boot = configuration.multiboot { try loadMultiboot(boot) }
    }

    /// CPU reset (the RESET line): the board's memory contents survive. The
    /// CPU starts in the BIOS even after a multiboot boot, as on QEMU.
    public func reset() {
        cpu.reset()
        updateA20()
    }

    private func updateA20() {
        access.setA20(enabled: systemControl.a20Enabled || devices.keyboardController.a20Enabled)
    }

    /// Runs until the guest exits, halts for good, shuts down or reaches `instructionLimit`.
    public func run(instructionLimit: UInt64? = nil) -> RunSummary {
        let start = cpu.instructionCount
        let hostStart = ContinuousClock.now
        var reason = ExitReason.instructionLimit
        loop: while true {
            if let status = debugExit.exitStatus { reason = .debugExit(status); break }
            var budget = configuration.sliceLength
            if let limit = instructionLimit {
                let done = cpu.instructionCount &- start
                if done >= limit { reason = .instructionLimit; break }
                budget = Int(min(UInt64(budget), limit - done))
            }
            if configuration.timeSource == .instructions, let deadline = clock.nextDeadline {
                // End the run at the instruction where the next timer is due.
                let now = clock.now
                let instructions = deadline > now ? ((deadline - now) &+ (1 << timeShift) &- 1) >> timeShift : 1
                budget = Int(min(UInt64(budget), max(instructions, 1)))
            }
            let stop = cpu.run(budget: budget)
            clock.fireDue()
            // Runs end at every OUT; the host's input is looked at once a slice
            // (and whenever the guest idles), not once per OUT.
            if stop == .halted || cpu.instructionCount &- lastHostService >= UInt64(configuration.sliceLength) {
                lastHostService = cpu.instructionCount
                if serviceHost() { reason = .quit; break }
            }
            switch stop {
            case .budget, .stopRequested: continue
            case .halted:
                // An idle guest costs no host time: skip to the next timer, whose
                // interrupt may wake the CPU. With none, or with interrupts off
                // (no NMI source is wired), nothing ever will.
                guard cpu.eflags & 0x200 != 0 else { reason = .halted; break loop }
                // An interrupt the halting instruction raised itself (FERR#) is already waiting.
                if cpu.interruptRequested { continue }
                guard let deadline = clock.nextDeadline else {
                    // Only a key can wake it now: wait for the user.
                    guard display != nil else { reason = .halted; break loop }
                    waitForHost(nanoseconds: 10_000_000)
                    continue
                }
                let now = clock.now
                if deadline > now {
                    if configuration.timeSource == .host {
                        waitForHost(nanoseconds: deadline - now)
                    } else {
                        skipIdle(deadline - now)
                    }
                }
                clock.fireDue()
            case .shutdown: reason = .shutdown; break loop
            }
        }
        display?.finish()
        let elapsed = ContinuousClock.now - hostStart
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        configuration.serial.flush()
        for backend in configuration.extraSerial { backend.flush() }
        configuration.debugConsole.flush()
        return RunSummary(instructions: cpu.instructionCount &- start, seconds: seconds, reason: reason)
    }

    /// Takes waiting host input into the UARTs and the display, and says whether
    /// the user asked to quit.
    private func serviceHost() -> Bool {
        serial.pollInput()
        for uart in devices.extraSerialPorts { uart.pollInput() }
        display?.service()
        return configuration.serial.quitRequested || configuration.debugConsole.quitRequested
            || configuration.extraSerial.contains { $0.quitRequested }
    }

    /// Skips `nanoseconds` of halted time. The time-stamp counter keeps
    /// counting through it, as a real TSC does in HLT, at one tick per
    /// instruction time: a guest that keeps time with the TSC sees its idle
    /// time pass.
    private func skipIdle(_ nanoseconds: UInt64) {
        let before = idleTime >> timeShift
        idleTime &+= nanoseconds
        cpu.tscOffset &+= (idleTime >> timeShift) &- before
    }

    /// Sleeps while a host-paced guest halts, at most 10 ms at a time so that
    /// terminal input and the quit key are seen.
    private func waitForHost(nanoseconds: UInt64) {
        var pause = timespec(tv_sec: 0, tv_nsec: Int(min(nanoseconds, 10_000_000)))
        nanosleep(&pause, nil)
    }

    // MARK: CPUBus

    public func readPhysical(_ address: UInt64, size: Int) -> UInt32 {
        size == 4 ? 0xFFFF_FFFF : (1 << (8 * UInt32(size))) - 1
    }

    public func writePhysical(_ address: UInt64, size: Int, value: UInt32) {}

    public func portIn(_ port: UInt16, size: Int) -> UInt32 { io.read(port, size: size) }

    public func portOut(_ port: UInt16, size: Int, value: UInt32) { io.write(port, size: size, value: value) }

    /// The INTA cycle: the 8259A pair supplies the vector.
    public func acknowledgeInterrupt() -> UInt8 { devices.interruptControllers.acknowledge() }

    /// FERR#: the coprocessor error latch raises IRQ13.
    public func floatingPointError() { devices.coprocessorError.numericError() }
}
