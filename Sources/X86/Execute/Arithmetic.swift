/// Binary arithmetic and logic (SDM Vol. 1 §7.3.2, §7.3.4): ADD, OR, ADC, SBB,
/// AND, SUB, XOR, CMP, TEST, INC, DEC, NEG, NOT, and the sign extensions.
/// Status flags are left lazily in `flags` (see `LazyFlags`).
extension CPU {
    /// The eight ALU operations of opcode rows 00-3F and group 1, by their
    /// encoding number: 0 ADD, 1 OR, 2 ADC, 3 SBB, 4 AND, 5 SUB, 6 XOR, 7 CMP.
    /// Returns the result, or nil for CMP, which writes nothing.
    @inline(__always) func alu(_ op: Int, _ d: UInt64, _ s: UInt64, size: Int) -> UInt64? {
        let m = CPU.mask(size), sign = CPU.signBit(size)
        switch op {
        case 0:
            let r = (d &+ s) & m
            flags.set(.add, result: r, destination: d, source: s, signBit: sign)
            return r
        case 1:
            let r = d | s
            flags.setLogic(result: r, signBit: sign)
            return r
        case 2:
            let c: UInt64 = flags.carryFlag ? 1 : 0
            let r = (d &+ s &+ c) & m
            flags.set(.add, result: r, destination: d, source: s, signBit: sign)
            return r
        case 3:
            let c: UInt64 = flags.carryFlag ? 1 : 0
            let r = (d &- s &- c) & m
            flags.set(.sub, result: r, destination: d, source: s, signBit: sign)
            return r
        case 4:
            let r = d & s
            flags.setLogic(result: r, signBit: sign)
            return r
        case 5:
            let r = (d &- s) & m
            flags.set(.sub, result: r, destination: d, source: s, signBit: sign)
            return r
        case 6:
            let r = d ^ s
            flags.setLogic(result: r, signBit: sign)
            return r
        default:
            flags.set(.sub, result: (d &- s) & m, destination: d, source: s, signBit: sign)
            return nil
        }
    }

    /// `alu` for a size known where it is called: one out-of-line copy per size,
    /// each with its masks folded. Inlining `alu` itself into every ALU form of
    /// the run loop measured slower (code size); a call with the size as an
    /// argument computes the masks on every instruction.
    @_transparent func aluOfSize(_ op: Int, _ d: UInt64, _ s: UInt64, size: Int) -> UInt64? {
        switch size {
        case 1: return alu8(op, d, s)
        case 2: return alu16(op, d, s)
        case 4: return alu32(op, d, s)
        default: return alu64(op, d, s)
        }
    }
    @inline(never) func alu8(_ op: Int, _ d: UInt64, _ s: UInt64) -> UInt64? { alu(op, d, s, size: 1) }
    @inline(never) func alu16(_ op: Int, _ d: UInt64, _ s: UInt64) -> UInt64? { alu(op, d, s, size: 2) }
    @inline(never) func alu32(_ op: Int, _ d: UInt64, _ s: UInt64) -> UInt64? { alu(op, d, s, size: 4) }
    @inline(never) func alu64(_ op: Int, _ d: UInt64, _ s: UInt64) -> UInt64? { alu(op, d, s, size: 8) }

    /// Opcodes 00-3D with bits 0-2 = 0..5: the ALU operation is bits 3-5.
    @_transparent func aluForm(_ i: DecodedInstruction) throws(Fault) {
        let op = Int(i.opcode >> 3) & 7
        switch i.opcode & 7 {
        case 0:
            try aluRM(i, op: op, source: UInt64(get8(i.reg)), size: 1)
        case 1:
            // Each size gets its own copy of the inlined path, with the masks folded.
            switch i.operandSize {
            case 4: try aluRM(i, op: op, source: UInt64(get32(i.reg)), size: 4)
            case 2: try aluRM(i, op: op, source: UInt64(get16(i.reg)), size: 2)
            default: try aluRM(i, op: op, source: get64(i.reg), size: 8)
            }
        case 2: try aluIntoRegister(i, op: op, size: 1)
        case 3:
            switch i.operandSize {
            case 4: try aluIntoRegister(i, op: op, size: 4)
            case 2: try aluIntoRegister(i, op: op, size: 2)
            default: try aluIntoRegister(i, op: op, size: 8)
            }
        case 4:
            if let r = aluOfSize(op, UInt64(get8(Reg.eax)), i.immediate & 0xFF, size: 1) { set8(Reg.eax, UInt8(truncatingIfNeeded: r)) }
        default:
            let size = i.operandSize
            if let r = alu(op, getReg(Reg.eax, size: size), i.immediate & CPU.mask(size), size: size) {
                setReg(Reg.eax, size: size, r)
            }
        }
    }

