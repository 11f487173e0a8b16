/// The host bridge's PCI configuration mechanism #1 at ports 0xCF8-0xCFF
/// (PCI Local Bus Specification 2.1, section 3.7.4.1; Intel 440FX PCIset
/// datasheet, the 82441FX I/O-mapped registers CONFADD, CONFDATA and TRC).
///
/// CONFIG_ADDRESS (0xCF8) answers 32-bit accesses only: enable bit 31, bus
/// 23-16, device 15-11, function 10-8, register 7-2. CONFIG_DATA
/// (0xCFC-0xCFF) then reaches the selected dword of the addressed function
/// with byte, word or dword accesses at the matching byte lanes. Only bus 0
/// exists: a function nobody installed (or another bus) master-aborts, so
/// reads return all ones and writes vanish, as they do while bit 31 is clear.
///
/// Byte and word accesses to 0xCF8-0xCFB are ordinary I/O cycles. Of those,
/// the 82441FX claims 0xCF9, its Turbo/Reset Control register (TRC): a 0-to-1
/// transition of bit 2 (RCPU) resets the system, hard (PCIRST#, chipset
/// registers to their power-on values) when bit 1 (SHRE) is set, soft (the
/// CPU's INIT) otherwise. Bit 0 (deturbo) is stored without effect.
public final class PCIConfigurationSpace: IOPortDevice {
    public enum ResetKind: Equatable, Sendable {
        case hard, soft
    }

    public static let configAddressPort: UInt16 = 0xCF8
    public static let resetControlPort: UInt16 = 0xCF9
    public static let configDataPort: UInt16 = 0xCFC

    /// The register's implemented bits: enable, bus, device, function and
    /// dword register number (bits 30-24 and 1-0 are reserved, read 0).
    static let configAddressMask: UInt32 = 0x80FF_FFFC
    static let enableBit: UInt32 = 0x8000_0000
    static let resetControlMask: UInt8 = 0x07
    static let systemHardReset: UInt8 = 0x02
    static let resetCPU: UInt8 = 0x04

    public let ports: ClosedRange<UInt16> = 0xCF8...0xCFF
    public private(set) var configAddress: UInt32 = 0
    public private(set) var resetControl: UInt8 = 0
    /// Called on a TRC-initiated reset, after a hard reset has restored the
    /// configuration registers; the board resets the CPU.
    public var onReset: ((ResetKind) -> Void)?

    /// Bus 0's functions, indexed by device * 8 + function.
    private var functions: [PCIFunction?] = Array(repeating: nil, count: 32 * 8)

    public init() {}

    /// Places `function` at bus 0, `device` (0-31), function `number` (0-7).
    public func install(_ function: PCIFunction, device: Int, number: Int) {
        functions[(device & 0x1F) &* 8 &+ (number & 0x07)] = function
    }

    /// The function at bus 0, `device`, function `number`, if any.
    public func function(device: Int, number: Int) -> PCIFunction? {
        functions[(device & 0x1F) &* 8 &+ (number & 0x07)]
    }

    /// PCIRST#: every function back to its power-on values, CONFIG_ADDRESS
    /// and TRC cleared.
    public func reset() {
        for function in functions { function?.reset() }
        configAddress = 0
        resetControl = 0
    }

    public func ioRead(port: UInt16, size: Int) -> UInt32 {
        switch port {
        case Self.configAddressPort where size == 4:
            return configAddress
        case Self.configDataPort...0xCFF:
            let lane = Int(port &- Self.configDataPort)
            let count = min(max(size, 0), 4 &- lane)
            guard let function = selectedFunction else { return allOnes(size) }
            let value = function.read(selectedRegister &+ lane, size: count)
            return value | (allOnes(size) & ~allOnes(count))
        default:
            return ioBytes(port: port, size: size) { $0 == Self.resetControlPort ? resetControl : 0xFF }
        }
    }

    public func ioWrite(port: UInt16, size: Int, value: UInt32) {
        switch port {
        case Self.configAddressPort where size == 4:
            configAddress = value & Self.configAddressMask
        case Self.configDataPort...0xCFF:
            let lane = Int(port &- Self.configDataPort)
            selectedFunction?.write(selectedRegister &+ lane, size: min(max(size, 0), 4 &- lane), value: value)
        default:
            _ = ioBytes(port: port, size: size) { p in
                if p == Self.resetControlPort {
                    writeResetControl(UInt8(truncatingIfNeeded: value &>> (UInt32(p &- port) &* 8)))
                }
                return 0
            }
        }
    }

    /// The addressed function, nil while bit 31 is clear or when the address
    /// names another bus or an empty slot.
    private var selectedFunction: PCIFunction? {
        guard configAddress & Self.enableBit != 0, (configAddress &>> 16) & 0xFF == 0 else { return nil }
        return functions[Int((configAddress &>> 8) & 0xFF)]
    }

    private var selectedRegister: Int {
        Int(configAddress & 0xFC)
    }

    private func writeResetControl(_ value: UInt8) {
        let old = resetControl
        resetControl = value & Self.resetControlMask
        guard old & Self.resetCPU == 0, value & Self.resetCPU != 0 else { return }
        if value & Self.systemHardReset != 0 {
            reset()
            onReset?(.hard)
        } else {
            onReset?(.soft)
        }
    }

    /// Splits an I/O cycle at 0xCF8-0xCFB into its bytes, as the bus does
    /// for cycles the chipset passes on, and assembles what `byte` returns.
    private func ioBytes(port: UInt16, size: Int, _ byte: (UInt16) -> UInt8) -> UInt32 {
        var result: UInt32 = 0
        for index in 0..<min(max(size, 0), 4) {
            result |= UInt32(byte(port &+ UInt16(index))) &<< UInt32(index &* 8)
        }
        return result
    }

    private func allOnes(_ size: Int) -> UInt32 {
        size >= 4 ? 0xFFFF_FFFF : (UInt32(1) &<< UInt32(max(size, 0) &* 8)) &- 1
    }
}
