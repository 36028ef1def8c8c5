//! `plenary-bench eventlog`: every scenario of the embedded event log, on temporary files.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::replay::ReplaySettings;
use crate::stream_reads::StreamReadSettings;
use crate::{appends, emit, fsync, hashing, replay, stream_reads, system};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scenario {
    Append,
    Fsync,
    Hash,
    Replay,
    StreamRead,
}

#[derive(Debug, Args)]
pub struct EventlogArgs {
    /// Scenarios to run, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "fsync,hash,append,replay,stream-read"
    )]
    pub scenarios: Vec<Scenario>,
    /// Concurrent writers, one append scenario each, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64,256")]
    pub writers: Vec<usize>,
    /// How long each append scenario runs, in seconds.
    #[arg(long, default_value_t = 5.0)]
    pub append_secs: f64,
    /// How long each fsync mode runs, in seconds.
    #[arg(long, default_value_t = 3.0)]
    pub fsync_secs: f64,
    /// Events written, then replayed.
    #[arg(long, default_value_t = 1_000_000)]
    pub replay_events: u64,
    /// Events per append while generating the replayed log.
    #[arg(long, default_value_t = 1_000)]
    pub generate_batch: usize,
    /// Appends in flight while generating the replayed log.
    #[arg(long, default_value_t = 8)]
    pub generate_concurrency: usize,
    /// Events per `read_all` call while replaying.
    #[arg(long, default_value_t = 4_096)]
    pub page: usize,
    /// Payloads held in memory for the raw decode limit.
    #[arg(long, default_value_t = 100_000)]
    pub raw_sample: usize,
    /// Short streams written, then read whole.
    #[arg(long, default_value_t = 1_000)]
    pub short_streams: u64,
    /// Events in each short stream.
    #[arg(long, default_value_t = 20)]
    pub short_events: u64,
    /// Events in the long stream.
    #[arg(long, default_value_t = 2_000)]
    pub long_events: u64,
    /// How long each kind of stream is read, in seconds.
    #[arg(long, default_value_t = 3.0)]
    pub read_secs: f64,
    /// Where the temporary log files go (a fresh directory inside it, removed at the end);
    /// this decides which disk is measured.
    #[arg(long, env = "PLENARY_BENCH_DIR", default_value_os_t = std::env::temp_dir())]
    pub dir: PathBuf,
}

pub async fn run(args: EventlogArgs) -> anyhow::Result<()> {
    let dir = tempfile::Builder::new()
        .prefix("plenary-bench-")
        .tempdir_in(&args.dir)?;
    emit(&system::machine(dir.path()));
    if args.scenarios.contains(&Scenario::Fsync) {
        eprintln!("fsync: {}s per mode", args.fsync_secs);
        let path = dir.path().to_path_buf();
        let duration = Duration::from_secs_f64(args.fsync_secs);
        emit(&tokio::task::spawn_blocking(move || fsync::run(&path, duration)).await??);
    }
    if args.scenarios.contains(&Scenario::Hash) {
        eprintln!("hash: 3 measures of 2s");
        emit(&tokio::task::spawn_blocking(|| hashing::run(Duration::from_secs(2))).await??);
    }
    if args.scenarios.contains(&Scenario::Append) {
        for &writers in &args.writers {
            eprintln!("append: {writers} writers for {}s", args.append_secs);
            emit(
                &appends::run(
                    dir.path(),
                    writers,
                    Duration::from_secs_f64(args.append_secs),
                )
                .await?,
            );
        }
    }
    if args.scenarios.contains(&Scenario::Replay) {
        let settings = ReplaySettings {
            events: args.replay_events,
            batch: args.generate_batch.max(1),
            concurrency: args.generate_concurrency.max(1),
            page: args.page.max(1),
            sample: args.raw_sample.max(1),
            raw_decode_time: Duration::from_secs(2),
        };
        eprintln!("replay: generating {} events", settings.events);
        let (store, generated) = replay::generate(dir.path(), settings).await?;
        emit(&generated);
        eprintln!("replay: reading them back");
        let (replayed, memory) = replay::replay(&store, settings).await?;
        emit(&replayed);
        emit(&memory);
        emit(&replay::raw_decode(&store, settings).await?);
    }
    if args.scenarios.contains(&Scenario::StreamRead) {
        let settings = StreamReadSettings {
            short_streams: args.short_streams.max(1),
            short_events: args.short_events.max(1),
            long_events: args.long_events.max(1),
            duration: Duration::from_secs_f64(args.read_secs),
        };
        eprintln!(
            "stream-read: {} streams of {} events and one of {}, {}s each",
            settings.short_streams, settings.short_events, settings.long_events, args.read_secs
        );
        for figures in stream_reads::run(dir.path(), settings).await? {
            emit(&figures);
        }
    }
    emit(&serde_json::json!({ "scenario": "end", "loadAverage": system::load_average() }));
    Ok(())
}
