//! Serves the deliverables service alone, on its own port, against the shared log.

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    platform::serve_service(deliverables_service::service()).await
}
