// The 64-bit paged protocol of the native runner (`native_runner --paged64`,
// described at the top of Tests/NativeRunner/native_runner_paged.c).

/// The outcome of one instruction on the host in the 64-bit paged mode.
struct PagedNativeStep64 {
    var fault: UInt8?          // exception vector (the kernel's trap number), nil when the instruction completed
    var errorCode: UInt32      // the error code the CPU pushed (0 without a fault)
    var address: UInt64        // for #PF the faulting linear address (CR2)
    var rip: UInt64            // where the fault was taken (0 without one)
    var registers: [UInt64]    // after the instruction, or where the fault was taken; RSP as given
    var eflags: UInt32
    var changes: [ByteChange]  // bytes of the region's writable pages that changed
}

extension NativeRunner {
    /// Runs a batch of 64-bit paged cases, each from its registers, region
    /// contents and page protections, stopping a case at its first fault. The
    /// runner must have been started in `.paged64` mode.
    func runPaged64(_ cases: [PagedCase64]) throws -> [[PagedNativeStep64]] {
        var out: [UInt8] = []
        out.reserveCapacity(cases.count * 260)
        func put(_ v: UInt64, bytes: Int) {
            for k in 0..<bytes { out.append(UInt8(truncatingIfNeeded: v >> (8 * k))) }
        }
        put(UInt64(cases.count), bytes: 4)
        for c in cases {
            precondition(c.registers.count == 16 && c.instructions.count <= 64 && c.protections.count == PagedRegion.pages)
            for r in c.registers { put(r, bytes: 8) }
            put(UInt64(c.eflags), bytes: 4)
            put(UInt64(c.seed), bytes: 4)
            out.append(contentsOf: c.protections.map { $0.rawValue })
            put(UInt64(c.instructions.count), bytes: 4)
            for insn in c.instructions {
                precondition(!insn.bytes.isEmpty && insn.bytes.count <= 15)
                out.append(UInt8(insn.bytes.count))
                out.append(contentsOf: insn.bytes)
            }
        }
        try NativeRunner.writeAll(toRunner, &out)

        func u64(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(NativeRunner.u32(b, i)) | UInt64(NativeRunner.u32(b, i + 4)) << 32 }
        var results: [[PagedNativeStep64]] = []
        results.reserveCapacity(cases.count)
        var word = [UInt8](repeating: 0, count: 4)
        var step = [UInt8](repeating: 0, count: 155)
        for c in cases {
            try NativeRunner.readExact(fromRunner, &word)
            let n = Int(NativeRunner.u32(word, 0))
            guard n <= c.instructions.count else { throw NativeRunnerError.protocolError("\(n) steps for \(c.instructions.count) instructions") }
            var steps: [PagedNativeStep64] = []
            steps.reserveCapacity(n)
            for _ in 0..<n {
                try NativeRunner.readExact(fromRunner, &step)
                var changes = [UInt8](repeating: 0, count: 3 * (Int(step[153]) | Int(step[154]) << 8))
                try NativeRunner.readExact(fromRunner, &changes)
                steps.append(PagedNativeStep64(
                    fault: step[0] == 0xFF ? nil : step[0], errorCode: NativeRunner.u32(step, 1),
                    address: u64(step, 5), rip: u64(step, 13),
                    registers: (0..<16).map { u64(step, 21 + 8 * $0) }, eflags: NativeRunner.u32(step, 149),
                    changes: stride(from: 0, to: changes.count, by: 3).map {
                        ByteChange(offset: Int(changes[$0]) | Int(changes[$0 + 1]) << 8, value: changes[$0 + 2])
                    }))
            }
            results.append(steps)
        }
        return results
    }
}
