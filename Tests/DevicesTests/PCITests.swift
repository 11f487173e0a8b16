import XCTest
import Devices

/// PCI configuration mechanism #1 (PCI Local Bus Specification 2.1, 3.7.4.1)
/// with the i440FX/PIIX3 functions of the board (the 82441FX and 82371SB
/// datasheets' configuration register descriptions).
final class PCITests: XCTestCase {
    private var space: PCIConfigurationSpace!
    private let hostBridge = I440FXHostBridge()
    private let isaBridge = PIIX3ISABridge()
    private let ide = PIIX3IDE()

    override func setUp() {
        space = PCIConfigurationSpace()
        space.install(hostBridge, device: 0, number: 0)
        space.install(isaBridge, device: 1, number: 0)
        space.install(ide, device: 1, number: 1)
    }

    private static func address(bus: UInt32 = 0, device: UInt32, function: UInt32, register: UInt32, enabled: Bool = true) -> UInt32 {
        (enabled ? 0x8000_0000 : 0) | bus << 16 | device << 11 | function << 8 | register
    }

    private func select(device: UInt32, function: UInt32, register: UInt32) {
        space.ioWrite(port: 0xCF8, size: 4, value: Self.address(device: device, function: function, register: register & 0xFC))
    }

    private func read(device: UInt32, function: UInt32, register: UInt32, size: Int) -> UInt32 {
        select(device: device, function: function, register: register)
        return space.ioRead(port: 0xCFC + UInt16(register & 3), size: size)
    }

    private func write(device: UInt32, function: UInt32, register: UInt32, size: Int, value: UInt32) {
        select(device: device, function: function, register: register)
        space.ioWrite(port: 0xCFC + UInt16(register & 3), size: size, value: value)
    }

    func testConfigAddressAnswersOnlyDwordAccesses() {
        space.ioWrite(port: 0xCF8, size: 4, value: 0xFFFF_FFFF)
        XCTAssertEqual(space.ioRead(port: 0xCF8, size: 4), 0x80FF_FFFC, "reserved bits 30-24 and 1-0 read 0")
        space.ioWrite(port: 0xCF8, size: 4, value: 0x8000_0800)
        XCTAssertEqual(space.configAddress, 0x8000_0800)
        for (port, size) in [(UInt16(0xCF8), 1), (0xCF8, 2), (0xCFA, 1), (0xCFA, 2), (0xCFB, 1)] {
            space.ioWrite(port: port, size: size, value: 0)
            XCTAssertEqual(space.configAddress, 0x8000_0800, "a \(size)-byte write to \(port) is an I/O cycle, not CONFADD")
        }
        XCTAssertEqual(space.ioRead(port: 0xCF8, size: 1), 0xFF)
        XCTAssertEqual(space.ioRead(port: 0xCF8, size: 2), 0x00FF, "0xCF9 (TRC) is 0, 0xCF8 open bus")
        XCTAssertEqual(space.ioRead(port: 0xCFA, size: 2), 0xFFFF)
        XCTAssertEqual(space.ioRead(port: 0xCF8, size: 4), 0x8000_0800)
    }

