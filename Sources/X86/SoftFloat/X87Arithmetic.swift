/// The x87 arithmetic core: IEEE 754 operations on the double-extended format
/// with the x87's precision control, rounding control and masked exception
/// responses (SDM Vol. 1 ch. 4 and §8.1.5, §8.5), in integer code only.
///
/// Each operation returns its result and records what the status word would
/// report: exception flags accumulate (they are sticky, §8.1.3.1) and C1 is
/// set when the result was rounded up (§8.1.3.3) or, for the quotient
/// instructions, as the SDM defines per instruction. The results are the
/// masked responses, except for unmasked OE and UE on register results (see
/// `X87Control.exceptionMasks`); the caller turns an unmasked flag into #MF.
public struct X87Arithmetic: Sendable {
    public var control: X87Control
    public var flags: X87StatusFlags

    public init(control: X87Control = X87Control(), flags: X87StatusFlags = []) {
        self.control = control
        self.flags = flags
    }

    /// The masked response to an invalid operation (SDM Vol. 1 §4.8.3.7).
    mutating func invalid() -> Extended80 {
        flags.insert(.invalid)
        return .indefinite
    }

    /// Handles unsupported encodings and NaN operands of a two-operand
    /// arithmetic instruction (SDM Vol. 1 §8.2.2 Table 8-3; §4.8.3.5 Table 4-7;
    /// §8.5.1.2): an unsupported encoding gives the real indefinite; an SNaN
    /// raises IE; of an SNaN and a QNaN the QNaN is returned; of two NaNs of the
    /// same kind the one with the larger significand, quieted. Returns nil when
    /// neither applies. DE is left to the caller, because an invalid operation
    /// or a division by zero takes precedence over it (SDM Vol. 1 §4.9.2).
    @inline(__always)
    mutating func specialOperands(_ a: Extended80, _ b: Extended80) -> Extended80? {
        // Both with the integer bit set and below the NaN exponent: the common case.
        if (a.significand & b.significand) >> 63 != 0 && a.exponent != 0x7FFF && b.exponent != 0x7FFF { return nil }
        return unsupportedOrNaN(a, b)
    }

    /// `specialOperands` once an operand may be unsupported or a NaN.
    @inline(never)
    private mutating func unsupportedOrNaN(_ a: Extended80, _ b: Extended80) -> Extended80? {
        if a.isUnsupported || b.isUnsupported { return invalid() }
        if a.isNaN || b.isNaN {
            if a.isSignalingNaN || b.isSignalingNaN { flags.insert(.invalid) }
            return X87Arithmetic.propagate(a, b)
        }
        return nil
    }

    /// Raises DE when an operand is a denormal or pseudo-denormal (SDM Vol. 1
    /// §8.5.2). True when DE is unmasked: the operation then stops there.
    mutating func denormalStops(_ a: Extended80, _ b: Extended80? = nil) -> Bool {
        guard a.isDenormalOperand || b?.isDenormalOperand == true else { return false }
        flags.insert(.denormal)
        return !control.exceptionMasks.contains(.denormal)
    }

    /// The NaN chosen by SDM Vol. 1 §4.8.3.5 Table 4-7 (at least one operand is a NaN).
    static func propagate(_ a: Extended80, _ b: Extended80) -> Extended80 {
        guard a.isNaN else { return b.quieted }
        guard b.isNaN else { return a.quieted }
        if a.isSignalingNaN != b.isSignalingNaN { return a.isSignalingNaN ? b : a }
        let ma = a.significand | 1 << 62, mb = b.significand | 1 << 62
        if ma != mb { return (ma > mb ? a : b).quieted }
        return (a.sign && !b.sign ? b : a).quieted
    }

    /// A single-operand instruction's NaN and unsupported handling.
    mutating func specialOperand(_ a: Extended80) -> Extended80? {
        if a.isUnsupported { return invalid() }
        if a.isNaN {
            if a.isSignalingNaN { flags.insert(.invalid) }
            return a.quieted
        }
        return nil
    }

    /// The sign of an exact zero sum of operands of opposite signs (IEEE 754 §6.3).
    var exactZeroSumSign: Bool { control.rounding == .down }

