import Devices

/// Everything a machine is built from; the command line fills one of these.
public struct MachineConfiguration {
    public var memorySize: Int = 32 << 20
    /// The BIOS image; nil boots the embedded default image.
    public var bios: [UInt8]?
    /// A multiboot kernel to start instead of the BIOS (`-kernel`); the BIOS
    /// stays mapped and runs after a CPU reset.
    public var multiboot: MultibootConfiguration?
    public var serial: CharacterBackend = NullBackend()
    public var debugConsole: CharacterBackend = NullBackend()
    /// Where POST codes are echoed, if anywhere.
    public var postCodes: CharacterBackend?
    /// Instructions between checks of the board's state when nothing else ends a run.
    public var sliceLength = 1 << 16
    /// Virtual time: each guest instruction lasts 2^shift nanoseconds (QEMU's
    /// `-icount shift=N`). The default, 3, makes the guest a 125 MHz machine of
    /// one instruction per cycle, about as fast as SwiftPC runs.
    public var instructionTimeShift = 3
    /// Where device time comes from.
    public var timeSource = TimeSource.instructions

    public enum TimeSource: Equatable {
        /// Counted in guest instructions: deterministic, and a halted guest
        /// skips straight to its next timer (the default).
        case instructions
        /// The host's monotonic clock, for interactive use (`-rtc clock=host`):
        /// a halted guest waits in real time; runs are not repeatable.
        case host
    }

    public init() {}
}
