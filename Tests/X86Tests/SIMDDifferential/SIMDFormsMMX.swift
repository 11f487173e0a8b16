/// The forms on MMX registers (SDM Vol. 2, Appendix A.3, Table A-3, no
/// prefix): the MMX set (0F 60-7F, D1-FE, EMMS), the integer instructions SSE
/// and SSE2 added on MMX registers, the conversions between MMX and XMM
/// registers, and SSSE3's MMX forms (0F 38 00-1E, 0F 3A 0F).
enum SIMDFormsMMX {
    static let all: [SIMDForm] = {
        typealias F = SIMDForm
        func m64(_ lane: SIMDLane) -> SIMDMemory { SIMDMemory(size: 8, value: .lanes(lane)) }
        var forms: [F] = []
        // PUNPCKLxx mm, mm/m32 reads only the low half (SDM Vol. 2B, PUNPCKLBW).
        for (op, name, lane) in [(0x60, "punpcklbw", SIMDLane.i8), (0x61, "punpcklwd", .i16), (0x62, "punpckldq", .i32)] {
            forms.append(F(name: name, simdClass: .mmx, prefix: nil, opcode: [0x0F, UInt8(op)], reg: .mm(lane),
                           rm: .mmOrMem(lane, SIMDMemory(size: 4, value: .lanes(lane))), rexW: nil))
        }
        let mmx: [(Int, String, SIMDLane)] = [
            (0x63, "packsswb", .i16), (0x64, "pcmpgtb", .i8), (0x65, "pcmpgtw", .i16), (0x66, "pcmpgtd", .i32),
            (0x67, "packuswb", .i16), (0x68, "punpckhbw", .i8), (0x69, "punpckhwd", .i16), (0x6A, "punpckhdq", .i32),
            (0x6B, "packssdw", .i32), (0x6F, "movq", .raw), (0x74, "pcmpeqb", .i8), (0x75, "pcmpeqw", .i16),
            (0x76, "pcmpeqd", .i32), (0xD1, "psrlw", .count), (0xD2, "psrld", .count), (0xD3, "psrlq", .count),
            (0xD5, "pmullw", .i16), (0xD8, "psubusb", .i8), (0xD9, "psubusw", .i16), (0xDB, "pand", .raw),
            (0xDC, "paddusb", .i8), (0xDD, "paddusw", .i16), (0xDF, "pandn", .raw), (0xE1, "psraw", .count),
            (0xE2, "psrad", .count), (0xE5, "pmulhw", .i16), (0xE8, "psubsb", .i8), (0xE9, "psubsw", .i16),
            (0xEB, "por", .raw), (0xEC, "paddsb", .i8), (0xED, "paddsw", .i16), (0xEF, "pxor", .raw),
            (0xF1, "psllw", .count), (0xF2, "pslld", .count), (0xF3, "psllq", .count), (0xF5, "pmaddwd", .i16),
            (0xF8, "psubb", .i8), (0xF9, "psubw", .i16), (0xFA, "psubd", .i32), (0xFC, "paddb", .i8),
            (0xFD, "paddw", .i16), (0xFE, "paddd", .i32),
        ]
        forms += mmx.map { .mmx($0.1, .mmx, [0x0F, UInt8($0.0)], $0.2) }
        for (op, digit, name, bits) in [(0x71, 2, "psrlw", 16), (0x71, 4, "psraw", 16), (0x71, 6, "psllw", 16),
                                        (0x72, 2, "psrld", 32), (0x72, 4, "psrad", 32), (0x72, 6, "pslld", 32),
                                        (0x73, 2, "psrlq", 64), (0x73, 6, "psllq", 64)] {
            forms.append(F(name: name, simdClass: .mmx, prefix: nil, opcode: [0x0F, UInt8(op)], reg: .digit(UInt8(digit)),
                           rm: .mm(bits == 16 ? .i16 : bits == 32 ? .i32 : .i64), immediate: .shift(bits: bits), rexW: nil))
        }
        forms += [
            F(name: "movd", simdClass: .mmx, prefix: nil, opcode: [0x0F, 0x6E], reg: .mm(.raw),
              rm: .gprOrMem(SIMDMemory(size: 4, value: .lanes(.i32))), rexW: false),
            F(name: "movq", simdClass: .mmx, prefix: nil, opcode: [0x0F, 0x6E], reg: .mm(.raw),
              rm: .gprOrMem(SIMDMemory(size: 8, value: .lanes(.i64))), rexW: true),
            F(name: "movd", simdClass: .mmx, prefix: nil, opcode: [0x0F, 0x7E], reg: .mm(.i32),
              rm: .gprOrMem(SIMDMemory(size: 4, value: .raw)), rexW: false),
            F(name: "movq", simdClass: .mmx, prefix: nil, opcode: [0x0F, 0x7E], reg: .mm(.i64),
              rm: .gprOrMem(SIMDMemory(size: 8, value: .raw)), rexW: true),
            F(name: "movq", simdClass: .mmx, prefix: nil, opcode: [0x0F, 0x7F], reg: .mm(.raw),
              rm: .mmOrMem(.raw, SIMDMemory(size: 8, value: .raw)), rexW: nil),
            F(name: "emms", simdClass: .mmx, prefix: nil, opcode: [0x0F, 0x77], reg: .digit(0), rm: .none, rexW: nil),
        ]

        // SSE's integer instructions on MMX registers (SDM Vol. 1 §10.4.4).
        let sse: [(Int, String, SIMDLane)] = [
            (0xE0, "pavgb", .i8), (0xE3, "pavgw", .i16), (0xE4, "pmulhuw", .i16), (0xEA, "pminsw", .i16),
            (0xEE, "pmaxsw", .i16), (0xDA, "pminub", .i8), (0xDE, "pmaxub", .i8), (0xF6, "psadbw", .i8),
        ]
        forms += sse.map { .mmx($0.1, .sse, [0x0F, UInt8($0.0)], $0.2) }
        forms += [
            .mmx("pshufw", .sse, [0x0F, 0x70], .i16, immediate: .byte),
            F(name: "pinsrw", simdClass: .sse, prefix: nil, opcode: [0x0F, 0xC4], reg: .mm(.i16),
              rm: .gprOrMem(SIMDMemory(size: 2, value: .i16)), immediate: .below(4), rexW: nil),
            F(name: "pextrw", simdClass: .sse, prefix: nil, opcode: [0x0F, 0xC5], reg: .gpr, rm: .mm(.i16),
              immediate: .below(4), rexW: nil),
            F(name: "pmovmskb", simdClass: .sse, prefix: nil, opcode: [0x0F, 0xD7], reg: .gpr, rm: .mm(.i8), rexW: nil),
            F(name: "maskmovq", simdClass: .sse, prefix: nil, opcode: [0x0F, 0xF7], reg: .mm(.raw), rm: .mm(.i8), rexW: nil),
            F(name: "movntq", simdClass: .sse, prefix: nil, opcode: [0x0F, 0xE7], reg: .mm(.raw),
              rm: .mem(SIMDMemory(size: 8, value: .raw)), rexW: nil),
            F(name: "cvtpi2ps", simdClass: .sse, prefix: nil, opcode: [0x0F, 0x2A], reg: .xmm(.ps), rm: .mmOrMem(.i32, m64(.i32)), rexW: nil),
            F(name: "cvttps2pi", simdClass: .sse, prefix: nil, opcode: [0x0F, 0x2C], reg: .mm(.raw), rm: .xmmOrMem(.ps, m64(.ps)), rexW: nil),
            F(name: "cvtps2pi", simdClass: .sse, prefix: nil, opcode: [0x0F, 0x2D], reg: .mm(.raw), rm: .xmmOrMem(.ps, m64(.ps)), rexW: nil),
        ]

        // SSE2 on MMX registers, and the moves and conversions between MMX and XMM.
        forms += [(0xD4, "paddq", SIMDLane.i64), (0xF4, "pmuludq", .i32), (0xFB, "psubq", .i64)].map {
            .mmx($0.1, .sse2, [0x0F, UInt8($0.0)], $0.2)
        }
        forms += [
            F(name: "cvtpi2pd", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0x2A], reg: .xmm(.pd), rm: .mmOrMem(.i32, m64(.i32)), rexW: nil),
            F(name: "cvttpd2pi", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0x2C], reg: .mm(.raw),
              rm: .xmmOrMem(.pd, SIMDMemory(size: 16, aligned: true, value: .lanes(.pd))), rexW: nil),
            F(name: "cvtpd2pi", simdClass: .sse2, prefix: 0x66, opcode: [0x0F, 0x2D], reg: .mm(.raw),
              rm: .xmmOrMem(.pd, SIMDMemory(size: 16, aligned: true, value: .lanes(.pd))), rexW: nil),
            F(name: "movq2dq", simdClass: .sse2, prefix: 0xF3, opcode: [0x0F, 0xD6], reg: .xmm(.raw), rm: .mm(.raw), rexW: nil),
            F(name: "movdq2q", simdClass: .sse2, prefix: 0xF2, opcode: [0x0F, 0xD6], reg: .mm(.raw), rm: .xmm(.raw), rexW: nil),
        ]

        // SSSE3 on MMX registers (SDM Vol. 2, Table A-4, no prefix).
        forms += SIMDFormsSSE.ssse3Operations.map { .mmx($0.1, .ssse3, [0x0F, 0x38, UInt8($0.0)], $0.2) }
        forms.append(.mmx("palignr", .ssse3, [0x0F, 0x3A, 0x0F], .i8, immediate: .below(24)))
        return forms
    }()
}
