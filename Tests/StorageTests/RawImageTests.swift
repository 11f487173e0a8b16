import XCTest
import Glibc
import Storage

/// Raw images on host files and the in-memory device.
final class RawImageTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        var template = Array("/tmp/swiftpc-storage-XXXXXX".utf8CString)
        directory = template.withUnsafeMutableBufferPointer { buffer in
            mkdtemp(buffer.baseAddress!).map { String(cString: $0) } ?? ""
        }
        XCTAssertFalse(directory.isEmpty)
    }

    override func tearDown() {
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) {
            for entry in entries { unlink(directory + "/" + entry) }
        }
        rmdir(directory)
    }

    private func file(_ name: String, bytes: [UInt8]) -> String {
        let path = directory + "/" + name
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return path
    }

    func testReadWriteReachTheFile() throws {
        let bytes = (0..<(4 * 512 + 100)).map { UInt8(truncatingIfNeeded: $0 * 3) }
        let path = file("disk.img", bytes: bytes)
        let image = try RawImage(path: path)
        XCTAssertEqual(image.blockCount, 4, "a trailing partial block is not addressable")
        XCTAssertEqual(try image.read(at: 1, count: 2), Array(bytes[512..<1536]))
        try image.write(at: 3, [UInt8](repeating: 0xEE, count: 512))
        try image.flush()
        let onDisk = try XCTUnwrap(FileManager.default.contents(atPath: path))
        XCTAssertEqual(Array(onDisk[1536..<2048]), [UInt8](repeating: 0xEE, count: 512))
        XCTAssertEqual(Array(onDisk[2048...]), Array(bytes[2048...]), "bytes past the blocks untouched")
        XCTAssertEqual(onDisk.count, bytes.count)
    }

    func testRangeAndReadOnlyErrors() throws {
        let path = file("ro.img", bytes: [UInt8](repeating: 1, count: 4096))
        let image = try RawImage(path: path, readOnly: true, blockSize: 2048)
        XCTAssertEqual(image.blockCount, 2)
        let cases: [(lba: UInt64, count: Int)] = [(2, 1), (1, 2), (UInt64.max, 1), (0, -1), (0, Int.max)]
        for entry in cases {
            XCTAssertThrowsError(try image.read(at: entry.lba, count: entry.count)) {
                XCTAssertEqual($0 as? StorageError, .outOfRange(lba: entry.lba, count: entry.count))
            }
        }
        XCTAssertThrowsError(try image.write(at: 0, [UInt8](repeating: 0, count: 2048))) {
            XCTAssertEqual($0 as? StorageError, .readOnly)
        }
        let memory = MemoryBlockDevice(blockCount: 2)
        XCTAssertThrowsError(try memory.write(at: 0, [1, 2, 3])) {
            XCTAssertEqual($0 as? StorageError, .misalignedWrite(bytes: 3, blockSize: 512))
        }
    }

    func testMissingFileHasOneClearMessage() {
        let path = directory + "/missing.img"
        XCTAssertThrowsError(try RawImage(path: path)) { error in
            let text = "\(error)"
            XCTAssertEqual(text, "cannot open disk image '\(path)': No such file or directory")
            XCTAssertFalse(text.contains("\n"))
        }
        XCTAssertThrowsError(try RawImage(path: directory)) { error in
            XCTAssertTrue("\(error)".contains(directory))
        }
    }

    func testMemoryDeviceReadWriteFlush() throws {
        let memory = MemoryBlockDevice(blockSize: 512, contents: [1, 2, 3])
        XCTAssertEqual(memory.blockCount, 1)
        XCTAssertEqual(try memory.read(at: 0, count: 1).prefix(4), [1, 2, 3, 0])
        try memory.write(at: 0, [UInt8](repeating: 9, count: 512))
        XCTAssertEqual(memory.bytes, [UInt8](repeating: 9, count: 512))
        try memory.flush()
        XCTAssertEqual(memory.flushCount, 1)
    }
}
