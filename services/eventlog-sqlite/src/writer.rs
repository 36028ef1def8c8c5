//! The one writer: a thread that gathers concurrent appends into one transaction (group
//! commit) and acknowledges each only after that transaction is durable.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use eventlog::{
    AppendResult, CanonicalParts, ExpectedRevision, InvalidEvent, NewEvent, Position, PreparedHash,
    StoreError, StreamId, StreamRevision, Written,
};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use tokio::sync::{oneshot, watch};
use uuid::Uuid;

use crate::checkpoint::Checkpoints;
use crate::read::{self, Head};
use crate::schema;

/// Stop gathering once a batch holds this many events, so one commit stays short.
const MAX_BATCH_EVENTS: usize = 8192;

/// Stream heads the writer remembers at most; past this it forgets them all and starts over.
const MAX_CACHED_HEADS: usize = 65_536;

/// Why a batch cannot be committed. Nothing in it is acknowledged.
#[derive(Debug, thiserror::Error)]
enum BatchFailure {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// The file does not hold what it must to chain a stream's next event.
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the head of stream {stream} is not at revision {believed} as the writer believed")]
    HeadMoved {
        stream: StreamId,
        believed: StreamRevision,
    },
}

/// What an append's caller is told.
pub type Outcome = Result<AppendResult, StoreError>;

pub struct AppendRequest {
    pub stream: StreamId,
    pub expected: ExpectedRevision,
    /// Already validated: non-empty, distinct ids, each event within the limits.
    pub events: Vec<PreparedEvent>,
    pub reply: oneshot::Sender<Outcome>,
}

/// An event with the work that does not depend on its place done by the appending caller,
/// on its own task, so that the one writer thread only finishes the hash and inserts.
pub struct PreparedEvent {
    pub event: NewEvent,
    pub hash: PreparedHash,
    /// The actor's roles as the JSON array stored in `actor_roles`.
    pub roles_json: String,
}

impl PreparedEvent {
    pub fn new(stream: &StreamId, event: NewEvent) -> Result<Self, StoreError> {
        Ok(Self {
            hash: CanonicalParts::new(stream, &event).prepare(),
            roles_json: serde_json::to_string(&event.actor.roles).map_err(StoreError::internal)?,
            event,
        })
    }
}

pub struct Writer {
    path: PathBuf,
    busy_timeout: Duration,
    /// `None` after a failed commit until a fresh connection is opened.
    conn: Option<Connection>,
    requests: Receiver<AppendRequest>,
    /// The last committed global position, for in-process subscribers to wake on.
    committed: Arc<watch::Sender<u64>>,
    /// Transactions committed so far that wrote at least one event.
    commits: Arc<AtomicU64>,
    checkpoints: Checkpoints,
    heads: HeadCache,
}

/// What the writer knows of the file without asking it: the heads of the streams it appended
/// to, so that an append need not look its stream's head up, and the greatest event id stored,
/// so that a new id above it (as a fresh UUIDv7 is) needs no lookup for a retry. Only what
/// this connection wrote is here, so it is right only while no other connection (another
/// process, another store on the same file) has committed: `PRAGMA data_version` tells, and
/// is checked at the start of every transaction. Entries written by a transaction that then
/// fails are dropped with the rest.
#[derive(Default)]
struct HeadCache {
    /// `PRAGMA data_version` when the entries were last known right.
    data_version: Option<i64>,
    heads: HashMap<StreamId, Head>,
    /// Every stored event id is at most this one; `None` until read from the file.
    greatest_id: Option<Uuid>,
}

