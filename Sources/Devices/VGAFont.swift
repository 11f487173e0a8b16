/// SwiftPC's own 8x16 VGA ROM font, the character generator the VGA BIOS
/// loads into plane 2 for 400-line text modes (IBM VGA Technical Reference,
/// "Character Generator"). The glyphs are drawn for this project
/// (`VGAFontGlyphs`); the box-drawing and block characters 0xB0-0xDF are
/// generated from their line weights. Code points without a drawn glyph
/// show a hollow box.
///
/// Each glyph is 16 bytes, one per scan line, bit 7 the leftmost dot.
public enum VGAFont {
    public static let height = 16
    static let firstDrawnLine = 3

    /// 256 glyphs of `height` bytes each, indexed by code page 437 code.
    public static let bitmaps: [UInt8] = build()

    /// Scan line `line` of character `code`; lines past the glyph are dark.
    public static func row(_ code: UInt8, line: Int) -> UInt8 {
        guard line >= 0 && line < height else { return 0 }
        return bitmaps[Int(code) * height + line]
    }

    private static func build() -> [UInt8] {
        var font = [UInt8](repeating: 0, count: 256 * height)
        var defined = Set<Int>([0x00, 0x20, 0xFF])
        func store(_ code: Int, _ glyph: [UInt8]) {
            for line in 0..<height { font[code * height + line] = glyph[line] }
            defined.insert(code)
        }
        for (scalar, rows) in VGAFontGlyphs.drawn {
            guard let code = codePoint(of: scalar) else { continue }
            store(code, glyph(rows, firstLine: firstDrawnLine))
        }
        for (scalar, baseScalar, accent) in VGAFontGlyphs.accented {
            guard let code = codePoint(of: scalar), let base = codePoint(of: baseScalar) else { continue }
            store(code, accentedGlyph(Array(font[base * height..<(base + 1) * height]),
                                      lowercase: baseScalar.properties.isLowercase, accent: accent))
        }
        for (offset, weights) in boxDrawingWeights.enumerated() {
            store(0xB3 + offset, boxGlyph(weights))
        }
        for (code, glyph) in blockGlyphs() {
            store(code, glyph)
        }
        let box = glyph("#######|#.....#|#.....#|#.....#|#.....#|#.....#|#.....#|#.....#|#######",
                        firstLine: firstDrawnLine)
        for code in 0..<256 where !defined.contains(code) {
            store(code, box)
        }
        return font
    }

    private static func codePoint(of scalar: Unicode.Scalar) -> Int? {
        CodePage437.table.firstIndex(of: scalar)
    }

    /// Parses `#`/`.` rows separated by `|` into a 16-line glyph.
    static func glyph(_ rows: String, firstLine: Int) -> [UInt8] {
        var lines = [UInt8](repeating: 0, count: height)
        for (index, row) in rows.split(separator: "|", omittingEmptySubsequences: false).enumerated() {
            let line = firstLine + index
            guard line < height else { break }
            for (column, dot) in row.prefix(8).enumerated() where dot == "#" {
                lines[line] |= 0x80 >> UInt8(column)
            }
        }
        return lines
    }

    /// Lowercase letters take the mark in lines 3-5, after losing the dot
    /// of i; capitals take it in lines 0-2 above their first line.
    private static func accentedGlyph(_ base: [UInt8], lowercase: Bool,
                                      accent: VGAFontGlyphs.Accent) -> [UInt8] {
        var lines = base
        let firstLine: Int
        if accent.below {
            firstLine = 12
        } else if lowercase {
            for line in 0..<6 { lines[line] = 0 }
            firstLine = firstDrawnLine
        } else {
            firstLine = 0
        }
        let mark = glyph(accent.rows, firstLine: firstLine)
        for line in 0..<height { lines[line] |= mark[line] }
        return lines
    }

    // MARK: - Box drawing

    /// Line weights (0 none, 1 single, 2 double) of the arms up, down, left
    /// and right of characters 0xB3 through 0xDA, in code order.
    private static let boxDrawingWeights: [(up: Int, down: Int, left: Int, right: Int)] = [
        (1, 1, 0, 0), (1, 1, 1, 0), (1, 1, 2, 0), (2, 2, 1, 0), (0, 2, 1, 0), (0, 1, 2, 0),
        (2, 2, 2, 0), (2, 2, 0, 0), (0, 2, 2, 0), (2, 0, 2, 0), (2, 0, 1, 0), (1, 0, 2, 0),
        (0, 1, 1, 0), (1, 0, 0, 1), (1, 0, 1, 1), (0, 1, 1, 1), (1, 1, 0, 1), (0, 0, 1, 1),
        (1, 1, 1, 1), (1, 1, 0, 2), (2, 2, 0, 1), (2, 0, 0, 2), (0, 2, 0, 2), (2, 0, 2, 2),
        (0, 2, 2, 2), (2, 2, 0, 2), (0, 0, 2, 2), (2, 2, 2, 2), (1, 0, 2, 2), (2, 0, 1, 1),
        (0, 1, 2, 2), (0, 2, 1, 1), (2, 0, 0, 1), (1, 0, 0, 2), (0, 1, 0, 2), (0, 2, 0, 1),
        (2, 2, 1, 1), (1, 1, 2, 2), (1, 0, 1, 0), (0, 1, 0, 1),
    ]

