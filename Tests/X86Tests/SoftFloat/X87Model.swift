// What SwiftPC's SoftFloat computes for each operation of x87_runner.c, in the
// runner's terms (results, status word), so the two can be compared.

@testable import X86

enum X87Model {
    static func run(_ c: X87Case) -> X87Outcome {
        var fpu = X87Arithmetic(control: X87Control(controlWord: c.controlWord))
        var r0 = Extended80(signExponent: 0, significand: 0), r1 = r0
        func integerResult(_ v: Int64, bytes: Int) -> Extended80 {
            let bits = UInt64(bitPattern: v) & (bytes == 8 ? ~0 : (1 << UInt64(8 * bytes)) - 1)
            return Extended80(signExponent: 0, significand: bits)
        }
        switch c.op {
        case .add: r0 = fpu.add(c.a, c.b)
        case .subtract: r0 = fpu.subtract(c.a, c.b)
        case .multiply: r0 = fpu.multiply(c.a, c.b)
        case .divide: r0 = fpu.divide(c.a, c.b)
        case .squareRoot: r0 = fpu.squareRoot(c.a)
        case .roundToInteger: r0 = fpu.roundToInteger(c.a)
        case .partialRemainder: r0 = fpu.partialRemainder(c.a, c.b, ieee: false)
        case .partialRemainderIEEE: r0 = fpu.partialRemainder(c.a, c.b, ieee: true)
        case .scale: r0 = fpu.scale(c.a, by: c.b)
        case .extract: (r0, r1) = fpu.extract(c.a)
        case .compare: r0 = c.a; _ = fpu.compare(c.a, c.b, ordered: true)
        case .compareUnordered: r0 = c.a; _ = fpu.compare(c.a, c.b, ordered: false)
        case .storeInt16: r0 = integerResult(fpu.convertToInteger(c.a, bits: 16), bytes: 2)
        case .storeInt32: r0 = integerResult(fpu.convertToInteger(c.a, bits: 32), bytes: 4)
        case .storeInt64: r0 = integerResult(fpu.convertToInteger(c.a, bits: 64), bytes: 8)
        case .loadInt16: r0 = fpu.load(integer: Int64(Int16(truncatingIfNeeded: c.a.significand)))
        case .loadInt32: r0 = fpu.load(integer: Int64(Int32(truncatingIfNeeded: c.a.significand)))
        case .loadInt64: r0 = fpu.load(integer: Int64(bitPattern: c.a.significand))
        case .storeBinary32: r0 = Extended80(signExponent: 0, significand: UInt64(fpu.convertToBinary32(c.a)))
        case .storeBinary64: r0 = Extended80(signExponent: 0, significand: fpu.convertToBinary64(c.a))
        case .loadBinary32: r0 = fpu.load(binary32: UInt32(truncatingIfNeeded: c.a.significand))
        case .loadBinary64: r0 = fpu.load(binary64: c.a.significand)
        case .truncateInt16: r0 = integerResult(fpu.convertToIntegerTruncating(c.a, bits: 16), bytes: 2)
        case .truncateInt32: r0 = integerResult(fpu.convertToIntegerTruncating(c.a, bits: 32), bytes: 4)
        case .truncateInt64: r0 = integerResult(fpu.convertToIntegerTruncating(c.a, bits: 64), bytes: 8)
        case .examine:
            r0 = c.a
            fpu.flags = X87Arithmetic.examine(c.a)
        case .test:
            r0 = c.a
            _ = fpu.test(c.a)
        default:
            return runTranscendental(c, reducingBy: .exact)
        }
        return X87Outcome(r0: r0, r1: r1, statusWord: fpu.flags.rawValue)
    }

