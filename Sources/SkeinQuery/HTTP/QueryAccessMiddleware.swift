import Hummingbird
import HTTPTypes
import SkeinCore

/// Guards the API with the query access policy: every path under `/api/` needs the token (when
/// one is set) and names its tenant (when tenancy is on); the admitted tenant goes into the
/// context. The viewer's files, `/healthz`, `/readyz` and `GET /api/v1/access` (which tells the
/// viewer what to ask for) stay open, so a browser can load the page that asks for the token.
/// `/api/admin/` needs the token and no tenant.
struct QueryAccessMiddleware: RouterMiddleware {
    typealias Context = QueryContext
    let policy: AccessPolicy

    static let accessPath = "/api/v1/access"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/api/"), path != Self.accessPath else { return try await next(request, context) }
        // Admin endpoints (the backup) act on the whole store: they need the token, never a tenant.
        let policy = path.hasPrefix("/api/admin/") ? AccessPolicy(token: self.policy.token) : self.policy
        let tenantValue = policy.tenantHeader.flatMap { HTTPField.Name($0) }.flatMap { request.headers[$0] }
        var context = context
        do throws(AccessPolicy.Denial) {
            context.tenant = try policy.admit(authorization: request.headers[.authorization], tenant: tenantValue)
        } catch {
            let status: HTTPResponse.Status = error.isUnauthenticated ? .unauthorized : .badRequest
            var response = path.hasPrefix("/api/v3/") ? APIResponse.v3Error(status, error.description)
                                                     : APIResponse.jaegerError(status, error.description)
            switch error {
            case .missingToken: response.headers[.wwwAuthenticate] = "Bearer realm=\"skein-query\""
            case .wrongToken: response.headers[.wwwAuthenticate] = "Bearer realm=\"skein-query\", error=\"invalid_token\""
            default: break
            }
            return response
        }
        return try await next(request, context)
    }

    /// `{"tokenRequired": …, "tenantHeader": …}`: what the viewer must ask a person for.
    static func describe(_ policy: AccessPolicy) -> [UInt8] {
        var json = JSONWriter()
        json.object { json in
            json.key("tokenRequired"); json.value(policy.token != nil)
            json.key("tenantHeader")
            if let header = policy.tenantHeader { json.value(header) } else { json.null() }
        }
        return json.bytes
    }
}
