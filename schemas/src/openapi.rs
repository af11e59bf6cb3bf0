//! Checks an OpenAPI 3.1 document the way a client generator or a fuzzer
//! (schemathesis) will read it: valid against the official OpenAPI 3.1
//! schema (vendored under `schemas/openapi/`), every `$ref` local and
//! resolvable, every Schema Object a valid draft 2020-12 schema whose regular
//! expressions compile, and every `default` and example valid against the
//! schema it sits in (a fuzzer sends them as positive cases).

use std::sync::LazyLock;

use jsonschema::{Resource, Validator};
use serde_json::Value;

static OPENAPI_3_1_SCHEMA: &str = include_str!("../openapi/oas-3.1.schema.json");

/// The base URI the document is registered under, so each Schema Object can
/// be compiled in place with its `#/components/...` references resolving.
const DOCUMENT_URI: &str = "urn:openapi-document";

static OPENAPI_3_1: LazyLock<Validator> = LazyLock::new(|| {
    let schema: Value = serde_json::from_str(OPENAPI_3_1_SCHEMA).expect("vendored schema is JSON");
    jsonschema::draft202012::new(&schema).expect("vendored OpenAPI 3.1 schema compiles")
});

/// Every problem found, each naming where it is (a JSON pointer).
pub fn check_document(document: &Value) -> Result<(), Vec<String>> {
    let mut problems: Vec<String> = OPENAPI_3_1
        .iter_errors(document)
        .map(|error| format!("{}: {error}", error.instance_path))
        .collect();
    let mut refs = Vec::new();
    collect_refs(document, String::new(), &mut refs);
    for (at, target) in refs {
        match target.strip_prefix('#') {
            Some(pointer) if resolve(document, pointer).is_some() => {}
            Some(_) => problems.push(format!("{at}: $ref {target:?} does not resolve")),
            None => problems.push(format!(
                "{at}: $ref {target:?} is not local; the document must stand alone"
            )),
        }
    }
    let mut schemas = Vec::new();
    collect_schema_objects(document, String::new(), &mut schemas);
    for pointer in schemas {
        check_schema_object(document, &pointer, &mut problems);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Every `$ref` in the document with the pointer of the object holding it.
fn collect_refs(value: &Value, at: String, refs: &mut Vec<(String, String)>) {
    match value {
        Value::Object(fields) => {
            if let Some(Value::String(target)) = fields.get("$ref") {
                refs.push((at.clone(), target.clone()));
            }
            for (key, child) in fields {
                collect_refs(child, format!("{at}/{}", escape(key)), refs);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect_refs(child, format!("{at}/{index}"), refs);
            }
        }
        _ => {}
    }
}

/// Pointers of the outermost Schema Objects: `components/schemas/*` and
/// every `schema` of a parameter, header or media type. Their subschemas
/// are checked with them.
fn collect_schema_objects(value: &Value, at: String, schemas: &mut Vec<String>) {
    match value {
        Value::Object(fields) => {
            for (key, child) in fields {
                let child_at = format!("{at}/{}", escape(key));
                let is_schema =
                    (key == "schema" && child.is_object()) || at == "/components/schemas";
                if is_schema {
                    schemas.push(child_at);
                } else {
                    collect_schema_objects(child, child_at, schemas);
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect_schema_objects(child, format!("{at}/{index}"), schemas);
            }
        }
        _ => {}
    }
}

fn check_schema_object(document: &Value, pointer: &str, problems: &mut Vec<String>) {
    let Some(schema) = resolve(document, pointer) else {
        return;
    };
    for error in jsonschema::draft202012::meta::VALIDATOR.iter_errors(schema) {
        problems.push(format!(
            "{pointer}{}: not a draft 2020-12 schema: {error}",
            error.instance_path
        ));
    }
    let mut located = Vec::new();
    collect_subschemas(schema, pointer.to_owned(), &mut located);
    for at in located {
        let Some(subschema) = resolve(document, &at) else {
            continue;
        };
        let samples: Vec<(&str, &Value)> = subschema
            .get("default")
            .map(|value| ("default", value))
            .into_iter()
            .chain(
                subschema
                    .get("examples")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|value| ("examples", value)),
            )
            .collect();
        let validator = match compile_in_place(document, &at) {
            Ok(validator) => validator,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        for (keyword, sample) in samples {
            for error in validator.iter_errors(sample) {
                problems.push(format!("{at}/{keyword}: {sample} does not fit: {error}"));
            }
        }
    }
}

/// Compiles the schema at `pointer` (a JSON pointer into `document`, e.g.
/// `/components/schemas/Rename`) with the whole document as its resource,
/// which also compiles its regular expressions and resolves its `$ref`s.
/// Formats are asserted.
pub fn compile_in_place(document: &Value, pointer: &str) -> Result<Validator, String> {
    let resource = Resource::from_contents(document.clone())
        .map_err(|error| format!("{pointer}: the document is no resource: {error}"))?;
    jsonschema::draft202012::options()
        .with_resource(DOCUMENT_URI, resource)
        // Formats (uuid, date, date-time) are part of the contract; fuzzers
        // generate by them and validate answers by them.
        .should_validate_formats(true)
        .build(&serde_json::json!({ "$ref": format!("{DOCUMENT_URI}#{}", fragment(pointer)) }))
        .map_err(|error| format!("{pointer}: does not compile: {error}"))
}

/// `schema` itself and every subschema under it, by pointer, following the
/// applicator keywords of draft 2020-12 (so a property named `default`
/// is not mistaken for the keyword).
fn collect_subschemas(schema: &Value, at: String, out: &mut Vec<String>) {
    let Value::Object(fields) = schema else {
        return;
    };
    out.push(at.clone());
    for (keyword, child) in fields {
        let child_at = format!("{at}/{}", escape(keyword));
        match keyword.as_str() {
            "properties" | "patternProperties" | "$defs" | "dependentSchemas" => {
                if let Value::Object(map) = child {
                    for (name, subschema) in map {
                        collect_subschemas(subschema, format!("{child_at}/{}", escape(name)), out);
                    }
                }
            }
            "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                if let Value::Array(items) = child {
                    for (index, subschema) in items.iter().enumerate() {
                        collect_subschemas(subschema, format!("{child_at}/{index}"), out);
                    }
                }
            }
            "items"
            | "additionalProperties"
            | "not"
            | "if"
            | "then"
            | "else"
            | "contains"
            | "propertyNames"
            | "unevaluatedItems"
            | "unevaluatedProperties" => {
                collect_subschemas(child, child_at, out);
            }
            _ => {}
        }
    }
}

/// A JSON pointer (RFC 6901) into `document`; `""` is the document.
fn resolve<'a>(document: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.is_empty() {
        return Some(document);
    }
    document.pointer(pointer)
}

