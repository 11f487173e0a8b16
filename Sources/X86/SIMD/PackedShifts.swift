/// Packed shifts (SDM Vol. 1 §9.4.7, §11.4.2; Vol. 2 PSLLW/PSLLD/PSLLQ,
/// PSRLW/PSRLD/PSRLQ, PSRAW/PSRAD, PSLLDQ, PSRLDQ). The count is the whole
/// 64-bit value of the immediate or of the source operand's low quadword: a
/// logical shift by the lane width or more gives zero, an arithmetic one
/// fills the lane with its sign. PSLLDQ/PSRLDQ shift the 128-bit register
/// by bytes, and give zero from 16 bytes on.
extension PackedLanes {
    @inline(__always) static func shift(_ x: UInt64, _ kind: PackedShift, count: UInt64, bits: Int) -> UInt64 {
        switch kind {
        case .left: return shiftLeft(x, count, bits: bits)
        case .rightLogical: return shiftRightLogical(x, count, bits: bits)
        case .rightArithmetic: return shiftRightArithmetic(x, count, bits: bits)
        }
    }

    /// PSLLW/D/Q.
    @inline(__always) static func shiftLeft(_ x: UInt64, _ count: UInt64, bits: Int) -> UInt64 {
        guard count < UInt64(bits) else { return 0 }
        let laneMask = UInt64.max &>> UInt64(64 &- bits)
        return (x &<< count) & broadcast((laneMask &<< count) & laneMask, bits)
    }

    /// PSRLW/D/Q.
    @inline(__always) static func shiftRightLogical(_ x: UInt64, _ count: UInt64, bits: Int) -> UInt64 {
        guard count < UInt64(bits) else { return 0 }
        let laneMask = UInt64.max &>> UInt64(64 &- bits)
        return (x &>> count) & broadcast(laneMask &>> count, bits)
    }

    /// PSRAW/D: the logical shift with each negative lane's vacated top bits
    /// set; a count past the lane width shifts by the width less one.
    @inline(__always) static func shiftRightArithmetic(_ x: UInt64, _ count: UInt64, bits: Int) -> UInt64 {
        let n = min(count, UInt64(bits &- 1))
        let laneMask = UInt64.max &>> UInt64(64 &- bits)
        let negative = (x &>> UInt64(bits &- 1)) & broadcast(1, bits)
        // Each lane of `negative` is 0 or 1, so the product stays in its lane.
        return shiftRightLogical(x, n, bits: bits) | negative &* (laneMask ^ (laneMask &>> n))
    }

    /// Quadword `k` of the 32-byte string q0 q1 q2 q3 (q0 lowest), zero past its end.
    @inline(__always) static func quadword(_ k: Int, _ q0: UInt64, _ q1: UInt64, _ q2: UInt64, _ q3: UInt64) -> UInt64 {
        switch k {
        case 0: return q0
        case 1: return q1
        case 2: return q2
        case 3: return q3
        default: return 0
        }
    }

    /// The eight bytes from byte `offset` (0 or more) of the 32-byte string
    /// q0 q1 q2 q3, with zeros past its end: the byte shifts and PALIGNR.
    static func bytes(at offset: Int, _ q0: UInt64, _ q1: UInt64, _ q2: UInt64, _ q3: UInt64) -> UInt64 {
        let k = offset &>> 3, shift = UInt64(offset & 7) &* 8
        let low = quadword(k, q0, q1, q2, q3)
        guard shift != 0 else { return low }
        return low &>> shift | quadword(k &+ 1, q0, q1, q2, q3) &<< (64 &- shift)
    }

    /// PSRLDQ by `count` bytes.
    static func shiftRightBytes(_ v: Vector128, _ count: UInt64) -> Vector128 {
        let n = Int(truncatingIfNeeded: min(count, 16))
        return Vector128(low: bytes(at: n, v.low, v.high, 0, 0), high: bytes(at: n &+ 8, v.low, v.high, 0, 0))
    }

    /// PSLLDQ by `count` bytes.
    static func shiftLeftBytes(_ v: Vector128, _ count: UInt64) -> Vector128 {
        let n = 16 &- Int(truncatingIfNeeded: min(count, 16))
        return Vector128(low: bytes(at: n, 0, 0, v.low, v.high), high: bytes(at: n &+ 8, 0, 0, v.low, v.high))
    }
}

/// The direction and kind of a packed shift.
enum PackedShift {
    case left, rightLogical, rightArithmetic
}
