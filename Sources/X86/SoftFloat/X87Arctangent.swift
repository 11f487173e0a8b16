/// FPATAN: the angle of the point (x, y) = (ST(0), ST(1)), in (−π, π], with
/// the sign of y (SDM Vol. 2 FPATAN, Table 3-30).
///
/// Zeros and infinities follow the table without raising IE: 0/0 and ∞/∞ are
/// not divisions here (the table's note), so atan2(±0, +0) = ±0,
/// atan2(±0, −0) = ±π, atan2(±∞, ±∞) = ±π/4 or ±3π/4. There is no range
/// restriction. A denormal operand raises DE (stopping the operation when
/// unmasked); results are rounded to 64 bits by RC with C1 when rounded up.
extension X87Arithmetic {
    /// π, π/2, π/4 and 3π/4 rounded to odd in the working format.
    static let piWide = X87Wide(sign: false, exponent: 1, significand: piSignificand)
    static let halfPiWide = X87Wide(sign: false, exponent: 0, significand: piSignificand)
    static let quarterPiWide = X87Wide(sign: false, exponent: -1, significand: piSignificand)
    static let threeQuarterPiWide = X87Wide(sign: false, exponent: 1,
                                            significand: UInt128Parts(high: 0x96CB_E3F9_990E_91A7, low: 0x9394_C9E8_A0A5_159D))
    static let piSignificand = UInt128Parts(high: 0xC90F_DAA2_2168_C234, low: 0xC4C6_628B_80DC_1CD1)

    /// FPATAN: arctan(y/x) in the quadrant of (x, y).
    public mutating func partialArctangent(y: Extended80, x: Extended80) -> Extended80 {
        flags.remove(.c1)
        if let special = specialOperands(x, y) { return special }
        if denormalStops(x, y) { return y }
        let angle: X87Wide
        if y.isZero {
            if !x.sign { return y }
            angle = X87Arithmetic.piWide
        } else if y.isInfinity {
            if x.isInfinity {
                angle = x.sign ? X87Arithmetic.threeQuarterPiWide : X87Arithmetic.quarterPiWide
            } else {
                angle = X87Arithmetic.halfPiWide
            }
        } else if x.isZero {
            angle = X87Arithmetic.halfPiWide
        } else if x.isInfinity {
            if !x.sign { return .zero(sign: y.sign) }
            angle = X87Arithmetic.piWide
        } else {
            let firstQuadrant = X87Arithmetic.arctangent(X87Wide(X87Unpacked(y)).magnitude, X87Wide(X87Unpacked(x)).magnitude)
            angle = x.sign ? X87Arithmetic.piWide - firstQuadrant : firstQuadrant
        }
        return roundToExtended(angle.negatedIf(y.sign))
    }

    /// atan(a/b) for finite positive a and b, with the ratio brought into
    /// |u| ≤ 0.43 where the series converges: atan(a/b) directly below 13/32,
    /// π/2 − atan(b/a) above 32/13, and π/4 + atan((a − b)/(a + b)) between.
    /// The comparisons are exact (products by small integers).
    static func arctangent(_ a: X87Wide, _ b: X87Wide) -> X87Wide {
        let thirteen = X87Wide(magnitude: 13, sign: false)
        if a.scaled(by: 5).hasSmallerMagnitude(than: thirteen * b) {
            let t = a / b
            return t + X87Wide.oddPowerTail(t, alternating: true)
        }
        if b.scaled(by: 5).hasSmallerMagnitude(than: thirteen * a) {
            let t = b / a
            return halfPiWide - (t + X87Wide.oddPowerTail(t, alternating: true))
        }
        let u = (a - b) / (a + b)
        return quarterPiWide + (u + X87Wide.oddPowerTail(u, alternating: true))
    }
}
