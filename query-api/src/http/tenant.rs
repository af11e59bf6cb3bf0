use actix_web::HttpRequest;
use platform::{ApiError, ErrorCode};
use serde_json::json;

pub const TENANT_HEADER: &str = "x-tenant-id";

/// The tenant whose data the request reads: `X-Tenant-Id`, default
/// `default`, with the command API's rule (1-64 of A-Z a-z 0-9 . _ -).
pub fn tenant_of(request: &HttpRequest) -> Result<String, ApiError> {
    let invalid = || {
        ApiError::new(
            ErrorCode::InvalidHeader,
            "invalid X-Tenant-Id header: 1-64 characters of A-Z a-z 0-9 . _ -",
        )
        .with_details(json!({ "header": "X-Tenant-Id" }))
    };
    let Some(value) = request.headers().get(TENANT_HEADER) else {
        return Ok("default".to_owned());
    };
    let tenant = value.to_str().map_err(|_| invalid())?.trim();
    if tenant.is_empty() {
        return Ok("default".to_owned());
    }
    if tenant.len() > 64
        || !tenant
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        return Err(invalid());
    }
    Ok(tenant.to_owned())
}
