import XCTest
@testable import X86

/// Results the SDM documents for special operands (masked responses), as tables.
final class X87SpecialCaseTests: XCTestCase {
    typealias E = Extended80
    static let one = E(signExponent: 0x3FFF, significand: 1 << 63)
    static let two = E(signExponent: 0x4000, significand: 1 << 63)
    static let three = E(signExponent: 0x4000, significand: 0xC000_0000_0000_0000)
    static let minusOne = E(signExponent: 0xBFFF, significand: 1 << 63)
    static let half = E(signExponent: 0x3FFE, significand: 1 << 63)
    static let qnan = E(signExponent: 0x7FFF, significand: 0xC000_0000_0000_1234)
    static let qnanBig = E(signExponent: 0xFFFF, significand: 0xC000_0000_0000_9999)
    static let snan = E(signExponent: 0x7FFF, significand: 0x8000_0000_0000_5678)
    static let snanBig = E(signExponent: 0x7FFF, significand: 0x8000_0000_0000_9999)
    static let denormal = E(signExponent: 0x0000, significand: 0x0000_0000_0000_0001)
    static let pseudoDenormal = E(signExponent: 0x0000, significand: 0x8000_0000_0000_0000)
    static let unnormal = E(signExponent: 0x3FFF, significand: 0x4000_0000_0000_0000)
    static let maxNormal = E(signExponent: 0x7FFE, significand: ~0)
    static let minNormal = E(signExponent: 0x0001, significand: 1 << 63)
    static let inf = E.infinity(sign: false), minusInf = E.infinity(sign: true)

    enum Op { case add, sub, mul, div, sqrt, scale, rndint }

    func run(_ op: Op, _ a: E, _ b: E, _ control: X87Control = X87Control()) -> (E, X87StatusFlags) {
        var fpu = X87Arithmetic(control: control)
        let r: E
        switch op {
        case .add: r = fpu.add(a, b)
        case .sub: r = fpu.subtract(a, b)
        case .mul: r = fpu.multiply(a, b)
        case .div: r = fpu.divide(a, b)
        case .sqrt: r = fpu.squareRoot(a)
        case .scale: r = fpu.scale(a, by: b)
        case .rndint: r = fpu.roundToInteger(a)
        }
        return (r, fpu.flags.intersection(X87StatusFlags.exceptions.union(.c1)))
    }

    func testInvalidOperationsGiveTheRealIndefinite() {
        // SDM Vol. 1 §4.9.1.2 Table 4-9 and §8.2.2 (unsupported encodings).
        let rows: [(Op, E, E)] = [
            (.sub, Self.inf, Self.inf), (.add, Self.inf, Self.minusInf), (.mul, .zero(sign: false), Self.inf),
            (.div, .zero(sign: true), .zero(sign: false)), (.div, Self.inf, Self.minusInf),
            (.sqrt, Self.minusOne, .zero(sign: false)), (.sqrt, Self.minusInf, .zero(sign: false)),
            (.scale, .zero(sign: false), Self.inf), (.scale, Self.inf, Self.minusInf),
            (.add, Self.unnormal, Self.one), (.mul, Self.one, Self.unnormal),
            (.add, Self.qnan, Self.unnormal),
        ]
        for (i, (op, a, b)) in rows.enumerated() {
            let (r, flags) = run(op, a, b)
            XCTAssertEqual(r, .indefinite, "row \(i)")
            XCTAssertEqual(flags, .invalid, "row \(i)")
        }
    }

    func testNaNPropagationTable4_7() {
        // SDM Vol. 1 §4.8.3.5 Table 4-7 (x87 column).
        let rows: [(E, E, E, Bool)] = [
            (Self.snan, Self.one, Self.snan.quieted, true),
            (Self.one, Self.qnan, Self.qnan, false),
            (Self.snan, Self.qnan, Self.qnan, true),
            (Self.qnan, Self.snan, Self.qnan, true),
            (Self.snan, Self.snanBig, Self.snanBig.quieted, true),
            (Self.qnanBig, Self.qnan, Self.qnanBig, false),
            (Self.qnan, Self.qnanBig, Self.qnanBig, false),
        ]
        for (i, (a, b, expected, invalid)) in rows.enumerated() {
            let (r, flags) = run(.add, a, b)
            XCTAssertEqual(r, expected, "row \(i)")
            XCTAssertEqual(flags, invalid ? .invalid : [], "row \(i)")
        }
    }

