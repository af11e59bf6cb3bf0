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
pub(super) fn upcast_task_created_v1(v1: TaskCreatedV1) -> TaskCreatedV2 {
    TaskCreatedV2 {
        title: v1.title,
        description: v1.description,
        priority: Priority::Normal,
        due_date: v1.due_date,
        assignee: v1.assignee,
        tags: Vec::new(),
    }
}

/// `TaskCreated` v2, written before tasks lived in projects.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TaskCreatedV2 {
    title: String,
    description: Option<String>,
    priority: Priority,
    due_date: Option<NaiveDate>,
    assignee: Option<String>,
    tags: Vec<String>,
}

/// v2 → v3: a task created before projects existed is in no project.
pub(super) fn upcast_task_created_v2(v2: TaskCreatedV2) -> TaskCreated {
    TaskCreated {
        title: v2.title,
        description: v2.description,
        priority: v2.priority,
        due_date: v2.due_date,
        assignee: v2.assignee,
        tags: v2.tags,
        project_id: None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::DomainEvent;
    use crate::task::{Priority, TaskCreated, TaskEvent};

    #[test]
    fn task_created_v1_is_upcast_to_the_current_version_with_normal_priority_and_no_tags() {
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
                project_id: None,
            })
        );
        assert_eq!(decoded.schema_version(), 3);
    }

    #[test]
    fn task_created_v2_is_upcast_to_a_task_in_no_project() {
        let v2 = json!({
            "title": "t", "description": null, "priority": "high",
            "due_date": null, "assignee": null, "tags": ["a"],
        });

        let TaskEvent::Created(created) = TaskEvent::decode("TaskCreated", 2, &v2).unwrap() else {
            panic!("expected TaskCreated");
        };

        assert_eq!(created.project_id, None);
        assert_eq!(created.priority, Priority::High);
        assert!(TaskEvent::decode("TaskCreated", 2, &json!({ "project_id": null })).is_err());
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
