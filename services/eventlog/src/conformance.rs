//! The conformance suite: what every [`EventStore`] backend must do, generic over the trait.
//!
//! A backend runs it from one of its test files with
//!
//! ```ignore
//! eventlog::conformance_tests!(async { MyStore::connect(...).await.unwrap() });
//! ```
//!
//! which expands to `mod conformance { #[tokio::test] async fn ... }`, one test per case below,
//! so `cargo test conformance` runs them. The expression is evaluated afresh for every test and
//! may yield the store alone or `(store, guard)`, the guard living as long as the test (e.g.
//! the temporary directory that holds the file). The calling crate needs `tokio` (with
//! `macros` and `rt-multi-thread`) as a dev-dependency.
//!
//! Cases do not assume an empty log: each names its own streams with a fresh suffix and looks
//! at the global log only after the head it saw first, so they also run against a shared
//! server.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use futures::StreamExt;
use futures::future::join_all;
use serde_json::value::RawValue;
use uuid::Uuid;

use crate::{
    Actor, ChainBreak, Direction, EventHash, EventStore, ExpectedRevision, HashInput, InvalidEvent,
    MAX_EVENT_BYTES, NewEvent, Payload, Position, ReadStream, RecordedEvent, StoreError, StreamId,
    Written, event_hash, verify_chain,
};

/// What a test's setup expression yields: a store, or a store with something that must live
/// as long as it.
pub trait Fixture {
    type Store: EventStore;
    fn store(&self) -> &Self::Store;
}

impl<S: EventStore> Fixture for S {
    type Store = S;
    fn store(&self) -> &S {
        self
    }
}

impl<S: EventStore, Guard> Fixture for (S, Guard) {
    type Store = S;
    fn store(&self) -> &S {
        &self.0
    }
}

/// Expands to the suite as `mod conformance`, one `#[tokio::test]` per case.
#[macro_export]
macro_rules! conformance_tests {
    ($fixture:expr) => {
        mod conformance {
            #[allow(unused_imports)]
            use super::*;
            $crate::conformance_tests!(@cases $fixture;
                racing_appenders_one_winner_per_revision,
                expected_revision_kinds,
                idempotent_retry_returns_original_places,
                partial_retry_is_refused,
                revisions_are_contiguous,
                global_log_keeps_commit_order_across_streams,
                read_stream_forwards_and_backwards,
                read_all_pages_without_gap_or_overlap,
                subscription_catches_up_then_goes_live_while_writers_run,
                subscription_starts_after_the_given_position,
                every_stream_hash_chain_verifies,
                altered_removed_or_reordered_events_are_detected,
                bad_input_is_refused_and_nothing_stored_changes,
            );
        }
    };
    (@cases $fixture:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let fixture = $fixture.await;
                $crate::conformance::$case($crate::conformance::Fixture::store(&fixture)).await;
            }
        )*
    };
}

/// A subscription that stays silent this long is taken to have nothing more to give.
const QUIET: Duration = Duration::from_millis(300);
/// Upper bound for a subscription to deliver what was written; only reached on failure.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(30);

/// A stream name no other test run uses.
fn fresh_stream(label: &str) -> StreamId {
    StreamId::new(format!("conformance-{label}-{}", Uuid::now_v7().simple()))
        .expect("a valid stream name")
}

fn actor() -> Actor {
    Actor {
        subject: "conformance-suite".into(),
        display_name: "Conformance Suite".into(),
        roles: vec!["chair@fg-test".into(), "participant@fg-test".into()],
    }
}

fn payload(json: String) -> Box<RawValue> {
    RawValue::from_string(json).expect("valid JSON")
}

