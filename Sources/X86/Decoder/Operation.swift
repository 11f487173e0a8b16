/// What the interpreter does for an opcode, resolved once at decode time so
/// that execution dispatches through one dense `switch` (a jump table) instead
/// of comparing the opcode against ranges.
enum Operation: UInt8 {
    case undefined
    case alu, aluImmediate, test, testAccumulator, incrementRegister, decrementRegister
    case pushSegment, popSegment, pushFSGS, popFSGS, pushRegister, popRegister
    case pushAll, popAll, pushImmediate, popRM, pushFlags, popFlags
    case decimalAdjust, asciiAdjustMultiply, asciiAdjustDivide, setALFromCarry
    case bound, imulImmediate, imul, group3, group4, group5
    case string, jumpConditional, jumpRelative, jumpFarImmediate, callNear, callFarImmediate
    case returnNear, returnFar, loop, interrupt3, interrupt, interruptOnOverflow, interrupt1, interruptReturn
    case exchange, exchangeAccumulator, moveToRM, moveFromRM, moveFromSegment, moveToSegment
    case loadEffectiveAddress, moveOffset, moveImmediate8, moveImmediate, moveImmediateRM
    case loadFarPointer, convert, wait, storeAHIntoFlags, loadAHFromFlags, translate
    case nop, shift, doubleShift, enter, leave, escape, inputOutput
    case halt, complementCarry, clearOrSetCarry, clearInterrupt, setInterrupt
    case clearDirection, setDirection
    case group6, loadAccessRights, loadSegmentLimit, adjustRPL, cacheControl, systemEnter, systemExit
    case group7, clearTaskSwitched, moveFromControl, moveToControl, moveFromDebug, moveToDebug
    case writeMSR, readTimeStamp, readMSR, cpuid, conditionalMove, setOnCondition
    case bitTest, bitTestImmediate, bitScan, compareExchange, exchangeAdd, moveExtend, byteSwap
    case moveSignExtend32, systemCall, systemReturn, group9
    /// MMX, SSE, SSE2, SSE3 and SSSE3 by family (`executeSIMD`, SIMD/SIMDDispatch.swift):
    /// floating point, XMM data movement, the moves with an MMX and an XMM
    /// form, integer SIMD, and the rest (group 15, MOVNTI, EMMS).
    case simdFloat, simdMove, simdMixedMove, simdInteger, simdOther

    /// The operation of each opcode of the one-byte (0x000-0x0FF), two-byte
    /// (0x100-0x1FF) and three-byte (0x200-0x3FF) maps.
    static let table: [Operation] = (0..<1024).map { of(opcode: $0) }

