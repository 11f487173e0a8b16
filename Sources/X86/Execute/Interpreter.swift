/// The fetch-decode-execute loop (DESIGN.md, "The hot path"): instructions come
/// from the decode cache by physical address, execute through one `switch` on
/// their operation (the frequent ones here, the rest in Dispatch.swift), and
/// faults unwind as typed throws to `deliverException`.
///
/// The handlers of the most frequent operations (aluForm, aluImmediate, aluRM,
/// aluIntoRegister, readRM, writeRM, moveExtend, loop) are `@_transparent` rather than
/// `@inline(__always)`: this loop is so large that the optimizer declines to
/// inline them into it otherwise, and the calls (prologues, the instruction
/// passed by value) cost 15-20% on the benchmarks.
extension CPU {
    public enum StopReason: Equatable {
        /// The instruction budget ran out.
        case budget
        /// HLT: waiting for an interrupt.
        case halted
        /// An OUT or a device asked the board to look at its state.
        case stopRequested
        /// Triple fault: the processor shut down (SDM Vol. 3 §6.15, Interrupt 8).
        case shutdown
    }

    /// Executes up to `budget` instructions.
    public func run(budget: Int) -> StopReason {
        stopRequested = false
        if shutdown { return .shutdown }
        // HLT ends a run, so a halted CPU is only ever seen here: it resumes when
        // the interrupt check below delivers an interrupt.
        if halted && !(interruptRequested && flags.bits & LazyFlags.intf != 0) && !(nmiPending && !nmiBlocked)
            && debug.pendingTraps | memory.debugHits == 0 {
            return .halted
        }
        var remaining = budget
        let tags = decodeCache.tags, entries = decodeCache.entries
        while remaining > 0 {
            if pendingEvents != 0 {
                if pendingEvents & CPU.stopEvent != 0 {
                    pendingEvents &= ~CPU.stopEvent
                    return halted ? .halted : shutdown ? .shutdown : .stopRequested
                }
                if serviceEvents() {
                    instructionCount &+= 1
                    remaining &-= 1
                    continue
                }
            }

            let cs = segments[SegmentIndex.cs]
            let ip = rip
            instructionStart = ip
            // 64-bit mode ignores the CS base and limit; elsewhere linear addresses wrap at 4 GiB.
            let long = cs.attributes & SegmentRegister.longBit != 0
            let linearIP = long ? ip : (cs.base &+ ip) & 0xFFFF_FFFF
            do throws(Fault) {
                // Physical addresses reach bit 35 (PAE, PSE-36): CS.L and CS.D sit above them.
                let phys = try translateFetch(linearIP)
                let tag = phys | UInt64(cs.attributes & 0x600) << 39
                let slot = Int(truncatingIfNeeded: phys) & DecodeCache.mask
                if tags[slot] != tag {
                    try fill(slot: slot, tag: tag, linear: linearIP, ip: ip)
                }
                let i = entries[slot]
                let next = ip &+ UInt64(i.length)
                if long {
                    rip = next
                } else {
                    rip = next & (cs.big ? 0xFFFF_FFFF : 0xFFFF)
                    if next &- 1 > UInt64(cs.limit) || ip > UInt64(cs.limit) { throw Fault.gp() }
                }
                if i.prefixes & (DecodedInstruction.invalid | DecodedInstruction.tooLong | DecodedInstruction.lock) != 0 {
                    try checkPrefixes(i)
                }
                let size = i.size
                switch i.operation {
                case .alu: try aluForm(i)
                case .aluImmediate: try aluImmediate(i)
                case .test:
                    let s = getReg(i.reg, size: size)
                    test(try readRM(i, size: size), s, size: size)
                case .testAccumulator: test(getReg(Reg.eax, size: size), i.immediate & CPU.mask(size), size: size)
                case .incrementRegister, .decrementRegister:
                    // 40-4F exist outside 64-bit mode only: 16 or 32 bits.
                    let r = i.rm, decrement = i.opcode >= 0x48
                    if i.operandSize == 4 {
                        setReg(r, size: 4, incDec(getReg(r, size: 4), decrement: decrement, size: 4))
                    } else {
                        setReg(r, size: 2, incDec(getReg(r, size: 2), decrement: decrement, size: 2))
                    }
                case .pushRegister: try push(getReg(i.rm, size: i.operandSize), size: i.operandSize)
                case .popRegister:
                    let v = try pop(size: i.operandSize)
                    setReg(i.rm, size: i.operandSize, v)
                case .pushImmediate: try push(i.immediate & CPU.mask(i.operandSize), size: i.operandSize)
                case .imulImmediate: try imulTruncating(i, multiplier: i.immediate & CPU.mask(i.operandSize))
                case .imul: try imulTruncating(i, multiplier: nil)
                case .group3: try group3(i, size: size)
                case .group4:
                    guard i.regField < 2 else { throw Fault.ud }
                    try incDecRM(i, size: 1)
                case .group5:
                    switch i.regField {
                    case 0, 1: try incDecRM(i, size: i.operandSize)
                    case 2, 3, 4, 5: try indirectBranch(i)
                    case 6: try push(try readRM(i, size: i.operandSize), size: i.operandSize)
                    default: throw Fault.ud
                    }
                case .string: try stringInstruction(i)
                case .jumpConditional: if flags.condition(Int(i.opcode & 0xF)) { try jumpRelative(i) }
                case .jumpRelative: try jumpRelative(i)
                case .callNear: try callNear(rip &+ i.immediate, size: i.operandSize)
                case .returnNear: try returnNear(i)
                case .loop: try loop(i)
                case .exchange: try exchange(i, size: size)
                case .exchangeAccumulator:
                    let r = i.rm, s = i.operandSize
                    let v = getReg(r, size: s)
                    setReg(r, size: s, getReg(Reg.eax, size: s))
                    setReg(Reg.eax, size: s, v)
                case .moveToRM:
                    // One inlined copy per size, as for the ALU forms, so that the
                    // register and memory accesses switch on no size at run time.
                    switch size {
                    case 4: try writeRM(i, size: 4, getReg(i.reg, size: 4))
                    case 2: try writeRM(i, size: 2, getReg(i.reg, size: 2))
                    case 1: try writeRM(i, size: 1, getReg(i.reg, size: 1))
                    default: try writeRM(i, size: 8, getReg(i.reg, size: 8))
                    }
                case .moveFromRM:
                    switch size {
                    case 4: setReg(i.reg, size: 4, try readRM(i, size: 4))
                    case 2: setReg(i.reg, size: 2, try readRM(i, size: 2))
                    case 1: setReg(i.reg, size: 1, try readRM(i, size: 1))
                    default: setReg(i.reg, size: 8, try readRM(i, size: 8))
                    }
                case .loadEffectiveAddress:
                    guard !i.registerForm else { throw Fault.ud }
                    setReg(i.reg, size: i.operandSize, effectiveAddress(i) & CPU.mask(i.operandSize))
                case .moveImmediate8: set8(i.rm, UInt8(truncatingIfNeeded: i.immediate))
                case .moveImmediate: setReg(i.rm, size: i.operandSize, i.immediate)
                case .moveImmediateRM:
                    guard i.regField == 0 else { throw Fault.ud }
                    try writeRM(i, size: size, i.immediate & CPU.mask(size))
                case .convert: signExtendAccumulator(i)
                case .nop: break
                case .shift: try shiftGroup(i)
                case .enter: try enter(i)
                case .leave: try leave(i)
                case .conditionalMove: try conditionalMove(i)
                case .setOnCondition: try setByteOnCondition(i)
                case .bitTest: try bitTest(i, op: Int((i.opcode >> 3) & 3) + 4, offsetFromRegister: true)
                case .bitTestImmediate:
                    guard i.regField >= 4 else { throw Fault.ud }
                    try bitTest(i, op: i.regField, offsetFromRegister: false)
                case .moveExtend: try moveExtend(i)
                case .escape: try executeX87(i)
                case .simdFloat, .simdMove, .simdMixedMove, .simdInteger, .simdOther: try executeSIMD(i)
                default: try executeUncommon(i, size: size)
                }
            } catch {
                if pendingEvents & CPU.debugEvent != 0 { discardDebugTraps() }
                rip = instructionStart
                deliverException(error)
            }
            instructionCount &+= 1
            remaining &-= 1
        }
        return .budget
    }

