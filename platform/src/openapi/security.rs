//! `bearerAuth`: every API request carries `Authorization: Bearer <JWT>`.

use serde_json::{Value, json};

/// The name of the security scheme in every document.
pub const BEARER_AUTH: &str = "bearerAuth";

/// The security requirement of an operation that needs `scope`.
pub fn requires(scope: &str) -> Value {
    json!([{ BEARER_AUTH: [scope] }])
}

/// The security requirement of an open operation (health, metrics, contract).
pub const OPEN: [Value; 0] = [];

/// The scheme object under `components.securitySchemes`.
pub(super) fn scheme() -> Value {
    json!({
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": concat!(
            "A JWT signed with HS256 (a shared secret) or RS256/ES256 (keys from a JWKS document, chosen by `kid`); ",
            "`alg: none` and algorithms the key does not allow are refused. `exp` and `nbf` are enforced (with a small leeway), ",
            "and `iss` and `aud` when the deployment configures them. Claims: `sub` is the caller, and becomes the `actor` of the ",
            "events it causes; the tenant is the claim `tenant_id` (the claim's name is configurable); `scope` is a ",
            "space-separated list: `commands:write` for the command API, `queries:read` for the query API, `ops:admin` for the ",
            "projector's `/v1/projections`. A missing, malformed, expired or badly signed token is 401 `unauthenticated`; ",
            "a token without the operation's scope is 403 `forbidden`. The scopes an operation needs are listed in its ",
            "security requirement."
        )
    })
}
