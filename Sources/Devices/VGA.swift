/// The IBM VGA as a text-mode operating system sees it (IBM VGA Technical
/// Reference, "Registers"; OSDev wiki, "VGA Hardware"): the external
/// registers, the Sequencer, CRT Controller, Graphics Controller, Attribute
/// Controller and DAC, and the 32 KiB text buffer the CPU sees at 0xB8000.
///
/// The text buffer is the CPU's odd/even view of planes 0 and 1: character
/// bytes at even offsets, attribute bytes at odd offsets. The board maps it
/// as plain memory and the renderers read it when they draw, so guest writes
/// cost nothing. Graphics modes, plane 2 font loading, split screen, double
/// scanning and pixel panning are not modelled; the character shapes come
/// from the built-in ROM font (`VGAFont`). The palette registers take CPU
/// writes whatever the PAS bit says, as most VGA clones do.
///
/// Input Status 1 follows the raster position computed from the virtual
/// clock and the CRTC timing registers (70 Hz with the mode 3 values), so
/// loops that wait for vertical retrace end.
public final class VGA: ByteIOPortDevice {
    public static let textMemorySize = 0x8000

    private enum Port {
        static let attributeAddressData: UInt16 = 0x3C0
        static let attributeDataRead: UInt16 = 0x3C1
        static let miscellaneousWriteStatus0: UInt16 = 0x3C2
        static let subsystemEnable: UInt16 = 0x3C3
        static let sequencerAddress: UInt16 = 0x3C4
        static let sequencerData: UInt16 = 0x3C5
        static let dacMask: UInt16 = 0x3C6
        static let dacReadAddressState: UInt16 = 0x3C7
        static let dacWriteAddress: UInt16 = 0x3C8
        static let dacData: UInt16 = 0x3C9
        static let featureControlRead: UInt16 = 0x3CA
        static let miscellaneousRead: UInt16 = 0x3CC
        static let graphicsAddress: UInt16 = 0x3CE
        static let graphicsData: UInt16 = 0x3CF
        /// CRTC address, CRTC data and Input Status 1 sit at these offsets
        /// from 0x3B0 (monochrome) or 0x3D0 (colour).
        static let crtcAddressOffset: UInt16 = 0x4
        static let crtcDataOffset: UInt16 = 0x5
        static let inputStatus1Offset: UInt16 = 0xA
    }

    /// Miscellaneous Output bit 0, I/O Address Select: CRTC at 0x3Dx, not 0x3Bx.
    static let ioAddressSelect: UInt8 = 0x01
    /// CRTC register 0x11 bit 7: registers 0-7 are read-only, but for the
    /// line compare bit 8 in register 7.
    static let crtcProtect: UInt8 = 0x80
    static let lineCompareBit8: UInt8 = 0x10
    /// Attribute address bit 5, Palette Address Source: 0 lets the CPU load
    /// the palette and blanks the screen, 1 lets the display read it.
    static let paletteAddressSource: UInt8 = 0x20

    static let sequencerCount = 5
    static let crtcCount = 0x19
    static let graphicsCount = 9
    static let attributeCount = 0x15

    /// The port ranges the VGA decodes; the CRTC and Input Status 1 ports of
    /// the addressing mode I/OAS does not select read as open bus. 0x3BC-0x3BF
    /// are left to a parallel port.
    public let ports: [ClosedRange<UInt16>] = [0x3B0...0x3BB, 0x3C0...0x3DF]
    /// The CPU's view of the text planes, `textMemorySize` bytes.
    public let textMemory: UnsafeMutableRawPointer
    let clock: VirtualClock

