/// The 16-byte receiver FIFO of the PC16550D (datasheet section 8.2, "FIFO
/// Operation"). In 16450-compatible mode the UART limits it to one entry,
/// which then plays the part of the Receiver Buffer Register.
struct UARTReceiveFIFO {
    static let depth = 16

    private var storage = [UInt8](repeating: 0, count: depth)
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool {
        count == 0
    }

    mutating func push(_ byte: UInt8) {
        guard count < Self.depth else { return }
        storage[(head &+ count) & (Self.depth - 1)] = byte
        count += 1
    }

    mutating func pop() -> UInt8? {
        guard count > 0 else { return nil }
        let byte = storage[head]
        head = (head &+ 1) & (Self.depth - 1)
        count -= 1
        return byte
    }

    mutating func removeAll() {
        head = 0
        count = 0
    }
}
