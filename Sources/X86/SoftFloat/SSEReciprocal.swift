/// RCPPS/RCPSS and RSQRTPS/RSQRTSS, the approximate reciprocal and
/// reciprocal square root of binary32 lanes (SDM Vol. 2 RCPPS, RSQRTPS).
///
/// The SDM bounds only the relative error, |error| ≤ 1.5 × 2^-12, and
/// vendors' tables differ; SwiftPC returns the exact 1/x (or 1/√x) rounded
/// to nearest, ties to even, to 12 significant bits, whatever MXCSR.RC
/// says, so the relative error is at most 2^-12 and every host computes the
/// same bits. The special cases follow the SDM: no exception is ever raised;
/// a NaN gives itself quieted; ±0 and denormals (read as zeros, with or
/// without DAZ) give ±∞, ±∞ gives ±0; RSQRT of a negative nonzero value
/// gives the QNaN indefinite; results below the smallest normal number are
/// flushed to zeros of the operand's sign.
extension SSEStatus {
    public func reciprocalEstimate(_ a: UInt32) -> UInt32 {
        let f = SSEFormat.binary32
        let bits = UInt64(a)
        let sign = bits & f.signBit
        if f.isNaN(bits) { return a | UInt32(f.quietBit) }
        if bits & ~f.signBit == f.infinity { return UInt32(sign) }
        let field = Int32(truncatingIfNeeded: (bits & f.infinity) >> 23)
        if field == 0 { return UInt32(sign | f.infinity) }
        // 1/x = 2^-e / m with m = M / 2^23 in [1, 2): 2^37 / M is 1/m × 2^14.
        let m = bits & f.fractionMask | 1 << 23
        let (q, r) = (UInt64(1) << 37).quotientAndRemainder(dividingBy: m)
        return SSEStatus.estimate(q, sticky: r != 0, exponent: -(field - f.bias) - 14, sign: sign)
    }

    public func reciprocalSquareRootEstimate(_ a: UInt32) -> UInt32 {
        let f = SSEFormat.binary32
        let bits = UInt64(a)
        let sign = bits & f.signBit
        if f.isNaN(bits) { return a | UInt32(f.quietBit) }
        let field = Int32(truncatingIfNeeded: (bits & f.infinity) >> 23)
        if field == 0 { return UInt32(sign | f.infinity) }
        if sign != 0 { return UInt32(truncatingIfNeeded: f.indefinite) }
        if bits == f.infinity { return 0 }
        // x = m' × 2^e' with e' even and m' = M' / 2^23 in [1, 4):
        // 1/√m' × 2^14 = √(2^51 / M').
        var e = field - f.bias
        var m = bits & f.fractionMask | 1 << 23
        if e & 1 != 0 {
            m <<= 1
            e -= 1
        }
        let (t, r) = (UInt64(1) << 51).quotientAndRemainder(dividingBy: m)
        let root = SSEStatus.integerSquareRoot(t)
        return SSEStatus.estimate(root, sticky: r != 0 || root * root != t, exponent: -e / 2 - 14, sign: sign)
    }

    /// Packs q × 2^exponent (q nonzero, a few bits below it lost when
    /// `sticky`) rounded to nearest-even to 12 significant bits as binary32;
    /// a result below 2^-126 becomes a signed zero.
    private static func estimate(_ q: UInt64, sticky: Bool, exponent: Int32, sign: UInt64) -> UInt32 {
        let length = 64 - q.leadingZeroBitCount
        let shift = max(length - 12, 0)
        var kept = q >> UInt64(shift)
        if shift > 0 {
            let discarded = q << UInt64(64 - shift) | (sticky ? 1 : 0)
            if discarded > 1 << 63 || (discarded == 1 << 63 && kept & 1 != 0) { kept += 1 }
        }
        let leading = 63 - kept.leadingZeroBitCount
        let unbiased = exponent + Int32(shift) + Int32(leading)
        if unbiased < -126 { return UInt32(sign) }
        let fraction = (kept << UInt64(23 - leading)) & SSEFormat.binary32.fractionMask
        return UInt32(truncatingIfNeeded: sign | UInt64(unbiased + 127) << 23 | fraction)
    }

    /// ⌊√n⌋, bit by bit.
    static func integerSquareRoot(_ n: UInt64) -> UInt64 {
        var root: UInt64 = 0
        var bit: UInt64 = 1 << 62
        var rest = n
        while bit > n { bit >>= 2 }
        while bit != 0 {
            if rest >= root + bit {
                rest -= root + bit
                root = (root >> 1) + bit
            } else {
                root >>= 1
            }
            bit >>= 2
        }
        return root
    }
}
