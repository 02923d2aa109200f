import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The credentials the commands that call a running Skein send, from the environment so they
/// stay out of the process list: SKEIN_QUERY_TOKEN (query.auth.token) and SKEIN_TENANT, sent in
/// SKEIN_TENANT_HEADER (default X-Scope-OrgID) when tenancy is on.
enum ClientCredentials {
    static func apply(to request: inout URLRequest, tenant: Bool = true) {
        let environment = ProcessInfo.processInfo.environment
        if let token = environment["SKEIN_QUERY_TOKEN"], !token.isEmpty {
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        }
        if tenant, let name = environment["SKEIN_TENANT"], !name.isEmpty {
            request.setValue(name, forHTTPHeaderField: environment["SKEIN_TENANT_HEADER"] ?? "X-Scope-OrgID")
        }
    }
}
