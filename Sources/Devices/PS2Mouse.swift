/// An IBM PS/2 mouse (two or three buttons, no wheel) on the auxiliary
/// device port (IBM PS/2 Hardware Interface Technical Reference, "Pointing
/// Device", sections "Commands" and "Data Report").
///
/// Stream mode sends a three-byte packet for each `move` while reporting is
/// enabled; remote mode accumulates movement until the host asks with Read
/// Data (0xEB). Wrap mode echoes every byte except Reset (0xFF) and Reset
/// Wrap Mode (0xEC). Packets are sent whole or not at all: one that does not
/// fit in the 16-byte buffer is lost. The sample rate and resolution are
/// stored and reported but do not limit the packet rate: a packet goes out
/// per `move` call.
public final class PS2Mouse: PS2Device {
    public static let bufferCapacity = 16

    public struct Buttons: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let left = Buttons(rawValue: 0x01)
        public static let right = Buttons(rawValue: 0x02)
        public static let middle = Buttons(rawValue: 0x04)
    }

    public enum Command {
        public static let setScaling1to1: UInt8 = 0xE6
        public static let setScaling2to1: UInt8 = 0xE7
        public static let setResolution: UInt8 = 0xE8
        public static let statusRequest: UInt8 = 0xE9
        public static let setStreamMode: UInt8 = 0xEA
        public static let readData: UInt8 = 0xEB
        public static let resetWrapMode: UInt8 = 0xEC
        public static let setWrapMode: UInt8 = 0xEE
        public static let setRemoteMode: UInt8 = 0xF0
        public static let identify: UInt8 = 0xF2
        public static let setSampleRate: UInt8 = 0xF3
        public static let enable: UInt8 = 0xF4
        public static let disable: UInt8 = 0xF5
        public static let setDefault: UInt8 = 0xF6
        public static let resend: UInt8 = 0xFE
        public static let reset: UInt8 = 0xFF
    }

    public enum Response {
        public static let ack: UInt8 = 0xFA
        public static let resend: UInt8 = 0xFE
        public static let error: UInt8 = 0xFC
        public static let selfTestPassed: UInt8 = 0xAA
        public static let deviceID: UInt8 = 0x00
    }

    private static let validSampleRates: Set<UInt8> = [10, 20, 40, 60, 80, 100, 200]
    private static let defaultSampleRate: UInt8 = 100
    /// 4 counts per millimetre.
    private static let defaultResolution: UInt8 = 2

    public var onOutputAvailable: (() -> Void)?
    public private(set) var reportingEnabled = false
    public private(set) var remoteMode = false
    public private(set) var wrapMode = false
    public private(set) var scaling2to1 = false
    public private(set) var sampleRate = defaultSampleRate
    public private(set) var resolution = defaultResolution
    public private(set) var buttons: Buttons = []

    private var output = PS2OutputQueue(capacity: bufferCapacity)
    private var awaitingParameter: UInt8?
    /// Movement not yet reported (remote mode, or reporting disabled).
    private var pendingX = 0
    private var pendingY = 0
    private var lastSent: UInt8 = Response.ack
    /// Consecutive invalid parameters: the second one is answered 0xFC.
    private var invalidParameters = 0

    public init() {}

    public var pendingOutputCount: Int {
        output.count
    }

    public func dequeue() -> UInt8? {
        guard let byte = output.popFirst() else { return nil }
        lastSent = byte
        return byte
    }

    /// Movement in counts (`dy` positive is away from the user, as the
    /// PS/2 mouse reports it) with the buttons now held.
    public func move(dx: Int, dy: Int, buttons newButtons: Buttons) {
        buttons = newButtons
        pendingX = clampedSum(pendingX, dx)
        pendingY = clampedSum(pendingY, dy)
        guard !remoteMode, !wrapMode, reportingEnabled else { return }
        if output.append(takePacket(scaled: true)) {
            onOutputAvailable?()
        }
    }

    public func receive(_ byte: UInt8) {
        if wrapMode, byte != Command.reset, byte != Command.resetWrapMode {
            send([byte])
            return
        }
        // Reset is obeyed even where a parameter is due.
        if let command = awaitingParameter, byte != Command.reset {
            awaitingParameter = nil
            parameter(byte, for: command)
            return
        }
        execute(byte)
    }

    private func execute(_ command: UInt8) {
        invalidParameters = 0
        switch command {
        case Command.setResolution, Command.setSampleRate:
            awaitingParameter = command
            send([Response.ack])
        case Command.setScaling1to1, Command.setScaling2to1:
            scaling2to1 = command == Command.setScaling2to1
            send([Response.ack])
        case Command.statusRequest:
            send([Response.ack, statusByte, resolution, sampleRate])
        case Command.setStreamMode, Command.setRemoteMode:
            remoteMode = command == Command.setRemoteMode
            discardMovement()
            send([Response.ack])
        case Command.readData:
            send([Response.ack] + takePacket(scaled: false))
        case Command.resetWrapMode, Command.setWrapMode:
            wrapMode = command == Command.setWrapMode
            discardMovement()
            send([Response.ack])
        case Command.identify:
            send([Response.ack, Response.deviceID])
        case Command.enable, Command.disable:
            reportingEnabled = command == Command.enable
            discardMovement()
            send([Response.ack])
        case Command.setDefault:
            setDefaults()
            send([Response.ack])
        case Command.resend:
            send([lastSent])
        case Command.reset:
            setDefaults()
            wrapMode = false
            send([Response.ack, Response.selfTestPassed, Response.deviceID])
        default:
            send([Response.resend])
        }
    }

    private func parameter(_ value: UInt8, for command: UInt8) {
        let valid = command == Command.setResolution
            ? value <= 3
            : Self.validSampleRates.contains(value)
        guard valid else {
            // The first bad parameter asks for it again; a second one is
            // an error and ends the command (reference, "Error Handling").
            invalidParameters += 1
            let giveUp = invalidParameters >= 2
            awaitingParameter = giveUp ? nil : command
            send([giveUp ? Response.error : Response.resend])
            return
        }
        invalidParameters = 0
        if command == Command.setResolution {
            resolution = value
        } else {
            sampleRate = value
        }
        send([Response.ack])
    }

    /// Status byte of Status Request (reference, "Status Request"): bit 6
    /// remote mode, 5 reporting enabled, 4 scaling 2:1, 2 left, 1 middle,
    /// 0 right button.
    private var statusByte: UInt8 {
        var status: UInt8 = 0
        if remoteMode { status |= 0x40 }
        if reportingEnabled { status |= 0x20 }
        if scaling2to1 { status |= 0x10 }
        if buttons.contains(.left) { status |= 0x04 }
        if buttons.contains(.middle) { status |= 0x02 }
        if buttons.contains(.right) { status |= 0x01 }
        return status
    }

    /// A data report of the pending movement, which it consumes: byte 0
    /// holds the buttons (bits 0-2), an always-one bit 3, the X and Y sign
    /// bits 4 and 5 and the overflow bits 6 and 7; bytes 1 and 2 the low
    /// eight bits of the 9-bit two's-complement X and Y. Scaling 2:1
    /// applies to stream reports only (reference, "Scaling").
    private func takePacket(scaled: Bool) -> [UInt8] {
        let x = scaled && scaling2to1 ? Self.scale(pendingX) : pendingX
        let y = scaled && scaling2to1 ? Self.scale(pendingY) : pendingY
        discardMovement()
        var header: UInt8 = 0x08 | buttons.rawValue & 0x07
        if x < 0 { header |= 0x10 }
        if y < 0 { header |= 0x20 }
        if x < -256 || x > 255 { header |= 0x40 }
        if y < -256 || y > 255 { header |= 0x80 }
        let clampedX = min(max(x, -256), 255)
        let clampedY = min(max(y, -256), 255)
        return [header, UInt8(truncatingIfNeeded: clampedX), UInt8(truncatingIfNeeded: clampedY)]
    }

    /// The 2:1 scaling table of the reference: 0, 1, 1, 3, 6, 9 for
    /// movements of 0 to 5 counts, twice the movement above that.
    private static func scale(_ value: Int) -> Int {
        let magnitude = value.magnitude
        let scaled: Int
        switch magnitude {
        case 0...5: scaled = [0, 1, 1, 3, 6, 9][Int(magnitude)]
        default: scaled = Int(clamping: magnitude &* 2)
        }
        return value < 0 ? -scaled : scaled
    }

    private func send(_ bytes: [UInt8]) {
        if output.append(bytes) {
            onOutputAvailable?()
        }
    }

    private func discardMovement() {
        pendingX = 0
        pendingY = 0
    }

    private func setDefaults() {
        output.removeAll()
        awaitingParameter = nil
        reportingEnabled = false
        remoteMode = false
        scaling2to1 = false
        sampleRate = Self.defaultSampleRate
        resolution = Self.defaultResolution
        discardMovement()
    }
}

/// Adds host movement without overflow; anything past ±2^20 counts is
/// already far beyond what one 9-bit report can carry.
private func clampedSum(_ a: Int, _ b: Int) -> Int {
    let limit = 1 << 20
    return min(max(min(max(a, -limit), limit) + min(max(b, -limit), limit), -limit), limit)
}
