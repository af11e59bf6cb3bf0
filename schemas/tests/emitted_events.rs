//! Everything the domain can emit validates against the published schemas.

mod common;

use chrono::Utc;
use events::project::Project;
use events::task::{Task, TaskEvent, decide, evolve};
use events::testing::{
    command_metadata, one_project_event_of_each_type, one_task_event_of_each_type,
    task_command_sequence, task_envelope,
};
use events::{Aggregate, Envelope};
use proptest::prelude::*;
use serde_json::Value;
use uuid::Uuid;

fn wire(envelope: &Envelope) -> Value {
    serde_json::from_slice(&envelope.to_json_bytes()).expect("envelopes are JSON")
}

#[test]
fn one_event_of_each_type_validates() {
    for event in one_task_event_of_each_type() {
        let envelope = common::envelope_json(&event);
        assert_eq!(schemas::validate_envelope(&envelope), Ok(()), "{event:?}");
    }
}

#[test]
fn one_project_event_of_each_type_validates() {
    for event in one_project_event_of_each_type() {
        let envelope = common::envelope_json_of(&event, Project::STREAM_TYPE);
        assert_eq!(schemas::validate_envelope(&envelope), Ok(()), "{event:?}");
    }
}

#[test]
fn a_legacy_task_created_v1_validates() {
    let mut envelope = common::envelope_json(&one_task_event_of_each_type()[0]);
    envelope["schema_version"] = 1.into();
    envelope["data"] =
        serde_json::json!({ "title": "Legacy", "description": "", "due_date": null });

    assert_eq!(schemas::validate_envelope(&envelope), Ok(()));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_generated_event_validates(envelope in task_envelope()) {
        let json = wire(&envelope);
        prop_assert_eq!(schemas::validate_envelope(&json), Ok(()), "{}", json);
    }

    /// The events `decide` actually emits for random command sequences.
    #[test]
    fn every_decided_event_validates(
        commands in task_command_sequence(40),
        meta in command_metadata(),
    ) {
        let stream_id = Uuid::now_v7();
        let mut state = Task::default();
        let mut version = 0;
        for command in &commands {
            let Ok(events) = decide(&state, command) else { continue };
            for event in &events {
                version += 1;
                let envelope = Envelope::new(event, Task::STREAM_TYPE, stream_id, version, &meta, Utc::now());
                let json = wire(&envelope);
                prop_assert_eq!(schemas::validate_envelope(&json), Ok(()), "{}", json);
            }
            state = events.iter().fold(state, evolve);
        }
    }
}

#[test]
fn the_generated_events_cover_every_type() {
    // Guards the property above against a strategy that silently stops producing a type.
    use events::DomainEvent;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..2_000 {
        let event = events::testing::task_event()
            .new_tree(&mut runner)
            .unwrap()
            .current();
        seen.insert(event.event_type());
    }
    assert_eq!(seen, TaskEvent::EVENT_TYPES.into_iter().collect());
}
