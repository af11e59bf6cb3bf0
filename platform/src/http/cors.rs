//! Which browser origins may call a service (`CORS_ALLOWED_ORIGINS`).

use actix_cors::Cors;
use actix_web::http::header::HeaderName;
use actix_web::middleware::Condition;

/// Request headers a browser may send cross-origin (besides the safelisted ones).
const ALLOWED_HEADERS: [&str; 11] = [
    "authorization",
    "content-type",
    "if-match",
    "if-none-match",
    "idempotency-key",
    "x-consistency-token",
    "x-consistency-timeout-ms",
    "x-correlation-id",
    "x-request-id",
    "x-tenant-id",
    "x-actor",
];

/// Response headers a cross-origin script may read.
const EXPOSED_HEADERS: [&str; 6] = [
    "etag",
    "x-consistency",
    "x-projection-version",
    "x-request-id",
    "retry-after",
    "idempotent-replayed",
];

/// How long a browser may cache a preflight's answer.
const PREFLIGHT_MAX_AGE_SECONDS: usize = 600;

/// Middleware: CORS for `origins` (validated by `HttpSettings`), answering
/// preflights for GET and POST with the headers above. An origin not in the
/// list gets no CORS headers (its preflight: 403 `cors_refused`), so the
/// browser keeps the answer from the page; non-browser clients are not
/// affected. No origins: no CORS at all.
pub fn cors(origins: &[String]) -> Condition<Cors> {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST"])
        .allowed_headers(ALLOWED_HEADERS.map(HeaderName::from_static))
        .expose_headers(EXPOSED_HEADERS.map(HeaderName::from_static))
        .max_age(PREFLIGHT_MAX_AGE_SECONDS)
        // Refusing is the browser's job; the server just adds no headers.
        .block_on_origin_mismatch(false);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    Condition::new(!origins.is_empty(), cors)
}
