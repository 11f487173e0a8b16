import XCTest
@testable import X86

/// The special-operand results of the transcendental and packed BCD
/// instructions as the SDM's instruction pages tabulate them (masked
/// responses unless a row says otherwise), independent of any host FPU.
final class X87TranscendentalSpecialCaseTests: XCTestCase {
    typealias E = Extended80
    static let one = E(signExponent: 0x3FFF, significand: 1 << 63)
    static let two = E(signExponent: 0x4000, significand: 1 << 63)
    static let half = E(signExponent: 0x3FFE, significand: 1 << 63)
    static let three = E(signExponent: 0x4000, significand: 0xC000_0000_0000_0000)
    static let inf = E.infinity(sign: false), minusInf = E.infinity(sign: true)
    static let zero = E.zero(sign: false), minusZero = E.zero(sign: true)
    static let qnan = E(signExponent: 0x7FFF, significand: 0xC000_0000_0000_1234)
    static let snan = E(signExponent: 0xFFFF, significand: 0x8000_0000_0000_5678)
    static let denormal = E(signExponent: 0x0000, significand: 0x0000_0000_0000_0001)
    static let unnormal = E(signExponent: 0x3FFF, significand: 0x4000_0000_0000_0000)
    /// π, π/2, π/4 and 3π/4 rounded to nearest: all rounded up.
    static let pi = E(signExponent: 0x4000, significand: 0xC90F_DAA2_2168_C235)
    static let halfPi = E(signExponent: 0x3FFF, significand: 0xC90F_DAA2_2168_C235)
    static let quarterPi = E(signExponent: 0x3FFE, significand: 0xC90F_DAA2_2168_C235)
    static let threeQuarterPi = E(signExponent: 0x4000, significand: 0x96CB_E3F9_990E_91A8)

    static func negative(_ x: E) -> E { E(signExponent: x.signExponent ^ 0x8000, significand: x.significand) }

    /// SDM Vol. 2 FPATAN, Table 3-30: rows ST(1) = y, columns ST(0) = x.
    func testArctangentTable() {
        let finite = Self.two
        let columns: [E] = [Self.minusInf, Self.negative(finite), Self.minusZero, Self.zero, finite, Self.inf]
        let n = Self.negative
        let table: [(E, [E?])] = [
            (Self.minusInf, [n(Self.threeQuarterPi), n(Self.halfPi), n(Self.halfPi), n(Self.halfPi), n(Self.halfPi), n(Self.quarterPi)]),
            (Self.minusZero, [n(Self.pi), n(Self.pi), n(Self.pi), Self.minusZero, Self.minusZero, Self.minusZero]),
            (Self.zero, [Self.pi, Self.pi, Self.pi, Self.zero, Self.zero, Self.zero]),
            (Self.inf, [Self.threeQuarterPi, Self.halfPi, Self.halfPi, Self.halfPi, Self.halfPi, Self.quarterPi]),
            // nil: a finite angle inside the quadrant, not in the table.
            (finite, [Self.pi, nil, Self.halfPi, Self.halfPi, nil, Self.zero]),
            (n(finite), [n(Self.pi), nil, n(Self.halfPi), n(Self.halfPi), nil, Self.minusZero]),
        ]
        for (row, (y, results)) in table.enumerated() {
            for (column, (x, expected)) in zip(columns, results).enumerated() {
                guard let expected else { continue }
                var fpu = X87Arithmetic()
                let r = fpu.partialArctangent(y: y, x: x)
                XCTAssertEqual(r, expected, "row \(row) column \(column)")
                // No IE for 0/0 or ∞/∞; inexact angles set PE and, rounded up, C1.
                let expectedFlags: X87StatusFlags = expected.isZero ? [] : [.precision, .c1]
                XCTAssertEqual(fpu.flags, expectedFlags, "row \(row) column \(column)")
            }
        }
        // The finite quadrants: atan2(1, 1) = π/4, atan2(1, −1) = 3π/4, atan2(−1, −1) = −3π/4.
        var fpu = X87Arithmetic()
        XCTAssertEqual(fpu.partialArctangent(y: Self.one, x: Self.one), Self.quarterPi)
        XCTAssertEqual(fpu.partialArctangent(y: Self.one, x: Self.negative(Self.one)), Self.threeQuarterPi)
        XCTAssertEqual(fpu.partialArctangent(y: Self.negative(Self.one), x: Self.negative(Self.one)), Self.negative(Self.threeQuarterPi))
    }

