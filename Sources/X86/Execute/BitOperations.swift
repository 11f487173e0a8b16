/// Bit tests and scans, byte swap, conditional moves and sets, exchanges and
/// zero/sign-extending moves (SDM Vol. 2: BT/BTS/BTR/BTC, BSF/BSR, BSWAP,
/// CMOVcc, SETcc, XCHG, XADD, CMPXCHG, MOVZX/MOVSX).
///
/// Undefined flags, our rule: BT* change only CF; BSF/BSR change only ZF.
extension CPU {
    /// BT/BTS/BTR/BTC; `op` is 4..7 (BT, BTS, BTR, BTC) as in group 8.
    func bitTest(_ i: DecodedInstruction, op: Int, offsetFromRegister: Bool) throws(Fault) {
        let size = i.operandSize
        let bits = UInt32(size * 8)
        var offset = offsetFromRegister ? getReg(i.reg, size: size) : i.immediate & 0xFF
        var address: UInt32 = 0
        if i.registerForm || !offsetFromRegister {
            offset &= bits - 1
            if !i.registerForm {
                address = op == 4 ? try operandAddress(i, size: size) : try operandAddressForWrite(i, size: size)
            }
        } else {
            // A register bit offset reaches memory beyond the operand (signed).
            let signed = CPU.signExtend(offset, size: size)
            let step = (signed >> Int64(size == 2 ? 4 : 5)) &* Int64(size)
            var ea = effectiveAddress(i) &+ UInt32(truncatingIfNeeded: step)
            if !i.address32 { ea &= 0xFFFF }
            address = try linear(segment: Int(i.segment), offset: ea, size: size, write: op != 4)
            offset &= bits - 1
        }
        if !i.registerForm && op != 4 { try probeWrite(address, size: size) }
        let v = i.registerForm ? getReg(i.rm, size: size) : try readLinear(address, size: size)
        let bit: UInt32 = 1 << offset
        flags.setStatus(LazyFlags.cf, v & bit != 0 ? LazyFlags.cf : 0)
        let r: UInt32
        switch op {
        case 5: r = v | bit
        case 6: r = v & ~bit
        case 7: r = v ^ bit
        default: return
        }
        if i.registerForm { setReg(i.rm, size: size, r) } else { try writeLinear(address, size: size, r) }
    }

    /// BSF (0F BC) and BSR (0F BD). A zero source sets ZF and leaves the
    /// destination unchanged (what Intel and AMD processors do).
    func bitScan(_ i: DecodedInstruction, reverse: Bool) throws(Fault) {
        let size = i.operandSize
        let v = try readRM(i, size: size)
        guard v != 0 else { flags.setStatus(LazyFlags.zf, LazyFlags.zf); return }
        let index = reverse ? UInt32(31 - v.leadingZeroBitCount) : UInt32(v.trailingZeroBitCount)
        setReg(i.reg, size: size, index)
        flags.setStatus(LazyFlags.zf, 0)
    }

    func bswap(_ i: DecodedInstruction) {
        let r = Int(i.opcode & 7)
        // BSWAP of a 16-bit register is undefined; Intel and AMD clear it.
        if i.operandSize == 2 { set16(r, 0) } else { set32(r, get32(r).byteSwapped) }
    }

    /// CMOVcc (0F 40-4F): the source is read (and may fault) even when the condition is false.
    func conditionalMove(_ i: DecodedInstruction) throws(Fault) {
        let size = i.operandSize
        let v = try readRM(i, size: size)
        if flags.condition(Int(i.opcode & 0xF)) { setReg(i.reg, size: size, v) }
    }

    func setByteOnCondition(_ i: DecodedInstruction) throws(Fault) {
        try writeRM(i, size: 1, flags.condition(Int(i.opcode & 0xF)) ? 1 : 0)
    }

    /// XCHG r/m, reg (86, 87).
    func exchange(_ i: DecodedInstruction, size: Int) throws(Fault) {
        let r = getReg(i.reg, size: size)
        var old: UInt32 = 0
        try modifyRM(i, size: size) { old = $0; return r }
        setReg(i.reg, size: size, old)
    }

    /// XADD (0F C0, C1): the register gets the old destination first and the
    /// destination the sum last, so `xadd r, r` leaves the sum (SDM pseudocode).
    func exchangeAdd(_ i: DecodedInstruction, size: Int) throws(Fault) {
        let s = getReg(i.reg, size: size)
        if i.registerForm {
            let d = getReg(i.rm, size: size)
            let sum = alu(0, d, s, size: size) ?? 0
            setReg(i.reg, size: size, d)
            setReg(i.rm, size: size, sum)
            return
        }
        let a = try operandAddressForWrite(i, size: size)
        try probeWrite(a, size: size)
        let d = try readLinear(a, size: size)
        let sum = alu(0, d, s, size: size) ?? 0
        try writeLinear(a, size: size, sum)
        setReg(i.reg, size: size, d)
    }

    /// CMPXCHG (0F B0, B1). On a mismatch the destination is written back with
    /// its own value (a locked read-modify-write always writes) and the
    /// accumulator receives it.
    func compareExchange(_ i: DecodedInstruction, size: Int) throws(Fault) {
        let acc = getReg(Reg.eax, size: size)
        let s = getReg(i.reg, size: size)
        var old: UInt32 = 0
        try modifyRM(i, size: size) { d in
            old = d
            _ = alu(7, acc, d, size: size)
            return acc == d ? s : d
        }
        if acc != old { setReg(Reg.eax, size: size, old) }
    }

    /// MOVZX/MOVSX (0F B6, B7, BE, BF).
    @_transparent func moveExtend(_ i: DecodedInstruction) throws(Fault) {
        let sourceSize = i.opcode & 1 == 0 ? 1 : 2
        let v = try readRM(i, size: sourceSize)
        let r = i.opcode >= 0x1BE ? UInt32(truncatingIfNeeded: CPU.signExtend(v, size: sourceSize)) : v
        setReg(i.reg, size: i.operandSize, r & CPU.mask(i.operandSize))
    }
}
