/// One generated instruction of a SIMD differential case.
struct SIMDInstruction {
    var form: SIMDForm
    var bytes: [UInt8]
    var text: String
    /// The register the ModRM reg field names (XMM, MMX or general), -1 for none.
    var regIndex: Int
    /// The register r/m names when it is one, nil for memory or none.
    var rmRegister: Int?
    /// The data-buffer offset of a memory operand.
    var memoryOffset: Int?
    /// FCOMI/FCOMIP/FUCOMI/FUCOMIP that raises #IA (a NaN or unsupported
    /// operand; for FUCOMI an SNaN), known when no earlier instruction of the
    /// case touched the x87 registers.
    var raisesInvalidArithmetic = false
    /// The generator meant this instruction to raise #GP(0) with a misaligned
    /// 16-byte operand. (LDMXCSR of reserved bits may raise it too: an
    /// operand of a later instruction may overlap the value planted.)
    var expectsGP = false
}

/// One case: an initial state, a block of one to four instructions, and the
/// class it counts under (a class name, or "mixed").
struct SIMDBlockCase {
    var label: String
    var registers: [UInt64]
    var rflags: UInt32
    var state: FXSaveImage
    var data: [UInt8]
    var instructions: [SIMDInstruction]
    /// The whole block (`SIMDHarness.block`).
    var code: [UInt8]
    /// Where each instruction starts, as an offset into `code`, and where the epilogue starts.
    var starts: [Int]
    /// The x87 condition codes the SDM leaves undefined after k instructions, at index k.
    var conditionCodes: [X87ConditionCodeTracker] = [X87ConditionCodeTracker()]
}

/// Builds random cases from the form tables (SIMDForms*.swift) for the enabled
/// classes: a random FXSAVE image, general registers, RFLAGS and data buffer,
/// then instructions whose register and memory operands get values of the kind
/// each form reads. Memory operands go through a base register that points at
/// the data buffer plus 128 (disp8 reaches its first 256 bytes), or are
/// RIP-relative, or absolute, at the same addresses on both sides.
struct SIMDGenerator {
    var values: SIMDValues
    let classes: [SIMDClass]
    /// Per class, and for mixed cases, all forms and those that may share a case.
    let pools: [SIMDClass: (all: [SIMDForm], sharing: [SIMDForm])]
    let mixedPool: (all: [SIMDForm], sharing: [SIMDForm])

    static var allForms: [SIMDForm] {
        SIMDFormsX87.all + SIMDFormsMMX.all + SIMDFormsSSE.sse + SIMDFormsSSE.sse2 + SIMDFormsSSE.sse3 + SIMDFormsSSE.ssse3
    }

    init(seed: UInt64, classes: [SIMDClass]) {
        values = SIMDValues(rng: DiffRandom(seed: seed))
        self.classes = classes
        let forms = SIMDGenerator.allForms
        var pools: [SIMDClass: (all: [SIMDForm], sharing: [SIMDForm])] = [:]
        for c in classes {
            let all = forms.filter { $0.simdClass == c }
            pools[c] = (all, all.filter { !$0.alone })
        }
        self.pools = pools
        let mixed = forms.filter { classes.contains($0.simdClass) }
        mixedPool = (mixed, mixed.filter { !$0.alone })
    }

    static let dataBase = SIMDHarness.dataBase
    static let dataSize = SIMDHarness.dataSize
    /// RAX (FNSTSW AX), RSP and RDI (MASKMOVQ's pointer) are never the base.
    static let bases = [1, 2, 3, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15]

