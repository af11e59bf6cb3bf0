use crate::task::{
    CreateTask, Priority, Task, TaskCommand, TaskCreated, TaskError, TaskEvent, decide, evolve,
};

/// The past of the task under test.
pub(super) fn given(events: impl IntoIterator<Item = TaskEvent>) -> Given {
    Given {
        state: events
            .into_iter()
            .fold(Task::default(), |state, event| evolve(state, &event)),
    }
}

pub(super) fn given_no_events() -> Given {
    given([])
}

pub(super) struct Given {
    state: Task,
}

impl Given {
    pub(super) fn when(self, command: TaskCommand) -> Then {
        let outcome = decide(&self.state, &command);
        Then { command, outcome }
    }
}

pub(super) struct Then {
    command: TaskCommand,
    outcome: Result<Vec<TaskEvent>, TaskError>,
}

impl Then {
    #[track_caller]
    pub(super) fn then_expect(self, expected: impl IntoIterator<Item = TaskEvent>) {
        let expected: Vec<TaskEvent> = expected.into_iter().collect();
        assert_eq!(self.outcome, Ok(expected), "when {:?}", self.command);
    }

    /// The command is accepted and changes nothing.
    #[track_caller]
    pub(super) fn then_expect_no_events(self) {
        self.then_expect([]);
    }

    #[track_caller]
    pub(super) fn then_expect_error(self, expected: TaskError) {
        assert_eq!(self.outcome, Err(expected), "when {:?}", self.command);
    }
}

// Fixtures.

pub(super) const TITLE: &str = "Write docs";

pub(super) fn created() -> TaskEvent {
    TaskEvent::Created(task_created())
}

pub(super) fn task_created() -> TaskCreated {
    TaskCreated {
        title: TITLE.into(),
        description: None,
        priority: Priority::Normal,
        due_date: None,
        assignee: None,
        tags: vec![],
        project_id: None,
    }
}

pub(super) fn created_with(change: impl FnOnce(&mut TaskCreated)) -> TaskEvent {
    let mut created = task_created();
    change(&mut created);
    TaskEvent::Created(created)
}

pub(super) fn create(title: &str) -> CreateTask {
    CreateTask {
        title: title.into(),
        ..CreateTask::default()
    }
}

pub(super) fn tag_added(tag: &str) -> TaskEvent {
    TaskEvent::TagAdded { tag: tag.into() }
}

pub(super) fn many(count: usize) -> Vec<String> {
    (0..count).map(|index| format!("tag-{index}")).collect()
}