/// A small, valid event carrying `n` so that tests can tell events apart.
pub fn test_event(n: u64) -> NewEvent {
    NewEvent {
        id: Uuid::now_v7(),
        event_type: "ConformanceEventRecorded".into(),
        schema_version: 1,
        actor: actor(),
        correlation_id: Uuid::now_v7(),
        causation_id: n.is_multiple_of(2).then(Uuid::now_v7),
        payload: payload(format!(r#"{{"n": {n}, "text": "événement {n}"}}"#)),
    }
}

fn test_events(from: u64, count: u64) -> Vec<NewEvent> {
    (from..from + count).map(test_event).collect()
}

fn ids(events: &[RecordedEvent]) -> Vec<Uuid> {
    events.iter().map(|event| event.id).collect()
}

async fn append<S: EventStore>(
    store: &S,
    stream: &StreamId,
    expected: ExpectedRevision,
    events: Vec<NewEvent>,
) -> Vec<Written> {
    store
        .append(stream, expected, events)
        .await
        .unwrap_or_else(|error| panic!("append to {stream} with {expected:?} failed: {error}"))
        .written
}

async fn read_forwards<S: EventStore>(store: &S, stream: &StreamId) -> Vec<RecordedEvent> {
    store
        .read_stream(stream, ReadStream::all_forwards())
        .await
        .expect("read the stream")
}

/// The global log after `after`, restricted to the given streams.
async fn read_global<S: EventStore>(
    store: &S,
    after: Option<Position>,
    streams: &HashSet<StreamId>,
) -> Vec<RecordedEvent> {
    let mut events = store
        .read_all(after, usize::MAX)
        .await
        .expect("read the global log");
    events.retain(|event| streams.contains(&event.stream_id));
    events
}

fn assert_conflict(
    result: Result<impl std::fmt::Debug, StoreError>,
    want_current: Option<u64>,
    context: &str,
) {
    match result {
        Err(StoreError::Conflict { current, .. }) => {
            assert_eq!(
                current, want_current,
                "{context}: the conflict names the current revision"
            )
        }
        other => panic!("{context}: expected a conflict at {want_current:?}, got {other:?}"),
    }
}

/// Several writers race for each revision of one stream: exactly one wins each time and the
/// others learn the revision that beat them.
pub async fn racing_appenders_one_winner_per_revision<S: EventStore>(store: &S) {
    let stream = fresh_stream("race");
    let racers = 8;
    let rounds = 6u64;
    let mut winners = Vec::new();
    for round in 0..rounds {
        let expected = match round {
            0 => ExpectedRevision::NoStream,
            r => ExpectedRevision::Exact(r - 1),
        };
        let stream = &stream;
        let attempts = (0..racers).map(|racer| {
            let event = test_event(round * 100 + racer);
            let id = event.id;
            async move { (id, store.append(stream, expected, vec![event]).await) }
        });
        let results = join_all(attempts).await;
        let mut won = Vec::new();
        for (id, result) in results {
            match result {
                Ok(result) => {
                    assert_eq!(result.written.len(), 1);
                    assert_eq!(
                        result.last().revision,
                        round,
                        "the winner writes revision {round}"
                    );
                    assert!(!result.deduplicated);
                    won.push(id);
                }
                Err(error) => assert_conflict(Err::<(), _>(error), Some(round), "a loser"),
            }
        }
        assert_eq!(
            won.len(),
            1,
            "round {round}: exactly one appender wins, got {}",
            won.len()
        );
        winners.extend(won);
    }
    let events = read_forwards(store, &stream).await;
    assert_eq!(
        ids(&events),
        winners,
        "the stream holds exactly the winners, in order"
    );
    assert_eq!(
        events
            .iter()
            .map(|event| event.revision)
            .collect::<Vec<_>>(),
        (0..rounds).collect::<Vec<_>>()
    );
}

/// Each kind of expected revision admits exactly the states it names; a refusal is a Conflict
/// with the current revision and writes nothing.
pub async fn expected_revision_kinds<S: EventStore>(store: &S) {
    use ExpectedRevision::{Any, Exact, NoStream, StreamExists};
    let stream = fresh_stream("expected");

    assert_conflict(
        store.append(&stream, StreamExists, test_events(0, 1)).await,
        None,
        "StreamExists on no stream",
    );
    assert_conflict(
        store.append(&stream, Exact(0), test_events(0, 1)).await,
        None,
        "Exact(0) on no stream",
    );
    assert_eq!(
        append(store, &stream, NoStream, test_events(0, 2))
            .await
            .last()
            .map(|w| w.revision),
        Some(1)
    );

    assert_conflict(
        store.append(&stream, NoStream, test_events(2, 1)).await,
        Some(1),
        "NoStream on a stream",
    );
    assert_conflict(
        store.append(&stream, Exact(0), test_events(2, 1)).await,
        Some(1),
        "Exact(0) at 1",
    );
    assert_conflict(
        store.append(&stream, Exact(5), test_events(2, 1)).await,
        Some(1),
        "Exact(5) at 1",
    );
    assert_eq!(
        append(store, &stream, Exact(1), test_events(2, 1)).await[0].revision,
        2
    );
    assert_eq!(
        append(store, &stream, StreamExists, test_events(3, 1)).await[0].revision,
        3
    );
    assert_eq!(
        append(store, &stream, Any, test_events(4, 1)).await[0].revision,
        4
    );

    let fresh = fresh_stream("expected-any");
    assert_eq!(
        append(store, &fresh, Any, test_events(0, 1)).await[0].revision,
        0
    );

    let events = read_forwards(store, &stream).await;
    assert_eq!(events.len(), 5, "refused appends wrote nothing");
}

/// Appending events whose ids are already in the stream returns their original places and
/// writes nothing: a retried request is harmless.
pub async fn idempotent_retry_returns_original_places<S: EventStore>(store: &S) {
    let stream = fresh_stream("retry");
    append(
        store,
        &stream,
        ExpectedRevision::NoStream,
        test_events(0, 2),
    )
    .await;
    let events = test_events(2, 3);
    let retried: Vec<NewEvent> = events.to_vec();
    let again: Vec<NewEvent> = events.to_vec();
    let first = store
        .append(&stream, ExpectedRevision::Exact(1), events)
        .await
        .expect("first append");
    assert!(!first.deduplicated);
    let head = store.head().await.expect("head");

    let retry = store
        .append(&stream, ExpectedRevision::Exact(1), retried)
        .await
        .expect("retry");
    assert!(retry.deduplicated, "the retry is recognised");
    assert_eq!(
        retry.written, first.written,
        "the retry returns the original places"
    );
    let retry_any = store
        .append(&stream, ExpectedRevision::Any, again)
        .await
        .expect("retry with Any");
    assert!(retry_any.deduplicated);
    assert_eq!(retry_any.written, first.written);

    assert_eq!(
        read_forwards(store, &stream).await.len(),
        5,
        "nothing was written twice"
    );
    assert_eq!(
        store.head().await.expect("head"),
        head,
        "the global log did not move"
    );
}

/// A retry that mixes events already written with new ones is refused as a whole.
pub async fn partial_retry_is_refused<S: EventStore>(store: &S) {
    let stream = fresh_stream("partial");
    let events = test_events(0, 2);
    let mut mixed = vec![events[1].clone()];
    let new = test_event(2);
    let new_id = new.id;
    mixed.push(new);
    append(store, &stream, ExpectedRevision::NoStream, events).await;
    match store.append(&stream, ExpectedRevision::Any, mixed).await {
        Err(StoreError::Invalid(InvalidEvent::PartialRetry { event_id })) => {
            assert_eq!(event_id, new_id, "the error names the new event")
        }
        other => panic!("expected PartialRetry, got {other:?}"),
    }
    assert_eq!(
        read_forwards(store, &stream).await.len(),
        2,
        "nothing was written"
    );
}

/// Revisions start at 0 and have no holes, whatever the sizes of the appends.
pub async fn revisions_are_contiguous<S: EventStore>(store: &S) {
    let stream = fresh_stream("contiguous");
    let mut acknowledged = Vec::new();
    let mut n = 0;
    for size in [1, 3, 1, 5, 2] {
        acknowledged
            .extend(append(store, &stream, ExpectedRevision::Any, test_events(n, size)).await);
        n += size;
    }
    let events = read_forwards(store, &stream).await;
    assert_eq!(
        events
            .iter()
            .map(|event| event.revision)
            .collect::<Vec<_>>(),
        (0..n).collect::<Vec<_>>()
    );
    let recorded: Vec<Written> = events
        .iter()
        .map(|event| Written {
            id: event.id,
            revision: event.revision,
            position: event.position,
        })
        .collect();
    assert_eq!(
        recorded, acknowledged,
        "each event is where its acknowledgement said"
    );
}

/// The global log holds every stream's events once, in position order, each stream in revision
/// order, and appends that finished one after the other appear in that order.
pub async fn global_log_keeps_commit_order_across_streams<S: EventStore>(store: &S) {
    let start = store.head().await.expect("head");
    let streams: Vec<StreamId> = (0..3)
        .map(|i| fresh_stream(&format!("global{i}")))
        .collect();
    let mut sequential = Vec::new();
    for round in 0..4u64 {
        for stream in &streams {
            sequential
                .extend(append(store, stream, ExpectedRevision::Any, test_events(round, 2)).await);
        }
    }
    let concurrent = join_all(streams.iter().enumerate().map(|(i, stream)| async move {
        append(
            store,
            stream,
            ExpectedRevision::Any,
            test_events(i as u64, 1),
        )
        .await
    }))
    .await;

    let wanted: HashSet<StreamId> = streams.iter().cloned().collect();
    let global = read_global(store, start, &wanted).await;
    assert_eq!(global.len(), sequential.len() + concurrent.len());
    assert!(
        global
            .windows(2)
            .all(|pair| pair[0].position < pair[1].position),
        "positions increase"
    );
    assert_eq!(
        global
            .iter()
            .take(sequential.len())
            .map(|event| (event.id, event.position))
            .collect::<Vec<_>>(),
        sequential
            .iter()
            .map(|written| (written.id, written.position))
            .collect::<Vec<_>>(),
        "appends made one after the other are in that order"
    );
    let mut last_revision: HashMap<&StreamId, u64> = HashMap::new();
    for event in &global {
        let next = last_revision
            .get(&event.stream_id)
            .map_or(0, |revision| revision + 1);
        assert_eq!(
            event.revision, next,
            "{} is in revision order",
            event.stream_id
        );
        last_revision.insert(&event.stream_id, event.revision);
    }
    assert_eq!(
        store.head().await.expect("head"),
        global.last().map(|event| event.position)
    );
}

/// Reading a stream from a revision, either way, with a limit; a missing stream reads empty.
pub async fn read_stream_forwards_and_backwards<S: EventStore>(store: &S) {
    let stream = fresh_stream("read");
    append(
        store,
        &stream,
        ExpectedRevision::NoStream,
        test_events(0, 10),
    )
    .await;
    let revisions = |events: Vec<RecordedEvent>| {
        events
            .iter()
            .map(|event| event.revision)
            .collect::<Vec<_>>()
    };
    let read = |direction, from, max_count| {
        store.read_stream(
            &stream,
            ReadStream {
                direction,
                from,
                max_count,
            },
        )
    };

    assert_eq!(
        revisions(read(Direction::Forwards, None, usize::MAX).await.unwrap()),
        (0..10).collect::<Vec<_>>()
    );
    assert_eq!(
        revisions(read(Direction::Forwards, Some(4), 3).await.unwrap()),
        vec![4, 5, 6]
    );
    assert_eq!(
        revisions(read(Direction::Forwards, Some(8), 5).await.unwrap()),
        vec![8, 9]
    );
    assert_eq!(
        revisions(read(Direction::Forwards, Some(10), 5).await.unwrap()),
        Vec::<u64>::new()
    );
    assert_eq!(
        revisions(read(Direction::Backwards, None, 3).await.unwrap()),
        vec![9, 8, 7]
    );
    assert_eq!(
        revisions(read(Direction::Backwards, Some(4), 3).await.unwrap()),
        vec![4, 3, 2]
    );
    assert_eq!(
        revisions(read(Direction::Backwards, Some(1), 5).await.unwrap()),
        vec![1, 0]
    );
    assert_eq!(
        revisions(read(Direction::Backwards, None, usize::MAX).await.unwrap()),
        (0..10).rev().collect::<Vec<_>>()
    );

    let missing = fresh_stream("missing");
    assert!(
        read_forwards(store, &missing).await.is_empty(),
        "a missing stream reads as empty"
    );
}

/// Reading the global log page by page from the last position seen gives every event once.
pub async fn read_all_pages_without_gap_or_overlap<S: EventStore>(store: &S) {
    let start = store.head().await.expect("head");
    let streams: Vec<StreamId> = (0..2).map(|i| fresh_stream(&format!("pages{i}"))).collect();
    for round in 0..7 {
        for stream in &streams {
            append(store, stream, ExpectedRevision::Any, test_events(round, 3)).await;
        }
    }
    let wanted: HashSet<StreamId> = streams.iter().cloned().collect();
    let whole = read_global(store, start, &wanted).await;
    assert_eq!(whole.len(), 42);

    let mut paged = Vec::new();
    let mut after = start;
    loop {
        let page = store.read_all(after, 5).await.expect("read a page");
        assert!(page.len() <= 5, "a page respects max_count");
        let Some(last) = page.last() else { break };
        after = Some(last.position);
        paged.extend(
            page.into_iter()
                .filter(|event| wanted.contains(&event.stream_id)),
        );
    }
    assert_eq!(ids(&paged), ids(&whole), "the pages join up exactly");
    assert!(
        store
            .read_all(after, 5)
            .await
            .expect("read past the end")
            .is_empty()
    );
}

/// Collects `count` events of `streams` from a subscription, failing on a timeout.
async fn take_from(
    subscription: &mut crate::EventSubscription,
    streams: &HashSet<StreamId>,
    count: usize,
) -> Vec<RecordedEvent> {
    let mut received = Vec::with_capacity(count);
    while received.len() < count {
        let next = tokio::time::timeout(DELIVERY_TIMEOUT, subscription.next())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "the subscription stalled after {} of {count} events",
                    received.len()
                )
            })
            .expect("the subscription does not end")
            .expect("the subscription does not fail");
        if streams.contains(&next.stream_id) {
            received.push(next);
        }
    }
    received
}

