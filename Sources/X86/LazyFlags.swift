/// EFLAGS (SDM Vol. 1 §3.4.3) with the six status flags kept lazily: the last
/// arithmetic instruction leaves its result and its carry-out vector here, and
/// each flag is derived with a shift or two when something reads it, without
/// knowing which operation produced them (the carry-vector scheme Bochs describes
/// in its lazy-flags notes, written from the definitions below).
///
/// Both words are kept shifted left so that the operation's most significant bit
/// sits at bit 63: then SF is bit 63 of the result, ZF is "result == 0", CF is
/// bit 63 of the carries, and OF is bit 63 XOR bit 62 of the carries (the carry
/// out of the sign bit differs from the carry into it).
public struct LazyFlags {
    /// Additions and subtractions; their carries (borrows) are derived differently.
    public enum Operation { case add, sub }

    public static let cf: UInt32 = 1 << 0, pf: UInt32 = 1 << 2, af: UInt32 = 1 << 4
    public static let zf: UInt32 = 1 << 6, sf: UInt32 = 1 << 7, tf: UInt32 = 1 << 8
    public static let intf: UInt32 = 1 << 9, df: UInt32 = 1 << 10, of: UInt32 = 1 << 11
    public static let iopl: UInt32 = 3 << 12, nt: UInt32 = 1 << 14, rf: UInt32 = 1 << 16
    public static let vm: UInt32 = 1 << 17, ac: UInt32 = 1 << 18, id: UInt32 = 1 << 21
    public static let status: UInt32 = cf | pf | af | zf | sf | of

    /// All EFLAGS bits; the status bits are valid only while `lazy` is false.
    @usableFromInline var bits: UInt32 = 2
    @usableFromInline var lazy = false
    /// The result, shifted so that its sign bit is bit 63.
    @usableFromInline var result: UInt64 = 0
    /// Carry (or borrow) out of each bit position, shifted like `result`.
    @usableFromInline var carries: UInt64 = 0
    /// The result's low byte, for PF.
    @usableFromInline var lowByte: UInt32 = 0
    /// Carry out of bit 3, in bit 4 (AF).
    @usableFromInline var adjust: UInt32 = 0

    public init() {}

    /// The left shift that moves the sign bit `signBit` to bit 63 (folds to a
    /// constant wherever the operand size is known).
    @inline(__always) static func shift(_ signBit: UInt64) -> UInt64 {
        signBit == 0x80 ? 56 : signBit == 0x8000 ? 48 : signBit == 0x8000_0000 ? 32 : 0
    }

    /// An addition (`destination + source + carry-in = result`) or subtraction
    /// (`destination - source - borrow-in = result`), operands truncated to the
    /// operation size. The carry-out vector follows from the three values alone:
    /// for an addition a bit carries out when both inputs are set, or one is and
    /// the result bit is clear; a subtraction borrows symmetrically.
    @inline(__always) public mutating func set(_ op: Operation, result r: UInt64, destination d: UInt64, source s: UInt64, signBit: UInt64) {
        let sh = LazyFlags.shift(signBit)
        let c = op == .add ? (d & s) | ((d | s) & ~r) : (~d & s) | ((~d | s) & r)
        lazy = true
        result = r << sh
        lowByte = UInt32(truncatingIfNeeded: r) & 0xFF
        carries = c << sh
        adjust = UInt32(truncatingIfNeeded: d ^ s ^ r) & 0x10
    }

    /// INC and DEC: flags as for adding or subtracting 1, but CF stays as it was.
    /// Bit 63 of the carries becomes the old CF and bit 62 is adjusted so that
    /// bit 63 XOR bit 62 is still the overflow of this operation.
    @inline(__always) public mutating func setIncrementDecrement(decrement: Bool, result r: UInt64, destination d: UInt64, signBit: UInt64) {
        let oldCarry: UInt64 = carryFlag ? 1 : 0
        set(decrement ? .sub : .add, result: r, destination: d, source: 1, signBit: signBit)
        let overflow = (carries ^ (carries << 1)) >> 63
        carries = (carries & 0x3FFF_FFFF_FFFF_FFFF) | oldCarry << 63 | (oldCarry ^ overflow) << 62
    }

    /// Logic operations: CF = OF = 0, SF/ZF/PF from the result, AF = 0 (undefined in
    /// the SDM; modern Intel and AMD CPUs clear it).
    @inline(__always) public mutating func setLogic(result r: UInt64, signBit: UInt64) {
        lazy = true
        result = r << LazyFlags.shift(signBit)
        lowByte = UInt32(truncatingIfNeeded: r) & 0xFF
        carries = 0
        adjust = 0
    }

