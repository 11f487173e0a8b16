import XCTest
@testable import X86

/// The x87 escapes D8-DF (SDM Vol. 2 §A.5, Tables ): every memory form
/// and every register form (ModR/M C0-FF) in 32-bit code, then prefixes and the
/// other code sizes. The expected texts are what `ndisasm -b 16/32/64` (NASM 2.16)
/// prints, `(bad)` where it prints `db`. Where the two differ it is by design:
/// - FWAIT is an instruction of its own (`wait`, then `fninit`; ndisasm: `finit`);
/// - an operand-size prefix shows as `o16`/`o32` only on FLDENV, FNSTENV, FRSTOR
///   and FNSAVE, whose memory layout it chooses (ndisasm: `o32 fadd dword [bx+si]`,
///   `o64 fild qword [rax]`, `o64 fnstenv [rax]`; REX.W changes no x87 layout);
/// - no `a16`/`a32` word for an address-size prefix on a register form, and after
///   67 in 16-bit code the register forms keep their one-operand text (ndisasm:
///   `fadd st0,st1`);
/// - no ES override in 64-bit code (the decoder drops it).
final class X87DisassemblerTests: XCTestCase {
    typealias Group = DisassemblerTests.Group

    /// Each byte string is exactly one instruction.
    static let groups: [Group] = [
        Group("D8: memory forms", .bits32, address: 0x0, [
            ("D8 46 10", "fadd dword [esi+0x10]"), ("D8 4E 14", "fmul dword [esi+0x14]"), ("D8 56 18", "fcom dword [esi+0x18]"), ("D8 5E 1C", "fcomp dword [esi+0x1c]"),
            ("D8 66 20", "fsub dword [esi+0x20]"), ("D8 6E 24", "fsubr dword [esi+0x24]"), ("D8 76 28", "fdiv dword [esi+0x28]"), ("D8 7E 2C", "fdivr dword [esi+0x2c]"),
        ]),
        Group("D8: register forms", .bits32, address: 0x0, [
            ("D8 C0", "fadd st0"), ("D8 C1", "fadd st1"), ("D8 C2", "fadd st2"), ("D8 C3", "fadd st3"),
            ("D8 C4", "fadd st4"), ("D8 C5", "fadd st5"), ("D8 C6", "fadd st6"), ("D8 C7", "fadd st7"),
            ("D8 C8", "fmul st0"), ("D8 C9", "fmul st1"), ("D8 CA", "fmul st2"), ("D8 CB", "fmul st3"),
            ("D8 CC", "fmul st4"), ("D8 CD", "fmul st5"), ("D8 CE", "fmul st6"), ("D8 CF", "fmul st7"),
            ("D8 D0", "fcom st0"), ("D8 D1", "fcom st1"), ("D8 D2", "fcom st2"), ("D8 D3", "fcom st3"),
            ("D8 D4", "fcom st4"), ("D8 D5", "fcom st5"), ("D8 D6", "fcom st6"), ("D8 D7", "fcom st7"),
            ("D8 D8", "fcomp st0"), ("D8 D9", "fcomp st1"), ("D8 DA", "fcomp st2"), ("D8 DB", "fcomp st3"),
            ("D8 DC", "fcomp st4"), ("D8 DD", "fcomp st5"), ("D8 DE", "fcomp st6"), ("D8 DF", "fcomp st7"),
            ("D8 E0", "fsub st0"), ("D8 E1", "fsub st1"), ("D8 E2", "fsub st2"), ("D8 E3", "fsub st3"),
            ("D8 E4", "fsub st4"), ("D8 E5", "fsub st5"), ("D8 E6", "fsub st6"), ("D8 E7", "fsub st7"),
            ("D8 E8", "fsubr st0"), ("D8 E9", "fsubr st1"), ("D8 EA", "fsubr st2"), ("D8 EB", "fsubr st3"),
            ("D8 EC", "fsubr st4"), ("D8 ED", "fsubr st5"), ("D8 EE", "fsubr st6"), ("D8 EF", "fsubr st7"),
            ("D8 F0", "fdiv st0"), ("D8 F1", "fdiv st1"), ("D8 F2", "fdiv st2"), ("D8 F3", "fdiv st3"),
            ("D8 F4", "fdiv st4"), ("D8 F5", "fdiv st5"), ("D8 F6", "fdiv st6"), ("D8 F7", "fdiv st7"),
            ("D8 F8", "fdivr st0"), ("D8 F9", "fdivr st1"), ("D8 FA", "fdivr st2"), ("D8 FB", "fdivr st3"),
            ("D8 FC", "fdivr st4"), ("D8 FD", "fdivr st5"), ("D8 FE", "fdivr st6"), ("D8 FF", "fdivr st7"),
        ]),
        Group("D9: memory forms", .bits32, address: 0x0, [
            ("D9 46 10", "fld dword [esi+0x10]"), ("D9 4E 14", "(bad)"), ("D9 56 18", "fst dword [esi+0x18]"), ("D9 5E 1C", "fstp dword [esi+0x1c]"),
            ("D9 66 20", "fldenv [esi+0x20]"), ("D9 6E 24", "fldcw [esi+0x24]"), ("D9 76 28", "fnstenv [esi+0x28]"), ("D9 7E 2C", "fnstcw [esi+0x2c]"),
        ]),
        Group("D9: register forms", .bits32, address: 0x0, [
            ("D9 C0", "fld st0"), ("D9 C1", "fld st1"), ("D9 C2", "fld st2"), ("D9 C3", "fld st3"),
            ("D9 C4", "fld st4"), ("D9 C5", "fld st5"), ("D9 C6", "fld st6"), ("D9 C7", "fld st7"),
            ("D9 C8", "fxch st0"), ("D9 C9", "fxch st1"), ("D9 CA", "fxch st2"), ("D9 CB", "fxch st3"),
            ("D9 CC", "fxch st4"), ("D9 CD", "fxch st5"), ("D9 CE", "fxch st6"), ("D9 CF", "fxch st7"),
            ("D9 D0", "fnop"), ("D9 D1", "(bad)"), ("D9 D2", "(bad)"), ("D9 D3", "(bad)"),
            ("D9 D4", "(bad)"), ("D9 D5", "(bad)"), ("D9 D6", "(bad)"), ("D9 D7", "(bad)"),
            ("D9 D8", "fstp st0"), ("D9 D9", "fstp st1"), ("D9 DA", "fstp st2"), ("D9 DB", "fstp st3"),
            ("D9 DC", "fstp st4"), ("D9 DD", "fstp st5"), ("D9 DE", "fstp st6"), ("D9 DF", "fstp st7"),
            ("D9 E0", "fchs"), ("D9 E1", "fabs"), ("D9 E2", "(bad)"), ("D9 E3", "(bad)"),
            ("D9 E4", "ftst"), ("D9 E5", "fxam"), ("D9 E6", "(bad)"), ("D9 E7", "(bad)"),
            ("D9 E8", "fld1"), ("D9 E9", "fldl2t"), ("D9 EA", "fldl2e"), ("D9 EB", "fldpi"),
            ("D9 EC", "fldlg2"), ("D9 ED", "fldln2"), ("D9 EE", "fldz"), ("D9 EF", "(bad)"),
            ("D9 F0", "f2xm1"), ("D9 F1", "fyl2x"), ("D9 F2", "fptan"), ("D9 F3", "fpatan"),
            ("D9 F4", "fxtract"), ("D9 F5", "fprem1"), ("D9 F6", "fdecstp"), ("D9 F7", "fincstp"),
            ("D9 F8", "fprem"), ("D9 F9", "fyl2xp1"), ("D9 FA", "fsqrt"), ("D9 FB", "fsincos"),
            ("D9 FC", "frndint"), ("D9 FD", "fscale"), ("D9 FE", "fsin"), ("D9 FF", "fcos"),
        ]),
        Group("DA: memory forms", .bits32, address: 0x0, [
            ("DA 46 10", "fiadd dword [esi+0x10]"), ("DA 4E 14", "fimul dword [esi+0x14]"), ("DA 56 18", "ficom dword [esi+0x18]"), ("DA 5E 1C", "ficomp dword [esi+0x1c]"),
            ("DA 66 20", "fisub dword [esi+0x20]"), ("DA 6E 24", "fisubr dword [esi+0x24]"), ("DA 76 28", "fidiv dword [esi+0x28]"), ("DA 7E 2C", "fidivr dword [esi+0x2c]"),
        ]),
        Group("DA: register forms", .bits32, address: 0x0, [
            ("DA C0", "fcmovb st0"), ("DA C1", "fcmovb st1"), ("DA C2", "fcmovb st2"), ("DA C3", "fcmovb st3"),
            ("DA C4", "fcmovb st4"), ("DA C5", "fcmovb st5"), ("DA C6", "fcmovb st6"), ("DA C7", "fcmovb st7"),
            ("DA C8", "fcmove st0"), ("DA C9", "fcmove st1"), ("DA CA", "fcmove st2"), ("DA CB", "fcmove st3"),
            ("DA CC", "fcmove st4"), ("DA CD", "fcmove st5"), ("DA CE", "fcmove st6"), ("DA CF", "fcmove st7"),
            ("DA D0", "fcmovbe st0"), ("DA D1", "fcmovbe st1"), ("DA D2", "fcmovbe st2"), ("DA D3", "fcmovbe st3"),
            ("DA D4", "fcmovbe st4"), ("DA D5", "fcmovbe st5"), ("DA D6", "fcmovbe st6"), ("DA D7", "fcmovbe st7"),
            ("DA D8", "fcmovu st0"), ("DA D9", "fcmovu st1"), ("DA DA", "fcmovu st2"), ("DA DB", "fcmovu st3"),
            ("DA DC", "fcmovu st4"), ("DA DD", "fcmovu st5"), ("DA DE", "fcmovu st6"), ("DA DF", "fcmovu st7"),
            ("DA E0", "(bad)"), ("DA E1", "(bad)"), ("DA E2", "(bad)"), ("DA E3", "(bad)"),
            ("DA E4", "(bad)"), ("DA E5", "(bad)"), ("DA E6", "(bad)"), ("DA E7", "(bad)"),
            ("DA E8", "(bad)"), ("DA E9", "fucompp"), ("DA EA", "(bad)"), ("DA EB", "(bad)"),
            ("DA EC", "(bad)"), ("DA ED", "(bad)"), ("DA EE", "(bad)"), ("DA EF", "(bad)"),
            ("DA F0", "(bad)"), ("DA F1", "(bad)"), ("DA F2", "(bad)"), ("DA F3", "(bad)"),
            ("DA F4", "(bad)"), ("DA F5", "(bad)"), ("DA F6", "(bad)"), ("DA F7", "(bad)"),
            ("DA F8", "(bad)"), ("DA F9", "(bad)"), ("DA FA", "(bad)"), ("DA FB", "(bad)"),
            ("DA FC", "(bad)"), ("DA FD", "(bad)"), ("DA FE", "(bad)"), ("DA FF", "(bad)"),
        ]),
        Group("DB: memory forms", .bits32, address: 0x0, [
            ("DB 46 10", "fild dword [esi+0x10]"), ("DB 4E 14", "fisttp dword [esi+0x14]"), ("DB 56 18", "fist dword [esi+0x18]"), ("DB 5E 1C", "fistp dword [esi+0x1c]"),
            ("DB 66 20", "(bad)"), ("DB 6E 24", "fld tword [esi+0x24]"), ("DB 76 28", "(bad)"), ("DB 7E 2C", "fstp tword [esi+0x2c]"),
        ]),
        Group("DB: register forms", .bits32, address: 0x0, [
            ("DB C0", "fcmovnb st0"), ("DB C1", "fcmovnb st1"), ("DB C2", "fcmovnb st2"), ("DB C3", "fcmovnb st3"),
            ("DB C4", "fcmovnb st4"), ("DB C5", "fcmovnb st5"), ("DB C6", "fcmovnb st6"), ("DB C7", "fcmovnb st7"),
            ("DB C8", "fcmovne st0"), ("DB C9", "fcmovne st1"), ("DB CA", "fcmovne st2"), ("DB CB", "fcmovne st3"),
            ("DB CC", "fcmovne st4"), ("DB CD", "fcmovne st5"), ("DB CE", "fcmovne st6"), ("DB CF", "fcmovne st7"),
            ("DB D0", "fcmovnbe st0"), ("DB D1", "fcmovnbe st1"), ("DB D2", "fcmovnbe st2"), ("DB D3", "fcmovnbe st3"),
            ("DB D4", "fcmovnbe st4"), ("DB D5", "fcmovnbe st5"), ("DB D6", "fcmovnbe st6"), ("DB D7", "fcmovnbe st7"),
            ("DB D8", "fcmovnu st0"), ("DB D9", "fcmovnu st1"), ("DB DA", "fcmovnu st2"), ("DB DB", "fcmovnu st3"),
            ("DB DC", "fcmovnu st4"), ("DB DD", "fcmovnu st5"), ("DB DE", "fcmovnu st6"), ("DB DF", "fcmovnu st7"),
            ("DB E0", "fneni"), ("DB E1", "fndisi"), ("DB E2", "fnclex"), ("DB E3", "fninit"),
            ("DB E4", "fsetpm"), ("DB E5", "(bad)"), ("DB E6", "(bad)"), ("DB E7", "(bad)"),
            ("DB E8", "fucomi st0"), ("DB E9", "fucomi st1"), ("DB EA", "fucomi st2"), ("DB EB", "fucomi st3"),
            ("DB EC", "fucomi st4"), ("DB ED", "fucomi st5"), ("DB EE", "fucomi st6"), ("DB EF", "fucomi st7"),
            ("DB F0", "fcomi st0"), ("DB F1", "fcomi st1"), ("DB F2", "fcomi st2"), ("DB F3", "fcomi st3"),
            ("DB F4", "fcomi st4"), ("DB F5", "fcomi st5"), ("DB F6", "fcomi st6"), ("DB F7", "fcomi st7"),
            ("DB F8", "(bad)"), ("DB F9", "(bad)"), ("DB FA", "(bad)"), ("DB FB", "(bad)"),
            ("DB FC", "(bad)"), ("DB FD", "(bad)"), ("DB FE", "(bad)"), ("DB FF", "(bad)"),
        ]),
        Group("DC: memory forms", .bits32, address: 0x0, [
            ("DC 46 10", "fadd qword [esi+0x10]"), ("DC 4E 14", "fmul qword [esi+0x14]"), ("DC 56 18", "fcom qword [esi+0x18]"), ("DC 5E 1C", "fcomp qword [esi+0x1c]"),
            ("DC 66 20", "fsub qword [esi+0x20]"), ("DC 6E 24", "fsubr qword [esi+0x24]"), ("DC 76 28", "fdiv qword [esi+0x28]"), ("DC 7E 2C", "fdivr qword [esi+0x2c]"),
        ]),
        Group("DC: register forms", .bits32, address: 0x0, [
            ("DC C0", "fadd to st0"), ("DC C1", "fadd to st1"), ("DC C2", "fadd to st2"), ("DC C3", "fadd to st3"),
            ("DC C4", "fadd to st4"), ("DC C5", "fadd to st5"), ("DC C6", "fadd to st6"), ("DC C7", "fadd to st7"),
            ("DC C8", "fmul to st0"), ("DC C9", "fmul to st1"), ("DC CA", "fmul to st2"), ("DC CB", "fmul to st3"),
            ("DC CC", "fmul to st4"), ("DC CD", "fmul to st5"), ("DC CE", "fmul to st6"), ("DC CF", "fmul to st7"),
            ("DC D0", "fcom st0"), ("DC D1", "fcom st1"), ("DC D2", "fcom st2"), ("DC D3", "fcom st3"),
            ("DC D4", "fcom st4"), ("DC D5", "fcom st5"), ("DC D6", "fcom st6"), ("DC D7", "fcom st7"),
            ("DC D8", "fcomp st0"), ("DC D9", "fcomp st1"), ("DC DA", "fcomp st2"), ("DC DB", "fcomp st3"),
            ("DC DC", "fcomp st4"), ("DC DD", "fcomp st5"), ("DC DE", "fcomp st6"), ("DC DF", "fcomp st7"),
            ("DC E0", "fsubr to st0"), ("DC E1", "fsubr to st1"), ("DC E2", "fsubr to st2"), ("DC E3", "fsubr to st3"),
            ("DC E4", "fsubr to st4"), ("DC E5", "fsubr to st5"), ("DC E6", "fsubr to st6"), ("DC E7", "fsubr to st7"),
            ("DC E8", "fsub to st0"), ("DC E9", "fsub to st1"), ("DC EA", "fsub to st2"), ("DC EB", "fsub to st3"),
            ("DC EC", "fsub to st4"), ("DC ED", "fsub to st5"), ("DC EE", "fsub to st6"), ("DC EF", "fsub to st7"),
            ("DC F0", "fdivr to st0"), ("DC F1", "fdivr to st1"), ("DC F2", "fdivr to st2"), ("DC F3", "fdivr to st3"),
            ("DC F4", "fdivr to st4"), ("DC F5", "fdivr to st5"), ("DC F6", "fdivr to st6"), ("DC F7", "fdivr to st7"),
            ("DC F8", "fdiv to st0"), ("DC F9", "fdiv to st1"), ("DC FA", "fdiv to st2"), ("DC FB", "fdiv to st3"),
            ("DC FC", "fdiv to st4"), ("DC FD", "fdiv to st5"), ("DC FE", "fdiv to st6"), ("DC FF", "fdiv to st7"),
        ]),
        Group("DD: memory forms", .bits32, address: 0x0, [
            ("DD 46 10", "fld qword [esi+0x10]"), ("DD 4E 14", "fisttp qword [esi+0x14]"), ("DD 56 18", "fst qword [esi+0x18]"), ("DD 5E 1C", "fstp qword [esi+0x1c]"),
            ("DD 66 20", "frstor [esi+0x20]"), ("DD 6E 24", "(bad)"), ("DD 76 28", "fnsave [esi+0x28]"), ("DD 7E 2C", "fnstsw [esi+0x2c]"),
        ]),
        Group("DD: register forms", .bits32, address: 0x0, [
            ("DD C0", "ffree st0"), ("DD C1", "ffree st1"), ("DD C2", "ffree st2"), ("DD C3", "ffree st3"),
            ("DD C4", "ffree st4"), ("DD C5", "ffree st5"), ("DD C6", "ffree st6"), ("DD C7", "ffree st7"),
            ("DD C8", "fxch st0"), ("DD C9", "fxch st1"), ("DD CA", "fxch st2"), ("DD CB", "fxch st3"),
            ("DD CC", "fxch st4"), ("DD CD", "fxch st5"), ("DD CE", "fxch st6"), ("DD CF", "fxch st7"),
            ("DD D0", "fst st0"), ("DD D1", "fst st1"), ("DD D2", "fst st2"), ("DD D3", "fst st3"),
            ("DD D4", "fst st4"), ("DD D5", "fst st5"), ("DD D6", "fst st6"), ("DD D7", "fst st7"),
            ("DD D8", "fstp st0"), ("DD D9", "fstp st1"), ("DD DA", "fstp st2"), ("DD DB", "fstp st3"),
            ("DD DC", "fstp st4"), ("DD DD", "fstp st5"), ("DD DE", "fstp st6"), ("DD DF", "fstp st7"),
            ("DD E0", "fucom st0"), ("DD E1", "fucom st1"), ("DD E2", "fucom st2"), ("DD E3", "fucom st3"),
            ("DD E4", "fucom st4"), ("DD E5", "fucom st5"), ("DD E6", "fucom st6"), ("DD E7", "fucom st7"),
            ("DD E8", "fucomp st0"), ("DD E9", "fucomp st1"), ("DD EA", "fucomp st2"), ("DD EB", "fucomp st3"),
            ("DD EC", "fucomp st4"), ("DD ED", "fucomp st5"), ("DD EE", "fucomp st6"), ("DD EF", "fucomp st7"),
            ("DD F0", "(bad)"), ("DD F1", "(bad)"), ("DD F2", "(bad)"), ("DD F3", "(bad)"),
            ("DD F4", "(bad)"), ("DD F5", "(bad)"), ("DD F6", "(bad)"), ("DD F7", "(bad)"),
            ("DD F8", "(bad)"), ("DD F9", "(bad)"), ("DD FA", "(bad)"), ("DD FB", "(bad)"),
            ("DD FC", "(bad)"), ("DD FD", "(bad)"), ("DD FE", "(bad)"), ("DD FF", "(bad)"),
        ]),
        Group("DE: memory forms", .bits32, address: 0x0, [
            ("DE 46 10", "fiadd word [esi+0x10]"), ("DE 4E 14", "fimul word [esi+0x14]"), ("DE 56 18", "ficom word [esi+0x18]"), ("DE 5E 1C", "ficomp word [esi+0x1c]"),
            ("DE 66 20", "fisub word [esi+0x20]"), ("DE 6E 24", "fisubr word [esi+0x24]"), ("DE 76 28", "fidiv word [esi+0x28]"), ("DE 7E 2C", "fidivr word [esi+0x2c]"),
        ]),
        Group("DE: register forms", .bits32, address: 0x0, [
            ("DE C0", "faddp st0"), ("DE C1", "faddp st1"), ("DE C2", "faddp st2"), ("DE C3", "faddp st3"),
            ("DE C4", "faddp st4"), ("DE C5", "faddp st5"), ("DE C6", "faddp st6"), ("DE C7", "faddp st7"),
            ("DE C8", "fmulp st0"), ("DE C9", "fmulp st1"), ("DE CA", "fmulp st2"), ("DE CB", "fmulp st3"),
            ("DE CC", "fmulp st4"), ("DE CD", "fmulp st5"), ("DE CE", "fmulp st6"), ("DE CF", "fmulp st7"),
            ("DE D0", "fcomp st0"), ("DE D1", "fcomp st1"), ("DE D2", "fcomp st2"), ("DE D3", "fcomp st3"),
            ("DE D4", "fcomp st4"), ("DE D5", "fcomp st5"), ("DE D6", "fcomp st6"), ("DE D7", "fcomp st7"),
            ("DE D8", "(bad)"), ("DE D9", "fcompp"), ("DE DA", "(bad)"), ("DE DB", "(bad)"),
            ("DE DC", "(bad)"), ("DE DD", "(bad)"), ("DE DE", "(bad)"), ("DE DF", "(bad)"),
            ("DE E0", "fsubrp st0"), ("DE E1", "fsubrp st1"), ("DE E2", "fsubrp st2"), ("DE E3", "fsubrp st3"),
            ("DE E4", "fsubrp st4"), ("DE E5", "fsubrp st5"), ("DE E6", "fsubrp st6"), ("DE E7", "fsubrp st7"),
            ("DE E8", "fsubp st0"), ("DE E9", "fsubp st1"), ("DE EA", "fsubp st2"), ("DE EB", "fsubp st3"),
            ("DE EC", "fsubp st4"), ("DE ED", "fsubp st5"), ("DE EE", "fsubp st6"), ("DE EF", "fsubp st7"),
            ("DE F0", "fdivrp st0"), ("DE F1", "fdivrp st1"), ("DE F2", "fdivrp st2"), ("DE F3", "fdivrp st3"),
            ("DE F4", "fdivrp st4"), ("DE F5", "fdivrp st5"), ("DE F6", "fdivrp st6"), ("DE F7", "fdivrp st7"),
            ("DE F8", "fdivp st0"), ("DE F9", "fdivp st1"), ("DE FA", "fdivp st2"), ("DE FB", "fdivp st3"),
            ("DE FC", "fdivp st4"), ("DE FD", "fdivp st5"), ("DE FE", "fdivp st6"), ("DE FF", "fdivp st7"),
        ]),
        Group("DF: memory forms", .bits32, address: 0x0, [
            ("DF 46 10", "fild word [esi+0x10]"), ("DF 4E 14", "fisttp word [esi+0x14]"), ("DF 56 18", "fist word [esi+0x18]"), ("DF 5E 1C", "fistp word [esi+0x1c]"),
            ("DF 66 20", "fbld tword [esi+0x20]"), ("DF 6E 24", "fild qword [esi+0x24]"), ("DF 76 28", "fbstp tword [esi+0x28]"), ("DF 7E 2C", "fistp qword [esi+0x2c]"),
        ]),
        Group("DF: register forms", .bits32, address: 0x0, [
            ("DF C0", "ffreep st0"), ("DF C1", "ffreep st1"), ("DF C2", "ffreep st2"), ("DF C3", "ffreep st3"),
            ("DF C4", "ffreep st4"), ("DF C5", "ffreep st5"), ("DF C6", "ffreep st6"), ("DF C7", "ffreep st7"),
            ("DF C8", "fxch st0"), ("DF C9", "fxch st1"), ("DF CA", "fxch st2"), ("DF CB", "fxch st3"),
            ("DF CC", "fxch st4"), ("DF CD", "fxch st5"), ("DF CE", "fxch st6"), ("DF CF", "fxch st7"),
            ("DF D0", "fstp st0"), ("DF D1", "fstp st1"), ("DF D2", "fstp st2"), ("DF D3", "fstp st3"),
            ("DF D4", "fstp st4"), ("DF D5", "fstp st5"), ("DF D6", "fstp st6"), ("DF D7", "fstp st7"),
            ("DF D8", "fstp st0"), ("DF D9", "fstp st1"), ("DF DA", "fstp st2"), ("DF DB", "fstp st3"),
            ("DF DC", "fstp st4"), ("DF DD", "fstp st5"), ("DF DE", "fstp st6"), ("DF DF", "fstp st7"),
            ("DF E0", "fnstsw ax"), ("DF E1", "(bad)"), ("DF E2", "(bad)"), ("DF E3", "(bad)"),
            ("DF E4", "(bad)"), ("DF E5", "(bad)"), ("DF E6", "(bad)"), ("DF E7", "(bad)"),
            ("DF E8", "fucomip st0"), ("DF E9", "fucomip st1"), ("DF EA", "fucomip st2"), ("DF EB", "fucomip st3"),
            ("DF EC", "fucomip st4"), ("DF ED", "fucomip st5"), ("DF EE", "fucomip st6"), ("DF EF", "fucomip st7"),
            ("DF F0", "fcomip st0"), ("DF F1", "fcomip st1"), ("DF F2", "fcomip st2"), ("DF F3", "fcomip st3"),
            ("DF F4", "fcomip st4"), ("DF F5", "fcomip st5"), ("DF F6", "fcomip st6"), ("DF F7", "fcomip st7"),
            ("DF F8", "(bad)"), ("DF F9", "(bad)"), ("DF FA", "(bad)"), ("DF FB", "(bad)"),
            ("DF FC", "(bad)"), ("DF FD", "(bad)"), ("DF FE", "(bad)"), ("DF FF", "(bad)"),
        ]),
        Group("Prefixes", .bits32, address: 0x0, [
            ("66 D9 30", "o16 fnstenv [eax]"), ("66 D9 20", "o16 fldenv [eax]"), ("66 DD 30", "o16 fnsave [eax]"),
            ("66 DD 20", "o16 frstor [eax]"), ("F3 D8 00", "rep fadd dword [eax]"), ("F0 D8 00", "lock fadd dword [eax]"),
            ("26 D8 00", "fadd dword [es:eax]"), ("64 D9 C1", "fs fld st1"), ("9B", "wait"),
            ("DB E3", "fninit"), ("DF 2C 25 00 10 00 00", "fild qword [0x1000]"), ("67 D9 E8", "fld1"),
        ]),
        Group("16-bit code", .bits16, address: 0x0, [
            ("D9 30", "fnstenv [bx+si]"), ("66 D9 30", "o32 fnstenv [bx+si]"), ("66 DD 20", "o32 frstor [bx+si]"),
            ("DD 36 34 12", "fnsave [0x1234]"), ("66 D8 00", "fadd dword [bx+si]"), ("D9 C9", "fxch st1"),
            ("DF E0", "fnstsw ax"), ("67 D8 00", "fadd dword [eax]"), ("67 D8 C1", "fadd st1"),
        ]),
        Group("64-bit code", .bits64, address: 0x1000, [
            ("41 D8 00", "fadd dword [r8]"), ("41 D8 C1", "fadd st1"), ("D9 05 00 00 00 00", "fld dword [rel 0x1006]"),
            ("48 DF 28", "fild qword [rax]"), ("66 D9 30", "o16 fnstenv [rax]"), ("48 D9 30", "fnstenv [rax]"),
            ("DD 04 24", "fld qword [rsp]"), ("DF 2C 25 00 10 00 00", "fild qword [0x1000]"), ("65 DD 00", "fld qword [gs:rax]"),
            ("41 DF E0", "fnstsw ax"), ("26 D8 00", "fadd dword [rax]"), ("48 DB 28", "fld tword [rax]"),
        ]),
    ]