    /// Draws each double arm as a band from the cell edge across the centre
    /// spanning both of its lines, then hollows out the inside of every
    /// double arm, so where double arms meet the hollows open the corners
    /// and junctions; single lines are drawn last.
    private static func boxGlyph(_ weights: (up: Int, down: Int, left: Int, right: Int)) -> [UInt8] {
        let vertical = max(weights.up, weights.down)
        let horizontal = max(weights.left, weights.right)
        let (left, right) = vertical == 2 ? (2, 5) : vertical == 1 ? (3, 3) : (0, 7)
        let (top, bottom) = horizontal == 2 ? (6, 9) : horizontal == 1 ? (7, 7) : (0, 15)
        var lit = [[Bool]](repeating: [Bool](repeating: false, count: 8), count: height)
        func fill(_ rows: ClosedRange<Int>, _ columns: ClosedRange<Int>, _ value: Bool) {
            for y in rows { for x in columns { lit[y][x] = value } }
        }
        // Doubles first: their bands, then their hollows, which reach the
        // centre column or row unless a perpendicular double is there.
        let hollowLeftEnd = vertical == 2 ? right - 1 : right
        let hollowRightStart = vertical == 2 ? left + 1 : left
        let hollowUpEnd = horizontal == 2 ? bottom - 1 : bottom
        let hollowDownStart = horizontal == 2 ? top + 1 : top
        if weights.up == 2 { fill(0...bottom, 2...5, true) }
        if weights.down == 2 { fill(top...15, 2...5, true) }
        if weights.left == 2 { fill(6...9, 0...right, true) }
        if weights.right == 2 { fill(6...9, left...7, true) }
        if weights.up == 2 { fill(0...hollowUpEnd, 3...4, false) }
        if weights.down == 2 { fill(hollowDownStart...15, 3...4, false) }
        if weights.left == 2 { fill(7...8, 0...hollowLeftEnd, false) }
        if weights.right == 2 { fill(7...8, hollowRightStart...7, false) }
        // Single lines on top: one that ends at a double line running
        // across stops at its near line; one that continues crosses it.
        let doubleAcross = weights.left == 2 && weights.right == 2
        let doubleAlong = weights.up == 2 && weights.down == 2
        let upEnd = doubleAcross && weights.down == 0 ? top : bottom
        let downStart = doubleAcross && weights.up == 0 ? bottom : top
        let leftEnd = doubleAlong && weights.right == 0 ? left : right
        let rightStart = doubleAlong && weights.left == 0 ? right : left
        if weights.up == 1 { fill(0...upEnd, 3...3, true) }
        if weights.down == 1 { fill(downStart...15, 3...3, true) }
        if weights.left == 1 { fill(7...7, 0...leftEnd, true) }
        if weights.right == 1 { fill(7...7, rightStart...7, true) }
        return lit.map { row in
            row.enumerated().reduce(UInt8(0)) { $0 | ($1.element ? 0x80 >> UInt8($1.offset) : 0) }
        }
    }

    /// The shades 0xB0-0xB2 (a quarter, half and three quarters of the
    /// dots) and the blocks 0xDB-0xDF.
    private static func blockGlyphs() -> [(Int, [UInt8])] {
        let lines = 0..<height
        return [
            (0xB0, lines.map { $0 % 2 == 0 ? 0x88 : 0x22 }),
            (0xB1, lines.map { $0 % 2 == 0 ? 0xAA : 0x55 }),
            (0xB2, lines.map { $0 % 2 == 0 ? 0x77 : 0xDD }),
            (0xDB, lines.map { _ in 0xFF }),
            (0xDC, lines.map { $0 >= 8 ? 0xFF : 0x00 }),
            (0xDD, lines.map { _ in 0xF0 }),
            (0xDE, lines.map { _ in 0x0F }),
            (0xDF, lines.map { $0 < 8 ? 0xFF : 0x00 }),
        ]
    }
}