    @inline(__always) public var carryFlag: Bool { lazy ? carries >> 63 != 0 : bits & LazyFlags.cf != 0 }
    @inline(__always) public var zeroFlag: Bool { lazy ? result == 0 : bits & LazyFlags.zf != 0 }
    @inline(__always) public var signFlag: Bool { lazy ? result >> 63 != 0 : bits & LazyFlags.sf != 0 }
    @inline(__always) public var overflowFlag: Bool {
        lazy ? (carries ^ (carries << 1)) >> 63 != 0 : bits & LazyFlags.of != 0
    }
    @inline(__always) public var auxiliaryFlag: Bool { lazy ? adjust != 0 : bits & LazyFlags.af != 0 }
    @inline(__always) public var parityFlag: Bool { lazy ? LazyFlags.parity(lowByte) : bits & LazyFlags.pf != 0 }

    @inline(__always) public static func parity(_ v: UInt32) -> Bool {
        (v & 0xFF).nonzeroBitCount & 1 == 0
    }

    /// EFLAGS as software sees it (PUSHF, LAHF, interrupt frames).
    public var value: UInt32 {
        get {
            guard lazy else { return bits }
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
            lazy = false
        }
    }

    /// Folds the lazy state into `bits`.
    @inline(__always) public mutating func materialize() {
        if lazy { bits = value; lazy = false }
    }

    /// Replaces the status flags in `mask` with those in `newBits`.
    @inline(__always) public mutating func setStatus(_ mask: UInt32, _ newBits: UInt32) {
        materialize()
        bits = (bits & ~mask) | (newBits & mask)
    }

    /// SF, ZF and PF of `result` for an operation of the given sign bit, as bits.
    @inline(__always) public static func szp(_ result: UInt64, signBit: UInt64) -> UInt32 {
        var v: UInt32 = 0
        if result & signBit != 0 { v |= sf }
        if result == 0 { v |= zf }
        if parity(UInt32(truncatingIfNeeded: result)) { v |= pf }
        return v
    }

    @inline(__always) public mutating func setFlag(_ flag: UInt32, _ on: Bool) {
        materialize()
        if on { bits |= flag } else { bits &= ~flag }
    }

    @inline(__always) public func isSet(_ flag: UInt32) -> Bool { bits & flag != 0 }

    /// For each condition code (SDM Vol. 1 Appendix B, Table B-1), a 32-bit truth
    /// table indexed by CF | ZF << 1 | SF << 2 | OF << 3 | PF << 4: O, NO, B, AE,
    /// E, NE, BE, A, S, NS, P, NP, L, GE, LE, G. Literals, so that the array is
    /// laid out at compile time (ConditionTests derives them again from Table B-1).
    static let conditionTables: [UInt32] = [
        0xFF00_FF00, 0x00FF_00FF, 0xAAAA_AAAA, 0x5555_5555, 0xCCCC_CCCC, 0x3333_3333, 0xEEEE_EEEE, 0x1111_1111,
        0xF0F0_F0F0, 0x0F0F_0F0F, 0xFFFF_0000, 0x0000_FFFF, 0x0FF0_0FF0, 0xF00F_F00F, 0xCFFC_CFFC, 0x3003_3003,
    ]

    /// Evaluates condition code `cc` without branching on it: the flags form an
    /// index into the condition's truth table.
    @inline(__always) public func condition(_ cc: Int) -> Bool {
        var combo: UInt32
        // E and NE, the most frequent, need ZF alone.
        if lazy && cc & 0xE == 4 { return (result == 0) != (cc & 1 != 0) }
        if lazy {
            combo = UInt32(truncatingIfNeeded: carries >> 63)
            combo |= (result == 0 ? 2 : 0)
            combo |= UInt32(truncatingIfNeeded: result >> 63) << 2
            combo |= UInt32(truncatingIfNeeded: (carries ^ (carries << 1)) >> 63) << 3
            if cc & 0xE == 0xA, LazyFlags.parity(lowByte) { combo |= 16 }
        } else {
            combo = (bits & 1) | (bits >> 5) & 2 | (bits >> 5) & 4 | (bits >> 8) & 8 | (bits << 2) & 16
        }
        return LazyFlags.conditionTables.withUnsafeBufferPointer { ($0[cc & 15] >> combo) & 1 != 0 }
    }
}
