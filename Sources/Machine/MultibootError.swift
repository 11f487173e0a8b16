/// Why a file cannot be booted as a multiboot kernel (Multiboot Specification
/// 0.6.96 §3.1). Every case describes itself in one line; `swiftpc` puts the
/// kernel's path in front of it.
public enum MultibootError: Error, Equatable, CustomStringConvertible {
    /// No magic with a matching checksum at a 4-byte-aligned offset within the
    /// first 8192 bytes (§3.1.1).
    case noHeader
    /// Flag 16 is set but the address fields run past the file or its first 8192 bytes.
    case headerTruncated(offset: Int)
    /// Requirement bits (0-15) this loader does not know: §3.1.2 says to refuse the kernel.
    case unsupportedRequirements(flags: UInt32)
    /// The a.out kludge's address fields (§3.1.3) contradict each other or the file.
    case addressFields(String)
    /// An ELF64 file: multiboot v1 enters kernels in 32-bit protected mode.
    case elf64
    /// Any other reason the ELF image cannot be loaded.
    case elf(String)
    /// Part of the boot image would not land in usable RAM.
    case placement(what: String, start: UInt64, end: UInt64, problem: PlacementProblem)
    /// The entry address lies in none of the loaded bytes.
    case entryOutsideImage(UInt32)

    public enum PlacementProblem: Equatable {
        /// Beyond the end of RAM (the payload is the RAM size in bytes).
        case beyondRAM(Int)
        /// In the area the memory map reports reserved below 1 MiB.
        case reservedArea
        /// Over the GDT, information structure and memory map the loader writes.
        case loaderData
    }

    public var description: String {
        switch self {
        case .noHeader:
            return "not a multiboot kernel (the Linux boot protocol comes later)"
        case .headerTruncated(let offset):
            return "the multiboot header at offset \(hexAddress(offset)) sets flag 16 but its address fields"
                + " do not fit in the file's first 8192 bytes"
        case .unsupportedRequirements(let flags):
            return "the multiboot header requires features this loader does not know (flags \(hexAddress(flags)))"
        case .addressFields(let reason):
            return "bad multiboot address fields (flag 16): \(reason)"
        case .elf64:
            return "64-bit ELF kernel: multiboot v1 loads 32-bit i386 ELF images only"
        case .elf(let reason):
            return "bad ELF kernel: \(reason)"
        case .placement(let what, let start, let end, let problem):
            let range = end > start ? "\(hexAddress(start))-\(hexAddress(end - 1))" : hexAddress(start)
            switch problem {
            case .beyondRAM(let size):
                return "\(what) at \(range) lies outside RAM (\(size >> 20) MiB)"
            case .reservedArea:
                return "\(what) at \(range) overlaps the reserved area"
                    + " \(hexAddress(MultibootLayout.reservedStart))-\(hexAddress(MultibootLayout.reservedEnd - 1))"
            case .loaderData:
                return "\(what) at \(range) overlaps the boot loader's data"
                    + " at \(hexAddress(MultibootLayout.loaderDataStart))-\(hexAddress(MultibootLayout.loaderDataEnd - 1))"
            }
        case .entryOutsideImage(let entry):
            return "the entry point \(hexAddress(entry)) is outside the loaded image"
        }
    }
}

/// Addresses and offsets in messages: 0x-prefixed upper-case hex.
func hexAddress<T: BinaryInteger>(_ value: T) -> String {
    "0x" + String(value, radix: 16, uppercase: true)
}
