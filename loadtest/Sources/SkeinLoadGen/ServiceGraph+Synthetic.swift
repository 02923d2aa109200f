extension ServiceGraph {
    /// A layered graph shaped by `--services`, `--depth` and `--fanout`: layer 0 is one
    /// gateway endpoint on `svc-00`; every endpoint of layer ℓ calls `fanout` endpoints of layer
    /// ℓ+1, and leaves query a database with probability 0.6. Adjacent layers use services of
    /// different parity, so every call crosses a service boundary (a CLIENT→SERVER pair between
    /// two services) whatever the counts. A full trace has about 2·fanout^(depth-1) spans;
    /// `TraceShapes` caps it at `maxSpansPerTrace`.
    package static func synthetic(services: Int, depth: Int, fanout: Int, seed: UInt64) -> ServiceGraph {
        precondition(services >= 2 && depth >= 1 && fanout >= 1, "validated by Scenario")
        var random = LoadRandom(seed: seed, stream: 0x5EED)
        let languages = [("go", "1.35.0"), ("java", "1.45.0"), ("python", "1.33.1"), ("nodejs", "1.30.1"), ("dotnet", "1.12.0")]
        var graph = ServiceGraph(namespace: "synthetic", services: [], endpoints: [], entries: [])
        for index in 0..<services {
            let (language, sdk) = languages[index % languages.count]
            graph.services.append(Service(name: String(format: "svc-%02d", index), language: language, sdkVersion: sdk,
                                          version: "1.0.\(index)", port: 8000 + index, instances: 1 + index % 3))
        }

        func pool(_ layer: Int) -> [Int] {
            if layer == 0 { return [0] }
            let rest = Array(1..<services)
            if rest.count >= 2 { return rest.filter { $0 % 2 == layer % 2 } }
            return [layer % 2 == 1 ? 1 : 0]
        }

        // Build from the deepest layer up, so calls can name the endpoints below them.
        var below: [Int] = []
        for layer in stride(from: depth - 1, through: 0, by: -1) {
            let services = pool(layer)
            var width = 1
            for _ in 0..<layer where width < 32 { width *= fanout }
            width = layer == 0 ? 1 : min(width, services.count * 2, 32)
            var current: [Int] = []
            for slot in 0..<width {
                let service = services[slot % services.count]
                let name = graph.services[service].name
                let transport: Transport = random.chance(0.5)
                    ? .grpc(method: "synthetic.\(name.replacingOccurrences(of: "-", with: "_"))/Op\(layer)x\(slot)")
                    : .http(method: random.chance(0.7) ? "GET" : "POST", route: "/api/\(name)/op\(layer)/{id}")
                var calls: [Call] = []
                if below.isEmpty {
                    let redis = random.chance(0.4)
                    calls.append(Call(.database(DatabaseCall(
                        system: redis ? "redis" : "postgresql", namespace: redis ? "0" : name, operation: redis ? "GET" : "SELECT",
                        collection: redis ? "" : "items", query: redis ? "GET ?" : "SELECT * FROM items WHERE id = $1",
                        host: "\(name)-db", port: redis ? 6379 : 5432, medianMillis: redis ? 0.5 : 2,
                        errorType: redis ? "RedisTimeoutException" : "PostgresError", errorMessage: "query timed out")),
                        probability: 0.6))
                } else {
                    for call in 0..<fanout {
                        calls.append(Call(.endpoint(below[(slot * fanout + call) % below.count]), probability: 0.9,
                                          parallel: call % 2 == 1, tolerance: 0.3))
                    }
                }
                graph.endpoints.append(Endpoint(service: service, transport: transport,
                                                selfMillis: 0.5 + random.unit() * 4.5, calls: calls))
                current.append(graph.endpoints.count - 1)
            }
            below = current
        }
        graph.entries = below.map { ($0, 1) }
        return graph
    }
}