    /// SDM Vol. 2 FYL2X, Table 3-48. "*" is IE (the real indefinite), "**" ZE.
    func testLog2Table() {
        let between = Self.half, above = Self.two
        let columns: [E] = [Self.minusInf, Self.negative(above), Self.minusZero, Self.zero, between, Self.one, above, Self.inf]
        let invalid = E.indefinite
        let zeroDivide = E(signExponent: 0x1234, significand: 0)
        let n = Self.negative
        let table: [(E, [E])] = [
            (Self.minusInf, [invalid, invalid, Self.inf, Self.inf, Self.inf, invalid, Self.minusInf, Self.minusInf]),
            (n(Self.three), [invalid, invalid, zeroDivide, zeroDivide, Self.three, Self.minusZero, n(Self.three), Self.minusInf]),
            (Self.minusZero, [invalid, invalid, invalid, invalid, Self.zero, Self.minusZero, Self.minusZero, invalid]),
            (Self.zero, [invalid, invalid, invalid, invalid, Self.minusZero, Self.zero, Self.zero, invalid]),
            (Self.three, [invalid, invalid, zeroDivide, zeroDivide, n(Self.three), Self.zero, Self.three, Self.inf]),
            (Self.inf, [invalid, invalid, Self.minusInf, Self.minusInf, Self.minusInf, invalid, Self.inf, Self.inf]),
        ]
        for (row, (y, results)) in table.enumerated() {
            for (column, (x, expected)) in zip(columns, results).enumerated() {
                var fpu = X87Arithmetic()
                let r = fpu.yLog2X(y: y, x: x)
                if expected == zeroDivide {
                    // ∞ with the sign opposite to y's (the table's note).
                    XCTAssertEqual(r, .infinity(sign: !y.sign), "row \(row) column \(column)")
                    XCTAssertEqual(fpu.flags, .zeroDivide, "row \(row) column \(column)")
                } else {
                    XCTAssertEqual(r, expected, "row \(row) column \(column)")
                    XCTAssertEqual(fpu.flags, expected == invalid ? .invalid : [], "row \(row) column \(column)")
                }
            }
        }
        // log2 of a power of two times y is exact; a NaN propagates, an SNaN raises IE.
        var fpu = X87Arithmetic()
        XCTAssertEqual(fpu.yLog2X(y: Self.three, x: E(signExponent: 0x3FFF + 4, significand: 1 << 63)), E(signExponent: 0x4002, significand: 0xC000_0000_0000_0000))
        XCTAssertEqual(fpu.flags, [])
        XCTAssertEqual(fpu.yLog2X(y: Self.qnan, x: Self.minusInf), Self.qnan)
        XCTAssertEqual(fpu.flags, [])
        XCTAssertEqual(fpu.yLog2X(y: Self.one, x: Self.snan), E(signExponent: 0xFFFF, significand: 0xC000_0000_0000_5678))
        XCTAssertEqual(fpu.flags, .invalid)
    }

