import XCTest
@testable import X86

/// MMX and SSE encodings around the mandatory prefixes: which prefix wins, the
/// other code sizes (REX extending XMM but not MMX registers, REX.W widening
/// general-register operands, RIP-relative operands before an immediate), and
/// the encodings a prefix or ModR/M form leaves undefined. The expected texts are
/// what `ndisasm -b 16/32/64` (NASM 2.16) prints; where the two differ it is by
/// design (see `Disassembler`):
/// - `(bad)` where no form is defined for the prefix, or the operand must be memory
///   or a register and is not: ndisasm prints the prefix alone (`repne`, `o16`,
///   `rep`) or `db 0x0f` and goes on from the next byte, keeps it before EMMS
///   (`rep emms`), or decodes another vendor's or a later extension (`paveb`,
///   `pmagw`, `movntss`, `xsave`, `clflushopt`, `incsspd`, `tpause`);
/// - no `o16`/`o32`/`o64` word for a 66 that F3 or F2 overrides or a REX.W that
///   changes nothing (`o16 movss`, `o64 movups`, `o64 pmovmskb eax,mm1`);
/// - LFENCE, MFENCE and SFENCE for any r/m field (ndisasm: `db 0x0f` but for 0);
/// - in 16-bit code, memory operands where ndisasm shows a register by mistake
///   (`cvtss2si eax,xmm12` for F3 0F 2D 00, `movq xmm0,xmm12` for F3 0F 7E 00).
final class SSEDisassemblerPrefixTests: XCTestCase {
    typealias Group = DisassemblerTests.Group

