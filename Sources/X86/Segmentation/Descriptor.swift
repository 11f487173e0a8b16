/// A segment or gate descriptor as it sits in the GDT, LDT or IDT (SDM Vol. 3
/// §3.4.5, Figure 3-8; gates §5.8.3 and §6.11). In IA-32e mode system
/// descriptors and gates take 16 bytes; `upper` holds bytes 8-15 (bits 63:32 of
/// the base or offset in its low dword), 0 for 8-byte descriptors.
public struct Descriptor: Equatable {
    public var low: UInt32
    public var high: UInt32
    public var upper: UInt64 = 0

    public init(low: UInt32, high: UInt32, upper: UInt64 = 0) {
        self.low = low
        self.high = high
        self.upper = upper
    }

    /// Access byte (bits 40-47): type, S, DPL, P.
    @inline(__always) public var access: UInt8 { UInt8(truncatingIfNeeded: high >> 8) }
    @inline(__always) public var type: UInt8 { access & 0xF }
    /// S: a code or data segment rather than a system segment or gate.
    @inline(__always) public var isCodeOrData: Bool { access & 0x10 != 0 }
    @inline(__always) public var dpl: Int { Int(access >> 5) & 3 }
    @inline(__always) public var present: Bool { access & 0x80 != 0 }
    @inline(__always) public var isCode: Bool { isCodeOrData && type & 8 != 0 }
    @inline(__always) public var isData: Bool { isCodeOrData && type & 8 == 0 }
    /// Code: conforming. Data: expand-down.
    @inline(__always) public var conformingOrExpandDown: Bool { type & 4 != 0 }
    /// Code: readable. Data: writable.
    @inline(__always) public var readableOrWritable: Bool { type & 2 != 0 }

    /// The base, with bits 63:32 from `upper` for the 16-byte system descriptors.
    @inline(__always) public var base: UInt64 {
        UInt64((low >> 16) | (high & 0xFF) << 16 | (high & 0xFF00_0000)) | (upper & 0xFFFF_FFFF) << 32
    }
    /// The L bit of a code segment: 64-bit code in IA-32e mode.
    @inline(__always) public var long: Bool { high & 0x0020_0000 != 0 }
    /// The D/B bit.
    @inline(__always) public var big: Bool { high & 0x0040_0000 != 0 }

    /// The limit in bytes: the 20-bit field, scaled by 4 KiB when G is set.
    @inline(__always) public var limit: UInt32 {
        let raw = (low & 0xFFFF) | (high & 0x000F_0000)
        return high & 0x0080_0000 != 0 ? raw << 12 | 0xFFF : raw
    }

    /// The attribute bits a segment register caches: the access byte and
    /// AVL/L/D-B/G in bits 8-11 (the layout of `SegmentRegister.attributes`).
    @inline(__always) public var attributes: UInt16 {
        UInt16(access) | UInt16((high >> 20) & 0xF) << 8
    }

    // Gates: call, interrupt, trap and task gates.
    @inline(__always) public var gateSelector: UInt16 { UInt16(truncatingIfNeeded: low >> 16) }
    @inline(__always) public var gateOffset: UInt64 { UInt64((low & 0xFFFF) | (high & 0xFFFF_0000)) | (upper & 0xFFFF_FFFF) << 32 }
    /// The interrupt-stack-table index of a 64-bit interrupt or trap gate (0: none).
    @inline(__always) public var interruptStackTable: Int { Int(high & 7) }
    /// A call gate's parameter count (dwords or words to copy).
    @inline(__always) public var gateParameterCount: Int { Int(high & 0x1F) }

    /// System descriptor types (S = 0), SDM Vol. 3 Table 3-2.
    public enum SystemType {
        public static let availableTSS16: UInt8 = 1, ldt: UInt8 = 2, busyTSS16: UInt8 = 3
        public static let callGate16: UInt8 = 4, taskGate: UInt8 = 5
        /// In IA-32e mode types 9, 11, 12, 14 and 15 are the 64-bit TSS, call
        /// gate, interrupt gate and trap gate (Table 3-2).
        public static let interruptGate16: UInt8 = 6, trapGate16: UInt8 = 7
        public static let availableTSS32: UInt8 = 9, busyTSS32: UInt8 = 11
        public static let callGate32: UInt8 = 12, interruptGate32: UInt8 = 14, trapGate32: UInt8 = 15
    }

    /// The segment-register cache this descriptor loads.
    public func segment(selector: UInt16) -> SegmentRegister {
        SegmentRegister(selector: selector, base: base, limit: limit, attributes: attributes)
    }
}
