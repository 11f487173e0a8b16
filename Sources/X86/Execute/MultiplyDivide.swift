/// MUL, IMUL (one-, two- and three-operand forms), DIV and IDIV
/// (SDM Vol. 2, "MUL", "IMUL", "DIV", "IDIV").
///
/// Undefined flags, our rule: after MUL and IMUL, SF, ZF and PF describe the low
/// half of the product (the destination register for the two- and three-operand
/// forms) and AF is cleared; DIV and IDIV leave all status flags unchanged.
extension CPU {
    /// Sets CF = OF = `overflow`, SF/ZF/PF from `low` and AF = 0.
    @inline(__always) func setMultiplyFlags(low: UInt32, size: Int, overflow: Bool) {
        var f = LazyFlags.szp(low & CPU.mask(size), signBit: CPU.signBit(size))
        if overflow { f |= LazyFlags.cf | LazyFlags.of }
        flags.setStatus(LazyFlags.status, f)
    }

    @inline(__always) static func signExtend(_ v: UInt32, size: Int) -> Int64 {
        switch size {
        case 1: return Int64(Int8(truncatingIfNeeded: v))
        case 2: return Int64(Int16(truncatingIfNeeded: v))
        default: return Int64(Int32(bitPattern: v))
        }
    }

    /// Group 3 /4-/7 (F6/F7): the accumulator forms.
    func multiplyDivide(_ i: DecodedInstruction, size: Int) throws(Fault) {
        let src = try readRM(i, size: size)
        switch i.reg {
        case 4: // MUL
            let a = UInt64(getReg(Reg.eax, size: size)), p = a &* UInt64(src)
            storeProduct(p, size: size)
            setMultiplyFlags(low: UInt32(truncatingIfNeeded: p), size: size, overflow: p >> UInt64(size * 8) != 0)
        case 5: // IMUL
            let a = CPU.signExtend(getReg(Reg.eax, size: size), size: size)
            let p = a &* CPU.signExtend(src, size: size)
            storeProduct(UInt64(bitPattern: p), size: size)
            let low = UInt32(truncatingIfNeeded: p)
            setMultiplyFlags(low: low, size: size, overflow: CPU.signExtend(low, size: size) != p)
        case 6: // DIV
            guard src != 0 else { throw Fault.de }
            let n = dividend(size: size), q = n / UInt64(src), r = n % UInt64(src)
            guard q <= UInt64(CPU.mask(size)) else { throw Fault.de }
            storeQuotient(UInt32(truncatingIfNeeded: q), remainder: UInt32(truncatingIfNeeded: r), size: size)
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
            storeQuotient(UInt32(truncatingIfNeeded: q), remainder: UInt32(truncatingIfNeeded: r), size: size)
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

    @inline(__always) func storeQuotient(_ q: UInt32, remainder r: UInt32, size: Int) {
        switch size {
        case 1:
            set8(0, UInt8(truncatingIfNeeded: q))
            set8(4, UInt8(truncatingIfNeeded: r))
        case 2:
            set16(Reg.eax, UInt16(truncatingIfNeeded: q))
            set16(Reg.edx, UInt16(truncatingIfNeeded: r))
        default:
            set32(Reg.eax, q)
            set32(Reg.edx, r)
        }
    }

    /// IMUL Gv,Ev (0F AF) and IMUL Gv,Ev,imm (69, 6B): a truncated signed product.
    func imulTruncating(_ i: DecodedInstruction, multiplier: UInt32?) throws(Fault) {
        let size = i.operandSize
        let a = CPU.signExtend(try readRM(i, size: size), size: size)
        let b = CPU.signExtend(multiplier ?? getReg(i.reg, size: size), size: size)
        let p = a &* b
        let low = UInt32(truncatingIfNeeded: p) & CPU.mask(size)
        setReg(i.reg, size: size, low)
        setMultiplyFlags(low: low, size: size, overflow: CPU.signExtend(low, size: size) != p)
    }
}
