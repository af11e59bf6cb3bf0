//! The authentication middleware: every route but the operational ones needs
//! a bearer token with the service's scope; the verified caller is put in the
//! request's extensions as a [`Principal`], the only source of tenant and actor.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, ResponseError, web};
use serde_json::json;

use crate::auth::tenant::{ACTOR_MAX_CHARS, TENANT_RULE, is_valid_actor, is_valid_tenant};
use crate::auth::{
    AuthError, Authenticator, Principal, SCOPE_COMMANDS_WRITE, SCOPE_OPS_ADMIN, SCOPE_QUERIES_READ,
};
use crate::error::{ApiError, ErrorCode};

pub const TENANT_HEADER: &str = "x-tenant-id";
pub const ACTOR_HEADER: &str = "x-actor";

/// Paths anyone may call: probes, metrics and the API description.
const OPEN_PATHS: [&str; 4] = ["/healthz", "/readyz", "/metrics", "/openapi.json"];

/// Paths that need `ops:admin` whatever the service's own scope: the
/// operators' views a service offers beside its API.
const OPERATOR_PATHS: [&str; 1] = ["/v1/instances"];

/// What a service asks of its callers; registered as app data.
#[derive(Clone)]
pub struct AccessControl {
    pub authenticator: Authenticator,
    /// The scope every protected route of the service needs.
    pub scope: &'static str,
}

impl AccessControl {
    pub fn new(authenticator: Authenticator, scope: &'static str) -> web::Data<Self> {
        web::Data::new(Self {
            authenticator,
            scope,
        })
    }
}

/// Middleware: establishes the caller or answers 400/401/403 itself.
pub async fn authenticate(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if OPEN_PATHS.contains(&request.path()) {
        return Ok(next.call(request).await?.map_into_boxed_body());
    }
    let control = request
        .app_data::<web::Data<AccessControl>>()
        .expect("AccessControl is registered by every service")
        .clone();
    match principal(&request, &control).await {
        Ok(principal) => {
            request.extensions_mut().insert(principal);
            Ok(next.call(request).await?.map_into_boxed_body())
        }
        Err(refusal) => {
            let mut response = refusal.error.error_response();
            if let Some(scope) = refusal.missing_scope
                && let Ok(value) = HeaderValue::from_str(&format!(
                    r#"Bearer error="insufficient_scope", scope="{scope}""#
                ))
            {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, value);
            }
            Ok(request.into_response(response))
        }
    }
}

/// The caller the middleware established for this request.
pub fn principal_of(request: &HttpRequest) -> Result<Principal, ApiError> {
    request
        .extensions()
        .get::<Principal>()
        .cloned()
        .ok_or_else(|| ApiError::new(ErrorCode::Internal, "the request has no caller"))
}

struct Refusal {
    error: ApiError,
    missing_scope: Option<&'static str>,
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        Self {
            error,
            missing_scope: None,
        }
    }
}

async fn principal(
    request: &ServiceRequest,
    control: &AccessControl,
) -> Result<Principal, Refusal> {
    let verifier = match &control.authenticator {
        Authenticator::Disabled => return Ok(principal_from_headers(request)?),
        Authenticator::Jwt(verifier) => verifier,
    };
    let token = bearer_token(request)?;
    let principal = verifier.verify(token).await.map_err(auth_error)?;
    let scope = if OPERATOR_PATHS.contains(&request.path()) {
        SCOPE_OPS_ADMIN
    } else {
        control.scope
    };
    if !principal.has_scope(scope) {
        return Err(Refusal {
            error: auth_error(AuthError::MissingScope(scope)),
            missing_scope: Some(scope),
        });
    }
    // The headers may repeat what the token says, never contradict it.
    for (name, shown, claimed) in [
        (TENANT_HEADER, "X-Tenant-Id", &principal.tenant),
        (ACTOR_HEADER, "X-Actor", &principal.subject),
    ] {
        if let Some(value) = request.headers().get(name) {
            let agrees = value
                .to_str()
                .is_ok_and(|text| text.trim() == claimed.as_str());
            if !agrees && !value.as_bytes().iter().all(u8::is_ascii_whitespace) {
                return Err(ApiError::new(
                    ErrorCode::Forbidden,
                    format!("the {shown} header disagrees with the bearer token"),
                )
                .with_details(json!({ "header": shown }))
                .into());
            }
        }
    }
    Ok(principal)
}

fn bearer_token(request: &ServiceRequest) -> Result<&str, ApiError> {
    let unauthenticated = |message: &str| ApiError::new(ErrorCode::Unauthenticated, message);
    let value = request
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| unauthenticated("this request needs an Authorization: Bearer <JWT> header"))?
        .to_str()
        .map_err(|_| unauthenticated("the Authorization header must be visible ASCII"))?;
    let (scheme, token) = value
        .trim()
        .split_once(' ')
        .ok_or_else(|| unauthenticated("the Authorization header must be Bearer <JWT>"))?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(unauthenticated(
            "the Authorization header must be Bearer <JWT>",
        ));
    }
    Ok(token.trim())
}

/// `AUTH_MODE=none`: the caller is who the headers say, with every scope.
fn principal_from_headers(request: &ServiceRequest) -> Result<Principal, ApiError> {
    let header_text = |name: &str, shown: &str, rule: &str| -> Result<Option<String>, ApiError> {
        let Some(value) = request.headers().get(name) else {
            return Ok(None);
        };
        let text = value
            .to_str()
            .map_err(|_| invalid_header(shown, rule))?
            .trim();
        Ok((!text.is_empty()).then(|| text.to_owned()))
    };
    let tenant = header_text(TENANT_HEADER, "X-Tenant-Id", TENANT_RULE)?
        .unwrap_or_else(|| "default".to_owned());
    if !is_valid_tenant(&tenant) {
        return Err(invalid_header("X-Tenant-Id", TENANT_RULE));
    }
    let actor_rule = format!("1-{ACTOR_MAX_CHARS} printable characters");
    let subject = header_text(ACTOR_HEADER, "X-Actor", &actor_rule)?
        .unwrap_or_else(|| "anonymous".to_owned());
    if !is_valid_actor(&subject) {
        return Err(invalid_header("X-Actor", &actor_rule));
    }
    Ok(Principal {
        subject,
        tenant,
        scopes: [SCOPE_COMMANDS_WRITE, SCOPE_QUERIES_READ, SCOPE_OPS_ADMIN]
            .map(str::to_owned)
            .to_vec(),
    })
}

fn invalid_header(name: &str, rule: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidHeader,
        format!("invalid {name} header: {rule}"),
    )
    .with_details(json!({ "header": name }))
}

fn auth_error(error: AuthError) -> ApiError {
    let code = match error {
        AuthError::Unauthenticated(_) => ErrorCode::Unauthenticated,
        AuthError::Forbidden(_) | AuthError::MissingScope(_) => ErrorCode::Forbidden,
    };
    ApiError::new(code, error.to_string())
}
