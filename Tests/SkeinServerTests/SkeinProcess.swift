import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import SkeinTesting

/// A real `skein serve` child process built from this package (`.build/debug/skein`, or
/// `SKEIN_BINARY`), on free ports of 127.0.0.1, for tests that must kill the server for real.
final class SkeinProcess {
    let process = Process()
    let otlpPort: Int
    let queryPort: Int

    static var binary: String {
        ProcessInfo.processInfo.environment["SKEIN_BINARY"] ?? RepositoryFiles.root.appendingPathComponent(".build/debug/skein").path
    }

    /// Starts the server and returns once `/healthz` answers.
    init(arguments: [String], log: String) async throws {
        let grpcPort = try Self.freePort()
        otlpPort = try Self.freePort()
        queryPort = try Self.freePort()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["serve", "--log-level", "warning",
                             "--otlp-grpc-listen", "127.0.0.1:\(grpcPort)", "--otlp-http-listen", "127.0.0.1:\(otlpPort)",
                             "--query-listen", "127.0.0.1:\(queryPort)"] + arguments
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        while true {
            if let reply = try? await query("/healthz"), reply.status == 200 { return }
            guard process.isRunning else {
                throw ProcessFailure("skein exited with status \(process.terminationStatus): \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    struct ProcessFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    func otlp(_ body: Data) async throws -> TestServer.Reply {
        try await TestServer.send("POST", "http://127.0.0.1:\(otlpPort)/v1/traces", body: body,
                                  headers: ["Content-Type": "application/x-protobuf"])
    }

    func query(_ pathAndQuery: String) async throws -> TestServer.Reply {
        try await TestServer.send("GET", "http://127.0.0.1:\(queryPort)\(pathAndQuery)", body: nil, headers: [:])
    }

    /// SIGKILL: no shutdown, no flush; only what is in RocksDB's write-ahead log survives.
    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM and wait for a graceful exit.
    func stop() -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A port nothing listens on right now (bound to port 0, read back, released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ProcessFailure("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        guard bound else { throw ProcessFailure("cannot bind a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
