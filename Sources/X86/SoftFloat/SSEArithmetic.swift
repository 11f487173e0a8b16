/// The SSE/SSE2 arithmetic on binary32 and binary64 lanes given as raw bits:
/// ADDPS/ADDSS/ADDPD/ADDSD, SUB*, MUL*, DIV*, SQRT*, MIN* and MAX* (SDM
/// Vol. 2 of each; IEEE 754 §5.4.1 for the correctly rounded operations).
/// Each returns the lane's masked response and adds its exceptions to
/// `flags`; SSE3's ADDSUB*/HADD*/HSUB* are additions and subtractions.
extension SSEStatus {
    public mutating func add(_ a: UInt32, _ b: UInt32) -> UInt32 {
        UInt32(truncatingIfNeeded: addSigned(UInt64(a), UInt64(b), SSEBinary32.self, negateB: false))
    }

    public mutating func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        addSigned(a, b, SSEBinary64.self, negateB: false)
    }

    /// a − b.
    public mutating func subtract(_ a: UInt32, _ b: UInt32) -> UInt32 {
        UInt32(truncatingIfNeeded: addSigned(UInt64(a), UInt64(b), SSEBinary32.self, negateB: true))
    }

    public mutating func subtract(_ a: UInt64, _ b: UInt64) -> UInt64 {
        addSigned(a, b, SSEBinary64.self, negateB: true)
    }

    public mutating func multiply(_ a: UInt32, _ b: UInt32) -> UInt32 {
        UInt32(truncatingIfNeeded: multiply(UInt64(a), UInt64(b), SSEBinary32.self))
    }

    public mutating func multiply(_ a: UInt64, _ b: UInt64) -> UInt64 {
        multiply(a, b, SSEBinary64.self)
    }

    /// a ÷ b.
    public mutating func divide(_ a: UInt32, _ b: UInt32) -> UInt32 {
        UInt32(truncatingIfNeeded: divide(UInt64(a), UInt64(b), SSEBinary32.self))
    }

    public mutating func divide(_ a: UInt64, _ b: UInt64) -> UInt64 {
        divide(a, b, SSEBinary64.self)
    }

    public mutating func squareRoot(_ a: UInt32) -> UInt32 {
        UInt32(truncatingIfNeeded: squareRoot(UInt64(a), SSEBinary32.self))
    }

    public mutating func squareRoot(_ a: UInt64) -> UInt64 {
        squareRoot(a, SSEBinary64.self)
    }

    /// MINPS/MINSS: a < b ? a : b, where b is returned unchanged (an SNaN
    /// too) when either operand is a NaN, with IE, or when both are zeros
    /// (SDM Vol. 2 MINPS). With DAZ a denormal result is the signed zero the
    /// operand was read as (checked on the host).
    public mutating func minimum(_ a: UInt32, _ b: UInt32) -> UInt32 {
        UInt32(truncatingIfNeeded: select(UInt64(a), UInt64(b), SSEBinary32.self, greater: false))
    }

    public mutating func minimum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        select(a, b, SSEBinary64.self, greater: false)
    }

    /// MAXPS/MAXSS: a > b ? a : b, with MINPS's rules for NaNs and zeros.
    public mutating func maximum(_ a: UInt32, _ b: UInt32) -> UInt32 {
        UInt32(truncatingIfNeeded: select(UInt64(a), UInt64(b), SSEBinary32.self, greater: true))
    }

    public mutating func maximum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        select(a, b, SSEBinary64.self, greater: true)
    }

    private mutating func addSigned<F: SSEFloatFormat>(_ a: UInt64, _ b: UInt64, _: F.Type, negateB: Bool) -> UInt64 {
        let format = F.format
        let x = unpack(a, F.self)
        var y = unpack(b, F.self)
        if x.kind == .nan || y.kind == .nan { return propagateNaN(a, b, F.self) }
        if negateB { y.sign.toggle() }
        if x.kind == .infinity || y.kind == .infinity {
            if x.kind == .infinity && y.kind == .infinity && x.sign != y.sign { return invalid(F.self) }
            checkDenormal(x, y)
            return (x.kind == .infinity ? x.sign : y.sign) ? format.signBit | format.infinity : format.infinity
        }
        checkDenormal(x, y)
        // The sign of an exact zero sum of opposite signs (IEEE 754 §6.3).
        let zeroSumSign = rounding == .down
        if x.kind == .zero && y.kind == .zero { return zero(sign: x.sign == y.sign ? x.sign : zeroSumSign, F.self) }
        if y.kind == .zero { return round(sign: x.sign, exponent: x.exponent, significand: x.significand, F.self) }
        if x.kind == .zero { return round(sign: y.sign, exponent: y.exponent, significand: y.significand, F.self) }
        // Both significands with their leading bit at bit 62, so a sum fits
        // and at least 10 bits lie below the precision for rounding.
        let shiftX = x.significand.leadingZeroBitCount - 1, shiftY = y.significand.leadingZeroBitCount - 1
        var big = (sign: x.sign, exponent: x.exponent - Int32(shiftX), significand: x.significand << UInt64(shiftX))
        var small = (sign: y.sign, exponent: y.exponent - Int32(shiftY), significand: y.significand << UInt64(shiftY))
        if small.exponent > big.exponent || (small.exponent == big.exponent && small.significand > big.significand) {
            swap(&big, &small)
        }
        let distance = big.exponent - small.exponent
        let aligned: UInt64
        if distance >= 64 {
            aligned = 1
        } else {
            let lost = distance > 0 && small.significand << UInt64(64 - distance) != 0
            aligned = small.significand >> UInt64(distance) | (lost ? 1 : 0)
        }
        if big.sign == small.sign {
            return round(sign: big.sign, exponent: big.exponent, significand: big.significand + aligned, F.self)
        }
        let difference = big.significand - aligned
        if difference == 0 { return zero(sign: zeroSumSign, F.self) }
        return round(sign: big.sign, exponent: big.exponent, significand: difference, F.self)
    }

    private mutating func multiply<F: SSEFloatFormat>(_ a: UInt64, _ b: UInt64, _: F.Type) -> UInt64 {
        let format = F.format
        let x = unpack(a, F.self), y = unpack(b, F.self)
        if x.kind == .nan || y.kind == .nan { return propagateNaN(a, b, F.self) }
        let sign = x.sign != y.sign
        if x.kind == .infinity || y.kind == .infinity {
            if x.kind == .zero || y.kind == .zero { return invalid(F.self) }
            checkDenormal(x, y)
            return zero(sign: sign, F.self) | format.infinity
        }
        checkDenormal(x, y)
        if x.kind == .zero || y.kind == .zero { return zero(sign: sign, F.self) }
        let product = x.significand.multipliedFullWidth(by: y.significand)
        let exponent = x.exponent + y.exponent
        if product.high == 0 { return round(sign: sign, exponent: exponent, significand: product.low, F.self) }
        // Keep the top 64 bits of the product, the rest as a sticky bit.
        let shift = UInt64(product.high.leadingZeroBitCount)
        let top = shift == 0 ? product.high : product.high << shift | product.low >> (64 - shift)
        let rest = product.low << shift
        return round(sign: sign, exponent: exponent + 64 - Int32(shift), significand: top | (rest != 0 ? 1 : 0), F.self)
    }

    /// A finite nonzero dividend over a zero divisor raises ZE and gives a
    /// signed infinity (SDM Vol. 1 §4.9.1.3); ZE takes precedence over DE.
    private mutating func divide<F: SSEFloatFormat>(_ a: UInt64, _ b: UInt64, _: F.Type) -> UInt64 {
        let format = F.format
        let x = unpack(a, F.self), y = unpack(b, F.self)
        if x.kind == .nan || y.kind == .nan { return propagateNaN(a, b, F.self) }
        let sign = x.sign != y.sign
        switch (x.kind, y.kind) {
        case (.infinity, .infinity), (.zero, .zero): return invalid(F.self)
        case (.infinity, _):
            checkDenormal(y)
            return zero(sign: sign, F.self) | format.infinity
        case (_, .infinity):
            checkDenormal(x)
            return zero(sign: sign, F.self)
        case (_, .zero):
            flags.insert(.zeroDivide)
            return zero(sign: sign, F.self) | format.infinity
        case (.zero, _):
            checkDenormal(y)
            return zero(sign: sign, F.self)
        default: break
        }
        checkDenormal(x, y)
        // Dividend with its leading bit at 62, divisor at 63: the quotient of
        // dividend × 2^64 fits in 64 bits and has at least 63 significant bits.
        let shiftX = x.significand.leadingZeroBitCount - 1, shiftY = y.significand.leadingZeroBitCount
        let dividend = x.significand << UInt64(shiftX), divisor = y.significand << UInt64(shiftY)
        let (quotient, remainder) = divisor.dividingFullWidth((high: dividend, low: 0))
        let exponent = (x.exponent - Int32(shiftX)) - (y.exponent - Int32(shiftY)) - 64
        return round(sign: sign, exponent: exponent, significand: quotient | (remainder != 0 ? 1 : 0), F.self)
    }

    /// The square root of −0 is −0; of any other negative number, invalid
    /// (SDM Vol. 2 SQRTPS; IEEE 754 §5.4.1).
    private mutating func squareRoot<F: SSEFloatFormat>(_ a: UInt64, _: F.Type) -> UInt64 {
        let x = unpack(a, F.self)
        switch x.kind {
        case .nan: return propagateNaN(a, a, F.self)
        case .zero: return zero(sign: x.sign, F.self)
        case .infinity: return x.sign ? invalid(F.self) : a
        case .finite: if x.sign { return invalid(F.self) }
        }
        checkDenormal(x)
        // The radicand as a 128-bit integer with an even exponent.
        let shift = x.significand.leadingZeroBitCount
        var high = x.significand << UInt64(shift), low: UInt64 = 0
        var exponent = x.exponent - Int32(shift) - 64
        if exponent & 1 != 0 {
            low = high << 63
            high >>= 1
            exponent += 1
        }
        let (root, remainder) = X87Arithmetic.integerSquareRoot(UInt128Parts(high: high, low: low))
        return round(sign: false, exponent: exponent / 2, significand: root | (remainder.isZero ? 0 : 1), F.self)
    }

    private mutating func select<F: SSEFloatFormat>(_ a: UInt64, _ b: UInt64, _: F.Type, greater: Bool) -> UInt64 {
        let x = unpack(a, F.self), y = unpack(b, F.self)
        // With DAZ a denormal is returned as the zero it was read as.
        let resultB = y.kind == .zero ? zero(sign: y.sign, F.self) : b
        if x.kind == .nan || y.kind == .nan {
            flags.insert(.invalid)
            return resultB
        }
        checkDenormal(x, y)
        let order = SSEStatus.order(x, y)
        return order == (greater ? .greater : .less) ? (x.kind == .zero ? zero(sign: x.sign, F.self) : a) : resultB
    }
}

