/// The Intel 8042 (UPI-42) running the PC/AT and PS/2 keyboard controller
/// firmware: data port 0x60, status and command port 0x64 (IBM PS/2
/// Hardware Interface Technical Reference, "Keyboard/Auxiliary Device
/// Controller": status register, command byte, commands 20h-FFh, input and
/// output ports; IBM PC/AT Technical Reference, "Keyboard Controller").
///
/// The controller answers at once, so the input buffer is never seen full
/// (status bit 1 reads 0). One output buffer holds the byte the host reads
/// next; controller replies go first, then the keyboard's bytes, then the
/// mouse's, each device keeping its own bytes while the buffer is full or
/// its interface is disabled (its clock line held low). IRQ1 is high while
/// the buffer holds a keyboard-side byte and command byte bit 0 is set;
/// IRQ12 likewise for a mouse byte and bit 1.
///
/// Output port bit 0 is the CPU reset line and bit 1 the A20 gate; the board
/// supplies `onReset` and `onA20Change`. The controller itself survives the
/// CPU reset it causes, as the real one does.
public final class KeyboardController8042: ByteIOPortDevice {
    public enum Status {
        public static let outputBufferFull: UInt8 = 0x01
        public static let inputBufferFull: UInt8 = 0x02
        public static let systemFlag: UInt8 = 0x04
        /// Set when the last write was to port 0x64 (the 8042's A2 input).
        public static let command: UInt8 = 0x08
        /// Keyboard lock switch: 1 means not inhibited.
        public static let unlocked: UInt8 = 0x10
        public static let auxiliaryOutputBufferFull: UInt8 = 0x20
        public static let timeout: UInt8 = 0x40
        public static let parityError: UInt8 = 0x80
    }

    public enum CommandByte {
        public static let keyboardInterrupt: UInt8 = 0x01
        public static let mouseInterrupt: UInt8 = 0x02
        public static let systemFlag: UInt8 = 0x04
        public static let keyboardDisabled: UInt8 = 0x10
        public static let mouseDisabled: UInt8 = 0x20
        public static let translate: UInt8 = 0x40
    }

    public enum OutputPort {
        /// Low holds the CPU in reset.
        public static let reset: UInt8 = 0x01
        public static let a20: UInt8 = 0x02
        public static let keyboardOutputFull: UInt8 = 0x10
        public static let mouseOutputFull: UInt8 = 0x20
    }

    private enum Command {
        static let readRAMFirst: UInt8 = 0x20
        static let readRAMLast: UInt8 = 0x3F
        static let writeRAMFirst: UInt8 = 0x60
        static let writeRAMLast: UInt8 = 0x7F
        static let passwordInstalledTest: UInt8 = 0xA4
        static let disableMouse: UInt8 = 0xA7
        static let enableMouse: UInt8 = 0xA8
        static let mouseInterfaceTest: UInt8 = 0xA9
        static let selfTest: UInt8 = 0xAA
        static let keyboardInterfaceTest: UInt8 = 0xAB
        static let disableKeyboard: UInt8 = 0xAD
        static let enableKeyboard: UInt8 = 0xAE
        static let readInputPort: UInt8 = 0xC0
        static let readOutputPort: UInt8 = 0xD0
        static let writeOutputPort: UInt8 = 0xD1
        static let writeKeyboardOutput: UInt8 = 0xD2
        static let writeMouseOutput: UInt8 = 0xD3
        static let writeMouse: UInt8 = 0xD4
        static let disableA20: UInt8 = 0xDD
        static let enableA20: UInt8 = 0xDF
        static let pulseFirst: UInt8 = 0xF0
    }

    private enum Reply {
        static let selfTestPassed: UInt8 = 0x55
        static let interfaceOK: UInt8 = 0x00
        static let noPassword: UInt8 = 0xF1
        static let noDevice: UInt8 = 0xFE
    }

    /// Input port as the controller reads it: keyboard not inhibited (bit 7),
    /// no manufacturing jumper (bit 5), second 256 KB of planar RAM (bit 4),
    /// colour display (bit 6 clear).
    private static let inputPort: UInt8 = 0xB0
    /// Output port bits with no function here (2, 3 unused; 6, 7 keyboard
    /// clock and data lines, idle high) read back as written.
    private static let initialOutputPort: UInt8 = 0xCD
    private static let ramSize = 32

