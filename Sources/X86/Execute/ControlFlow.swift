/// Jumps, calls, returns and loops (SDM Vol. 1 §6.3, §7.3.8): near and far
/// forms, conditional jumps, LOOP/LOOPE/LOOPNE/JCXZ. A target beyond the CS
/// limit raises #GP(0) at the branch, before any state changes; in 64-bit mode
/// a non-canonical target does (SDM Vol. 1 §6.3.7).
extension CPU {
    /// The target of a near branch truncated to the operand size, after the
    /// limit check (or, in 64-bit mode, the canonical check).
    @inline(__always) func nearTarget(_ target: UInt64, size: Int) throws(Fault) -> UInt64 {
        let t = target & CPU.mask(size)
        if mode64 {
            if !CPU.isCanonical(t) { throw Fault.gp() }
        } else if t > UInt64(segments[SegmentIndex.cs].limit) {
            throw Fault.gp()
        }
        return t
    }

    @inline(__always) func jumpNear(_ target: UInt64, size: Int) throws(Fault) {
        rip = try nearTarget(target, size: size)
    }

    @inline(__always) func jumpRelative(_ i: DecodedInstruction) throws(Fault) {
        try jumpNear(rip &+ i.immediate, size: i.operandSize)
    }

    func callNear(_ target: UInt64, size: Int) throws(Fault) {
        let t = try nearTarget(target, size: size)
        try push(rip, size: size)
        rip = t
    }

    /// RET and RET imm16 (C3, C2).
    func returnNear(_ i: DecodedInstruction) throws(Fault) {
        let size = i.operandSize
        let target = try peek(size: size)
        try jumpNear(target, size: size)
        let release = i.opcode == 0xC2 ? i.immediate & 0xFFFF : 0
        setStackPointer((stackPointer &+ UInt64(size) &+ release) & stackMask())
    }

    /// Far JMP: in real and virtual-8086 mode CS is a paragraph number; in
    /// protected mode see `protectedJumpFar`.
    func jumpFar(selector: UInt16, offset: UInt64, size: Int) throws(Fault) {
        let t = offset & CPU.mask(size)
        if selectorMode { try protectedJumpFar(selector: selector, offset: t); return }
        try loadCodeSegment(selector: selector, offset: t)
    }

    func callFar(selector: UInt16, offset: UInt64, size: Int) throws(Fault) {
        let t = offset & CPU.mask(size)
        if selectorMode { try protectedCallFar(selector: selector, offset: t, size: size); return }
        let sp = stackPointer
        // Both pushes are checked before CS changes, so a #SS leaves no trace;
        // each wraps around the stack segment on its own.
        for k in 1...2 {
            _ = try linear(segment: SegmentIndex.ss, offset: (sp &- UInt64(k * size)) & stackMask(), size: size)
        }
        let oldCS = UInt64(segments[SegmentIndex.cs].selector)
        try push(oldCS, size: size)
        try push(rip, size: size)
        do throws(Fault) {
            try loadCodeSegment(selector: selector, offset: t)
        } catch {
            setStackPointer(sp)
            throw error
        }
    }

    /// RETF and RETF imm16 (CB, CA).
    func returnFar(_ i: DecodedInstruction) throws(Fault) {
        let size = i.operandSize
        if selectorMode {
            try protectedReturnFar(size: size, release: i.opcode == 0xCA ? i.immediate & 0xFFFF : 0)
            return
        }
        let offset = try peek(size: size)
        let selector = UInt16(truncatingIfNeeded: try peek(size: size, depth: UInt64(size)))
        let t = offset & CPU.mask(size)
        try loadCodeSegment(selector: selector, offset: t)
        let release = i.opcode == 0xCA ? i.immediate & 0xFFFF : 0
        setStackPointer((stackPointer &+ UInt64(2 * size) &+ release) & stackMask())
    }

    /// CS:EIP for a real-mode or virtual-8086 far transfer (SDM Vol. 3 §20.1.2).
    func loadCodeSegment(selector: UInt16, offset: UInt64) throws(Fault) {
        var cs = segments[SegmentIndex.cs]
        if offset > UInt64(cs.limit) { throw Fault.gp() }
        cs.selector = selector
        cs.base = UInt64(selector) << 4
        segments[SegmentIndex.cs] = cs
        rip = offset
    }

    /// LOOP, LOOPE, LOOPNE, JCXZ (E0-E3): the address size picks CX, ECX or RCX.
    @_transparent func loop(_ i: DecodedInstruction) throws(Fault) {
        var count = get64(Reg.ecx) & i.addressMask
        let taken: Bool
        if i.opcode == 0xE3 {
            taken = count == 0
        } else {
            count = (count &- 1) & i.addressMask
            setReg(Reg.ecx, size: i.addressSize, count)
            switch i.opcode {
            case 0xE0: taken = count != 0 && !flags.zeroFlag
            case 0xE1: taken = count != 0 && flags.zeroFlag
            default: taken = count != 0
            }
        }
        if taken { try jumpRelative(i) }
    }

    /// Group 5 /2-/5: CALL and JMP through a register or memory, near and far.
    func indirectBranch(_ i: DecodedInstruction) throws(Fault) {
        let size = i.operandSize
        switch i.regField {
        case 2: try callNear(try readRM(i, size: size), size: size)
        case 4: try jumpNear(try readRM(i, size: size), size: size)
        default:
            guard !i.registerForm else { throw Fault.ud }
            let ea = effectiveAddress(i)
            let offset = try readMemory(segment: Int(i.segment), offset: ea, size: size)
            // The pointer is one operand: its selector does not wrap to offset 0.
            let selectorOffset = ea &+ UInt64(size)
            let selector = UInt16(truncatingIfNeeded: try readMemory(segment: Int(i.segment), offset: selectorOffset, size: 2))
            if i.regField == 3 {
                try callFar(selector: selector, offset: offset, size: size)
            } else {
                try jumpFar(selector: selector, offset: offset, size: size)
            }
        }
    }
}
