//! What is particular to the SQLite backend: the versioned schema, group commit, tampering with
//! the file behind the store's back, and two handles on one file.

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use eventlog::conformance::test_event;
use eventlog::{
    ChainBreak, Direction, EventStore, ExpectedRevision, ReadStream, RecordedEvent, StoreError,
    StreamId, verify_chain,
};
use eventlog_sqlite::{OpenOptions, SCHEMA_VERSION, SqliteStore};
use futures::StreamExt;
use futures::future::join_all;
use tempfile::TempDir;

fn fresh() -> (TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("events.sqlite3");
    (dir, path)
}

fn stream(name: &str) -> StreamId {
    StreamId::new(name).expect("a valid stream name")
}

fn user_version(path: &Path) -> u32 {
    let conn = rusqlite::Connection::open(path).expect("open the file directly");
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .expect("user_version")
}

async fn read(store: &SqliteStore, name: &str) -> Vec<RecordedEvent> {
    store
        .read_stream(&stream(name), ReadStream::all_forwards())
        .await
        .expect("read")
}

#[tokio::test]
async fn a_fresh_file_gets_the_latest_schema_and_reopening_changes_nothing() {
    let (dir, _) = fresh();
    let path = dir
        .path()
        .join("data")
        .join("plenary")
        .join("events.sqlite3");
    let store = SqliteStore::open(&path).expect("open");
    assert_eq!(user_version(&path), SCHEMA_VERSION);
    let written = store
        .append(
            &stream("group-a"),
            ExpectedRevision::NoStream,
            vec![test_event(1)],
        )
        .await
        .expect("append");
    drop(store);

    let reopened = SqliteStore::open(&path).expect("reopen");
    let again = SqliteStore::open(&path).expect("open a second handle");
    assert_eq!(
        user_version(&path),
        SCHEMA_VERSION,
        "reopening keeps the version"
    );
    let events = read(&reopened, "group-a").await;
    assert_eq!(events.len(), 1, "reopening keeps the events");
    assert_eq!(events[0].position, written.last().position);
    assert_eq!(
        again.head().await.expect("head"),
        Some(written.last().position)
    );
}

