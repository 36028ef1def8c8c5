//! Errors of the event log: a conflict, refused input, or a failure of the backend.

use thiserror::Error;
use uuid::Uuid;

use crate::envelope::StreamRevision;
use crate::store::ExpectedRevision;

/// Why an event was refused before anything was written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InvalidEvent {
    #[error("stream name {name:?} {reason}")]
    StreamName { name: String, reason: &'static str },
    #[error("event {event_id} is {size} bytes, over the limit of {limit}")]
    TooLarge {
        event_id: Uuid,
        size: usize,
        limit: usize,
    },
    #[error("event {event_id}: the payload must be a JSON object")]
    PayloadNotObject { event_id: Uuid },
    #[error("event {event_id}: event type {event_type:?} must be 1-100 letters, digits or dots")]
    EventType { event_id: Uuid, event_type: String },
    #[error("an append needs at least one event")]
    EmptyAppend,
    #[error("event id {event_id} appears twice in one append")]
    DuplicateId { event_id: Uuid },
    #[error("some but not all of the events were already appended (event {event_id} is new)")]
    PartialRetry { event_id: Uuid },
}

#[derive(Debug, Error)]
pub enum StoreError {
    /// The stream is not at the expected revision; nothing was written.
    #[error("stream {stream} is at {current:?}, expected {expected:?}")]
    Conflict {
        stream: String,
        expected: ExpectedRevision,
        /// `None`: the stream does not exist.
        current: Option<StreamRevision>,
    },
    #[error(transparent)]
    Invalid(#[from] InvalidEvent),
    /// The stored log is not what was written (hash mismatch, gap). Never caused by input.
    #[error("the log is corrupt: {0}")]
    Corrupt(String),
    /// The backend failed; the append may not have happened and was not acknowledged.
    #[error("event store failure: {0}")]
    Internal(String),
}

impl StoreError {
    pub fn internal(error: impl std::fmt::Display) -> Self {
        Self::Internal(error.to_string())
    }
}
