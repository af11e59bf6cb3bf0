//! The contract of the operators' actions (scope `ops:admin`): rebuild,
//! rollback and drop of versions, and the parked events with their retry
//! and skip. Part of `GET /openapi.json`.

use platform::auth::SCOPE_OPS_ADMIN;
use platform::openapi::{body_refusals, error_response, guard_refusals, requires};
use serde_json::{Map, Value, json};

fn nullable(schema: Value) -> Value {
    json!({ "anyOf": [schema, { "type": "null" }] })
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn string_parameter(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "description": description, "schema": { "type": "string" } })
}

fn integer_parameter(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "description": description,
            "schema": { "type": "integer", "minimum": 0, "maximum": 4_294_967_295_u64 } })
}

/// An operation's responses: its success, its refusals by status and the
/// refusals every protected route can meet (the projector is not rate
/// limited, so no 429).
fn responses(
    success: (&str, &str, &str),
    refusals: &[(&str, &str, &[&str])],
    reads_body: bool,
) -> Value {
    let (status, description, schema) = success;
    let mut responses = Map::new();
    responses.insert(
        status.into(),
        json!({ "description": description,
        "content": { "application/json": { "schema": schema_ref(schema) } } }),
    );
    for (status, description, codes) in refusals {
        responses.insert((*status).into(), error_response(description, codes));
    }
    let mut guards = guard_refusals();
    if reads_body {
        guards.extend(body_refusals());
    }
    for (status, response) in guards {
        if status != "429" && !responses.contains_key(status) {
            responses.insert(status.to_owned(), response);
        }
    }
    Value::Object(responses)
}

const UNAVAILABLE: (&str, &str, &[&str]) = (
    "503",
    "PostgreSQL or Kafka did not answer",
    &["database_unavailable", "kafka_unavailable"],
);

fn operation(
    id: &str,
    summary: &str,
    description: &str,
    parameters: Vec<Value>,
    responses: Value,
) -> Value {
    json!({
        "operationId": id, "summary": summary, "description": description,
        "tags": ["projections"], "security": requires(SCOPE_OPS_ADMIN),
        "parameters": parameters, "responses": responses
    })
}

pub fn paths() -> Map<String, Value> {
    let name = || string_parameter("name", "The projection (`tasks`), not one of its versions.");
    let id = || integer_parameter("id", "The parked event's id.");
    let not_parked: (&str, &str, &[&str]) = (
        "409",
        "The event is not parked any more, or waits behind an earlier parked event of its stream",
        &["not_parked", "not_first_of_stream", "other_projection"],
    );
    let unknown_event: (&str, &str, &[&str]) = (
        "404",
        "No parked event has this id in the caller's tenant",
        &["parked_event_not_found", "not_found"],
    );
    let mut paths = Map::new();
    paths.insert("/v1/projections/{name}/rebuild".into(), json!({ "post": operation(
        "rebuildProjection",
        "Build the next version beside the live one, from the start of the log",
        "Creates version max+1 with empty tables, marked building; the serving projectors pick it up within a second and switch the query API to it once it has caught up (`PROJECTOR_SWITCH_MAX_LAG`). Follow it on `GET /v1/projections`. The CLI's `projector rebuild --no-wait`.",
        vec![name()],
        responses(("202", "The rebuild has started", "Rebuilding"), &[
            ("404", "No projection has this name", &["projection_not_found", "not_found"]),
            ("409", "A rebuild is already building, or the projection has no live version", &["rebuild_in_progress", "no_live_version"]),
            UNAVAILABLE,
        ], false),
    ) }));
    paths.insert("/v1/projections/{name}/rollback".into(), json!({ "post": operation(
        "rollbackProjection",
        "Switch the query API back to the version that was live before",
        "The standby version that was live last serves again; the current one becomes standby. The CLI's `projector rollback`.",
        vec![name()],
        responses(("200", "Switched", "Switched"), &[
            ("404", "No projection has this name", &["projection_not_found", "version_not_found", "not_found"]),
            ("409", "Nothing to roll back to, or the standby version has not caught up", &["nothing_to_roll_back_to", "not_caught_up", "wrong_role", "no_live_version"]),
            UNAVAILABLE,
        ], false),
    ) }));
    paths.insert("/v1/projections/{name}/versions/{version}/drop".into(), json!({ "post": operation(
        "dropProjectionVersion",
        "Delete a version that is not live",
        "Marks the version dropped, waits (at most 30 s) for the projectors to stop consuming it, then deletes its tables, checkpoints, parked events and consumer groups. Within the grace period after a switch it is refused unless `force=true`. The CLI's `projector drop`.",
        vec![name(), integer_parameter("version", "The version number (`1` for tasks.v1)."),
             json!({ "name": "force", "in": "query", "required": false, "schema": { "type": "boolean" },
                     "description": "Drop even within the grace period after a switch." })],
        responses(("200", "Dropped", "DroppedVersion"), &[
            ("400", "An invalid parameter", &["invalid_parameter"]),
            ("404", "No such projection or version", &["projection_not_found", "version_not_found", "not_found"]),
            ("409", "The version is live, or was serving moments ago", &["version_is_live", "too_soon", "wrong_role", "nothing_to_drop", "which_version"]),
            UNAVAILABLE,
        ], false),
    ) }));
    paths.insert("/v1/parked".into(), json!({ "get": operation(
        "listParkedEvents",
        "Parked events of the caller's tenant: the error and the payload",
        "Oldest first. An event's payload is shown only to its own tenant; an event whose tenant cannot be read (bytes that are not an envelope) is listed for every operator with `payload: null`. The CLI's `projector parked list`.",
        vec![
            json!({ "name": "projection", "in": "query", "required": false, "schema": { "type": "string" }, "description": "A projection version, `tasks.v2`." }),
            json!({ "name": "status", "in": "query", "required": false, "schema": { "type": "string", "enum": ["parked", "all"], "default": "parked" }, "description": "`all` adds the retried and skipped events." }),
        ],
        responses(("200", "The parked events", "ParkedEvents"), &[
            ("400", "An invalid parameter", &["invalid_parameter"]),
            UNAVAILABLE,
        ], false),
    ) }));
    paths.insert("/v1/parked/{id}/retry".into(), json!({ "post": operation(
        "retryParkedEvent",
        "Re-apply the parked events of this event's stream, in log order",
        "From the stream's first parked event; stops at the first that still fails, which keeps its place with the new error (`still_parked`). The CLI's `projector parked retry`.",
        vec![id()],
        responses(("200", "What the retry applied, and what is still parked", "Released"), &[
            unknown_event, not_parked, UNAVAILABLE,
        ], false),
    ) }));
    let mut skip = operation(
        "skipParkedEvent",
        "Set the stream's first parked event aside, and re-apply the events behind it",
        "Who skipped it and why are kept with the event. The CLI's `projector parked skip`.",
        vec![id()],
        responses(
            (
                "200",
                "What the skip released, and what is still parked",
                "Released",
            ),
            &[
                (
                    "400",
                    "`by` or `reason` is missing or not one line, or the body is not JSON",
                    &["invalid_field", "malformed_json"],
                ),
                unknown_event,
                not_parked,
                UNAVAILABLE,
            ],
            true,
        ),
    );
    skip["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": schema_ref("Skip") } } });
    paths.insert("/v1/parked/{id}/skip".into(), json!({ "post": skip }));
    paths
}

