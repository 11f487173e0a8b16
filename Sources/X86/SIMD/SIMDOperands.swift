/// A 128-bit XMM value (SDM Vol. 1 §10.2.2) as two quadwords.
public struct Vector128: Equatable, Sendable {
    public var low: UInt64
    public var high: UInt64

    public init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    public static let zero = Vector128(low: 0, high: 0)

    /// Doubleword lane k (0-3).
    @inline(__always) public func dword(_ k: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: (k & 2 == 0 ? low : high) >> UInt64((k & 1) &* 32))
    }

    @inline(__always) public mutating func setDword(_ k: Int, _ v: UInt32) {
        let shift = UInt64((k & 1) &* 32)
        if k & 2 == 0 {
            low = low & ~(0xFFFF_FFFF << shift) | UInt64(v) << shift
        } else {
            high = high & ~(0xFFFF_FFFF << shift) | UInt64(v) << shift
        }
    }

    @inline(__always) public func qword(_ k: Int) -> UInt64 { k & 1 == 0 ? low : high }
}

/// The mandatory prefix that selects among the forms of an SSE opcode (SDM
/// Vol. 2 §2.1.2, Table A-3): F3 and F2 take precedence over 66.
public enum SIMDPrefix {
    case none, operandSize, repeatZ, repeatNZ
}

/// Operand access of the MMX and SSE instructions: XMM registers by the REX-
/// extended ModR/M fields, MMX registers by the plain fields (REX does not
/// extend them), and memory operands of 4, 8 or 16 bytes, where the 16-byte
/// operands of most SSE instructions must be 16-byte aligned (#GP(0) otherwise,
/// SDM Vol. 1 §11.4.1).
extension CPU {
    @inline(__always) func simdPrefix(_ i: DecodedInstruction) -> SIMDPrefix {
        let p = i.prefixes
        if p & DecodedInstruction.repeatNZ != 0 { return .repeatNZ }
        if p & DecodedInstruction.repeatZ != 0 { return .repeatZ }
        if p & DecodedInstruction.operandSizePrefix != 0 { return .operandSize }
        return .none
    }

    @inline(__always) public func xmmRegister(_ n: Int) -> Vector128 {
        let k = (n & 15) &* 2
        return Vector128(low: xmm[k], high: xmm[k &+ 1])
    }

    @inline(__always) public func setXMM(_ n: Int, _ v: Vector128) {
        let k = (n & 15) &* 2
        xmm[k] = v.low
        xmm[k &+ 1] = v.high
    }

    /// The low quadword of XMMn; the high one is kept.
    @inline(__always) func setXMMLow(_ n: Int, _ v: UInt64) { xmm[(n & 15) &* 2] = v }

    /// The low doubleword of XMMn; the rest is kept.
    @inline(__always) func setXMMLow32(_ n: Int, _ v: UInt32) {
        let k = (n & 15) &* 2
        xmm[k] = xmm[k] & 0xFFFF_FFFF_0000_0000 | UInt64(v)
    }

    /// The linear address of a 16-byte memory operand, checked for alignment when `aligned`.
    func vectorAddress(_ i: DecodedInstruction, aligned: Bool, write: Bool) throws(Fault) -> UInt64 {
        let a: UInt64
        if alignmentCheckBit == 0 {
            a = try linear(segment: Int(i.segment), offset: effectiveAddress(i), size: 16, write: write)
            // A store is two 8-byte writes: only one that crosses a page can fault half-way.
            if write && a & 0xFFF > 0xFF0 { try probeWrite(a, size: 16) }
        } else {
            a = try wideOperandAddress(i, count: 16, alignment: 16, write: write)
        }
        if aligned && a & 15 != 0 { throw Fault.gp() }
        return a
    }

    /// The W operand: XMM r/m or 16 bytes of memory.
    func readXMMSource(_ i: DecodedInstruction, aligned: Bool = true) throws(Fault) -> Vector128 {
        if i.registerForm { return xmmRegister(i.rm) }
        let a = try vectorAddress(i, aligned: aligned, write: false)
        return Vector128(low: try readLinear64(a), high: try readLinear64(a &+ 8))
    }

    /// The low quadword of the W operand (8 bytes of memory).
    func readXMMSource64(_ i: DecodedInstruction) throws(Fault) -> UInt64 {
        if i.registerForm { return xmm[(i.rm & 15) &* 2] }
        return try readLinear64(try operandAddress(i, size: 8))
    }

    /// The low doubleword of the W operand (4 bytes of memory).
    func readXMMSource32(_ i: DecodedInstruction) throws(Fault) -> UInt32 {
        if i.registerForm { return UInt32(truncatingIfNeeded: xmm[(i.rm & 15) &* 2]) }
        return try readLinear32(try operandAddress(i, size: 4))
    }

    /// Stores 16 bytes to the memory operand.
    func writeVector(_ i: DecodedInstruction, _ v: Vector128, aligned: Bool) throws(Fault) {
        let a = try vectorAddress(i, aligned: aligned, write: true)
        try writeLinear(a, size: 8, v.low)
        try writeLinear(a &+ 8, size: 8, v.high)
    }

    /// MMn by a three-bit field.
    @inline(__always) func mmxRegister(_ n: Int) -> UInt64 { x87.mmx(n) }

    @inline(__always) func setMMXRegister(_ n: Int, _ v: UInt64) { x87.setMMX(n, v) }

    /// The Q operand: MMX r/m or 8 bytes of memory.
    func readMMXSource(_ i: DecodedInstruction) throws(Fault) -> UInt64 {
        if i.registerForm { return x87.mmx(i.rmField) }
        return try readLinear64(try operandAddress(i, size: 8))
    }
}
