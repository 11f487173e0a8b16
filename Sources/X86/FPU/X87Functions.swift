/// D9 E0-FF: the instructions on ST(0) (and ST(1)) alone (SDM Vol. 2 Table
/// sign operations, tests, constants, stack-pointer moves, and the
/// arithmetic and transcendental functions.
extension CPU {
    func x87Function(_ modrm: Int) throws(Fault) {
        switch modrm {
        case 0xE0, 0xE1:
            // FCHS, FABS: only the sign changes, even for a NaN.
            guard let a = x87Operand(0) else {
                if x87StackFault(overflow: false) { x87.setST(0, .indefinite) }
                return
            }
            x87Report([])
            let sign: UInt16 = modrm == 0xE0 ? a.signExponent ^ 0x8000 : a.signExponent & 0x7FFF
            x87.setST(0, Extended80(signExponent: sign, significand: a.significand))
        case 0xE4:
            guard let a = x87Operand(0) else {
                _ = x87StackFault(overflow: false)
                x87.status |= X87State.c0 | X87State.c2 | X87State.c3
                return
            }
            var arithmetic = x87Arithmetic
            _ = arithmetic.test(a)
            x87Report(arithmetic.flags, conditionCodes: X87State.conditionCodes)
        case 0xE5:
            // FXAM: C1 is the sign bit of ST(0) whatever its class.
            var codes = X87Arithmetic.examine(x87Operand(0))
            if x87.st(0).sign { codes.insert(.c1) } else { codes.remove(.c1) }
            x87.status = (x87.status & ~X87State.conditionCodes) | codes.rawValue
        case 0xE8...0xEE:
            if x87PushOverflows() { return }
            x87Report([])
            x87.push(x87Constant(modrm & 7))
        case 0xF6, 0xF7:
            x87.top = x87.top &+ (modrm == 0xF7 ? 1 : -1)
            x87.status &= ~X87State.c1
        case 0xF0...0xF5, 0xF8...0xFF:
            try x87StackArithmetic(modrm)
        default:
            throw Fault.ud
        }
    }

    /// FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ. The processor holds
    /// the irrational constants with more bits than the significand and
    /// rounds them by RC (SDM Vol. 1 §8.3.8): `roundsUpNearest` tells whether
    /// the bits beyond the significand are above one half, and all of them
    /// are non-zero, so rounding up (toward +∞ for these positive values)
    /// always adds one.
    func x87Constant(_ k: Int) -> Extended80 {
        let (signExponent, significand, roundsUpNearest): (UInt16, UInt64, Bool)
        switch k {
        case 0: return Extended80(signExponent: 0x3FFF, significand: 1 << 63)
        case 1: (signExponent, significand, roundsUpNearest) = (0x4000, 0xD49A_784B_CD1B_8AFE, false)
        case 2: (signExponent, significand, roundsUpNearest) = (0x3FFF, 0xB8AA_3B29_5C17_F0BB, true)
        case 3: (signExponent, significand, roundsUpNearest) = (0x4000, 0xC90F_DAA2_2168_C234, true)
        case 4: (signExponent, significand, roundsUpNearest) = (0x3FFD, 0x9A20_9A84_FBCF_F798, true)
        case 5: (signExponent, significand, roundsUpNearest) = (0x3FFE, 0xB172_17F7_D1CF_79AB, true)
        default: return .zero(sign: false)
        }
        let rounding = x87.decodedControl.rounding
        let up = rounding == .up || (rounding == .nearestEven && roundsUpNearest)
        return Extended80(signExponent: signExponent, significand: up ? significand &+ 1 : significand)
    }
}
