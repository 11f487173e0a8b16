/// Operand access shared by every instruction family: effective addresses,
/// segment limit checks (SDM Vol. 3 §5.3; in real mode an access past the limit
/// raises #GP, or #SS through SS), ModR/M register and memory operands, and the stack.
extension CPU {
    @inline(__always) static func mask(_ size: Int) -> UInt64 {
        size == 1 ? 0xFF : size == 2 ? 0xFFFF : size == 4 ? 0xFFFF_FFFF : UInt64.max
    }
    @inline(__always) static func signBit(_ size: Int) -> UInt64 {
        size == 1 ? 0x80 : size == 2 ? 0x8000 : size == 4 ? 0x8000_0000 : 1 << 63
    }

    /// Bits 63:47 all equal: a canonical address of 48-bit linear addressing (SDM Vol. 1 §3.3.7.1).
    @inline(__always) static func isCanonical(_ a: UInt64) -> Bool {
        UInt64(bitPattern: Int64(bitPattern: a << 16) >> 16) == a
    }

    /// The offset part of a memory operand (SDM Vol. 2 §2.1.5): base, scaled
    /// index and displacement, truncated to the address size. A RIP-relative
    /// base reads RIP, which already points at the next instruction.
    @inline(__always) func effectiveAddress(_ i: DecodedInstruction) -> UInt64 {
        var ea = UInt64(bitPattern: Int64(Int32(bitPattern: i.displacement)))
        if i.base != DecodedInstruction.noRegister {
            ea &+= registers.load(fromByteOffset: Int(i.base & 31) &* 8, as: UInt64.self)
        }
        if i.index != DecodedInstruction.noRegister { ea &+= get64(Int(i.index)) << UInt64(i.scale) }
        return ea & i.addressMask
    }

    /// Segment base + offset after checking that `size` bytes at `offset` lie
    /// within the limit and that the segment allows the access (SDM Vol. 3 §5.3,
    /// §5.4). In 64-bit mode there are no limits or type checks, only FS and GS
    /// have a base, and the address must be canonical: #SS(0) for the stack
    /// segment, else #GP(0) (§3.4.4.1, §5.3.1).
    @inline(__always) func linear(segment s: Int, offset: UInt64, size: Int, write: Bool = false) throws(Fault) -> UInt64 {
        let seg = segments[s]
        if mode64 {
            let a = (s >= SegmentIndex.fs ? seg.base : 0) &+ offset
            if !CPU.isCanonical(a) { throw s == SegmentIndex.ss ? Fault.ss() : Fault.gp() }
            if alignmentCheckBit != 0 && a & UInt64(size &- 1) != 0 { throw Fault(Fault.alignmentCheck, errorCode: 0) }
            return a
        }
        let a = seg.attributes | alignmentCheckBit
        // The common cases: a present, writable, expand-up data segment for a
        // write; for a read, a present expand-up data segment or readable code
        // (and no alignment checking).
        let plain = write ? a & 0x809E == 0x92 : a & 0x8094 == 0x90 && a & 0x0A != 0x08
        if plain {
            if offset &+ UInt64(size &- 1) > UInt64(seg.limit) {
                throw s == SegmentIndex.ss ? Fault.ss() : Fault.gp()
            }
        } else {
            try checkUnusualSegment(seg, s, offset: offset, size: size, write: write)
        }
        // Outside 64-bit mode linear addresses wrap at 4 GiB.
        return (seg.base &+ offset) & 0xFFFF_FFFF
    }

    @inline(__always) func linearForWrite(segment s: Int, offset: UInt64, size: Int) throws(Fault) -> UInt64 {
        try linear(segment: s, offset: offset, size: size, write: true)
    }

    /// An unusable (null or not-present) segment faults on any use; in protected
    /// mode a code segment cannot be written, a read-only data segment neither,
    /// and an execute-only code segment cannot be read (real and virtual-8086
    /// mode segments are read/write whatever their cached type); an expand-down
    /// data segment allows offsets above its limit, up to 64 KiB or 4 GiB by its
    /// B bit; a conforming code segment is checked against its limit as usual.
    /// With alignment checking on, a misaligned access then raises #AC(0).
    @inline(never) func checkUnusualSegment(_ seg: SegmentRegister, _ s: Int, offset: UInt64, size: Int, write: Bool) throws(Fault) {
        let fault = s == SegmentIndex.ss ? Fault.ss() : Fault.gp()
        let a = seg.attributes
        guard a & 0x80 != 0 else { throw fault }
        if selectorMode {
            let code = a & 0x08 != 0, readableOrWritable = a & 0x02 != 0
            if write ? code || !readableOrWritable : code && !readableOrWritable { throw Fault.gp() }
        }
        let last = offset &+ UInt64(size &- 1)
        if a & 0x1C == 0x14 {
            let top: UInt64 = seg.big ? 0xFFFF_FFFF : 0xFFFF
            if offset <= UInt64(seg.limit) || last > top { throw fault }
        } else if last > UInt64(seg.limit) {
            throw fault
        }
        if alignmentCheckBit != 0 && (seg.base &+ offset) & UInt64(size &- 1) != 0 {
            throw Fault(Fault.alignmentCheck, errorCode: 0)
        }
    }

