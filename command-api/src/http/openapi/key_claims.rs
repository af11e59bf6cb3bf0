//! The contract of `POST /internal/v1/<topic>/key-claims`, the route
//! instances claim idempotency keys on from each other (see `writer::key_claims`).

use platform::openapi::{body_refusals, error_response, guard_refusals, tenant_header};
use serde_json::{Map, Value, json};

pub fn key_claim_path(topic_name: &str) -> Value {
    let mut responses = Map::new();
    responses.insert(
        "201".into(),
        json!({ "description": "This request bound the key to the stream" }),
    );
    responses.insert(
        "204".into(),
        json!({ "description": "The key already was the stream's; with `release`, it is no longer (or never was)" }),
    );
    let own = [
        (
            "400",
            error_response(
                "malformed_json, invalid_field (details.field: stream_id missing, not a UUID, or another field), invalid_header (no Idempotency-Key, or a malformed one), malformed_request.",
                &[
                    "malformed_json",
                    "invalid_field",
                    "invalid_header",
                    "malformed_request",
                ],
            ),
        ),
        (
            "422",
            error_response(
                "Another stream of the tenant has this key (within IDEMPOTENCY_KEY_RETENTION).",
                &["idempotency_key_reused"],
            ),
        ),
        (
            "503",
            error_response(
                "This instance does not own the key's partition (or it is restoring); nothing was claimed.",
                &["partition_unavailable"],
            ),
        ),
    ];
    for (status, response) in own
        .into_iter()
        .chain(guard_refusals())
        .chain(body_refusals())
    {
        responses.insert(status.to_owned(), response);
    }
    json!({ "post": {
        "operationId": format!("claim{}IdempotencyKey", capitalized(topic_name)),
        "summary": "Claims an idempotency key for a stream (between instances)",
        "description": format!("Internal: the instance a client called asks the owner of the key's partition to bind the tenant's `Idempotency-Key` to a stream of {topic_name}, before the command itself goes to the stream's writer. One writer decides each key, so two first uses of a key on two streams cannot both succeed. Clients never need it; it takes the command's token (scope `commands:write`) and headers."),
        "tags": ["commands"],
        "parameters": [
            { "name": "Idempotency-Key", "in": "header", "required": true, "schema": { "type": "string", "minLength": 1, "maxLength": 255 }, "description": "The key to claim." },
            tenant_header("the claim")
        ],
        "requestBody": { "required": true, "content": { "application/json": { "schema": {
            "type": "object", "additionalProperties": false, "required": ["stream_id"],
            "properties": {
                "stream_id": { "type": "string", "format": "uuid" },
                "release": { "type": "boolean", "default": false, "description": "Undo this stream's claim: its command was refused, so the key had no effect." }
            }
        } } } },
        "responses": responses
    } })
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
