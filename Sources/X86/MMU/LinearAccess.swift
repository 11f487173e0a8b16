/// The CPU's own copy of the TLB fast paths of `MemoryAccess`. The CPU holds the
/// TLB arrays as plain pointers, so a hit touches no class reference and pays no
/// retain/release; a miss calls into `MemoryAccess`.
struct TLBView {
    let readTags: UnsafeMutablePointer<UInt32>
    let readAddends: UnsafeMutablePointer<UnsafeMutableRawPointer>
    let writeTags: UnsafeMutablePointer<UInt32>
    let writeAddends: UnsafeMutablePointer<UnsafeMutableRawPointer>
    let a20: UnsafeMutablePointer<UInt32>

    init(_ m: MemoryAccess) {
        readTags = m.readTags
        readAddends = m.readAddends
        writeTags = m.writeTags
        writeAddends = m.writeAddends
        a20 = m.a20
    }
}

extension CPU {
    @inline(__always) func translate(_ linear: UInt32) -> UInt32 { linear & tlb.a20.pointee }

    /// A byte at a linear address, as the CPU would read it (for traces and debuggers too).
    @inline(__always) public func readLinear8(_ linear: UInt32) throws(Fault) -> UInt8 {
        let i = Int(linear >> 12) & (MemoryAccess.tlbSize - 1)
        if tlb.readTags[i] == linear >> 12 { return (tlb.readAddends[i] + Int(linear)).load(as: UInt8.self) }
        return UInt8(truncatingIfNeeded: try memory.readSlow(linear, size: 1))
    }

    @inline(__always) func readLinear16(_ linear: UInt32) throws(Fault) -> UInt16 {
        let i = Int(linear >> 12) & (MemoryAccess.tlbSize - 1)
        if tlb.readTags[i] == linear >> 12 && linear & 0xFFF <= 0xFFE {
            return (tlb.readAddends[i] + Int(linear)).loadUnaligned(as: UInt16.self)
        }
        return UInt16(truncatingIfNeeded: try memory.readSlow(linear, size: 2))
    }

    @inline(__always) func readLinear32(_ linear: UInt32) throws(Fault) -> UInt32 {
        let i = Int(linear >> 12) & (MemoryAccess.tlbSize - 1)
        if tlb.readTags[i] == linear >> 12 && linear & 0xFFF <= 0xFFC {
            return (tlb.readAddends[i] + Int(linear)).loadUnaligned(as: UInt32.self)
        }
        return try memory.readSlow(linear, size: 4)
    }

    @inline(__always) func readLinear(_ linear: UInt32, size: Int) throws(Fault) -> UInt32 {
        switch size {
        case 1: return UInt32(try readLinear8(linear))
        case 2: return UInt32(try readLinear16(linear))
        default: return try readLinear32(linear)
        }
    }

    @inline(__always) func writeLinear(_ linear: UInt32, size: Int, _ v: UInt32) throws(Fault) {
        let i = Int(linear >> 12) & (MemoryAccess.tlbSize - 1)
        if tlb.writeTags[i] == linear >> 12 && Int(linear & 0xFFF) &+ size <= 0x1000 {
            let p = tlb.writeAddends[i] + Int(linear)
            switch size {
            case 1: p.storeBytes(of: UInt8(truncatingIfNeeded: v), as: UInt8.self)
            case 2: p.storeBytes(of: UInt16(truncatingIfNeeded: v), as: UInt16.self)
            default: p.storeBytes(of: v, as: UInt32.self)
            }
            return
        }
        try memory.writeSlow(linear, size: size, value: v)
    }
}
