/// The IEEE 754 binary32 and binary64 formats of the SSE registers (SDM
/// Vol. 1 §4.2.2, Figure 4-3, Table 4-3). Values of either are carried in a
/// UInt64 by the core (binary32 in its low 32 bits).
struct SSEFormat: Sendable {
    let fractionBits: Int
    /// Significand width, the hidden bit included.
    let precision: Int
    let bias: Int32
    let signBit: UInt64
    let infinity: UInt64
    let fractionMask: UInt64
    let quietBit: UInt64

    @inline(__always)
    init(fractionBits: Int, exponentBits: Int) {
        self.fractionBits = fractionBits
        precision = fractionBits + 1
        bias = (1 << Int32(exponentBits - 1)) - 1
        signBit = 1 << UInt64(fractionBits + exponentBits)
        infinity = ((1 << UInt64(exponentBits)) - 1) << UInt64(fractionBits)
        fractionMask = (1 << UInt64(fractionBits)) - 1
        quietBit = 1 << UInt64(fractionBits - 1)
    }

    static var binary32: SSEFormat { SSEFormat(fractionBits: 23, exponentBits: 8) }
    static var binary64: SSEFormat { SSEFormat(fractionBits: 52, exponentBits: 11) }

    /// Unbiased exponent of the smallest and of the largest normal number.
    var minExponent: Int32 { 1 - bias }
    var maxExponent: Int32 { bias }
    /// The QNaN floating-point indefinite, the masked response to an invalid
    /// operation (SDM Vol. 1 §4.8.3.7, Table 4-3).
    var indefinite: UInt64 { signBit | infinity | quietBit }
    var largestFinite: UInt64 { infinity - 1 }

    func isNaN(_ bits: UInt64) -> Bool { bits & ~signBit > infinity }
    func isSignalingNaN(_ bits: UInt64) -> Bool { isNaN(bits) && bits & quietBit == 0 }
    func isDenormal(_ bits: UInt64) -> Bool { bits & infinity == 0 && bits & fractionMask != 0 }
}

/// A format as a type: the core is generic over it, so each operation is
/// specialised per format and its masks, shifts and bias are constants.
protocol SSEFloatFormat {
    static var format: SSEFormat { get }
}

enum SSEBinary32: SSEFloatFormat {
    static var format: SSEFormat { .binary32 }
}

enum SSEBinary64: SSEFloatFormat {
    static var format: SSEFormat { .binary64 }
}

/// An operand as the core reads it (SDM Vol. 1 §4.8, §10.2.3.4 for DAZ): a
/// finite value is `significand` × 2^`exponent` with an integer significand,
/// not normalized for denormals.
struct SSEOperand {
    enum Kind { case zero, finite, infinity, nan }
    var kind: Kind
    var sign: Bool
    var exponent: Int32
    var significand: UInt64
    /// A denormal read without DAZ: the operation raises DE unless a NaN
    /// operand, an invalid operation or a division by zero takes precedence
    /// (SDM Vol. 1 §4.9.2).
    var isDenormal: Bool
}

extension SSEStatus {
    /// Reads an operand of `format`; with DAZ a denormal reads as a zero of
    /// the same sign.
    @inline(__always)
    func unpack<F: SSEFloatFormat>(_ bits: UInt64, _: F.Type) -> SSEOperand {
        let format = F.format
        let sign = bits & format.signBit != 0
        let field = (bits & format.infinity) >> UInt64(format.fractionBits)
        let fraction = bits & format.fractionMask
        if bits & format.infinity == format.infinity {
            return SSEOperand(kind: fraction == 0 ? .infinity : .nan, sign: sign, exponent: 0, significand: 0, isDenormal: false)
        }
        if field == 0 {
            if fraction == 0 || denormalsAreZeros {
                return SSEOperand(kind: .zero, sign: sign, exponent: 0, significand: 0, isDenormal: false)
            }
            return SSEOperand(kind: .finite, sign: sign, exponent: format.minExponent - Int32(format.fractionBits),
                              significand: fraction, isDenormal: true)
        }
        return SSEOperand(kind: .finite, sign: sign,
                          exponent: Int32(truncatingIfNeeded: field) - format.bias - Int32(format.fractionBits),
                          significand: fraction | 1 << UInt64(format.fractionBits), isDenormal: false)
    }

    /// The masked response to an invalid operation.
    mutating func invalid<F: SSEFloatFormat>(_: F.Type) -> UInt64 {
        let format = F.format
        flags.insert(.invalid)
        return format.indefinite
    }

    /// The NaN result of an operation with a NaN operand (SDM Vol. 1 §4.8.3.5
    /// Table 4-7, §11.5.2.2): the first source if it is a NaN, else the
    /// second, quieted; IE when either is an SNaN.
    mutating func propagateNaN<F: SSEFloatFormat>(_ a: UInt64, _ b: UInt64, _: F.Type) -> UInt64 {
        let format = F.format
        if format.isSignalingNaN(a) || format.isSignalingNaN(b) { flags.insert(.invalid) }
        return (format.isNaN(a) ? a : b) | format.quietBit
    }

    /// Raises DE for a denormal operand (called once the operands passed the
    /// checks that take precedence over DE).
    mutating func checkDenormal(_ x: SSEOperand, _ y: SSEOperand? = nil) {
        if x.isDenormal || y?.isDenormal == true { flags.insert(.denormal) }
    }

