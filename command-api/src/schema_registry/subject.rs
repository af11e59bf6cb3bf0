//! The subject an event schema is registered under (see the module docs of
//! `schema_registry` for why this strategy).

use schema_registry_converter::schema_registry_common::{
    SchemaType, SubjectNameStrategy, SuppliedSchema,
};
use schemas::EventSchema;

/// `<topic>-<stream_type>.<EventType>.v<version>`, built by the converter's
/// TopicRecordNameStrategy so it matches what its encoders would look up.
pub fn subject_name(topic: &str, schema: &EventSchema) -> String {
    strategy(topic, schema)
        .get_subject()
        .expect("TopicRecordNameStrategyWithSchema with a name always yields a subject")
}

/// The converter's strategy for registering `schema` on `topic`.
pub fn strategy(topic: &str, schema: &EventSchema) -> SubjectNameStrategy {
    SubjectNameStrategy::TopicRecordNameStrategyWithSchema(
        topic.to_owned(),
        SuppliedSchema::new(
            Some(schemas::record_name(schema)),
            SchemaType::Json,
            schemas::registry_schema_text(schema),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_is_topic_dash_record_name() {
        let schema = schemas::find("task", "TaskCreated", 2).unwrap();
        assert_eq!(
            subject_name("events.tasks", schema),
            "events.tasks-task.TaskCreated.v2"
        );
    }

    #[test]
    fn every_event_type_and_version_has_its_own_subject() {
        let subjects: std::collections::HashSet<String> = schemas::all()
            .iter()
            .map(|schema| subject_name("events.tasks", schema))
            .collect();
        assert_eq!(subjects.len(), schemas::all().len());
    }
}
