import ArgumentParser
import Foundation
import SkeinLoadGen

/// `skein-loadgen`: flags into a `Scenario`, run it, print the summary, exit. Exit status: 0
/// when every span sent was acknowledged (and verified, with --verify), 1 when some were not,
/// 2 for unusable flags (one line on stderr).
struct LoadGenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skein-loadgen",
        abstract: "Send realistic OTLP traces to Skein (or any OTLP receiver), measure it, and read them back.")

    @Option(help: ArgumentHelp(Scenario.Help.scenario)) var scenario = "ecommerce"
    @Option(help: ArgumentHelp(Scenario.Help.services)) var services = Scenario().services
    @Option(help: ArgumentHelp(Scenario.Help.depth)) var depth = Scenario().depth
    @Option(help: ArgumentHelp(Scenario.Help.fanout)) var fanout = Scenario().fanout
    @Option(name: .customLong("error-rate"), help: ArgumentHelp(Scenario.Help.errorRate)) var errorRate = Scenario().errorRate
    @Option(help: ArgumentHelp(Scenario.Help.rate)) var rate = Scenario().rate
    @Option(help: ArgumentHelp(Scenario.Help.duration)) var duration: Double?
    @Option(help: ArgumentHelp(Scenario.Help.traces)) var traces: Int?
    @Option(help: ArgumentHelp(Scenario.Help.workers)) var workers = Scenario().workers
    @Option(help: ArgumentHelp(Scenario.Help.batch)) var batch = Scenario().batch
    @Option(name: .customLong("protocol"), help: ArgumentHelp(Scenario.Help.wireProtocol)) var wireProtocol = "grpc"
    @Flag(help: ArgumentHelp(Scenario.Help.gzip)) var gzip = false
    @Option(help: ArgumentHelp(Scenario.Help.endpoint)) var endpoint: String?
    @Option(help: ArgumentHelp(Scenario.Help.query)) var query = Scenario().query
    @Flag(help: ArgumentHelp(Scenario.Help.json)) var json = false
    @Flag(help: ArgumentHelp(Scenario.Help.verify)) var verify = false
    @Option(name: .customLong("verify-sample"), help: ArgumentHelp(Scenario.Help.verifySample)) var verifySample: Int?
    @Option(help: ArgumentHelp(Scenario.Help.seed)) var seed: UInt64?
    @Option(help: ArgumentHelp(Scenario.Help.sink)) var sink = "otlp"
    @Option(name: .customLong("max-retries"), help: ArgumentHelp(Scenario.Help.maxRetries)) var maxRetries = Scenario().maxRetries
    @Option(help: ArgumentHelp(Scenario.Help.timeout)) var timeout = Scenario().timeoutSeconds
    @Flag(help: ArgumentHelp(Scenario.Help.quiet)) var quiet = false

    /// The flags as a scenario; enum-like flags are checked here so every bad value gets the
    /// same one-line error.
    func makeScenario() throws(ScenarioError) -> Scenario {
        func choice<T: RawRepresentable & CaseIterable>(_ flag: String, _ value: String) throws(ScenarioError) -> T where T.RawValue == String {
            guard let parsed = T(rawValue: value) else {
                let names = T.allCases.map(\.rawValue)
                throw ScenarioError("--\(flag) must be \(names.dropLast().joined(separator: ", ")) or \(names.last ?? "") (got '\(value)')")
            }
            return parsed
        }
        var result = Scenario()
        result.shape = try choice("scenario", scenario)
        result.wireProtocol = try choice("protocol", wireProtocol)
        result.sink = try choice("sink", sink)
        (result.services, result.depth, result.fanout, result.errorRate) = (services, depth, fanout, errorRate)
        (result.rate, result.duration, result.traces, result.workers, result.batch) = (rate, duration, traces, workers, batch)
        (result.gzip, result.endpoint, result.query, result.json) = (gzip, endpoint, query, json)
        (result.verify, result.verifySample, result.seed) = (verify, verifySample, seed)
        (result.maxRetries, result.timeoutSeconds, result.quiet) = (maxRetries, timeout, quiet)
        try result.validate()
        return result
    }
}

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("skein-loadgen: \(message)\n".utf8))
    exit(status)
}

let scenario: Scenario
do {
    scenario = try LoadGenCommand.parse().makeScenario()
} catch let error as ScenarioError {
    fail(error.message, status: 2)
} catch {
    // --help and --version end here with status 0; parse errors get ArgumentParser's message on one line.
    if LoadGenCommand.exitCode(for: error) == .success { LoadGenCommand.exit(withError: error) }
    fail(LoadGenCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments", status: 2)
}

@Sendable func printProgress(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
let progress: (@Sendable (String) -> Void)? = scenario.quiet ? nil : printProgress
do {
    let summary = try await LoadGenerator.run(scenario, progress: progress)
    if scenario.json {
        print(summary.json)
    } else {
        FileHandle.standardError.write(Data("\n".utf8))
        print(summary.text)
    }
    exit(summary.exitCode)
} catch {
    fail("\(error)", status: 1)
}
