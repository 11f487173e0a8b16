// Shared helpers for the per-family CPU tests in this directory: flag names,
// a reference model of the SDM's status-flag definitions, a wrapper over
// RealModeHarness for one-instruction register cases, and `FamRig`, a small
// real-mode machine for multi-instruction and memory cases.

import XCTest
import X86

/// EFLAGS bits (Intel SDM Vol. 1 §3.4.3).
enum FamFlags {
    static let cf: UInt32 = 0x0001, pf: UInt32 = 0x0004, af: UInt32 = 0x0010
    static let zf: UInt32 = 0x0040, sf: UInt32 = 0x0080, tf: UInt32 = 0x0100
    static let intf: UInt32 = 0x0200, df: UInt32 = 0x0400, of: UInt32 = 0x0800
    static let status: UInt32 = cf | pf | af | zf | sf | of

    /// "CPAZSO" letters to bits: C=CF P=PF A=AF Z=ZF S=SF O=OF.
    static func parse(_ s: String) -> UInt32 {
        var v: UInt32 = 0
        for c in s {
            switch c {
            case "C": v |= cf
            case "P": v |= pf
            case "A": v |= af
            case "Z": v |= zf
            case "S": v |= sf
            case "O": v |= of
            default: preconditionFailure("unknown flag letter \(c)")
            }
        }
        return v
    }

    static func describe(_ f: UInt32) -> String {
        let names: [(UInt32, String)] = [(cf, "CF"), (pf, "PF"), (af, "AF"), (zf, "ZF"), (sf, "SF"), (of, "OF")]
        let set = names.filter { f & $0.0 != 0 }.map { $0.1 }
        return set.isEmpty ? "none" : set.joined(separator: " ")
    }

    /// Condition `cc` evaluated from EFLAGS bits (SDM Vol. 1 Appendix B, Table B-1).
    static func condition(_ cc: Int, _ f: UInt32) -> Bool {
        let c = f & cf != 0, z = f & zf != 0, s = f & sf != 0, o = f & of != 0, p = f & pf != 0
        let r: Bool
        switch cc >> 1 {
        case 0: r = o
        case 1: r = c
        case 2: r = z
        case 3: r = c || z
        case 4: r = s
        case 5: r = p
        case 6: r = s != o
        default: r = z || s != o
        }
        return r != (cc & 1 != 0)
    }

    static let conditionNames = ["O", "NO", "B", "AE", "E", "NE", "BE", "A", "S", "NS", "P", "NP", "L", "GE", "LE", "G"]
}

func famHex(_ v: UInt32, bits: Int = 32) -> String {
    let s = String(v, radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: max(0, bits / 4 - s.count)) + s
}

func famMask(_ bits: Int) -> UInt32 { bits == 32 ? 0xFFFF_FFFF : (1 << UInt32(bits)) - 1 }

/// Edge values of the brief, per operand width.
enum FamEdges {
    static let v8: [UInt32] = [0, 1, 0x7F, 0x80, 0xFF]
    static let v16: [UInt32] = v8 + [0x7FFF, 0x8000, 0xFFFF]
    static let v32: [UInt32] = v16 + [0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF]
    static func values(_ bits: Int) -> [UInt32] { bits == 8 ? v8 : bits == 16 ? v16 : v32 }
}

/// The SDM's definitions of the status flags computed with wide integers, independent
/// of the implementation's bit tricks (SDM Vol. 1 §3.4.3.1 and each instruction's
/// "Flags Affected"). Undefined AF after logic operations: 0 (LazyFlags doc comment).
enum FamReference {
    static func signed(_ v: UInt32, bits: Int) -> Int64 {
        let x = Int64(v & famMask(bits))
        return x >= Int64(1) << Int64(bits - 1) ? x - (Int64(1) << Int64(bits)) : x
    }

