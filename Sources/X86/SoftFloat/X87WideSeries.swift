/// The power series the transcendental instructions evaluate in the working
/// format, on arguments their callers have reduced to where the series
/// converge quickly. Each returns the tail after the leading term (sin r − r,
/// cos r − 1, atan u − u, ...) so that a caller adding the leading term back
/// rounds once, to odd: the result then keeps the right side of a
/// representable neighbour however small the tail is.
extension X87Wide {
    /// Terms below this many binary places under a series' first term are
    /// dropped: the sum is then good to about 2^-130 of its leading term.
    static let seriesPrecision: Int32 = 136

    /// An upper bound on the terms of any series here, for arguments inside
    /// the reduced ranges (the slowest, the arctangent's with |u| ≤ 0.43,
    /// needs about 55).
    static let maximumTerms = 100

    /// sin r − r and cos r − 1 for |r| ≤ π/4 (Taylor series):
    /// Σ (−1)^n r^(2n+1)/(2n+1)! and Σ (−1)^n r^(2n)/(2n)!, n ≥ 1.
    static func sineCosineTails(_ r: X87Wide) -> (sine: X87Wide, cosine: X87Wide) {
        if r.isZero { return (.zero, .zero) }
        let r2 = r * r
        var cosineTerm = r2.divided(by: 2).negated
        var sineTerm = (r2 * r).divided(by: 6).negated
        var cosine = cosineTerm, sine = sineTerm
        let cosineLimit = cosineTerm.exponent &- seriesPrecision
        let sineLimit = sineTerm.exponent &- seriesPrecision
        var n: UInt64 = 4
        for _ in 0..<maximumTerms {
            if cosineTerm.exponent < cosineLimit && sineTerm.exponent < sineLimit { break }
            cosineTerm = (cosineTerm * r2).divided(by: (n - 1) * n).negated
            sineTerm = (sineTerm * r2).divided(by: n * (n + 1)).negated
            cosine = cosine + cosineTerm
            sine = sine + sineTerm
            n += 2
        }
        return (sine, cosine)
    }

    /// Σ (±1)^n u^(2n+1)/(2n+1), n ≥ 1: atan u − u when `alternating`,
    /// atanh u − u otherwise; for |u| ≤ 0.43.
    static func oddPowerTail(_ u: X87Wide, alternating: Bool) -> X87Wide {
        if u.isZero { return .zero }
        let u2 = alternating ? (u * u).negated : u * u
        var power = u * u2
        var sum = power.divided(by: 3)
        let limit = sum.exponent &- seriesPrecision
        var n: UInt64 = 2
        for _ in 0..<maximumTerms {
            power = power * u2
            let term = power.divided(by: 2 * n + 1)
            if term.exponent < limit { break }
            sum = sum + term
            n += 1
        }
        return sum
    }

    /// e^z − 1 − z = Σ z^n/n!, n ≥ 2, for |z| ≤ ln 2.
    static func exponentialTail(_ z: X87Wide) -> X87Wide {
        if z.isZero { return .zero }
        var term = (z * z).divided(by: 2)
        var sum = term
        let limit = term.exponent &- seriesPrecision
        var n: UInt64 = 3
        for _ in 0..<maximumTerms {
            term = (term * z).divided(by: n)
            if term.exponent < limit { break }
            sum = sum + term
            n += 1
        }
        return sum
    }
}
