//! Copies the WAL back into the database file on a thread of its own, so that no commit waits
//! for a checkpoint and a page that several commits dirtied is copied once, not once per commit.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::time::Duration;

use rusqlite::Connection;

use crate::schema;

/// How long the checkpointer lets commits accumulate after being woken.
const PAUSE: Duration = Duration::from_millis(100);
/// WAL frames (pages) beyond which a checkpoint also makes the writer start the WAL over.
/// Passive checkpoints alone never catch up while commits keep coming, so without this the WAL
/// would grow as long as the writes go on.
const RESTART_FRAMES: i64 = 32_768;
/// How long a restarting checkpoint waits for the writer and for readers of old snapshots.
const RESTART_WAIT: Duration = Duration::from_millis(500);

/// Starts the checkpointer; the writer sends on the returned channel after each commit and
/// drops it to stop the thread.
pub fn spawn(path: PathBuf) -> std::io::Result<SyncSender<()>> {
    let (commits, signals) = sync_channel(1);
    std::thread::Builder::new()
        .name("eventlog-checkpointer".into())
        .spawn(move || run(&path, &signals))?;
    Ok(commits)
}

fn run(path: &std::path::Path, signals: &Receiver<()>) {
    let mut conn: Option<Connection> = None;
    let mut stopping = false;
    while !stopping {
        if signals.recv().is_err() {
            return;
        }
        std::thread::sleep(PAUSE);
        stopping = matches!(signals.try_recv(), Err(TryRecvError::Disconnected));
        let result = match conn.as_ref() {
            Some(conn) => checkpoint(conn),
            None => schema::open_writer(path, RESTART_WAIT)
                .and_then(|opened| checkpoint(conn.insert(opened))),
        };
        if let Err(error) = result {
            // A later commit wakes the checkpointer again; a fresh connection is opened then.
            tracing::warn!(%error, "event log checkpoint failed");
            conn = None;
        }
    }
}

fn checkpoint(conn: &Connection) -> rusqlite::Result<()> {
    let frames = wal_checkpoint(conn, "PASSIVE")?;
    if frames >= RESTART_FRAMES {
        wal_checkpoint(conn, "RESTART")?;
    }
    Ok(())
}

/// Runs a checkpoint and returns how many frames the WAL held.
fn wal_checkpoint(conn: &Connection, mode: &str) -> rusqlite::Result<i64> {
    conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |row| {
        row.get(1)
    })
}
