// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "qgather",
    // Mutex and Atomic (the Synchronization module) first shipped with macOS 15.
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "QGather", targets: ["QGather"]),
        .executable(name: "qgather", targets: ["QGatherCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Metrics and spans for services; both are no-ops until the application bootstraps a backend.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        // `swift package generate-documentation` for the DocC catalog in Sources/QGather/QGather.docc.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "QGatherCSQLite",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .systemLibrary(
            name: "QGatherCLibPQ",
            pkgConfig: "libpq",
            // Homebrew's libpq is keg-only: PKG_CONFIG_PATH="$(brew --prefix libpq)/lib/pkgconfig" (README, "macOS").
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        .target(
            name: "QGather",
            dependencies: [
                "QGatherCSQLite",
                "QGatherCLibPQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
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
        // The README's service example, compiled and run by ServiceExampleTests on both engines.
        .executableTarget(
            name: "ServiceExample",
            dependencies: ["QGather"],
            path: "Examples/ServiceExample"
        ),
        // Streams many rows and reports its peak memory, for RowSequenceMemoryTests.
        .executableTarget(
            name: "RowStreamProbe",
            dependencies: ["QGather"],
            path: "Tests/Tools/RowStreamProbe"
        ),
        .testTarget(
            name: "QGatherTests",
            dependencies: [
                "QGather",
                "QGatherCSQLite",
                "ServiceExample",
                "RowStreamProbe",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ]
        ),
        .testTarget(
            name: "QGatherCLITests",
            dependencies: ["QGatherCLI", "QGather"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
