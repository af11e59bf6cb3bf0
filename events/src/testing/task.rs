use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use uuid::Uuid;

use crate::task::rules::{
    MAX_TAGS, TAG_MAX_CHARS, TITLE_MAX_CHARS, normalize_assignee, normalize_description,
    normalize_tag, normalize_tags, normalize_title,
};
use crate::task::{CreateTask, Priority, TaskCommand, TaskCreated, TaskEvent};

/// Small pools make command sequences collide: renames to the current title, removing
/// a tag that is there, reaching the tag limit.
const TITLES: [&str; 3] = ["Write docs", "Ship it", "Fix bug"];
const PEOPLE: [&str; 3] = ["alice", "bob", "carol"];
const PROJECTS: [u128; 3] = [0x01, 0x02, 0x03];
const TAG_POOL: [&str; 24] = [
    "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s",
    "t", "u", "v", "w", "x",
];

pub fn priority() -> impl Strategy<Value = Priority> {
    select(Priority::ALL.to_vec())
}

/// Any date that fits `YYYY-MM-DD`, mostly near today.
pub fn due_date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        3 => (2020..=2035, 1u32..=366),
        1 => (0..=9999, 1u32..=366),
    ]
    .prop_filter_map("day of year exists", |(year, day)| {
        NaiveDate::from_yo_opt(year, day)
    })
}

/// A valid, normalized title (1–200 characters, trimmed).
pub fn title() -> BoxedStrategy<String> {
    prop_oneof![
        select(TITLES.to_vec()).prop_map(String::from),
        "\\PC{1,200}".prop_filter_map("not blank", |text| normalize_title(&text).ok()),
        proptest::string::string_regex(&format!("[a-zé]{{{TITLE_MAX_CHARS}}}"))
            .expect("valid regex"),
    ]
    .boxed()
}

/// A valid, normalized description or none (blank ones are none).
pub fn description() -> BoxedStrategy<Option<String>> {
    prop_oneof![
        2 => Just(None),
        4 => "\\PC{1,300}".prop_map(|text| normalize_description(Some(&text)).expect("short enough")),
        1 => "[a-z \n]{9990,10000}".prop_map(|text| normalize_description(Some(&text)).expect("short enough")),
    ]
    .boxed()
}

/// A valid, normalized assignee (1–100 characters, trimmed).
pub fn assignee() -> BoxedStrategy<String> {
    prop_oneof![
        select(PEOPLE.to_vec()).prop_map(String::from),
        "\\PC{1,100}".prop_filter_map("not blank", |text| normalize_assignee(&text).ok()),
    ]
    .boxed()
}

/// A valid, normalized tag (1–40 characters, trimmed).
pub fn tag() -> BoxedStrategy<String> {
    prop_oneof![
        select(TAG_POOL.to_vec()).prop_map(String::from),
        "\\PC{1,40}".prop_filter_map("not blank", |text| normalize_tag(&text, "tag").ok()),
    ]
    .boxed()
}

/// A valid, normalized tag list: distinct, at most 20.
pub fn tags() -> BoxedStrategy<Vec<String>> {
    proptest::collection::vec(tag(), 0..=MAX_TAGS)
        .prop_map(|tags| normalize_tags(&tags).expect("at most 20 valid tags"))
        .boxed()
}

/// Any event the domain can emit, with values as `decide` would write them.
pub fn task_event() -> BoxedStrategy<TaskEvent> {
    prop_oneof![
        (
            title(),
            description(),
            priority(),
            proptest::option::of(due_date()),
            proptest::option::of(assignee()),
            tags(),
            proptest::option::of(project_id()),
        )
            .prop_map(
                |(title, description, priority, due_date, assignee, tags, project_id)| {
                    TaskEvent::Created(TaskCreated {
                        title,
                        description,
                        priority,
                        due_date,
                        assignee,
                        tags,
                        project_id,
                    })
                }
            ),
        title().prop_map(|title| TaskEvent::Renamed { title }),
        description().prop_map(|description| TaskEvent::DescriptionChanged { description }),
        priority().prop_map(|priority| TaskEvent::PriorityChanged { priority }),
        proptest::option::of(due_date()).prop_map(|due_date| TaskEvent::Rescheduled { due_date }),
        assignee().prop_map(|assignee| TaskEvent::Assigned { assignee }),
        Just(TaskEvent::Unassigned),
        tag().prop_map(|tag| TaskEvent::TagAdded { tag }),
        tag().prop_map(|tag| TaskEvent::TagRemoved { tag }),
        Just(TaskEvent::Completed),
        Just(TaskEvent::Reopened),
        Just(TaskEvent::Archived),
        project_id().prop_map(|project_id| TaskEvent::MovedToProject { project_id }),
        Just(TaskEvent::RemovedFromProject),
    ]
    .boxed()
}

