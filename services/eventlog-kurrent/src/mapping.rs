//! Pure translations between the log's contract and the KurrentDB client's types.
//!
//! Everything here is free of IO so that it can be unit-tested without a server (none can be
//! installed on the machines this was written on). `store.rs` only strings these together.

use chrono::{DateTime, SecondsFormat, Utc};
use eventlog::{
    Actor, AppendResult, Direction, EventHash, ExpectedRevision, HashInput, InvalidEvent, NewEvent,
    Payload, Position, ReadStream, RecordedEvent, StreamId, StreamRevision, Written, event_hash,
};
use kurrentdb::{ClientSettings, CurrentRevision, StreamPosition, StreamState};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use uuid::Uuid;

/// How many of a stream's last events are searched for the ids of an append whose expected
/// revision is `Any` or `StreamExists`. Such a retry may have landed anywhere in the stream;
/// KurrentDB itself only promises best-effort idempotency for `Any`, so a bounded window it is.
pub const RETRY_WINDOW: usize = 256;

/// The envelope fields KurrentDB has no place for, kept as the event's JSON metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvelopeMetadata {
    pub schema_version: u16,
    pub actor: Actor,
    pub correlation_id: Uuid,
    pub causation_id: Option<Uuid>,
    /// RFC 3339 with microseconds, the precision that is hashed.
    #[serde(serialize_with = "micros_utc")]
    pub recorded_at: DateTime<Utc>,
    pub previous_hash: Option<EventHash>,
    pub hash: EventHash,
}

fn micros_utc<S: serde::Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&at.to_rfc3339_opts(SecondsFormat::Micros, true))
}

/// Cuts a time to the microsecond, since that is all the hash and the metadata keep.
pub fn truncate_to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(at.timestamp_micros()).expect("a current time fits in i64 µs")
}

/// An event ready to be sent: its place in the stream is decided and its hash computed.
#[derive(Debug, Clone)]
pub struct PreparedEvent {
    pub id: Uuid,
    pub event_type: String,
    pub revision: StreamRevision,
    pub payload: Box<RawValue>,
    pub metadata: EnvelopeMetadata,
}

impl PreparedEvent {
    pub fn metadata_json(&self) -> Vec<u8> {
        serde_json::to_vec(&self.metadata).expect("envelope metadata serialises to JSON")
    }
}

/// Places `events` after `last` (the stream's last revision and hash; `None`: no stream),
/// chaining each event's hash to the one before, exactly as the embedded store does.
pub fn prepare_events(
    stream: &StreamId,
    last: Option<(StreamRevision, EventHash)>,
    recorded_at: DateTime<Utc>,
    events: Vec<NewEvent>,
) -> Vec<PreparedEvent> {
    let recorded_at = truncate_to_micros(recorded_at);
    let first_revision = last.map_or(0, |(revision, _)| revision + 1);
    let mut previous_hash = last.map(|(_, hash)| hash);
    let mut prepared = Vec::with_capacity(events.len());
    for (next_revision, event) in (first_revision..).zip(events) {
        let hash = event_hash(&HashInput::placed(
            stream,
            &event,
            next_revision,
            recorded_at,
            previous_hash,
        ));
        prepared.push(PreparedEvent {
            id: event.id,
            event_type: event.event_type,
            revision: next_revision,
            payload: event.payload,
            metadata: EnvelopeMetadata {
                schema_version: event.schema_version,
                actor: event.actor,
                correlation_id: event.correlation_id,
                causation_id: event.causation_id,
                recorded_at,
                previous_hash,
                hash,
            },
        });
        previous_hash = Some(hash);
    }
    prepared
}

/// An event as the server returned it, borrowed field by field (the client's own type cannot
/// be built outside its crate, so the decoding is written against this).
#[derive(Debug, Clone, Copy)]
pub struct ServerEvent<'a> {
    pub stream: &'a str,
    pub id: Uuid,
    pub revision: u64,
    pub event_type: &'a str,
    pub data: &'a [u8],
    pub metadata: &'a [u8],
    pub position: kurrentdb::Position,
}

