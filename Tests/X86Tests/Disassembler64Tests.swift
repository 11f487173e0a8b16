import XCTest
@testable import X86

/// Disassembly of 64-bit code (SDM Vol. 2 §2.2.1: REX, RIP-relative addressing,
/// 64-bit operands and addresses). Every expected text was checked against
/// `ndisasm -b 64 -o <address>` (NASM 2.16); where the two differ it is by design:
/// - the table's mnemonics (`je`, not `jz`), size keywords by our rule
///   (`call qword [rax]`, `sldt word [rdi]`, `qword far` for 16:64 pointers and
///   `far` for 16:16 ones; ndisasm adds `byte` and `dword` to some immediates),
///   operands in table order (`xchg r8d,eax`, `xchg [rdi],al`);
/// - a prefix that changes nothing shows nowhere: no `o16`/`o64` word, no separate
///   `rex.w` line (`48 ED` is `in eax,dx`, `48 90` is `nop`, not `xchg rax,rax`), no
///   `qword` on near branches with 66 or REX.W, no `retq`; names follow the
///   operand size (`pushfq`, `iretd`, and `iret` under 66, where ndisasm prints
///   `pushf`, `iret` and `iretw`);
/// - no address-size marker inside brackets (`[0x1000]` for `[qword 0x1000]`,
///   `[rel 0x...]` for `[dword rel 0x...]`);
/// - no ES/CS/SS/DS override (the decoder drops them in 64-bit mode);
/// - MOV Sreg,r from the 16-bit register (`mov ds,ax`; ndisasm `mov ds,eax`);
/// - `movsxd eax,ecx` for 63 without REX.W (ndisasm prints `db`);
/// - the 64-bit value of a sign-extended imm32 (`imul rax,rax,0xffffffffffffffff`;
///   ndisasm `dword 0xffffffff` for IMUL only);
/// - `(bad)` for what 64-bit mode leaves undefined (06, 27, 60, 62, 82, 9A, C4, C5,
///   CE, D4-D6, EA: ndisasm prints `db` or, for D6, `salc`) and for later extensions
///   (SSE4, VMX).
final class Disassembler64Tests: XCTestCase {
    typealias Group = DisassemblerTests.Group

