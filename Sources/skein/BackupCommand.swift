import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `skein backup --to DIR`: asks a running Skein for a consistent checkpoint of its store.
/// The server writes the files, so DIR is a path on the server's machine.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask a running Skein to write a consistent copy of its store into a new directory.",
        discussion: """
            DIR must be absolute and must not exist yet; it is a path on the server's machine. On the same \
            filesystem as storage.data_dir the copy is made of hard links (fast, and it costs disk space only \
            as the live store moves on); elsewhere the files are copied. Start a server with \
            storage.data_dir set to DIR to read the backup. With query.auth.token set, pass the token in \
            SKEIN_QUERY_TOKEN.
            """)

    @Option(help: "Directory to create on the server (absolute path).")
    var to: String
    @Option(help: "Query API of the running Skein.")
    var from = "http://127.0.0.1:16686"

    func run() async throws {
        guard let url = URL(string: from + "/api/admin/backup") else { fail("--from '\(from)' is not a URL") }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        // A backup holds every tenant: it needs the query token, never a tenant.
        ClientCredentials.apply(to: &request, tenant: false)
        request.httpBody = try JSONSerialization.data(withJSONObject: ["dir": to])
        // A checkpoint of a large store flushes memtables first; give it time.
        request.timeoutInterval = 3_600
        let data: Data, response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            fail("cannot reach Skein at \(from): \(error.localizedDescription)")
        }
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        guard (response as? HTTPURLResponse)?.statusCode == 200, let object else {
            let message = ((object?["error"] as? [String: Any])?["message"] as? String) ?? String(decoding: data, as: UTF8.self)
            fail("backup refused: \(message)")
        }
        let bytes = (object["bytes"] as? NSNumber)?.int64Value ?? 0
        let millis = (object["durationMs"] as? NSNumber)?.doubleValue ?? 0
        print("backup written to \(object["dir"] ?? to): \(String(format: "%.1f", Double(bytes) / 1_048_576)) MiB in \(String(format: "%.0f", millis)) ms")
    }

    func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("skein: \(message)\n".utf8))
        Foundation.exit(1)
    }
}
