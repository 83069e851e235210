// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "qgather",
    products: [
        .library(name: "QGather", targets: ["QGather"]),
        .executable(name: "qgather", targets: ["QGatherCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // `swift package generate-documentation` for the DocC catalog in Sources/QGather/QGather.docc.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "QGatherCSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "QGatherCLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(
            name: "QGather",
            dependencies: [
                "QGatherCSQLite",
                "QGatherCLibPQ",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "QGatherCLI",
            dependencies: [
                "QGather",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "QGatherTests",
            dependencies: ["QGather", "QGatherCSQLite"]
        ),
        .testTarget(
            name: "QGatherCLITests",
            dependencies: ["QGatherCLI", "QGather"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
