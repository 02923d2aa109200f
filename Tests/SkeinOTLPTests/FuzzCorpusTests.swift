import Foundation
import SkeinCore
import SkeinFuzzChecks
import Testing
@testable import SkeinOTLP

/// Replays Fuzz/corpus through the same properties the libFuzzer targets check (`make fuzz`), so
/// every crash input ever found (committed there as crash-*) stays a regression test, and checks
/// that the seeds are the valid requests they are meant to be, so fuzzing starts from real shapes.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus")

    static func inputs(_ folder: String) throws -> [(name: String, bytes: [UInt8])] {
        let directory = corpus.appendingPathComponent(folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        return try names.map { ($0, Array(try Data(contentsOf: directory.appendingPathComponent($0)))) }
    }

    @Test func protobufCorpusHoldsTheProperties() throws {
        let inputs = try Self.inputs("otlp-protobuf")
        #expect(inputs.count >= 5)
        for input in inputs { FuzzChecks.protobufRequest(input.bytes) }
    }

    @Test func jsonCorpusHoldsTheProperties() throws {
        let inputs = try Self.inputs("otlp-json")
        #expect(inputs.count >= 4)
        for input in inputs { FuzzChecks.jsonRequest(input.bytes) }
    }

    @Test func gzipCorpusHoldsTheProperties() throws {
        let inputs = try Self.inputs("gzip")
        #expect(inputs.count >= 5)
        for input in inputs { FuzzChecks.gzip(input.bytes) }
    }

    @Test func queryParameterCorpusHoldsTheProperties() throws {
        let inputs = try Self.inputs("query-parameters")
        #expect(inputs.count >= 6)
        for input in inputs { FuzzChecks.queryString(input.bytes) }
    }

    @Test func protobufSeedsAreValidRequests() throws {
        let seeds = Dictionary(uniqueKeysWithValues: try Self.inputs("otlp-protobuf").map { ($0.name, $0.bytes) })
        let expected = ["seed-one-span": (1, 0), "seed-trace": (2, 0), "seed-two-scopes": (3, 0), "seed-bad-ids": (1, 1)]
        for (name, (kept, refused)) in expected {
            let export = try ValidatedExport(protobuf: try #require(seeds[name]), tenant: .single)
            #expect(export.batch.spanCount == kept, "\(name)")
            #expect(export.rejectedSpans == refused, "\(name)")
        }
    }

    @Test func jsonSeedsAreValidRequests() throws {
        for name in ["seed-request.json", "seed-snake-case.json"] {
            let bytes = try #require(try Self.inputs("otlp-json").first { $0.name == name }?.bytes)
            let export = try ValidatedExport(request: try OTLPJSONDecoder.decodeExportRequest(bytes), tenant: .single)
            #expect(export.batch.spanCount == 1, "\(name)")
            #expect(export.batch.groups.first?.spans.first?.isError == true, "\(name)")
        }
    }
}
