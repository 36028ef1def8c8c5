//! `plenary`: the all-in-one server binary (see `plenary --help`).

use clap::Parser;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    plenary::cli::run(plenary::cli::Cli::parse()).await
}
