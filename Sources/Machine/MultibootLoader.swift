/// Loading a multiboot kernel the way a multiboot boot loader does (Multiboot
/// Specification 0.6.96 §3): the kernel's segments, then, after the kernel
/// and page-aligned as in QEMU, the module list with the module strings, the
/// command line and the boot loader name, then each module on a page boundary;
/// the memory map, the information structure and a GDT in low memory
/// (`MultibootLayout`); finally the machine state of §3.2. Every placement is
/// checked before the first byte is written: the checks are what keep a bad
/// file's numbers away from the host's memory.
extension Machine {
    func loadMultiboot(_ boot: MultibootConfiguration) throws(MultibootError) {
        let image = try MultibootKernelImage(file: boot.kernel)
        let ramSize = memory.ramSize
        for (k, s) in image.segments.enumerated() {
            let what = image.segments.count == 1 ? "the kernel" : "kernel segment \(k)"
            try MultibootLayout.checkPlacement(what, start: UInt64(s.address), end: s.end, ramSize: ramSize)
        }

        // The block after the kernel: the 16-byte module entries, then the strings.
        let blockStart = image.start + MultibootLayout.pageAlign(image.end - image.start)
        var block = [UInt8](repeating: 0, count: 16 * boot.modules.count)
        var moduleStringOffsets: [Int] = []
        for m in boot.modules {
            moduleStringOffsets.append(block.count)
            block.appendCString(m.string)
        }
        let commandLineOffset = block.count
        block.appendCString(boot.commandLine)
        let nameOffset = block.count
        block.appendCString(MultibootInformation.bootLoaderName)
        let blockEnd = blockStart + UInt64(block.count)
        try MultibootLayout.checkPlacement("the module list and command lines", start: blockStart, end: blockEnd,
                                           ramSize: ramSize)

        var moduleStarts: [UInt64] = []
        var next = MultibootLayout.pageAlign(blockEnd)
        for m in boot.modules {
            let end = next + UInt64(m.bytes.count)
            try MultibootLayout.checkPlacement("module '\(MultibootConfiguration.modulePath(m.string))'",
                                               start: next, end: end, ramSize: ramSize)
            moduleStarts.append(next)
            next = MultibootLayout.pageAlign(end)
        }

        // Every address is now below the RAM size (at most 3 GiB): it fits 32 bits.
        let base = UInt32(blockStart)
        for (k, start) in moduleStarts.enumerated() {
            block.storeLittleEndian32(UInt32(start), at: 16 * k)
            block.storeLittleEndian32(UInt32(start) + UInt32(boot.modules[k].bytes.count), at: 16 * k + 4)
            block.storeLittleEndian32(base + UInt32(moduleStringOffsets[k]), at: 16 * k + 8)
        }

        for s in image.segments {
            writeRAM(boot.kernel[s.fileOffset..<s.fileOffset + s.fileSize], at: UInt64(s.address))
            zeroRAM(at: UInt64(s.address) + UInt64(s.fileSize), count: s.memorySize - s.fileSize)
        }
        writeRAM(block[...], at: blockStart)
        for (k, start) in moduleStarts.enumerated() { writeRAM(boot.modules[k].bytes[...], at: start) }

        let biosSize = Int(MultibootLayout.pageAlign(UInt64((configuration.bios ?? DefaultFirmware.image).count)))
        let map = MultibootMemoryMap(ramSize: ramSize, biosSize: biosSize).bytes
        writeRAM(map[...], at: UInt64(MultibootLayout.memoryMapAddress))
        let info = MultibootInformation(
            memoryLower: UInt32(MultibootLayout.reservedStart >> 10),
            memoryUpper: UInt32((UInt64(ramSize) - MultibootLayout.reservedEnd) >> 10),
            commandLine: base + UInt32(commandLineOffset),
            moduleCount: UInt32(boot.modules.count),
            moduleList: base,
            memoryMapLength: UInt32(map.count),
            memoryMapAddress: MultibootLayout.memoryMapAddress,
            bootLoaderNameAddress: base + UInt32(nameOffset))
        writeRAM(info.bytes[...], at: UInt64(MultibootLayout.informationAddress))
        enterMultibootKernel(entry: image.entry, information: MultibootLayout.informationAddress)
    }

    /// Stores into RAM directly; callers have checked the range.
    func writeRAM(_ bytes: ArraySlice<UInt8>, at address: UInt64) {
        precondition(address + UInt64(bytes.count) <= UInt64(memory.ramSize), "unchecked multiboot placement")
        bytes.withUnsafeBytes { source in
            guard let from = source.baseAddress else { return }  // nothing to copy
            memory.ram.advanced(by: Int(address)).copyMemory(from: from, byteCount: source.count)
        }
    }

    private func zeroRAM(at address: UInt64, count: Int) {
        precondition(address + UInt64(count) <= UInt64(memory.ramSize), "unchecked multiboot placement")
        memory.ram.advanced(by: Int(address)).initializeMemory(as: UInt8.self, repeating: 0, count: count)
    }
}