    public let dataPort: UInt16 = 0x60
    public let commandPort: UInt16 = 0x64
    public let keyboard: PS2Device
    public let mouse: PS2Device?
    public let keyboardInterrupt: InterruptLine
    public let mouseInterrupt: InterruptLine
    public var onReset: (() -> Void)?
    public var onA20Change: ((Bool) -> Void)?

    /// RAM byte 0 is the command byte; the rest is scratch the guest may
    /// use through commands 21h-3Fh and 61h-7Fh.
    private var ram = [UInt8](repeating: 0, count: ramSize)
    public private(set) var outputPort: UInt8
    private var outputBuffer: UInt8 = 0
    private var outputFull = false
    private var outputFromMouse = false
    private var lastWriteWasCommand = false
    private var timeout = false
    /// Controller replies and 0xD2/0xD3 bytes waiting for the output buffer;
    /// `true` marks a mouse-side byte.
    private var pendingReplies: [(byte: UInt8, fromMouse: Bool)] = []
    private var awaitingData: UInt8?
    private var translator = ScanCodeTranslator()

    /// - Parameters:
    ///   - commandByte: 0x45 is what a PC BIOS leaves after POST (keyboard
    ///     interrupt, system flag, translation); pass 0 for a cold 8042.
    ///   - a20Enabled: the A20 gate (output port bit 1) at power-on.
    public init(keyboard: PS2Device, mouse: PS2Device?,
                keyboardInterrupt: InterruptLine = InterruptLine(),
                mouseInterrupt: InterruptLine = InterruptLine(),
                commandByte: UInt8 = 0x45, a20Enabled: Bool = false) {
        self.keyboard = keyboard
        self.mouse = mouse
        self.keyboardInterrupt = keyboardInterrupt
        self.mouseInterrupt = mouseInterrupt
        ram[0] = commandByte
        outputPort = Self.initialOutputPort | (a20Enabled ? OutputPort.a20 : 0)
        keyboard.onOutputAvailable = { [unowned self] in service() }
        mouse?.onOutputAvailable = { [unowned self] in service() }
        service()
    }

    public var ports: [UInt16] {
        [dataPort, commandPort]
    }

    public var commandByte: UInt8 {
        ram[0]
    }

    public var a20Enabled: Bool {
        outputPort & OutputPort.a20 != 0
    }

    public var status: UInt8 {
        var value = Status.unlocked | commandByte & CommandByte.systemFlag
        if outputFull { value |= Status.outputBufferFull }
        if outputFull && outputFromMouse { value |= Status.auxiliaryOutputBufferFull }
        if lastWriteWasCommand { value |= Status.command }
        if timeout { value |= Status.timeout }
        return value
    }

    public func ioReadByte(port: UInt16) -> UInt8 {
        switch port {
        case dataPort: return readData()
        case commandPort: return status
        default: return 0xFF
        }
    }

    public func ioWriteByte(port: UInt16, value: UInt8) {
        switch port {
        case dataPort:
            lastWriteWasCommand = false
            writeData(value)
        case commandPort:
            lastWriteWasCommand = true
            awaitingData = nil
            execute(value)
        default:
            return
        }
        service()
    }

    /// Reading the data port empties the output buffer (a read of an empty
    /// buffer returns the last byte again) and lets the next byte in.
    private func readData() -> UInt8 {
        let value = outputBuffer
        outputFull = false
        outputFromMouse = false
        updateInterrupts()
        service()
        return value
    }

    private func writeData(_ value: UInt8) {
        guard let command = awaitingData else {
            // Writing to the keyboard releases its clock line: the
            // interface is enabled again (PS/2 reference, command ADh).
            ram[0] &= ~CommandByte.keyboardDisabled
            timeout = false
            keyboard.receive(value)
            return
        }
        awaitingData = nil
        switch command {
        case Command.writeRAMFirst...Command.writeRAMLast:
            ram[Int(command - Command.writeRAMFirst)] = value
            updateInterrupts()
        case Command.writeOutputPort:
            writeOutputPort(value)
        case Command.writeKeyboardOutput:
            queueReply(value, fromMouse: false)
        case Command.writeMouseOutput:
            queueReply(value, fromMouse: true)
        default:
            writeMouse(value)
        }
    }

    private func writeMouse(_ value: UInt8) {
        guard let mouse else {
            // Nobody clocks the byte out: the transmission times out and
            // the controller reports 0xFE as from the auxiliary port.
            timeout = true
            queueReply(Reply.noDevice, fromMouse: true)
            return
        }
        ram[0] &= ~CommandByte.mouseDisabled
        timeout = false
        mouse.receive(value)
    }

