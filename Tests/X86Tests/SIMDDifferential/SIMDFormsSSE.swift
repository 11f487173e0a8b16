/// The SSE, SSE2, SSE3 and SSSE3 forms on XMM registers (SDM Vol. 2, Appendix
/// A.3, Tables, with their 66/F2/F3 mandatory prefixes), and the
/// MXCSR, fence, prefetch and cache-line instructions of 0F 18 and 0F AE.
enum SIMDFormsSSE {
    typealias F = SIMDForm
    /// A memory operand of `size` bytes holding lanes of `lane`; `.raw` ones
    /// (stores, and bit-wise operations) keep the buffer's random bytes.
    static func m(_ size: Int, _ lane: SIMDLane, aligned: Bool = false) -> SIMDMemory {
        SIMDMemory(size: size, aligned: aligned, value: lane == .raw ? .raw : .lanes(lane))
    }
    static func a128(_ lane: SIMDLane) -> SIMDMemory { m(16, lane, aligned: true) }

    /// SSSE3's 0F 38 operations, shared with the MMX forms.
    static let ssse3Operations: [(Int, String, SIMDLane)] = [
        (0x00, "pshufb", .i8), (0x01, "phaddw", .i16), (0x02, "phaddd", .i32), (0x03, "phaddsw", .i16),
        (0x04, "pmaddubsw", .i8), (0x05, "phsubw", .i16), (0x06, "phsubd", .i32), (0x07, "phsubsw", .i16),
        (0x08, "psignb", .i8), (0x09, "psignw", .i16), (0x0A, "psignd", .i32), (0x0B, "pmulhrsw", .i16),
        (0x1C, "pabsb", .i8), (0x1D, "pabsw", .i16), (0x1E, "pabsd", .i32),
    ]

