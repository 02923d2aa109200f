import AsyncHTTPClient
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NIOCore
import NIOSSL
import OTLPGRPC
import SkeinCore
import SkeinOTLP
import SkeinServer
import SkeinTesting
import SkeinTLS
import SwiftProtobuf
import Testing

/// A self-signed certificate for localhost and 127.0.0.1, made with the system's openssl in a
/// temporary directory, so no key material is ever committed.
struct SelfSignedCertificate {
    let certificateFile: String
    let keyFile: String

    init(in directory: String, name: String = "server") throws {
        certificateFile = "\(directory)/\(name).crt"
        keyFile = "\(directory)/\(name).key"
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "1",
                             "-keyout", keyFile, "-out", certificateFile]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw SkeinProcess.ProcessFailure("openssl req failed (is openssl installed? see scripts/install-deps)") }
    }

    var files: TLSFiles { TLSFiles(certificateFile: certificateFile, keyFile: keyFile) }

    /// An HTTP client that trusts only this certificate.
    func httpClient() throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificateFile))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .init(tlsConfiguration: tls))
    }
}

/// All three listeners over TLS: spans in over gRPC and HTTPS, the trace back out over HTTPS;
/// plaintext refused; bad files stop startup with the key named.
@Suite(.serialized) struct TLSEndToEndTests {
    static func fetch(_ client: HTTPClient, _ url: String, post body: Data? = nil) async throws -> (status: UInt, text: String) {
        var request = HTTPClientRequest(url: url)
        if let body {
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-protobuf")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 8 << 20)
        return (response.status.code, String(buffer: bytes))
    }

    static func tlsConfiguration(_ directory: TemporaryDirectory, _ certificate: SelfSignedCertificate) -> SkeinConfiguration {
        var configuration = TestServer.configuration(dataDirectory: directory.path + "/data")
        configuration.otlpGRPC.tls = certificate.files
        configuration.otlpHTTP.tls = certificate.files
        configuration.query.tls = certificate.files
        return configuration
    }

    @Test func spansGoInOverGRPCAndHTTPSAndComeBackOverHTTPS() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let certificate = try SelfSignedCertificate(in: directory.path)
        let server = try await TestServer(Self.tlsConfiguration(directory, certificate))
        let client = try certificate.httpClient()
        let trace = TraceID(high: 0x7715, low: 0x5)
        let start: UInt64 = 1_700_000_000_000_000_000

        let grpcRequest = OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "tls-grpc", spans: [
            OTLPBuilders.span(trace: trace, id: 1, name: "root", startNanos: start),
        ])])
        let response = try await withGRPCClient(transport: .http2NIOPosix(
            target: .ipv4(address: "127.0.0.1", port: server.grpcPort),
            transportSecurity: .tls { $0.trustRoots = .certificates([.file(path: certificate.certificateFile, format: .pem)]) })
        ) { grpc in
            try await Opentelemetry_Proto_Collector_Trace_V1_TraceService.Client(wrapping: grpc).export(grpcRequest)
        }
        #expect(!response.hasPartialSuccess)

        let httpBody = try OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "tls-http", spans: [
            OTLPBuilders.span(trace: trace, id: 2, parent: 1, name: "child", kind: .client, startNanos: start + 1_000_000),
        ])]).serializedData()
        let export = try await Self.fetch(client, "https://127.0.0.1:\(server.otlpPort)/v1/traces", post: httpBody)
        #expect(export.status == 200)

        let traceReply = try await Self.fetch(client, "https://localhost:\(server.queryPort)/api/traces/\(trace.hex)")
        #expect(traceReply.status == 200)
        #expect(traceReply.text.contains(#""operationName":"root""#) && traceReply.text.contains(#""operationName":"child""#))
        let services = try await Self.fetch(client, "https://127.0.0.1:\(server.queryPort)/api/services")
        #expect(services.text.contains("tls-grpc") && services.text.contains("tls-http"))

        // Plaintext to a TLS port gets no answer: the handshake fails and the connection closes.
        let plain = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        await #expect(throws: (any Error).self) {
            _ = try await Self.fetch(plain, "http://127.0.0.1:\(server.queryPort)/api/services")
        }
        await #expect(throws: (any Error).self) {
            _ = try await Self.fetch(plain, "http://127.0.0.1:\(server.otlpPort)/v1/traces", post: httpBody)
        }
        await #expect(throws: (any Error).self) {
            try await withGRPCClient(transport: .http2NIOPosix(
                target: .ipv4(address: "127.0.0.1", port: server.grpcPort), transportSecurity: .plaintext)
            ) { grpc in
                _ = try await Opentelemetry_Proto_Collector_Trace_V1_TraceService.Client(wrapping: grpc).export(grpcRequest)
            }
        }
        // A client that does not trust the certificate refuses the server. (AHC retries a failed
        // handshake until its connect timeout before reporting it, hence the short timeout.)
        let untrusting = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                                    configuration: .init(timeout: .init(connect: .seconds(1))))
        await #expect(throws: (any Error).self) {
            _ = try await Self.fetch(untrusting, "https://127.0.0.1:\(server.queryPort)/api/services")
        }
        try await plain.shutdown()
        try await untrusting.shutdown()
        try await client.shutdown()
        try await server.stop()
    }

    @Test func badTLSFilesStopStartupNamingTheKeyAndTheFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let certificate = try SelfSignedCertificate(in: directory.path)
        let other = try SelfSignedCertificate(in: directory.path, name: "other")
        let garbage = directory.path + "/garbage.pem"
        try Data("not a certificate\n".utf8).write(to: URL(fileURLWithPath: garbage))
        let cases: [(WritableKeyPath<SkeinConfiguration, TLSFiles?>, TLSFiles, String, String)] = [
            (\.query.tls, TLSFiles(certificateFile: directory.path + "/missing.crt", keyFile: certificate.keyFile),
             "query.tls.cert_file", "cannot be read"),
            (\.otlpHTTP.tls, TLSFiles(certificateFile: garbage, keyFile: certificate.keyFile),
             "otlp.http.tls.cert_file", "PEM certificate"),
            (\.otlpGRPC.tls, TLSFiles(certificateFile: certificate.certificateFile, keyFile: garbage),
             "otlp.grpc.tls.key_file", "is not an unencrypted PEM private key"),
            (\.query.tls, TLSFiles(certificateFile: certificate.certificateFile, keyFile: other.keyFile),
             "query.tls.key_file", "does not match the certificate"),
        ]
        for (path, files, key, message) in cases {
            var configuration = TestServer.configuration(dataDirectory: directory.path + "/data")
            configuration[keyPath: path] = files
            #expect { try SkeinServer(configuration: configuration, logger: .init(label: "test"), signals: []) } throws: { error in
                guard let error = error as? ConfigurationError else { return false }
                return error.key == key && error.rule.contains(message)
                    && error.rule.contains("'\(key.hasSuffix("cert_file") ? files.certificateFile : files.keyFile)'")
            }
        }
    }
}
