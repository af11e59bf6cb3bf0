use std::collections::HashMap;
use std::sync::LazyLock;

use jsonschema::Validator;
use serde_json::Value;

use crate::{
    EventSchema, SchemaError, SnapshotSchemaError, Violation, all, envelope_schema,
    snapshot_schema, state_schemas,
};

/// Compiled once: compiling a schema costs far more than validating with it.
static VALIDATORS: LazyLock<Validators> = LazyLock::new(Validators::compile);

struct Validators {
    envelope: Validator,
    /// Keyed by (stream_type, event_type, version).
    events: HashMap<(&'static str, &'static str, u32), Validator>,
    snapshot: Validator,
    /// Keyed by (stream_type, state_version).
    states: HashMap<(&'static str, u32), Validator>,
}

impl Validators {
    fn compile() -> Self {
        Self {
            envelope: compile(envelope_schema(), "envelope.v1"),
            events: all()
                .iter()
                .map(|schema| {
                    let name = format!("{}.v{}", schema.event_type, schema.version);
                    (key(schema), compile(schema.json, &name))
                })
                .collect(),
            snapshot: compile(snapshot_schema(), "snapshot.v1"),
            states: state_schemas()
                .iter()
                .map(|schema| {
                    let name = format!("{}/state.v{}", schema.stream_type, schema.state_version);
                    let key = (schema.stream_type, schema.state_version);
                    (key, compile(schema.json, &name))
                })
                .collect(),
        }
    }
}

fn key(schema: &EventSchema) -> (&'static str, &'static str, u32) {
    (schema.stream_type, schema.event_type, schema.version)
}

/// The embedded schemas are part of this crate and covered by its tests, so a schema
/// that does not compile is a build defect, not a runtime condition.
fn compile(json: &str, name: &str) -> Validator {
    let schema: Value =
        serde_json::from_str(json).unwrap_or_else(|error| panic!("{name}: not JSON: {error}"));
    jsonschema::draft202012::options()
        // Draft 2020-12 treats `format` as an annotation by default; our formats
        // (uuid, date, date-time) are part of the contract, so assert them.
        .should_validate_formats(true)
        .should_ignore_unknown_formats(false)
        .build(&schema)
        .unwrap_or_else(|error| panic!("{name}: not a valid schema: {error}"))
}

/// Validates an envelope against `envelope.v1` and its `data` against the schema of its
/// (`stream_type`, `event_type`, `schema_version`). Unknown types and versions fail.
pub fn validate_envelope(value: &Value) -> Result<(), SchemaError> {
    let validators = &*VALIDATORS;
    let violations = violations_of(&validators.envelope, value);
    if !violations.is_empty() {
        return Err(SchemaError::InvalidEnvelope(violations));
    }

    // The envelope schema guarantees these fields exist with these types.
    let stream_type = value["stream_type"].as_str().unwrap_or_default();
    let event_type = value["event_type"].as_str().unwrap_or_default();
    let schema_version = value["schema_version"]
        .as_u64()
        .and_then(|version| u32::try_from(version).ok())
        .unwrap_or_default();

    let Some(validator) = validators
        .events
        .get(&(stream_type, event_type, schema_version))
    else {
        return Err(unknown(stream_type, event_type, schema_version));
    };
    let violations = violations_of(validator, &value["data"]);
    if !violations.is_empty() {
        return Err(SchemaError::InvalidData {
            event_type: event_type.to_owned(),
            schema_version,
            violations,
        });
    }
    Ok(())
}

/// Validates a snapshot against `snapshot.v1` and its `state` against the state schema
/// of its (`stream_type`, `state_version`). Unknown stream types and versions fail.
pub fn validate_snapshot(value: &Value) -> Result<(), SnapshotSchemaError> {
    let validators = &*VALIDATORS;
    let violations = violations_of(&validators.snapshot, value);
    if !violations.is_empty() {
        return Err(SnapshotSchemaError::InvalidSnapshot(violations));
    }

    // The snapshot schema guarantees these fields exist with these types.
    let stream_type = value["stream_type"].as_str().unwrap_or_default();
    let state_version = value["state_version"]
        .as_u64()
        .and_then(|version| u32::try_from(version).ok())
        .unwrap_or_default();

    let Some(validator) = validators.states.get(&(stream_type, state_version)) else {
        return Err(SnapshotSchemaError::UnknownStateVersion {
            stream_type: stream_type.to_owned(),
            state_version,
        });
    };
    let violations = violations_of(validator, &value["state"]);
    if !violations.is_empty() {
        return Err(SnapshotSchemaError::InvalidState {
            stream_type: stream_type.to_owned(),
            state_version,
            violations,
        });
    }
    Ok(())
}

fn unknown(stream_type: &str, event_type: &str, schema_version: u32) -> SchemaError {
    let type_is_known = all()
        .iter()
        .any(|schema| schema.stream_type == stream_type && schema.event_type == event_type);
    if type_is_known {
        SchemaError::UnknownVersion {
            event_type: event_type.to_owned(),
            schema_version,
        }
    } else {
        SchemaError::UnknownEventType {
            stream_type: stream_type.to_owned(),
            event_type: event_type.to_owned(),
        }
    }
}

fn violations_of(validator: &Validator, instance: &Value) -> Vec<Violation> {
    validator
        .iter_errors(instance)
        .map(|error| Violation {
            instance_path: error.instance_path.to_string(),
            message: error.to_string(),
        })
        .collect()
}
