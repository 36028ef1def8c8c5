//! Serves the consensus service alone, on its own port, against the shared log.

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    platform::serve_service(consensus_service::service()).await
}
