//! The read-your-writes token: where the last event appended by a command sits
//! in the log. Clients treat it as opaque; the query API parses it.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.topic, self.partition, self.offset)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("not a position token (expected topic:partition:offset): {0:?}")]
pub struct InvalidPosition(pub String);

impl FromStr for Position {
    type Err = InvalidPosition;

    fn from_str(token: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidPosition(token.to_owned());
        let mut parts = token.rsplitn(3, ':');
        let offset = parts
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or_else(invalid)?;
        let partition = parts
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or_else(invalid)?;
        let topic = parts.next().filter(|t| !t.is_empty()).ok_or_else(invalid)?;
        if partition < 0 || offset < 0 {
            return Err(invalid());
        }
        Ok(Self {
            topic: topic.to_owned(),
            partition,
            offset,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let position = Position {
            topic: "events.tasks".into(),
            partition: 3,
            offset: 1234,
        };
        assert_eq!(position.to_string().parse::<Position>().unwrap(), position);
    }

    #[test]
    fn rejects_garbage() {
        for token in ["", "abc", "t:1", "t:x:1", ":1:2", "t:-1:2"] {
            assert!(token.parse::<Position>().is_err(), "{token}");
        }
    }
}
