import XCTest
@testable import X86

/// The literal truth tables in `LazyFlags.conditionTables` agree with the
/// definitions of SDM Vol. 1 Appendix B, Table B-1 (as `FamFlags.condition`
/// writes them), for all 32 flag combinations.
final class ConditionTableTests: XCTestCase {
    func testTablesMatchTheConditionDefinitions() {
        let names = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"]
        for cc in 0..<16 {
            for combo in 0..<32 {
                let c = combo & 1 != 0, z = combo & 2 != 0, s = combo & 4 != 0, o = combo & 8 != 0, p = combo & 16 != 0
                let bits = (c ? LazyFlags.cf : 0) | (z ? LazyFlags.zf : 0) | (s ? LazyFlags.sf : 0)
                    | (o ? LazyFlags.of : 0) | (p ? LazyFlags.pf : 0)
                let expected = FamFlags.condition(cc, bits)
                XCTAssertEqual((LazyFlags.conditionTables[cc] >> UInt32(combo)) & 1 != 0, expected,
                               "\(names[cc]) with CF=\(c) ZF=\(z) SF=\(s) OF=\(o) PF=\(p)")
                // The same through EFLAGS bits (the materialised path).
                var f = LazyFlags()
                f.value = bits
                XCTAssertEqual(f.condition(cc), expected, "materialised \(names[cc]) combo \(combo)")
            }
        }
    }
}
