//! `plenary-bench query`: the read side under load. A generated log of real domain events
//! (see [`dataset`]) is served by the real query service over HTTP on loopback, and three
//! documented queries run at 64 connections: a contribution with its comment thread, a
//! meeting with its contributions, and the parent group's pull with audit trails. The server
//! runs in a child process, so that its CPU is measured apart from the load generator's. Then a log
//! of a million events is rebuilt into the read models in a child process, for the rebuild
//! rate and the memory the read models hold.

mod dataset;
mod load;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use domain::policy::Role;
use eventlog::Position;
use platform::auth::Identity;
use platform::config::Settings;
use platform::{Application, Platform};
use query_service::{GraphqlSettings, QueryService};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::appends::round;
use crate::{emit, system};
use load::{LoadSettings, Target, Workload};

const CONTRIBUTION_QUERY: &str =
    include_str!("../../../../schema/graphql/examples/contribution-with-thread.graphql");
const MEETING_QUERY: &str =
    include_str!("../../../../schema/graphql/examples/meeting-contributions.graphql");
const PULL_QUERY: &str = include_str!("../../../../schema/graphql/examples/tsag-pull.graphql");

/// Different ids cycled through by the contribution and meeting queries.
const DISTINCT_IDS: usize = 2_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scenario {
    /// A contribution with its revisions, document and comment thread.
    Contribution,
    /// A meeting with its agenda and a page of 20 contributions.
    Meeting,
    /// The parent group's pull with the audit trails of what it received.
    Inbox,
    /// Rebuilding the read models from a large log, and the memory they hold.
    Rebuild,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// Scenarios to run, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "contribution,meeting,inbox,rebuild"
    )]
    pub scenarios: Vec<Scenario>,
    /// Events in the log the queries run against.
    #[arg(long, default_value_t = 100_000)]
    pub events: u64,
    /// Events in the log that is rebuilt.
    #[arg(long, default_value_t = 1_000_000)]
    pub rebuild_events: u64,
    /// Concurrent connections, each sending its next query when the answer arrives.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Threads of the load generator (each a single-threaded runtime).
    #[arg(long, default_value_t = 1)]
    pub client_threads: usize,
    /// How long each query is measured, in seconds (after the warm-up).
    #[arg(long, default_value_t = 10.0)]
    pub secs: f64,
    #[arg(long, default_value_t = 2.0)]
    pub warmup_secs: f64,
    /// Transmittals the pull receives: it asks for those since the one before them.
    #[arg(long, default_value_t = 10)]
    pub inbox_transmittals: usize,
    /// Meeting cycles appended at once while generating a log.
    #[arg(long, default_value_t = 64)]
    pub generate_concurrency: usize,
    /// Where the temporary logs go (a fresh directory inside it, removed at the end).
    #[arg(long, env = "PLENARY_BENCH_DIR", default_value_os_t = std::env::temp_dir())]
    pub dir: PathBuf,
    /// Rebuilds the read models from this log in this process and reports (the rebuild
    /// scenario runs itself so, in a child process, to measure that memory alone).
    #[arg(long, hide = true)]
    pub rebuild_only: Option<PathBuf>,
    /// Serves the query service over this log in this process until standard input closes,
    /// after printing its port and tokens (the load scenarios run their server so).
    #[arg(long, hide = true)]
    pub serve_only: Option<PathBuf>,
}

