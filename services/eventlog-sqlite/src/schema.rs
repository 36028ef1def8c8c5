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
];

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