impl HeadCache {
    /// Forgets everything if another connection has committed since the last transaction.
    fn validate(&mut self, tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
        let version = tx
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |row| row.get(0))?;
        if self.data_version != Some(version) {
            self.clear();
            self.data_version = Some(version);
        }
        Ok(())
    }

    fn clear(&mut self) {
        self.heads.clear();
        self.data_version = None;
        self.greatest_id = None;
    }

    /// Whether an event with this id may already be stored; `false` means it surely is not.
    fn may_hold(&mut self, tx: &rusqlite::Transaction<'_>, id: Uuid) -> rusqlite::Result<bool> {
        let greatest = match self.greatest_id {
            Some(greatest) => greatest,
            None => {
                let stored: Option<Vec<u8>> = tx
                    .prepare_cached("SELECT max(event_id) FROM events")?
                    .query_row([], |row| row.get(0))?;
                // An id that is not 16 bytes long (a damaged file) bounds nothing.
                let greatest = stored.map_or(Ok(Uuid::nil()), |bytes| Uuid::from_slice(&bytes));
                *self.greatest_id.insert(greatest.unwrap_or(Uuid::max()))
            }
        };
        Ok(id <= greatest)
    }

    fn stored_id(&mut self, id: Uuid) {
        if let Some(greatest) = &mut self.greatest_id {
            *greatest = (*greatest).max(id);
        }
    }

    fn get(&self, stream: &StreamId) -> Option<Head> {
        self.heads.get(stream).copied()
    }

    fn set(&mut self, stream: &StreamId, head: Head) {
        if let Some(cached) = self.heads.get_mut(stream) {
            *cached = head;
            return;
        }
        if self.heads.len() >= MAX_CACHED_HEADS {
            self.heads.clear();
        }
        self.heads.insert(stream.clone(), head);
    }
}

impl Writer {
    pub fn new(
        path: PathBuf,
        busy_timeout: Duration,
        conn: Connection,
        requests: Receiver<AppendRequest>,
        committed: Arc<watch::Sender<u64>>,
        commits: Arc<AtomicU64>,
        checkpoints: Checkpoints,
    ) -> Self {
        Self {
            path,
            busy_timeout,
            conn: Some(conn),
            requests,
            committed,
            commits,
            checkpoints,
            heads: HeadCache::default(),
        }
    }

    /// Runs until every sender (every `SqliteStore` handle) is gone.
    pub fn run(mut self) {
        while let Ok(first) = self.requests.recv() {
            let batch = self.gather(first);
            self.commit_batch(batch);
        }
    }

