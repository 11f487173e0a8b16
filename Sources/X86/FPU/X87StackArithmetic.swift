/// D9 F0-FF: the arithmetic and transcendental functions of ST(0), or of
/// ST(0) and ST(1) (SDM Vol. 2 F2XM1, FYL2X, FPTAN, FPATAN, FXTRACT, FPREM1,
/// FPREM, FYL2XP1, FSQRT, FSINCOS, FRNDINT, FSCALE, FSIN, FCOS), with their
/// stack-fault responses: the real indefinite wherever a result would go.
extension CPU {
    func x87StackArithmetic(_ modrm: Int) throws(Fault) {
        switch modrm {
        case 0xFA: x87Unary { $0.squareRoot($1) }
        case 0xFC: x87Unary { $0.roundToInteger($1) }
        case 0xF0: x87Unary { $0.twoToXMinusOne($1) }
        case 0xFD: x87Binary(conditionCodes: X87State.c1) { $0.scale($1, by: $2) }
        case 0xF8, 0xF5:
            let ieee = modrm == 0xF5
            // The core keeps C0 and C3 when it reduces nothing: it starts from the current ones.
            let current = X87StatusFlags(rawValue: x87.status & X87State.conditionCodes)
            x87Binary(conditionCodes: X87State.conditionCodes) { a, x, y in
                a.flags = current
                return a.partialRemainder(x, y, ieee: ieee)
            }
        case 0xF1: x87BinaryPop { $0.yLog2X(y: $2, x: $1) }
        case 0xF9: x87BinaryPop { $0.yLog2XPlusOne(y: $2, x: $1) }
        case 0xF3: x87BinaryPop { $0.partialArctangent(y: $2, x: $1) }
        case 0xF4:
            x87Pushing { a, x in
                let (exponent, significand) = a.extract(x)
                return (exponent, significand)
            }
        case 0xF2, 0xFB, 0xFE, 0xFF: x87Trigonometric(modrm)
        default: throw Fault.ud
        }
    }

    /// ST(0) ← f(ST(0)).
    func x87Unary(_ f: (inout X87Arithmetic, Extended80) -> Extended80) {
        guard let x = x87Operand(0) else {
            if x87StackFault(overflow: false) { x87.setST(0, .indefinite) }
            return
        }
        var a = x87Arithmetic
        let r = f(&a, x)
        if x87Report(a.flags) { x87.setST(0, r) }
    }

    /// ST(0) ← f(ST(0), ST(1)).
    /// FPREM and FPREM1 clear C2 on a stack fault.
    func x87Binary(conditionCodes: UInt16, _ f: (inout X87Arithmetic, Extended80, Extended80) -> Extended80) {
        guard let x = x87Operand(0), let y = x87Operand(1) else {
            let masked = x87StackFault(overflow: false)
            x87.status &= ~(conditionCodes & X87State.c2)
            if masked { x87.setST(0, .indefinite) }
            return
        }
        var a = x87Arithmetic
        let r = f(&a, x, y)
        if x87Report(a.flags, conditionCodes: conditionCodes) { x87.setST(0, r) }
    }

    /// ST(1) ← f(ST(0), ST(1)), then pop.
    func x87BinaryPop(_ f: (inout X87Arithmetic, Extended80, Extended80) -> Extended80) {
        guard let x = x87Operand(0), let y = x87Operand(1) else {
            guard x87StackFault(overflow: false) else { return }
            x87.setST(1, .indefinite)
            x87.pop()
            return
        }
        var a = x87Arithmetic
        let r = f(&a, x, y)
        guard x87Report(a.flags) else { return }
        x87.setST(1, r)
        x87.pop()
    }

    /// ST(0) ← first, then push second (FXTRACT, FPTAN, FSINCOS). Nil from
    /// `f` leaves the stack alone (an operand out of the instruction's range).
    func x87Pushing(_ f: (inout X87Arithmetic, Extended80) -> (Extended80, Extended80)?) {
        guard let x = x87Operand(0), x87.isEmpty(7) else {
            let overflow = !x87.isEmpty(0)
            let masked = x87StackFault(overflow: overflow)
            x87.status &= ~X87State.c2
            guard masked else { return }
            x87.setST(0, .indefinite)
            x87.push(.indefinite)
            return
        }
        var a = x87Arithmetic
        guard let (first, second) = f(&a, x) else {
            x87Report(a.flags, conditionCodes: X87State.c1 | X87State.c2)
            return
        }
        guard x87Report(a.flags, conditionCodes: X87State.c1 | X87State.c2) else { return }
        x87.setST(0, first)
        x87.push(second)
    }
}
