//! The JSON Schemas (draft 2020-12) of the event envelope and of every event type and
//! version, embedded at compile time, plus validation of envelopes against them.
//!
//! The files under `schemas/json/` are the contract with every producer and consumer;
//! `validate_envelope` checks an envelope *and* its `data` against the schema of its
//! (`event_type`, `schema_version`).

mod catalog;
mod error;
mod validate;

pub use catalog::{EventSchema, all, envelope_schema, find};
pub use error::{SchemaError, Violation};
pub use validate::validate_envelope;
