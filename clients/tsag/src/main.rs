//! `tsag pull --server URL --token TOKEN`: see `tsag pull --help`.

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    tsag::cli::run(tsag::cli::Cli::parse()).await
}
