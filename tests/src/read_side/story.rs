//! Plausible task histories as envelopes: a create, then a random walk of
//! the other events, each one a version after the last.

use chrono::{NaiveDate, Utc};
use events::task::{Priority, Task, TaskCreated, TaskEvent};
use events::{Aggregate, CommandMetadata, Envelope};
use uuid::Uuid;

/// A small deterministic PRNG (xorshift64*), so failures reproduce from the seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// One task's stream: knows its version and state, makes its next envelope.
pub struct TaskStory {
    pub task_id: Uuid,
    pub tenant_id: String,
    pub version: u64,
    pub state: Task,
}

pub fn metadata(tenant_id: &str) -> CommandMetadata {
    let command_id = Uuid::now_v7().to_string();
    CommandMetadata {
        command_id: command_id.clone(),
        correlation_id: command_id.clone(),
        causation_id: command_id,
        actor: "test".into(),
        tenant_id: tenant_id.into(),
    }
}

impl TaskStory {
    pub fn new(tenant_id: &str) -> Self {
        Self {
            task_id: Uuid::now_v7(),
            tenant_id: tenant_id.into(),
            version: 0,
            state: Task::default(),
        }
    }

    /// The envelope of `event` as the stream's next version.
    pub fn envelope(&mut self, event: TaskEvent) -> Envelope {
        self.version += 1;
        self.state = events::task::evolve(std::mem::take(&mut self.state), &event);
        Envelope::new(
            &event,
            Task::STREAM_TYPE,
            self.task_id,
            self.version,
            &metadata(&self.tenant_id),
            Utc::now(),
        )
    }

    pub fn create(&mut self, title: &str, rng: &mut Rng) -> Envelope {
        let priority = Priority::ALL[rng.below(4) as usize];
        let tags = (0..rng.below(3))
            .map(|i| format!("tag{}", (rng.below(5) + i) % 5))
            .collect::<Vec<_>>();
        let mut distinct = Vec::new();
        for tag in tags {
            if !distinct.contains(&tag) {
                distinct.push(tag);
            }
        }
        self.envelope(TaskEvent::Created(TaskCreated {
            title: title.into(),
            description: None,
            priority,
            due_date: NaiveDate::from_ymd_opt(
                2030,
                1 + rng.below(12) as u32,
                1 + rng.below(28) as u32,
            ),
            assignee: (rng.below(2) == 0).then(|| format!("user{}", rng.below(4))),
            tags: distinct,
            project_id: None,
        }))
    }

    /// A random next event that the domain would allow.
    pub fn next_event(&mut self, rng: &mut Rng) -> Envelope {
        let event = match rng.below(10) {
            0 => TaskEvent::Renamed {
                title: format!("renamed {}", rng.below(1000)),
            },
            1 => TaskEvent::DescriptionChanged {
                description: Some(format!("details {}", rng.below(100))),
            },
            2 => TaskEvent::PriorityChanged {
                priority: Priority::ALL[rng.below(4) as usize],
            },
            3 => TaskEvent::Rescheduled {
                due_date: NaiveDate::from_ymd_opt(2031, 1 + rng.below(12) as u32, 1),
            },
            4 => TaskEvent::Assigned {
                assignee: format!("user{}", rng.below(4)),
            },
            5 if self.state.assignee.is_some() => TaskEvent::Unassigned,
            6 => TaskEvent::TagAdded {
                tag: format!("tag{}", rng.below(5)),
            },
            7 if !self.state.tags.is_empty() => TaskEvent::TagRemoved {
                tag: self.state.tags[0].clone(),
            },
            _ if self.state.status == events::task::TaskStatus::Completed => TaskEvent::Reopened,
            _ => TaskEvent::Completed,
        };
        self.envelope(event)
    }
}

/// `tasks` tasks over `tenants` tenants with about `events_per_task` events
/// each, interleaved across tasks as real traffic would be.
pub fn backlog(tasks: usize, events_per_task: usize, tenants: usize, seed: u64) -> Vec<Envelope> {
    let mut rng = Rng::new(seed);
    let mut stories: Vec<TaskStory> = (0..tasks)
        .map(|i| TaskStory::new(&format!("tenant-{}", i % tenants.max(1))))
        .collect();
    let mut envelopes = Vec::with_capacity(tasks * events_per_task);
    for (i, story) in stories.iter_mut().enumerate() {
        envelopes.push(story.create(&format!("task {i}"), &mut rng));
    }
    for _ in 1..events_per_task {
        for story in stories.iter_mut() {
            if rng.below(4) != 0 {
                envelopes.push(story.next_event(&mut rng));
            }
        }
    }
    envelopes
}
