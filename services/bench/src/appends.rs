//! Concurrent writers, each appending single events to its own stream: durable throughput,
//! events per commit (= per fsync) and the latency of an acknowledged append.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::Utc;
use eventlog::{EventStore, ExpectedRevision, NewEvent, StreamId};
use eventlog_sqlite::SqliteStore;
use hdrhistogram::Histogram;
use serde_json::{Value, json};
use tokio::sync::Barrier;
use uuid::Uuid;

use crate::{latency, sample};

/// Events read per page when counting what was committed.
const COUNT_PAGE: usize = 8192;

/// Runs `writers` writers for `duration` on a fresh log file in `dir`.
pub async fn run(dir: &Path, writers: usize, duration: Duration) -> anyhow::Result<Value> {
    let path = dir.join(format!("appends-{writers}.db"));
    let store = SqliteStore::open(&path).with_context(|| format!("opening {}", path.display()))?;
    let start = Arc::new(Barrier::new(writers + 1));
    let tasks: Vec<_> = (0..writers)
        .map(|writer| tokio::spawn(write_loop(store.clone(), writer, start.clone(), duration)))
        .collect();
    let commits_before = store.commits();
    start.wait().await;
    let work_before = Work::now();
    let started = Instant::now();
    let mut latencies = latency::histogram();
    let mut acknowledged = 0u64;
    for task in tasks {
        let (count, histogram) = task.await??;
        acknowledged += count;
        latencies
            .add(histogram)
            .expect("histograms share their bounds");
    }
    let elapsed = started.elapsed().as_secs_f64();
    let work = Work::now().since(&work_before);
    let commits = store.commits() - commits_before;
    let (stored, stamped_commits) = count_stamps(&store).await?;
    if stored != acknowledged {
        bail!("{acknowledged} appends were acknowledged but the log holds {stored} events");
    }
    Ok(json!({
        "scenario": "append",
        "writers": writers,
        "seconds": round(elapsed),
        "events": acknowledged,
        "durableEventsPerSec": round(acknowledged as f64 / elapsed),
        "commits": commits,
        "commitsCountedFromTimestamps": stamped_commits,
        "eventsPerFsync": round(acknowledged as f64 / commits.max(1) as f64),
        "appendLatencyMicros": latency::summary(&latencies),
        "perEvent": work.per(acknowledged),
        "bytesWrittenPerCommit": work.bytes_written.map(|bytes| round(bytes as f64 / commits.max(1) as f64)),
    }))
}

/// One writer: appends one event at a time to its own stream, each expecting the revision the
/// previous append returned, until `duration` is over. Returns its count and latencies.
async fn write_loop(
    store: SqliteStore,
    writer: usize,
    start: Arc<Barrier>,
    duration: Duration,
) -> anyhow::Result<(u64, Histogram<u64>)> {
    let stream = StreamId::new(format!("bench-writer-{writer}"))?;
    let mut latencies = latency::histogram();
    let mut expected = ExpectedRevision::NoStream;
    let mut count = 0u64;
    start.wait().await;
    let deadline = Instant::now() + duration;
    // One comment per writer, sent again and again under fresh ids: the store does not look
    // at content, and building a new payload each time would only take CPU from its writer.
    let template = sample::comment(writer as u64, Utc::now());
    while Instant::now() < deadline {
        let event = NewEvent {
            id: Uuid::now_v7(),
            correlation_id: Uuid::now_v7(),
            ..template.clone()
        };
        let sent = Instant::now();
        let result = store.append(&stream, expected, vec![event]).await?;
        latency::record(&mut latencies, sent.elapsed());
        expected = ExpectedRevision::Exact(result.last().revision);
        count += 1;
    }
    Ok((count, latencies))
}

