//! The consistency a request asks for: a position token (header
//! `X-Consistency-Token` or query parameter `consistency_token`) and how long
//! it may wait (header `X-Consistency-Timeout-Ms` or `consistency_timeout_ms`).

use std::time::Duration;

use actix_web::HttpRequest;
use platform::position::Position;
use platform::{ApiError, ErrorCode};
use serde_json::json;

use crate::config::ConsistencySettings;
use crate::http::params::Params;

pub const TOKEN_HEADER: &str = "x-consistency-token";
pub const TIMEOUT_HEADER: &str = "x-consistency-timeout-ms";
pub const CONSISTENCY_HEADER: &str = "x-consistency";
pub const TOKEN_PARAMETER: &str = "consistency_token";
pub const TIMEOUT_PARAMETER: &str = "consistency_timeout_ms";
/// More partitions than any topic of ours will have.
const MAX_PARTITIONS: i32 = 100_000;

#[derive(Debug, Clone)]
pub struct ReadConsistency {
    pub position: Option<Position>,
    pub wait: Duration,
}

/// Where a value came from, so an error names what the client sent.
enum Source {
    Header(&'static str),
    Parameter(&'static str),
}

impl Source {
    fn invalid(&self, rule: &str) -> ApiError {
        match self {
            Source::Header(name) => ApiError::new(
                ErrorCode::InvalidHeader,
                format!("invalid {name} header: {rule}"),
            )
            .with_details(json!({ "header": name })),
            Source::Parameter(name) => ApiError::new(
                ErrorCode::InvalidParameter,
                format!("invalid {name} parameter: {rule}"),
            )
            .with_details(json!({ "parameter": name })),
        }
    }
}

impl ReadConsistency {
    pub fn from_request(
        request: &HttpRequest,
        params: &Params,
        settings: ConsistencySettings,
        topic: &str,
    ) -> Result<Self, ApiError> {
        let token = value(
            request,
            params,
            "X-Consistency-Token",
            TOKEN_HEADER,
            TOKEN_PARAMETER,
        )?;
        let timeout = value(
            request,
            params,
            "X-Consistency-Timeout-Ms",
            TIMEOUT_HEADER,
            TIMEOUT_PARAMETER,
        )?;

        let position = match token {
            None => None,
            Some((text, source)) => {
                let position: Position = text
                    .parse()
                    .map_err(|_| source.invalid("expected the position returned by the command API (topic:partition:offset)"))?;
                // The watcher keeps a channel per partition: bound what a client can make it hold.
                if position.partition >= MAX_PARTITIONS {
                    return Err(
                        source.invalid(&format!("partition must be below {MAX_PARTITIONS}"))
                    );
                }
                if position.topic != topic {
                    return Err(source.invalid(&format!(
                        "the position is in topic {:?}, not {topic:?}",
                        position.topic
                    )));
                }
                Some(position)
            }
        };
        let wait = match timeout {
            None => settings.default_wait,
            Some((text, source)) => {
                let millis: u64 = text
                    .parse()
                    .map_err(|_| source.invalid("expected a whole number of milliseconds"))?;
                // A client may ask for less than the default or more, up to the hard maximum.
                Duration::from_millis(millis).min(settings.max_wait)
            }
        };
        Ok(Self { position, wait })
    }
}

/// The header's value, else the parameter's.
fn value(
    request: &HttpRequest,
    params: &Params,
    header_name: &'static str,
    header: &'static str,
    parameter: &'static str,
) -> Result<Option<(String, Source)>, ApiError> {
    if let Some(value) = request.headers().get(header) {
        let text = value
            .to_str()
            .map_err(|_| Source::Header(header_name).invalid("must be visible ASCII"))?
            .trim();
        if !text.is_empty() {
            return Ok(Some((text.to_owned(), Source::Header(header_name))));
        }
    }
    Ok(params
        .single(parameter)?
        .map(|text| (text.to_owned(), Source::Parameter(parameter))))
}
