use serde_json::{Map, Value};

/// One mounted aggregate's part of the command API's document: its command
/// paths and the component schemas they refer to.
#[derive(Debug, Clone)]
pub struct AggregateOpenApi {
    /// `Aggregate::TOPIC_NAME`, the plural the document's prose uses.
    pub topic_name: &'static str,
    /// `Aggregate::STREAM_TYPE`, the singular.
    pub stream_type: &'static str,
    pub paths: Map<String, Value>,
    pub schemas: Map<String, Value>,
}
