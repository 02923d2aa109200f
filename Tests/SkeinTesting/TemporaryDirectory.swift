import Foundation

/// A fresh directory under the system temp folder, removed by `remove()`.
package struct TemporaryDirectory: Sendable {
    package let path: String

    package init(_ label: String = "skein-test") throws {
        path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    package func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Files that live beside the repository (`../shared`) and in it.
package enum RepositoryFiles {
    /// The repository root, found from this source file's location.
    package static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// A published Jaeger fixture from `../shared/jaeger-fixtures`.
    package static func jaegerFixture(_ name: String) throws -> Data {
        try Data(contentsOf: root.deletingLastPathComponent().appendingPathComponent("shared/jaeger-fixtures/\(name)"))
    }
}
