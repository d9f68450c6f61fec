// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "bascule",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "bascule", targets: ["bascule"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/JohnSundell/Ink.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.9.0"..<"6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Pages are checked as whole HTML snapshots in both languages (only the SnapshotTesting product is built).
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing.git", from: "1.19.7"),
        // `bascule agent` runs steps as real child processes.
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.5.0"),
        // E-mail: Bascule speaks SMTP itself over NIO, with STARTTLS or TLS from the start.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        .target(
            name: "BasculeAPI",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            resources: [.copy("openapi.yaml")],
            // Only generated code lives here; the generator's `public import`s warn under Swift 6.
            swiftSettings: [.unsafeFlags(["-suppress-warnings"])],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // Yams is a pure parser: the policy document is read in Core, where its rules live.
        .target(name: "BasculeCore", dependencies: [.product(name: "Yams", package: "Yams"), .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "BasculeStore",
            dependencies: [
                "BasculeCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "BasculeServer",
            dependencies: [
                "BasculeCore", "BasculeStore", "BasculeAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Ink", package: "Ink"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // Webhook deliveries.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            resources: [.copy("Resources")]
        ),
        .target(
            name: "BasculeCLI",
            dependencies: [
                "BasculeCore", "BasculeStore", "BasculeServer", "BasculeAPI", "BasculeAgent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // The agent: pulls automated steps from a server and runs them (docs/AGENTS.md).
        .target(
            name: "BasculeAgent",
            dependencies: [
                "BasculeCore", "BasculeServer",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .executableTarget(name: "bascule", dependencies: ["BasculeCLI"]),
        // Speed of impact, conflict and calendar scans on a generated inventory: Benchmarks/inventory/run.sh.
        .executableTarget(name: "InventoryBenchmark", dependencies: ["BasculeCore"], path: "Benchmarks/inventory/Sources"),
        // Forecast and critical path of large runbooks, forecast accuracy: Benchmarks/runbook/run.sh.
        .executableTarget(name: "RunbookBenchmark", dependencies: ["BasculeCore"], path: "Benchmarks/runbook/Sources"),
        // Every indicator of a quarter over 100,000 releases, against a Python reference: Benchmarks/indicators/run.sh.
        .executableTarget(name: "IndicatorBenchmark", dependencies: ["BasculeCore", "BasculeStore", "BasculeServer"], path: "Benchmarks/indicators/Sources"),
        .target(
            name: "BasculeTestSupport",
            dependencies: ["BasculeStore", "BasculeCore", .product(name: "PostgresKit", package: "postgres-kit")],
            path: "Tests/BasculeTestSupport"
        ),
        .testTarget(name: "BasculeCoreTests", dependencies: ["BasculeCore"], exclude: ["JUnitReports"]),
        .testTarget(name: "BasculeStoreTests", dependencies: ["BasculeStore", "BasculeCore", "BasculeTestSupport"]),
        .testTarget(
            name: "BasculeServerTests",
            dependencies: [
                "BasculeServer", "BasculeStore", "BasculeCore", "BasculeCLI", "BasculeAPI", "BasculeAgent", "BasculeTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
            ],
            exclude: ["__Snapshots__"]
        ),
    ]
)
