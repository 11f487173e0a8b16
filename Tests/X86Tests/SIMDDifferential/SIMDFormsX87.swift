/// The x87 instruction forms of the SIMD differential test (SDM Vol. 2, the
/// opcode maps of Appendix A.4.2, Tables ): every documented form of
/// D8-DF and FWAIT. The undocumented register aliases (D9 D8+i, DC D0+i,
/// DC D8+i, DD C8+i, DE D0+i, DF C0+i to DF D8+i) are left out: the SDM
/// leaves those encodings reserved. FISTTP is SSE3 (SDM Vol. 2A, FISTTP).
enum SIMDFormsX87 {
    static let arithmetic = ["fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr", "fdiv", "fdivr"]

    static let all: [SIMDForm] = {
        typealias F = SIMDForm
        var forms: [F] = []
        for (d, name) in arithmetic.enumerated() {
            forms.append(.x87Memory(name, 0xD8, UInt8(d), 4, .f32))
            forms.append(.x87Register(name, 0xD8, UInt8(d)))
            forms.append(.x87Memory("fi" + name.dropFirst(), 0xDA, UInt8(d), 4, .i32))
            forms.append(.x87Memory(name, 0xDC, UInt8(d), 8, .f64))
            forms.append(.x87Memory("fi" + name.dropFirst(), 0xDE, UInt8(d), 2, .i16))
        }
        // DC and DE register forms: ST(i) = ST(i) op ST(0) (SDM Vol. 2A, FADD, FSUB...).
        for (d, name) in [(0, "fadd"), (1, "fmul"), (4, "fsubr"), (5, "fsub"), (6, "fdivr"), (7, "fdiv")] {
            forms.append(.x87Register(name + " st(i),st0", 0xDC, UInt8(d)))
            forms.append(.x87Register(name + "p", 0xDE, UInt8(d)))
        }
        forms += [
            .x87Memory("fld", 0xD9, 0, 4, .f32), .x87Memory("fst", 0xD9, 2, 4, .raw),
            .x87Memory("fstp", 0xD9, 3, 4, .raw), .x87Memory("fldenv", 0xD9, 4, 28, .environment(bits: 32)),
            .x87Memory("fldcw", 0xD9, 5, 2, .controlWord), .x87Memory("fnstenv", 0xD9, 6, 28, .raw),
            .x87Memory("fnstcw", 0xD9, 7, 2, .raw),
            .x87Memory("fldenv", 0xD9, 4, 14, .environment(bits: 16), prefix: 0x66),
            .x87Memory("fnstenv", 0xD9, 6, 14, .raw, prefix: 0x66),
            .x87Register("fld", 0xD9, 0), .x87Register("fxch", 0xD9, 1),
            .x87Fixed("fnop", 0xD9, 0xD0), .x87Fixed("fchs", 0xD9, 0xE0), .x87Fixed("fabs", 0xD9, 0xE1),
            .x87Fixed("ftst", 0xD9, 0xE4), .x87Fixed("fxam", 0xD9, 0xE5),
            .x87Fixed("fld1", 0xD9, 0xE8), .x87Fixed("fldl2t", 0xD9, 0xE9), .x87Fixed("fldl2e", 0xD9, 0xEA),
            .x87Fixed("fldpi", 0xD9, 0xEB), .x87Fixed("fldlg2", 0xD9, 0xEC), .x87Fixed("fldln2", 0xD9, 0xED),
            .x87Fixed("fldz", 0xD9, 0xEE),
            .x87Fixed("f2xm1", 0xD9, 0xF0, tolerance: .transcendental, input: .f2xm1),
            .x87Fixed("fyl2x", 0xD9, 0xF1, tolerance: .transcendental),
            .x87Fixed("fptan", 0xD9, 0xF2, tolerance: .transcendental, input: .trig),
            .x87Fixed("fpatan", 0xD9, 0xF3, tolerance: .transcendental),
            .x87Fixed("fxtract", 0xD9, 0xF4), .x87Fixed("fprem1", 0xD9, 0xF5),
            .x87Fixed("fdecstp", 0xD9, 0xF6), .x87Fixed("fincstp", 0xD9, 0xF7), .x87Fixed("fprem", 0xD9, 0xF8),
            .x87Fixed("fyl2xp1", 0xD9, 0xF9, tolerance: .transcendental, input: .fyl2xp1),
            .x87Fixed("fsqrt", 0xD9, 0xFA),
            .x87Fixed("fsincos", 0xD9, 0xFB, tolerance: .transcendental, input: .trig),
            .x87Fixed("frndint", 0xD9, 0xFC), .x87Fixed("fscale", 0xD9, 0xFD),
            .x87Fixed("fsin", 0xD9, 0xFE, tolerance: .transcendental, input: .trig),
            .x87Fixed("fcos", 0xD9, 0xFF, tolerance: .transcendental, input: .trig),

            .x87Register("fcmovb", 0xDA, 0), .x87Register("fcmove", 0xDA, 1),
            .x87Register("fcmovbe", 0xDA, 2), .x87Register("fcmovu", 0xDA, 3),
            .x87Fixed("fucompp", 0xDA, 0xE9),

            .x87Memory("fild", 0xDB, 0, 4, .i32), .x87Memory("fisttp", 0xDB, 1, 4, .raw, input: .integer, c: .sse3),
            .x87Memory("fist", 0xDB, 2, 4, .raw, input: .integer), .x87Memory("fistp", 0xDB, 3, 4, .raw, input: .integer),
            .x87Memory("fld", 0xDB, 5, 10, .f80), .x87Memory("fstp", 0xDB, 7, 10, .raw),
            .x87Register("fcmovnb", 0xDB, 0), .x87Register("fcmovne", 0xDB, 1),
            .x87Register("fcmovnbe", 0xDB, 2), .x87Register("fcmovnu", 0xDB, 3),
            .x87Register("fucomi", 0xDB, 5), .x87Register("fcomi", 0xDB, 6),
            .x87Fixed("fnclex", 0xDB, 0xE2), .x87Fixed("fninit", 0xDB, 0xE3),

            .x87Memory("fld", 0xDD, 0, 8, .f64), .x87Memory("fisttp", 0xDD, 1, 8, .raw, input: .integer, c: .sse3),
            .x87Memory("fst", 0xDD, 2, 8, .raw), .x87Memory("fstp", 0xDD, 3, 8, .raw),
            .x87Memory("frstor", 0xDD, 4, 108, .saveArea(bits: 32)), .x87Memory("fnsave", 0xDD, 6, 108, .raw),
            .x87Memory("frstor", 0xDD, 4, 94, .saveArea(bits: 16), prefix: 0x66),
            .x87Memory("fnsave", 0xDD, 6, 94, .raw, prefix: 0x66),
            .x87Memory("fnstsw", 0xDD, 7, 2, .raw),
            .x87Register("ffree", 0xDD, 0), .x87Register("fst", 0xDD, 2), .x87Register("fstp", 0xDD, 3),
            .x87Register("fucom", 0xDD, 4), .x87Register("fucomp", 0xDD, 5),

            .x87Fixed("fcompp", 0xDE, 0xD9),

            .x87Memory("fild", 0xDF, 0, 2, .i16), .x87Memory("fisttp", 0xDF, 1, 2, .raw, input: .integer, c: .sse3),
            .x87Memory("fist", 0xDF, 2, 2, .raw, input: .integer), .x87Memory("fistp", 0xDF, 3, 2, .raw, input: .integer),
            .x87Memory("fbld", 0xDF, 4, 10, .bcd), .x87Memory("fild", 0xDF, 5, 8, .i64),
            .x87Memory("fbstp", 0xDF, 6, 10, .raw, input: .integer), .x87Memory("fistp", 0xDF, 7, 8, .raw, input: .integer),
            .x87Register("fucomip", 0xDF, 5), .x87Register("fcomip", 0xDF, 6),
            F(name: "fnstsw ax", simdClass: .x87, prefix: nil, opcode: [0xDF, 0xE0], reg: .digit(0), rm: .none, rexW: nil),
            F(name: "fwait", simdClass: .x87, prefix: nil, opcode: [0x9B], reg: .digit(0), rm: .none, rexW: false),
        ]
        return forms
    }()
}