    /// Each byte string is exactly one instruction.
    static let groups: [Group] = [
        Group("Registers with REX", .bits64, address: 0x0, [
            ("48 01 C8", "add rax,rcx"),
            ("4C 01 C0", "add rax,r8"),
            ("45 01 C0", "add r8d,r8d"),
            ("49 01 C7", "add r15,rax"),
            ("66 41 01 C0", "add r8w,ax"),
            ("41 00 C0", "add r8b,al"),
            ("00 E0", "add al,ah"),
            ("40 00 E0", "add al,spl"),
            ("40 88 F7", "mov dil,sil"),
            ("44 88 F7", "mov dil,r14b"),
            ("41 88 E4", "mov r12b,spl"),
            ("45 88 FF", "mov r15b,r15b"),
            ("48 0F B6 C0", "movzx rax,al"),
            ("48 0F BE C4", "movsx rax,spl"),
            ("4C 0F B6 C4", "movzx r8,spl"),
            ("40 0F B6 C4", "movzx eax,spl"),
            ("48 0F BF C0", "movsx rax,ax"),
            ("4C 0F B7 00", "movzx r8,word [rax]"),
            ("0F B6 C0", "movzx eax,al"),
            ("48 63 C1", "movsxd rax,ecx"),
            ("4C 63 07", "movsxd r8,dword [rdi]"),
            ("48 63 04 24", "movsxd rax,dword [rsp]"),
            ("63 C1", "movsxd eax,ecx"),
        ]),
        Group("Addressing forms", .bits64, address: 0x0, [
            ("48 8B 04 24", "mov rax,[rsp]"),
            ("4C 8B 04 24", "mov r8,[rsp]"),
            ("41 8B 00", "mov eax,[r8]"),
            ("41 8B 45 00", "mov eax,[r13+0x0]"),
            ("41 8B 44 24 08", "mov eax,[r12+0x8]"),
            ("42 8B 04 20", "mov eax,[rax+r12]"),
            ("4A 8B 04 E5 00 00 00 00", "mov rax,[r12*8+0x0]"),
            ("4A 8B 04 E5 F8 FF FF FF", "mov rax,[r12*8-0x8]"),
            ("43 8B 04 25 00 10 00 00", "mov eax,[r12+0x1000]"),
            ("41 8B 04 25 00 10 00 00", "mov eax,[0x1000]"),
            ("8B 04 25 00 10 00 00", "mov eax,[0x1000]"),
            ("8B 04 25 F8 FF FF FF", "mov eax,[0xfffffffffffffff8]"),
            ("67 8B 04 25 F8 FF FF FF", "mov eax,[0xfffffff8]"),
            ("67 8B 04 24", "mov eax,[esp]"),
            ("67 41 8B 00", "mov eax,[r8d]"),
            ("67 42 8B 04 20", "mov eax,[eax+r12d]"),
            ("48 8D 04 40", "lea rax,[rax+rax*2]"),
            ("67 48 8D 04 40", "lea rax,[eax+eax*2]"),
            ("48 8D 84 C8 80 00 00 00", "lea rax,[rax+rcx*8+0x80]"),
            ("48 8B 44 24 F8", "mov rax,[rsp-0x8]"),
            ("4D 8B 6C 24 10", "mov r13,[r12+0x10]"),
        ]),
        Group("RIP-relative operands", .bits64, address: 0x1000, [
            ("8B 05 10 00 00 00", "mov eax,[rel 0x1016]"),
            ("8B 05 F0 FF FF FF", "mov eax,[rel 0xff6]"),
            ("48 8D 05 00 00 00 00", "lea rax,[rel 0x1007]"),
            ("48 8D 0D FA FF FF FF", "lea rcx,[rel 0x1001]"),
            ("67 8B 05 00 00 00 80", "mov eax,[rel 0x80001007]"),
            ("64 8B 05 F0 FF FF FF", "mov eax,[rel fs:0xff7]"),
            ("65 48 8B 05 00 01 00 00", "mov rax,[rel gs:0x1108]"),
            ("FF 25 00 00 00 00", "jmp qword [rel 0x1006]"),
            ("FF 15 00 00 00 00", "call qword [rel 0x1006]"),
            ("48 C7 05 F6 FF FF FF 01 00 00 00", "mov qword [rel 0x1001],0x1"),
            ("C6 05 00 00 00 00 05", "mov byte [rel 0x1007],0x5"),
            ("80 3D 00 00 00 00 00", "cmp byte [rel 0x1007],0x0"),
            ("0F 01 15 00 00 00 00", "lgdt [rel 0x1007]"),
        ]),
        Group("Segment overrides", .bits64, address: 0x0, [
            ("64 8B 00", "mov eax,[fs:rax]"),
            ("65 48 8B 04 25 28 00 00 00", "mov rax,[gs:0x28]"),
            ("26 8B 00", "mov eax,[rax]"),
            ("2E 8B 00", "mov eax,[rax]"),
            ("64 A4", "fs movsb"),
            ("64 90", "fs nop"),
        ]),
        Group("Immediates", .bits64, address: 0x0, [
            ("48 B8 88 77 66 55 44 33 22 11", "mov rax,0x1122334455667788"),
            ("49 B8 01 00 00 00 00 00 00 00", "mov r8,0x1"),
            ("41 B8 01 00 00 00", "mov r8d,0x1"),
            ("B8 01 00 00 00", "mov eax,0x1"),
            ("66 B8 34 12", "mov ax,0x1234"),
            ("40 B4 01", "mov spl,0x1"),
            ("41 B4 01", "mov r12b,0x1"),
            ("B4 01", "mov ah,0x1"),
            ("41 B0 01", "mov r8b,0x1"),
            ("48 C7 C0 FF FF FF FF", "mov rax,0xffffffffffffffff"),
            ("48 05 78 56 34 12", "add rax,0x12345678"),
            ("48 05 FF FF FF FF", "add rax,0xffffffffffffffff"),
            ("48 25 00 00 00 80", "and rax,0xffffffff80000000"),
            ("05 FF FF FF FF", "add eax,0xffffffff"),
            ("48 83 C0 FF", "add rax,byte -0x1"),
            ("48 81 00 FF FF FF FF", "add qword [rax],0xffffffffffffffff"),
            ("48 F7 00 78 56 34 12", "test qword [rax],0x12345678"),
            ("48 A9 FF FF FF FF", "test rax,0xffffffffffffffff"),
            ("48 6B C0 05", "imul rax,rax,byte +0x5"),
            ("48 69 C0 78 56 34 12", "imul rax,rax,0x12345678"),
            ("48 C1 E0 04", "shl rax,0x4"),
            ("48 D3 E0", "shl rax,cl"),
            ("48 D1 E0", "shl rax,1"),
            ("48 F7 D8", "neg rax"),
            ("48 F7 F3", "div rbx"),
            ("6A FF", "push byte -0x1"),
            ("6A 12", "push byte +0x12"),
            ("68 78 56 34 12", "push qword 0x12345678"),
            ("68 FF FF FF FF", "push qword 0xffffffffffffffff"),
            ("66 68 34 12", "push word 0x1234"),
            ("C8 10 00 00", "enter 0x10,0x0"),
            ("C2 08 00", "ret 0x8"),
            ("CD 80", "int 0x80"),
            ("E4 60", "in al,0x60"),
            ("E5 60", "in eax,0x60"),
            ("48 E5 60", "in eax,0x60"),
            ("66 E5 60", "in ax,0x60"),
            ("48 ED", "in eax,dx"),
            ("48 EF", "out dx,eax"),
            ("48 C6 C0 01", "mov al,0x1"),
            ("48 0F BA E0 03", "bt rax,0x3"),
            ("48 0F A4 C3 04", "shld rbx,rax,0x4"),
        ]),
        Group("Memory offsets", .bits64, address: 0x0, [
            ("A1 88 77 66 55 44 33 22 11", "mov eax,[0x1122334455667788]"),
            ("48 A1 88 77 66 55 44 33 22 11", "mov rax,[0x1122334455667788]"),
            ("48 A3 00 00 00 00 00 00 00 00", "mov [0x0],rax"),
            ("A0 00 10 00 00 00 00 00 00", "mov al,[0x1000]"),
            ("67 A1 44 33 22 11", "mov eax,[0x11223344]"),
            ("66 A1 00 10 00 00 00 00 00 00", "mov ax,[0x1000]"),
            ("64 A1 00 00 00 00 00 00 00 00", "mov eax,[fs:0x0]"),
            ("65 67 A2 00 00 00 00", "mov [gs:0x0],al"),
        ]),
        Group("Stack and branches", .bits64, address: 0x1000, [
            ("50", "push rax"),
            ("41 50", "push r8"),
            ("66 50", "push ax"),
            ("48 50", "push rax"),
            ("66 41 5F", "pop r15w"),
            ("41 5F", "pop r15"),
            ("FF 30", "push qword [rax]"),
            ("66 FF 30", "push word [rax]"),
            ("FF F0", "push rax"),
            ("8F 00", "pop qword [rax]"),
            ("8F C0", "pop rax"),
            ("48 8F 00", "pop qword [rax]"),
            ("9C", "pushfq"),
            ("66 9C", "pushf"),
            ("9D", "popfq"),
            ("C9", "leave"),
            ("E8 00 00 00 00", "call 0x1005"),
            ("E8 FB EF FF FF", "call 0x0"),
            ("66 E8 00 00 00 00", "call 0x1006"),
            ("48 E9 00 00 00 00", "jmp 0x1006"),
            ("E9 00 00 00 80", "jmp 0xffffffff80001005"),
            ("EB FE", "jmp short 0x1000"),
            ("EB 80", "jmp short 0xf82"),
            ("74 80", "je 0xf82"),
            ("0F 84 00 00 00 00", "je near 0x1006"),
            ("0F 8F F0 FF FF FF", "jg near 0xff6"),
            ("E3 00", "jrcxz 0x1002"),
            ("67 E3 00", "jecxz 0x1003"),
            ("E2 FE", "loop 0x1000"),
            ("67 E2 FE", "loop 0x1001,ecx"),
            ("E0 FE", "loopne 0x1000"),
            ("FF D0", "call rax"),
            ("41 FF D0", "call r8"),
            ("FF 10", "call qword [rax]"),
            ("FF E0", "jmp rax"),
            ("41 FF E3", "jmp r11"),
            ("FF 20", "jmp qword [rax]"),
            ("C3", "ret"),
            ("F3 C3", "rep ret"),
            ("CB", "retf"),
            ("48 CB", "retfq"),
            ("48 CA 04 00", "retfq 0x4"),
            ("CF", "iretd"),
            ("48 CF", "iretq"),
            ("66 CF", "iret"),
            ("FF 1C 24", "call dword far [rsp]"),
            ("48 FF 1C 24", "call qword far [rsp]"),
            ("66 FF 1C 24", "call far [rsp]"),
            ("FF 2C 24", "jmp dword far [rsp]"),
            ("0F A0", "push fs"),
            ("0F A1", "pop fs"),
            ("0F A8", "push gs"),
            ("0F A9", "pop gs"),
            ("66 0F A0", "push fs"),
        ]),
        Group("Near top of the address space", .bits64, address: 0xFFFF_FFFF_FFFF_FFF0, [
            ("E8 FF FF FF FF", "call 0xfffffffffffffff4"),
            ("EB 10", "jmp short 0x2"),
            ("E9 00 00 00 00", "jmp 0xfffffffffffffff5"),
            ("8B 05 00 00 00 00", "mov eax,[rel 0xfffffffffffffff6]"),
            ("67 8B 05 00 00 00 00", "mov eax,[rel 0xfffffff7]"),
        ]),
        Group("Names by operand size", .bits64, address: 0x0, [
            ("98", "cwde"),
            ("48 98", "cdqe"),
            ("66 98", "cbw"),
            ("99", "cdq"),
            ("48 99", "cqo"),
            ("66 99", "cwd"),
            ("A5", "movsd"),
            ("48 A5", "movsq"),
            ("66 A5", "movsw"),
            ("67 A5", "a32 movsd"),
            ("F3 48 AB", "rep stosq"),
            ("F2 48 AF", "repne scasq"),
            ("48 A7", "cmpsq"),
            ("48 AD", "lodsq"),
            ("48 6D", "insd"),
            ("6C", "insb"),
            ("67 AC", "a32 lodsb"),
            ("F3 67 48 A5", "rep a32 movsq"),
            ("D7", "xlatb"),
            ("67 D7", "a32 xlatb"),
            ("48 D7", "xlatb"),
            ("0F 05", "syscall"),
            ("0F 07", "sysret"),
            ("48 0F 07", "o64 sysret"),
            ("0F 01 F8", "swapgs"),
            ("0F 01 F9", "rdtscp"),
            ("F3 0F 01 F8", "rep swapgs"),
            ("0F C7 0F", "cmpxchg8b qword [rdi]"),
            ("48 0F C7 0F", "cmpxchg16b oword [rdi]"),
            ("F0 48 0F C7 0F", "lock cmpxchg16b oword [rdi]"),
            ("66 0F C7 0F", "cmpxchg8b qword [rdi]"),
            ("0F C7 08", "cmpxchg8b qword [rax]"),
            ("0F C8", "bswap eax"),
            ("49 0F C8", "bswap r8"),
            ("48 0F C8", "bswap rax"),
            ("4C 0F CF", "bswap rdi"),
            ("66 0F C8", "bswap eax"),
        ]),
        Group("Exchanges and NOPs", .bits64, address: 0x0, [
            ("90", "nop"),
            ("40 90", "nop"),
            ("41 90", "xchg r8d,eax"),
            ("48 90", "nop"),
            ("49 90", "xchg r8,rax"),
            ("F3 90", "pause"),
            ("41 91", "xchg r9d,eax"),
            ("48 91", "xchg rcx,rax"),
            ("49 91", "xchg r9,rax"),
            ("48 86 07", "xchg [rdi],al"),
            ("40 86 F7", "xchg dil,sil"),
            ("48 87 D8", "xchg rax,rbx"),
            ("0F 1F 00", "nop dword [rax]"),
            ("48 0F 1F 00", "nop qword [rax]"),
            ("0F 1F 44 00 00", "nop dword [rax+rax+0x0]"),
            ("66 0F 1F 84 00 00 00 00 00", "nop word [rax+rax+0x0]"),
        ]),
        Group("System instructions", .bits64, address: 0x0, [
            ("0F 20 C0", "mov rax,cr0"),
            ("0F 20 E0", "mov rax,cr4"),
            ("40 0F 20 E0", "mov rax,cr4"),
            ("44 0F 20 C0", "mov rax,cr8"),
            ("41 0F 20 C0", "mov r8,cr0"),
            ("0F 22 D8", "mov cr3,rax"),
            ("41 0F 22 C0", "mov cr0,r8"),
            ("48 0F 22 D8", "mov cr3,rax"),
            ("0F 21 F8", "mov rax,dr7"),
            ("44 0F 21 F8", "mov rax,dr15"),
            ("0F 23 C0", "mov dr0,rax"),
            ("8C D8", "mov eax,ds"),
            ("48 8C D8", "mov rax,ds"),
            ("66 8C D8", "mov ax,ds"),
            ("41 8C D8", "mov r8d,ds"),
            ("8C 18", "mov [rax],ds"),
            ("48 8C 18", "mov [rax],ds"),
            ("8E D8", "mov ds,ax"),
            ("8E 5E 02", "mov ds,[rsi+0x2]"),
            ("41 8E D8", "mov ds,r8w"),
            ("0F 00 C0", "sldt eax"),
            ("48 0F 00 C0", "sldt rax"),
            ("41 0F 00 C0", "sldt r8d"),
            ("0F 00 D8", "ltr ax"),
            ("0F 00 07", "sldt word [rdi]"),
            ("0F 01 E0", "smsw eax"),
            ("48 0F 01 E0", "smsw rax"),
            ("0F 01 10", "lgdt [rax]"),
            ("0F 01 18", "lidt [rax]"),
            ("0F 01 00", "sgdt [rax]"),
            ("0F 01 38", "invlpg [rax]"),
            ("48 0F 01 38", "invlpg [rax]"),
            ("0F 01 F0", "lmsw ax"),
            ("0F 32", "rdmsr"),
            ("0F 30", "wrmsr"),
            ("0F A2", "cpuid"),
            ("0F 31", "rdtsc"),
            ("F4", "hlt"),
            ("FA", "cli"),
            ("FB", "sti"),
        ]),
        Group("Prefixes", .bits64, address: 0x0, [
            ("F0 48 01 07", "lock add [rdi],rax"),
            ("F0 48 0F B1 0F", "lock cmpxchg [rdi],rcx"),
            ("F0 41 0F C1 00", "lock xadd [r8],eax"),
            ("F0 48 87 07", "lock xchg [rdi],rax"),
            ("66 48 01 C0", "add rax,rax"),
            ("48 66 01 C0", "add ax,ax"),
            ("41 48 01 C0", "add rax,rax"),
            ("F3 48 AB", "rep stosq"),
            ("2E 74 00", "je 0x3"),
        ]),
        Group("Invalid in 64-bit mode", .bits64, address: 0x0, [
            ("06", "(bad)"),
            ("07", "(bad)"),
            ("0E", "(bad)"),
            ("16", "(bad)"),
            ("17", "(bad)"),
            ("1E", "(bad)"),
            ("1F", "(bad)"),
            ("27", "(bad)"),
            ("2F", "(bad)"),
            ("37", "(bad)"),
            ("3F", "(bad)"),
            ("60", "(bad)"),
            ("61", "(bad)"),
            ("62 00", "(bad)"),
            ("82 C0 01", "(bad)"),
            ("9A 00 00 00 00 00 00", "(bad)"),
            ("C4 00", "(bad)"),
            ("C5 00", "(bad)"),
            ("CE", "(bad)"),
            ("D4 0A", "(bad)"),
            ("D5 0A", "(bad)"),
            ("D6", "(bad)"),
            ("EA 00 00 00 00 00 00", "(bad)"),
            ("0F C7 C8", "(bad)"),
            ("0F C7 00", "(bad)"),
            ("0F 01 FA", "(bad)"),
        ]),
        Group("Undefined", .bits64, address: 0x0, [
            ("0F 04", "(bad)"),
            ("0F FF", "(bad)"),
            ("0F 0F", "(bad)"),
            ("0F 38 0C", "(bad)"),
            ("0F 3A 00", "(bad)"),
            ("0F 78", "(bad)"),
            ("0F B9", "(bad)"),
            ("0F A6", "(bad)"),
            ("48 8D C0", "(bad)"),
            ("48 0F B2 C0", "(bad)"),
            ("FF D8", "(bad)"),
            ("48 FF E8", "(bad)"),
            ("FF 3F", "(bad)"),
            ("8C F0", "(bad)"),
            ("8E F8", "(bad)"),
            ("48 0F 01 E8", "(bad)"),
            ("48 0F 01 C8", "(bad)"),
        ]),
    ]