    static func of(opcode: Int) -> Operation {
        switch opcode {
        case 0x00...0x3F where opcode & 7 < 6: return .alu
        case 0x06, 0x0E, 0x16, 0x1E: return .pushSegment
        case 0x07, 0x17, 0x1F: return .popSegment
        case 0x27, 0x2F, 0x37, 0x3F: return .decimalAdjust
        case 0x40...0x47: return .incrementRegister
        case 0x48...0x4F: return .decrementRegister
        case 0x50...0x57: return .pushRegister
        case 0x58...0x5F: return .popRegister
        case 0x60: return .pushAll
        case 0x61: return .popAll
        case 0x62: return .bound
        case 0x68, 0x6A: return .pushImmediate
        case 0x69, 0x6B: return .imulImmediate
        case 0x6C...0x6F, 0xA4...0xA7, 0xAA...0xAF: return .string
        case 0x70...0x7F, 0x180...0x18F: return .jumpConditional
        case 0x80...0x83: return .aluImmediate
        case 0x84, 0x85: return .test
        case 0x86, 0x87: return .exchange
        case 0x88, 0x89: return .moveToRM
        case 0x8A, 0x8B: return .moveFromRM
        case 0x8C: return .moveFromSegment
        case 0x8D: return .loadEffectiveAddress
        case 0x8E: return .moveToSegment
        case 0x8F: return .popRM
        case 0x90, 0x10D, 0x118...0x11F: return .nop
        case 0x108, 0x109: return .cacheControl
        case 0x91...0x97: return .exchangeAccumulator
        case 0x98, 0x99: return .convert
        case 0x9A: return .callFarImmediate
        case 0x9B: return .wait
        case 0x9C: return .pushFlags
        case 0x9D: return .popFlags
        case 0x9E: return .storeAHIntoFlags
        case 0x9F: return .loadAHFromFlags
        case 0xA0...0xA3: return .moveOffset
        case 0xA8, 0xA9: return .testAccumulator
        case 0xB0...0xB7: return .moveImmediate8
        case 0xB8...0xBF: return .moveImmediate
        case 0xC0, 0xC1, 0xD0...0xD3: return .shift
        case 0xC2, 0xC3: return .returnNear
        case 0xC4, 0xC5, 0x1B2, 0x1B4, 0x1B5: return .loadFarPointer
        case 0xC6, 0xC7: return .moveImmediateRM
        case 0xC8: return .enter
        case 0xC9: return .leave
        case 0xCA, 0xCB: return .returnFar
        case 0xCC: return .interrupt3
        case 0xCD: return .interrupt
        case 0xCE: return .interruptOnOverflow
        case 0xCF: return .interruptReturn
        case 0xD4: return .asciiAdjustMultiply
        case 0xD5: return .asciiAdjustDivide
        case 0xD6: return .setALFromCarry
        case 0xD7: return .translate
        case 0xD8...0xDF: return .escape
        case 0xE0...0xE3: return .loop
        case 0xE4...0xE7, 0xEC...0xEF: return .inputOutput
        case 0xE8: return .callNear
        case 0xE9, 0xEB: return .jumpRelative
        case 0xEA: return .jumpFarImmediate
        case 0xF1: return .interrupt1
        case 0xF4: return .halt
        case 0xF5: return .complementCarry
        case 0xF6, 0xF7: return .group3
        case 0xF8, 0xF9: return .clearOrSetCarry
        case 0xFA: return .clearInterrupt
        case 0xFB: return .setInterrupt
        case 0xFC: return .clearDirection
        case 0xFD: return .setDirection
        case 0xFE: return .group4
        case 0xFF: return .group5
        case 0x100: return .group6
        case 0x102: return .loadAccessRights
        case 0x103: return .loadSegmentLimit
        case 0x63: return .adjustRPL
        case 0x101: return .group7
        case 0x106: return .clearTaskSwitched
        case 0x120: return .moveFromControl
        case 0x122: return .moveToControl
        case 0x121: return .moveFromDebug
        case 0x123: return .moveToDebug
        case 0x130: return .writeMSR
        case 0x131: return .readTimeStamp
        case 0x132: return .readMSR
        case 0x134: return .systemEnter
        case 0x135: return .systemExit
        case 0x140...0x14F: return .conditionalMove
        case 0x190...0x19F: return .setOnCondition
        case 0x1A0, 0x1A8: return .pushFSGS
        case 0x1A1, 0x1A9: return .popFSGS
        case 0x1A2: return .cpuid
        case 0x1A3, 0x1AB, 0x1B3, 0x1BB: return .bitTest
        case 0x1BA: return .bitTestImmediate
        case 0x1A4, 0x1A5, 0x1AC, 0x1AD: return .doubleShift
        case 0x1AF: return .imul
        case 0x1B0, 0x1B1: return .compareExchange
        case 0x1B6, 0x1B7, 0x1BE, 0x1BF: return .moveExtend
        case 0x1BC, 0x1BD: return .bitScan
        case 0x1C0, 0x1C1: return .exchangeAdd
        case 0x1C8...0x1CF: return .byteSwap
        case 0x105: return .systemCall
        case 0x107: return .systemReturn
        case 0x1C7: return .group9
        case 0x12A, 0x12C...0x12F, 0x151...0x153, 0x158...0x15F, 0x17C, 0x17D, 0x1C2, 0x1D0, 0x1E6:
            return .simdFloat
        case 0x110...0x117, 0x128, 0x129, 0x12B, 0x150, 0x154...0x157, 0x1C6, 0x1D6, 0x1F0:
            return .simdMove
        case 0x16E, 0x16F, 0x17E, 0x17F, 0x1E7, 0x1F7:
            return .simdMixedMove
        case 0x177, 0x1AE, 0x1C3:
            return .simdOther
        case 0x160...0x17F, 0x1C4, 0x1C5, 0x1D0...0x1FF, 0x200...0x3FF:
            return .simdInteger
        default: return .undefined
        }
    }
}