    /// The linear address of the instruction's memory operand, for reading.
    @inline(__always) func operandAddress(_ i: DecodedInstruction, size: Int) throws(Fault) -> UInt64 {
        try linear(segment: Int(i.segment), offset: effectiveAddress(i), size: size)
    }

    /// The linear address of the instruction's memory operand, for writing (or read-modify-write).
    @inline(__always) func operandAddressForWrite(_ i: DecodedInstruction, size: Int) throws(Fault) -> UInt64 {
        try linear(segment: Int(i.segment), offset: effectiveAddress(i), size: size, write: true)
    }

    @inline(__always) func readMemory(segment s: Int, offset: UInt64, size: Int) throws(Fault) -> UInt64 {
        try readLinear(try linear(segment: s, offset: offset, size: size), size: size)
    }

    @inline(__always) func writeMemory(segment s: Int, offset: UInt64, size: Int, _ v: UInt64) throws(Fault) {
        try writeLinear(try linearForWrite(segment: s, offset: offset, size: size), size: size, v)
    }

    /// The r/m operand (register or memory) of `size` bytes.
    @_transparent func readRM(_ i: DecodedInstruction, size: Int) throws(Fault) -> UInt64 {
        if i.registerForm { return getReg(i.rm, size: size) }
        return try readLinear(try operandAddress(i, size: size), size: size)
    }

    @_transparent func writeRM(_ i: DecodedInstruction, size: Int, _ v: UInt64) throws(Fault) {
        if i.registerForm { setReg(i.rm, size: size, v); return }
        try writeLinear(try operandAddressForWrite(i, size: size), size: size, v)
    }

    /// Read-modify-write of the r/m operand: `body` maps the old value to the new one,
    /// or to nil when nothing is written back (CMP, TEST, BT).
    @inline(__always) func modifyRM(_ i: DecodedInstruction, size: Int, _ body: (UInt64) throws(Fault) -> UInt64?) throws(Fault) {
        if i.registerForm {
            if let r = try body(getReg(i.rm, size: size)) { setReg(i.rm, size: size, r) }
            return
        }
        let a = try operandAddressForWrite(i, size: size)
        try probeWrite(a, size: size)
        if let r = try body(try readLinear(a, size: size)) { try writeLinear(a, size: size, r) }
    }

    // MARK: Stack (SDM Vol. 1 §6.2; §6.14.2 for 64-bit mode)

    /// The stack-address size: 8 bytes in 64-bit mode, else SS.B picks 4 or 2.
    @inline(__always) var stack32: Bool { segments[SegmentIndex.ss].big }

    @inline(__always) func stackMask() -> UInt64 { mode64 ? UInt64.max : stack32 ? 0xFFFF_FFFF : 0xFFFF }

    @inline(__always) var stackPointer: UInt64 { get64(Reg.esp) & stackMask() }

    @inline(__always) func setStackPointer(_ v: UInt64) {
        if mode64 { set64(Reg.esp, v) } else if stack32 { set32(Reg.esp, UInt32(truncatingIfNeeded: v)) } else { set16(Reg.esp, UInt16(truncatingIfNeeded: v)) }
    }

    @inline(__always) func push(_ v: UInt64, size: Int) throws(Fault) {
        let sp = (stackPointer &- UInt64(size)) & stackMask()
        try writeLinear(try linearForWrite(segment: SegmentIndex.ss, offset: sp, size: size), size: size, v)
        setStackPointer(sp)
    }

    /// Reads the value `depth` bytes above the stack top without popping it.
    @inline(__always) func peek(size: Int, depth: UInt64 = 0) throws(Fault) -> UInt64 {
        let sp = (stackPointer &+ depth) & stackMask()
        return try readLinear(try linear(segment: SegmentIndex.ss, offset: sp, size: size), size: size)
    }

    @inline(__always) func pop(size: Int) throws(Fault) -> UInt64 {
        let v = try peek(size: size)
        setStackPointer((stackPointer &+ UInt64(size)) & stackMask())
        return v
    }
}
