import XCTest
@testable import X86

/// The fast 128-bit integer square root (FSQRT, SQRTSS/SQRTSD) against the
/// digit-by-digit method it replaced, on edge and seeded random radicands.
final class IntegerSquareRootTests: XCTestCase {
    /// The reference: one root bit per step, from the top pair of radicand bits.
    static func digitByDigit(_ n: UInt128Parts) -> (root: UInt64, remainder: UInt128Parts) {
        var remainder = UInt128Parts(high: 0, low: 0)
        var root = UInt128Parts(high: 0, low: 0)
        var rest = n
        for _ in 0..<64 {
            remainder = remainder.shiftedLeft(2)
            remainder.low |= rest.high >> 62
            rest = rest.shiftedLeft(2)
            root = root.shiftedLeft(1)
            let trial = UInt128Parts(high: root.high << 1 | root.low >> 63, low: root.low << 1 | 1)
            if !(remainder < trial) {
                remainder = remainder - trial
                root.low |= 1
            }
        }
        return (root.low, remainder)
    }

    static let edges: [UInt128Parts] = {
        var values: [UInt128Parts] = [
            UInt128Parts(high: 0, low: 0), UInt128Parts(high: 0, low: 1), UInt128Parts(high: 0, low: 2),
            UInt128Parts(high: 0, low: 3), UInt128Parts(high: 0, low: 4), UInt128Parts(high: 0, low: .max),
            UInt128Parts(high: 1, low: 0), UInt128Parts(high: .max, low: .max), UInt128Parts(high: .max, low: 0),
            UInt128Parts(high: .max - 1, low: 1), UInt128Parts(high: 1 << 63, low: 0), UInt128Parts(high: 1 << 62, low: 0),
            UInt128Parts(high: 1 << 62 - 1, low: .max), UInt128Parts(high: 3 << 62, low: 0),
        ]
        // Perfect squares and their neighbours, the roots' extremes included.
        for r: UInt64 in [1, 2, 3, 1 << 31, 1 << 32 - 1, 1 << 32, 1 << 62, 1 << 63 - 1, 1 << 63, 1 << 63 + 1,
                          .max, .max - 1, 0xB504_F333_F9DE_6484, 0xFFFF_FFFF_0000_0000] {
            let s = r.multipliedFullWidth(by: r)
            let square = UInt128Parts(high: s.high, low: s.low)
            values += [square, square - UInt128Parts(high: 0, low: 1), (square + UInt128Parts(high: 0, low: 1)).sum]
        }
        return values
    }()

    func testEdgeRadicandsMatchDigitByDigit() {
        for n in Self.edges {
            let fast = X87Arithmetic.integerSquareRoot(n), reference = Self.digitByDigit(n)
            XCTAssertEqual(fast.root, reference.root, "root of \(n)")
            XCTAssertEqual(fast.remainder, reference.remainder, "remainder of \(n)")
        }
    }

    func testRandomRadicandsMatchDigitByDigit() {
        let seed: UInt64 = 0x5EED_0123_4567_89AB
        var state = seed
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state ^ state >> 29
        }
        var mismatches = 0
        for i in 0..<200_000 {
            // Every width, and the normalized radicands FSQRT and SQRTSD pass.
            let width = i % 129
            var n = UInt128Parts(high: next(), low: next())
            if i % 3 == 0 {
                n.high |= 1 << 62
            } else if width < 128 {
                n = UInt128Parts(high: width > 64 ? n.high >> UInt64(128 - width) : 0,
                                 low: width == 0 ? 0 : width > 64 ? n.low : n.low >> UInt64(64 - width))
            }
            let fast = X87Arithmetic.integerSquareRoot(n), reference = Self.digitByDigit(n)
            if fast.root != reference.root || fast.remainder != reference.remainder {
                mismatches += 1
                if mismatches <= 5 { XCTFail("seed \(seed) iteration \(i): √\(n) gave \(fast), expected \(reference)") }
            }
        }
        XCTAssertEqual(mismatches, 0, "seed \(seed)")
    }
}
