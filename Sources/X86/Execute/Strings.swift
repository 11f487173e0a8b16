/// String instructions (SDM Vol. 1 §7.3.9; Vol. 2 MOVS, CMPS, SCAS, LODS, STOS,
/// INS, OUTS, REP/REPE/REPNE). The source is DS:(E)SI unless overridden; the
/// destination is always ES:(E)DI; the address size picks SI/DI/CX, ESI/EDI/ECX
/// or RSI/RDI/RCX.
///
/// A repeated instruction runs at most `repeatChunk` iterations per step and
/// then restarts itself, so interrupts and device events are taken between
/// chunks, and a fault leaves the registers at the faulting iteration.
extension CPU {
    static let repeatChunk = 4096

    func stringInstruction(_ i: DecodedInstruction) throws(Fault) {
        let addressSize = i.addressSize
        let addressMask = i.addressMask
        let size: Int
        switch i.opcode {
        case 0xA4, 0xA6, 0xAA, 0xAC, 0xAE, 0x6C, 0x6E: size = 1
        default: size = i.operandSize
        }
        let step = flags.isSet(LazyFlags.df) ? 0 &- UInt64(size) : UInt64(size)
        let repeated = i.hasRepeat
        var count: UInt64 = repeated ? get64(Reg.ecx) & addressMask : 1
        if count == 0 { return }
        if i.opcode < 0x70 { try checkIOPermission(port: get16(Reg.edx), size: size) }
        let source = Int(i.segment), es = SegmentIndex.es
        var si = get64(Reg.esi) & addressMask
        var di = get64(Reg.edi) & addressMask
        var n = 0
        var stop = false
        let conditional = i.opcode == 0xA6 || i.opcode == 0xA7 || i.opcode == 0xAE || i.opcode == 0xAF
        let wantZero = i.prefixes & DecodedInstruction.repeatZ != 0
        // A data or I/O breakpoint hit ends a repeated instruction after the
        // iteration that hit it: the trap comes between iterations (SDM Vol. 3 §18.3.1.2).
        let watching = pendingEvents & CPU.debugEvent != 0

        // Only the registers the instruction uses are written back, and only once
        // an iteration has completed: a 32-bit write would clear the upper half
        // of a register that the processor leaves alone in 64-bit mode.
        let usesSource = i.opcode & 0xFE != 0xAA && i.opcode & 0xFE != 0xAE && i.opcode & 0xFE != 0x6C
        let usesDestination = i.opcode & 0xFE != 0xAC && i.opcode & 0xFE != 0x6E
        defer {
            if n > 0 {
                if usesSource { setReg(Reg.esi, size: addressSize, si) }
                if usesDestination { setReg(Reg.edi, size: addressSize, di) }
                if repeated { setReg(Reg.ecx, size: addressSize, count) }
            }
        }
        while count != 0 && n < CPU.repeatChunk && !stop {
            switch i.opcode {
            case 0xA4, 0xA5: // MOVS
                let v = try readMemory(segment: source, offset: si, size: size)
                try writeMemory(segment: es, offset: di, size: size, v)
                si = (si &+ step) & addressMask
                di = (di &+ step) & addressMask
            case 0xA6, 0xA7: // CMPS
                let a = try readMemory(segment: source, offset: si, size: size)
                let b = try readMemory(segment: es, offset: di, size: size)
                _ = alu(7, a, b, size: size)
                si = (si &+ step) & addressMask
                di = (di &+ step) & addressMask
            case 0xAA, 0xAB: // STOS
                try writeMemory(segment: es, offset: di, size: size, getReg(Reg.eax, size: size))
                di = (di &+ step) & addressMask
            case 0xAC, 0xAD: // LODS
                setReg(Reg.eax, size: size, try readMemory(segment: source, offset: si, size: size))
                si = (si &+ step) & addressMask
            case 0xAE, 0xAF: // SCAS
                let b = try readMemory(segment: es, offset: di, size: size)
                _ = alu(7, getReg(Reg.eax, size: size), b, size: size)
                di = (di &+ step) & addressMask
            case 0x6C, 0x6D: // INS: the destination is checked before the port is read
                let address = try linearForWrite(segment: es, offset: di, size: size)
                noteIOAccess(port: get16(Reg.edx), size: size)
                try writeLinear(address, size: size, UInt64(bus.portIn(get16(Reg.edx), size: size)))
                di = (di &+ step) & addressMask
            default: // OUTS
                let v = try readMemory(segment: source, offset: si, size: size)
                noteIOAccess(port: get16(Reg.edx), size: size)
                bus.portOut(get16(Reg.edx), size: size, value: UInt32(truncatingIfNeeded: v))
                si = (si &+ step) & addressMask
                stopRequested = true
            }
            count &-= 1
            n &+= 1
            if conditional && repeated && flags.zeroFlag != wantZero { stop = true }
            if watching && memory.debugHits != 0 { break }
        }
        if repeated && count != 0 && !stop { rip = instructionStart }
    }
}
