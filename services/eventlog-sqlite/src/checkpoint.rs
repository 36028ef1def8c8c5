//! Copies the WAL back into the database file mostly on a thread of its own, so that commits
//! do not wait for checkpoints and a page that several commits dirtied is copied once.
//!
//! A passive checkpoint running beside the writer never quite catches up: the writer appends
//! frames while it copies. SQLite starts the WAL over (writing over the old frames, which costs
//! less than growing the file) only once every frame has been copied, so after each passive
//! checkpoint the writer, between two transactions, copies the few frames committed meanwhile.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::time::Duration;

use rusqlite::Connection;

use crate::schema;

/// How long the checkpointer lets commits accumulate after being woken.
const PAUSE: Duration = Duration::from_millis(100);
/// How long the checkpointer's connection waits for a lock (it needs no write lock, but opening
/// the file may).
const BUSY_TIMEOUT: Duration = Duration::from_secs(1);

/// The writer's side of the checkpointer.
pub struct Checkpoints {
    wake: SyncSender<()>,
    finish: Arc<AtomicBool>,
}

impl Checkpoints {
    /// Starts the checkpointer thread; it stops when this handle is dropped.
    pub fn spawn(path: PathBuf) -> std::io::Result<Self> {
        let (wake, signals) = sync_channel(1);
        let finish = Arc::new(AtomicBool::new(false));
        let requested = finish.clone();
        // Linux keeps 15 bytes of a thread's name; the bench finds the thread by it.
        std::thread::Builder::new()
            .name("eventlog-ckpt".into())
            .spawn(move || run(&path, &signals, &requested))?;
        Ok(Self { wake, finish })
    }

    /// Tells the checkpointer that the WAL has grown.
    pub fn committed(&self) {
        // Full means a wake-up is already pending.
        let _ = self.wake.try_send(());
    }

    /// Between transactions: copies what the last passive checkpoint left, if it asked, so
    /// that the next transaction starts the WAL over. Failing here loses nothing (the frames
    /// stay in the WAL), so it is only logged.
    pub fn finish(&self, conn: &Connection) {
        if self.finish.swap(false, Ordering::Relaxed)
            && let Err(error) = wal_checkpoint(conn)
        {
            tracing::warn!(%error, "event log checkpoint not finished");
        }
    }
}

fn run(path: &Path, signals: &Receiver<()>, finish: &AtomicBool) {
    let mut conn: Option<Connection> = None;
    let mut stopping = false;
    while !stopping {
        if signals.recv().is_err() {
            return;
        }
        std::thread::sleep(PAUSE);
        stopping = matches!(signals.try_recv(), Err(TryRecvError::Disconnected));
        let result = match conn.as_ref() {
            Some(conn) => wal_checkpoint(conn),
            None => schema::open_writer(path, BUSY_TIMEOUT)
                .and_then(|opened| wal_checkpoint(conn.insert(opened))),
        };
        match result {
            Ok(()) => finish.store(true, Ordering::Relaxed),
            Err(error) => {
                // A later commit wakes the checkpointer again; a fresh connection is opened then.
                tracing::warn!(%error, "event log checkpoint failed");
                conn = None;
            }
        }
    }
}

/// Copies every WAL frame that no reader still needs into the database file, without taking
/// the write lock.
fn wal_checkpoint(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
}