    mutating func makeCase() -> SIMDBlockCase {
        var rng: DiffRandom {
            get { values.rng }
            set { values.rng = newValue }
        }
        let mixed = classes.count > 1 && rng.chance(15)
        let simdClass = rng.pick(classes)
        let pool = mixed ? mixedPool : pools[simdClass]!
        // The forms; none that stores the status word while condition codes are undefined.
        var forms = [rng.pick(pool.all)]
        var tracker = X87ConditionCodeTracker()
        var trackers = [tracker]
        tracker.apply(X87FlagsAffected.of(forms[0]))
        trackers.append(tracker)
        if !forms[0].alone {
            for _ in 0..<rng.below(4) {
                var form = rng.pick(pool.sharing)
                for _ in 0..<8 where X87FlagsAffected.storesStatusWord.contains(form.name)
                    && (tracker.undefined != 0 || tracker.c1ZeroOrKept) {
                    form = rng.pick(pool.sharing)
                }
                if X87FlagsAffected.storesStatusWord.contains(form.name) && (tracker.undefined != 0 || tracker.c1ZeroOrKept) { break }
                forms.append(form)
                tracker.apply(X87FlagsAffected.of(form))
                trackers.append(tracker)
            }
        }

        let base = rng.pick(SIMDGenerator.bases)
        var c = SIMDBlockCase(label: mixed ? "mixed" : simdClass.rawValue, registers: [], rflags: rng.u32() & 0x8D5 | 2,
                         state: randomState(), data: (0..<SIMDGenerator.dataSize / 8).flatMap { _ in values.lanes(.raw, count: 8) },
                         instructions: [], code: SIMDHarness.prologue, starts: [], conditionCodes: trackers)
        c.registers = (0..<16).map { _ in values.integer64() }
        c.registers[4] = 0
        c.registers[base] = SIMDGenerator.dataBase + 128
        c.registers[7] = SIMDGenerator.dataBase + UInt64(16 * rng.below(SIMDGenerator.dataSize / 16 - 1))

        var written = Set<String>()
        var sawX87 = false
        for form in forms {
            let address = SIMDHarness.codeBase + UInt64(c.code.count)
            let insn = instruction(form, at: address, base: base, into: &c, written: &written, firstX87: !sawX87)
            if form.simdClass == .x87 || form.opcode.first.map({ $0 >= 0xD8 && $0 <= 0xDF }) == true { sawX87 = true }
            c.starts.append(c.code.count)
            c.code += insn.bytes
            c.instructions.append(insn)
        }
        c.starts.append(c.code.count)
        c.code += SIMDHarness.epilogue
        markInvalidComparisons(&c)
        return c
    }

    static let flagComparisons: Set<String> = ["fcomi", "fcomip", "fucomi", "fucomip"]

    /// Sets `raisesInvalidArithmetic` on the FCOMI family before which nothing
    /// touched the x87 registers (SDM Vol. 2A, FCOMI/FCOMIP/FUCOMI/FUCOMIP, #IA).
    func markInvalidComparisons(_ c: inout SIMDBlockCase) {
        for k in c.instructions.indices {
            let form = c.instructions[k].form
            if SIMDGenerator.flagComparisons.contains(form.name), let i = c.instructions[k].rmRegister {
                let state = c.state
                func full(_ slot: Int) -> Bool { state.ftw >> UInt8((state.top + slot) & 7) & 1 != 0 }
                let unordered = form.name.hasPrefix("fcomi")
                func invalid(_ v: Float80Bits) -> Bool {
                    if v.exponent != 0 && !v.integerBit { return true }   // unnormal, pseudo-infinity, pseudo-NaN
                    let nan = v.exponent == 0x7FFF && v.significand << 1 != 0
                    return nan && (unordered || v.significand >> 62 & 1 == 0)
                }
                c.instructions[k].raisesInvalidArithmetic = full(0) && full(i) && (invalid(state.st(0)) || invalid(state.st(i)))
            }
            if form.simdClass == .x87 || form.name == "fisttp" || form.name == "emms" { return }
            if case .mm = form.reg { return }
            switch form.rm {
            case .mm, .mmOrMem: return
            default: break
            }
        }
    }

    /// A random FXSAVE image: x87 registers of every class with random tags and
    /// TOP, a random control word, a consistent status word, canonical
    /// pointers, a random MXCSR and XMM registers of random lane kinds.
    mutating func randomState() -> FXSaveImage {
        var s = FXSaveImage()
        let top = values.rng.below(8)
        s.fcw = values.controlWord()
        s.fsw = values.statusWord(top: top, controlWord: s.fcw)
        let fill = values.rng.below(10)
        var tags: UInt8 = 0
        for r in 0..<8 {
            let full = fill == 0 ? false : fill == 1 ? true : !values.rng.chance(25)
            if full { tags |= 1 << UInt8(r) }
        }
        s.ftw = tags
        for i in 0..<8 { s.setST(i, values.float80()) }
        s.fop = UInt16(values.rng.below(0x800))
        s.fip = values.canonical()
        s.fdp = values.canonical()
        s.mxcsr = values.mxcsr()
        let kinds: [SIMDLane] = [.ps, .pd, .ss, .sd, .i8, .i16, .i32, .i64, .raw]
        for i in 0..<16 { s.setXMM(i, values.lanes(values.rng.pick(kinds), count: 16)) }
        return s
    }

