/// The path from a linear address to host memory: the A20 gate, the physical
/// page map (which pages are plain RAM or ROM the CPU may touch directly) and a
/// direct-mapped software TLB per access kind whose hit is a tag compare plus a
/// host-pointer add (DESIGN.md, "The hot path"). The hits are in the CPU
/// (`LinearAccess.swift`); the misses, fills and physical accesses are here. Pages that hold decoded code
/// are never entered in the write TLB, so stores to them take the slow path,
/// which invalidates the decoded instructions they overwrite.
public final class MemoryAccess {
    public static let pageShift = 12
    public static let pageCount = 1 << 20
    static let tlbSize = 256

    /// Host address of each 4 KiB physical page below 4 GiB that may be read
    /// (RAM and ROM) or written (RAM) directly; nil sends the access to the bus.
    let readMap: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    let writeMap: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    /// Non-zero for pages from which instructions have been decoded.
    let codePages: UnsafeMutablePointer<UInt8>

    let readTags: UnsafeMutablePointer<UInt32>
    let readAddends: UnsafeMutablePointer<UnsafeMutableRawPointer>
    let writeTags: UnsafeMutablePointer<UInt32>
    let writeAddends: UnsafeMutablePointer<UnsafeMutableRawPointer>

    /// The A20 gate as an address mask, behind a pointer the CPU reads directly.
    let a20: UnsafeMutablePointer<UInt32>
    public var a20Mask: UInt32 { a20.pointee }
    @exclusivity(unchecked) public var tlbMisses: UInt64 = 0
    public unowned(unsafe) var bus: CPUBus!
    unowned(unsafe) var decodeCache: DecodeCache!

    public init() {
        readMap = .allocate(capacity: MemoryAccess.pageCount)
        readMap.initialize(repeating: nil, count: MemoryAccess.pageCount)
        writeMap = .allocate(capacity: MemoryAccess.pageCount)
        writeMap.initialize(repeating: nil, count: MemoryAccess.pageCount)
        a20 = .allocate(capacity: 1)
        a20.initialize(to: 0xFFFF_FFFF)
        codePages = .allocate(capacity: MemoryAccess.pageCount)
        codePages.initialize(repeating: 0, count: MemoryAccess.pageCount)
        readTags = .allocate(capacity: MemoryAccess.tlbSize)
        writeTags = .allocate(capacity: MemoryAccess.tlbSize)
        let dummy = UnsafeMutableRawPointer(bitPattern: 0x1000)!
        readAddends = .allocate(capacity: MemoryAccess.tlbSize)
        readAddends.initialize(repeating: dummy, count: MemoryAccess.tlbSize)
        writeAddends = .allocate(capacity: MemoryAccess.tlbSize)
        writeAddends.initialize(repeating: dummy, count: MemoryAccess.tlbSize)
        flushTLB()
    }

    deinit {
        readMap.deallocate(); writeMap.deallocate(); codePages.deallocate(); a20.deallocate()
        readTags.deallocate(); writeTags.deallocate()
        readAddends.deallocate(); writeAddends.deallocate()
    }

    /// Maps `count` pages starting at physical page `firstPage` to host memory.
    public func map(firstPage: Int, count: Int, host: UnsafeMutableRawPointer, writable: Bool) {
        for i in 0..<count where firstPage + i < MemoryAccess.pageCount {
            let p = host + i << MemoryAccess.pageShift
            readMap[firstPage + i] = p
            writeMap[firstPage + i] = writable ? p : nil
        }
        flushTLB()
    }

    /// Sends `count` pages starting at `firstPage` to the bus (device memory, holes).
    public func unmap(firstPage: Int, count: Int) {
        for i in 0..<count where firstPage + i < MemoryAccess.pageCount {
            readMap[firstPage + i] = nil
            writeMap[firstPage + i] = nil
        }
        flushTLB()
    }

    public func setA20(enabled: Bool) {
        let mask: UInt32 = enabled ? 0xFFFF_FFFF : 0xFFEF_FFFF
        if mask != a20.pointee { a20.pointee = mask; flushTLB() }
    }