/// The lane operations of 0F 51 and 0F 58-5F (SDM Vol. 2 ADDPS, SUBPS,
/// MULPS, DIVPS, MINPS, MAXPS, SQRTPS and their PD/SS/SD forms).
enum SSELaneOperation {
    case add, subtract, multiply, divide, minimum, maximum, squareRoot
}

extension SSEStatus {
    /// One binary32 lane: a is the destination's lane, b the source's.
    @inline(__always) mutating func apply(_ op: SSELaneOperation, _ a: UInt32, _ b: UInt32) -> UInt32 {
        UInt32(truncatingIfNeeded: apply(op, UInt64(a), UInt64(b), SSEBinary32.self))
    }

    /// One binary64 lane.
    @inline(__always) mutating func apply(_ op: SSELaneOperation, _ a: UInt64, _ b: UInt64) -> UInt64 {
        apply(op, a, b, SSEBinary64.self)
    }

    @inline(__always) private mutating func apply<F: SSEFloatFormat>(_ op: SSELaneOperation, _ a: UInt64, _ b: UInt64, _ format: F.Type) -> UInt64 {
        switch op {
        case .add: return addSigned(a, b, format, negateB: false)
        case .subtract: return addSigned(a, b, format, negateB: true)
        case .multiply: return multiply(a, b, format)
        case .divide: return divide(a, b, format)
        case .minimum: return select(a, b, format, greater: false)
        case .maximum: return select(a, b, format, greater: true)
        case .squareRoot: return squareRoot(b, format)
        }
    }
}