    // MARK: One instruction

    static let gprNames64 = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"]
    static let gprNames32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"]

    /// Opcodes whose r/m operand is the destination, for the listing.
    static func rmIsDestination(_ form: SIMDForm) -> Bool {
        guard form.opcode.first == 0x0F, form.opcode.count == 2 else { return false }
        switch form.opcode[1] {
        case 0x11, 0x13, 0x17, 0x29, 0x2B, 0x7F, 0xE7, 0xC3: return true
        case 0x7E: return form.prefix != 0xF3
        case 0xD6: return form.prefix == 0x66
        default: return false
        }
    }

    mutating func instruction(_ form: SIMDForm, at address: UInt64, base: Int, into c: inout SIMDBlockCase,
                              written: inout Set<String>, firstX87: Bool) -> SIMDInstruction {
        var rng: DiffRandom {
            get { values.rng }
            set { values.rng = newValue }
        }
        let w = form.rexW ?? rng.chance(8)
        let gprChoices = (0..<16).filter { $0 != 4 && $0 != 7 && $0 != base }
        var rexR = false, rexB = false, rexX = false
        var regText = "", rmText = ""
        var regIndex = -1

        func gprName(_ r: Int) -> String { w ? SIMDGenerator.gprNames64[r] : SIMDGenerator.gprNames32[r] }

        // The reg field.
        var regField: UInt8 = 0
        switch form.reg {
        case .xmm(let lane):
            regIndex = rng.below(16)
            fillXMM(regIndex, lane, &c, &written)
            regText = "xmm\(regIndex)"
        case .mm(let lane):
            regIndex = rng.below(8)
            fillMM(regIndex, lane, &c, &written)
            regText = "mm\(regIndex)"
            rexR = rng.chance(5)   // REX.R does not apply to MMX registers (SDM Vol. 2A §2.2.1.2)
        case .gpr:
            regIndex = rng.pick(gprChoices)
            regText = gprName(regIndex)
        case .digit(let d):
            regField = d
            rexR = rng.chance(5)
        }
        if regIndex >= 0 {
            regField = UInt8(regIndex & 7)
            if regIndex >= 8 { rexR = true }
        }

        // The r/m field: a register or memory.
        var modrm: UInt8? = nil
        var sib: UInt8? = nil
        var displacement: [UInt8] = []
        var ripRelativeTarget: UInt64? = nil
        var rmRegister: Int? = nil
        var memoryOffset: Int? = nil
        let useMemory: Bool
        switch form.rm {
        case .mem: useMemory = true
        case .xmmOrMem, .mmOrMem, .gprOrMem: useMemory = rng.chance(50)
        default: useMemory = false
        }
        var expectsGP = false
        if useMemory, let memory = form.rm.memory {
            let offset = memoryOffsetFor(memory)
            memoryOffset = offset
            expectsGP = memory.aligned && offset % 16 != 0
            fillMemory(memory, at: offset, &c)
            let mode = rng.below(100)
            let size = SIMDGenerator.sizeName(memory.size)
            if mode < 70 && offset <= 255 {
                modrm = 0x40 | regField << 3 | UInt8(base & 7)
                if base & 7 == 4 { sib = 0x24 }
                displacement = [UInt8(truncatingIfNeeded: offset - 128)]
                rexB = base >= 8
                rmText = "\(size)[\(SIMDGenerator.gprNames64[base])\(SIMDGenerator.signed(offset - 128))]"
            } else if mode < 80 {
                modrm = 0x80 | regField << 3 | UInt8(base & 7)
                if base & 7 == 4 { sib = 0x24 }
                displacement = SIMDHarness.littleEndian(UInt32(bitPattern: Int32(offset - 128)))
                rexB = base >= 8
                rmText = "\(size)[\(SIMDGenerator.gprNames64[base])\(SIMDGenerator.signed(offset - 128))] (disp32)"
            } else if mode < 92 {
                modrm = 0x00 | regField << 3 | 5
                ripRelativeTarget = SIMDGenerator.dataBase + UInt64(offset)
                displacement = [0, 0, 0, 0]
                rmText = "\(size)[rip -> 0x\(String(SIMDGenerator.dataBase + UInt64(offset), radix: 16))]"
            } else {
                modrm = 0x00 | regField << 3 | 4
                sib = 0x25
                displacement = SIMDHarness.littleEndian(UInt32(SIMDGenerator.dataBase) + UInt32(offset))
                rmText = "\(size)[0x\(String(SIMDGenerator.dataBase + UInt64(offset), radix: 16))]"
            }
            rexX = sib == nil && rng.chance(5)
        } else {
            switch form.rm {
            case .xmm(let lane), .xmmOrMem(let lane, _):
                let r = rng.below(16)
                fillXMM(r, lane, &c, &written)
                rmRegister = r
                rmText = "xmm\(r)"
                rexB = r >= 8
            case .mm(let lane), .mmOrMem(let lane, _):
                let r = rng.below(8)
                fillMM(r, lane, &c, &written)
                rmRegister = r
                rmText = "mm\(r)"
                rexB = rng.chance(5)
            case .gpr, .gprOrMem:
                let r = rng.pick(gprChoices)
                rmRegister = r
                rmText = gprName(r)
                rexB = r >= 8
            case .st:
                let r = rng.below(8)
                rmRegister = r
                rmText = "st(\(r))"
                rexB = rng.chance(5)   // nor to ST(i)
            case .none, .mem:
                break
            }
            if let r = rmRegister { modrm = 0xC0 | regField << 3 | UInt8(r & 7) }
            if form.rm != .none { rexX = rng.chance(5) }
        }

        if form.simdClass == .x87 || form.x87Input != .any, firstX87 { fillStackTop(form.x87Input, &c) }

        // Immediate.
        var immediate: [UInt8] = []
        switch form.immediate {
        case .none: break
        case .byte: immediate = [UInt8(truncatingIfNeeded: rng.next())]
        case .predicate: immediate = [UInt8(rng.below(8))]
        case .below(let n): immediate = [rng.chance(90) ? UInt8(rng.below(Int(n))) : UInt8(truncatingIfNeeded: rng.next())]
        case .shift(let bits):
            immediate = [rng.chance(85) ? UInt8(rng.below(bits == 128 ? 18 : bits + 2)) : UInt8(truncatingIfNeeded: rng.next())]
        }

        // REX: W as the form needs, R/X/B for the registers, and now and then bits that do not apply.
        if form.rm == .none { rexR = false; rexB = false; rexX = form.opcode != [0x9B] && rng.chance(3) }
        var rex: UInt8 = 0x40 | (w ? 8 : 0) | (rexR ? 4 : 0) | (rexX ? 2 : 0) | (rexB ? 1 : 0)
        if form.opcode == [0x9B] { rex = 0x40 }
        let emitRex = rex != 0x40 || (form.opcode != [0x9B] && rng.chance(3))

        var bytes: [UInt8] = []
        if let p = form.prefix { bytes.append(p) }
        if emitRex { bytes.append(rex) }
        bytes += form.opcode
        if let m = modrm { bytes.append(m) }
        if let s = sib { bytes.append(s) }
        let displacementAt = bytes.count
        bytes += displacement
        bytes += immediate
        if let target = ripRelativeTarget {
            let next = address &+ UInt64(bytes.count)
            let d = SIMDHarness.littleEndian(UInt32(truncatingIfNeeded: target &- next))
            for k in 0..<4 { bytes[displacementAt + k] = d[k] }
        }

        var operands: [String] = []
        if form.rm == .st {
            let text = form.name.contains("st(i)") ? form.name.replacingOccurrences(of: "st(i)", with: rmText) : form.name + " " + rmText
            return SIMDInstruction(form: form, bytes: bytes, text: text, regIndex: regIndex, rmRegister: rmRegister,
                                   memoryOffset: memoryOffset, expectsGP: expectsGP)
        }
        if !regText.isEmpty { operands.append(regText) }
        if !rmText.isEmpty {
            if SIMDGenerator.rmIsDestination(form) { operands.insert(rmText, at: 0) } else { operands.append(rmText) }
        }
        if let i = immediate.first { operands.append("0x" + String(i, radix: 16)) }
        let text = form.name + (operands.isEmpty ? "" : " " + operands.joined(separator: ", "))
        return SIMDInstruction(form: form, bytes: bytes, text: text, regIndex: regIndex, rmRegister: rmRegister,
                               memoryOffset: memoryOffset, expectsGP: expectsGP)
    }