    /// SDM Vol. 2 FYL2XP1, Table 3-49, and SoftFloat's rules outside the range.
    func testLog2PlusOneTable() {
        let small = E(signExponent: 0x3FF0, significand: 1 << 63)
        let columns: [E] = [Self.negative(small), Self.minusZero, Self.zero, small]
        let invalid = E.indefinite
        let n = Self.negative
        // Rows: y; the magnitude of a finite result is not in the table.
        let signs: [(E, [E?])] = [
            (Self.minusInf, [Self.inf, invalid, invalid, Self.minusInf]),
            (n(Self.three), [nil, Self.zero, Self.minusZero, nil]),
            (Self.minusZero, [Self.zero, Self.zero, Self.minusZero, Self.minusZero]),
            (Self.zero, [Self.minusZero, Self.minusZero, Self.zero, Self.zero]),
            (Self.three, [nil, Self.minusZero, Self.zero, nil]),
            (Self.inf, [Self.minusInf, invalid, invalid, Self.inf]),
        ]
        for (row, (y, results)) in signs.enumerated() {
            for (column, (x, expected)) in zip(columns, results).enumerated() {
                var fpu = X87Arithmetic()
                let r = fpu.yLog2XPlusOne(y: y, x: x)
                if let expected {
                    XCTAssertEqual(r, expected, "row \(row) column \(column)")
                    XCTAssertEqual(fpu.flags, expected == invalid ? .invalid : [], "row \(row) column \(column)")
                } else {
                    XCTAssertEqual(r.sign, y.sign != x.sign, "row \(row) column \(column)")
                    XCTAssertTrue(fpu.flags.contains(.precision), "row \(row) column \(column)")
                }
            }
        }
        var fpu = X87Arithmetic()
        XCTAssertEqual(fpu.yLog2XPlusOne(y: Self.one, x: Self.three), Self.two)
        XCTAssertEqual(fpu.flags, [])
        XCTAssertEqual(fpu.yLog2XPlusOne(y: Self.one, x: n(Self.one)), Self.minusInf)
        XCTAssertEqual(fpu.flags, .zeroDivide)
        fpu.flags = []
        XCTAssertEqual(fpu.yLog2XPlusOne(y: Self.one, x: n(Self.two)), .indefinite)
        XCTAssertEqual(fpu.flags, .invalid)
    }

    /// SDM Vol. 2 F2XM1, Table 3-16, the infinities and the exact results.
    func testTwoToXMinusOne() {
        let rows: [(E, E, X87StatusFlags)] = [
            (Self.zero, Self.zero, []), (Self.minusZero, Self.minusZero, []),
            (Self.one, Self.one, []), (Self.negative(Self.one), Self.negative(Self.half), []),
            (Self.minusInf, Self.negative(Self.one), []), (Self.inf, Self.inf, []),
            (Self.three, E(signExponent: 0x4001, significand: 0xE000_0000_0000_0000), []),
            (Self.unnormal, .indefinite, .invalid), (Self.snan, E(signExponent: 0xFFFF, significand: 0xC000_0000_0000_5678), .invalid),
            // 2^0.5 − 1 = 0.41421356...: 0xD413CCCFE7799211.66h, rounded down.
            (Self.half, E(signExponent: 0x3FFD, significand: 0xD413_CCCF_E779_9211), .precision),
        ]
        for (i, (x, expected, flags)) in rows.enumerated() {
            var fpu = X87Arithmetic()
            XCTAssertEqual(fpu.twoToXMinusOne(x), expected, "row \(i)")
            XCTAssertEqual(fpu.flags, flags, "row \(i)")
        }
        // A denormal: DE, and the tiny inexact result UE and PE.
        var fpu = X87Arithmetic()
        _ = fpu.twoToXMinusOne(Self.denormal)
        XCTAssertEqual(fpu.flags.intersection(.exceptions), [.denormal, .underflow, .precision])
    }

