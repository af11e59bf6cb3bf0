//! The one error contract of every HTTP endpoint:
//! `{ "error": { "code", "message", "details" } }`, where each code has one status.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::{Value, json};

/// What went wrong, as clients match on it. Each code maps to exactly one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    MalformedJson,
    /// The request is not valid HTTP/1.1 (request line, headers or framing).
    MalformedRequest,
    InvalidField,
    InvalidHeader,
    InvalidParameter,
    Unauthenticated,
    Forbidden,
    UnknownCommand,
    RouteNotFound,
    MethodNotAllowed,
    UnsupportedMediaType,
    PayloadTooLarge,
    /// The request head or body did not arrive in time.
    RequestTimeout,
    /// Too many request headers, or too many header bytes.
    HeadersTooLarge,
    /// A CORS preflight from an origin, or for a method or headers, that is not allowed.
    CorsRefused,
    /// The tenant sent more requests of a route class than its limit allows.
    RateLimited,
    VersionMismatch,
    IdempotencyKeyReused,
    PartitionUnavailable,
    KafkaUnavailable,
    DatabaseUnavailable,
    Internal,
    /// A refusal by the domain: its rule code and the status of its kind.
    Domain {
        code: &'static str,
        status: u16,
    },
}

impl ErrorCode {
    pub fn status(self) -> StatusCode {
        use ErrorCode::*;
        match self {
            MalformedJson | MalformedRequest | InvalidField | InvalidHeader | InvalidParameter => {
                StatusCode::BAD_REQUEST
            }
            Unauthenticated => StatusCode::UNAUTHORIZED,
            Forbidden => StatusCode::FORBIDDEN,
            UnknownCommand | RouteNotFound => StatusCode::NOT_FOUND,
            MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            CorsRefused => StatusCode::FORBIDDEN,
            RateLimited => StatusCode::TOO_MANY_REQUESTS,
            VersionMismatch => StatusCode::PRECONDITION_FAILED,
            IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            PartitionUnavailable | KafkaUnavailable | DatabaseUnavailable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Domain { status, .. } => {
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }

    pub fn name(self) -> &'static str {
        use ErrorCode::*;
        match self {
            MalformedJson => "malformed_json",
            MalformedRequest => "malformed_request",
            InvalidField => "invalid_field",
            InvalidHeader => "invalid_header",
            InvalidParameter => "invalid_parameter",
            Unauthenticated => "unauthenticated",
            Forbidden => "forbidden",
            UnknownCommand => "unknown_command",
            RouteNotFound => "not_found",
            MethodNotAllowed => "method_not_allowed",
            UnsupportedMediaType => "unsupported_media_type",
            PayloadTooLarge => "payload_too_large",
            RequestTimeout => "request_timeout",
            HeadersTooLarge => "headers_too_large",
            CorsRefused => "cors_refused",
            RateLimited => "rate_limited",
            VersionMismatch => "version_mismatch",
            IdempotencyKeyReused => "idempotency_key_reused",
            PartitionUnavailable => "partition_unavailable",
            KafkaUnavailable => "kafka_unavailable",
            DatabaseUnavailable => "database_unavailable",
            Internal => "internal",
            Domain { code, .. } => code,
        }
    }

    /// The code of an error response that something other than our handlers
    /// produced with only a status (the framework's router and extractors,
    /// middleware): the closest code of this table. The response keeps its
    /// own status.
    pub fn for_status(status: StatusCode) -> Self {
        use ErrorCode::*;
        match status.as_u16() {
            404 => RouteNotFound,
            405 => MethodNotAllowed,
            408 => RequestTimeout,
            413 => PayloadTooLarge,
            415 => UnsupportedMediaType,
            429 => RateLimited,
            431 => HeadersTooLarge,
            400..=499 => InvalidParameter,
            _ => Internal,
        }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{}: {message}", code.name())]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub details: Value,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            details: json!({}),
        }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }

    /// An invalid field of the request body, named in `details.field`.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidField, message).with_details(json!({ "field": field }))
    }

    pub fn body(&self) -> Value {
        json!({ "error": { "code": self.code.name(), "message": self.message, "details": self.details } })
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        if self.code.status() == StatusCode::SERVICE_UNAVAILABLE {
            response.insert_header(("Retry-After", "1"));
        }
        if self.code == ErrorCode::Unauthenticated {
            response.insert_header(("WWW-Authenticate", r#"Bearer error="invalid_token""#));
        }
        response.json(self.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_the_contract_shape() {
        let error = ApiError::invalid_field("title", "title must not be empty");
        assert_eq!(error.status_code(), StatusCode::BAD_REQUEST);
        assert_eq!(
            error.body(),
            json!({ "error": { "code": "invalid_field", "message": "title must not be empty", "details": { "field": "title" } } })
        );
    }

    #[test]
    fn domain_codes_keep_their_status() {
        let code = ErrorCode::Domain {
            code: "task_archived",
            status: 409,
        };
        assert_eq!(code.status(), StatusCode::CONFLICT);
        assert_eq!(code.name(), "task_archived");
    }
}
