//! The embedded, default event-log backend: one SQLite file in WAL mode with synchronous=FULL.
//!
//! Appends go to one writer thread that commits whatever has queued up in one transaction
//! (group commit) and acknowledges each append only after that commit returned. A second
//! thread copies the WAL back into the database file (see `checkpoint`). Reads run on
//! separate connections on tokio's blocking pool. Several processes may open the same file:
//! SQLite's write lock serialises their writers, and subscriptions poll for commits made by
//! other processes.

mod checkpoint;
mod read;
mod schema;
mod writer;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use async_trait::async_trait;
use eventlog::{
    AppendResult, EventStore, EventSubscription, ExpectedRevision, InvalidEvent, NewEvent,
    Position, ReadStream, RecordedEvent, StoreError, StreamId, validate_new_event,
};
use futures::StreamExt;
use rusqlite::Connection;
use tokio::sync::{mpsc as async_mpsc, oneshot, watch};

pub use schema::SCHEMA_VERSION;

use crate::writer::{AppendRequest, PreparedEvent, Writer};

/// Events fetched per query while a subscription catches up. A page of `RecordedEvent`s
/// (~300 bytes each, before their strings) stays under 512 KiB: larger blocks are mapped fresh
/// from the OS and zeroed again on every page instead of being reused.
const SUBSCRIPTION_PAGE: usize = 1024;
/// Ranges of positions a subscription reads at once while it catches up with commits it knows
/// of, each on its own read connection, so that reading the log is spread over the cores.
const CATCH_UP_RANGES: u64 = 2;
/// How often an idle subscription looks for commits made by another process.
const POLL_INTERVAL: Duration = Duration::from_millis(50);
/// Idle read connections kept for reuse.
const MAX_IDLE_READERS: usize = 8;

/// How to open the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenOptions {
    /// How long a statement waits for another process's write lock before failing. An append
    /// whose transaction could not start fails with `StoreError::Internal`, unacknowledged.
    pub busy_timeout: Duration,
}

impl Default for OpenOptions {
    /// Long enough for another process's commit or checkpoint to finish.
    fn default() -> Self {
        Self {
            busy_timeout: Duration::from_secs(10),
        }
    }
}

/// A handle on an event log file. Cloning is cheap; all clones share one writer.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    options: OpenOptions,
    requests: mpsc::Sender<AppendRequest>,
    committed: Arc<watch::Sender<u64>>,
    commits: Arc<AtomicU64>,
    readers: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens the log at `path`, creating the file and its directory if needed, brings its
    /// schema up to date and starts the writer thread. Needs no async runtime.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_with(path, OpenOptions::default())
    }

    /// [`SqliteStore::open`] with settings other than the defaults.
    pub fn open_with(path: impl AsRef<Path>, options: OpenOptions) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        // A data directory named in the configuration need not exist yet.
        if let Some(parent) = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(|error| {
                StoreError::Internal(format!("creating {}: {error}", parent.display()))
            })?;
        }
        let mut conn = schema::open_writer(&path, options.busy_timeout).map_err(|error| {
            StoreError::Internal(format!("opening {}: {error}", path.display()))
        })?;
        schema::migrate(&mut conn).map_err(|error| match error {
            schema::MigrationError::Sqlite(error) => {
                StoreError::Internal(format!("migrating {}: {error}", path.display()))
            }
            schema::MigrationError::Newer { found, known } => StoreError::Internal(format!(
                "{} has schema version {found}; this build knows up to {known}",
                path.display()
            )),
        })?;
        let head = read::head(&conn)?.map_or(0, |position| position.commit);
        let committed = Arc::new(watch::Sender::new(head));
        let commits = Arc::new(AtomicU64::new(0));
        let (requests, receiver) = mpsc::channel();
        let checkpoints = checkpoint::Checkpoints::spawn(path.clone())
            .map_err(|error| StoreError::Internal(format!("starting the checkpointer: {error}")))?;
        let writer = Writer::new(
            path.clone(),
            options.busy_timeout,
            conn,
            receiver,
            committed.clone(),
            commits.clone(),
            checkpoints,
        );
        std::thread::Builder::new()
            .name("eventlog-writer".into())
            .spawn(move || writer.run())
            .map_err(|error| StoreError::Internal(format!("starting the writer: {error}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                path,
                options,
                requests,
                committed,
                commits,
                readers: Mutex::new(Vec::new()),
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Transactions this handle's writer has committed that wrote events (each one fsync of
    /// the WAL). Appended events divided by this is the group-commit factor.
    pub fn commits(&self) -> u64 {
        self.inner.commits.load(Ordering::Relaxed)
    }

    /// Runs `query` on a read connection on the blocking pool.
    async fn with_reader<T, F>(&self, query: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let idle = inner.readers.lock().expect("reader pool lock").pop();
            let conn = match idle {
                Some(conn) => conn,
                None => schema::open_reader(&inner.path, inner.options.busy_timeout)
                    .map_err(StoreError::internal)?,
            };
            let result = query(&conn);
            let mut readers = inner.readers.lock().expect("reader pool lock");
            if readers.len() < MAX_IDLE_READERS {
                readers.push(conn);
            }
            result
        })
        .await
        .map_err(StoreError::internal)?
    }

    async fn read_page(
        &self,
        after: u64,
        max_count: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        self.with_reader(move |conn| read::read_all(conn, after, max_count))
            .await
    }

    /// The events at positions in `(after, up_to]`, `up_to` being committed.
    async fn read_range(&self, after: u64, up_to: u64) -> Result<Vec<RecordedEvent>, StoreError> {
        self.with_reader(move |conn| read::read_range(conn, after, up_to))
            .await
    }

    /// Feeds a subscription: while this process's writer has committed beyond `after`, reads
    /// the ranges of positions up to that commit, several at once (every position up to a
    /// commit is final, so the ranges neither miss nor repeat an event); then pages from the
    /// file after `after`, which also finds other processes' commits; then waits for the
    /// writer's next commit or the poll interval, and repeats. Reading from the file every
    /// time is what makes the switch to live gap-free.
    async fn follow(
        self,
        mut after: u64,
        pages: async_mpsc::Sender<Result<Vec<RecordedEvent>, StoreError>>,
    ) {
        let range = SUBSCRIPTION_PAGE as u64;
        let mut committed = self.inner.committed.subscribe();
        loop {
            committed.mark_unchanged();
            let head = *committed.borrow();
            if head > after {
                let reads = (0..CATCH_UP_RANGES)
                    .map(|n| {
                        (
                            head.min(after + n * range),
                            head.min(after + (n + 1) * range),
                        )
                    })
                    .filter(|(from, to)| from < to)
                    .map(|(from, to)| self.read_range(from, to));
                let end = head.min(after + CATCH_UP_RANGES * range);
                for read in futures::future::join_all(reads).await {
                    match read {
                        Ok(events) if events.is_empty() => {}
                        Ok(events) => {
                            if pages.send(Ok(events)).await.is_err() {
                                return;
                            }
                        }
                        Err(error) => {
                            let _ = pages.send(Err(error)).await;
                            return;
                        }
                    }
                }
                after = end;
                continue;
            }
            match self.read_page(after, SUBSCRIPTION_PAGE).await {
                Ok(page) if page.is_empty() => {
                    tokio::select! {
                        _ = committed.changed() => {}
                        () = tokio::time::sleep(POLL_INTERVAL) => {}
                        () = pages.closed() => return,
                    }
                }
                Ok(page) => {
                    after = page.last().expect("page is not empty").position.commit;
                    if pages.send(Ok(page)).await.is_err() {
                        return;
                    }
                }
                Err(error) => {
                    let _ = pages.send(Err(error)).await;
                    return;
                }
            }
        }
    }
}

