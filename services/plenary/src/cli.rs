//! The `plenary` command line: `serve`, `token` and `export-schemas`.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::{HttpResponse, web};
use anyhow::Context;
use clap::{Parser, Subcommand};
use platform::auth::Authenticator;
use platform::config::AuthMode;
use platform::{ApiError, Application, Platform, Service, Settings};

use query_service::{GraphqlSettings, QueryService};

use crate::{demo, people};

#[derive(Debug, Parser)]
#[command(
    name = "plenary",
    version,
    about = "Event-sourced server for standards working groups that decide by consensus"
)]
pub struct Cli {
    #[command(flatten)]
    pub overrides: Overrides,
    #[command(subcommand)]
    pub command: Command,
}

/// Where the settings come from, and the few worth overriding on the command line.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Overrides {
    /// A TOML settings file; `PLENARY_*` environment variables override it.
    #[arg(long, global = true, env = "PLENARY_CONFIG")]
    pub config: Option<PathBuf>,
    /// The data directory (blobs, dev signing key, and the log unless `store` is set).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// The address to listen on, e.g. `127.0.0.1:8080`.
    #[arg(long, global = true)]
    pub listen: Option<String>,
}

impl Overrides {
    /// Defaults < settings file < `PLENARY_*` < these flags.
    pub fn settings(&self) -> anyhow::Result<Settings> {
        let mut settings =
            Settings::load(self.config.as_deref()).context("loading the settings")?;
        if let Some(data_dir) = &self.data_dir {
            settings.data_dir = data_dir.clone();
        }
        if let Some(listen) = &self.listen {
            settings.listen = listen.clone();
        }
        Ok(settings)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serves every service, the API docs and the web client.
    Serve {
        /// Seeds an empty log with the demo groups, people, meeting and contributions, and
        /// prints a token for each demo person.
        #[arg(long)]
        demo: bool,
    },
    /// Prints a dev-mode token for a demo person (see `plenary token --list`).
    Token {
        /// The person's id, e.g. `david.wen`.
        person: Option<String>,
        /// Lists the demo people.
        #[arg(long)]
        list: bool,
    },
    /// Writes the OpenAPI document to schema/openapi/openapi.json.
    ExportSchemas {
        /// The repository root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { demo } => serve(&cli.overrides, demo).await,
        Command::Token { person, list } => token(&cli.overrides, person, list).await,
        Command::ExportSchemas { root } => {
            let path = crate::openapi_path(&root);
            std::fs::create_dir_all(path.parent().expect("the schema path has a parent"))?;
            std::fs::write(&path, crate::openapi_json())
                .with_context(|| format!("writing {}", path.display()))?;
            println!("wrote {}", path.display());
            Ok(())
        }
    }
}

async fn serve(overrides: &Overrides, with_demo: bool) -> anyhow::Result<()> {
    platform::init_tracing();
    let graphql = GraphqlSettings::load(overrides.config.as_deref())
        .context("loading the GraphQL settings")?;
    let platform = Platform::open(overrides.settings()?).await?;
    let mut services = crate::services();
    services.push(QueryService::start(&platform, &graphql).service());
    let tokens = if with_demo {
        Some(people::tokens(platform.auth())?)
    } else {
        None
    };
    let seeded = Arc::new(AtomicBool::new(false));
    if let Some(tokens) = &tokens {
        services.push(demo_people_service(tokens.clone(), seeded.clone()));
    }
    let listen = platform.settings().listen.clone();
    let app = Application::build(platform.clone(), services)?;
    let base = format!("http://{}:{}", reachable_host(&listen), app.port());
    let server = tokio::spawn(app.run_until(platform::shutdown_signal()));
    if let Some(tokens) = &tokens {
        if platform.store().head().await?.is_none() {
            demo::seed(&base, tokens)
                .await
                .context("seeding the demo")?;
            println!("Demo data created through the commands.");
        } else {
            println!("The log already holds events: demo seeding skipped.");
        }
        seeded.store(true, Ordering::Release);
    }
    println!("Plenary is listening on {base}");
    println!("  web client    {base}/");
    println!("  GraphQL       {base}/graphql");
    println!("  GraphiQL      {base}/graphiql");
    println!("  API docs      {base}/docs/");
    println!("  OpenAPI       {base}/openapi.json");
    if let Some(tokens) = &tokens {
        println!("\nDemo people (Authorization: Bearer <token>):");
        for person in tokens {
            println!(
                "  {:<18} {:<40} {}",
                person.person, person.description, person.token
            );
        }
    }
    server.await??;
    Ok(())
}

/// The host to reach a server listening on `listen`: loopback for a wildcard address.
fn reachable_host(listen: &str) -> String {
    match listen.parse::<std::net::SocketAddr>() {
        Ok(address) if address.ip().is_unspecified() => "127.0.0.1".into(),
        Ok(std::net::SocketAddr::V6(address)) => format!("[{}]", address.ip()),
        Ok(address) => address.ip().to_string(),
        Err(_) => listen
            .rsplit_once(':')
            .map_or(listen, |(host, _)| host)
            .to_string(),
    }
}

/// `GET /api/demo/people`: the demo people with their tokens, for the web client's sign-in.
/// 503 until the demo data is in the log, so that whoever waits for it sees a complete demo.
fn demo_people_service(tokens: Vec<people::DemoToken>, seeded: Arc<AtomicBool>) -> Service {
    let people = web::Data::new(serde_json::json!({ "people": tokens }));
    Service::new(
        "demo",
        move |cfg| {
            let seeded = seeded.clone();
            cfg.app_data(people.clone()).route(
                "/api/demo/people",
                web::get().to(move |people: web::Data<serde_json::Value>| {
                    let ready = seeded.load(Ordering::Acquire);
                    async move {
                        if !ready {
                            return Err(ApiError::NotReady(
                                "the demo is still being seeded".into(),
                            ));
                        }
                        Ok::<_, ApiError>(HttpResponse::Ok().json(people.as_ref()))
                    }
                }),
            );
        },
        utoipa::openapi::OpenApi::default(),
    )
}

async fn token(overrides: &Overrides, person: Option<String>, list: bool) -> anyhow::Result<()> {
    if list {
        for person in people::demo_people() {
            println!("{:<18} {}", person.identity.sub, person.description);
        }
        return Ok(());
    }
    let person = person.context("name a person (see `plenary token --list`)")?;
    let settings = overrides.settings()?;
    anyhow::ensure!(
        settings.auth.mode == AuthMode::Dev,
        "tokens are minted only in dev auth mode"
    );
    let auth = Authenticator::from_settings(&settings.auth, &settings.data_dir).await?;
    let demo_person = people::demo_people()
        .into_iter()
        .find(|candidate| candidate.identity.sub == person)
        .with_context(|| format!("{person} is not a demo person (see `plenary token --list`)"))?;
    let token = auth
        .mint_token(&demo_person.identity)
        .context("this authenticator cannot mint tokens")?;
    println!("{token}");
    Ok(())
}
