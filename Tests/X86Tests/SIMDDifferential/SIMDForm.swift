/// The instruction families the SIMD differential test can switch on and off
/// (SWIFTPC_SIMD_CLASSES), named after the CPUID feature that adds them
/// (SDM Vol. 2A, CPUID, Table 3-10 and 3-11).
enum SIMDClass: String, CaseIterable, Comparable {
    case x87, mmx, sse, sse2, sse3, ssse3
    static func < (a: SIMDClass, b: SIMDClass) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// How to fill a register or memory operand the instruction reads: packed or
/// scalar floats, integer lanes, or anything.
enum SIMDLane: Equatable {
    case ps, pd, ss, sd, i8, i16, i32, i64, raw
    /// A shift count in the low 64 bits: mostly small.
    case count
}

/// What a memory operand holds, for the values the generator puts there.
enum SIMDValue: Equatable {
    case f32, f64, f80, i16, i32, i64, bcd
    case lanes(SIMDLane)
    /// FLDCW: a control word.
    case controlWord
    /// LDMXCSR: an MXCSR value, rarely with reserved bits (#GP).
    case mxcsr
    /// FLDENV/FRSTOR in the 16- or 32-bit format (SDM Vol. 1 §8.1.10, Figures 8-9 to 8-12).
    case environment(bits: Int), saveArea(bits: Int)
    /// Stores: the old contents only show which bytes were written.
    case raw
}

/// A memory operand: its size, whether it must be 16-byte aligned (SDM Vol. 1
/// §10.4.1.1 and §11.4.1.1: the legacy-SSE 128-bit forms but MOVUPS, MOVUPD,
/// MOVDQU and LDDQU), and what it holds.
struct SIMDMemory: Equatable {
    var size: Int
    var aligned = false
    var value: SIMDValue
}

/// The ModRM reg field of a form.
enum SIMDRegOperand: Equatable {
    case xmm(SIMDLane), mm(SIMDLane)
    /// A general register (32 bits, or 64 with REX.W).
    case gpr
    /// An opcode extension (/digit).
    case digit(UInt8)
}

/// The ModRM r/m field of a form.
enum SIMDRMOperand: Equatable {
    /// No ModRM byte: the opcode bytes are the whole instruction.
    case none
    case xmm(SIMDLane), mm(SIMDLane), gpr
    /// ST(i) of an x87 register form (mod = 11).
    case st
    case mem(SIMDMemory)
    case xmmOrMem(SIMDLane, SIMDMemory), mmOrMem(SIMDLane, SIMDMemory), gprOrMem(SIMDMemory)

    var memory: SIMDMemory? {
        switch self {
        case .mem(let m), .xmmOrMem(_, let m), .mmOrMem(_, let m), .gprOrMem(let m): return m
        default: return nil
        }
    }
    var registerAllowed: Bool {
        switch self {
        case .mem, .none: return false
        default: return true
        }
    }
}

enum SIMDImmediate: Equatable {
    case none
    /// Any byte.
    case byte
    /// A byte below the bound, except now and then.
    case below(UInt8)
    /// A comparison predicate, 0-7: the legacy encodings of CMPPS and its
    /// kin reserve bits 7:3 (SDM Vol. 2A, CMPPS, "Description").
    case predicate
    /// A shift count: mostly in range for the element size, sometimes beyond.
    case shift(bits: Int)
}

/// Where the two sides may differ, and by how much.
enum SIMDTolerance: Equatable {
    case exact
    /// FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X FYL2XP1: within one unit in
    /// the last place of the 64-bit significand (SDM Vol. 1 §8.3.10).
    case transcendental
    /// RCPPS RCPSS RSQRTPS RSQRTSS: relative error at most 1.5 * 2^-12 (SDM
    /// Vol. 2B, RCPPS: "|Relative Error| ≤ 1.5 * 2^-12"), compared per lane.
    case reciprocal(scalar: Bool, squareRoot: Bool)
}

/// What ST(0) (and ST(1)) should hold for an x87 form to be defined and worth running.
enum X87Input: Equatable {
    case any
    /// Values near the limits of the integer formats: FIST, FISTP, FISTTP, FBSTP.
    case integer
    /// F2XM1: -1 <= ST(0) <= +1; anything else is undefined (SDM Vol. 2A, F2XM1).
    case f2xm1
    /// FYL2XP1: |ST(0)| < 1 - sqrt(2)/2; anything else is undefined (SDM Vol. 2A, FYL2XP1).
    case fyl2xp1
    /// FSIN FCOS FSINCOS FPTAN: mostly |x| <= pi/4, where no argument reduction
    /// happens (SDM Vol. 1 §8.3.10 bounds the error only for the reduced
    /// argument; reduction uses the FPU's 66-bit approximation of pi).
    case trig
}

/// One instruction form: its encoding, operand kinds and how its result is compared.
struct SIMDForm {
    var name: String
    var simdClass: SIMDClass
    /// The mandatory prefix (66, F2 or F3), or 66 selecting the 16-bit x87 environment format.
    var prefix: UInt8?
    /// The opcode bytes (0F, 0F 38, 0F 3A, D8..DF, and for `rm == .none` the whole instruction).
    var opcode: [UInt8]
    var reg: SIMDRegOperand
    var rm: SIMDRMOperand
    var immediate: SIMDImmediate = .none
    /// REX.W: nil when it does not matter (set at random), else required as given.
    var rexW: Bool?
    var tolerance: SIMDTolerance = .exact
    var x87Input: X87Input = .any

