//! The event topics the query API knows, and which of them each projection
//! reads. A position token may name only these topics; a read waits only for
//! the positions on the topics its projection reads.

use events::Aggregate;
use events::project::Project;
use events::task::Task;
use platform::config::ConfigError;

/// Kafka's own limit on a topic name's length.
const MAX_TOPIC_CHARS: usize = 249;

/// `EVENTS_TOPIC_PREFIX` + each aggregate's topic name (`events.tasks`,
/// `events.projects`), as the command API and the projector name them, and
/// the topics of the routes mounted beside them (`QueryMount`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventTopics {
    prefix: String,
    pub tasks: String,
    pub projects: String,
    /// The topics mounted routes read.
    pub mounted: Vec<String>,
}

impl EventTopics {
    pub fn with_prefix(prefix: &str) -> Self {
        Self {
            prefix: prefix.to_owned(),
            tasks: format!("{prefix}{}", Task::TOPIC_NAME),
            projects: format!("{prefix}{}", Project::TOPIC_NAME),
            mounted: Vec::new(),
        }
    }

    /// The topic of the aggregate whose topic name is `topic_name`.
    pub fn topic(&self, topic_name: &str) -> String {
        format!("{}{topic_name}", self.prefix)
    }

    /// Knows `topic_name`'s topic too.
    pub fn add(&mut self, topic_name: &str) {
        let topic = self.topic(topic_name);
        if !self.contains(&topic) {
            self.mounted.push(topic);
        }
    }

    pub fn all(&self) -> Vec<&str> {
        [self.tasks.as_str(), self.projects.as_str()]
            .into_iter()
            .chain(self.mounted.iter().map(String::as_str))
            .collect()
    }

    pub fn contains(&self, topic: &str) -> bool {
        self.all().contains(&topic)
    }

    /// Refuses a prefix that makes names Kafka would refuse, or names a
    /// position token could not carry (they are joined with `,` and end in
    /// `:partition:offset`).
    pub fn validate(&self) -> Result<(), ConfigError> {
        for topic in self.all() {
            let legal = topic
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
            if !legal || topic.len() > MAX_TOPIC_CHARS {
                return Err(ConfigError {
                    variable: "EVENTS_TOPIC_PREFIX".into(),
                    value: topic.to_owned(),
                    reason: format!(
                        "makes topic {topic:?}; a topic name is 1 to {MAX_TOPIC_CHARS} of A-Z a-z 0-9 . _ -"
                    ),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_topics_are_the_prefix_and_each_aggregate() {
        let topics = EventTopics::with_prefix("events.");
        assert_eq!(topics.all(), ["events.tasks", "events.projects"]);
        assert!(topics.contains("events.projects"));
        assert!(!topics.contains("events.other"));
        assert!(topics.validate().is_ok());
    }

    #[test]
    fn a_prefix_kafka_or_a_token_cannot_carry_is_refused() {
        for prefix in ["events,", "ev:ents.", "events ", "é.", &"p".repeat(250)] {
            let error = EventTopics::with_prefix(prefix).validate().unwrap_err();
            assert_eq!(error.variable, "EVENTS_TOPIC_PREFIX", "{prefix}");
        }
    }
}
