//! The database file: connection settings and the versioned schema with its migrations.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

/// Migrations in order; `PRAGMA user_version` holds how many have been applied.
/// Never edit a migration that has shipped: append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: the log. One row per event; `seq` is the global position. Ids and hashes are BLOBs
    // and the payload is the JSON text as written, so that replay decodes little.
    "CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        stream TEXT NOT NULL,
        revision INTEGER NOT NULL,
        event_id BLOB NOT NULL,
        event_type TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        recorded_at INTEGER NOT NULL, -- microseconds since the Unix epoch, UTC
        actor_subject TEXT NOT NULL,
        actor_name TEXT NOT NULL,
        actor_roles TEXT NOT NULL, -- JSON array of strings
        correlation_id BLOB NOT NULL,
        causation_id BLOB,
        payload TEXT NOT NULL,
        previous_hash BLOB,
        hash BLOB NOT NULL,
        UNIQUE (stream, revision)
    ) STRICT;
    CREATE INDEX events_by_id ON events (event_id);",
    // 2: streams are found through their head, not through an index of every event. An index
    // on (stream, revision) dirtied one leaf page per stream in every commit, so a commit of 32
    // appends to 32 streams wrote some 40 pages to the WAL. Now each event links to its
    // stream's previous event, `streams` names each stream's last event (a small table whose
    // rows a commit rewrites in place; the event row holds its revision and hash), and only
    // every 32nd revision is indexed, as the anchor from which a read of part of a long stream
    // starts walking back.
    "CREATE TABLE linked_events (
        seq INTEGER PRIMARY KEY,
        stream TEXT NOT NULL,
        revision INTEGER NOT NULL,
        previous_seq INTEGER, -- the event at revision - 1 of the same stream; NULL at 0
        event_id BLOB NOT NULL,
        event_type TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        recorded_at INTEGER NOT NULL, -- microseconds since the Unix epoch, UTC
        actor_subject TEXT NOT NULL,
        actor_name TEXT NOT NULL,
        actor_roles TEXT NOT NULL, -- JSON array of strings
        correlation_id BLOB NOT NULL,
        causation_id BLOB,
        payload TEXT NOT NULL,
        previous_hash BLOB,
        hash BLOB NOT NULL
    ) STRICT;
    INSERT INTO linked_events
        SELECT seq, stream, revision,
            (SELECT previous.seq FROM events AS previous
                WHERE previous.stream = events.stream AND previous.revision = events.revision - 1),
            event_id, event_type, schema_version, recorded_at, actor_subject, actor_name,
            actor_roles, correlation_id, causation_id, payload, previous_hash, hash
        FROM events ORDER BY seq;
    CREATE TABLE streams (
        stream TEXT PRIMARY KEY,
        seq INTEGER NOT NULL -- the stream's last event
    ) STRICT, WITHOUT ROWID;
    INSERT INTO streams SELECT stream, max(seq) FROM events GROUP BY stream;
    DROP TABLE events;
    ALTER TABLE linked_events RENAME TO events;
    CREATE INDEX events_by_id ON events (event_id);
    CREATE UNIQUE INDEX events_anchors ON events (stream, revision) WHERE revision % 32 = 0;",
];

/// Every how many revisions a stream's event is indexed (`events_anchors`). The literal 32 in
/// that index and in the queries that use it must be this number.
pub const ANCHOR_INTERVAL: u64 = 32;

/// The schema version this build writes; a file with a newer one is refused.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Opens the connection the writer (or the checkpointer) uses: WAL, every commit fsynced before
/// it returns, and no automatic checkpoint at the end of a commit (the checkpointer's thread
/// does that work, see `checkpoint`).
pub fn open_writer(path: &Path, busy_timeout: Duration) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(busy_timeout)?;
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::InvalidParameterName(format!(
            "journal_mode is {mode}, WAL is required"
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    // When the WAL starts over after a burst, it is cut back to this size.
    conn.pragma_update(None, "journal_size_limit", 64i64 << 20)?;
    Ok(conn)
}

/// Opens a connection for reads only; it never takes the write lock.
pub fn open_reader(path: &Path, busy_timeout: Duration) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(busy_timeout)?;
    conn.pragma_update(None, "query_only", true)?;
    // Memory-mapped reads make replaying the log cheaper; the map is only address space.
    conn.pragma_update(None, "mmap_size", 1i64 << 30)?;
    conn.pragma_update(None, "cache_size", -16_384)?;
    Ok(conn)
}

#[derive(Debug)]
pub enum MigrationError {
    Sqlite(rusqlite::Error),
    Newer { found: u32, known: u32 },
}