/// One line of text with something besides spaces: no control character
/// (what `parked::required_text` accepts).
fn one_line(description: &str) -> Value {
    const TEXT: &str = r"[^\u0000-\u001f\u007f-\u009f]";
    const VISIBLE: &str = r"[^\s\u0000-\u001f\u007f-\u009f]";
    json!({ "type": "string", "minLength": 1, "maxLength": 500, "description": description,
            "pattern": format!("^{TEXT}*{VISIBLE}{TEXT}*$") })
}

pub fn schemas() -> Vec<(&'static str, Value)> {
    let integer = || json!({ "type": "integer" });
    let text = || json!({ "type": "string" });
    let time = || json!({ "type": "string", "format": "date-time" });
    vec![
        (
            "Rebuilding",
            json!({
                "type": "object", "additionalProperties": false,
                "required": ["name", "version", "live", "building", "groups"],
                "properties": {
                    "name": text(), "version": integer(), "live": integer(),
                    "building": { "type": "string", "examples": ["tasks.v3"] },
                    "groups": { "type": "array", "items": text() }
                }
            }),
        ),
        (
            "Switched",
            json!({
                "type": "object", "additionalProperties": false, "required": ["name", "from", "to"],
                "properties": { "name": text(), "from": integer(), "to": integer() }
            }),
        ),
        (
            "DroppedVersion",
            json!({
                "type": "object", "additionalProperties": false, "required": ["dropped", "was", "groups_left"],
                "properties": {
                    "dropped": { "type": "string", "examples": ["tasks.v1"] },
                    "was": { "type": "string", "enum": ["building", "live", "standby", "dropped"] },
                    "groups_left": { "type": "array", "items": text(), "description": "Consumer groups that could not be deleted." }
                }
            }),
        ),
        (
            "ParkedEvent",
            json!({
                "type": "object", "additionalProperties": false,
                "required": ["id", "projection", "topic", "partition", "offset", "stream_id", "error", "headers", "parked_at", "status", "skipped_by", "skip_reason", "resolved_at", "payload"],
                "properties": {
                    "id": integer(), "projection": text(), "topic": text(), "partition": integer(), "offset": integer(),
                    "stream_id": nullable(text()), "error": text(), "headers": {},
                    "parked_at": time(), "status": text(),
                    "skipped_by": nullable(text()), "skip_reason": nullable(text()), "resolved_at": nullable(time()),
                    "payload": { "description": "The record's value: its JSON, or its text when it is not JSON; null when withheld or absent." }
                }
            }),
        ),
        (
            "ParkedEvents",
            json!({
                "type": "object", "additionalProperties": false, "required": ["parked"],
                "properties": { "parked": { "type": "array", "items": schema_ref("ParkedEvent") } }
            }),
        ),
        (
            "Released",
            json!({
                "type": "object", "additionalProperties": false,
                "required": ["projection", "stream_id", "skipped", "applied", "still_parked", "waiting"],
                "properties": {
                    "projection": text(), "stream_id": nullable(text()),
                    "skipped": nullable(integer()),
                    "applied": { "type": "array", "items": integer(), "description": "The parked events applied, in log order." },
                    "still_parked": nullable(json!({
                        "type": "object", "additionalProperties": false, "required": ["id", "offset", "error"],
                        "properties": { "id": integer(), "offset": integer(), "error": text() }
                    })),
                    "waiting": { "type": "integer", "minimum": 0, "description": "Events of the stream still parked." }
                }
            }),
        ),
        (
            "Skip",
            json!({
                "type": "object", "required": ["by", "reason"],
                "properties": {
                    "by": one_line("Who skips it."),
                    "reason": one_line("Why.")
                }
            }),
        ),
    ]
}
