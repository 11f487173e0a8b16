@testable import X86

/// Compares the host's and SwiftPC's outcome of one SIMD case field by field:
/// the fault (vector, where, error code), the general registers but RSP, the
/// status flags and DF of RFLAGS, the FXSAVE image and the data buffer.
///
/// Not compared, each for a reason the manuals give:
/// - FOP, FIP and FDP in the FXSAVE image when the host is an AMD processor
///   and its image shows no pending exception (FSW.ES = 0): AMD's FXSAVE then
///   stores them as zero (AMD APM Vol. 5, FXSAVE: "FXSAVE saves the x87
///   error pointers only when an exception is pending"; seen on this host,
///   whose CPUID claims XSaveErPtr all the same). FNSTENV and FNSAVE store them
///   always, and those stores are compared with the data buffer.
/// - MXCSR_MASK bits 31:16: the mask is the processor's (SDM Vol. 1 §11.6.6);
///   AMD sets bit 17 for its misaligned-SSE mode, which the SDM does not have.
/// - The reserved bytes of the image (bytes 10-15 of each ST slot, 416-511):
///   SDM Vol. 2A, FXSAVE, Table 3-55 ("Reserved", "Available").
/// - RSP: the host's is its C stack.
/// Tolerances: the transcendental forms' ST registers may differ by one unit in
/// the last place (SDM Vol. 1 §8.3.10), C1 (rounded up) with them, and PE when
/// the results differ or the host reports an exact result inexact, with ES and
/// B when PE is unmasked; the reciprocal
/// approximations' lanes must each be within 1.5 * 2^-12 of the exact value
/// (SDM Vol. 2B, RCPPS, RCPSS, RSQRTPS, RSQRTSS) on both sides.
enum SIMDComparison {
    /// ST(0) and ST(1) after FSIN, FCOS, FSINCOS or FPTAN of `x` as SoftFloat
    /// computes them reducing by the SDM's 66-bit p; empty for other forms.
    static func trigonometricWithHostPi(_ name: String, _ x: Float80Bits, fcw: UInt16) -> [Float80Bits] {
        let function: X87Arithmetic.TrigonometricFunction
        switch name {
        case "fsin": function = .sine
        case "fcos": function = .cosine
        case "fsincos": function = .sineCosine
        case "fptan": function = .tangent
        default: return []
        }
        var a = X87Arithmetic(control: X87Control(controlWord: fcw))
        guard let r = a.trigonometric(Extended80(signExponent: x.signExponent, significand: x.significand), function, reducingBy: .sdmInternal)
        else { return [] }
        func bits(_ e: Extended80) -> Float80Bits { Float80Bits(significand: e.significand, signExponent: e.signExponent) }
        return function == .sine || function == .cosine ? [bits(r.first)] : [bits(r.second), bits(r.first)]
    }

    static let vectorNames: [UInt8: String] = [0: "#DE", 6: "#UD", 7: "#NM", 13: "#GP", 14: "#PF", 16: "#MF", 17: "#AC", 19: "#XM", 255: "runaway"]
    static func vectorName(_ v: UInt8?) -> String {
        guard let v = v else { return "none" }
        return vectorNames[v] ?? "vector \(v)"
    }
    static let rflagsCompared: UInt32 = 0xCD5   // CF PF AF ZF SF DF OF

    /// Where RIP points in the case's block: "insn k", "prologue", "epilogue" or the address.
    static func place(_ rip: UInt64, in c: SIMDBlockCase) -> String {
        let offset = Int(truncatingIfNeeded: rip &- SIMDHarness.codeBase)
        if offset == 0 { return "the FXRSTOR prologue" }
        let handlers = UInt64(SIMDHarness.handlers)
        if rip >= handlers && rip < handlers + 256 * 16 {
            return "the FXSAVE of SwiftPC's \(vectorName(UInt8((rip - handlers) / 16))) handler"
        }
        if let k = c.starts.firstIndex(of: offset) { return k == c.instructions.count ? "the FXSAVE epilogue" : "insn \(k)" }
        return "0x" + String(rip, radix: 16)
    }