/// Subscribing while writers are appending: the subscriber gets the events written before it
/// subscribed and those written during and after, each once, in log order.
pub async fn subscription_catches_up_then_goes_live_while_writers_run<S: EventStore>(store: &S) {
    let start = store.head().await.expect("head");
    let writers = 4u64;
    let per_writer = 60u64;
    let streams: Vec<StreamId> = (0..writers)
        .map(|i| fresh_stream(&format!("live{i}")))
        .collect();
    let wanted: HashSet<StreamId> = streams.iter().cloned().collect();
    for stream in &streams {
        append(
            store,
            stream,
            ExpectedRevision::NoStream,
            test_events(0, 10),
        )
        .await;
    }
    let before = streams.len() * 10;
    let total = before + (writers * per_writer) as usize;

    let mut subscription = store.subscribe_all(start).await.expect("subscribe");
    let write = join_all(streams.iter().map(|stream| async move {
        for n in 0..per_writer {
            append(store, stream, ExpectedRevision::Any, vec![test_event(n)]).await;
            if n % 8 == 0 {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        }
    }));
    let (_, received) = futures::join!(write, take_from(&mut subscription, &wanted, total));

    let logged = read_global(store, start, &wanted).await;
    assert_eq!(logged.len(), total);
    assert_eq!(
        ids(&received),
        ids(&logged),
        "the subscription saw the log, in order, once each"
    );
    assert_eq!(
        ids(&received).into_iter().collect::<HashSet<_>>().len(),
        total,
        "no duplicates"
    );

    // Then one more append arrives live, and nothing else does.
    let late = append(
        store,
        &streams[0],
        ExpectedRevision::Any,
        vec![test_event(999)],
    )
    .await;
    let next = take_from(&mut subscription, &wanted, 1).await;
    assert_eq!(next[0].id, late[0].id);
    let quiet = tokio::time::timeout(QUIET, async {
        loop {
            match subscription.next().await {
                Some(Ok(event)) if !wanted.contains(&event.stream_id) => continue,
                other => return other.map(|result| result.map(|event| event.id)),
            }
        }
    })
    .await;
    assert!(quiet.is_err(), "nothing is delivered twice: {quiet:?}");
}

/// A subscription from a position starts right after it.
pub async fn subscription_starts_after_the_given_position<S: EventStore>(store: &S) {
    let stream = fresh_stream("from");
    let wanted: HashSet<StreamId> = [stream.clone()].into();
    let written = append(
        store,
        &stream,
        ExpectedRevision::NoStream,
        test_events(0, 6),
    )
    .await;
    let mut subscription = store
        .subscribe_all(Some(written[2].position))
        .await
        .expect("subscribe");
    let received = take_from(&mut subscription, &wanted, 3).await;
    assert_eq!(
        received.iter().map(|event| event.id).collect::<Vec<_>>(),
        written[3..]
            .iter()
            .map(|written| written.id)
            .collect::<Vec<_>>()
    );
}

/// Every stream's chain links and hashes as `HASHING.md` says, with times to the microsecond.
pub async fn every_stream_hash_chain_verifies<S: EventStore>(store: &S) {
    let streams: Vec<StreamId> = (0..3).map(|i| fresh_stream(&format!("chain{i}"))).collect();
    for round in 0..4 {
        for (i, stream) in streams.iter().enumerate() {
            append(
                store,
                stream,
                ExpectedRevision::Any,
                test_events(round, i as u64 + 1),
            )
            .await;
        }
    }
    for stream in &streams {
        let events = read_forwards(store, stream).await;
        let last = verify_chain(&events).unwrap_or_else(|error| panic!("{stream}: {error}"));
        assert_eq!(last, events.last().map(|event| event.hash));
        assert_eq!(events[0].previous_hash, None, "revision 0 links to nothing");
        for event in &events {
            assert_eq!(
                event.hash,
                event_hash(&HashInput::try_from(event).expect("stored payloads are JSON"))
            );
            assert_eq!(
                event.recorded_at.timestamp_subsec_nanos() % 1000,
                0,
                "microsecond precision"
            );
        }
    }
}

/// `verify_chain` catches an altered, a garbled (no longer JSON), a removed and a reordered
/// event, and an altered event whose hash was recomputed to hide it.
pub async fn altered_removed_or_reordered_events_are_detected<S: EventStore>(store: &S) {
    let stream = fresh_stream("tamper");
    append(
        store,
        &stream,
        ExpectedRevision::NoStream,
        test_events(0, 3),
    )
    .await;
    append(
        store,
        &stream,
        ExpectedRevision::Exact(2),
        test_events(3, 3),
    )
    .await;
    let events = read_forwards(store, &stream).await;
    assert!(verify_chain(&events).is_ok());

    let mut altered = events.clone();
    altered[2].payload = Payload::stored(r#"{"n": 2, "text": "something else"}"#);
    assert!(matches!(
        verify_chain(&altered),
        Err(ChainBreak::Altered { revision: 2, .. })
    ));

    let mut garbled = events.clone();
    garbled[1].payload = Payload::stored(r#"{"n": 1, "text": "év"#);
    assert!(matches!(
        verify_chain(&garbled),
        Err(ChainBreak::Unreadable { revision: 1, .. })
    ));

    let mut actor_changed = events.clone();
    std::sync::Arc::make_mut(&mut actor_changed[4].actor)
        .roles
        .push("chair@fg-other".into());
    assert!(matches!(
        verify_chain(&actor_changed),
        Err(ChainBreak::Altered { revision: 4, .. })
    ));

    let mut rehashed = altered.clone();
    rehashed[2].hash = event_hash(&HashInput::try_from(&rehashed[2]).expect("JSON payload"));
    assert!(matches!(
        verify_chain(&rehashed),
        Err(ChainBreak::Unlinked { revision: 3 })
    ));

    let mut removed = events.clone();
    removed.remove(3);
    assert!(matches!(
        verify_chain(&removed),
        Err(ChainBreak::Gap {
            expected: 3,
            found: 4
        })
    ));

    let mut reordered = events.clone();
    reordered.swap(1, 2);
    assert!(matches!(
        verify_chain(&reordered),
        Err(ChainBreak::Gap {
            expected: 1,
            found: 2
        })
    ));

    let mut renumbered = reordered.clone();
    renumbered[1].revision = 1;
    renumbered[2].revision = 2;
    assert!(
        verify_chain(&renumbered).is_err(),
        "reordering survives no renumbering"
    );

    let truncated_head = &events[1..];
    assert!(matches!(
        verify_chain(truncated_head),
        Err(ChainBreak::Gap {
            expected: 0,
            found: 1
        })
    ));
}

/// Input no backend may store is refused with its typed error, and the log is unchanged.
pub async fn bad_input_is_refused_and_nothing_stored_changes<S: EventStore>(store: &S) {
    let start = store.head().await.expect("head");
    let stream = fresh_stream("bad");
    append(
        store,
        &stream,
        ExpectedRevision::NoStream,
        test_events(0, 3),
    )
    .await;
    let before = read_forwards(store, &stream).await;
    let head = store.head().await.expect("head");

    for name in [
        "",
        "$all",
        "-leading-dash",
        "has space",
        "slash/inside",
        &"x".repeat(201),
    ] {
        assert!(
            matches!(StreamId::new(name), Err(InvalidEvent::StreamName { .. })),
            "stream name {name:?} is refused"
        );
    }

    let refuse = |events: Vec<NewEvent>, what: &'static str| {
        let stream = stream.clone();
        async move {
            match store.append(&stream, ExpectedRevision::Any, events).await {
                Err(StoreError::Invalid(invalid)) => invalid,
                other => panic!("{what}: expected a refusal, got {other:?}"),
            }
        }
    };

    let mut too_large = test_event(10);
    too_large.payload = payload(format!(r#"{{"blob":"{}"}}"#, "a".repeat(MAX_EVENT_BYTES)));
    let (too_large_id, too_large_size) = (too_large.id, too_large.size());
    assert_eq!(
        refuse(vec![test_event(11), too_large], "too large").await,
        InvalidEvent::TooLarge {
            event_id: too_large_id,
            size: too_large_size,
            limit: MAX_EVENT_BYTES
        }
    );

    for not_object in ["[1, 2]", "\"text\"", "42", "null", "true"] {
        let mut event = test_event(12);
        event.payload = payload(not_object.into());
        let id = event.id;
        assert_eq!(
            refuse(vec![event], "payload not an object").await,
            InvalidEvent::PayloadNotObject { event_id: id }
        );
    }

    let mut bad_type = test_event(13);
    bad_type.event_type = "Contribution Submitted!".into();
    assert!(matches!(
        refuse(vec![bad_type], "bad event type").await,
        InvalidEvent::EventType { .. }
    ));

    assert_eq!(refuse(Vec::new(), "empty").await, InvalidEvent::EmptyAppend);

    let twice = test_event(14);
    let twice_id = twice.id;
    let duplicate = vec![twice.clone(), test_event(15), twice];
    assert_eq!(
        refuse(duplicate, "duplicate id").await,
        InvalidEvent::DuplicateId { event_id: twice_id }
    );

    let after = read_forwards(store, &stream).await;
    assert_eq!(ids(&after), ids(&before), "the stream is unchanged");
    assert_eq!(
        after
            .iter()
            .map(|event| event.hash)
            .collect::<Vec<EventHash>>(),
        before
            .iter()
            .map(|event| event.hash)
            .collect::<Vec<EventHash>>()
    );
    assert_eq!(
        store.head().await.expect("head"),
        head,
        "nothing reached the global log"
    );
    let wanted: HashSet<StreamId> = [stream.clone()].into();
    assert_eq!(read_global(store, start, &wanted).await.len(), 3);
}