    static func szp(_ r: UInt32, bits: Int) -> UInt32 {
        var f: UInt32 = 0
        if r == 0 { f |= FamFlags.zf }
        if (r >> UInt32(bits - 1)) & 1 != 0 { f |= FamFlags.sf }
        if (r & 0xFF).nonzeroBitCount % 2 == 0 { f |= FamFlags.pf }
        return f
    }

    /// ADD/ADC (subtract false) or SUB/SBB/CMP/NEG (subtract true) of d and s with carry-in c.
    static func arith(_ d: UInt32, _ s: UInt32, carry c: UInt32, subtract: Bool, bits: Int) -> (result: UInt32, flags: UInt32) {
        let m = UInt64(famMask(bits))
        let min = -(Int64(1) << Int64(bits - 1)), max = (Int64(1) << Int64(bits - 1)) - 1
        var f: UInt32 = 0
        let r: UInt32
        if subtract {
            r = UInt32(truncatingIfNeeded: (UInt64(d) &- UInt64(s) &- UInt64(c)) & m)
            if UInt64(d) < UInt64(s) + UInt64(c) { f |= FamFlags.cf }
            let sr = signed(d, bits: bits) - signed(s, bits: bits) - Int64(c)
            if sr < min || sr > max { f |= FamFlags.of }
            if d & 0xF < (s & 0xF) + c { f |= FamFlags.af }
        } else {
            let wide = UInt64(d) + UInt64(s) + UInt64(c)
            r = UInt32(truncatingIfNeeded: wide & m)
            if wide > m { f |= FamFlags.cf }
            let sr = signed(d, bits: bits) + signed(s, bits: bits) + Int64(c)
            if sr < min || sr > max { f |= FamFlags.of }
            if (d & 0xF) + (s & 0xF) + c > 0xF { f |= FamFlags.af }
        }
        return (r, f | szp(r, bits: bits))
    }

    static func logic(_ r: UInt32, bits: Int) -> UInt32 { szp(r, bits: bits) }
}

/// One instruction through RealModeHarness with registers given by encoding number.
struct FamStep {
    var regs: [UInt32]
    var eflags: UInt32
    var fault: UInt8?
    func reg(_ r: Int) -> UInt32 { regs[r] }
}

extension RealModeHarness {
    func famStep(_ code: [UInt8], regs: [Int: UInt32] = [:], eflags: UInt32 = 0x2) -> FamStep {
        var r = [UInt32](repeating: 0, count: 8)
        for (k, v) in regs { r[k] = v }
        let out = step(code: code, state: RealModeState(registers: r, eflags: eflags))
        return FamStep(regs: out.state.registers, eflags: out.state.eflags, fault: out.fault)
    }
}

/// A small real-mode machine for multi-instruction cases: code at CS:IP with
/// CS = 0100, data segments at distinct bases, the stack at 4000:1000, and an
/// IVT whose every vector v points at 0800:v, where a HLT waits (so a raised
/// exception shows as CS = 0800 with IP = vector).
final class FamRig {
    let bus = TestBus()
    var cpu: CPU { bus.cpu }
    static let cs: UInt16 = 0x0100, ds: UInt16 = 0x2000, es: UInt16 = 0x3000
    static let ss: UInt16 = 0x4000, fs: UInt16 = 0x5000, gs: UInt16 = 0x6000
    static let handlerSegment: UInt16 = 0x0800

    init() {
        for v in 0..<256 {
            bus.load([UInt8(v), 0, UInt8(FamRig.handlerSegment & 0xFF), UInt8(FamRig.handlerSegment >> 8)], at: v * 4)
            bus.load([0xF4], at: Int(FamRig.handlerSegment) * 16 + v)
        }
        reset()
    }

