//! Reading events back: the queries and the decoding of a row into a `RecordedEvent`.

use std::sync::Arc;

use chrono::DateTime;
use eventlog::{
    Actor, Direction, EventHash, Payload, Position, ReadStream, RecordedEvent, StoreError,
    StreamId, StreamRevision,
};
use foldhash::{HashMap, HashSet};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, Row};
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

pub fn read_stream(
    conn: &Connection,
    stream: &StreamId,
    read: ReadStream,
) -> Result<Vec<RecordedEvent>, StoreError> {
    let (condition, order, from) = match read.direction {
        Direction::Forwards => (">=", "ASC", read.from.unwrap_or(0)),
        Direction::Backwards => ("<=", "DESC", read.from.unwrap_or(i64::MAX as u64)),
    };
    let mut statement = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM events WHERE stream = ?1 AND revision {condition} ?2 \
             ORDER BY revision {order} LIMIT ?3"
        ))
        .map_err(StoreError::internal)?;
    let from = i64::try_from(from).unwrap_or(i64::MAX);
    let rows = statement
        .query((stream.as_str(), from, limit(read.max_count)))
        .map_err(StoreError::internal)?;
    collect(rows, read.max_count)
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
