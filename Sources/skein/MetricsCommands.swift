import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where a running Skein's query API is, for the commands that ask it questions.
struct ServerOptions: ParsableArguments {
    @Option(help: "Query API of a running Skein.")
    var server = "http://127.0.0.1:16686"
    @Option(help: "Window ending now, as a duration (15m, 1h, 24h).")
    var since = "1h"
    @Option(name: .customLong("span-kind"), help: "Span kinds counted; repeatable (default server and consumer).")
    var spanKinds: [String] = []

    /// GETs a path of the API and returns its JSON object, or exits with the server's message.
    func get(_ path: String, _ items: [URLQueryItem]) async throws -> [String: Any] {
        guard var components = URLComponents(string: server + path) else { fail("--server '\(server)' is not a URL") }
        components.queryItems = [URLQueryItem(name: "since", value: since)] + spanKinds.map { URLQueryItem(name: "spanKind", value: $0) } + items
        guard let url = components.url else { fail("--server '\(server)' is not a URL") }
        let data: Data, response: URLResponse
        do {
            var request = URLRequest(url: url)
            ClientCredentials.apply(to: &request)
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            fail("cannot reach Skein at \(server): \(error.localizedDescription)")
        }
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        guard (response as? HTTPURLResponse)?.statusCode == 200, let object else {
            let message = ((object?["errors"] as? [[String: Any]])?.first?["msg"] as? String) ?? String(decoding: data, as: UTF8.self)
            fail("\(url.path): \(message)")
        }
        return object
    }

    func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("skein: \(message)\n".utf8))
        Foundation.exit(1)
    }
}

/// Formats the API's numbers for a terminal table.
enum Cell {
    static func millis(_ value: Any?) -> String {
        guard let value = value as? Double else { return "-" }
        return value >= 100 ? String(format: "%.0f ms", value) : String(format: "%.2f ms", value)
    }
    static func rate(_ value: Any?) -> String {
        let value = value as? Double ?? 0
        return value >= 10 || value == 0 ? String(format: "%.1f/s", value) : String(format: "%.3g/s", value)
    }
    static func percent(_ value: Any?) -> String {
        guard let value = value as? Double else { return "-" }
        return String(format: "%.2f%%", value * 100)
    }
    static func count(_ value: Any?) -> String { "\((value as? NSNumber)?.int64Value ?? 0)" }

    /// Left-aligned first column, right-aligned others, two spaces apart.
    static func table(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        let widths = (0..<first.count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

struct Latency: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a service's latency quantiles, call rate and errors from a running Skein.")

    @Option(help: "Service name.")
    var service: String
    @Option(help: "Only this operation (span name).")
    var operation: String?
    @Option(help: "Quantiles, comma-separated.")
    var quantiles = "0.5,0.9,0.95,0.99"
    @OptionGroup var options: ServerOptions

    func run() async throws {
        var items = [URLQueryItem(name: "quantiles", value: quantiles)]
        if let operation { items.append(URLQueryItem(name: "operation", value: operation)) }
        let path = "/api/v1/services/" + (service.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? service) + "/latency"
        let answer = try await options.get(path, items)
        let summary = answer["summary"] as? [String: Any] ?? [:]
        let latency = summary["latencyMs"] as? [String: Any] ?? [:]
        print("\(service)\(operation.map { " · \($0)" } ?? "")  \(answer["start"] ?? "") → \(answer["end"] ?? "")")
        var rows = [["quantile", "latency"]]
        for quantile in quantiles.split(separator: ",") {
            let key = Double(quantile).map { $0 == $0.rounded() ? String(Int($0)) : String($0) } ?? String(quantile)
            rows.append(["p\(Double(quantile).map { String(format: "%g", $0 * 100) } ?? String(quantile))", Cell.millis(latency[key])])
        }
        rows.append(["calls", Cell.count(summary["calls"])])
        rows.append(["rate", Cell.rate(summary["callRate"])])
        rows.append(["errors", "\(Cell.count(summary["errors"])) (\(Cell.percent(summary["errorRate"])))"])
        print(Cell.table(rows))
    }
}

struct Services: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print every service's call rate, error rate and latency from a running Skein.")

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let answer = try await options.get("/api/v1/services", [])
        var rows = [["SERVICE", "CALLS", "RATE", "ERRORS", "P50", "P95", "P99"]]
        for service in answer["services"] as? [[String: Any]] ?? [] {
            rows.append([service["service"] as? String ?? "", Cell.count(service["calls"]), Cell.rate(service["callRate"]),
                         Cell.percent(service["errorRate"]), Cell.millis(service["p50Ms"]), Cell.millis(service["p95Ms"]),
                         Cell.millis(service["p99Ms"])])
        }
        print(Cell.table(rows))
    }
}
