import XCTest
@testable import X86

/// Disassembly in the format documented on `Disassembler`. Every expected text was
/// checked against `ndisasm -b 16/-b 32 -o <address>` (NASM 2.16) while writing
/// these tables; where the two differ it is by design, as follows:
/// - the opcode table's mnemonics (`je`, `jb`, `setne`, `cmove`; ndisasm `jz`, `jc`...);
/// - size keywords by our rule (`call word [bx]`, `sete byte [bx]`, `movzx ax,byte [bx]`,
///   `lldt word [bx]`, `lar eax,word [bx]`; ndisasm omits some and adds `byte`
///   to some immediates, `word`/`dword` to branches and far pointers);
/// - no ndisasm address-size marker inside brackets (`[dword esp]`);
/// - operands in table order (`xchg cx,ax`, `xchg [bx],al`), AAM/AAD's 0xa shown;
/// - `(bad)` where ndisasm prints `db`, decodes a later extension (SSE4, VMX,
///   `segr6`), or misses an SDM encoding (82, C0 /6, F6 /1, 0F 20 with mod != 3,
///   0F B7/BF and BSWAP under a 16-bit operand size, which we decode);
/// - FWAIT on its own, `pushfd`/`a32`/`,ecx` in 32-bit code.
/// The x87, MMX and SSE forms have their own tables: `X87DisassemblerTests`,
/// `SSEDisassemblerTests` and `SSEDisassemblerPrefixTests`.
final class DisassemblerTests: XCTestCase {
    struct Group {
        let name: String
        let codeSize: CodeSize
        let address: UInt64
        let cases: [(bytes: String, text: String)]
        init(_ name: String, _ codeSize: CodeSize, address: UInt64, _ cases: [(String, String)]) {
            self.name = name
            self.codeSize = codeSize
            self.address = address
            self.cases = cases.map { (bytes: $0.0, text: $0.1) }
        }
    }

