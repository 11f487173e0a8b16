// Known answers for the packed-integer lane functions, worked out by hand
// from the SDM's operation sections, so that the edge cases hold on hosts
// where the native differential test cannot run.

import XCTest
@testable import X86

final class PackedIntegerLaneTests: XCTestCase {
    typealias L = PackedLanes

    func testLanewiseOperations() {
        // (name, opcode, destination, source, result) through CPU.lanewise.
        let table: [(String, UInt16, UInt64, UInt64, UInt64)] = [
            ("PADDB wraps per byte", 0x1FC, 0x7FFF_0180_0000_00FF, 0x0101_FF80_0000_0001, 0x8000_0000_0000_0000),
            ("PADDQ", 0x1D4, 0xFFFF_FFFF_FFFF_FFFF, 2, 1),
            ("PSUBW borrows stay in the lane", 0x1F9, 0x0000_0001_8000_0000, 0x0001_0002_0001_0001, 0xFFFF_FFFF_7FFF_FFFF),
            ("PADDSB saturates", 0x1EC, 0x7F80_0000_0000_0000, 0x0180_0000_0000_0000, 0x7F80_0000_0000_0000),
            ("PSUBUSW floors at 0", 0x1D9, 0x0001_FFFF_0000_0000, 0x0002_0001_0000_0000, 0x0000_FFFE_0000_0000),
            ("PADDUSB caps at FF", 0x1DC, 0xF0, 0x20, 0xFF),
            ("PCMPGTB is signed", 0x164, 0x0180_7F00, 0x80FF_8001, 0xFF00_FF00),
            ("PCMPEQD", 0x176, 0x1234_5678_0000_0001, 0x1234_5678_0000_0002, 0xFFFF_FFFF_0000_0000),
            ("PMULHW signed", 0x1E5, 0x8000, 0x8000, 0x4000),
            ("PMULHUW unsigned", 0x1E4, 0xFFFF, 0xFFFF, 0xFFFE),
            ("PMULLW", 0x1D5, 0x8001, 0x0003, 0x8003),
            ("PMULUDQ", 0x1F4, 0xAAAA_AAAA_FFFF_FFFF, 0x5555_5555_FFFF_FFFF, 0xFFFF_FFFE_0000_0001),
            ("PMADDWD -32768² twice wraps", 0x1F5, 0x8000_8000, 0x8000_8000, 0x8000_0000),
            ("PSADBW", 0x1F6, 0xFF00_0000_0000_0010, 0x00FF_0000_0000_0001, 0x020D),
            ("PAVGB rounds up", 0x1E0, 0xFF01, 0xFF02, 0xFF02),
            ("PMINUB", 0x1DA, 0x80_7F, 0x7F_80, 0x7F_7F),
            ("PMAXSW", 0x1EE, 0x8000_7FFF, 0x7FFF_8000, 0x7FFF_7FFF),
            ("PANDN", 0x1DF, 0xF0F0, 0xFF00, 0x0F00),
            ("PXOR", 0x1EF, 0xF0F0, 0xFF00, 0x0FF0),
            ("PMADDUBSW saturates", 0x204, 0xFFFF, 0x7F7F, 0x7FFF),
            ("PMADDUBSW unsigned × signed", 0x204, 0x00FF, 0x0080, 0x8080),
            ("PSIGNB", 0x208, 0x0505_8080, 0x8000_FF01, 0xFB00_8080),
            ("PMULHRSW rounding", 0x20B, 0x7FFF_4000_8000, 0x7FFF_4000_8000, 0x7FFE_2000_8000),
            ("PABSB keeps -128", 0x21C, 0, 0x80FF_017F, 0x8001_017F),
            ("PABSD", 0x21E, 0, 0x8000_0000_FFFF_FFF0, 0x8000_0000_0000_0010),
        ]
        for (name, op, d, s, expected) in table {
            XCTAssertEqual(CPU.lanewise(op, d, s), expected, name)
        }
        XCTAssertNil(CPU.lanewise(0x16C, 0, 0), "PUNPCKLQDQ is not lanewise")
    }

    func testPairwiseOperations() {
        let table: [(String, UInt16, UInt64, UInt64, UInt64)] = [
            ("PACKSSWB", 0x163, 0x8000_7FFF_FF80_0001, 0x0100_FF7F_0000_FFFF, 0x7F80_00FF_807F_8001),
            ("PACKUSWB", 0x167, 0x8000_7FFF_00FF_0100, 0, 0x0000_0000_00FF_FFFF),
            ("PACKSSDW", 0x16B, 0x8000_0000_0000_8000, 0xFFFF_7FFF_0000_0001, 0x8000_0001_8000_7FFF),
            ("PHADDW wraps", 0x201, 0x0001_0002_7FFF_0001, 0x0003_0004_0005_0006, 0x0007_000B_0003_8000),
            ("PHADDSW saturates", 0x203, 0x8000_8000_7FFF_0001, 0, 0x0000_0000_8000_7FFF),
            ("PHSUBD even less odd", 0x206, 0x0000_0001_0000_0003, 0x0000_0005_0000_0002, 0xFFFF_FFFD_0000_0002),
            ("PHSUBSW saturates", 0x207, 0x0001_8000, 0, 0x0000_0000_0000_8000),
        ]
        for (name, op, a, b, expected) in table {
            XCTAssertEqual(CPU.pairwise(op, a, b), expected, name)
        }
    }

