import Foundation
package import Hummingbird
import HTTPTypes
import NIOCore
package import Logging
import SkeinCore
import SkeinOTLP
package import SkeinTLS
import SwiftProtobuf

extension PayloadEncoding {
    var contentType: String { self == .json ? "application/json" : "application/x-protobuf" }
}

/// OTLP/HTTP: `POST /v1/traces` with protobuf or JSON bodies, gzip or not (otlp-wire.md §3).
/// Only transport lives here; validation and the hand-off are `TraceExportHandler`'s.
package struct OTLPHTTPReceiver: HTTPResponder {
    package typealias Context = BasicRequestContext

    private let configuration: OTLPHTTPConfiguration
    private let handler: TraceExportHandler
    private let cors: CORSPolicy
    static let path = "/v1/traces"

    package init(configuration: OTLPHTTPConfiguration, handler: TraceExportHandler) {
        self.configuration = configuration
        self.handler = handler
        self.cors = CORSPolicy(patterns: configuration.corsAllowedOrigins, maxAgeSeconds: configuration.corsMaxAgeSeconds)
    }

    /// The Hummingbird application serving this receiver; it is a `Service`.
    /// `onListening` receives the bound port once the socket is open; with `tls` it serves HTTPS only.
    package func application(logger: Logger, tls: TLSIdentity? = nil, onListening: @escaping @Sendable (Int) async -> Void = { _ in })
        throws -> some ApplicationProtocol {
        try Application(
            responder: self,
            server: .skein(tls: tls, idleTimeout: configuration.idleTimeout),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
    }


    package func respond(to request: Request, context: Context) async throws -> Response {
        guard request.uri.path == Self.path else {
            return plainText(.notFound, "unknown path '\(request.uri.path)': OTLP/HTTP traces go to POST \(Self.path)\n")
        }
        let origin = request.headers[.origin]
        if request.method == .options, cors.isEnabled, let origin {
            return preflight(origin: origin, request: request)
        }
        guard request.method == .post else {
            var response = plainText(.methodNotAllowed, "method \(request.method) not allowed: use POST\n")
            response.headers[.allow] = "POST"
            return response
        }
        var response = await export(request)
        if let origin, cors.isEnabled, cors.allows(origin: origin) {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.accessControlAllowCredentials] = "true"
            response.headers[.vary] = "Origin"
        }
        return response
    }

    private func export(_ request: Request) async -> Response {
        let mediaType = (request.headers[.contentType] ?? "").split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let encoding: PayloadEncoding? = switch mediaType {
        case "application/x-protobuf", "application/protobuf": .protobuf
        case "application/json": .json
        default: nil
        }
        do throws(IngestError) {
            let response = try await handler.measure(.http) { () async throws(IngestError) in
                guard let encoding else { throw .unsupportedMediaType(mediaType) }
                // Before the body is read, so a refused sender costs no decoding.
                let tenant = try handler.admit(authorization: request.headers[.authorization],
                                               tenant: handler.tenantHeader.flatMap { HTTPField.Name($0) }.flatMap { request.headers[$0] })
                let body = try await readBody(request)
                return try await handler.export(body, encoding: encoding, tenant: tenant, transport: .http)
            }
            let bytes: [UInt8] = encoding == .json
                ? OTLPJSONEncoder.exportResponse(response)
                : ((try? response.serializedBytes()) ?? [])
            return Response(status: .ok, headers: [.contentType: (encoding ?? .protobuf).contentType],
                            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        } catch {
            // Without a known encoding the refusal cannot be a Status message in that encoding.
            guard let encoding else { return plainText(error.httpStatus, error.description + "\n") }
            return failure(error, encoding: encoding)
        }
    }

    /// Collects the body, refusing more than the limit before and after decompression.
    private func readBody(_ request: Request) async throws(IngestError) -> [UInt8] {
        let limit = configuration.maxBodyBytes
        let contentEncoding = (request.headers[.contentEncoding] ?? "identity").trimmingCharacters(in: .whitespaces).lowercased()
        guard ["gzip", "identity", ""].contains(contentEncoding) else { throw .unsupportedEncoding(contentEncoding) }
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw .tooLarge(limitBytes: limit)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw .tooLarge(limitBytes: limit)
        } catch {
            throw .undecodable("the body could not be read: \(error)")
        }
        let raw = Array(buffer: buffer)
        guard contentEncoding == "gzip" else { return raw }
        do throws(Gzip.Failure) {
            return try Gzip.decompress(raw, limit: limit)
        } catch {
            switch error {
            case .tooLarge: throw .tooLarge(limitBytes: limit)
            case .corrupt(let reason): throw .undecodable("the gzip body is corrupt (\(reason))")
            }
        }
    }

    private func failure(_ error: IngestError, encoding: PayloadEncoding) -> Response {
        let status = RPCStatus(code: Int32(error.grpcCode.rawValue), message: error.description)
        let bytes = encoding == .json ? status.json : status.protobuf
        var headers: HTTPFields = [.contentType: encoding.contentType]
        if let seconds = error.retryAfterSeconds { headers[.retryAfter] = String(seconds) }
        if let challenge = error.bearerChallenge { headers[.wwwAuthenticate] = challenge }
        return Response(status: error.httpStatus, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private func preflight(origin: String, request: Request) -> Response {
        guard cors.allows(origin: origin) else {
            return plainText(.forbidden, "origin '\(origin)' is not in otlp.http.cors.allowed_origins\n")
        }
        var headers: HTTPFields = [
            .accessControlAllowOrigin: origin,
            .accessControlAllowMethods: "POST",
            .accessControlAllowCredentials: "true",
            .accessControlMaxAge: String(cors.maxAgeSeconds),
            .vary: "Origin",
        ]
        let requested = request.headers[.accessControlRequestHeaders] ?? ""
        headers[.accessControlAllowHeaders] = requested.isEmpty ? "Content-Type, Content-Encoding" : requested
        return Response(status: .noContent, headers: headers)
    }

    private func plainText(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
