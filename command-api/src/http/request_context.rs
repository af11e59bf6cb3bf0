//! What a command request says besides its body: who sends it, for which
//! tenant, with which idempotency key and expected version (the service's
//! [`CommandContext`]), and what forwarding it to another instance repeats.

use actix_web::{HttpMessage, HttpRequest};
use platform::http::RequestId;
use platform::{ApiError, ErrorCode};
use serde_json::json;
use uuid::Uuid;

use crate::command_context::CommandContext;
use crate::writer::ExpectedVersion;

pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
pub use platform::http::{ACTOR_HEADER as ACTOR, TENANT_HEADER as TENANT_ID};
pub const CORRELATION_ID: &str = "x-correlation-id";
/// Set by an instance that forwards a command to the partition's owner, so
/// the owner never forwards it again.
pub const FORWARDED: &str = "x-forwarded-command";

#[derive(Debug, Clone)]
pub struct RequestContext {
    pub command: CommandContext,
    pub request_id: String,
    /// The caller's `Authorization` header, so a forwarded command is verified again by its owner.
    pub authorization: Option<String>,
}

impl RequestContext {
    pub fn from_request(request: &HttpRequest) -> Result<Self, ApiError> {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(|id| id.0.clone())
            .unwrap_or_else(|| Uuid::now_v7().to_string());
        // Tenant and actor come from the verified caller, never from the body or a bare header.
        let principal = platform::http::principal_of(request)?;
        let idempotency_key = header(request, IDEMPOTENCY_KEY)?;
        if idempotency_key.as_ref().is_some_and(|key| key.len() > 255) {
            return Err(invalid_header("Idempotency-Key", "at most 255 characters"));
        }
        Ok(Self {
            command: CommandContext {
                correlation_id: header(request, CORRELATION_ID)?
                    .unwrap_or_else(|| request_id.clone()),
                expected_version: expected_version(header(request, "if-match")?.as_deref())?,
                forwarded: request.headers().contains_key(FORWARDED),
                tenant_id: principal.tenant,
                actor: principal.subject,
                idempotency_key,
            },
            authorization: request
                .headers()
                .get(actix_web::http::header::AUTHORIZATION)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned),
            request_id,
        })
    }
}

/// A non-empty, visible-ASCII header value, trimmed.
fn header(request: &HttpRequest, name: &str) -> Result<Option<String>, ApiError> {
    let Some(value) = request.headers().get(name) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| invalid_header(name, "must be visible ASCII"))?
        .trim();
    Ok((!value.is_empty()).then(|| value.to_owned()))
}

/// `If-Match: "3"` (or `W/"3"`, or a bare 3) expects version 3; `*` expects nothing in particular.
fn expected_version(if_match: Option<&str>) -> Result<ExpectedVersion, ApiError> {
    let Some(value) = if_match else {
        return Ok(ExpectedVersion::Any);
    };
    if value == "*" {
        return Ok(ExpectedVersion::Any);
    }
    let tag = value.strip_prefix("W/").unwrap_or(value);
    let tag = tag
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(tag);
    tag.parse().map(ExpectedVersion::Exactly).map_err(|_| {
        invalid_header(
            "If-Match",
            "must be an entity tag holding a version, e.g. \"3\"",
        )
    })
}

fn invalid_header(name: &str, rule: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidHeader,
        format!("invalid {name} header: {rule}"),
    )
    .with_details(json!({ "header": name }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_forms() {
        assert_eq!(expected_version(None).unwrap(), ExpectedVersion::Any);
        assert_eq!(expected_version(Some("*")).unwrap(), ExpectedVersion::Any);
        assert_eq!(
            expected_version(Some("\"3\"")).unwrap(),
            ExpectedVersion::Exactly(3)
        );
        assert_eq!(
            expected_version(Some("W/\"7\"")).unwrap(),
            ExpectedVersion::Exactly(7)
        );
        assert_eq!(
            expected_version(Some("12")).unwrap(),
            ExpectedVersion::Exactly(12)
        );
        assert!(expected_version(Some("\"abc\"")).is_err());
        assert!(expected_version(Some("\"-1\"")).is_err());
    }
}