    static let sse: [SIMDForm] = {
        var forms: [F] = [
            .xmm("movups", .sse, nil, [0x0F, 0x10], .raw, m(16, .ps)),
            .xmm("movss", .sse, 0xF3, [0x0F, 0x10], .raw, m(4, .ss)),
            F(name: "movups", simdClass: .sse, prefix: nil, opcode: [0x0F, 0x11], reg: .xmm(.raw), rm: .xmmOrMem(.raw, m(16, .raw)), rexW: nil),
            F(name: "movss", simdClass: .sse, prefix: 0xF3, opcode: [0x0F, 0x11], reg: .xmm(.raw), rm: .xmmOrMem(.raw, m(4, .raw)), rexW: nil),
            F(name: "movlps", simdClass: .sse, prefix: nil, opcode: [0x0F, 0x12], reg: .xmm(.raw), rm: .mem(m(8, .ps)), rexW: nil),
            F(name: "movhlps", simdClass: .sse, prefix: nil, opcode: [0x0F, 0x12], reg: .xmm(.raw), rm: .xmm(.raw), rexW: nil),
            F(name: "movlps", simdClass: .sse, prefix: nil, opcode: [0x0F, 0x13], reg: .xmm(.raw), rm: .mem(m(8, .raw)), rexW: nil),
            .xmm("unpcklps", .sse, nil, [0x0F, 0x14], .ps, a128(.ps)),
            .xmm("unpckhps", .sse, nil, [0x0F, 0x15], .ps, a128(.ps)),
            F(name: "movhps", simdClass: .sse, prefix: nil, opcode: [0x0F, 0x16], reg: .xmm(.raw), rm: .mem(m(8, .ps)), rexW: nil),
            F(name: "movlhps", simdClass: .sse, prefix: nil, opcode: [0x0F, 0x16], reg: .xmm(.raw), rm: .xmm(.raw), rexW: nil),
            F(name: "movhps", simdClass: .sse, prefix: nil, opcode: [0x0F, 0x17], reg: .xmm(.raw), rm: .mem(m(8, .raw)), rexW: nil),
            .xmm("movaps", .sse, nil, [0x0F, 0x28], .raw, a128(.ps)),
            F(name: "movaps", simdClass: .sse, prefix: nil, opcode: [0x0F, 0x29], reg: .xmm(.raw), rm: .xmmOrMem(.raw, a128(.raw)), rexW: nil),
            F(name: "cvtsi2ss", simdClass: .sse, prefix: 0xF3, opcode: [0x0F, 0x2A], reg: .xmm(.ss), rm: .gprOrMem(m(4, .i32)), rexW: false),
            F(name: "cvtsi2ss", simdClass: .sse, prefix: 0xF3, opcode: [0x0F, 0x2A], reg: .xmm(.ss), rm: .gprOrMem(m(8, .i64)), rexW: true),
            F(name: "movntps", simdClass: .sse, prefix: nil, opcode: [0x0F, 0x2B], reg: .xmm(.raw), rm: .mem(a128(.raw)), rexW: nil),
            F(name: "cvttss2si", simdClass: .sse, prefix: 0xF3, opcode: [0x0F, 0x2C], reg: .gpr, rm: .xmmOrMem(.ss, m(4, .ss)), rexW: false),
            F(name: "cvttss2si", simdClass: .sse, prefix: 0xF3, opcode: [0x0F, 0x2C], reg: .gpr, rm: .xmmOrMem(.ss, m(4, .ss)), rexW: true),
            F(name: "cvtss2si", simdClass: .sse, prefix: 0xF3, opcode: [0x0F, 0x2D], reg: .gpr, rm: .xmmOrMem(.ss, m(4, .ss)), rexW: false),
            F(name: "cvtss2si", simdClass: .sse, prefix: 0xF3, opcode: [0x0F, 0x2D], reg: .gpr, rm: .xmmOrMem(.ss, m(4, .ss)), rexW: true),
            .xmm("ucomiss", .sse, nil, [0x0F, 0x2E], .ss, m(4, .ss)),
            .xmm("comiss", .sse, nil, [0x0F, 0x2F], .ss, m(4, .ss)),
            F(name: "movmskps", simdClass: .sse, prefix: nil, opcode: [0x0F, 0x50], reg: .gpr, rm: .xmm(.ps), rexW: nil),
            .xmm("sqrtps", .sse, nil, [0x0F, 0x51], .ps, a128(.ps)),
            .xmm("sqrtss", .sse, 0xF3, [0x0F, 0x51], .ss, m(4, .ss)),
            .xmm("rsqrtps", .sse, nil, [0x0F, 0x52], .ps, a128(.ps), tolerance: .reciprocal(scalar: false, squareRoot: true)),
            .xmm("rsqrtss", .sse, 0xF3, [0x0F, 0x52], .ss, m(4, .ss), tolerance: .reciprocal(scalar: true, squareRoot: true)),
            .xmm("rcpps", .sse, nil, [0x0F, 0x53], .ps, a128(.ps), tolerance: .reciprocal(scalar: false, squareRoot: false)),
            .xmm("rcpss", .sse, 0xF3, [0x0F, 0x53], .ss, m(4, .ss), tolerance: .reciprocal(scalar: true, squareRoot: false)),
            .xmm("andps", .sse, nil, [0x0F, 0x54], .raw, a128(.raw)),
            .xmm("andnps", .sse, nil, [0x0F, 0x55], .raw, a128(.raw)),
            .xmm("orps", .sse, nil, [0x0F, 0x56], .raw, a128(.raw)),
            .xmm("xorps", .sse, nil, [0x0F, 0x57], .raw, a128(.raw)),
            .xmm("cmpps", .sse, nil, [0x0F, 0xC2], .ps, a128(.ps), immediate: .predicate),
            .xmm("cmpss", .sse, 0xF3, [0x0F, 0xC2], .ss, m(4, .ss), immediate: .predicate),
            .xmm("shufps", .sse, nil, [0x0F, 0xC6], .ps, a128(.ps), immediate: .byte),
            F(name: "ldmxcsr", simdClass: .sse, prefix: nil, opcode: [0x0F, 0xAE], reg: .digit(2),
              rm: .mem(SIMDMemory(size: 4, value: .mxcsr)), rexW: nil),
            F(name: "stmxcsr", simdClass: .sse, prefix: nil, opcode: [0x0F, 0xAE], reg: .digit(3),
              rm: .mem(SIMDMemory(size: 4, value: .raw)), rexW: nil),
            F(name: "sfence", simdClass: .sse, prefix: nil, opcode: [0x0F, 0xAE, 0xF8], reg: .digit(0), rm: .none, rexW: nil),
        ]
        for (op, name) in [(0x58, "add"), (0x59, "mul"), (0x5C, "sub"), (0x5D, "min"), (0x5E, "div"), (0x5F, "max")] {
            forms.append(.xmm(name + "ps", .sse, nil, [0x0F, UInt8(op)], .ps, a128(.ps)))
            forms.append(.xmm(name + "ss", .sse, 0xF3, [0x0F, UInt8(op)], .ss, m(4, .ss)))
        }
        for (digit, name) in ["prefetchnta", "prefetcht0", "prefetcht1", "prefetcht2"].enumerated() {
            forms.append(F(name: name, simdClass: .sse, prefix: nil, opcode: [0x0F, 0x18], reg: .digit(UInt8(digit)),
                           rm: .mem(SIMDMemory(size: 1, value: .raw)), rexW: nil))
        }
        return forms
    }()

