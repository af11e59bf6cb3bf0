//! Tokens for the suite: every service under test verifies real HS256 JWTs
//! signed with [`TEST_SECRET`], exactly as in production.

use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use serde_json::{Value, json};

pub const TEST_SECRET: &str = "test-secret-for-the-suite-only-0123456789abcdef";
pub const ALL_SCOPES: [&str; 3] = ["commands:write", "queries:read", "ops:admin"];
pub const DEFAULT_TENANT: &str = "default";
pub const DEFAULT_SUBJECT: &str = "anonymous";

/// The auth settings every in-process service of the suite runs with.
pub fn settings() -> platform::auth::AuthSettings {
    platform::auth::AuthSettings::hs256(TEST_SECRET)
}

/// A token for `tenant` and `subject` with `scopes`, valid for an hour.
pub fn token(tenant: &str, subject: &str, scopes: &[&str]) -> String {
    sign(json!({
        "sub": subject,
        "tenant_id": tenant,
        "scope": scopes.join(" "),
        "iat": now(),
        "exp": now() + 3600,
    }))
}

/// Signs arbitrary claims with the suite's secret (HS256).
pub fn sign(claims: Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(TEST_SECRET.as_bytes()),
    )
    .expect("signing a test token")
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// An HTTP client that sends a token of the default tenant with every scope,
/// unless a request sets its own `Authorization`.
pub fn client() -> reqwest::Client {
    client_for(DEFAULT_TENANT, DEFAULT_SUBJECT)
}

pub fn client_for(tenant: &str, subject: &str) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    let value = HeaderValue::from_str(&bearer(&token(tenant, subject, &ALL_SCOPES)))
        .expect("a token is a header value");
    headers.insert(AUTHORIZATION, value);
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("building the HTTP client")
}

/// The `Authorization` value for a request that names its caller the way
/// tests did before authentication: by `X-Tenant-Id` and `X-Actor` headers
/// (the services accept headers that agree with the token). `None` when the
/// request sets its own `Authorization`.
pub fn authorization_for(headers: &[(&str, &str)]) -> Option<String> {
    let named = |wanted: &str| {
        headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
            .map(|(_, value)| *value)
    };
    if named("authorization").is_some() {
        return None;
    }
    let tenant = named("x-tenant-id").unwrap_or(DEFAULT_TENANT);
    let subject = named("x-actor").unwrap_or(DEFAULT_SUBJECT);
    Some(bearer(&token(tenant, subject, &ALL_SCOPES)))
}