    /// Between instructions, in the SDM's order of priority (Vol. 3 §6.9): the
    /// debug traps of the instruction just executed, NMI, INTR (none of them
    /// in an interrupt shadow, which lasts one instruction), then the debug
    /// checks of the instruction about to run. True when a #DB fault took its place.
    @inline(never) func serviceEvents() -> Bool {
        let shadowed = pendingEvents & CPU.shadowEvent != 0
        var held = false
        if shadowed {
            pendingEvents &= ~CPU.shadowEvent
            held = debug.stackSegmentShadow
            debug.stackSegmentShadow = false
        }
        let debugging = pendingEvents & CPU.debugEvent != 0
        if debugging { deliverDebugTraps(held: held) }
        if !shadowed {
            if nmiPending && !nmiBlocked {
                deliverNonMaskableInterrupt()
            } else if interruptRequested && flags.bits & LazyFlags.intf != 0 {
                deliverExternalInterrupt()
            }
        }
        if debugging && checkDebugBeforeInstruction(shadowed: held) { return true }
        if pendingEvents & CPU.traceEvent != 0 { traceNextInstruction() }
        return false
    }

    /// Describes the instruction about to run to the tracer. It is decoded
    /// afresh, not taken from the cache: a fetch that faults is not traced
    /// (the exception shows in the handler's first instruction instead).
    @inline(never) func traceNextInstruction() {
        guard let tracer, let i = try? decodeInCodeSegment(ip: rip) else { return }
        let start = instructionStart
        instructionStart = rip
        tracer(self, i)
        instructionStart = start
    }

    /// Decodes into the cache. Instructions outside directly mapped memory are
    /// decoded but not kept, as their bytes can change without a store.
    @inline(never) func fill(slot: Int, tag: UInt64, linear: UInt64, ip: UInt64) throws(Fault) {
        decodeCache.misses &+= 1
        let d = try decodeInCodeSegment(ip: ip)
        decodeCache.entries[slot] = d
        // Kept only when the instruction lies within one linear page (one
        // translation covers it) of directly mapped memory below 4 GiB.
        let phys = tag & 0xF_FFFF_FFFF
        if Int(linear & 0xFFF) + max(Int(d.length), 1) <= 0x1000
            && phys >> 32 == 0 && memory.readMap[Int(phys >> 12)] != nil {
            memory.markCodePage(Int(phys >> 12))
            decodeCache.tags[slot] = tag
        } else {
            decodeCache.tags[slot] = DecodeCache.empty
        }
    }

    /// The instruction at CS:`ip`, decoded for the current CS: 64-bit code
    /// (whose base is ignored), or 32- or 16-bit code by CS.D.
    func decodeInCodeSegment(ip: UInt64) throws(Fault) -> DecodedInstruction {
        let cs = segments[SegmentIndex.cs]
        let long = cs.attributes & SegmentRegister.longBit != 0
        return try decode(base: long ? 0 : cs.base, ip: ip, codeSize: long ? .bits64 : cs.big ? .bits32 : .bits16)
    }
}
