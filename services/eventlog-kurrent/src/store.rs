//! [`KurrentStore`]: the [`EventStore`] trait over a KurrentDB / EventStoreDB server.

use async_trait::async_trait;
use chrono::Utc;
use eventlog::{
    AppendResult, Direction, EventStore, EventSubscription, ExpectedRevision, InvalidEvent,
    NewEvent, Position, ReadStream, RecordedEvent, StoreError, StreamId, StreamRevision,
};
use futures::StreamExt;
use kurrentdb::{
    AppendToStreamOptions, Client, EventData, ReadAllOptions, ReadStreamOptions, StreamPosition,
    SubscribeToAllOptions, SubscriptionEvent, SubscriptionFilter,
};
use uuid::Uuid;

use crate::mapping::{
    ConnectionStringError, PreparedEvent, RetryMatch, ServerEvent, all_start, conflict_current,
    decode_event, first_revision, is_after, match_retry, parse_connection_string,
    position_from_client, prepare_events, read_back_result, retries_on_conflict, retry_window,
    stream_start, validate_append, write_state,
};

/// How often an `Any` / `StreamExists` append re-reads the stream after losing a race before
/// it reports the conflict. Each lost race means another writer made progress.
const MAX_WRITE_ATTEMPTS: usize = 64;

/// The event log on a KurrentDB (or EventStoreDB) server.
///
/// KurrentDB has no field for most of the envelope, so `schemaVersion`, the actor, the
/// correlation and causation ids, `recordedAt` and both hashes travel in each event's JSON
/// metadata. The payload is the event's data, the event id is the server's event id (so the
/// server recognises a retried write), and positions are the server's `$all` positions.
#[derive(Clone)]
pub struct KurrentStore {
    client: Client,
}

impl std::fmt::Debug for KurrentStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KurrentStore")
            .field("hosts", self.client.settings().hosts())
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    ConnectionString(#[from] ConnectionStringError),
    #[error("cannot create the KurrentDB client: {0}")]
    Client(String),
}

impl KurrentStore {
    /// Creates a client for `esdb://...` or `kurrentdb://...` (and their `+discover` forms).
    /// The connection itself is made on first use. Must run inside a tokio runtime, which the
    /// client's background tasks live on.
    pub fn connect(conn: &str) -> Result<Self, ConnectError> {
        let settings = parse_connection_string(conn)?;
        let client = Client::new(settings).map_err(|e| ConnectError::Client(e.to_string()))?;
        Ok(Self { client })
    }

    /// Excludes the server's own events (`$`-prefixed types: stream metadata, statistics...),
    /// which are not part of Plenary's log.
    fn user_events() -> SubscriptionFilter {
        SubscriptionFilter::on_event_type().exclude_system_events()
    }

    async fn read(
        &self,
        stream: &StreamId,
        read: ReadStream,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        if read.max_count == 0 {
            return Ok(Vec::new());
        }
        let (start, direction) = stream_start(read);
        let options = ReadStreamOptions::default()
            .position(start)
            .max_count(read.max_count);
        let options = match direction {
            Direction::Forwards => options.forwards(),
            Direction::Backwards => options.backwards(),
        };
        let mut events = Vec::new();
        let mut reading = self
            .client
            .read_stream(stream.as_str(), &options)
            .await
            .map_err(StoreError::internal)?;
        loop {
            match reading.next().await {
                Ok(Some(resolved)) => events.push(decode(resolved.get_original_event())?),
                Ok(None) | Err(kurrentdb::Error::ResourceNotFound) => return Ok(events),
                Err(e) => return Err(StoreError::internal(e)),
            }
        }
    }

    async fn last_event(&self, stream: &StreamId) -> Result<Option<RecordedEvent>, StoreError> {
        let read = ReadStream {
            direction: Direction::Backwards,
            from: None,
            max_count: 1,
        };
        Ok(self.read(stream, read).await?.pop())
    }

    /// One attempt: re-reads the stream, recognises a retry, or writes after the last event.
    async fn try_append(
        &self,
        stream: &StreamId,
        expected: ExpectedRevision,
        events: &[NewEvent],
    ) -> Result<Attempt, StoreError> {
        let last = self.last_event(stream).await?;
        let current = last.as_ref().map(|event| event.revision);
        if let Some(window) = retry_window(expected, current, events.len()) {
            let ids: Vec<Uuid> = events.iter().map(|event| event.id).collect();
            match match_retry(&self.read(stream, window).await?, &ids) {
                RetryMatch::AlreadyWritten(written) => {
                    return Ok(Attempt::Done(AppendResult {
                        written,
                        deduplicated: true,
                    }));
                }
                RetryMatch::Partial(event_id) => {
                    return Err(InvalidEvent::PartialRetry { event_id }.into());
                }
                RetryMatch::New => {}
            }
        }
        if !expected.admits(current) {
            return Ok(Attempt::Refused(current));
        }
        let prepared = prepare_events(
            stream,
            last.map(|event| (event.revision, event.hash)),
            Utc::now(),
            events.to_vec(),
        );
        let data = prepared
            .iter()
            .map(event_data)
            .collect::<Result<Vec<_>, _>>()?;
        let options = AppendToStreamOptions::default().stream_state(write_state(current));
        match self
            .client
            .append_to_stream(stream.as_str(), &options, data)
            .await
        {
            Ok(result) => {
                let stored = self
                    .read_written(stream, result.next_expected_version, &prepared)
                    .await?;
                read_back_result(&stored, &prepared)
                    .map(Attempt::Done)
                    .map_err(StoreError::Corrupt)
            }
            Err(error) => match conflict_current(&error) {
                Some(current) => Ok(Attempt::LostRace(current)),
                None => Err(StoreError::internal(error)),
            },
        }
    }

