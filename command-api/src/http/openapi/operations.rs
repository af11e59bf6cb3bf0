//! The command operations: their headers and path parameter, and every
//! status each one can answer with the error codes it carries.

use platform::openapi::{
    actor_header, body_refusals, error_response, guard_refusals, tenant_header,
};
use serde_json::{Map, Value, json};

/// Visible ASCII (what `RequestContext` accepts), trimmed by the service:
/// `inner` characters between two visible ones, spaces and tabs around.
fn visible_ascii(max_chars: usize) -> String {
    let inner = max_chars.saturating_sub(2);
    format!(r"^[\t ]*(?:[!-~](?:[\t -~]{{0,{inner}}}[!-~])?)?[\t ]*$")
}

fn header(name: &str, schema: Value, description: &str) -> Value {
    json!({ "name": name, "in": "header", "required": false, "schema": schema, "description": description })
}

/// The headers and parameters of a command; `with_id` for the commands on
/// an existing task (`/v1/tasks/{id}/...`).
pub fn parameters(with_id: bool) -> Value {
    let mut parameters = Vec::new();
    if with_id {
        parameters.push(json!({ "name": "id", "in": "path", "required": true,
            "schema": { "type": "string", "format": "uuid" }, "description": "The task id; anything else is 400 invalid_parameter." }));
    }
    parameters.extend([
        header("Idempotency-Key", json!({ "type": "string", "pattern": visible_ascii(255) }),
            "1-255 visible ASCII characters. Makes retries safe: a retry returns the first answer (with `Idempotent-Replayed: true`) and appends nothing, also after restarts and failovers. A key belongs to the tenant: the same key with another command, on any of its tasks, is 422 idempotency_key_reused. An empty value is the same as none."),
        header("If-Match", json!({ "type": "string", "pattern": r#"^[\t ]*(?:\*|(?:W/)?(?:"\+?[0-9]{1,19}"|\+?[0-9]{1,19}))?[\t ]*$"#, "examples": ["\"3\""] }),
            "The version the command expects, as an entity tag (`\"3\"`, `W/\"3\"`, or a bare 3); `*` or none expects nothing in particular. A stale one is 412 version_mismatch and appends nothing. On a create, `\"0\"` asserts that the task does not exist yet."),
        tenant_header("the task and its events"),
        actor_header(),
        header("X-Correlation-Id", json!({ "type": "string", "pattern": r"^[\t -~]*$" }),
            "Visible ASCII; goes into the events' envelope. Defaults to the request id."),
        header("X-Request-Id", json!({ "type": "string" }),
            "Echoed in the response (when 1-128 visible characters, else a new one is generated) and in every log line of the request."),
    ]);
    Value::Array(parameters)
}

/// The answers of a command. `success` is 201 for create, 200 otherwise;
/// `conflicts` are the domain rules (409) the command can break.
pub fn responses(success: &str, conflicts: &[&str]) -> Value {
    let mut responses = Map::new();
    responses.insert(success.to_owned(), json!({
        "description": if success == "201" { "Created: appended and committed" } else { "Done: appended and committed, or nothing to change (the current version, nothing appended)" },
        "headers": {
            "ETag": { "required": true, "schema": { "type": "string", "pattern": "^\"[0-9]+\"$" }, "description": "\"<version>\"" },
            "Idempotent-Replayed": { "schema": { "const": "true" }, "description": "Present on the replay of an Idempotency-Key: the first answer, nothing appended." },
            "X-Request-Id": { "$ref": "#/components/headers/RequestId" }
        },
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/CommandAccepted" } } }
    }));
    let own = [
        (
            "400",
            error_response(
                "The request itself is wrong: malformed_json (not JSON, or a lone surrogate), invalid_field (details.field names the field: missing, unknown, wrongly typed, or breaking its text rule), invalid_header (details.header), invalid_parameter (the id), malformed_request (not valid HTTP/1.1, e.g. a bad Content-Length).",
                &[
                    "malformed_json",
                    "invalid_field",
                    "invalid_header",
                    "invalid_parameter",
                    "malformed_request",
                ],
            ),
        ),
        (
            "404",
            error_response(
                "No such task for this tenant. Another tenant's task answers exactly like a task that does not exist, a create with another tenant's task id included.",
                &["task_not_found"],
            ),
        ),
        (
            "409",
            error_response("Refused by a domain rule; the code names it.", conflicts),
        ),
        (
            "412",
            error_response(
                "If-Match is stale: details.current_version is the task's version. Nothing appended.",
                &["version_mismatch"],
            ),
        ),
        (
            "422",
            error_response(
                "The Idempotency-Key was used before with a different command (on this task or another of the tenant's).",
                &["idempotency_key_reused"],
            ),
        ),
        ("503", {
            let mut response = error_response(
                "The task's partition is changing owner and no owner took the command in time (COMMAND_TIMEOUT_MS). Without an Idempotency-Key it may or may not have been appended; retry with one.",
                &["partition_unavailable"],
            );
            response["headers"]["Retry-After"] =
                json!({ "$ref": "#/components/headers/RetryAfter" });
            response
        }),
    ];
    for (status, response) in own
        .into_iter()
        .chain(guard_refusals())
        .chain(body_refusals())
    {
        responses.insert(status.to_owned(), response);
    }
    Value::Object(responses)
}
