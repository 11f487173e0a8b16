/// EFLAGS (SDM Vol. 1 §3.4.3) with the six status flags computed lazily: the last
/// arithmetic instruction leaves its operands, result and kind here, and a flag is
/// derived only when something reads it.
public struct LazyFlags {
    /// The kinds of flag-producing operation kept lazily. Everything else
    /// computes its status flags eagerly into `bits` and sets `.none`.
    public enum Operation: UInt8 { case none, add, adc, sub, sbb, logic, inc, dec }

    public static let cf: UInt32 = 1 << 0, pf: UInt32 = 1 << 2, af: UInt32 = 1 << 4
    public static let zf: UInt32 = 1 << 6, sf: UInt32 = 1 << 7, tf: UInt32 = 1 << 8
    public static let intf: UInt32 = 1 << 9, df: UInt32 = 1 << 10, of: UInt32 = 1 << 11
    public static let iopl: UInt32 = 3 << 12, nt: UInt32 = 1 << 14, rf: UInt32 = 1 << 16
    public static let vm: UInt32 = 1 << 17, ac: UInt32 = 1 << 18, id: UInt32 = 1 << 21
    public static let status: UInt32 = cf | pf | af | zf | sf | of

    /// All EFLAGS bits; the status bits are valid only while `operation == .none`.
    @usableFromInline var bits: UInt32 = 2
    @usableFromInline var operation: Operation = .none
    /// Operands and result, each already truncated to the operation size.
    @usableFromInline var result: UInt32 = 0
    @usableFromInline var destination: UInt32 = 0
    @usableFromInline var source: UInt32 = 0
    /// The sign bit of the operation size (0x80, 0x8000 or 0x8000_0000).
    @usableFromInline var signBit: UInt32 = 0x80
    /// Carry into ADC/SBB, or the preserved CF of INC/DEC.
    @usableFromInline var carry: UInt32 = 0

    public init() {}

    @inline(__always) public mutating func set(_ op: Operation, result: UInt32, destination: UInt32, source: UInt32, signBit: UInt32) {
        operation = op
        self.result = result
        self.destination = destination
        self.source = source
        self.signBit = signBit
    }

    /// Logic operations: CF = OF = 0, SF/ZF/PF from the result, AF = 0 (undefined in
    /// the SDM; modern Intel and AMD CPUs clear it).
    @inline(__always) public mutating func setLogic(result: UInt32, signBit: UInt32) {
        operation = .logic
        self.result = result
        self.signBit = signBit
    }

    public var carryFlag: Bool {
        switch operation {
        case .none: return bits & 1 != 0
        case .add: return result < destination
        case .adc: return carry != 0 ? result <= destination : result < destination
        case .sub: return destination < source
        case .sbb: return carry != 0 ? destination <= source : destination < source
        case .logic: return false
        case .inc, .dec: return carry != 0
        }
    }

    public var zeroFlag: Bool {
        operation == .none ? bits & LazyFlags.zf != 0 : result == 0
    }

    public var signFlag: Bool {
        operation == .none ? bits & LazyFlags.sf != 0 : result & signBit != 0
    }

    public var overflowFlag: Bool {
        switch operation {
        case .none: return bits & LazyFlags.of != 0
        case .add, .adc, .inc: return (destination ^ result) & (source ^ result) & signBit != 0
        case .sub, .sbb, .dec: return (destination ^ source) & (destination ^ result) & signBit != 0
        case .logic: return false
        }
    }

    public var auxiliaryFlag: Bool {
        switch operation {
        case .none: return bits & LazyFlags.af != 0
        case .logic: return false
        default: return (destination ^ source ^ result) & 0x10 != 0
        }
    }

    public var parityFlag: Bool {
        operation == .none ? bits & LazyFlags.pf != 0 : LazyFlags.parity(result)
    }

    @inline(__always) public static func parity(_ v: UInt32) -> Bool {
        (v & 0xFF).nonzeroBitCount & 1 == 0
    }

    /// EFLAGS as software sees it (PUSHF, LAHF, interrupt frames).
    public var value: UInt32 {
        get {
            if operation == .none { return bits }
            var v = bits & ~LazyFlags.status
            if carryFlag { v |= LazyFlags.cf }
            if parityFlag { v |= LazyFlags.pf }
            if auxiliaryFlag { v |= LazyFlags.af }
            if zeroFlag { v |= LazyFlags.zf }
            if signFlag { v |= LazyFlags.sf }
            if overflowFlag { v |= LazyFlags.of }
            return v
        }
        set {
            bits = (newValue & 0x003F_7FD7) | 2
            operation = .none
        }
    }

    /// Folds the lazy state into `bits`.
    @inline(__always) public mutating func materialize() {
        if operation != .none { bits = value; operation = .none }
    }

    /// Replaces the status flags in `mask` with those in `newBits`.
    @inline(__always) public mutating func setStatus(_ mask: UInt32, _ newBits: UInt32) {
        materialize()
        bits = (bits & ~mask) | (newBits & mask)
    }

    /// SF, ZF and PF of `result` for an operation of the given sign bit, as bits.
    @inline(__always) public static func szp(_ result: UInt32, signBit: UInt32) -> UInt32 {
        var v: UInt32 = 0
        if result & signBit != 0 { v |= sf }
        if result == 0 { v |= zf }
        if parity(result) { v |= pf }
        return v
    }

    @inline(__always) public mutating func setFlag(_ flag: UInt32, _ on: Bool) {
        materialize()
        if on { bits |= flag } else { bits &= ~flag }
    }

    @inline(__always) public func isSet(_ flag: UInt32) -> Bool { bits & flag != 0 }

    /// Evaluates condition code `cc` (SDM Vol. 1 Appendix B, Table B-1).
    @inline(__always) public func condition(_ cc: Int) -> Bool {
        if operation == .sub {
            let d = destination, s = source
            switch cc & 0xF {
            case 0x2: return d < s
            case 0x3: return d >= s
            case 0x4: return d == s
            case 0x5: return d != s
            case 0x6: return d <= s
            case 0x7: return d > s
            case 0xC: return (d ^ signBit) < (s ^ signBit)
            case 0xD: return (d ^ signBit) >= (s ^ signBit)
            case 0xE: return (d ^ signBit) <= (s ^ signBit)
            case 0xF: return (d ^ signBit) > (s ^ signBit)
            default: break
            }
        }
        let r: Bool
        switch cc >> 1 & 7 {
        case 0: r = overflowFlag
        case 1: r = carryFlag
        case 2: r = zeroFlag
        case 3: r = carryFlag || zeroFlag
        case 4: r = signFlag
        case 5: r = parityFlag
        case 6: r = signFlag != overflowFlag
        default: r = zeroFlag || (signFlag != overflowFlag)
        }
        return r != (cc & 1 != 0)
    }
}
