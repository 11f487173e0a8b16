// Builds and drives Tests/NativeRunner/sse_runner.c, which runs single SSE
// floating-point instructions on the host CPU (see the protocol at the top of
// that file).

import Foundation
import XCTest
@testable import X86
#if canImport(Glibc)
import Glibc
#endif

/// The instructions sse_runner.c knows, by their protocol number.
enum SSERunnerOp: UInt8, CaseIterable {
    case addps = 0, addss, addpd, addsd, subps, subss, subpd, subsd
    case mulps, mulss, mulpd, mulsd, divps, divss, divpd, divsd
    case sqrtps, sqrtss, sqrtpd, sqrtsd, minps, minss, minpd, minsd
    case maxps, maxss, maxpd, maxsd, cmpps, cmpss, cmppd, cmpsd
    case comiss, ucomiss, comisd, ucomisd
    case cvtss2sd, cvtsd2ss, cvtps2pd, cvtpd2ps
    case cvtsi2ss32, cvtsi2ss64, cvtsi2sd32, cvtsi2sd64
    case cvtss2si32, cvtss2si64, cvttss2si32, cvttss2si64
    case cvtsd2si32, cvtsd2si64, cvttsd2si32, cvttsd2si64
    case cvtdq2ps, cvtps2dq, cvttps2dq, cvtdq2pd, cvtpd2dq, cvttpd2dq
    case rcpps, rcpss, rsqrtps, rsqrtss
    case addsubps, addsubpd, haddps, haddpd, hsubps, hsubpd
}

/// Two 64-bit halves of an XMM register, low first.
struct XMMBits: Equatable {
    var low: UInt64
    var high: UInt64

    /// The binary32 lanes 0-3.
    var lanes32: [UInt32] {
        [UInt32(truncatingIfNeeded: low), UInt32(truncatingIfNeeded: low >> 32),
         UInt32(truncatingIfNeeded: high), UInt32(truncatingIfNeeded: high >> 32)]
    }

    init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    init(lanes32 l: [UInt32]) {
        low = UInt64(l[0]) | UInt64(l[1]) << 32
        high = UInt64(l[2]) | UInt64(l[3]) << 32
    }
}

struct SSECase {
    var op: SSERunnerOp
    var predicate: UInt8 = 0
    var mxcsr: UInt32
    var a: XMMBits
    var b: XMMBits
}

struct SSEOutcome: Equatable {
    var xmm0: XMMBits
    var rax: UInt64
    var mxcsr: UInt32
    /// RFLAGS & 8D5h (OF SF ZF AF PF CF).
    var rflags: UInt16
    var faulted: Bool
}

final class SSENativeRunner {
    let helper: CompiledHelper
    var toRunner: Int32 { helper.toRunner }
    var fromRunner: Int32 { helper.fromRunner }

    init() throws {
        helper = try CompiledHelper(source: "sse_runner.c", magic: "SPCS")
    }

    private static func put<T: FixedWidthInteger>(_ v: T, _ out: inout [UInt8]) {
        for i in 0..<(T.bitWidth / 8) { out.append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
    }

    private static func u64(_ b: [UInt8], _ at: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(b[at + i]) << UInt64(8 * i) }
        return v
    }

    func run(_ cases: [SSECase]) throws -> [SSEOutcome] {
        try CompiledHelper.inBatches(cases, runBatch)
    }

    private func runBatch(_ cases: [SSECase]) throws -> [SSEOutcome] {
        var out: [UInt8] = []
        out.reserveCapacity(4 + cases.count * 40)
        SSENativeRunner.put(UInt32(cases.count), &out)
        for c in cases {
            out += [c.op.rawValue, c.predicate, 0, 0]
            SSENativeRunner.put(c.mxcsr, &out)
            for v in [c.a.low, c.a.high, c.b.low, c.b.high] { SSENativeRunner.put(v, &out) }
        }
        try NativeRunner.writeAll(toRunner, &out)
        var response = [UInt8](repeating: 0, count: cases.count * 32)
        try NativeRunner.readExact(fromRunner, &response)
        return (0..<cases.count).map { i in
            let at = 32 * i
            return SSEOutcome(xmm0: XMMBits(low: SSENativeRunner.u64(response, at), high: SSENativeRunner.u64(response, at + 8)),
                              rax: SSENativeRunner.u64(response, at + 16),
                              mxcsr: UInt32(truncatingIfNeeded: SSENativeRunner.u64(response, at + 24)),
                              rflags: UInt16(response[at + 28]) | UInt16(response[at + 29]) << 8,
                              faulted: response[at + 30] != 0)
        }
    }
}
