import Devices
import Foundation
import XCTest
import X86
@testable import Machine

/// The multiboot loader (`-kernel`, `-append`, `-initrd`): header search, the
/// a.out kludge and ELF paths, placement checks, the information structure,
/// the entry state, and the two builds of TestImages/multiboot/mbtest booted.
final class MultibootTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let imageDirectory = root.appendingPathComponent("TestImages/multiboot")

    // MARK: Crafted kernels

    /// A multiboot header with a matching checksum, then the address fields if any.
    static func header(flags: UInt32, fields: [UInt32] = [], checksum: UInt32? = nil) -> [UInt8] {
        var b: [UInt8] = []
        b.appendLittleEndian32(MultibootHeader.magic)
        b.appendLittleEndian32(flags)
        b.appendLittleEndian32(checksum ?? 0 &- MultibootHeader.magic &- flags)
        for f in fields { b.appendLittleEndian32(f) }
        return b
    }

    /// `count` bytes of a recognisable non-zero pattern.
    static func pattern(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 * 7 + 1) | 1 } }

    /// A flat a.out-kludge kernel: the header at `headerOffset` of a `size`-byte file.
    static func aout(load: UInt32 = 0x10_0000, headerOffset: Int = 0x40, size: Int = 0x1800,
                     headerAddress: UInt32? = nil, loadEnd: UInt32 = 0, bssEnd: UInt32 = 0,
                     entry: UInt32? = nil) -> [UInt8] {
        var file = pattern(size)
        let h = header(flags: MultibootHeader.addressFieldsFlag, fields: [
            headerAddress ?? load + UInt32(headerOffset), load, loadEnd, bssEnd, entry ?? load])
        file.replaceSubrange(headerOffset..<headerOffset + h.count, with: h)
        return file
    }

    struct ProgramHeader {
        var type: UInt32 = 1
        var offset: UInt32
        var address: UInt32
        var fileSize: UInt32
        var memorySize: UInt32
    }

    /// An ELF32 file: header at 0, program headers at 52, the multiboot header
    /// at 0x100, and a pattern from 0x200 to `size`.
    static func elf(_ headers: [ProgramHeader], entry: UInt32 = 0x10_0000, size: Int = 0x2000,
                    elfClass: UInt8 = 1, encoding: UInt8 = 1, type: UInt16 = 2, machine: UInt16 = 3,
                    headerSize: UInt16 = 32) -> [UInt8] {
        var e: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, elfClass, encoding, 1] + [UInt8](repeating: 0, count: 9)
        e += [UInt8(type & 0xFF), UInt8(type >> 8), UInt8(machine & 0xFF), UInt8(machine >> 8)]
        e.appendLittleEndian32(1)          // e_version
        e.appendLittleEndian32(entry)
        e.appendLittleEndian32(52)         // e_phoff
        e.appendLittleEndian32(0)          // e_shoff
        e.appendLittleEndian32(0)          // e_flags
        e += [52, 0, UInt8(headerSize), 0, UInt8(headers.count), 0, 40, 0, 0, 0, 0, 0]
        for p in headers {
            var ph: [UInt8] = []
            for v in [p.type, p.offset, p.address, p.address, p.fileSize, p.memorySize, 5, 0x1000] {
                ph.appendLittleEndian32(v)
            }
            e += ph + [UInt8](repeating: 0, count: max(0, Int(headerSize) - 32))
        }
        var file = pattern(size)
        file.replaceSubrange(0..<e.count, with: e)
        let h = header(flags: 0)
        file.replaceSubrange(0x100..<0x100 + h.count, with: h)
        return file
    }

    static let textSegment = ProgramHeader(offset: 0x1000, address: 0x10_0000, fileSize: 0x1000, memorySize: 0x1000)

    func machine(_ kernel: [UInt8], name: String = "kernel.bin", arguments: String = "",
                 modules: [MultibootConfiguration.Module] = [], memory: Int = 8 << 20,
                 console: BufferBackend = BufferBackend()) throws -> Machine {
        var c = MachineConfiguration()
        c.memorySize = memory
        c.debugConsole = console
        c.multiboot = MultibootConfiguration(kernel: kernel, kernelName: name, arguments: arguments, modules: modules)
        return try Machine(configuration: c)
    }

    func read32(_ m: Machine, _ address: UInt32) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(m.access.readPhysical8(address + UInt32($1))) << (8 * $1) }
    }

    func string(_ m: Machine, _ address: UInt32) -> String {
        var bytes: [UInt8] = []
        var a = address
        while bytes.count < 4096, case let b = m.access.readPhysical8(a), b != 0 { bytes.append(b); a += 1 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `body` throws `expected`, or an error whose description contains `text`.
    func assertFails(_ label: String, _ expected: MultibootError? = nil, containing text: String? = nil,
                     _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), label) { error in
            guard let e = error as? MultibootError else { return XCTFail("\(label): \(error)") }
            if let expected { XCTAssertEqual(e, expected, label) }
            if let text { XCTAssertTrue(e.description.contains(text), "\(label): \(e)") }
            XCTAssertFalse(e.description.contains("\n"), "\(label): one line")
        }
    }

    // MARK: The header (§3.1.1-3.1.2)

    func testHeaderSearch() throws {
        let valid = MultibootTests.header(flags: 3)
        func file(_ header: [UInt8], at offset: Int, size: Int = 0x3000) -> [UInt8] {
            var f = [UInt8](repeating: 0, count: size)
            f.replaceSubrange(offset..<offset + header.count, with: header)
            return f
        }
        let found: [(String, [UInt8], Int)] = [
            ("at 0", file(valid, at: 0), 0),
            ("the last aligned place within 8192 bytes", file(valid, at: 8180), 8180),
            ("after a magic with a bad checksum", MultibootTests.header(flags: 3, checksum: 5) + valid, 12),
            ("video mode requested (accepted as QEMU does)", file(MultibootTests.header(flags: 4), at: 64), 64),
            ("a file just the header long", valid, 0),
        ]
        for (label, f, offset) in found {
            let h = try MultibootHeader(file: f)
            XCTAssertEqual(h.offset, offset, label)
            XCTAssertNil(h.addressFields, label)
        }
        let missing: [(String, [UInt8], MultibootError)] = [
            ("empty file", [], .noHeader),
            ("11 bytes", Array(valid.prefix(11)), .noHeader),
            ("misaligned", file(valid, at: 2), .noHeader),
            ("bad checksum", file(MultibootTests.header(flags: 3, checksum: 0), at: 0), .noHeader),
            ("ends past 8192 bytes", file(valid, at: 8184), .noHeader),
            ("beyond 8192 bytes", file(valid, at: 8192), .noHeader),
            ("unknown requirement bit 3", file(MultibootTests.header(flags: 8), at: 0),
             .unsupportedRequirements(flags: 8)),
            ("address fields cut by the end of the file", MultibootTests.header(flags: 1 << 16, fields: [1, 2]),
             .headerTruncated(offset: 0)),
            ("address fields past 8192 bytes", file(MultibootTests.header(flags: 1 << 16), at: 8168),
             .headerTruncated(offset: 8168)),
        ]
        for (label, f, error) in missing {
            assertFails(label, error) { _ = try MultibootHeader(file: f) }
        }
        let fields = try MultibootHeader(file: MultibootTests.aout(bssEnd: 0x10_3000)).addressFields
        XCTAssertEqual(fields, .init(headerAddress: 0x10_0040, loadAddress: 0x10_0000, loadEndAddress: 0,
                                     bssEndAddress: 0x10_3000, entryAddress: 0x10_0000))
    }

    // MARK: The a.out kludge (§3.1.3)

    func testAddressFields() throws {
        let whole = try MultibootKernelImage(file: MultibootTests.aout())
        XCTAssertEqual(whole.segments, [.init(address: 0x10_0000, fileOffset: 0, fileSize: 0x1800, memorySize: 0x1800)])
        let part = try MultibootKernelImage(file: MultibootTests.aout(load: 0x20_0000, headerAddress: 0x20_0010, loadEnd: 0x20_0100,
                                                                      bssEnd: 0x20_2000, entry: 0x20_1FFF))
        XCTAssertEqual(part.segments, [.init(address: 0x20_0000, fileOffset: 0x30, fileSize: 0x100, memorySize: 0x2000)],
                       "header_addr - load_addr = 0x10 bytes before the header at 0x40")
        XCTAssertEqual(part.entry, 0x20_1FFF)

        let bad: [(String, [UInt8], String)] = [
            ("header_addr below load_addr", MultibootTests.aout(headerAddress: 0xF_FFFF), "is below load_addr"),
            ("load_addr before the file", MultibootTests.aout(headerAddress: 0x10_0041), "before the header"),
            ("load_end_addr below load_addr", MultibootTests.aout(loadEnd: 0xF_0000), "load_end_addr 0xF0000 is below"),
            ("load_end_addr past the file", MultibootTests.aout(loadEnd: 0x10_1801), "the file has 6144"),
            ("bss_end_addr below the loaded end", MultibootTests.aout(loadEnd: 0x10_1000, bssEnd: 0x10_0FFF),
             "bss_end_addr 0x100FFF"),
            ("entry before the image", MultibootTests.aout(entry: 0xF_FFFF), "entry point 0xFFFFF is outside"),
            ("entry after the image", MultibootTests.aout(entry: 0x10_1800), "entry point 0x101800 is outside"),
        ]
        for (label, file, text) in bad {
            assertFails(label, containing: text) { _ = try MultibootKernelImage(file: file) }
        }
    }

    // MARK: ELF (§3.1.3 without flag 16)

    func testELFSegments() throws {
        let bss = MultibootTests.ProgramHeader(offset: 0x1800, address: 0x10_1000, fileSize: 0x100, memorySize: 0x3000)
        let note = MultibootTests.ProgramHeader(type: 4, offset: 0, address: 0, fileSize: 0x10, memorySize: 0x10)
        let empty = MultibootTests.ProgramHeader(offset: 0, address: 0x4000_0000, fileSize: 0, memorySize: 0)
        let image = try MultibootKernelImage(file: MultibootTests.elf([MultibootTests.textSegment, note, empty, bss]))
        XCTAssertEqual(image.segments.map(\.address), [0x10_0000, 0x10_1000], "PT_LOAD only, empty ones skipped")
        XCTAssertEqual(image.segments[1].memorySize, 0x3000)
        XCTAssertEqual(image.start, 0x10_0000)
        XCTAssertEqual(image.end, 0x10_4000)
    }

    func testELFErrors() {
        let text = MultibootTests.textSegment
        var noMagic = MultibootTests.elf([text])
        noMagic[0] = 0
        let bad: [(String, [UInt8], MultibootError?, String?)] = [
            ("ELF64", MultibootTests.elf([text], elfClass: 2), .elf64, nil),
            ("ELF64 x86-64", MultibootTests.elf([text], elfClass: 2, machine: 62), .elf64, nil),
            ("unknown class", MultibootTests.elf([text], elfClass: 3), nil, "unknown ELF class 3"),
            ("big-endian", MultibootTests.elf([text], encoding: 2), nil, "not little-endian"),
            ("shared object", MultibootTests.elf([text], type: 3), nil, "e_type 3"),
            ("x86-64 machine in ELF32", MultibootTests.elf([text], machine: 62), nil, "e_machine 62"),
            ("not ELF, no address fields", noMagic, nil, "no ELF header"),
            ("no program headers", MultibootTests.elf([]), nil, "no program headers"),
            ("short program headers", MultibootTests.elf([text], headerSize: 16), nil, "e_phentsize"),
            ("no PT_LOAD", MultibootTests.elf([.init(type: 6, offset: 0, address: 0, fileSize: 4, memorySize: 4)]),
             nil, "no loadable"),
            ("file bytes beyond memory bytes",
             MultibootTests.elf([.init(offset: 0x1000, address: 0x10_0000, fileSize: 0x100, memorySize: 0x80)]),
             nil, "more file bytes"),
            ("segment bytes past the end of the file",
             MultibootTests.elf([.init(offset: 0x1F00, address: 0x10_0000, fileSize: 0x101, memorySize: 0x101)]),
             nil, "run past the end of the file"),
            ("offset near 4 GiB",
             MultibootTests.elf([.init(offset: 0xFFFF_FFFF, address: 0x10_0000, fileSize: 0xFFFF_FFFF,
                                       memorySize: 0xFFFF_FFFF)]), nil, "run past the end of the file"),
            ("entry outside", MultibootTests.elf([text], entry: 0x10_1000), .entryOutsideImage(0x10_1000), nil),
        ]
        for (label, file, error, text) in bad {
            assertFails(label, error, containing: text) { _ = try MultibootKernelImage(file: file) }
        }
    }

    /// Kernels that parse but do not fit this board: refused before anything is written.
    func testPlacementErrors() {
        let ram = 8 << 20
        func segment(_ address: UInt32, _ size: UInt32) -> [UInt8] {
            MultibootTests.elf([.init(offset: 0x1000, address: address, fileSize: 0x10, memorySize: size)],
                               entry: address)
        }
        let cases: [(String, [UInt8], [MultibootConfiguration.Module], String)] = [
            ("beyond RAM", segment(0x100_0000, 0x1000), [], "the kernel at 0x1000000-0x1000FFF lies outside RAM (8 MiB)"),
            ("ending past RAM", segment(0x7F_F000, 0x2000), [], "lies outside RAM"),
            ("wrapping past 4 GiB", segment(0xFFFF_F000, 0x2000), [], "0xFFFFF000-0x100000FFF lies outside RAM"),
            ("in the VGA hole", segment(0xA_0000, 0x1000), [], "overlaps the reserved area 0x9FC00-0xFFFFF"),
            ("over the EBDA", segment(0x9_F000, 0x1000), [], "overlaps the reserved area"),
            ("across 1 MiB", segment(0xF_F000, 0x2000), [], "overlaps the reserved area"),
            ("over the loader's data", segment(0x8000, 0x1001), [], "overlaps the boot loader's data at 0x9000-0x95FF"),
            ("a.out beyond RAM", MultibootTests.aout(load: 0x7F_F000, bssEnd: 0x80_1000), [], "lies outside RAM"),
            ("module beyond RAM", segment(0x10_0000, 0x1000),
             [.init(bytes: [UInt8](repeating: 1, count: 7 << 20), string: "big.img now")],
             "module 'big.img' at 0x102000-0x801FFF lies outside RAM"),
            ("strings beyond RAM", segment(0x7F_E000, 0x2000), [], "the module list and command lines at 0x800000"),
            ("low kernel, module into the reserved area", segment(0x1_0000, 0x1000),
             [.init(bytes: [UInt8](repeating: 1, count: 0x9_0000), string: "m")], "module 'm'"),
        ]
        for (label, kernel, modules, text) in cases {
            assertFails(label, containing: text) { _ = try self.machine(kernel, modules: modules, memory: ram) }
        }
    }

    /// Truncated and corrupted kernels either load or give an error: never a trap.
    func testDamagedFilesNeverTrap() throws {
        let good = MultibootTests.elf([MultibootTests.textSegment,
                                       .init(offset: 0x1800, address: 0x10_1000, fileSize: 0x100, memorySize: 0x3000)])
        // The text segment's bytes end at the end of the file: every shorter file is refused.
        for length in stride(from: 0, to: good.count, by: 7) {
            XCTAssertThrowsError(try MultibootKernelImage(file: Array(good.prefix(length))), "\(length) bytes")
        }
        // Every 16-bit field of the ELF and program headers, and every address
        // field of the a.out kludge, set to extremes. Those that parse are loaded
        // (the placement checks see them) on a small machine.
        var variants: [[UInt8]] = []
        for offset in stride(from: 16, to: 52 + 64, by: 2) {
            for value: UInt16 in [0, 0x7FFF, 0xFFFF] {
                var f = good
                f[offset] = UInt8(value & 0xFF)
                f[offset + 1] = UInt8(value >> 8)
                variants.append(f)
            }
        }
        for offset in stride(from: 0x4C, to: 0x60, by: 4) {
            for value: UInt32 in [0, 1, 0x10_0000, 0x7FFF_FFFF, 0xFFFF_FFFF] {
                var f = MultibootTests.aout(bssEnd: 0x10_2000)
                f.storeLittleEndian32(value, at: offset)
                variants.append(f)
            }
        }
        var outcomes: [String: Int] = [:]
        for f in variants {
            do {
                _ = try MultibootKernelImage(file: f)
                _ = try machine(f, memory: 2 << 20)
                outcomes["loaded", default: 0] += 1
            } catch {
                outcomes["\(type(of: error))", default: 0] += 1
            }
        }
        XCTAssertEqual(Set(outcomes.keys), ["loaded", "MultibootError"], "\(outcomes)")
    }

    // MARK: The information structure (§3.3) and the machine state (§3.2)

    func testInformationStructureAndEntryState() throws {
        // Two segments; the second, loaded after the first, zeroes half of it
        // through its bss, so the zeroing is seen over non-zero bytes.
        let kernel = MultibootTests.elf([MultibootTests.textSegment,
                                         .init(offset: 0x1000, address: 0x10_0800, fileSize: 0, memorySize: 0x2800)],
                                        entry: 0x10_0010)
        let modules: [MultibootConfiguration.Module] = [.init(bytes: MultibootTests.pattern(5000), string: "a.bin x y"),
                                                         .init(bytes: [9, 8, 7], string: "b.bin")]
        let m = try machine(kernel, name: "/boot/kernel.elf", arguments: "one two", modules: modules)
        XCTAssertEqual((0..<0x800).map { m.access.readPhysical8(0x10_0000 + $0) }, Array(kernel[0x1000..<0x1800]))
        XCTAssertTrue((0x800..<0x3000).allSatisfy { m.access.readPhysical8(0x10_0000 + $0) == 0 }, "bss zeroed")

        let info: UInt32 = 0x9500
        XCTAssertEqual(read32(m, info), 0x24D, "flags: memory, cmdline, mods, mmap, boot loader name")
        XCTAssertEqual(read32(m, info + 4), 639, "mem_lower: below the EBDA at 0x9FC00")
        XCTAssertEqual(read32(m, info + 8), 7 << 10, "mem_upper: 8 MiB - 1 MiB")
        XCTAssertEqual(read32(m, info + 12), 0, "no boot_device")
        XCTAssertEqual(string(m, read32(m, info + 16)), "/boot/kernel.elf one two")
        XCTAssertEqual(string(m, read32(m, info + 64)), "SwiftPC")
        XCTAssertEqual(read32(m, info + 20), 2)
        let list = read32(m, info + 24)
        XCTAssertEqual(list, 0x10_3000, "page-aligned after the kernel's bss")
        let expectedModules: [(UInt32, UInt32, String)] = [(0x10_4000, 0x10_4000 + 5000, "a.bin x y"),
                                                          (0x10_6000, 0x10_6003, "b.bin")]
        for (k, (start, end, text)) in expectedModules.enumerated() {
            let entry = list + UInt32(16 * k)
            XCTAssertEqual(read32(m, entry), start, "module \(k) start")
            XCTAssertEqual(read32(m, entry + 4), end, "module \(k) end")
            XCTAssertEqual(string(m, read32(m, entry + 8)), text)
            XCTAssertEqual((start..<end).map { m.access.readPhysical8($0) }, modules[k].bytes)
        }

        XCTAssertEqual(read32(m, info + 44), 4 * 24, "mmap_length")
        XCTAssertEqual(read32(m, info + 48), 0x9000, "mmap_addr")
        let expectedMap: [(UInt64, UInt64, UInt32)] = [(0, 0x9_FC00, 1), (0x9_FC00, 0x6_0400, 2),
                                                      (0x10_0000, 0x70_0000, 1), (0xFFFF_0000, 0x1_0000, 2)]
        for (k, (base, length, type)) in expectedMap.enumerated() {
            let e = UInt32(0x9000 + 24 * k)
            XCTAssertEqual(read32(m, e), 20, "entry \(k) size field")
            XCTAssertEqual(UInt64(read32(m, e + 4)) | UInt64(read32(m, e + 8)) << 32, base, "entry \(k) base")
            XCTAssertEqual(UInt64(read32(m, e + 12)) | UInt64(read32(m, e + 16)) << 32, length, "entry \(k) length")
            XCTAssertEqual(read32(m, e + 20), type, "entry \(k) type")
        }

        let cpu = m.cpu!
        XCTAssertEqual(cpu.get32(Reg.eax), 0x2BAD_B002)
        XCTAssertEqual(cpu.get32(Reg.ebx), info)
        XCTAssertEqual(cpu.get32(Reg.esp), 0x9000)
        XCTAssertEqual(cpu.rip, 0x10_0010)
        XCTAssertEqual(cpu.eflags, 0x2, "IF and VM clear")
        XCTAssertEqual(cpu.cr0 & 0x8000_0001, 1, "PE set, PG clear")
        XCTAssertEqual(cpu.cpl, 0)
        XCTAssertEqual(m.access.a20Mask, 0xFFFF_FFFF, "A20 enabled")
        XCTAssertEqual(cpu.gdtr, DescriptorTableRegister(base: 0x9580, limit: 23))
        for s in 0..<6 {
            let r = cpu.segments[s]
            let selector: UInt16 = s == SegmentIndex.cs ? 0x08 : 0x10
            XCTAssertEqual(r.selector, selector, "segment \(s)")
            XCTAssertEqual(r.base, 0, "segment \(s)")
            XCTAssertEqual(r.limit, 0xFFFF_FFFF, "segment \(s)")
            XCTAssertTrue(r.big, "segment \(s) is 32-bit")
            XCTAssertEqual(r.attributes & 0x9A, s == SegmentIndex.cs ? 0x9A : 0x92, "segment \(s): code r/x or data r/w")
            // The selector names the same descriptor in the GDT.
            let d = Descriptor(low: read32(m, 0x9580 + UInt32(selector)), high: read32(m, 0x9584 + UInt32(selector)))
            XCTAssertEqual(d.segment(selector: selector), r, "segment \(s) matches the GDT")
        }

        m.reset()
        XCTAssertEqual(cpu.segments[SegmentIndex.cs].base &+ cpu.rip, 0xFFFF_FFF0, "a reset goes to the BIOS")
        XCTAssertFalse(cpu.protectedMode)
    }

    func testCommandLineWithoutArgumentsAndNoModules() throws {
        let m = try machine(MultibootTests.aout(), name: "k")
        let info: UInt32 = 0x9500
        XCTAssertEqual(string(m, read32(m, info + 16)), "k ", "QEMU's \"%s %s\" with nothing appended")
        XCTAssertEqual(read32(m, info + 20), 0)
        XCTAssertEqual(read32(m, info + 24), 0x10_2000, "mods_addr still points after the kernel")
        XCTAssertEqual(read32(m, info + 8), 7 << 10)
    }

    func testModuleList() {
        let cases: [(String, [String])] = [
            ("", []), ("a", ["a"]), ("a,b", ["a", "b"]), ("a,,b", ["a,b"]), ("a,", ["a"]), (",a", ["", "a"]),
            (",,", [","]), ("a,,,b", ["a,", "b"]), ("module.txt modargs,n x", ["module.txt modargs", "n x"]),
        ]
        for (list, strings) in cases {
            XCTAssertEqual(MultibootConfiguration.moduleStrings(list), strings, list)
        }
        XCTAssertEqual(MultibootConfiguration.modulePath("dir/m.txt a b"), "dir/m.txt")
        XCTAssertEqual(MultibootConfiguration.modulePath("m.txt"), "m.txt")
    }

    // MARK: The test kernel

    /// TestImages/multiboot/mbtest in both builds, run as
    /// `-m 64 -append test-args -initrd "module.txt modargs"`.
    func testImagesPass() throws {
        let dir = MultibootTests.imageDirectory
        let module = dir.appendingPathComponent("module.txt")
        for name in ["mbtest-elf.elf", "mbtest-aout.bin"] {
            let url = dir.appendingPathComponent(name)
            guard let kernel = FileManager.default.contents(atPath: url.path),
                  let bytes = FileManager.default.contents(atPath: module.path) else {
                throw XCTSkip("\(url.path) or module.txt is missing: run TestImages/multiboot/build.sh")
            }
            let console = BufferBackend()
            let m = try machine([UInt8](kernel), name: url.path, arguments: "test-args",
                                modules: [.init(bytes: [UInt8](bytes), string: module.path + " modargs")],
                                memory: 64 << 20, console: console)
            let summary = m.run(instructionLimit: 2_000_000)
            XCTAssertEqual(summary.reason, .debugExit(1), "\(name): \(console.text)")
            XCTAssertTrue(console.text.contains("mbtest: PASS"), "\(name): \(console.text)")
            XCTAssertFalse(console.text.contains("FAIL"), "\(name): \(console.text)")
        }
    }

    // MARK: The command line

    func testCommandLine() throws {
        let dir = NSTemporaryDirectory() + "swiftpc-multiboot-\(UUID().uuidString)/"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files: [String: [UInt8]] = [
            "plain.bin": [UInt8](repeating: 0x90, count: 4096),
            "elf64.elf": MultibootTests.elf([MultibootTests.textSegment], elfClass: 2),
            "high.elf": MultibootTests.elf([.init(offset: 0x1000, address: 0x800_0000, fileSize: 4, memorySize: 4)],
                                           entry: 0x800_0000),
            // mov al,'K'; out 0xE9,al; mov al,[ebx+20] (mods_count); out 0xF4,al
            "ok.bin": { var f = MultibootTests.aout(size: 0x100, entry: 0x10_0060)
                        f.replaceSubrange(0x60..<0x6B, with: [0xB0, 0x4B, 0xE6, 0xE9, 0x8A, 0x43, 0x14, 0xE6, 0xF4, 0xEB, 0xFE])
                        return f }(),
            "m1": [1, 2, 3],
        ]
        for (name, bytes) in files { try Data(bytes).write(to: URL(fileURLWithPath: dir + name)) }
        let failures: [([String], String)] = [
            (["-kernel", dir + "none.elf"], "cannot read kernel '\(dir)none.elf'"),
            (["-kernel"], "option -kernel needs a value"),
            (["-kernel", dir + "plain.bin"],
             "\(dir)plain.bin: not a multiboot kernel (the Linux boot protocol comes later)"),
            (["-kernel", dir + "elf64.elf"], "64-bit ELF kernel"),
            (["-kernel", dir + "high.elf", "-m", "16M"], "the kernel at 0x8000000-0x8000003 lies outside RAM (16 MiB)"),
            (["-kernel", dir + "ok.bin", "-initrd", dir + "m1," + dir + "m2 args"], "cannot read module '\(dir)m2'"),
            (["-append", "x"], "-append and -initrd need -kernel"),
            (["-initrd", dir + "m1"], "-append and -initrd need -kernel"),
        ]
        for (arguments, message) in failures {
            let r = try SwiftPCCommand.run(arguments)
            XCTAssertEqual(r.status, 2, "\(arguments)")
            XCTAssertTrue(r.stderr.hasPrefix("swiftpc: ") && r.stderr.contains(message), "\(arguments): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(arguments): one line")
        }
        let r = try SwiftPCCommand.run(["-kernel", dir + "ok.bin", "-initrd", dir + "m1 a,,b," + dir + "m1", "-serial", "null"])
        XCTAssertEqual(r.stdout, "K")
        XCTAssertEqual(r.status, 5, "two modules: (2 << 1) | 1")
    }
}
