/// A device on a PS/2 port (keyboard or auxiliary/mouse port) as seen by the
/// keyboard controller: a byte-serial link in both directions (IBM PS/2
/// Hardware Interface Technical Reference, "Keyboard/Auxiliary Device
/// Controller", device interface).
///
/// The device keeps the bytes it wants to send until the controller takes
/// them; the controller takes one only when its output buffer is empty and
/// the port's clock line is not inhibited, which is how the real device
/// waits while the host holds its clock low.
public protocol PS2Device: AnyObject {
    /// A byte from the host (a command or a command's parameter).
    func receive(_ byte: UInt8)
    /// The next byte the device sends, if any.
    func dequeue() -> UInt8?
    /// Called when the device has queued bytes; the controller sets it.
    var onOutputAvailable: (() -> Void)? { get set }
}

/// The bounded transmit queue of a PS/2 device.
struct PS2OutputQueue {
    let capacity: Int
    private var bytes: [UInt8] = []

    init(capacity: Int) {
        self.capacity = capacity
    }

    var count: Int {
        bytes.count
    }

    var last: UInt8? {
        bytes.last
    }

    /// Appends all of `sequence` or, if it does not fit, none of it: a
    /// device never sends half a packet or half a multi-byte code.
    @discardableResult
    mutating func append(_ sequence: [UInt8]) -> Bool {
        guard bytes.count + sequence.count <= capacity else { return false }
        bytes.append(contentsOf: sequence)
        return true
    }

    mutating func popFirst() -> UInt8? {
        bytes.isEmpty ? nil : bytes.removeFirst()
    }

    mutating func removeAll() {
        bytes.removeAll()
    }
}