impl<'a> From<&'a kurrentdb::RecordedEvent> for ServerEvent<'a> {
    fn from(event: &'a kurrentdb::RecordedEvent) -> Self {
        Self {
            stream: event.stream_id(),
            id: event.id,
            revision: event.revision,
            event_type: &event.event_type,
            data: &event.data,
            metadata: &event.custom_metadata,
            position: event.position,
        }
    }
}

/// Rebuilds our envelope from a stored event. An event that was not written through this
/// adapter (no or foreign metadata) is an error: its hash chain cannot be trusted.
pub fn decode_event(event: ServerEvent<'_>) -> Result<RecordedEvent, String> {
    let stream_id = StreamId::new(event.stream).map_err(|e| e.to_string())?;
    let payload_text = std::str::from_utf8(event.data).map_err(|_| {
        format!(
            "event {} in {}: payload is not UTF-8",
            event.id, event.stream
        )
    })?;
    // Not parsed here: see `Payload`.
    let payload = Payload::stored(payload_text);
    let metadata: EnvelopeMetadata = serde_json::from_slice(event.metadata).map_err(|e| {
        format!(
            "event {} in {}: metadata is not a Plenary envelope: {e}",
            event.id, event.stream
        )
    })?;
    Ok(RecordedEvent {
        id: event.id,
        stream_id,
        revision: event.revision,
        position: position_from_client(event.position),
        event_type: event.event_type.into(),
        schema_version: metadata.schema_version,
        recorded_at: metadata.recorded_at,
        actor: metadata.actor.into(),
        correlation_id: metadata.correlation_id,
        causation_id: metadata.causation_id,
        payload,
        previous_hash: metadata.previous_hash,
        hash: metadata.hash,
    })
}

pub fn position_from_client(position: kurrentdb::Position) -> Position {
    Position {
        commit: position.commit,
        prepare: position.prepare,
    }
}

pub fn position_to_client(position: Position) -> kurrentdb::Position {
    kurrentdb::Position {
        commit: position.commit,
        prepare: position.prepare,
    }
}

/// Where a read or subscription of `$all` starts for "after `after`". The server is asked from
/// `after` itself; [`is_after`] drops it if the server includes it.
pub fn all_start(after: Option<Position>) -> StreamPosition<kurrentdb::Position> {
    match after {
        None => StreamPosition::Start,
        Some(position) => StreamPosition::Position(position_to_client(position)),
    }
}

/// Whether an event at `position` lies strictly after the checkpoint `after`.
pub fn is_after(position: Position, after: Option<Position>) -> bool {
    after.is_none_or(|after| position > after)
}

/// Start and direction of a stream read.
pub fn stream_start(read: ReadStream) -> (StreamPosition<u64>, Direction) {
    let start = match (read.direction, read.from) {
        (_, Some(revision)) => StreamPosition::Position(revision),
        (Direction::Forwards, None) => StreamPosition::Start,
        (Direction::Backwards, None) => StreamPosition::End,
    };
    (start, read.direction)
}

/// The expected state sent to the server for a write placed right after `current`: always a
/// precise one, because the hashes were computed for exactly that place.
pub fn write_state(current: Option<StreamRevision>) -> StreamState {
    match current {
        None => StreamState::NoStream,
        Some(revision) => StreamState::StreamRevision(revision),
    }
}

pub fn current_revision(current: CurrentRevision) -> Option<StreamRevision> {
    match current {
        CurrentRevision::Current(revision) => Some(revision),
        CurrentRevision::NoStream => None,
    }
}

/// The current revision a client error reports when it is a wrong-expected-version answer.
pub fn conflict_current(error: &kurrentdb::Error) -> Option<Option<StreamRevision>> {
    match error {
        kurrentdb::Error::WrongExpectedVersion { current, .. } => Some(current_revision(*current)),
        _ => None,
    }
}