    /// Each byte string is exactly one instruction.
    static let groups: [Group] = [
        Group("Prefix precedence", .bits32, address: 0x0, [
            ("66 F3 0F 10 07", "movss xmm0,dword [edi]"), ("F2 66 0F 10 07", "movsd xmm0,qword [edi]"),
            ("F3 F2 0F 10 07", "movsd xmm0,qword [edi]"), ("F2 F3 0F 10 07", "movss xmm0,dword [edi]"),
            ("66 66 0F 10 07", "movupd xmm0,oword [edi]"), ("F3 F3 0F 10 07", "movss xmm0,dword [edi]"),
            ("64 0F 10 C1", "fs movups xmm0,xmm1"), ("F0 0F 10 07", "lock movups xmm0,oword [edi]"),
            ("F0 F3 0F 10 07", "lock movss xmm0,dword [edi]"), ("2E 0F 29 07", "movaps oword [cs:edi],xmm0"),
            ("67 0F 10 07", "movups xmm0,oword [bx]"), ("66 F3 0F 7E C1", "movq xmm0,xmm1"),
            ("66 0F 6F 07", "movdqa xmm0,oword [edi]"), ("F3 66 0F 6F 07", "movdqu xmm0,oword [edi]"),
        ]),
        Group("16-bit code", .bits16, address: 0x0, [
            ("0F 10 00", "movups xmm0,oword [bx+si]"), ("0F 11 46 FE", "movups oword [bp-0x2],xmm0"),
            ("66 0F 6F 07", "movdqa xmm0,oword [bx]"), ("F3 0F 6F 84 00 10", "movdqu xmm0,oword [si+0x1000]"),
            ("67 F3 0F 10 44 24 08", "movss xmm0,dword [esp+0x8]"), ("0F 6E 07", "movd mm0,dword [bx]"),
            ("0F 6E C1", "movd mm0,ecx"), ("66 0F 6E C1", "movd xmm0,ecx"), ("66 0F 7E 46 02", "movd [bp+0x2],xmm0"),
            ("F3 0F 2A 07", "cvtsi2ss xmm0,dword [bx]"), ("F3 0F 2A C1", "cvtsi2ss xmm0,ecx"),
            ("F2 0F 2C C1", "cvttsd2si eax,xmm1"), ("0F C4 C1 05", "pinsrw mm0,cx,0x5"),
            ("0F C4 46 02 05", "pinsrw mm0,[bp+0x2],0x5"), ("66 0F C5 C1 05", "pextrw eax,xmm1,0x5"),
            ("0F D7 C1", "pmovmskb eax,mm1"), ("0F C3 07", "movnti [bx],eax"), ("0F AE 07", "fxsave [bx]"),
            ("0F AE 16 34 12", "ldmxcsr dword [0x1234]"), ("0F AE 1F", "stmxcsr dword [bx]"), ("0F AE 3F", "clflush [bx]"),
            ("67 66 0F 3A 0F 04 24 08", "palignr xmm0,[esp],0x8"), ("0F 3A 0F 46 02 FF", "palignr mm0,[bp+0x2],0xff"),
            ("66 0F 38 00 C1", "pshufb xmm0,xmm1"), ("0F 73 D3 04", "psrlq mm3,0x4"), ("0F C2 07 01", "cmpltps xmm0,oword [bx]"),
            ("66 F3 0F 10 07", "movss xmm0,dword [bx]"), ("F3 F2 0F 10 07", "movsd xmm0,qword [bx]"),
            ("64 0F 10 C1", "fs movups xmm0,xmm1"), ("2E 0F 29 07", "movaps oword [cs:bx],xmm0"), ("0F 77", "emms"),
            ("66 0F D6 C1", "movq xmm1,xmm0"), ("F3 0F 7E C1", "movq xmm0,xmm1"),
            ("F3 0F 2D 00", "cvtss2si eax,[bx+si]"), ("F3 0F 7E 00", "movq xmm0,[bx+si]"),
        ]),
        Group("64-bit code", .bits64, address: 0x1000, [
            ("44 0F 10 C1", "movups xmm8,xmm1"), ("41 0F 10 C1", "movups xmm0,xmm9"), ("45 0F 28 F8", "movaps xmm15,xmm8"),
            ("48 0F 10 C1", "movups xmm0,xmm1"), ("66 44 0F 6F 05 10 00 00 00", "movdqa xmm8,oword [rel 0x1019]"),
            ("F3 45 0F 10 4C 24 08", "movss xmm9,dword [r12+0x8]"), ("48 0F 6E C1", "movq mm0,rcx"),
            ("49 0F 7E C1", "movq r9,mm0"), ("66 48 0F 6E 00", "movq xmm0,qword [rax]"), ("66 4C 0F 7E C0", "movq rax,xmm8"),
            ("0F 6E C1", "movd mm0,ecx"), ("66 0F 7E 00", "movd [rax],xmm0"), ("F3 48 0F 2A C1", "cvtsi2ss xmm0,rcx"),
            ("F2 48 0F 2A 00", "cvtsi2sd xmm0,qword [rax]"), ("F2 4C 0F 2D C1", "cvtsd2si r8,xmm1"),
            ("F3 0F 2C 00", "cvttss2si eax,[rax]"), ("48 0F 50 C1", "movmskps rax,xmm1"), ("66 48 0F 50 C1", "movmskpd eax,xmm1"),
            ("48 0F C3 00", "movnti [rax],rax"), ("41 0F C4 C1 05", "pinsrw mm0,r9w,0x5"),
            ("66 41 0F C4 C1 05", "pinsrw xmm0,r9w,0x5"), ("66 44 0F C5 C1 05", "pextrw r8d,xmm1,0x5"),
            ("48 0F D7 C1", "pmovmskb eax,mm1"), ("66 45 0F D7 C1", "pmovmskb r8d,xmm9"), ("4D 0F FC C1", "paddb mm0,mm1"),
            ("F3 41 0F D6 C1", "movq2dq xmm0,mm1"), ("F2 44 0F D6 C1", "movdq2q mm0,xmm1"), ("48 0F AE 00", "fxsave64 [rax]"),
            ("49 0F AE 08", "fxrstor64 [r8]"), ("0F AE 05 00 00 00 00", "fxsave [rel 0x1007]"),
            ("66 0F 3A 0F 05 00 00 00 00 08", "palignr xmm0,[rel 0x100a],0x8"), ("66 41 0F 73 FF 04", "pslldq xmm15,0x4"),
            ("0F C2 05 00 00 00 00 01", "cmpltps xmm0,oword [rel 0x1008]"), ("66 41 0F 38 00 C1", "pshufb xmm0,xmm9"),
            ("41 0F 38 00 C1", "pshufb mm0,mm1"), ("66 0F 70 05 00 00 00 00 1B", "pshufd xmm0,[rel 0x1009],0x1b"),
            ("64 0F 10 00", "movups xmm0,oword [fs:rax]"), ("64 0F 10 C1", "fs movups xmm0,xmm1"),
            ("67 0F 10 00", "movups xmm0,oword [eax]"), ("66 67 0F 6F 00", "movdqa xmm0,oword [eax]"),
            ("F2 0F F0 3C 24", "lddqu xmm7,oword [rsp]"), ("0F 2B 38", "movntps oword [rax],xmm7"),
            ("66 44 0F E7 3F", "movntdq [rdi],xmm15"), ("44 0F E7 00", "movntq [rax],mm0"), ("0F 77", "emms"),
        ]),
        Group("Undefined prefixes and operand forms", .bits32, address: 0x0, [
            ("F2 0F 28 C1", "(bad)"), ("F3 0F 28 00", "(bad)"), ("66 0F 12 C1", "(bad)"), ("0F 13 C1", "(bad)"),
            ("66 0F 16 C1", "(bad)"), ("0F 17 C1", "(bad)"), ("0F 6C C1", "(bad)"), ("0F 6D 00", "(bad)"),
            ("F3 0F 6C C1", "(bad)"), ("F3 0F FC C1", "(bad)"), ("F2 0F 60 00", "(bad)"), ("66 0F 77", "(bad)"),
            ("F3 0F 77", "(bad)"), ("0F 50 00", "(bad)"), ("66 0F 50 00", "(bad)"), ("0F C5 00 05", "(bad)"),
            ("0F D7 00", "(bad)"), ("0F F7 00", "(bad)"), ("0F 2B C1", "(bad)"), ("0F E7 C1", "(bad)"),
            ("0F C3 C1", "(bad)"), ("F2 0F F0 C1", "(bad)"), ("F3 0F 2B 00", "(bad)"), ("F2 0F 2B 00", "(bad)"),
            ("66 0F 52 C1", "(bad)"), ("66 0F 53 C1", "(bad)"), ("F2 0F 5B C1", "(bad)"), ("F2 0F 6F C1", "(bad)"),
            ("F2 0F 7E C1", "(bad)"), ("0F D6 C1", "(bad)"), ("F3 0F D6 00", "(bad)"), ("F2 0F D6 00", "(bad)"),
            ("0F E6 C1", "(bad)"), ("0F 7C C1", "(bad)"), ("F3 0F D0 C1", "(bad)"), ("F3 0F C4 C1 05", "(bad)"),
            ("0F 71 C1 05", "(bad)"), ("0F 71 10 05", "(bad)"), ("0F 73 D9 05", "(bad)"), ("66 0F 71 E8 05", "(bad)"),
            ("F3 0F 72 D1 05", "(bad)"), ("0F AE C0", "(bad)"), ("0F AE 20", "(bad)"), ("0F AE 28", "(bad)"),
            ("0F AE 30", "(bad)"), ("66 0F AE 38", "(bad)"), ("F3 0F AE E8", "(bad)"), ("66 0F AE F0", "(bad)"),
            ("0F AE E9", "lfence"), ("0F AE F7", "mfence"), ("0F AE FF", "sfence"), ("0F 38 0C", "(bad)"),
            ("F3 0F 38 00 C1", "(bad)"), ("F2 0F 3A 0F C1 05", "(bad)"), ("0F 3A 00", "(bad)"), ("0F 78", "(bad)"),
        ]),
    ]

