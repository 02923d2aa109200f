import SkeinTLS

extension SettingsReader {
    /// `<section>.tls.cert_file` and `<section>.tls.key_file`: both or neither; neither (or empty,
    /// as skein.example.yaml writes them) means plaintext.
    func tlsFiles(_ section: String) throws(ConfigurationError) -> TLSFiles? {
        let certKey = "\(section).tls.cert_file", keyKey = "\(section).tls.key_file"
        let cert = try string(certKey).flatMap { $0.isEmpty ? nil : $0 }, key = try string(keyKey).flatMap { $0.isEmpty ? nil : $0 }
        switch (cert, key) {
        case (nil, nil): return nil
        case (let cert?, let key?): return TLSFiles(certificateFile: cert, keyFile: key)
        case (nil, _?): throw ConfigurationError(key: certKey, rule: "must be set when \(keyKey) is (TLS needs both files)")
        case (_?, nil): throw ConfigurationError(key: keyKey, rule: "must be set when \(certKey) is (TLS needs both files)")
        }
    }
}

extension TLSIdentity {
    /// Loads a listener's identity at startup; a bad file becomes a `ConfigurationError` naming
    /// the key that points at it, so `skein serve` stops with one clear line.
    static func load(_ files: TLSFiles?, section: String) throws(ConfigurationError) -> TLSIdentity? {
        guard let files else { return nil }
        do throws(TLSIdentityError) {
            return try TLSIdentity(files: files)
        } catch {
            let key = error.part == .certificate ? "\(section).tls.cert_file" : "\(section).tls.key_file"
            throw ConfigurationError(key: key, rule: "names '\(error.path)', which \(error.reason)")
        }
    }
}
