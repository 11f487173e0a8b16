// Builds and drives Tests/NativeRunner/simd_runner.c, which runs blocks of
// x87/MMX/SSE code on the host CPU (see the protocol at the top of that file).

import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class SIMDBlockRunner {
    let helper: CompiledHelper
    var toRunner: Int32 { helper.toRunner }
    var fromRunner: Int32 { helper.fromRunner }
    /// CPUID vendor string of the host, e.g. "AuthenticAMD".
    let vendor: String
    /// Features from the hello: bit 0 XSaveErPtr, bit 1 SSE3, bit 2 SSSE3.
    let features: UInt32

    static let responseSize = 1 + 4 + 4 + 8 + 16 * 8 + 4 + 512 + SIMDHarness.dataSize

    init() throws {
        helper = try CompiledHelper(source: "simd_runner.c", magic: "SPCS", helloSize: 24)
        features = NativeRunner.u32(helper.hello, 8)
        vendor = String(decoding: helper.hello[12..<24].filter { $0 != 0 }, as: UTF8.self)
    }

    func close() { helper.close() }

    /// Runs a batch of cases; returns the host's outcome of each.
    func run(_ cases: [SIMDBlockCase]) throws -> [SIMDBlockOutcome] {
        var out: [UInt8] = []
        out.reserveCapacity(cases.count * 1200)
        func put(_ v: UInt64, bytes: Int) {
            for k in 0..<bytes { out.append(UInt8(truncatingIfNeeded: v >> (8 * k))) }
        }
        put(UInt64(cases.count), bytes: 4)
        for c in cases {
            precondition(c.registers.count == 16 && c.data.count == SIMDHarness.dataSize && c.code.count < 1024)
            for r in c.registers { put(r, bytes: 8) }
            put(UInt64(c.rflags), bytes: 4)
            out += c.state.bytes
            out += c.data
            put(UInt64(c.code.count), bytes: 2)
            out += c.code
        }
        try NativeRunner.writeAll(toRunner, &out)

        func u64(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(NativeRunner.u32(b, i)) | UInt64(NativeRunner.u32(b, i + 4)) << 32 }
        var results: [SIMDBlockOutcome] = []
        results.reserveCapacity(cases.count)
        var r = [UInt8](repeating: 0, count: SIMDBlockRunner.responseSize)
        for _ in cases {
            try NativeRunner.readExact(fromRunner, &r)
            var o = SIMDBlockOutcome(registers: (0..<16).map { u64(r, 17 + 8 * $0) }, rflags: NativeRunner.u32(r, 145),
                                state: FXSaveImage(bytes: Array(r[149..<661])), data: Array(r[661...]))
            if r[0] != 0xFF {
                o.fault = r[0]
                o.errorCode = NativeRunner.u32(r, 1)
                o.signal = NativeRunner.u32(r, 5)
                o.faultRIP = u64(r, 9)
            }
            results.append(o)
        }
        return results
    }
}
