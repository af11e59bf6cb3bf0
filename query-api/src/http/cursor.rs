//! Opaque keyset cursors: where the previous page ended, base64url-encoded so
//! clients pass them back rather than build them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use platform::ApiError;
use uuid::Uuid;

use super::params::invalid;

/// The last task of a page in the listing order (created_at, task_id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskCursor {
    pub created_at: DateTime<Utc>,
    pub task_id: Uuid,
    pub descending: bool,
}

impl TaskCursor {
    pub fn encode(&self) -> String {
        let direction = if self.descending { "d" } else { "a" };
        let text = format!(
            "t1|{}|{}|{direction}",
            self.created_at.timestamp_micros(),
            self.task_id
        );
        URL_SAFE_NO_PAD.encode(text)
    }

    pub fn decode(cursor: &str) -> Result<Self, ApiError> {
        let bad = || invalid("cursor", "cursor is not one this API returned");
        let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let parts: Vec<&str> = text.split('|').collect();
        let ["t1", micros, task_id, direction] = parts[..] else {
            return Err(bad());
        };
        Ok(Self {
            created_at: micros
                .parse()
                .ok()
                .and_then(DateTime::from_timestamp_micros)
                .ok_or_else(bad)?,
            task_id: task_id.parse().map_err(|_| bad())?,
            descending: match direction {
                "d" => true,
                "a" => false,
                _ => return Err(bad()),
            },
        })
    }
}

/// The last project of a page in the listing order (created_at, project_id),
/// newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectCursor {
    pub created_at: DateTime<Utc>,
    pub project_id: Uuid,
}

impl ProjectCursor {
    pub fn encode(&self) -> String {
        let text = format!(
            "p1|{}|{}",
            self.created_at.timestamp_micros(),
            self.project_id
        );
        URL_SAFE_NO_PAD.encode(text)
    }

    pub fn decode(cursor: &str) -> Result<Self, ApiError> {
        let bad = || invalid("cursor", "cursor is not one this API returned");
        let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let parts: Vec<&str> = text.split('|').collect();
        let ["p1", micros, project_id] = parts[..] else {
            return Err(bad());
        };
        Ok(Self {
            created_at: micros
                .parse()
                .ok()
                .and_then(DateTime::from_timestamp_micros)
                .ok_or_else(bad)?,
            project_id: project_id.parse().map_err(|_| bad())?,
        })
    }
}

/// The last version of a history page.
pub fn encode_history(version: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("h1|{version}"))
}

pub fn decode_history(cursor: &str) -> Result<i64, ApiError> {
    let bad = || invalid("cursor", "cursor is not one this API returned");
    let text =
        String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?).map_err(|_| bad())?;
    text.strip_prefix("h1|")
        .and_then(|version| version.parse().ok())
        .filter(|v: &i64| *v >= 0)
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_cursor_round_trips() {
        let cursor = TaskCursor {
            created_at: DateTime::from_timestamp_micros(1_714_567_890_123_456).unwrap(),
            task_id: Uuid::now_v7(),
            descending: true,
        };
        assert_eq!(TaskCursor::decode(&cursor.encode()).unwrap(), cursor);
    }

    #[test]
    fn project_cursor_round_trips_and_is_no_task_cursor() {
        let cursor = ProjectCursor {
            created_at: DateTime::from_timestamp_micros(1_714_567_890_123_456).unwrap(),
            project_id: Uuid::now_v7(),
        };
        assert_eq!(ProjectCursor::decode(&cursor.encode()).unwrap(), cursor);
        assert!(TaskCursor::decode(&cursor.encode()).is_err());
        let task = TaskCursor {
            created_at: cursor.created_at,
            task_id: cursor.project_id,
            descending: true,
        };
        assert!(ProjectCursor::decode(&task.encode()).is_err());
        assert!(ProjectCursor::decode(&encode_history(3)).is_err());
    }

    #[test]
    fn garbage_is_refused() {
        for cursor in [
            "",
            "abc",
            "!!!",
            &URL_SAFE_NO_PAD.encode("t1|x|y|d"),
            &encode_history(3),
        ] {
            assert!(TaskCursor::decode(cursor).is_err(), "{cursor}");
        }
        assert_eq!(decode_history(&encode_history(7)).unwrap(), 7);
        assert!(decode_history("zzz").is_err());
    }
}