    /// FADD (SDM Vol. 2 FADD; Vol. 1 §8.1.5.2 for precision control).
    public mutating func add(_ a: Extended80, _ b: Extended80) -> Extended80 {
        addSigned(a, b, negateB: false)
    }

    /// FSUB: a − b.
    public mutating func subtract(_ a: Extended80, _ b: Extended80) -> Extended80 {
        addSigned(a, b, negateB: true)
    }

    private mutating func addSigned(_ a: Extended80, _ b: Extended80, negateB: Bool) -> Extended80 {
        flags.remove(.c1)
        if let special = specialOperands(a, b) { return special }
        let signB = b.sign != negateB
        if a.isInfinity || b.isInfinity {
            if a.isInfinity && b.isInfinity && a.sign != signB { return invalid() }
            if denormalStops(a, b) { return a }
            return .infinity(sign: a.isInfinity ? a.sign : signB)
        }
        if denormalStops(a, b) { return a }
        var x = X87Unpacked(a), y = X87Unpacked(b)
        y.sign = signB
        if x.isZero && y.isZero {
            return .zero(sign: x.sign == y.sign ? x.sign : exactZeroSumSign)
        }
        if x.isZero { x = y; y = X87Unpacked(sign: y.sign, exponent: 0, significand: 0) }
        if y.isZero {
            return roundToExtended(sign: x.sign, exponent: x.exponent, significand: UInt128Parts(high: x.significand, low: 0))
        }
        if y.exponent > x.exponent || (y.exponent == x.exponent && y.significand > x.significand) { swap(&x, &y) }
        let big = UInt128Parts(high: x.significand, low: 0)
        // Within 64 bits of alignment nothing is shifted out of the 128.
        let distance = x.exponent - y.exponent
        let small = distance == 0 ? UInt128Parts(high: y.significand, low: 0)
            : distance < 64 ? UInt128Parts(high: y.significand >> UInt64(distance), low: y.significand << UInt64(64 - distance))
            : UInt128Parts(high: y.significand, low: 0).shiftedRightJamming(Int(min(distance, 200)))
        if x.sign == y.sign {
            let (sum, carry) = big + small
            if carry {
                let shifted = sum.shiftedRightJamming(1)
                return roundToExtended(sign: x.sign, exponent: x.exponent + 1,
                                       significand: UInt128Parts(high: shifted.high | 1 << 63, low: shifted.low))
            }
            return roundToExtended(sign: x.sign, exponent: x.exponent, significand: sum)
        }
        let difference = big - small
        if difference.isZero { return .zero(sign: exactZeroSumSign) }
        return roundToExtended(sign: x.sign, exponent: x.exponent, significand: difference)
    }

    /// FMUL.
    public mutating func multiply(_ a: Extended80, _ b: Extended80) -> Extended80 {
        flags.remove(.c1)
        if let special = specialOperands(a, b) { return special }
        let sign = a.sign != b.sign
        if a.isInfinity || b.isInfinity {
            if a.isZero || b.isZero { return invalid() }
            if denormalStops(a, b) { return a }
            return .infinity(sign: sign)
        }
        if denormalStops(a, b) { return a }
        let x = X87Unpacked(a), y = X87Unpacked(b)
        if x.isZero || y.isZero { return .zero(sign: sign) }
        let product = x.significand.multipliedFullWidth(by: y.significand)
        return roundToExtended(sign: sign, exponent: x.exponent + y.exponent - Extended80.exponentBias + 1,
                               significand: UInt128Parts(high: product.high, low: product.low))
    }

