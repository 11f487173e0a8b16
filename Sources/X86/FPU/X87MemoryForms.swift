/// The x87 instructions with a memory operand (ModR/M mod ≠ 11b, SDM Vol. 2
/// Tables, ... A-21): loads and stores of every format, the
/// arithmetic forms with floating-point and integer operands, and the control
/// and environment instructions.
extension CPU {
    func x87Memory(_ i: DecodedInstruction, escape: Int) throws(Fault) {
        let reg = i.regField
        switch escape {
        case 0, 2, 4, 6:
            // D8 m32fp, DA m32int, DC m64fp, DE m16int.
            let size = escape == 4 ? 8 : escape == 6 ? 2 : 4
            let bits = try readLinear(try operandAddress(i, size: size), size: size)
            var a = x87Arithmetic
            let other: Extended80
            switch escape {
            case 0: other = a.operand(binary32: UInt32(truncatingIfNeeded: bits))
            case 4: other = a.operand(binary64: bits)
            case 2: other = a.load(integer: Int64(Int32(truncatingIfNeeded: bits)))
            default: other = a.load(integer: Int64(Int16(truncatingIfNeeded: bits)))
            }
            x87Arithmetic(operation: reg, other: other, memoryDenormal: a.flags.contains(.denormal),
                          destination: 0, pops: reg == 3 ? 1 : 0)
        case 1:
            switch reg {
            case 0: try x87LoadMemory(i, size: 4)
            case 2, 3: try x87StoreFloat(i, size: 4, pop: reg == 3)
            case 4: try loadEnvironment(i)
            case 5:
                let word = try readLinear(try operandAddress(i, size: 2), size: 2)
                x87.control = UInt16(truncatingIfNeeded: word) & 0x1F3F | 0x0040
                x87UpdateErrorSummary()
            case 6: try storeEnvironment(i)
            case 7: try writeLinear(try operandAddressForWrite(i, size: 2), size: 2, UInt64(x87.control))
            default: throw Fault.ud
            }
        case 3:
            switch reg {
            case 0: try x87LoadInteger(i, size: 4)
            case 1: try x87StoreInteger(i, size: 4, pop: true, truncate: true)
            case 2, 3: try x87StoreInteger(i, size: 4, pop: reg == 3, truncate: false)
            case 5:
                let v = try readExtended80(linear: try wideOperandAddress(i, count: 10, alignment: 8, write: false))
                if x87PushOverflows() { return }
                x87Report([])
                x87.push(v)
            case 7: try x87StoreExtended(i)
            default: throw Fault.ud
            }
        case 5:
            switch reg {
            case 0: try x87LoadMemory(i, size: 8)
            case 1: try x87StoreInteger(i, size: 8, pop: true, truncate: true)
            case 2, 3: try x87StoreFloat(i, size: 8, pop: reg == 3)
            case 4: try restoreState(i)
            case 6: try saveState(i)
            case 7: try writeLinear(try operandAddressForWrite(i, size: 2), size: 2, UInt64(x87.status))
            default: throw Fault.ud
            }
        default:
            switch reg {
            case 0: try x87LoadInteger(i, size: 2)
            case 1: try x87StoreInteger(i, size: 2, pop: true, truncate: true)
            case 2, 3: try x87StoreInteger(i, size: 2, pop: reg == 3, truncate: false)
            case 4: try x87LoadPackedBCD(i)
            case 5: try x87LoadInteger(i, size: 8)
            case 6: try x87StorePackedBCD(i)
            default: try x87StoreInteger(i, size: 8, pop: true, truncate: false)
            }
        }
    }

    /// FLD m32fp/m64fp.
    func x87LoadMemory(_ i: DecodedInstruction, size: Int) throws(Fault) {
        let bits = try readLinear(try operandAddress(i, size: size), size: size)
        if x87PushOverflows() { return }
        var a = x87Arithmetic
        let v = size == 4 ? a.load(binary32: UInt32(truncatingIfNeeded: bits)) : a.load(binary64: bits)
        x87PushResult(v, flags: a.flags)
    }

    /// FILD m16int/m32int/m64int: exact.
    func x87LoadInteger(_ i: DecodedInstruction, size: Int) throws(Fault) {
        let bits = try readLinear(try operandAddress(i, size: size), size: size)
        if x87PushOverflows() { return }
        let value: Int64 = size == 2 ? Int64(Int16(truncatingIfNeeded: bits))
            : size == 4 ? Int64(Int32(truncatingIfNeeded: bits)) : Int64(bitPattern: bits)
        x87PushResult(x87Arithmetic.load(integer: value), flags: [])
    }

    /// A store to memory happens unless an exception other than PE is
    /// unmasked (§8.5.4, §8.5.5); then neither memory nor the stack changes.
    func x87StoreAllowed(_ flags: X87StatusFlags) -> Bool {
        flags.rawValue & 0x1F & ~x87.control == 0
    }

    /// Storing an empty ST(0): true when IE is masked, and the caller stores
    /// the indefinite of the destination format.
    func x87StoreUnderflow() -> Bool { x87StackFault(overflow: false) }

    /// FST/FSTP m32fp/m64fp.
    func x87StoreFloat(_ i: DecodedInstruction, size: Int, pop: Bool) throws(Fault) {
        let address = try operandAddressForWrite(i, size: size)
        if x87.isEmpty(0) {
            try probeWrite(address, size: size)
            guard x87StoreUnderflow() else { return }
            try writeLinear(address, size: size, size == 4 ? 0xFFC0_0000 : 0xFFF8_0000_0000_0000)
            if pop { x87.pop() }
            return
        }
        var a = x87Arithmetic
        let bits = size == 4 ? UInt64(a.convertToBinary32(x87.st(0))) : a.convertToBinary64(x87.st(0))
        if x87StoreAllowed(a.flags) {
            try writeLinear(address, size: size, bits)
            x87Report(a.flags)
            if pop { x87.pop() }
        } else {
            x87Report(a.flags)
        }
    }

    /// FIST/FISTP m16int/m32int/m64int and FISTTP (SSE3, truncating).
    func x87StoreInteger(_ i: DecodedInstruction, size: Int, pop: Bool, truncate: Bool) throws(Fault) {
        let address = try operandAddressForWrite(i, size: size)
        let indefinite = UInt64(1) << UInt64(8 &* size &- 1)
        if x87.isEmpty(0) {
            try probeWrite(address, size: size)
            guard x87StoreUnderflow() else { return }
            try writeLinear(address, size: size, indefinite)
            if pop { x87.pop() }
            return
        }
        var a = x87Arithmetic
        let value = truncate ? a.convertToIntegerTruncating(x87.st(0), bits: 8 &* size)
            : a.convertToInteger(x87.st(0), bits: 8 &* size)
        if x87StoreAllowed(a.flags) {
            try writeLinear(address, size: size, UInt64(bitPattern: value) & CPU.mask(size))
            x87Report(a.flags)
            if pop { x87.pop() }
        } else {
            x87Report(a.flags)
        }
    }

    /// FSTP m80fp: the register as it is, with no exceptions.
    func x87StoreExtended(_ i: DecodedInstruction) throws(Fault) {
        let address = try wideOperandAddress(i, count: 10, alignment: 8, write: true)
        if x87.isEmpty(0) {
            guard x87StoreUnderflow() else { return }
            try writeExtended80(linear: address, .indefinite)
        } else {
            try writeExtended80(linear: address, x87.st(0))
            x87Report([])
        }
        x87.pop()
    }
}
