import Foundation
import SkeinCore
import SkeinTesting
import Testing

/// Rollups are written every `rollups.flush_interval`: a SIGKILL after a flush loses none of
/// what was flushed, and a graceful stop writes the rest.
@Suite(.serialized) struct RollupCrashTests {
    @Test func killNineAfterAFlushKeepsRollupsAndEdges() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let arguments = ["--data-dir", directory.path + "/data", "--rollups-flush-interval", "200ms"]
        let first = try await SkeinProcess(arguments: arguments, log: directory.path + "/first.log")
        let reply = try await first.otlp(try MetricsAPITests.seedRequest())
        #expect(reply.status == 200)
        try await Task.sleep(nanoseconds: 1_500_000_000)  // several flush intervals
        first.kill9()

        let second = try await SkeinProcess(arguments: arguments, log: directory.path + "/second.log")
        defer { _ = second.stop() }
        let services = try JSONValue(parsing: Array(try await second.query("/api/v1/services?\(MetricsAPITests.window)").body))
        guard case .array(let rows)? = services["services"] else { Issue.record("no services"); return }
        let web = rows.first { $0["service"] == .string("web") }
        #expect(web?["calls"] == .number("15"))
        #expect(web?["errors"] == .number("1"))
        let endTs = (MetricsAPITests.base + 3 * MetricsAPITests.minute) / 1_000_000
        let edges = try JSONValue(parsing: Array(try await second.query("/api/dependencies?endTs=\(endTs)&lookback=600000").body))
        // The parent/child edge was flushed; the peer edge to payments-db was still waiting out
        // its 30 s in memory, and a SIGKILL loses that wait (README says so).
        #expect(edges["data"] == .array([.object([("parent", .string("web")), ("child", .string("cart")), ("callCount", .number("15"))])]))
    }
}
