/// Conversions between the extended format and the IEEE 754 binary32 and
/// binary64 interchange formats (FLD m32fp/m64fp and FST/FSTP m32fp/m64fp,
/// SDM Vol. 2 FLD and FST; Vol. 1 §4.2.2, §4.8.3.5 for NaNs).
extension X87Arithmetic {
    /// The field layout of an interchange format.
    struct InterchangeLayout {
        var fractionBits: Int
        var exponentBits: Int
        var format: X87Format
        var bias: Int32 { (1 << Int32(exponentBits - 1)) - 1 }
        var exponentMask: UInt64 { (1 << UInt64(exponentBits)) - 1 }

        // Computed, with the conversions inlined into their entry points, so
        // the field widths and bias fold to constants.
        static var binary32: InterchangeLayout { InterchangeLayout(fractionBits: 23, exponentBits: 8, format: .binary32) }
        static var binary64: InterchangeLayout { InterchangeLayout(fractionBits: 52, exponentBits: 11, format: .binary64) }
    }

    /// FLD m32fp: exact; a denormal raises DE (and is loaded even with DE
    /// unmasked, as the host does), an SNaN raises IE and is quieted.
    public mutating func load(binary32 bits: UInt32) -> Extended80 {
        load(UInt64(bits), .binary32)
    }

    /// FLD m64fp.
    public mutating func load(binary64 bits: UInt64) -> Extended80 {
        load(bits, .binary64)
    }

    /// The m32fp operand of an arithmetic instruction (FADD m32fp and the
    /// like): as FLD loads it, except that an SNaN stays signalling, so that
    /// the operation raises IE and chooses the NaN by Table 4-7 as it would
    /// between registers. A denormal raises DE here; the operation, which sees
    /// a normal value, decides with `memoryOperandDenormalStops` whether it counts.
    public mutating func operand(binary32 bits: UInt32) -> Extended80 {
        load(UInt64(bits), .binary32, quietingNaN: false)
    }

    /// The m64fp operand of an arithmetic instruction.
    public mutating func operand(binary64 bits: UInt64) -> Extended80 {
        load(bits, .binary64, quietingNaN: false)
    }

    /// The DE of a denormal memory operand (`operand`), after the operation
    /// on its widened value: it gives way to an invalid operation, a division
    /// by zero and a NaN operand (SDM Vol. 1 §4.9.2). True when it stands and
    /// is unmasked: an arithmetic instruction then stops without its result
    /// (§8.5.2), while a comparison still reports its outcome.
    public mutating func memoryOperandDenormalStops(_ a: Extended80, _ b: Extended80) -> Bool {
        guard !flags.contains(.invalid), !flags.contains(.zeroDivide), !a.isNaN, !b.isNaN else { return false }
        flags.insert(.denormal)
        return !control.exceptionMasks.contains(.denormal)
    }

    @inline(__always)
    private mutating func load(_ bits: UInt64, _ layout: InterchangeLayout, quietingNaN: Bool = true) -> Extended80 {
        let sign = bits >> UInt64(layout.fractionBits + layout.exponentBits) & 1 != 0
        let exponent = Int32(truncatingIfNeeded: bits >> UInt64(layout.fractionBits) & layout.exponentMask)
        let fraction = bits & ((1 << UInt64(layout.fractionBits)) - 1)
        let alignedFraction = fraction << UInt64(63 - layout.fractionBits)
        if exponent == Int32(layout.exponentMask) {
            if fraction == 0 { return .infinity(sign: sign) }
            let nan = Extended80(sign: sign, exponent: 0x7FFF, significand: 1 << 63 | alignedFraction)
            guard quietingNaN else { return nan }
            if nan.isSignalingNaN { flags.insert(.invalid) }
            return nan.quieted
        }
        if exponent == 0 {
            if fraction == 0 { return .zero(sign: sign) }
            flags.insert(.denormal)
            let shift = alignedFraction.leadingZeroBitCount
            return Extended80(sign: sign, exponent: UInt16(Extended80.exponentBias - layout.bias + 1 - Int32(shift)),
                              significand: alignedFraction << UInt64(shift))
        }
        return Extended80(sign: sign, exponent: UInt16(exponent - layout.bias + Extended80.exponentBias),
                          significand: 1 << 63 | alignedFraction)
    }

    /// FST m32fp: rounded by RC (precision control does not apply), with the
    /// masked overflow and underflow responses; NaNs keep their upper
    /// significand bits and are quieted (an SNaN raises IE); unsupported
    /// encodings give the indefinite. A denormal source raises no DE. With an
    /// unmasked IE, OE or UE the caller leaves memory unchanged.
    public mutating func convertToBinary32(_ a: Extended80) -> UInt32 {
        UInt32(truncatingIfNeeded: store(a, .binary32))
    }

    /// FST m64fp.
    public mutating func convertToBinary64(_ a: Extended80) -> UInt64 {
        store(a, .binary64)
    }

    @inline(__always)
    private mutating func store(_ a: Extended80, _ layout: InterchangeLayout) -> UInt64 {
        flags.remove(.c1)
        let signBit = UInt64(a.sign ? 1 : 0) << UInt64(layout.fractionBits + layout.exponentBits)
        let infinityBits = layout.exponentMask << UInt64(layout.fractionBits)
        let quietBit = UInt64(1) << UInt64(layout.fractionBits - 1)
        if a.isUnsupported {
            flags.insert(.invalid)
            return 1 << UInt64(layout.fractionBits + layout.exponentBits) | infinityBits | quietBit
        }
        if a.isNaN {
            if a.isSignalingNaN { flags.insert(.invalid) }
            let fraction = (a.significand & ~(1 << 63)) >> UInt64(63 - layout.fractionBits)
            return signBit | infinityBits | fraction | quietBit
        }
        if a.isInfinity { return signBit | infinityBits }
        if a.isZero { return signBit }
        let x = X87Unpacked(a)
        let r = round(sign: x.sign, exponent: x.exponent, significand: UInt128Parts(high: x.significand, low: 0),
                      to: layout.format)
        if r.significand == 0 { return signBit }
        if r.exponent > layout.format.maxExponent { return signBit | infinityBits }
        let fraction = (r.significand & ~(1 << 63)) >> UInt64(63 - layout.fractionBits)
        guard r.significand >> 63 != 0 else { return signBit | fraction }
        let biased = UInt64(r.exponent - Extended80.exponentBias + layout.bias)
        return signBit | biased << UInt64(layout.fractionBits) | fraction
    }
}
