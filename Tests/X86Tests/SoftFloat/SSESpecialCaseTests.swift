// The SSE SoftFloat's special cases from the SDM, one table row each, so they
// are checked on any host (the differential test needs an x86-64 one); and
// the error bound of RCPPS/RSQRTPS over many operands.

import XCTest
@testable import X86

final class SSESpecialCaseTests: XCTestCase {
    private static let qnan: UInt32 = 0x7FC0_1234, snan: UInt32 = 0x7F80_1234, one: UInt32 = 0x3F80_0000
    private static let denormal: UInt32 = 0x0000_0100, indefinite: UInt32 = 0xFFC0_0000

    func testOutcomeCombinesLanes() {
        let rows: [(masks: SSEExceptions, flags: SSEExceptions, raised: SSEExceptions, unmasked: Bool)] = [
            (.all, [.zeroDivide, .overflow, .precision], [.zeroDivide, .overflow, .precision], false),
            (SSEExceptions.all.subtracting(.zeroDivide), [.zeroDivide, .denormal, .overflow, .underflow, .precision],
             [.zeroDivide, .denormal], true),
            (SSEExceptions.all.subtracting(.overflow), [.zeroDivide, .overflow, .precision], [.zeroDivide, .overflow, .precision], true),
            (SSEExceptions.all.subtracting(.precision), [.precision], [.precision], true),
            (SSEExceptions.all.subtracting(.invalid), [.denormal, .precision], [.denormal, .precision], false),
        ]
        for (i, row) in rows.enumerated() {
            var s = SSEStatus(masks: row.masks)
            s.flags = row.flags
            XCTAssertEqual(s.outcome.raised, row.raised, "row \(i)")
            XCTAssertEqual(s.outcome.unmasked, row.unmasked, "row \(i)")
        }
        // MXCSR's own sticky flags are not the instruction's: a fresh status raised nothing.
        XCTAssertTrue(SSEStatus(mxcsr: 0x1F81).outcome.raised.isEmpty)
    }

    func testBinaryOperations() {
        typealias Row = (name: String, mxcsr: UInt32, op: (inout SSEStatus, UInt32, UInt32) -> UInt32,
                         a: UInt32, b: UInt32, result: UInt32, flags: SSEExceptions)
        let q = SSESpecialCaseTests.qnan, s = SSESpecialCaseTests.snan, one = SSESpecialCaseTests.one
        let den = SSESpecialCaseTests.denormal
        let rows: [Row] = [
            ("first NaN wins", 0x1F80, { $0.add($1, $2) }, q, s, q, .invalid),
            ("SNaN quieted", 0x1F80, { $0.add($1, $2) }, one, s, s | 0x40_0000, .invalid),
            ("QNaN raises nothing", 0x1F80, { $0.multiply($1, $2) }, one, q, q, []),
            ("inf - inf", 0x1F80, { $0.subtract($1, $2) }, 0x7F80_0000, 0x7F80_0000, SSESpecialCaseTests.indefinite, .invalid),
            ("x - x is -0 rounding down", 0x3F80, { $0.subtract($1, $2) }, one, one, 0x8000_0000, []),
            ("1/0", 0x1F80, { $0.divide($1, $2) }, one, 0, 0x7F80_0000, .zeroDivide),
            ("denormal/0: ZE over DE", 0x1F80, { $0.divide($1, $2) }, den, 0, 0x7F80_0000, .zeroDivide),
            ("QNaN over DE", 0x1F80, { $0.add($1, $2) }, q, den, q, []),
            ("DAZ", 0x1FC0, { $0.add($1, $2) }, den, 0, 0, []),
            ("FTZ flushes", 0x9F80, { $0.multiply($1, $2) }, 0x0D80_0000, 0x3080_0000, 0, [.underflow, .precision]),
            ("exact tiny masked", 0x1F80, { $0.multiply($1, $2) }, 0x0080_0000, 0x3F00_0000, 0x0040_0000, []),
            ("exact tiny, UE unmasked", 0x1780, { $0.multiply($1, $2) }, 0x0080_0000, 0x3F00_0000, 0, .underflow),
            ("overflow to infinity", 0x1F80, { $0.multiply($1, $2) }, 0x7F00_0000, 0x4000_0000, 0x7F80_0000, [.overflow, .precision]),
            ("overflow toward zero", 0x7F80, { $0.multiply($1, $2) }, 0x7F00_0000, 0x4000_0000, 0x7F7F_FFFF, [.overflow, .precision]),
            ("exact overflow, OE unmasked", 0x1B80, { $0.multiply($1, $2) }, 0x7F00_0000, 0x4000_0000, 0x7F80_0000, .overflow),
            ("min: NaN gives second", 0x1F80, { $0.minimum($1, $2) }, q, one, one, .invalid),
            ("min: SNaN second kept", 0x1F80, { $0.minimum($1, $2) }, one, s, s, .invalid),
            ("min: zeros give second", 0x1F80, { $0.minimum($1, $2) }, 0, 0x8000_0000, 0x8000_0000, []),
            ("max: zeros give second", 0x1F80, { $0.maximum($1, $2) }, 0x8000_0000, 0, 0, []),
            ("max: DAZ denormal as zero", 0x1FC0, { $0.maximum($1, $2) }, den, 0xBF80_0000, 0, []),
            ("CMPLT signals QNaN", 0x1F80, { $0.compare($1, $2, .less) }, q, one, 0, .invalid),
            ("CMPEQ quiet on QNaN", 0x1F80, { $0.compare($1, $2, .equal) }, q, one, 0, []),
            ("CMPNEQ unordered", 0x1F80, { $0.compare($1, $2, .notEqual) }, q, one, ~0, []),
            ("CMPLE denormal", 0x1F80, { $0.compare($1, $2, .lessOrEqual) }, den, one, ~0, .denormal),
        ]
        for row in rows {
            var status = SSEStatus(mxcsr: row.mxcsr)
            let result = row.op(&status, row.a, row.b)
            XCTAssertEqual(result, row.result, "\(row.name): \(String(result, radix: 16))")
            XCTAssertEqual(status.flags, row.flags, row.name)
        }
    }

