/// An interrupt request line (an ISA IRQ wire) from one device to one input of
/// an interrupt controller. The device drives its level; the board connects
/// the line to the controller, so that no device knows another.
///
/// Edge-triggered inputs (8259A in edge mode) see a rising edge when the level
/// goes from low to high.
public final class InterruptLine {
    public private(set) var level = false
    /// Called on each change of level; the board routes it to the controller.
    public var onChange: ((Bool) -> Void)?

    public init() {}

    public func set(_ high: Bool) {
        guard high != level else { return }
        level = high
        onChange?(high)
    }

    public func raise() { set(true) }
    public func lower() { set(false) }
}
