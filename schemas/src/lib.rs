//! The JSON Schemas (draft 2020-12) of the event envelope and of every event type and
//! version, and of the write side's snapshots (the envelope and each aggregate's state
//! at each state version), embedded at compile time, plus validation against them.
//!
//! The files under `schemas/json/` are the contract with every producer and consumer;
//! `validate_envelope` checks an envelope *and* its `data` against the schema of its
//! (`event_type`, `schema_version`); `validate_snapshot` checks a snapshot *and* its
//! `state` against the schema of its (`stream_type`, `state_version`). `registry_schema`
//! composes, per event type and version, the schema a schema registry holds for the
//! record value (the envelope).
//! `openapi` checks the services' OpenAPI 3.1 documents against the official schema.

mod catalog;
mod error;
pub mod openapi;
mod registry_schema;
mod validate;

pub use catalog::{
    EventSchema, StateSchema, all, envelope_schema, find, of_stream_type, snapshot_schema,
    state_schema, state_schemas,
};
pub use error::{SchemaError, SnapshotSchemaError, Violation};
pub use registry_schema::{record_name, registry_schema, registry_schema_text};
pub use validate::{validate_envelope, validate_snapshot};