    static func signed(_ v: Int) -> String { v < 0 ? "-0x" + String(-v, radix: 16) : "+0x" + String(v, radix: 16) }

    static func sizeName(_ size: Int) -> String {
        switch size {
        case 1: return "byte "
        case 2: return "word "
        case 4: return "dword "
        case 8: return "qword "
        case 10: return "tword "
        case 16: return "xmmword "
        default: return ""
        }
    }

    /// An offset for a memory operand: 16-byte aligned where required, except
    /// now and then (which must raise #GP(0)); otherwise mostly naturally aligned.
    mutating func memoryOffsetFor(_ m: SIMDMemory) -> Int {
        let limit = SIMDGenerator.dataSize - m.size
        func rng(_ n: Int) -> Int { values.rng.below(n) }
        let lowHalf = values.rng.chance(75)
        let range = lowHalf ? min(limit, 255) : limit
        if m.aligned {
            let offset = 16 * rng(range / 16 + 1)
            return values.rng.chance(4) ? min(offset + 1 + rng(15), limit) : offset
        }
        let natural = m.size >= 16 ? 16 : m.size >= 8 ? 8 : m.size >= 4 ? 4 : m.size >= 2 ? 2 : 1
        return values.rng.chance(60) ? natural * rng(range / natural + 1) : rng(range + 1)
    }