    /// The processor's RESET state (which also leaves shutdown and HLT), then
    /// registers zero except SP = 1000h, segments as above (64 KiB limits), EFLAGS = 2.
    func reset() {
        cpu.reset()
        cpu.interruptRequested = false
        for r in 0..<8 { cpu.set32(r, 0) }
        cpu.set32(Reg.esp, 0x1000)
        setSegment(SegmentIndex.cs, FamRig.cs, attributes: 0x9B)
        setSegment(SegmentIndex.ds, FamRig.ds)
        setSegment(SegmentIndex.es, FamRig.es)
        setSegment(SegmentIndex.ss, FamRig.ss)
        setSegment(SegmentIndex.fs, FamRig.fs)
        setSegment(SegmentIndex.gs, FamRig.gs)
        cpu.eflags = 0x2
        cpu.eip = 0
        cpu.halted = false
        cpu.idtr = DescriptorTableRegister(base: 0, limit: 0x3FF)
    }

    func setSegment(_ s: Int, _ selector: UInt16, attributes: UInt16 = 0x93) {
        cpu.segments[s] = SegmentRegister(selector: selector, base: UInt64(selector) << 4, limit: 0xFFFF, attributes: attributes)
    }

    func selector(_ s: Int) -> UInt16 { cpu.segments[s].selector }

    /// Places `code` at CS:ip and points IP at it.
    func load(_ code: [UInt8], ip: UInt16 = 0) {
        bus.load(code, at: Int(cpu.segments[SegmentIndex.cs].base) + Int(ip))
        cpu.eip = UInt32(ip)
    }

    func set(_ regs: [Int: UInt32]) { for (r, v) in regs { cpu.set32(r, v) } }
    func reg(_ r: Int) -> UInt32 { cpu.get32(r) }

    /// Linear address of segment register `s` (by its current base) plus `offset`.
    func linear(_ s: Int, _ offset: UInt32) -> Int { Int(cpu.segments[s].base &+ UInt64(offset)) }

    func poke(_ s: Int, _ offset: UInt32, _ bytes: [UInt8]) { bus.load(bytes, at: linear(s, offset)) }
    func poke16(_ s: Int, _ offset: UInt32, _ v: UInt16) { poke(s, offset, [UInt8(v & 0xFF), UInt8(v >> 8)]) }
    func poke32(_ s: Int, _ offset: UInt32, _ v: UInt32) {
        poke(s, offset, (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) })
    }
    func peek8(_ s: Int, _ offset: UInt32) -> UInt8 { bus.byte(at: linear(s, offset)) }
    func peek16(_ s: Int, _ offset: UInt32) -> UInt16 {
        UInt16(peek8(s, offset)) | UInt16(peek8(s, offset &+ 1)) << 8
    }
    func peek32(_ s: Int, _ offset: UInt32) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(peek8(s, offset &+ UInt32($1))) << (8 * UInt32($1)) }
    }

    /// True while the CPU sits in the default exception handlers.
    var inHandler: Bool { cpu.segments[SegmentIndex.cs].selector == FamRig.handlerSegment }
    /// The vector of the exception taken, if execution is in a default handler.
    var faultVector: UInt8? { inHandler ? UInt8(truncatingIfNeeded: cpu.eip) : nil }

    /// Executes up to `n` instructions one at a time, stopping early on HLT, on
    /// shutdown, or when an exception lands in a default handler.
    /// Returns the vector of that exception, if any.
    @discardableResult
    func run(_ n: Int) -> UInt8? {
        for _ in 0..<n {
            if inHandler || cpu.halted || cpu.shutdown { break }
            _ = cpu.run(budget: 1)
        }
        return faultVector
    }

    /// Executes until IP reaches `ip` (or a fault, HLT, shutdown, or `limit` steps).
    @discardableResult
    func run(untilIP ip: UInt16, limit: Int = 100_000) -> (steps: Int, fault: UInt8?) {
        var steps = 0
        while cpu.eip != UInt32(ip) && steps < limit {
            if inHandler || cpu.halted || cpu.shutdown { break }
            _ = cpu.run(budget: 1)
            steps += 1
        }
        return (steps, faultVector)
    }
}
