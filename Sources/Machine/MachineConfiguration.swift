import Devices
import Storage

/// Everything a machine is built from; the command line fills one of these.
public struct MachineConfiguration {
    public var memorySize: Int = 32 << 20
    /// The BIOS image; nil boots the embedded default image.
    public var bios: [UInt8]?
    /// A multiboot kernel to start instead of the BIOS (`-kernel`); the BIOS
    /// stays mapped and runs after a CPU reset.
    public var multiboot: MultibootConfiguration?
    /// COM1's backend (`-serial`).
    public var serial: CharacterBackend = NullBackend()
    /// COM2, COM3 and COM4 (the second to fourth `-serial`); unconnected when absent.
    public var extraSerial: [CharacterBackend] = []
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
    /// The RTC's time at power-on, in seconds since 1970-01-01 00:00:00 UTC:
    /// 2000-01-01 by default, so that runs repeat (`-rtc base=` changes it).
    public var rtcStartTime: Int64 = 946_684_800
    /// IDE drives: primary master and slave, secondary master and slave
    /// (`-hda`, `-hdb`, `-hdc`/`-cdrom`, `-hdd`).
    public var ideDrives: [IDEDrive?] = [nil, nil, nil, nil]

    public enum IDEDrive {
        case disk(BlockDevice)
        /// An ATAPI CD-ROM drive; nil is an empty tray.
        case cdrom(BlockDevice?)
    }

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
