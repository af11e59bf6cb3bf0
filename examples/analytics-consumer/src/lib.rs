//! An analytics consumer of the platform's event topics, small enough to copy.
//!
//! It reads a topic (`events.tasks`) from the beginning with its own consumer
//! group and decodes every record value: values framed for the schema registry
//! (magic byte 0, 4-byte schema id, JSON) are decoded and validated with the
//! schema that id names, fetched from the registry once; plain JSON values
//! (written without a registry) are parsed as they are.
//!
//! `main.rs` prints one line per event; `run` is the loop, usable from tests.

mod consumer;
mod decoder;
mod event;
mod settings;

pub use consumer::{Position, RunError, Summary, run};
pub use decoder::{DecodeError, EventDecoder};
pub use event::{DecodedEvent, Validation};
pub use settings::Settings;
