/// Decimal adjusts (SDM Vol. 2: DAA, DAS, AAA, AAS, AAM, AAD) and SALC.
///
/// Undefined flags, our rule: after AAA/AAS, OF, SF, ZF and PF describe AL as
/// adjusted; after DAA/DAS, OF is cleared; after AAM/AAD, CF, AF and OF are cleared.
extension CPU {
    func decimalAdjust(_ opcode: UInt16) {
        let al = UInt64(get8(Reg.eax))
        let cf = flags.carryFlag, af = flags.auxiliaryFlag
        switch opcode {
        case 0x27, 0x2F: // DAA, DAS
            var r = al
            var newCF = false, newAF = false
            let subtract = opcode == 0x2F
            if al & 0x0F > 9 || af {
                r = subtract ? (r &- 6) & 0xFF : (r &+ 6) & 0xFF
                newCF = cf || (subtract ? al < 6 : al > 0xF9)
                newAF = true
            }
            if al > 0x99 || cf {
                r = subtract ? (r &- 0x60) & 0xFF : (r &+ 0x60) & 0xFF
                newCF = true
            }
            set8(Reg.eax, UInt8(r))
            var f = LazyFlags.szp(r, signBit: 0x80)
            if newCF { f |= LazyFlags.cf }
            if newAF { f |= LazyFlags.af }
            flags.setStatus(LazyFlags.status, f)
        default: // AAA (37), AAS (3F)
            var ax = UInt64(get16(Reg.eax))
            let adjust = al & 0x0F > 9 || af
            if adjust {
                if opcode == 0x37 {
                    // AX + 106H: AL's carry reaches AH too (SDM pseudocode).
                    ax = (ax &+ 0x106) & 0xFFFF
                } else {
                    // The SDM's AX - 6 lets AL's borrow reach AH (as on Intel
                    // hardware); QEMU subtracts from AL alone.
                    ax = (ax &- 6) & 0xFFFF
                    ax = (ax &- 0x100) & 0xFFFF
                }
            }
            ax &= 0xFF0F
            set16(Reg.eax, UInt16(ax))
            var f = LazyFlags.szp(ax & 0xFF, signBit: 0x80)
            if adjust { f |= LazyFlags.cf | LazyFlags.af }
            flags.setStatus(LazyFlags.status, f)
        }
    }

    /// AAM imm8 (D4): #DE when the base is 0.
    func asciiAdjustMultiply(base: UInt8) throws(Fault) {
        guard base != 0 else { throw Fault.de }
        let al = get8(Reg.eax)
        set8(4, al / base)
        set8(Reg.eax, al % base)
        flags.setStatus(LazyFlags.status, LazyFlags.szp(UInt64(al % base), signBit: 0x80))
    }

    /// AAD imm8 (D5): AL = AL + AH * base, AH = 0.
    func asciiAdjustDivide(base: UInt8) {
        let r = get8(Reg.eax) &+ get8(4) &* base
        set16(Reg.eax, UInt16(r))
        flags.setStatus(LazyFlags.status, LazyFlags.szp(UInt64(r), signBit: 0x80))
    }

    /// SALC (D6, undocumented by Intel until recently): AL = CF ? 0xFF : 0.
    func setALFromCarry() {
        set8(Reg.eax, flags.carryFlag ? 0xFF : 0)
    }
}
