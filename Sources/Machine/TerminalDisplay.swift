import Devices
import Foundation

/// The VGA text screen on the host terminal, with the terminal's keys typed on
/// the PS/2 keyboard (`-display text`), in the manner of QEMU's curses display.
///
/// The screen is redrawn when what it shows changed, at most every
/// `minimumInterval` nanoseconds of host time, with ANSI colours and the
/// terminal's cursor placed (and shown or hidden) like the VGA's. Keys are
/// decoded from the terminal's bytes (`TerminalKeyDecoder`) into make and
/// break codes; the backend's own escape (Ctrl-A X) still quits.
public final class TerminalDisplay {
    let terminal: CharacterBackend
    let vga: VGA
    let keyboard: PS2Keyboard
    private var decoder = TerminalKeyDecoder()
    private var shown: String?
    private var lastRefresh: ContinuousClock.Instant?
    let minimumInterval: Duration

    public init(terminal: CharacterBackend, vga: VGA, keyboard: PS2Keyboard, minimumInterval: Duration = .milliseconds(40)) {
        self.terminal = terminal
        self.vga = vga
        self.keyboard = keyboard
        self.minimumInterval = minimumInterval
    }

    /// Takes waiting keys and redraws if the interval has passed; the board
    /// calls it between CPU runs.
    public func service() {
        var bytes: [UInt8] = []
        while bytes.count < 64, let b = terminal.readByte() { bytes.append(b) }
        let events = bytes.isEmpty ? decoder.flush() : decoder.decode(bytes)
        for event in events {
            switch event {
            case .press(let key): keyboard.press(key)
            case .release(let key): keyboard.release(key)
            }
        }
        let now = ContinuousClock.now
        if let last = lastRefresh, now - last < minimumInterval { return }
        lastRefresh = now
        refresh()
    }

    /// Draws the screen now if it differs from what the terminal shows.
    public func refresh() {
        let cursor = vga.cursor
        var frame = "\u{1B}[H" + vga.renderANSI().replacingOccurrences(of: "\n", with: "\r\n")
        frame += "\u{1B}[\(cursor.row + 1);\(cursor.column + 1)H" + (cursor.enabled ? "\u{1B}[?25h" : "\u{1B}[?25l")
        guard frame != shown else { return }
        let output = shown == nil ? "\u{1B}[2J" + frame : frame
        shown = frame
        for b in output.utf8 { terminal.write(b) }
        terminal.flush()
    }

    /// Leaves the terminal below the screen with its cursor shown and colours reset.
    public func finish() {
        guard shown != nil else { return }
        for b in "\u{1B}[0m\u{1B}[?25h\u{1B}[\(vga.rows + 1);1H\r\n".utf8 { terminal.write(b) }
        terminal.flush()
    }
}