    func testTable() throws {
        XCTAssertEqual(try DisassemblerTests.check(Self.groups), 14 + 35 + 45 + 56)
    }

    func testTextFromBytes() {
        DisassemblerTests.checkTextFromBytes(Self.groups)
    }

    /// The mandatory prefixes under which each MMX and SSE opcode is defined,
    /// for a memory operand before "/" and a register operand after: n for
    /// none, 6 for 66, 3 for F3, 2 for F2 (SDM Vol. 2 Tables, read off
    /// ndisasm's decodes less other vendors' extensions); groups 12-15 by
    /// `index << 3 | reg`. Written independently of `SSEMnemonics`.
    static let definedPrefixes: [Int: String] = [
        0x110: "n632/n632", 0x111: "n632/n632", 0x112: "n632/n32", 0x113: "n6/", 0x114: "n6/n6", 0x115: "n6/n6",
        0x116: "n63/n3", 0x117: "n6/", 0x128: "n6/n6", 0x129: "n6/n6", 0x12A: "n632/n632", 0x12B: "n6/",
        0x12C: "n632/n632", 0x12D: "n632/n632", 0x12E: "n6/n6", 0x12F: "n6/n6", 0x150: "/n6", 0x151: "n632/n632",
        0x152: "n3/n3", 0x153: "n3/n3", 0x154: "n6/n6", 0x155: "n6/n6", 0x156: "n6/n6", 0x157: "n6/n6",
        0x158: "n632/n632", 0x159: "n632/n632", 0x15A: "n632/n632", 0x15B: "n63/n63", 0x15C: "n632/n632",
        0x15D: "n632/n632", 0x15E: "n632/n632", 0x15F: "n632/n632", 0x160: "n6/n6", 0x161: "n6/n6", 0x162: "n6/n6",
        0x163: "n6/n6", 0x164: "n6/n6", 0x165: "n6/n6", 0x166: "n6/n6", 0x167: "n6/n6", 0x168: "n6/n6",
        0x169: "n6/n6", 0x16A: "n6/n6", 0x16B: "n6/n6", 0x16C: "6/6", 0x16D: "6/6", 0x16E: "n6/n6", 0x16F: "n63/n63",
        0x170: "n632/n632", 0x171 << 3 | 2: "/n6", 0x171 << 3 | 4: "/n6", 0x171 << 3 | 6: "/n6",
        0x172 << 3 | 2: "/n6", 0x172 << 3 | 4: "/n6", 0x172 << 3 | 6: "/n6", 0x173 << 3 | 2: "/n6",
        0x173 << 3 | 3: "/6", 0x173 << 3 | 6: "/n6", 0x173 << 3 | 7: "/6", 0x174: "n6/n6", 0x175: "n6/n6",
        0x176: "n6/n6", 0x177: "n/n", 0x17C: "62/62", 0x17D: "62/62", 0x17E: "n63/n63", 0x17F: "n63/n63",
        0x1AE << 3 | 0: "n/", 0x1AE << 3 | 1: "n/", 0x1AE << 3 | 2: "n/", 0x1AE << 3 | 3: "n/", 0x1AE << 3 | 5: "/n",
        0x1AE << 3 | 6: "/n", 0x1AE << 3 | 7: "n/n", 0x1C2: "n632/n632", 0x1C3: "n/", 0x1C4: "n6/n6", 0x1C5: "/n6",
        0x1C6: "n6/n6", 0x1D0: "62/62", 0x1D1: "n6/n6", 0x1D2: "n6/n6", 0x1D3: "n6/n6", 0x1D4: "n6/n6",
        0x1D5: "n6/n6", 0x1D6: "6/632", 0x1D7: "/n6", 0x1D8: "n6/n6", 0x1D9: "n6/n6", 0x1DA: "n6/n6", 0x1DB: "n6/n6",
        0x1DC: "n6/n6", 0x1DD: "n6/n6", 0x1DE: "n6/n6", 0x1DF: "n6/n6", 0x1E0: "n6/n6", 0x1E1: "n6/n6",
        0x1E2: "n6/n6", 0x1E3: "n6/n6", 0x1E4: "n6/n6", 0x1E5: "n6/n6", 0x1E6: "632/632", 0x1E7: "n6/",
        0x1E8: "n6/n6", 0x1E9: "n6/n6", 0x1EA: "n6/n6", 0x1EB: "n6/n6", 0x1EC: "n6/n6", 0x1ED: "n6/n6",
        0x1EE: "n6/n6", 0x1EF: "n6/n6", 0x1F0: "2/", 0x1F1: "n6/n6", 0x1F2: "n6/n6", 0x1F3: "n6/n6", 0x1F4: "n6/n6",
        0x1F5: "n6/n6", 0x1F6: "n6/n6", 0x1F7: "/n6", 0x1F8: "n6/n6", 0x1F9: "n6/n6", 0x1FA: "n6/n6", 0x1FB: "n6/n6",
        0x1FC: "n6/n6", 0x1FD: "n6/n6", 0x1FE: "n6/n6", 0x200: "n6/n6", 0x201: "n6/n6", 0x202: "n6/n6",
        0x203: "n6/n6", 0x204: "n6/n6", 0x205: "n6/n6", 0x206: "n6/n6", 0x207: "n6/n6", 0x208: "n6/n6",
        0x209: "n6/n6", 0x20A: "n6/n6", 0x20B: "n6/n6", 0x21C: "n6/n6", 0x21D: "n6/n6", 0x21E: "n6/n6",
        0x30F: "n6/n6",
    ]

    /// Whether the MMX or SSE instruction `d` has no meaning, or nil when its
    /// opcode is not one of them (for `DisassemblerTests.undefined`). The prefix
    /// that counts is F2, else F3, else 66.
    static func undefinedForm(_ d: DecodedInstruction) -> Bool? {
        let index = Int(d.opcode)
        let isGroup = [0x171, 0x172, 0x173, 0x1AE].contains(index)
        guard let entry = isGroup ? definedPrefixes[index << 3 | d.regField] ?? "/" : definedPrefixes[index] else { return nil }
        let p = d.prefixes
        let prefix: Character = p & DecodedInstruction.repeatNZ != 0 ? "2" : p & DecodedInstruction.repeatZ != 0 ? "3"
            : p & DecodedInstruction.operandSizePrefix != 0 ? "6" : "n"
        let forms = entry.split(separator: "/", omittingEmptySubsequences: false)
        return !forms[d.registerForm ? 1 : 0].contains(prefix)
    }
}