    public func flushTLB() {
        readTags.initialize(repeating: UInt32.max, count: MemoryAccess.tlbSize)
        writeTags.initialize(repeating: UInt32.max, count: MemoryAccess.tlbSize)
    }

    // MARK: Linear to physical

    /// Real mode and unpaged protected mode: linear is physical, through the A20 gate.
    @inline(__always) func translate(_ linear: UInt32) -> UInt32 { linear & a20.pointee }

    // MARK: Slow paths

    @inline(never) func readSlow(_ linear: UInt32, size: Int) throws(Fault) -> UInt32 {
        tlbMisses &+= 1
        if Int(linear & 0xFFF) + size > 0x1000 {
            var v: UInt32 = 0
            for k in 0..<size { v |= UInt32(readByteSlow(linear &+ UInt32(k))) << (8 * k) }
            return v
        }
        let phys = translate(linear)
        guard let host = readMap[Int(phys >> 12)] else { return bus.readPhysical(UInt64(phys), size: size) }
        let i = Int(linear >> 12) & (MemoryAccess.tlbSize - 1)
        readTags[i] = linear >> 12
        readAddends[i] = host - Int(linear & ~0xFFF)
        let p = host + Int(phys & 0xFFF)
        switch size {
        case 1: return UInt32(p.load(as: UInt8.self))
        case 2: return UInt32(p.loadUnaligned(as: UInt16.self))
        default: return p.loadUnaligned(as: UInt32.self)
        }
    }

    func readByteSlow(_ linear: UInt32) -> UInt8 { readPhysical8(translate(linear)) }

    @inline(never) func writeSlow(_ linear: UInt32, size: Int, value: UInt32) throws(Fault) {
        tlbMisses &+= 1
        if Int(linear & 0xFFF) + size > 0x1000 {
            for k in 0..<size { writeByteSlow(linear &+ UInt32(k), UInt8(truncatingIfNeeded: value >> (8 * k))) }
            return
        }
        let phys = translate(linear)
        let page = Int(phys >> 12)
        guard let host = writeMap[page] else {
            bus.writePhysical(UInt64(phys), size: size, value: value)
            return
        }
        let p = host + Int(phys & 0xFFF)
        switch size {
        case 1: p.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
        case 2: p.storeBytes(of: UInt16(truncatingIfNeeded: value), as: UInt16.self)
        default: p.storeBytes(of: value, as: UInt32.self)
        }
        if codePages[page] != 0 {
            decodeCache.invalidate(physical: phys, size: size)
        } else {
            let i = Int(linear >> 12) & (MemoryAccess.tlbSize - 1)
            writeTags[i] = linear >> 12
            writeAddends[i] = host - Int(linear & ~0xFFF)
        }
    }

    func writeByteSlow(_ linear: UInt32, _ v: UInt8) { writePhysical8(translate(linear), v) }

    // MARK: Physical access (device DMA, loaders, the decoder)

    /// Reads physical memory the way a bus master would (RAM or device).
    public func readPhysical8(_ phys: UInt32) -> UInt8 {
        if let host = readMap[Int(phys >> 12)] { return (host + Int(phys & 0xFFF)).load(as: UInt8.self) }
        return UInt8(truncatingIfNeeded: bus.readPhysical(UInt64(phys), size: 1))
    }

    /// Writes physical RAM as a bus master would; code decoded from it is invalidated.
    public func writePhysical8(_ phys: UInt32, _ v: UInt8) {
        let page = Int(phys >> 12)
        if let host = writeMap[page] {
            (host + Int(phys & 0xFFF)).storeBytes(of: v, as: UInt8.self)
            if codePages[page] != 0 { decodeCache.invalidate(physical: phys, size: 1) }
        } else {
            bus.writePhysical(UInt64(phys), size: 1, value: UInt32(v))
        }
    }

    /// Records that `page` holds decoded instructions: from now on stores to it
    /// go through `writeSlow`, so the write TLB must forget it.
    func markCodePage(_ page: Int) {
        guard page < MemoryAccess.pageCount, codePages[page] == 0 else { return }
        codePages[page] = 1
        writeTags.initialize(repeating: UInt32.max, count: MemoryAccess.tlbSize)
    }
}
