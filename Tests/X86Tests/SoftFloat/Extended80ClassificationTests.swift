import XCTest
@testable import X86

/// The encoding classes of SDM Vol. 1 §8.2.2 Table 8-3, one row per class and sign.
final class Extended80ClassificationTests: XCTestCase {
    func testTable8_3() {
        let rows: [(UInt16, UInt64, Extended80.Kind, unsupported: Bool, denormalOperand: Bool)] = [
            (0x0000, 0, .zero, false, false),
            (0x0000, 0x0000_0000_0000_0001, .denormal, false, true),
            (0x0000, 0x7FFF_FFFF_FFFF_FFFF, .denormal, false, true),
            (0x0000, 0x8000_0000_0000_0000, .pseudoDenormal, false, true),
            (0x0000, 0xFFFF_FFFF_FFFF_FFFF, .pseudoDenormal, false, true),
            (0x0001, 0x8000_0000_0000_0000, .normal, false, false),
            (0x7FFE, 0xFFFF_FFFF_FFFF_FFFF, .normal, false, false),
            (0x0001, 0x7FFF_FFFF_FFFF_FFFF, .unnormal, true, false),
            (0x3FFF, 0x0000_0000_0000_0000, .unnormal, true, false),
            (0x7FFE, 0x4000_0000_0000_0000, .unnormal, true, false),
            (0x7FFF, 0x8000_0000_0000_0000, .infinity, false, false),
            (0x7FFF, 0x0000_0000_0000_0000, .pseudoInfinity, true, false),
            (0x7FFF, 0xC000_0000_0000_0000, .quietNaN, false, false),
            (0x7FFF, 0xFFFF_FFFF_FFFF_FFFF, .quietNaN, false, false),
            (0x7FFF, 0x8000_0000_0000_0001, .signalingNaN, false, false),
            (0x7FFF, 0xBFFF_FFFF_FFFF_FFFF, .signalingNaN, false, false),
            (0x7FFF, 0x4000_0000_0000_0000, .pseudoNaN, true, false),
            (0x7FFF, 0x0000_0000_0000_0001, .pseudoNaN, true, false),
        ]
        for (exponent, significand, kind, unsupported, denormalOperand) in rows {
            for sign in [false, true] {
                let x = Extended80(sign: sign, exponent: exponent, significand: significand)
                let label = "\(String(x.signExponent, radix: 16)):\(String(significand, radix: 16))"
                XCTAssertEqual(x.kind, kind, label)
                XCTAssertEqual(x.isUnsupported, unsupported, label)
                XCTAssertEqual(x.isDenormalOperand, denormalOperand, label)
                XCTAssertEqual(x.isNaN, kind == .quietNaN || kind == .signalingNaN, label)
                XCTAssertEqual(x.isSignalingNaN, kind == .signalingNaN, label)
                XCTAssertEqual(x.sign, sign, label)
                XCTAssertEqual(x.exponent, exponent, label)
            }
        }
    }

    func testRealIndefiniteIsANegativeQuietNaN() {
        XCTAssertEqual(Extended80.indefinite.signExponent, 0xFFFF)
        XCTAssertEqual(Extended80.indefinite.significand, 0xC000_0000_0000_0000)
        XCTAssertEqual(Extended80.indefinite.kind, .quietNaN)
    }

    func testControlWordFields() {
        let rows: [(UInt16, X87Control.Rounding, X87Control.Precision)] = [
            (0x037F, .nearestEven, .extended), (0x027F, .nearestEven, .double), (0x007F, .nearestEven, .single),
            (0x077F, .down, .extended), (0x0B7F, .up, .extended), (0x0F7F, .towardZero, .extended),
            (0x0C3F, .towardZero, .single),
        ]
        for (word, rounding, precision) in rows {
            let control = X87Control(controlWord: word)
            XCTAssertEqual(control.rounding, rounding, String(word, radix: 16))
            XCTAssertEqual(control.precision, precision, String(word, radix: 16))
            XCTAssertEqual(control.controlWordBits, word & 0x0F00, String(word, radix: 16))
        }
    }

    func testExamineClasses() {
        // SDM Vol. 2 FXAM: C3 C2 C0 give the class, C1 the sign.
        let rows: [(Extended80?, X87StatusFlags)] = [
            (nil, [.c3, .c0]),
            (Extended80(signExponent: 0x3FFF, significand: 0x4000_0000_0000_0000), []),
            (Extended80(signExponent: 0xFFFF, significand: 0), .c1),
            (Extended80(signExponent: 0x7FFF, significand: 0x8000_0000_0000_0001), .c0),
            (Extended80(signExponent: 0xBFFF, significand: 1 << 63), [.c2, .c1]),
            (Extended80.infinity(sign: false), [.c2, .c0]),
            (Extended80.zero(sign: true), [.c3, .c1]),
            (Extended80(signExponent: 0, significand: 1), [.c3, .c2]),
            (Extended80(signExponent: 0, significand: 1 << 63), [.c3, .c2]),
        ]
        for (i, (value, codes)) in rows.enumerated() {
            XCTAssertEqual(X87Arithmetic.examine(value), codes, "row \(i)")
        }
    }
}
