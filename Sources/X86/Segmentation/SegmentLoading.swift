/// Loading segment registers (SDM Vol. 3 §3.4.3 and §5.4-5.6; Vol. 2 "MOV",
/// "POP", "LDS/LES/LFS/LGS/LSS"): in real mode the base becomes selector × 16
/// and the cached limit stays (which is what lets "unreal mode" keep 4 GiB
/// limits); in virtual-8086 mode the cache is that of a 64 KiB ring-3 data
/// segment; in protected mode the selector names a descriptor, which must pass
/// the type, privilege and presence checks, and gets its accessed bit set.
extension CPU {
    /// The descriptor `selector` names in the GDT or LDT. A selector beyond the
    /// table's limit raises `vector` (#GP unless a caller says otherwise) with
    /// the selector as error code.
    func readDescriptor(_ selector: UInt16, vector: UInt8 = Fault.generalProtection) throws(Fault) -> Descriptor {
        let (base, limit) = try descriptorTable(selector, vector: vector)
        let index = UInt64(selector & 0xFFF8)
        if index &+ 7 > limit { throw Fault(vector, errorCode: UInt32(selector & 0xFFFC)) }
        let low = UInt32(truncatingIfNeeded: try readSupervisor(base &+ index, size: 4))
        let high = UInt32(truncatingIfNeeded: try readSupervisor(base &+ index &+ 4, size: 4))
        var d = Descriptor(low: low, high: high)
        // In IA-32e mode a system descriptor continues with a second 8 bytes.
        if longMode && !d.isCodeOrData {
            if index &+ 15 > limit { throw Fault(vector, errorCode: UInt32(selector & 0xFFFC)) }
            d.upper = try readSupervisor(base &+ index &+ 8, size: 8)
        }
        return d
    }

    /// Base and limit of the table a selector's TI bit picks.
    @inline(__always) func descriptorTable(_ selector: UInt16, vector: UInt8) throws(Fault) -> (UInt64, UInt64) {
        guard selector & 4 != 0 else { return (gdtr.base, UInt64(gdtr.limit)) }
        // An LDT reference with no usable LDT loaded.
        if ldtr.selector & 0xFFFC == 0 || ldtr.attributes & 0x80 == 0 {
            throw Fault(vector, errorCode: UInt32(selector & 0xFFFC))
        }
        return (ldtr.base, UInt64(ldtr.limit))
    }

    /// Sets the accessed bit (type bit 0) of a code or data descriptor in memory,
    /// as the processor does on a segment load (SDM Vol. 3 §3.4.5.1).
    func markAccessed(_ selector: UInt16, _ d: Descriptor) throws(Fault) {
        guard d.isCodeOrData, d.type & 1 == 0 else { return }
        let (base, _) = try descriptorTable(selector, vector: Fault.generalProtection)
        try writeSupervisor(base &+ UInt64(selector & 0xFFF8) &+ 4, size: 4, UInt64(d.high | 0x100))
    }

    /// Loads ES, SS, DS, FS or GS (CS goes through the far-transfer paths).
    func loadSegment(_ s: Int, selector: UInt16) throws(Fault) {
        if s == SegmentIndex.cs { throw Fault.ud }
        if !protectedMode {
            segments[s].selector = selector
            segments[s].base = UInt64(selector) << 4
            // A real-mode load makes the segment usable again after protected mode.
            segments[s].attributes |= 0x80
        } else if virtual8086Mode {
            segments[s] = SegmentRegister(selector: selector, base: UInt64(selector) << 4, limit: 0xFFFF, attributes: 0xF3)
        } else if s == SegmentIndex.ss {
            try loadStackSegment(selector, cpl: cpl)
        } else {
            try loadDataSegment(s, selector: selector)
        }
        if s == SegmentIndex.ss {
            interruptShadow = true
            debug.stackSegmentShadow = true
        }
    }

    /// DS, ES, FS, GS in protected mode (SDM Vol. 2, MOV, "IF DS, ES, FS, or GS is loaded").
    func loadDataSegment(_ s: Int, selector: UInt16) throws(Fault) {
        if selector & 0xFFFC == 0 {
            // A null selector loads an unusable segment: using it raises #GP(0).
            segments[s] = SegmentRegister(selector: selector, base: 0, limit: 0, attributes: 0)
            return
        }
        let d = try readDescriptor(selector)
        let code = UInt32(selector & 0xFFFC)
        guard d.isData || (d.isCode && d.readableOrWritable) else { throw Fault.gp(code) }
        if d.isData || !d.conformingOrExpandDown {
            let rpl = Int(selector & 3)
            if rpl > d.dpl || cpl > d.dpl { throw Fault.gp(code) }
        }
        guard d.present else { throw Fault(Fault.segmentNotPresent, errorCode: code) }
        try markAccessed(selector, d)
        segments[s] = d.segment(selector: selector)
        segments[s].attributes |= 1
    }

    /// SS in protected mode: a present, writable data segment with RPL = DPL =
    /// `cpl`. 64-bit mode also takes a null selector below CPL 3 (SDM Vol. 2
    /// MOV, "IF SS is loaded"), which leaves SS unusable outside 64-bit mode.
    func loadStackSegment(_ selector: UInt16, cpl level: Int) throws(Fault) {
        let code = UInt32(selector & 0xFFFC)
        if selector & 0xFFFC == 0 {
            guard mode64 && level < 3 && Int(selector & 3) == level else { throw Fault.gp(0) }
            segments[SegmentIndex.ss] = SegmentRegister(selector: selector, base: 0, limit: 0, attributes: 0)
            return
        }
        let d = try readDescriptor(selector)
        guard Int(selector & 3) == level, d.isData, d.readableOrWritable, d.dpl == level else { throw Fault.gp(code) }
        guard d.present else { throw Fault(Fault.stackFault, errorCode: code) }
        try markAccessed(selector, d)
        segments[SegmentIndex.ss] = d.segment(selector: selector)
        segments[SegmentIndex.ss].attributes |= 1
    }
}
