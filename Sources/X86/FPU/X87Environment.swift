/// FSTENV/FLDENV and FSAVE/FRSTOR (SDM Vol. 1 §8.1.10, Figures 8-9 to 8-12):
/// the environment in its 14-byte (16-bit operand size) or 28-byte form, in
/// the protected-mode layout (offsets and selectors) or, in real-address and
/// virtual-8086 mode, the real-mode layout (20- or 32-bit linear pointers
/// with the opcode). FSAVE follows it with ST(0)-ST(7), 10 bytes each, and
/// then initialises the FPU as FNINIT does. In 64-bit mode the 28-byte form
/// holds the low 32 bits of the pointers.
extension CPU {
    /// 14 or 28 bytes.
    func environmentSize(_ i: DecodedInstruction) -> Int { i.operandSize == 2 ? 14 : 28 }

    var realModeEnvironment: Bool { !protectedMode || virtual8086Mode }

    func environmentImage(size: Int) -> [UInt8] {
        var e = [UInt8](repeating: 0, count: size)
        let words: [UInt64]
        let fop = UInt64(x87.lastOpcode & 0x7FF)
        if realModeEnvironment {
            let ip = UInt64(x87.instructionSelector) << 4 &+ x87.instructionPointer
            let dp = UInt64(x87.dataSelector) << 4 &+ x87.dataPointer
            if size == 14 {
                words = [ip & 0xFFFF, (ip >> 16 & 0xF) << 12 | fop, dp & 0xFFFF, (dp >> 16 & 0xF) << 12]
            } else {
                words = [ip & 0xFFFF, (ip >> 16 & 0xFFFF) << 12 | fop, dp & 0xFFFF, (dp >> 16 & 0xFFFF) << 12]
            }
        } else {
            words = [x87.instructionPointer, UInt64(x87.instructionSelector) | (size == 14 ? 0 : fop << 16),
                     x87.dataPointer, UInt64(x87.dataSelector)]
        }
        let unit = size == 14 ? 2 : 4
        let head: [UInt64] = [UInt64(x87.control) | (size == 14 ? 0 : 0xFFFF_0000),
                              UInt64(x87.status) | (size == 14 ? 0 : 0xFFFF_0000),
                              UInt64(x87.tagWord) | (size == 14 ? 0 : 0xFFFF_0000)]
        for (k, v) in (head + words).enumerated() { e.setField(k &* unit, unit, v) }
        // The 32-bit forms' unused upper halves of the selector words read as ones (Figure 8-9).
        if size == 28 && !realModeEnvironment { e.setField(26, 2, 0xFFFF) }
        return e
    }

    func loadEnvironmentImage(_ e: [UInt8]) {
        let unit = e.count == 14 ? 2 : 4
        x87.control = UInt16(truncatingIfNeeded: e.field(0, 2)) & 0x1F3F | 0x0040
        x87.status = UInt16(truncatingIfNeeded: e.field(unit, 2))
        x87.loadTagWord(UInt16(truncatingIfNeeded: e.field(2 &* unit, 2)))
        let w3 = e.field(3 &* unit, unit), w4 = e.field(4 &* unit, unit)
        let w5 = e.field(5 &* unit, unit), w6 = e.field(6 &* unit, unit)
        if realModeEnvironment {
            let high: UInt64 = unit == 2 ? 0xF : 0xFFFF
            x87.instructionPointer = w3 & 0xFFFF | (w4 >> 12 & high) << 16
            x87.lastOpcode = UInt16(truncatingIfNeeded: w4 & 0x7FF)
            x87.dataPointer = w5 & 0xFFFF | (w6 >> 12 & high) << 16
            x87.instructionSelector = 0
            x87.dataSelector = 0
        } else {
            x87.instructionPointer = w3
            x87.instructionSelector = UInt16(truncatingIfNeeded: w4)
            // The 14-byte protected-mode layout has no opcode field: FOP becomes 0.
            x87.lastOpcode = unit == 4 ? UInt16(truncatingIfNeeded: w4 >> 16) & 0x7FF : 0
            x87.dataPointer = w5
            x87.dataSelector = UInt16(truncatingIfNeeded: w6)
        }
        x87UpdateErrorSummary()
    }

    /// FNSTENV: stores the environment, then masks every exception (SDM Vol. 2 FSTENV).
    func storeEnvironment(_ i: DecodedInstruction) throws(Fault) {
        let size = environmentSize(i)
        let address = try wideOperandAddress(i, count: size, alignment: 4, write: true)
        try writeBytes(linear: address, environmentImage(size: size))
        x87.control |= 0x3F
        x87UpdateErrorSummary()
    }

    func loadEnvironment(_ i: DecodedInstruction) throws(Fault) {
        let size = environmentSize(i)
        let address = try wideOperandAddress(i, count: size, alignment: 4, write: false)
        loadEnvironmentImage(try readBytes(linear: address, count: size))
    }

    /// FNSAVE: the environment and ST(0)-ST(7), then FNINIT.
    func saveState(_ i: DecodedInstruction) throws(Fault) {
        let size = environmentSize(i)
        let address = try wideOperandAddress(i, count: size &+ 80, alignment: 4, write: true)
        var image = environmentImage(size: size)
        for k in 0..<8 {
            let r = x87.st(k)
            var bytes = [UInt8](repeating: 0, count: 10)
            bytes.setField(0, 8, r.significand)
            bytes.setField(8, 2, UInt64(r.signExponent))
            image += bytes
        }
        try writeBytes(linear: address, image)
        x87.initialize()
        ignoreNumericError = false
    }

    /// FRSTOR: the environment, then the registers in ST order of the new TOP.
    func restoreState(_ i: DecodedInstruction) throws(Fault) {
        let size = environmentSize(i)
        let address = try wideOperandAddress(i, count: size &+ 80, alignment: 4, write: false)
        let image = try readBytes(linear: address, count: size &+ 80)
        loadEnvironmentImage(Array(image[0..<size]))
        let tags = x87.validTags
        for k in 0..<8 {
            let at = size &+ 10 &* k
            let r = Extended80(signExponent: UInt16(truncatingIfNeeded: image.field(at &+ 8, 2)), significand: image.field(at, 8))
            x87.registers[x87.physical(k)] = r
        }
        x87.validTags = tags
    }
}
