// What SwiftPC's SSE SoftFloat computes for each instruction of
// sse_runner.c, in the runner's terms (XMM0, RAX, MXCSR, RFLAGS, #XM), so
// the two can be compared.

@testable import X86

enum SSEModel {
    static func run(_ c: SSECase) -> SSEOutcome {
        var s = SSEStatus(mxcsr: c.mxcsr)
        let a32 = c.a.lanes32, b32 = c.b.lanes32
        let a64 = [c.a.low, c.a.high], b64 = [c.b.low, c.b.high]
        var xmm = c.a
        var rax = c.a.low
        var rflags: UInt16 = 0x8D5

        func lanes32(_ count: Int, _ f: (UInt32, UInt32) -> UInt32) -> XMMBits {
            var l = a32
            for i in 0..<count { l[i] = f(a32[i], b32[i]) }
            return XMMBits(lanes32: l)
        }
        func lanes64(_ count: Int, _ f: (UInt64, UInt64) -> UInt64) -> XMMBits {
            XMMBits(low: f(a64[0], b64[0]), high: count == 2 ? f(a64[1], b64[1]) : a64[1])
        }
        func int32(_ v: UInt32) -> Int64 { Int64(Int32(bitPattern: v)) }
        func bits(_ v: Int32) -> UInt32 { UInt32(bitPattern: v) }
        let predicate = SSEStatus.Predicate(rawValue: c.predicate & 7) ?? .equal

        switch c.op {
        case .addps: xmm = lanes32(4) { s.add($0, $1) }
        case .addss: xmm = lanes32(1) { s.add($0, $1) }
        case .addpd: xmm = lanes64(2) { s.add($0, $1) }
        case .addsd: xmm = lanes64(1) { s.add($0, $1) }
        case .subps: xmm = lanes32(4) { s.subtract($0, $1) }
        case .subss: xmm = lanes32(1) { s.subtract($0, $1) }
        case .subpd: xmm = lanes64(2) { s.subtract($0, $1) }
        case .subsd: xmm = lanes64(1) { s.subtract($0, $1) }
        case .mulps: xmm = lanes32(4) { s.multiply($0, $1) }
        case .mulss: xmm = lanes32(1) { s.multiply($0, $1) }
        case .mulpd: xmm = lanes64(2) { s.multiply($0, $1) }
        case .mulsd: xmm = lanes64(1) { s.multiply($0, $1) }
        case .divps: xmm = lanes32(4) { s.divide($0, $1) }
        case .divss: xmm = lanes32(1) { s.divide($0, $1) }
        case .divpd: xmm = lanes64(2) { s.divide($0, $1) }
        case .divsd: xmm = lanes64(1) { s.divide($0, $1) }
        case .sqrtps: xmm = lanes32(4) { s.squareRoot($1) }
        case .sqrtss: xmm = lanes32(1) { s.squareRoot($1) }
        case .sqrtpd: xmm = lanes64(2) { s.squareRoot($1) }
        case .sqrtsd: xmm = lanes64(1) { s.squareRoot($1) }
        case .minps: xmm = lanes32(4) { s.minimum($0, $1) }
        case .minss: xmm = lanes32(1) { s.minimum($0, $1) }
        case .minpd: xmm = lanes64(2) { s.minimum($0, $1) }
        case .minsd: xmm = lanes64(1) { s.minimum($0, $1) }
        case .maxps: xmm = lanes32(4) { s.maximum($0, $1) }
        case .maxss: xmm = lanes32(1) { s.maximum($0, $1) }
        case .maxpd: xmm = lanes64(2) { s.maximum($0, $1) }
        case .maxsd: xmm = lanes64(1) { s.maximum($0, $1) }
        case .cmpps: xmm = lanes32(4) { s.compare($0, $1, predicate) }
        case .cmpss: xmm = lanes32(1) { s.compare($0, $1, predicate) }
        case .cmppd: xmm = lanes64(2) { s.compare($0, $1, predicate) }
        case .cmpsd: xmm = lanes64(1) { s.compare($0, $1, predicate) }
        case .comiss, .ucomiss:
            rflags = UInt16(s.compareScalar(a32[0], b32[0], signalsQuietNaN: c.op == .comiss).rflags)
        case .comisd, .ucomisd:
            rflags = UInt16(s.compareScalar(a64[0], b64[0], signalsQuietNaN: c.op == .comisd).rflags)
        case .cvtss2sd: xmm.low = s.convertToBinary64(b32[0])
        case .cvtsd2ss: xmm = lanes32(1) { _, _ in s.convertToBinary32(b64[0]) }
        case .cvtps2pd: xmm = XMMBits(low: s.convertToBinary64(b32[0]), high: s.convertToBinary64(b32[1]))
        case .cvtpd2ps: xmm = XMMBits(lanes32: [s.convertToBinary32(b64[0]), s.convertToBinary32(b64[1]), 0, 0])
        case .cvtsi2ss32: xmm = lanes32(1) { _, _ in s.convertToBinary32(integer: int32(b32[0])) }
        case .cvtsi2ss64: xmm = lanes32(1) { _, _ in s.convertToBinary32(integer: Int64(bitPattern: b64[0])) }
        case .cvtsi2sd32: xmm.low = s.convertToBinary64(integer: int32(b32[0]))
        case .cvtsi2sd64: xmm.low = s.convertToBinary64(integer: Int64(bitPattern: b64[0]))
        case .cvtss2si32, .cvttss2si32:
            rax = UInt64(bits(s.convertToInt32(b32[0], truncating: c.op == .cvttss2si32)))
        case .cvtss2si64, .cvttss2si64:
            rax = UInt64(bitPattern: s.convertToInt64(b32[0], truncating: c.op == .cvttss2si64))
        case .cvtsd2si32, .cvttsd2si32:
            rax = UInt64(bits(s.convertToInt32(b64[0], truncating: c.op == .cvttsd2si32)))
        case .cvtsd2si64, .cvttsd2si64:
            rax = UInt64(bitPattern: s.convertToInt64(b64[0], truncating: c.op == .cvttsd2si64))
        case .cvtdq2ps: xmm = lanes32(4) { _, b in s.convertToBinary32(integer: int32(b)) }
        case .cvtps2dq, .cvttps2dq:
            xmm = lanes32(4) { _, b in bits(s.convertToInt32(b, truncating: c.op == .cvttps2dq)) }
        case .cvtdq2pd:
            xmm = XMMBits(low: s.convertToBinary64(integer: int32(b32[0])), high: s.convertToBinary64(integer: int32(b32[1])))
        case .cvtpd2dq, .cvttpd2dq:
            let t = c.op == .cvttpd2dq
            xmm = XMMBits(lanes32: [bits(s.convertToInt32(b64[0], truncating: t)), bits(s.convertToInt32(b64[1], truncating: t)), 0, 0])
        case .rcpps: xmm = lanes32(4) { _, b in s.reciprocalEstimate(b) }
        case .rcpss: xmm = lanes32(1) { _, b in s.reciprocalEstimate(b) }
        case .rsqrtps: xmm = lanes32(4) { _, b in s.reciprocalSquareRootEstimate(b) }
        case .rsqrtss: xmm = lanes32(1) { _, b in s.reciprocalSquareRootEstimate(b) }
        case .addsubps:
            xmm = XMMBits(lanes32: [s.subtract(a32[0], b32[0]), s.add(a32[1], b32[1]),
                                    s.subtract(a32[2], b32[2]), s.add(a32[3], b32[3])])
        case .addsubpd: xmm = XMMBits(low: s.subtract(a64[0], b64[0]), high: s.add(a64[1], b64[1]))
        case .haddps:
            xmm = XMMBits(lanes32: [s.add(a32[0], a32[1]), s.add(a32[2], a32[3]), s.add(b32[0], b32[1]), s.add(b32[2], b32[3])])
        case .haddpd: xmm = XMMBits(low: s.add(a64[0], a64[1]), high: s.add(b64[0], b64[1]))
        case .hsubps:
            xmm = XMMBits(lanes32: [s.subtract(a32[0], a32[1]), s.subtract(a32[2], a32[3]),
                                    s.subtract(b32[0], b32[1]), s.subtract(b32[2], b32[3])])
        case .hsubpd: xmm = XMMBits(low: s.subtract(a64[0], a64[1]), high: s.subtract(b64[0], b64[1]))
        }
        let (raised, unmasked) = s.outcome
        if unmasked {
            return SSEOutcome(xmm0: c.a, rax: c.a.low, mxcsr: c.mxcsr | raised.rawValue, rflags: 0x8D5, faulted: true)
        }
        return SSEOutcome(xmm0: xmm, rax: rax, mxcsr: c.mxcsr | raised.rawValue, rflags: rflags, faulted: false)
    }
}