    func testMaskedOverflowByRoundingMode() {
        // SDM Vol. 1 §4.9.1.4 Table 4-10: infinity or the largest finite value.
        let rows: [(X87Control.Rounding, Bool, E, Bool)] = [
            (.nearestEven, false, Self.inf, true), (.nearestEven, true, Self.minusInf, true),
            (.towardZero, false, Self.maxNormal, false), (.towardZero, true, E(signExponent: 0xFFFE, significand: ~0), false),
            (.up, false, Self.inf, true), (.up, true, E(signExponent: 0xFFFE, significand: ~0), false),
            (.down, false, Self.maxNormal, false), (.down, true, Self.minusInf, true),
        ]
        for (rounding, negative, expected, roundedUp) in rows {
            var a = Self.maxNormal
            if negative { a.signExponent |= 0x8000 }
            let (r, flags) = run(.mul, a, Self.two, X87Control(rounding: rounding))
            XCTAssertEqual(r, expected, "\(rounding) negative=\(negative)")
            XCTAssertEqual(flags, roundedUp ? [.overflow, .precision, .c1] : [.overflow, .precision], "\(rounding)")
        }
        // Precision control keeps the largest finite value at 24 significant bits.
        let (r, _) = run(.mul, Self.maxNormal, Self.two, X87Control(rounding: .towardZero, precision: .single))
        XCTAssertEqual(r, E(signExponent: 0x7FFE, significand: 0xFFFF_FF00_0000_0000))
    }

    func testMaskedUnderflowAndDenormals() {
        // §4.9.1.5: a tiny exact result is a denormal without UE; a tiny inexact one raises UE and PE.
        let quarter = E(signExponent: 0x3FFD, significand: 1 << 63)
        XCTAssertTrue(run(.mul, Self.minNormal, Self.half, X87Control()) == (E(signExponent: 0, significand: 1 << 62), []))
        let (r, flags) = run(.mul, E(signExponent: 0x0001, significand: 0x8000_0000_0000_0001), quarter)
        XCTAssertEqual(r, E(signExponent: 0, significand: 0x2000_0000_0000_0000))
        XCTAssertEqual(flags, [.underflow, .precision])
        // A denormal operand raises DE; a pseudo-denormal has the value of exponent 1.
        XCTAssertTrue(run(.add, Self.denormal, Self.denormal) == (E(signExponent: 0, significand: 2), .denormal))
        XCTAssertTrue(run(.mul, Self.pseudoDenormal, Self.one) == (Self.minNormal, .denormal))
    }

    func testRoundingModesAndC1() {
        // 1 + 2^-64 is exactly half-way between 1 and its successor at 64 bits.
        let tiny = E(signExponent: 0x3FBF, significand: 1 << 63)
        let up = E(signExponent: 0x3FFF, significand: 0x8000_0000_0000_0001)
        let rows: [(X87Control.Rounding, E, X87StatusFlags)] = [
            (.nearestEven, Self.one, .precision), (.towardZero, Self.one, .precision),
            (.down, Self.one, .precision), (.up, up, [.precision, .c1]),
        ]
        for (rounding, expected, flags) in rows {
            XCTAssertTrue(run(.add, Self.one, tiny, X87Control(rounding: rounding)) == (expected, flags), "\(rounding)")
        }
        // An exact zero sum is +0, or −0 when rounding down (IEEE 754 §6.3).
        XCTAssertEqual(run(.sub, Self.one, Self.one).0, .zero(sign: false))
        XCTAssertEqual(run(.sub, Self.one, Self.one, X87Control(rounding: .down)).0, .zero(sign: true))
        // 1/3 at 24 bits, to nearest: 0xAAAAAB.
        XCTAssertEqual(run(.div, Self.one, Self.three, X87Control(precision: .single)).0,
                       E(signExponent: 0x3FFD, significand: 0xAAAA_AB00_0000_0000))
    }

    func testDivideByZeroAndSquareRoot() {
        XCTAssertTrue(run(.div, Self.minusOne, .zero(sign: false)) == (Self.minusInf, .zeroDivide))
        XCTAssertTrue(run(.sqrt, .zero(sign: true), Self.one) == (.zero(sign: true), []))
        XCTAssertTrue(run(.sqrt, E(signExponent: 0x4001, significand: 1 << 63), Self.one) == (Self.two, []))
    }

