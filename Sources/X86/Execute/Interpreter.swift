/// The fetch-decode-execute loop (DESIGN.md, "The hot path"): instructions come
/// from the decode cache by physical address, execute through one `switch` on
/// the opcode, and faults unwind as typed throws to `deliverException`.
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
        if halted && !(interruptRequested && flags.bits & LazyFlags.intf != 0) && !(nmiPending && !nmiBlocked) {
            return .halted
        }
        var remaining = budget
        let tags = decodeCache.tags, entries = decodeCache.entries
        while remaining > 0 {
            if interruptShadow {
                interruptShadow = false
            } else if pendingEvents != 0 {
                if nmiPending && !nmiBlocked {
                    deliverNonMaskableInterrupt()
                } else if interruptRequested && flags.bits & LazyFlags.intf != 0 {
                    deliverExternalInterrupt()
                }
            }

            let cs = segments[SegmentIndex.cs]
            let ip = eip
            instructionStart = ip
            let linearIP = cs.base &+ ip
            let phys = translate(linearIP)
            let tag = UInt64(phys) | (cs.big ? 1 << 32 : 0)
            let slot = Int(phys) & DecodeCache.mask
            let singleStep = flags.bits & LazyFlags.tf != 0
            do throws(Fault) {
                if tags[slot] != tag {
                    try fill(slot: slot, tag: tag, linear: linearIP, ip: ip, big: cs.big)
                }
                let i = entries[slot]
                let next = ip &+ UInt32(i.length)
                eip = cs.big ? next : next & 0xFFFF
                if tracing { tracer?(self, i) }
                if next &- 1 > cs.limit || ip > cs.limit { throw Fault.gp() }
                try execute(i)
                if singleStep { try deliverInterrupt(vector: Fault.debug) }
            } catch {
                eip = instructionStart
                deliverException(error)
            }
            instructionCount &+= 1
            remaining &-= 1
            if stopRequested { return halted ? .halted : shutdown ? .shutdown : .stopRequested }
        }
        return .budget
    }

    /// Decodes into the cache. Instructions outside directly mapped memory are
    /// decoded but not kept, as their bytes can change without a store.
    @inline(never) func fill(slot: Int, tag: UInt64, linear: UInt32, ip: UInt32, big: Bool) throws(Fault) {
        decodeCache.misses &+= 1
        let d = try decode(linear: linear, ipOffset: ip, ipMask: big ? 0xFFFF_FFFF : 0xFFFF, default32: big)
        decodeCache.entries[slot] = d
        let phys = UInt32(truncatingIfNeeded: tag)
        let lastPhys = translate(linear &+ UInt32(max(Int(d.length), 1) - 1))
        if memory.readMap[Int(phys >> 12)] != nil && memory.readMap[Int(lastPhys >> 12)] != nil
            && lastPhys >> 12 == phys >> 12 {
            memory.markCodePage(Int(phys >> 12))
            decodeCache.tags[slot] = tag
        } else {
            decodeCache.tags[slot] = DecodeCache.empty
        }
    }
}
