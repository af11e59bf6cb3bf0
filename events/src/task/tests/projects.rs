use uuid::Uuid;

use super::given::*;
use crate::task::{CreateTask, TaskCommand, TaskError, TaskEvent};

fn project(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn move_to(n: u128) -> TaskCommand {
    TaskCommand::MoveToProject {
        project_id: project(n),
    }
}

#[test]
fn a_task_can_be_created_in_a_project() {
    given_no_events()
        .when(TaskCommand::Create(CreateTask {
            title: TITLE.into(),
            project_id: Some(project(1)),
            ..CreateTask::default()
        }))
        .then_expect([created_with(|created| {
            created.project_id = Some(project(1))
        })]);
}

#[test]
fn moves_a_task_into_a_project() {
    given([created()])
        .when(move_to(1))
        .then_expect([TaskEvent::MovedToProject {
            project_id: project(1),
        }]);
}

#[test]
fn moves_a_task_between_projects() {
    given([created_with(|created| {
        created.project_id = Some(project(1))
    })])
    .when(move_to(2))
    .then_expect([TaskEvent::MovedToProject {
        project_id: project(2),
    }]);
}

#[test]
fn moving_to_the_project_it_is_in_is_a_no_op() {
    given([
        created(),
        TaskEvent::MovedToProject {
            project_id: project(1),
        },
    ])
    .when(move_to(1))
    .then_expect_no_events();
}

#[test]
fn removes_a_task_from_its_project() {
    given([created_with(|created| {
        created.project_id = Some(project(1))
    })])
    .when(TaskCommand::RemoveFromProject)
    .then_expect([TaskEvent::RemovedFromProject]);
}

#[test]
fn removing_a_task_in_no_project_is_a_no_op() {
    given([
        created_with(|created| created.project_id = Some(project(1))),
        TaskEvent::RemovedFromProject,
    ])
    .when(TaskCommand::RemoveFromProject)
    .then_expect_no_events();
}

#[test]
fn an_archived_task_cannot_move() {
    for command in [move_to(1), TaskCommand::RemoveFromProject] {
        given([created(), TaskEvent::Archived])
            .when(command)
            .then_expect_error(TaskError::TaskArchived);
    }
}

#[test]
fn a_task_that_does_not_exist_cannot_move() {
    given_no_events()
        .when(move_to(1))
        .then_expect_error(TaskError::TaskNotFound);
}
