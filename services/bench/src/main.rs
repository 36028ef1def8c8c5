//! `plenary-bench`: runs one benchmark family and prints one JSON object per scenario.

use clap::Parser;

// The allocator `plenary` runs with, so that the figures are the server's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    bench::run(bench::Cli::parse()).await
}
