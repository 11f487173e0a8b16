/// One Intel 8259A Programmable Interrupt Controller (Intel 8259A datasheet,
/// "Programming the 8259A": the initialization command words ICW1-ICW4 and
/// the operation command words OCW1-OCW3; "Interrupt Sequence" for the
/// acknowledge; "Edge and Level Triggered Modes").
///
/// The chip is not a port device by itself: `InterruptControllerPair` decodes
/// the PC/AT addresses and passes the A0 address line. Inputs are pin levels
/// set with `setInput`; `int` is the INT output pin.
///
/// Edge-triggered inputs latch a request on a rising edge and keep it when the
/// line falls again, so a short pulse on the line requests an interrupt; a
/// level-triggered request lasts only as long as its input is high. The
/// acknowledge cycle always produces an 8086-mode vector (ICW2 T7-T3 plus the
/// level): the MCS-80/85 CALL sequence has no meaning on an x86 bus, so ICW4
/// uPM is stored but changes nothing. BUF and the buffered M/S bit are stored
/// only: the master or slave role comes from the SP/EN pin, `isMaster`.
public final class PIC8259 {
    /// What the chip does in the first INTA cycle.
    public enum Acknowledge: Equatable {
        /// The chip drives the vector itself.
        case vector(UInt8)
        /// A master hands the cycle to the slave on this input (cascade address).
        case cascade(Int)
    }

    private enum ICW1 {
        static let ic4: UInt8 = 0x01
        static let single: UInt8 = 0x02
        static let levelTriggered: UInt8 = 0x08
        static let select: UInt8 = 0x10
    }

    private enum ICW4 {
        static let autoEOI: UInt8 = 0x02
        static let specialFullyNested: UInt8 = 0x10
    }

    private enum OCW3 {
        static let select: UInt8 = 0x08
        static let readISR: UInt8 = 0x01
        static let readRegister: UInt8 = 0x02
        static let poll: UInt8 = 0x04
        static let specialMask: UInt8 = 0x20
        static let enableSpecialMask: UInt8 = 0x40
    }

    /// Which initialization command word the next A0=1 write is.
    private enum InitStep {
        case ready, icw2, icw3, icw4
    }

    /// The SP/EN pin: high makes the chip the master of a cascade.
    public let isMaster: Bool
    /// INT output pin.
    public private(set) var int = false
    /// Called when INT changes.
    public var onINTChange: ((Bool) -> Void)?

    public private(set) var irr: UInt8 = 0
    public private(set) var isr: UInt8 = 0
    public private(set) var imr: UInt8 = 0
    /// Per-input level triggering from the board's edge/level control register;
    /// ICW1 LTIM makes every input level-triggered regardless.
    public var elcr: UInt8 = 0 {
        didSet { refreshLevelRequests(); update() }
    }

    /// ICW2 T7-T3.
    public private(set) var vectorBase: UInt8 = 0
    /// ICW3: on a master the inputs that have a slave, on a slave its ID.
    public private(set) var cascadeConfiguration: UInt8 = 0
    public private(set) var autoEOI = false
    public private(set) var specialMaskMode = false
    /// The input with the lowest priority; the next one up has the highest.
    public private(set) var lowestPriority = 7

    private var icw1: UInt8 = 0
    private var icw4: UInt8 = 0
    private var initStep = InitStep.ready
    private var rotateInAutoEOI = false
    private var readISR = false
    private var pollPending = false
    private var inputs: UInt8 = 0

    public init(isMaster: Bool) {
        self.isMaster = isMaster
    }

    /// Inputs treated as level-triggered.
    public var levelTriggered: UInt8 {
        icw1 & ICW1.levelTriggered != 0 ? 0xFF : elcr
    }

    /// ICW1 SNGL: no cascade.
    public var singleMode: Bool { icw1 & ICW1.single != 0 }

    // MARK: Pins

    /// Drives input IR`ir` (0-7); other numbers are ignored.
    public func setInput(_ ir: Int, level: Bool) {
        guard (0..<8).contains(ir) else { return }
        let bit = UInt8(1) << UInt8(ir)
        let wasHigh = inputs & bit != 0
        if level {
            inputs |= bit
            if levelTriggered & bit != 0 || !wasHigh { irr |= bit }
        } else {
            inputs &= ~bit
            if levelTriggered & bit != 0 { irr &= ~bit }
        }
        update()
    }

    /// The first INTA pulse (and the second, which ends an AEOI). With no
    /// unmasked request left of higher priority than those in service, the
    /// chip answers with IR7's vector and sets no ISR bit ("Interrupt
    /// Sequence": a request too short to last until the acknowledge).
    public func acknowledge() -> Acknowledge {
        guard let ir = highestRequest() else {
            return .vector(vectorBase | 7)
        }
        accept(ir)
        update()
        if isMaster && !singleMode && cascadeConfiguration & (1 << UInt8(ir)) != 0 {
            return .cascade(ir)
        }
        return .vector(vectorBase | UInt8(ir))
    }

    /// Whether this slave answers the cascade address `id` (ICW3 ID2-ID0).
    public func respondsToCascade(_ id: Int) -> Bool {
        !isMaster && Int(cascadeConfiguration & 7) == id
    }

    // MARK: Registers

