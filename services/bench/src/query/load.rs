//! A closed-loop HTTP load: `connections` clients, each on its own keep-alive HTTP/1.1
//! connection, each sending the next query as soon as the previous answer is read in full.
//! Every answer must be 200 without GraphQL errors; latency is measured per request, end to end.
//!
//! The clients are bare hyper connections (no pool, no redirects, no per-request client state)
//! with their requests built once, driven by `client_threads` single-threaded runtimes: the
//! load generator shares the two cores with the server, so every microsecond it spends is one
//! the server does not get.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderValue};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};

use crate::appends::round;
use crate::{latency, system};

/// One query under load: its name, and the request bodies sent in turn (different ids).
#[derive(Debug, Clone)]
pub struct Workload {
    pub name: &'static str,
    pub bodies: Arc<Vec<Bytes>>,
    pub token: String,
}

#[derive(Debug, Clone, Copy)]
pub struct LoadSettings {
    pub connections: usize,
    /// Threads of the load generator, each a single-threaded runtime with its share of the
    /// connections.
    pub client_threads: usize,
    pub warmup: Duration,
    pub duration: Duration,
}

/// Where the server is and which process it is, so that its CPU is told from the client's.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub address: SocketAddr,
    pub server_pid: u32,
}

/// What every connection shares: the requests' fixed parts and the run's phase.
struct Shared {
    workload: Workload,
    host: HeaderValue,
    authorization: HeaderValue,
    measuring: AtomicBool,
    stop: AtomicBool,
}

/// What one connection measured.
struct Measured {
    histogram: Histogram<u64>,
    bytes: u64,
}

/// Runs `workload` against `/graphql` of `target` and answers throughput, latency and the CPU
/// the server and the load generator each used per query.
pub async fn run(
    target: Target,
    workload: &Workload,
    settings: LoadSettings,
) -> anyhow::Result<Value> {
    let shared = Arc::new(Shared {
        workload: workload.clone(),
        host: HeaderValue::from_str(&target.address.to_string())?,
        authorization: HeaderValue::from_str(&format!("Bearer {}", workload.token))?,
        measuring: AtomicBool::new(false),
        stop: AtomicBool::new(false),
    });
    let threads = settings
        .client_threads
        .clamp(1, settings.connections.max(1));
    let mut clients = Vec::with_capacity(threads);
    for thread in 0..threads {
        // Connections thread, thread + threads, ... so that the threads share them evenly.
        let connections: Vec<usize> = (thread..settings.connections).step_by(threads).collect();
        let shared = shared.clone();
        let address = target.address;
        clients.push(
            std::thread::Builder::new()
                .name(format!("load-{thread}"))
                .spawn(move || client_thread(address, &connections, &shared))?,
        );
    }
    tokio::time::sleep(settings.warmup).await;
    let server_before = cpu_seconds(&format!("/proc/{}/stat", target.server_pid));
    let client_before = cpu_seconds("/proc/self/stat");
    shared.measuring.store(true, Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(settings.duration).await;
    shared.measuring.store(false, Ordering::Relaxed);
    let seconds = started.elapsed().as_secs_f64();
    let server_cpu = cpu_seconds(&format!("/proc/{}/stat", target.server_pid))
        .zip(server_before)
        .map(|(after, before)| after - before);
    let client_cpu = cpu_seconds("/proc/self/stat")
        .zip(client_before)
        .map(|(after, before)| after - before);
    shared.stop.store(true, Ordering::Relaxed);
    let measured = tokio::task::spawn_blocking(move || {
        clients
            .into_iter()
            .map(|client| client.join().expect("a load thread does not panic"))
            .collect::<Vec<_>>()
    })
    .await?;
    let mut all: Histogram<u64> = latency::histogram();
    let mut bytes = 0;
    for thread in measured {
        for connection in thread? {
            all.add(connection.histogram)
                .expect("histograms share their bounds");
            bytes += connection.bytes;
        }
    }
    let queries = all.len();
    let per_query = |cpu: f64| round(cpu * 1e6 / queries.max(1) as f64);
    Ok(json!({
        "scenario": "query-load",
        "query": workload.name,
        "connections": settings.connections,
        "clientThreads": threads,
        "seconds": round(seconds),
        "queries": queries,
        "queriesPerSec": round(queries as f64 / seconds),
        "meanAnswerBytes": round(bytes as f64 / queries.max(1) as f64),
        "latencyMicros": latency::summary(&all),
        // The server runs in a child process: its CPU and the load generator's (this process)
        // are read apart. Their sum against 2 CPU-seconds per second says how much of the two
        // cores the measurement had (other work on the machine takes the rest).
        "serverCpuSeconds": server_cpu.map(round),
        "serverCpuMicrosPerQuery": server_cpu.map(per_query),
        "clientCpuSeconds": client_cpu.map(round),
        "clientCpuMicrosPerQuery": client_cpu.map(per_query),
        "loadAverage": system::load_average(),
    }))
}

/// One load thread: its connections on a single-threaded runtime, until told to stop.
fn client_thread(
    address: SocketAddr,
    connections: &[usize],
    shared: &Arc<Shared>,
) -> anyhow::Result<Vec<Measured>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let tasks: Vec<_> = connections
            .iter()
            .map(|&connection| tokio::spawn(connection_loop(address, connection, shared.clone())))
            .collect();
        let mut measured = Vec::with_capacity(tasks.len());
        for task in tasks {
            measured.push(task.await??);
        }
        Ok(measured)
    })
}