    func testTable() throws {
        XCTAssertGreaterThan(try DisassemblerTests.check(Self.groups), 300)
    }

    func testTextFromBytes() {
        DisassemblerTests.checkTextFromBytes(Self.groups)
    }

    /// Input that ends inside an instruction, and the 15-byte limit with a REX
    /// prefix (SDM Vol. 2 §2.1.1, §2.2.1).
    func testTruncatedAndOverlongInput() {
        let short = Disassembler.text(bytes: [0x48, 0xB8, 1, 2, 3, 4], address: 0, codeSize: .bits64)
        XCTAssertEqual(short.text, "(bad)")
        XCTAssertEqual(short.length, 6)
        XCTAssertEqual(Disassembler.text(bytes: [0x48], address: 0, codeSize: .bits64).text, "(bad)")
        let move: [UInt8] = [0x48, 0xB8, 1, 0, 0, 0, 0, 0, 0, 0]
        let fifteen = Disassembler.text(bytes: [UInt8](repeating: 0x64, count: 5) + move, address: 0, codeSize: .bits64)
        XCTAssertEqual(fifteen.text, "fs mov rax,0x1")
        XCTAssertEqual(fifteen.length, 15)
        let sixteen = Disassembler.text(bytes: [UInt8](repeating: 0x64, count: 6) + move, address: 0, codeSize: .bits64)
        XCTAssertEqual(sixteen.text, "(bad)")
        XCTAssertEqual(sixteen.length, 15)
        let rexes = Disassembler.text(bytes: [UInt8](repeating: 0x41, count: 14) + [0x50], address: 0, codeSize: .bits64)
        XCTAssertEqual(rexes.text, "push r8")
        XCTAssertEqual(rexes.length, 15)
    }

