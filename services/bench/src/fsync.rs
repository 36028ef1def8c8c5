//! This disk's fsync latency: what one group commit must wait for at least. `fsync` itself,
//! since that is the call SQLite (as bundled here) makes on the WAL at each commit.

use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::appends::round;
use crate::latency;

/// 4 KiB, one SQLite page and the usual size of a small WAL commit.
const BLOCK: [u8; 4096] = [0x5a; 4096];

/// Writes a block and fsyncs it, for `duration` per mode: appending (the file grows, as
/// the WAL does until a checkpoint) and overwriting the same block (as a reused WAL does).
pub fn run(dir: &Path, duration: Duration) -> anyhow::Result<Value> {
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    let appending = measure(duration, || {
        file.write_all(&BLOCK)?;
        file.as_file().sync_all()
    })?;
    let overwriting = measure(duration, || {
        file.as_file().write_all_at(&BLOCK, 0)?;
        file.as_file().sync_all()
    })?;
    Ok(json!({
        "scenario": "fsync",
        "method": "write 4 KiB then fsync, in a loop, on a file in the bench directory",
        "append": appending,
        "overwrite": overwriting,
    }))
}

fn measure(
    duration: Duration,
    mut write_and_sync: impl FnMut() -> std::io::Result<()>,
) -> anyhow::Result<Value> {
    let mut latencies = latency::histogram();
    let started = Instant::now();
    while started.elapsed() < duration {
        let sent = Instant::now();
        write_and_sync()?;
        latency::record(&mut latencies, sent.elapsed());
    }
    let elapsed = started.elapsed().as_secs_f64();
    Ok(json!({
        "fsyncsPerSec": round(latencies.len() as f64 / elapsed),
        "latencyMicros": latency::summary(&latencies),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_some_fsyncs_in_both_modes() {
        let dir = tempfile::tempdir().unwrap();
        let figures = run(dir.path(), Duration::from_millis(50)).unwrap();
        assert!(
            figures["append"]["latencyMicros"]["count"]
                .as_u64()
                .unwrap()
                > 0
        );
        assert!(figures["overwrite"]["fsyncsPerSec"].as_f64().unwrap() > 0.0);
    }
}
