// Checks SoftFloat's transcendental instructions against the reference table
// Tests/SoftFloatReference/x87_transcendental.txt (exact values from mpmath,
// made by generate_x87_transcendental.py beside it): in every rounding mode
// each result must be within one unit in the last place of the correctly
// rounded value, PE must say whether the value is exact, and C1 must say
// whether a correctly rounded result was rounded up.

import Foundation
import XCTest
@testable import X86

final class X87TranscendentalReferenceTests: XCTestCase {
    struct ReferenceCase {
        var op: String
        var st0: Extended80
        var st1: Extended80
        var sign: Bool
        /// The unbiased exponent of the exact value's leading bit.
        var exponent: Int32
        /// The first 192 bits of its significand, most significant word first.
        var words: (UInt64, UInt64, UInt64)
        var inexact: Bool
        var line: Int
    }

    static func loadTable() throws -> [ReferenceCase] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("SoftFloatReference/x87_transcendental.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        var cases: [ReferenceCase] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let f = line.split(separator: " ").map(String.init)
            func extended(_ s: String) -> Extended80? {
                let parts = s.split(separator: ":")
                guard parts.count == 2, let se = UInt16(parts[0], radix: 16), let m = UInt64(parts[1], radix: 16) else { return nil }
                return Extended80(signExponent: se, significand: m)
            }
            guard f.count == 7, let st0 = extended(f[1]), let st1 = extended(f[2]), let e = Int32(f[4]), f[5].count == 48,
                  let w0 = UInt64(f[5].prefix(16), radix: 16), let w1 = UInt64(f[5].dropFirst(16).prefix(16), radix: 16),
                  let w2 = UInt64(f[5].suffix(16), radix: 16) else {
                throw XCTSkip("malformed reference line \(index + 1): \(line)")
            }
            cases.append(ReferenceCase(op: f[0], st0: st0, st1: st1, sign: f[3] == "-", exponent: e,
                                       words: (w0, w1, w2), inexact: f[6] == "inexact", line: index + 1))
        }
        return cases
    }

    /// SoftFloat's result for a case, and for FSIN/FCOS a check that FSINCOS agrees.
    static func evaluate(_ c: ReferenceCase, _ fpu: inout X87Arithmetic) -> (Extended80, consistent: Bool)? {
        switch c.op {
        case "fsin":
            var other = fpu
            guard let r = fpu.sine(c.st0), let pair = other.sineCosine(c.st0) else { return nil }
            return (r, pair.sine == r)
        case "fcos":
            var other = fpu
            guard let r = fpu.cosine(c.st0), let pair = other.sineCosine(c.st0) else { return nil }
            return (r, pair.cosine == r)
        case "fptan":
            guard let r = fpu.partialTangent(c.st0) else { return nil }
            return (r.tangent, r.pushed == X87Arithmetic.one)
        case "fpatan": return (fpu.partialArctangent(y: c.st1, x: c.st0), true)
        case "f2xm1": return (fpu.twoToXMinusOne(c.st0), true)
        case "fyl2x": return (fpu.yLog2X(y: c.st1, x: c.st0), true)
        case "fyl2xp1": return (fpu.yLog2XPlusOne(y: c.st1, x: c.st0), true)
        default: return nil
        }
    }

    /// How many representable values lie from b up to a (same sign, finite),
    /// counting across binades and into the denormals; Int64.max when far.
    static func distance(_ a: Extended80, _ b: Extended80) -> Int64 {
        if a.isZero && b.isZero { return 0 }
        guard a.sign == b.sign else { return Int64.max }
        let mask: UInt64 = 0x7FFF_FFFF_FFFF_FFFF
        let fa = a.significand & mask, fb = b.significand & mask
        // Across a binade boundary: the values up to it, then those after it.
        func across(_ low: UInt64, _ high: UInt64) -> Int64 {
            let (sum, overflow) = (1 << 63 - low).addingReportingOverflow(high)
            return overflow || sum > UInt64(Int64.max) ? Int64.max : Int64(sum)
        }
        let magnitude: Int64
        switch Int(a.exponent) - Int(b.exponent) {
        case 0: magnitude = Int64(fa) - Int64(fb)
        case 1: magnitude = across(fb, fa)
        case -1: magnitude = -across(fa, fb)
        default: return Int64.max
        }
        return a.sign ? -magnitude : magnitude
    }

    /// (ours − exact) in units in the last place of the exact value's binade.
    static func error(of result: Extended80, _ c: ReferenceCase) -> Double? {
        guard result.exponent != 0, result.sign == c.sign else { return nil }
        let shift = Int32(result.exponent) - Extended80.exponentBias - c.exponent
        let scaled: UInt64
        var half = 0.0
        switch shift {
        case 0: scaled = result.significand
        case 1: scaled = result.significand << 1
        case -1:
            scaled = result.significand >> 1
            half = Double(result.significand & 1) / 2
        default: return nil
        }
        let fraction = Double(c.words.1) / 0x1p64 + Double(c.words.2) / 0x1p128
        return Double(Int64(bitPattern: scaled &- c.words.0)) + half - fraction
    }

    func testWithinOneUlpOfCorrectlyRounded() throws {
        let cases = try X87TranscendentalReferenceTests.loadTable()
        XCTAssertGreaterThan(cases.count, 1000)
        var worstNearest: [String: Double] = [:], worstDirected: [String: Double] = [:]
        var total: [String: Int] = [:], correctlyRounded: [String: Int] = [:]
        var failures = 0
        for c in cases {
            for rounding in X87Control.Rounding.allCases {
                var fpu = X87Arithmetic(control: X87Control(rounding: rounding))
                guard let (result, consistent) = X87TranscendentalReferenceTests.evaluate(c, &fpu) else {
                    XCTFail("line \(c.line): no result for \(c.op)")
                    continue
                }
                var reference = X87Arithmetic(control: X87Control(rounding: rounding))
                let exact = UInt128Parts(high: c.words.0, low: c.words.1 | (c.words.2 != 0 || c.inexact ? 1 : 0))
                let expected = c.words.0 == 0 ? Extended80.zero(sign: c.sign)
                    : reference.roundToExtended(sign: c.sign, exponent: c.exponent + Extended80.exponentBias,
                                                significand: exact, precision: .extended)
                let distance = X87TranscendentalReferenceTests.distance(result, expected)
                total[c.op, default: 0] += 1
                if distance == 0 { correctlyRounded[c.op, default: 0] += 1 }
                if let e = X87TranscendentalReferenceTests.error(of: result, c) {
                    if rounding == .nearestEven {
                        worstNearest[c.op] = max(worstNearest[c.op] ?? 0, abs(e))
                    } else {
                        worstDirected[c.op] = max(worstDirected[c.op] ?? 0, abs(e))
                    }
                }
                let precisionOK = fpu.flags.contains(.precision) == reference.flags.contains(.precision)
                let c1OK = distance != 0 || fpu.flags.contains(.c1) == reference.flags.contains(.c1)
                if abs(distance) > 1 || result.sign != expected.sign || !precisionOK || !c1OK || !consistent {
                    failures += 1
                    if failures <= 20 {
                        XCTFail("line \(c.line) \(c.op) \(rounding): got \(hex(result)) flags \(String(fpu.flags.rawValue, radix: 16)), "
                                + "correctly rounded \(hex(expected)) flags \(String(reference.flags.rawValue, radix: 16)), "
                                + "distance \(distance), consistent \(consistent)")
                    }
                }
            }
        }
        let summary = total.keys.sorted().map { op in
            "\(op): \(correctlyRounded[op] ?? 0)/\(total[op] ?? 0) correctly rounded; max error "
                + "\(String(format: "%.4f", worstNearest[op] ?? 0)) ulp to nearest, \(String(format: "%.4f", worstDirected[op] ?? 0)) directed"
        }
        print("x87 transcendental reference (\(cases.count) cases x 4 rounding modes):\n  " + summary.joined(separator: "\n  "))
        XCTAssertEqual(failures, 0)
    }

    private func hex(_ x: Extended80) -> String {
        String(x.signExponent, radix: 16) + ":" + String(x.significand, radix: 16)
    }
}