    /// The identification dwords at 0x00, 0x08 and 0x0C, read as one dword,
    /// as two words and as four bytes.
    func testIdentificationAtEveryWidthAndLane() {
        let table: [(device: UInt32, function: UInt32, id: UInt32, classRevision: UInt32, headerType: UInt32, name: String)] = [
            (0, 0, 0x1237_8086, 0x0600_0002, 0x00, "82441FX host bridge"),
            (1, 0, 0x7000_8086, 0x0601_0000, 0x80, "PIIX3 ISA bridge"),
            (1, 1, 0x7010_8086, 0x0101_8000, 0x00, "PIIX3 IDE"),
        ]
        for entry in table {
            let header = read(device: entry.device, function: entry.function, register: 0x0C, size: 4)
            XCTAssertEqual(header >> 16 & 0xFF, entry.headerType, entry.name)
            for (register, expected) in [(UInt32(0x00), entry.id), (0x08, entry.classRevision), (0x0C, header)] {
                XCTAssertEqual(read(device: entry.device, function: entry.function, register: register, size: 4), expected, entry.name)
                for lane in [UInt32(0), 2] {
                    XCTAssertEqual(read(device: entry.device, function: entry.function, register: register + lane, size: 2),
                                   expected >> (lane * 8) & 0xFFFF, "\(entry.name) word at \(register + lane)")
                }
                for lane in UInt32(0)...3 {
                    XCTAssertEqual(read(device: entry.device, function: entry.function, register: register + lane, size: 1),
                                   expected >> (lane * 8) & 0xFF, "\(entry.name) byte at \(register + lane)")
                }
            }
        }
        XCTAssertEqual(read(device: 1, function: 0, register: 0x0E, size: 1) & 0x80, 0x80, "the PIIX3 is multi-function")
        XCTAssertEqual(read(device: 0, function: 0, register: 0x0E, size: 1) & 0x80, 0, "the 82441FX has one function")
    }

    func testAbsentFunctionsAndOtherBusesReadAllOnes() {
        let absent: [(bus: UInt32, device: UInt32, function: UInt32)] = [
            (0, 0, 1), (0, 0, 7), (0, 1, 2), (0, 1, 7), (0, 2, 0), (0, 31, 7), (1, 0, 0), (255, 1, 1),
        ]
        for slot in absent {
            space.ioWrite(port: 0xCF8, size: 4, value: Self.address(bus: slot.bus, device: slot.device, function: slot.function, register: 0))
            XCTAssertEqual(space.ioRead(port: 0xCFC, size: 4), 0xFFFF_FFFF, "\(slot)")
            XCTAssertEqual(space.ioRead(port: 0xCFE, size: 2), 0xFFFF, "\(slot)")
            XCTAssertEqual(space.ioRead(port: 0xCFD, size: 1), 0xFF, "\(slot)")
            space.ioWrite(port: 0xCFC, size: 4, value: 0)
        }
        for function in [hostBridge, isaBridge, ide] as [PCIFunction] {
            XCTAssertEqual(function.read(0x00, size: 2), 0x8086, "writes to absent functions reach nobody")
        }
    }

    func testEnableBitClearReadsAllOnesAndDropsWrites() {
        space.ioWrite(port: 0xCF8, size: 4, value: Self.address(device: 0, function: 0, register: 0x58, enabled: false))
        XCTAssertEqual(space.ioRead(port: 0xCFC, size: 4), 0xFFFF_FFFF)
        XCTAssertEqual(space.ioRead(port: 0xCFF, size: 1), 0xFF)
        space.ioWrite(port: 0xCFD, size: 1, value: 0x30)
        XCTAssertEqual(hostBridge.read(0x59), 0, "PAM0 untouched")
        space.ioWrite(port: 0xCF8, size: 4, value: Self.address(device: 0, function: 0, register: 0x58))
        space.ioWrite(port: 0xCFD, size: 1, value: 0x30)
        XCTAssertEqual(hostBridge.read(0x59), 0x30, "PAM0 HIENABLE written once enabled")
    }

    /// Writing all ones to a BAR and reading it back gives its size and type
    /// (PCI 2.1, 6.2.5.1): BMIBA decodes 16 I/O bytes; BARs 0-3 are absent in
    /// compatibility mode.
    func testIDEBusMasterBARSizing() {
        XCTAssertEqual(read(device: 1, function: 1, register: 0x20, size: 4), 0x0000_0001, "I/O BAR at power-on")
        write(device: 1, function: 1, register: 0x20, size: 4, value: 0xFFFF_FFFF)
        let sized = read(device: 1, function: 1, register: 0x20, size: 4)
        XCTAssertEqual(sized, 0x0000_FFF1)
        XCTAssertEqual(~(sized & ~3) & 0xFFFF &+ 1, 16, "16 bytes of I/O space")
        write(device: 1, function: 1, register: 0x20, size: 4, value: 0xC00F)
        XCTAssertEqual(read(device: 1, function: 1, register: 0x20, size: 4), 0xC001)
        XCTAssertEqual(ide.busMasterBase, 0xC000)
        write(device: 1, function: 1, register: 0x21, size: 1, value: 0xD0)
        XCTAssertEqual(ide.busMasterBase, 0xD000, "byte write to the BAR's second lane")
        for bar in stride(from: UInt32(0x10), through: 0x1C, by: 4) {
            write(device: 1, function: 1, register: bar, size: 4, value: 0xFFFF_FFFF)
            XCTAssertEqual(read(device: 1, function: 1, register: bar, size: 4), 0, "BAR at \(bar) is hard-wired 0")
        }
    }

