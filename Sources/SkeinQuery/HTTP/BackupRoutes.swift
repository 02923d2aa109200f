import Foundation
package import Hummingbird
import SkeinCore
package import SkeinStorage

/// `POST /api/admin/backup` with `{"dir": "/absolute/path"}`: a consistent checkpoint of the
/// running store into a new directory, answered `{"dir", "bytes", "durationMs"}`. The work comes
/// from the wiring as a closure (it also writes the rollups held in memory first). Refusals use
/// the `/api/v3` error shape: 400 for a bad body or path, 409 when the directory exists.
package struct BackupRoutes: Sendable {
    package typealias Backup = @Sendable (_ directory: String) async throws -> BackupReport
    let backup: Backup
    /// The live store's directory, absolute; a backup inside it would be read as part of it.
    let dataDirectory: String

    package init(dataDirectory: String, backup: @escaping Backup) {
        self.dataDirectory = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        self.backup = backup
    }

    /// Generic over the context so the route fits whatever context the query router uses.
    package func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.post("/api/admin/backup") { request, _ in
            let body = try await request.body.collect(upTo: 64 << 10)
            let directory: String
            do throws(BackupRefusal) {
                directory = try Self.directory(from: Array(buffer: body), outside: dataDirectory)
            } catch {
                return APIResponse.v3Error(error.status, error.message)
            }
            let report: BackupReport
            do {
                report = try await backup(directory)
            } catch {
                return APIResponse.v3Error(.internalServerError, "backup into '\(directory)' failed: \(error)")
            }
            var json = JSONWriter()
            json.object { json in
                json.key("dir"); json.value(report.directory)
                json.key("bytes"); json.value(report.bytes)
                json.key("durationMs"); json.value(Double(report.durationNanos) / 1e6)
            }
            return APIResponse.json(json.bytes)
        }
    }

    /// The target directory named by the body, checked before RocksDB is asked: absolute, not
    /// there yet, inside a directory that is, and not inside the live store's own directory.
    static func directory(from body: [UInt8], outside dataDirectory: String) throws(BackupRefusal) -> String {
        let usage = #"the body must be JSON {"dir": "/absolute/path"}"#
        guard let parsed = try? JSONValue(parsing: body), case .string(let directory)? = parsed["dir"] else {
            throw BackupRefusal(status: .badRequest, message: usage)
        }
        guard directory.hasPrefix("/") else {
            throw BackupRefusal(status: .badRequest, message: "dir '\(directory)' must be an absolute path (\(usage))")
        }
        let standardized = (directory as NSString).standardizingPath
        guard standardized != dataDirectory, !standardized.hasPrefix(dataDirectory + "/") else {
            throw BackupRefusal(status: .badRequest, message: "dir '\(standardized)' must be outside storage.data_dir ('\(dataDirectory)')")
        }
        guard !FileManager.default.fileExists(atPath: standardized) else {
            throw BackupRefusal(status: .conflict, message: "dir '\(standardized)' already exists; name a new directory (a backup never overwrites)")
        }
        let parent = (standardized as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw BackupRefusal(status: .badRequest, message: "the parent of dir '\(standardized)' must be an existing directory")
        }
        return standardized
    }
}

/// Why a backup request was refused before any work: the status and what to change.
struct BackupRefusal: Error {
    var status: HTTPResponse.Status
    var message: String
}