    /// Reads back an acknowledged write to learn each event's position, and whether the server
    /// wrote these events or acknowledged earlier ones with the same ids.
    async fn read_written(
        &self,
        stream: &StreamId,
        last_revision: StreamRevision,
        prepared: &[PreparedEvent],
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let read = ReadStream {
            direction: Direction::Forwards,
            from: Some(first_revision(last_revision, prepared.len())),
            max_count: prepared.len(),
        };
        self.read(stream, read).await
    }
}

enum Attempt {
    Done(AppendResult),
    /// The stream is not where the caller expected it; it is at this revision.
    Refused(Option<StreamRevision>),
    /// The caller's expectation held when the stream was read, but another writer appended
    /// before this write landed; the stream is now at this revision.
    LostRace(Option<StreamRevision>),
}

fn event_data(event: &PreparedEvent) -> Result<EventData, StoreError> {
    EventData::json(&event.event_type, &event.payload)
        .and_then(|data| data.metadata_as_json(&event.metadata))
        .map(|data| data.id(event.id))
        .map_err(StoreError::internal)
}

fn decode(event: &kurrentdb::RecordedEvent) -> Result<RecordedEvent, StoreError> {
    decode_event(ServerEvent::from(event)).map_err(StoreError::Corrupt)
}

#[async_trait]
impl EventStore for KurrentStore {
    async fn append(
        &self,
        stream: &StreamId,
        expected: ExpectedRevision,
        events: Vec<NewEvent>,
    ) -> Result<AppendResult, StoreError> {
        validate_append(&events)?;
        let mut attempts = 0;
        loop {
            attempts += 1;
            match self.try_append(stream, expected, &events).await? {
                Attempt::Done(result) => return Ok(result),
                Attempt::LostRace(_)
                    if retries_on_conflict(expected) && attempts < MAX_WRITE_ATTEMPTS => {}
                Attempt::Refused(current) | Attempt::LostRace(current) => {
                    return Err(StoreError::Conflict {
                        stream: stream.to_string(),
                        expected,
                        current,
                    });
                }
            }
        }
    }

    async fn read_stream(
        &self,
        stream: &StreamId,
        read: ReadStream,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        self.read(stream, read).await
    }

    async fn read_all(
        &self,
        after: Option<Position>,
        max_count: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        if max_count == 0 {
            return Ok(Vec::new());
        }
        // One more than asked, since the server may include the checkpoint itself.
        let options = ReadAllOptions::default()
            .position(all_start(after))
            .forwards()
            .filter(Self::user_events())
            .max_count(max_count.saturating_add(1));
        let mut reading = self
            .client
            .read_all(&options)
            .await
            .map_err(StoreError::internal)?;
        let mut events = Vec::new();
        while events.len() < max_count {
            match reading.next().await.map_err(StoreError::internal)? {
                Some(resolved) => {
                    let event = decode(resolved.get_original_event())?;
                    if is_after(event.position, after) {
                        events.push(event);
                    }
                }
                None => break,
            }
        }
        Ok(events)
    }

    async fn subscribe_all(
        &self,
        after: Option<Position>,
    ) -> Result<EventSubscription, StoreError> {
        let options = SubscribeToAllOptions::default()
            .position(all_start(after))
            .filter(Self::user_events());
        let mut subscription = self.client.subscribe_to_all(&options).await;
        let events = async_stream::stream! {
            loop {
                match subscription.next_subscription_event().await {
                    Ok(SubscriptionEvent::EventAppeared(resolved)) => {
                        match decode(resolved.get_original_event()) {
                            Ok(event) => {
                                if is_after(event.position, after) {
                                    yield Ok(event);
                                }
                            }
                            Err(error) => {
                                yield Err(error);
                                break;
                            }
                        }
                    }
                    // Confirmations, checkpoints and caught-up notices carry no event.
                    Ok(_) => {}
                    Err(error) => {
                        yield Err(StoreError::internal(error));
                        break;
                    }
                }
            }
        };
        Ok(events.boxed())
    }

    async fn head(&self) -> Result<Option<Position>, StoreError> {
        let options = ReadAllOptions::default()
            .position(StreamPosition::End)
            .filter(Self::user_events())
            .max_count(1);
        let mut reading = self
            .client
            .read_all(&options)
            .await
            .map_err(StoreError::internal)?;
        let last = reading.next().await.map_err(StoreError::internal)?;
        Ok(last.map(|resolved| position_from_client(resolved.get_original_event().position)))
    }
}