/// Whether the writer may re-read the stream and try again after losing a race: only when it
/// did not name a precise place.
pub fn retries_on_conflict(expected: ExpectedRevision) -> bool {
    matches!(
        expected,
        ExpectedRevision::Any | ExpectedRevision::StreamExists
    )
}

/// The part of the stream that would hold these `count` events if an earlier attempt of the
/// same append had been written, given the stream's `current` revision. `None`: it cannot.
pub fn retry_window(
    expected: ExpectedRevision,
    current: Option<StreamRevision>,
    count: usize,
) -> Option<ReadStream> {
    let current = current?;
    let forwards_from = |from| ReadStream {
        direction: Direction::Forwards,
        from: Some(from),
        max_count: count,
    };
    match expected {
        ExpectedRevision::Exact(revision) if current > revision => {
            Some(forwards_from(revision + 1))
        }
        ExpectedRevision::Exact(_) => None,
        ExpectedRevision::NoStream => Some(forwards_from(0)),
        ExpectedRevision::Any | ExpectedRevision::StreamExists => Some(ReadStream {
            direction: Direction::Backwards,
            from: None,
            max_count: RETRY_WINDOW,
        }),
    }
}

/// What a window of stored events says about an append of `ids`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryMatch {
    /// Every id is stored: the append was already made; here is where each event landed.
    AlreadyWritten(Vec<Written>),
    /// None is stored: this is a new append.
    New,
    /// Some are stored and this one is not: the caller mixed a retry with new events.
    Partial(Uuid),
}

pub fn match_retry(stored: &[RecordedEvent], ids: &[Uuid]) -> RetryMatch {
    let found: Vec<Option<Written>> = ids
        .iter()
        .map(|id| {
            stored
                .iter()
                .find(|event| event.id == *id)
                .map(|event| Written {
                    id: event.id,
                    revision: event.revision,
                    position: event.position,
                })
        })
        .collect();
    if found.iter().all(Option::is_none) {
        return RetryMatch::New;
    }
    match ids
        .iter()
        .zip(&found)
        .find(|(_, written)| written.is_none())
    {
        Some((id, _)) => RetryMatch::Partial(*id),
        None => RetryMatch::AlreadyWritten(found.into_iter().flatten().collect()),
    }
}

/// Turns the events read back after a successful write into the append's result. The server
/// acknowledges a duplicate (same ids at the same place) as a success without writing; the
/// stored events then carry the hashes of the original write, not the ones just sent.
pub fn read_back_result(
    stored: &[RecordedEvent],
    sent: &[PreparedEvent],
) -> Result<AppendResult, String> {
    if stored.len() != sent.len() {
        return Err(format!(
            "read back {} events after writing {}",
            stored.len(),
            sent.len()
        ));
    }
    let mut deduplicated = false;
    let mut written = Vec::with_capacity(sent.len());
    for (stored, sent) in stored.iter().zip(sent) {
        if stored.id != sent.id {
            return Err(format!(
                "revision {} holds event {}, not the acknowledged {}",
                stored.revision, stored.id, sent.id
            ));
        }
        deduplicated |= stored.hash != sent.metadata.hash;
        written.push(Written {
            id: stored.id,
            revision: stored.revision,
            position: stored.position,
        });
    }
    Ok(AppendResult {
        written,
        deduplicated,
    })
}

/// First revision of a write of `count` events whose last event is at `last_revision`.
pub fn first_revision(last_revision: StreamRevision, count: usize) -> StreamRevision {
    last_revision + 1 - count as u64
}

/// Refuses what no backend may write, before any IO: as the embedded store does.
pub fn validate_append(events: &[NewEvent]) -> Result<(), InvalidEvent> {
    if events.is_empty() {
        return Err(InvalidEvent::EmptyAppend);
    }
    for (index, event) in events.iter().enumerate() {
        eventlog::validate_new_event(event)?;
        if events[..index].iter().any(|earlier| earlier.id == event.id) {
            return Err(InvalidEvent::DuplicateId { event_id: event.id });
        }
    }
    Ok(())
}

