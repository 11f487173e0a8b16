/// MUL, IMUL (one-, two- and three-operand forms), DIV and IDIV
/// (SDM Vol. 2, "MUL", "IMUL", "DIV", "IDIV"). 64-bit operands take 128-bit
/// products and dividends, from the standard library's full-width arithmetic.
///
/// Undefined flags, our rule: after MUL and IMUL, SF, ZF and PF describe the low
/// half of the product (the destination register for the two- and three-operand
/// forms) and AF is cleared; DIV and IDIV leave all status flags unchanged.
extension CPU {
    /// Sets CF = OF = `overflow`, SF/ZF/PF from `low` and AF = 0.
    @inline(__always) func setMultiplyFlags(low: UInt64, size: Int, overflow: Bool) {
        var f = LazyFlags.szp(low & CPU.mask(size), signBit: CPU.signBit(size))
        if overflow { f |= LazyFlags.cf | LazyFlags.of }
        flags.setStatus(LazyFlags.status, f)
    }

    @inline(__always) static func signExtend(_ v: UInt64, size: Int) -> Int64 {
        switch size {
        case 1: return Int64(Int8(truncatingIfNeeded: v))
        case 2: return Int64(Int16(truncatingIfNeeded: v))
        case 4: return Int64(Int32(truncatingIfNeeded: v))
        default: return Int64(bitPattern: v)
        }
    }

    /// Group 3 /4-/7 (F6/F7): the accumulator forms.
    func multiplyDivide(_ i: DecodedInstruction, size: Int) throws(Fault) {
        let src = try readRM(i, size: size)
        if size == 8 { try multiplyDivide64(op: i.regField, src); return }
        switch i.regField {
        case 4: // MUL
            let p = getReg(Reg.eax, size: size) &* src
            storeProduct(p, size: size)
            setMultiplyFlags(low: p, size: size, overflow: p >> UInt64(size * 8) != 0)
        case 5: // IMUL
            let p = CPU.signExtend(getReg(Reg.eax, size: size), size: size) &* CPU.signExtend(src, size: size)
            storeProduct(UInt64(bitPattern: p), size: size)
            let low = UInt64(bitPattern: p)
            setMultiplyFlags(low: low, size: size, overflow: CPU.signExtend(low, size: size) != p)
        case 6: // DIV
            guard src != 0 else { throw Fault.de }
            let n = dividend(size: size), q = n / src, r = n % src
            guard q <= CPU.mask(size) else { throw Fault.de }
            storeQuotient(q, remainder: r, size: size)
        default: // IDIV
            guard src != 0 else { throw Fault.de }
            let bits = size * 8
            let n = Int64(bitPattern: dividend(size: size) << UInt64(64 - 2 * bits)) >> Int64(64 - 2 * bits)
            let d = CPU.signExtend(src, size: size)
            // -2^63 / -1 overflows the quotient and would trap in Swift.
            if n == Int64.min && d == -1 { throw Fault.de }
            let q = n / d, r = n % d
            let limit = Int64(1) << Int64(bits - 1)
            guard q >= -limit && q < limit else { throw Fault.de }
            storeQuotient(UInt64(bitPattern: q), remainder: UInt64(bitPattern: r), size: size)
        }
    }

