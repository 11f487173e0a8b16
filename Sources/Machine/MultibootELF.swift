/// The ELF path of the multiboot loader (Multiboot Specification 0.6.96
/// §3.1.3: without flag 16 the loader reads the kernel's executable format),
/// for 32-bit little-endian i386 executables as the System V ABI and the
/// TIS ELF specification 1.2 lay them out. Each PT_LOAD program header becomes
/// a segment at its physical address (p_paddr), as QEMU loads it, and e_entry
/// is the entry point.
extension MultibootKernelImage {
    static let elfHeaderSize = 52
    static let programHeaderSize = 32

    static func elfSegments(_ file: [UInt8]) throws(MultibootError) -> ([Segment], UInt32) {
        guard file.count >= 4, file[0..<4].elementsEqual([0x7F, 0x45, 0x4C, 0x46]) else {
            throw .elf("no ELF header, and the multiboot header has no address fields (flag 16)")
        }
        guard file.count >= 5 else { throw .elf("the ELF header is cut off after 4 bytes") }
        switch file[4] {
        case 1: break
        case 2: throw .elf64
        default: throw .elf("unknown ELF class \(file[4])")
        }
        guard file.count >= elfHeaderSize else { throw .elf("the ELF header is cut off after \(file.count) bytes") }
        guard file[5] == 1 else { throw .elf("not little-endian (EI_DATA \(file[5]))") }
        let type = file.littleEndian16(at: 16), machine = file.littleEndian16(at: 18)
        guard type == 2 else { throw .elf("not an executable (e_type \(type), want ET_EXEC)") }
        guard machine == 3 else { throw .elf("not an i386 image (e_machine \(machine), want EM_386)") }
        let entry = file.littleEndian32(at: 24)
        let tableOffset = Int(file.littleEndian32(at: 28))
        let entrySize = Int(file.littleEndian16(at: 42)), count = Int(file.littleEndian16(at: 44))
        guard count > 0 else { throw .elf("no program headers") }
        guard entrySize >= programHeaderSize else {
            throw .elf("program headers of \(entrySize) bytes (e_phentsize), want at least \(programHeaderSize)")
        }
        // Int is 64 bits, so neither product nor sum of these 32-bit values overflows.
        guard tableOffset + count * entrySize <= file.count else {
            throw .elf("the program header table (\(count) × \(entrySize) bytes at \(hexAddress(tableOffset)))"
                       + " runs past the end of the file")
        }
        var segments: [Segment] = []
        for k in 0..<count {
            let ph = tableOffset + k * entrySize
            guard file.littleEndian32(at: ph) == 1 else { continue }  // PT_LOAD
            let offset = Int(file.littleEndian32(at: ph + 4))
            let address = file.littleEndian32(at: ph + 12)
            let fileSize = Int(file.littleEndian32(at: ph + 16))
            let memorySize = Int(file.littleEndian32(at: ph + 20))
            guard fileSize <= memorySize else {
                throw .elf("segment \(k) has more file bytes (\(fileSize)) than memory (\(memorySize))")
            }
            guard offset + fileSize <= file.count else {
                throw .elf("segment \(k)'s \(fileSize) bytes at offset \(hexAddress(offset)) run past the end of the file")
            }
            if memorySize > 0 {
                segments.append(Segment(address: address, fileOffset: offset, fileSize: fileSize, memorySize: memorySize))
            }
        }
        guard !segments.isEmpty else { throw .elf("no loadable (PT_LOAD) segment") }
        return (segments, entry)
    }
}
