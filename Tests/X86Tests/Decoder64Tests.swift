import XCTest
@testable import X86

/// Instruction lengths and decoded fields of 64-bit code (SDM Vol. 2 §2.2.1:
/// REX prefixes, RIP-relative addressing, 64-bit immediates and offsets; Appendix
/// A: the opcodes invalid in 64-bit mode and those whose operand size defaults
/// to 64 bits).
///
/// The length tables were generated with the decoder and agree with
/// `ndisasm -b 64` (NASM 2.16) wherever ndisasm decodes the opcode as the same
/// instruction: it differs only on opcodes undefined here (MMX/SSE/VMX and other
/// later 0F xx, which decode as 0F and the opcode byte, with no ModR/M), 9B (which
/// it joins to the next instruction), and opcodes invalid in 64-bit mode, which
/// it prints as one `db` byte while we count what the legacy encoding would take.
/// Opcodes 40-4F are REX prefixes, marked "-" like the other prefixes.
final class Decoder64Tests: XCTestCase {
    /// One-byte map lengths in 64-bit mode, no prefix, then ModR/M 00 ([rax]) and 11 22 33 ...
    static let oneBytePlain = """
        2222 2511 2222 251-
        2222 2511 2222 2511
        2222 25-1 2222 25-1
        2222 25-1 2222 25-1
        ---- ---- ---- ----
        1111 1111 1111 1111
        1122 ---- 5623 1111
        2222 2222 2222 2222
        3633 2222 2222 2222
        1111 1111 1171 1111
        9999 1111 2511 1111
        2222 2222 5555 5555
        3331 2236 4131 1211
        2222 2211 2222 2222
        2222 2222 5572 1111
        -1-- 1136 1111 1122
        """
    /// One-byte map lengths after REX.W (48): MOV r64, imm64 takes 8 bytes.
    static let oneByteWide = """
        3333 3622 3333 362-
        3333 3622 3333 3622
        3333 36-2 3333 36-2
        3333 36-2 3333 36-2
        ---- ---- ---- ----
        2222 2222 2222 2222
        2233 ---- 6734 2222
        3333 3333 3333 3333
        4744 3333 3333 3333
        2222 2222 2282 2222
        aaaa 2222 3622 2222
        3333 3333 aaaa aaaa
        4442 3347 5242 2322
        3333 3322 3333 3333
        3333 3333 6683 2222
        -2-- 2247 2222 2233
        """
    /// One-byte map lengths after 67 (32-bit addressing: moffs32).
    static let oneByteAddress32 = """
        3333 3622 3333 362-
        3333 3622 3333 3622
        3333 36-2 3333 36-2
        3333 36-2 3333 36-2
        ---- ---- ---- ----
        2222 2222 2222 2222
        2233 ---- 6734 2222
        3333 3333 3333 3333
        4744 3333 3333 3333
        2222 2222 2282 2222
        6666 2222 3622 2222
        3333 3333 6666 6666
        4442 3347 5242 2322
        3333 3322 3333 3333
        3333 3333 6683 2222
        -2-- 2247 2222 2233
        """
    /// One-byte map lengths after 66 (16-bit operand size, but not for near branches).
    static let oneByteOperand16 = """
        3333 3422 3333 342-
        3333 3422 3333 3422
        3333 34-2 3333 34-2
        3333 34-2 3333 34-2
        ---- ---- ---- ----
        2222 2222 2222 2222
        2233 ---- 4534 2222
        3333 3333 3333 3333
        4544 3333 3333 3333
        2222 2222 2262 2222
        aaaa 2222 3422 2222
        3333 3333 4444 4444
        4442 3345 5242 2322
        3333 3322 3333 3333
        3333 3333 6663 2222
        -2-- 2245 2222 2233
        """
    /// Two-byte map (0F xx) lengths in 64-bit mode, no prefix, then ModR/M 00 and 11 22 33 ...
    static let twoBytePlain = """
        3333 2222 2222 2322
        3333 3333 3333 3333
        3333 2222 3333 3333
        2222 2222 4232 2222
        3333 3333 3333 3333
        3333 3333 3333 3333
        3333 3333 3333 3333
        4444 3332 2222 3333
        6666 6666 6666 6666
        3333 3333 3333 3333
        2223 4322 2223 4333
        3333 3333 2243 3333
        3343 4443 2222 2222
        3333 3333 3333 3333
        3333 3333 3333 3333
        3333 3333 3333 3332
        """
    /// Lengths after one 48, 67 or 66: in the two-byte map each adds its own
    /// byte and changes nothing else in 64-bit mode (no two-byte opcode has an
    /// immediate that 66 shortens or a moffs that 67 does), so the table is that
    /// of a 16-bit segment with a 66 prefix (`DecoderTests.twoByteOperand32`).
    static let twoByteWide = DecoderTests.twoByteOperand32
    static let twoByteAddress32 = DecoderTests.twoByteOperand32
    static let twoByteOperand16 = DecoderTests.twoByteOperand32

