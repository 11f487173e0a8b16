import Devices
import XCTest
@testable import Machine

/// `-display text`: the VGA text screen drawn on a terminal with ANSI colours
/// and its cursor, redrawn only on change; terminal keys typed on the PS/2
/// keyboard, where the guest reads them through the 8042 (set 1 after translation).
final class TerminalDisplayTests: XCTestCase {
    func testScreenAndKeys() throws {
        // mov ax,0xB800; mov ds,ax; mov word [0],0x1F48 ('H', white on blue); sti; hlt
        let (m, _) = try BoardTests.machine([0xB8, 0x00, 0xB8, 0x8E, 0xD8, 0xC7, 0x06, 0x00, 0x00, 0x48, 0x1F, 0xFB, 0xF4])
        XCTAssertEqual(m.run(instructionLimit: 10).instructions, 6)
        let terminal = BufferBackend(input: Array("a".utf8))
        let display = TerminalDisplay(terminal: terminal, vga: m.devices.vga, keyboard: m.devices.keyboard, minimumInterval: .zero)
        display.service()
        let first = terminal.text
        XCTAssertTrue(first.hasPrefix("\u{1B}[2J\u{1B}[H"), "cleared, then drawn from the top")
        XCTAssertTrue(first.contains("\u{1B}[0;97;44mH"), "bright white on blue 'H'")
        XCTAssertTrue(first.contains("\u{1B}[1;2H\u{1B}[?25h") || first.contains("\u{1B}[1;1H\u{1B}[?25h"), "cursor placed and shown")
        // The key went to the keyboard: the 8042 holds its make code, translated to set 1 (0x1E).
        XCTAssertEqual(m.io.read(0x64, size: 1) & 1, 1, "output buffer full")
        XCTAssertEqual(m.io.read(0x60, size: 1), 0x1E, "'a' make code")
        XCTAssertEqual(m.io.read(0x60, size: 1), 0x9E, "'a' break code")
        let before = terminal.output.count
        display.service()
        XCTAssertEqual(terminal.output.count, before, "an unchanged screen is not drawn again")
        display.finish()
        XCTAssertTrue(terminal.text.hasSuffix("\u{1B}[0m\u{1B}[?25h\u{1B}[26;1H\r\n"), "the terminal is left below the screen")
    }
}
