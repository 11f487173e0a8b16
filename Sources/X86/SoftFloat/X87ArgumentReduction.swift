/// The value of π/2 that FSIN, FCOS, FSINCOS and FPTAN reduce their operand
/// by, as a fixed-point number with 320 fraction bits in 64-bit words, least
/// significant first.
///
/// SDM Vol. 1 §8.3.8 documents that the x87 reduces by a 66-bit p (the
/// fraction C90FDAA2 2168C234 C × 2^2), so hardware results drift from sin x
/// by many units in the last place once |x| is well above π/4 and are poor
/// near multiples of π. SoftFloat reduces by π to 320 bits instead: with
/// |x| < 2^63 the reduced argument keeps more than 128 correct bits, even for
/// the operands closest to a multiple of π/2, so every in-range result is
/// within one unit in the last place of the correctly rounded value.
struct X87PiOverTwo {
    let words: [UInt64]
    /// π/p for a constant p other than π: hardware's results are those of the
    /// functions at x·π/p once it reduces x (Intel, "The Difference Between
    /// x87 Instructions FSIN, FCOS, FSINCOS, and FPTAN and Mathematical
    /// Functions", 2016), so a reduced argument is scaled by it.
    let scale: X87Wide?

    /// π/2 truncated to 320 fraction bits.
    static let exact = X87PiOverTwo(words: [
        0xA294_10F3_1C68_09BB, 0x0417_7D4C_7627_3644, 0x5204_9C11_14CF_98E8,
        0x898C_C517_01B8_39A2, 0x921F_B544_42D1_8469, 0x0000_0000_0000_0001,
    ], scale: nil)

    /// p/2 for the SDM's internal p (§8.3.8): what hardware computes, which the
    /// differential test uses to tell the host's reduction error from ours.
    static let sdmInternal = X87PiOverTwo(words: [
        0, 0, 0, 0x8000_0000_0000_0000, 0x921F_B544_42D1_8469, 0x0000_0000_0000_0001,
    ], scale: X87Wide(sign: false, exponent: 0, significand: UInt128Parts(high: 0x8000_0000_0000_0000, low: 0x030A_31C5_B45D_1255)))

    static let fractionBits = 320
}

extension X87Arithmetic {
    /// The largest significand with exponent −1 (values in [1/2, 1)) that is
    /// at most π/4: π/4 × 2^64, truncated.
    static let quarterPiSignificand: UInt64 = 0xC90F_DAA2_2168_C234

    /// 2/π × 2^128, truncated: enough to choose the nearest multiple of π/2 for
    /// any |x| < 2^63 except next to a half-way point, where either neighbour
    /// gives a reduced argument of about π/4.
    static let twoOverPi = UInt128Parts(high: 0xA2F9_836E_4E44_1529, low: 0xFC27_57D1_F534_DDC0)

    /// Reduces a finite nonnegative x < 2^63 to r = x − k·π/2 with k the
    /// integer nearest x·2/π, so |r| ≤ π/4 (up to the choice at a half-way
    /// point), and returns k mod 4. The subtraction is exact in fixed point
    /// with 320 fraction bits; only the truncation of π/2 limits r.
    static func reduce(_ x: X87Unpacked, by piOverTwo: X87PiOverTwo) -> (r: X87Wide, quadrant: UInt64) {
        let unbiased = x.exponent &- Extended80.exponentBias
        if unbiased < -1 || (unbiased == -1 && x.significand <= quarterPiSignificand) {
            return (X87Wide(x), 0)
        }
        let (r, quadrant) = reduceExactly(x, unbiased: unbiased, by: piOverTwo)
        guard let scale = piOverTwo.scale else { return (r, quadrant) }
        return (r * scale, quadrant)
    }

    /// x − k·π/2 for π/4 < x < 2^63 (`unbiased` is x's exponent).
    private static func reduceExactly(_ x: X87Unpacked, unbiased: Int32, by piOverTwo: X87PiOverTwo) -> (r: X87Wide, quadrant: UInt64) {
        // x·2/π = significand × twoOverPi × 2^(unbiased − 191); k rounds it to an integer.
        let low = x.significand.multipliedFullWidth(by: twoOverPi.low)
        let high = x.significand.multipliedFullWidth(by: twoOverPi.high)
        let (top, _) = UInt128Parts(high: high.high, low: high.low) + UInt128Parts(high: 0, low: low.high)
        let shift = UInt64(191 - 128 - unbiased)
        let truncated = shift >= 64 ? 0 : top.high >> shift
        let k = truncated &+ ((top.high >> (shift &- 1)) & 1)

        // x × 2^320 and k × π/2 × 2^320 as seven words each.
        var scaledX = [UInt64](repeating: 0, count: 7)
        let position = 257 + Int(unbiased)
        let bit = UInt64(position - 256)
        scaledX[4] = x.significand << bit
        scaledX[5] = bit == 0 ? 0 : x.significand >> (64 - bit)
        var multiple = [UInt64](repeating: 0, count: 7)
        var carry: UInt64 = 0
        for (i, word) in piOverTwo.words.enumerated() {
            let product = k.multipliedFullWidth(by: word)
            let (sum, overflow) = product.low.addingReportingOverflow(carry)
            multiple[i] = sum
            carry = product.high &+ (overflow ? 1 : 0)
        }
        multiple[piOverTwo.words.count] = carry

        var difference = [UInt64](repeating: 0, count: 7)
        var borrow = false
        for i in 0..<7 {
            let (d1, b1) = scaledX[i].subtractingReportingOverflow(multiple[i])
            let (d2, b2) = d1.subtractingReportingOverflow(borrow ? 1 : 0)
            difference[i] = d2
            borrow = b1 || b2
        }
        let negative = borrow
        if negative {
            var carryIn = true
            for i in 0..<7 {
                let (n, c) = (~difference[i]).addingReportingOverflow(carryIn ? 1 : 0)
                difference[i] = n
                carryIn = c
            }
        }
        guard let topWord = difference.lastIndex(where: { $0 != 0 }) else { return (.zero, k & 3) }
        let word = { (i: Int) -> UInt64 in i >= 0 ? difference[i] : 0 }
        let sticky = topWord >= 3 && difference[0..<(topWord - 2)].contains { $0 != 0 }
        let r = X87Wide.normalized(sign: negative, topExponent: Int32(64 * topWord + 63 - X87PiOverTwo.fractionBits),
                                   X87Words192(high: word(topWord), middle: word(topWord - 1), low: word(topWord - 2)),
                                   sticky: sticky)
        return (r, k & 3)
    }
}
