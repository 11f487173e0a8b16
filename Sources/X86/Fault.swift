/// An exception raised while executing an instruction (SDM Vol. 3 §6.3, Table 6-1).
/// Thrown with typed throws so that raising one allocates nothing.
public struct Fault: Error, Equatable {
    public var vector: UInt8
    public var errorCode: UInt32?
    /// For #PF, the linear address that faulted (it goes to CR2 on delivery).
    public var address: UInt64

    public init(_ vector: UInt8, errorCode: UInt32? = nil, address: UInt64 = 0) {
        self.vector = vector
        self.errorCode = errorCode
        self.address = address
    }

    public static let divideError: UInt8 = 0, debug: UInt8 = 1, breakpoint: UInt8 = 3
    public static let overflow: UInt8 = 4, boundRange: UInt8 = 5, invalidOpcode: UInt8 = 6
    public static let deviceNotAvailable: UInt8 = 7, doubleFault: UInt8 = 8
    public static let invalidTSS: UInt8 = 10, segmentNotPresent: UInt8 = 11
    public static let stackFault: UInt8 = 12, generalProtection: UInt8 = 13, pageFault: UInt8 = 14
    public static let alignmentCheck: UInt8 = 17
    public static let floatingPointError: UInt8 = 16, simdFloatingPoint: UInt8 = 19

    public static var ud: Fault { Fault(invalidOpcode) }
    public static var de: Fault { Fault(divideError) }
    public static func gp(_ code: UInt32 = 0) -> Fault { Fault(generalProtection, errorCode: code) }
    public static func ss(_ code: UInt32 = 0) -> Fault { Fault(stackFault, errorCode: code) }
}
