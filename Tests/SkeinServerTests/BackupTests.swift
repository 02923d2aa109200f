import Foundation
import SkeinCore
import SkeinTesting
import SwiftProtobuf
import Testing

/// `POST /api/admin/backup` on a running server: a new server started on the backup directory
/// answers exactly as the original did; bad directories are refused with a message.
@Suite(.serialized) struct BackupTests {
    static func backup(_ server: TestServer, _ body: String) async throws -> TestServer.Reply {
        try await server.query("/api/admin/backup", method: "POST", body: Data(body.utf8))
    }

    @Test func aServerOnTheBackupAnswersLikeTheOriginal() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await TestServer(TestServer.configuration(dataDirectory: directory.path + "/data"))
        let now = WallClock.nowNanos()
        let traces = (1...3).map { TraceID(high: 0xBAC, low: UInt64($0)) }
        for (index, trace) in traces.enumerated() {
            let spans = [OTLPBuilders.span(trace: trace, id: 1, name: "GET /", startNanos: now),
                         OTLPBuilders.span(trace: trace, id: 2, parent: 1, name: "SELECT", kind: .client, startNanos: now + 1_000)]
            let body = try OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "svc-\(index)", spans: spans)]).serializedData()
            #expect(try await server.otlp(body: body, headers: ["Content-Type": "application/x-protobuf"]).status == 200)
        }
        let paths = traces.map { "/api/traces/\($0.hex)" } + ["/api/services", "/api/services/svc-1/operations"]
        var before: [String] = []
        for path in paths { before.append(try await server.query(path).text) }

        let target = directory.path + "/backup"
        let reply = try await Self.backup(server, #"{"dir": "\#(target)"}"#)
        #expect(reply.status == 200)
        let answer = try JSONValue(parsing: reply.text)
        #expect(answer["dir"] == .string(target))
        if case .number(let bytes)? = answer["bytes"] { #expect((Int(bytes) ?? 0) > 0) } else { Issue.record("no bytes in \(reply.text)") }
        #expect(answer["durationMs"] != nil)
        // The original keeps serving after the checkpoint.
        #expect(try await server.query("/api/services").status == 200)
        try await server.stop()

        let restored = try await TestServer(TestServer.configuration(dataDirectory: target))
        var after: [String] = []
        for path in paths { after.append(try await restored.query(path).text) }
        #expect(after == before)
        #expect(before[0].contains(#""operationName":"SELECT""#))
        // The rollups (written from memory just before the checkpoint) came along too.
        #expect(try await restored.query("/api/v1/services").text.contains("svc-2"))
        try await restored.stop()
    }

    /// Runs `skein backup` (the debug binary) and returns its exit status, stdout and stderr.
    static func runCLI(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: SkeinProcess.binary)
        process.arguments = ["backup"] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile(), err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    @Test func theCommandLineAsksTheServerAndReportsRefusals() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await TestServer(TestServer.configuration(dataDirectory: directory.path + "/data"))
        let from = "http://127.0.0.1:\(server.queryPort)"
        let target = directory.path + "/cli-backup"
        let first = try Self.runCLI(["--to", target, "--from", from])
        #expect(first.status == 0)
        #expect(first.output.contains("backup written to \(target)"))
        #expect(FileManager.default.fileExists(atPath: target + "/CURRENT"))
        let again = try Self.runCLI(["--to", target, "--from", from])
        #expect(again.status == 1)
        #expect(again.errors.contains("already exists"))
        try await server.stop()
    }

    @Test(arguments: [
        (#"{"dir": "relative/backup"}"#, 400, "must be an absolute path"),
        (#"{"dir": ""}"#, 400, "must be an absolute path"),
        ("", 400, "the body must be JSON"),
        (#"{"directory": "/tmp/x"}"#, 400, "the body must be JSON"),
        (#"{"dir": "EXISTING"}"#, 409, "already exists"),
        (#"{"dir": "EXISTING/missing/backup"}"#, 400, "must be an existing directory"),
        (#"{"dir": "EXISTING/data/backup"}"#, 400, "must be outside storage.data_dir"),
        (#"{"dir": "EXISTING/data"}"#, 400, "must be outside storage.data_dir"),
    ])
    func badDirectoriesAreRefusedWithAMessage(body: String, status: Int, message: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await TestServer(TestServer.configuration(dataDirectory: directory.path + "/data"))
        let reply = try await Self.backup(server, body.replacingOccurrences(of: "EXISTING", with: directory.path))
        #expect(reply.status == status)
        #expect(reply.text.contains(message))
        try await server.stop()
    }
}