    /// SDM Vol. 2 FSIN, FCOS, FSINCOS, FPTAN: zeros, invalid operands,
    /// NaNs, the 2^63 range limit (C2) and denormals.
    func testTrigonometricSpecialOperands() {
        var fpu = X87Arithmetic(flags: .c2)
        XCTAssertEqual(fpu.sine(Self.minusZero), Self.minusZero)
        XCTAssertEqual(fpu.cosine(Self.minusZero), Self.one)
        XCTAssertTrue(fpu.sineCosine(Self.zero).map { $0 == (Self.zero, Self.one) } ?? false)
        XCTAssertTrue(fpu.partialTangent(Self.minusZero).map { $0 == (Self.minusZero, Self.one) } ?? false)
        XCTAssertEqual(fpu.flags, [])
        for x in [Self.inf, Self.minusInf, Self.unnormal] {
            fpu.flags = []
            XCTAssertEqual(fpu.sine(x), .indefinite)
            XCTAssertTrue(fpu.partialTangent(x).map { $0 == (.indefinite, .indefinite) } ?? false)
            XCTAssertEqual(fpu.flags, .invalid)
        }
        fpu.flags = []
        XCTAssertTrue(fpu.sineCosine(Self.qnan).map { $0 == (Self.qnan, Self.qnan) } ?? false)
        XCTAssertEqual(fpu.flags, [])
        XCTAssertTrue(fpu.partialTangent(Self.snan).map { $0.tangent == $0.pushed && $0.pushed.isNaN && !$0.pushed.isSignalingNaN } ?? false)
        XCTAssertEqual(fpu.flags, .invalid)
        // |x| ≥ 2^63: C2, nothing computed; just below, C2 clear.
        fpu.flags = []
        let limit = E(signExponent: 0xC03E, significand: 1 << 63)
        XCTAssertNil(fpu.sine(limit))
        XCTAssertNil(fpu.partialTangent(limit))
        XCTAssertEqual(fpu.flags, .c2)
        XCTAssertNotNil(fpu.cosine(E(signExponent: 0x403D, significand: ~0)))
        XCTAssertFalse(fpu.flags.contains(.c2))
        // sin of a denormal is itself rounded up (C1) from just below; cos is 1 rounded up.
        fpu.flags = []
        XCTAssertEqual(fpu.sine(Self.denormal), Self.denormal)
        XCTAssertEqual(fpu.flags, [.denormal, .underflow, .precision, .c1])
        fpu = X87Arithmetic(control: X87Control(rounding: .towardZero))
        XCTAssertEqual(fpu.cosine(Self.denormal), E(signExponent: 0x3FFE, significand: ~0))
        XCTAssertEqual(fpu.flags, [.denormal, .precision])
        // An unmasked DE stops the operation; an unmasked UE delivers the result scaled by 2^24576.
        fpu = X87Arithmetic(control: X87Control(exceptionMasks: X87StatusFlags.exceptions.subtracting(.denormal)))
        XCTAssertEqual(fpu.sine(Self.denormal), Self.denormal)
        XCTAssertEqual(fpu.flags, .denormal)
    }

    /// An unmasked UE delivers the result with its exponent raised by 24576
    /// (SDM Vol. 1 §8.5.5): atan(2^-16382 / 2) rounds up to 2^-16383.
    func testUnmaskedUnderflow() {
        var fpu = X87Arithmetic(control: X87Control(exceptionMasks: X87StatusFlags.exceptions.subtracting(.underflow)))
        let smallestNormal = E(signExponent: 0x0001, significand: 1 << 63)
        XCTAssertEqual(fpu.partialArctangent(y: smallestNormal, x: Self.two), E(signExponent: 0x6000, significand: 1 << 63))
        XCTAssertEqual(fpu.flags, [.underflow, .precision, .c1])
    }

    /// Values next to a multiple of π that hardware's 66-bit p gets wrong:
    /// sin(8227740058411162616) = −9.7397149511...e−8, and the nearest
    /// 64-bit value to π, whose sine is π − that value.
    func testReductionNearMultiplesOfPi() {
        var fpu = X87Arithmetic()
        let x = fpu.load(integer: 8_227_740_058_411_162_616)
        XCTAssertEqual(fpu.sine(x), E(signExponent: 0xBFE7, significand: 0xD128_A631_F68B_23B9))
        XCTAssertEqual(fpu.sine(Self.pi), E(signExponent: 0xBFBE, significand: 0xECE6_75D1_FC8F_8CBB))
    }

