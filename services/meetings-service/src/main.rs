//! Serves the meetings service alone, on its own port (`PLENARY_LISTEN`), against the shared log.

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    platform::serve_service(meetings_service::service()).await
}