    public private(set) var miscellaneousOutput = VGAMode3.miscellaneousOutput
    public private(set) var featureControl: UInt8 = 0
    public private(set) var subsystemEnable: UInt8 = 0x01
    var sequencer = VGAMode3.sequencer
    var sequencerIndex: UInt8 = 0
    var crtc = VGAMode3.crtc
    var crtcIndex: UInt8 = 0
    var graphics = VGAMode3.graphics
    var graphicsIndex: UInt8 = 0
    var attribute = VGAMode3.attribute
    /// The attribute address register: index in bits 0-4, PAS in bit 5.
    var attributeAddress: UInt8 = VGA.paletteAddressSource
    /// The Attribute Controller's port 0x3C0 flip-flop: false means the next
    /// write is an index, true that it is data.
    public internal(set) var attributeFlipFlopData = false
    var dac = VGAMode3.dacPalette()
    public private(set) var dacMask: UInt8 = 0xFF
    var dacReadIndex: UInt8 = 0
    var dacWriteIndex: UInt8 = 0
    var dacWriteLatch: [UInt8] = [0, 0, 0]
    var dacComponent = 0
    /// Which of 0x3C7 or 0x3C8 was written last; 0x3C7 reads it back.
    var dacLastAccessWasRead = false

    public init(clock: VirtualClock) {
        self.clock = clock
        textMemory = UnsafeMutableRawPointer.allocate(byteCount: Self.textMemorySize, alignment: 4096)
        let blank = textMemory.bindMemory(to: UInt16.self, capacity: Self.textMemorySize / 2)
        for cell in 0..<(Self.textMemorySize / 2) {
            blank[cell] = UInt16(0x0720).littleEndian
        }
    }

    deinit {
        textMemory.deallocate()
    }

    /// Where the text buffer appears in the physical address space, from
    /// Graphics Controller register 6 bits 2-3 (Memory Map Select): 0xB8000
    /// in colour text modes, 0xB0000 in monochrome ones, 0xA0000 otherwise.
    public var textMemoryBase: UInt32 {
        switch (graphics[6] >> 2) & 0x03 {
        case 2: return 0xB0000
        case 3: return 0xB8000
        default: return 0xA0000
        }
    }

    /// True when the CRTC and Input Status 1 answer at 0x3Dx (colour) rather than 0x3Bx.
    public var colorAddressing: Bool {
        miscellaneousOutput & Self.ioAddressSelect != 0
    }

    private var crtcPortBase: UInt16 {
        colorAddressing ? 0x3D0 : 0x3B0
    }

    // MARK: - Port access

    public func ioReadByte(port: UInt16) -> UInt8 {
        switch port {
        case Port.attributeAddressData: return attributeAddress
        case Port.attributeDataRead: return attributeRegister(attributeAddress & 0x1F)
        case Port.miscellaneousWriteStatus0: return 0x00
        case Port.subsystemEnable: return subsystemEnable
        case Port.sequencerAddress: return sequencerIndex
        case Port.sequencerData: return Self.read(sequencer, sequencerIndex)
        case Port.dacMask: return dacMask
        case Port.dacReadAddressState: return dacLastAccessWasRead ? 0x03 : 0x00
        case Port.dacWriteAddress: return dacWriteIndex
        case Port.dacData: return readDACData()
        case Port.featureControlRead: return featureControl
        case Port.miscellaneousRead: return miscellaneousOutput
        case Port.graphicsAddress: return graphicsIndex
        case Port.graphicsData: return Self.read(graphics, graphicsIndex)
        case crtcPortBase &+ Port.crtcAddressOffset: return crtcIndex
        case crtcPortBase &+ Port.crtcDataOffset: return Self.read(crtc, crtcIndex)
        case crtcPortBase &+ Port.inputStatus1Offset: return readInputStatus1()
        default: return 0xFF
        }
    }

    public func ioWriteByte(port: UInt16, value: UInt8) {
        switch port {
        case Port.attributeAddressData: writeAttribute(value)
        case Port.miscellaneousWriteStatus0: miscellaneousOutput = value
        case Port.subsystemEnable: subsystemEnable = value & 0x01
        case Port.sequencerAddress: sequencerIndex = value & 0x07
        case Port.sequencerData: Self.write(&sequencer, sequencerIndex, value)
        case Port.dacMask: dacMask = value
        case Port.dacReadAddressState: setDACReadIndex(value)
        case Port.dacWriteAddress: setDACWriteIndex(value)
        case Port.dacData: writeDACData(value)
        case Port.graphicsAddress: graphicsIndex = value & 0x0F
        case Port.graphicsData: Self.write(&graphics, graphicsIndex, value)
        case crtcPortBase &+ Port.crtcAddressOffset: crtcIndex = value & 0x1F
        case crtcPortBase &+ Port.crtcDataOffset: writeCRTC(value)
        case crtcPortBase &+ Port.inputStatus1Offset: featureControl = value
        default: break
        }
    }

