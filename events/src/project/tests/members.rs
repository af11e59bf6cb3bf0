use super::given::*;
use crate::project::rules::MAX_MEMBERS;
use crate::project::{Project, ProjectCommand, ProjectError, ProjectEvent, evolve};

#[test]
fn adds_a_member() {
    given([created()])
        .when(add_member(" ada "))
        .then_expect([member_added("ada")]);
}

#[test]
fn adding_a_member_who_is_in_is_a_no_op() {
    given([created(), member_added("ada")])
        .when(add_member("ada"))
        .then_expect_no_events();
}

#[test]
fn removes_a_member() {
    given([created(), member_added("ada")])
        .when(ProjectCommand::RemoveMember {
            member: "ada".into(),
        })
        .then_expect([ProjectEvent::MemberRemoved {
            member: "ada".into(),
        }]);
}

#[test]
fn removing_a_member_who_is_not_in_is_a_no_op() {
    given([created()])
        .when(ProjectCommand::RemoveMember {
            member: "ada".into(),
        })
        .then_expect_no_events();
}

#[test]
fn the_member_limit_holds() {
    let full = (0..MAX_MEMBERS).map(|i| member_added(&format!("m{i}")));
    given(std::iter::once(created()).chain(full))
        .when(add_member("one-too-many"))
        .then_expect_error(ProjectError::MemberLimitReached);
}

#[test]
fn members_keep_the_order_they_were_added_in() {
    let state = [
        created(),
        member_added("b"),
        member_added("a"),
        ProjectEvent::MemberRemoved { member: "b".into() },
        member_added("c"),
    ]
    .iter()
    .fold(Project::default(), evolve);
    assert_eq!(state.members, ["a", "c"]);
}
