/// A multiboot boot as `-kernel`, `-append` and `-initrd` request it, in QEMU's
/// terms: the kernel file and its name, the command line text, and the
/// modules (Multiboot Specification 0.6.96 §3.3, fields `cmdline` and `mods`).
public struct MultibootConfiguration {
    /// A boot module: its bytes and its string, which is the `-initrd` entry as
    /// written ("path arguments"), as QEMU passes it.
    public struct Module {
        public var bytes: [UInt8]
        public var string: String

        public init(bytes: [UInt8], string: String) {
            self.bytes = bytes
            self.string = string
        }
    }

    public var kernel: [UInt8]
    /// The kernel's path as given: QEMU starts the command line with it.
    public var kernelName: String
    /// The `-append` text.
    public var arguments: String
    public var modules: [Module]

    public init(kernel: [UInt8], kernelName: String, arguments: String = "", modules: [Module] = []) {
        self.kernel = kernel
        self.kernelName = kernelName
        self.arguments = arguments
        self.modules = modules
    }

    /// The `cmdline` the kernel sees: its name, a space and the arguments, as
    /// QEMU builds it (so "name " when there are no arguments).
    public var commandLine: String { "\(kernelName) \(arguments)" }

    /// Splits an `-initrd` list into module strings: entries separated by
    /// commas, ",," standing for a comma inside an entry (QEMU's option syntax).
    /// A trailing comma ends the list.
    public static func moduleStrings(_ list: String) -> [String] {
        var entries: [String] = []
        var current = ""
        var rest = Substring(list)
        while let c = rest.first {
            rest = rest.dropFirst()
            guard c == "," else { current.append(c); continue }
            if rest.first == "," {
                current.append(",")
                rest = rest.dropFirst()
            } else {
                entries.append(current)
                current = ""
            }
        }
        if !current.isEmpty { entries.append(current) }
        return entries
    }

    /// The file a module string names: everything before its first space.
    public static func modulePath(_ string: String) -> String {
        String(string.prefix { $0 != " " })
    }
}