    /// Every opcode of the one-, two- and three-byte maps with every ModR/M byte,
    /// bare and behind three sets of prefixes (66, F3 and F2 as mandatory
    /// prefixes) that keep the longest form within 15 bytes: the text is never
    /// empty, and it is `(bad)` exactly for what SDM Vol. 2 Appendix A leaves
    /// undefined or invalid in 64-bit mode.
    func testEveryEncoding() throws {
        let bus = TestBus()
        let tail: [UInt8] = [0x25, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99]
        var count = 0
        let indexes = DisassemblerTests.opcodeIndexes.filter { !(0x40...0x4F).contains($0) }
        for prefixes: [UInt8] in [[], [0x66, 0xF3, 0x64, 0x4D], [0x67, 0xF2, 0x65, 0x42], [0x66, 0x41]] {
            for index in indexes {
                let opcode = DisassemblerTests.opcodeBytes(index)
                for modrm in 0...255 {
                    bus.load(prefixes + opcode + [UInt8(modrm)] + tail, at: 0x1000)
                    let d = try bus.cpu.decode(base: 0x1000, ip: 0, codeSize: .bits64)
                    let text = Disassembler.text(d, address: 0xFFFF_FFFF_FFFF_FFF0)
                    XCTAssertFalse(text.isEmpty)
                    if (text == "(bad)") != DisassemblerTests.undefined(d, long: true) {
                        XCTFail("\(prefixes + opcode + [UInt8(modrm)]): \(text)")
                        return
                    }
                    count += 1
                }
            }
        }
        XCTAssertEqual(count, 4 * (0x400 - 12 - 16 - 2) * 256)
    }