    func testTable() throws {
        XCTAssertEqual(try DisassemblerTests.check(Self.groups), 8 * 72 + 12 + 9 + 12)
    }

    func testTextFromBytes() {
        DisassemblerTests.checkTextFromBytes(Self.groups)
    }

    /// The memory forms the SDM's tables leave blank: D9 /1, DB /4, DB /6, DD /5.
    static let undefinedMemoryForms: Set<Int> = [0xD9 << 3 | 1, 0xDB << 3 | 4, 0xDB << 3 | 6, 0xDD << 3 | 5]

    /// The defined register forms (ModR/M C0-FF) of each escape, as SDM Vol. 2
    /// Tables list them, with FFREEP (DF C0-C7, AMD64 manual), the
    /// 8087/80287 controls FENI, FDISI and FSETPM (DB E0, E1, E4) that ndisasm
    /// names, and the aliases processors run as their twins (X87Mnemonics).
    static let definedRegisterForms: [Int: [ClosedRange<Int>]] = [
        0xD8: [0xC0...0xFF],
        0xD9: [0xC0...0xD0, 0xD8...0xDF, 0xE0...0xE1, 0xE4...0xE5, 0xE8...0xEE, 0xF0...0xFF],
        0xDA: [0xC0...0xDF, 0xE9...0xE9],
        0xDB: [0xC0...0xE4, 0xE8...0xF7],
        0xDC: [0xC0...0xFF],
        0xDD: [0xC0...0xEF],
        0xDE: [0xC0...0xD7, 0xD9...0xD9, 0xE0...0xFF],
        0xDF: [0xC0...0xE0, 0xE8...0xF7],
    ]

    /// Whether the x87 instruction `d` (opcode D8-DF) has no meaning, stated
    /// independently of the disassembler (for `DisassemblerTests.undefined`).
    static func undefinedForm(_ d: DecodedInstruction) -> Bool {
        let escape = Int(d.opcode)
        if !d.registerForm { return undefinedMemoryForms.contains(escape << 3 | d.regField) }
        return !(definedRegisterForms[escape] ?? []).contains { $0.contains(Int(d.modrm)) }
    }
}
