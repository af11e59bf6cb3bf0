//! The field rules of a task, shared by command parsing (so a bad value is an HTTP 400
//! before any state is loaded) and by `decide` (defensively, for commands built in code).
//!
//! Lengths count Unicode scalar values (`char`s), the same unit JSON Schema's
//! `minLength`/`maxLength` use, so the schemas in the `schemas` crate agree with these.

use chrono::{Datelike, NaiveDate};

use super::TaskError;
use crate::text::{trimmed_free_text, trimmed_single_line};

pub const TITLE_MAX_CHARS: usize = 200;
pub const DESCRIPTION_MAX_CHARS: usize = 10_000;
pub const ASSIGNEE_MAX_CHARS: usize = 100;
pub const TAG_MAX_CHARS: usize = 40;
pub const MAX_TAGS: usize = 20;
/// Years that fit the wire format `YYYY-MM-DD` (JSON Schema `format: date`).
pub const DUE_DATE_YEARS: std::ops::RangeInclusive<i32> = 0..=9999;

/// Trims; the result must be 1 to [`TITLE_MAX_CHARS`] characters.
pub fn normalize_title(title: &str) -> Result<String, TaskError> {
    trimmed_single_line(title, TITLE_MAX_CHARS).ok_or(TaskError::InvalidTitle)
}

/// Trims; a blank description means "no description". At most [`DESCRIPTION_MAX_CHARS`].
pub fn normalize_description(description: Option<&str>) -> Result<Option<String>, TaskError> {
    trimmed_free_text(description, DESCRIPTION_MAX_CHARS).map_err(|_| TaskError::InvalidDescription)
}

/// Trims; the result must be 1 to [`ASSIGNEE_MAX_CHARS`] characters.
pub fn normalize_assignee(assignee: &str) -> Result<String, TaskError> {
    trimmed_single_line(assignee, ASSIGNEE_MAX_CHARS).ok_or(TaskError::InvalidAssignee)
}

/// Trims; the result must be 1 to [`TAG_MAX_CHARS`] characters. `field` is the field the
/// error should blame: `"tag"` for add/remove-tag, `"tags"` for create.
pub fn normalize_tag(tag: &str, field: &'static str) -> Result<String, TaskError> {
    trimmed_single_line(tag, TAG_MAX_CHARS).ok_or(TaskError::InvalidTag { field })
}

/// Trims each tag and drops duplicates, keeping first occurrences in order; at most
/// [`MAX_TAGS`] distinct tags remain allowed.
pub fn normalize_tags(tags: &[String]) -> Result<Vec<String>, TaskError> {
    let mut distinct: Vec<String> = Vec::with_capacity(tags.len().min(MAX_TAGS));
    for tag in tags {
        let tag = normalize_tag(tag, "tags")?;
        if !distinct.contains(&tag) {
            distinct.push(tag);
        }
    }
    if distinct.len() > MAX_TAGS {
        return Err(TaskError::TooManyTags);
    }
    Ok(distinct)
}

/// Years outside [`DUE_DATE_YEARS`] cannot be written as `YYYY-MM-DD`.
pub fn check_due_date(due_date: Option<NaiveDate>) -> Result<Option<NaiveDate>, TaskError> {
    match due_date {
        Some(date) if !DUE_DATE_YEARS.contains(&date.year()) => Err(TaskError::InvalidDueDate),
        _ => Ok(due_date),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_is_trimmed_and_bounded_in_characters_not_bytes() {
        assert_eq!(normalize_title("  Buy milk \n").unwrap(), "Buy milk");
        assert_eq!(
            normalize_title(&"é".repeat(TITLE_MAX_CHARS))
                .unwrap()
                .chars()
                .count(),
            200
        );
        assert_eq!(
            normalize_title(&"é".repeat(TITLE_MAX_CHARS + 1)),
            Err(TaskError::InvalidTitle)
        );
        assert_eq!(normalize_title("   "), Err(TaskError::InvalidTitle));
    }

    #[test]
    fn names_are_single_line_and_descriptions_multi_line() {
        assert_eq!(normalize_title("a\u{0}b"), Err(TaskError::InvalidTitle));
        assert_eq!(normalize_title("a\nb"), Err(TaskError::InvalidTitle));
        assert_eq!(
            normalize_assignee("ann\u{1b}"),
            Err(TaskError::InvalidAssignee)
        );
        assert!(normalize_tag("t\tx", "tag").is_err());
        assert_eq!(
            normalize_description(Some("line 1\n\tline 2"))
                .unwrap()
                .as_deref(),
            Some("line 1\n\tline 2")
        );
        assert_eq!(
            normalize_description(Some("nul \u{0} here")),
            Err(TaskError::InvalidDescription)
        );
    }

    #[test]
    fn blank_description_is_none() {
        assert_eq!(normalize_description(Some("  ")).unwrap(), None);
        assert_eq!(normalize_description(None).unwrap(), None);
        assert_eq!(
            normalize_description(Some(" x ")).unwrap().as_deref(),
            Some("x")
        );
    }

    #[test]
    fn description_is_bounded() {
        let longest = "d".repeat(DESCRIPTION_MAX_CHARS);
        assert!(normalize_description(Some(&longest)).is_ok());
        assert_eq!(
            normalize_description(Some(&format!("{longest}d"))),
            Err(TaskError::InvalidDescription)
        );
    }

    #[test]
    fn tags_are_trimmed_and_deduplicated_in_order() {
        let tags = ["b", " a ", "b", "a"].map(String::from);
        assert_eq!(normalize_tags(&tags).unwrap(), ["b", "a"]);
    }

    #[test]
    fn twenty_distinct_tags_are_fine_even_with_duplicates() {
        let mut tags: Vec<String> = (0..MAX_TAGS).map(|i| format!("t{i}")).collect();
        tags.push("t0".into());
        assert_eq!(normalize_tags(&tags).unwrap().len(), MAX_TAGS);
    }

    #[test]
    fn due_date_must_fit_four_digit_years() {
        let far = NaiveDate::from_ymd_opt(10_000, 1, 1);
        assert_eq!(check_due_date(far), Err(TaskError::InvalidDueDate));
        let near = NaiveDate::from_ymd_opt(2030, 1, 1);
        assert_eq!(check_due_date(near), Ok(near));
    }
}