    /// The 64-bit forms: RDX:RAX = RAX * r/m64, and RDX:RAX / r/m64.
    func multiplyDivide64(op: Int, _ src: UInt64) throws(Fault) {
        let rax = get64(Reg.eax), rdx = get64(Reg.edx)
        switch op {
        case 4:
            let (high, low) = rax.multipliedFullWidth(by: src)
            set64(Reg.eax, low); set64(Reg.edx, high)
            setMultiplyFlags(low: low, size: 8, overflow: high != 0)
        case 5:
            let (high, low) = Int64(bitPattern: rax).multipliedFullWidth(by: Int64(bitPattern: src))
            set64(Reg.eax, low); set64(Reg.edx, UInt64(bitPattern: high))
            setMultiplyFlags(low: low, size: 8, overflow: high != Int64(bitPattern: low) >> 63)
        case 6:
            // The quotient fits in 64 bits exactly when RDX is below the divisor.
            guard src != 0, rdx < src else { throw Fault.de }
            let (q, r) = src.dividingFullWidth((high: rdx, low: rax))
            set64(Reg.eax, q); set64(Reg.edx, r)
        default:
            guard src != 0 else { throw Fault.de }
            // Divide the magnitudes, then apply the signs: the quotient is
            // negative when the signs differ, the remainder takes the dividend's.
            let negativeDividend = rdx >> 63 != 0, negativeDivisor = src >> 63 != 0
            var high = rdx, low = rax
            if negativeDividend {
                low = 0 &- rax
                high = ~rdx &+ (rax == 0 ? 1 : 0)
            }
            let divisor = negativeDivisor ? 0 &- src : src
            guard high < divisor else { throw Fault.de }
            let (q, r) = divisor.dividingFullWidth((high: high, low: low))
            let negativeQuotient = negativeDividend != negativeDivisor
            guard q <= (negativeQuotient ? 1 << 63 : UInt64(Int64.max)) else { throw Fault.de }
            set64(Reg.eax, negativeQuotient ? 0 &- q : q)
            set64(Reg.edx, negativeDividend ? 0 &- r : r)
        }
    }

    /// AX, DX:AX or EDX:EAX as one unsigned number.
    @inline(__always) func dividend(size: Int) -> UInt64 {
        switch size {
        case 1: return UInt64(get16(Reg.eax))
        case 2: return UInt64(get16(Reg.edx)) << 16 | UInt64(get16(Reg.eax))
        default: return UInt64(get32(Reg.edx)) << 32 | UInt64(get32(Reg.eax))
        }
    }

    @inline(__always) func storeProduct(_ p: UInt64, size: Int) {
        switch size {
        case 1: set16(Reg.eax, UInt16(truncatingIfNeeded: p))
        case 2:
            set16(Reg.eax, UInt16(truncatingIfNeeded: p))
            set16(Reg.edx, UInt16(truncatingIfNeeded: p >> 16))
        default:
            set32(Reg.eax, UInt32(truncatingIfNeeded: p))
            set32(Reg.edx, UInt32(truncatingIfNeeded: p >> 32))
        }
    }

    @inline(__always) func storeQuotient(_ q: UInt64, remainder r: UInt64, size: Int) {
        switch size {
        case 1:
            set8(0, UInt8(truncatingIfNeeded: q))
            set8(4, UInt8(truncatingIfNeeded: r))
        case 2:
            set16(Reg.eax, UInt16(truncatingIfNeeded: q))
            set16(Reg.edx, UInt16(truncatingIfNeeded: r))
        default:
            set32(Reg.eax, UInt32(truncatingIfNeeded: q))
            set32(Reg.edx, UInt32(truncatingIfNeeded: r))
        }
    }

    /// IMUL Gv,Ev (0F AF) and IMUL Gv,Ev,imm (69, 6B): a truncated signed product.
    func imulTruncating(_ i: DecodedInstruction, multiplier: UInt64?) throws(Fault) {
        let size = i.operandSize
        let a = CPU.signExtend(try readRM(i, size: size), size: size)
        let b = CPU.signExtend(multiplier ?? getReg(i.reg, size: size), size: size)
        if size == 8 {
            let (high, low) = a.multipliedFullWidth(by: b)
            setReg(i.reg, size: 8, low)
            setMultiplyFlags(low: low, size: 8, overflow: high != Int64(bitPattern: low) >> 63)
            return
        }
        let p = a &* b
        let low = UInt64(bitPattern: p) & CPU.mask(size)
        setReg(i.reg, size: size, low)
        setMultiplyFlags(low: low, size: size, overflow: CPU.signExtend(low, size: size) != p)
    }
}