    /// Each byte string is exactly one instruction.
    static let groups: [Group] = [
        Group("E and G: 16-bit addressing forms", .bits16, address: 0x0, [
            ("00 00", "add [bx+si],al"),
            ("01 C8", "add ax,cx"),
            ("66 01 C8", "add eax,ecx"),
            ("02 46 FE", "add al,[bp-0x2]"),
            ("03 86 34 12", "add ax,[bp+0x1234]"),
            ("8B 46 00", "mov ax,[bp+0x0]"),
            ("8B 06 34 12", "mov ax,[0x1234]"),
            ("8B 80 00 80", "mov ax,[bx+si-0x8000]"),
            ("8B 07", "mov ax,[bx]"),
            ("8A 64 7F", "mov ah,[si+0x7f]"),
            ("88 E0", "mov al,ah"),
            ("31 C0", "xor ax,ax"),
        ]),
        Group("E and G: 32-bit addressing forms, segment overrides", .bits16, address: 0x0, [
            ("26 8B 07", "mov ax,[es:bx]"),
            ("3E 8B 46 00", "mov ax,[ds:bp+0x0]"),
            ("66 67 26 8B 44 B3 F8", "mov eax,[es:ebx+esi*4-0x8]"),
            ("67 8B 04 24", "mov ax,[esp]"),
            ("67 8B 05 78 56 34 12", "mov ax,[0x12345678]"),
            ("67 8B 04 B5 F8 FF FF FF", "mov ax,[esi*4-0x8]"),
            ("67 8B 04 01", "mov ax,[ecx+eax]"),
            ("64 67 89 4C 24 04", "mov [fs:esp+0x4],cx"),
            ("67 8B 84 8D 00 00 00 80", "mov ax,[ebp+ecx*4-0x80000000]"),
            ("67 8B 04 65 00 10 00 00", "mov ax,[0x1000]"),
            ("67 8B 44 25 00", "mov ax,[ebp+0x0]"),
            ("65 67 8B 00", "mov ax,[gs:eax]"),
        ]),
        Group("Size keywords", .bits16, address: 0x0, [
            ("FE 07", "inc byte [bx]"),
            ("FF 07", "inc word [bx]"),
            ("66 FF 07", "inc dword [bx]"),
            ("66 C7 00 78 56 34 12", "mov dword [bx+si],0x12345678"),
            ("C6 06 34 12 56", "mov byte [0x1234],0x56"),
            ("0F B6 07", "movzx ax,byte [bx]"),
            ("66 0F B7 07", "movzx eax,word [bx]"),
            ("0F B7 C3", "movzx ax,bx"),
            ("0F BE C3", "movsx ax,bl"),
            ("0F BF 07", "movsx ax,word [bx]"),
            ("66 0F 02 07", "lar eax,word [bx]"),
            ("0F 03 07", "lsl ax,[bx]"),
            ("0F 94 07", "sete byte [bx]"),
            ("0F 94 C0", "sete al"),
            ("86 07", "xchg [bx],al"),
            ("84 C3", "test bl,al"),
            ("63 07", "arpl [bx],ax"),
            ("0F 1F 00", "nop word [bx+si]"),
        ]),
        Group("Segment registers", .bits16, address: 0x0, [
            ("8C D8", "mov ax,ds"),
            ("66 8C D8", "mov eax,ds"),
            ("8C 1F", "mov [bx],ds"),
            ("8E D8", "mov ds,ax"),
            ("8E 5E 02", "mov ds,[bp+0x2]"),
            ("8C F0", "(bad)"),
            ("8E C8", "mov cs,ax"),
        ]),
        Group("Memory-only operands", .bits16, address: 0x0, [
            ("8D 40 02", "lea ax,[bx+si+0x2]"),
            ("8D C0", "(bad)"),
            ("C4 1E 34 12", "les bx,[0x1234]"),
            ("C5 07", "lds ax,[bx]"),
            ("0F B2 07", "lss ax,[bx]"),
            ("0F B4 07", "lfs ax,[bx]"),
            ("0F B5 07", "lgs ax,[bx]"),
            ("62 07", "bound ax,[bx]"),
            ("0F 01 16 34 12", "lgdt [0x1234]"),
            ("0F 01 1F", "lidt [bx]"),
            ("0F 01 07", "sgdt [bx]"),
            ("0F 01 F9", "rdtscp"),
            ("0F 01 F8", "(bad)"),
            ("0F 01 0F", "sidt [bx]"),
            ("0F 01 E0", "smsw ax"),
            ("0F 01 26 34 12", "smsw word [0x1234]"),
            ("66 0F 01 E0", "smsw eax"),
            ("0F 00 C0", "sldt ax"),
            ("66 0F 00 C0", "sldt eax"),
            ("0F 00 0F", "str word [bx]"),
            ("0F 00 D8", "ltr ax"),
            ("0F 00 17", "lldt word [bx]"),
            ("0F 00 27", "verr word [bx]"),
            ("0F 00 2F", "verw word [bx]"),
            ("0F 01 F0", "lmsw ax"),
            ("0F 01 38", "invlpg [bx+si]"),
            ("0F 01 E8", "(bad)"),
            ("0F 01 C8", "(bad)"),
        ]),
        Group("Control and debug registers", .bits16, address: 0x0, [
            ("0F 20 C0", "mov eax,cr0"),
            ("0F 22 D8", "mov cr3,eax"),
            ("0F 21 F8", "mov eax,dr7"),
            ("0F 23 C0", "mov dr0,eax"),
            ("0F 20 00", "mov eax,cr0"),
            ("0F 22 E1", "mov cr4,ecx"),
        ]),
        Group("Immediates", .bits16, address: 0x0, [
            ("04 12", "add al,0x12"),
            ("05 34 12", "add ax,0x1234"),
            ("66 05 78 56 34 12", "add eax,0x12345678"),
            ("B0 FF", "mov al,0xff"),
            ("B4 12", "mov ah,0x12"),
            ("B8 00 00", "mov ax,0x0"),
            ("66 BC 78 56 34 12", "mov esp,0x12345678"),
            ("80 C3 FF", "add bl,0xff"),
            ("81 C3 34 12", "add bx,0x1234"),
            ("83 C0 FF", "add ax,byte -0x1"),
            ("83 00 12", "add word [bx+si],byte +0x12"),
            ("83 E8 80", "sub ax,byte -0x80"),
            ("6A FE", "push byte -0x2"),
            ("6A 12", "push byte +0x12"),
            ("68 34 12", "push word 0x1234"),
            ("66 68 78 56 34 12", "push dword 0x12345678"),
            ("6B C0 05", "imul ax,ax,byte +0x5"),
            ("69 C3 34 12", "imul ax,bx,0x1234"),
            ("66 69 C3 78 56 34 12", "imul eax,ebx,0x12345678"),
            ("C2 04 00", "ret 0x4"),
            ("C3", "ret"),
            ("CA 04 00", "retf 0x4"),
            ("CB", "retf"),
            ("CD 21", "int 0x21"),
            ("CC", "int3"),
            ("CE", "into"),
            ("F1", "int1"),
            ("D4 0A", "aam 0xa"),
            ("D5 08", "aad 0x8"),
            ("E4 60", "in al,0x60"),
            ("E5 60", "in ax,0x60"),
            ("66 E5 60", "in eax,0x60"),
            ("E6 60", "out 0x60,al"),
            ("E7 60", "out 0x60,ax"),
            ("EC", "in al,dx"),
            ("ED", "in ax,dx"),
            ("EE", "out dx,al"),
            ("EF", "out dx,ax"),
            ("66 EF", "out dx,eax"),
            ("C8 10 00 01", "enter 0x10,0x1"),
            ("C0 E0 03", "shl al,0x3"),
            ("C1 27 04", "shl word [bx],0x4"),
            ("D0 E0", "shl al,1"),
            ("D1 27", "shl word [bx],1"),
            ("D2 E0", "shl al,cl"),
            ("D3 27", "shl word [bx],cl"),
            ("66 D3 27", "shl dword [bx],cl"),
            ("C0 F0 01", "sal al,0x1"),
            ("0F A4 C3 04", "shld bx,ax,0x4"),
            ("0F A5 07", "shld [bx],ax,cl"),
            ("0F AC C3 04", "shrd bx,ax,0x4"),
            ("0F AD 07", "shrd [bx],ax,cl"),
            ("0F BA E0 03", "bt ax,0x3"),
            ("0F BA 27 03", "bt word [bx],0x3"),
            ("66 0F BA 3F 1F", "btc dword [bx],0x1f"),
            ("0F BA 07 03", "(bad)"),
            ("F6 C3 01", "test bl,0x1"),
            ("F7 07 34 12", "test word [bx],0x1234"),
            ("66 F7 C0 78 56 34 12", "test eax,0x12345678"),
            ("F6 0F 12", "test byte [bx],0x12"),
            ("F6 D8", "neg al"),
            ("F7 F3", "div bx"),
            ("F6 27", "mul byte [bx]"),
            ("F7 3F", "idiv word [bx]"),
            ("A8 01", "test al,0x1"),
            ("A9 34 12", "test ax,0x1234"),
            ("C6 C8 00", "(bad)"),
            ("C7 C0 34 12", "mov ax,0x1234"),
        ]),
        Group("Relative branches", .bits16, address: 0x100, [
            ("74 FE", "je 0x100"),
            ("70 80", "jo 0x82"),
            ("EB FE", "jmp short 0x100"),
            ("E8 00 00", "call 0x103"),
            ("E9 FD FE", "jmp 0x0"),
            ("E9 00 80", "jmp 0x8103"),
            ("66 E9 00 00 00 00", "jmp 0x106"),
            ("66 E8 00 00 00 80", "call 0x80000106"),
            ("0F 84 00 00", "je near 0x104"),
            ("0F 8F FC FE", "jg near 0x0"),
            ("66 0F 85 00 00 00 00", "jne near 0x107"),
            ("E0 FE", "loopne 0x100"),
            ("E1 FE", "loope 0x100"),
            ("E2 FE", "loop 0x100"),
            ("67 E2 FE", "loop 0x101,ecx"),
            ("E3 00", "jcxz 0x102"),
            ("67 E3 00", "jecxz 0x103"),
            ("7C 7F", "jl 0x181"),
        ]),
        Group("Relative branches near the top of the segment", .bits16, address: 0xFFF0, [
            ("EB 7F", "jmp short 0x71"),
            ("E8 20 00", "call 0x13"),
            ("66 E8 20 00 00 00", "call 0x10016"),
        ]),
        Group("Far pointers", .bits16, address: 0x0, [
            ("9A 78 56 34 12", "call 0x1234:0x5678"),
            ("EA 00 00 FF FF", "jmp 0xffff:0x0"),
            ("66 EA 78 56 34 12 BC 9A", "jmp 0x9abc:0x12345678"),
            ("FF 1F", "call far [bx]"),
            ("66 FF 1F", "call dword far [bx]"),
            ("FF 2F", "jmp far [bx]"),
            ("FF 6E 04", "jmp far [bp+0x4]"),
            ("FF D8", "(bad)"),
            ("FF E8", "(bad)"),
        ]),
        Group("Memory offsets", .bits16, address: 0x0, [
            ("A0 34 12", "mov al,[0x1234]"),
            ("A1 34 12", "mov ax,[0x1234]"),
            ("A2 34 12", "mov [0x1234],al"),
            ("A3 34 12", "mov [0x1234],ax"),
            ("26 A1 34 12", "mov ax,[es:0x1234]"),
            ("67 A1 78 56 34 12", "mov ax,[0x12345678]"),
            ("66 A3 34 12", "mov [0x1234],eax"),
            ("2E A0 FF FF", "mov al,[cs:0xffff]"),
        ]),
        Group("String instructions", .bits16, address: 0x0, [
            ("A4", "movsb"),
            ("A5", "movsw"),
            ("66 A5", "movsd"),
            ("F3 A4", "rep movsb"),
            ("F3 66 A5", "rep movsd"),
            ("F3 A6", "repe cmpsb"),
            ("F2 A7", "repne cmpsw"),
            ("66 F2 A7", "repne cmpsd"),
            ("F3 AE", "repe scasb"),
            ("F2 AF", "repne scasw"),
            ("66 AF", "scasd"),
            ("F3 AA", "rep stosb"),
            ("AB", "stosw"),
            ("66 AB", "stosd"),
            ("AC", "lodsb"),
            ("AD", "lodsw"),
            ("66 AD", "lodsd"),
            ("6C", "insb"),
            ("6D", "insw"),
            ("66 6D", "insd"),
            ("6E", "outsb"),
            ("6F", "outsw"),
            ("66 6F", "outsd"),
            ("F3 6C", "rep insb"),
            ("F3 6F", "rep outsw"),
            ("26 A4", "es movsb"),
            ("67 A4", "a32 movsb"),
            ("F3 67 66 A5", "rep a32 movsd"),
            ("2E F3 A4", "cs rep movsb"),
            ("26 AC", "es lodsb"),
            ("F3 A7", "repe cmpsw"),
            ("F2 A4", "repne movsb"),
        ]),
        Group("Opcode registers", .bits16, address: 0x0, [
            ("40", "inc ax"),
            ("66 40", "inc eax"),
            ("4F", "dec di"),
            ("50", "push ax"),
            ("66 5F", "pop edi"),
            ("90", "nop"),
            ("91", "xchg cx,ax"),
            ("66 97", "xchg edi,eax"),
            ("06", "push es"),
            ("07", "pop es"),
            ("0E", "push cs"),
            ("16", "push ss"),
            ("17", "pop ss"),
            ("1E", "push ds"),
            ("1F", "pop ds"),
            ("0F A0", "push fs"),
            ("0F A1", "pop fs"),
            ("0F A8", "push gs"),
            ("0F A9", "pop gs"),
            ("0F C8", "bswap eax"),
            ("0F CF", "bswap edi"),
            ("66 0F CB", "bswap ebx"),
        ]),
        Group("Names by operand and address size", .bits16, address: 0x0, [
            ("98", "cbw"),
            ("66 98", "cwde"),
            ("99", "cwd"),
            ("66 99", "cdq"),
            ("60", "pusha"),
            ("66 60", "pushad"),
            ("61", "popa"),
            ("66 61", "popad"),
            ("9C", "pushf"),
            ("66 9C", "pushfd"),
            ("9D", "popf"),
            ("66 9D", "popfd"),
            ("CF", "iret"),
            ("66 CF", "iretd"),
            ("D7", "xlatb"),
            ("26 D7", "es xlatb"),
            ("67 D7", "a32 xlatb"),
        ]),
        Group("Prefixes", .bits16, address: 0x0, [
            ("F0 01 07", "lock add [bx],ax"),
            ("F0 0F C1 07", "lock xadd [bx],ax"),
            ("F0 0F B1 0F", "lock cmpxchg [bx],cx"),
            ("F0 87 07", "lock xchg [bx],ax"),
            ("F3 90", "pause"),
            ("2E 40", "cs inc ax"),
            ("F3 40", "rep inc ax"),
            ("F2 40", "repne inc ax"),
            ("26 F0 01 07", "lock add [es:bx],ax"),
            ("36 90", "ss nop"),
            ("F0 F3 40", "rep lock inc ax"),
            ("3E 26 8B 07", "mov ax,[es:bx]"),
        ]),
        Group("Groups", .bits16, address: 0x0, [
            ("FF 17", "call word [bx]"),
            ("FF 27", "jmp word [bx]"),
            ("FF 37", "push word [bx]"),
            ("FF 3F", "(bad)"),
            ("FF D0", "call ax"),
            ("FF C0", "inc ax"),
            ("FF 0F", "dec word [bx]"),
            ("FE C0", "inc al"),
            ("FE 0F", "dec byte [bx]"),
            ("FE 17", "(bad)"),
            ("8F 07", "pop word [bx]"),
            ("8F C0", "pop ax"),
            ("8F 0F", "(bad)"),
            ("80 3F 00", "cmp byte [bx],0x0"),
            ("81 37 34 12", "xor word [bx],0x1234"),
            ("83 F9 FF", "cmp cx,byte -0x1"),
        ]),
        Group("Two-byte map", .bits16, address: 0x0, [
            ("0F AF C3", "imul ax,bx"),
            ("0F 44 C3", "cmove ax,bx"),
            ("0F 4F 07", "cmovg ax,[bx]"),
            ("0F 02 C3", "lar ax,bx"),
            ("0F B0 0F", "cmpxchg [bx],cl"),
            ("0F A3 C3", "bt bx,ax"),
            ("0F AB 07", "bts [bx],ax"),
            ("0F B3 07", "btr [bx],ax"),
            ("0F BB 07", "btc [bx],ax"),
            ("0F BC C3", "bsf ax,bx"),
            ("0F BD 07", "bsr ax,[bx]"),
            ("0F C0 C3", "xadd bl,al"),
            ("0F 0B", "ud2"),
            ("0F 06", "clts"),
            ("0F 31", "rdtsc"),
            ("0F A2", "cpuid"),
            ("0F 08", "invd"),
            ("0F 09", "wbinvd"),
            ("0F 30", "wrmsr"),
            ("0F 32", "rdmsr"),
            ("0F 05", "syscall"),
            ("0F 07", "sysret"),
            ("0F C7 0F", "cmpxchg8b qword [bx]"),
            ("66 0F C7 4E 02", "cmpxchg8b qword [bp+0x2]"),
            ("0F C7 C8", "(bad)"),
            ("0F C7 07", "(bad)"),
            ("0F 0D 07", "nop word [bx]"),
            ("0F 18 07", "nop word [bx]"),
        ]),
        Group("x87 escapes", .bits16, address: 0x0, [
            ("D8 C3", "fadd st3"),
            ("D9 E0", "fchs"),
            ("DD 07", "fld qword [bx]"),
            ("DF E0", "fnstsw ax"),
            ("DB E3", "fninit"),
            ("DE 46 02", "fiadd word [bp+0x2]"),
            ("9B", "wait"),
            ("D9 2E 34 12", "fldcw [0x1234]"),
        ]),
        Group("One-byte miscellany", .bits16, address: 0x0, [
            ("27", "daa"),
            ("2F", "das"),
            ("37", "aaa"),
            ("3F", "aas"),
            ("D6", "salc"),
            ("F4", "hlt"),
            ("F5", "cmc"),
            ("F8", "clc"),
            ("F9", "stc"),
            ("FA", "cli"),
            ("FB", "sti"),
            ("FC", "cld"),
            ("FD", "std"),
            ("9E", "sahf"),
            ("9F", "lahf"),
            ("C9", "leave"),
            ("9B", "wait"),
            ("CC", "int3"),
        ]),
        Group("Undefined", .bits16, address: 0x0, [
            ("0F FF", "(bad)"),
            ("0F 38 0C", "(bad)"),
            ("0F 3A 00", "(bad)"),
            ("0F 0F", "(bad)"),
            ("0F 04", "(bad)"),
            ("0F 78", "(bad)"),
            ("0F B9", "(bad)"),
            ("0F A6", "(bad)"),
        ]),
        Group("32-bit code segment", .bits32, address: 0x1000, [
            ("8B 04 24", "mov eax,[esp]"),
            ("66 8B 04 24", "mov ax,[esp]"),
            ("67 8B 46 FE", "mov eax,[bp-0x2]"),
            ("8B 45 08", "mov eax,[ebp+0x8]"),
            ("89 04 8D 00 10 00 00", "mov [ecx*4+0x1000],eax"),
            ("E8 00 00 00 00", "call 0x1005"),
            ("0F 84 00 00 00 00", "je near 0x1006"),
            ("66 E8 00 00", "call 0x1004"),
            ("E3 00", "jecxz 0x1002"),
            ("67 E3 00", "jcxz 0x1003"),
            ("E2 FE", "loop 0x1000,ecx"),
            ("A5", "a32 movsd"),
            ("66 A5", "a32 movsw"),
            ("F3 AB", "rep a32 stosd"),
            ("9C", "pushfd"),
            ("66 9C", "pushf"),
            ("60", "pushad"),
            ("CF", "iretd"),
            ("68 78 56 34 12", "push dword 0x12345678"),
            ("66 68 34 12", "push word 0x1234"),
            ("6A FF", "push byte -0x1"),
            ("A1 78 56 34 12", "mov eax,[0x12345678]"),
            ("67 A1 34 12", "mov eax,[0x1234]"),
            ("9A 78 56 34 12 BC 9A", "call 0x9abc:0x12345678"),
            ("FF 1F", "call dword far [edi]"),
            ("66 FF 1F", "call far [edi]"),
            ("FF 25 00 20 00 00", "jmp dword [0x2000]"),
            ("C7 05 00 20 00 00 01 00 00 00", "mov dword [0x2000],0x1"),
            ("0F B7 C0", "movzx eax,ax"),
            ("0F 20 C0", "mov eax,cr0"),
            ("98", "cwde"),
            ("99", "cdq"),
            ("8C D8", "mov eax,ds"),
            ("0F 01 E0", "smsw eax"),
        ]),
    ]