/// Counts the log's events and, as a check on the writer's own commit counter, their distinct
/// `recordedAt` values: the writer stamps every event of one transaction with the same time,
/// and two commits, each waiting for an fsync, never share a microsecond.
async fn count_stamps(store: &SqliteStore) -> anyhow::Result<(u64, u64)> {
    let mut after = None;
    let mut events = 0u64;
    let mut stamps = HashSet::new();
    loop {
        let page = store.read_all(after, COUNT_PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.position);
        events += page.len() as u64;
        stamps.extend(
            page.iter()
                .map(|event| event.recorded_at.timestamp_micros()),
        );
    }
    Ok((events, stamps.len() as u64))
}

/// CPU time and bytes written so far, read from /proc: figures that, unlike events per second,
/// hardly depend on what else the machine is doing. `None` where /proc does not have them.
#[derive(Debug, Clone, Copy)]
struct Work {
    /// CPU of the store's writer threads (named `eventlog-writer`), in nanoseconds.
    writer_nanos: Option<u64>,
    /// CPU of the store's checkpointer threads (named `eventlog-ckpt`).
    checkpointer_nanos: Option<u64>,
    /// CPU of every thread of this process.
    process_nanos: Option<u64>,
    /// Bytes this process handed to write(2) and pwrite(2): the WAL frames and the
    /// checkpoints' copies into the database file.
    bytes_written: Option<u64>,
}

impl Work {
    fn now() -> Self {
        let threads = thread_cpu_nanos();
        let named = |name: &str| {
            threads.as_ref().map(|threads| {
                threads
                    .iter()
                    .filter(|(comm, _)| comm == name)
                    .map(|(_, nanos)| nanos)
                    .sum()
            })
        };
        Self {
            writer_nanos: named("eventlog-writer"),
            checkpointer_nanos: named("eventlog-ckpt"),
            process_nanos: threads
                .as_ref()
                .map(|threads| threads.iter().map(|(_, nanos)| nanos).sum()),
            bytes_written: std::fs::read_to_string("/proc/self/io")
                .ok()
                .and_then(|io| {
                    io.lines()
                        .find_map(|line| line.strip_prefix("wchar:"))
                        .and_then(|value| value.trim().parse().ok())
                }),
        }
    }

    /// What was done between `earlier` and this reading. Threads that ended in between are
    /// missing from both, so process CPU is a slight underestimate.
    fn since(&self, earlier: &Self) -> Self {
        let delta = |now: Option<u64>, then: Option<u64>| Some(now?.saturating_sub(then?));
        Self {
            writer_nanos: delta(self.writer_nanos, earlier.writer_nanos),
            checkpointer_nanos: delta(self.checkpointer_nanos, earlier.checkpointer_nanos),
            process_nanos: delta(self.process_nanos, earlier.process_nanos),
            bytes_written: delta(self.bytes_written, earlier.bytes_written),
        }
    }

    /// CPU microseconds and bytes written per event.
    fn per(&self, events: u64) -> Value {
        let events = events.max(1) as f64;
        let micros = |nanos: Option<u64>| nanos.map(|nanos| round2(nanos as f64 / 1e3 / events));
        json!({
            "writerCpuMicros": micros(self.writer_nanos),
            "checkpointerCpuMicros": micros(self.checkpointer_nanos),
            "processCpuMicros": micros(self.process_nanos),
            "bytesWritten": self.bytes_written.map(|bytes| (bytes as f64 / events).round()),
        })
    }
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// Every thread of this process: its name and the CPU time it has used (schedstat, ns).
fn thread_cpu_nanos() -> Option<Vec<(String, u64)>> {
    let tasks = std::fs::read_dir("/proc/self/task").ok()?;
    Some(
        tasks
            .filter_map(Result::ok)
            .filter_map(|task| {
                let dir = task.path();
                let comm = std::fs::read_to_string(dir.join("comm")).ok()?;
                let schedstat = std::fs::read_to_string(dir.join("schedstat")).ok()?;
                let nanos = schedstat.split_whitespace().next()?.parse().ok()?;
                Some((comm.trim().to_owned(), nanos))
            })
            .collect(),
    )
}

pub fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}
