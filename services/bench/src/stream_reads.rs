//! Reading whole streams back, as a command service does before it decides: many short
//! streams and one long one, their events spread over the log, read forwards one at a time.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::Utc;
use eventlog::{EventStore, ExpectedRevision, ReadStream, StreamId};
use eventlog_sqlite::SqliteStore;
use futures::future::try_join_all;
use serde_json::{Value, json};

use crate::appends::round;
use crate::{latency, sample};

/// Events appended to the long stream in each round, one append.
const LONG_EVENTS_PER_ROUND: u64 = 100;

#[derive(Debug, Clone, Copy)]
pub struct StreamReadSettings {
    pub short_streams: u64,
    pub short_events: u64,
    pub long_events: u64,
    /// How long each kind of stream is read.
    pub duration: Duration,
}

/// Writes the streams in rounds (one event to every short stream and a hundred to the long
/// one per round, the short ones concurrently), then reads each kind for `duration`.
pub async fn run(dir: &Path, settings: StreamReadSettings) -> anyhow::Result<[Value; 2]> {
    let path = dir.join("stream-reads.db");
    let store = SqliteStore::open(&path).with_context(|| format!("opening {}", path.display()))?;
    let short: Vec<StreamId> = (0..settings.short_streams)
        .map(|n| StreamId::new(format!("short-{n}")))
        .collect::<Result<_, _>>()?;
    let long = StreamId::new("long")?;
    let mut long_written = 0;
    for round in 0.. {
        let short_due = round < settings.short_events;
        let long_due = long_written < settings.long_events;
        if !short_due && !long_due {
            break;
        }
        let now = Utc::now();
        if short_due {
            try_join_all(short.iter().map(|stream| {
                store.append(
                    stream,
                    ExpectedRevision::Any,
                    vec![sample::comment(round, now)],
                )
            }))
            .await?;
        }
        if long_due {
            let count = LONG_EVENTS_PER_ROUND.min(settings.long_events - long_written);
            let events = (0..count)
                .map(|n| sample::comment(long_written + n, now))
                .collect();
            store.append(&long, ExpectedRevision::Any, events).await?;
            long_written += count;
        }
    }
    Ok([
        read_for(&store, &short, settings.short_events, settings.duration).await?,
        read_for(&store, &[long], settings.long_events, settings.duration).await?,
    ])
}

/// Reads `streams` whole, round-robin and one read at a time, for `duration`.
async fn read_for(
    store: &SqliteStore,
    streams: &[StreamId],
    events_per_stream: u64,
    duration: Duration,
) -> anyhow::Result<Value> {
    let mut latencies = latency::histogram();
    let mut reads = 0u64;
    let started = Instant::now();
    while started.elapsed() < duration {
        let stream = &streams[reads as usize % streams.len()];
        let sent = Instant::now();
        let events = store
            .read_stream(stream, ReadStream::all_forwards())
            .await?;
        latency::record(&mut latencies, sent.elapsed());
        if events.len() as u64 != events_per_stream {
            bail!(
                "{stream} reads {} events, {events_per_stream} were written",
                events.len()
            );
        }
        reads += 1;
    }
    let elapsed = started.elapsed().as_secs_f64();
    Ok(json!({
        "scenario": "stream-read",
        "streams": streams.len(),
        "eventsPerStream": events_per_stream,
        "seconds": round(elapsed),
        "readsPerSec": round(reads as f64 / elapsed),
        "eventsPerSec": round((reads * events_per_stream) as f64 / elapsed),
        "readLatencyMicros": latency::summary(&latencies),
    }))
}