    /// Puts a value of the operand's kind at `offset`.
    mutating func fillMemory(_ m: SIMDMemory, at offset: Int, _ c: inout SIMDBlockCase) {
        var bytes: [UInt8]
        func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
        func f80(_ v: Float80Bits) -> [UInt8] { le(v.significand, 8) + le(UInt64(v.signExponent), 2) }
        switch m.value {
        case .raw: return
        case .f32: bytes = le(UInt64(values.float32()), 4)
        case .f64: bytes = le(values.float64(), 8)
        case .f80: bytes = f80(values.float80())
        case .i16: bytes = le(UInt64(values.integer16()), 2)
        case .i32: bytes = le(UInt64(values.integer32()), 4)
        case .i64: bytes = le(values.integer64(), 8)
        case .bcd: bytes = values.bcd()
        case .lanes(let lane): bytes = values.lanes(lane, count: max(m.size, 8))
        case .controlWord: bytes = le(UInt64(values.controlWord()), 2)
        case .mxcsr:
            var v = UInt64(values.mxcsr())
            // Reserved bits: #GP(0). Not bit 17, AMD's misaligned-SSE mode (MM), which this host accepts.
            if values.rng.chance(3) { v |= 1 << UInt64(values.rng.pick([16, 18, 19, 20, 24, 28, 31])) }
            bytes = le(v, 4)
        case .environment(let bits), .saveArea(let bits):
            let cw = values.controlWord()
            let sw = values.statusWord(top: values.rng.below(8), controlWord: cw)
            let tags = values.rng.chance(30) ? 0xFFFF : UInt64(truncatingIfNeeded: values.rng.next()) & 0xFFFF
            let fip = values.rng.next(), fdp = values.rng.next(), fop = UInt64(values.rng.below(0x800))
            if bits == 16 {
                bytes = le(UInt64(cw), 2) + le(UInt64(sw), 2) + le(tags, 2) + le(fip, 2) + le(fop, 2) + le(fdp, 2) + le(fdp >> 16, 2)
            } else {
                bytes = le(UInt64(cw) | 0xFFFF_0000, 4) + le(UInt64(sw) | 0xFFFF_0000, 4) + le(tags | 0xFFFF_0000, 4)
                    + le(fip, 4) + le(fip >> 32 & 0xFFFF | fop << 16, 4) + le(fdp, 4) + le(fdp >> 32 & 0xFFFF, 4)
            }
            if case .saveArea = m.value {
                for _ in 0..<8 { bytes += f80(values.float80()) }
            }
        }
        for (k, b) in bytes.prefix(m.size).enumerated() { c.data[offset + k] = b }
    }

