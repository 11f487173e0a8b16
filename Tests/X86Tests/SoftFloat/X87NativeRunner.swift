// Builds and drives Tests/NativeRunner/x87_runner.c, which runs single x87
// operations on the host FPU (see the protocol at the top of that file).

import Foundation
import XCTest
@testable import X86
#if canImport(Glibc)
import Glibc
#endif

/// The operations x87_runner.c knows, by their protocol number.
enum X87RunnerOp: UInt8, CaseIterable {
    case add = 0, subtract, multiply, divide, squareRoot, roundToInteger, partialRemainder, partialRemainderIEEE
    case scale, extract, compare, compareUnordered
    case storeInt16, storeInt32, storeInt64, loadInt16, loadInt32, loadInt64
    case storeBinary32, storeBinary64, loadBinary32, loadBinary64
    case examine, test
    case truncateInt16, truncateInt32, truncateInt64
    case sine, cosine, sineCosine, tangent, arctangent, twoToXMinusOne, yLog2X, yLog2XPlusOne
    case storePackedBCD, loadPackedBCD

    /// The operations whose results the SDM defines exactly; the
    /// transcendental and packed BCD ones have their own test.
    var isBasicArithmetic: Bool { rawValue < X87RunnerOp.sine.rawValue }
}

struct X87Case {
    var op: X87RunnerOp
    var controlWord: UInt16
    var a: Extended80
    var b: Extended80
    /// Run with the control word's exception masks and read back with FNSAVE
    /// (register-stack operations only).
    var unmasked = false
}

struct X87Outcome: Equatable {
    var r0: Extended80
    var r1: Extended80
    var statusWord: UInt16
}

final class X87NativeRunner {
    let helper: CompiledHelper
    var toRunner: Int32 { helper.toRunner }
    var fromRunner: Int32 { helper.fromRunner }

    init() throws {
        helper = try CompiledHelper(source: "x87_runner.c", magic: "SPCX")
    }

    static func put(_ x: Extended80, _ out: inout [UInt8]) {
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: x.significand >> UInt64(8 * i))) }
        out.append(UInt8(truncatingIfNeeded: x.signExponent))
        out.append(UInt8(truncatingIfNeeded: x.signExponent >> 8))
    }

    static func extended(_ b: [UInt8], _ at: Int) -> Extended80 {
        var significand: UInt64 = 0
        for i in 0..<8 { significand |= UInt64(b[at + i]) << UInt64(8 * i) }
        return Extended80(signExponent: UInt16(b[at + 8]) | UInt16(b[at + 9]) << 8, significand: significand)
    }

    func run(_ cases: [X87Case]) throws -> [X87Outcome] {
        try CompiledHelper.inBatches(cases, runBatch)
    }

    private func runBatch(_ cases: [X87Case]) throws -> [X87Outcome] {
        var out: [UInt8] = []
        out.reserveCapacity(4 + cases.count * 23)
        let n = UInt32(cases.count)
        out += [UInt8(truncatingIfNeeded: n), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n >> 16), UInt8(n >> 24)]
        for c in cases {
            out.append(c.op.rawValue | (c.unmasked ? 0x80 : 0))
            out.append(UInt8(truncatingIfNeeded: c.controlWord))
            out.append(UInt8(c.controlWord >> 8))
            X87NativeRunner.put(c.a, &out)
            X87NativeRunner.put(c.b, &out)
        }
        try NativeRunner.writeAll(toRunner, &out)
        var response = [UInt8](repeating: 0, count: cases.count * 22)
        try NativeRunner.readExact(fromRunner, &response)
        return (0..<cases.count).map { i in
            X87Outcome(r0: X87NativeRunner.extended(response, 22 * i), r1: X87NativeRunner.extended(response, 22 * i + 10),
                       statusWord: UInt16(response[22 * i + 20]) | UInt16(response[22 * i + 21]) << 8)
        }
    }
}