    static let sse2: [SIMDForm] = {
        var forms: [F] = [
            .xmm("movupd", .sse2, 0x66, [0x0F, 0x10], .raw, m(16, .pd)),
            .xmm("movsd", .sse2, 0xF2, [0x0F, 0x10], .raw, m(8, .sd)),
            F(name: "movupd", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0x11], reg: .xmm(.raw), rm: .xmmOrMem(.raw, m(16, .raw)), rexW: nil),
            F(name: "movsd", simdClass: .sse2, prefix: 0xF2, opcode: [0x0F, 0x11], reg: .xmm(.raw), rm: .xmmOrMem(.raw, m(8, .raw)), rexW: nil),
            F(name: "movlpd", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0x12], reg: .xmm(.raw), rm: .mem(m(8, .pd)), rexW: nil),
            F(name: "movlpd", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0x13], reg: .xmm(.raw), rm: .mem(m(8, .raw)), rexW: nil),
            .xmm("unpcklpd", .sse2, 0x66, [0x0F, 0x14], .pd, a128(.pd)),
            .xmm("unpckhpd", .sse2, 0x66, [0x0F, 0x15], .pd, a128(.pd)),
            F(name: "movhpd", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0x16], reg: .xmm(.raw), rm: .mem(m(8, .pd)), rexW: nil),
            F(name: "movhpd", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0x17], reg: .xmm(.raw), rm: .mem(m(8, .raw)), rexW: nil),
            .xmm("movapd", .sse2, 0x66, [0x0F, 0x28], .raw, a128(.pd)),
            F(name: "movapd", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0x29], reg: .xmm(.raw), rm: .xmmOrMem(.raw, a128(.raw)), rexW: nil),
            F(name: "cvtsi2sd", simdClass: .sse2, prefix: 0xF2, opcode: [0x0F, 0x2A], reg: .xmm(.sd), rm: .gprOrMem(m(4, .i32)), rexW: false),
            F(name: "cvtsi2sd", simdClass: .sse2, prefix: 0xF2, opcode: [0x0F, 0x2A], reg: .xmm(.sd), rm: .gprOrMem(m(8, .i64)), rexW: true),
            F(name: "movntpd", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0x2B], reg: .xmm(.raw), rm: .mem(a128(.raw)), rexW: nil),
            F(name: "cvttsd2si", simdClass: .sse2, prefix: 0xF2, opcode: [0x0F, 0x2C], reg: .gpr, rm: .xmmOrMem(.sd, m(8, .sd)), rexW: false),
            F(name: "cvttsd2si", simdClass: .sse2, prefix: 0xF2, opcode: [0x0F, 0x2C], reg: .gpr, rm: .xmmOrMem(.sd, m(8, .sd)), rexW: true),
            F(name: "cvtsd2si", simdClass: .sse2, prefix: 0xF2, opcode: [0x0F, 0x2D], reg: .gpr, rm: .xmmOrMem(.sd, m(8, .sd)), rexW: false),
            F(name: "cvtsd2si", simdClass: .sse2, prefix: 0xF2, opcode: [0x0F, 0x2D], reg: .gpr, rm: .xmmOrMem(.sd, m(8, .sd)), rexW: true),
            .xmm("ucomisd", .sse2, 0x66, [0x0F, 0x2E], .sd, m(8, .sd)),
            .xmm("comisd", .sse2, 0x66, [0x0F, 0x2F], .sd, m(8, .sd)),
            F(name: "movmskpd", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0x50], reg: .gpr, rm: .xmm(.pd), rexW: nil),
            .xmm("sqrtpd", .sse2, 0x66, [0x0F, 0x51], .pd, a128(.pd)),
            .xmm("sqrtsd", .sse2, 0xF2, [0x0F, 0x51], .sd, m(8, .sd)),
            .xmm("andpd", .sse2, 0x66, [0x0F, 0x54], .raw, a128(.raw)),
            .xmm("andnpd", .sse2, 0x66, [0x0F, 0x55], .raw, a128(.raw)),
            .xmm("orpd", .sse2, 0x66, [0x0F, 0x56], .raw, a128(.raw)),
            .xmm("xorpd", .sse2, 0x66, [0x0F, 0x57], .raw, a128(.raw)),
            .xmm("cvtps2pd", .sse2, nil, [0x0F, 0x5A], .ps, m(8, .ps)),
            .xmm("cvtpd2ps", .sse2, 0x66, [0x0F, 0x5A], .pd, a128(.pd)),
            .xmm("cvtss2sd", .sse2, 0xF3, [0x0F, 0x5A], .ss, m(4, .ss)),
            .xmm("cvtsd2ss", .sse2, 0xF2, [0x0F, 0x5A], .sd, m(8, .sd)),
            .xmm("cvtdq2ps", .sse2, nil, [0x0F, 0x5B], .i32, a128(.i32)),
            .xmm("cvtps2dq", .sse2, 0x66, [0x0F, 0x5B], .ps, a128(.ps)),
            .xmm("cvttps2dq", .sse2, 0xF3, [0x0F, 0x5B], .ps, a128(.ps)),
            F(name: "movd", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0x6E], reg: .xmm(.raw), rm: .gprOrMem(m(4, .i32)), rexW: false),
            F(name: "movq", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0x6E], reg: .xmm(.raw), rm: .gprOrMem(m(8, .i64)), rexW: true),
            .xmm("movdqa", .sse2, 0x66, [0x0F, 0x6F], .raw, a128(.raw)),
            .xmm("movdqu", .sse2, 0xF3, [0x0F, 0x6F], .raw, m(16, .raw)),
            .xmm("pshufd", .sse2, 0x66, [0x0F, 0x70], .i32, a128(.i32), immediate: .byte),
            .xmm("pshufhw", .sse2, 0xF3, [0x0F, 0x70], .i16, a128(.i16), immediate: .byte),
            .xmm("pshuflw", .sse2, 0xF2, [0x0F, 0x70], .i16, a128(.i16), immediate: .byte),
            F(name: "movd", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0x7E], reg: .xmm(.i32), rm: .gprOrMem(m(4, .raw)), rexW: false),
            F(name: "movq", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0x7E], reg: .xmm(.i64), rm: .gprOrMem(m(8, .raw)), rexW: true),
            .xmm("movq", .sse2, 0xF3, [0x0F, 0x7E], .raw, m(8, .i64)),
            F(name: "movdqa", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0x7F], reg: .xmm(.raw), rm: .xmmOrMem(.raw, a128(.raw)), rexW: nil),
            F(name: "movdqu", simdClass: .sse2, prefix: 0xF3, opcode: [0x0F, 0x7F], reg: .xmm(.raw), rm: .xmmOrMem(.raw, m(16, .raw)), rexW: nil),
            .xmm("cmppd", .sse2, 0x66, [0x0F, 0xC2], .pd, a128(.pd), immediate: .predicate),
            .xmm("cmpsd", .sse2, 0xF2, [0x0F, 0xC2], .sd, m(8, .sd), immediate: .predicate),
            F(name: "movnti", simdClass: .sse2, prefix: nil, opcode: [0x0F, 0xC3], reg: .gpr, rm: .mem(m(4, .raw)), rexW: false),
            F(name: "movnti", simdClass: .sse2, prefix: nil, opcode: [0x0F, 0xC3], reg: .gpr, rm: .mem(m(8, .raw)), rexW: true),
            F(name: "pinsrw", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0xC4], reg: .xmm(.i16),
              rm: .gprOrMem(SIMDMemory(size: 2, value: .i16)), immediate: .below(8), rexW: nil),
            F(name: "pextrw", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0xC5], reg: .gpr, rm: .xmm(.i16), immediate: .below(8), rexW: nil),
            .xmm("shufpd", .sse2, 0x66, [0x0F, 0xC6], .pd, a128(.pd), immediate: .below(4)),
            F(name: "movq", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0xD6], reg: .xmm(.raw), rm: .xmmOrMem(.raw, m(8, .raw)), rexW: nil),
            F(name: "pmovmskb", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0xD7], reg: .gpr, rm: .xmm(.i8), rexW: nil),
            .xmm("cvttpd2dq", .sse2, 0x66, [0x0F, 0xE6], .pd, a128(.pd)),
            .xmm("cvtpd2dq", .sse2, 0xF2, [0x0F, 0xE6], .pd, a128(.pd)),
            .xmm("cvtdq2pd", .sse2, 0xF3, [0x0F, 0xE6], .i32, m(8, .i32)),
            F(name: "movntdq", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0xE7], reg: .xmm(.raw), rm: .mem(a128(.raw)), rexW: nil),
            F(name: "maskmovdqu", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0xF7], reg: .xmm(.raw), rm: .xmm(.i8), rexW: nil),
            F(name: "lfence", simdClass: .sse2, prefix: nil, opcode: [0x0F, 0xAE, 0xE8], reg: .digit(0), rm: .none, rexW: nil),
            F(name: "mfence", simdClass: .sse2, prefix: nil, opcode: [0x0F, 0xAE, 0xF0], reg: .digit(0), rm: .none, rexW: nil),
            F(name: "clflush", simdClass: .sse2, prefix: nil, opcode: [0x0F, 0xAE], reg: .digit(7),
              rm: .mem(SIMDMemory(size: 1, value: .raw)), rexW: nil),
        ]
        for (op, name) in [(0x58, "add"), (0x59, "mul"), (0x5C, "sub"), (0x5D, "min"), (0x5E, "div"), (0x5F, "max")] {
            forms.append(.xmm(name + "pd", .sse2, 0x66, [0x0F, UInt8(op)], .pd, a128(.pd)))
            forms.append(.xmm(name + "sd", .sse2, 0xF2, [0x0F, UInt8(op)], .sd, m(8, .sd)))
        }
        // The MMX operations widened to XMM registers with 66 (SDM Vol. 1 §11.4.3).
        let integer: [(Int, String, SIMDLane)] = [
            (0x60, "punpcklbw", .i8), (0x61, "punpcklwd", .i16), (0x62, "punpckldq", .i32), (0x63, "packsswb", .i16),
            (0x64, "pcmpgtb", .i8), (0x65, "pcmpgtw", .i16), (0x66, "pcmpgtd", .i32), (0x67, "packuswb", .i16),
            (0x68, "punpckhbw", .i8), (0x69, "punpckhwd", .i16), (0x6A, "punpckhdq", .i32), (0x6B, "packssdw", .i32),
            (0x6C, "punpcklqdq", .i64), (0x6D, "punpckhqdq", .i64), (0x74, "pcmpeqb", .i8), (0x75, "pcmpeqw", .i16),
            (0x76, "pcmpeqd", .i32), (0xD1, "psrlw", .count), (0xD2, "psrld", .count), (0xD3, "psrlq", .count),
            (0xD4, "paddq", .i64), (0xD5, "pmullw", .i16), (0xD8, "psubusb", .i8), (0xD9, "psubusw", .i16),
            (0xDA, "pminub", .i8), (0xDB, "pand", .raw), (0xDC, "paddusb", .i8), (0xDD, "paddusw", .i16),
            (0xDE, "pmaxub", .i8), (0xDF, "pandn", .raw), (0xE0, "pavgb", .i8), (0xE1, "psraw", .count),
            (0xE2, "psrad", .count), (0xE3, "pavgw", .i16), (0xE4, "pmulhuw", .i16), (0xE5, "pmulhw", .i16),
            (0xE8, "psubsb", .i8), (0xE9, "psubsw", .i16), (0xEA, "pminsw", .i16), (0xEB, "por", .raw),
            (0xEC, "paddsb", .i8), (0xED, "paddsw", .i16), (0xEE, "pmaxsw", .i16), (0xEF, "pxor", .raw),
            (0xF1, "psllw", .count), (0xF2, "pslld", .count), (0xF3, "psllq", .count), (0xF4, "pmuludq", .i32),
            (0xF5, "pmaddwd", .i16), (0xF6, "psadbw", .i8), (0xF8, "psubb", .i8), (0xF9, "psubw", .i16),
            (0xFA, "psubd", .i32), (0xFB, "psubq", .i64), (0xFC, "paddb", .i8), (0xFD, "paddw", .i16), (0xFE, "paddd", .i32),
        ]
        forms += integer.map { .xmm($0.1, .sse2, 0x66, [0x0F, UInt8($0.0)], $0.2, a128($0.2)) }
        for (op, digit, name, bits) in [(0x71, 2, "psrlw", 16), (0x71, 4, "psraw", 16), (0x71, 6, "psllw", 16),
                                        (0x72, 2, "psrld", 32), (0x72, 4, "psrad", 32), (0x72, 6, "pslld", 32),
                                        (0x73, 2, "psrlq", 64), (0x73, 3, "psrldq", 128), (0x73, 6, "psllq", 64),
                                        (0x73, 7, "pslldq", 128)] {
            forms.append(F(name: name, simdClass: .sse2, prefix: 0x66, opcode: [0x0F, UInt8(op)], reg: .digit(UInt8(digit)),
                           rm: .xmm(bits == 16 ? .i16 : bits == 32 ? .i32 : .i64), immediate: .shift(bits: bits), rexW: nil))
        }
        return forms
    }()

    static let sse3: [SIMDForm] = [
        .xmm("addsubpd", .sse3, 0x66, [0x0F, 0xD0], .pd, a128(.pd)),
        .xmm("addsubps", .sse3, 0xF2, [0x0F, 0xD0], .ps, a128(.ps)),
        .xmm("haddpd", .sse3, 0x66, [0x0F, 0x7C], .pd, a128(.pd)),
        .xmm("haddps", .sse3, 0xF2, [0x0F, 0x7C], .ps, a128(.ps)),
        .xmm("hsubpd", .sse3, 0x66, [0x0F, 0x7D], .pd, a128(.pd)),
        .xmm("hsubps", .sse3, 0xF2, [0x0F, 0x7D], .ps, a128(.ps)),
        .xmm("movsldup", .sse3, 0xF3, [0x0F, 0x12], .ps, a128(.ps)),
        .xmm("movshdup", .sse3, 0xF3, [0x0F, 0x16], .ps, a128(.ps)),
        .xmm("movddup", .sse3, 0xF2, [0x0F, 0x12], .pd, m(8, .pd)),
        F(name: "lddqu", simdClass: .sse3, prefix: 0xF2, opcode: [0x0F, 0xF0], reg: .xmm(.raw), rm: .mem(m(16, .raw)), rexW: nil),
    ]

    static let ssse3: [SIMDForm] =
        ssse3Operations.map { .xmm($0.1, .ssse3, 0x66, [0x0F, 0x38, UInt8($0.0)], $0.2, a128($0.2)) }
        + [.xmm("palignr", .ssse3, 0x66, [0x0F, 0x3A, 0x0F], .i8, a128(.i8), immediate: .below(40))]
}
