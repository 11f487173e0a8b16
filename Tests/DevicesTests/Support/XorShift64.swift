/// Marsaglia's xorshift64: the reproducible random numbers of the device
/// tests, so a failure repeats on every run.
struct XorShift64 {
    var state: UInt64

    init(seed: UInt64 = 0x2545_F491_4F6C_DD1D) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
