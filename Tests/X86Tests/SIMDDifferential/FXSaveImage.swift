/// The 512-byte area FXSAVE64/FXRSTOR64 use (SDM Vol. 1 §10.5.1, Table 10-2,
/// the 64-bit layout of FXSAVE with REX.W): FCW, FSW, the abridged tag word,
/// FOP, the 64-bit FIP and FDP, MXCSR and MXCSR_MASK, ST0-ST7 in stack order
/// (16 bytes a register, 10 used) and XMM0-XMM15.
struct FXSaveImage: Equatable {
    var bytes = [UInt8](repeating: 0, count: 512)

    static let stOffset = 32, xmmOffset = 160

    func load(_ offset: Int, _ count: Int) -> UInt64 {
        var v: UInt64 = 0
        for k in 0..<count { v |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
        return v
    }
    mutating func store(_ offset: Int, _ count: Int, _ v: UInt64) {
        for k in 0..<count { bytes[offset + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
    }

    var fcw: UInt16 { get { UInt16(load(0, 2)) } set { store(0, 2, UInt64(newValue)) } }
    var fsw: UInt16 { get { UInt16(load(2, 2)) } set { store(2, 2, UInt64(newValue)) } }
    /// One bit per physical register, 1 = not empty (SDM Vol. 1 §10.5.1.1).
    var ftw: UInt8 { get { bytes[4] } set { bytes[4] = newValue } }
    var fop: UInt16 { get { UInt16(load(6, 2)) } set { store(6, 2, UInt64(newValue)) } }
    var fip: UInt64 { get { load(8, 8) } set { store(8, 8, newValue) } }
    var fdp: UInt64 { get { load(16, 8) } set { store(16, 8, newValue) } }
    var mxcsr: UInt32 { get { UInt32(load(24, 4)) } set { store(24, 4, UInt64(newValue)) } }
    var mxcsrMask: UInt32 { get { UInt32(load(28, 4)) } set { store(28, 4, UInt64(newValue)) } }
    /// TOP, from FSW bits 13:11.
    var top: Int { Int(fsw >> 11 & 7) }

    /// ST(i): the 64-bit significand and the sign/exponent word.
    func st(_ i: Int) -> Float80Bits {
        Float80Bits(significand: load(FXSaveImage.stOffset + 16 * i, 8), signExponent: UInt16(load(FXSaveImage.stOffset + 16 * i + 8, 2)))
    }
    mutating func setST(_ i: Int, _ v: Float80Bits) {
        store(FXSaveImage.stOffset + 16 * i, 8, v.significand)
        store(FXSaveImage.stOffset + 16 * i + 8, 2, UInt64(v.signExponent))
    }
    /// Physical register `r` (R0-R7) sits in slot ST((r - TOP) mod 8).
    func slot(ofPhysical r: Int) -> Int { (r - top) & 7 }

    func xmm(_ i: Int) -> (low: UInt64, high: UInt64) {
        (load(FXSaveImage.xmmOffset + 16 * i, 8), load(FXSaveImage.xmmOffset + 16 * i + 8, 8))
    }
    mutating func setXMM(_ i: Int, _ bytes16: [UInt8]) {
        for k in 0..<16 { bytes[FXSaveImage.xmmOffset + 16 * i + k] = bytes16[k] }
    }
    func xmmBytes(_ i: Int) -> [UInt8] { Array(bytes[(FXSaveImage.xmmOffset + 16 * i)..<(FXSaveImage.xmmOffset + 16 * i + 16)]) }
}

/// An 80-bit extended-precision value as stored (SDM Vol. 1 §4.2.2, §8.2.2).
struct Float80Bits: Equatable {
    var significand: UInt64
    var signExponent: UInt16

    var exponent: Int { Int(signExponent & 0x7FFF) }
    var negative: Bool { signExponent & 0x8000 != 0 }
    var integerBit: Bool { significand >> 63 != 0 }
    /// A finite value with the integer bit set (normal) or a denormal/zero.
    var isFiniteCanonical: Bool {
        exponent == 0 ? !integerBit : exponent != 0x7FFF && integerBit
    }

    var hex: String {
        let e = String(signExponent, radix: 16), s = String(significand, radix: 16)
        return String(repeating: "0", count: 4 - e.count) + e + ":" + String(repeating: "0", count: 16 - s.count) + s
    }

    /// How many representable values apart two finite canonical values of the
    /// same sign are, in units in the last place of the 64-bit significand
    /// (nil when they are further apart than two binades or not comparable).
    static func ulpDistance(_ a: Float80Bits, _ b: Float80Bits) -> UInt64? {
        guard a.isFiniteCanonical, b.isFiniteCanonical, a.negative == b.negative else { return nil }
        // Denormals share the spacing of exponent 1.
        let (ea, eb) = (max(a.exponent, 1), max(b.exponent, 1))
        if ea == eb { return a.significand > b.significand ? a.significand - b.significand : b.significand - a.significand }
        let (hi, lo) = ea > eb ? (a, b) : (b, a)
        guard abs(ea - eb) == 1, lo.significand != 0 else { return nil }
        // From lo up to the top of its binade, then from the bottom of hi's.
        return (hi.significand - (1 << 63)) &+ (0 &- lo.significand)
    }
}