    static func bytes(_ hex: String) -> [UInt8] {
        hex.split(separator: " ").compactMap { UInt8($0, radix: 16) }
    }

    func testTable() throws {
        XCTAssertGreaterThan(try Self.check(Self.groups), 350)
    }

    /// The byte-array entry point agrees with decoding through a CPU.
    func testTextFromBytes() {
        Self.checkTextFromBytes(Self.groups)
    }

    /// Compares every case of `groups`, decoded on a CPU, with its expected text
    /// and length; returns the number of cases.
    static func check(_ groups: [Group], file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let bus = TestBus()
        var count = 0
        for group in groups {
            for c in group.cases {
                let bytes = Self.bytes(c.bytes)
                bus.load(bytes + [UInt8](repeating: 0, count: 16), at: 0x1000)
                let d = try bus.cpu.decode(base: 0x1000, ip: 0, codeSize: group.codeSize)
                XCTAssertEqual(Disassembler.text(d, address: group.address), c.text, "\(group.name): \(c.bytes)", file: file, line: line)
                XCTAssertEqual(Int(d.length), bytes.count, "\(group.name): \(c.bytes)", file: file, line: line)
                count += 1
            }
        }
        return count
    }

    /// `Disassembler.text(bytes:address:codeSize:)` on the last case of each
    /// group (each call builds a scratch CPU).
    static func checkTextFromBytes(_ groups: [Group], file: StaticString = #filePath, line: UInt = #line) {
        for group in groups {
            guard let c = group.cases.last else { continue }
            let bytes = Self.bytes(c.bytes)
            let result = Disassembler.text(bytes: bytes, address: group.address, codeSize: group.codeSize)
            XCTAssertEqual(result.text, c.text, c.bytes, file: file, line: line)
            XCTAssertEqual(result.length, bytes.count, c.bytes, file: file, line: line)
        }
    }

