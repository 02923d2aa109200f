import Foundation
import SkeinCore
import SkeinTesting
import Testing
@testable import SkeinServer

@Suite struct ConfigurationTests {
    func load(_ yaml: String, flags: [String: ConfigurationValue] = [:]) throws -> SkeinConfiguration {
        var settings = try ConfigurationSettings(yaml: yaml)
        for (key, value) in flags { settings.override(key, value) }
        return try SkeinConfiguration(settings: settings)
    }

    @Test func defaultsWithoutAFile() throws {
        let configuration = try load("")
        #expect(configuration.storage.dataDirectory == "./skein-data")
        #expect(configuration.storage.syncWrites == false)
        #expect(configuration.otlpHTTP.host == "127.0.0.1" && configuration.otlpHTTP.port == 4318)
        #expect(configuration.otlpHTTP.maxBodyBytes == 16 << 20)
        #expect(configuration.query.port == 16686)
    }

    @Test func tokensAndTenancy() throws {
        let yaml = """
        otlp: {auth: {token: in-token}}
        query: {auth: {token: out-token}}
        tenancy: {enabled: true, header: X-Tenant}
        alerts:
          rules:
            - {name: A, metric: error_rate, service: s, comparison: ">", threshold: 0.1, tenant: acme}
        """
        let configuration = try load(yaml)
        #expect(configuration.ingestAccess == AccessPolicy(token: "in-token", tenantHeader: "X-Tenant"))
        #expect(configuration.queryAccess == AccessPolicy(token: "out-token", tenantHeader: "X-Tenant"))
        #expect(configuration.alerts.rules.first?.tenant == Tenant("acme"))
        let off = try load("tenancy: {header: X-Tenant}")
        #expect(off.ingestAccess == AccessPolicy() && off.queryAccess == AccessPolicy())
    }

    @Test func tlsNeedsBothFilesOfAPair() throws {
        let configuration = try load("otlp:\n  http:\n    tls:\n      cert_file: /etc/a.crt\n      key_file: /etc/a.key")
        #expect(configuration.otlpHTTP.tls?.certificateFile == "/etc/a.crt" && configuration.otlpHTTP.tls?.keyFile == "/etc/a.key")
        #expect(configuration.otlpGRPC.tls == nil && configuration.query.tls == nil)
    }

    @Test func theExampleFileStatesExactlyTheDefaults() throws {
        let text = try String(contentsOf: RepositoryFiles.root.appendingPathComponent("skein.example.yaml"), encoding: .utf8)
        let settings = try ConfigurationSettings(yaml: text)
        #expect(Set(settings.values.keys) == SkeinConfiguration.keys)
        #expect(try SkeinConfiguration(settings: settings) == SkeinConfiguration())
    }

    @Test func fileValuesAndFlagsOverridingThem() throws {
        let yaml = """
        storage:
          data_dir: /var/lib/skein
          sync_writes: true
        otlp:
          http:
            listen: 0.0.0.0:14318
            max_body_mib: 4
            cors:
              allowed_origins: [https://app.example.com, "https://*.example.org"]
        query:
          listen: "[::1]:9000"
        log:
          level: debug
        """
        let configuration = try load(yaml, flags: ["storage.data_dir": .scalar("/tmp/override")])
        #expect(configuration.storage.dataDirectory == "/tmp/override")
        #expect(configuration.storage.syncWrites)
        #expect(configuration.otlpHTTP.host == "0.0.0.0" && configuration.otlpHTTP.port == 14318)
        #expect(configuration.otlpHTTP.maxBodyBytes == 4 << 20)
        #expect(configuration.otlpHTTP.corsAllowedOrigins == ["https://app.example.com", "https://*.example.org"])
        #expect(configuration.query.host == "::1" && configuration.query.port == 9000)
        #expect(configuration.logLevel == .debug)
    }

    @Test(arguments: [
        ("storage:\n  dat_dir: x", "invalid configuration: 'storage.dat_dir' is not a known setting (see skein.example.yaml)"),
        ("tracing:\n  rate: 1", "invalid configuration: 'tracing' is not a known section"),
        ("otlp:\n  http:\n    listen: localhost", "invalid configuration: 'otlp.http.listen' must be host:port"),
        ("otlp:\n  http:\n    max_body_mib: 0", "invalid configuration: 'otlp.http.max_body_mib' must be a whole number from 1 to 1024 (got '0')"),
        ("storage:\n  sync_writes: maybe", "invalid configuration: 'storage.sync_writes' must be true or false (got 'maybe')"),
        ("log:\n  level: loud", "invalid configuration: 'log.level' must be one of"),
        ("otlp:\n  http:\n    cors:\n      allowed_origins: [example.com]", "invalid configuration: 'otlp.http.cors.allowed_origins' entry 'example.com' must start with http://"),
        ("query:\n  listen: 127.0.0.1:4318", "invalid configuration: 'query.listen' must differ from otlp.http.listen"),
        ("otlp:\n  http:\n    listen: 127.0.0.1:4317", "invalid configuration: 'otlp.http.listen' must differ from otlp.grpc.listen"),
        ("otlp:\n  max_in_flight_mib: lots", "invalid configuration: 'otlp.max_in_flight_mib' must be a whole number"),
        ("storage: [1, 2]", "invalid configuration: 'storage' is not a known setting"),
        ("query:\n  tls:\n    cert_file: /etc/skein.crt", "invalid configuration: 'query.tls.key_file' must be set when query.tls.cert_file is"),
        ("otlp:\n  grpc:\n    tls:\n      key_file: /etc/skein.key\n      cert_file: \"\"",
         "invalid configuration: 'otlp.grpc.tls.cert_file' must be set when otlp.grpc.tls.key_file is"),
        ("a: b: c", "invalid configuration: the file is not valid YAML"),
        ("query:\n  auth:\n    token: two words", "invalid configuration: 'query.auth.token' must be printable ASCII without spaces"),
        ("tenancy:\n  enabled: true\n  header: Authorization", "invalid configuration: 'tenancy.header' must be an HTTP header name"),
        ("tenancy:\n  header: 'X Org'", "invalid configuration: 'tenancy.header' must be an HTTP header name"),
        ("tenancy:\n  enabled: true\nalerts:\n  rules:\n    - {name: A, metric: error_rate, service: s, comparison: '>', threshold: 0.1}",
         "invalid configuration: 'alerts.rules[0].tenant' is required while tenancy.enabled is true"),
        ("alerts:\n  rules:\n    - {name: A, metric: error_rate, service: s, comparison: '>', threshold: 0.1, tenant: acme}",
         "invalid configuration: 'alerts.rules[0].tenant' is allowed only with tenancy.enabled: true"),
        ("tenancy:\n  enabled: true\nalerts:\n  rules:\n    - {name: A, metric: error_rate, service: s, comparison: '>', threshold: 0.1, tenant: 'a b'}",
         "invalid configuration: 'alerts.rules[0].tenant' must be a tenant name"),
    ])
    func invalidConfigurationNamesTheKeyAndTheRule(yaml: String, message: String) {
        #expect { try load(yaml) } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }
}
