//! A subscription far behind the head catches up by reading several ranges of positions at
//! once; it must still yield every event once, in order, while appends keep coming.

use eventlog::conformance::test_event;
use eventlog::{EventStore, ExpectedRevision, Position, StreamId};
use eventlog_sqlite::SqliteStore;
use futures::StreamExt;

/// Appends `batches` appends of `per_batch` events, each append on a stream of its own.
async fn append(store: &SqliteStore, prefix: &str, batches: usize, per_batch: usize) {
    for batch in 0..batches {
        let stream = StreamId::new(format!("{prefix}-{batch}")).expect("a valid stream name");
        let events = (0..per_batch as u64).map(test_event).collect();
        store
            .append(&stream, ExpectedRevision::NoStream, events)
            .await
            .expect("append");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_far_behind_yields_every_event_once_in_order_while_appends_continue() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open(dir.path().join("events.sqlite3")).expect("open");
    // Many pages behind, and not a whole number of pages.
    append(&store, "before", 13, 577).await;
    let mut subscription = store.subscribe_all(None).await.expect("subscribe");
    let writer = {
        let store = store.clone();
        tokio::spawn(async move { append(&store, "during", 20, 151).await })
    };
    let total: u64 = 13 * 577 + 20 * 151;
    let mut expected = 1;
    while expected <= total {
        let event = subscription
            .next()
            .await
            .expect("the subscription goes on")
            .expect("an event");
        assert_eq!(event.position, Position::at(expected));
        expected += 1;
    }
    writer.await.expect("the appends finished");
    assert_eq!(store.head().await.expect("head"), Some(Position::at(total)));
}
