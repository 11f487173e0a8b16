// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SwiftPC",
    products: [
        .library(name: "X86", targets: ["X86"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "Devices", targets: ["Devices"]),
        .library(name: "Machine", targets: ["Machine"]),
        .executable(name: "swiftpc", targets: ["swiftpc"]),
    ],
    targets: [
        .target(name: "X86"),
        .target(name: "Storage"),
        .target(name: "Devices", dependencies: ["Storage"]),
        .target(name: "Machine", dependencies: ["X86", "Devices"]),
        .executableTarget(name: "swiftpc", dependencies: ["Machine"]),
        .executableTarget(name: "swiftpc-bench", dependencies: ["Machine", "Devices"], path: "Benchmarks",
                          exclude: ["README.md", "sieve.asm", "sieve.bin", "paging.asm", "paging.bin",
                                    "long.asm", "long.bin", "longmode.inc", "float.asm", "float.bin",
                                    "float-model.c", "build.sh"]),
        .testTarget(name: "X86Tests", dependencies: ["X86"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage"]),
        .testTarget(name: "DevicesTests", dependencies: ["Devices", "Storage"]),
        .testTarget(name: "MachineTests", dependencies: ["Machine", "Storage"]),
        .testTarget(name: "IntegrationTests", dependencies: ["Machine", "Devices", "Storage"]),
    ],
    swiftLanguageModes: [.v5]
)
