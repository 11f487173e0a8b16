/// In-memory character backend for tests and for capturing guest output:
/// written bytes accumulate in `output` and queued input is handed out in
/// order.
public final class BufferBackend: CharacterBackend {
    public private(set) var output: [UInt8] = []
    private var input: [UInt8] = []
    private var inputIndex = 0

    public init(input: [UInt8] = []) {
        self.input = input
    }

    /// The output decoded as UTF-8, invalid sequences replaced.
    public var text: String {
        String(decoding: output, as: UTF8.self)
    }

    /// Input bytes queued and not yet read.
    public var pendingInputCount: Int {
        input.count - inputIndex
    }

    public func queueInput(_ bytes: [UInt8]) {
        input.removeFirst(inputIndex)
        inputIndex = 0
        input.append(contentsOf: bytes)
    }

    public func queueInput(_ string: String) {
        queueInput(Array(string.utf8))
    }

    public func write(_ byte: UInt8) {
        output.append(byte)
    }

    public func readByte() -> UInt8? {
        guard inputIndex < input.count else { return nil }
        let byte = input[inputIndex]
        inputIndex += 1
        return byte
    }

    public func flush() {}
}
