//! Query-string parameters under the error contract: unknown or repeated
//! parameters and malformed values are 400s that name the parameter.

use std::str::FromStr;

use platform::{ApiError, ErrorCode};
use serde_json::json;

pub fn invalid(parameter: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidParameter, message)
        .with_details(json!({ "parameter": parameter }))
}

fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Parses the query string, refusing parameters outside `allowed` (a
    /// misspelt filter must not silently return everything).
    pub fn parse(query: &str, allowed: &[&str]) -> Result<Self, ApiError> {
        let pairs = actix_web::web::Query::<Vec<(String, String)>>::from_query(query)
            .map_err(|error| invalid("query", format!("the query string cannot be read: {error}")))?
            .into_inner();
        // PostgreSQL text cannot hold NUL, and no filter needs a control character.
        if let Some((name, _)) = pairs
            .iter()
            .find(|(name, value)| has_control(name) || has_control(value))
        {
            let shown = if has_control(name) {
                "query"
            } else {
                name.as_str()
            };
            return Err(invalid(
                shown,
                format!("{shown} must not contain control characters"),
            ));
        }
        if let Some((name, _)) = pairs
            .iter()
            .find(|(name, _)| !allowed.contains(&name.as_str()))
        {
            return Err(invalid(
                name,
                format!("unknown parameter {name:?}; known: {}", allowed.join(", ")),
            ));
        }
        Ok(Self { pairs })
    }

    /// Every value of `name`, comma-separated lists split, blanks dropped.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(key, _)| key == name)
            .flat_map(|(_, value)| value.split(','))
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// Every value of a repeatable parameter, as given.
    pub fn repeated(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    }

    /// The one value of `name`; given twice is an error, empty counts as absent.
    pub fn single(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let mut values = self
            .pairs
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.trim());
        let first = values.next();
        if values.next().is_some() {
            return Err(invalid(name, format!("{name} may be given once")));
        }
        Ok(first.filter(|value| !value.is_empty()))
    }

    /// The one value of `name`, parsed; `expected` describes the format.
    pub fn parsed<T: FromStr>(&self, name: &str, expected: &str) -> Result<Option<T>, ApiError> {
        self.single(name)?
            .map(|text| {
                text.parse()
                    .map_err(|_| invalid(name, format!("{name} must be {expected}; got {text:?}")))
            })
            .transpose()
    }

    /// `limit`: 1 to `max`, default `default`.
    pub fn limit(&self, default: i64, max: i64) -> Result<i64, ApiError> {
        let limit = self
            .parsed::<i64>("limit", &format!("an integer from 1 to {max}"))?
            .unwrap_or(default);
        if !(1..=max).contains(&limit) {
            return Err(invalid(
                "limit",
                format!("limit must be from 1 to {max}; got {limit}"),
            ));
        }
        Ok(limit)
    }
}