    /// Reads an indexed register; indexes past the last one read as open bus.
    private static func read(_ registers: [UInt8], _ index: UInt8) -> UInt8 {
        let slot = Int(index)
        return slot < registers.count ? registers[slot] : 0xFF
    }

    private static func write(_ registers: inout [UInt8], _ index: UInt8, _ value: UInt8) {
        let slot = Int(index)
        if slot < registers.count { registers[slot] = value }
    }

    private func writeCRTC(_ value: UInt8) {
        let protected = crtc[0x11] & Self.crtcProtect != 0
        switch crtcIndex {
        case 0x07 where protected:
            crtc[7] = crtc[7] & ~Self.lineCompareBit8 | value & Self.lineCompareBit8
        case 0x00...0x06 where protected:
            break
        default:
            Self.write(&crtc, crtcIndex, value)
        }
    }

    // MARK: - Attribute Controller

    private func writeAttribute(_ value: UInt8) {
        if attributeFlipFlopData {
            let index = attributeAddress & 0x1F
            let slot = Int(index)
            if slot < 16 {
                attribute[slot] = value & 0x3F
            } else if slot < attribute.count {
                attribute[slot] = value
            }
        } else {
            attributeAddress = value & 0x3F
        }
        attributeFlipFlopData.toggle()
    }

    private func attributeRegister(_ index: UInt8) -> UInt8 {
        Self.read(attribute, index)
    }

    /// Attribute Controller register `index` (0-0x14) as the display uses it.
    public func attributeControllerRegister(_ index: Int) -> UInt8 {
        attribute.indices.contains(index) ? attribute[index] : 0
    }

    public var paletteAddressSourceEnabled: Bool {
        attributeAddress & Self.paletteAddressSource != 0
    }

    // MARK: - DAC

    private func setDACReadIndex(_ value: UInt8) {
        dacReadIndex = value
        dacComponent = 0
        dacLastAccessWasRead = true
    }

    private func setDACWriteIndex(_ value: UInt8) {
        dacWriteIndex = value
        dacComponent = 0
        dacLastAccessWasRead = false
    }

    /// The DAC latches red and green and writes the entry when blue arrives,
    /// then moves to the next entry (IBM VGA Technical Reference, "DAC").
    private func writeDACData(_ value: UInt8) {
        dacWriteLatch[dacComponent] = value & 0x3F
        dacComponent += 1
        guard dacComponent == 3 else { return }
        let base = Int(dacWriteIndex) * 3
        dac[base] = dacWriteLatch[0]
        dac[base + 1] = dacWriteLatch[1]
        dac[base + 2] = dacWriteLatch[2]
        dacWriteIndex &+= 1
        dacComponent = 0
    }

    private func readDACData() -> UInt8 {
        let value = dac[Int(dacReadIndex) * 3 + dacComponent]
        dacComponent += 1
        if dacComponent == 3 {
            dacReadIndex &+= 1
            dacComponent = 0
        }
        return value
    }

    /// DAC entry `index` as 6-bit red, green and blue.
    public func dacEntry(_ index: UInt8) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let base = Int(index) * 3
        return (dac[base], dac[base + 1], dac[base + 2])
    }

    // MARK: - Register inspection

    /// Sequencer register `index` (0-4); others read 0.
    public func sequencerRegister(_ index: Int) -> UInt8 {
        sequencer.indices.contains(index) ? sequencer[index] : 0
    }

    /// CRT Controller register `index` (0-0x18); others read 0.
    public func crtcRegister(_ index: Int) -> UInt8 {
        crtc.indices.contains(index) ? crtc[index] : 0
    }

    /// Graphics Controller register `index` (0-8); others read 0.
    public func graphicsControllerRegister(_ index: Int) -> UInt8 {
        graphics.indices.contains(index) ? graphics[index] : 0
    }
}