    private func execute(_ command: UInt8) {
        switch command {
        case Command.readRAMFirst...Command.readRAMLast:
            queueReply(ram[Int(command - Command.readRAMFirst)], fromMouse: false)
        case Command.writeRAMFirst...Command.writeRAMLast,
             Command.writeOutputPort, Command.writeKeyboardOutput,
             Command.writeMouseOutput, Command.writeMouse:
            awaitingData = command
        case Command.passwordInstalledTest:
            queueReply(Reply.noPassword, fromMouse: false)
        case Command.disableMouse:
            ram[0] |= CommandByte.mouseDisabled
        case Command.enableMouse:
            ram[0] &= ~CommandByte.mouseDisabled
        case Command.mouseInterfaceTest, Command.keyboardInterfaceTest:
            queueReply(Reply.interfaceOK, fromMouse: false)
        case Command.selfTest:
            ram[0] |= CommandByte.systemFlag
            queueReply(Reply.selfTestPassed, fromMouse: false)
        case Command.disableKeyboard:
            ram[0] |= CommandByte.keyboardDisabled
        case Command.enableKeyboard:
            ram[0] &= ~CommandByte.keyboardDisabled
        case Command.readInputPort:
            queueReply(Self.inputPort, fromMouse: false)
        case Command.readOutputPort:
            queueReply(outputPortReadback, fromMouse: false)
        case Command.disableA20:
            writeOutputPort(outputPort & ~OutputPort.a20)
        case Command.enableA20:
            writeOutputPort(outputPort | OutputPort.a20)
        case Command.pulseFirst...0xFF:
            // Low bits 0-3 clear select output port lines pulsed low for
            // 6 us. Only the reset line acts on so short a pulse; A20
            // returns to its level before the CPU can notice.
            if command & OutputPort.reset == 0 {
                onReset?()
            }
        default:
            // Commands this firmware does not know are ignored.
            return
        }
    }

    /// Output port as command D0h reads it: bits 4 and 5 are the IRQ1 and
    /// IRQ12 outputs, the others the latched value.
    private var outputPortReadback: UInt8 {
        var value = outputPort & ~(OutputPort.keyboardOutputFull | OutputPort.mouseOutputFull)
        if keyboardInterrupt.level { value |= OutputPort.keyboardOutputFull }
        if mouseInterrupt.level { value |= OutputPort.mouseOutputFull }
        return value
    }

    private func writeOutputPort(_ value: UInt8) {
        let wasA20 = a20Enabled
        outputPort = value
        if a20Enabled != wasA20 {
            onA20Change?(a20Enabled)
        }
        if value & OutputPort.reset == 0 {
            // The line stays low only until the CPU comes out of reset and
            // its firmware rewrites the port; the board resets the CPU now.
            outputPort |= OutputPort.reset
            onReset?()
        }
    }

    /// At most a few replies can be outstanding; a guest that issues
    /// commands and never reads loses the surplus as the real firmware
    /// would, which waits instead of queueing.
    private func queueReply(_ byte: UInt8, fromMouse: Bool) {
        guard pendingReplies.count < 4 else { return }
        pendingReplies.append((byte, fromMouse))
    }

    /// Moves the next byte into an empty output buffer.
    private func service() {
        while !outputFull {
            if !pendingReplies.isEmpty {
                let reply = pendingReplies.removeFirst()
                load(reply.byte, fromMouse: reply.fromMouse)
            } else if commandByte & CommandByte.keyboardDisabled == 0, let byte = keyboard.dequeue() {
                if commandByte & CommandByte.translate == 0 {
                    load(byte, fromMouse: false)
                } else if let translated = translator.translate(byte) {
                    load(translated, fromMouse: false)
                }
            } else if commandByte & CommandByte.mouseDisabled == 0, let byte = mouse?.dequeue() {
                load(byte, fromMouse: true)
            } else {
                break
            }
        }
        updateInterrupts()
    }

    private func load(_ byte: UInt8, fromMouse: Bool) {
        outputBuffer = byte
        outputFull = true
        outputFromMouse = fromMouse
    }

    private func updateInterrupts() {
        keyboardInterrupt.set(outputFull && !outputFromMouse
            && commandByte & CommandByte.keyboardInterrupt != 0)
        mouseInterrupt.set(outputFull && outputFromMouse
            && commandByte & CommandByte.mouseInterrupt != 0)
    }
}