pub async fn run(args: QueryArgs) -> anyhow::Result<()> {
    if let Some(log) = &args.rebuild_only {
        emit(&rebuild(log).await?);
        return Ok(());
    }
    if let Some(log) = &args.serve_only {
        return serve(log).await;
    }
    let dir = tempfile::Builder::new()
        .prefix("plenary-bench-query-")
        .tempdir_in(&args.dir)?;
    emit(&system::machine(dir.path()));
    let loads: Vec<Scenario> = args
        .scenarios
        .iter()
        .copied()
        .filter(|s| *s != Scenario::Rebuild)
        .collect();
    if !loads.is_empty() {
        serve_and_load(dir.path(), &args, &loads).await?;
    }
    if args.scenarios.contains(&Scenario::Rebuild) {
        let log = dir.path().join("rebuild").join("plenary.db");
        std::fs::create_dir_all(log.parent().expect("the log has a folder"))?;
        eprintln!("rebuild: generating {} events", args.rebuild_events);
        let (store, _, figures) =
            dataset::generate(&log, args.rebuild_events, args.generate_concurrency).await?;
        emit(&figures);
        drop(store);
        eprintln!("rebuild: rebuilding the read models in a child process");
        let output = tokio::process::Command::new(std::env::current_exe()?)
            .arg("query")
            .arg("--rebuild-only")
            .arg(&log)
            .stderr(std::process::Stdio::inherit())
            .output()
            .await?;
        if !output.status.success() {
            bail!("the rebuild process failed: {}", output.status);
        }
        for line in String::from_utf8(output.stdout)?.lines() {
            emit(&serde_json::from_str(line).context("the rebuild process prints JSON")?);
        }
    }
    Ok(())
}

/// Settings of a query service over the log at `log`, on a free loopback port.
fn settings(log: &Path) -> Settings {
    let dir = log.parent().expect("the log has a folder");
    let mut settings = Settings::for_tests(dir);
    settings.store = log.display().to_string();
    settings
}

async fn serve_and_load(
    dir: &Path,
    args: &QueryArgs,
    scenarios: &[Scenario],
) -> anyhow::Result<()> {
    let log = dir.join("serve").join("plenary.db");
    std::fs::create_dir_all(log.parent().expect("the log has a folder"))?;
    eprintln!("query: generating {} events", args.events);
    let (store, data, figures) =
        dataset::generate(&log, args.events, args.generate_concurrency).await?;
    emit(&figures);
    drop(store);

    eprintln!("query: starting the server in a child process");
    let mut server = tokio::process::Command::new(std::env::current_exe()?)
        .arg("query")
        .arg("--serve-only")
        .arg(&log)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true)
        .spawn()?;
    let server_pid = server.id().context("the server process has an id")?;
    let mut lines = BufReader::new(server.stdout.take().context("the server's stdout")?).lines();
    let ready: ServerReady = serde_json::from_str(
        &lines
            .next_line()
            .await?
            .context("the server process ended before serving")?,
    )
    .context("the server process prints its port and tokens")?;
    let target = Target {
        address: SocketAddr::from(([127, 0, 0, 1], ready.port)),
        server_pid,
    };
    let (secretariat, tsag_member) = (ready.secretariat_token, ready.tsag_member_token);
    let settings = LoadSettings {
        connections: args.connections,
        warmup: Duration::from_secs_f64(args.warmup_secs),
        duration: Duration::from_secs_f64(args.secs),
        client_threads: args.client_threads,
    };
    for scenario in scenarios {
        let workload = match scenario {
            Scenario::Contribution => Workload {
                name: "contribution with its comment thread",
                bodies: load::bodies(
                    CONTRIBUTION_QUERY,
                    spread(&data.contributions).map(|id| json!({ "id": id })),
                ),
                token: secretariat.clone(),
            },
            Scenario::Meeting => Workload {
                name: "meeting with its contributions (first 20)",
                bodies: load::bodies(
                    MEETING_QUERY,
                    spread(&data.meetings).map(|id| json!({ "id": id, "first": 20 })),
                ),
                token: secretariat.clone(),
            },
            Scenario::Inbox => {
                let from = data
                    .transmittals
                    .len()
                    .saturating_sub(args.inbox_transmittals + 1);
                let since = data.transmittals.get(from).map(ToString::to_string);
                Workload {
                    name: "the parent group's pull with audit trails",
                    bodies: load::bodies(
                        PULL_QUERY,
                        [json!({ "parentGroup": "tsag", "since": since })],
                    ),
                    token: tsag_member.clone(),
                }
            }
            Scenario::Rebuild => continue,
        };
        eprintln!(
            "query: {} at {} connections for {}s",
            workload.name, args.connections, args.secs
        );
        let mut figures = load::run(target, &workload, settings).await?;
        figures["logEvents"] = json!(data.events);
        if *scenario == Scenario::Inbox {
            figures["transmittalsPerPull"] =
                json!(args.inbox_transmittals.min(data.transmittals.len()));
        }
        emit(&figures);
    }
    // Closing its standard input stops the server.
    drop(server.stdin.take());
    let status = server.wait().await?;
    if !status.success() {
        bail!("the server process failed: {status}");
    }
    Ok(())
}

