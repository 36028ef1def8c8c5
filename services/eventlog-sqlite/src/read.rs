//! Reading events back: the queries and the decoding of a row into a `RecordedEvent`.

use std::sync::{Arc, LazyLock};

use chrono::DateTime;
use eventlog::{
    Actor, Direction, EventHash, Payload, Position, ReadStream, RecordedEvent, StoreError,
    StreamId, StreamRevision,
};
use foldhash::{HashMap, HashSet};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, Row};

use crate::schema::ANCHOR_INTERVAL;
use uuid::Uuid;

/// The columns every read selects, in the order [`decode`] expects.
const COLUMNS: &str = "seq, stream, revision, event_id, event_type, schema_version, recorded_at, \
    actor_subject, actor_name, actor_roles, correlation_id, causation_id, payload, \
    previous_hash, hash";

/// SQLite takes a signed limit; `usize::MAX` means "no limit".
fn limit(max_count: usize) -> i64 {
    i64::try_from(max_count).unwrap_or(i64::MAX)
}

pub fn read_all(
    conn: &Connection,
    after: u64,
    max_count: usize,
) -> Result<Vec<RecordedEvent>, StoreError> {
    let mut statement = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2"
        ))
        .map_err(StoreError::internal)?;
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    collect(
        statement
            .query((after, limit(max_count)))
            .map_err(StoreError::internal)?,
        max_count,
    )
}

/// The events at positions in `(after, up_to]`: once `up_to` is committed, that range is final,
/// so several ranges can be read at once on different connections.
pub fn read_range(
    conn: &Connection,
    after: u64,
    up_to: u64,
) -> Result<Vec<RecordedEvent>, StoreError> {
    let mut statement = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM events WHERE seq > ?1 AND seq <= ?2 ORDER BY seq"
        ))
        .map_err(StoreError::internal)?;
    let span = usize::try_from(up_to.saturating_sub(after)).unwrap_or(usize::MAX);
    let (after, up_to) = (
        i64::try_from(after).unwrap_or(i64::MAX),
        i64::try_from(up_to).unwrap_or(i64::MAX),
    );
    collect(
        statement
            .query((after, up_to))
            .map_err(StoreError::internal)?,
        span,
    )
}

/// Follows a stream's links back from `?1` (an event expected at revision `?2`) down to
/// revision `?3`, in one statement. Each row is the event at `at`, or nulls where a link
/// leads to no event (`at` is null where the link itself is missing), so that a break shows.
static WALK_QUERY: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH RECURSIVE chain(at, expected) AS ( \
            VALUES (?1, ?2) \
            UNION ALL \
            SELECT previous_seq, expected - 1 FROM chain JOIN events ON seq = at \
            WHERE expected > ?3 \
        ) \
        SELECT {COLUMNS}, at, expected FROM chain LEFT JOIN events ON seq = at"
    )
});

/// Reads a stream by walking back along its links (`previous_seq`) from the first event at
/// or after the last revision wanted: its head, or the nearest anchor (see
/// `schema::ANCHOR_INTERVAL`). Each step is checked for the stream and revision it lands on,
/// so a removed or renumbered event is reported as `Corrupt`, not skipped.
pub fn read_stream(
    conn: &Connection,
    stream: &StreamId,
    read: ReadStream,
) -> Result<Vec<RecordedEvent>, StoreError> {
    let Some(head) = stream_head(conn, stream)? else {
        return Ok(Vec::new());
    };
    let Some((first, last)) = wanted(&read, head.revision) else {
        return Ok(Vec::new());
    };
    let anchor = last.next_multiple_of(ANCHOR_INTERVAL);
    let start = if anchor >= head.revision {
        Step {
            revision: head.revision,
            seq: head.seq,
        }
    } else {
        anchor_at(conn, stream, anchor)?
    };
    let mut statement = conn
        .prepare_cached(&WALK_QUERY)
        .map_err(StoreError::internal)?;
    let mut rows = statement
        .query((start.seq, start.revision as i64, first as i64))
        .map_err(StoreError::internal)?;
    let mut shared = Shared::default();
    let mut events = Vec::with_capacity(usize::try_from(last - first + 1).unwrap_or(0).min(4096));
    while let Some(row) = rows.next().map_err(StoreError::internal)? {
        let expected = unsigned(row, 16, "expected")?;
        let Some(seq) = row
            .get::<_, Option<i64>>(15)
            .map_err(|error| corrupt("at", error))?
        else {
            return Err(StoreError::Corrupt(format!(
                "stream {stream}: the event at revision {} links to nothing",
                expected + 1
            )));
        };
        let step = Step {
            revision: expected,
            seq,
        };
        if row.get_ref(0).map_err(StoreError::internal)? == ValueRef::Null {
            return Err(broken_link(stream, step, "is missing"));
        }
        let event = decode(row, &mut shared)?;
        if event.stream_id != *stream || event.revision != expected {
            let found = format!("holds {}@{}", event.stream_id, event.revision);
            return Err(broken_link(stream, step, &found));
        }
        if expected <= last {
            events.push(event);
        }
    }
    // The walk yields events newest first; SQL does not promise that order, so it is made.
    events.sort_unstable_by_key(|event| event.revision);
    if read.direction == Direction::Backwards {
        events.reverse();
    }
    Ok(events)
}

