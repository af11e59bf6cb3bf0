//! The benchmarks run the services with authentication on, as deployed: every
//! request carries an HS256 token, so its verification is part of each figure.

use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};

/// Also the `AUTH_HS256_SECRET` of the services the benchmarks start as child processes.
pub const SECRET: &str = "bench-secret-not-for-production-0123456789abcdef";

pub fn settings() -> platform::auth::AuthSettings {
    platform::auth::AuthSettings::hs256(SECRET)
}

/// `Bearer <token>` of `tenant`, allowed to do everything, valid for a day.
/// The tenant of a request is its token's: a header cannot name another.
pub fn bearer(tenant: &str) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    let claims = serde_json::json!({
        "sub": "bench",
        "tenant_id": tenant,
        "scope": "commands:write queries:read ops:admin",
        "exp": now + 24 * 3600,
    });
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .expect("signing the bench token");
    format!("Bearer {token}")
}

/// Default headers with a token of tenant `default` allowed to do everything.
pub fn headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        AUTHORIZATION,
        HeaderValue::from_str(&bearer("default")).expect("a token is a header value"),
    );
    headers
}
