//! The query API's parameters, as `params.rs`, `tenant.rs` and
//! `consistency/request.rs` read them: values are trimmed, an empty one is
//! the same as none, a control character anywhere is 400 invalid_parameter,
//! unknown or repeated parameters are 400 too.

use events::task::{Priority, TaskStatus, rules};
use platform::openapi::tenant_header;
use platform::openapi::text::{blank_pattern, parameter_text_pattern};
use platform::position::MAX_POSITIONS;
use serde_json::{Value, json};

use crate::http::projects;
use crate::http::tasks::MAX_QUERY_CHARS;

fn parameter(name: &str, location: &str, schema: Value, description: &str) -> Value {
    json!({ "name": name, "in": location, "required": location == "path", "schema": schema, "description": description })
}

/// A comma-separated list of `values` (blanks between commas ignored).
fn list_of(values: &[&str]) -> Value {
    let one = format!("(?:{})", values.join("|"));
    json!({ "type": "string", "pattern": format!("^ *{one}? *(?:, *{one}? *)*$") })
}

/// Text of at most `max_chars` characters after trimming, none of them a
/// control character; blank is the same as absent.
fn bounded_text(max_chars: usize) -> Value {
    json!({ "type": "string", "pattern": parameter_text_pattern(max_chars, true) })
}

pub fn task_id() -> Value {
    parameter(
        "id",
        "path",
        json!({ "type": "string", "format": "uuid" }),
        "The task id; anything else is 400 invalid_parameter.",
    )
}

pub fn project_id() -> Value {
    parameter(
        "id",
        "path",
        json!({ "type": "string", "format": "uuid" }),
        "The project id; anything else is 400 invalid_parameter.",
    )
}

/// One position (`topic:partition:offset`), or several joined by commas,
/// blanks around each allowed; blank as a whole is the same as none.
pub fn token_pattern() -> String {
    let position = "[^,\\u0000-\\u001F\\u007F-\\u009F]+:[0-9]+:[0-9]+";
    format!("^(?: *{position} *(?:, *{position} *)*)?$")
}

/// The consistency and tenant parameters every read takes.
pub fn common() -> Vec<Value> {
    let token = || {
        json!({ "type": "string", "pattern": token_pattern(),
                "description": format!("Opaque positions: pass exactly the `position` a command answered, or the positions of several commands joined with commas (at most {MAX_POSITIONS}). Today each reads topic:partition:offset.") })
    };
    // Blank is the same as absent (an empty header, `consistency_timeout_ms=`).
    let timeout = || {
        json!({ "anyOf": [
            { "type": "integer", "minimum": 0, "maximum": u64::MAX },
            { "type": "string", "pattern": blank_pattern() }
        ] })
    };
    vec![
        tenant_header("the data read"),
        parameter(
            "X-Consistency-Token",
            "header",
            token(),
            "Read-your-writes: the `position` the command API answered, or the positions of several commands joined with commas (`events.projects:0:5,events.tasks:3:12`; a partition named twice counts at its highest offset). The read waits (bounded) until the projection it reads has applied every position on the topics that projection reads, then says `X-Consistency: consistent`; a position on a topic it does not read is already satisfied (that view shows nothing from it). If a wait runs out it answers with what it has and `X-Consistency: stale`; else if the event at a position is parked, `X-Consistency: parked`. A token with a position outside the event topics this API knows (EVENTS_TOPIC_PREFIX + tasks, + projects), more than 64 positions, or a position it waits for that names a partition its topic does not have or an offset beyond the partition's end is 400 at once (invalid_header; invalid_parameter for the query parameter).",
        ),
        parameter(
            "consistency_token",
            "query",
            token(),
            "Same as X-Consistency-Token, which wins when both are sent.",
        ),
        parameter(
            "X-Consistency-Timeout-Ms",
            "header",
            timeout(),
            "Longest wait for the token in milliseconds (default QUERY_CONSISTENCY_WAIT_MS, 2000); larger values are cut to QUERY_CONSISTENCY_MAX_WAIT_MS (10000).",
        ),
        parameter(
            "consistency_timeout_ms",
            "query",
            timeout(),
            "Same as X-Consistency-Timeout-Ms.",
        ),
    ]
}