/// A JSON pointer as a URI fragment (RFC 6901, section 6): `{id}` and the
/// like percent-encoded.
fn fragment(pointer: &str) -> String {
    pointer
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn minimal(paths: Value, components: Value) -> Value {
        json!({ "openapi": "3.1.0", "info": { "title": "t", "version": "1" }, "paths": paths, "components": components })
    }

    #[test]
    fn a_sound_document_passes() {
        let document = minimal(
            json!({ "/a/{id}": { "get": {
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "pattern": "^[a-z]+$", "examples": ["abc"] } }],
                "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/A" } } } } }
            } } }),
            json!({ "schemas": { "A": { "type": "object", "properties": { "n": { "type": "integer", "default": 1 } } } } }),
        );
        assert_eq!(check_document(&document), Ok(()));
    }

    #[test]
    fn each_kind_of_defect_is_reported() {
        let document = minimal(
            json!({ "/a/{id}": { "get": {
                // A path parameter must be required.
                "parameters": [{ "name": "id", "in": "path", "schema": { "type": "string", "pattern": "([", "default": 3 } }],
                "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Missing" } } } } }
            } } }),
            json!({ "schemas": { "A": { "type": "nonsense" }, "B": { "type": "string", "examples": [5] } } }),
        );
        let problems = check_document(&document).unwrap_err().join("\n");
        for expected in [
            "/paths/~1a~1{id}/get/parameters/0",
            "does not resolve",
            "/components/schemas/A",
            "/components/schemas/B/examples",
            "/paths/~1a~1{id}/get/parameters/0/schema",
        ] {
            assert!(problems.contains(expected), "{expected} in:\n{problems}");
        }
    }
}
