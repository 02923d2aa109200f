import Foundation
package import NIOSSL

/// Where a listener's certificate chain and private key live (`<section>.tls.cert_file` and
/// `<section>.tls.key_file`). Both are PEM files; the chain file may hold intermediates after
/// the leaf. Only paths: the files are read once, at startup, by `TLSIdentity`.
package struct TLSFiles: Sendable, Equatable {
    package var certificateFile: String
    package var keyFile: String

    package init(certificateFile: String, keyFile: String) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }
}

/// A listener's certificate chain and private key, read and checked at startup so a bad file
/// stops the server before anything listens instead of failing every handshake later.
package struct TLSIdentity: Sendable {
    /// The PEM text as read, for transports that take bytes (gRPC's `TLSConfig` sources).
    package let certificatePEM: [UInt8]
    package let keyPEM: [UInt8]
    /// A server-side NIOSSL configuration offering this identity (HTTP listeners).
    package let serverConfiguration: TLSConfiguration

    /// Reads both files and checks that they parse and that the key belongs to the certificate.
    package init(files: TLSFiles) throws(TLSIdentityError) {
        certificatePEM = try Self.read(files.certificateFile, part: .certificate)
        keyPEM = try Self.read(files.keyFile, part: .privateKey)
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(certificatePEM)
        } catch {
            throw TLSIdentityError(part: .certificate, path: files.certificateFile, reason: "is not a PEM certificate (\(error))")
        }
        guard !chain.isEmpty else {
            throw TLSIdentityError(part: .certificate, path: files.certificateFile, reason: "holds no PEM certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: keyPEM, format: .pem)
        } catch {
            throw TLSIdentityError(part: .privateKey, path: files.keyFile, reason: "is not an unencrypted PEM private key (\(error))")
        }
        serverConfiguration = .makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        // Building a context is where BoringSSL checks that the key matches the leaf certificate.
        do {
            _ = try NIOSSLContext(configuration: serverConfiguration)
        } catch {
            throw TLSIdentityError(part: .privateKey, path: files.keyFile,
                                   reason: "does not match the certificate in '\(files.certificateFile)' (\(error))")
        }
    }

    private static func read(_ path: String, part: TLSIdentityError.Part) throws(TLSIdentityError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TLSIdentityError(part: part, path: path, reason: "cannot be read (missing, or no permission)")
        }
        return Array(data)
    }
}

/// Why a TLS file could not be used: which of the two files, its path, and what is wrong.
package struct TLSIdentityError: Error, Equatable, CustomStringConvertible {
    package enum Part: Sendable, Equatable { case certificate, privateKey }
    package var part: Part
    package var path: String
    package var reason: String

    package var description: String { "'\(path)' \(reason)" }
}
