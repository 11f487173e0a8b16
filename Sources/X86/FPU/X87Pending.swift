// Temporary until the x87-transcendental branch lands (issue 6).
extension X87Arithmetic {
    mutating func twoToXMinusOne(_ x: Extended80) -> Extended80 { invalid() }
    mutating func yLog2X(x: Extended80, y: Extended80) -> Extended80 { invalid() }
    mutating func yLog2XPlusOne(x: Extended80, y: Extended80) -> Extended80 { invalid() }
    mutating func partialArctangent(x: Extended80, y: Extended80) -> Extended80 { invalid() }
}
extension CPU {
    func x87Trigonometric(_ modrm: Int) { x87Unary { a, _ in a.invalid() } }
    func x87LoadPackedBCD(_ i: DecodedInstruction) throws(Fault) { throw Fault.ud }
    func x87StorePackedBCD(_ i: DecodedInstruction) throws(Fault) { throw Fault.ud }
}
