/// The 80-bit packed BCD integer of FBLD and FBSTP (SDM Vol. 1 §4.7, Figure
/// 4-10 and Table 4-4): 18 decimal digits, two per byte with the less
/// significant digit in the low nibble, in bytes 0..8, and the sign in bit 7
/// of byte 9 (bits 6..0 of byte 9 are ignored on load and zero on store).
/// Laid out like the memory operand: `low` is bytes 0..7, `high` bytes 8..9,
/// both little-endian.
public struct X87PackedBCD: Equatable, Hashable, Sendable {
    public var low: UInt64
    public var high: UInt16

    public init(low: UInt64, high: UInt16) {
        self.low = low
        self.high = high
    }

    /// The packed BCD integer indefinite, FFFF C000 0000 0000 0000h, the
    /// masked response of FBSTP to an invalid operation (Table 4-4).
    public static let indefinite = X87PackedBCD(low: 0xC000_0000_0000_0000, high: 0xFFFF)

    public var sign: Bool { high & 0x8000 != 0 }

    /// Digit i (0 = least significant) as its 4-bit nibble, 0..15.
    func nibble(_ i: Int) -> UInt64 {
        i < 16 ? low >> UInt64(4 * i) & 0xF : UInt64(high) >> UInt64(4 * (i - 16)) & 0xF
    }
}

/// FBLD and FBSTP (SDM Vol. 2 FBLD, FBSTP).
extension X87Arithmetic {
    /// The largest magnitude FBSTP stores: 18 nines.
    static let largestPackedBCD: UInt64 = 999_999_999_999_999_999

    /// FBLD: exact, raising no exception; −0 loads as −0. A nibble of Ah-Fh is
    /// not a decimal digit and the SDM leaves the result undefined; SoftFloat
    /// weighs each nibble by its position whatever its value (Σ nibble·10^i, so
    /// 0Ah loads as 10 and FFh as 165), as the AMD host of the differential
    /// test does. Every such sum is below 2^61, so it stays exact. C1 is cleared.
    public mutating func load(packedBCD bcd: X87PackedBCD) -> Extended80 {
        flags.remove(.c1)
        var magnitude: UInt64 = 0
        for i in stride(from: 17, through: 0, by: -1) {
            magnitude = magnitude &* 10 &+ bcd.nibble(i)
        }
        var result = load(integer: Int64(bitPattern: magnitude))
        result.signExponent |= bcd.sign ? 0x8000 : 0
        return result
    }

    /// FBSTP: rounds to an integer by RC (PE, and C1 when rounded up in
    /// magnitude), keeping the sign even of a zero result. A NaN, an infinity,
    /// an unsupported encoding or a rounded magnitude above 18 nines is
    /// invalid: IE and the packed BCD indefinite, with neither PE nor C1; with
    /// IE unmasked the caller leaves memory unchanged. A denormal raises no DE.
    public mutating func convertToPackedBCD(_ a: Extended80) -> X87PackedBCD {
        flags.remove(.c1)
        if a.isUnsupported || a.isNaN || a.isInfinity {
            flags.insert(.invalid)
            return .indefinite
        }
        let before = flags
        guard let magnitude = roundToIntegerMagnitude(X87Unpacked(a)), magnitude <= X87Arithmetic.largestPackedBCD else {
            flags = before
            flags.insert(.invalid)
            return .indefinite
        }
        var digits = magnitude
        var low: UInt64 = 0
        for i in 0..<16 {
            low |= (digits % 10) << UInt64(4 * i)
            digits /= 10
        }
        let high = UInt16(digits % 10) | UInt16(digits / 10) << 4 | (a.sign ? 0x8000 : 0)
        return X87PackedBCD(low: low, high: high)
    }
}