    /// Input that ends inside an instruction, and the 15-byte limit (SDM Vol. 2 §2.1.1).
    func testTruncatedAndOverlongInput() {
        XCTAssertEqual(Disassembler.text(bytes: [], address: 0, codeSize: .bits16).text, "(bad)")
        let short = Disassembler.text(bytes: [0xB8, 0x34], address: 0, codeSize: .bits16)
        XCTAssertEqual(short.text, "(bad)")
        XCTAssertEqual(short.length, 2)
        let fifteen = Disassembler.text(bytes: [UInt8](repeating: 0x26, count: 14) + [0x90], address: 0, codeSize: .bits16)
        XCTAssertEqual(fifteen.text, "es nop")
        XCTAssertEqual(fifteen.length, 15)
        let sixteen = Disassembler.text(bytes: [UInt8](repeating: 0x26, count: 15) + [0x90], address: 0, codeSize: .bits16)
        XCTAssertEqual(sixteen.text, "(bad)")
        XCTAssertEqual(sixteen.length, 15)
    }

    /// A hand-made instruction with fields no decoder produces must not trap.
    func testOutOfRangeFields() {
        var d = DecodedInstruction()
        d.opcode = 0x8B
        d.base = 200
        d.index = 9
        d.scale = 7
        d.segment = 9
        d.hasSegmentOverride = true
        XCTAssertFalse(Disassembler.text(d, address: 0).isEmpty)
        d.opcode = 0x26
        XCTAssertEqual(Disassembler.text(d, address: 0), "(bad)")
        d.opcode = 0xFFFF
        XCTAssertEqual(Disassembler.text(d, address: 0), "(bad)")
    }