    static func hex(_ v: UInt64, _ digits: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }

    static func xmmText(_ x: (low: UInt64, high: UInt64)) -> String { hex(x.high, 16) + "_" + hex(x.low, 16) }

    /// The differences, one line each; empty when the outcomes match.
    static func differences(_ c: SIMDBlockCase, host: SIMDBlockOutcome, swift: SIMDBlockOutcome, hostVendor: String) -> [String] {
        var out: [String] = []
        if let problem = hostProblem(c, host) { out.append(problem) }
        if host.fault != swift.fault {
            let h = host.fault.map { "\(vectorName($0)) at \(place(host.faultRIP, in: c))" } ?? "none"
            let s = swift.fault.map { "\(vectorName($0)) at \(place(swift.faultRIP, in: c))" } ?? "none"
            return ["fault: host \(h), SwiftPC \(s)"]
        }
        if let v = host.fault {
            if host.faultRIP != swift.faultRIP {
                out.append("\(vectorName(v)) at: host \(place(host.faultRIP, in: c)), SwiftPC \(place(swift.faultRIP, in: c))")
            }
            if LongModeHarness.errorCodeVectors.contains(v) && host.errorCode != swift.errorCode {
                out.append("error code: host \(hex(UInt64(host.errorCode), 4)), SwiftPC \(hex(UInt64(swift.errorCode), 4))")
            }
        }
        for r in 0..<16 where r != 4 && host.registers[r] != swift.registers[r] {
            out.append("\(SIMDGenerator.gprNames64[r]): host \(hex(host.registers[r], 16)), SwiftPC \(hex(swift.registers[r], 16)), before \(hex(c.registers[r], 16))")
        }
        // FCOMI and its kin leave ZF, PF and CF alone when they raise an unmasked
        // #IA (SDM Vol. 2A, FCOMI/FCOMIP/FUCOMI/FUCOMIP, Table 3-22 note); AMD sets them.
        var rflagsMask = rflagsCompared
        let ran = host.fault == nil ? c.instructions.count
            : c.starts.firstIndex(of: Int(truncatingIfNeeded: host.faultRIP &- SIMDHarness.codeBase)) ?? c.instructions.count
        let flagWriters: Set<String> = SIMDGenerator.flagComparisons.union(["comiss", "ucomiss", "comisd", "ucomisd"])
        if let k = c.instructions.prefix(ran).lastIndex(where: { flagWriters.contains($0.form.name) }),
           c.instructions[k].raisesInvalidArithmetic, c.state.fcw & 1 == 0 {
            let zpc: UInt32 = 0x45
            if swift.rflags & zpc == host.rflags & zpc || swift.rflags & zpc == c.rflags & zpc { rflagsMask &= ~zpc }
        }
        if (host.rflags ^ swift.rflags) & rflagsMask != 0 {
            out.append("rflags: host \(hex(UInt64(host.rflags & rflagsCompared), 4)), SwiftPC \(hex(UInt64(swift.rflags & rflagsCompared), 4)), before \(hex(UInt64(c.rflags), 4)) [\(DiffFlags.describe((host.rflags ^ swift.rflags) & rflagsCompared))]")
        }

        guard swift.stateCaptured else { return out }
        let h = host.state, s = swift.state, before = c.state
        // The condition codes the SDM leaves undefined after the instructions that ran (X87FlagsAffected).
        let codes = c.conditionCodes[min(ran, c.conditionCodes.count - 1)]
        var fswIgnored: UInt16 = codes.undefined
        if codes.c1ZeroOrKept && s.fsw & X87FlagsAffected.c1 == 0 { fswIgnored |= X87FlagsAffected.c1 }
        var stTolerated = Set<Int>()
        if c.instructions.count == 1, c.instructions[0].form.tolerance == .transcendental {
            var close = true
            // The host reduces FSIN/FCOS/FSINCOS/FPTAN operands by the SDM's
            // 66-bit p (Vol. 1 §8.3.10), SwiftPC by a 320-bit pi/2: where the two
            // differ by more than an ulp, the host must be within one of
            // SoftFloat reducing by p as the host does.
            let hostModel = SIMDComparison.trigonometricWithHostPi(c.instructions[0].form.name, before.st(0), fcw: before.fcw)
            for i in 0..<8 where h.st(i) != s.st(i) {
                if let d = Float80Bits.ulpDistance(h.st(i), s.st(i)), d <= 1 {
                    stTolerated.insert(i)
                } else if i < hostModel.count, let d = Float80Bits.ulpDistance(h.st(i), hostModel[i]), d <= 1 {
                    stTolerated.insert(i)
                } else {
                    close = false
                }
            }
            if close {
                // C1 tells the rounding direction each side took from its own
                // intermediate value, which may differ even where the results agree.
                fswIgnored |= X87FlagsAffected.c1
                // PE may differ with the results; and AMD reports PE for exact
                // results (F2XM1 of ±1, FYL2X of powers of two), where SwiftPC
                // follows SDM Vol. 2A, "#P Value cannot be represented exactly".
                let pe: UInt16 = 0x20
                if !stTolerated.isEmpty || (h.fsw & pe != 0 && s.fsw & pe == 0) {
                    fswIgnored |= pe
                    if h.fcw & pe == 0 { fswIgnored |= 0x8080 }
                }
            }
        }
        func field(_ name: String, _ hv: UInt64, _ sv: UInt64, _ bv: UInt64, _ digits: Int) {
            if hv != sv { out.append("\(name): host \(hex(hv, digits)), SwiftPC \(hex(sv, digits)), before \(hex(bv, digits))") }
        }
        field("fcw", UInt64(h.fcw), UInt64(s.fcw), UInt64(before.fcw), 4)
        field("fsw", UInt64(h.fsw & ~fswIgnored), UInt64(s.fsw & ~fswIgnored), UInt64(before.fsw), 4)
        field("ftw", UInt64(h.ftw), UInt64(s.ftw), UInt64(before.ftw), 2)
        if h.fsw & 0x80 != 0 || hostVendor != "AuthenticAMD" {
            field("fop", UInt64(h.fop), UInt64(s.fop), UInt64(before.fop), 3)
            field("fip", h.fip, s.fip, before.fip, 16)
            field("fdp", h.fdp, s.fdp, before.fdp, 16)
        }
        field("mxcsr", UInt64(h.mxcsr), UInt64(s.mxcsr), UInt64(before.mxcsr), 8)
        field("mxcsr_mask[15:0]", UInt64(h.mxcsrMask & 0xFFFF), UInt64(s.mxcsrMask & 0xFFFF), 0, 4)
        for i in 0..<8 where h.st(i) != s.st(i) && !stTolerated.contains(i) {
            out.append("st\(i): host \(h.st(i).hex), SwiftPC \(s.st(i).hex), before \(before.st(i).hex)")
        }
        let reciprocal = c.instructions.count == 1 ? c.instructions[0] : nil
        for i in 0..<16 where h.xmm(i) != s.xmm(i) {
            if let r = reciprocal, case .reciprocal(let scalar, let squareRoot) = r.form.tolerance, r.regIndex == i,
               let problem = reciprocalProblem(c, r, host: h.xmmBytes(i), swift: s.xmmBytes(i), scalar: scalar, squareRoot: squareRoot) {
                out.append("xmm\(i): host \(xmmText(h.xmm(i))), SwiftPC \(xmmText(s.xmm(i))), before \(xmmText(before.xmm(i))): \(problem)")
            } else if reciprocal?.form.tolerance == .exact || reciprocal == nil || reciprocal!.regIndex != i {
                out.append("xmm\(i): host \(xmmText(h.xmm(i))), SwiftPC \(xmmText(s.xmm(i))), before \(xmmText(before.xmm(i)))")
            }
        }
        let differing = (0..<SIMDHarness.dataSize).filter { host.data[$0] != swift.data[$0] }
        if let first = differing.first, let last = differing.last {
            let shown = differing.prefix(16).map { "[\($0)] \(hex(UInt64(host.data[$0]), 2))/\(hex(UInt64(swift.data[$0]), 2))" }
            out.append("data: \(differing.count) bytes in \(first)...\(last) differ (host/SwiftPC): " + shown.joined(separator: " "))
        }
        return out
    }

