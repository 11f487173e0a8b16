/// Operand access shared by every instruction family: effective addresses,
/// segment limit checks (SDM Vol. 3 §5.3; in real mode an access past the limit
/// raises #GP, or #SS through SS), ModR/M register and memory operands, and the stack.
extension CPU {
    @inline(__always) static func mask(_ size: Int) -> UInt32 {
        size == 1 ? 0xFF : size == 2 ? 0xFFFF : 0xFFFF_FFFF
    }
    @inline(__always) static func signBit(_ size: Int) -> UInt32 {
        size == 1 ? 0x80 : size == 2 ? 0x8000 : 0x8000_0000
    }

    /// The offset part of a memory operand (SDM Vol. 2 §2.1.5).
    @inline(__always) func effectiveAddress(_ i: DecodedInstruction) -> UInt32 {
        var ea = i.displacement
        if i.base != DecodedInstruction.noRegister { ea &+= get32(Int(i.base)) }
        if i.index != DecodedInstruction.noRegister { ea &+= get32(Int(i.index)) << UInt32(i.scale) }
        return i.address32 ? ea : ea & 0xFFFF
    }

    /// Segment base + offset after checking that `size` bytes at `offset` lie
    /// within the limit and that the segment allows the access (SDM Vol. 3 §5.3, §5.4).
    @inline(__always) func linear(segment s: Int, offset: UInt32, size: Int, write: Bool = false) throws(Fault) -> UInt32 {
        let seg = segments[s]
        let a = seg.attributes | alignmentCheckBit
        // The common cases: a present, writable, expand-up data segment for a
        // write; for a read, a present expand-up data segment or readable code
        // (and no alignment checking).
        let plain = write ? a & 0x809E == 0x92 : a & 0x8094 == 0x90 && a & 0x0A != 0x08
        if plain {
            if UInt64(offset) &+ UInt64(size &- 1) > UInt64(seg.limit) {
                throw s == SegmentIndex.ss ? Fault.ss() : Fault.gp()
            }
        } else {
            try checkUnusualSegment(seg, s, offset: offset, size: size, write: write)
        }
        return seg.base &+ offset
    }

    @inline(__always) func linearForWrite(segment s: Int, offset: UInt32, size: Int) throws(Fault) -> UInt32 {
        try linear(segment: s, offset: offset, size: size, write: true)
    }

    /// An unusable (null or not-present) segment faults on any use; in protected
    /// mode a code segment cannot be written, a read-only data segment neither,
    /// and an execute-only code segment cannot be read (real and virtual-8086
    /// mode segments are read/write whatever their cached type); an expand-down
    /// data segment allows offsets above its limit, up to 64 KiB or 4 GiB by its
    /// B bit; a conforming code segment is checked against its limit as usual.
    /// With alignment checking on, a misaligned access then raises #AC(0).
    @inline(never) func checkUnusualSegment(_ seg: SegmentRegister, _ s: Int, offset: UInt32, size: Int, write: Bool) throws(Fault) {
        let fault = s == SegmentIndex.ss ? Fault.ss() : Fault.gp()
        let a = seg.attributes
        guard a & 0x80 != 0 else { throw fault }
        if selectorMode {
            let code = a & 0x08 != 0, readableOrWritable = a & 0x02 != 0
            if write ? code || !readableOrWritable : code && !readableOrWritable { throw Fault.gp() }
        }
        let last = UInt64(offset) &+ UInt64(size &- 1)
        if a & 0x1C == 0x14 {
            let top: UInt64 = seg.big ? 0xFFFF_FFFF : 0xFFFF
            if UInt64(offset) <= UInt64(seg.limit) || last > top { throw fault }
        } else if last > UInt64(seg.limit) {
            throw fault
        }
        if alignmentCheckBit != 0 && (seg.base &+ offset) & UInt32(size &- 1) != 0 {
            throw Fault(Fault.alignmentCheck, errorCode: 0)
        }
    }

    /// The linear address of the instruction's memory operand, for reading.
    @inline(__always) func operandAddress(_ i: DecodedInstruction, size: Int) throws(Fault) -> UInt32 {
        try linear(segment: Int(i.segment), offset: effectiveAddress(i), size: size)
    }

    /// The linear address of the instruction's memory operand, for writing (or read-modify-write).
    @inline(__always) func operandAddressForWrite(_ i: DecodedInstruction, size: Int) throws(Fault) -> UInt32 {
        try linear(segment: Int(i.segment), offset: effectiveAddress(i), size: size, write: true)
    }

    @inline(__always) func readMemory(segment s: Int, offset: UInt32, size: Int) throws(Fault) -> UInt32 {
        try readLinear(try linear(segment: s, offset: offset, size: size), size: size)
    }

    @inline(__always) func writeMemory(segment s: Int, offset: UInt32, size: Int, _ v: UInt32) throws(Fault) {
        try writeLinear(try linearForWrite(segment: s, offset: offset, size: size), size: size, v)
    }

    /// The r/m operand (register or memory) of `size` bytes.
    @_transparent func readRM(_ i: DecodedInstruction, size: Int) throws(Fault) -> UInt32 {
        if i.registerForm { return getReg(i.rm, size: size) }
        return try readLinear(try operandAddress(i, size: size), size: size)
    }

    @inline(__always) func writeRM(_ i: DecodedInstruction, size: Int, _ v: UInt32) throws(Fault) {
        if i.registerForm { setReg(i.rm, size: size, v); return }
        try writeLinear(try operandAddressForWrite(i, size: size), size: size, v)
    }

    /// Read-modify-write of the r/m operand: `body` maps the old value to the new one,
    /// or to nil when nothing is written back (CMP, TEST, BT).
    @inline(__always) func modifyRM(_ i: DecodedInstruction, size: Int, _ body: (UInt32) throws(Fault) -> UInt32?) throws(Fault) {
        if i.registerForm {
            if let r = try body(getReg(i.rm, size: size)) { setReg(i.rm, size: size, r) }
            return
        }
        let a = try operandAddressForWrite(i, size: size)
        try probeWrite(a, size: size)
        if let r = try body(try readLinear(a, size: size)) { try writeLinear(a, size: size, r) }
    }

    // MARK: Stack (SDM Vol. 1 §6.2)

    @inline(__always) var stack32: Bool { segments[SegmentIndex.ss].big }

    @inline(__always) var stackPointer: UInt32 {
        stack32 ? get32(Reg.esp) : UInt32(get16(Reg.esp))
    }

    @inline(__always) func setStackPointer(_ v: UInt32) {
        if stack32 { set32(Reg.esp, v) } else { set16(Reg.esp, UInt16(truncatingIfNeeded: v)) }
    }

    @inline(__always) func stackMask() -> UInt32 { stack32 ? 0xFFFF_FFFF : 0xFFFF }

    @inline(__always) func push(_ v: UInt32, size: Int) throws(Fault) {
        let sp = (stackPointer &- UInt32(size)) & stackMask()
        try writeLinear(try linearForWrite(segment: SegmentIndex.ss, offset: sp, size: size), size: size, v)
        setStackPointer(sp)
    }

    /// Reads the value `depth` bytes above the stack top without popping it.
    @inline(__always) func peek(size: Int, depth: UInt32 = 0) throws(Fault) -> UInt32 {
        let sp = (stackPointer &+ depth) & stackMask()
        return try readLinear(try linear(segment: SegmentIndex.ss, offset: sp, size: size), size: size)
    }

    @inline(__always) func pop(size: Int) throws(Fault) -> UInt32 {
        let v = try peek(size: size)
        setStackPointer((stackPointer &+ UInt32(size)) & stackMask())
        return v
    }
}
