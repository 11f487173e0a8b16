/// A minimal PNG writer (W3C PNG Specification, second edition): one IHDR
/// for 8-bit truecolour, the image in one IDAT as a zlib stream (RFC 1950)
/// of stored deflate blocks (RFC 1951 section 3.2.4), and IEND. Stored
/// blocks keep the writer small and exact; a screenshot is under 1 MiB.
public enum PNGEncoder {
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The largest payload of one stored deflate block.
    static let maximumStoredBlock = 65_535

    /// Encodes `rgb` (`width * height` pixels of red, green, blue bytes,
    /// rows top to bottom) as a PNG file.
    public static func encode(width: Int, height: Int, rgb: [UInt8]) -> [UInt8] {
        precondition(width > 0 && height > 0 && rgb.count == width * height * 3,
                     "PNG pixel data must match its dimensions")
        var header: [UInt8] = []
        appendBigEndian(&header, UInt32(width))
        appendBigEndian(&header, UInt32(height))
        header += [8, 2, 0, 0, 0]  // 8 bits per sample, truecolour, deflate, adaptive filters, no interlace
        let rowBytes = width * 3
        var scanlines: [UInt8] = []
        scanlines.reserveCapacity(height * (rowBytes + 1))
        for y in 0..<height {
            scanlines.append(0)  // filter type None
            scanlines += rgb[(y * rowBytes)..<((y + 1) * rowBytes)]
        }
        var file = signature
        appendChunk(&file, type: "IHDR", data: header)
        appendChunk(&file, type: "IDAT", data: zlibStored(scanlines))
        appendChunk(&file, type: "IEND", data: [])
        return file
    }

    /// A zlib stream holding `data` in stored blocks: header 0x78 0x01
    /// (deflate, 32 KiB window, check bits making it a multiple of 31),
    /// the blocks, and the Adler-32 of the data.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var stream: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(maximumStoredBlock, data.count - offset)
            let final = offset + length == data.count
            stream.append(final ? 1 : 0)  // BFINAL, BTYPE 00; the rest of the byte pads to the boundary
            let len = UInt16(length)
            stream += [UInt8(len & 0xFF), UInt8(len >> 8), UInt8(~len & 0xFF), UInt8(~len >> 8)]
            stream += data[offset..<(offset + length)]
            offset += length
        } while offset < data.count
        appendBigEndian(&stream, adler32(data))
        return stream
    }

    private static func appendChunk(_ file: inout [UInt8], type: String, data: [UInt8]) {
        appendBigEndian(&file, UInt32(data.count))
        let typed = Array(type.utf8) + data
        file += typed
        appendBigEndian(&file, crc32(typed))
    }

    private static func appendBigEndian(_ bytes: inout [UInt8], _ value: UInt32) {
        bytes += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    /// CRC-32 with the reflected polynomial 0xEDB88320 (PNG specification, annex D).
    public static func crc32<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return ~crc
    }

    private static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 {
            value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1
        }
        return value
    }

    /// Adler-32 (RFC 1950 section 8.2): two sums modulo 65521.
    public static func adler32<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        let modulus: UInt32 = 65_521
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % modulus
            b = (b + a) % modulus
        }
        return b << 16 | a
    }
}
