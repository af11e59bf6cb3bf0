use std::collections::BTreeSet;

use super::task::variant_index;
use super::*;
use crate::DomainEvent;
use crate::task::TaskEvent;

#[test]
fn one_of_each_covers_every_variant_and_event_type() {
    let events = one_task_event_of_each_type();
    let indices: BTreeSet<usize> = events.iter().map(variant_index).collect();
    assert_eq!(indices, (0..events.len()).collect());

    let types: BTreeSet<&str> = events.iter().map(DomainEvent::event_type).collect();
    assert_eq!(types, TaskEvent::EVENT_TYPES.into_iter().collect());
}

#[test]
fn examples_decode_from_their_own_data() {
    for event in one_task_event_of_each_type() {
        let decoded = TaskEvent::decode(event.event_type(), event.schema_version(), &event.data());
        assert_eq!(decoded, Ok(event));
    }
}
