//! The shared handle on the read models: readers take a brief read lock, the projector
//! applies batches under a write lock and announces the new head and the new events.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use eventlog::Position;
use tokio::sync::{broadcast, watch};

use crate::entities::Projected;
use crate::projection::ReadModels;

/// How many live events a slow subscriber may fall behind before it misses some.
const LIVE_EVENT_BUFFER: usize = 4096;

/// What queries and subscriptions read. Cheap to clone.
#[derive(Clone)]
pub struct ReadSide {
    models: Arc<RwLock<ReadModels>>,
    head: watch::Receiver<Option<Position>>,
    live: broadcast::Sender<Arc<Projected>>,
}

/// The projector's end: the only writer of the read models.
pub struct ProjectionWriter {
    models: Arc<RwLock<ReadModels>>,
    head: watch::Sender<Option<Position>>,
    live: broadcast::Sender<Arc<Projected>>,
}

/// Empty read models with their reading and writing ends.
pub fn read_side() -> (ReadSide, ProjectionWriter) {
    let models = Arc::new(RwLock::new(ReadModels::default()));
    let (head_tx, head_rx) = watch::channel(None);
    let (live, _) = broadcast::channel(LIVE_EVENT_BUFFER);
    (
        ReadSide {
            models: models.clone(),
            head: head_rx,
            live: live.clone(),
        },
        ProjectionWriter {
            models,
            head: head_tx,
            live,
        },
    )
}

/// The projection did not reach the asked position in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotReached {
    pub wanted: Position,
    pub head: Option<Position>,
}

impl ReadSide {
    /// Runs `read` on the read models under a read lock; keep it short and free of awaits.
    pub fn read<R>(&self, read: impl FnOnce(&ReadModels) -> R) -> R {
        let models = self
            .models
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        read(&models)
    }

    /// Position of the last projected event.
    pub fn head(&self) -> Option<Position> {
        *self.head.borrow()
    }

    /// Waits until the projection has reached `wanted`, at most `timeout`.
    pub async fn wait_for(&self, wanted: Position, timeout: Duration) -> Result<(), NotReached> {
        let mut head = self.head.clone();
        let reached =
            tokio::time::timeout(timeout, head.wait_for(|h| h.is_some_and(|h| h >= wanted)));
        match reached.await {
            Ok(Ok(_)) => Ok(()),
            _ => Err(NotReached {
                wanted,
                head: self.head(),
            }),
        }
    }

    /// Events projected from now on, each after it is visible in the read models.
    pub fn live_events(&self) -> broadcast::Receiver<Arc<Projected>> {
        self.live.subscribe()
    }
}

impl ProjectionWriter {
    /// Position of the last event read from the log, projected or not (idempotency records are
    /// not): where following the log resumes.
    pub fn head(&self) -> Option<Position> {
        *self.head.borrow()
    }

    /// Projects a batch read from the log up to `read_until`, then announces that as the new
    /// head and, to subscribers, each event after `replayed_until` (the events up to it are
    /// history being rebuilt, not news). The head moves past events nothing projects, so that
    /// a reader waiting for the log's head is not left waiting for a record it never sees.
    pub fn apply_batch(
        &self,
        batch: Vec<Projected>,
        read_until: Position,
        replayed_until: Option<Position>,
    ) {
        {
            let mut models = self
                .models
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            for entry in &batch {
                models.apply(entry);
            }
        }
        self.head.send_replace(Some(read_until));
        for entry in batch {
            if replayed_until.is_none_or(|end| entry.position() > end) {
                // No subscriber is not an error: the event is simply not pushed to anyone.
                let _ = self.live.send(Arc::new(entry));
            }
        }
    }
}
