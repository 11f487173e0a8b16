/// The MMX, SSE, SSE2, SSE3 and SSSE3 opcodes of the 0F, 0F 38 and 0F 3A
/// maps (SDM Vol. 2 Tables ), routed by family: data movement and
/// the bitwise operations (SSEMoves.swift), floating-point arithmetic and
/// conversions (SSEFloat*.swift), integer SIMD (PackedInteger.swift and the
/// Packed*.swift lane files), and group 15's state management, ordering and
/// cache control (StateManagement.swift).
///
/// Before running, an instruction passes the checks of SDM Vol. 3 §13.1.4 and
/// Vol. 2 §2.5: SSE instructions raise #UD with CR0.EM = 1 or CR4.OSFXSR = 0,
/// then #NM with CR0.TS = 1; MMX instructions raise #UD with EM, #NM with TS,
/// and report a pending x87 exception (#MF) like a waiting x87 instruction.
/// An MMX instruction then puts the x87 unit in MMX mode: TOP = 0 and every
/// register valid (§9.5.1).
extension CPU {
    static let cr4OSFXSR: UInt32 = 1 << 9, cr4OSXMMEXCPT: UInt32 = 1 << 10

    func executeSIMD(_ i: DecodedInstruction) throws(Fault) {
        let prefix = simdPrefix(i)
        switch i.operation {
        case .simdFloat:
            try checkSSEAvailable()
            try executeSSEFloat(i, prefix: prefix)
        case .simdMove:
            try checkSSEAvailable()
            try executeSSEMove(i, prefix: prefix)
        case .simdMixedMove:
            if prefix == .none {
                try checkMMXAvailable()
                try executeMMXMove(i)
                x87.enterMMXMode()
            } else {
                try checkSSEAvailable()
                try executeSSEMove(i, prefix: prefix)
            }
        case .simdInteger:
            if prefix == .none {
                try checkMMXAvailable()
                try executePackedInteger(i, prefix: prefix)
                x87.enterMMXMode()
            } else {
                try checkSSEAvailable()
                try executePackedInteger(i, prefix: prefix)
            }
        default:
            try executeSIMDOther(i, prefix: prefix)
        }
    }

    /// Group 15, MOVNTI and EMMS.
    func executeSIMDOther(_ i: DecodedInstruction, prefix: SIMDPrefix) throws(Fault) {
        switch i.opcode {
        case 0x1AE:
            try group15(i, prefix: prefix)
        case 0x1C3:
            guard prefix == .none, !i.registerForm else { throw Fault.ud }
            let size = i.operandSize == 8 ? 8 : 4
            try writeLinear(try operandAddressForWrite(i, size: size), size: size, getReg(i.reg, size: size))
        default:
            guard prefix == .none else { throw Fault.ud }
            try checkMMXAvailable()
            // EMMS: every register empty (§9.6.3), and TOP = 0 as for every
            // MMX instruction (Vol. 3 §12.2, Table 12-2).
            x87.validTags = 0
            x87.top = 0
        }
    }

    @inline(__always) func checkSSEAvailable() throws(Fault) {
        if cr0 & CPU.cr0EM != 0 || cr4 & CPU.cr4OSFXSR == 0 { throw Fault.ud }
        if cr0 & CPU.cr0TS != 0 { throw Fault(Fault.deviceNotAvailable) }
    }

    @inline(__always) func checkMMXAvailable() throws(Fault) {
        if cr0 & CPU.cr0EM != 0 { throw Fault.ud }
        if cr0 & CPU.cr0TS != 0 { throw Fault(Fault.deviceNotAvailable) }
        try checkPendingNumericError()
    }

    /// An SSE instruction that reads or writes an MMX register (CVTPI2PS with
    /// a register source, MOVQ2DQ, MOVDQ2Q and the like) makes the x87
    /// transition too, after reporting a pending x87 exception (SDM Vol. 2
    /// CVTPI2PS: "#MF if there is a pending x87 FPU exception").
    func enterMMXFromSSE() throws(Fault) {
        try checkPendingNumericError()
        x87.enterMMXMode()
    }

    /// An unmasked SIMD floating-point exception: #XM with CR4.OSXMMEXCPT = 1,
    /// else #UD (SDM Vol. 3 §6.15, "Interrupt 19").
    func simdFloatingPointException() -> Fault {
        cr4 & CPU.cr4OSXMMEXCPT != 0 ? Fault(Fault.simdFloatingPoint) : Fault.ud
    }
}
