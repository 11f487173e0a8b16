// The 64-bit protocol of the native runner (`native_runner --long`, described
// at the top of Tests/NativeRunner/native_runner.c): sixteen 64-bit registers
// per state instead of eight 32-bit ones.

extension NativeRunner {
    /// Runs a batch of 64-bit cases: each case's instructions from its initial
    /// state, stopping a case at its first fault. Returns the steps run per case.
    /// The runner must have been started in `.long` mode.
    func run64(_ cases: [(registers: [UInt64], eflags: UInt32, code: [[UInt8]])]) throws -> [[NativeStep64]] {
        var out: [UInt8] = []
        out.reserveCapacity(cases.count * 220)
        func put(_ v: UInt64, bytes: Int) {
            for k in 0..<bytes { out.append(UInt8(truncatingIfNeeded: v >> (8 * k))) }
        }
        put(UInt64(cases.count), bytes: 4)
        for c in cases {
            precondition(c.registers.count == 16 && c.code.count <= 64)
            for r in c.registers { put(r, bytes: 8) }
            put(UInt64(c.eflags), bytes: 4)
            put(UInt64(c.code.count), bytes: 4)
            for bytes in c.code {
                precondition(!bytes.isEmpty && bytes.count <= 15)
                out.append(UInt8(bytes.count))
                out.append(contentsOf: bytes)
            }
        }
        try NativeRunner.writeAll(toRunner, &out)

        var results: [[NativeStep64]] = []
        results.reserveCapacity(cases.count)
        var word = [UInt8](repeating: 0, count: 4)
        var step = [UInt8](repeating: 0, count: 133)
        for c in cases {
            try NativeRunner.readExact(fromRunner, &word)
            let n = Int(NativeRunner.u32(word, 0))
            guard n <= c.code.count else { throw NativeRunnerError.protocolError("\(n) steps for \(c.code.count) instructions") }
            var steps: [NativeStep64] = []
            steps.reserveCapacity(n)
            for _ in 0..<n {
                try NativeRunner.readExact(fromRunner, &step)
                let regs = (0..<16).map { UInt64(NativeRunner.u32(step, 1 + 8 * $0)) | UInt64(NativeRunner.u32(step, 5 + 8 * $0)) << 32 }
                steps.append(NativeStep64(fault: step[0] == 0xFF ? nil : step[0], registers: regs, eflags: NativeRunner.u32(step, 129)))
            }
            results.append(steps)
        }
        return results
    }
}