/// Refuses what no backend may store, before the writer sees it.
fn validate(events: &[NewEvent]) -> Result<(), InvalidEvent> {
    if events.is_empty() {
        return Err(InvalidEvent::EmptyAppend);
    }
    let mut ids = HashSet::with_capacity(events.len());
    for event in events {
        validate_new_event(event)?;
        if !ids.insert(event.id) {
            return Err(InvalidEvent::DuplicateId { event_id: event.id });
        }
    }
    Ok(())
}

#[async_trait]
impl EventStore for SqliteStore {
    async fn append(
        &self,
        stream: &StreamId,
        expected: ExpectedRevision,
        events: Vec<NewEvent>,
    ) -> Result<AppendResult, StoreError> {
        validate(&events)?;
        let events = events
            .into_iter()
            .map(|event| PreparedEvent::new(stream, event))
            .collect::<Result<_, _>>()?;
        let (reply, acknowledgement) = oneshot::channel();
        let request = AppendRequest {
            stream: stream.clone(),
            expected,
            events,
            reply,
        };
        self.inner
            .requests
            .send(request)
            .map_err(|_| StoreError::Internal("the event log writer has stopped".into()))?;
        acknowledgement.await.map_err(|_| {
            StoreError::Internal("the event log writer stopped before answering".into())
        })?
    }

    async fn read_stream(
        &self,
        stream: &StreamId,
        read: ReadStream,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let stream = stream.clone();
        self.with_reader(move |conn| read::read_stream(conn, &stream, read))
            .await
    }

    async fn read_all(
        &self,
        after: Option<Position>,
        max_count: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        self.read_page(after.map_or(0, |position| position.commit), max_count)
            .await
    }

    async fn subscribe_all(
        &self,
        after: Option<Position>,
    ) -> Result<EventSubscription, StoreError> {
        // Two pages in flight: the next page is read while the subscriber handles this one,
        // and memory stays bounded however far behind the subscriber starts.
        let (pages, receiver) = async_mpsc::channel(2);
        tokio::spawn(
            self.clone()
                .follow(after.map_or(0, |position| position.commit), pages),
        );
        let events = futures::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|page| (page, receiver))
        })
        .flat_map(|page| match page {
            Ok(events) => futures::stream::iter(events.into_iter().map(Ok)).left_stream(),
            Err(error) => futures::stream::once(async { Err(error) }).right_stream(),
        });
        Ok(events.boxed())
    }

    async fn head(&self) -> Result<Option<Position>, StoreError> {
        self.with_reader(read::head).await
    }
}
