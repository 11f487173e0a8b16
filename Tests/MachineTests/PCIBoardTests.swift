import Devices
import XCTest
import X86
@testable import Machine

/// The board's PCI configuration space, seen through the I/O bus and by a
/// guest's IN/OUT instructions.
final class PCIBoardTests: XCTestCase {
    private func machine(_ code: [UInt8]) throws -> Machine {
        var c = MachineConfiguration()
        c.memorySize = 4 << 20
        c.bios = BoardTests.rom(code)
        c.debugConsole = BufferBackend()
        c.serial = BufferBackend()
        return try Machine(configuration: c)
    }

    func testFunctionsThroughTheIOBus() throws {
        let m = try machine([0xF4])
        let table: [(address: UInt32, value: UInt32, name: String)] = [
            (0x8000_0000, 0x1237_8086, "00:00.0 82441FX"),
            (0x8000_0008, 0x0600_0002, "00:00.0 host bridge class, revision 02"),
            (0x8000_0800, 0x7000_8086, "00:01.0 PIIX3 ISA bridge"),
            (0x8000_080C, 0x0080_0000, "00:01.0 multi-function header"),
            (0x8000_0900, 0x7010_8086, "00:01.1 PIIX3 IDE"),
            (0x8000_0908, 0x0101_8000, "00:01.1 IDE, compatibility mode"),
            (0x8000_1000, 0xFFFF_FFFF, "00:02.0 empty"),
            (0x0000_0000, 0xFFFF_FFFF, "enable bit clear"),
        ]
        for entry in table {
            m.io.write(0xCF8, size: 4, value: entry.address)
            XCTAssertEqual(m.io.read(0xCF8, size: 4), entry.address, entry.name)
            XCTAssertEqual(m.io.read(0xCFC, size: 4), entry.value, entry.name)
        }
        XCTAssertTrue(m.devices.pci.function(device: 1, number: 1) === m.devices.ideFunction)
    }

    /// A guest reads 00:00.0's vendor and device IDs with OUT/IN EAX and
    /// stores them at 0x500.
    func testGuestReadsTheHostBridgeID() throws {
        let m = try machine([
            0x66, 0xB8, 0x00, 0x00, 0x00, 0x80, // mov eax, 0x80000000
            0xBA, 0xF8, 0x0C,                   // mov dx, 0xCF8
            0x66, 0xEF,                         // out dx, eax
            0xB2, 0xFC,                         // mov dl, 0xFC
            0x66, 0xED,                         // in eax, dx
            0x66, 0xA3, 0x00, 0x05,             // mov [0x500], eax
            0xB2, 0xFE,                         // mov dl, 0xFE
            0xED,                               // in ax, dx
            0xA3, 0x04, 0x05,                   // mov [0x504], ax
            0xF4,                               // hlt
        ])
        XCTAssertEqual(m.run(instructionLimit: 100).reason, .halted)
        let id = (0..<4).map { UInt32(m.access.readPhysical8(0x500 + UInt32($0))) << (8 * UInt32($0)) }.reduce(0, |)
        XCTAssertEqual(id, 0x1237_8086)
        XCTAssertEqual(UInt16(m.access.readPhysical8(0x504)) | UInt16(m.access.readPhysical8(0x505)) << 8, 0x1237,
                       "a word IN at 0xCFE reads the upper half")
    }
}
