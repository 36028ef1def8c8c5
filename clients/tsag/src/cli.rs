//! The `tsag` command line: `tsag pull`, its options and its exit codes.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::pull::{PullOptions, pull};
use crate::report::render;

/// Exit code when something pulled did not verify.
pub const EXIT_NOT_VERIFIED: u8 = 1;
/// Exit code when nothing could be pulled (server unreachable, token refused, bad state file).
pub const EXIT_PULL_FAILED: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "tsag",
    version,
    about = "The parent group's pull: receive what child groups transmitted, and verify it"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Pulls every deliverable transmitted since the last pull, downloads and checks its
    /// documents, and recomputes the hash chains of its audit trails. Exits 0 when everything
    /// verified (or there was nothing new), 1 when something did not verify, 2 when the pull
    /// itself failed.
    Pull(PullArgs),
}

#[derive(Debug, Args)]
pub struct PullArgs {
    /// The Plenary server, e.g. http://127.0.0.1:8080.
    #[arg(long, env = "TSAG_SERVER")]
    pub server: String,
    /// A bearer token of a member of the parent group.
    #[arg(
        long,
        env = "TSAG_TOKEN",
        conflicts_with = "token_file",
        required_unless_present = "token_file"
    )]
    pub token: Option<String>,
    /// A file holding the token (kept out of the shell history).
    #[arg(long)]
    pub token_file: Option<PathBuf>,
    /// The parent group whose inbox is pulled.
    #[arg(long, default_value = "tsag")]
    pub parent_group: String,
    /// Where the pull remembers where it stopped.
    #[arg(long, default_value = "tsag-state.json")]
    pub state: PathBuf,
    /// Where verified documents are saved, one folder per transmitted draft.
    #[arg(long, default_value = "tsag-inbox")]
    pub out: PathBuf,
    /// Prints the report as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

impl PullArgs {
    fn options(&self) -> anyhow::Result<PullOptions> {
        let token = match (&self.token, &self.token_file) {
            (Some(token), _) => token.trim().to_string(),
            (None, Some(file)) => std::fs::read_to_string(file)
                .with_context(|| format!("reading the token from {}", file.display()))?
                .trim()
                .to_string(),
            (None, None) => anyhow::bail!("give --token or --token-file"),
        };
        anyhow::ensure!(!token.is_empty(), "the token is empty");
        Ok(PullOptions {
            server: self.server.clone(),
            token,
            parent_group: self.parent_group.clone(),
            state: self.state.clone(),
            out: self.out.clone(),
        })
    }
}

pub async fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Pull(args) => {
            let report = match args.options() {
                Ok(options) => pull(&options).await,
                Err(error) => Err(error),
            };
            match report {
                Ok(report) => {
                    if args.json {
                        println!(
                            "{}",
                            serde_json::to_string_pretty(&report).expect("a report serialises")
                        );
                    } else {
                        print!("{}", render(&report));
                    }
                    if report.verified {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::from(EXIT_NOT_VERIFIED)
                    }
                }
                Err(error) => {
                    eprintln!("tsag pull failed: {error:#}");
                    ExitCode::from(EXIT_PULL_FAILED)
                }
            }
        }
    }
}
