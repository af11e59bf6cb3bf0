//! Building records for unit tests: an event of any aggregate in its
//! envelope, as the engine hands it to a projection.

use chrono::Utc;
use events::project::{ProjectCreated, ProjectEvent};
use events::task::{Priority, TaskCreated, TaskEvent};
use events::{Aggregate, CommandMetadata, Envelope};
use uuid::Uuid;

use crate::projection::Decoded;
use crate::record::Record;

/// Event `event` at `version` of stream `stream_id` of `tenant`, now.
pub fn record<A: Aggregate>(
    tenant: &str,
    stream_id: Uuid,
    version: u64,
    event: A::Event,
) -> Record<A> {
    let meta = CommandMetadata {
        command_id: "c".into(),
        correlation_id: "c".into(),
        causation_id: "c".into(),
        actor: "a".into(),
        tenant_id: tenant.into(),
    };
    Record {
        envelope: Envelope::new(
            &event,
            A::STREAM_TYPE,
            stream_id,
            version,
            &meta,
            Utc::now(),
        ),
        event,
    }
}

/// `event` read at `partition` and `offset`.
pub fn decoded<E>(partition: i32, offset: i64, event: E) -> Decoded<E> {
    Decoded {
        partition,
        offset,
        event,
    }
}

pub fn task_created(title: &str, project_id: Option<Uuid>) -> TaskEvent {
    TaskEvent::Created(TaskCreated {
        title: title.into(),
        description: None,
        priority: Priority::High,
        due_date: None,
        assignee: None,
        tags: vec![],
        project_id,
    })
}

pub fn project_created(name: &str) -> ProjectEvent {
    ProjectEvent::Created(ProjectCreated {
        name: name.into(),
        description: None,
    })
}
