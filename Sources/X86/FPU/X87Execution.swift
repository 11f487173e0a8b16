/// The x87 escape opcodes D8-DF (SDM Vol. 2 Appendix A.4, Tables A-7 to
/// the checks every one makes, the last-instruction pointers, and the
/// split into memory forms (`x87Memory`) and register forms (`x87Register`).
extension CPU {
    func executeX87(_ i: DecodedInstruction) throws(Fault) {
        try checkX87Available()
        let escape = Int(i.opcode & 7), modrm = Int(i.modrm)
        let memory = !i.registerForm
        // FNINIT, FNCLEX, FNSTENV, FNSTCW, FNSAVE and FNSTSW do not wait for a
        // pending exception (§8.3.11), and with FLDENV, FLDCW and FRSTOR they
        // are the control instructions, which keep the last-instruction
        // pointers and opcode (§8.1.8, §8.1.9).
        let nonWaiting: Bool, control: Bool
        if memory {
            switch (escape, i.regField) {
            case (1, 6), (1, 7), (5, 6), (5, 7): nonWaiting = true; control = true
            case (1, 4), (1, 5), (5, 4): nonWaiting = false; control = true
            default: nonWaiting = false; control = false
            }
        } else {
            switch (escape, modrm) {
            case (3, 0xE0...0xE4), (7, 0xE0): nonWaiting = true; control = true
            default: nonWaiting = false; control = false
            }
        }
        if !nonWaiting { try checkPendingNumericError() }
        if !control {
            x87.lastOpcode = UInt16(escape) << 8 | UInt16(modrm)
            x87.instructionPointer = instructionStart
            x87.instructionSelector = segments[SegmentIndex.cs].selector
            if memory {
                x87.dataPointer = effectiveAddress(i)
                x87.dataSelector = segments[Int(i.segment)].selector
            }
        }
        if memory {
            try x87Memory(i, escape: escape)
        } else {
            try x87Register(escape: escape, modrm: modrm)
        }
    }

    /// An arithmetic instruction's result, by the reg field shared by D8, DC,
    /// DE and the memory forms (0 add, 1 multiply, 4 and 6 ST(0) - and /
    /// other, 5 and 7 other - and / ST(0)).
    func x87Combine(_ a: inout X87Arithmetic, operation: Int, st0: Extended80, other: Extended80) -> Extended80 {
        switch operation & 7 {
        case 0: return a.add(st0, other)
        case 1: return a.multiply(st0, other)
        case 4: return a.subtract(st0, other)
        case 5: return a.subtract(other, st0)
        case 6: return a.divide(st0, other)
        default: return a.divide(other, st0)
        }
    }

    /// FADD/FMUL/FCOM/FCOMP/FSUB/FSUBR/FDIV/FDIVR with ST(0) and `other`
    /// (`memoryDenormal`: a binary32/64 memory operand that was denormal
    /// before widening), the result to ST(`destination`), then `pops` pops.
    func x87Arithmetic(operation: Int, other: Extended80?, memoryDenormal: Bool = false, destination: Int, pops: Int) {
        let compare = operation == 2 || operation == 3
        guard !x87.isEmpty(0), let other else {
            let masked = x87StackFault(overflow: false)
            // A comparison reports "unordered" even with IE unmasked.
            if compare { x87.status |= X87State.c0 | X87State.c2 | X87State.c3 }
            guard masked else { return }
            if !compare { x87.setST(destination, .indefinite) }
            for _ in 0..<pops { x87.pop() }
            return
        }
        var a = x87Arithmetic
        let st0 = x87.st(0)
        if compare {
            _ = a.compare(st0, other, ordered: true)
            if memoryDenormal { _ = a.memoryOperandDenormalStops(st0, other) }
            guard x87Report(a.flags, conditionCodes: X87State.conditionCodes) else { return }
        } else {
            let r = x87Combine(&a, operation: operation, st0: st0, other: other)
            if memoryDenormal && a.memoryOperandDenormalStops(st0, other) {
                x87Report(.denormal)
                return
            }
            guard x87Report(a.flags) else { return }
            x87.setST(destination, r)
        }
        for _ in 0..<pops { x87.pop() }
    }

    /// A push's overflow check: ST(7) must be empty. With IE masked the
    /// indefinite is pushed and the caller has nothing more to do.
    func x87PushOverflows() -> Bool {
        guard !x87.isEmpty(7) else { return false }
        if x87StackFault(overflow: true) { x87.push(.indefinite) }
        return true
    }

    /// Pushes a value produced with `flags`, unless an unmasked IE stops it
    /// (an unmasked DE on a load still loads, as processors do).
    func x87PushResult(_ value: Extended80, flags: X87StatusFlags) {
        x87Report(flags)
        if flags.contains(.invalid) && x87.control & 1 == 0 { return }
        x87.push(value)
    }
}
