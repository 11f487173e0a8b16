/// Shifts and rotates (SDM Vol. 2, "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR",
/// "SHLD", "SHRD"). Counts are masked to 5 bits (6 for 64-bit operands); a
/// masked count of 0 changes nothing, not even the flags.
///
/// Undefined flags, our rule (Intel's, as Bochs also models it): for counts
/// above 1, OF is the XOR of the result's top two bits for SHR, ROR and RCR,
/// result MSB XOR CF for SHL, ROL and RCL, and 0 for SAR; AF is cleared by
/// shifts with a nonzero count and unchanged by rotates.
extension CPU {
    /// Group 2 operation `op` (0 ROL .. 7 SAR) of `v` by `count` (already masked).
    func shiftRotate(_ op: Int, _ v: UInt64, count: UInt64, size: Int) -> UInt64 {
        let bits = UInt64(size * 8), m = CPU.mask(size), sign = CPU.signBit(size)
        guard count != 0 else { return v }
        var cf = false, of = false
        var r: UInt64
        switch op {
        case 0: // ROL
            let n = count % bits
            r = n == 0 ? v : ((v << n) | (v >> (bits - n))) & m
            cf = r & 1 != 0
            of = (r & sign != 0) != cf
            flags.setStatus(LazyFlags.cf | LazyFlags.of, (cf ? LazyFlags.cf : 0) | (of ? LazyFlags.of : 0))
            return r
        case 1: // ROR
            let n = count % bits
            r = n == 0 ? v : ((v >> n) | (v << (bits - n))) & m
            cf = r & sign != 0
            of = ((r ^ (r << 1)) & sign) != 0
            flags.setStatus(LazyFlags.cf | LazyFlags.of, (cf ? LazyFlags.cf : 0) | (of ? LazyFlags.of : 0))
            return r
        case 2, 3: // RCL, RCR: rotate through CF, a (bits+1)-bit rotation, a bit at a time
            let n = count % (bits + 1)
            var c: UInt64 = flags.carryFlag ? 1 : 0
            r = v
            for _ in 0..<n {
                if op == 2 {
                    let out = r >> (bits - 1) & 1
                    r = (r << 1 | c) & m
                    c = out
                } else {
                    let out = r & 1
                    r = r >> 1 | c << (bits - 1)
                    c = out
                }
            }
            cf = c != 0
            if op == 2 {
                of = (r & sign != 0) != cf
            } else {
                of = ((r ^ (r << 1)) & sign) != 0
            }
            flags.setStatus(LazyFlags.cf | LazyFlags.of, (cf ? LazyFlags.cf : 0) | (of ? LazyFlags.of : 0))
            return r
        case 4, 6: // SHL/SAL
            r = count >= bits ? 0 : (v << count) & m
            cf = count <= bits ? (v >> (bits - count)) & 1 != 0 : false
            of = (r & sign != 0) != cf
        case 5: // SHR
            r = count >= bits ? 0 : v >> count
            cf = count <= bits ? (v >> (count - 1)) & 1 != 0 : false
            of = ((r ^ (r << 1)) & sign) != 0
        default: // SAR
            let s = CPU.signExtend(v, size: size)
            r = UInt64(bitPattern: s >> Int64(min(count, 63))) & m
            cf = (s >> Int64(min(count - 1, 63))) & 1 != 0
            of = false
        }
        var f = LazyFlags.szp(r, signBit: sign)
        if cf { f |= LazyFlags.cf }
        if of { f |= LazyFlags.of }
        flags.setStatus(LazyFlags.status, f)
        return r
    }

    /// Group 2 (C0, C1, D0-D3).
    func shiftGroup(_ i: DecodedInstruction) throws(Fault) {
        let size = i.size
        let countMask: UInt64 = size == 8 ? 63 : 31
        let count: UInt64
        switch i.opcode {
        case 0xD0, 0xD1: count = 1
        case 0xD2, 0xD3: count = UInt64(get8(Reg.ecx)) & countMask
        default: count = i.immediate & countMask
        }
        let op = i.regField
        try modifyRM(i, size: size) { shiftRotate(op, $0, count: count, size: size) }
    }

    /// SHLD/SHRD (0F A4, A5, AC, AD).
    func doubleShift(_ i: DecodedInstruction) throws(Fault) {
        let size = i.operandSize
        let count = (i.opcode & 1 == 0 ? i.immediate : UInt64(get8(Reg.ecx))) & (size == 8 ? 63 : 31)
        let left = i.opcode < 0x1A8
        let src = getReg(i.reg, size: size)
        try modifyRM(i, size: size) { (d: UInt64) -> UInt64? in
            // A masked count of 0 changes no flags, but the destination is still
            // written: a 32-bit register is zero-extended, as by a plain shift.
            guard count != 0 else { return d }
            let bits = UInt64(size * 8), n = count
            let m = CPU.mask(size)
            let r: UInt64, cf: Bool
            if size == 8 {
                if left {
                    r = d << n | src >> (64 - n)
                    cf = (d >> (64 - n)) & 1 != 0
                } else {
                    r = d >> n | src << (64 - n)
                    cf = (d >> (n - 1)) & 1 != 0
                }
            } else if size == 2 {
                // Counts 17-31 on a 16-bit operand are undefined; like Intel
                // hardware we shift the 48-bit pattern dest:src:dest.
                let pattern = d << 32 | src << 16 | d
                if left {
                    r = ((pattern << n) >> 32) & 0xFFFF
                    cf = (pattern >> (48 - n)) & 1 != 0
                } else {
                    r = (pattern >> n) & 0xFFFF
                    cf = (pattern >> (n - 1)) & 1 != 0
                }
            } else if left {
                let wide = d << bits | src
                r = ((wide << n) >> bits) & m
                cf = (wide >> (2 * bits - n)) & 1 != 0
            } else {
                let wide = src << bits | d
                r = (wide >> n) & m
                cf = (wide >> (n - 1)) & 1 != 0
            }
            let sign = CPU.signBit(size)
            var f = LazyFlags.szp(r, signBit: sign)
            if cf { f |= LazyFlags.cf }
            if (r ^ d) & sign != 0 { f |= LazyFlags.of }
            flags.setStatus(LazyFlags.status, f)
            return r
        }
    }
}