    /// Takes whatever else is already waiting: the appends that queued up while the last
    /// commit was being fsynced share the next one.
    fn gather(&self, first: AppendRequest) -> Vec<AppendRequest> {
        let mut events = first.events.len();
        let mut batch = vec![first];
        while events < MAX_BATCH_EVENTS {
            match self.requests.try_recv() {
                Ok(request) => {
                    events += request.events.len();
                    batch.push(request);
                }
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        batch
    }

    fn commit_batch(&mut self, batch: Vec<AppendRequest>) {
        match self.write(&batch) {
            Ok((outcomes, last_seq)) => {
                if let Some(seq) = last_seq {
                    self.commits.fetch_add(1, Ordering::Relaxed);
                    self.committed.send_replace(seq);
                    self.checkpoints.committed();
                }
                for (request, outcome) in batch.into_iter().zip(outcomes) {
                    // The caller may have gone away; the events are durable regardless.
                    let _ = request.reply.send(outcome);
                }
            }
            Err(error) => {
                // Nothing in the batch is acknowledged. The connection is dropped so that the
                // next batch starts from what is on disk, not from this connection's state.
                tracing::error!(%error, appends = batch.len(), "event log batch not committed");
                self.conn = None;
                self.heads.clear();
                for request in batch {
                    let _ = request.reply.send(Err(StoreError::Internal(format!(
                        "the append was not committed: {error}"
                    ))));
                }
            }
        }
    }

    /// Writes the batch in one transaction. The outer error means nothing was committed.
    fn write(
        &mut self,
        batch: &[AppendRequest],
    ) -> Result<(Vec<Outcome>, Option<u64>), BatchFailure> {
        if self.conn.is_none() {
            self.conn = Some(schema::open_writer(&self.path, self.busy_timeout)?);
        }
        let conn = self.conn.as_mut().expect("opened above");
        self.checkpoints.finish(conn);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        self.heads.validate(&tx)?;
        let recorded_at = now_micros();
        let mut outcomes = Vec::with_capacity(batch.len());
        let mut last_seq = None;
        for request in batch {
            // Any SQLite failure fails the whole batch: the transaction is rolled back when
            // `tx` is dropped, so a partly written append never reaches the file.
            let outcome = append_one(&tx, &mut self.heads, request, recorded_at)?;
            if let Ok(result) = &outcome
                && !result.deduplicated
            {
                last_seq = Some(result.last().position.commit);
            }
            outcomes.push(outcome);
        }
        tx.commit()?;
        Ok((outcomes, last_seq))
    }
}

fn now_micros() -> DateTime<Utc> {
    DateTime::from_timestamp_micros(Utc::now().timestamp_micros()).expect("the clock is in range")
}

/// One append inside the batch's transaction, against the state the batch has built so far.
/// A refused append (the inner error) writes nothing and does not disturb the others; the
/// outer error is a failure of the file, which fails the batch.
fn append_one(
    tx: &rusqlite::Transaction<'_>,
    heads: &mut HeadCache,
    request: &AppendRequest,
    recorded_at: DateTime<Utc>,
) -> Result<Outcome, BatchFailure> {
    // Before the revision check: a retried append gets its original places, not a Conflict.
    match already_written(tx, heads, request)? {
        Ok(None) => {}
        Ok(Some(result)) => return Ok(Ok(result)),
        Err(refusal) => return Ok(Err(refusal.into())),
    }
    let before = match heads.get(&request.stream) {
        Some(head) => Some(head),
        None => read::stream_head(tx, &request.stream)?,
    };
    let current = before.map(|head| head.revision);
    if !request.expected.admits(current) {
        return Ok(Err(StoreError::Conflict {
            stream: request.stream.to_string(),
            expected: request.expected,
            current,
        }));
    }
    let mut written = Vec::with_capacity(request.events.len());
    let mut head = before;
    for event in &request.events {
        let (place, after) = insert_event(tx, &request.stream, event, head, recorded_at)?;
        heads.stored_id(place.id);
        written.push(place);
        head = Some(after);
    }
    let head = head.expect("an append holds at least one event");
    move_head(tx, &request.stream, before, head)?;
    heads.set(&request.stream, head);
    Ok(Ok(AppendResult {
        written,
        deduplicated: false,
    }))
}

/// Records the stream's new last event. The row must still name `before`: if the file says
/// otherwise, the events just inserted do not follow its head and the batch must fail.
fn move_head(
    tx: &rusqlite::Transaction<'_>,
    stream: &StreamId,
    before: Option<Head>,
    after: Head,
) -> Result<(), BatchFailure> {
    let Some(before) = before else {
        // A primary key: fails if the stream already has a head.
        tx.prepare_cached("INSERT INTO streams (stream, seq) VALUES (?1, ?2)")?
            .execute((stream.as_str(), after.seq))?;
        return Ok(());
    };
    let moved = tx
        .prepare_cached("UPDATE streams SET seq = ?2 WHERE stream = ?1 AND seq = ?3")?
        .execute((stream.as_str(), after.seq, before.seq))?;
    if moved != 1 {
        return Err(BatchFailure::HeadMoved {
            stream: stream.clone(),
            believed: before.revision,
        });
    }
    Ok(())
}

/// The original places of the events if every id is already in the stream; a refusal if only
/// some are; `None` if none are.
fn already_written(
    tx: &rusqlite::Transaction<'_>,
    cache: &mut HeadCache,
    request: &AppendRequest,
) -> rusqlite::Result<Result<Option<AppendResult>, InvalidEvent>> {
    let mut found = Vec::new();
    let mut first_new = None;
    for PreparedEvent { event, .. } in &request.events {
        let place = if cache.may_hold(tx, event.id)? {
            tx.prepare_cached(
                "SELECT revision, seq FROM events WHERE event_id = ?1 AND stream = ?2",
            )?
            .query_row(
                (event.id.as_bytes().as_slice(), request.stream.as_str()),
                |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?)),
            )
            .optional()?
        } else {
            None
        };
        match place {
            Some((revision, seq)) => found.push(Written {
                id: event.id,
                revision: revision as StreamRevision,
                position: Position::at(seq as u64),
            }),
            None => {
                first_new.get_or_insert(event.id);
            }
        }
    }
    Ok(match (found.is_empty(), first_new) {
        (true, _) => Ok(None),
        (false, None) => Ok(Some(AppendResult {
            written: found,
            deduplicated: true,
        })),
        (false, Some(event_id)) => Err(InvalidEvent::PartialRetry { event_id }),
    })
}