    func testReadOnlyRegistersIgnoreWrites() {
        for (device, function) in [(UInt32(0), UInt32(0)), (1, 0), (1, 1)] {
            let before = (0..<4).map { read(device: device, function: function, register: UInt32($0) * 4, size: 4) }
            for register in [UInt32(0x00), 0x08] {
                write(device: device, function: function, register: register, size: 4, value: 0)
                write(device: device, function: function, register: register, size: 4, value: 0xFFFF_FFFF)
            }
            write(device: device, function: function, register: 0x0E, size: 1, value: 0x7F)
            XCTAssertEqual(read(device: device, function: function, register: 0x00, size: 4), before[0])
            XCTAssertEqual(read(device: device, function: function, register: 0x08, size: 4), before[2])
            XCTAssertEqual(read(device: device, function: function, register: 0x0C, size: 4) >> 16, before[3] >> 16)
        }
    }

    /// PCICMD: read-only bits keep their values, writable ones follow.
    func testCommandRegisterMasks() {
        let table: [(device: UInt32, function: UInt32, powerOn: UInt32, allOnes: UInt32)] = [
            (0, 0, 0x0006, 0x0146), (1, 0, 0x0007, 0x000F), (1, 1, 0x0000, 0x0005),
        ]
        for entry in table {
            XCTAssertEqual(read(device: entry.device, function: entry.function, register: 0x04, size: 2), entry.powerOn)
            write(device: entry.device, function: entry.function, register: 0x04, size: 2, value: 0xFFFF)
            XCTAssertEqual(read(device: entry.device, function: entry.function, register: 0x04, size: 2), entry.allOnes)
            write(device: entry.device, function: entry.function, register: 0x04, size: 2, value: 0)
            XCTAssertEqual(read(device: entry.device, function: entry.function, register: 0x04, size: 2), entry.powerOn)
        }
    }

    /// Status error bits clear when written with 1 and ignore 0 (PCI 2.1,
    /// 6.2.3); the capability bits are read-only.
    func testStatusWriteOneToClear() {
        let function = PCIFunction(vendorID: 0x8086, deviceID: 0x1234, revisionID: 0, classCode: 0xFF_0000, headerType: 0)
        function.define(0x06, size: 2, value: 0x3A80, writeOneToClear: 0xF900)
        space.install(function, device: 5, number: 0)
        write(device: 5, function: 0, register: 0x06, size: 2, value: 0x0000)
        XCTAssertEqual(read(device: 5, function: 0, register: 0x06, size: 2), 0x3A80, "writing 0 keeps every bit")
        write(device: 5, function: 0, register: 0x06, size: 2, value: 0x1280)
        XCTAssertEqual(read(device: 5, function: 0, register: 0x06, size: 2), 0x2A80, "bit 12 cleared, DEVSEL and FB2B kept")
        write(device: 5, function: 0, register: 0x04, size: 4, value: 0x0800_0000)
        XCTAssertEqual(read(device: 5, function: 0, register: 0x04, size: 4), 0x2280_0000, "a dword write clears through the upper lanes")
        write(device: 5, function: 0, register: 0x07, size: 1, value: 0xFF)
        XCTAssertEqual(read(device: 5, function: 0, register: 0x06, size: 2), 0x0280)
        for (device, function, status) in [(UInt32(0), UInt32(0), UInt32(0x0280)), (1, 0, 0x0200), (1, 1, 0x0280)] {
            write(device: device, function: function, register: 0x06, size: 2, value: 0xFFFF)
            XCTAssertEqual(read(device: device, function: function, register: 0x06, size: 2), status)
        }
    }

