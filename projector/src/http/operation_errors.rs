//! The one place an operation's outcome becomes the error contract: each
//! refusal has its code, and so its status.

use platform::{ApiError, ErrorCode};
use serde_json::json;

use crate::operations::OperationError;
use crate::parked::ReleaseError;
use crate::versions::VersionError;

/// A refusal of this API: `code` with `status`.
fn refused(code: &'static str, status: u16, message: String) -> ApiError {
    ApiError::new(ErrorCode::Domain { code, status }, message)
}

impl From<OperationError> for ApiError {
    fn from(error: OperationError) -> Self {
        let message = error.to_string();
        match error {
            OperationError::UnknownProjection(unknown) => {
                refused("projection_not_found", 404, message)
                    .with_details(json!({ "known": unknown.known }))
            }
            OperationError::Version(error) => version_refusal(error, message),
            OperationError::Release(error) => release_refusal(error, message),
            OperationError::ForeignParkedEvent { .. } => {
                refused("parked_event_not_found", 404, message)
            }
            OperationError::Database(_) => ApiError::new(ErrorCode::DatabaseUnavailable, message),
            OperationError::Kafka(_) => ApiError::new(ErrorCode::KafkaUnavailable, message),
            OperationError::Task(_) => ApiError::new(ErrorCode::Internal, message),
        }
    }
}

fn version_refusal(error: VersionError, message: String) -> ApiError {
    match error {
        VersionError::UnknownProjection(_) => refused("projection_not_found", 404, message),
        VersionError::NoSuchVersion { .. } => refused("version_not_found", 404, message),
        VersionError::NoLiveVersion { .. } => refused("no_live_version", 409, message),
        VersionError::RebuildInProgress { version, .. } => {
            refused("rebuild_in_progress", 409, message).with_details(json!({ "version": version }))
        }
        VersionError::IsLive { .. } => refused("version_is_live", 409, message),
        VersionError::WrongRole { role, .. } => {
            refused("wrong_role", 409, message).with_details(json!({ "role": role }))
        }
        VersionError::NothingToRollBackTo { .. } => {
            refused("nothing_to_roll_back_to", 409, message)
        }
        VersionError::NothingToDrop { .. } => refused("nothing_to_drop", 409, message),
        VersionError::WhichVersion { versions, .. } => {
            refused("which_version", 409, message).with_details(json!({ "versions": versions }))
        }
        VersionError::TooSoon { seconds, .. } => {
            refused("too_soon", 409, message).with_details(json!({ "seconds": seconds }))
        }
        VersionError::NotCaughtUp { behind, .. } => {
            refused("not_caught_up", 409, message).with_details(json!({ "behind": behind }))
        }
        VersionError::Database(_) => ApiError::new(ErrorCode::DatabaseUnavailable, message),
    }
}

fn release_refusal(error: ReleaseError, message: String) -> ApiError {
    match error {
        ReleaseError::NotFound(_) => refused("parked_event_not_found", 404, message),
        ReleaseError::NotParked { status, .. } => {
            refused("not_parked", 409, message).with_details(json!({ "status": status }))
        }
        ReleaseError::NotFirst { first, .. } => {
            refused("not_first_of_stream", 409, message).with_details(json!({ "first": first }))
        }
        ReleaseError::OtherProjection { .. } => refused("other_projection", 409, message),
        ReleaseError::Database(_) => ApiError::new(ErrorCode::DatabaseUnavailable, message),
    }
}