/// Schemes this adapter accepts. The client reads `esdb://` (EventStoreDB) and `kurrentdb://`
/// alike; the `+discover` forms find a cluster's nodes through DNS.
pub const SCHEMES: [&str; 4] = ["esdb", "esdb+discover", "kurrentdb", "kurrentdb+discover"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectionStringError {
    #[error(
        "connection string {0:?} must start with esdb://, kurrentdb:// or their +discover forms"
    )]
    Scheme(String),
    #[error("connection string is not valid: {0}")]
    Invalid(String),
}

/// Checks the scheme, then lets the official client parse the rest (hosts, tls, credentials,
/// node preference...). Credentials are left out of errors.
pub fn parse_connection_string(conn: &str) -> Result<ClientSettings, ConnectionStringError> {
    let scheme = conn
        .split_once("://")
        .map(|(scheme, _)| scheme.to_ascii_lowercase());
    if !scheme
        .as_deref()
        .is_some_and(|scheme| SCHEMES.contains(&scheme))
    {
        return Err(ConnectionStringError::Scheme(redact(conn)));
    }
    conn.parse::<ClientSettings>().map_err(|e| {
        // The client's message may quote the whole string, password included.
        let reason = e.message().replace(conn, &redact(conn));
        ConnectionStringError::Invalid(format!("{} ({reason})", redact(conn)))
    })
}

