/// What each x87 instruction does to the condition codes C0-C3 of the status
/// word, from the "FPU Flags Affected" sections of SDM Vol. 2A/2B: most
/// arithmetic, loads, stores and register operations leave C0, C2 and C3
/// undefined; FFREE, FNOP, FLDCW, FNCLEX, FNSTCW, FNSTSW, FNSTENV and FWAIT
/// leave all four undefined; FCMOVcc defines C1 only for a stack underflow;
/// FCOMI/FCOMIP/FUCOMI/FUCOMIP set C1 to 0 and do not affect C0, C2, C3;
/// FSIN, FCOS, FSINCOS and FPTAN define C1 and C2. Undefined bits are not
/// compared, and the generator keeps instructions that store the status word
/// (FNSTSW, FNSTENV, FNSAVE) out of a case while any bit is undefined.
///
/// FCOMI and its kin: this AMD host leaves C1 as it was where the SDM says
/// "Set to 0"; SwiftPC may do either, so C1 after them is compared as "the
/// host's value or 0".
struct X87FlagsAffected {
    /// Bits left undefined.
    var undefined: UInt16
    /// Bits not affected.
    var kept: UInt16 = 0
    /// C1 is set to 0 by the SDM, left alone by AMD.
    var c1ZeroOrKept = false

    static let c0: UInt16 = 0x0100, c1: UInt16 = 0x0200, c2: UInt16 = 0x0400, c3: UInt16 = 0x4000
    static let all: UInt16 = c0 | c1 | c2 | c3

    static let defined = X87FlagsAffected(undefined: 0)
    static let notAffected = X87FlagsAffected(undefined: 0, kept: all)
    static let c1Only = X87FlagsAffected(undefined: c0 | c2 | c3)
    static let allUndefined = X87FlagsAffected(undefined: all)

    /// The instructions that store the status word, whose stores would show undefined bits.
    static let storesStatusWord: Set<String> = ["fnstsw", "fnstsw ax", "fnstenv", "fnsave"]

    static func of(_ form: SIMDForm) -> X87FlagsAffected {
        guard form.simdClass == .x87 || form.name == "fisttp" else { return .notAffected }
        let name = form.name.split(separator: " ").first.map(String.init) ?? form.name
        switch name {
        case "fcom", "fcomp", "fcompp", "ficom", "ficomp", "fucom", "fucomp", "fucompp", "ftst", "fxam",
             "fprem", "fprem1", "fninit", "fnsave", "fldenv", "frstor":
            return .defined
        case "fcomi", "fcomip", "fucomi", "fucomip":
            return X87FlagsAffected(undefined: 0, kept: c0 | c2 | c3, c1ZeroOrKept: true)
        case "fsin", "fcos", "fsincos", "fptan":
            return X87FlagsAffected(undefined: c0 | c3)
        case "ffree", "fnop", "fldcw", "fnclex", "fnstcw", "fnstsw", "fnstenv", "fwait":
            return .allUndefined
        case _ where name.hasPrefix("fcmov"):
            return .allUndefined
        default:
            return .c1Only
        }
    }
}

/// The undefined condition codes as a case runs, instruction by instruction.
struct X87ConditionCodeTracker {
    var undefined: UInt16 = 0
    var c1ZeroOrKept = false

    mutating func apply(_ f: X87FlagsAffected) {
        undefined = undefined & f.kept | f.undefined
        if f.kept & X87FlagsAffected.c1 == 0 { c1ZeroOrKept = f.c1ZeroOrKept }
    }
}
