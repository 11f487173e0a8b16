/// The 256-word IDENTIFY DEVICE and IDENTIFY PACKET DEVICE responses
/// (ATA/ATAPI-6, T13/1410D, clause 8, the IDENTIFY DEVICE and IDENTIFY
/// PACKET DEVICE data tables).
struct IdentifyData {
    var words = [UInt16](repeating: 0, count: 256)

    /// ATA strings hold two characters per word, the first in the high byte,
    /// padded with spaces.
    mutating func setString(_ text: String, at first: Int, words count: Int) {
        var bytes = Array(text.utf8.prefix(count * 2).map { $0 >= 0x20 && $0 < 0x7F ? $0 : UInt8(ascii: " ") })
        bytes += Array(repeating: UInt8(ascii: " "), count: count * 2 - bytes.count)
        for index in 0..<count {
            words[first + index] = UInt16(bytes[2 * index]) << 8 | UInt16(bytes[2 * index + 1])
        }
    }

    mutating func setDoubleWord(_ value: UInt32, at index: Int) {
        words[index] = UInt16(truncatingIfNeeded: value)
        words[index + 1] = UInt16(truncatingIfNeeded: value >> 16)
    }

    /// Word 255: signature A5h and a checksum byte that makes the 512 bytes
    /// sum to zero modulo 256 (word 255, "Integrity word").
    func bytesWithChecksum() -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(512)
        var copy = words
        copy[255] = 0x00A5
        for word in copy[0..<255] {
            result.append(UInt8(truncatingIfNeeded: word))
            result.append(UInt8(truncatingIfNeeded: word >> 8))
        }
        result.append(0xA5)
        let sum = result.reduce(UInt8(0)) { $0 &+ $1 }
        result.append(0 &- sum)
        return result
    }
}

extension ATADisk {
    func identifyData() -> [UInt8] {
        var id = IdentifyData()
        let total = sectorCountTotal
        id.words[0] = 0x0040
        id.words[1] = UInt16(defaultCylinders)
        id.words[3] = UInt16(Self.defaultHeads)
        id.words[6] = UInt16(Self.defaultSectorsPerTrack)
        id.setString(serialNumber, at: 10, words: 10)
        id.setString(firmwareRevision, at: 23, words: 4)
        id.setString(model, at: 27, words: 20)
        id.words[47] = 0x8000 | UInt16(Self.maxMultiple)
        // LBA supported, IORDY supported (required for PIO modes 3 and 4).
        id.words[49] = 0x0A00
        id.words[50] = 0x4000
        id.words[51] = 0x0200
        id.words[53] = 0x0002
        let cylinders = logicalCylinders
        if cylinders > 0 {
            id.words[53] |= 0x0001
            id.words[54] = UInt16(cylinders)
            id.words[55] = UInt16(logicalHeads)
            id.words[56] = UInt16(logicalSectorsPerTrack)
            id.setDoubleWord(UInt32(cylinders * logicalHeads * logicalSectorsPerTrack), at: 57)
        }
        id.words[59] = multipleCount > 0 ? 0x0100 | UInt16(multipleCount) : 0
        id.setDoubleWord(UInt32(min(total, 0x0FFF_FFFF)), at: 60)
        id.words[64] = 0x0003
        id.words[65...68] = [120, 120, 120, 120]
        id.words[80] = 0x007E
        // Supported: write cache (82.5); FLUSH CACHE EXT, FLUSH CACHE and the
        // 48-bit address feature set (83.13, 83.12, 83.10).
        id.words[82] = 0x0020
        id.words[83] = 0x7400
        id.words[84] = 0x4000
        id.words[85] = writeCacheEnabled ? 0x0020 : 0
        id.words[86] = 0x3400
        id.words[87] = 0x4000
        let lba48 = min(total, 0x0000_FFFF_FFFF_FFFF)
        for index in 0..<4 {
            id.words[100 + index] = UInt16(truncatingIfNeeded: lba48 >> UInt64(16 * index))
        }
        return id.bytesWithChecksum()
    }
}