    func testSquareRootAndConversions() {
        var s = SSEStatus()
        XCTAssertEqual(s.squareRoot(UInt32(0x8000_0000)), 0x8000_0000)
        XCTAssertEqual(s.squareRoot(UInt32(0x4080_0000)), 0x4000_0000)
        XCTAssertEqual(s.flags, [])
        XCTAssertEqual(s.squareRoot(UInt32(0xBF80_0000)), SSESpecialCaseTests.indefinite)
        XCTAssertEqual(s.flags, .invalid)

        let rows: [(a: UInt32, truncating: Bool, mxcsr: UInt32, result: Int32, flags: SSEExceptions)] = [
            (0x4020_0000, false, 0x1F80, 2, .precision),          // 2.5 to nearest even
            (0x4060_0000, false, 0x1F80, 4, .precision),          // 3.5
            (0xC020_0000, true, 0x1F80, -2, .precision),          // -2.5 truncated
            (0xC020_0000, false, 0x3F80, -3, .precision),         // -2.5 rounded down
            (0x4F00_0000, false, 0x1F80, Int32.min, .invalid),    // 2^31
            (0xCF00_0000, false, 0x1F80, Int32.min, []),          // -2^31
            (SSESpecialCaseTests.qnan, false, 0x1F80, Int32.min, .invalid),
            (SSESpecialCaseTests.denormal, false, 0x1F80, 0, .precision),
            (SSESpecialCaseTests.denormal, false, 0x1FC0, 0, []),
        ]
        for (i, row) in rows.enumerated() {
            var status = SSEStatus(mxcsr: row.mxcsr)
            XCTAssertEqual(status.convertToInt32(row.a, truncating: row.truncating), row.result, "row \(i)")
            XCTAssertEqual(status.flags, row.flags, "row \(i)")
        }
        var c = SSEStatus()
        XCTAssertEqual(c.convertToInt64(UInt64(0x43E0_0000_0000_0000), truncating: true), Int64.min)   // 2^63
        XCTAssertEqual(c.flags, .invalid)
        c.flags = []
        XCTAssertEqual(c.convertToBinary64(UInt32(0x7F80_0001)), 0x7FF8_0000_2000_0000)
        XCTAssertEqual(c.flags, .invalid)
        c.flags = []
        XCTAssertEqual(c.convertToBinary32(integer: 0x0100_0001), 0x4B80_0000)
        XCTAssertEqual(c.flags, .precision)
    }

    func testEstimateSpecialCases() {
        let s = SSEStatus(mxcsr: 0x1F80)
        let reciprocal: [(UInt32, UInt32)] = [
            (0, 0x7F80_0000), (0x8000_0000, 0xFF80_0000), (SSESpecialCaseTests.denormal, 0x7F80_0000),
            (0x7F80_0000, 0), (0xFF80_0000, 0x8000_0000), (SSESpecialCaseTests.snan, SSESpecialCaseTests.snan | 0x40_0000),
            (0x7F00_0000, 0), (0xFF00_0000, 0x8000_0000), (0x4000_0000, 0x3F00_0000),
        ]
        for (x, r) in reciprocal { XCTAssertEqual(s.reciprocalEstimate(x), r, "RCP \(String(x, radix: 16))") }
        let root: [(UInt32, UInt32)] = [
            (0, 0x7F80_0000), (0x8000_0000, 0xFF80_0000), (0x8000_0100, 0xFF80_0000), (0xBF80_0000, SSESpecialCaseTests.indefinite),
            (0xFF80_0000, SSESpecialCaseTests.indefinite), (0x7F80_0000, 0), (0x4080_0000, 0x3F00_0000),
            (SSESpecialCaseTests.qnan, SSESpecialCaseTests.qnan),
        ]
        for (x, r) in root { XCTAssertEqual(s.reciprocalSquareRootEstimate(x), r, "RSQRT \(String(x, radix: 16))") }
        XCTAssertEqual(s.flags, [])
    }

    /// |relative error| ≤ 1.5 × 2^-12 (SDM Vol. 2 RCPPS, RSQRTPS) for every
    /// 61st significand of two binades and at the ends of the exponent range.
    func testEstimateErrorBound() {
        let s = SSEStatus()
        var checked = 0
        for exponent: UInt32 in [1, 126, 127, 128, 200, 252] {
            for fraction in stride(from: UInt32(0), to: 1 << 23, by: 61) {
                let x = exponent << 23 | fraction
                XCTAssertTrue(SSEDifferentialTests.withinEstimateBound(x, s.reciprocalEstimate(x), square: false), "RCP \(x)")
                XCTAssertTrue(SSEDifferentialTests.withinEstimateBound(x, s.reciprocalSquareRootEstimate(x), square: true), "RSQRT \(x)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 800_000)
    }
}
