package import HummingbirdCore
import HummingbirdTLS
import NIOCore

extension HTTPServerBuilder {
    /// The HTTP/1.1 server both HTTP listeners use: HTTPS when `tls` is given, and an idle
    /// timeout that also closes a connection whose request head never finishes arriving (a
    /// slow or stalled client), so such clients cannot hold sockets open.
    package static func skein(tls: TLSIdentity?, idleTimeout: Duration) throws -> HTTPServerBuilder {
        let components = idleTimeout.components
        let nanos = components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
        let http1 = HTTPServerBuilder.http1(configuration: .init(idleTimeout: .nanoseconds(nanos)))
        guard let tls else { return http1 }
        return try .tls(http1, tlsConfiguration: tls.serverConfiguration)
    }
}