    /// The transcendental and packed BCD operations, reducing trigonometric
    /// operands by `piOverTwo` (`.sdmInternal` models the host's reduction).
    /// r0 and r1 are ST(0) and ST(1) afterwards (x87_runner.c); after the
    /// popping operations ST(1) is empty and reads as the real indefinite.
    static func runTranscendental(_ c: X87Case, reducingBy piOverTwo: X87PiOverTwo) -> X87Outcome {
        var fpu = X87Arithmetic(control: X87Control(controlWord: c.controlWord))
        var r0 = c.a, r1 = c.b
        func trigonometric(_ function: X87Arithmetic.TrigonometricFunction) {
            guard let (first, second) = fpu.trigonometric(c.a, function, reducingBy: piOverTwo) else { return }
            switch function {
            case .sine, .cosine: r0 = first
            case .sineCosine, .tangent: (r0, r1) = (second, first)
            }
        }
        switch c.op {
        case .sine: trigonometric(.sine)
        case .cosine: trigonometric(.cosine)
        case .sineCosine: trigonometric(.sineCosine)
        case .tangent: trigonometric(.tangent)
        case .arctangent: (r0, r1) = (fpu.partialArctangent(y: c.b, x: c.a), .indefinite)
        case .twoToXMinusOne: r0 = fpu.twoToXMinusOne(c.a)
        case .yLog2X: (r0, r1) = (fpu.yLog2X(y: c.b, x: c.a), .indefinite)
        case .yLog2XPlusOne: (r0, r1) = (fpu.yLog2XPlusOne(y: c.b, x: c.a), .indefinite)
        case .storePackedBCD:
            let bcd = fpu.convertToPackedBCD(c.a)
            (r0, r1) = (Extended80(signExponent: bcd.high, significand: bcd.low), Extended80(signExponent: 0, significand: 0))
        case .loadPackedBCD:
            (r0, r1) = (fpu.load(packedBCD: X87PackedBCD(low: c.a.significand, high: c.a.signExponent)), Extended80(signExponent: 0, significand: 0))
        default: break
        }
        return X87Outcome(r0: r0, r1: r1, statusWord: fpu.flags.rawValue)
    }

    /// The outcome of a register-stack operation with unmasked exceptions as
    /// the runner reads it back: ST(0) and ST(1), which keep the operands when
    /// an unmasked IE, DE or ZE stops the operation (SDM Vol. 1 §8.5).
    static func runUnmasked(_ c: X87Case) -> X87Outcome {
        let masked = run(c)
        let control = X87Control(controlWord: c.controlWord)
        let stopping: X87StatusFlags = [.invalid, .denormal, .zeroDivide]
        let stopped = !X87StatusFlags(rawValue: masked.statusWord).intersection(stopping)
            .subtracting(control.exceptionMasks).isEmpty
        switch c.op {
        case .storeInt16, .storeInt32, .storeInt64, .storeBinary32, .storeBinary64:
            // A memory destination is not written on any unmasked exception but PE (§8.5.4, §8.5.5).
            let blocking = X87StatusFlags(rawValue: masked.statusWord).intersection(X87StatusFlags.exceptions.subtracting(.precision))
            let kept = !blocking.subtracting(control.exceptionMasks).isEmpty
            return X87Outcome(r0: kept ? Extended80(signExponent: 0, significand: 0) : masked.r0, r1: kept ? c.a : c.b,
                              statusWord: masked.statusWord)
        case .loadBinary32, .loadBinary64:
            // FLD m32fp/m64fp of a denormal loads it even with DE unmasked.
            let invalid = X87StatusFlags(rawValue: masked.statusWord).contains(.invalid) && !control.exceptionMasks.contains(.invalid)
            return X87Outcome(r0: invalid ? c.a : masked.r0, r1: invalid ? c.b : c.a, statusWord: masked.statusWord)
        default: break
        }
        if stopped || c.op == .compare || c.op == .compareUnordered {
            return X87Outcome(r0: c.a, r1: c.b, statusWord: masked.statusWord)
        }
        if c.op == .extract { return X87Outcome(r0: masked.r1, r1: masked.r0, statusWord: masked.statusWord) }
        return X87Outcome(r0: masked.r0, r1: c.b, statusWord: masked.statusWord)
    }

    /// The status-word bits the SDM defines for `op` (the others are undefined).
    static func definedStatusBits(_ op: X87RunnerOp) -> UInt16 {
        let exceptions = X87StatusFlags.exceptions.rawValue
        switch op {
        case .compare, .compareUnordered, .partialRemainder, .partialRemainderIEEE, .examine, .test:
            return exceptions | X87StatusFlags.conditionCodes.rawValue
        case .loadInt16, .loadInt32, .loadInt64, .loadBinary32, .loadBinary64:
            return exceptions
        case .sine, .cosine, .sineCosine, .tangent:
            return exceptions | X87StatusFlags.c1.rawValue | X87StatusFlags.c2.rawValue
        default:
            return exceptions | X87StatusFlags.c1.rawValue
        }
    }
}
