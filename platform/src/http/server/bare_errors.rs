//! The error responses actix-http's HTTP/1 dispatcher writes by itself,
//! before any of our code runs, and the JSON answers that replace them.
//!
//! The dispatcher answers a request it cannot parse (400: `Content-Length:
//! abc`, two different `Content-Length`s, a broken request line), a head
//! over its limits (431: more than 96 headers or 128 KiB), a head that
//! arrives too slowly (408) and a few internal faults (500) with a bare head:
//! a status line, `content-length: 0`, maybe `connection` and `date`, and no
//! body. Our application never writes such a head: every error it answers
//! carries a JSON body and headers like `content-type` and `x-request-id`.
//! So a head of exactly that shape in the outgoing bytes is the
//! dispatcher's, and it is replaced by a JSON answer with the same status.
//!
//! Raw `\r\n` never occurs inside our bodies (JSON escapes control
//! characters; the metrics text uses bare `\n`), so scanning for such heads
//! cannot mistake body bytes for one.

use actix_web::http::StatusCode;
use memchr::memmem;
use serde_json::json;

use crate::error::{ApiError, ErrorCode};
use crate::http::limits::{FRAMEWORK_MAX_HEAD_BYTES, FRAMEWORK_MAX_HEADERS};

/// A bare head is ~100 bytes; longer candidates are not one.
const LONGEST_BARE_HEAD: usize = 512;

/// Replaces the dispatcher's bare error responses in outgoing bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BareErrorRewriter {
    /// Named in the 408 answer.
    pub head_timeout_ms: u128,
}

impl BareErrorRewriter {
    /// `bytes` with every bare error response replaced by its JSON answer,
    /// or `None` when there is none (the usual case: nothing is copied).
    /// `rewritten` hears the status of each replaced response.
    pub fn rewrite(&self, bytes: &[u8], mut rewritten: impl FnMut(u16)) -> Option<Vec<u8>> {
        let mut output: Option<Vec<u8>> = None;
        let mut consumed = 0;
        for start in memmem::find_iter(bytes, b"HTTP/1.") {
            if start < consumed {
                continue;
            }
            let Some(head) = BareHead::parse(&bytes[start..]) else {
                continue;
            };
            let output = output.get_or_insert_with(|| Vec::with_capacity(bytes.len() + 512));
            output.extend_from_slice(&bytes[consumed..start]);
            self.write_answer(&head, output);
            rewritten(head.status);
            consumed = start + head.length;
        }
        let mut output = output?;
        output.extend_from_slice(&bytes[consumed..]);
        Some(output)
    }

    fn write_answer(&self, head: &BareHead<'_>, output: &mut Vec<u8>) {
        let body = self.error_for(head.status).body().to_string();
        output.extend_from_slice(head.status_line);
        output.extend_from_slice(b"\r\ncontent-type: application/json\r\n");
        output.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
        output.extend_from_slice(b"x-content-type-options: nosniff\r\n");
        output.extend_from_slice(b"cache-control: no-store\r\n");
        // The dispatcher closes the connection after each of these anyway.
        output.extend_from_slice(b"connection: close\r\n");
        if let Some(date) = head.date_line {
            output.extend_from_slice(date);
            output.extend_from_slice(b"\r\n");
        }
        output.extend_from_slice(b"\r\n");
        output.extend_from_slice(body.as_bytes());
    }

    fn error_for(&self, status: u16) -> ApiError {
        match status {
            400 => ApiError::new(
                ErrorCode::MalformedRequest,
                "the request is not valid HTTP/1.1: its request line, a header or its framing \
                 (Content-Length, Transfer-Encoding) cannot be parsed",
            ),
            408 => ApiError::new(
                ErrorCode::RequestTimeout,
                format!(
                    "the request head did not arrive within {} ms",
                    self.head_timeout_ms
                ),
            )
            .with_details(json!({ "timeout_ms": self.head_timeout_ms })),
            431 => ApiError::new(
                ErrorCode::HeadersTooLarge,
                format!(
                    "the request head exceeds what the server can read: at most \
                     {FRAMEWORK_MAX_HEADERS} headers and {FRAMEWORK_MAX_HEAD_BYTES} bytes"
                ),
            )
            .with_details(json!({
                "max_headers": FRAMEWORK_MAX_HEADERS,
                "max_head_bytes": FRAMEWORK_MAX_HEAD_BYTES,
            })),
            _ => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
                ApiError::new(
                    ErrorCode::for_status(status),
                    status.canonical_reason().unwrap_or("error"),
                )
            }
        }
    }
}

/// A bare error head at the start of some bytes.
#[derive(Debug)]
struct BareHead<'a> {
    /// `HTTP/1.1 400 Bad Request`, without its line end.
    status_line: &'a [u8],
    status: u16,
    /// `date: ...`, kept as it was.
    date_line: Option<&'a [u8]>,
    /// Bytes from the status line to the end of the blank line.
    length: usize,
}

