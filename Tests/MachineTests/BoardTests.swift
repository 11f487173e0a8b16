import Devices
import XCTest
import X86
@testable import Machine

/// The board of issue 2: memory map, A20, the I/O bus and its devices, the run loop.
final class BoardTests: XCTestCase {
    /// A 64 KiB ROM whose reset vector jumps to `code` placed at F000:0000.
    static func rom(_ code: [UInt8]) -> [UInt8] {
        var image = [UInt8](repeating: 0xFF, count: 0x10000)
        image.replaceSubrange(0..<code.count, with: code)
        image.replaceSubrange(0xFFF0..<0xFFF5, with: [0xEA, 0x00, 0x00, 0x00, 0xF0]) // jmp F000:0000
        return image
    }

    static func machine(_ code: [UInt8], memory: Int = 4 << 20) throws -> (Machine, BufferBackend) {
        var c = MachineConfiguration()
        c.memorySize = memory
        c.bios = BoardTests.rom(code)
        let console = BufferBackend()
        c.debugConsole = console
        c.serial = console
        return (try Machine(configuration: c), console)
    }

    func testResetVectorAndBIOSMapping() throws {
        let (m, _) = try Self.machine([0xF4])
        XCTAssertEqual(m.cpu.segments[SegmentIndex.cs].base &+ m.cpu.rip, 0xFFFF_FFF0)
        XCTAssertEqual(m.access.readPhysical8(0xFFFF0), 0xEA, "BIOS top below 1 MiB")
        XCTAssertEqual(m.access.readPhysical8(0xFFFF_FFF0), 0xEA, "BIOS alias below 4 GiB")
        XCTAssertEqual(m.access.readPhysical8(0xF0000), 0xF4)
        XCTAssertEqual(m.run(instructionLimit: 100).reason, .halted)
    }

    /// Device time is the instruction count times 2^shift ns: a timer fires at
    /// its instruction, and a halted CPU skips straight to the next timer.
    func testVirtualClockDrivesTimers() throws {
        // 200 NOPs, then HLT with interrupts on (no device interrupts).
        let (m, _) = try Self.machine([UInt8](repeating: 0x90, count: 200) + [0xFB, 0xF4])
        XCTAssertEqual(m.clock.now, 0)
        var firedAt: [(instructions: UInt64, time: UInt64)] = []
        let early = m.clock.makeTimer { firedAt.append((m.cpu.instructionCount, m.clock.now)) }
        let late = m.clock.makeTimer { firedAt.append((m.cpu.instructionCount, m.clock.now)) }
        early.schedule(at: 100 << 3)
        late.schedule(at: 1_000_000)
        let summary = m.run(instructionLimit: 10_000)
        XCTAssertEqual(summary.reason, .halted, "nothing left to wake the CPU")
        let (cli, _) = try Self.machine([0xFA, 0xF4])
        cli.clock.makeTimer {}.schedule(at: 1_000_000)
        XCTAssertEqual(cli.run(instructionLimit: 100).reason, .halted, "HLT with IF = 0 never wakes: no skipping to timers")
        XCTAssertEqual(firedAt.count, 2)
        XCTAssertEqual(firedAt.first?.instructions, 100, "the run ended at the instruction where the timer was due")
        XCTAssertEqual(firedAt.first?.time, 100 << 3)
        XCTAssertEqual(firedAt.last?.instructions, 203, "fired while halted")
        XCTAssertEqual(firedAt.last?.time, 1_000_000, "the halt skipped to the timer")
        XCTAssertEqual(m.cpu.timeStampCounter, 1_000_000 >> 3, "the TSC counted through the halt, one tick per instruction time")
    }

    /// A reset through the chipset (0xCF9 bit 2 with bit 1: hard reset) or the
    /// 8042 (command 0xFE) restarts the CPU at the reset vector; RAM survives.
    func testChipsetAndKeyboardControllerResets() throws {
        for reset: [UInt8] in [[0xBA, 0xF9, 0x0C, 0xB0, 0x06, 0xEE], [0xB0, 0xFE, 0xE6, 0x64, 0x90, 0x90]] {
            // mov ax,0; mov ds,ax; inc byte [0x500]; cmp byte [0x500],2; je done; <reset>; hlt; done: mov al,1; out 0xF4,al
            let code: [UInt8] = [0xB8, 0x00, 0x00, 0x8E, 0xD8, 0xFE, 0x06, 0x00, 0x05, 0x80, 0x3E, 0x00, 0x05, 0x02, 0x74, 0x07]
                + reset + [0xF4, 0xB0, 0x01, 0xE6, 0xF4]
            let (m, _) = try Self.machine(code)
            XCTAssertEqual(m.run(instructionLimit: 1000).reason, .debugExit(3), "reset by \(reset): ran twice, then exited")
        }
    }

