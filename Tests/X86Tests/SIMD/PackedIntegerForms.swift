// The encoding forms of the MMX, SSE2 and SSSE3 integer instructions (SDM
// Vol. 2 Tables) and a generator of random cases for them: edge
// lane values, shift counts near the lane widths, random registers with and
// without REX, register and memory operands, and now and then a misaligned
// 16-byte operand.

import XCTest
@testable import X86

/// One encoding of a packed-integer instruction.
struct PackedForm {
    enum Operand { case mmx, xmm, gpr }
    /// The mandatory prefix, or with a redundant 66 the two of them.
    var prefixes: [UInt8]
    var opcode: [UInt8]
    /// The ModR/M reg operand; unused when `group` is set.
    var reg: Operand
    var rm: Operand
    /// The ModR/M reg field of a group opcode (0F 71-73).
    var group: Int?
    /// The memory operand's size in bytes; 0 for a register-only form.
    var memorySize: Int
    var immediate: Bool
    /// The source is a shift count (PSRLW xmm, xmm/m128 and the like).
    var shiftCount = false

    var name: String {
        let map = opcode.count == 2 ? 0x100 : opcode[1] == 0x38 ? 0x200 : 0x300
        let mnemonic = OpcodeTable.mnemonic(index: map | Int(opcode[opcode.count - 1]), reg: group ?? 0)
        return (prefixes + opcode).map { String(format: "%02X", $0) }.joined(separator: " ")
            + (group.map { " /\($0)" } ?? "") + " " + mnemonic + (prefixes.isEmpty ? " (MMX)" : "")
    }
}

enum PackedForms {
    static let shiftByRegister: Set<UInt8> = [0xD1, 0xD2, 0xD3, 0xE1, 0xE2, 0xF1, 0xF2, 0xF3]

    /// Every form the brief lists: the MMX and 66 forms of the two-operand
    /// opcodes, the 66-only ones, the shuffles, the shift groups, PINSRW,
    /// PEXTRW, PMOVMSKB and the SSSE3 maps.
    static let all: [PackedForm] = {
        var forms: [PackedForm] = []
        func both(_ opcode: [UInt8], mmxMemory: Int = 8, immediate: Bool = false, shiftCount: Bool = false) {
            forms.append(PackedForm(prefixes: [], opcode: opcode, reg: .mmx, rm: .mmx, memorySize: mmxMemory,
                                    immediate: immediate, shiftCount: shiftCount))
            forms.append(PackedForm(prefixes: [0x66], opcode: opcode, reg: .xmm, rm: .xmm, memorySize: 16,
                                    immediate: immediate, shiftCount: shiftCount))
        }
        let twoOperand: [ClosedRange<UInt8>] = [0x60...0x6B, 0x74...0x76, 0xD1...0xD5, 0xD8...0xE5, 0xE8...0xEF, 0xF1...0xF6, 0xF8...0xFE]
        for range in twoOperand {
            for op in range {
                both([0x0F, op], mmxMemory: op <= 0x62 ? 4 : 8, shiftCount: shiftByRegister.contains(op))
            }
        }
        for op: UInt8 in [0x6C, 0x6D] {
            forms.append(PackedForm(prefixes: [0x66], opcode: [0x0F, op], reg: .xmm, rm: .xmm, memorySize: 16, immediate: false))
        }
        both([0x0F, 0x70], immediate: true)
        // F3 and F2 take precedence over a 66 before or after them.
        for prefixes: [UInt8] in [[0xF3], [0xF2], [0x66, 0xF3], [0xF2, 0x66]] {
            forms.append(PackedForm(prefixes: prefixes, opcode: [0x0F, 0x70], reg: .xmm, rm: .xmm, memorySize: 16, immediate: true))
        }
        for (op, extensions) in [(UInt8(0x71), [2, 4, 6]), (0x72, [2, 4, 6]), (0x73, [2, 6])] {
            for ext in extensions {
                forms.append(PackedForm(prefixes: [], opcode: [0x0F, op], reg: .mmx, rm: .mmx, group: ext, memorySize: 0, immediate: true))
                forms.append(PackedForm(prefixes: [0x66], opcode: [0x0F, op], reg: .xmm, rm: .xmm, group: ext, memorySize: 0, immediate: true))
            }
        }
        for ext in [3, 7] {
            forms.append(PackedForm(prefixes: [0x66], opcode: [0x0F, 0x73], reg: .xmm, rm: .xmm, group: ext, memorySize: 0, immediate: true))
        }
        for (prefixes, kind) in [([UInt8](), PackedForm.Operand.mmx), ([0x66], .xmm)] {
            forms.append(PackedForm(prefixes: prefixes, opcode: [0x0F, 0xC4], reg: kind, rm: .gpr, memorySize: 2, immediate: true))
            forms.append(PackedForm(prefixes: prefixes, opcode: [0x0F, 0xC5], reg: .gpr, rm: kind, memorySize: 0, immediate: true))
            forms.append(PackedForm(prefixes: prefixes, opcode: [0x0F, 0xD7], reg: .gpr, rm: kind, memorySize: 0, immediate: false))
        }
        for op in Array(UInt8(0x00)...0x0B) + [0x1C, 0x1D, 0x1E] { both([0x0F, 0x38, op]) }
        both([0x0F, 0x3A, 0x0F], immediate: true)
        return forms
    }()
}