impl<'a> BareHead<'a> {
    fn parse(bytes: &'a [u8]) -> Option<Self> {
        let window = &bytes[..bytes.len().min(LONGEST_BARE_HEAD)];
        let end = memmem::find(window, b"\r\n\r\n")?;
        let mut lines = window[..end].split(|&byte| byte == b'\n').map(|line| {
            // Every line but the last ends with the `\r` before its `\n`.
            line.strip_suffix(b"\r").unwrap_or(line)
        });
        let status_line = lines.next()?;
        let status = error_status(status_line)?;
        let mut zero_length = false;
        let mut date_line = None;
        for line in lines {
            let colon = line.iter().position(|&byte| byte == b':')?;
            let name = line[..colon].to_ascii_lowercase();
            let value = line[colon + 1..].trim_ascii();
            match name.as_slice() {
                b"content-length" if value == b"0" => zero_length = true,
                b"connection" => {}
                b"date" => date_line = Some(line),
                // Any other header (content-type, x-request-id, ...) means
                // the application wrote this response.
                _ => return None,
            }
        }
        zero_length.then_some(Self {
            status_line,
            status,
            date_line,
            length: end + 4,
        })
    }
}

/// The status of `HTTP/1.x 4xx|5xx reason`, or `None` for any other line.
fn error_status(line: &[u8]) -> Option<u16> {
    let rest = line
        .strip_prefix(b"HTTP/1.1 ")
        .or_else(|| line.strip_prefix(b"HTTP/1.0 "))?;
    let digits = rest.get(..3)?;
    if !digits.iter().all(u8::is_ascii_digit) || !matches!(digits[0], b'4' | b'5') {
        return None;
    }
    if rest.get(3).is_some_and(|&byte| byte != b' ') {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    const REWRITER: BareErrorRewriter = BareErrorRewriter {
        head_timeout_ms: 5000,
    };

    fn rewrite(bytes: &[u8]) -> Option<(String, Vec<u16>)> {
        let mut statuses = Vec::new();
        let output = REWRITER.rewrite(bytes, |status| statuses.push(status))?;
        Some((String::from_utf8(output).unwrap(), statuses))
    }

    fn body_of(response: &str) -> Value {
        let (_, body) = response.split_once("\r\n\r\n").unwrap();
        serde_json::from_str(body).unwrap()
    }

    #[test]
    fn a_bare_400_becomes_json() {
        let bare = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\ndate: Tue, 01 Dec 2026 20:00:00 GMT\r\n\r\n";
        let (response, statuses) = rewrite(bare).unwrap();
        assert_eq!(statuses, vec![400]);
        assert!(
            response.starts_with("HTTP/1.1 400 Bad Request\r\n"),
            "{response}"
        );
        assert!(response.contains("\r\ncontent-type: application/json\r\n"));
        assert!(response.contains("\r\nx-content-type-options: nosniff\r\n"));
        assert!(response.contains("\r\ncache-control: no-store\r\n"));
        assert!(response.contains("\r\nconnection: close\r\n"));
        assert!(response.contains("\r\ndate: Tue, 01 Dec 2026 20:00:00 GMT\r\n"));
        let body = body_of(&response);
        assert_eq!(body["error"]["code"], "malformed_request");
        let length: usize = response
            .split("\r\n")
            .find_map(|line| line.strip_prefix("content-length: "))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(length, body.to_string().len());
    }

    #[test]
    fn timeouts_and_oversized_heads_get_their_codes() {
        for (bare, code) in [
            (
                &b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\ndate: x\r\n\r\n"[..],
                "request_timeout",
            ),
            (
                b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n",
                "headers_too_large",
            ),
            (
                b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n",
                "internal",
            ),
        ] {
            let (response, _) = rewrite(bare).unwrap();
            assert_eq!(body_of(&response)["error"]["code"], code, "{response}");
        }
    }

    #[test]
    fn what_follows_an_earlier_response_is_found_and_the_rest_kept() {
        let earlier =
            "HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-type: application/json\r\n\r\n{}";
        let bytes = format!("{earlier}HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
        let (response, statuses) = rewrite(bytes.as_bytes()).unwrap();
        assert_eq!(statuses, vec![400]);
        assert!(response.starts_with(earlier));
        assert!(response.ends_with("}}"), "{response}");
    }

    #[test]
    fn application_responses_are_left_alone() {
        for bytes in [
            &b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 304 Not Modified\r\netag: \"1\"\r\n\r\n",
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nx-request-id: 1\r\n\r\n",
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 71\r\ncontent-type: application/json\r\n\r\n{...}",
            b"HTTP/1.1 400 Bad Request\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n",
            b"{\"title\":\"HTTP/1.1 400 Bad Request\"}",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0",
        ] {
            assert!(
                rewrite(bytes).is_none(),
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}