    /// A host outcome the generator did not mean to produce: an encoding the
    /// host rejects, or a #GP other than at the misaligned operands it planted
    /// or at LDMXCSR. Either is a bug in the test.
    static func hostProblem(_ c: SIMDBlockCase, _ host: SIMDBlockOutcome) -> String? {
        guard let v = host.fault else {
            let planted = c.instructions.firstIndex { $0.expectsGP }
            return planted.map { "generator: insn \($0) should have raised #GP(0) on the host" }
        }
        let at = Int(truncatingIfNeeded: host.faultRIP &- SIMDHarness.codeBase)
        let k = c.starts.firstIndex(of: at)
        switch v {
        case 16, 19: return nil
        case 13:
            if let k = k, k < c.instructions.count, c.instructions[k].expectsGP || c.instructions[k].form.name == "ldmxcsr" { return nil }
            return "generator: the host raised #GP(\(host.errorCode)) at \(place(host.faultRIP, in: c)), which the generator did not plant"
        default:
            return "generator: the host raised \(vectorName(v)) at \(place(host.faultRIP, in: c)) (signal \(host.signal >> 16), code \(host.signal & 0xFFFF))"
        }
    }

    /// Checks a reciprocal approximation lane by lane: equal bits, or both
    /// within the SDM's bound of the exact value. Returns what is wrong, or nil.
    static func reciprocalProblem(_ c: SIMDBlockCase, _ insn: SIMDInstruction, host: [UInt8], swift: [UInt8],
                                  scalar: Bool, squareRoot: Bool) -> String? {
        let source: [UInt8]
        if let r = insn.rmRegister {
            source = c.state.xmmBytes(r)
        } else if let offset = insn.memoryOffset {
            source = Array(c.data[offset..<min(offset + 16, c.data.count)]) + [UInt8](repeating: 0, count: 16)
        } else {
            return "no source operand"
        }
        func lane(_ b: [UInt8], _ k: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(b[4 * k + $1]) << (8 * UInt32($1)) } }
        for k in 0..<4 {
            let hv = lane(host, k), sv = lane(swift, k)
            if hv == sv { continue }
            if scalar && k > 0 { return "lane \(k) (not computed) differs" }
            let x = Double(Float(bitPattern: lane(source, k)))
            let exact = squareRoot ? 1 / x.squareRoot() : 1 / x
            let bound = 1.5 * 0x1p-12
            func within(_ v: UInt32) -> Bool {
                let f = Double(Float(bitPattern: v))
                guard f.isFinite, f != 0, exact.isFinite, exact != 0 else { return false }
                return abs(f - exact) / abs(exact) <= bound
            }
            // RCP of |x| between the SDM's two limits may or may not flush to zero (SDM Vol. 2B, RCPPS).
            let magnitude = abs(x)
            let tinyEither = !squareRoot && magnitude >= 0x1.FFD000p125 && magnitude <= 0x1.001802p126
            let swiftOK = within(sv) || (tinyEither && sv & 0x7FFF_FFFF == 0 && sv >> 31 == lane(source, k) >> 31)
            let hostOK = within(hv) || (tinyEither && hv & 0x7FFF_FFFF == 0 && hv >> 31 == lane(source, k) >> 31)
            if !swiftOK { return "lane \(k): SwiftPC \(hex(UInt64(sv), 8)) is not within 1.5*2^-12 of \(exact) (host \(hex(UInt64(hv), 8)))" }
            if !hostOK { return "lane \(k): the host's \(hex(UInt64(hv), 8)) is not within 1.5*2^-12 of \(exact): a bug in the test" }
        }
        return nil
    }
}
