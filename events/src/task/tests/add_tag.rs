use super::given::*;
use crate::task::rules::MAX_TAGS;
use crate::task::{TaskCommand, TaskError};

fn add_tag(tag: &str) -> TaskCommand {
    TaskCommand::AddTag { tag: tag.into() }
}

#[test]
fn adds_a_tag() {
    given([created()])
        .when(add_tag(" docs "))
        .then_expect([tag_added("docs")]);
}

#[test]
fn adding_a_present_tag_is_a_no_op() {
    given([created(), tag_added("docs")])
        .when(add_tag("docs"))
        .then_expect_no_events();
}

#[test]
fn rejects_a_blank_tag_blaming_tag() {
    given([created()])
        .when(add_tag(" "))
        .then_expect_error(TaskError::InvalidTag { field: "tag" });
}

#[test]
fn rejects_a_tag_over_40_characters() {
    given([created()])
        .when(add_tag(&"t".repeat(41)))
        .then_expect_error(TaskError::InvalidTag { field: "tag" });
}

#[test]
fn accepts_a_tag_of_40_characters() {
    let longest = "t".repeat(40);
    given([created()])
        .when(add_tag(&longest))
        .then_expect([tag_added(&longest)]);
}

#[test]
fn adds_the_twentieth_tag() {
    given([created_with(|created| created.tags = many(MAX_TAGS - 1))])
        .when(add_tag("last"))
        .then_expect([tag_added("last")]);
}

#[test]
fn rejects_a_twenty_first_tag() {
    given([created_with(|created| created.tags = many(MAX_TAGS))])
        .when(add_tag("one-too-many"))
        .then_expect_error(TaskError::TagLimitReached);
}

#[test]
fn re_adding_a_present_tag_at_the_limit_is_still_a_no_op() {
    given([created_with(|created| created.tags = many(MAX_TAGS))])
        .when(add_tag("tag-0"))
        .then_expect_no_events();
}
