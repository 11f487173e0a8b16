import Devices
import Storage
import XCTest
@testable import Machine

/// No guest can crash the host (README, "Constraints"): random code, and random
/// port traffic aimed at every chip of the board, on a machine with all its
/// devices, an IDE disk and a CD-ROM drive, never traps. Seeds are fixed and
/// printed on failure.
final class MachineRobustnessTests: XCTestCase {
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next() >> 24) }
    }

    func machine(rom: [UInt8]) throws -> Machine {
        var c = MachineConfiguration()
        c.memorySize = 4 << 20
        c.bios = rom
        c.ideDrives[0] = .disk(MemoryBlockDevice(blockCount: 2048))
        c.ideDrives[2] = .cdrom(MemoryBlockDevice(blockSize: 2048, blockCount: 64, readOnly: true))
        return try Machine(configuration: c)
    }

    /// The reset vector jumps to F000:0000, where the code starts.
    static func rom(_ code: [UInt8], filler: inout Random) -> [UInt8] {
        var image = (0..<0x10000).map { _ in filler.byte() }
        image.replaceSubrange(0..<min(code.count, 0xFFF0), with: code.prefix(0xFFF0))
        image.replaceSubrange(0xFFF0..<0xFFF5, with: [0xEA, 0x00, 0x00, 0x00, 0xF0])
        return image
    }

    func testRandomCode() throws {
        var executed: UInt64 = 0
        defer { print("random code: \(executed) instructions over 12 seeds") }
        for seed: UInt64 in 1...12 {
            var random = Random(state: 0x5357_4946_5450_4300 ^ seed &* 0x9E37_79B9)
            let m = try machine(rom: MachineRobustnessTests.rom([], filler: &random))
            let summary = m.run(instructionLimit: 100_000)
            XCTAssertLessThanOrEqual(summary.instructions, 100_000, "seed \(seed)")
            executed += summary.instructions
        }
    }

    /// IN and OUT of every width at the board's ports with random values, with
    /// interrupts enabled through a random IVT (the handlers are random code too).
    func testRandomPortTraffic() throws {
        let ports: [UInt16] = [0x20, 0x21, 0xA0, 0xA1, 0x4D0, 0x4D1, 0x40, 0x41, 0x42, 0x43, 0x61, 0x70, 0x71, 0x60, 0x64,
                               0x3F8, 0x3F9, 0x3FA, 0x3FB, 0x3FC, 0x3FD, 0x2F8, 0x2FA, 0x3E8, 0x2E8, 0x92,
                               0x1F0, 0x1F1, 0x1F2, 0x1F3, 0x1F4, 0x1F5, 0x1F6, 0x1F7, 0x3F6,
                               0x170, 0x171, 0x172, 0x173, 0x174, 0x175, 0x176, 0x177, 0x376,
                               0x3C0, 0x3C1, 0x3C4, 0x3C5, 0x3C7, 0x3C8, 0x3C9, 0x3CE, 0x3CF, 0x3D4, 0x3D5, 0x3DA,
                               0xCF8, 0xCFC, 0xCFD, 0xCFE]
        for seed: UInt64 in 1...8 {
            var random = Random(state: 0x424F_4152_4400_0000 ^ seed &* 0x9E37_79B9)
            var code: [UInt8] = [0xFB]   // sti
            while code.count < 0xF000 {
                let port = ports[Int(random.next() % UInt64(ports.count))]
                code += [0xBA, UInt8(port & 0xFF), UInt8(port >> 8)]                      // mov dx, port
                code += [0x66, 0xB8] + (0..<4).map { _ in random.byte() }                   // mov eax, imm32
                switch random.next() % 6 {
                case 0: code += [0xEE]                // out dx, al
                case 1: code += [0xEF]                // out dx, ax
                case 2: code += [0x66, 0xEF]          // out dx, eax
                case 3: code += [0xEC]                // in al, dx
                case 4: code += [0xED]                // in ax, dx
                default: code += [0x66, 0xED]         // in eax, dx
                }
            }
            code += [0xEB, 0xFE]                      // jmp $
            let m = try machine(rom: MachineRobustnessTests.rom(code, filler: &random))
            let summary = m.run(instructionLimit: 150_000)
            XCTAssertEqual(summary.instructions, 150_000, "seed \(seed): the traffic ran to the limit (resets restart it)")
            _ = m.devices.vga.renderANSI()
            _ = m.devices.vga.renderPNG()
        }
    }
}