/// One of a few project ids, so moves often go to the project a task is in.
pub fn project_id() -> impl Strategy<Value = Uuid> {
    select(PROJECTS.map(Uuid::from_u128).to_vec())
}

/// One example of every event type. Keep in sync with [`TaskEvent`]: `variant_index`
/// stops compiling when a variant is added, and a test checks every index is covered.
pub fn one_task_event_of_each_type() -> Vec<TaskEvent> {
    vec![
        TaskEvent::Created(TaskCreated {
            title: "Write docs".into(),
            description: Some("All of them".into()),
            priority: Priority::High,
            due_date: NaiveDate::from_ymd_opt(2030, 1, 31),
            assignee: Some("alice".into()),
            tags: vec!["docs".into(), "q1".into()],
            project_id: Some(Uuid::from_u128(PROJECTS[0])),
        }),
        TaskEvent::Renamed {
            title: "Ship it".into(),
        },
        TaskEvent::DescriptionChanged { description: None },
        TaskEvent::PriorityChanged {
            priority: Priority::Urgent,
        },
        TaskEvent::Rescheduled {
            due_date: NaiveDate::from_ymd_opt(2031, 2, 28),
        },
        TaskEvent::Assigned {
            assignee: "bob".into(),
        },
        TaskEvent::Unassigned,
        TaskEvent::TagAdded {
            tag: "later".into(),
        },
        TaskEvent::TagRemoved { tag: "q1".into() },
        TaskEvent::Completed,
        TaskEvent::Reopened,
        TaskEvent::Archived,
        TaskEvent::MovedToProject {
            project_id: Uuid::from_u128(PROJECTS[1]),
        },
        TaskEvent::RemovedFromProject,
    ]
}

/// Position of the variant in [`one_task_event_of_each_type`]; exhaustive on purpose.
#[cfg(test)]
pub(crate) fn variant_index(event: &TaskEvent) -> usize {
    match event {
        TaskEvent::Created(_) => 0,
        TaskEvent::Renamed { .. } => 1,
        TaskEvent::DescriptionChanged { .. } => 2,
        TaskEvent::PriorityChanged { .. } => 3,
        TaskEvent::Rescheduled { .. } => 4,
        TaskEvent::Assigned { .. } => 5,
        TaskEvent::Unassigned => 6,
        TaskEvent::TagAdded { .. } => 7,
        TaskEvent::TagRemoved { .. } => 8,
        TaskEvent::Completed => 9,
        TaskEvent::Reopened => 10,
        TaskEvent::Archived => 11,
        TaskEvent::MovedToProject { .. } => 12,
        TaskEvent::RemovedFromProject => 13,
    }
}

/// A raw title: usually valid, sometimes padded, blank or too long.
fn any_title() -> BoxedStrategy<String> {
    prop_oneof![
        6 => title(),
        1 => title().prop_map(|title| format!("  {title}\t")),
        1 => Just(String::new()),
        1 => "\\s{1,3}",
        1 => proptest::string::string_regex(&format!("[a-z]{{{}}}", TITLE_MAX_CHARS + 1)).expect("valid regex"),
    ]
    .boxed()
}

fn any_tag() -> BoxedStrategy<String> {
    prop_oneof![
        8 => select(TAG_POOL.to_vec()).prop_map(String::from),
        1 => tag().prop_map(|tag| format!(" {tag} ")),
        1 => Just(" ".to_owned()),
        1 => proptest::string::string_regex(&format!("[a-z]{{{}}}", TAG_MAX_CHARS + 1)).expect("valid regex"),
    ]
    .boxed()
}

