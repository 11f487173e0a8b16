/// Decoded instructions cached by physical address and decoding mode, direct
/// mapped: the slot of an instruction is its physical address modulo the table
/// size, so the instructions a store may have overwritten (those starting up to
/// 15 bytes before it) sit in a handful of neighbouring slots.
public final class DecodeCache {
    static let size = 1 << 16
    static let mask = size - 1
    /// Physical address | mode << 32, or `empty`.
    let tags: UnsafeMutablePointer<UInt64>
    let entries: UnsafeMutablePointer<DecodedInstruction>
    static let empty = UInt64.max

    @exclusivity(unchecked) public var misses: UInt64 = 0

    init() {
        tags = .allocate(capacity: DecodeCache.size)
        tags.initialize(repeating: DecodeCache.empty, count: DecodeCache.size)
        entries = .allocate(capacity: DecodeCache.size)
        entries.initialize(repeating: DecodedInstruction(), count: DecodeCache.size)
    }

    deinit {
        tags.deallocate()
        entries.deallocate()
    }

    public func invalidateAll() {
        tags.initialize(repeating: DecodeCache.empty, count: DecodeCache.size)
    }

    /// Forgets every instruction that overlaps physical bytes [phys, phys+size).
    func invalidate(physical phys: UInt32, size: Int) {
        let first = UInt64(phys) &- 15
        let count = size + 15
        for k in 0..<count {
            let a = (first &+ UInt64(k)) & 0xFFFF_FFFF
            let i = Int(a) & DecodeCache.mask
            if tags[i] & 0xFFFF_FFFF == a { tags[i] = DecodeCache.empty }
        }
    }
}
