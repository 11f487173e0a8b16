import XCTest
import Devices
import Storage

/// A primary IDE channel on a test-controlled virtual clock, with the port
/// accesses a guest driver makes.
final class IDETestBench {
    var now: UInt64 = 0
    let clock: VirtualClock
    let channel: IDEChannel
    var interruptEdges = 0

    init(master: (VirtualClock) -> IDEDevice?, slave: (VirtualClock) -> IDEDevice? = { _ in nil }) {
        let clock = VirtualClock()
        self.clock = clock
        channel = IDEChannel.primary(master: master(clock), slave: slave(clock))
        clock.source = { [unowned self] in self.now }
        channel.interrupt.onChange = { [unowned self] level in if level { self.interruptEdges += 1 } }
    }

    var irq: Bool { channel.interrupt.level }

    func outb(_ register: UInt16, _ value: UInt8) { channel.ioWrite(port: 0x1F0 + register, size: 1, value: UInt32(value)) }
    func inb(_ register: UInt16) -> UInt8 { UInt8(truncatingIfNeeded: channel.ioRead(port: 0x1F0 + register, size: 1)) }
    func altStatus() -> UInt8 { UInt8(truncatingIfNeeded: channel.ioRead(port: 0x3F6, size: 1)) }
    func control(_ value: UInt8) { channel.ioWrite(port: 0x3F6, size: 1, value: UInt32(value)) }
    func inw() -> UInt16 { UInt16(truncatingIfNeeded: channel.ioRead(port: 0x1F0, size: 2)) }
    func outw(_ value: UInt16) { channel.ioWrite(port: 0x1F0, size: 2, value: UInt32(value)) }

    func advance(_ nanoseconds: UInt64) {
        now += nanoseconds
        clock.fireDue()
    }

    /// Lets virtual time pass until BSY clears; returns the nanoseconds it took.
    @discardableResult
    func waitNotBusy(file: StaticString = #filePath, line: UInt = #line) -> UInt64 {
        let start = now
        for _ in 0..<100_000 where altStatus() & 0x80 != 0 {
            advance(500)
        }
        XCTAssertEqual(altStatus() & 0x80, 0, "still busy", file: file, line: line)
        return now - start
    }

    func command(_ code: UInt8) { outb(7, code) }

    /// Reads `count` bytes of a DRQ block as words.
    func readBytes(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<(count + 1) / 2 {
            let word = inw()
            bytes.append(UInt8(truncatingIfNeeded: word))
            bytes.append(UInt8(truncatingIfNeeded: word >> 8))
        }
        return Array(bytes.prefix(count))
    }

    func writeBytes(_ bytes: [UInt8]) {
        for index in stride(from: 0, to: bytes.count, by: 2) {
            outw(UInt16(bytes[index]) | UInt16(index + 1 < bytes.count ? bytes[index + 1] : 0) << 8)
        }
    }

    /// Selects a device and programs an LBA28 address and count.
    func setLBA28(_ lba: UInt32, count: UInt8, device: UInt8 = 0) {
        outb(6, 0xE0 | device << 4 | UInt8(lba >> 24 & 0x0F))
        outb(2, count)
        outb(3, UInt8(lba & 0xFF))
        outb(4, UInt8(lba >> 8 & 0xFF))
        outb(5, UInt8(lba >> 16 & 0xFF))
    }

    /// Programs an LBA48 address and count, high-order bytes first.
    func setLBA48(_ lba: UInt64, count: UInt16) {
        outb(6, 0x40)
        outb(2, UInt8(count >> 8))
        outb(3, UInt8(lba >> 24 & 0xFF))
        outb(4, UInt8(lba >> 32 & 0xFF))
        outb(5, UInt8(lba >> 40 & 0xFF))
        outb(2, UInt8(count & 0xFF))
        outb(3, UInt8(lba & 0xFF))
        outb(4, UInt8(lba >> 8 & 0xFF))
        outb(5, UInt8(lba >> 16 & 0xFF))
    }
}

/// Sector `lba` of a test pattern: every byte tells which sector it is from.
func patternSector(_ lba: Int, size: Int = 512) -> [UInt8] {
    (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ lba &* 13 &+ lba >> 8) }
}

func patternDevice(blocks: Int, blockSize: Int = 512, readOnly: Bool = false) -> MemoryBlockDevice {
    MemoryBlockDevice(blockSize: blockSize, contents: (0..<blocks).flatMap { patternSector($0, size: blockSize) },
                      readOnly: readOnly)
}

/// A device of any size that reads as the test pattern and refuses writes.
final class PatternDevice: BlockDevice {
    let blockSize = 512
    let blockCount: UInt64
    let isReadOnly = true

    init(blockCount: UInt64) { self.blockCount = blockCount }

    func read(at lba: UInt64, count: Int) throws -> [UInt8] {
        (0..<count).flatMap { patternSector(Int(lba) + $0) }
    }
    func write(at lba: UInt64, _ data: [UInt8]) throws { throw StorageError.readOnly }
    func flush() throws {}
}

/// A device of any size that reads as zeros and refuses writes.
final class ZeroDevice: BlockDevice {
    let blockSize: Int
    let blockCount: UInt64
    let isReadOnly = true

    init(blockCount: UInt64, blockSize: Int = 512) {
        self.blockCount = blockCount
        self.blockSize = blockSize
    }

    func read(at lba: UInt64, count: Int) throws -> [UInt8] { [UInt8](repeating: 0, count: count * blockSize) }
    func write(at lba: UInt64, _ data: [UInt8]) throws { throw StorageError.readOnly }
    func flush() throws {}
}