/// Where a walk along a stream's links stands: the revision it expects at `seq`.
#[derive(Debug, Clone, Copy)]
struct Step {
    revision: StreamRevision,
    seq: i64,
}

/// The revisions a read wants, as `(first, last)` within `0..=head`; `None` if none.
fn wanted(read: &ReadStream, head: StreamRevision) -> Option<(StreamRevision, StreamRevision)> {
    let span = u64::try_from(read.max_count).ok()?.checked_sub(1)?;
    match read.direction {
        Direction::Forwards => {
            let first = read.from.unwrap_or(0);
            (first <= head).then(|| (first, first.saturating_add(span).min(head)))
        }
        Direction::Backwards => {
            let last = read.from.unwrap_or(head).min(head);
            Some((last.saturating_sub(span), last))
        }
    }
}

/// A stream's last event: where it is, its revision and its hash (what an append chains to).
#[derive(Debug, Clone, Copy)]
pub struct Head {
    pub revision: StreamRevision,
    pub hash: EventHash,
    pub seq: i64,
}

/// The stream's head as the file has it; `None` for a stream that has none. A head that names
/// no event, or another stream's, is reported: it is neither an empty stream nor a new one.
pub fn stream_head(conn: &Connection, stream: &StreamId) -> Result<Option<Head>, StoreError> {
    let head = conn
        .prepare_cached(
            "SELECT streams.seq, events.stream, events.revision, events.hash FROM streams \
             LEFT JOIN events ON events.seq = streams.seq WHERE streams.stream = ?1",
        )
        .and_then(|mut statement| {
            statement
                .query_row([stream.as_str()], |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, Option<String>>(1)?,
                        row.get::<_, Option<i64>>(2)?,
                        row.get::<_, Option<Vec<u8>>>(3)?,
                    ))
                })
                .optional()
        })
        .map_err(StoreError::internal)?;
    let Some((seq, named, revision, event_hash)) = head else {
        return Ok(None);
    };
    match (named, revision, event_hash) {
        (Some(named), Some(revision), Some(event_hash)) if named == stream.as_str() => {
            Ok(Some(Head {
                revision: u64::try_from(revision).map_err(|error| corrupt("revision", error))?,
                hash: hash(&event_hash, "hash")?,
                seq,
            }))
        }
        (Some(named), ..) => Err(StoreError::Corrupt(format!(
            "stream {stream}: its head names position {seq}, an event of stream {named}"
        ))),
        _ => Err(StoreError::Corrupt(format!(
            "stream {stream}: its head names position {seq}, which holds no event"
        ))),
    }
}

/// Finds an anchor. `revision % 32 = 0` repeats the condition of the index `events_anchors`,
/// so that SQLite may use it.
const ANCHOR_QUERY: &str =
    "SELECT seq FROM events WHERE stream = ?1 AND revision = ?2 AND revision % 32 = 0";

