import XCTest
@testable import X86

/// Instruction lengths and decoded fields (SDM Vol. 2 ch. 2 and Appendix A).
///
/// The length tables were generated once with `ndisasm -b 16` (NASM 2.16) and
/// agree with it except where ndisasm follows later processors or declines an
/// SDM encoding: opcodes undefined here (MMX/SSE/VMX and other later 0F xx, which
/// decode as 0F and the opcode byte, with no ModR/M), 82 (an alias of 80 outside
/// 64-bit mode), 9B (ndisasm joins FWAIT to the next instruction), 0F 20-23 with
/// mod != 3, 0F B7/BF and BSWAP under a 16-bit operand size, and encodings that
/// are undefined but whose length the table fixes (0F BA /0, register forms of
/// memory-only operands such as 62, 8D, C4, C5, 0F B2: ndisasm stops after the
/// opcode; we count the ModR/M byte and immediate). Each table is 16 rows of 16 opcodes in hex
/// digits; "-" marks a prefix byte.
final class DecoderTests: XCTestCase {
    /// One-byte map lengths, no prefix, then ModR/M 00 and 11 22 33 ...
    static let oneBytePlain = """
        2222 2311 2222 231-
        2222 2311 2222 2311
        2222 23-1 2222 23-1
        2222 23-1 2222 23-1
        1111 1111 1111 1111
        1111 1111 1111 1111
        1122 ---- 3423 1111
        2222 2222 2222 2222
        3433 2222 2222 2222
        1111 1111 1151 1111
        3333 1111 2311 1111
        2222 2222 3333 3333
        3331 2234 4131 1211
        2222 2211 2222 2222
        2222 2222 3352 1111
        -1-- 1134 1111 1122
        """
    /// One-byte map lengths, after 66 (32-bit operand size), then ModR/M 00 and 11 22 33 ...
    static let oneByteOperand32 = """
        3333 3622 3333 362-
        3333 3622 3333 3622
        3333 36-2 3333 36-2
        3333 36-2 3333 36-2
        2222 2222 2222 2222
        2222 2222 2222 2222
        2233 ---- 6734 2222
        3333 3333 3333 3333
        4744 3333 3333 3333
        2222 2222 2282 2222
        4444 2222 3622 2222
        3333 3333 6666 6666
        4442 3347 5242 2322
        3333 3322 3333 3333
        3333 3333 6683 2222
        -2-- 2247 2222 2233
        """
    /// One-byte map lengths, after 67 (32-bit addressing: ModR/M 00 is [eax]), then 11 22 33 ...
    static let oneByteAddress32 = """
        3333 3422 3333 342-
        3333 3422 3333 3422
        3333 34-2 3333 34-2
        3333 34-2 3333 34-2
        2222 2222 2222 2222
        2222 2222 2222 2222
        2233 ---- 4534 2222
        3333 3333 3333 3333
        4544 3333 3333 3333
        2222 2222 2262 2222
        6666 2222 3422 2222
        3333 3333 4444 4444
        4442 3345 5242 2322
        3333 3322 3333 3333
        3333 3333 4463 2222
        -2-- 2245 2222 2233
        """
    /// One-byte map: "m": a ModR/M byte with an addressing form; "r": one whose mod is ignored (MOV CR/DR); ".": none
    static let oneByteModRM = """
        mmmm .... mmmm ...-
        mmmm .... mmmm ....
        mmmm ..-. mmmm ..-.
        mmmm ..-. mmmm ..-.
        .... .... .... ....
        .... .... .... ....
        ..mm ---- .m.m ....
        .... .... .... ....
        mmmm mmmm mmmm mmmm
        .... .... .... ....
        .... .... .... ....
        .... .... .... ....
        mm.. mmmm .... ....
        mmmm .... mmmm mmmm
        .... .... .... ....
        -.-- ..mm .... ..mm
        """
    /// Two-byte map (0F xx) lengths, no prefix, then ModR/M 00 and 11 22 33 ...
    static let twoBytePlain = """
        3333 2222 2222 2322
        3333 3333 3333 3333
        3333 2222 3333 3333
        2222 2222 4232 2222
        3333 3333 3333 3333
        3333 3333 3333 3333
        3333 3333 3333 3333
        4444 3332 2222 3333
        4444 4444 4444 4444
        3333 3333 3333 3333
        2223 4322 2223 4333
        3333 3333 2243 3333
        3343 4443 2222 2222
        3333 3333 3333 3333
        3333 3333 3333 3333
        3333 3333 3333 3332
        """
    /// Two-byte map (0F xx) lengths, after 66 (32-bit operand size), then ModR/M 00 and 11 22 33 ...
    static let twoByteOperand32 = """
        4444 3333 3333 3433
        4444 4444 4444 4444
        4444 3333 4444 4444
        3333 3333 5343 3333
        4444 4444 4444 4444
        4444 4444 4444 4444
        4444 4444 4444 4444
        5555 4443 3333 4444
        7777 7777 7777 7777
        4444 4444 4444 4444
        3334 5433 3334 5444
        4444 4444 3354 4444
        4454 5554 3333 3333
        4444 4444 4444 4444
        4444 4444 4444 4444
        4444 4444 4444 4443
        """
    /// Two-byte map (0F xx) lengths, after 67 (32-bit addressing: ModR/M 00 is [eax]), then 11 22 33 ...
    static let twoByteAddress32 = """
        4444 3333 3333 3433
        4444 4444 4444 4444
        4444 3333 4444 4444
        3333 3333 5343 3333
        4444 4444 4444 4444
        4444 4444 4444 4444
        4444 4444 4444 4444
        5555 4443 3333 4444
        5555 5555 5555 5555
        4444 4444 4444 4444
        3334 5433 3334 5444
        4444 4444 3354 4444
        4454 5554 3333 3333
        4444 4444 4444 4444
        4444 4444 4444 4444
        4444 4444 4444 4443
        """
    /// Two-byte map: "m": a ModR/M byte with an addressing form; "r": one whose mod is ignored (MOV CR/DR); ".": none
    static let twoByteModRM = """
        mmmm .... .... .m..
        mmmm mmmm mmmm mmmm
        rrrr .... mmmm mmmm
        .... .... t.t. ....
        mmmm mmmm mmmm mmmm
        mmmm mmmm mmmm mmmm
        mmmm mmmm mmmm mmmm
        mmmm mmm. .... mmmm
        .... .... .... ....
        mmmm mmmm mmmm mmmm
        ...m mm.. ...m mmmm
        mmmm mmmm ..mm mmmm
        mmmm mmmm .... ....
        mmmm mmmm mmmm mmmm
        mmmm mmmm mmmm mmmm
        mmmm mmmm mmmm mmm.
        """

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0 < 16 ? "0" : "") + String($0, radix: 16, uppercase: true) }.joined(separator: " ")
    }

    static func digits(_ table: String) -> [Character] {
        let d = table.filter { !$0.isWhitespace }
        precondition(d.count == 256, "a table has 256 entries")
        return Array(d)
    }

    /// ModR/M forms with reg = 0 (F6/F7 then take an immediate) and the bytes they
    /// add after ModR/M 00: 16-bit (Table 2-1) and 32-bit addressing (Tables 2-2, 2-3).
    static let forms16: [(bytes: [UInt8], extra: Int)] = [
        ([0x07], 0), ([0x46], 1), ([0x40], 1), ([0x86], 2), ([0x80], 2), ([0x06], 2), ([0xC0], 0), ([0xC7], 0),
    ]
    static let forms32: [(bytes: [UInt8], extra: Int)] = [
        ([0x05], 4), ([0x45], 1), ([0x85], 4), ([0x04, 0x24], 1), ([0x04, 0x25], 5), ([0x04, 0x65], 5),
        ([0x04, 0xE4], 1), ([0x44, 0x24], 2), ([0x44, 0x65], 2), ([0x84, 0x8D], 5), ([0xC4], 0), ([0xC5], 0),
    ]
    static let tail: [UInt8] = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE]

    /// Decodes `bytes` followed by the tail bytes, on a scratch board made per test.
    final class Decoding {
        let bus = TestBus(ramSize: 1 << 16)

        func callAsFunction(_ bytes: [UInt8], codeSize: CodeSize = .bits16) -> DecodedInstruction {
            bus.load(bytes + DecoderTests.tail + DecoderTests.tail, at: 0x1000)
            // Flat RAM without paging: fetches cannot fault.
            return (try? bus.cpu.decode(base: 0x1000, ip: 0, codeSize: codeSize)) ?? DecodedInstruction()
        }
    }

    func checkMap(escape: [UInt8], plain: String, operand32: String, address32: String, modrm: String) {
        let decode = Decoding()
        let plain = Self.digits(plain), o32 = Self.digits(operand32), a32 = Self.digits(address32), kind = Self.digits(modrm)
        for op in 0..<256 where plain[op] != "-" {
            let opcode = escape + [UInt8(op)]
            let name = Self.hex(opcode)
            guard let p = plain[op].hexDigitValue, let o = o32[op].hexDigitValue, let a = a32[op].hexDigitValue else {
                XCTFail("table entry for \(name)")
                continue
            }
            XCTAssertEqual(Int(decode(opcode + [0x00]).length), p, name)
            XCTAssertEqual(Int(decode([0x66] + opcode + [0x00]).length), o, "66 \(name)")
            XCTAssertEqual(Int(decode([0x67] + opcode + [0x00]).length), a, "67 \(name)")
            // A repeated 66 still selects the other size, not the default again.
            XCTAssertEqual(Int(decode([0x66, 0x66] + opcode + [0x00]).length), o + 1, "66 66 \(name)")
            for (prefixes, base) in [([0x26], p), ([0x2E, 0x36], p), ([0xF0], p), ([0xF2], p), ([0xF3], p),
                                     ([0x3E, 0x64, 0x65, 0xF0, 0xF2, 0xF3], p), ([0x26, 0x66, 0xF3], o - 1),
                                     ([0xF0, 0x67, 0x2E], a - 1), ([0x66, 0xF2], o - 1)] as [([UInt8], Int)] {
                XCTAssertEqual(Int(decode(prefixes + opcode + [0x00]).length), base + prefixes.count, "\(Self.hex(prefixes)) \(name)")
            }
            switch kind[op] {
            case "m":
                for form in Self.forms16 {
                    XCTAssertEqual(Int(decode(opcode + form.bytes).length), p + form.extra, "\(name) \(Self.hex(form.bytes))")
                }
                for form in Self.forms32 {
                    XCTAssertEqual(Int(decode([0x67] + opcode + form.bytes).length), a + form.extra, "67 \(name) \(Self.hex(form.bytes))")
                }
            case "r":
                for form in Self.forms16 + Self.forms32 {
                    XCTAssertEqual(Int(decode(opcode + form.bytes).length), p, "\(name) \(Self.hex(form.bytes))")
                }
            case "t":
                // 0F 38 and 0F 3A: the next byte is an opcode (testUndefinedOpcodes).
                break
            default:
                XCTAssertEqual(Int(decode(opcode + [0x86]).length), p, "\(name) takes no ModR/M")
            }
        }
    }

    func testOneByteMapLengths() {
        checkMap(escape: [], plain: Self.oneBytePlain, operand32: Self.oneByteOperand32,
                 address32: Self.oneByteAddress32, modrm: Self.oneByteModRM)
    }

    func testTwoByteMapLengths() {
        checkMap(escape: [0x0F], plain: Self.twoBytePlain, operand32: Self.twoByteOperand32,
                 address32: Self.twoByteAddress32, modrm: Self.twoByteModRM)
    }

    /// F6/F7 (group 3) carry an immediate only for TEST, /0 and its alias /1.
    func testGroup3ImmediateOnlyForTest() {
        let decode = Decoding()
        for reg in 0..<8 {
            let modrm = UInt8(reg << 3 | 0x07)
            let hasImmediate = reg < 2
            XCTAssertEqual(decode([0xF6, modrm]).length, hasImmediate ? 3 : 2, "F6 /\(reg)")
            XCTAssertEqual(decode([0xF7, modrm]).length, hasImmediate ? 4 : 2, "F7 /\(reg)")
            XCTAssertEqual(decode([0x66, 0xF7, modrm]).length, hasImmediate ? 7 : 3, "66 F7 /\(reg)")
            XCTAssertEqual(decode([0xF7, modrm], codeSize: .bits32).length, hasImmediate ? 6 : 2, "F7 /\(reg), 32-bit")
        }
        XCTAssertEqual(decode([0xF6, 0x07]).immediate, 0x11)
        XCTAssertEqual(decode([0xF7, 0x0F]).immediate, 0x2211)
        XCTAssertEqual(decode([0xF7, 0x17]).immediate, 0)
    }

    /// The mod field of MOV to/from CR and DR is ignored: the operand is always a
    /// register and no displacement follows (SDM Vol. 2 "MOV—Move to/from Control Registers").
    func testMoveControlRegisterIgnoresMod() {
        let decode = Decoding()
        for opcode: UInt8 in 0x20...0x23 {
            for modrm: UInt8 in [0x00, 0x06, 0x45, 0x86, 0x04, 0xC3] {
                let d = decode([0x0F, opcode, modrm])
                XCTAssertEqual(d.length, 3, Self.hex([0x0F, opcode, modrm]))
                XCTAssertEqual(d.rm, Int(modrm & 7))
                XCTAssertEqual(d.base, DecodedInstruction.noRegister)
                XCTAssertEqual(decode([0x67, 0x0F, opcode, modrm]).length, 4)
            }
        }
    }

    /// Instructions longer than 15 bytes are flagged (SDM Vol. 2 §2.1.1) and
    /// reported as 15 bytes long, whether the excess is prefixes or operands.
    func testFifteenByteLimit() {
        let decode = Decoding()
        let nop15 = decode([UInt8](repeating: 0x26, count: 14) + [0x90])
        XCTAssertEqual(nop15.length, 15)
        XCTAssertEqual(nop15.prefixes & DecodedInstruction.tooLong, 0)
        let nop16 = decode([UInt8](repeating: 0x66, count: 15) + [0x90])
        XCTAssertEqual(nop16.length, 15)
        XCTAssertNotEqual(nop16.prefixes & DecodedInstruction.tooLong, 0)
        // mov dword [es:ebp+ecx*4+disp32],imm32: 4 prefixes + 11 bytes = 15.
        let move: [UInt8] = [0xC7, 0x84, 0x8D, 1, 2, 3, 4, 5, 6, 7, 8]
        let move15 = decode([0x66, 0x67, 0x2E, 0x26] + move)
        XCTAssertEqual(move15.length, 15)
        XCTAssertEqual(move15.prefixes & DecodedInstruction.tooLong, 0)
        let move16 = decode([0x66, 0x67, 0x2E, 0x26, 0xF0] + move)
        XCTAssertEqual(move16.length, 15)
        XCTAssertNotEqual(move16.prefixes & DecodedInstruction.tooLong, 0)
        let move22 = decode([UInt8](repeating: 0x3E, count: 9) + [0x66, 0x67] + move)
        XCTAssertEqual(move22.length, 15)
        XCTAssertNotEqual(move22.prefixes & DecodedInstruction.tooLong, 0)
    }

    /// Undefined opcodes decode as the opcode alone and are flagged invalid.
    func testUndefinedOpcodes() {
        let decode = Decoding()
        for bytes: [UInt8] in [[0x0F, 0xFF], [0x0F, 0x78], [0x0F, 0x0F], [0x0F, 0x04], [0x0F, 0x7A], [0x0F, 0xA6]] {
            let d = decode(bytes)
            XCTAssertNotEqual(d.prefixes & DecodedInstruction.invalid, 0, Self.hex(bytes))
            XCTAssertEqual(d.length, 2, Self.hex(bytes))
        }
        XCTAssertEqual(decode([0x0F, 0x0B]).prefixes & DecodedInstruction.invalid, 0, "UD2 is defined; it raises #UD when run")
        // The three-byte maps: 0F 38 00 (PSHUFB) has a ModR/M byte; 0F 3A 00 is undefined.
        XCTAssertEqual(decode([0x0F, 0x38, 0x00, 0xC1]).length, 4)
        XCTAssertEqual(decode([0x0F, 0x38, 0x00, 0xC1]).opcode, 0x200)
        XCTAssertEqual(decode([0x0F, 0x3A, 0x0F, 0xC1, 0x05]).length, 5)
        XCTAssertNotEqual(decode([0x0F, 0x3A, 0x00]).prefixes & DecodedInstruction.invalid, 0)
    }

    /// Expected fields of one decoded instruction.
    struct Fields {
        var bytes: [UInt8]
        var default32 = false
        var length: UInt8
        var modrm: UInt8 = 0
        var base = DecodedInstruction.noRegister
        var index = DecodedInstruction.noRegister
        var scale: UInt8 = 0
        var displacement: UInt32 = 0
        var immediate: UInt64 = 0
        var immediate2: UInt16 = 0
        var segment = UInt8(SegmentIndex.ds)
        var override = false
        var prefixes: UInt8 = 0
    }

    static let ss = UInt8(SegmentIndex.ss)
    /// The effective operand and address sizes, as bits the table can OR into
    /// `prefixes` (`testDecodedFields` folds the decoded sizes in the same way).
    static let o32: UInt8 = 1 << 0, a32: UInt8 = 1 << 1
    static let fields: [Fields] = [
        // 16-bit addressing (SDM Vol. 2 Table 2-1): BP-based forms default to SS.
        Fields(bytes: [0x8B, 0x00], length: 2, modrm: 0x00, base: 3, index: 6),
        Fields(bytes: [0x8B, 0x01], length: 2, modrm: 0x01, base: 3, index: 7),
        Fields(bytes: [0x8B, 0x42, 0x10], length: 3, modrm: 0x42, base: 5, index: 6, displacement: 0x10, segment: ss),
        Fields(bytes: [0x8B, 0x43, 0x80], length: 3, modrm: 0x43, base: 5, index: 7, displacement: 0xFF80, segment: ss),
        Fields(bytes: [0x8B, 0x04], length: 2, modrm: 0x04, base: 6),
        Fields(bytes: [0x8B, 0x05], length: 2, modrm: 0x05, base: 7),
        Fields(bytes: [0x8B, 0x46, 0xFE], length: 3, modrm: 0x46, base: 5, displacement: 0xFFFE, segment: ss),
        Fields(bytes: [0x8B, 0x86, 0x34, 0x12], length: 4, modrm: 0x86, base: 5, displacement: 0x1234, segment: ss),
        Fields(bytes: [0x8B, 0x06, 0x34, 0x12], length: 4, modrm: 0x06, displacement: 0x1234),
        Fields(bytes: [0x8B, 0x07], length: 2, modrm: 0x07, base: 3),
        Fields(bytes: [0x8B, 0xC1], length: 2, modrm: 0xC1),
        Fields(bytes: [0x26, 0x8B, 0x46, 0x00], length: 4, modrm: 0x46, base: 5, segment: 0, override: true),
        Fields(bytes: [0x3E, 0x8B, 0x02], length: 3, modrm: 0x02, base: 5, index: 6, override: true),
        Fields(bytes: [0x26, 0x64, 0x8B, 0x07], length: 4, modrm: 0x07, base: 3, segment: 4, override: true),
        // 32-bit addressing (Tables 2-2, 2-3): ESP- and EBP-based forms default to SS.
        Fields(bytes: [0x67, 0x8B, 0x00], length: 3, modrm: 0x00, base: 0, prefixes: a32),
        Fields(bytes: [0x67, 0x8B, 0x04, 0x24], length: 4, modrm: 0x04, base: 4, segment: ss, prefixes: a32),
        Fields(bytes: [0x67, 0x8B, 0x44, 0x24, 0xFC], length: 5, modrm: 0x44, base: 4, displacement: 0xFFFF_FFFC, segment: ss, prefixes: a32),
        Fields(bytes: [0x67, 0x8B, 0x45, 0x08], length: 4, modrm: 0x45, base: 5, displacement: 8, segment: ss, prefixes: a32),
        Fields(bytes: [0x67, 0x8B, 0x05, 0x78, 0x56, 0x34, 0x12], length: 7, modrm: 0x05, displacement: 0x1234_5678, prefixes: a32),
        Fields(bytes: [0x67, 0x8B, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12], length: 8, modrm: 0x04, displacement: 0x1234_5678, prefixes: a32),
        Fields(bytes: [0x67, 0x8B, 0x04, 0xB5, 0xF8, 0xFF, 0xFF, 0xFF], length: 8, modrm: 0x04, index: 6, scale: 2, displacement: 0xFFFF_FFF8, prefixes: a32),
        Fields(bytes: [0x67, 0x8B, 0x04, 0x6D, 0, 0, 0, 0], length: 8, modrm: 0x04, index: 5, scale: 1, prefixes: a32),
        Fields(bytes: [0x67, 0x8B, 0x44, 0xB3, 0xF8], length: 5, modrm: 0x44, base: 3, index: 6, scale: 2, displacement: 0xFFFF_FFF8, prefixes: a32),
        Fields(bytes: [0x67, 0x8B, 0x84, 0xCD, 0x78, 0x56, 0x34, 0x12], length: 8, modrm: 0x84, base: 5, index: 1, scale: 3,
               displacement: 0x1234_5678, segment: ss, prefixes: a32),
        Fields(bytes: [0x67, 0x8B, 0x04, 0x2C], length: 4, modrm: 0x04, base: 4, index: 5, segment: ss, prefixes: a32),
        Fields(bytes: [0x67, 0x8B, 0x04, 0xE4], length: 4, modrm: 0x04, base: 4, scale: 3, segment: ss, prefixes: a32),
        Fields(bytes: [0x67, 0x8B, 0x04, 0x65, 0, 0x10, 0, 0], length: 8, modrm: 0x04, scale: 1, displacement: 0x1000, prefixes: a32),
        Fields(bytes: [0x64, 0x67, 0x8B, 0x04, 0x24], length: 5, modrm: 0x04, base: 4, segment: 4, override: true, prefixes: a32),
        Fields(bytes: [0x8B, 0x04, 0x24], default32: true, length: 3, modrm: 0x04, base: 4, segment: ss,
               prefixes: DecoderTests.o32 | a32),
        Fields(bytes: [0x67, 0x8B, 0x46, 0xFE], default32: true, length: 4, modrm: 0x46, base: 5, displacement: 0xFFFE, segment: ss,
               prefixes: DecoderTests.o32),
        // Immediates: sizes, sign extension of Ibs and Jb, ENTER, far pointers, moffs.
        Fields(bytes: [0x80, 0xC0, 0xFF], length: 3, modrm: 0xC0, immediate: 0xFF),
        Fields(bytes: [0x83, 0xC0, 0xFF], length: 3, modrm: 0xC0, immediate: UInt64.max),
        Fields(bytes: [0x6A, 0x80], length: 2, immediate: 0xFFFF_FFFF_FFFF_FF80),
        Fields(bytes: [0x6B, 0xC0, 0xFE], length: 3, modrm: 0xC0, immediate: 0xFFFF_FFFF_FFFF_FFFE),
        Fields(bytes: [0x69, 0xC0, 0xFE, 0xFF], length: 4, modrm: 0xC0, immediate: 0xFFFF_FFFF_FFFF_FFFE),
        Fields(bytes: [0xEB, 0xFE], length: 2, immediate: 0xFFFF_FFFF_FFFF_FFFE),
        Fields(bytes: [0xE3, 0x10], length: 2, immediate: 0x10),
        Fields(bytes: [0xE8, 0xFD, 0xFF], length: 3, immediate: 0xFFFF_FFFF_FFFF_FFFD),
        Fields(bytes: [0x66, 0xE9, 0xFB, 0xFF, 0xFF, 0xFF], length: 6, immediate: 0xFFFF_FFFF_FFFF_FFFB, prefixes: DecoderTests.o32),
        Fields(bytes: [0x0F, 0x84, 0x00, 0x80], length: 4, immediate: 0xFFFF_FFFF_FFFF_8000),
        Fields(bytes: [0xB8, 0x34, 0x12], length: 3, immediate: 0x1234),
        Fields(bytes: [0xB8, 0x78, 0x56, 0x34, 0x12], default32: true, length: 5, immediate: 0x1234_5678,
               prefixes: DecoderTests.o32 | DecoderTests.a32),
        Fields(bytes: [0x66, 0xB8, 0x34, 0x12], default32: true, length: 4, immediate: 0x1234, prefixes: DecoderTests.a32),
        Fields(bytes: [0xC2, 0x08, 0x00], length: 3, immediate: 8),
        Fields(bytes: [0xC8, 0x34, 0x12, 0x05], length: 4, immediate: 0x1234, immediate2: 5),
        Fields(bytes: [0x66, 0xC8, 0x34, 0x12, 0x05], length: 5, immediate: 0x1234, immediate2: 5, prefixes: DecoderTests.o32),
        Fields(bytes: [0x9A, 0x78, 0x56, 0x34, 0x12], length: 5, immediate: 0x5678, immediate2: 0x1234),
        Fields(bytes: [0x66, 0xEA, 0x78, 0x56, 0x34, 0x12, 0xBC, 0x9A], length: 8, immediate: 0x1234_5678, immediate2: 0x9ABC,
               prefixes: DecoderTests.o32),
        Fields(bytes: [0xA1, 0x34, 0x12], length: 3, immediate: 0x1234),
        Fields(bytes: [0x67, 0xA1, 0x78, 0x56, 0x34, 0x12], length: 6, immediate: 0x1234_5678, prefixes: DecoderTests.a32),
        Fields(bytes: [0x66, 0xA1, 0x34, 0x12], length: 4, immediate: 0x1234, prefixes: DecoderTests.o32),
        Fields(bytes: [0x36, 0xA0, 0x34, 0x12], length: 4, immediate: 0x1234, segment: ss, override: true),
        Fields(bytes: [0xC1, 0x46, 0x02, 0x03], length: 4, modrm: 0x46, base: 5, displacement: 2, immediate: 3, segment: ss),
        Fields(bytes: [0x66, 0x81, 0x86, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12], length: 9, modrm: 0x86, base: 5,
               displacement: 0x1234, immediate: 0x1234_5678, segment: ss, prefixes: DecoderTests.o32),
        Fields(bytes: [0x0F, 0xBA, 0xE0, 0x1F], length: 4, modrm: 0xE0, immediate: 0x1F),
        // Repeat and lock prefixes: the last of F2/F3 wins.
        Fields(bytes: [0xF3, 0xA5], length: 2, prefixes: DecodedInstruction.repeatZ),
        Fields(bytes: [0xF2, 0xA6], length: 2, prefixes: DecodedInstruction.repeatNZ),
        Fields(bytes: [0xF3, 0xF2, 0xA6], length: 3, prefixes: DecodedInstruction.repeatNZ),
        Fields(bytes: [0xF2, 0xF3, 0xA6], length: 3, prefixes: DecodedInstruction.repeatZ),
        Fields(bytes: [0xF0, 0x01, 0x07], length: 3, modrm: 0x07, base: 3, prefixes: DecodedInstruction.lock),
    ]

    func testDecodedFields() {
        let decode = Decoding()
        for f in Self.fields {
            let d = decode(f.bytes, codeSize: f.default32 ? .bits32 : .bits16)
            let name = Self.hex(f.bytes)
            XCTAssertEqual(d.length, f.length, name)
            XCTAssertEqual(d.modrm, f.modrm, name)
            XCTAssertEqual(d.base, f.base, name)
            XCTAssertEqual(d.index, f.index, name)
            XCTAssertEqual(d.scale, f.scale, name)
            XCTAssertEqual(d.displacement, f.displacement, name)
            XCTAssertEqual(d.immediate, f.immediate, name)
            XCTAssertEqual(d.immediate2, f.immediate2, name)
            XCTAssertEqual(d.segment, f.segment, name)
            XCTAssertEqual(d.hasSegmentOverride, f.override, name)
            let sizes = (d.operandSize == 4 ? DecoderTests.o32 : 0) | (d.addressSize == 4 ? DecoderTests.a32 : 0)
            let raw = DecodedInstruction.operandSizePrefix | DecodedInstruction.addressSizePrefix
            XCTAssertEqual(d.prefixes & ~raw | sizes, f.prefixes, name)
        }
    }
}
