//! The CPU cost of an event's hash (RFC 8785 canonical JSON, then SHA-256), whole, and split
//! as the SQLite store splits it: the part the appending caller prepares on its own task and
//! the part the single writer still pays for every event (a ceiling on append throughput
//! whatever the disk).

use std::time::{Duration, Instant};

use chrono::Utc;
use eventlog::{CanonicalParts, HashInput, StreamId, event_hash};
use serde_json::{Value, json};

use crate::appends::round;
use crate::sample;

/// Hashes sample events, pass after pass, for at least `at_least` per measure.
pub fn run(at_least: Duration) -> anyhow::Result<Value> {
    let stream = StreamId::new("bench-hash")?;
    let recorded_at = Utc::now();
    let events: Vec<_> = (0..1_000)
        .map(|n| sample::comment(n, recorded_at))
        .collect();
    let whole = per_event(at_least, events.len(), || {
        for (revision, event) in (0..).zip(&events) {
            std::hint::black_box(event_hash(&HashInput::placed(
                &stream,
                event,
                revision,
                recorded_at,
                None,
            )));
        }
    });
    let caller = per_event(at_least, events.len(), || {
        for event in &events {
            std::hint::black_box(CanonicalParts::new(&stream, event).prepare());
        }
    });
    let prepared: Vec<_> = events
        .iter()
        .map(|event| CanonicalParts::new(&stream, event).prepare())
        .collect();
    let writer = per_event(at_least, events.len(), || {
        for (revision, hash) in (0..).zip(&prepared) {
            std::hint::black_box(hash.finish(None, recorded_at, revision));
        }
    });
    Ok(json!({
        "scenario": "hash",
        "method": "on one thread, over sample events: eventlog::event_hash whole; the caller's \
                   CanonicalParts::new + prepare; the writer's PreparedHash::finish",
        "eventsPerSec": round(1e6 / whole),
        "microsPerEvent": round2(whole),
        "callerMicrosPerEvent": round2(caller),
        "writerMicrosPerEvent": round2(writer),
    }))
}

/// Microseconds per event of `pass`, which handles `events` events, run for at least `at_least`.
fn per_event(at_least: Duration, events: usize, mut pass: impl FnMut()) -> f64 {
    let started = Instant::now();
    let mut handled = 0u64;
    while started.elapsed() < at_least {
        pass();
        handled += events as u64;
    }
    started.elapsed().as_secs_f64() * 1e6 / handled as f64
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}
