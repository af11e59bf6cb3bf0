//! The command operations of any aggregate: their headers and path
//! parameter, and every status each one can answer with the error codes it
//! carries. Only the nouns differ between aggregates.

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

/// How the operations of one aggregate name what they act on.
pub struct Nouns<'a> {
    /// The stream type, e.g. `task`.
    pub one: &'a str,
    /// The topic name, e.g. `tasks`.
    pub many: &'a str,
    /// The code of the aggregate's "not found" refusal (404).
    pub not_found: &'a str,
    /// The component schema of a success body.
    pub accepted_schema: &'a str,
}

fn header(name: &str, schema: Value, description: &str) -> Value {
    json!({ "name": name, "in": "header", "required": false, "schema": schema, "description": description })
}

/// The headers and parameters of a command; `with_id` for the commands on
/// an existing stream (`/v1/<topic>/{id}/...`).
pub fn parameters(with_id: bool, nouns: &Nouns) -> Value {
    let Nouns { one, many, .. } = nouns;
    let mut parameters = Vec::new();
    if with_id {
        parameters.push(json!({ "name": "id", "in": "path", "required": true,
            "schema": { "type": "string", "format": "uuid" }, "description": format!("The {one} id; anything else is 400 invalid_parameter.") }));
    }
    parameters.extend([
        header("Idempotency-Key", json!({ "type": "string", "pattern": visible_ascii(255) }),
            &format!("1-255 visible ASCII characters. Makes retries safe: a retry returns the first answer (with `Idempotent-Replayed: true`) and appends nothing, also after restarts and failovers. A key belongs to the tenant: the same key with another command, on any of its {many}, is 422 idempotency_key_reused. An empty value is the same as none.")),
        header("If-Match", json!({ "type": "string", "pattern": r#"^[\t ]*(?:\*|(?:W/)?(?:"\+?[0-9]{1,19}"|\+?[0-9]{1,19}))?[\t ]*$"#, "examples": ["\"3\""] }),
            &format!("The version the command expects, as an entity tag (`\"3\"`, `W/\"3\"`, or a bare 3); `*` or none expects nothing in particular. A stale one is 412 version_mismatch and appends nothing. On a create, `\"0\"` asserts that the {one} does not exist yet.")),
        tenant_header(&format!("the {one} and its events")),
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
pub fn responses(success: &str, conflicts: &[&str], nouns: &Nouns) -> Value {
    let Nouns {
        one,
        not_found,
        accepted_schema,
        ..
    } = nouns;
    let mut responses = Map::new();
    responses.insert(success.to_owned(), json!({
        "description": if success == "201" { "Created: appended and committed" } else { "Done: appended and committed, or nothing to change (the current version, nothing appended)" },
        "headers": {
            "ETag": { "required": true, "schema": { "type": "string", "pattern": "^\"[0-9]+\"$" }, "description": "\"<version>\"" },
            "Idempotent-Replayed": { "schema": { "const": "true" }, "description": "Present on the replay of an Idempotency-Key: the first answer, nothing appended." },
            "X-Request-Id": { "$ref": "#/components/headers/RequestId" }
        },
        "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{accepted_schema}") } } }
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
                &format!(
                    "No such {one} for this tenant. Another tenant's {one} answers exactly like a {one} that does not exist, a create with another tenant's {one} id included."
                ),
                &[not_found],
            ),
        ),
        (
            "409",
            error_response("Refused by a domain rule; the code names it.", conflicts),
        ),
        (
            "412",
            error_response(
                &format!(
                    "If-Match is stale: details.current_version is the {one}'s version. Nothing appended."
                ),
                &["version_mismatch"],
            ),
        ),
        (
            "422",
            error_response(
                &format!(
                    "The Idempotency-Key was used before with a different command (on this {one} or another of the tenant's)."
                ),
                &["idempotency_key_reused"],
            ),
        ),
        ("503", {
            let mut response = error_response(
                &format!(
                    "The {one}'s partition is changing owner and no owner took the command in time (COMMAND_TIMEOUT_MS), or (`details.outcome: \"unknown\"`) a writer or owner failed while the command was being committed. Without an Idempotency-Key it may or may not have been appended; retry with one."
                ),
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
