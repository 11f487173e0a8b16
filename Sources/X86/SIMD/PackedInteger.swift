/// MMX, SSE2 and SSSE3 integer SIMD: 0F 60-6D, 70-76, C4, C5, D1-D5, D7-DF,
/// E0-E5, E8-EF, F1-F6, F8-FE and the 0F 38 / 0F 3A SSSE3 opcodes (SDM Vol. 2
/// Tables ). With no prefix the operands are MMX registers (the
/// caller has made the MMX checks and makes the x87 transition afterwards);
/// with 66 they are XMM registers (SSE checks made); F3/F2 select
/// PSHUFHW/PSHUFLW and are otherwise #UD. Issue 6: the packed-integer branch
/// replaces this entry point.
extension CPU {
    func executePackedInteger(_ i: DecodedInstruction, prefix: SIMDPrefix) throws(Fault) {
        throw Fault.ud
    }
}
