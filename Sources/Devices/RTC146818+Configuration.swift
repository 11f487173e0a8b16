/// The PC/AT configuration bytes in the MC146818A's RAM, which the board fills
/// before the guest starts (IBM PC/AT Technical Reference, "CMOS RAM Address
/// Map"; 0x34/0x35 as SeaBIOS and later firmware read them).
///
/// Filled: 0x10 floppy types, 0x12 fixed-disk types with 0x19/0x1A, 0x14 the
/// equipment byte's drive bits, 0x15/0x16 base memory, 0x17/0x18 and 0x30/0x31
/// memory above 1 MiB, 0x34/0x35 memory above 16 MiB, and the checksum
/// 0x2E/0x2F. The century 0x32 is part of the clock. Other bytes are zero
/// until the board or the guest writes them.
extension RTC146818 {
    enum Configuration {
        static let floppyTypes = 0x10
        static let hardDiskTypes = 0x12
        static let equipment = 0x14
        static let baseMemory = 0x15
        static let extendedMemory = 0x17
        static let firstDiskExtendedType = 0x19
        static let secondDiskExtendedType = 0x1A
        static let checksummed = 0x10...0x2D
        static let checksum = 0x2E
        static let extendedMemoryCopy = 0x30
        static let memoryAbove16MiB = 0x34
    }

    /// One byte as the chip holds it, without side effects (the clock registers
    /// as of the guest's last access).
    public func configurationByte(at address: Int) -> UInt8 {
        bytes[address & 0x7F]
    }

    /// Sets a RAM byte (0x0E-0x7F) and, within 0x10-0x2D, refreshes the checksum
    /// at 0x2E/0x2F. The clock registers 0x00-0x0D belong to the guest.
    public func setConfigurationByte(_ value: UInt8, at address: Int) {
        let i = address & 0x7F
        guard i > Register.d else { return }
        bytes[i] = value
        if Configuration.checksummed.contains(i) { updateChecksum() }
    }

    /// Base memory (0x15/0x16), memory above 1 MiB in KiB (0x17/0x18 and the
    /// POST copy at 0x30/0x31, capped at 0xFFFF) and memory above 16 MiB in
    /// 64 KiB units (0x34/0x35, capped at 0xFFFF), all little-endian.
    public func setMemorySize(baseKiB: Int, extendedKiB: Int) {
        let above16MiB = extendedKiB > 15 * 1024 ? (extendedKiB - 15 * 1024) / 64 : 0
        setWord(Self.clampedWord(baseKiB), at: Configuration.baseMemory)
        setWord(Self.clampedWord(extendedKiB), at: Configuration.extendedMemory)
        setWord(Self.clampedWord(extendedKiB), at: Configuration.extendedMemoryCopy)
        setWord(Self.clampedWord(above16MiB), at: Configuration.memoryAbove16MiB)
        updateChecksum()
    }

    /// Drive types in 0x10 (0 none, 1 360 KB, 2 1.2 MB, 3 720 KB, 4 1.44 MB,
    /// 5 2.88 MB; A in the high nibble) and the drive bits of the equipment byte
    /// 0x14 (bit 0 any drive, bits 6-7 drives minus one); its other bits stay.
    public func setFloppyTypes(driveA: UInt8, driveB: UInt8) {
        bytes[Configuration.floppyTypes] = (driveA & 0x0F) << 4 | driveB & 0x0F
        let drives: UInt8 = (driveA & 0x0F != 0 ? 1 : 0) + (driveB & 0x0F != 0 ? 1 : 0)
        var equipment = bytes[Configuration.equipment] & 0x3E
        if drives > 0 { equipment |= (drives - 1) << 6 | 0x01 }
        bytes[Configuration.equipment] = equipment
        updateChecksum()
    }

    /// Fixed-disk types in 0x12 (first disk in the high nibble, 0 none); a type
    /// of 15 or more stores 0xF there and the type in 0x19 or 0x1A.
    public func setHardDiskTypes(first: UInt8, second: UInt8) {
        bytes[Configuration.firstDiskExtendedType] = first >= 15 ? first : 0
        bytes[Configuration.secondDiskExtendedType] = second >= 15 ? second : 0
        bytes[Configuration.hardDiskTypes] = min(first, 15) << 4 | min(second, 15)
        updateChecksum()
    }

    /// The sum of 0x10-0x2D, stored high byte first at 0x2E.
    public var checksum: UInt16 {
        UInt16(bytes[Configuration.checksum]) << 8 | UInt16(bytes[Configuration.checksum + 1])
    }

    private func updateChecksum() {
        let sum = Configuration.checksummed.reduce(UInt16(0)) { $0 &+ UInt16(bytes[$1]) }
        bytes[Configuration.checksum] = UInt8(sum >> 8)
        bytes[Configuration.checksum + 1] = UInt8(truncatingIfNeeded: sum)
    }

    private func setWord(_ value: UInt16, at i: Int) {
        bytes[i] = UInt8(truncatingIfNeeded: value)
        bytes[i + 1] = UInt8(value >> 8)
    }

    private static func clampedWord(_ value: Int) -> UInt16 {
        UInt16(min(max(value, 0), 0xFFFF))
    }
}