/// Brings the file to [`SCHEMA_VERSION`]. Safe to run from several processes at once: the
/// version is read and raised inside one write transaction.
pub fn migrate(conn: &mut Connection) -> Result<u32, MigrationError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(MigrationError::Sqlite)?;
    let found: u32 = tx
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(MigrationError::Sqlite)?;
    if found > SCHEMA_VERSION {
        return Err(MigrationError::Newer {
            found,
            known: SCHEMA_VERSION,
        });
    }
    for migration in &MIGRATIONS[found as usize..] {
        tx.execute_batch(migration)
            .map_err(MigrationError::Sqlite)?;
    }
    if found < SCHEMA_VERSION {
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(MigrationError::Sqlite)?;
    }
    tx.commit().map_err(MigrationError::Sqlite)?;
    Ok(SCHEMA_VERSION)
}

#[cfg(test)]
mod tests {
    use eventlog::conformance::test_event;
    use eventlog::{
        Direction, EventStore, ExpectedRevision, ReadStream, RecordedEvent, StreamId, verify_chain,
    };

    use super::*;
    use crate::SqliteStore;

    /// What identifies each event read and its place.
    fn places(events: &[RecordedEvent]) -> Vec<(uuid::Uuid, u64, u64, [u8; 32])> {
        events
            .iter()
            .map(|event| {
                (
                    event.id,
                    event.revision,
                    event.position.commit,
                    event.hash.0,
                )
            })
            .collect()
    }

    /// Turns a file of the current schema back into one of schema version 1, as a build from
    /// before migration 2 would have written it.
    fn back_to_version_1(path: &Path) {
        let conn = Connection::open(path).expect("open the file directly");
        conn.execute_batch(
            "DROP INDEX events_by_id; DROP INDEX events_anchors; DROP TABLE streams;
             ALTER TABLE events RENAME TO current_events;",
        )
        .expect("set the current tables aside");
        conn.execute_batch(MIGRATIONS[0])
            .expect("the tables of version 1");
        conn.execute_batch(
            "INSERT INTO events SELECT seq, stream, revision, event_id, event_type,
                schema_version, recorded_at, actor_subject, actor_name, actor_roles,
                correlation_id, causation_id, payload, previous_hash, hash
             FROM current_events;
             DROP TABLE current_events;
             PRAGMA user_version = 1;",
        )
        .expect("copy the events into the version 1 table");
    }

    #[tokio::test]
    async fn migration_2_links_a_version_1_log_and_appends_continue_its_chains() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("events.sqlite3");
        let streams: Vec<StreamId> = ["short", "long"]
            .into_iter()
            .map(|name| StreamId::new(name).expect("a stream name"))
            .collect();
        let mut before = Vec::new();
        {
            let store = SqliteStore::open(&path).expect("open");
            // Interleaved, so that a stream's events are not next to each other in the log.
            for n in 0..70 {
                let stream = &streams[usize::from(n % 7 != 0)];
                store
                    .append(stream, ExpectedRevision::Any, vec![test_event(n)])
                    .await
                    .expect("append");
            }
            for stream in &streams {
                let events = store
                    .read_stream(stream, ReadStream::all_forwards())
                    .await
                    .expect("read");
                before.push(places(&events));
            }
        }
        back_to_version_1(&path);

        let store = SqliteStore::open(&path).expect("open and migrate");
        for (stream, before) in streams.iter().zip(&before) {
            let events = store
                .read_stream(stream, ReadStream::all_forwards())
                .await
                .expect("read");
            assert_eq!(&places(&events), before, "{stream} reads as it did");
            let last = events.last().expect("events").revision;
            let written = store
                .append(stream, ExpectedRevision::Exact(last), vec![test_event(99)])
                .await
                .expect("append after the migration");
            assert_eq!(written.last().revision, last + 1);
            let events = store
                .read_stream(stream, ReadStream::all_forwards())
                .await
                .expect("read");
            verify_chain(&events).expect("the chain goes on across the migration");
        }
        // Reading up to revision 20 starts at revision 32, an anchor the migration indexed.
        let middle = store
            .read_stream(
                &streams[1],
                ReadStream {
                    direction: Direction::Backwards,
                    from: Some(20),
                    max_count: 10,
                },
            )
            .await
            .expect("read part of the long stream");
        assert_eq!(
            middle
                .iter()
                .map(|event| event.revision)
                .collect::<Vec<_>>(),
            (11..=20).rev().collect::<Vec<_>>()
        );
    }
}
