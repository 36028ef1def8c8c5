//! The one trait every event-log backend implements.

use async_trait::async_trait;
use futures::stream::BoxStream;
use serde::Serialize;

use crate::envelope::{EventId, NewEvent, Position, RecordedEvent, StreamId, StreamRevision};
use crate::error::StoreError;

/// What the writer believes about the stream it appends to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "revision")]
pub enum ExpectedRevision {
    Any,
    NoStream,
    StreamExists,
    Exact(StreamRevision),
}

impl ExpectedRevision {
    /// Whether a stream whose last revision is `current` (`None`: no stream) satisfies this.
    pub fn admits(self, current: Option<StreamRevision>) -> bool {
        match self {
            Self::Any => true,
            Self::NoStream => current.is_none(),
            Self::StreamExists => current.is_some(),
            Self::Exact(revision) => current == Some(revision),
        }
    }
}

/// Where one appended event landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Written {
    pub id: EventId,
    pub revision: StreamRevision,
    pub position: Position,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppendResult {
    /// One entry per appended event, in order.
    pub written: Vec<Written>,
    /// True when every event was already in the stream: nothing new was written.
    pub deduplicated: bool,
}

impl AppendResult {
    pub fn last(&self) -> Written {
        *self
            .written
            .last()
            .expect("an append writes at least one event")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Forwards,
    Backwards,
}

/// A bounded read of one stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadStream {
    pub direction: Direction,
    /// First revision to read; `None` is the start (forwards) or the end (backwards).
    pub from: Option<StreamRevision>,
    pub max_count: usize,
}

impl ReadStream {
    pub fn all_forwards() -> Self {
        Self {
            direction: Direction::Forwards,
            from: None,
            max_count: usize::MAX,
        }
    }
}

/// The global log, caught up and then live. Yields each event once, in position order.
pub type EventSubscription = BoxStream<'static, Result<RecordedEvent, StoreError>>;

#[async_trait]
pub trait EventStore: Send + Sync + 'static {
    /// Appends atomically, or not at all. Events whose ids are all already in the stream are
    /// not written again: their original places are returned with `deduplicated`.
    /// The acknowledgement is given only once the events are durable.
    async fn append(
        &self,
        stream: &StreamId,
        expected: ExpectedRevision,
        events: Vec<NewEvent>,
    ) -> Result<AppendResult, StoreError>;

    /// Reads a stream; a missing stream reads as empty.
    async fn read_stream(
        &self,
        stream: &StreamId,
        read: ReadStream,
    ) -> Result<Vec<RecordedEvent>, StoreError>;

    /// Reads the global log after `after` (exclusive; `None` from the start), at most
    /// `max_count` events.
    async fn read_all(
        &self,
        after: Option<Position>,
        max_count: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError>;

    /// Follows the global log after `after`: catch-up, then live, with no gap and no
    /// duplicate across the switch. The caller keeps its own checkpoint.
    async fn subscribe_all(&self, after: Option<Position>)
    -> Result<EventSubscription, StoreError>;

    /// Position of the last event in the log, `None` when it is empty.
    async fn head(&self) -> Result<Option<Position>, StoreError>;
}
