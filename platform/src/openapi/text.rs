//! The text rules of the platform as JSON Schema `pattern`s, so a generator
//! (schemathesis) produces values the services accept for positive tests and
//! values they refuse for negative ones.
//!
//! Every pattern is written with `\uXXXX` escapes and plain character
//! classes only: ECMA-262 (the JSON Schema dialect), Python's `re` (the
//! generators) and Rust's `regex` (our own tests) read them alike. `\s` is
//! avoided on purpose: the three disagree about which characters it covers.

use serde_json::{Value, json};

/// Unicode control characters (category Cc): U+0000–U+001F and U+007F–U+009F.
const CONTROL: &str = r"\u0000-\u001F\u007F-\u009F";

/// What Rust's `str::trim` removes (Unicode White_Space) that is not a
/// control character.
const SPACE: &str = r"\u0020\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// The control characters multi-line text allows: tab, line feed, carriage
/// return. Around single-line text they are trimmed away like spaces.
const LINE_BREAKS: &str = r"\t\n\r";

/// Any value without control characters: what every query parameter must be.
pub fn no_control_characters_pattern() -> String {
    format!("^[^{CONTROL}]*$")
}

/// Single-line text in a body (titles, assignees, tags): trimmed by the
/// service, then 1 to `max_chars` characters without any control
/// character; tabs and line breaks may only be among what is trimmed. The
/// length after trimming is in the pattern itself, because JSON Schema's
/// `maxLength` counts what the service trims away.
pub fn single_line_pattern(max_chars: usize) -> String {
    let edge = format!("[{SPACE}{LINE_BREAKS}]");
    format!("^{edge}*{}{edge}*$", trimmed_content(max_chars))
}

/// Single-line text in a query parameter: no control character anywhere
/// (the query API refuses them before trimming), 1 to `max_chars`
/// characters after trimming; `blank_allowed` when blank is the same as
/// absent.
pub fn parameter_text_pattern(max_chars: usize, blank_allowed: bool) -> String {
    let optional = if blank_allowed { "?" } else { "" };
    format!(
        "^[{SPACE}]*(?:{}){optional}[{SPACE}]*$",
        trimmed_content(max_chars)
    )
}

/// Only spaces the service trims away, or nothing.
pub fn blank_pattern() -> String {
    format!("^[{SPACE}]*$")
}

/// 1 to `max_chars` characters without control characters, starting and
/// ending with a non-space one.
fn trimmed_content(max_chars: usize) -> String {
    let visible = format!("[^{CONTROL}{SPACE}]");
    let inner = max_chars.saturating_sub(2);
    format!("{visible}(?:[^{CONTROL}]{{0,{inner}}}{visible})?")
}

pub fn single_line(max_chars: usize, what: &str) -> Value {
    json!({
        "type": "string",
        "pattern": single_line_pattern(max_chars),
        "description": format!(
            "{what}: single-line text, trimmed (spaces, tabs and line breaks around it), then 1 to {max_chars} characters \
             (Unicode scalar values) without control characters (U+0000-U+001F, U+007F-U+009F, tabs and line breaks included); \
             else 400 invalid_field."
        )
    })
}

/// Multi-line text (descriptions): control characters refused except tab,
/// line feed and carriage return. `maxLength` counts before trimming, so it
/// is a little stricter than the service, which trims first.
pub fn multi_line(max_chars: usize, what: &str) -> Value {
    json!({
        "type": "string",
        "maxLength": max_chars,
        "pattern": r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$",
        "description": format!(
            "{what}: multi-line text, trimmed, at most {max_chars} characters after trimming; blank means none. \
             Control characters other than tab, line feed and carriage return are refused with 400 invalid_field."
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Through the JSON Schema engine, as a validator reads the document.
    fn accepts(schema: &Value, text: &str) -> bool {
        jsonschema::draft202012::new(schema)
            .unwrap()
            .is_valid(&json!(text))
    }

    #[test]
    fn single_line_text_needs_a_visible_character_and_no_control_character() {
        let title = single_line(5, "title");
        for good in [
            "a",
            "abcde",
            "  abcde  ",
            "\u{3000}a b\u{a0}",
            "é😀",
            "a\u{2028}b",
            "\ta\r\n",
        ] {
            assert!(accepts(&title, good), "{good:?}");
        }
        for bad in [
            "", " ", "\u{3000}", "\n", "abcdef", "a\tb", "a\u{b}", "\u{0}", "a\u{7f}", "a\u{85}b",
            "a\u{85}", "\u{9f}",
        ] {
            assert!(!accepts(&title, bad), "{bad:?}");
        }
    }

    #[test]
    fn multi_line_text_allows_tab_and_line_breaks_only() {
        let description = multi_line(10, "description");
        for good in ["", "   ", "a\tb\r\nc", "x\u{2028}"] {
            assert!(accepts(&description, good), "{good:?}");
        }
        for bad in [
            "\u{0}",
            "a\u{b}",
            "\u{1b}[0m",
            "\u{85}",
            "a".repeat(11).as_str(),
        ] {
            assert!(!accepts(&description, bad), "{bad:?}");
        }
    }

    #[test]
    fn parameter_text_has_no_control_character_and_may_be_blank() {
        let optional = json!({ "type": "string", "pattern": parameter_text_pattern(3, true) });
        for good in ["", "  ", "abc", " abc "] {
            assert!(accepts(&optional, good), "{good:?}");
        }
        for bad in ["abcd", "\t", "a\n", "a\u{0}"] {
            assert!(!accepts(&optional, bad), "{bad:?}");
        }
        let required = json!({ "type": "string", "pattern": parameter_text_pattern(3, false) });
        assert!(accepts(&required, " a "));
        assert!(!accepts(&required, " "));
    }

    #[test]
    fn parameters_refuse_every_control_character() {
        let schema = json!({ "type": "string", "pattern": no_control_characters_pattern() });
        assert!(accepts(&schema, "ann, bob ü"));
        for bad in ["\u{0}", "a\tb", "\u{7f}", "\u{9f}"] {
            assert!(!accepts(&schema, bad), "{bad:?}");
        }
    }
}
