//! Crash safety: a child process appends with many concurrent writers and reports every
//! acknowledgement; it is killed with SIGKILL at a random moment, and the reopened file must
//! hold every acknowledged event exactly once where it was acknowledged, with no gap, every
//! hash chain intact and SQLite's integrity check clean.
//!
//! The child is this same test binary, re-executed with `CHILD_DB` naming the file.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use eventlog::{EventStore, ExpectedRevision, ReadStream, StoreError, StreamId, verify_chain};
use eventlog_sqlite::SqliteStore;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

const CHILD_DB: &str = "EVENTLOG_CRASH_CHILD_DB";
const SEED: &str = "EVENTLOG_CRASH_SEED";
const TEST_NAME: &str = "crash_at_a_random_moment_loses_no_acknowledged_event";
const ROUNDS: usize = 5;
const APPENDERS: usize = 48;
const STREAMS: usize = 12;

#[test]
fn crash_at_a_random_moment_loses_no_acknowledged_event() {
    if let Ok(db) = std::env::var(CHILD_DB) {
        run_child(Path::new(&db));
    }
    let seed = std::env::var(SEED)
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .expect("clock after 1970")
                .as_nanos() as u64
        });
    eprintln!("crash test seed {seed} (set {SEED}={seed} to repeat)");
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("events.sqlite3");
    let mut acknowledged: HashMap<Uuid, Ack> = HashMap::new();
    for round in 1..=ROUNDS {
        let kill_after = Duration::from_millis(rng.random_range(50..1200));
        let acks = run_and_kill(&db, kill_after);
        eprintln!(
            "round {round}/{ROUNDS} (seed {seed}): killed after {kill_after:?}, {} acknowledged",
            acks.len()
        );
        for ack in acks {
            assert!(
                acknowledged.insert(ack.id, ack.clone()).is_none(),
                "{} acknowledged twice",
                ack.id
            );
        }
        check_file(&db, &acknowledged, round);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Ack {
    id: Uuid,
    stream: String,
    revision: u64,
    position: u64,
}

impl Ack {
    fn parse(line: &str) -> Option<Self> {
        let mut fields = line.strip_prefix("ack ")?.split(' ');
        let ack = Ack {
            stream: fields.next()?.to_owned(),
            id: fields.next()?.parse().ok()?,
            revision: fields.next()?.parse().ok()?,
            position: fields.next()?.parse().ok()?,
        };
        Some(ack)
    }
}

/// Starts the child on `db`, lets it append for `kill_after` from its first acknowledgement
/// (so that a slow start on a busy machine still leaves something to check), SIGKILLs it and
/// returns every acknowledgement it printed completely.
fn run_and_kill(db: &Path, kill_after: Duration) -> Vec<Ack> {
    let mut child = KillOnDrop(
        Command::new(std::env::current_exe().expect("the test binary"))
            .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
            .env(CHILD_DB, db)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the child"),
    );
    let stdout = child.0.stdout.take().expect("piped stdout");
    let (first_ack, acknowledging) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut acks = Vec::new();
        let mut line = Vec::new();
        // A line cut short by the kill has no newline: it was never a full acknowledgement.
        while reader
            .read_until(b'\n', &mut line)
            .expect("read the child's output")
            > 0
        {
            if line.ends_with(b"\n") {
                let text = String::from_utf8_lossy(&line);
                if let Some(ack) = Ack::parse(text.trim_end()) {
                    if acks.is_empty() {
                        let _ = first_ack.send(());
                    }
                    acks.push(ack);
                }
            }
            line.clear();
        }
        acks
    });
    acknowledging
        .recv_timeout(Duration::from_secs(60))
        .expect("the child acknowledges appends");
    std::thread::sleep(kill_after);
    // On Unix this is SIGKILL: no destructor, no flush, no orderly close of the database.
    child.0.kill().expect("kill the child");
    child.0.wait().expect("reap the child");
    reader.join().expect("the reader thread")
}

