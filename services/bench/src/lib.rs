//! The benchmark commands behind `BENCHMARKS.md`. Each subcommand prints one JSON object per
//! scenario on stdout (progress goes to stderr), so that results can be piped and compared.
//! Speed targets live here and in `BENCHMARKS.md`, never in timed tests.

mod appends;
mod eventlog_bench;
mod fsync;
mod hashing;
mod latency;
mod query;
mod replay;
mod sample;
mod stream_reads;
mod system;

use clap::{Parser, Subcommand};

pub use eventlog_bench::EventlogArgs;
pub use query::QueryArgs;

#[derive(Debug, Parser)]
#[command(
    name = "plenary-bench",
    about = "Plenary's benchmarks; one JSON object per scenario on stdout"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The embedded event log (SQLite): concurrent appends, this disk's fsync, replay, memory.
    Eventlog(EventlogArgs),
    /// The query service over HTTP: three queries at 64 connections, rebuild rate and memory.
    Query(QueryArgs),
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Eventlog(args) => eventlog_bench::run(args).await,
        Command::Query(args) => query::run(args).await,
    }
}

/// Writes one scenario's figures as a line of JSON on stdout.
fn emit(figures: &serde_json::Value) {
    println!("{figures}");
}
