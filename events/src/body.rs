//! Reads a command's JSON body into its typed shape, for every aggregate: a
//! missing body is `{}`, anything but an object is refused, and serde's errors
//! become [`CommandParseError`]s that name the offending field.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{CommandParseError, DomainError, ErrorKind};

/// Deserializes a command body. A missing body reads as `{}`, so a command with
/// required fields reports the first missing field rather than "expected an object".
pub(crate) fn read<T: DeserializeOwned>(body: Value) -> Result<T, CommandParseError> {
    let body = match body {
        Value::Null => Value::Object(serde_json::Map::new()),
        Value::Object(_) => body,
        _ => {
            return Err(CommandParseError::invalid_body(
                None,
                "body must be a JSON object",
            ));
        }
    };
    serde_path_to_error::deserialize(body).map_err(body_error)
}

/// A command that broke one of its aggregate's field rules, as a parse error
/// naming the field (so it is a 400 before any state is loaded).
pub(crate) fn rule_broken<E: DomainError>(broken: E) -> CommandParseError {
    let field = match broken.kind() {
        ErrorKind::Invalid { field } => Some(field.to_owned()),
        ErrorKind::NotFound | ErrorKind::Conflict => None,
    };
    CommandParseError::invalid_body(field, broken.to_string())
}

/// Commands without fields: `{}` (or `null`, which [`read`] maps to `{}`).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NoBody {}

/// Unlike a plain `Option` field (where serde treats a missing key as `None`), a
/// `deserialize_with` field without `#[serde(default)]` must be present: `null` is
/// accepted, absence is a "missing field" error.
pub(crate) fn required_nullable<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    <Option<String> as serde::Deserialize>::deserialize(deserializer)
}

type PathError = serde_path_to_error::Error<serde_json::Error>;

/// serde_path_to_error already ends the path at a wrongly typed value or an unknown
/// key, but reports "missing field `x`" at the *enclosing* object (the key was never
/// seen), so that field name is recovered from the message and appended.
fn body_error(error: PathError) -> CommandParseError {
    let message = error.inner().to_string();
    let parent = match error.path().to_string() {
        root if root == "." => None,
        path => Some(path),
    };
    let field = match (parent, missing_field(&message)) {
        (Some(parent), Some(missing)) => Some(format!("{parent}.{missing}")),
        (None, Some(missing)) => Some(missing.to_owned()),
        (parent, None) => parent,
    };
    CommandParseError::invalid_body(field, message)
}

fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}