/// The connection string without its `user:password@` part.
fn redact(conn: &str) -> String {
    match (conn.split_once("://"), conn.rfind('@')) {
        (Some((scheme, _)), Some(at)) => format!("{scheme}://***@{}", &conn[at + 1..]),
        _ => conn.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use eventlog::verify_chain;

    fn new_event(n: u32) -> NewEvent {
        NewEvent {
            id: Uuid::now_v7(),
            event_type: "GroupEstablished".into(),
            schema_version: 2,
            actor: Actor {
                subject: "alice".into(),
                display_name: "Alice".into(),
                roles: vec!["chair@fg-dfc".into()],
            },
            correlation_id: Uuid::now_v7(),
            causation_id: (n % 2 == 1).then(Uuid::now_v7),
            payload: RawValue::from_string(format!(r#"{{ "n": {n}, "name": "é" }}"#)).unwrap(),
        }
    }

    /// Decodes what the server would hold after `prepared` were written at positions
    /// `first_position..`.
    fn decode_all(
        stream: &StreamId,
        prepared: &[PreparedEvent],
        first_position: u64,
    ) -> Vec<RecordedEvent> {
        prepared
            .iter()
            .zip(first_position..)
            .map(|(event, p)| {
                decode_event(ServerEvent {
                    stream: stream.as_str(),
                    id: event.id,
                    revision: event.revision,
                    event_type: &event.event_type,
                    data: event.payload.get().as_bytes(),
                    metadata: &event.metadata_json(),
                    position: kurrentdb::Position {
                        commit: p * 10,
                        prepare: p * 10 - 3,
                    },
                })
                .unwrap()
            })
            .collect()
    }

    fn at(micros: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(micros).unwrap()
    }

    #[test]
    fn prepared_events_decode_into_a_chain_that_verifies() {
        let stream = StreamId::new("group-fg-dfc").unwrap();
        let first = prepare_events(
            &stream,
            None,
            at(1_700_000_000_123_456),
            vec![new_event(0), new_event(1)],
        );
        let first = decode_all(&stream, &first, 1);
        let last = first.last().unwrap();
        let second = prepare_events(
            &stream,
            Some((last.revision, last.hash)),
            at(1_700_000_001_000_000),
            vec![new_event(2)],
        );
        let events: Vec<_> = first
            .iter()
            .cloned()
            .chain(decode_all(&stream, &second, 3))
            .collect();
        assert_eq!(
            events.iter().map(|e| e.revision).collect::<Vec<_>>(),
            [0, 1, 2]
        );
        assert_eq!(verify_chain(&events).unwrap(), Some(events[2].hash));
        assert_eq!(events[0].previous_hash, None);
        assert_eq!(
            events[2].position,
            Position {
                commit: 30,
                prepare: 27
            }
        );
    }

    #[test]
    fn hash_is_the_one_the_contract_computes_for_the_decoded_event() {
        let stream = StreamId::new("meeting-1").unwrap();
        let prepared = prepare_events(&stream, None, at(1_600_000_000_000_001), vec![new_event(1)]);
        let decoded = decode_all(&stream, &prepared, 1).remove(0);
        assert_eq!(
            decoded.hash,
            event_hash(&HashInput::try_from(&decoded).unwrap())
        );
        assert_eq!(decoded.schema_version, 2);
        assert_eq!(decoded.actor.roles, ["chair@fg-dfc"]);
        assert!(decoded.causation_id.is_some());
    }

    #[test]
    fn recorded_at_is_kept_to_the_microsecond_and_written_with_six_digits() {
        let stream = StreamId::new("s").unwrap();
        let nanos = DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap();
        let prepared = prepare_events(&stream, None, nanos, vec![new_event(0)]);
        assert_eq!(prepared[0].metadata.recorded_at, at(1_700_000_000_123_456));
        let json: serde_json::Value = serde_json::from_slice(&prepared[0].metadata_json()).unwrap();
        assert_eq!(json["recordedAt"], "2023-11-14T22:13:20.123456Z");
        assert_eq!(json["schemaVersion"], 2);
        assert_eq!(json["previousHash"], serde_json::Value::Null);
        assert_eq!(json["hash"], prepared[0].metadata.hash.to_string());
        assert_eq!(json["actor"]["displayName"], "Alice");
    }

    #[test]
    fn an_event_without_plenary_metadata_is_refused() {
        let stream = StreamId::new("foreign").unwrap();
        let event = |metadata: &'static [u8], data: &'static [u8]| ServerEvent {
            stream: stream.as_str(),
            id: Uuid::nil(),
            revision: 0,
            event_type: "Something",
            data,
            metadata,
            position: kurrentdb::Position::start(),
        };
        assert!(
            decode_event(event(b"", b"{}"))
                .unwrap_err()
                .contains("metadata")
        );
        assert!(
            decode_event(event(br#"{"$correlationId":"x"}"#, b"{}"))
                .unwrap_err()
                .contains("metadata")
        );
    }

    #[test]
    fn positions_map_both_ways_and_keep_commit_and_prepare() {
        let ours = Position {
            commit: 1_000,
            prepare: 996,
        };
        assert_eq!(position_from_client(position_to_client(ours)), ours);
        assert_eq!(all_start(None), StreamPosition::Start);
        assert_eq!(
            all_start(Some(ours)),
            StreamPosition::Position(kurrentdb::Position {
                commit: 1_000,
                prepare: 996
            })
        );
    }

    #[test]
    fn is_after_excludes_the_checkpoint_itself() {
        let checkpoint = Position {
            commit: 50,
            prepare: 48,
        };
        assert!(is_after(checkpoint, None));
        assert!(!is_after(checkpoint, Some(checkpoint)));
        assert!(!is_after(
            Position {
                commit: 50,
                prepare: 40
            },
            Some(checkpoint)
        ));
        assert!(is_after(
            Position {
                commit: 50,
                prepare: 49
            },
            Some(checkpoint)
        ));
        assert!(is_after(
            Position {
                commit: 51,
                prepare: 0
            },
            Some(checkpoint)
        ));
    }

    #[test]
    fn stream_reads_start_where_asked_in_the_asked_direction() {
        let read = |direction, from| ReadStream {
            direction,
            from,
            max_count: 10,
        };
        assert_eq!(
            stream_start(read(Direction::Forwards, None)),
            (StreamPosition::Start, Direction::Forwards)
        );
        assert_eq!(
            stream_start(read(Direction::Backwards, None)),
            (StreamPosition::End, Direction::Backwards)
        );
        assert_eq!(
            stream_start(read(Direction::Backwards, Some(7))),
            (StreamPosition::Position(7), Direction::Backwards)
        );
        assert_eq!(
            stream_start(read(Direction::Forwards, Some(3))),
            (StreamPosition::Position(3), Direction::Forwards)
        );
    }

    #[test]
    fn writes_name_the_precise_place_they_were_hashed_for() {
        assert_eq!(write_state(None), StreamState::NoStream);
        assert_eq!(write_state(Some(4)), StreamState::StreamRevision(4));
    }

    #[test]
    fn wrong_expected_version_becomes_the_current_revision_of_a_conflict() {
        let wrong = |current| kurrentdb::Error::WrongExpectedVersion {
            expected: StreamState::StreamRevision(1),
            current,
        };
        assert_eq!(
            conflict_current(&wrong(CurrentRevision::Current(4))),
            Some(Some(4))
        );
        assert_eq!(
            conflict_current(&wrong(CurrentRevision::NoStream)),
            Some(None)
        );
        assert_eq!(conflict_current(&kurrentdb::Error::ConnectionClosed), None);
        assert_eq!(conflict_current(&kurrentdb::Error::ResourceNotFound), None);
    }

    #[test]
    fn only_imprecise_expectations_retry_after_losing_a_race() {
        assert!(retries_on_conflict(ExpectedRevision::Any));
        assert!(retries_on_conflict(ExpectedRevision::StreamExists));
        assert!(!retries_on_conflict(ExpectedRevision::NoStream));
        assert!(!retries_on_conflict(ExpectedRevision::Exact(3)));
    }

    #[test]
    fn retry_window_is_where_an_earlier_attempt_would_have_landed() {
        let forwards = |from, max_count| {
            Some(ReadStream {
                direction: Direction::Forwards,
                from: Some(from),
                max_count,
            })
        };
        assert_eq!(
            retry_window(ExpectedRevision::Exact(3), Some(5), 2),
            forwards(4, 2)
        );
        assert_eq!(retry_window(ExpectedRevision::Exact(3), Some(3), 2), None);
        assert_eq!(retry_window(ExpectedRevision::Exact(3), Some(1), 2), None);
        assert_eq!(
            retry_window(ExpectedRevision::NoStream, Some(1), 2),
            forwards(0, 2)
        );
        assert_eq!(retry_window(ExpectedRevision::NoStream, None, 2), None);
        assert_eq!(
            retry_window(ExpectedRevision::Any, Some(1000), 2),
            Some(ReadStream {
                direction: Direction::Backwards,
                from: None,
                max_count: RETRY_WINDOW
            })
        );
        assert_eq!(retry_window(ExpectedRevision::StreamExists, None, 2), None);
    }

    #[test]
    fn match_retry_tells_new_repeated_and_mixed_appends_apart() {
        let stream = StreamId::new("s").unwrap();
        let prepared = prepare_events(
            &stream,
            None,
            at(0),
            vec![new_event(0), new_event(1), new_event(2)],
        );
        let stored = decode_all(&stream, &prepared, 1);
        let ids: Vec<Uuid> = stored.iter().map(|e| e.id).collect();
        match match_retry(&stored, &ids[1..]) {
            RetryMatch::AlreadyWritten(written) => {
                assert_eq!(
                    written.iter().map(|w| w.revision).collect::<Vec<_>>(),
                    [1, 2]
                );
                assert_eq!(written[1].position, stored[2].position);
            }
            other => panic!("expected AlreadyWritten, got {other:?}"),
        }
        let fresh = Uuid::now_v7();
        assert_eq!(match_retry(&stored, &[fresh]), RetryMatch::New);
        assert_eq!(match_retry(&[], &ids), RetryMatch::New);
        assert_eq!(
            match_retry(&stored, &[ids[0], fresh]),
            RetryMatch::Partial(fresh)
        );
    }

    #[test]
    fn read_back_tells_a_write_from_a_duplicate_the_server_acknowledged() {
        let stream = StreamId::new("s").unwrap();
        let events = vec![new_event(0), new_event(1)];
        let original = prepare_events(&stream, None, at(1_000), events.clone());
        let stored = decode_all(&stream, &original, 1);
        let ours = read_back_result(&stored, &original).unwrap();
        assert!(!ours.deduplicated);
        assert_eq!(
            ours.written.iter().map(|w| w.revision).collect::<Vec<_>>(),
            [0, 1]
        );
        let retried = prepare_events(&stream, None, at(2_000), events);
        let theirs = read_back_result(&stored, &retried).unwrap();
        assert!(theirs.deduplicated);
        assert_eq!(theirs.written, ours.written);
        let other = prepare_events(&stream, None, at(1_000), vec![new_event(5), new_event(6)]);
        assert!(
            read_back_result(&stored, &other)
                .unwrap_err()
                .contains("not the acknowledged")
        );
        assert!(read_back_result(&stored[..1], &original).is_err());
    }

    #[test]
    fn first_revision_counts_back_from_the_acknowledged_last() {
        assert_eq!(first_revision(0, 1), 0);
        assert_eq!(first_revision(9, 3), 7);
    }

    #[test]
    fn invalid_appends_are_refused_before_any_io() {
        assert_eq!(validate_append(&[]), Err(InvalidEvent::EmptyAppend));
        let event = new_event(0);
        assert_eq!(
            validate_append(&[event.clone(), event.clone()]),
            Err(InvalidEvent::DuplicateId { event_id: event.id })
        );
        let mut array = new_event(1);
        array.payload = RawValue::from_string("[1]".into()).unwrap();
        assert_eq!(
            validate_append(&[array.clone()]),
            Err(InvalidEvent::PayloadNotObject { event_id: array.id })
        );
        assert_eq!(validate_append(&[event]), Ok(()));
    }

    #[test]
    fn esdb_and_kurrentdb_connection_strings_name_the_same_server() {
        let esdb =
            parse_connection_string("esdb://admin:changeit@db.local:2113?tls=false").unwrap();
        let kurrent =
            parse_connection_string("kurrentdb://admin:changeit@db.local:2113?tls=false").unwrap();
        assert_eq!(esdb, kurrent);
        assert_eq!(esdb.hosts().len(), 1);
        assert_eq!(esdb.hosts()[0].host, "db.local");
        assert!(!esdb.is_secure_mode_enabled());
        assert!(esdb.default_authenticated_user().is_some());
    }

    #[test]
    fn cluster_and_discovery_connection_strings_parse() {
        let seeds =
            parse_connection_string("kurrentdb://node1:2113,node2:2113,node3:2113").unwrap();
        assert_eq!(seeds.hosts().len(), 3);
        assert!(
            seeds.is_secure_mode_enabled(),
            "tls is on unless turned off"
        );
        let discover = parse_connection_string("esdb+discover://cluster.local:2113").unwrap();
        assert!(discover.is_dns_discovery_enabled());
    }

    #[test]
    fn other_schemes_and_garbage_are_refused_without_leaking_passwords() {
        let sqlite = parse_connection_string("sqlite:///var/lib/plenary/log.db").unwrap_err();
        assert!(matches!(sqlite, ConnectionStringError::Scheme(_)));
        assert!(matches!(
            parse_connection_string("plenary.db"),
            Err(ConnectionStringError::Scheme(_))
        ));
        let bad = parse_connection_string("esdb://admin:s3cret@host:notaport").unwrap_err();
        assert!(matches!(bad, ConnectionStringError::Invalid(_)));
        assert!(!bad.to_string().contains("s3cret"), "{bad}");
    }
}
