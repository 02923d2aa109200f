// swift-tools-version:6.1
// Tool package: exists only so `scripts/gen-proto` can build the protoc plugins
// `protoc-gen-swift` and `protoc-gen-grpc-swift-2` (release, scratch path .build-tools).
// Not part of the Skein build.
import PackageDescription

let package = Package(
    name: "ProtoTools",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
    ],
    targets: [
        // SwiftPM needs at least one target; the plugin products come from the dependencies.
        .target(name: "Dummy", path: "Sources/Dummy"),
    ]
)