/// The indexed event at `revision`, a multiple of `ANCHOR_INTERVAL` below the stream's head.
fn anchor_at(
    conn: &Connection,
    stream: &StreamId,
    revision: StreamRevision,
) -> Result<Step, StoreError> {
    let seq = conn
        .prepare_cached(ANCHOR_QUERY)
        .and_then(|mut statement| {
            statement
                .query_row((stream.as_str(), revision as i64), |row| row.get(0))
                .optional()
        })
        .map_err(StoreError::internal)?;
    seq.map(|seq| Step { revision, seq }).ok_or_else(|| {
        StoreError::Corrupt(format!(
            "stream {stream}: the event at revision {revision}, below its head, is missing"
        ))
    })
}

fn broken_link(stream: &StreamId, step: Step, what: &str) -> StoreError {
    StoreError::Corrupt(format!(
        "stream {stream}: the event expected at revision {} (position {}) {what}",
        step.revision, step.seq
    ))
}

pub fn head(conn: &Connection) -> Result<Option<Position>, StoreError> {
    let seq: Option<i64> = conn
        .query_row("SELECT max(seq) FROM events", [], |row| row.get(0))
        .map_err(StoreError::internal)?;
    Ok(seq.map(|seq| Position::at(seq as u64)))
}

fn collect(
    mut rows: rusqlite::Rows<'_>,
    max_count: usize,
) -> Result<Vec<RecordedEvent>, StoreError> {
    let mut events = Vec::with_capacity(max_count.min(4096));
    let mut shared = Shared::default();
    while let Some(row) = rows.next().map_err(StoreError::internal)? {
        events.push(decode(row, &mut shared)?);
    }
    Ok(events)
}

/// The stream names, event types and actors of the events read by one query, each made once
/// and shared by every event that carries it: they repeat from row to row, and a replay would
/// otherwise allocate (and its consumer free) four strings per event.
#[derive(Default)]
struct Shared {
    streams: HashSet<StreamId>,
    event_types: HashSet<Arc<str>>,
    /// By subject: each distinct display name and roles that subject acted under.
    actors: HashMap<Box<str>, Vec<ActorAsRead>>,
}

/// An actor with its roles as stored (JSON), which the next rows' roles are compared against.
struct ActorAsRead {
    roles_json: Box<str>,
    actor: Arc<Actor>,
}

impl Shared {
    fn stream(&mut self, name: &str) -> Result<StreamId, StoreError> {
        if let Some(known) = self.streams.get(name) {
            return Ok(known.clone());
        }
        let stream = StreamId::new(name).map_err(|error| corrupt("stream", error))?;
        self.streams.insert(stream.clone());
        Ok(stream)
    }

    fn event_type(&mut self, name: &str) -> Arc<str> {
        if let Some(known) = self.event_types.get(name) {
            return known.clone();
        }
        let name: Arc<str> = name.into();
        self.event_types.insert(name.clone());
        name
    }

    fn actor(
        &mut self,
        subject: &str,
        display_name: &str,
        roles_json: &str,
    ) -> Result<Arc<Actor>, StoreError> {
        let known = self.actors.get(subject).and_then(|variants| {
            variants.iter().find(|known| {
                known.actor.display_name == display_name && &*known.roles_json == roles_json
            })
        });
        if let Some(known) = known {
            return Ok(known.actor.clone());
        }
        // Most actors carry no or few roles; skip the JSON parser for the common empty case.
        let roles = if roles_json == "[]" {
            Vec::new()
        } else {
            serde_json::from_str(roles_json).map_err(|error| corrupt("actor_roles", error))?
        };
        let actor = Arc::new(Actor {
            subject: subject.to_owned(),
            display_name: display_name.to_owned(),
            roles,
        });
        self.actors
            .entry(subject.into())
            .or_default()
            .push(ActorAsRead {
                roles_json: roles_json.into(),
                actor: actor.clone(),
            });
        Ok(actor)
    }
}

fn corrupt(column: &str, why: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("column {column}: {why}"))
}

