/// The x87 instructions whose ModR/M byte names a stack register or extends
/// the opcode (mod = 11b, SDM Vol. 2 Tables, ... A-22). The
/// undocumented aliases that processors decode alike (FCOM2/FCOMP3 in DC,
/// FXCH4 in DD, FCOMP5 in DE, FXCH7/FSTP8/FSTP9/FFREEP in DF, FSTP1 in D9)
/// behave as their documented twins.
extension CPU {
    func x87Register(escape: Int, modrm: Int) throws(Fault) {
        let n = modrm & 7, reg = (modrm >> 3) & 7
        switch (escape, reg) {
        case (0, _):
            x87Arithmetic(operation: reg, other: x87Operand(n), destination: 0, pops: reg == 3 ? 1 : 0)
        case (4, 2), (4, 3):
            x87Arithmetic(operation: reg, other: x87Operand(n), destination: 0, pops: reg == 3 ? 1 : 0)
        case (4, _):
            x87Arithmetic(operation: reg, other: x87Operand(n), destination: n, pops: 0)
        case (6, 2):
            x87Arithmetic(operation: 3, other: x87Operand(n), destination: 0, pops: 1)
        case (6, 3):
            guard n == 1 else { throw Fault.ud }
            x87Arithmetic(operation: 3, other: x87Operand(1), destination: 0, pops: 2)
        case (6, _):
            x87Arithmetic(operation: reg, other: x87Operand(n), destination: n, pops: 1)
        case (1, 0): x87LoadRegister(n)
        case (1, 1), (5, 1), (7, 1): x87Exchange(n)
        case (1, 2):
            guard n == 0 else { throw Fault.ud }
        case (1, 3), (7, 2), (7, 3): x87StoreRegister(n, pop: true)
        case (1, _): try x87Function(modrm)
        case (2, 5) where n == 1: x87CompareUnordered(1, pops: 2)
        case (2, 0...3), (3, 0...3): x87ConditionalMove(escape: escape, condition: reg, n)
        case (3, 4):
            switch n {
            case 0, 1, 4: break // FENI, FDISI, FSETPM: no-ops since the 80387
            case 2:
                x87.status &= ~(0x3F | X87State.stackFault | X87State.errorSummary | X87State.busy)
                ignoreNumericError = false
            case 3:
                x87.initialize()
                ignoreNumericError = false
            default: throw Fault.ud
            }
        case (3, 5), (3, 6), (7, 5), (7, 6): x87CompareToFlags(n, ordered: reg == 6, pop: escape == 7)
        case (5, 0), (7, 0):
            x87.validTags &= ~(1 << UInt8(x87.physical(n)))
            if escape == 7 { x87.pop() }
        case (5, 2), (5, 3): x87StoreRegister(n, pop: reg == 3)
        case (5, 4), (5, 5): x87CompareUnordered(n, pops: reg == 5 ? 1 : 0)
        case (7, 4) where n == 0: set16(Reg.eax, x87.status)
        default: throw Fault.ud
        }
    }

    /// ST(n), or nil when it is empty.
    func x87Operand(_ n: Int) -> Extended80? { x87.isEmpty(n) ? nil : x87.st(n) }

    /// FLD ST(i).
    func x87LoadRegister(_ n: Int) {
        guard let value = x87Operand(n) else {
            if x87StackFault(overflow: false) { x87.push(.indefinite) }
            return
        }
        if x87PushOverflows() { return }
        x87Report([])
        x87.push(value)
    }

    /// FST/FSTP ST(i): a copy, with no exceptions but stack underflow.
    func x87StoreRegister(_ n: Int, pop: Bool) {
        if let value = x87Operand(0) {
            x87Report([])
            x87.setST(n, value)
        } else {
            guard x87StackFault(overflow: false) else { return }
            x87.setST(n, .indefinite)
        }
        if pop { x87.pop() }
    }

    /// FXCH: an empty register takes part as the indefinite (masked underflow).
    func x87Exchange(_ n: Int) {
        var a = x87Operand(0), b = x87Operand(n)
        if a == nil || b == nil {
            guard x87StackFault(overflow: false) else { return }
            a = a ?? .indefinite
            b = b ?? .indefinite
        } else {
            x87Report([])
        }
        x87.setST(0, b ?? .indefinite)
        x87.setST(n, a ?? .indefinite)
    }

    /// FUCOM/FUCOMP/FUCOMPP.
    func x87CompareUnordered(_ n: Int, pops: Int) {
        guard let a = x87Operand(0), let b = x87Operand(n) else {
            let masked = x87StackFault(overflow: false)
            x87.status |= X87State.c0 | X87State.c2 | X87State.c3
            guard masked else { return }
            for _ in 0..<pops { x87.pop() }
            return
        }
        var arithmetic = x87Arithmetic
        _ = arithmetic.compare(a, b, ordered: false)
        guard x87Report(arithmetic.flags, conditionCodes: X87State.conditionCodes) else { return }
        for _ in 0..<pops { x87.pop() }
    }

    /// FCOMI/FCOMIP/FUCOMI/FUCOMIP: the result in ZF, PF and CF (unordered
    /// sets all three), OF, SF and AF cleared (SDM Vol. 2 FCOMI).
    func x87CompareToFlags(_ n: Int, ordered: Bool, pop: Bool) {
        let unordered = LazyFlags.zf | LazyFlags.pf | LazyFlags.cf
        // EFLAGS get the result even when an unmasked exception keeps the pop
        // from happening (the unordered result for a stack fault).
        guard let a = x87Operand(0), let b = x87Operand(n) else {
            let masked = x87StackFault(overflow: false)
            flags.setStatus(LazyFlags.status, unordered)
            if masked && pop { x87.pop() }
            return
        }
        var arithmetic = x87Arithmetic
        let result = arithmetic.compare(a, b, ordered: ordered)
        let completes = x87Report(arithmetic.flags.subtracting(.conditionCodes), conditionCodes: X87State.c1)
        let bits: UInt32
        switch result {
        case .greater: bits = 0
        case .less: bits = LazyFlags.cf
        case .equal: bits = LazyFlags.zf
        case .unordered: bits = unordered
        }
        flags.setStatus(LazyFlags.status, bits)
        if completes && pop { x87.pop() }
    }

    /// FCMOVcc (DA: B, E, BE, U; DB: their negations).
    func x87ConditionalMove(escape: Int, condition: Int, _ n: Int) {
        // B, E, BE and U are Jcc conditions 2, 4, 6 and 10 (P).
        let code = condition & 3 == 3 ? 10 : 2 &+ 2 &* (condition & 3)
        let move = flags.condition(code | (escape == 3 ? 1 : 0))
        guard let a = x87Operand(0), let b = x87Operand(n) else {
            // The masked response writes the indefinite whatever the condition.
            if x87StackFault(overflow: false) { x87.setST(0, .indefinite) }
            return
        }
        x87Report([])
        x87.setST(0, move ? b : a)
    }
}