    func testHolesAndOpenBus() throws {
        // mov ax,0xA000; mov ds,ax; mov byte [0],0x55; mov al,[0]; out 0xE9,al;
        // mov ax,0x5000 (beyond 4 MiB? no: 0x50000 is RAM) ; hlt
        let code: [UInt8] = [0xB8, 0x00, 0xA0, 0x8E, 0xD8, 0xC6, 0x06, 0x00, 0x00, 0x55, 0xA0, 0x00, 0x00, 0xE6, 0xE9, 0xF4]
        let (m, console) = try Self.machine(code)
        XCTAssertEqual(m.run(instructionLimit: 100).reason, .halted)
        XCTAssertEqual(console.output, [0xFF], "the VGA window is a hole on this board: open bus")
        XCTAssertEqual(m.access.readPhysical8(0x7F_FFFF), 0xFF, "beyond RAM reads all-ones")
        m.access.writePhysical8(0x1000, 0x12)
        XCTAssertEqual(m.access.readPhysical8(0x1000), 0x12)
    }

    func testUnclaimedPortsReadAllOnes() throws {
        // in al,0x62 ; out 0xE9,al ; in ax,dx (dx=0x1234) ; out 0xE9,al ; hlt
        let code: [UInt8] = [0xE4, 0x62, 0xE6, 0xE9, 0xBA, 0x34, 0x12, 0xED, 0xE6, 0xE9, 0xF4]
        let (m, console) = try Self.machine(code)
        _ = m.run(instructionLimit: 100)
        XCTAssertEqual(console.output, [0xFF, 0xFF])
        XCTAssertEqual(m.io.read(0x1234, size: 4), 0xFFFF_FFFF)
        XCTAssertEqual(m.io.read(0x1234, size: 2), 0xFFFF)
    }

    func testA20GateThroughPort92() throws {
        // With A20 off, FFFF:0010 wraps to 0000:0000.
        // mov ax,0xFFFF; mov ds,ax; in al,0x92; and al,0xFD; out 0x92,al;
        // mov byte [0x10],0x77; xor ax,ax; mov es,ax; mov al,[es:0]; out 0xE9,al; hlt
        let code: [UInt8] = [0xB8, 0xFF, 0xFF, 0x8E, 0xD8, 0xE4, 0x92, 0x24, 0xFD, 0xE6, 0x92,
                             0xC6, 0x06, 0x10, 0x00, 0x77, 0x31, 0xC0, 0x8E, 0xC0, 0x26, 0xA0, 0x00, 0x00,
                             0xE6, 0xE9, 0xF4]
        let (m, console) = try Self.machine(code)
        _ = m.run(instructionLimit: 100)
        XCTAssertEqual(console.output, [0x77])
        XCTAssertEqual(m.access.readPhysical8(0x100000), 0x00, "the store went to 0, not to 1 MiB")
        XCTAssertFalse(m.systemControl.a20Enabled)
    }

    func testDebugExitEndsTheRunWithItsStatus() throws {
        // mov al,0x21; out 0xE9,al; mov al,3; out 0xF4,al; jmp $
        let (m, console) = try Self.machine([0xB0, 0x21, 0xE6, 0xE9, 0xB0, 0x03, 0xE6, 0xF4, 0xEB, 0xFE])
        let summary = m.run(instructionLimit: 1000)
        XCTAssertEqual(summary.reason, .debugExit(7))
        XCTAssertEqual(summary.instructions, 5, "the reset jump and four more")
        XCTAssertEqual(console.text, "!")
    }

    func testPOSTCodesAndSerialTransmit() throws {
        // mov al,0x42; out 0x80,al; mov dx,0x3FD; in al,dx (LSR); mov dx,0x3F8; mov al,'S'; out dx,al; hlt
        let code: [UInt8] = [0xB0, 0x42, 0xE6, 0x80, 0xBA, 0xFD, 0x03, 0xEC, 0xBA, 0xF8, 0x03, 0xB0, 0x53, 0xEE, 0xF4]
        let (m, console) = try Self.machine(code)
        _ = m.run(instructionLimit: 100)
        XCTAssertEqual(m.postCodes.lastCode, 0x42)
        XCTAssertEqual(m.cpu.get8(Reg.eax), 0x53)
        XCTAssertEqual(console.text, "S")
    }

    func testInstructionLimitAndTripleFault() throws {
        let (loop, _) = try Self.machine([0xEB, 0xFE])
        let s = loop.run(instructionLimit: 12345)
        XCTAssertEqual(s.reason, .instructionLimit)
        XCTAssertEqual(s.instructions, 12345)
        // lidt [limit 0]; int 0x21 -> #GP -> #DF -> shutdown
        var code: [UInt8] = [0x2E, 0x0F, 0x01, 0x1E, 0x10, 0x00, 0xCD, 0x21, 0xF4]
        code += [UInt8](repeating: 0x90, count: 0x10 - code.count) + [0, 0, 0, 0, 0, 0]
        let (m, _) = try Self.machine(code)
        XCTAssertEqual(m.run(instructionLimit: 100).reason, .shutdown)
    }

    func testConfigurationErrors() {
        var c = MachineConfiguration()
        c.memorySize = 1 << 20
        XCTAssertThrowsError(try Machine(configuration: c)) { XCTAssertTrue("\($0)".contains("memory size")) }
        c.memorySize = 16 << 20
        c.bios = []
        XCTAssertThrowsError(try Machine(configuration: c)) { XCTAssertTrue("\($0)".contains("BIOS image")) }
    }

}
