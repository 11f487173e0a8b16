/// IBM code page 437, the character set of the VGA ROM font (IBM VGA
/// Technical Reference, "Character Set"), mapped to Unicode. The positions
/// of the control codes 0x01-0x1F and 0x7F map to the glyphs the VGA shows
/// there, since in video memory they are characters, not controls.
public enum CodePage437 {
    private static let rows: [String] = [
        " ☺☻♥♦♣♠•◘○◙♂♀♪♫☼",
        "►◄↕‼¶§▬↨↑↓→←∟↔▲▼",
        " !\"#$%&'()*+,-./",
        "0123456789:;<=>?",
        "@ABCDEFGHIJKLMNO",
        "PQRSTUVWXYZ[\\]^_",
        "`abcdefghijklmno",
        "pqrstuvwxyz{|}~⌂",
        "ÇüéâäàåçêëèïîìÄÅ",
        "ÉæÆôöòûùÿÖÜ¢£¥₧ƒ",
        "áíóúñÑªº¿⌐¬½¼¡«»",
        "░▒▓│┤╡╢╖╕╣║╗╝╜╛┐",
        "└┴┬├─┼╞╟╚╔╩╦╠═╬╧",
        "╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀",
        "αßΓπΣσµτΦΘΩδ∞φε∩",
        "≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{00A0}",
    ]

    /// The Unicode scalar for each of the 256 code points.
    public static let table: [Unicode.Scalar] = rows.flatMap { Array($0.unicodeScalars) }

    public static func scalar(_ code: UInt8) -> Unicode.Scalar {
        table[Int(code)]
    }
}
