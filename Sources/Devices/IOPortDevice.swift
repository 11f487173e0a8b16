/// A device decoded on the x86 I/O port bus (IN/OUT instructions).
///
/// `port` is the absolute port number of the access and `size` its width in
/// bytes (1, 2 or 4); reads return the value in the low `size` bytes.
public protocol IOPortDevice: AnyObject {
    func ioRead(port: UInt16, size: Int) -> UInt32
    func ioWrite(port: UInt16, size: Int, value: UInt32)
}