    /// A read with address line A0.
    public func read(a0: Bool) -> UInt8 {
        if a0 { return imr }
        if pollPending {
            pollPending = false
            return pollWord()
        }
        return readISR ? isr : irr
    }

    /// A write with address line A0.
    public func write(a0: Bool, value: UInt8) {
        if !a0 {
            if value & ICW1.select != 0 {
                initialize(icw1: value)
            } else if value & OCW3.select != 0 {
                operationCommand3(value)
            } else {
                operationCommand2(value)
            }
            return
        }
        switch initStep {
        case .icw2:
            vectorBase = value & 0xF8
            initStep = singleMode ? nextStepAfterICW3() : .icw3
        case .icw3:
            cascadeConfiguration = value
            initStep = nextStepAfterICW3()
        case .icw4:
            icw4 = value
            autoEOI = value & ICW4.autoEOI != 0
            initStep = .ready
        case .ready:
            imr = value
        }
        update()
    }

    private func nextStepAfterICW3() -> InitStep {
        icw1 & ICW1.ic4 != 0 ? .icw4 : .ready
    }

    /// The reset ICW1 performs ("Initialization Command Words", steps a-f).
    /// ISR and the rotation mode are cleared as well, so a re-initialised
    /// chip starts from nothing in service.
    private func initialize(icw1 value: UInt8) {
        icw1 = value
        initStep = .icw2
        imr = 0
        isr = 0
        lowestPriority = 7
        cascadeConfiguration = 7
        specialMaskMode = false
        readISR = false
        pollPending = false
        rotateInAutoEOI = false
        if value & ICW1.ic4 == 0 {
            icw4 = 0
            autoEOI = false
        }
        // The edge-sense latches are reset: an edge input must go low and
        // high again; a level input requests for as long as it is high.
        irr = inputs & levelTriggered
        update()
    }

    /// OCW2: the R, SL and EOI bits select the command, L2-L0 the level.
    private func operationCommand2(_ value: UInt8) {
        let level = Int(value & 7)
        switch value >> 5 {
        case 0b001:
            if let ir = highestInService() { isr &= ~(1 << UInt8(ir)) }
        case 0b011:
            isr &= ~(1 << UInt8(level))
        case 0b101:
            if let ir = highestInService() {
                isr &= ~(1 << UInt8(ir))
                lowestPriority = ir
            }
        case 0b100:
            rotateInAutoEOI = true
        case 0b000:
            rotateInAutoEOI = false
        case 0b111:
            isr &= ~(1 << UInt8(level))
            lowestPriority = level
        case 0b110:
            lowestPriority = level
        default:
            break
        }
        update()
    }

    private func operationCommand3(_ value: UInt8) {
        if value & OCW3.enableSpecialMask != 0 {
            specialMaskMode = value & OCW3.specialMask != 0
        }
        if value & OCW3.readRegister != 0 {
            readISR = value & OCW3.readISR != 0
        }
        pollPending = value & OCW3.poll != 0
        update()
    }

    /// The poll word: I (bit 7) and W2-W0; reading it acknowledges the request
    /// ("The Poll Command"). With no request the word is 0.
    private func pollWord() -> UInt8 {
        guard let ir = highestRequest() else { return 0 }
        accept(ir)
        update()
        return 0x80 | UInt8(ir)
    }

    // MARK: Priority resolution

    /// Input numbers from the highest priority to the lowest.
    private func priorityOrder() -> [Int] {
        (1...8).map { (lowestPriority &+ $0) & 7 }
    }

    /// ISR bits that block requests of lower priority: in special mask mode a
    /// masked level does not ("Special Mask Mode").
    private var blockingInService: UInt8 {
        specialMaskMode ? isr & ~imr : isr
    }

    private var specialFullyNested: Bool {
        isMaster && icw4 & ICW4.specialFullyNested != 0
    }

    /// The unmasked request of higher priority than everything in service.
    private func highestRequest() -> Int? {
        let pending = irr & ~imr
        let blocking = blockingInService
        for ir in priorityOrder() {
            let bit = UInt8(1) << UInt8(ir)
            if blocking & bit != 0 {
                // Special fully nested mode lets a slave interrupt its own
                // in-service level again (a higher request on the slave).
                let reentrant = specialFullyNested && cascadeConfiguration & bit != 0
                return reentrant && pending & bit != 0 ? ir : nil
            }
            if pending & bit != 0 { return ir }
        }
        return nil
    }

    /// The level a non-specific EOI clears; in special mask mode a masked
    /// level is not cleared ("End of Interrupt").
    private func highestInService() -> Int? {
        let candidates = blockingInService
        return priorityOrder().first { candidates & (1 << UInt8($0)) != 0 }
    }

    private func accept(_ ir: Int) {
        let bit = UInt8(1) << UInt8(ir)
        irr &= ~bit
        if levelTriggered & inputs & bit != 0 { irr |= bit }
        if autoEOI {
            if rotateInAutoEOI { lowestPriority = ir }
        } else {
            isr |= bit
        }
    }

    private func refreshLevelRequests() {
        let level = levelTriggered
        irr = (irr & ~level) | (inputs & level)
    }

    private func update() {
        let high = highestRequest() != nil
        guard high != int else { return }
        int = high
        onINTChange?(high)
    }
}
