/// FSIN, FCOS, FSINCOS and FPTAN on the register stack (SDM Vol. 2), and
/// FBLD/FBSTP with their packed BCD memory operand. An operand out of the
/// trigonometric range (|x| ≥ 2^63) sets C2 and leaves the stack unchanged.
extension CPU {
    func x87Trigonometric(_ modrm: Int) {
        switch modrm {
        case 0xFE: x87TrigonometricUnary { $0.sine($1) }
        case 0xFF: x87TrigonometricUnary { $0.cosine($1) }
        case 0xFB: x87Pushing { a, x in a.sineCosine(x).map { ($0.sine, $0.cosine) } }
        default: x87Pushing { a, x in a.partialTangent(x).map { ($0.tangent, $0.pushed) } }
        }
    }

    /// ST(0) ← f(ST(0)), or C2 set and ST(0) kept when f gives nil.
    func x87TrigonometricUnary(_ f: (inout X87Arithmetic, Extended80) -> Extended80?) {
        guard let x = x87Operand(0) else {
            let masked = x87StackFault(overflow: false)
            x87.status &= ~X87State.c2
            if masked { x87.setST(0, .indefinite) }
            return
        }
        var a = x87Arithmetic
        let r = f(&a, x)
        guard x87Report(a.flags, conditionCodes: X87State.c1 | X87State.c2), let r else { return }
        x87.setST(0, r)
    }

    /// FBLD m80bcd: exact.
    func x87LoadPackedBCD(_ i: DecodedInstruction) throws(Fault) {
        let address = try wideOperandAddress(i, count: 10, alignment: 8, write: false)
        let bcd = X87PackedBCD(low: try readLinear64(address), high: try readLinear16(address &+ 8))
        if x87PushOverflows() { return }
        var a = x87Arithmetic
        let v = a.load(packedBCD: bcd)
        x87PushResult(v, flags: a.flags)
    }

    /// FBSTP m80bcd: rounded by RC; the packed BCD indefinite when out of range.
    func x87StorePackedBCD(_ i: DecodedInstruction) throws(Fault) {
        let address = try wideOperandAddress(i, count: 10, alignment: 8, write: true)
        var bcd = X87PackedBCD.indefinite
        var a = x87Arithmetic
        if x87.isEmpty(0) {
            guard x87StoreUnderflow() else { return }
        } else {
            bcd = a.convertToPackedBCD(x87.st(0))
            guard x87StoreAllowed(a.flags) else {
                x87Report(a.flags)
                return
            }
        }
        try writeLinear(address, size: 8, bcd.low)
        try writeLinear(address &+ 8, size: 2, UInt64(bcd.high))
        if !x87.isEmpty(0) { x87Report(a.flags) }
        x87.pop()
    }
}