    /// reg = reg op r/m.
    @_transparent func aluIntoRegister(_ i: DecodedInstruction, op: Int, size: Int) throws(Fault) {
        let s = try readRM(i, size: size)
        if let r = aluOfSize(op, getReg(i.reg, size: size), s, size: size) { setReg(i.reg, size: size, r) }
    }

    /// Group 1 (80-83): ALU operation with an immediate (sign-extended for 83,
    /// and from 32 bits for a 64-bit operand).
    @_transparent func aluImmediate(_ i: DecodedInstruction) throws(Fault) {
        if i.opcode & 1 == 0 {
            try aluRM(i, op: i.regField, source: i.immediate & 0xFF, size: 1)
        } else {
            switch i.operandSize {
            case 4: try aluRM(i, op: i.regField, source: i.immediate & 0xFFFF_FFFF, size: 4)
            case 2: try aluRM(i, op: i.regField, source: i.immediate & 0xFFFF, size: 2)
            default: try aluRM(i, op: i.regField, source: i.immediate, size: 8)
            }
        }
    }

    /// ALU operation on the r/m operand, written out rather than through
    /// `modifyRM` because a closure here costs a retain per instruction.
    @_transparent func aluRM(_ i: DecodedInstruction, op: Int, source s: UInt64, size: Int) throws(Fault) {
        if i.registerForm {
            if let r = aluOfSize(op, getReg(i.rm, size: size), s, size: size) { setReg(i.rm, size: size, r) }
            return
        }
        // CMP (7) only reads its destination.
        let a = op == 7 ? try operandAddress(i, size: size) : try operandAddressForWrite(i, size: size)
        if op != 7 { try probeWrite(a, size: size) }
        if let r = aluOfSize(op, try readLinear(a, size: size), s, size: size) { try writeLinear(a, size: size, r) }
    }

    @inline(__always) func test(_ d: UInt64, _ s: UInt64, size: Int) {
        flags.setLogic(result: d & s, signBit: CPU.signBit(size))
    }

    /// INC and DEC leave CF as it was (SDM Vol. 2, INC/DEC "Flags Affected").
    @inline(__always) func incDec(_ v: UInt64, decrement: Bool, size: Int) -> UInt64 {
        let r = (decrement ? v &- 1 : v &+ 1) & CPU.mask(size)
        flags.setIncrementDecrement(decrement: decrement, result: r, destination: v, signBit: CPU.signBit(size))
        return r
    }

    @inline(__always) func neg(_ v: UInt64, size: Int) -> UInt64 {
        let r = (0 &- v) & CPU.mask(size)
        flags.set(.sub, result: r, destination: 0, source: v, signBit: CPU.signBit(size))
        return r
    }

    /// Groups 4 and 5 (FE/FF) /0 and /1.
    func incDecRM(_ i: DecodedInstruction, size: Int) throws(Fault) {
        let dec = i.regField == 1
        if i.registerForm {
            setReg(i.rm, size: size, incDec(getReg(i.rm, size: size), decrement: dec, size: size))
            return
        }
        let a = try operandAddressForWrite(i, size: size)
        try probeWrite(a, size: size)
        try writeLinear(a, size: size, incDec(try readLinear(a, size: size), decrement: dec, size: size))
    }

    /// CBW/CWDE/CDQE (98) and CWD/CDQ/CQO (99).
    func signExtendAccumulator(_ i: DecodedInstruction) {
        let size = i.operandSize
        let half = size / 2
        if i.opcode == 0x98 {
            let v = CPU.signExtend(getReg(Reg.eax, size: half), size: half)
            setReg(Reg.eax, size: size, UInt64(bitPattern: v))
        } else {
            let negative = getReg(Reg.eax, size: size) & CPU.signBit(size) != 0
            setReg(Reg.edx, size: size, negative ? UInt64.max : 0)
        }
    }
}
