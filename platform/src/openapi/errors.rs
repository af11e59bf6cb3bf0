//! The error contract in OpenAPI: `{ "error": { "code", "message", "details" } }`,
//! with, per response, the exact codes that status can carry, and the
//! refusals that every protected operation (and every one that reads a
//! body) can meet before its handler runs.

use serde_json::{Map, Value, json};

/// The `Error` schema under `components.schemas`.
pub(super) fn error_schema() -> Value {
    json!({
        "type": "object",
        "required": ["error"],
        "additionalProperties": false,
        "properties": { "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "additionalProperties": false,
            "properties": {
                "code": { "type": "string", "description": "What went wrong, for programs to match on; each code has one status. The codes a response can carry are listed in it." },
                "message": { "type": "string", "description": "For people; not stable." },
                "details": { "type": "object", "description": "Where it went wrong: `field` (a JSON path into the body) for invalid_field, `header` for invalid_header, `parameter` for invalid_parameter, `current_version` and `expected_version` for version_mismatch, `limit_bytes` for payload_too_large, `line` and `column` for malformed_json; `{}` when there is nothing to add." }
            }
        } }
    })
}

/// A response in the error shape whose `error.code` is one of `codes`.
pub fn error_response(description: &str, codes: &[&str]) -> Value {
    json!({
        "description": description,
        "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
        "content": { "application/json": { "schema": {
            "allOf": [{ "$ref": "#/components/schemas/Error" }],
            "properties": { "error": { "properties": { "code": { "enum": codes } } } }
        } } }
    })
}

fn with_headers(mut response: Value, headers: &[(&str, &str)]) -> Value {
    for (name, component) in headers {
        response["headers"][*name] = json!({ "$ref": format!("#/components/headers/{component}") });
    }
    response
}

/// `components.responses`: the refusals every document shares.
pub(super) fn shared_responses() -> Map<String, Value> {
    let responses = [
        (
            "Unauthenticated",
            with_headers(
                error_response(
                    "No bearer token, or one that is malformed, expired, not yet valid, badly signed, signed with an algorithm the key does not allow (`alg: none` included), or for another issuer or audience.",
                    &["unauthenticated"],
                ),
                &[("WWW-Authenticate", "WwwAuthenticate")],
            ),
        ),
        (
            "Forbidden",
            error_response(
                "The token lacks the operation's scope, or an `X-Tenant-Id` or `X-Actor` header disagrees with the token's tenant or subject.",
                &["forbidden"],
            ),
        ),
        (
            "MethodNotAllowed",
            with_headers(
                error_response(
                    "The path exists, but not with this method; `Allow` lists the methods it has.",
                    &["method_not_allowed"],
                ),
                &[("Allow", "Allow")],
            ),
        ),
        (
            "RateLimited",
            with_headers(
                error_response(
                    "Over the tenant's rate limit for this class of routes (a token bucket per tenant, counted by each instance on its own); retry after `Retry-After` seconds.",
                    &["rate_limited"],
                ),
                &[("Retry-After", "RetryAfter")],
            ),
        ),
        (
            "HeadersTooLarge",
            error_response(
                "Too many request headers, or too many header bytes.",
                &["headers_too_large"],
            ),
        ),
        (
            "RequestTimeout",
            error_response(
                "The request head (`HTTP_HEAD_TIMEOUT_MS`) or body (`HTTP_BODY_TIMEOUT_MS`) did not arrive in time; the connection is closed.",
                &["request_timeout"],
            ),
        ),
        (
            "PayloadTooLarge",
            error_response(
                "The body is larger than the service accepts (`details.limit_bytes`).",
                &["payload_too_large"],
            ),
        ),
        (
            "UnsupportedMediaType",
            error_response(
                "A non-empty body that is not `application/json` (or `+json`).",
                &["unsupported_media_type"],
            ),
        ),
    ];
    responses
        .into_iter()
        .map(|(name, response)| (name.to_owned(), response))
        .collect()
}

/// `components.headers`.
pub(super) fn shared_headers() -> Map<String, Value> {
    let headers = [
        (
            "RequestId",
            json!({ "description": "The request id: the client's `X-Request-Id` when it sent a sane one (1-128 visible characters), else a new one. It is in every log line of the request.", "schema": { "type": "string" } }),
        ),
        (
            "RetryAfter",
            json!({ "required": true, "description": "Seconds to wait before retrying.", "schema": { "type": "string", "pattern": "^[0-9]+$" } }),
        ),
        (
            "WwwAuthenticate",
            json!({ "required": true, "description": "`Bearer error=\"invalid_token\"` (RFC 6750).", "schema": { "type": "string", "pattern": "^Bearer" } }),
        ),
        (
            "Allow",
            json!({ "required": true, "description": "The methods the path has, comma-separated.", "schema": { "type": "string" } }),
        ),
    ];
    headers
        .into_iter()
        .map(|(name, header)| (name.to_owned(), header))
        .collect()
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/responses/{name}") })
}

/// What every protected operation can answer before its handler runs:
/// 401, 403, 405, 408 (a slow head), 429 and 431.
pub fn guard_refusals() -> Vec<(&'static str, Value)> {
    vec![
        ("401", reference("Unauthenticated")),
        ("403", reference("Forbidden")),
        ("405", reference("MethodNotAllowed")),
        ("408", reference("RequestTimeout")),
        ("429", reference("RateLimited")),
        ("431", reference("HeadersTooLarge")),
    ]
}

/// What an operation that reads a body can answer about the body itself:
/// 408 (a slow body), 413 and 415.
pub fn body_refusals() -> Vec<(&'static str, Value)> {
    vec![
        ("408", reference("RequestTimeout")),
        ("413", reference("PayloadTooLarge")),
        ("415", reference("UnsupportedMediaType")),
    ]
}
