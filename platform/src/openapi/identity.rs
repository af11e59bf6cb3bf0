//! `X-Tenant-Id` and `X-Actor`: who the caller is comes from the token;
//! these headers may repeat it, never contradict it.

use serde_json::{Value, json};

fn header(name: &str, pattern: &str, description: &str) -> Value {
    json!({ "name": name, "in": "header", "required": false,
            "schema": { "type": "string", "pattern": pattern }, "description": description })
}

/// `X-Tenant-Id`; `whose` says what the tenant scopes ("the events", "the data read").
pub fn tenant_header(whose: &str) -> Value {
    header(
        "X-Tenant-Id",
        "^(?:[A-Za-z0-9._-]{1,64})?$",
        &format!(
            "Optional: {whose} belong to the token's tenant (claim `tenant_id` unless configured otherwise); \
             a tenant is 1-64 characters of A-Z a-z 0-9 . _ -. When sent, the header must equal the token's tenant, \
             else 403 forbidden whatever its value; empty is the same as absent."
        ),
    )
}

/// `X-Actor`: the events' actor is the token's `sub`.
pub fn actor_header() -> Value {
    header(
        "X-Actor",
        r"^[\t ]*(?:[!-~](?:[\t -~]{0,198}[!-~])?)?[\t ]*$",
        "Optional: the actor of the events is the token's `sub`. When sent, the header must equal `sub`, \
         else 403 forbidden; empty is the same as absent.",
    )
}
