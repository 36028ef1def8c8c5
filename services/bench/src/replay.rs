//! Replaying the global log: how fast events come back out of the store and into typed domain
//! events, next to the in-memory limit of decoding the same payloads, and the memory it takes.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::Utc;
use domain::DomainEvent;
use domain::events::{CommentPosted, Event};
use eventlog::{EventStore, ExpectedRevision, Payload, StreamId};
use eventlog_sqlite::SqliteStore;
use serde_json::{Value, json};

use crate::appends::round;
use crate::{sample, system};

#[derive(Debug, Clone, Copy)]
pub struct ReplaySettings {
    pub events: u64,
    /// Events per append while generating the log.
    pub batch: usize,
    /// Appends in flight while generating.
    pub concurrency: usize,
    /// Events per `read_all` call while replaying.
    pub page: usize,
    /// Payloads kept in memory for the raw decode limit.
    pub sample: usize,
    /// Least time spent measuring the raw decode rate.
    pub raw_decode_time: Duration,
}

/// Writes `settings.events` events in large appends, concurrently, each append a new stream.
pub async fn generate(
    dir: &Path,
    settings: ReplaySettings,
) -> anyhow::Result<(SqliteStore, Value)> {
    let path = dir.join("replay.db");
    let store = SqliteStore::open(&path).with_context(|| format!("opening {}", path.display()))?;
    let streams = settings.events.div_ceil(settings.batch as u64);
    let started = Instant::now();
    let tasks: Vec<_> = (0..settings.concurrency as u64)
        .map(|task| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut stream_index = task;
                while stream_index < streams {
                    let first = stream_index * settings.batch as u64;
                    let last = (first + settings.batch as u64).min(settings.events);
                    let now = Utc::now();
                    let events = (first..last).map(|n| sample::comment(n, now)).collect();
                    let stream = StreamId::new(format!("replay-{stream_index}"))?;
                    store
                        .append(&stream, ExpectedRevision::NoStream, events)
                        .await?;
                    stream_index += settings.concurrency as u64;
                }
                anyhow::Ok(())
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let file_bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(path.with_extension("db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    Ok((
        store,
        json!({
            "scenario": "generate",
            "events": settings.events,
            "eventsPerAppend": settings.batch,
            "appendsInFlight": settings.concurrency,
            "seconds": round(elapsed),
            "eventsPerSec": round(settings.events as f64 / elapsed),
            "fileBytes": file_bytes,
        }),
    ))
}

/// Memory of this process at one moment of the replay, in KiB.
fn memory_now(events: u64) -> Value {
    json!({
        "events": events,
        "vmHwmKiB": system::peak_rss_kib(),
        "vmRssKiB": system::rss_kib(),
        "rssAnonKiB": system::status_kib("RssAnon"),
        "rssFileKiB": system::status_kib("RssFile"),
    })
}

/// Reads the whole log through `read_all` in pages, decoding each payload into a typed domain
/// event when `decode` is set. The next page is already being read while this one is decoded,
/// as a projection following the log would do it (order is kept). Samples memory after every
/// page and reports it every `checkpoint_every` events.
async fn pass(
    store: &SqliteStore,
    page: usize,
    decode: bool,
    checkpoint_every: u64,
) -> anyhow::Result<(u64, f64, Vec<Value>, u64)> {
    let read_after = |after| {
        let store = store.clone();
        tokio::spawn(async move { store.read_all(after, page).await })
    };
    let mut events = 0u64;
    let mut checkpoints = Vec::new();
    let mut next_checkpoint = checkpoint_every;
    let mut max_anon = 0;
    let started = Instant::now();
    let mut reading = read_after(None);
    loop {
        let batch = reading.await??;
        let Some(last) = batch.last() else { break };
        reading = read_after(Some(last.position));
        if decode {
            for event in &batch {
                let typed =
                    Event::decode(&event.event_type, event.schema_version, event.payload.get())
                        .with_context(|| format!("decoding event {}", event.id))?;
                std::hint::black_box(typed);
            }
        }
        events += batch.len() as u64;
        drop(batch);
        max_anon = max_anon.max(system::status_kib("RssAnon").unwrap_or(0));
        if events >= next_checkpoint {
            checkpoints.push(memory_now(events));
            next_checkpoint += checkpoint_every;
        }
    }
    Ok((
        events,
        started.elapsed().as_secs_f64(),
        checkpoints,
        max_anon,
    ))
}

/// Replays the log twice (with and without typed decoding), measuring memory on the first.
pub async fn replay(
    store: &SqliteStore,
    settings: ReplaySettings,
) -> anyhow::Result<(Value, Value)> {
    let peak_was_reset = system::reset_peak_rss();
    let before = memory_now(0);
    let (decoded, decode_secs, checkpoints, max_anon) =
        pass(store, settings.page, true, (settings.events / 10).max(1)).await?;
    let after = memory_now(decoded);
    let (read, read_secs, _, _) = pass(store, settings.page, false, u64::MAX).await?;
    if decoded != settings.events || read != settings.events {
        bail!(
            "the log holds {read} events, {} were written",
            settings.events
        );
    }
    let replay = json!({
        "scenario": "replay",
        "events": decoded,
        "pageSize": settings.page,
        "readAndDecode": { "seconds": round(decode_secs), "eventsPerSec": round(decoded as f64 / decode_secs) },
        "readOnly": { "seconds": round(read_secs), "eventsPerSec": round(read as f64 / read_secs) },
    });
    let memory = json!({
        "scenario": "replay-memory",
        "events": decoded,
        "peakWasReset": peak_was_reset,
        "before": before,
        "after": after,
        "maxRssAnonKiBSampledPerPage": max_anon,
        "checkpoints": checkpoints,
    });
    Ok((replay, memory))
}

/// The limit: decoding the same payload bytes, already in memory, straight into the payload
/// struct with serde_json; and through the domain codec, for comparison.
pub async fn raw_decode(store: &SqliteStore, settings: ReplaySettings) -> anyhow::Result<Value> {
    let sample = store.read_all(None, settings.sample).await?;
    let payloads: Vec<Payload> = sample.iter().map(|event| event.payload.clone()).collect();
    let first = sample.first().context("the log is empty")?;
    let (event_type, schema_version) = (first.event_type.clone(), first.schema_version);
    let bytes: usize = payloads.iter().map(|payload| payload.get().len()).sum();
    drop(sample);
    let serde_rate = decode_rate(&payloads, settings.raw_decode_time, |payload| {
        std::hint::black_box(serde_json::from_str::<CommentPosted>(payload)).is_ok()
    })?;
    let codec_rate = decode_rate(&payloads, settings.raw_decode_time, |payload| {
        std::hint::black_box(Event::decode(&event_type, schema_version, payload)).is_ok()
    })?;
    Ok(json!({
        "scenario": "raw-decode",
        "sampleEvents": payloads.len(),
        "meanPayloadBytes": round(bytes as f64 / payloads.len().max(1) as f64),
        "serdeJsonEventsPerSec": round(serde_rate),
        "serdeJsonMiBPerSec": round(serde_rate * bytes as f64 / payloads.len().max(1) as f64 / 1_048_576.0),
        "domainCodecEventsPerSec": round(codec_rate),
    }))
}

/// Decodes every payload in turn, pass after pass, until `at_least` has gone by; in events/s.
fn decode_rate(
    payloads: &[Payload],
    at_least: Duration,
    decode: impl Fn(&str) -> bool,
) -> anyhow::Result<f64> {
    let started = Instant::now();
    let mut decoded = 0u64;
    loop {
        for payload in payloads {
            if !decode(payload.get()) {
                bail!("a sample payload does not decode");
            }
        }
        decoded += payloads.len() as u64;
        if started.elapsed() >= at_least {
            return Ok(decoded as f64 / started.elapsed().as_secs_f64());
        }
    }
}