    /// Gives a source XMM register values of the form's lane kind, unless an
    /// earlier instruction of the case wrote it.
    mutating func fillXMM(_ r: Int, _ lane: SIMDLane, _ c: inout SIMDBlockCase, _ written: inout Set<String>) {
        guard written.insert("xmm\(r)").inserted, lane != .raw || values.rng.chance(30), values.rng.chance(75) else { return }
        c.state.setXMM(r, values.lanes(lane, count: 16))
    }

    /// The same for MMi: the significand of physical x87 register i.
    mutating func fillMM(_ r: Int, _ lane: SIMDLane, _ c: inout SIMDBlockCase, _ written: inout Set<String>) {
        guard written.insert("mm\(r)").inserted, values.rng.chance(75) else { return }
        let slot = c.state.slot(ofPhysical: r)
        var v = c.state.st(slot)
        let bytes = values.lanes(lane, count: 8)
        v.significand = (0..<8).reduce(0) { $0 | UInt64(bytes[$1]) << (8 * UInt64($1)) }
        c.state.setST(slot, v)
    }

    /// ST(0) for the case's first x87 instruction: in the range the form is
    /// defined for, and mostly not empty.
    mutating func fillStackTop(_ input: X87Input, _ c: inout SIMDBlockCase) {
        var rng: DiffRandom {
            get { values.rng }
            set { values.rng = newValue }
        }
        let top = c.state.top
        let sign: UInt16 = rng.chance(50) ? 0x8000 : 0
        let j: UInt64 = 1 << 63
        var v: Float80Bits
        switch input {
        case .any: return
        case .integer:
            v = rng.chance(70) ? values.integerEdge80() : values.float80()
        case .f2xm1:
            switch rng.below(10) {
            case 0: v = Float80Bits(significand: j, signExponent: sign | 0x3FFF)   // ±1
            case 1: v = Float80Bits(significand: 0, signExponent: sign)
            case 2: v = Float80Bits(significand: rng.next() >> UInt64(1 + rng.below(63)), signExponent: sign)
            default: v = Float80Bits(significand: j | rng.next() >> 1, signExponent: sign | UInt16(0x3FFE - rng.below(rng.chance(80) ? 8 : 80)))
            }
        case .fyl2xp1:
            switch rng.below(10) {
            case 0: v = Float80Bits(significand: 0, signExponent: sign)
            case 1: v = Float80Bits(significand: j | rng.next() >> 4, signExponent: sign | 0x3FFD)   // 0.25 to 0.2813
            default: v = Float80Bits(significand: j | rng.next() >> 1, signExponent: sign | UInt16(0x3FFC - rng.below(rng.chance(80) ? 8 : 80)))
            }
        case .trig:
            switch rng.below(20) {
            case 0..<13:
                // |x| <= pi/4: significand below pi/4's at exponent 3FFEh.
                let e = 0x3FFE - rng.below(rng.chance(80) ? 6 : 60)
                var s = j | rng.next() >> 1
                if e == 0x3FFE { s = min(s, 0xC90F_DAA2_2168_C234) }
                v = Float80Bits(significand: s, signExponent: sign | UInt16(e))
            case 13..<16: v = Float80Bits(significand: j | rng.next() >> 1, signExponent: sign | UInt16(0x3FFF + rng.below(12)))
            default: v = values.float80()
            }
        }
        c.state.setST(0, v)
        // Mostly valid; an empty ST(0) is a stack underflow, defined too.
        if rng.chance(92) { c.state.ftw |= 1 << UInt8(top) } else { c.state.ftw &= ~(1 << UInt8(top)) }
        if input == .fyl2xp1 || rng.chance(80) { c.state.ftw |= 1 << UInt8((top + 1) & 7) }
    }
}
