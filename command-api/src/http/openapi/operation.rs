use platform::auth::SCOPE_COMMANDS_WRITE;
use platform::openapi::requires;
use serde_json::{Value, json};

use super::operations::{self, Nouns};

/// The `post` of one command path.
pub struct Operation<'a> {
    pub operation_id: &'a str,
    pub summary: &'a str,
    /// True for the commands on an existing stream (`/v1/<topic>/{id}/...`).
    pub with_id: bool,
    pub request_body: Value,
    /// 201 for a create, 200 otherwise.
    pub success: &'a str,
    /// The domain rules (409) the command can break.
    pub conflicts: &'a [&'a str],
}

impl Operation<'_> {
    pub fn path_item(&self, nouns: &Nouns) -> Value {
        json!({ "post": {
            "operationId": self.operation_id,
            "summary": self.summary,
            "tags": ["commands"],
            "security": requires(SCOPE_COMMANDS_WRITE),
            "parameters": operations::parameters(self.with_id, nouns),
            "requestBody": self.request_body,
            "responses": operations::responses(self.success, self.conflicts, nouns)
        } })
    }
}

/// A request body that is a component schema.
pub fn body(schema: &str, required: bool) -> Value {
    json!({ "required": required, "content": { "application/json": {
        "schema": { "$ref": format!("#/components/schemas/{schema}") } } } })
}

/// The body of a command without fields. Every part that has such commands
/// defines it under the name `NoFields`, alike, so parts can share it.
pub fn no_fields() -> Value {
    json!({ "type": ["object", "null"], "additionalProperties": false,
        "description": "No fields: send no body, `{}` or `null`." })
}

/// `change-priority` → `changePriority`; `task` → `Task` with `capitalize`.
pub fn camel_case(words: &str, capitalize: bool) -> String {
    words
        .split(['-', '_'])
        .enumerate()
        .map(|(index, word)| match (index, capitalize) {
            (0, false) => word.to_owned(),
            _ => {
                let mut chars = word.chars();
                chars
                    .next()
                    .map(|first| first.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            }
        })
        .collect()
}