    func testPAMAndSMRAMAreStored() {
        write(device: 0, function: 0, register: 0x58, size: 4, value: 0xFFFF_FFFF)
        XCTAssertEqual(read(device: 0, function: 0, register: 0x58, size: 4), 0x3333_30FF, "PAM0 has only HIENABLE")
        write(device: 0, function: 0, register: 0x5C, size: 4, value: 0x1122_3311)
        XCTAssertEqual((0x59...0x5F).map { hostBridge.read($0) }, [0x30, 0x33, 0x33, 0x11, 0x33, 0x22, 0x11])
        XCTAssertEqual(read(device: 0, function: 0, register: 0x72, size: 1), 0x02, "C_BASE_SEG = 010")
        write(device: 0, function: 0, register: 0x72, size: 1, value: 0x4F)
        XCTAssertEqual(read(device: 0, function: 0, register: 0x72, size: 1), 0x4A, "D_OPEN and G_SMRAME; C_BASE_SEG read-only")
    }

    /// D_LCK clears D_OPEN and freezes D_OPEN, D_LCK and G_SMRAME until reset.
    func testSMRAMLock() {
        write(device: 0, function: 0, register: 0x72, size: 1, value: 0x58)
        XCTAssertEqual(hostBridge.read(0x72), 0x1A, "locking clears D_OPEN")
        write(device: 0, function: 0, register: 0x72, size: 1, value: 0x40)
        XCTAssertEqual(hostBridge.read(0x72), 0x1A, "D_OPEN, D_LCK and G_SMRAME frozen")
        write(device: 0, function: 0, register: 0x70, size: 4, value: 0x0020_1020)
        XCTAssertEqual(hostBridge.read(0x72), 0x3A, "D_CLS stays writable, also through a dword write")
        space.reset()
        XCTAssertEqual(hostBridge.read(0x72), 0x02, "PCIRST# unlocks")
    }

    func testPIIX3IRQRoutingRegisters() {
        XCTAssertEqual(read(device: 1, function: 0, register: 0x60, size: 4), 0x8080_8080, "PIRQA-D disabled at power-on")
        XCTAssertEqual(read(device: 1, function: 0, register: 0x69, size: 1), 0x02, "top of memory")
        XCTAssertEqual((0...3).map { isaBridge.routedIRQ(pirq: $0) }, [nil, nil, nil, nil])
        write(device: 1, function: 0, register: 0x60, size: 4, value: 0x0D_7B_0A_0B)
        XCTAssertEqual(read(device: 1, function: 0, register: 0x60, size: 4), 0x0D_0B_0A_0B, "bits 6-4 reserved")
        XCTAssertEqual((0...3).map { isaBridge.routedIRQ(pirq: $0) }, [11, 10, 11, nil], "IRQ13 is reserved")
        write(device: 1, function: 0, register: 0x61, size: 1, value: 0x82)
        XCTAssertNil(isaBridge.routedIRQ(pirq: 1))
        XCTAssertNil(isaBridge.routedIRQ(pirq: 4))
        XCTAssertNil(isaBridge.routedIRQ(pirq: -1))
    }

    func testIDETimingRegisters() {
        write(device: 1, function: 1, register: 0x40, size: 4, value: 0xFFFF_FFFF)
        XCTAssertEqual(read(device: 1, function: 1, register: 0x40, size: 4), 0xF3FF_F3FF, "IDETIM bits 11-10 reserved")
        write(device: 1, function: 1, register: 0x42, size: 2, value: 0x8000)
        XCTAssertEqual(read(device: 1, function: 1, register: 0x40, size: 4), 0x8000_F3FF)
        write(device: 1, function: 1, register: 0x44, size: 1, value: 0x5A)
        XCTAssertEqual(read(device: 1, function: 1, register: 0x44, size: 1), 0x5A)
        XCTAssertEqual(read(device: 1, function: 1, register: 0x09, size: 1), 0x80, "compatibility mode, bus master")
    }