    func testShifts() {
        XCTAssertEqual(L.shift(0x8001_0001, .left, count: 1, bits: 16), 0x0002_0002)
        XCTAssertEqual(L.shift(0x8001_0001, .rightLogical, count: 15, bits: 16), 0x0001_0000)
        XCTAssertEqual(L.shift(0x8001_0001, .rightLogical, count: 16, bits: 16), 0)
        XCTAssertEqual(L.shift(0x8000_0000_7FFF_FFFF, .rightArithmetic, count: 4, bits: 32), 0xF800_0000_07FF_FFFF)
        XCTAssertEqual(L.shift(0x8000_7FFF, .rightArithmetic, count: 1 << 40, bits: 16), 0xFFFF_0000)
        XCTAssertEqual(L.shift(0x1, .left, count: 63, bits: 64), 0x8000_0000_0000_0000)
        XCTAssertEqual(L.shift(0x1, .left, count: 64, bits: 64), 0)
        let v = Vector128(low: 0x0706_0504_0302_0100, high: 0x0F0E_0D0C_0B0A_0908)
        XCTAssertEqual(L.shiftRightBytes(v, 3), Vector128(low: 0x0A09_0807_0605_0403, high: 0x0000_000F_0E0D_0C0B))
        XCTAssertEqual(L.shiftLeftBytes(v, 9), Vector128(low: 0, high: 0x0605_0403_0201_0000))
        XCTAssertEqual(L.shiftRightBytes(v, 16), .zero)
        XCTAssertEqual(L.shiftLeftBytes(v, 255), .zero)
    }

    func testShuffles() {
        let table = Vector128(low: 0x0706_0504_0302_0100, high: 0x0F0E_0D0C_0B0A_0908)
        // PSHUFB: bit 7 zeroes, the XMM form indexes with bits 3:0, the MMX form with 2:0.
        XCTAssertEqual(L.shuffleBytes(table.low, table.high, selectors: 0x0F80_1009_0008_7F00, indexMask: 15), 0x0F00_0009_0008_0F00)
        XCTAssertEqual(L.shuffleBytes(table.low, table.low, selectors: 0x0F80_1009_0008_7F00, indexMask: 7), 0x0700_0001_0000_0700)
        // PALIGNR: destination above source.
        XCTAssertEqual(L.alignRight(0x1111_1111_1111_1111, 0x2222_2222_2222_2222, count: 4), 0x1111_1111_2222_2222)
        XCTAssertEqual(L.alignRight(0x1111_1111_1111_1111, 0x2222_2222_2222_2222, count: 12), 0x1111_1111)
        XCTAssertEqual(L.alignRight(0x1111_1111_1111_1111, 0x2222_2222_2222_2222, count: 16), 0)
        XCTAssertEqual(L.alignRight(table, Vector128(low: 1, high: 2), count: 8), Vector128(low: 2, high: table.low))
        XCTAssertEqual(L.alignRight(table, Vector128(low: 1, high: 2), count: 24), Vector128(low: table.high, high: 0))
        XCTAssertEqual(L.alignRight(table, Vector128(low: 1, high: 2), count: 32), .zero)
        XCTAssertEqual(L.shuffleWords(0x4444_3333_2222_1111, 0x1B), 0x1111_2222_3333_4444)
        XCTAssertEqual(L.shuffleDwords(table, 0x00), Vector128(low: 0x0302_0100_0302_0100, high: 0x0302_0100_0302_0100))
        XCTAssertEqual(L.unpack(0x8877_6655_4433_2211, 0xFFEE_DDCC_BBAA_9988, bits: 8),
                       Vector128(low: 0xBB44_AA33_9922_8811, high: 0xFF88_EE77_DD66_CC55))
        XCTAssertEqual(L.unpack(0x8877_6655_4433_2211, 0xFFEE_DDCC_BBAA_9988, bits: 32),
                       Vector128(low: 0xBBAA_9988_4433_2211, high: 0xFFEE_DDCC_8877_6655))
        XCTAssertEqual(L.insertWord(0x4444_3333_2222_1111, 0xABCD_9999, 2), 0x4444_9999_2222_1111)
        XCTAssertEqual(L.byteSignMask(0x80FF_7F00_0180_0081), 0xC5)
    }
}
