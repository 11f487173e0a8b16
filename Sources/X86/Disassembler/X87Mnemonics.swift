/// The x87 instructions of escape opcodes D8-DF (SDM Vol. 2 §A.5, Tables
/// ), in the NASM spelling `ndisasm` prints: the non-waiting names
/// (`fnstenv`, `fninit`: a preceding FWAIT is an instruction of its own), the
/// size keyword of a memory operand, `st1` for ST(1), no ST(0) operand where
/// ST(0) is the other operand, and `to st1` where ST(i) is the destination.
///
/// The register forms the SDM's tables leave blank but processors run as
/// their documented twins (D9 D8-DF as FSTP, DC D0-DF as FCOM/FCOMP, DD
/// C8-CF and DF C8-CF as FXCH, DE D0-D7 as FCOMP, DF D0-DF as FSTP) carry the
/// twin's name, so that a trace shows what the CPU executes; ndisasm calls them
/// undefined. FFREEP (DF C0-C7, in AMD's manual) and the 8087 and 80287
/// controls FENI, FDISI and FSETPM (no-ops since the 80387) are named, as
/// ndisasm names them.
enum X87Mnemonics {
    /// Memory forms by escape (D8-DF) and ModR/M.reg: the name and the size
    /// keyword of the operand, if ndisasm prints one; "" is undefined.
    static let memoryForms: [[String]] = [
        ["fadd dword", "fmul dword", "fcom dword", "fcomp dword", "fsub dword", "fsubr dword", "fdiv dword", "fdivr dword"],
        ["fld dword", "", "fst dword", "fstp dword", "fldenv", "fldcw", "fnstenv", "fnstcw"],
        ["fiadd dword", "fimul dword", "ficom dword", "ficomp dword", "fisub dword", "fisubr dword", "fidiv dword", "fidivr dword"],
        ["fild dword", "fisttp dword", "fist dword", "fistp dword", "", "fld tword", "", "fstp tword"],
        ["fadd qword", "fmul qword", "fcom qword", "fcomp qword", "fsub qword", "fsubr qword", "fdiv qword", "fdivr qword"],
        ["fld qword", "fisttp qword", "fst qword", "fstp qword", "frstor", "", "fnsave", "fnstsw"],
        ["fiadd word", "fimul word", "ficom word", "ficomp word", "fisub word", "fisubr word", "fidiv word", "fidivr word"],
        ["fild word", "fisttp word", "fist word", "fistp word", "fbld tword", "fild qword", "fbstp tword", "fistp qword"],
    ]

    /// Register forms (mod = 11b) by escape and ModR/M.reg: a name whose
    /// operand is ST(i) from ModR/M.rm, a name followed by "to" for ST(i) as the
    /// destination, or eight comma-separated texts chosen by ModR/M.rm for the
    /// forms without a register operand; "" is undefined.
    static let registerForms: [[String]] = [
        ["fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr", "fdiv", "fdivr"],
        ["fld", "fxch", "fnop,,,,,,,", "fstp",
         "fchs,fabs,,,ftst,fxam,,", "fld1,fldl2t,fldl2e,fldpi,fldlg2,fldln2,fldz,",
         "f2xm1,fyl2x,fptan,fpatan,fxtract,fprem1,fdecstp,fincstp",
         "fprem,fyl2xp1,fsqrt,fsincos,frndint,fscale,fsin,fcos"],
        ["fcmovb", "fcmove", "fcmovbe", "fcmovu", "", ",fucompp,,,,,,", "", ""],
        ["fcmovnb", "fcmovne", "fcmovnbe", "fcmovnu", "fneni,fndisi,fnclex,fninit,fsetpm,,,", "fucomi", "fcomi", ""],
        ["fadd to", "fmul to", "fcom", "fcomp", "fsubr to", "fsub to", "fdivr to", "fdiv to"],
        ["ffree", "fxch", "fst", "fstp", "fucom", "fucomp", "", ""],
        ["faddp", "fmulp", "fcomp", ",fcompp,,,,,,", "fsubrp", "fsubp", "fdivrp", "fdivp"],
        ["ffreep", "fxch", "fstp", "fstp", "fnstsw ax,,,,,,,", "fucomip", "fcomip", ""],
    ]
}

extension Disassembler {
    /// The mnemonic and operand of the x87 instruction `i` (opcode D8-DF), or
    /// nil when its form is undefined.
    static func x87Instruction(_ i: DecodedInstruction, address: UInt64) -> Instruction? {
        let escape = Int(i.opcode & 7)
        if !i.registerForm {
            let form = X87Mnemonics.memoryForms[escape][i.regField]
            guard !form.isEmpty else { return nil }
            let words = form.split(separator: " ")
            let keyword = words.count > 1 ? words[1] + " " : ""
            var instruction = Instruction(name: String(words[0]), operands: [keyword + memory(i, address: address)])
            // The environment and state images have a 16-bit and a 32-bit
            // layout, chosen by the operand size (SDM Vol. 1 §8.1.10, §8.1.11):
            // NASM marks a 66 prefix on them with the size it selects.
            if (escape == 1 || escape == 5) && i.regField & 5 == 4
                && i.prefixes & DecodedInstruction.operandSizePrefix != 0 && i.operandSize != 8 {
                instruction.sizeMarker = i.operandSize == 2 ? "o16" : "o32"
            }
            return instruction
        }
        let form = X87Mnemonics.registerForms[escape][i.regField]
        if form.contains(",") {
            let names = form.split(separator: ",", omittingEmptySubsequences: false)
            guard i.rmField < names.count, !names[i.rmField].isEmpty else { return nil }
            let words = names[i.rmField].split(separator: " ")
            return Instruction(name: String(words[0]), operands: words.dropFirst().map(String.init))
        }
        guard !form.isEmpty else { return nil }
        let stack = "st\(i.rmField)"
        if form.hasSuffix(" to") { return Instruction(name: String(form.dropLast(3)), operands: ["to " + stack]) }
        return Instruction(name: form, operands: [stack])
    }
}
