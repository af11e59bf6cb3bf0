use proptest::prelude::*;
use proptest::sample::select;

use crate::project::rules::{MEMBER_MAX_CHARS, NAME_MAX_CHARS, normalize_member, normalize_name};
use crate::project::{ProjectCommand, ProjectCreated, ProjectEvent};

/// Small pools make command sequences collide: renames to the current name, removing
/// a member who is there.
const NAMES: [&str; 3] = ["Launch", "Backlog", "Ops"];
const MEMBERS: [&str; 4] = ["ada", "grace", "linus", "margaret"];

/// One event of every project event type, with values at the edges of the rules.
pub fn one_project_event_of_each_type() -> Vec<ProjectEvent> {
    vec![
        ProjectEvent::Created(ProjectCreated {
            name: "n".repeat(crate::project::rules::NAME_MAX_CHARS),
            description: Some("two\nlines".into()),
        }),
        ProjectEvent::Renamed {
            name: "Launch".into(),
        },
        ProjectEvent::Archived,
        ProjectEvent::Restored,
        ProjectEvent::MemberAdded {
            member: "ada".into(),
        },
        ProjectEvent::MemberRemoved {
            member: "ada".into(),
        },
    ]
}

/// A project name, mostly valid (from the pool, any text, the longest allowed), sometimes
/// blank or too long so `decide` refuses it.
fn any_project_name() -> BoxedStrategy<String> {
    prop_oneof![
        6 => select(NAMES.to_vec()).prop_map(String::from),
        3 => "\\PC{1,100}".prop_filter_map("not blank", |text| normalize_name(&text).ok()),
        1 => proptest::string::string_regex(&format!("[a-zé]{{{NAME_MAX_CHARS}}}"))
            .expect("valid regex"),
        1 => Just("  ".to_owned()),
        1 => proptest::string::string_regex(&format!("[a-z]{{{}}}", NAME_MAX_CHARS + 1))
            .expect("valid regex"),
    ]
    .boxed()
}

/// A member, mostly from the pool (so removals find them), sometimes any subject,
/// the longest allowed, or one `decide` refuses.
fn any_member() -> BoxedStrategy<String> {
    prop_oneof![
        8 => select(MEMBERS.to_vec()).prop_map(String::from),
        2 => "\\PC{1,200}".prop_filter_map("not blank", |text| normalize_member(&text).ok()),
        1 => proptest::string::string_regex(&format!("[a-z]{{{MEMBER_MAX_CHARS}}}"))
            .expect("valid regex"),
        1 => Just("a\tb".to_owned()),
    ]
    .boxed()
}

fn any_project_description() -> BoxedStrategy<Option<String>> {
    prop_oneof![
        2 => Just(None),
        4 => "\\PC{1,300}".prop_map(Some),
        1 => Just(Some(" ".to_owned())),
    ]
    .boxed()
}

fn project_create() -> BoxedStrategy<ProjectCommand> {
    (any_project_name(), any_project_description())
        .prop_map(|(name, description)| ProjectCommand::Create { name, description })
        .boxed()
}

/// Any project command a client could send or code could build: mostly valid, some
/// breaking field rules or lifecycle rules (archived projects refuse most commands).
pub fn any_project_command() -> BoxedStrategy<ProjectCommand> {
    prop_oneof![
        1 => project_create(),
        4 => any_project_name().prop_map(|name| ProjectCommand::Rename { name }),
        8 => any_member().prop_map(|member| ProjectCommand::AddMember { member }),
        4 => any_member().prop_map(|member| ProjectCommand::RemoveMember { member }),
        2 => Just(ProjectCommand::Archive),
        2 => Just(ProjectCommand::Restore),
    ]
    .boxed()
}

/// A command sequence as one project stream would see it: usually opening with a
/// create (so the rest is not all `project_not_found`), then anything.
pub fn project_command_sequence(max_len: usize) -> BoxedStrategy<Vec<ProjectCommand>> {
    (
        proptest::option::weighted(0.9, project_create()),
        proptest::collection::vec(any_project_command(), 0..max_len),
    )
        .prop_map(|(create, rest)| create.into_iter().chain(rest).collect())
        .boxed()
}
