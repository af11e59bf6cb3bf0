//! The consistency a request asks for: a position token (header
//! `X-Consistency-Token` or query parameter `consistency_token`) and how long
//! it may wait (header `X-Consistency-Timeout-Ms` or `consistency_timeout_ms`).
//! A token names one position or several joined by commas (a client that
//! wrote to several aggregates joins the tokens it got), each on one of the
//! event topics this API knows.

use std::time::Duration;

use actix_web::HttpRequest;
use platform::position::{InvalidPositionToken, MAX_POSITIONS, PositionToken};
use platform::{ApiError, ErrorCode};
use serde_json::json;

use crate::config::ConsistencySettings;
use crate::http::params::Params;
use crate::topics::EventTopics;

pub const TOKEN_HEADER: &str = "x-consistency-token";
pub const TIMEOUT_HEADER: &str = "x-consistency-timeout-ms";
pub const CONSISTENCY_HEADER: &str = "x-consistency";
pub const TOKEN_PARAMETER: &str = "consistency_token";
pub const TIMEOUT_PARAMETER: &str = "consistency_timeout_ms";
/// More partitions than any topic of ours will have.
const MAX_PARTITIONS: i32 = 100_000;

#[derive(Debug, Clone)]
pub struct ReadConsistency {
    /// The positions the read must be past (duplicates merged).
    pub token: Option<PositionToken>,
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
        topics: &EventTopics,
    ) -> Result<Self, ApiError> {
        // Both forms are checked when both are sent (an invalid parameter is
        // refused even beside a valid header); the header's is used.
        let tokens = values(
            request,
            params,
            "X-Consistency-Token",
            TOKEN_HEADER,
            TOKEN_PARAMETER,
        )?;
        let timeouts = values(
            request,
            params,
            "X-Consistency-Timeout-Ms",
            TIMEOUT_HEADER,
            TIMEOUT_PARAMETER,
        )?;
        let mut parsed = Vec::with_capacity(tokens.len());
        for (text, source) in tokens {
            parsed.push(token(&text, &source, topics)?);
        }
        let mut waits = Vec::with_capacity(timeouts.len());
        for (text, source) in timeouts {
            let millis: u64 = text
                .parse()
                .map_err(|_| source.invalid("expected a whole number of milliseconds"))?;
            // A client may ask for less than the default or more, up to the hard maximum.
            waits.push(Duration::from_millis(millis).min(settings.max_wait));
        }
        let token = parsed.into_iter().next();
        let wait = waits.into_iter().next().unwrap_or(settings.default_wait);
        Ok(Self { token, wait })
    }
}

/// A token as the command API issues them, or several of them joined with
/// commas, every position on a topic of this API.
fn token(text: &str, source: &Source, topics: &EventTopics) -> Result<PositionToken, ApiError> {
    let token: PositionToken = text.parse().map_err(|error| match error {
        InvalidPositionToken::TooMany { count } => source.invalid(&format!(
            "it names {count} positions; at most {MAX_POSITIONS} are allowed"
        )),
        InvalidPositionToken::Empty | InvalidPositionToken::Position(_) => source.invalid(
            "expected the position returned by the command API (topic:partition:offset), or several joined with commas",
        ),
    })?;
    for position in token.positions() {
        // The watcher keeps a channel per partition: bound what a client can make it hold.
        if position.partition >= MAX_PARTITIONS {
            return Err(source.invalid(&format!("partition must be below {MAX_PARTITIONS}")));
        }
        if !topics.contains(&position.topic) {
            return Err(source.invalid(&format!(
                "a position is in topic {:?}, which is none of {}",
                position.topic,
                topics.all().join(", ")
            )));
        }
    }
    Ok(token)
}

/// The header's value, then the parameter's, each when sent and not blank.
fn values(
    request: &HttpRequest,
    params: &Params,
    header_name: &'static str,
    header: &'static str,
    parameter: &'static str,
) -> Result<Vec<(String, Source)>, ApiError> {
    let mut found = Vec::new();
    if let Some(value) = request.headers().get(header) {
        let text = value
            .to_str()
            .map_err(|_| Source::Header(header_name).invalid("must be visible ASCII"))?
            .trim();
        if !text.is_empty() {
            found.push((text.to_owned(), Source::Header(header_name)));
        }
    }
    if let Some(text) = params.single(parameter)? {
        found.push((text.to_owned(), Source::Parameter(parameter)));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn consistency(query: &str, headers: &[(&str, &str)]) -> Result<ReadConsistency, ApiError> {
        let mut request = TestRequest::default().uri(&format!("/v1/tasks?{query}"));
        for header in headers {
            request = request.insert_header(*header);
        }
        let request = request.to_http_request();
        let params = Params::parse(query, &[TOKEN_PARAMETER, TIMEOUT_PARAMETER])?;
        ReadConsistency::from_request(
            &request,
            &params,
            ConsistencySettings::default(),
            &EventTopics::with_prefix("events."),
        )
    }

    fn offsets(read: &ReadConsistency) -> Vec<String> {
        read.token
            .iter()
            .flat_map(|token| token.positions())
            .map(|position| position.to_string())
            .collect()
    }

    #[test]
    fn the_header_is_used_and_the_parameter_still_checked() {
        let read = consistency(
            "consistency_token=events.tasks:1:2&consistency_timeout_ms=5",
            &[(TOKEN_HEADER, "events.tasks:0:7"), (TIMEOUT_HEADER, "9")],
        )
        .unwrap();
        assert_eq!(offsets(&read), ["events.tasks:0:7"]);
        assert_eq!(read.wait, Duration::from_millis(9));
        for query in [
            "consistency_timeout_ms=false",
            "consistency_token=other:0:0",
        ] {
            let error = consistency(
                query,
                &[(TOKEN_HEADER, "events.tasks:0:7"), (TIMEOUT_HEADER, "9")],
            )
            .unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidParameter, "{query}");
        }
    }

    #[test]
    fn a_token_may_join_positions_of_every_known_topic() {
        let read = consistency(
            "",
            &[(
                TOKEN_HEADER,
                "events.tasks:3:12,events.projects:0:5,events.tasks:3:4",
            )],
        )
        .unwrap();
        assert_eq!(offsets(&read), ["events.projects:0:5", "events.tasks:3:12"]);
        let read = consistency(
            "consistency_token=events.projects:1:2,events.tasks:0:1",
            &[],
        )
        .unwrap();
        assert_eq!(offsets(&read), ["events.projects:1:2", "events.tasks:0:1"]);
        assert!(consistency("", &[]).unwrap().token.is_none());
    }

    #[test]
    fn a_token_with_any_position_off_the_known_topics_is_refused() {
        let too_many = (0..=MAX_POSITIONS)
            .map(|partition| format!("events.tasks:{partition}:0"))
            .collect::<Vec<_>>()
            .join(",");
        for token in [
            "events.tasks:0:1,other:0:1",
            "events.tasks:0:1,",
            "events.tasks:0:1,events.projects:100000:1",
            "events.tasks:0:1;events.projects:0:1",
            too_many.as_str(),
        ] {
            let error = consistency("", &[(TOKEN_HEADER, token)]).unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidHeader, "{token}");
            let error = consistency(&format!("consistency_token={token}"), &[]).unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidParameter, "{token}");
        }
    }
}
