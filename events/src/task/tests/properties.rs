use chrono::Utc;
use proptest::prelude::*;
use serde_json::Value;
use uuid::Uuid;

use crate::task::rules::{MAX_TAGS, normalize_title};
use crate::task::{Task, TaskCommand, TaskEvent, decide, evolve, parse_command};
use crate::testing::{any_task_command, command_metadata, task_command_sequence, task_event};
use crate::{Command, DomainError, DomainEvent, Envelope, ErrorKind, fold};

/// What a client would send for this command: its serialization minus the name tag.
fn http_body(command: &TaskCommand) -> Value {
    let mut body = serde_json::to_value(command).unwrap();
    body.as_object_mut().unwrap().remove("command");
    body
}

fn replay(history: &[Envelope]) -> Task {
    fold::<Task>(history.iter().map(|envelope| {
        let from_wire = Envelope::from_json_bytes(&envelope.to_json_bytes()).unwrap();
        from_wire.decode::<TaskEvent>().unwrap()
    }))
}

fn assert_invariants(state: &Task) -> Result<(), TestCaseError> {
    prop_assert!(state.tags.len() <= MAX_TAGS);
    for (index, tag) in state.tags.iter().enumerate() {
        prop_assert!(!state.tags[..index].contains(tag), "duplicate tag {tag:?}");
    }
    if state.created {
        prop_assert_eq!(normalize_title(&state.title), Ok(state.title.clone()));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Runs random command sequences through decide/evolve the way the command API does.
    #[test]
    fn emitted_events_rebuild_the_state_decisions_saw(
        commands in task_command_sequence(60),
        meta in command_metadata(),
    ) {
        let stream_id = Uuid::now_v7();
        let mut state = Task::default();
        let mut history: Vec<Envelope> = Vec::new();

        for command in &commands {
            prop_assert_eq!(&replay(&history), &state);

            match decide(&state, command) {
                Ok(events) => {
                    for event in &events {
                        let version = history.len() as u64 + 1;
                        history.push(Envelope::new(event, "task", stream_id, version, &meta, Utc::now()));
                    }
                    state = events.iter().fold(state, evolve);

                    // Retrying a command that just succeeded never emits anything more.
                    match decide(&state, command) {
                        Ok(again) => prop_assert!(again.is_empty(), "retry of {:?} emitted {:?}", command, again),
                        Err(error) => prop_assert_eq!(error.kind(), ErrorKind::Conflict),
                    }
                }
                Err(error) => {
                    // Field-rule errors exactly when the command does not normalize.
                    let invalid = matches!(error.kind(), ErrorKind::Invalid { .. });
                    prop_assert_eq!(invalid, command.normalized().is_err(), "{:?}", error);
                }
            }
            assert_invariants(&state)?;
        }

        prop_assert_eq!(&replay(&history), &state);
        let versions: Vec<u64> = history.iter().map(|envelope| envelope.version).collect();
        let contiguous: Vec<u64> = (1..=history.len() as u64).collect();
        prop_assert_eq!(versions, contiguous);
        prop_assert!(history.iter().all(|envelope| envelope.stream_id == stream_id));
    }

    /// parse_command and decide apply the same field rules and normalization.
    #[test]
    fn parsing_a_command_body_yields_the_normalized_command(command in any_task_command()) {
        let parsed = parse_command(command.name(), http_body(&command));
        match command.normalized() {
            Ok(normalized) => prop_assert_eq!(parsed.unwrap(), normalized),
            Err(broken) => {
                let ErrorKind::Invalid { field } = broken.kind() else {
                    return Err(TestCaseError::fail("normalization only breaks field rules"));
                };
                prop_assert_eq!(parsed.unwrap_err().field, Some(field.to_owned()));
            }
        }
    }

    #[test]
    fn normalizing_is_idempotent(command in any_task_command()) {
        if let Ok(normalized) = command.normalized() {
            prop_assert_eq!(normalized.normalized(), Ok(normalized.clone()));
        }
    }

    #[test]
    fn every_event_decodes_from_its_own_data(event in task_event()) {
        let decoded = TaskEvent::decode(event.event_type(), event.schema_version(), &event.data());
        prop_assert_eq!(decoded, Ok(event));
    }
}
