//! The registry ids of the event schemas, resolved once at start so the
//! synchronous writer threads never call the registry.

use std::collections::HashMap;

/// (event type, schema version) -> schema id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaIds {
    ids: HashMap<(String, u32), u32>,
}

impl SchemaIds {
    pub fn insert(&mut self, event_type: &str, schema_version: u32, id: u32) {
        self.ids.insert((event_type.to_owned(), schema_version), id);
    }

    pub fn get(&self, event_type: &str, schema_version: u32) -> Option<u32> {
        self.ids
            .get(&(event_type.to_owned(), schema_version))
            .copied()
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}
