/// Group 15 (0F AE, SDM Vol. 2 Table A-6): FXSAVE and FXRSTOR (§10.5 and the
/// instruction pages, Tables 10-2 and 10-3 for the 32- and 64-bit layouts),
/// LDMXCSR and STMXCSR, CLFLUSH, and the LFENCE/MFENCE/SFENCE ordering
/// instructions, which an interpreter that runs one instruction at a time
/// satisfies by doing nothing.
extension CPU {
    /// MXCSR bits FXRSTOR and LDMXCSR accept (MXCSR_MASK, §11.6.6): all of
    /// the low 16, DAZ included.
    static let mxcsrMask: UInt32 = 0x0000_FFFF

    func group15(_ i: DecodedInstruction, prefix: SIMDPrefix) throws(Fault) {
        guard prefix == .none else { throw Fault.ud }
        if i.registerForm {
            // LFENCE, MFENCE, SFENCE.
            guard i.regField >= 5 else { throw Fault.ud }
            return
        }
        switch i.regField {
        case 0, 1:
            if cr0 & (CPU.cr0EM | CPU.cr0TS) != 0 { throw Fault(Fault.deviceNotAvailable) }
            let a = try vectorAddressFXSAVE(i, write: i.regField == 0)
            if i.regField == 0 {
                try writeBytes(linear: a, fxsaveImage(wide: i.operandSize == 8))
            } else {
                try loadFXSAVEImage(try readBytes(linear: a, count: 512), wide: i.operandSize == 8)
            }
        case 2, 3:
            try checkSSEAvailable()
            if i.regField == 2 {
                let v = try readLinear32(try operandAddress(i, size: 4))
                if v & ~CPU.mxcsrMask != 0 { throw Fault.gp() }
                mxcsr = v
            } else {
                try writeLinear(try operandAddressForWrite(i, size: 4), size: 4, UInt64(mxcsr))
            }
        case 7:
            // CLFLUSH: memory is coherent here; the access checks remain.
            _ = try readLinear8(try operandAddress(i, size: 1))
        default:
            throw Fault.ud
        }
    }

    /// The 512-byte FXSAVE area, 16-byte aligned (#GP(0) otherwise).
    func vectorAddressFXSAVE(_ i: DecodedInstruction, write: Bool) throws(Fault) -> UInt64 {
        let a = try wideOperandAddress(i, count: 512, alignment: 16, write: write)
        if a & 15 != 0 { throw Fault.gp() }
        return a
    }

    /// XMM registers in the image: 16 in 64-bit mode, else 8.
    var fxsaveRegisterCount: Int { mode64 ? 16 : 8 }

    /// The bytes FXSAVE writes: the header, ST0-ST7 and the XMM registers.
    /// The rest of the 512 bytes is not written. REX.W selects the 64-bit
    /// layout, whose instruction and data pointers are 64-bit offsets.
    func fxsaveImage(wide: Bool) -> [UInt8] {
        var image = [UInt8](repeating: 0, count: 160 &+ 16 &* fxsaveRegisterCount)
        image.setField(0, 2, UInt64(x87.control))
        image.setField(2, 2, UInt64(x87.status))
        image.setField(4, 1, UInt64(x87.validTags))
        image.setField(6, 2, UInt64(x87.lastOpcode & 0x7FF))
        if wide {
            image.setField(8, 8, x87.instructionPointer)
            image.setField(16, 8, x87.dataPointer)
        } else {
            image.setField(8, 4, x87.instructionPointer)
            image.setField(12, 2, UInt64(x87.instructionSelector))
            image.setField(16, 4, x87.dataPointer)
            image.setField(20, 2, UInt64(x87.dataSelector))
        }
        image.setField(24, 4, UInt64(mxcsr))
        image.setField(28, 4, UInt64(CPU.mxcsrMask))
        for k in 0..<8 {
            let r = x87.st(k)
            image.setField(32 &+ 16 &* k, 8, r.significand)
            image.setField(40 &+ 16 &* k, 2, UInt64(r.signExponent))
        }
        for k in 0..<fxsaveRegisterCount {
            let v = xmmRegister(k)
            image.setField(160 &+ 16 &* k, 8, v.low)
            image.setField(168 &+ 16 &* k, 8, v.high)
        }
        return image
    }

    /// FXRSTOR: #GP(0) for reserved MXCSR bits before anything changes.
    func loadFXSAVEImage(_ image: [UInt8], wide: Bool) throws(Fault) {
        let newMXCSR = UInt32(truncatingIfNeeded: image.field(24, 4))
        if newMXCSR & ~CPU.mxcsrMask != 0 { throw Fault.gp() }
        x87.control = UInt16(truncatingIfNeeded: image.field(0, 2)) & 0x1F3F | 0x0040
        x87.status = UInt16(truncatingIfNeeded: image.field(2, 2))
        x87.lastOpcode = UInt16(truncatingIfNeeded: image.field(6, 2)) & 0x7FF
        if wide {
            x87.instructionPointer = image.field(8, 8)
            x87.dataPointer = image.field(16, 8)
            x87.instructionSelector = 0
            x87.dataSelector = 0
        } else {
            x87.instructionPointer = image.field(8, 4)
            x87.instructionSelector = UInt16(truncatingIfNeeded: image.field(12, 2))
            x87.dataPointer = image.field(16, 4)
            x87.dataSelector = UInt16(truncatingIfNeeded: image.field(20, 2))
        }
        mxcsr = newMXCSR
        for k in 0..<8 {
            x87.registers[x87.physical(k)] = Extended80(signExponent: UInt16(truncatingIfNeeded: image.field(40 &+ 16 &* k, 2)),
                                                         significand: image.field(32 &+ 16 &* k, 8))
        }
        x87.validTags = UInt8(truncatingIfNeeded: image.field(4, 1))
        for k in 0..<fxsaveRegisterCount {
            setXMM(k, Vector128(low: image.field(160 &+ 16 &* k, 8), high: image.field(168 &+ 16 &* k, 8)))
        }
        x87UpdateErrorSummary()
    }
}