pub fn cursor() -> Value {
    parameter(
        "cursor",
        "query",
        json!({ "type": "string", "pattern": "^ *[A-Za-z0-9_-]* *$" }),
        "Opaque: the `next_cursor` of the previous page, with the same sort. Anything else is 400 invalid_parameter.",
    )
}

pub fn limit() -> Value {
    parameter(
        "limit",
        "query",
        json!({ "type": "integer", "minimum": 1, "maximum": 200, "default": 50 }),
        "Page size.",
    )
}

pub fn list_filters() -> Vec<Value> {
    let statuses = TaskStatus::ALL.map(TaskStatus::as_str);
    let priorities = Priority::ALL.map(Priority::as_str);
    vec![
        parameter(
            "status",
            "query",
            list_of(&statuses),
            &format!("{}; comma-separated for several.", statuses.join(", ")),
        ),
        parameter(
            "priority",
            "query",
            list_of(&priorities),
            &format!("{}; comma-separated for several.", priorities.join(", ")),
        ),
        parameter(
            "assignee",
            "query",
            bounded_text(rules::ASSIGNEE_MAX_CHARS),
            "Exactly this assignee (after trimming).",
        ),
        parameter(
            "project_id",
            "query",
            json!({ "type": "string", "format": "uuid" }),
            "Tasks in this project.",
        ),
        parameter(
            "tag",
            "query",
            json!({ "type": "string", "pattern": parameter_text_pattern(rules::TAG_MAX_CHARS, false) }),
            &format!(
                "Tasks carrying the tag; repeat it (at most {}) for tasks carrying every one of them. Each is 1 to {} characters after trimming.",
                rules::MAX_TAGS,
                rules::TAG_MAX_CHARS
            ),
        ),
        parameter(
            "due_before",
            "query",
            date(),
            "Due strictly before this date.",
        ),
        parameter(
            "due_after",
            "query",
            date(),
            "Due strictly after this date.",
        ),
        parameter(
            "q",
            "query",
            title_query(),
            &format!(
                "Title search: every word of q (runs of letters and digits) starts a word of the title, case-insensitively. At most {MAX_QUERY_CHARS} characters after trimming; it must hold a letter or a digit."
            ),
        ),
        parameter(
            "sort",
            "query",
            json!({ "type": "string", "enum": ["-created_at", "created_at"], "default": "-created_at" }),
            "Newest or oldest first.",
        ),
    ]
}

/// `GET /v1/projects`: one status, trimmed; blank is the same as none.
pub fn project_filters() -> Vec<Value> {
    let statuses = projects::statuses();
    vec![parameter(
        "status",
        "query",
        json!({ "type": "string", "pattern": format!("^ *(?:{})? *$", statuses.join("|")) }),
        &format!("Only projects with this status: {}.", statuses.join(" or ")),
    )]
}

pub fn stats_range() -> Vec<Value> {
    vec![
        parameter(
            "from",
            "query",
            date(),
            "First day of completions_per_day; not after `to`.",
        ),
        parameter("to", "query", date(), "Last day of completions_per_day."),
    ]
}

/// A date, or blank (the same as absent, like every parameter).
fn date() -> Value {
    json!({ "anyOf": [
        { "type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" },
        { "type": "string", "pattern": blank_pattern() }
    ] })
}

/// `q`: no control character, at most 200 characters after trimming, and
/// (unless blank) a letter or a digit. The service takes any Unicode letter
/// or digit; the pattern asks for an ASCII one, which portable regular
/// expressions can name (see docs/api-contract.md).
fn title_query() -> Value {
    json!({ "type": "string", "pattern": parameter_text_pattern(MAX_QUERY_CHARS, true),
            "anyOf": [{ "pattern": blank_pattern() }, { "pattern": "[0-9A-Za-z]" }] })
}
