/// Who may send or read data, and as which tenant. One policy guards the OTLP receivers and
/// another the query server; each has its own optional bearer token, and both share the tenant
/// header. Transports hand in the two header values; the policy answers with the tenant or a
/// denial, so gRPC and HTTP refuse in the same way.
package struct AccessPolicy: Sendable, Equatable {
    /// The bearer token every request must carry (`Authorization: Bearer TOKEN`); nil admits all.
    package var token: String?
    /// The header naming the tenant (e.g. `X-Scope-OrgID`); nil means tenancy is off and every
    /// request belongs to `Tenant.single`.
    package var tenantHeader: String?

    package init(token: String? = nil, tenantHeader: String? = nil) {
        self.token = token
        self.tenantHeader = tenantHeader
    }

    /// Why a request was refused; `description` is the message for the person who sent it.
    package enum Denial: Error, Equatable, CustomStringConvertible {
        case missingToken
        case wrongToken
        case missingTenant(header: String)
        case invalidTenant(header: String, value: String)

        /// Missing or wrong credentials are 401 / UNAUTHENTICATED (as Tempo and Mimir answer a
        /// missing tenant, too); a malformed tenant is bad input.
        package var isUnauthenticated: Bool {
            if case .invalidTenant = self { return false }
            return true
        }

        package var description: String {
            switch self {
            case .missingToken: "this server requires a bearer token: send the header 'Authorization: Bearer <token>'"
            case .wrongToken: "the bearer token is not valid for this server"
            case .missingTenant(let header): "multi-tenancy is on: send the tenant in the '\(header)' header"
            case .invalidTenant(let header, let value):
                "the '\(header)' header '\(value.prefix(64))' is not a tenant name: use 1 to \(AccessPolicy.maxTenantLength) characters of letters, digits and !-_.*'() (not '.' or '..')"
            }
        }
    }

    /// Longest tenant name; tenant names are part of every storage key.
    package static let maxTenantLength = 150

    /// The tenant a request acts as, given its `Authorization` header and its tenant header.
    /// The token is checked first, so a stranger learns nothing about tenancy.
    package func admit(authorization: String?, tenant: String?) throws(Denial) -> Tenant {
        if let token {
            guard let authorization, let presented = Self.bearerToken(authorization) else { throw .missingToken }
            guard Self.constantTimeEqual(presented, token) else { throw .wrongToken }
        }
        guard let tenantHeader else { return .single }
        guard let tenant = tenant?.trimmingSpaces, !tenant.isEmpty else { throw .missingTenant(header: tenantHeader) }
        guard Self.isValidTenant(tenant) else { throw .invalidTenant(header: tenantHeader, value: tenant) }
        return Tenant(tenant)
    }

    /// The token of an `Authorization: Bearer TOKEN` value (the scheme is case-insensitive).
    static func bearerToken(_ header: String) -> String? {
        let parts = header.trimmingSpaces.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = String(parts[1]).trimmingSpaces
        return token.isEmpty ? nil : token
    }

    /// The characters Mimir and Tempo allow in an org ID, so tenants move between them unchanged.
    package static func isValidTenant(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maxTenantLength, name != ".", name != ".." else { return false }
        return name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            case UInt8(ascii: "!"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "*"),
                 UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"): true
            default: false
            }
        }
    }

    /// Compares every byte whatever the first difference, so the time taken does not tell an
    /// attacker how much of a guess was right (only the length, which a token does not hide).
    package static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for index in 0..<max(x.count, y.count) {
            difference |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
        }
        return difference == 0
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var view = Substring(self)
        while view.first == " " || view.first == "\t" { view.removeFirst() }
        while view.last == " " || view.last == "\t" { view.removeLast() }
        return String(view)
    }
}
