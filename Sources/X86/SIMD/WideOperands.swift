/// Memory operands wider than eight bytes: the x87's 80-bit values and its
/// 14/28-byte environment and 94/108-byte state images, SSE's 128-bit
/// operands and FXSAVE's 512-byte image (SDM Vol. 1 §8.1.10, §10.5). The
/// whole operand is checked against the segment and, for a store, every page
/// it touches is probed before the first byte changes, so a fault leaves
/// memory as it was.
extension CPU {
    /// The linear address of `count` bytes at `offset` in segment `s`. With
    /// alignment checking on, #AC(0) applies at the operand's natural
    /// `alignment` (SDM Vol. 3 §6.15, Table 6-7), not at its size.
    func wideLinear(segment s: Int, offset: UInt64, count: Int, alignment: Int, write: Bool) throws(Fault) -> UInt64 {
        let checking = alignmentCheckBit
        alignmentCheckBit = 0
        defer { alignmentCheckBit = checking }
        let a = try linear(segment: s, offset: offset, size: count, write: write)
        if checking != 0 && a & UInt64(alignment &- 1) != 0 { throw Fault(Fault.alignmentCheck, errorCode: 0) }
        if write { try probeWrite(a, size: count) }
        return a
    }

    /// The linear address of the instruction's memory operand of `count` bytes.
    func wideOperandAddress(_ i: DecodedInstruction, count: Int, alignment: Int, write: Bool) throws(Fault) -> UInt64 {
        try wideLinear(segment: Int(i.segment), offset: effectiveAddress(i), count: count, alignment: alignment, write: write)
    }

    /// `count` bytes from a linear address already checked by `wideLinear`.
    func readBytes(linear a: UInt64, count: Int) throws(Fault) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var k = 0
        while k &+ 8 <= count {
            let v = try readLinear64(a &+ UInt64(k))
            for j in 0..<8 { bytes[k &+ j] = UInt8(truncatingIfNeeded: v >> UInt64(8 &* j)) }
            k &+= 8
        }
        while k < count {
            bytes[k] = try readLinear8(a &+ UInt64(k))
            k &+= 1
        }
        return bytes
    }

    func writeBytes(linear a: UInt64, _ bytes: [UInt8]) throws(Fault) {
        var k = 0
        while k &+ 8 <= bytes.count {
            var v: UInt64 = 0
            for j in 0..<8 { v |= UInt64(bytes[k &+ j]) << UInt64(8 &* j) }
            try writeLinear(a &+ UInt64(k), size: 8, v)
            k &+= 8
        }
        while k < bytes.count {
            try writeLinear(a &+ UInt64(k), size: 1, UInt64(bytes[k]))
            k &+= 1
        }
    }

    /// An 80-bit value: the significand, then sign and exponent.
    func readExtended80(linear a: UInt64) throws(Fault) -> Extended80 {
        let significand = try readLinear64(a)
        let signExponent = try readLinear16(a &+ 8)
        return Extended80(signExponent: signExponent, significand: significand)
    }

    func writeExtended80(linear a: UInt64, _ v: Extended80) throws(Fault) {
        try writeLinear(a, size: 8, v.significand)
        try writeLinear(a &+ 8, size: 2, UInt64(v.signExponent))
    }
}

/// Little-endian field access in a byte image (environments, FXSAVE).
extension Array where Element == UInt8 {
    func field(_ offset: Int, _ size: Int) -> UInt64 {
        var v: UInt64 = 0
        for k in 0..<size where offset &+ k < count { v |= UInt64(self[offset &+ k]) << UInt64(8 &* k) }
        return v
    }

    mutating func setField(_ offset: Int, _ size: Int, _ v: UInt64) {
        for k in 0..<size where offset &+ k < count { self[offset &+ k] = UInt8(truncatingIfNeeded: v >> UInt64(8 &* k)) }
    }
}