fn text<'r>(row: &'r Row<'_>, index: usize, column: &str) -> Result<&'r str, StoreError> {
    row.get_ref(index)
        .and_then(|value| value.as_str().map_err(Into::into))
        .map_err(|error| corrupt(column, error))
}

fn integer(row: &Row<'_>, index: usize, column: &str) -> Result<i64, StoreError> {
    row.get_ref(index)
        .and_then(|value| value.as_i64().map_err(Into::into))
        .map_err(|error| corrupt(column, error))
}

fn unsigned(row: &Row<'_>, index: usize, column: &str) -> Result<u64, StoreError> {
    u64::try_from(integer(row, index, column)?).map_err(|error| corrupt(column, error))
}

fn optional_blob<'r>(
    row: &'r Row<'_>,
    index: usize,
    column: &str,
) -> Result<Option<&'r [u8]>, StoreError> {
    match row.get_ref(index).map_err(|error| corrupt(column, error))? {
        ValueRef::Null => Ok(None),
        ValueRef::Blob(bytes) => Ok(Some(bytes)),
        other => Err(corrupt(
            column,
            format!("expected a blob, found {:?}", other.data_type()),
        )),
    }
}

fn uuid(bytes: &[u8], column: &str) -> Result<Uuid, StoreError> {
    Uuid::from_slice(bytes).map_err(|error| corrupt(column, error))
}

fn hash(bytes: &[u8], column: &str) -> Result<EventHash, StoreError> {
    <[u8; 32]>::try_from(bytes)
        .map(EventHash)
        .map_err(|error| corrupt(column, error))
}

fn required<T>(value: Option<T>, column: &str) -> Result<T, StoreError> {
    value.ok_or_else(|| corrupt(column, "is null"))
}

fn decode(row: &Row<'_>, shared: &mut Shared) -> Result<RecordedEvent, StoreError> {
    let stream = shared.stream(text(row, 1, "stream")?)?;
    let actor = shared.actor(
        text(row, 7, "actor_subject")?,
        text(row, 8, "actor_name")?,
        text(row, 9, "actor_roles")?,
    )?;
    let recorded_at = DateTime::from_timestamp_micros(integer(row, 6, "recorded_at")?)
        .ok_or_else(|| corrupt("recorded_at", "out of range"))?;
    // Not parsed here: see `Payload`.
    let payload = Payload::stored(text(row, 12, "payload")?);
    Ok(RecordedEvent {
        position: Position::at(unsigned(row, 0, "seq")?),
        stream_id: stream,
        revision: unsigned(row, 2, "revision")? as StreamRevision,
        id: uuid(
            required(optional_blob(row, 3, "event_id")?, "event_id")?,
            "event_id",
        )?,
        event_type: shared.event_type(text(row, 4, "event_type")?),
        schema_version: u16::try_from(integer(row, 5, "schema_version")?)
            .map_err(|error| corrupt("schema_version", error))?,
        recorded_at,
        actor,
        correlation_id: uuid(
            required(optional_blob(row, 10, "correlation_id")?, "correlation_id")?,
            "correlation_id",
        )?,
        causation_id: optional_blob(row, 11, "causation_id")?
            .map(|bytes| uuid(bytes, "causation_id"))
            .transpose()?,
        payload,
        previous_hash: optional_blob(row, 13, "previous_hash")?
            .map(|bytes| hash(bytes, "previous_hash"))
            .transpose()?,
        hash: hash(required(optional_blob(row, 14, "hash")?, "hash")?, "hash")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;

    #[test]
    fn the_anchor_query_is_answered_from_the_anchor_index() {
        assert!(ANCHOR_QUERY.contains(&format!("revision % {ANCHOR_INTERVAL} = 0")));
        let mut conn = Connection::open_in_memory().expect("an in-memory database");
        schema::migrate(&mut conn).expect("migrate");
        let plan = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {ANCHOR_QUERY}"))
            .expect("explain")
            .query_map(("stream", 64), |row| row.get::<_, String>(3))
            .expect("the plan")
            .collect::<rusqlite::Result<Vec<_>>>()
            .expect("the plan's rows");
        assert!(
            plan.iter().any(|step| step.contains("events_anchors")),
            "{plan:?}"
        );
    }
}