fn any_assignee() -> BoxedStrategy<String> {
    prop_oneof![
        8 => select(PEOPLE.to_vec()).prop_map(String::from),
        1 => Just(String::new()),
        1 => "[a-z]{101}",
    ]
    .boxed()
}

fn any_description() -> BoxedStrategy<Option<String>> {
    prop_oneof![
        6 => description(),
        1 => Just(Some("  ".to_owned())),
        1 => "[a-z]{10001}".prop_map(Some),
    ]
    .boxed()
}

fn any_create() -> BoxedStrategy<TaskCommand> {
    let pool_tags = pool_tags();
    let any_tags = proptest::collection::vec(any_tag(), 0..=MAX_TAGS + 2);
    (
        any_title(),
        any_description(),
        priority(),
        proptest::option::of(due_date()),
        proptest::option::of(any_assignee()),
        prop_oneof![4 => pool_tags, 1 => any_tags],
        proptest::option::of(project_id()),
    )
        .prop_map(
            |(title, description, priority, due_date, assignee, tags, project_id)| {
                TaskCommand::Create(CreateTask {
                    title,
                    description,
                    priority,
                    due_date,
                    assignee,
                    tags,
                    project_id,
                })
            },
        )
        .boxed()
}

/// Distinct tags from the pool, so a created task is often close to the tag limit.
fn pool_tags() -> impl Strategy<Value = Vec<String>> {
    subsequence(TAG_POOL.to_vec(), 0..=MAX_TAGS)
        .prop_shuffle()
        .prop_map(|tags| tags.into_iter().map(String::from).collect())
}

/// A create command that passes every field rule, values not yet normalized.
pub fn valid_create_command() -> BoxedStrategy<TaskCommand> {
    (
        title(),
        description(),
        priority(),
        proptest::option::of(due_date()),
        proptest::option::of(assignee()),
        pool_tags(),
        proptest::option::of(project_id()),
    )
        .prop_map(
            |(title, description, priority, due_date, assignee, tags, project_id)| {
                TaskCommand::Create(CreateTask {
                    title,
                    description,
                    priority,
                    due_date,
                    assignee,
                    tags,
                    project_id,
                })
            },
        )
        .boxed()
}

/// Any command a client could send or code could build: mostly valid, some breaking
/// field rules, drawn from small pools so state rules (no-ops, limits) are exercised.
pub fn any_task_command() -> BoxedStrategy<TaskCommand> {
    prop_oneof![
        4 => any_create(),
        8 => any_title().prop_map(|title| TaskCommand::Rename { title }),
        4 => any_description().prop_map(|description| TaskCommand::ChangeDescription { description }),
        4 => priority().prop_map(|priority| TaskCommand::ChangePriority { priority }),
        4 => proptest::option::of(due_date()).prop_map(|due_date| TaskCommand::Reschedule { due_date }),
        6 => any_assignee().prop_map(|assignee| TaskCommand::Assign { assignee }),
        4 => Just(TaskCommand::Unassign),
        16 => any_tag().prop_map(|tag| TaskCommand::AddTag { tag }),
        6 => any_tag().prop_map(|tag| TaskCommand::RemoveTag { tag }),
        6 => Just(TaskCommand::Complete),
        6 => Just(TaskCommand::Reopen),
        1 => Just(TaskCommand::Archive),
        4 => project_id().prop_map(|project_id| TaskCommand::MoveToProject { project_id }),
        3 => Just(TaskCommand::RemoveFromProject),
    ]
    .boxed()
}

/// A command sequence as one stream would see it: usually opening with a valid create
/// (so the rest is not all `task_not_found`), then anything.
pub fn task_command_sequence(max_len: usize) -> BoxedStrategy<Vec<TaskCommand>> {
    (
        proptest::option::weighted(0.9, valid_create_command()),
        proptest::collection::vec(any_task_command(), 0..max_len),
    )
        .prop_map(|(create, rest)| create.into_iter().chain(rest).collect())
        .boxed()
}