/// Random cases for one form.
struct PackedCaseGenerator {
    var rng: DiffRandom

    /// A quadword of lanes of one random width, each an edge value (0, 1, -1,
    /// the most negative and most positive, one past them) or random; now and
    /// then a wholly random quadword.
    mutating func quadword() -> UInt64 {
        if rng.chance(15) { return rng.next() }
        let bits = rng.pick([8, 16, 32, 64])
        let mask = bits == 64 ? UInt64.max : (UInt64(1) << UInt64(bits)) - 1
        let top = UInt64(1) << UInt64(bits - 1)
        var r: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: bits) {
            let v: UInt64
            switch rng.below(9) {
            case 0: v = 0
            case 1: v = 1
            case 2: v = mask
            case 3: v = top
            case 4: v = top - 1
            case 5: v = top + 1
            case 6: v = mask - 1
            default: v = rng.next() & mask
            }
            r |= v << UInt64(shift)
        }
        return r
    }

    /// A shift count: small, near a lane width, with high bits set, or random.
    mutating func shiftCount() -> UInt64 {
        switch rng.below(6) {
        case 0: return UInt64(rng.below(20))
        case 1: return UInt64(rng.pick([7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 255, 256]))
        case 2: return UInt64(1) << UInt64(32 + rng.below(32)) | UInt64(rng.below(8))
        case 3: return rng.next()
        default: return UInt64(rng.below(70))
        }
    }

    /// An immediate byte for the form: a count near the lane widths for the
    /// shifts and PALIGNR, else random.
    mutating func immediate(_ form: PackedForm) -> UInt8 {
        if form.group != nil || form.opcode == [0x0F, 0x3A, 0x0F] {
            if rng.chance(20) { return UInt8(truncatingIfNeeded: rng.next()) }
            return UInt8(truncatingIfNeeded: rng.chance(50) ? shiftCount() : UInt64(rng.below(40)))
        }
        return UInt8(truncatingIfNeeded: rng.next())
    }

    /// A ModR/M field and its REX bit naming a register of `kind` that the
    /// native runner leaves to the instruction.
    mutating func register(_ kind: PackedForm.Operand, rex: Bool) -> (field: Int, rexBit: Int) {
        while true {
            let field = rng.below(8), rexBit = rex ? rng.below(2) : 0
            if kind != .gpr || !SIMDReserved.registers.contains(field | rexBit << 3) { return (field, rexBit) }
        }
    }

    mutating func makeCase(_ form: PackedForm, memory: Bool) -> SIMDCase {
        var state = SIMDState()
        for k in 0..<16 { state.xmm[k] = Vector128(low: quadword(), high: quadword()) }
        for k in 0..<8 { state.mm[k] = quadword() }
        for k in 0..<16 { state.gpr[k] = quadword() }
        for k in 0..<8 {
            let q = quadword()
            for j in 0..<8 { state.memory[8 * k + j] = UInt8(truncatingIfNeeded: q >> UInt64(8 * j)) }
        }
        let useREX = rng.chance(50)
        let reg = register(form.reg, rex: useREX)
        let rm = register(form.rm, rex: useREX)
        let regField = form.group ?? reg.field
        var rex = useREX ? 0x40 | rng.below(16) : 0
        if useREX {
            rex = rex & ~5 | reg.rexBit << 2 | (memory ? rng.below(2) : rm.rexBit)
        }
        var code: [UInt8] = []
        code += form.prefixes
        if useREX { code.append(UInt8(rex)) }
        code += form.opcode
        var rebased = false
        var memoryOffset = 0
        if memory {
            // [RSI] or [R14] (by REX.B), with or without a disp8.
            let size = form.memorySize
            if size == 16 && !rng.chance(15) {
                memoryOffset = 16 * rng.below(4)
            } else {
                memoryOffset = rng.below(64 - size + 1)
            }
            if rng.chance(50) {
                code.append(UInt8(regField << 3 | 6))
                state.gpr[6] = UInt64(memoryOffset)
            } else {
                let disp = rng.below(min(memoryOffset, 100) + 9) - 8
                code.append(UInt8(0x40 | regField << 3 | 6))
                code.append(UInt8(truncatingIfNeeded: disp))
                state.gpr[6] = UInt64(bitPattern: Int64(memoryOffset - disp))
            }
            state.gpr[14] = state.gpr[6]
            rebased = true
        } else {
            code.append(UInt8(0xC0 | regField << 3 | rm.field))
        }
        if form.immediate { code.append(immediate(form)) }
        if form.shiftCount {
            let count = shiftCount()
            if memory {
                for j in 0..<8 { state.memory[memoryOffset + j] = UInt8(truncatingIfNeeded: count >> UInt64(8 * j)) }
            } else if form.rm == .xmm {
                state.xmm[rm.field | (rex & 1) << 3].low = count
            } else {
                state.mm[rm.field] = count
            }
        }
        return SIMDCase(code: code, rebased: rebased, state: state)
    }
}
