// swift-tools-version:6.1
import PackageDescription

// Upcoming features every Skein target opts into: explicit `any`, and imports that are
// internal unless marked otherwise, so no module leaks its dependencies.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "skein",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "skein", targets: ["skein"]),
        .executable(name: "skein-loadgen", targets: ["skein-loadgen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // SHA-256 for redaction's hash rules; 4.5.2 is the version the other packages already resolve.
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // C libraries from Debian packages (librocksdb-dev, zlib1g-dev).
        .systemLibrary(name: "CRocksDB", providers: [.apt(["librocksdb-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

        // Generated from proto/ by scripts/gen-proto; never edited by hand.
        .target(
            name: "OTLPProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),

        // Generated TraceService stubs (scripts/gen-proto); only the gRPC receiver and tests use them.
        .target(
            name: "OTLPGRPC",
            dependencies: [
                "OTLPProto",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            ]
        ),

        // Value types shared by every stage: IDs, the span batch, JSON text. No I/O.
        .target(name: "SkeinCore", swiftSettings: strictSettings),

        // OTLP wire formats <-> Core: protobuf, OTLP/JSON, gzip. No NIO, so it can be fuzzed alone.
        .target(
            name: "SkeinOTLP",
            dependencies: [
                "SkeinCore", "OTLPProto", "CZlib",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strictSettings
        ),

        // Redaction rules (drop, hash, mask) behind SkeinOTLP's AttributeRedactor, so the fuzz
        // targets build without regexes or digests.
        .target(
            name: "SkeinRedaction",
            dependencies: ["SkeinCore", "SkeinOTLP", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),

        // RocksDB: key layout, span writer, trace reader, search scans.
        .target(name: "SkeinStorage", dependencies: ["SkeinCore", "CRocksDB"], swiftSettings: strictSettings),

        // The stage that sees every span before sampling: operation rollups and dependency edges.
        .target(name: "SkeinRollups", dependencies: ["SkeinCore"], swiftSettings: strictSettings),

        // The live tail's broadcast hub and the pipeline stage that feeds it: ingest publishes
        // stored spans here, the query server subscribes; neither imports the other.
        .target(name: "SkeinTail", dependencies: ["SkeinCore"], swiftSettings: strictSettings),

        // Alert rules evaluated from the rollups, their lifecycle, and Alertmanager-format webhooks.
        .target(
            name: "SkeinAlerts",
            dependencies: [
                "SkeinCore", "SkeinStorage",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),

        // Self-telemetry: one Prometheus registry per server, the metric names, the text exposition.
        .target(
            name: "SkeinTelemetry",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),

        // A listener's certificate and key, read from PEM files and checked at startup.
        .target(
            name: "SkeinTLS",
            dependencies: [
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),

        // OTLP receivers (gRPC and HTTP) and the shared export path.
        .target(
            name: "SkeinIngest",
            dependencies: [
                "SkeinCore", "SkeinOTLP", "OTLPGRPC", "SkeinTelemetry", "SkeinTLS",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // What a query asks: the query-string reader, the search, metrics windows and their
        // parameters, with the messages for bad ones. No NIO or HTTP, so it can be fuzzed alone.
        .target(name: "SkeinQueryModel", dependencies: ["SkeinCore", "SkeinOTLP"], swiftSettings: strictSettings),

        // Query service, Jaeger/OTLP JSON rendering, REST routes, the static viewer.
        .target(
            name: "SkeinQuery",
            dependencies: [
                "SkeinCore", "SkeinOTLP", "SkeinStorage", "SkeinTail", "SkeinTelemetry", "SkeinTLS", "SkeinQueryModel",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // Head and tail sampling: consistent probability by trace ID, per-trace policies, the
        // bounded tail buffer. No NIO, gRPC or HTTP: decisions are pure and tested with a clock.
        .target(
            name: "SkeinSampling",
            dependencies: ["SkeinCore", "SkeinOTLP", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),

        // Configuration and wiring: builds the services in start order. A library so tests can
        // start a whole server in-process.
        .target(
            name: "SkeinServer",
            dependencies: [
                "SkeinCore", "SkeinStorage", "SkeinIngest", "SkeinQuery", "SkeinRollups",
                "SkeinSampling", "SkeinTail", "SkeinAlerts", "SkeinTelemetry", "SkeinTLS", "SkeinOTLP", "SkeinRedaction",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),

        .executableTarget(
            name: "skein",
            dependencies: [
                "SkeinServer", "SkeinTelemetry",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // The load generator: traces shaped like real services, sent over OTLP, then verified.
        .target(
            name: "SkeinLoadGen",
            dependencies: [
                "SkeinCore", "SkeinOTLP", "OTLPProto", "OTLPGRPC",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "loadtest/Sources/SkeinLoadGen",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "skein-loadgen",
            dependencies: ["SkeinLoadGen", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "loadtest/Sources/skein-loadgen",
            swiftSettings: strictSettings
        ),
        // The storage write path against raw span puts, in one run (BENCHMARKS.md).
        .executableTarget(
            name: "skein-bench-storage",
            dependencies: ["SkeinLoadGen", "SkeinStorage", "SkeinOTLP", "SkeinCore", "SkeinRollups", "SkeinRedaction"],
            path: "loadtest/Sources/skein-bench-storage",
            swiftSettings: strictSettings
        ),
        // The SRE questions over a full day of rollups (BENCHMARKS.md).
        .executableTarget(
            name: "skein-bench-rollups",
            dependencies: ["SkeinStorage", "SkeinQuery", "SkeinQueryModel", "SkeinCore"],
            path: "loadtest/Sources/skein-bench-rollups",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SkeinLoadGenTests",
            dependencies: ["SkeinLoadGen", "SkeinCore", "SkeinOTLP", "OTLPProto", "SkeinServer", "SkeinTesting",
                           .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "loadtest/Tests/SkeinLoadGenTests"
        ),

        // The properties the fuzz targets check, shared with the test that replays Fuzz/corpus.
        .target(
            name: "SkeinFuzzChecks",
            dependencies: ["SkeinCore", "SkeinOTLP", "SkeinQueryModel", "OTLPProto", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Fuzz/Sources/SkeinFuzzChecks",
            swiftSettings: strictSettings
        ),

        // Builders for OTLP test data and temporary directories, shared by the test targets.
        .target(
            name: "SkeinTesting",
            dependencies: ["SkeinCore", "SkeinOTLP", "OTLPProto", "SkeinSampling",
                           .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                           .product(name: "Hummingbird", package: "hummingbird")],
            path: "Tests/SkeinTesting"
        ),
        .testTarget(name: "SkeinCoreTests", dependencies: ["SkeinCore", "SkeinTesting"]),
        .testTarget(
            name: "SkeinOTLPTests",
            dependencies: ["SkeinOTLP", "OTLPProto", "SkeinTesting", "SkeinFuzzChecks",
                           .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .testTarget(
            name: "SkeinIngestTests",
            dependencies: [
                "SkeinIngest", "SkeinCore", "SkeinOTLP", "OTLPProto", "OTLPGRPC", "SkeinTesting", "SkeinTelemetry",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .testTarget(
            name: "SkeinRedactionTests",
            dependencies: ["SkeinRedaction", "SkeinOTLP", "SkeinCore", "OTLPProto", "SkeinTesting",
                           .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .testTarget(name: "SkeinStorageTests", dependencies: ["SkeinStorage", "SkeinCore", "SkeinTesting"]),
        .testTarget(name: "SkeinTailTests", dependencies: ["SkeinTail", "SkeinCore", "SkeinTesting"]),
        .testTarget(
            name: "SkeinAlertsTests",
            dependencies: ["SkeinAlerts", "SkeinCore", "SkeinStorage", "SkeinTesting",
                           .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .testTarget(name: "SkeinRollupsTests", dependencies: ["SkeinRollups", "SkeinCore", "SkeinTesting"]),
        .testTarget(
            name: "SkeinQueryTests",
            dependencies: ["SkeinQuery", "SkeinQueryModel", "SkeinOTLP", "SkeinStorage", "SkeinCore", "OTLPProto", "SkeinTesting",
                           .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTesting", package: "hummingbird")]
        ),
        .testTarget(
            name: "SkeinSamplingTests",
            dependencies: ["SkeinSampling", "SkeinCore", "SkeinOTLP", "OTLPProto", "SkeinTesting",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .testTarget(
            name: "SkeinServerTests",
            dependencies: [
                "SkeinServer", "SkeinOTLP", "OTLPProto", "OTLPGRPC", "SkeinTesting", "SkeinIngest",
                "SkeinSampling", "SkeinAlerts", "SkeinQuery", "SkeinQueryModel", "SkeinStorage", "SkeinTLS", "SkeinRedaction",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
    ]
)

// libFuzzer targets, built only by `make fuzz` (SKEIN_FUZZ=1 with --sanitize=fuzzer): libFuzzer
// supplies their `main`, so an ordinary build could not link them.
if Context.environment["SKEIN_FUZZ"] != nil {
    package.targets += ["fuzz-otlp-protobuf", "fuzz-otlp-json", "fuzz-gzip", "fuzz-query-parameters"].map { name in
        .executableTarget(name: name, dependencies: ["SkeinFuzzChecks"], path: "Fuzz/Sources/\(name)")
    }
}
