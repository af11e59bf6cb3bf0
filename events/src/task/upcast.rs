//! Turns older event shapes into the current ones, so `evolve` and every consumer only
//! ever see the current version of each event.

use chrono::NaiveDate;
use serde::Deserialize;

use super::{Priority, TaskCreated};

/// `TaskCreated` v1, written before tasks had a priority and tags.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TaskCreatedV1 {
    title: String,
    description: Option<String>,
    due_date: Option<NaiveDate>,
    assignee: Option<String>,
}

/// v1 → v2: tasks created before priorities and tags existed had neither, which is
/// exactly what the v2 defaults (`normal`, no tags) say.
pub(super) fn upcast_task_created_v1(v1: TaskCreatedV1) -> TaskCreated {
    TaskCreated {
        title: v1.title,
        description: v1.description,
        priority: Priority::Normal,
        due_date: v1.due_date,
        assignee: v1.assignee,
        tags: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::DomainEvent;
    use crate::task::{Priority, TaskCreated, TaskEvent};

    #[test]
    fn task_created_v1_is_upcast_to_v2_with_normal_priority_and_no_tags() {
        let v1 = json!({
            "title": "Legacy task",
            "description": "from the old system",
            "due_date": "2023-01-31",
            "assignee": "carol",
        });

        let decoded = TaskEvent::decode("TaskCreated", 1, &v1).unwrap();

        assert_eq!(
            decoded,
            TaskEvent::Created(TaskCreated {
                title: "Legacy task".into(),
                description: Some("from the old system".into()),
                priority: Priority::Normal,
                due_date: chrono::NaiveDate::from_ymd_opt(2023, 1, 31),
                assignee: Some("carol".into()),
                tags: vec![],
            })
        );
        assert_eq!(decoded.schema_version(), 2);
    }

    #[test]
    fn task_created_v1_with_null_optionals_is_upcast() {
        let v1 = json!({ "title": "t", "description": null, "due_date": null, "assignee": null });

        let TaskEvent::Created(created) = TaskEvent::decode("TaskCreated", 1, &v1).unwrap() else {
            panic!("expected TaskCreated");
        };

        assert_eq!(created.description, None);
        assert_eq!(created.tags, Vec::<String>::new());
    }

    #[test]
    fn task_created_v1_does_not_accept_v2_fields() {
        let v1_with_priority = json!({ "title": "t", "priority": "high" });

        assert!(TaskEvent::decode("TaskCreated", 1, &v1_with_priority).is_err());
    }
}
