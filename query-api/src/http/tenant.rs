use actix_web::HttpRequest;
use platform::ApiError;

/// The tenant whose data the request reads: the verified caller's, set by
/// the authentication middleware (from the token, or from `X-Tenant-Id`
/// when `AUTH_MODE=none`).
pub fn tenant_of(request: &HttpRequest) -> Result<String, ApiError> {
    platform::http::principal_of(request).map(|principal| principal.tenant)
}