    /// FDIV: a ÷ b. A finite nonzero dividend over zero raises ZE and gives a
    /// signed infinity (SDM Vol. 1 §4.9.1.3).
    public mutating func divide(_ a: Extended80, _ b: Extended80) -> Extended80 {
        flags.remove(.c1)
        if let special = specialOperands(a, b) { return special }
        let sign = a.sign != b.sign
        if a.isInfinity {
            if b.isInfinity { return invalid() }
            if denormalStops(b) { return a }
            return .infinity(sign: sign)
        }
        if b.isInfinity {
            if denormalStops(a) { return a }
            return .zero(sign: sign)
        }
        let x = X87Unpacked(a), y = X87Unpacked(b)
        if y.isZero {
            if x.isZero { return invalid() }
            flags.insert(.zeroDivide)
            return .infinity(sign: sign)
        }
        if denormalStops(a, b) { return a }
        if x.isZero { return .zero(sign: sign) }
        // Dividend scaled so the first quotient word has its top bit set.
        let dividendAtLeastDivisor = x.significand >= y.significand
        let dividendHigh = dividendAtLeastDivisor ? x.significand >> 1 : x.significand
        let dividendLow: UInt64 = dividendAtLeastDivisor ? x.significand << 63 : 0
        let (q1, r1) = y.significand.dividingFullWidth((high: dividendHigh, low: dividendLow))
        let (q2, r2) = y.significand.dividingFullWidth((high: r1, low: 0))
        let exponent = x.exponent - y.exponent + Extended80.exponentBias - (dividendAtLeastDivisor ? 0 : 1)
        return roundToExtended(sign: sign, exponent: exponent,
                               significand: UInt128Parts(high: q1, low: q2 | (r2 != 0 ? 1 : 0)))
    }

    /// FSQRT. The square root of −0 is −0; of any other negative number, invalid
    /// (SDM Vol. 2 FSQRT, results table; IEEE 754 §5.4.1).
    public mutating func squareRoot(_ a: Extended80) -> Extended80 {
        flags.remove(.c1)
        if let special = specialOperand(a) { return special }
        if a.isZero { return a }
        if a.sign { return invalid() }
        if a.isInfinity { return a }
        if denormalStops(a) { return a }
        let x = X87Unpacked(a)
        let unbiased = x.exponent - Extended80.exponentBias
        let odd = unbiased & 1 != 0
        let radicand = UInt128Parts(high: x.significand, low: 0).shiftedRightJamming(odd ? 0 : 1)
        let (root, remainder) = X87Arithmetic.integerSquareRoot(radicand)
        // The root is never exactly half-way; remainder > root means above half.
        let discarded: UInt64 = remainder.isZero ? 0 : (remainder.high > 0 || remainder.low > root ? 1 << 63 | 1 : 1)
        return roundToExtended(sign: false, exponent: (unbiased >> 1) + Extended80.exponentBias,
                               significand: UInt128Parts(high: root, low: discarded))
    }

    /// The integer square root of a 128-bit value and its remainder
    /// (n − root²). The radicand is scaled by an even power of two to at least
    /// 2^126, where a tangent line of √ gives an over-estimate within 9%
    /// (clamped to 64 bits); four Newton steps, which never go below ⌊√n⌋,
    /// then leave at most one too many, removed by comparing the square.
    static func integerSquareRoot(_ n: UInt128Parts) -> (root: UInt64, remainder: UInt128Parts) {
        if n.isZero { return (0, n) }
        let scale = n.leadingZeroBitCount & ~1
        let m = n.shiftedLeft(scale)
        // √u ≤ 3/4 + u/3 for u = m / 2^126 < (m.high + 1) / 2^62, so
        // √m ≤ 3·2^61 + 2(m.high + 1)/3 ≤ 3·2^61 + 2⌊m.high/3⌋ + 2.
        let (estimate, overflow) = (3 << 61 + 2).addingReportingOverflow(2 * (m.high / 3))
        var x: UInt64 = overflow ? .max : estimate
        for _ in 0..<4 {
            // Once m.high ≥ x, x < √m, so x already is ⌊√m⌋.
            guard m.high < x else { break }
            let q = x.dividingFullWidth((high: m.high, low: m.low)).quotient
            let (sum, carry) = x.addingReportingOverflow(q)
            x = sum >> 1 | (carry ? 1 << 63 : 0)
        }
        var root = x >> UInt64(scale / 2)
        var square = root.multipliedFullWidth(by: root)
        while n < UInt128Parts(high: square.high, low: square.low) {
            root -= 1
            square = root.multipliedFullWidth(by: root)
        }
        return (root, n - UInt128Parts(high: square.high, low: square.low))
    }
}
