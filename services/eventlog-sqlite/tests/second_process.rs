//! Two processes on one file, as when services run as separate binaries: a child process
//! appends while this one appends too and follows the global log.
//!
//! The child is this same test binary, re-executed with `CHILD_DB` naming the file.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use eventlog::conformance::test_event;
use eventlog::{EventStore, ExpectedRevision, ReadStream, StreamId, verify_chain};
use eventlog_sqlite::SqliteStore;
use futures::StreamExt;
use uuid::Uuid;

const CHILD_DB: &str = "EVENTLOG_SECOND_PROCESS_DB";
const TEST_NAME: &str = "another_process_appends_and_this_one_subscribes_without_gap";
const CHILD_APPENDS: u64 = 40;
const PARENT_APPENDS: u64 = 40;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_process_appends_and_this_one_subscribes_without_gap() {
    if let Ok(db) = std::env::var(CHILD_DB) {
        append_as_child(Path::new(&db)).await;
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("events.sqlite3");
    let store = SqliteStore::open(&db).expect("open");
    let mut subscription = store.subscribe_all(None).await.expect("subscribe");

    let child = Command::new(std::env::current_exe().expect("the test binary"))
        .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
        .env(CHILD_DB, &db)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the child");
    let own_stream = StreamId::new("parent-writes").expect("a stream name");
    let mut own = Vec::new();
    for n in 0..PARENT_APPENDS {
        let result = store
            .append(&own_stream, ExpectedRevision::Any, vec![test_event(n)])
            .await
            .expect("append");
        own.push(result.last().id);
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let output =
        tokio::task::spawn_blocking(move || child.wait_with_output().expect("the child's output"))
            .await
            .expect("wait for the child");
    assert!(output.status.success(), "the child appended without error");
    let child_acks: Vec<Uuid> = BufReader::new(output.stdout.as_slice())
        .lines()
        .map_while(Result::ok)
        .filter_map(|line| {
            line.strip_prefix("ack ")
                .map(|id| id.parse().expect("an event id"))
        })
        .collect();
    assert_eq!(child_acks.len() as u64, CHILD_APPENDS);

    let total = (CHILD_APPENDS + PARENT_APPENDS) as usize;
    let mut received = Vec::with_capacity(total);
    while received.len() < total {
        let event = tokio::time::timeout(Duration::from_secs(10), subscription.next())
            .await
            .unwrap_or_else(|_| panic!("stalled after {} of {total} events", received.len()))
            .expect("the subscription continues")
            .expect("no error");
        received.push(event);
    }
    let log = store
        .read_all(None, usize::MAX)
        .await
        .expect("read the log");
    assert_eq!(
        received.iter().map(|event| event.id).collect::<Vec<_>>(),
        log.iter().map(|event| event.id).collect::<Vec<_>>(),
        "the subscription saw both processes' events in log order"
    );
    let ids: HashSet<Uuid> = received.iter().map(|event| event.id).collect();
    assert!(
        child_acks.iter().chain(&own).all(|id| ids.contains(id)),
        "every acknowledged event arrived"
    );
    assert_eq!(ids.len(), total, "each once");

    let child_stream = StreamId::new("child-writes").expect("a stream name");
    let events = store
        .read_stream(&child_stream, ReadStream::all_forwards())
        .await
        .expect("read");
    assert!(verify_chain(&events).is_ok());
    let next = store
        .append(
            &child_stream,
            ExpectedRevision::Exact(CHILD_APPENDS - 1),
            vec![test_event(0)],
        )
        .await
        .expect("this process continues the child's stream");
    assert_eq!(next.last().revision, CHILD_APPENDS);
}

async fn append_as_child(db: &Path) {
    let store = SqliteStore::open(db).expect("open the parent's file");
    // The test harness has already printed "test <name> ... " without a line break.
    println!();
    let stream = StreamId::new("child-writes").expect("a stream name");
    for n in 0..CHILD_APPENDS {
        let expected = match n {
            0 => ExpectedRevision::NoStream,
            n => ExpectedRevision::Exact(n - 1),
        };
        let result = store
            .append(&stream, expected, vec![test_event(n)])
            .await
            .expect("append");
        println!("ack {}", result.last().id);
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}