#[test]
fn a_file_from_a_newer_schema_is_refused() {
    let (_dir, path) = fresh();
    drop(SqliteStore::open(&path).expect("open"));
    let conn = rusqlite::Connection::open(&path).expect("open the file directly");
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .expect("raise the version");
    drop(conn);
    match SqliteStore::open(&path) {
        Err(StoreError::Internal(message)) => {
            assert!(message.contains("schema version"), "{message}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        user_version(&path),
        SCHEMA_VERSION + 1,
        "the newer file is left alone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_appends_share_commits() {
    let (_dir, path) = fresh();
    let store = SqliteStore::open(&path).expect("open");
    let appends = 256;
    let before = store.commits();
    let results = join_all((0..appends).map(|n| {
        let store = store.clone();
        async move {
            let name = stream(&format!("stream-{}", n % 16));
            store
                .append(&name, ExpectedRevision::Any, vec![test_event(n)])
                .await
        }
    }))
    .await;
    assert!(results.iter().all(Result::is_ok), "every append succeeds");
    let commits = store.commits() - before;
    assert!(
        commits < appends,
        "{appends} appends took {commits} commits: none were grouped"
    );
    let positions: HashSet<_> = results
        .iter()
        .map(|result| result.as_ref().unwrap().last().position)
        .collect();
    assert_eq!(
        positions.len() as u64,
        appends,
        "every append has its own position"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committed_events_reach_the_database_file_without_waiting_for_another_append() {
    let (_dir, path) = fresh();
    let store = SqliteStore::open(&path).expect("open");
    let empty_size = std::fs::metadata(&path).expect("the file exists").len();
    let name = stream("checkpointed");
    let mut expected = ExpectedRevision::NoStream;
    for n in 0..200 {
        let written = store
            .append(&name, expected, vec![test_event(n)])
            .await
            .expect("append");
        expected = ExpectedRevision::Exact(written.last().revision);
    }
    // The events are durable in the WAL already; the checkpointer copies them into the file.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let mut size = empty_size;
    while size <= empty_size && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
        size = std::fs::metadata(&path).expect("the file exists").len();
    }
    assert!(
        size > empty_size,
        "the database file is still {size} bytes, as before the appends"
    );
    assert_eq!(read(&store, "checkpointed").await.len(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wal_starts_over_while_appends_keep_coming() {
    let (_dir, path) = fresh();
    let store = SqliteStore::open(&path).expect("open");
    let until = std::time::Instant::now() + Duration::from_millis(1500);
    let writers = (0..8).map(|writer| {
        let store = store.clone();
        async move {
            let name = stream(&format!("busy-{writer}"));
            let mut expected = ExpectedRevision::NoStream;
            let mut n = 0;
            while std::time::Instant::now() < until {
                let written = store
                    .append(&name, expected, vec![test_event(n)])
                    .await
                    .expect("append");
                expected = ExpectedRevision::Exact(written.last().revision);
                n += 1;
            }
        }
    });
    join_all(writers).await;
    // The WAL header's checkpoint sequence number counts the times the WAL started over (see
    // "WAL File Format" in SQLite's documentation); a WAL that only grows keeps it at 0.
    let wal = std::fs::read(path.with_extension("sqlite3-wal")).expect("read the WAL");
    let restarts = u32::from_be_bytes(wal[12..16].try_into().expect("a WAL header"));
    assert!(
        restarts >= 2,
        "the WAL started over {restarts} times in 1.5 s of appends"
    );
}

/// The message of the `Corrupt` error that reading the stream `name` must fail with.
async fn corruption_reported(store: &SqliteStore, name: &str) -> String {
    match store
        .read_stream(&stream(name), ReadStream::all_forwards())
        .await
    {
        Err(StoreError::Corrupt(message)) => message,
        other => panic!("reading {name} should report a corrupt file, not {other:?}"),
    }
}

/// Edits the file with plain SQL, as someone with access to the disk could.
fn tamper(path: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).expect("open the file directly");
    let changed = conn.execute(sql, []).expect("tamper");
    assert!(changed > 0, "the tampering statement changed a row: {sql}");
}

#[tokio::test]
async fn verify_chain_catches_edits_made_to_the_file_directly() {
    let (_dir, path) = fresh();
    let store = SqliteStore::open(&path).expect("open");
    for name in ["altered", "deleted", "beheaded", "swapped", "rehashed"] {
        let events = (0..5).map(test_event).collect();
        store
            .append(&stream(name), ExpectedRevision::NoStream, events)
            .await
            .expect("append");
        assert!(
            verify_chain(&read(&store, name).await).is_ok(),
            "{name} verifies before tampering"
        );
    }

    tamper(
        &path,
        r#"UPDATE events SET payload = '{"n": 99}' WHERE stream = 'altered' AND revision = 2"#,
    );
    assert!(matches!(
        verify_chain(&read(&store, "altered").await),
        Err(ChainBreak::Altered { revision: 2, .. })
    ));

    // A stream is read by walking its events' links, so a removed event breaks the walk.
    tamper(
        &path,
        "DELETE FROM events WHERE stream = 'deleted' AND revision = 1",
    );
    let reported = corruption_reported(&store, "deleted").await;
    assert!(reported.contains("revision 1"), "{reported}");

    // Removing a stream's last event leaves its head naming nothing: not an empty stream.
    tamper(
        &path,
        "DELETE FROM events WHERE stream = 'beheaded' AND revision = 4",
    );
    let reported = corruption_reported(&store, "beheaded").await;
    assert!(reported.contains("holds no event"), "{reported}");
    // Nor does the writer start the stream over: the append fails and writes nothing.
    let refused = store
        .append(
            &stream("beheaded"),
            ExpectedRevision::Any,
            vec![test_event(5)],
        )
        .await;
    assert!(
        matches!(&refused, Err(StoreError::Internal(message)) if message.contains("holds no event")),
        "{refused:?}"
    );
    let beheaded_left = store
        .read_all(None, usize::MAX)
        .await
        .expect("read the log")
        .iter()
        .filter(|event| event.stream_id.as_str() == "beheaded")
        .count();
    assert_eq!(beheaded_left, 4, "revisions 0 to 3, and nothing appended");

    // Swapping two events' revisions reorders them without leaving a gap; the walk from the
    // head (now numbered 3) finds revision 4 where it expects 2.
    tamper(
        &path,
        "UPDATE events SET revision = -1 WHERE stream = 'swapped' AND revision = 3",
    );
    tamper(
        &path,
        "UPDATE events SET revision = 3 WHERE stream = 'swapped' AND revision = 4",
    );
    tamper(
        &path,
        "UPDATE events SET revision = 4 WHERE stream = 'swapped' AND revision = -1",
    );
    let reported = corruption_reported(&store, "swapped").await;
    assert!(reported.contains("holds swapped@4"), "{reported}");

    // Recomputing the altered event's own hash does not help: the next event no longer links.
    let mut events = read(&store, "rehashed").await;
    std::sync::Arc::make_mut(&mut events[1].actor).display_name = "Someone Else".into();
    let forged = eventlog::event_hash(&eventlog::HashInput::try_from(&events[1]).unwrap());
    tamper(
        &path,
        &format!(
            "UPDATE events SET actor_name = 'Someone Else', hash = X'{forged}' \
             WHERE stream = 'rehashed' AND revision = 1"
        ),
    );
    assert!(matches!(
        verify_chain(&read(&store, "rehashed").await),
        Err(ChainBreak::Unlinked { revision: 2 })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_handle_on_the_same_file_sees_and_extends_the_log() {
    let (_dir, path) = fresh();
    let first = SqliteStore::open(&path).expect("open");
    let second = SqliteStore::open(&path).expect("open the same file again");
    let mut subscription = first.subscribe_all(None).await.expect("subscribe");

    // The second handle's writer commits; the first handle's subscription has no in-process
    // signal for it and must find it by polling the file.
    let written = second
        .append(
            &stream("shared"),
            ExpectedRevision::NoStream,
            (0..3).map(test_event).collect(),
        )
        .await
        .expect("append through the second handle");
    for expected in &written.written {
        let event = tokio::time::timeout(Duration::from_secs(5), subscription.next())
            .await
            .expect("the first handle sees the second's commit")
            .expect("the subscription continues")
            .expect("no error");
        assert_eq!(event.id, expected.id);
    }

    // Each writer reads the stream head from the file, so neither works from a stale view.
    let more = first
        .append(
            &stream("shared"),
            ExpectedRevision::Exact(2),
            vec![test_event(3)],
        )
        .await
        .expect("the first handle appends after the second's events");
    assert_eq!(more.last().revision, 3);
    let conflict = second
        .append(
            &stream("shared"),
            ExpectedRevision::Exact(2),
            vec![test_event(4)],
        )
        .await;
    assert!(
        matches!(
            conflict,
            Err(StoreError::Conflict {
                current: Some(3),
                ..
            })
        ),
        "{conflict:?}"
    );
    assert!(verify_chain(&read(&second, "shared").await).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_append_that_cannot_commit_is_not_acknowledged_and_the_writer_recovers() {
    let (_dir, path) = fresh();
    let options = OpenOptions {
        busy_timeout: Duration::from_millis(100),
    };
    let store = SqliteStore::open_with(&path, options).expect("open");
    let name = stream("locked-out");
    store
        .append(&name, ExpectedRevision::NoStream, vec![test_event(0)])
        .await
        .expect("append");

    // Another process holds the write lock for longer than the writer will wait.
    let blocker = rusqlite::Connection::open(&path).expect("open the file directly");
    blocker
        .execute_batch("BEGIN IMMEDIATE")
        .expect("take the write lock");
    let refused =
        join_all((1..4).map(|n| store.append(&name, ExpectedRevision::Any, vec![test_event(n)])))
            .await;
    for result in &refused {
        assert!(
            matches!(result, Err(StoreError::Internal(_))),
            "not acknowledged: {result:?}"
        );
    }
    blocker.execute_batch("ROLLBACK").expect("release the lock");

    let next = store
        .append(&name, ExpectedRevision::Exact(0), vec![test_event(4)])
        .await
        .expect("the writer works again once the lock is free");
    assert_eq!(
        next.last().revision,
        1,
        "none of the refused appends was written"
    );
    let events = read(&store, "locked-out").await;
    assert_eq!(events.len(), 2);
    assert!(verify_chain(&events).is_ok());
}

#[tokio::test]
async fn the_events_of_one_read_share_their_stream_type_and_actor_and_keep_distinct_ones_apart() {
    let (_dir, path) = fresh();
    let store = SqliteStore::open(&path).expect("open");
    let mut chair = test_event(2);
    chair.actor.roles = vec!["chair@fg-dfc".into()];
    let mut renamed = test_event(3);
    renamed.actor.display_name = "Someone Else".into();
    store
        .append(
            &stream("shared"),
            ExpectedRevision::NoStream,
            vec![test_event(0), test_event(1), chair, renamed],
        )
        .await
        .expect("append");

    let events = read(&store, "shared").await;
    let [first, second, chair, renamed] = events.as_slice() else {
        panic!("four events, read {}", events.len());
    };
    assert!(std::ptr::eq(
        first.stream_id.as_str(),
        second.stream_id.as_str()
    ));
    assert!(std::ptr::eq(
        first.stream_id.as_str(),
        renamed.stream_id.as_str()
    ));
    assert!(std::sync::Arc::ptr_eq(&first.event_type, &chair.event_type));
    assert!(std::sync::Arc::ptr_eq(&first.actor, &second.actor));
    assert_eq!(chair.actor.roles, ["chair@fg-dfc"]);
    assert_eq!(chair.actor.subject, first.actor.subject);
    assert_ne!(first.actor.roles, chair.actor.roles);
    assert_eq!(renamed.actor.display_name, "Someone Else");
    assert_ne!(first.actor.display_name, "Someone Else");
    verify_chain(&events).expect("each event keeps the content it was hashed with");
}

/// A stream is read by walking back from its head or from an indexed anchor (every 32nd
/// revision); every part of a long stream, read either way, must be what the global log holds.
#[tokio::test]
async fn every_part_of_a_long_stream_reads_as_the_global_log_has_it() {
    let (_dir, path) = fresh();
    let store = SqliteStore::open(&path).expect("open");
    let (long, other) = (stream("long"), stream("other"));
    for n in 0..100 {
        // A few events per append, and another stream in between, so links span commits.
        let events = (0..1 + n % 3).map(test_event).collect();
        store
            .append(&long, ExpectedRevision::Any, events)
            .await
            .expect("append");
        store
            .append(&other, ExpectedRevision::Any, vec![test_event(n)])
            .await
            .expect("append");
    }
    let global: Vec<(u64, u64)> = store
        .read_all(None, usize::MAX)
        .await
        .expect("read the log")
        .iter()
        .filter(|event| event.stream_id == long)
        .map(|event| (event.revision, event.position.commit))
        .collect();
    let head = global.len() as u64 - 1;
    assert_eq!(head, 198, "100 appends of one to three events");

    for direction in [Direction::Forwards, Direction::Backwards] {
        for from in [
            None,
            Some(0),
            Some(1),
            Some(31),
            Some(32),
            Some(33),
            Some(150),
            Some(head),
            Some(head + 5),
        ] {
            for max_count in [1, 2, 31, 32, 33, 64, 100, usize::MAX] {
                let read = ReadStream {
                    direction,
                    from,
                    max_count,
                };
                let expected: Vec<(u64, u64)> = match direction {
                    Direction::Forwards => global
                        .iter()
                        .copied()
                        .skip(from.unwrap_or(0) as usize)
                        .take(max_count)
                        .collect(),
                    Direction::Backwards => global
                        .iter()
                        .copied()
                        .rev()
                        .skip(head.saturating_sub(from.unwrap_or(head)) as usize)
                        .take(max_count)
                        .collect(),
                };
                let events = store.read_stream(&long, read).await.expect("read");
                let found: Vec<(u64, u64)> = events
                    .iter()
                    .map(|event| (event.revision, event.position.commit))
                    .collect();
                assert_eq!(
                    found, expected,
                    "{direction:?} from {from:?}, at most {max_count}"
                );
            }
        }
    }
}

/// The writer skips the duplicate-id lookup for an id above every id it knows to be stored;
/// what another handle stored in the meantime must still be recognised as a retry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_is_recognised_when_another_handle_stored_the_event() {
    let (_dir, path) = fresh();
    let first = SqliteStore::open(&path).expect("open");
    let second = SqliteStore::open(&path).expect("open the same file again");
    let shared = stream("shared");
    first
        .append(&shared, ExpectedRevision::NoStream, vec![test_event(0)])
        .await
        .expect("the first handle appends, and learns the greatest id stored");

    let mut newest = test_event(1);
    newest.id = uuid::Uuid::max();
    let original = second
        .append(&shared, ExpectedRevision::Exact(0), vec![newest.clone()])
        .await
        .expect("the second handle appends an id above every other");
    let retried = first
        .append(&shared, ExpectedRevision::Exact(0), vec![newest])
        .await
        .expect("the retry through the first handle");
    assert!(retried.deduplicated, "the retry is recognised");
    assert_eq!(retried.written, original.written);
    assert_eq!(
        read(&first, "shared").await.len(),
        2,
        "nothing was written twice"
    );
}
