//! Serves the contributions service alone, on its own port (`PLENARY_LISTEN`), against the shared log.

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    platform::serve_service(contributions_service::service()).await
}