/// What the server process prints once it serves.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServerReady {
    port: u16,
    /// The secretariat reads every group.
    secretariat_token: String,
    /// The pull needs a member of TSAG.
    tsag_member_token: String,
}

/// The server process: the query service over `log`, caught up with it, served on a free
/// loopback port until standard input closes.
async fn serve(log: &Path) -> anyhow::Result<()> {
    let platform = Platform::open(settings(log)).await?;
    let head = platform
        .store()
        .head()
        .await?
        .context("the generated log is empty")?;
    let query = caught_up(&platform, head).await?;
    let app = Application::build(platform.clone(), vec![query.service()])?;
    let ready = ServerReady {
        port: app.port(),
        secretariat_token: token(&platform, "tsb.secretariat", &[], true)?,
        tsag_member_token: token(&platform, "tsag.member", &[("tsag", Role::Delegate)], false)?,
    };
    println!("{}", serde_json::to_string(&ready)?);
    app.run_until(async {
        let _ = tokio::task::spawn_blocking(|| {
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut Vec::new())
        })
        .await;
    })
    .await?;
    Ok(())
}

/// Starts the query service on `platform` and waits until its read side has projected the log
/// up to `head`.
async fn caught_up(platform: &Platform, head: Position) -> anyhow::Result<QueryService> {
    let query = QueryService::start(platform, &GraphqlSettings::default());
    query
        .read_side()
        .wait_for(head, Duration::from_secs(3_600))
        .await
        .ok()
        .context("the projection never caught up")?;
    Ok(query)
}

/// Up to [`DISTINCT_IDS`] ids spread evenly over `ids`.
fn spread(ids: &[uuid::Uuid]) -> impl Iterator<Item = &uuid::Uuid> {
    let step = (ids.len() / DISTINCT_IDS).max(1);
    ids.iter().step_by(step)
}

fn token(
    platform: &Platform,
    person: &str,
    roles: &[(&str, Role)],
    secretariat: bool,
) -> anyhow::Result<String> {
    let identity = Identity::new(person, "Benchmark", roles, secretariat);
    platform
        .auth()
        .mint_token(&identity)
        .context("the benchmark runs in dev auth mode")
}

/// Rebuilds the read models from `log` and reports time, rate and the memory they hold.
async fn rebuild(log: &Path) -> anyhow::Result<Value> {
    let platform = Platform::open(settings(log)).await?;
    let head = platform.store().head().await?.context("the log is empty")?;
    let rss_before = system::rss_kib();
    let anon_before = system::status_kib("RssAnon");
    let started = Instant::now();
    // Held until the memory is read: the read models are what is measured.
    let _query = caught_up(&platform, head).await?;
    let seconds = started.elapsed().as_secs_f64();
    let rss_after = system::rss_kib();
    let anon_after = system::status_kib("RssAnon");
    let events = head.commit;
    let held = rss_after
        .zip(rss_before)
        .map(|(after, before)| after.saturating_sub(before));
    Ok(json!({
        "scenario": "query-rebuild",
        "events": events,
        "seconds": round(seconds),
        "eventsPerSec": round(events as f64 / seconds),
        "rssBeforeKiB": rss_before,
        "rssAfterKiB": rss_after,
        "rssHeldKiB": held,
        "rssAnonHeldKiB": anon_after.zip(anon_before).map(|(after, before)| after.saturating_sub(before)),
        "rssHeldMiBPerMillionEvents": held.map(|kib| round(kib as f64 / 1024.0 * 1_000_000.0 / events as f64)),
        "peakRssKiB": system::peak_rss_kib(),
    }))
}
