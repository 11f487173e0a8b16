/// Bit tests and scans, byte swap, conditional moves and sets, exchanges and
/// zero/sign-extending moves (SDM Vol. 2: BT/BTS/BTR/BTC, BSF/BSR, BSWAP,
/// CMOVcc, SETcc, XCHG, XADD, CMPXCHG, CMPXCHG8B/16B, MOVZX/MOVSX/MOVSXD).
///
/// Undefined flags, our rule: BT* change only CF; BSF/BSR change only ZF.
extension CPU {
    /// BT/BTS/BTR/BTC; `op` is 4..7 (BT, BTS, BTR, BTC) as in group 8.
    func bitTest(_ i: DecodedInstruction, op: Int, offsetFromRegister: Bool) throws(Fault) {
        let size = i.operandSize
        let bits = UInt64(size * 8)
        var offset = offsetFromRegister ? getReg(i.reg, size: size) : i.immediate & 0xFF
        var address: UInt64 = 0
        if i.registerForm || !offsetFromRegister {
            offset &= bits - 1
            if !i.registerForm {
                address = op == 4 ? try operandAddress(i, size: size) : try operandAddressForWrite(i, size: size)
            }
        } else {
            // A register bit offset reaches memory beyond the operand (signed).
            let signed = CPU.signExtend(offset, size: size)
            let step = (signed >> Int64(size == 2 ? 4 : size == 4 ? 5 : 6)) &* Int64(size)
            let ea = (effectiveAddress(i) &+ UInt64(bitPattern: step)) & i.addressMask
            address = try linear(segment: Int(i.segment), offset: ea, size: size, write: op != 4)
            offset &= bits - 1
        }
        if !i.registerForm && op != 4 { try probeWrite(address, size: size) }
        let v = i.registerForm ? getReg(i.rm, size: size) : try readLinear(address, size: size)
        let bit: UInt64 = 1 << offset
        flags.setStatus(LazyFlags.cf, v & bit != 0 ? LazyFlags.cf : 0)
        let r: UInt64
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
        let index = reverse ? UInt64(63 - v.leadingZeroBitCount) : UInt64(v.trailingZeroBitCount)
        setReg(i.reg, size: size, index)
        flags.setStatus(LazyFlags.zf, 0)
    }

    func bswap(_ i: DecodedInstruction) {
        let r = i.rm
        // BSWAP of a 16-bit register is undefined; Intel and AMD clear it.
        switch i.operandSize {
        case 2: set16(r, 0)
        case 4: set32(r, get32(r).byteSwapped)
        default: set64(r, get64(r).byteSwapped)
        }
    }

    /// CMOVcc (0F 40-4F): the source is read (and may fault) even when the condition is false.
    func conditionalMove(_ i: DecodedInstruction) throws(Fault) {
        let size = i.operandSize
        let v = try readRM(i, size: size)
        if flags.condition(Int(i.opcode & 0xF)) {
            setReg(i.reg, size: size, v)
        } else if size == 4 {
            // A 32-bit destination is written (zero-extended) even when the condition is false.
            set32(i.reg, get32(i.reg))
        }
    }

    func setByteOnCondition(_ i: DecodedInstruction) throws(Fault) {
        try writeRM(i, size: 1, flags.condition(Int(i.opcode & 0xF)) ? 1 : 0)
    }

    /// XCHG r/m, reg (86, 87).
    func exchange(_ i: DecodedInstruction, size: Int) throws(Fault) {
        let r = getReg(i.reg, size: size)
        var old: UInt64 = 0
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

    /// CMPXCHG (0F B0, B1). On a mismatch a memory destination is written back
    /// with its own value (a locked read-modify-write always writes), a register
    /// destination is left alone (not even zero-extended), and the accumulator
    /// receives the destination.
    func compareExchange(_ i: DecodedInstruction, size: Int) throws(Fault) {
        let acc = getReg(Reg.eax, size: size)
        let s = getReg(i.reg, size: size)
        var old: UInt64 = 0
        try modifyRM(i, size: size) { d in
            old = d
            _ = alu(7, acc, d, size: size)
            return acc == d ? s : i.registerForm ? nil : d
        }
        if acc != old { setReg(Reg.eax, size: size, old) }
    }

    /// Group 9 /1 (0F C7): CMPXCHG8B, and CMPXCHG16B with REX.W, whose operand
    /// must be 16-byte aligned (#GP(0)). EDX:EAX (RDX:RAX) is compared with the
    /// memory operand; equal, ECX:EBX (RCX:RBX) is stored and ZF set; else the
    /// operand is loaded into EDX:EAX (RDX:RAX), written back unchanged as a
    /// locked cycle does, and ZF cleared.
    func group9(_ i: DecodedInstruction) throws(Fault) {
        guard i.regField == 1, !i.registerForm else { throw Fault.ud }
        let half = i.operandSize == 8 ? 8 : 4
        // Misalignment is found before the segment and canonical checks, as AMD
        // processors order them (Intel's manual gives no order).
        if half == 8 {
            let s = Int(i.segment)
            let base = mode64 && s < SegmentIndex.fs ? 0 : segments[s].base
            if (base &+ effectiveAddress(i)) & 15 != 0 { throw Fault.gp() }
        }
        let a = try operandAddressForWrite(i, size: 2 * half)
        try probeWrite(a, size: 2 * half)
        let low = try readLinear(a, size: half), high = try readLinear(a &+ UInt64(half), size: half)
        let equal = low == getReg(Reg.eax, size: half) && high == getReg(Reg.edx, size: half)
        if equal {
            try writeLinear(a, size: half, getReg(Reg.ebx, size: half))
            try writeLinear(a &+ UInt64(half), size: half, getReg(Reg.ecx, size: half))
        } else {
            try writeLinear(a, size: half, low)
            try writeLinear(a &+ UInt64(half), size: half, high)
            setReg(Reg.eax, size: half, low)
            setReg(Reg.edx, size: half, high)
        }
        flags.setStatus(LazyFlags.zf, equal ? LazyFlags.zf : 0)
    }

    /// MOVZX/MOVSX (0F B6, B7, BE, BF).
    @_transparent func moveExtend(_ i: DecodedInstruction) throws(Fault) {
        let sourceSize = i.opcode & 1 == 0 ? 1 : 2
        let v = try readRM(i, size: sourceSize)
        let r = i.opcode >= 0x1BE ? UInt64(bitPattern: CPU.signExtend(v, size: sourceSize)) : v
        setReg(i.reg, size: i.operandSize, r & CPU.mask(i.operandSize))
    }

    /// MOVSXD (63 in 64-bit mode): r/m32 sign-extended with REX.W; without it
    /// a plain 32- or 16-bit move, as Intel documents it.
    func moveSignExtend32(_ i: DecodedInstruction) throws(Fault) {
        let size = i.operandSize
        let sourceSize = min(size, 4)
        let v = try readRM(i, size: sourceSize)
        setReg(i.reg, size: size, UInt64(bitPattern: CPU.signExtend(v, size: sourceSize)))
    }
}