    /// Whether discarding the bits `discarded` (half-way point at bit 63, any
    /// lower bit sticky) rounds the magnitude up (SDM Vol. 1 §4.8.4, Table 4-8).
    func roundsUp(sign: Bool, lastKeptBit: Bool, discarded: UInt64) -> Bool {
        guard discarded != 0 else { return false }
        switch rounding {
        case .nearestEven: return discarded > 1 << 63 || (discarded == 1 << 63 && lastKeptBit)
        case .towardZero: return false
        case .down: return sign
        case .up: return !sign
        }
    }

    /// A signed zero of `format`.
    func zero<F: SSEFloatFormat>(sign: Bool, _: F.Type) -> UInt64 { sign ? F.format.signBit : 0 }

    /// Rounds the nonzero value `significand` × 2^`exponent` to `format` by
    /// MXCSR.RC and encodes it, with the exceptions of the result (SDM Vol. 1
    /// §4.9.1.4-§4.9.1.6, §11.5.2.4-§11.5.2.6). Bit 0 of `significand` may be
    /// a sticky bit; it must lie at least two bits below the format's
    /// precision.
    ///
    /// Overflow and tininess are detected on the result rounded with an
    /// unbounded exponent: tininess after rounding, as the host shows. Masked
    /// overflow gives infinity or the largest finite number by RC, with OE
    /// and PE; a masked tiny result is denormalized (UE and PE when that is
    /// inexact) or, with FTZ, becomes a signed zero with UE and PE. Unmasked,
    /// OE or UE is raised for any overflowing or tiny result and PE only when
    /// the unbounded rounding was inexact; the value returned then is never
    /// written.
    @inline(__always)
    mutating func round<F: SSEFloatFormat>(sign: Bool, exponent: Int32, significand: UInt64, _: F.Type) -> UInt64 {
        let format = F.format
        let shift = significand.leadingZeroBitCount
        let e = exponent + 63 - Int32(shift)
        // The common case, kept small: strictly inside the normal range the
        // result can be neither tiny nor overflow, even after rounding up.
        guard e >= format.minExponent && e < format.maxExponent else {
            return roundAnyRange(sign: sign, exponent: exponent, significand: significand, F.self)
        }
        let sig = significand << UInt64(shift)
        let p = UInt64(format.precision)
        var kept = sig >> (64 - p)
        let discarded = sig << p
        if discarded != 0 {
            flags.insert(.precision)
            if roundsUp(sign: sign, lastKeptBit: kept & 1 != 0, discarded: discarded) { kept += 1 }
        }
        // The hidden bit in `kept` adds one to the exponent field (two when
        // rounding carried out of the significand).
        let biased = UInt64(truncatingIfNeeded: Int64(e + format.bias - 1))
        return (sign ? format.signBit : 0) | (biased << UInt64(format.fractionBits) + kept)
    }

    /// `round` for any value, the tiny and overflowing ones included.
    @inline(never)
    private mutating func roundAnyRange<F: SSEFloatFormat>(sign: Bool, exponent: Int32, significand: UInt64,
                                                           _: F.Type) -> UInt64 {
        let format = F.format
        let shift = significand.leadingZeroBitCount
        let sig = significand << UInt64(shift)
        let e = exponent + 63 - Int32(shift)
        let p = UInt64(format.precision)
        var kept = sig >> (64 - p)
        let discarded = sig << p
        var roundedExponent = e
        if roundsUp(sign: sign, lastKeptBit: kept & 1 != 0, discarded: discarded) {
            kept += 1
            if kept >> p != 0 {
                kept >>= 1
                roundedExponent += 1
            }
        }
        let signBits = sign ? format.signBit : 0
        if roundedExponent > format.maxExponent {
            if !masks.contains(.overflow) {
                flags.insert(.overflow)
                if discarded != 0 { flags.insert(.precision) }
                return signBits | format.infinity
            }
            flags.formUnion([.overflow, .precision])
            switch rounding {
            case .nearestEven: return signBits | format.infinity
            case .towardZero: return signBits | format.largestFinite
            case .down: return signBits | (sign ? format.infinity : format.largestFinite)
            case .up: return signBits | (sign ? format.largestFinite : format.infinity)
            }
        }
        if roundedExponent < format.minExponent {
            if !masks.contains(.underflow) {
                flags.insert(.underflow)
                if discarded != 0 { flags.insert(.precision) }
                return signBits
            }
            if flushToZero {
                flags.formUnion([.underflow, .precision])
                return signBits
            }
            // The denormal grid: units of 2^(minExponent - precision + 1).
            let total = 64 - Int(p) + Int(format.minExponent - e)
            let denormal: UInt64, lost: UInt64
            if total >= 64 {
                denormal = 0
                lost = total == 64 ? sig : 1
            } else {
                denormal = sig >> UInt64(total)
                lost = sig << UInt64(64 - total)
            }
            guard lost != 0 else { return signBits | denormal }
            flags.formUnion([.underflow, .precision])
            // Rounding up to the smallest normal carries into the exponent field.
            let up = roundsUp(sign: sign, lastKeptBit: denormal & 1 != 0, discarded: lost)
            return signBits | (up ? denormal + 1 : denormal)
        }
        if discarded != 0 { flags.insert(.precision) }
        let biased = UInt64(truncatingIfNeeded: Int64(roundedExponent + format.bias))
        return signBits | biased << UInt64(format.fractionBits) | (kept & format.fractionMask)
    }
}
