import Foundation

/// What one backup wrote: where, how many bytes of files (hard links count at full size, though
/// they share disk blocks with the live store) and how long it took.
package struct BackupReport: Sendable, Equatable {
    package var directory: String
    package var bytes: Int
    package var durationNanos: UInt64

    package init(directory: String, bytes: Int, durationNanos: UInt64) {
        self.directory = directory
        self.bytes = bytes
        self.durationNanos = durationNanos
    }
}

extension SpanStore {
    /// Takes a RocksDB checkpoint of the whole store into `directory` (absolute, not existing yet,
    /// parent existing): every partition's spans, indexes and rollups, the meta family and the
    /// durable tail-sampling buffer, all as of one moment, while writes go on. The directory is a
    /// complete data dir: `storage.data_dir` can point at it as is.
    package func backup(to directory: String) async throws -> BackupReport {
        try await onQueue { [db] in
            let started = DispatchTime.now().uptimeNanoseconds
            try db.checkpoint(to: directory)
            let duration = DispatchTime.now().uptimeNanoseconds - started
            return BackupReport(directory: directory, bytes: Self.fileBytes(in: directory), durationNanos: duration)
        }
    }

    /// Sum of the sizes of the regular files under `directory`.
    static func fileBytes(in directory: String) -> Int {
        guard let walker = FileManager.default.enumerator(at: URL(fileURLWithPath: directory),
                                                          includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey]) else { return 0 }
        var total = 0
        for case let url as URL in walker {
            guard let values = try? url.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey]), values.isRegularFile == true else { continue }
            total += values.fileSize ?? 0
        }
        return total
    }
}
