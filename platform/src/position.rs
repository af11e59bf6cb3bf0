//! The read-your-writes token: where the last event appended by a command sits
//! in the log ([`Position`], `topic:partition:offset`), or several such
//! places joined by commas ([`PositionToken`]), as a client that wrote to more
//! than one aggregate sends them. Clients treat it as opaque; the query API
//! parses it.

use std::collections::BTreeMap;
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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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

/// The most positions one token may name: far more than the aggregates a
/// client writes to between two reads, few enough that checking them all
/// stays cheap.
pub const MAX_POSITIONS: usize = 64;

/// One or more positions, at most one per topic and partition: the highest
/// offset named for it, since a read past that one is past the others too.
/// Written `topic:partition:offset,topic:partition:offset,...` (a single
/// position is a token of one). Joining two tokens keeps the same rule, so a
/// client may join the tokens of its writes in any order, repeatedly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionToken {
    /// By (topic, partition), so the written form is the same whatever the
    /// order the client joined its tokens in.
    offsets: BTreeMap<(String, i32), i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidPositionToken {
    #[error("names no position")]
    Empty,
    #[error(transparent)]
    Position(#[from] InvalidPosition),
    #[error("names {count} positions; at most {MAX_POSITIONS} are allowed")]
    TooMany { count: usize },
}

impl PositionToken {
    /// The token of one position, as the command API issues them.
    pub fn single(position: Position) -> Self {
        let mut token = Self {
            offsets: BTreeMap::new(),
        };
        token.add(position);
        token
    }

    /// Adds `position`, keeping the higher offset if its partition is named already.
    pub fn add(&mut self, position: Position) {
        let offset = self
            .offsets
            .entry((position.topic, position.partition))
            .or_insert(position.offset);
        *offset = (*offset).max(position.offset);
    }

    /// Both tokens' positions, the higher offset for a partition both name.
    pub fn join(mut self, other: Self) -> Self {
        for ((topic, partition), offset) in other.offsets {
            self.add(Position {
                topic,
                partition,
                offset,
            });
        }
        self
    }

    /// The positions, by topic then partition.
    pub fn positions(&self) -> impl Iterator<Item = Position> + '_ {
        self.offsets
            .iter()
            .map(|((topic, partition), offset)| Position {
                topic: topic.clone(),
                partition: *partition,
                offset: *offset,
            })
    }

    /// The distinct topics the positions are in.
    pub fn topics(&self) -> impl Iterator<Item = &str> + '_ {
        let mut topics: Vec<&str> = self
            .offsets
            .keys()
            .map(|(topic, _)| topic.as_str())
            .collect();
        topics.dedup();
        topics.into_iter()
    }

    pub fn len(&self) -> usize {
        self.offsets.len()
    }

    /// Never true: a token names at least one position.
    pub fn is_empty(&self) -> bool {
        self.offsets.is_empty()
    }
}

impl From<Position> for PositionToken {
    fn from(position: Position) -> Self {
        Self::single(position)
    }
}

impl fmt::Display for PositionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, position) in self.positions().enumerate() {
            if index > 0 {
                f.write_str(",")?;
            }
            write!(f, "{position}")?;
        }
        Ok(())
    }
}

impl FromStr for PositionToken {
    type Err = InvalidPositionToken;

    /// Positions separated by commas, each trimmed. The limit counts the
    /// positions as written (before duplicates are merged): it bounds the
    /// work of reading the token itself.
    fn from_str(token: &str) -> Result<Self, Self::Err> {
        if token.trim().is_empty() {
            return Err(InvalidPositionToken::Empty);
        }
        let count = token.split(',').count();
        if count > MAX_POSITIONS {
            return Err(InvalidPositionToken::TooMany { count });
        }
        let mut offsets = Self {
            offsets: BTreeMap::new(),
        };
        for part in token.split(',') {
            offsets.add(part.trim().parse()?);
        }
        Ok(offsets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(topic: &str, partition: i32, offset: i64) -> Position {
        Position {
            topic: topic.into(),
            partition,
            offset,
        }
    }

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

    #[test]
    fn a_single_position_is_a_token_of_one() {
        let token: PositionToken = "events.tasks:3:12".parse().unwrap();
        assert_eq!(
            token.positions().collect::<Vec<_>>(),
            [at("events.tasks", 3, 12)]
        );
        assert_eq!(token.to_string(), "events.tasks:3:12");
        assert_eq!(token, PositionToken::from(at("events.tasks", 3, 12)));
    }

    #[test]
    fn a_token_names_several_positions_in_a_canonical_order() {
        let token: PositionToken = "events.tasks:3:12, events.projects:0:5,events.tasks:1:0"
            .parse()
            .unwrap();
        assert_eq!(
            token.positions().collect::<Vec<_>>(),
            [
                at("events.projects", 0, 5),
                at("events.tasks", 1, 0),
                at("events.tasks", 3, 12)
            ]
        );
        assert_eq!(
            token.to_string(),
            "events.projects:0:5,events.tasks:1:0,events.tasks:3:12"
        );
        assert_eq!(token.to_string().parse::<PositionToken>().unwrap(), token);
        assert_eq!(
            token.topics().collect::<Vec<_>>(),
            ["events.projects", "events.tasks"]
        );
    }

    #[test]
    fn the_same_partition_twice_keeps_the_highest_offset() {
        let token: PositionToken = "t:1:9,t:1:4,t:1:12,t:1:3".parse().unwrap();
        assert_eq!(token.positions().collect::<Vec<_>>(), [at("t", 1, 12)]);
        assert_eq!(token.len(), 1);
    }

    #[test]
    fn joining_tokens_merges_their_positions() {
        let written: PositionToken = "events.projects:0:5,events.tasks:2:7".parse().unwrap();
        let later = PositionToken::single(at("events.tasks", 2, 9));
        let older = PositionToken::single(at("events.projects", 0, 1));
        let joined = written.clone().join(later.clone()).join(older.clone());
        assert_eq!(joined.to_string(), "events.projects:0:5,events.tasks:2:9");
        assert_eq!(
            joined,
            older.join(later).join(written),
            "order does not matter"
        );
    }

    #[test]
    fn at_most_64_positions_as_written() {
        let positions = |n: usize| {
            (0..n)
                .map(|partition| format!("t:{}:1", partition % 3))
                .collect::<Vec<_>>()
                .join(",")
        };
        assert_eq!(
            positions(MAX_POSITIONS)
                .parse::<PositionToken>()
                .unwrap()
                .len(),
            3
        );
        assert_eq!(
            positions(MAX_POSITIONS + 1).parse::<PositionToken>(),
            Err(InvalidPositionToken::TooMany { count: 65 })
        );
    }

    #[test]
    fn a_token_with_any_invalid_position_is_refused() {
        for token in [
            "",
            " ",
            ",",
            "t:1:2,",
            ",t:1:2",
            "t:1:2,,t:1:3",
            "t:1:2,abc",
            "t:1:x",
            "t:1:2,u:-1:0",
        ] {
            assert!(token.parse::<PositionToken>().is_err(), "{token:?}");
        }
        assert_eq!(
            " ".parse::<PositionToken>(),
            Err(InvalidPositionToken::Empty)
        );
    }
}
