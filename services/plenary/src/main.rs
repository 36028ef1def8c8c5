//! `plenary`: the all-in-one server binary (see `plenary --help`).

use clap::Parser;

// mimalloc: the read side allocates on every query and every replayed event, and glibc's
// malloc showed in its profiles (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    plenary::cli::run(plenary::cli::Cli::parse()).await
}
