/// The POST diagnostic port 0x80, where BIOSes and kernels write progress
/// codes for a POST card to display. Many chipsets latch the last code so it
/// reads back, and guests also write here merely to delay briefly; both work.
public final class POSTCodePort: ByteIOPortDevice {
    public let port: UInt16
    public let historyLimit: Int
    /// The last code written, nil before the first write.
    public private(set) var lastCode: UInt8?
    /// The most recent codes, oldest first, at most `historyLimit` of them.
    public private(set) var history: [UInt8] = []
    /// When set, every code is also printed as a "POST: xx" line.
    public var echo: CharacterBackend?

    public init(port: UInt16 = 0x80, historyLimit: Int = 256) {
        self.port = port
        self.historyLimit = max(historyLimit, 1)
    }

    public var ports: ClosedRange<UInt16> {
        port...port
    }

    public func ioReadByte(port: UInt16) -> UInt8 {
        guard port == self.port else { return 0xFF }
        return lastCode ?? 0xFF
    }

    public func ioWriteByte(port: UInt16, value: UInt8) {
        guard port == self.port else { return }
        lastCode = value
        if history.count >= historyLimit {
            history.removeFirst(history.count - historyLimit + 1)
        }
        history.append(value)
        if let echo {
            for byte in "POST: \(Self.hex(value))\n".utf8 {
                echo.write(byte)
            }
        }
    }

    private static func hex(_ value: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(value >> 4)], digits[Int(value & 0x0F)]])
    }
}
