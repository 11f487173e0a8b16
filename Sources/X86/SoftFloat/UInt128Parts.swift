/// A 128-bit unsigned integer as two words, for the wide intermediate
/// significands of the x87 arithmetic (SDM Vol. 1 §4.8.4: results are rounded
/// from the infinitely precise value, which needs guard and sticky bits).
/// Plain integer code so every host computes the same bits.
struct UInt128Parts: Equatable {
    var high: UInt64
    var low: UInt64

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    static func + (a: UInt128Parts, b: UInt128Parts) -> (sum: UInt128Parts, carry: Bool) {
        let (low, c0) = a.low.addingReportingOverflow(b.low)
        let (h1, c1) = a.high.addingReportingOverflow(b.high)
        let (high, c2) = h1.addingReportingOverflow(c0 ? 1 : 0)
        return (UInt128Parts(high: high, low: low), c1 || c2)
    }

    static func - (a: UInt128Parts, b: UInt128Parts) -> UInt128Parts {
        let (low, borrow) = a.low.subtractingReportingOverflow(b.low)
        return UInt128Parts(high: a.high &- b.high &- (borrow ? 1 : 0), low: low)
    }

    static func < (a: UInt128Parts, b: UInt128Parts) -> Bool {
        a.high != b.high ? a.high < b.high : a.low < b.low
    }

    var isZero: Bool { high == 0 && low == 0 }

    var leadingZeroBitCount: Int {
        high != 0 ? high.leadingZeroBitCount : 64 + low.leadingZeroBitCount
    }

    func shiftedLeft(_ n: Int) -> UInt128Parts {
        if n == 0 { return self }
        if n >= 128 { return UInt128Parts(high: 0, low: 0) }
        if n >= 64 { return UInt128Parts(high: low << UInt64(n - 64), low: 0) }
        return UInt128Parts(high: high << UInt64(n) | low >> UInt64(64 - n), low: low << UInt64(n))
    }

    /// Shifts right, ORing every bit shifted out into bit 0 (the sticky bit).
    func shiftedRightJamming(_ n: Int) -> UInt128Parts {
        if n == 0 { return self }
        if n >= 128 { return UInt128Parts(high: 0, low: isZero ? 0 : 1) }
        let lost: Bool
        let result: UInt128Parts
        if n >= 64 {
            let s = UInt64(n - 64)
            lost = low != 0 || (s != 0 && high << (64 - s) != 0)
            result = UInt128Parts(high: 0, low: s == 0 ? high : high >> s)
        } else {
            let s = UInt64(n)
            lost = low << (64 - s) != 0
            result = UInt128Parts(high: high >> s, low: low >> s | high << (64 - s))
        }
        return lost ? UInt128Parts(high: result.high, low: result.low | 1) : result
    }
}