    /// Runs alone in its case: its inputs must come from the generated state.
    var alone: Bool { tolerance != .exact || x87Input == .f2xm1 || x87Input == .fyl2xp1 || x87Input == .trig }
}

extension SIMDForm {
    /// A form with the reg field an XMM register and r/m an XMM register or memory.
    static func xmm(_ name: String, _ c: SIMDClass, _ prefix: UInt8?, _ opcode: [UInt8], _ lane: SIMDLane,
                    _ memory: SIMDMemory, immediate: SIMDImmediate = .none, tolerance: SIMDTolerance = .exact) -> SIMDForm {
        SIMDForm(name: name, simdClass: c, prefix: prefix, opcode: opcode, reg: .xmm(lane), rm: .xmmOrMem(lane, memory),
                 immediate: immediate, rexW: nil, tolerance: tolerance)
    }
    /// A form with the reg field an MMX register and r/m an MMX register or m64.
    static func mmx(_ name: String, _ c: SIMDClass, _ opcode: [UInt8], _ lane: SIMDLane, immediate: SIMDImmediate = .none) -> SIMDForm {
        SIMDForm(name: name, simdClass: c, prefix: nil, opcode: opcode, reg: .mm(lane),
                 rm: .mmOrMem(lane, SIMDMemory(size: 8, value: .lanes(lane))), immediate: immediate, rexW: nil)
    }
    /// An x87 memory form (mod != 11) with its /digit.
    static func x87Memory(_ name: String, _ opcode: UInt8, _ digit: UInt8, _ size: Int, _ value: SIMDValue,
                          input: X87Input = .any, c: SIMDClass = .x87, prefix: UInt8? = nil) -> SIMDForm {
        SIMDForm(name: name, simdClass: c, prefix: prefix, opcode: [opcode], reg: .digit(digit),
                 rm: .mem(SIMDMemory(size: size, value: value)), rexW: value == .environment(bits: 32) || value == .saveArea(bits: 32)
                    || value == .environment(bits: 16) || value == .saveArea(bits: 16) ? false : nil,
                 x87Input: input)
    }
    /// An x87 register form: opcode, /digit, ST(i) in r/m.
    static func x87Register(_ name: String, _ opcode: UInt8, _ digit: UInt8) -> SIMDForm {
        SIMDForm(name: name, simdClass: .x87, prefix: nil, opcode: [opcode], reg: .digit(digit), rm: .st, rexW: nil)
    }
    /// An x87 instruction without operands (two opcode bytes).
    static func x87Fixed(_ name: String, _ opcode: UInt8, _ modrm: UInt8, tolerance: SIMDTolerance = .exact, input: X87Input = .any) -> SIMDForm {
        SIMDForm(name: name, simdClass: .x87, prefix: nil, opcode: [opcode, modrm], reg: .digit(0), rm: .none, rexW: nil,
                 tolerance: tolerance, x87Input: input)
    }
}
