//! A closed-loop HTTP load: `connections` clients, each on its own keep-alive connection,
//! each sending the next query as soon as the previous answer is read in full. Every answer
//! must be 200 without GraphQL errors; latency is measured per request, end to end.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::bail;
use hdrhistogram::Histogram;
use serde_json::{Value, json};

use crate::appends::round;
use crate::{latency, system};

/// One query under load: its name, and the request bodies sent in turn (different ids).
#[derive(Debug, Clone)]
pub struct Workload {
    pub name: &'static str,
    pub bodies: Arc<Vec<String>>,
    pub token: String,
}

#[derive(Debug, Clone, Copy)]
pub struct LoadSettings {
    pub connections: usize,
    pub warmup: Duration,
    pub duration: Duration,
}

/// Runs `workload` against `url` and answers throughput and latency.
pub async fn run(url: &str, workload: &Workload, settings: LoadSettings) -> anyhow::Result<Value> {
    let measuring = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::with_capacity(settings.connections);
    for connection in 0..settings.connections {
        let client = reqwest::Client::builder()
            .http1_only()
            .pool_max_idle_per_host(1)
            .build()?;
        let url = url.to_string();
        let workload = workload.clone();
        let (measuring, stop) = (measuring.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut histogram = latency::histogram();
            let mut index = connection * 7919;
            let mut bytes = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let body = workload.bodies[index % workload.bodies.len()].clone();
                index += 1;
                let started = Instant::now();
                let response = client
                    .post(&url)
                    .bearer_auth(&workload.token)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await?;
                let status = response.status();
                let answer = response.bytes().await?;
                let elapsed = started.elapsed();
                if !status.is_success() || has_errors(&answer) {
                    bail!(
                        "{}: {status}: {}",
                        workload.name,
                        String::from_utf8_lossy(&answer[..answer.len().min(400)])
                    );
                }
                if measuring.load(Ordering::Relaxed) {
                    latency::record(&mut histogram, elapsed);
                    bytes += answer.len() as u64;
                }
            }
            anyhow::Ok((histogram, bytes))
        }));
    }
    tokio::time::sleep(settings.warmup).await;
    measuring.store(true, Ordering::Relaxed);
    let started = Instant::now();
    let cpu_before = process_cpu_seconds();
    tokio::time::sleep(settings.duration).await;
    measuring.store(false, Ordering::Relaxed);
    let seconds = started.elapsed().as_secs_f64();
    let cpu = process_cpu_seconds()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    stop.store(true, Ordering::Relaxed);
    let mut all: Histogram<u64> = latency::histogram();
    let mut bytes = 0;
    for task in tasks {
        let (histogram, answered) = task.await??;
        all.add(histogram).expect("histograms share their bounds");
        bytes += answered;
    }
    let queries = all.len();
    Ok(json!({
        "scenario": "query-load",
        "query": workload.name,
        "connections": settings.connections,
        "seconds": round(seconds),
        "queries": queries,
        "queriesPerSec": round(queries as f64 / seconds),
        "meanAnswerBytes": round(bytes as f64 / queries.max(1) as f64),
        "latencyMicros": latency::summary(&all),
        // Server and load generator share this process: the CPU it got says how much of the
        // two cores the measurement had (other work on the machine takes the rest).
        "processCpuSeconds": cpu.map(round),
        "processCpuMicrosPerQuery": cpu.map(|cpu| round(cpu * 1e6 / queries.max(1) as f64)),
        "loadAverage": system::load_average(),
    }))
}

/// User plus system CPU time of this process so far, from /proc/self/stat.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // The kernel's USER_HZ is 100 on Linux.
    Some(ticks as f64 / 100.0)
}

/// Whether a GraphQL answer carries errors. async-graphql writes `errors` after `data`, so
/// only the answer's end is searched: the check must not cost the client much on big answers.
fn has_errors(answer: &[u8]) -> bool {
    const NEEDLE: &[u8] = b"\"errors\":[";
    let tail = &answer[answer.len().saturating_sub(8 * 1024)..];
    tail.windows(NEEDLE.len()).any(|window| window == NEEDLE)
}

/// The bodies of `query` with each of `variables`.
pub fn bodies(query: &str, variables: impl IntoIterator<Item = Value>) -> Arc<Vec<String>> {
    Arc::new(
        variables
            .into_iter()
            .map(|variables| json!({ "query": query, "variables": variables }).to_string())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_with_errors_is_told_from_one_without() {
        assert!(!has_errors(
            br#"{"data":{"contribution":{"title":"errors"}}}"#
        ));
        assert!(has_errors(
            br#"{"data":{"contribution":null},"errors":[{"message":"forbidden"}]}"#
        ));
        let mut long = br#"{"data":{"x":""#.to_vec();
        long.extend(std::iter::repeat_n(b'a', 100_000));
        long.extend(br#""},"errors":[{"message":"late"}]}"#);
        assert!(has_errors(&long));
    }

    #[test]
    fn the_process_cpu_time_is_read_from_proc_and_only_grows() {
        let before = process_cpu_seconds().expect("/proc/self/stat on Linux");
        let busy: u64 = (0..20_000_000u64).map(|n| n.wrapping_mul(n) % 7).sum();
        let after = process_cpu_seconds().expect("/proc/self/stat on Linux");
        assert!(busy > 0 && after >= before, "{before} then {after}");
    }
}
