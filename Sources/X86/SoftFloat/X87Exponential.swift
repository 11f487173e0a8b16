/// F2XM1: 2^x − 1 (SDM Vol. 2 F2XM1, Table 3-16).
///
/// Defined for −1 ≤ x ≤ +1; outside that range the SDM leaves the result
/// undefined and SoftFloat returns the mathematical value, rounded (an
/// overflow from x = 16384 up), so every host computes the same bits. F2XM1(−∞) = −1 and F2XM1(+∞) = +∞, exactly. The result is rounded to
/// 64 bits by RC (precision control does not apply), with C1 when rounded up;
/// it is exact for x = ±0, ±1 and the integers whose 2^x − 1 fits 64 bits.
extension X87Arithmetic {
    /// ln 2 rounded to odd.
    static let ln2 = X87Wide(sign: false, exponent: -1, significand: UInt128Parts(high: 0xB172_17F7_D1CF_79AB, low: 0xC9E3_B398_03F2_F6AF))

    /// F2XM1.
    public mutating func twoToXMinusOne(_ a: Extended80) -> Extended80 {
        flags.remove(.c1)
        if let special = specialOperand(a) { return special }
        if a.isInfinity { return a.sign ? Extended80(signExponent: 0xBFFF, significand: 1 << 63) : a }
        if denormalStops(a) { return a }
        if a.isZero { return a }
        let x = X87Unpacked(a)
        let unbiased = x.exponent &- Extended80.exponentBias
        guard unbiased >= 0 else {
            // |x| < 1: e^z − 1 with z = x ln 2, |z| < ln 2.
            let z = X87Wide(x) * X87Arithmetic.ln2
            return roundToExtended(z + X87Wide.exponentialTail(z))
        }
        // |x| ≥ 1: 2^x − 1 = 2^n (1 + (2^f − 1)) − 1 with n the integer nearest x
        // and f = x − n exact, |f| ≤ 1/2. Beyond 2^15 every result is an
        // overflow or −1 + (far less than the last place).
        var n: Int32
        var f = X87Wide.zero
        if unbiased >= 15 {
            n = 1 << 15
        } else {
            let shift = UInt64(63 - unbiased)
            let magnitude = x.significand >> shift &+ (x.significand >> (shift - 1) & 1)
            n = Int32(magnitude)
            f = X87Wide(x) - X87Wide(magnitude: magnitude, sign: x.sign)
        }
        if x.sign { n = -n }
        let z = f * X87Arithmetic.ln2
        let power = (X87Wide.one + (z + X87Wide.exponentialTail(z))).scaled(by: n)
        return roundToExtended(power - .one)
    }
}
