import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import OTLPGRPC
import SkeinCore
import SkeinOTLP
import SkeinServer
import SkeinTesting
import SwiftProtobuf
import Testing

/// `GET /metrics`, `/readyz` and `/healthz` of a whole server, after real traffic over both
/// transports.
@Suite(.serialized) struct SelfTelemetryTests {
    func withServer(_ adjust: (inout SkeinConfiguration) -> Void = { _ in }, _ body: (TestServer) async throws -> Void) async throws {
        try await TestServer.with(adjust, body)
    }

    func request(trace: UInt64, spanIDs: [UInt64]) -> ExportTraceRequest {
        OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "metered", spans: spanIDs.map {
            OTLPBuilders.span(trace: TraceID(high: 0x5E1F, low: trace), id: $0, startNanos: 1_700_000_000_000_000_000)
        })])
    }

    func exportGRPC(_ server: TestServer, _ request: ExportTraceRequest) async throws {
        _ = try await withGRPCClient(transport: .http2NIOPosix(
            target: .ipv4(address: "127.0.0.1", port: server.grpcPort), transportSecurity: .plaintext)
        ) { client in
            try await Opentelemetry_Proto_Collector_Trace_V1_TraceService.Client(wrapping: client).export(request)
        }
    }

    func exportHTTP(_ server: TestServer, _ request: ExportTraceRequest) async throws -> Int {
        try await server.otlp(body: Data(request.serializedBytes() as [UInt8]), headers: ["Content-Type": "application/x-protobuf"]).status
    }

    /// The value of one series (`name{labels}` exactly as exposed), or nil when it is missing.
    func value(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.dropFirst(series.count + 1)) }
    }

    @Test func countersAndHistogramsFollowTrafficOverBothTransports() async throws {
        // No flush during the test, so the rollups of these spans are still pending when scraped.
        try await withServer({ $0.rollupFlushIntervalNanos = 3_600_000_000_000 }) { server in
            try await exportGRPC(server, request(trace: 1, spanIDs: [1, 2]))
            // Span ID 0 is invalid: refused through partial_success, the rest accepted.
            #expect(try await exportHTTP(server, request(trace: 2, spanIDs: [1, 2, 0])) == 200)
            let malformed = try await server.otlp(body: Data([0x0A, 0xFF, 0xFF]), headers: ["Content-Type": "application/x-protobuf"])
            #expect(malformed.status == 400)
            let unsupported = try await server.otlp(body: Data("x".utf8), headers: ["Content-Type": "text/csv"])
            #expect(unsupported.status == 415)
            #expect(try await server.query("/api/traces/\(TraceID(high: 0x5E1F, low: 2).hex)").status == 200)
            #expect(try await server.query("/api/services").status == 200)

            let reply = try await server.query("/metrics")
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = reply.text
            #expect(value(text, #"skein_ingest_spans_received_total{transport="grpc"}"#) == 2)
            #expect(value(text, #"skein_ingest_spans_accepted_total{transport="grpc"}"#) == 2)
            #expect(value(text, #"skein_ingest_spans_received_total{transport="http"}"#) == 3)
            #expect(value(text, #"skein_ingest_spans_accepted_total{transport="http"}"#) == 2)
            #expect(value(text, #"skein_ingest_spans_refused_total{transport="http",reason="invalid"}"#) == 1)
            #expect(value(text, #"skein_ingest_spans_refused_total{transport="grpc",reason="invalid"}"#) == 0)
            #expect(value(text, #"skein_ingest_requests_total{transport="grpc",outcome="accepted"}"#) == 1)
            #expect(value(text, #"skein_ingest_requests_total{transport="http",outcome="accepted"}"#) == 1)
            #expect(value(text, #"skein_ingest_requests_total{transport="http",outcome="undecodable"}"#) == 1)
            #expect(value(text, #"skein_ingest_requests_total{transport="http",outcome="unsupported_media_type"}"#) == 1)
            #expect(value(text, #"skein_ingest_requests_total{transport="grpc",outcome="undecodable"}"#) == 0)
            // Every request is in its transport's histogram, refused ones too.
            #expect(value(text, #"skein_ingest_export_duration_seconds_count{transport="grpc"}"#) == 1)
            #expect(value(text, #"skein_ingest_export_duration_seconds_count{transport="http"}"#) == 3)
            #expect(value(text, #"skein_ingest_export_duration_seconds_bucket{transport="http",le="+Inf"}"#) == 3)
            #expect(value(text, #"skein_ingest_export_duration_seconds_bucket{transport="http",le="0.001"}"#) != nil)
            // Query routes are labelled by their pattern, never by the raw path.
            #expect(value(text, #"skein_http_request_duration_seconds_count{route="/api/traces/{traceID}",method="GET",status="2xx"}"#) == 1)
            #expect(value(text, #"skein_http_request_duration_seconds_count{route="/api/services",method="GET",status="2xx"}"#) == 1)
            #expect(!text.contains(TraceID(high: 0x5E1F, low: 2).hex))
            // Two span batches at least (rollups may add theirs).
            #expect((value(text, "skein_storage_write_batch_duration_seconds_count") ?? 0) >= 2)
            #expect(value(text, "skein_ingest_in_flight_bytes") == 0)
            #expect(value(text, "skein_ingest_in_flight_limit_bytes") == Double(server.configuration.ingest.maxInFlightBytes))
            #expect(value(text, "skein_rocksdb_estimate_live_data_size_bytes") != nil)
            #expect(value(text, "skein_rocksdb_total_sst_files_size_bytes") != nil)
            #expect(value(text, "skein_rocksdb_estimate_pending_compaction_bytes") != nil)
            #expect((value(text, "skein_rollups_pending_entries") ?? 0) > 0)
            #expect(value(text, "skein_tail_sampling_buffer_traces") == 0)
            #expect(value(text, "skein_live_tail_spans_dropped_total") == 0)
        }
    }

    @Test func samplingCountersAreExportedFromTheSamplingStage() async throws {
        try await withServer({ $0.sampling.head.defaultRate = 0 }) { server in
            #expect(try await exportHTTP(server, request(trace: 3, spanIDs: [1, 2, 3])) == 200)
            let first = try await server.query("/metrics").text
            #expect(value(first, #"skein_sampling_spans_dropped_total{reason="head"}"#) == 3)
            #expect(value(first, "skein_sampling_spans_received_total") == 3)
            // Sampled out still means acknowledged.
            #expect(value(first, #"skein_ingest_spans_accepted_total{transport="http"}"#) == 3)
            #expect(try await exportHTTP(server, request(trace: 4, spanIDs: [1])) == 200)
            // A second scrape adds only what happened since the first.
            let second = try await server.query("/metrics").text
            #expect(value(second, #"skein_sampling_spans_dropped_total{reason="head"}"#) == 4)
            #expect(value(second, #"skein_sampling_spans_dropped_total{reason="tail"}"#) == 0)
        }
    }

    @Test func readyOnceListeningAndAlive() async throws {
        try await withServer { server in
            let ready = try await server.query("/readyz")
            #expect(ready.status == 200)
            #expect(ready.text == "ready\n")
            #expect(try await server.query("/healthz").status == 200)
        }
    }

    /// Every family has one `# HELP` and one `# TYPE` line before its samples, and every sample
    /// line is `name{labels} value` with a name of that family.
    @Test func expositionHasTheTextFormatsShape() async throws {
        try await withServer { server in
            try await exportGRPC(server, request(trace: 5, spanIDs: [1]))
            let text = try await server.query("/metrics").text
            var help = Set<String>(), types: [String: String] = [:]
            var samples = 0
            for line in text.split(separator: "\n").map(String.init) {
                let words = line.split(separator: " ", maxSplits: 3).map(String.init)
                if line.hasPrefix("# HELP ") {
                    #expect(words.count == 4, "HELP without text: \(line)")
                    #expect(help.insert(words[2]).inserted, "second HELP for \(words[2])")
                } else if line.hasPrefix("# TYPE ") {
                    #expect(["counter", "gauge", "histogram"].contains(words[3]), "\(line)")
                    #expect(types.updateValue(words[3], forKey: words[2]) == nil, "second TYPE for \(words[2])")
                    #expect(help.contains(words[2]), "TYPE before HELP for \(words[2])")
                } else {
                    samples += 1
                    let name = String(line.prefix { $0 != "{" && $0 != " " })
                    let family = types[name] != nil ? name
                        : ["_bucket", "_sum", "_count"].compactMap { name.hasSuffix($0) ? String(name.dropLast($0.count)) : nil }.first ?? name
                    #expect(family.hasPrefix("skein_"), "\(line)")
                    #expect(types[family] != nil, "sample before its TYPE: \(line)")
                    #expect(Double(line.split(separator: " ").last ?? "") != nil, "\(line)")
                }
            }
            #expect(samples > 50)
            #expect(types["skein_ingest_export_duration_seconds"] == "histogram")
            #expect(types["skein_ingest_spans_received_total"] == "counter")
            #expect(types["skein_rocksdb_estimate_live_data_size_bytes"] == "gauge")
        }
    }
}
