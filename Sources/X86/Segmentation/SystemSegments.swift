/// The instructions that handle LDTR, TR and selectors (SDM Vol. 2: SLDT, STR,
/// LLDT, LTR, VERR, VERW, LAR, LSL, ARPL). None is recognised in real-address
/// or virtual-8086 mode (#UD); LAR, LSL, VERR and VERW report through ZF alone.
extension CPU {
    /// Group 6 (0F 00): SLDT, STR, LLDT, LTR, VERR, VERW.
    func group6(_ i: DecodedInstruction) throws(Fault) {
        guard selectorMode else { throw Fault.ud }
        switch i.regField {
        case 0, 1:
            let selector = UInt64(i.regField == 0 ? ldtr.selector : tr.selector)
            // A register destination with a 32-bit operand size gets the selector zero-extended.
            if i.registerForm { setReg(i.rm, size: i.operandSize, selector) } else { try writeRM(i, size: 2, selector) }
        case 2: try loadLocalDescriptorTable(UInt16(truncatingIfNeeded: try readRM(i, size: 2)))
        case 3: try loadTaskRegister(UInt16(truncatingIfNeeded: try readRM(i, size: 2)))
        case 4, 5:
            let selector = UInt16(truncatingIfNeeded: try readRM(i, size: 2))
            let ok = try verify(selector, write: i.regField == 5)
            flags.setStatus(LazyFlags.zf, ok ? LazyFlags.zf : 0)
        default: throw Fault.ud
        }
    }

    /// LLDT: a null selector leaves LDTR unusable; otherwise an LDT descriptor in the GDT.
    func loadLocalDescriptorTable(_ selector: UInt16) throws(Fault) {
        if cpl != 0 { throw Fault.gp() }
        if selector & 0xFFFC == 0 {
            ldtr = SegmentRegister(selector: selector, base: 0, limit: 0, attributes: 0)
            return
        }
        let code = UInt32(selector & 0xFFFC)
        if selector & 4 != 0 { throw Fault.gp(code) }
        let d = try readDescriptor(selector)
        guard !d.isCodeOrData, d.type == Descriptor.SystemType.ldt else { throw Fault.gp(code) }
        guard d.present else { throw Fault(Fault.segmentNotPresent, errorCode: code) }
        ldtr = d.segment(selector: selector)
    }

    /// LTR: an available TSS in the GDT, which the load marks busy.
    func loadTaskRegister(_ selector: UInt16) throws(Fault) {
        if cpl != 0 { throw Fault.gp() }
        let code = UInt32(selector & 0xFFFC)
        if selector & 0xFFFC == 0 { throw Fault.gp() }
        if selector & 4 != 0 { throw Fault.gp(code) }
        let d = try readDescriptor(selector)
        // IA-32e mode knows only the 64-bit TSS (type 9).
        let available = d.type == Descriptor.SystemType.availableTSS32 || (d.type == Descriptor.SystemType.availableTSS16 && !longMode)
        guard !d.isCodeOrData, available else { throw Fault.gp(code) }
        guard d.present else { throw Fault(Fault.segmentNotPresent, errorCode: code) }
        let busy = Descriptor(low: d.low, high: d.high | 0x200, upper: d.upper)
        try writeSupervisor(gdtr.base &+ UInt64(selector & 0xFFF8) &+ 4, size: 4, UInt64(busy.high))
        tr = busy.segment(selector: selector)
    }

    /// The descriptor a LAR/LSL/VERR/VERW may look at, or nil when the selector
    /// is null, outside its table, or not visible at the CPL and RPL (conforming
    /// code segments are visible from any level).
    func visibleDescriptor(_ selector: UInt16) throws(Fault) -> Descriptor? {
        if selector & 0xFFFC == 0 { return nil }
        let d: Descriptor
        do throws(Fault) {
            d = try readDescriptor(selector)
        } catch {
            if error.vector == Fault.generalProtection && error.errorCode == UInt32(selector & 0xFFFC) { return nil }
            throw error
        }
        let conformingCode = d.isCode && d.conformingOrExpandDown
        if !conformingCode && (d.dpl < cpl || d.dpl < Int(selector & 3)) { return nil }
        return d
    }

    func verify(_ selector: UInt16, write: Bool) throws(Fault) -> Bool {
        guard let d = try visibleDescriptor(selector), d.isCodeOrData else { return false }
        return write ? d.isData && d.readableOrWritable : d.isData || d.readableOrWritable
    }

    /// The system descriptor types LAR (`forLimit` false) or LSL reports (SDM
    /// Vol. 2 LAR, LSL): LDTs and TSSs, and for LAR call and task gates, not
    /// interrupt or trap gates. IA-32e mode knows only the LDT, the 64-bit TSS
    /// and (for LAR) the 64-bit call gate, whose upper type field must be 0.
    func reportsSystemDescriptor(_ d: Descriptor, forLimit: Bool) -> Bool {
        let valid: UInt32
        if longMode {
            valid = 1 << 2 | 1 << 9 | 1 << 11 | (forLimit ? 0 : 1 << 12)
            if d.upper >> 40 & 0x1F != 0 { return false }
        } else {
            valid = 1 << 1 | 1 << 2 | 1 << 3 | 1 << 9 | 1 << 11 | (forLimit ? 0 : 1 << 4 | 1 << 5 | 1 << 12)
        }
        return valid >> UInt32(d.type) & 1 != 0
    }

    /// LAR (0F 02): the access rights of segments and of LDT, TSS, call and task gates.
    func loadAccessRights(_ i: DecodedInstruction) throws(Fault) {
        guard selectorMode else { throw Fault.ud }
        let selector = UInt16(truncatingIfNeeded: try readRM(i, size: 2))
        guard let d = try visibleDescriptor(selector), d.isCodeOrData || reportsSystemDescriptor(d, forLimit: false) else {
            flags.setStatus(LazyFlags.zf, 0)
            return
        }
        setReg(i.reg, size: i.operandSize, UInt64(d.high & (i.operandSize == 2 ? 0xFF00 : 0x00FF_FF00)))
        flags.setStatus(LazyFlags.zf, LazyFlags.zf)
    }

    /// LSL (0F 03): the byte-granular limit of segments, LDTs and TSSs.
    func loadSegmentLimit(_ i: DecodedInstruction) throws(Fault) {
        guard selectorMode else { throw Fault.ud }
        let selector = UInt16(truncatingIfNeeded: try readRM(i, size: 2))
        guard let d = try visibleDescriptor(selector), d.isCodeOrData || reportsSystemDescriptor(d, forLimit: true) else {
            flags.setStatus(LazyFlags.zf, 0)
            return
        }
        setReg(i.reg, size: i.operandSize, UInt64(d.limit) & CPU.mask(i.operandSize))
        flags.setStatus(LazyFlags.zf, LazyFlags.zf)
    }

    /// ARPL (63): raises the destination selector's RPL to the source's.
    func adjustRPL(_ i: DecodedInstruction) throws(Fault) {
        guard selectorMode else { throw Fault.ud }
        let source = get16(i.reg) & 3
        var changed = false
        try modifyRM(i, size: 2) { d in
            guard UInt16(d & 3) < source else { return nil }
            changed = true
            return (d & ~3) | UInt64(source)
        }
        flags.setStatus(LazyFlags.zf, changed ? LazyFlags.zf : 0)
    }
}