    /// Every opcode of the one-, two- and three-byte maps with every ModR/M byte,
    /// bare, behind each mandatory prefix and behind 66 67 F3 26: the text is never
    /// empty, and it is `(bad)` exactly for what SDM Vol. 2 Tables leave
    /// undefined, restrict to memory or register operands, or do not define for
    /// the prefix.
    func testEveryEncoding() throws {
        let bus = TestBus()
        let tail: [UInt8] = [0x25, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]
        for prefixes: [UInt8] in [[], [0x66], [0xF2], [0x66, 0x67, 0xF3, 0x26]] {
            for index in Self.opcodeIndexes {
                let opcode = Self.opcodeBytes(index)
                for modrm in 0...255 {
                    bus.load(prefixes + opcode + [UInt8(modrm)] + tail, at: 0x1000)
                    let d = try bus.cpu.decode(base: 0x1000, ip: 0, codeSize: .bits16)
                    let text = Disassembler.text(d, address: 0)
                    XCTAssertFalse(text.isEmpty)
                    if (text == "(bad)") != Self.undefined(d) {
                        XCTFail("\(prefixes + opcode + [UInt8(modrm)]): \(text)")
                        return
                    }
                }
            }
        }
    }

    /// The opcode indexes of all four maps but the prefixes and the escapes to
    /// the three-byte maps (0F 38, 0F 3A).
    static let opcodeIndexes = (0..<0x400).filter { !OpcodeTable.map[$0].hasPrefix("*") && $0 != 0x138 && $0 != 0x13A }

