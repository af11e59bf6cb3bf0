//! Due dates in command bodies must be exactly `YYYY-MM-DD`.
//!
//! chrono's own parser is more lenient (signed or 5+-digit years, single-digit months)
//! and would let through dates that the event schema (`format: date`) rejects.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

/// `null` → `None`; a string must be a real calendar date written `YYYY-MM-DD`.
pub(super) fn nullable<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<NaiveDate>, D::Error> {
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    parse(&text).map(Some).ok_or_else(|| {
        serde::de::Error::custom(format!("invalid date {text:?}, expected YYYY-MM-DD"))
    })
}

fn parse(text: &str) -> Option<NaiveDate> {
    let has_shape = text.len() == 10
        && text.bytes().enumerate().all(|(index, byte)| match index {
            4 | 7 => byte == b'-',
            _ => byte.is_ascii_digit(),
        });
    has_shape.then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_calendar_dates_in_iso_format() {
        assert_eq!(parse("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(parse("0000-01-01"), NaiveDate::from_ymd_opt(0, 1, 1));
        for bad in [
            "2023-02-29",
            "2024-1-05",
            "+2024-01-05",
            "12024-01-01",
            "2024/01/05",
            "2024-01-05T00:00:00Z",
            "",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
