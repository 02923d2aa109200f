import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SkeinTesting
import Testing

/// A client that connects and sends half a request head, then stalls, is disconnected by the
/// idle timeout on both HTTP listeners instead of holding its socket forever.
@Suite(.serialized) struct IdleTimeoutTests {
    /// Connects to 127.0.0.1:port, sends `text`, and waits (at most 20 s) for the server to close
    /// the connection; true when it did.
    static func serverCloses(port: Int, after text: String) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return false }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = text.withCString { send(fd, $0, strlen($0), 0) }
        var buffer = [UInt8](repeating: 0, count: 512)
        // 0: the server closed the connection; -1: the 20 s receive timeout passed first.
        return recv(fd, &buffer, buffer.count, 0) == 0
    }

    @Test func aStalledRequestHeadIsDisconnected() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = TestServer.configuration(dataDirectory: directory.path)
        configuration.otlpHTTP.idleTimeout = .milliseconds(300)
        configuration.query.idleTimeout = .milliseconds(300)
        let server = try await TestServer(configuration)
        let half = "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
        #expect(Self.serverCloses(port: server.otlpPort, after: half))
        #expect(Self.serverCloses(port: server.queryPort, after: "GET /api/services HTTP/1.1\r\nHost: 127.0.0.1\r\n"))
        #expect(Self.serverCloses(port: server.queryPort, after: ""))
        // A client that sends whole requests is served as before.
        #expect(try await server.query("/api/services").status == 200)
        try await server.stop()
    }
}