    /// FBLD and FBSTP (SDM Vol. 2; Vol. 1 §4.7 Table 4-4 for the indefinite).
    func testPackedBCD() {
        var fpu = X87Arithmetic(flags: .c1)
        XCTAssertEqual(fpu.load(packedBCD: X87PackedBCD(low: 0x1234, high: 0)), fpu.load(integer: 1234))
        XCTAssertEqual(fpu.load(packedBCD: X87PackedBCD(low: 0, high: 0x8000)), Self.minusZero)
        XCTAssertEqual(fpu.load(packedBCD: X87PackedBCD(low: 0x9999_9999_9999_9999, high: 0xFF99)),
                       fpu.load(integer: -999_999_999_999_999_999))
        // Nibbles Ah-Fh count by position: FFh is 15·10 + 15.
        XCTAssertEqual(fpu.load(packedBCD: X87PackedBCD(low: 0xFF, high: 0)), fpu.load(integer: 165))
        XCTAssertEqual(fpu.flags, [])

        let rows: [(E, X87Control.Rounding, X87PackedBCD, X87StatusFlags)] = [
            (E(signExponent: 0xBFFF, significand: 0xC000_0000_0000_0000), .nearestEven, X87PackedBCD(low: 2, high: 0x8000), [.precision, .c1]),
            (E(signExponent: 0xBFFF, significand: 0xC000_0000_0000_0000), .up, X87PackedBCD(low: 1, high: 0x8000), .precision),
            (E(signExponent: 0xBFFD, significand: 1 << 63), .nearestEven, X87PackedBCD(low: 0, high: 0x8000), .precision),
            (E(signExponent: 0x403A, significand: 0xDE0B_6B3A_763F_FFF0), .nearestEven,
             X87PackedBCD(low: 0x9999_9999_9999_9999, high: 0x99), []),
            // 10^18 − 1/2 rounds to 10^18: too many digits.
            (E(signExponent: 0x403A, significand: 0xDE0B_6B3A_763F_FFF8), .nearestEven, .indefinite, .invalid),
            (E(signExponent: 0x403A, significand: 0xDE0B_6B3A_763F_FFF8), .towardZero,
             X87PackedBCD(low: 0x9999_9999_9999_9999, high: 0x99), .precision),
            (Self.inf, .nearestEven, .indefinite, .invalid), (Self.qnan, .nearestEven, .indefinite, .invalid),
            (Self.unnormal, .nearestEven, .indefinite, .invalid),
            (Self.denormal, .up, X87PackedBCD(low: 1, high: 0), [.precision, .c1]),
        ]
        for (i, (x, rounding, expected, flags)) in rows.enumerated() {
            var fpu = X87Arithmetic(control: X87Control(rounding: rounding))
            XCTAssertEqual(fpu.convertToPackedBCD(x), expected, "row \(i)")
            XCTAssertEqual(fpu.flags, flags, "row \(i)")
        }
        XCTAssertEqual(X87PackedBCD.indefinite, X87PackedBCD(low: 0xC000_0000_0000_0000, high: 0xFFFF))
    }

    /// Arbitrary bit patterns (every class, any exponent) under arbitrary
    /// control words: no trap, and the range rule of the trigonometric
    /// instructions holds. Guest data reaches these methods unfiltered.
    func testArbitraryEncodingsAndControlWords() {
        var rng = DiffRandom(seed: 0x5357_4946_5438_3704)
        var generator = X87OperandGenerator(rng: DiffRandom(seed: 0x5357_4946_5438_3705))
        func pattern() -> E {
            rng.next() % 2 == 0 ? generator.operand() : E(signExponent: UInt16(truncatingIfNeeded: rng.next()), significand: rng.next())
        }
        for _ in 0..<20000 {
            let a = pattern(), b = pattern()
            var fpu = X87Arithmetic(control: X87Control(controlWord: UInt16(truncatingIfNeeded: rng.next())))
            let inRange = a.exponent < 0x3FFF + 63 || a.exponent == 0x7FFF || a.isUnsupported
            XCTAssertEqual(fpu.sine(a) != nil, inRange)
            XCTAssertEqual(fpu.flags.contains(.c2), !inRange)
            XCTAssertEqual(fpu.cosine(a) != nil, inRange)
            XCTAssertEqual(fpu.sineCosine(a) != nil, inRange)
            XCTAssertEqual(fpu.partialTangent(a) != nil, inRange)
            _ = fpu.partialArctangent(y: a, x: b)
            _ = fpu.twoToXMinusOne(a)
            _ = fpu.yLog2X(y: b, x: a)
            _ = fpu.yLog2XPlusOne(y: b, x: a)
            _ = fpu.convertToPackedBCD(a)
            _ = fpu.load(packedBCD: X87PackedBCD(low: a.significand, high: a.signExponent))
            if a.isUnsupported {
                var checked = X87Arithmetic()
                XCTAssertEqual(checked.twoToXMinusOne(a), .indefinite)
                XCTAssertEqual(checked.flags, .invalid)
            }
        }
    }
}
