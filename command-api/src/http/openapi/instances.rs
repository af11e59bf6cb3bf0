//! The contract of `GET /v1/instances` (scope `ops:admin`).

use platform::auth::SCOPE_OPS_ADMIN;
use platform::openapi::{guard_refusals, requires};
use serde_json::{Map, Value, json};

pub fn instances_path() -> Value {
    let mut responses = Map::new();
    responses.insert(
        "200".into(),
        json!({ "description": "Every instance of the group, with the partitions it owns",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Instances" } } } }),
    );
    for (status, response) in guard_refusals() {
        responses.insert(status.to_owned(), response);
    }
    json!({ "get": {
        "operationId": "listInstances",
        "summary": "The command API instances and the partitions each owns",
        "description": "As the consumer group's description says (each member's client id names its URL), refreshed at most every 2 s: the view forwarding uses. The answering instance is listed even while it owns nothing. Needs the scope `ops:admin`.",
        "tags": ["operations"],
        "security": requires(SCOPE_OPS_ADMIN),
        "responses": responses
    } })
}

pub fn instances_schema() -> Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["instances"],
        "properties": { "instances": { "type": "array", "items": {
            "type": "object", "additionalProperties": false,
            "required": ["url", "answering", "partitions"],
            "properties": {
                "url": { "type": "string", "examples": ["http://127.0.0.1:8081"] },
                "answering": { "type": "boolean", "description": "Whether this is the instance that answered." },
                "partitions": { "type": "object", "description": "Owned partitions, by topic.",
                    "additionalProperties": { "type": "array", "items": { "type": "integer", "minimum": 0 } } }
            }
        } } }
    })
}
