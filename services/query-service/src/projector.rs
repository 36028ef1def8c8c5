//! The projector: follows the global log from the start, rebuilding the read models (with
//! progress for a long replay) and then keeping them live.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use domain::codec::{DecodeError, DomainEvent};
use domain::events::Event;
use eventlog::{EventStore, Position, RecordedEvent, StoreError};
use futures::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};

use crate::entities::Projected;
use crate::read_side::ProjectionWriter;
use crate::stored::{Names, StoredEvent};

/// Most events projected under one write lock: readers wait at most this long. Like the
/// store's pages, a chunk's buffers stay under 512 KiB, so the allocator reuses them.
const BATCH: usize = 1_024;
/// Chunks decoded ahead of the one being projected.
const DECODING_AHEAD: usize = 4;
/// A replay at least this long reports progress even when stderr is not a terminal.
const LONG_REPLAY: u64 = 100_000;

#[derive(Debug, thiserror::Error)]
pub enum ProjectorError {
    #[error("following the log: {0}")]
    Store(#[from] StoreError),
    #[error("a decoding task failed: {0}")]
    Decoder(String),
}

/// Decodes a recorded event; `None` for types no context knows (idempotency records).
/// An event that cannot be read is logged and skipped: the read side stays up, the log is
/// untouched, and the error names the event to repair the code against.
pub fn decode(recorded: RecordedEvent) -> Option<(RecordedEvent, Event)> {
    match Event::decode(
        &recorded.event_type,
        recorded.schema_version,
        recorded.payload.get(),
    ) {
        Ok(event) => Some((recorded, event)),
        Err(DecodeError::UnknownType(_)) => None,
        Err(error) => {
            tracing::error!(
                %error,
                event_id = %recorded.id,
                stream = %recorded.stream_id,
                position = %recorded.position,
                "cannot project an event; skipped"
            );
            None
        }
    }
}

/// Shows replay progress on a terminal, or logs it for a long replay elsewhere.
struct Progress {
    bar: Option<ProgressBar>,
    target: u64,
    started: Instant,
    logged: u64,
}

impl Progress {
    fn new(target: u64) -> Self {
        let bar = (target > 0 && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(target);
            bar.set_style(
                ProgressStyle::with_template(
                    "rebuilding read models {bar:40} {pos}/{len} events ({per_sec}, eta {eta})",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        Self {
            bar,
            target,
            started: Instant::now(),
            logged: 0,
        }
    }

    fn advance(&mut self, done: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done.min(self.target));
        } else if self.target >= LONG_REPLAY && done >= self.logged + self.target / 10 {
            self.logged = done;
            tracing::info!(done, of = self.target, "rebuilding read models");
        }
    }

    fn finish(self, events: u64) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
        let seconds = self.started.elapsed().as_secs_f64();
        tracing::info!(events, seconds, "read models rebuilt; following the log");
    }
}

/// How long the projector waits before following the log again after a failure.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// A chunk of the log, decoded: the events to project and where the chunk ended.
struct Chunk {
    batch: Vec<Projected>,
    last_read: Option<Position>,
}

/// Decodes a chunk and puts each event in the compact form the read models keep, sharing
/// stream names and actors through `names` (locked once per chunk, only to look them up).
fn decode_chunk(
    chunk: Vec<Result<RecordedEvent, StoreError>>,
    names: &Mutex<Names>,
) -> Result<Chunk, StoreError> {
    let mut decoded = Vec::with_capacity(chunk.len());
    let mut last_read = None;
    for item in chunk {
        let recorded = item?;
        last_read = Some(recorded.position);
        decoded.extend(decode(recorded));
    }
    let shared: Vec<_> = {
        let mut names = names.lock().unwrap_or_else(PoisonError::into_inner);
        decoded
            .iter()
            .map(|(recorded, _)| names.share(recorded))
            .collect()
    };
    let batch = decoded
        .into_iter()
        .zip(shared)
        .map(|((recorded, event), (stream_id, actor))| Projected {
            // The codec matched the recorded type by the very name `event_type` returns.
            recorded: Arc::new(StoredEvent::new(
                recorded,
                stream_id,
                event.event_type(),
                actor,
            )),
            event,
        })
        .collect();
    Ok(Chunk { batch, last_read })
}

/// Follows the log for as long as the process runs: replays it into `writer`, then projects
/// each new event. When the store fails, it logs, waits and follows again from its head, so
/// nothing is projected twice or skipped.
pub async fn run(store: Arc<dyn EventStore>, writer: ProjectionWriter) {
    let mut rebuilding = true;
    // Kept across retries: the events projected before a failure share these names too.
    let names = Arc::new(Mutex::new(Names::default()));
    loop {
        match follow(store.as_ref(), &writer, &names, rebuilding).await {
            Ok(()) => tracing::warn!("the log subscription ended; following again"),
            Err(error) => tracing::error!(%error, "following the log failed; retrying"),
        }
        rebuilding = false;
        tokio::time::sleep(RETRY_AFTER).await;
    }
}

/// Follows the log from the projection's head until the subscription ends or fails. On the
/// first run the events up to the store's head at start are a rebuild: shown with progress,
/// not announced to subscribers.
async fn follow(
    store: &dyn EventStore,
    writer: &ProjectionWriter,
    names: &Arc<Mutex<Names>>,
    rebuilding: bool,
) -> Result<(), ProjectorError> {
    let after = writer.head();
    let replay_end = if rebuilding {
        store.head().await?
    } else {
        after
    };
    let mut progress = replay_end
        .filter(|_| rebuilding)
        .map(|head| Progress::new(head.commit));
    // Decoding runs on blocking threads, a few chunks ahead of projecting, so both cores work
    // during a rebuild; `buffered` keeps the chunks in log order.
    let mut decoded = store
        .subscribe_all(after)
        .await?
        .ready_chunks(BATCH)
        .map(|chunk| {
            let names = names.clone();
            tokio::task::spawn_blocking(move || decode_chunk(chunk, &names))
        })
        .buffered(DECODING_AHEAD);
    let mut replayed: u64 = 0;
    while let Some(chunk) = decoded.next().await {
        let Chunk { batch, last_read } =
            chunk.map_err(|e| ProjectorError::Decoder(e.to_string()))??;
        let Some(last_read) = last_read else { continue };
        replayed += batch.len() as u64;
        writer.apply_batch(batch, last_read, replay_end);
        if let Some(p) = progress.as_mut() {
            p.advance(last_read.commit);
            if replay_end.is_some_and(|end| last_read >= end)
                && let Some(done) = progress.take()
            {
                done.finish(replayed);
            }
        }
    }
    Ok(())
}