    func testRoundToIntegerAndScale() {
        let twoAndHalf = E(signExponent: 0x4000, significand: 0xA000_0000_0000_0000)
        XCTAssertTrue(run(.rndint, twoAndHalf, Self.one) == (Self.two, .precision))
        XCTAssertTrue(run(.rndint, twoAndHalf, Self.one, X87Control(rounding: .up)) == (Self.three, [.precision, .c1]))
        XCTAssertTrue(run(.scale, Self.one, Self.three) == (E(signExponent: 0x4002, significand: 1 << 63), []))
        XCTAssertTrue(run(.scale, Self.three, Self.minusInf) == (.zero(sign: false), []))
        XCTAssertTrue(run(.scale, .zero(sign: true), E(signExponent: 0x4010, significand: 1 << 63)) == (.zero(sign: true), []))
    }

    func testExtract() {
        var fpu = X87Arithmetic()
        let (e, s) = fpu.extract(E(signExponent: 0xC005, significand: 0xC000_0000_0000_0000))
        XCTAssertEqual(e, fpu.load(integer: 6))
        XCTAssertEqual(s, E(signExponent: 0xBFFF, significand: 0xC000_0000_0000_0000))
        XCTAssertEqual(fpu.flags, [])
        let (ez, sz) = fpu.extract(.zero(sign: true))
        XCTAssertEqual(ez, Self.minusInf)
        XCTAssertEqual(sz, .zero(sign: true))
        XCTAssertEqual(fpu.flags, .zeroDivide)
    }

    func testPartialRemainderQuotientBits() {
        // 7 rem 2: quotient 3 (C0=0 C3=1 C1=1), remainder 1; FPREM1: quotient 4, remainder −1.
        let seven = E(signExponent: 0x4001, significand: 0xE000_0000_0000_0000)
        var fpu = X87Arithmetic()
        XCTAssertEqual(fpu.partialRemainder(seven, Self.two, ieee: false), Self.one)
        XCTAssertEqual(fpu.flags.intersection(.conditionCodes), [.c3, .c1])
        XCTAssertEqual(fpu.partialRemainder(seven, Self.two, ieee: true), Self.minusOne)
        XCTAssertEqual(fpu.flags.intersection(.conditionCodes), .c0)
        // An exponent difference of 64 or more only reduces it (C2 set).
        let huge = E(signExponent: 0x3FFF + 100, significand: 0xB504_F333_F9DE_6484)
        let r = fpu.partialRemainder(huge, Self.three, ieee: false)
        XCTAssertEqual(fpu.flags.intersection(.conditionCodes), .c2)
        XCTAssertLessThan(r.exponent, huge.exponent)
        XCTAssertGreaterThanOrEqual(r.exponent, 0x3FFF + 100 - 63)
    }

    func testCompareConditionCodes() {
        // SDM Vol. 2 FCOM/FUCOM condition-code table: C3 C2 C0.
        let rows: [(E, E, Bool, X87StatusFlags, X87StatusFlags)] = [
            (Self.two, Self.one, true, [], []), (Self.one, Self.two, true, .c0, []),
            (.zero(sign: true), .zero(sign: false), true, .c3, []),
            (Self.qnan, Self.one, true, [.c3, .c2, .c0], .invalid),
            (Self.qnan, Self.one, false, [.c3, .c2, .c0], []),
            (Self.snan, Self.one, false, [.c3, .c2, .c0], .invalid),
            (Self.unnormal, Self.one, false, [.c3, .c2, .c0], .invalid),
            (Self.denormal, .zero(sign: false), false, [], .denormal),
            (Self.minusInf, Self.maxNormal, true, .c0, []),
        ]
        for (i, (a, b, ordered, codes, exceptions)) in rows.enumerated() {
            var fpu = X87Arithmetic(flags: .c1)
            _ = fpu.compare(a, b, ordered: ordered)
            XCTAssertEqual(fpu.flags.intersection(.conditionCodes), codes, "row \(i)")
            XCTAssertEqual(fpu.flags.intersection(.exceptions), exceptions, "row \(i)")
        }
    }

