use super::given::*;
use crate::task::{Priority, TaskCommand, TaskEvent};

#[test]
fn changes_the_priority() {
    given([created()])
        .when(TaskCommand::ChangePriority {
            priority: Priority::Urgent,
        })
        .then_expect([TaskEvent::PriorityChanged {
            priority: Priority::Urgent,
        }]);
}

#[test]
fn the_same_priority_is_a_no_op() {
    given([
        created(),
        TaskEvent::PriorityChanged {
            priority: Priority::Low,
        },
    ])
    .when(TaskCommand::ChangePriority {
        priority: Priority::Low,
    })
    .then_expect_no_events();
}

#[test]
fn a_new_task_has_normal_priority() {
    given([created()])
        .when(TaskCommand::ChangePriority {
            priority: Priority::Normal,
        })
        .then_expect_no_events();
}
