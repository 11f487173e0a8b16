// Runs random x87 operations on the host FPU (Tests/NativeRunner/x87_runner.c)
// and in SwiftPC's SoftFloat, across every rounding mode and precision
// setting, and compares the result bits and the defined status-word bits.
// Set SWIFTPC_X87_SEED to replay a seed, SWIFTPC_X87_CASES for more cases.

import Foundation
import XCTest
@testable import X86

final class X87DifferentialTests: XCTestCase {
    /// The seed of a default run, so that CI runs the same operations every
    /// time; SWIFTPC_X87_SEED picks another.
    static let defaultSeed: UInt64 = 0x5357_4946_5438_3701

    static let operations: [X87RunnerOp] = X87RunnerOp.allCases.filter(\.isBasicArithmetic)

    func testAgainstHostFPU() throws {
        let runner = try X87NativeRunner()
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["SWIFTPC_X87_SEED"].flatMap { UInt64($0) } ?? X87DifferentialTests.defaultSeed
        let perCombination = environment["SWIFTPC_X87_CASES"].flatMap { Int($0) } ?? 300
        let only = environment["SWIFTPC_X87_OPS"].map { Set($0.split(separator: ",").compactMap { UInt8($0) }) }
        var generator = X87OperandGenerator(rng: DiffRandom(seed: seed))
        var total = 0, mismatches = 0
        var perOperation: [X87RunnerOp: Int] = [:]
        for op in X87DifferentialTests.operations where only?.contains(op.rawValue) ?? true {
            var cases: [X87Case] = []
            for rounding in X87Control.Rounding.allCases {
                // PC 00b, 01b (reserved), 10b and 11b.
                for precisionField: UInt16 in 0...3 {
                    let controlWord = 0x003F | rounding.rawValue << 10 | precisionField << 8
                    for _ in 0..<perCombination {
                        cases.append(X87Case(op: op, controlWord: controlWord, a: makeOperand(op, &generator), b: .zero(sign: false)))
                        let a = cases[cases.count - 1].a
                        let far = (op == .partialRemainder || op == .partialRemainderIEEE) && generator.rng.next() % 2 == 0
                        cases[cases.count - 1].b = far ? generator.farPartner(of: a) : generator.partner(of: a)
                    }
                }
            }
            let host = try runner.run(cases)
            let mask = X87Model.definedStatusBits(op)
            for (c, expected) in zip(cases, host) {
                let got = X87Model.run(c)
                total += 1
                let same = got.r0 == expected.r0 && got.r1 == expected.r1
                    && got.statusWord & mask == expected.statusWord & mask
                if !same {
                    mismatches += 1
                    perOperation[op, default: 0] += 1
                    if mismatches <= 30 {
                        print("mismatch \(op) cw=\(hex(c.controlWord)) a=\(describe(c.a)) b=\(describe(c.b))\n"
                              + "  host  r0=\(describe(expected.r0)) r1=\(describe(expected.r1)) sw=\(hex(expected.statusWord & mask))\n"
                              + "  swift r0=\(describe(got.r0)) r1=\(describe(got.r1)) sw=\(hex(got.statusWord & mask))")
                    }
                }
            }
        }
        print("x87 differential: seed \(seed), \(total) operations, \(mismatches) mismatches \(perOperation.map { "\($0.key)=\($0.value)" }.sorted())")
        XCTAssertEqual(mismatches, 0, "seed \(seed)")
        XCTAssertGreaterThan(total, 0)
    }

    /// The register-stack operations with random exception masks: the
    /// unmasked responses (operation stopped by IE/DE/ZE; OE/UE results with
    /// the exponent adjusted by 24576), read back before #MF is delivered.
    func testUnmaskedResponsesAgainstHostFPU() throws {
        let runner = try X87NativeRunner()
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["SWIFTPC_X87_SEED"].flatMap { UInt64($0) } ?? X87DifferentialTests.defaultSeed
        let count = environment["SWIFTPC_X87_CASES"].flatMap { Int($0) }.map { $0 * 10 } ?? 2500
        var generator = X87OperandGenerator(rng: DiffRandom(seed: seed))
        let operations: [X87RunnerOp] = [.add, .subtract, .multiply, .divide, .squareRoot, .roundToInteger,
                                          .partialRemainder, .partialRemainderIEEE, .scale, .extract, .compare, .compareUnordered,
                                          .storeInt16, .storeInt32, .storeInt64, .storeBinary32, .storeBinary64,
                                          .loadBinary32, .loadBinary64]
        var total = 0, mismatches = 0
        var perOperation: [X87RunnerOp: Int] = [:]
        for op in operations {
            var cases: [X87Case] = []
            for _ in 0..<count {
                let masks = UInt16(truncatingIfNeeded: generator.rng.next()) & 0x3F
                let controlWord = masks | UInt16(truncatingIfNeeded: generator.rng.next()) & 0x0F00
                let a = makeOperand(op, &generator)
                let b = op == .scale && generator.rng.next() % 2 == 0
                    ? Extended80(sign: generator.rng.next() & 1 != 0, exponent: UInt16(16383 + generator.rng.next() % 16), significand: generator.significandBits())
                    : generator.partner(of: a)
                cases.append(X87Case(op: op, controlWord: controlWord, a: a, b: b, unmasked: true))
            }
            let host = try runner.run(cases)
            let mask = X87Model.definedStatusBits(op)
            for (c, expected) in zip(cases, host) {
                let got = X87Model.runUnmasked(c)
                total += 1
                if got.r0 != expected.r0 || got.r1 != expected.r1 || got.statusWord & mask != expected.statusWord & mask {
                    mismatches += 1
                    perOperation[op, default: 0] += 1
                    if mismatches <= 30 {
                        print("unmasked mismatch \(op) cw=\(hex(c.controlWord)) a=\(describe(c.a)) b=\(describe(c.b))\n"
                              + "  host  r0=\(describe(expected.r0)) r1=\(describe(expected.r1)) sw=\(hex(expected.statusWord & mask))\n"
                              + "  swift r0=\(describe(got.r0)) r1=\(describe(got.r1)) sw=\(hex(got.statusWord & mask))")
                    }
                }
            }
        }
        print("x87 unmasked differential: seed \(seed), \(total) operations, \(mismatches) mismatches \(perOperation.map { "\($0.key)=\($0.value)" }.sorted())")
        XCTAssertEqual(mismatches, 0, "seed \(seed)")
        XCTAssertGreaterThan(total, 0)
    }

    private func makeOperand(_ op: X87RunnerOp, _ generator: inout X87OperandGenerator) -> Extended80 {
        switch op {
        case .loadInt16: return Extended80(signExponent: 0, significand: generator.integer(bits: 16))
        case .loadInt32: return Extended80(signExponent: 0, significand: generator.integer(bits: 32))
        case .loadInt64: return Extended80(signExponent: 0, significand: generator.integer(bits: 64))
        case .loadBinary32: return Extended80(signExponent: 0, significand: generator.interchange(fractionBits: 23, exponentBits: 8))
        case .loadBinary64: return Extended80(signExponent: 0, significand: generator.interchange(fractionBits: 52, exponentBits: 11))
        default: return generator.operand()
        }
    }

    private func hex<T: BinaryInteger>(_ v: T) -> String { String(v, radix: 16) }
    private func describe(_ x: Extended80) -> String {
        "\(hex(x.signExponent)):\(String(x.significand, radix: 16))"
    }
}