    /// The bytes of opcode `index` (`DecodedInstruction.opcode`).
    static func opcodeBytes(_ index: Int) -> [UInt8] {
        switch index >> 8 {
        case 0: return [UInt8(index)]
        case 1: return [0x0F, UInt8(index & 0xFF)]
        case 2: return [0x0F, 0x38, UInt8(index & 0xFF)]
        default: return [0x0F, 0x3A, UInt8(index & 0xFF)]
        }
    }

    /// The encodings without a meaning, stated independently of the disassembler,
    /// in 64-bit code (`long`) or not.
    static func undefined(_ d: DecodedInstruction, long: Bool = false) -> Bool {
        let index = Int(d.opcode)
        if d.prefixes & DecodedInstruction.invalid != 0 { return true }
        if (0xD8...0xDF).contains(index) { return X87DisassemblerTests.undefinedForm(d) }
        if let simd = SSEDisassemblerPrefixTests.undefinedForm(d) { return simd }
        let name = long && index == 0x63 ? "movsxd" : OpcodeTable.mnemonic(index: index, reg: d.regField)
        if name.isEmpty { return true }
        let memoryOnly: Bool
        switch index {
        case 0x62, 0x8D, 0xC4, 0xC5, 0x1B2, 0x1B4, 0x1B5, 0x1C7: memoryOnly = true
        case 0xFF: memoryOnly = d.regField == 3 || d.regField == 5
        case 0x101:
            // 0F 01 F9 is RDTSCP, and 0F 01 F8 SWAPGS in 64-bit mode.
            if d.regField == 7 && d.registerForm { return !(d.rmField == 1 || (long && d.rmField == 0)) }
            memoryOnly = d.regField != 4 && d.regField != 6
        case 0x8C, 0x8E: return d.regField > 5
        default: memoryOnly = false
        }
        return memoryOnly && d.registerForm
    }
}
