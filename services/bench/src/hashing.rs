//! The CPU cost of an event's hash (RFC 8785 canonical JSON, then SHA-256), which the single
//! writer pays for every appended event: a ceiling on append throughput whatever the disk.

use std::time::{Duration, Instant};

use chrono::Utc;
use eventlog::{HashInput, StreamId, event_hash};
use serde_json::{Value, json};

use crate::appends::round;
use crate::sample;

/// Hashes sample events, pass after pass, for at least `at_least`.
pub fn run(at_least: Duration) -> anyhow::Result<Value> {
    let stream = StreamId::new("bench-hash")?;
    let recorded_at = Utc::now();
    let events: Vec<_> = (0..1_000)
        .map(|n| sample::comment(n, recorded_at))
        .collect();
    let started = Instant::now();
    let mut hashed = 0u64;
    while started.elapsed() < at_least {
        for (revision, event) in (0..).zip(&events) {
            let hash = event_hash(&HashInput {
                event_id: event.id,
                stream_id: &stream,
                revision,
                event_type: &event.event_type,
                schema_version: event.schema_version,
                recorded_at,
                actor: &event.actor,
                correlation_id: event.correlation_id,
                causation_id: event.causation_id,
                payload: &event.payload,
                previous_hash: None,
            });
            std::hint::black_box(hash);
        }
        hashed += events.len() as u64;
    }
    let elapsed = started.elapsed().as_secs_f64();
    Ok(json!({
        "scenario": "hash",
        "method": "eventlog::event_hash of sample events on one thread",
        "eventsPerSec": round(hashed as f64 / elapsed),
        "microsPerEvent": round(elapsed * 1e6 / hashed as f64),
    }))
}
