//! `query-service`: the read side alone, following the configured store. Run as many replicas
//! as needed; each follows the log itself.

use platform::config::Settings;
use platform::{Application, Platform, init_tracing, shutdown_signal};
use query_service::{GraphqlSettings, QueryService};

// mimalloc: the read side allocates on every query and every replayed event, and glibc's
// malloc showed in its profiles (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    init_tracing();
    let file = std::env::var_os("PLENARY_CONFIG").map(std::path::PathBuf::from);
    let settings = Settings::load(file.as_deref())?;
    let graphql = GraphqlSettings::load(file.as_deref())?;
    let platform = Platform::open(settings).await?;
    let query = QueryService::start(&platform, &graphql);
    let app = Application::build(platform, vec![query.service()])?;
    tracing::info!(
        port = app.port(),
        "query service listening; GraphiQL at /graphiql"
    );
    app.run_until(shutdown_signal()).await?;
    Ok(())
}