/// Kills the child if the parent fails before it could, so no appender outlives the test.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reopens the file and checks it against everything acknowledged so far.
fn check_file(db: &Path, acknowledged: &HashMap<Uuid, Ack>, round: usize) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let store = SqliteStore::open(db).expect("reopen after the crash");
        let log = store
            .read_all(None, usize::MAX)
            .await
            .expect("read the log");
        let mut seen: HashMap<Uuid, usize> = HashMap::new();
        let mut streams: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for event in &log {
            *seen.entry(event.id).or_default() += 1;
            streams
                .entry(event.stream_id.to_string())
                .or_default()
                .push(event.revision);
            if let Some(ack) = acknowledged.get(&event.id) {
                let place = (
                    event.stream_id.as_str(),
                    event.revision,
                    event.position.commit,
                );
                assert_eq!(
                    place,
                    (ack.stream.as_str(), ack.revision, ack.position),
                    "round {round}: event {} is where it was acknowledged",
                    ack.id
                );
            }
        }
        for ack in acknowledged.values() {
            assert_eq!(
                seen.get(&ack.id),
                Some(&1),
                "round {round}: acknowledged {} is present once",
                ack.id
            );
        }
        assert!(
            log.windows(2)
                .all(|pair| pair[0].position < pair[1].position),
            "positions increase"
        );
        for (name, revisions) in &streams {
            assert_eq!(
                revisions,
                &(0..revisions.len() as u64).collect::<Vec<_>>(),
                "{name} has no gap"
            );
            let stream = StreamId::new(name.as_str()).expect("a stored stream name");
            let events = store
                .read_stream(&stream, ReadStream::all_forwards())
                .await
                .expect("read");
            verify_chain(&events).unwrap_or_else(|error| panic!("round {round}: {name}: {error}"));
        }
        eprintln!(
            "round {round}: {} events in {} streams verified",
            log.len(),
            streams.len()
        );
    });
    let conn = rusqlite::Connection::open(db).expect("open the file directly");
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("integrity check");
    assert_eq!(integrity, "ok", "round {round}: PRAGMA integrity_check");
}

/// The child: many appenders on a few shared streams, each acknowledgement printed as soon as
/// the append returns. Runs until it is killed.
fn run_child(db: &Path) -> ! {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let store = SqliteStore::open(db).expect("open the store");
        // The test harness has already printed "test <name> ... " without a line break.
        println!();
        let appenders: Vec<_> = (0..APPENDERS)
            .map(|appender| tokio::spawn(append_forever(store.clone(), appender)))
            .collect();
        for appender in appenders {
            appender.await.expect("an appender panicked");
        }
    });
    unreachable!("the appenders run until the child is killed")
}

async fn append_forever(store: SqliteStore, appender: usize) {
    let stream = StreamId::new(format!("crash-{}", appender % STREAMS)).expect("a stream name");
    for n in 0u64.. {
        // Most appenders name the revision they read, as services do; some append blindly.
        let expected = if appender.is_multiple_of(4) {
            ExpectedRevision::Any
        } else {
            let last = store
                .read_stream(
                    &stream,
                    ReadStream {
                        direction: eventlog::Direction::Backwards,
                        from: None,
                        max_count: 1,
                    },
                )
                .await
                .expect("read the stream head");
            last.first().map_or(ExpectedRevision::NoStream, |event| {
                ExpectedRevision::Exact(event.revision)
            })
        };
        let count = 1 + (n as usize + appender) % 3;
        let events = (0..count)
            .map(|i| eventlog::conformance::test_event(n * 10 + i as u64))
            .collect();
        match store.append(&stream, expected, events).await {
            Ok(result) => {
                let mut lines = String::new();
                for written in &result.written {
                    lines.push_str(&format!(
                        "ack {stream} {} {} {}\n",
                        written.id, written.revision, written.position.commit
                    ));
                }
                let mut stdout = std::io::stdout().lock();
                stdout
                    .write_all(lines.as_bytes())
                    .expect("write an acknowledgement");
                stdout.flush().expect("flush an acknowledgement");
            }
            Err(StoreError::Conflict { .. }) => {}
            Err(error) => panic!("append failed: {error}"),
        }
    }
}
