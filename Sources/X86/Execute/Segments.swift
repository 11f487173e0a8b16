/// The instructions that move selectors in and out of segment registers: MOV
/// Sreg, PUSH/POP Sreg and the far-pointer loads. The loads themselves, with
/// their protected-mode checks, are in Segmentation/SegmentLoading.swift.
extension CPU {
    /// MOV Sreg, r/m16 (8E). Loading CS this way is undefined: #UD.
    func moveToSegment(_ i: DecodedInstruction) throws(Fault) {
        guard i.regField < 6, i.regField != SegmentIndex.cs else { throw Fault.ud }
        try loadSegment(i.regField, selector: UInt16(truncatingIfNeeded: try readRM(i, size: 2)))
    }

    /// MOV r/m16, Sreg (8C): a register destination with a 32-bit operand size
    /// receives the selector zero-extended.
    func moveFromSegment(_ i: DecodedInstruction) throws(Fault) {
        guard i.regField < 6 else { throw Fault.ud }
        let v = UInt64(segments[i.regField].selector)
        if i.registerForm { setReg(i.rm, size: i.operandSize, v) } else { try writeRM(i, size: 2, v) }
    }

    /// LES, LDS, LSS, LFS, LGS: a far pointer from memory.
    func loadFarPointer(_ i: DecodedInstruction, segment s: Int) throws(Fault) {
        guard !i.registerForm else { throw Fault.ud }
        let size = i.operandSize
        let ea = effectiveAddress(i)
        let offset = try readMemory(segment: Int(i.segment), offset: ea, size: size)
        // The pointer is one operand: its selector does not wrap to offset 0.
        let selectorOffset = ea &+ UInt64(size)
        let selector = try readMemory(segment: Int(i.segment), offset: selectorOffset, size: 2)
        try loadSegment(s, selector: UInt16(truncatingIfNeeded: selector))
        setReg(i.reg, size: size, offset)
    }

    /// PUSH Sreg: a 32-bit push writes the selector zero-extended.
    func pushSegment(_ s: Int, size: Int) throws(Fault) {
        try push(UInt64(segments[s].selector), size: size)
    }

    func popSegment(_ s: Int, size: Int) throws(Fault) {
        let v = try peek(size: size)
        try loadSegment(s, selector: UInt16(truncatingIfNeeded: v))
        setStackPointer((stackPointer &+ UInt64(size)) & stackMask())
    }
}