/// One client: connects, then sends queries one after the other until told to stop.
async fn connection_loop(
    address: SocketAddr,
    connection: usize,
    shared: Arc<Shared>,
) -> anyhow::Result<Measured> {
    let stream = tokio::net::TcpStream::connect(address).await?;
    stream.set_nodelay(true)?;
    let (mut sender, driver) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .context("HTTP/1.1 handshake")?;
    let workload = &shared.workload;
    let mut histogram = latency::histogram();
    let mut bytes = 0u64;
    let queries = async {
        let mut index = connection * 7919;
        while !shared.stop.load(Ordering::Relaxed) {
            let body = workload.bodies[index % workload.bodies.len()].clone();
            index += 1;
            let mut request = Request::new(Full::new(body));
            *request.method_mut() = Method::POST;
            *request.uri_mut() = hyper::Uri::from_static("/graphql");
            let headers = request.headers_mut();
            headers.insert(HOST, shared.host.clone());
            headers.insert(AUTHORIZATION, shared.authorization.clone());
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            let started = Instant::now();
            let response = sender.send_request(request).await?;
            let status = response.status();
            let answer = response.into_body().collect().await?.to_bytes();
            let elapsed = started.elapsed();
            if !status.is_success() || has_errors(&answer) {
                bail!(
                    "{}: {status}: {}",
                    workload.name,
                    String::from_utf8_lossy(&answer[..answer.len().min(400)])
                );
            }
            if shared.measuring.load(Ordering::Relaxed) {
                latency::record(&mut histogram, elapsed);
                bytes += answer.len() as u64;
            }
        }
        anyhow::Ok(())
    };
    // The connection is driven in this same task, so that a query and its answer do not
    // hop between tasks.
    tokio::select! {
        done = queries => done?,
        ended = driver => bail!("the server closed the connection: {ended:?}"),
    }
    Ok(Measured { histogram, bytes })
}

/// User plus system CPU time so far of the process whose `stat` file is at `path`.
fn cpu_seconds(path: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(path).ok()?;
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // The kernel's USER_HZ is 100 on Linux.
    Some(ticks as f64 / 100.0)
}

/// Whether a GraphQL answer carries errors. async-graphql writes `errors` after `data`, so
/// only the answer's end is searched: the check must not cost the client much on big answers.
fn has_errors(answer: &[u8]) -> bool {
    let tail = &answer[answer.len().saturating_sub(8 * 1024)..];
    memchr::memmem::rfind(tail, br#""errors":["#).is_some()
}

/// The bodies of `query` with each of `variables`.
pub fn bodies(query: &str, variables: impl IntoIterator<Item = Value>) -> Arc<Vec<Bytes>> {
    Arc::new(
        variables
            .into_iter()
            .map(|variables| {
                Bytes::from(json!({ "query": query, "variables": variables }).to_string())
            })
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
        let before = cpu_seconds("/proc/self/stat").expect("/proc/self/stat on Linux");
        let busy: u64 = (0..20_000_000u64).map(|n| n.wrapping_mul(n) % 7).sum();
        let after = cpu_seconds("/proc/self/stat").expect("/proc/self/stat on Linux");
        assert!(busy > 0 && after >= before, "{before} then {after}");
    }
}
