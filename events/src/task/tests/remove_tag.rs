use super::given::*;
use crate::task::rules::MAX_TAGS;
use crate::task::{TaskCommand, TaskError, TaskEvent};

fn remove_tag(tag: &str) -> TaskCommand {
    TaskCommand::RemoveTag { tag: tag.into() }
}

#[test]
fn removes_a_tag() {
    given([created(), tag_added("docs")])
        .when(remove_tag(" docs "))
        .then_expect([TaskEvent::TagRemoved { tag: "docs".into() }]);
}

#[test]
fn removing_an_absent_tag_is_a_no_op() {
    given([created(), tag_added("docs")])
        .when(remove_tag("other"))
        .then_expect_no_events();
}

#[test]
fn rejects_a_blank_tag() {
    given([created()])
        .when(remove_tag(""))
        .then_expect_error(TaskError::InvalidTag { field: "tag" });
}

#[test]
fn removing_frees_room_under_the_limit() {
    given([
        created_with(|created| created.tags = many(MAX_TAGS)),
        TaskEvent::TagRemoved {
            tag: "tag-3".into(),
        },
    ])
    .when(TaskCommand::AddTag { tag: "new".into() })
    .then_expect([tag_added("new")]);
}