/// Inserts one event after `head`, linking it to the head and chaining its hash to the head's.
fn insert_event(
    tx: &rusqlite::Transaction<'_>,
    stream: &StreamId,
    prepared: &PreparedEvent,
    head: Option<Head>,
    recorded_at: DateTime<Utc>,
) -> rusqlite::Result<(Written, Head)> {
    let mut statement = tx.prepare_cached(
        "INSERT INTO events (stream, revision, previous_seq, event_id, event_type, \
         schema_version, recorded_at, actor_subject, actor_name, actor_roles, correlation_id, \
         causation_id, payload, previous_hash, hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?;
    let revision = head.map_or(0, |head| head.revision + 1);
    let previous_hash = head.map(|head| head.hash);
    let event = &prepared.event;
    let hash = prepared.hash.finish(previous_hash, recorded_at, revision);
    statement.execute((
        stream.as_str(),
        revision as i64,
        head.map(|head| head.seq),
        event.id.as_bytes().as_slice(),
        event.event_type.as_str(),
        event.schema_version,
        recorded_at.timestamp_micros(),
        event.actor.subject.as_str(),
        event.actor.display_name.as_str(),
        prepared.roles_json.as_str(),
        event.correlation_id.as_bytes().as_slice(),
        event
            .causation_id
            .as_ref()
            .map(|id| id.as_bytes().as_slice()),
        event.payload.get(),
        previous_hash.as_ref().map(|hash| hash.0.as_slice()),
        hash.0.as_slice(),
    ))?;
    let seq = tx.last_insert_rowid();
    let written = Written {
        id: event.id,
        revision,
        position: Position::at(seq as u64),
    };
    Ok((
        written,
        Head {
            revision,
            hash,
            seq,
        },
    ))
}

#[cfg(test)]
mod tests {
    use eventlog::EventHash;

    use super::*;

    fn head(revision: StreamRevision) -> Head {
        Head {
            revision,
            hash: EventHash([revision as u8; 32]),
            seq: revision as i64 + 1,
        }
    }

    #[test]
    fn a_head_moves_only_from_the_event_the_file_names() {
        let mut conn = Connection::open_in_memory().expect("an in-memory database");
        schema::migrate(&mut conn).expect("migrate");
        let tx = conn.transaction().expect("a transaction");
        let stream = StreamId::new("guarded").expect("a stream name");

        move_head(&tx, &stream, None, head(0)).expect("a new stream gets its head");
        move_head(&tx, &stream, Some(head(0)), head(1)).expect("the head moves on");
        assert!(matches!(
            move_head(&tx, &stream, Some(head(0)), head(1)),
            Err(BatchFailure::HeadMoved { believed: 0, .. })
        ));
        assert!(
            move_head(&tx, &stream, None, head(0)).is_err(),
            "a stream that has a head is not new"
        );
        let named: i64 = tx
            .query_row(
                "SELECT seq FROM streams WHERE stream = 'guarded'",
                [],
                |row| row.get(0),
            )
            .expect("the head row");
        assert_eq!(named, head(1).seq);
    }
}