    func testIntegerConversions() {
        // FIST: out of range or NaN gives the integer indefinite with IE (SDM Vol. 1 §4.8.3.7).
        let rows: [(E, Int, X87Control.Rounding, Int64, X87StatusFlags)] = [
            (E(signExponent: 0x400D, significand: 0xFFFE_0000_0000_0000), 16, .nearestEven, 32767, []),
            (E(signExponent: 0x400D, significand: 0xFFFF_0000_0000_0000), 16, .nearestEven, -32768, .invalid),
            (E(signExponent: 0x400D, significand: 0xFFFF_0000_0000_0000), 16, .towardZero, 32767, .precision),
            (E(signExponent: 0xC00E, significand: 0x8000_0000_0000_0000), 16, .nearestEven, -32768, []),
            (E(signExponent: 0xC00E, significand: 0x8000_8000_0000_0000), 16, .up, -32768, .precision),
            (E(signExponent: 0x403E, significand: 0x8000_0000_0000_0000), 64, .nearestEven, Int64.min, .invalid),
            (E(signExponent: 0xC03E, significand: 0x8000_0000_0000_0000), 64, .nearestEven, Int64.min, []),
            (Self.qnan, 32, .nearestEven, Int64(Int32.min), .invalid),
            (Self.half, 32, .nearestEven, 0, .precision),
            (Self.half, 32, .up, 1, [.precision, .c1]),
        ]
        for (i, (a, bits, rounding, expected, flags)) in rows.enumerated() {
            var fpu = X87Arithmetic(control: X87Control(rounding: rounding))
            XCTAssertEqual(fpu.convertToInteger(a, bits: bits), expected, "row \(i)")
            XCTAssertEqual(fpu.flags, flags, "row \(i)")
        }
        let fpu = X87Arithmetic()
        XCTAssertEqual(fpu.load(integer: Int64.min), E(signExponent: 0xC03E, significand: 1 << 63))
        XCTAssertEqual(fpu.load(integer: -3), E(signExponent: 0xC000, significand: 0xC000_0000_0000_0000))
    }

    func testBinaryConversions() {
        var fpu = X87Arithmetic()
        // FLD m32fp of an SNaN: IE and the quieted NaN (§4.8.3.5).
        XCTAssertEqual(fpu.load(binary32: 0x7F80_0001), E(signExponent: 0x7FFF, significand: 0xC000_0100_0000_0000))
        XCTAssertEqual(fpu.flags, .invalid)
        fpu.flags = []
        XCTAssertEqual(fpu.load(binary64: 1), E(signExponent: 0x3FFF - 1074, significand: 1 << 63))
        XCTAssertEqual(fpu.flags, .denormal)
        fpu.flags = []
        XCTAssertEqual(fpu.convertToBinary32(Self.maxNormal), 0x7F80_0000)
        XCTAssertEqual(fpu.flags, [.overflow, .precision, .c1])
        fpu.flags = []
        XCTAssertEqual(fpu.convertToBinary64(Self.unnormal), 0xFFF8_0000_0000_0000)
        XCTAssertEqual(fpu.flags, .invalid)
        fpu.flags = []
        XCTAssertEqual(fpu.convertToBinary32(Self.three), 0x4040_0000)
        XCTAssertEqual(fpu.convertToBinary64(Self.minusOne), 0xBFF0_0000_0000_0000)
        XCTAssertEqual(fpu.flags, [])
        // The smallest binary32 denormal, from 2^-149 exactly; half of it rounds to zero with UE.
        XCTAssertEqual(fpu.convertToBinary32(E(signExponent: 0x3FFF - 149, significand: 1 << 63)), 1)
        XCTAssertEqual(fpu.flags, [])
        XCTAssertEqual(fpu.convertToBinary32(E(signExponent: 0x3FFF - 150, significand: 1 << 63)), 0)
        XCTAssertEqual(fpu.flags, [.underflow, .precision])
    }

    func testUnmaskedResponses() {
        // SDM Vol. 1 §8.5.4/§8.5.5: the exponent is adjusted by 24576; UE even when exact.
        let unmasked = X87Control(exceptionMasks: [.invalid, .zeroDivide, .precision])
        let rows: [(E, E, E, X87StatusFlags)] = [
            (Self.maxNormal, Self.two, E(signExponent: 0x7FFF - 0x6000, significand: ~0), .overflow),
            (Self.minNormal, Self.half, E(signExponent: 0x6000, significand: 1 << 63), .underflow),
            (Self.denormal, Self.one, Self.denormal, .denormal),
        ]
        for (i, (a, b, expected, flags)) in rows.enumerated() {
            XCTAssertTrue(run(.mul, a, b, unmasked) == (expected, flags), "row \(i)")
        }
    }
}