    /// ModR/M forms of 64-bit addressing (Tables 2-2, 2-3 and 2-5) with reg = 0,
    /// and the bytes they add after ModR/M 00: RIP-relative (05), SIB with no base
    /// (04 25, 04 65), disp8 and disp32 forms, register forms.
    static let forms: [(bytes: [UInt8], extra: Int)] = [
        ([0x05], 4), ([0x45], 1), ([0x85], 4), ([0x04, 0x24], 1), ([0x04, 0x25], 5), ([0x04, 0x65], 5),
        ([0x04, 0xE4], 1), ([0x44, 0x24], 2), ([0x44, 0x65], 2), ([0x84, 0x8D], 5), ([0xC4], 0), ([0xC5], 0),
    ]

    /// Decodes `bytes` followed by the tail bytes as 64-bit code.
    final class Decoding {
        let decode = DecoderTests.Decoding()
        func callAsFunction(_ bytes: [UInt8]) -> DecodedInstruction { decode(bytes, codeSize: .bits64) }
    }

    func checkMap(escape: [UInt8], plain: String, wide: String, address32: String, operand16: String, modrm: String) {
        let decode = Decoding()
        let plain = DecoderTests.digits(plain), w = DecoderTests.digits(wide), a32 = DecoderTests.digits(address32)
        let o16 = DecoderTests.digits(operand16), kind = DecoderTests.digits(modrm)
        for op in 0..<256 where plain[op] != "-" {
            let opcode = escape + [UInt8(op)]
            let name = DecoderTests.hex(opcode)
            guard let p = plain[op].hexDigitValue, let wl = w[op].hexDigitValue,
                  let a = a32[op].hexDigitValue, let o = o16[op].hexDigitValue else {
                XCTFail("table entry for \(name)")
                continue
            }
            XCTAssertEqual(Int(decode(opcode + [0x00]).length), p, name)
            XCTAssertEqual(Int(decode([0x48] + opcode + [0x00]).length), wl, "48 \(name)")
            XCTAssertEqual(Int(decode([0x67] + opcode + [0x00]).length), a, "67 \(name)")
            XCTAssertEqual(Int(decode([0x66] + opcode + [0x00]).length), o, "66 \(name)")
            // REX.R, X and B never change a length; a REX before a legacy prefix is
            // ignored (§2.2.1); ES, CS, SS and DS overrides count as prefixes still.
            for (prefixes, base) in [([0x40], p + 1), ([0x41], p + 1), ([0x42], p + 1), ([0x44], p + 1), ([0x47], p + 1),
                                     ([0x48, 0x66], o + 1), ([0x66, 0x48], wl + 1), ([0x4F, 0x67], a + 1), ([0x26, 0x2E, 0x48], wl + 2),
                                     ([0x36, 0x3E, 0x65, 0xF0, 0xF2, 0xF3], p + 6), ([0x67, 0x4F], a + wl - p)]
                    as [([UInt8], Int)] {
                XCTAssertEqual(Int(decode(prefixes + opcode + [0x00]).length), base, "\(DecoderTests.hex(prefixes)) \(name)")
            }
            switch kind[op] {
            case "m":
                for form in Self.forms {
                    XCTAssertEqual(Int(decode(opcode + form.bytes).length), p + form.extra, "\(name) \(DecoderTests.hex(form.bytes))")
                    XCTAssertEqual(Int(decode([0x43] + opcode + form.bytes).length), p + 1 + form.extra, "43 \(name) \(DecoderTests.hex(form.bytes))")
                    XCTAssertEqual(Int(decode([0x67] + opcode + form.bytes).length), a + form.extra, "67 \(name) \(DecoderTests.hex(form.bytes))")
                }
            case "r":
                for form in Self.forms {
                    XCTAssertEqual(Int(decode(opcode + form.bytes).length), p, "\(name) \(DecoderTests.hex(form.bytes))")
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
        checkMap(escape: [], plain: Self.oneBytePlain, wide: Self.oneByteWide, address32: Self.oneByteAddress32,
                 operand16: Self.oneByteOperand16, modrm: DecoderTests.oneByteModRM)
    }

    func testTwoByteMapLengths() {
        checkMap(escape: [0x0F], plain: Self.twoBytePlain, wide: Self.twoByteWide, address32: Self.twoByteAddress32,
                 operand16: Self.twoByteOperand16, modrm: DecoderTests.twoByteModRM)
    }

    /// Appendix A's "i64" opcodes decode with their legacy length and are flagged
    /// invalid; 63 is MOVSXD and 0F 05/07 are SYSCALL/SYSRET, all valid.
    func testInvalidOpcodes() {
        let decode = Decoding()
        for op: UInt8 in [0x06, 0x07, 0x0E, 0x16, 0x17, 0x1E, 0x1F, 0x27, 0x2F, 0x37, 0x3F, 0x60, 0x61, 0x62,
                          0x82, 0x9A, 0xC4, 0xC5, 0xCE, 0xD4, 0xD5, 0xD6, 0xEA] {
            XCTAssertNotEqual(decode([op, 0x00]).prefixes & DecodedInstruction.invalid, 0, DecoderTests.hex([op]))
            XCTAssertEqual(DecoderTests.Decoding()([op, 0x00], codeSize: .bits32).prefixes & DecodedInstruction.invalid, 0,
                           "\(DecoderTests.hex([op])) outside 64-bit mode")
        }
        for bytes: [UInt8] in [[0x63, 0xC1], [0x48, 0x63, 0xC1], [0x0F, 0x05], [0x0F, 0x07], [0x0F, 0xC7, 0x0F], [0x90]] {
            XCTAssertEqual(decode(bytes).prefixes & DecodedInstruction.invalid, 0, DecoderTests.hex(bytes))
        }
    }

    /// Prefixes, REX included, count towards the 15-byte limit (SDM Vol. 2 §2.1.1).
    func testFifteenByteLimit() {
        let decode = Decoding()
        let push15 = decode([UInt8](repeating: 0x41, count: 14) + [0x50])
        XCTAssertEqual(push15.length, 15)
        XCTAssertEqual(push15.prefixes & DecodedInstruction.tooLong, 0)
        XCTAssertEqual(push15.rm, 8)
        let push16 = decode([UInt8](repeating: 0x41, count: 15) + [0x50])
        XCTAssertEqual(push16.length, 15)
        XCTAssertNotEqual(push16.prefixes & DecodedInstruction.tooLong, 0)
        let move: [UInt8] = [0x48, 0xB8, 1, 2, 3, 4, 5, 6, 7, 8]
        XCTAssertEqual(decode([0x64, 0x66, 0x67, 0xF0, 0xF2] + move).prefixes & DecodedInstruction.tooLong, 0)
        let move16 = decode([0x64, 0x66, 0x67, 0xF0, 0xF2, 0xF3] + move)
        XCTAssertEqual(move16.length, 15)
        XCTAssertNotEqual(move16.prefixes & DecodedInstruction.tooLong, 0)
    }

    /// Expected fields of one decoded 64-bit instruction; `rm` is checked only
    /// where it names a register.
    struct Fields {
        var bytes: [UInt8]
        var length: UInt8
        var reg = 0
        var rm: Int? = nil
        var base = DecodedInstruction.noRegister
        var index = DecodedInstruction.noRegister
        var scale: UInt8 = 0
        var displacement: UInt32 = 0
        var immediate: UInt64 = 0
        var operandSize = 4
        var addressSize = 8
        var segment = UInt8(SegmentIndex.ds)
        var override = false
        var prefixes: UInt8 = 0
    }

    static let rex = DecodedInstruction.rex
    static let o16 = DecodedInstruction.operandSizePrefix, a32 = DecodedInstruction.addressSizePrefix
    static let rip = DecodedInstruction.ripRelative
    static let fields: [Fields] = [
        // ModR/M and SIB with REX.R, X and B (Tables 2-4, 2-5); RSP and RBP bases default to SS.
        Fields(bytes: [0x48, 0x8B, 0x04, 0x24], length: 4, base: 4, operandSize: 8, segment: 2, prefixes: rex),
        Fields(bytes: [0x4C, 0x8B, 0x04, 0x24], length: 4, reg: 8, base: 4, operandSize: 8, segment: 2, prefixes: rex),
        Fields(bytes: [0x41, 0x8B, 0x04, 0x24], length: 4, base: 12, prefixes: rex),
        Fields(bytes: [0x41, 0x8B, 0x00], length: 3, base: 8, prefixes: rex),
        Fields(bytes: [0x41, 0x8B, 0x45, 0x00], length: 4, base: 13, prefixes: rex),
        Fields(bytes: [0x41, 0x8B, 0x44, 0x24, 0x08], length: 5, base: 12, displacement: 8, prefixes: rex),
        Fields(bytes: [0x42, 0x8B, 0x04, 0x20], length: 4, base: 0, index: 12, prefixes: rex),
        Fields(bytes: [0x4A, 0x8B, 0x04, 0xE5, 0xF8, 0xFF, 0xFF, 0xFF], length: 8, index: 12, scale: 3,
               displacement: 0xFFFF_FFF8, operandSize: 8, prefixes: rex),
        // SIB base 101 with mod 00 has no base, with REX.B too (R13 needs a displacement).
        Fields(bytes: [0x43, 0x8B, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00], length: 8, index: 12, displacement: 0x1000, prefixes: rex),
        Fields(bytes: [0x8B, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00], length: 7, displacement: 0x1000),
        Fields(bytes: [0x8B, 0x45, 0xF8], length: 3, base: 5, displacement: 0xFFFF_FFF8, segment: 2),
        // RIP-relative: ModR/M 00 with r/m 101, REX.B or not; 67 makes it EIP-relative.
        Fields(bytes: [0x8B, 0x05, 0x10, 0x00, 0x00, 0x00], length: 6, base: rip, displacement: 0x10),
        Fields(bytes: [0x41, 0x8B, 0x05, 0xF0, 0xFF, 0xFF, 0xFF], length: 7, base: rip, displacement: 0xFFFF_FFF0, prefixes: rex),
        Fields(bytes: [0x67, 0x8B, 0x05, 0x10, 0x00, 0x00, 0x00], length: 7, base: rip, displacement: 0x10, addressSize: 4, prefixes: a32),
        Fields(bytes: [0x67, 0x41, 0x8B, 0x00], length: 4, base: 8, addressSize: 4, prefixes: a32 | rex),
        // Registers: REX makes byte registers 4-7 SPL..DIL (numbered 20-23), R8-R15 come from REX.R/B.
        Fields(bytes: [0x88, 0xF7], length: 2, reg: 6, rm: 7),
        Fields(bytes: [0x40, 0x88, 0xF7], length: 3, reg: 22, rm: 23, prefixes: rex),
        Fields(bytes: [0x44, 0x88, 0xF7], length: 3, reg: 14, rm: 23, prefixes: rex),
        Fields(bytes: [0x41, 0x88, 0xE4], length: 3, reg: 20, rm: 12, prefixes: rex),
        Fields(bytes: [0x4D, 0x89, 0xF8], length: 3, reg: 15, rm: 8, operandSize: 8, prefixes: rex),
        Fields(bytes: [0xB4, 0x01], length: 2, rm: 4, immediate: 1),
        Fields(bytes: [0x40, 0xB4, 0x01], length: 3, rm: 20, immediate: 1, prefixes: rex),
        Fields(bytes: [0x41, 0xB4, 0x01], length: 3, rm: 12, immediate: 1, prefixes: rex),
        Fields(bytes: [0x41, 0x90], length: 2, rm: 8, prefixes: rex),
        Fields(bytes: [0x44, 0x0F, 0x20, 0xC0], length: 4, reg: 8, rm: 0, prefixes: rex),
        Fields(bytes: [0x41, 0x0F, 0x22, 0xD8], length: 4, reg: 3, rm: 8, prefixes: rex),
        // A REX prefix counts only directly before the opcode; the last one wins.
        Fields(bytes: [0x48, 0x66, 0x01, 0xC0], length: 4, rm: 0, operandSize: 2, prefixes: o16),
        Fields(bytes: [0x41, 0x48, 0x01, 0xC0], length: 4, rm: 0, operandSize: 8, prefixes: rex),
        Fields(bytes: [0x66, 0x48, 0x01, 0xC0], length: 4, rm: 0, operandSize: 8, prefixes: o16 | rex),
        // Immediates: imm64 only for B8+r with REX.W; Iz sign-extended to 64 bits.
        Fields(bytes: [0x48, 0xB8, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88], length: 10, rm: 0,
               immediate: 0x8877_6655_4433_2211, operandSize: 8, prefixes: rex),
        Fields(bytes: [0x49, 0xBF, 0x01, 0, 0, 0, 0, 0, 0, 0x80], length: 10, rm: 15, immediate: 0x8000_0000_0000_0001,
               operandSize: 8, prefixes: rex),
        Fields(bytes: [0x41, 0xB8, 0xFF, 0xFF, 0xFF, 0xFF], length: 6, rm: 8, immediate: 0xFFFF_FFFF, prefixes: rex),
        Fields(bytes: [0x48, 0x05, 0xFF, 0xFF, 0xFF, 0xFF], length: 6, immediate: UInt64.max, operandSize: 8, prefixes: rex),
        Fields(bytes: [0x48, 0xC7, 0xC0, 0x00, 0x00, 0x00, 0x80], length: 7, rm: 0, immediate: 0xFFFF_FFFF_8000_0000,
               operandSize: 8, prefixes: rex),
        Fields(bytes: [0x48, 0x83, 0xC0, 0xFF], length: 4, rm: 0, immediate: UInt64.max, operandSize: 8, prefixes: rex),
        Fields(bytes: [0x48, 0xF7, 0x00, 0x00, 0x00, 0x00, 0x80], length: 7, base: 0, immediate: 0xFFFF_FFFF_8000_0000,
               operandSize: 8, prefixes: rex),
        // Memory offsets: 8 bytes, or 4 with 67.
        Fields(bytes: [0x48, 0xA1, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88], length: 10, immediate: 0x8877_6655_4433_2211,
               operandSize: 8, prefixes: rex),
        Fields(bytes: [0x67, 0xA1, 0x11, 0x22, 0x33, 0x44], length: 6, immediate: 0x4433_2211, addressSize: 4, prefixes: a32),
        // Operand size 64 by default (d64: stack operations, 66 gives 16 bits) or
        // always (f64: near branches, where 66 changes nothing on Intel processors).
        Fields(bytes: [0x50], length: 1, rm: 0, operandSize: 8),
        Fields(bytes: [0x41, 0x57], length: 2, rm: 15, operandSize: 8, prefixes: rex),
        Fields(bytes: [0x66, 0x50], length: 2, rm: 0, operandSize: 2, prefixes: o16),
        Fields(bytes: [0x68, 0x00, 0x00, 0x00, 0x80], length: 5, immediate: 0xFFFF_FFFF_8000_0000, operandSize: 8),
        Fields(bytes: [0x66, 0x68, 0x34, 0x12], length: 4, immediate: 0x1234, operandSize: 2, prefixes: o16),
        Fields(bytes: [0x6A, 0x80], length: 2, immediate: 0xFFFF_FFFF_FFFF_FF80, operandSize: 8),
        Fields(bytes: [0xE8, 0xFB, 0xFF, 0xFF, 0xFF], length: 5, immediate: 0xFFFF_FFFF_FFFF_FFFB, operandSize: 8),
        Fields(bytes: [0x66, 0xE8, 0xFB, 0xFF, 0xFF, 0xFF], length: 6, immediate: 0xFFFF_FFFF_FFFF_FFFB, operandSize: 8, prefixes: o16),
        Fields(bytes: [0x0F, 0x84, 0x00, 0x00, 0x00, 0x80], length: 6, immediate: 0xFFFF_FFFF_8000_0000, operandSize: 8),
        Fields(bytes: [0xEB, 0xFE], length: 2, immediate: 0xFFFF_FFFF_FFFF_FFFE, operandSize: 8),
        Fields(bytes: [0xE3, 0x10], length: 2, immediate: 0x10, operandSize: 8),
        Fields(bytes: [0x67, 0xE3, 0x10], length: 3, immediate: 0x10, operandSize: 8, addressSize: 4, prefixes: a32),
        Fields(bytes: [0xFF, 0xD0], length: 2, reg: 2, rm: 0, operandSize: 8),
        Fields(bytes: [0x66, 0xFF, 0xD0], length: 3, reg: 2, rm: 0, operandSize: 8, prefixes: o16),
        Fields(bytes: [0xFF, 0x30], length: 2, reg: 6, base: 0, operandSize: 8),
        Fields(bytes: [0x66, 0xFF, 0x30], length: 3, reg: 6, base: 0, operandSize: 2, prefixes: o16),
        Fields(bytes: [0xFF, 0x00], length: 2, base: 0),
        Fields(bytes: [0x48, 0x63, 0xC1], length: 3, rm: 1, operandSize: 8, prefixes: rex),
        Fields(bytes: [0x48, 0x0F, 0xC7, 0x0F], length: 4, reg: 1, base: 7, operandSize: 8, prefixes: rex),
        // Only FS and GS overrides count (§3.3.7.1 of Vol. 1).
        Fields(bytes: [0x26, 0x8B, 0x00], length: 3, base: 0),
        Fields(bytes: [0x36, 0x8B, 0x04, 0x24], length: 4, base: 4, segment: 2),
        Fields(bytes: [0x64, 0x8B, 0x00], length: 3, base: 0, segment: 4, override: true),
        Fields(bytes: [0x65, 0x2E, 0x8B, 0x04, 0x24], length: 5, base: 4, segment: 5, override: true),
        Fields(bytes: [0xF3, 0x48, 0xAB], length: 3, operandSize: 8, prefixes: DecodedInstruction.repeatZ | rex),
    ]

    func testDecodedFields() {
        let decode = Decoding()
        for f in Self.fields {
            let d = decode(f.bytes)
            let name = DecoderTests.hex(f.bytes)
            XCTAssertEqual(d.length, f.length, name)
            XCTAssertEqual(d.reg, f.reg, name)
            if let rm = f.rm { XCTAssertEqual(d.rm, rm, name) }
            XCTAssertEqual(d.base, f.base, name)
            XCTAssertEqual(d.index, f.index, name)
            XCTAssertEqual(d.scale, f.scale, name)
            XCTAssertEqual(d.displacement, f.displacement, name)
            XCTAssertEqual(d.immediate, f.immediate, name)
            XCTAssertEqual(d.operandSize, f.operandSize, name)
            XCTAssertEqual(d.addressSize, f.addressSize, name)
            XCTAssertEqual(d.segment, f.segment, name)
            XCTAssertEqual(d.hasSegmentOverride, f.override, name)
            XCTAssertEqual(d.prefixes, f.prefixes, name)
        }
    }
}
