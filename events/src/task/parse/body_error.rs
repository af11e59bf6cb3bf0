//! Turns serde's body errors into [`CommandParseError`]s that name the offending field.

use crate::CommandParseError;

type PathError = serde_path_to_error::Error<serde_json::Error>;

/// serde_path_to_error already ends the path at a wrongly typed value or an unknown
/// key, but reports "missing field `x`" at the *enclosing* object (the key was never
/// seen), so that field name is recovered from the message and appended.
pub(super) fn body_error(error: PathError) -> CommandParseError {
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
