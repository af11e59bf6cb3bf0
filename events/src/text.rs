//! What text a command may carry. Every string ends up in the log, in
//! PostgreSQL (whose `text` and `jsonb` cannot hold NUL) and in front of
//! people, so control characters are refused where they are received,
//! before a command exists, for every aggregate alike.
//!
//! Two rules, chosen per field by each aggregate:
//! - [`TextRule::SingleLine`]: names, titles, identifiers. No Unicode control
//!   character (category Cc: U+0000–U+001F, U+007F–U+009F) at all.
//! - [`TextRule::MultiLine`]: free text such as descriptions. The same, except
//!   that tab, line feed and carriage return are allowed.
//!
//! Lone surrogates cannot reach a `&str` at all: the JSON parser refuses them
//! (and invalid UTF-8) as malformed JSON.

use serde_json::Value;

use crate::CommandParseError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextRule {
    SingleLine,
    MultiLine,
}

impl TextRule {
    pub fn allows(self, text: &str) -> bool {
        text.chars().all(|c| self.allows_char(c))
    }

    fn allows_char(self, c: char) -> bool {
        !c.is_control() || (self == TextRule::MultiLine && matches!(c, '\t' | '\n' | '\r'))
    }

    pub fn describe(self) -> &'static str {
        match self {
            TextRule::SingleLine => "must not contain control characters",
            TextRule::MultiLine => {
                "must not contain control characters other than tab, line feed and carriage return"
            }
        }
    }
}

/// A text field that breaks its length or control-character rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRefused;

/// `text` trimmed, when that is 1 to `max_chars` characters of
/// [`TextRule::SingleLine`] text. Lengths count `char`s, the unit JSON
/// Schema's `minLength`/`maxLength` use.
pub fn trimmed_single_line(text: &str, max_chars: usize) -> Option<String> {
    let trimmed = text.trim();
    let chars = trimmed.chars().count();
    ((1..=max_chars).contains(&chars) && TextRule::SingleLine.allows(trimmed))
        .then(|| trimmed.to_owned())
}

/// Optional free text trimmed: blank means none; otherwise at most
/// `max_chars` characters of [`TextRule::MultiLine`] text.
pub fn trimmed_free_text(
    text: Option<&str>,
    max_chars: usize,
) -> Result<Option<String>, TextRefused> {
    let Some(trimmed) = text.map(str::trim).filter(|text| !text.is_empty()) else {
        return Ok(None);
    };
    if trimmed.chars().count() > max_chars || !TextRule::MultiLine.allows(trimmed) {
        return Err(TextRefused);
    }
    Ok(Some(trimmed.to_owned()))
}

/// The first string in a command body (keys included) that even the
/// [`TextRule::MultiLine`] rule refuses, as a field error naming its JSON
/// path. This is the net under every aggregate's own, stricter field rules.
pub fn check_body(body: &Value) -> Result<(), CommandParseError> {
    check_value(body, &mut String::new())
}

fn check_value(value: &Value, path: &mut String) -> Result<(), CommandParseError> {
    let refuse = |path: &str| {
        let field = if path.is_empty() { "body" } else { path };
        Err(CommandParseError::invalid_body(
            Some(field.to_owned()),
            format!("{field} {}", TextRule::MultiLine.describe()),
        ))
    };
    match value {
        Value::String(text) if !TextRule::MultiLine.allows(text) => refuse(path),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{index}]"));
                check_value(item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                if !TextRule::MultiLine.allows(key) {
                    // The key itself is the problem; do not echo it back as a field name.
                    path.truncate(len);
                    return refuse(path);
                }
                check_value(item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn single_line_refuses_every_control_character() {
        assert!(TextRule::SingleLine.allows("Buy milk — 2 L 🥛"));
        for bad in [
            "a\u{0}b",
            "a\tb",
            "a\nb",
            "a\rb",
            "\u{1b}[31m",
            "\u{7f}",
            "\u{85}",
        ] {
            assert!(!TextRule::SingleLine.allows(bad), "{bad:?}");
        }
    }

    #[test]
    fn multi_line_allows_tab_and_line_breaks_only() {
        assert!(TextRule::MultiLine.allows("line 1\r\n\tline 2"));
        for bad in ["a\u{0}b", "\u{7}", "\u{1b}", "\u{9f}"] {
            assert!(!TextRule::MultiLine.allows(bad), "{bad:?}");
        }
    }

    #[test]
    fn body_check_names_the_path() {
        let body = json!({ "title": "ok", "tags": ["fine", "bad\u{0}"] });
        let error = check_body(&body).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("tags[1]"));
        let nested = json!({ "a": { "b": "x\u{1}" } });
        assert_eq!(
            check_body(&nested).unwrap_err().field.as_deref(),
            Some("a.b")
        );
        assert!(check_body(&json!({ "description": "multi\nline" })).is_ok());
        assert!(check_body(&json!({ "bad\u{0}key": 1 })).is_err());
    }

    #[test]
    fn lone_surrogates_never_become_text() {
        assert!(serde_json::from_str::<Value>(r#"{"title":"\ud800"}"#).is_err());
        assert!(serde_json::from_str::<Value>(r#"{"title":"\udc00x"}"#).is_err());
        assert!(serde_json::from_slice::<Value>(b"{\"title\":\"\xff\"}").is_err());
    }
}
