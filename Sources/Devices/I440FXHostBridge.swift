/// The 82441FX PCI and Memory Controller (PMC) of the Intel 440FX PCIset, the
/// host bridge at bus 0 device 0 function 0 (Intel 440FX PCIset datasheet,
/// the 82441FX PCI configuration registers; QEMU's "pc" machine has the same).
///
/// The header identifies 8086:1237, revision 02, class 06 00 00 (host
/// bridge). The DRAM, cache and timing registers hold what firmware writes.
/// The PAM registers (0x59-0x5F, read/write attributes of the 0xC0000-0xFFFFF
/// segments) and SMRAM (0x72) are stored but have no effect yet: the board's
/// memory map does not follow them, the BIOS area stays ROM and SMRAM is not
/// modelled (issue 4).
public final class I440FXHostBridge: PCIFunction {
    public enum Register {
        public static let pmcConfiguration = 0x50, pam0 = 0x59, drb0 = 0x60, smram = 0x72
    }

    /// SMRAM register bits (datasheet, "SMRAM"): D_OPEN, D_CLS, D_LCK and the
    /// hard-wired C_BASE_SEG = 010 (the A0000-BFFFF segment); bit 3 is
    /// G_SMRAME.
    public enum SMRAM {
        public static let open: UInt8 = 0x40, close: UInt8 = 0x20, lock: UInt8 = 0x10
        public static let baseSegment: UInt8 = 0x02
    }

    public init() {
        super.init(vendorID: 0x8086, deviceID: 0x1237, revisionID: 0x02, classCode: 0x06_00_00, headerType: 0x00)
        // PCICMD: memory and bus-master access are always on (read-only 1s);
        // SERR# and parity error enables are the writable bits.
        define(PCIFunction.Register.command, size: 2, value: 0x0006, writable: 0x0140)
        // PCISTS: medium DEVSEL timing, fast back-to-back capable; the error
        // bits are write-1-to-clear.
        define(PCIFunction.Register.status, size: 2, value: 0x0280, writeOneToClear: 0xF100)
        define(PCIFunction.Register.latencyTimer, size: 1, value: 0x00, writable: 0xF8)
        define(Register.pmcConfiguration, size: 2, value: 0x0000, writable: 0xFFFF)
        // DETURBO, DBC, AXC, DRAMR (2 bytes), DRAMC, DRAMT: stored as
        // written; nothing here depends on DRAM timing.
        define(0x52, size: 4, value: 0, writable: 0xFFFF_FFFF)
        define(0x56, size: 3, value: 0, writable: 0xFF_FFFF)
        // PAM0 has only HIENABLE (F0000-FFFFF); PAM1-6 each cover two 16 KiB halves.
        define(Register.pam0, size: 1, value: 0, writable: 0x30)
        for pam in 1...6 {
            define(Register.pam0 &+ pam, size: 1, value: 0, writable: 0x33)
        }
        // DRB0-7: DRAM row boundaries in 8 MiB units; FDHC.
        define(Register.drb0, size: 4, value: 0x0101_0101, writable: 0xFFFF_FFFF)
        define(Register.drb0 &+ 4, size: 4, value: 0x0101_0101, writable: 0xFFFF_FFFF)
        define(0x68, size: 1, value: 0, writable: 0xC0)
        // MTT (multi-transaction timer), CLT (CPU latency timer).
        define(0x70, size: 2, value: 0x1020, writable: 0xFFF8)
        define(Register.smram, size: 1, value: UInt32(SMRAM.baseSegment), writable: 0x78)
        // ERRCMD, ERRSTS (write-1-to-clear).
        define(0x90, size: 1, value: 0, writable: 0xFF)
        define(0x91, size: 1, value: 0, writeOneToClear: 0xFF)
    }

    /// Once D_LCK is set, D_OPEN is forced to 0 and D_OPEN, D_LCK and
    /// G_SMRAME become read-only until the next reset, so SMM code can no
    /// longer be opened to non-SMM software; D_CLS stays writable for the SMM
    /// handler's own use (datasheet, "SMRAM").
    public override func write(_ offset: Int, value: UInt8) {
        guard offset & 0xFF == Register.smram else {
            return super.write(offset, value: value)
        }
        let old = read(Register.smram)
        if old & SMRAM.lock != 0 {
            super.write(offset, value: (old & ~SMRAM.close) | (value & SMRAM.close))
        } else if value & SMRAM.lock != 0 {
            super.write(offset, value: value & ~SMRAM.open)
        } else {
            super.write(offset, value: value)
        }
    }

}
