//! The one place a rejection becomes the error contract: its code (and so
//! its status), message and details.

use events::ErrorKind;
use platform::{ApiError, ErrorCode};
use serde_json::json;

use crate::rejection::Rejection;

impl From<Rejection> for ApiError {
    fn from(rejection: Rejection) -> Self {
        let message = rejection.to_string();
        let (code, details) = match rejection {
            Rejection::VersionMismatch {
                expected,
                current_version,
                ..
            } => (
                ErrorCode::VersionMismatch,
                json!({ "expected_version": expected, "current_version": current_version }),
            ),
            Rejection::IdempotencyKeyReused { key } => (
                ErrorCode::IdempotencyKeyReused,
                json!({ "idempotency_key": key }),
            ),
            Rejection::Domain { code, kind, .. } => {
                let (status, details) = match kind {
                    ErrorKind::Invalid { field } => (400, json!({ "field": field })),
                    ErrorKind::NotFound => (404, json!({})),
                    ErrorKind::Conflict => (409, json!({})),
                };
                (ErrorCode::Domain { code, status }, details)
            }
            Rejection::Unavailable { partition } => (
                ErrorCode::PartitionUnavailable,
                json!({ "partition": partition }),
            ),
            Rejection::OutcomeUnknown { partition } => (
                ErrorCode::PartitionUnavailable,
                json!({ "partition": partition, "outcome": "unknown" }),
            ),
            Rejection::Internal(_) => (ErrorCode::Internal, json!({})),
        };
        ApiError::new(code, message).with_details(details)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_mismatch_names_the_current_version() {
        let error = ApiError::from(Rejection::VersionMismatch {
            stream_type: "task",
            expected: 2,
            current_version: 3,
        });
        assert_eq!(error.code, ErrorCode::VersionMismatch);
        assert_eq!(
            error.message,
            "expected version 2, but the task is at version 3"
        );
        assert_eq!(error.details["current_version"], 3);
    }

    #[test]
    fn unavailable_names_the_partition() {
        let error = ApiError::from(Rejection::Unavailable { partition: 4 });
        assert_eq!(error.code, ErrorCode::PartitionUnavailable);
        assert_eq!(error.details, json!({ "partition": 4 }));
    }

    #[test]
    fn a_domain_rule_keeps_its_code_and_kind() {
        let error = ApiError::from(Rejection::Domain {
            code: "task_archived",
            kind: ErrorKind::Conflict,
            message: "archived".into(),
        });
        assert_eq!(
            error.code,
            ErrorCode::Domain {
                code: "task_archived",
                status: 409
            }
        );
        assert_eq!(error.details, json!({}));
    }
}
