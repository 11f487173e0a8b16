/// An IBM MF2 keyboard on the PS/2 keyboard port: its command set and its
/// scan code output (IBM PS/2 Hardware Interface Technical Reference,
/// "Keyboard", sections "Commands from the System" and "Commands to the
/// System").
///
/// Every command is answered at once (the real keyboard takes about a
/// millisecond a byte; the controller sees the bytes as soon as its output
/// buffer is free), and the basic assurance test after a reset passes at
/// once with 0xAA.
///
/// Keys are sent in scan code set 2, or set 1 when the guest selects it (the
/// set 2 codes through the same translation the 8042 applies). Set 3 can be
/// selected and is reported by F0 00, but its per-key make/break/typematic
/// attributes are not modelled: keys in set 3 still send set 2 codes.
/// Typematic repeat is not generated (a host key held down arrives as the
/// host's own repeated presses); the rate/delay byte is stored.
///
/// The 16-byte buffer overflows as the reference describes: the event that
/// does not fit is lost and an overrun code (0x00 in sets 2 and 3, 0xFF in
/// set 1) takes one extra position after the last byte kept.
public final class PS2Keyboard: PS2Device {
    public static let bufferCapacity = 16

    public enum Command {
        public static let setLEDs: UInt8 = 0xED
        public static let echo: UInt8 = 0xEE
        public static let scanCodeSet: UInt8 = 0xF0
        public static let identify: UInt8 = 0xF2
        public static let typematic: UInt8 = 0xF3
        public static let enable: UInt8 = 0xF4
        public static let defaultDisable: UInt8 = 0xF5
        public static let setDefault: UInt8 = 0xF6
        public static let resend: UInt8 = 0xFE
        public static let reset: UInt8 = 0xFF
    }

    public enum Response {
        public static let ack: UInt8 = 0xFA
        public static let resend: UInt8 = 0xFE
        public static let selfTestPassed: UInt8 = 0xAA
        public static let echo: UInt8 = 0xEE
        public static let identity: [UInt8] = [0xAB, 0x83]
    }

    /// 10.9 characters a second after a 500 ms delay.
    public static let defaultTypematic: UInt8 = 0x2B

    public var onOutputAvailable: (() -> Void)?
    public private(set) var scanningEnabled = true
    public private(set) var scanCodeSet: UInt8 = 2
    /// Bit 0 Scroll Lock, bit 1 Num Lock, bit 2 Caps Lock.
    public private(set) var leds: UInt8 = 0
    public private(set) var typematic = defaultTypematic

    /// One more than the buffer so the overrun code always has a place.
    private var output = PS2OutputQueue(capacity: bufferCapacity + 1)
    /// The command whose parameter byte comes next.
    private var awaitingParameter: UInt8?
    private var lastSent: UInt8 = Response.ack

    public init() {}

    public var pendingOutputCount: Int {
        output.count
    }

    public func receive(_ byte: UInt8) {
        if let command = awaitingParameter {
            awaitingParameter = nil
            // A command byte in place of a parameter ends the pending command
            // and runs as a command (reference, "Commands from the System").
            if byte < Command.setLEDs {
                parameter(byte, for: command)
                return
            }
        }
        execute(byte)
    }

    public func dequeue() -> UInt8? {
        guard let byte = output.popFirst() else { return nil }
        lastSent = byte
        return byte
    }

    /// A key going down, in the current scan code set.
    public func press(_ key: KeyCode) {
        sendKey(ScanCodeSet2.make(key))
    }

    /// A key coming up, in the current scan code set.
    public func release(_ key: KeyCode) {
        sendKey(ScanCodeSet2.breakCode(key))
    }

    /// Raw set 2 bytes of one key event (a make or break sequence), for
    /// keys outside `KeyCode`; converted like `press` when set 1 is active.
    public func sendScanCodes(_ set2Sequence: [UInt8]) {
        sendKey(set2Sequence)
    }

    private func sendKey(_ set2Sequence: [UInt8]) {
        guard scanningEnabled, !set2Sequence.isEmpty else { return }
        let bytes = scanCodeSet == 1 ? ScanCodeTranslator.translate(set2Sequence) : set2Sequence
        let overrun: UInt8 = scanCodeSet == 1 ? 0xFF : 0x00
        // After an overrun, events are lost until the host has read the
        // buffer out past the overrun code.
        guard output.last != overrun else { return }
        if output.count + bytes.count <= Self.bufferCapacity {
            output.append(bytes)
        } else {
            output.append([overrun])
        }
        onOutputAvailable?()
    }

    private func send(_ bytes: [UInt8]) {
        // Responses are at most three bytes; a host that never reads while
        // it keeps sending commands loses the answers that do not fit.
        output.append(bytes)
        onOutputAvailable?()
    }

    private func execute(_ command: UInt8) {
        switch command {
        case Command.setLEDs, Command.scanCodeSet, Command.typematic:
            awaitingParameter = command
            send([Response.ack])
        case Command.echo:
            send([Response.echo])
        case Command.identify:
            send([Response.ack] + Response.identity)
        case Command.enable:
            output.removeAll()
            scanningEnabled = true
            send([Response.ack])
        case Command.defaultDisable:
            setDefaults()
            scanningEnabled = false
            send([Response.ack])
        case Command.setDefault:
            setDefaults()
            scanningEnabled = true
            send([Response.ack])
        case Command.resend:
            send([lastSent])
        case Command.reset:
            setDefaults()
            scanningEnabled = true
            leds = 0
            send([Response.ack, Response.selfTestPassed])
        default:
            send([Response.resend])
        }
    }

    private func parameter(_ value: UInt8, for command: UInt8) {
        switch command {
        case Command.setLEDs:
            leds = value & 0x07
            send([Response.ack])
        case Command.scanCodeSet:
            switch value {
            case 0:
                send([Response.ack, scanCodeSet])
            case 1...3:
                scanCodeSet = value
                send([Response.ack])
            default:
                send([Response.resend])
            }
        default:
            typematic = value & 0x7F
            send([Response.ack])
        }
    }

    /// The power-on defaults that F5, F6 and FF restore (reference, "Set
    /// Default"): buffer cleared, set 2, default typematic rate.
    private func setDefaults() {
        output.removeAll()
        awaitingParameter = nil
        scanCodeSet = 2
        typematic = Self.defaultTypematic
    }
}
