//! `plenary-bench`: runs one benchmark family and prints one JSON object per scenario.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    bench::run(bench::Cli::parse()).await
}
