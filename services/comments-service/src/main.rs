//! Serves the comments service alone, on its own port, against the shared log.

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    platform::serve_service(comments_service::service()).await
}
