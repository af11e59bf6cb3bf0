//! Our own limit on request headers, below the framework's.

use actix_web::http::header::HeaderMap;
use serde_json::json;

use crate::error::{ApiError, ErrorCode};

/// At most this many header fields per request.
pub const MAX_HEADERS: usize = 64;
/// At most this many bytes of header fields per request, counted as on the
/// wire: `name: value\r\n` for each field.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// actix-http's own limits on a request head, past which its dispatcher
/// answers 431 before our middleware sees the request (`h1::decoder`).
pub const FRAMEWORK_MAX_HEADERS: usize = 96;
pub const FRAMEWORK_MAX_HEAD_BYTES: usize = 131_072;

/// 431 `headers_too_large` for more than [`MAX_HEADERS`] fields or
/// [`MAX_HEADER_BYTES`] bytes of them.
pub fn check(headers: &HeaderMap) -> Result<(), ApiError> {
    let count = headers.len();
    let bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + ": \r\n".len())
        .sum();
    if count <= MAX_HEADERS && bytes <= MAX_HEADER_BYTES {
        return Ok(());
    }
    let message = if count > MAX_HEADERS {
        format!("the request has {count} headers; at most {MAX_HEADERS} are accepted")
    } else {
        format!("the request has {bytes} bytes of headers; at most {MAX_HEADER_BYTES} are accepted")
    };
    Err(
        ApiError::new(ErrorCode::HeadersTooLarge, message).with_details(json!({
            "max_headers": MAX_HEADERS,
            "max_header_bytes": MAX_HEADER_BYTES,
        })),
    )
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    fn headers(count: usize, value_length: usize) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for i in 0..count {
            headers.insert(
                HeaderName::try_from(format!("x-h{i}")).unwrap(),
                HeaderValue::from_str(&"v".repeat(value_length)).unwrap(),
            );
        }
        headers
    }

    #[test]
    fn counts_fields_and_bytes() {
        assert!(check(&headers(MAX_HEADERS, 10)).is_ok());
        let error = check(&headers(MAX_HEADERS + 1, 1)).unwrap_err();
        assert_eq!(error.code, ErrorCode::HeadersTooLarge);
        assert!(check(&headers(2, MAX_HEADER_BYTES / 2)).is_err());
    }
}