    /// TRC at 0xCF9: RCPU 0-to-1 resets, SHRE picks hard (chipset registers
    /// back to power-on) or soft.
    func testResetControl() {
        var resets: [PCIConfigurationSpace.ResetKind] = []
        space.onReset = { resets.append($0) }
        write(device: 0, function: 0, register: 0x59, size: 1, value: 0x30)
        space.ioWrite(port: 0xCF9, size: 1, value: 0x02)
        XCTAssertEqual(space.ioRead(port: 0xCF9, size: 1), 0x02)
        XCTAssertEqual(resets, [], "SHRE alone resets nothing")
        space.ioWrite(port: 0xCF9, size: 1, value: 0x0E)
        XCTAssertEqual(resets, [.hard])
        XCTAssertEqual(hostBridge.read(0x59), 0, "PAM0 back to power-on")
        XCTAssertEqual(space.configAddress, 0)
        XCTAssertEqual(space.ioRead(port: 0xCF9, size: 1), 0, "TRC cleared by the hard reset")

        space.ioWrite(port: 0xCF9, size: 1, value: 0x04)
        XCTAssertEqual(resets, [.hard, .soft])
        space.ioWrite(port: 0xCF9, size: 1, value: 0x04)
        XCTAssertEqual(resets, [.hard, .soft], "no 0-to-1 transition of RCPU")
        XCTAssertEqual(space.ioRead(port: 0xCF9, size: 1), 0x04)
        space.ioWrite(port: 0xCF9, size: 1, value: 0x01)
        XCTAssertEqual(space.ioRead(port: 0xCF9, size: 1), 0x01, "deturbo stored")
        space.ioWrite(port: 0xCF8, size: 2, value: 0x0600)
        XCTAssertEqual(resets, [.hard, .soft, .hard], "a word write at 0xCF8 reaches TRC through its second lane")
        space.ioWrite(port: 0xCF9, size: 1, value: 0x02)
        space.ioWrite(port: 0xCF8, size: 4, value: 0x0000_0600)
        XCTAssertEqual(space.ioRead(port: 0xCF9, size: 1), 0x02, "a dword write is CONFADD's alone")
        XCTAssertEqual(resets.count, 3)
    }

    func testRandomAccessesNeverTrap() {
        var random = XorShift64(seed: 0x2545_F491_4F6C_DD1D)
        let sizes = [-1, 0, 1, 2, 3, 4, 8, Int.max]
        var resets = 0
        space.onReset = { _ in resets += 1 }
        for _ in 0..<20_000 {
            let state = random.next()
            let port = 0xCF8 &+ UInt16(truncatingIfNeeded: state & 7)
            let size = sizes[Int((state >> 3) % UInt64(sizes.count))]
            let value = UInt32(truncatingIfNeeded: state >> 32)
            if state & 0x100 != 0 {
                space.ioWrite(port: port, size: size, value: port == 0xCF8 && state & 0x200 != 0 ? (value | 0x8000_0000) & ~0xFF_0000 : value)
            } else {
                _ = space.ioRead(port: port, size: size)
            }
        }
        for (function, vendorDevice) in [(hostBridge, UInt32(0x1237_8086)), (isaBridge, 0x7000_8086), (ide, 0x7010_8086)] as [(PCIFunction, UInt32)] {
            XCTAssertEqual(function.read(0, size: 4), vendorDevice, "IDs survive any write")
        }
        XCTAssertGreaterThan(resets, 0, "TRC was hit")
        XCTAssertEqual(space.configAddress & 0x7F00_0003, 0)
    }
}