    /// Random bytes as 64-bit code never trap the host: every decode ends with a
    /// text and a length of 1-15 bytes, through a CPU and through the byte-array
    /// entry point. The seed comes from SWIFTPC_FUZZ_SEED if set.
    func testRandomBytes() {
        let seed = UInt64(ProcessInfo.processInfo.environment["SWIFTPC_FUZZ_SEED"] ?? "") ?? 0x6469_7361_736D
        var random = DiffRandom(seed: seed)
        let bus = TestBus()
        var bytes = [UInt8](repeating: 0, count: 0x10000)
        for k in bytes.indices { bytes[k] = UInt8(truncatingIfNeeded: random.next()) }
        bus.load(bytes, at: 0x10000)
        var ip: UInt64 = 0
        var instructions = 0
        while ip < 0xFFF0 {
            guard let d = try? bus.cpu.decode(base: 0x10000, ip: ip, codeSize: .bits64) else {
                XCTFail("decode fault at \(ip), seed \(seed)")
                return
            }
            XCTAssertFalse(Disassembler.text(d, address: random.next()).isEmpty, "seed \(seed)")
            XCTAssert((1...15).contains(d.length), "length \(d.length) at \(ip), seed \(seed)")
            ip += UInt64(max(d.length, 1))
            instructions += 1
        }
        for _ in 0..<200 {
            let start = random.below(bytes.count - 16)
            let chunk = Array(bytes[start..<start + 1 + random.below(16)])
            let result = Disassembler.text(bytes: chunk, address: random.next(), codeSize: .bits64)
            XCTAssertFalse(result.text.isEmpty, "seed \(seed)")
            XCTAssert((0...chunk.count).contains(result.length), "seed \(seed)")
        }
        XCTAssertGreaterThan(instructions, 10_000, "seed \(seed)")
    }

    /// The mode is read from the decoded sizes (`Disassembler.is64BitCode`): check
    /// it for every combination of 66, 67 and REX.W in each code size.
    func testCodeSizeFromDecodedSizes() throws {
        let bus = TestBus()
        for codeSize: CodeSize in [.bits16, .bits32, .bits64] {
            for prefixes: [UInt8] in [[], [0x66], [0x67], [0x66, 0x67]] {
                for opcode: [UInt8] in [[0x01, 0xC0], [0x50], [0xE8, 0, 0, 0, 0], [0x0F, 0x20, 0xC0], [0xA1, 0, 0, 0, 0, 0, 0, 0, 0]] {
                    let rex: [[UInt8]] = codeSize == .bits64 ? [[], [0x48]] : [[]]
                    for w in rex {
                        bus.load(prefixes + w + opcode, at: 0x1000)
                        let d = try bus.cpu.decode(base: 0x1000, ip: 0, codeSize: codeSize)
                        XCTAssertEqual(Disassembler.is64BitCode(d), codeSize == .bits64, "\(codeSize) \(prefixes + w + opcode)")
                    }
                }
            }
        }
    }
}
