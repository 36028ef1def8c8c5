//! What every Plenary service shares: settings, the event log, authentication, problem+json
//! errors, idempotent command execution, the blob store, OpenAPI and the server itself.
//!
//! # Writing a service
//!
//! A service crate is a library with `pub fn configure(cfg: &mut web::ServiceConfig)` and
//! `#[derive(OpenApi)] pub struct ApiDoc`, plus a ten-line binary:
//!
//! ```ignore
//! #[actix_web::main]
//! async fn main() -> anyhow::Result<()> {
//!     platform::serve_service(my_service::service()).await
//! }
//! // in the library:
//! pub fn service() -> platform::Service {
//!     platform::Service::new("groups", configure, ApiDoc::openapi())
//! }
//! ```
//!
//! A command route:
//!
//! ```ignore
//! use platform::{ApiError, Authenticated, Json, Platform, Reply, WriteRequest, rejection};
//!
//! #[utoipa::path(post, path = "/api/groups/{group_id}/participants", tag = "groups",
//!     params(("group_id" = String, Path), platform::write::WriteHeaders),
//!     request_body = RegisterBody,
//!     responses((status = 201, body = ParticipantAnswer), (status = "4XX", body = platform::Problem)),
//!     security(("bearer" = [])))]
//! #[post("/api/groups/{group_id}/participants")]
//! async fn register(
//!     platform: web::Data<Platform>,
//!     who: Authenticated,              // 401 problem+json without a valid token
//!     write: WriteRequest,             // Idempotency-Key and If-Match
//!     group_id: web::Path<String>,
//!     body: Json<RegisterBody>,        // 400/415/413 problem+json with field paths
//! ) -> Result<HttpResponse, ApiError> {
//!     let group_id = group_id.into_inner();
//!     platform::authorize(Some(&*who), Action::RegisterParticipant, &platform::in_group(&group_id))?; // 403
//!     platform.write(&who, &write, &*body, async |writer| {
//!         let done = writer
//!             .execute::<GroupAggregate>(&streams::group(&group_id), |_state| Ok(command(&body)))
//!             .await?;                 // domain refusals → 422 (404 for "not_established"…)
//!         Reply::created(ParticipantAnswer { person: body.person.clone(), receipt: done.receipt() })
//!     })
//!     .await
//! }
//! ```
//!
//! [`Platform::write`] replays the recorded answer when the `Idempotency-Key` was seen (and
//! refuses the key reused for another body with 422 `idempotency_key_reused`), else runs the
//! closure and records its answer. [`write::Writer::execute`] loads the stream, folds it with
//! `Aggregate::evolve`, builds the command from the state (the closure may be called again when
//! the stream moves on concurrently), `decide`s, and appends with the revision read;
//! `If-Match` applies to the first stream executed (412 on mismatch), a concurrent move
//! without it is retried, then 409. [`write::Writer::execute_also`] writes a further stream
//! (a document register) without `If-Match`. [`write::Writer::new_id`] gives new entity ids
//! (derived from the idempotency key when there is one). Every answer carries `ETag`
//! (the revision) and `Plenary-Position`; embed [`write::Receipt`] in the body with
//! `#[serde(flatten)]` so clients see `stream`, `revision` and `position` there too.
//!
//! Authorization: [`authorize`] asks `domain::policy` (the one place that decides) and maps a
//! refusal to 403 `auth.forbidden` (401 without a principal); [`in_group`] builds the
//! `PolicyFacts` of a command acting in one group; add `parent_group`, `is_author` or
//! `is_deliverable_editor` when the rule needs them. [`MaybeAuthenticated`] is the extractor
//! for routes open to anonymous readers (an invalid token is still 401).
//!
//! Reads: [`Platform::load`] folds a stream into an aggregate's state (facts for a command
//! about another aggregate, or a GET); [`Platform::history`] gives its typed events.
//! [`subjects::check`] verifies that a comment's or consensus call's subject exists in the group.
//!
//! Uploads: [`blobs::BlobStore::receive`] takes an `actix_multipart::Multipart` with one `file`
//! part and small text parts and returns an [`blobs::Upload`] with the stored `DocumentRef`
//! (`upload.json::<Meta>("metadata")` parses a JSON part, field paths prefixed `metadata.`);
//! [`blobs::BlobStore::receive_checked`] runs a check (authorization) on the text parts sent
//! before the file, so that a refused request stores nothing. Size and media-type limits come
//! from the settings (413 / 422 `media_type_not_allowed` on the field `file`).
//! [`blobs::BlobStore::respond`] answers a download of a `DocumentRef`; the query service serves
//! `/documents/{sha256}`, to readers of an entity referring to the document.
//!
//! Request bodies: [`Json`] replaces `web::Json` (problem+json with the field path on a bad
//! body, 415 for another content type, 413 over `limits.json_body_bytes`). OpenAPI: the
//! domain's API value types (`GroupKind`, `Subject`, ...) derive `ToSchema` themselves (the
//! platform turns on `domain`'s feature `openapi`), so a field of such a type needs no
//! `#[schema(value_type = ...)]`; add `params(platform::write::WriteHeaders)` to write routes and
//! `modifiers(&platform::openapi::BearerAuth)` to the `ApiDoc`.
//!
//! A service with a background task (a reactor following the log) adds it with
//! [`Service::with_task`]; it runs while any server mounting the service runs.
//!
//! # Running
//!
//! [`Settings::load`] layers defaults, an optional TOML file and `PLENARY_*` variables
//! (`PLENARY_STORE`, `PLENARY_LISTEN`, `PLENARY_DATA_DIR`, `PLENARY_AUTH__MODE`, ...).
//! [`Platform::open`] opens the store ([`store::open_store`]: a SQLite path, or `esdb://` /
//! `kurrentdb://`), blob store and authenticator; [`Application::build`] binds and mounts
//! services plus `/openapi.json`, `/docs/`, `/health` and the web
//! client (with a fallback to its `index.html`); every error answer, even those actix makes by
//! itself, is problem+json. [`Application::run_until`] serves until a shutdown future
//! completes, then stops gracefully. [`serve_service`] is all of that for one service.
//!
//! Tests (feature `testing`): `testing::TestApp` spawns services on a free port over a
//! temporary log, mints dev tokens, posts JSON and reads a stream's typed history;
//! `testing::expect_problem` checks a problem answer; `testing::fixtures` records the facts a
//! test starts from (groups with participants and a chair, a meeting, a contribution, a
//! deliverable) through the domain's `decide`, with `fixtures::given` for any other command.

mod app;
pub mod auth;
pub mod blobs;
pub mod config;
pub mod error;
pub mod json;
pub mod openapi;
pub mod store;
pub mod subjects;
#[cfg(feature = "testing")]
pub mod testing;
pub mod write;

pub use app::{
    Application, Platform, Service, StartError, init_tracing, not_found, serve_service,
    shutdown_signal,
};
pub use auth::{Authenticated, MaybeAuthenticated, authorize, in_group};
pub use config::Settings;
pub use error::{ApiError, FieldError, Problem};
pub use json::Json;
pub use write::{Receipt, Reply, WriteRequest, domain_error, rejection};
