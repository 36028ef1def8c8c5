//! Bootstrap: the shared state ([`Platform`]), what a service contributes ([`Service`]), the
//! server ([`Application`]: bind, run until a shutdown signal, stop gracefully) and the
//! one-call `main` of a service binary ([`serve_service`]).

use std::future::Future;
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServerHandle, ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers, Next, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, ResponseError, web};
use eventlog::EventStore;
use tracing::Instrument;
use utoipa::openapi::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::{AuthSetupError, Authenticator};
use crate::blobs::BlobStore;
use crate::config::Settings;
use crate::error::{ApiError, PROBLEM_JSON, Problem};
use crate::json::payload_error;
use crate::openapi;
use crate::store::{OpenStoreError, open_store};

/// What every route can reach (as `web::Data<Platform>`): the log, the blob store, the
/// authenticator and the settings. Cheap to clone.
#[derive(Clone)]
pub struct Platform {
    inner: Arc<Inner>,
}

struct Inner {
    settings: Settings,
    store: Arc<dyn EventStore>,
    blobs: BlobStore,
    auth: Authenticator,
}

impl std::fmt::Debug for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Platform")
            .field("store", &self.inner.settings.store_location())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] OpenStoreError),
    #[error(transparent)]
    Auth(#[from] AuthSetupError),
    #[error("preparing the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("binding {address}: {source}")]
    Bind {
        address: String,
        source: std::io::Error,
    },
}

impl Platform {
    /// Opens the store, the blob store and the authenticator the settings describe.
    pub async fn open(settings: Settings) -> Result<Self, StartError> {
        let data_dir_error = |source| StartError::DataDir {
            path: settings.data_dir.display().to_string(),
            source,
        };
        std::fs::create_dir_all(&settings.data_dir).map_err(data_dir_error)?;
        let blobs = BlobStore::new(&settings.data_dir, &settings.limits).map_err(data_dir_error)?;
        let auth = Authenticator::from_settings(&settings.auth, &settings.data_dir).await?;
        let store = open_store(&settings.store_location())?;
        Ok(Self::from_parts(settings, store, blobs, auth))
    }

    pub fn from_parts(
        settings: Settings,
        store: Arc<dyn EventStore>,
        blobs: BlobStore,
        auth: Authenticator,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                settings,
                store,
                blobs,
                auth,
            }),
        }
    }

    pub fn store(&self) -> &Arc<dyn EventStore> {
        &self.inner.store
    }

    pub fn blobs(&self) -> &BlobStore {
        &self.inner.blobs
    }

    pub fn auth(&self) -> &Authenticator {
        &self.inner.auth
    }

    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }
}

type Configure = Arc<dyn Fn(&mut web::ServiceConfig) + Send + Sync>;
/// A background task of a service (a reactor following the log), started with the server.
type Task = Arc<dyn Fn(Platform) -> futures::future::BoxFuture<'static, ()> + Send + Sync>;

/// What a service adds to a server: its routes and their OpenAPI document.
#[derive(Clone)]
pub struct Service {
    pub name: String,
    configure: Configure,
    pub openapi: OpenApi,
    tasks: Vec<Task>,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Service {
    /// `configure` registers routes (any closure, so a service may capture its own state);
    /// `openapi` is usually `ApiDoc::openapi()`.
    pub fn new(
        name: impl Into<String>,
        configure: impl Fn(&mut web::ServiceConfig) + Send + Sync + 'static,
        openapi: OpenApi,
    ) -> Self {
        Self {
            name: name.into(),
            configure: Arc::new(configure),
            openapi,
            tasks: Vec::new(),
        }
    }

    /// Adds a task that runs while the server serves (a reactor following the log): started
    /// by [`Application::run_until`], stopped at shutdown, in every server mounting the service.
    pub fn with_task<F>(mut self, task: impl Fn(Platform) -> F + Send + Sync + 'static) -> Self
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.tasks
            .push(Arc::new(move |platform| Box::pin(task(platform))));
        self
    }
}

/// A bound, not yet running HTTP server.
pub struct Application {
    port: u16,
    server: Server,
    platform: Platform,
    tasks: Vec<Task>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Binds `settings.listen` (port 0: any free port) and mounts `services`, `/openapi.json`
    /// (their merged document), `/docs` (Swagger UI) and `/health`; with `web_dir` present,
    /// the web client at `/` with a fallback to its `index.html` for client-side routes.
    pub fn build(platform: Platform, services: Vec<Service>) -> Result<Self, StartError> {
        let settings = platform.settings().clone();
        let listener = TcpListener::bind(&settings.listen).map_err(|source| StartError::Bind {
            address: settings.listen.clone(),
            source,
        })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartError::Bind {
                address: settings.listen.clone(),
                source,
            })?
            .port();
        let openapi = openapi::merge(services.iter().map(|service| service.openapi.clone()));
        let tasks = services
            .iter()
            .flat_map(|service| service.tasks.iter().cloned())
            .collect();
        let data = web::Data::new(platform.clone());
        let web_dir = settings.web_dir.is_dir().then(|| settings.web_dir.clone());
        let json_limit = settings.limits.json_body_bytes;
        let server = HttpServer::new(move || {
            let mut app = App::new()
                .wrap(ErrorHandlers::new().default_handler(problem_for_bare_errors))
                .wrap(from_fn(request_span))
                .app_data(data.clone())
                .app_data(web::PayloadConfig::new(json_limit))
                .app_data(web::PathConfig::default().error_handler(|error, _| {
                    ApiError::bad_request("invalid_path", error.to_string()).into()
                }))
                .app_data(web::QueryConfig::default().error_handler(|error, _| {
                    ApiError::bad_request("invalid_query", error.to_string()).into()
                }))
                .app_data(
                    web::JsonConfig::default()
                        .limit(json_limit)
                        .error_handler(|error, _| payload_error(error.into()).into()),
                )
                .route("/health", web::get().to(health))
                .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", openapi.clone()))
                .route("/docs", web::get().to(docs_redirect));
            for service in &services {
                app = app.configure(|cfg| (service.configure)(cfg));
            }
            match &web_dir {
                Some(dir) => app.service(web_client(dir)),
                None => app.default_service(web::to(not_found)),
            }
        })
        .disable_signals()
        .listen(listener)
        .map_err(|source| StartError::Bind {
            address: settings.listen.clone(),
            source,
        })?
        .run();
        Ok(Self {
            port,
            server,
            platform,
            tasks,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn platform(&self) -> &Platform {
        &self.platform
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves (and runs the services' tasks, and keeps the JWKS current) until `shutdown`
    /// completes, then stops the tasks, stops accepting and lets requests in flight finish (up
    /// to actix's 30 s graceful timeout).
    pub async fn run_until(self, shutdown: impl Future<Output = ()>) -> std::io::Result<()> {
        let handle = self.server.handle();
        let keys_platform = self.platform.clone();
        let keys = async move { keys_platform.auth().keep_keys_current().await };
        let tasks: Vec<_> = self
            .tasks
            .iter()
            .map(|task| tokio::spawn(task(self.platform.clone())))
            .chain([tokio::spawn(keys)])
            .collect();
        let server = tokio::spawn(self.server);
        shutdown.await;
        tracing::info!("shutting down");
        tasks.iter().for_each(tokio::task::JoinHandle::abort);
        handle.stop(true).await;
        server.await.map_err(std::io::Error::other)?
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`). Safe to call more than once.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// The whole `main` of a service binary: settings from `PLENARY_CONFIG` (a TOML file, optional)
/// and `PLENARY_*`, tracing, one service, graceful shutdown on Ctrl-C / SIGTERM.
pub async fn serve_service(service: Service) -> anyhow::Result<()> {
    init_tracing();
    let file = std::env::var_os("PLENARY_CONFIG").map(std::path::PathBuf::from);
    let settings = Settings::load(file.as_deref())?;
    let platform = Platform::open(settings).await?;
    let name = service.name.clone();
    let app = Application::build(platform, vec![service])?;
    tracing::info!(service = %name, port = app.port(), "listening; API docs at /docs");
    app.run_until(shutdown_signal()).await?;
    Ok(())
}

/// Runs a request inside an `http_request` span with its method, route and status. The route
/// is looked up only when a subscriber records the span, so without one the span costs next
/// to nothing. Error answers are also logged as events: warnings for 4xx, errors for 5xx.
async fn request_span(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> actix_web::Result<ServiceResponse<impl MessageBody>> {
    let span = tracing::info_span!(
        "http_request",
        method = %request.method(),
        route = tracing::field::Empty,
        status = tracing::field::Empty,
    );
    if !span.is_disabled() {
        let route = request.match_pattern();
        span.record("route", route.as_deref().unwrap_or("unmatched"));
    }
    let outcome = next.call(request).instrument(span.clone()).await;
    let (status, error) = match &outcome {
        Ok(response) => (
            response.status(),
            response.response().error().map(|e| e.as_response_error()),
        ),
        Err(error) => (
            error.as_response_error().status_code(),
            Some(error.as_response_error()),
        ),
    };
    span.record("status", status.as_u16());
    if let Some(error) = error {
        log_error_answer(&span, status, error);
    }
    outcome
}

fn log_error_answer(span: &tracing::Span, status: StatusCode, error: &dyn ResponseError) {
    let _entered = span.enter();
    if status.is_client_error() {
        tracing::warn!(%status, %error, "request refused");
    } else {
        tracing::error!(%status, %error, "request failed");
    }
}

/// The routes the platform itself serves.
#[derive(utoipa::OpenApi)]
#[openapi(paths(health))]
pub(crate) struct PlatformDoc;

#[utoipa::path(get, path = "/health", tag = "platform", responses((status = 200, description = "the server is up")))]
async fn health() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header(("location", "/docs/"))
        .finish()
}

/// Error answers that did not come from an [`ApiError`] (a method the route does not take,
/// a refusal inside actix) become problem+json too, keeping their status and headers.
fn problem_for_bare_errors<B>(
    response: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(
            response.map_into_left_body(),
        ));
    }
    let (request, original) = response.into_parts();
    let status = original.status();
    let title = status.canonical_reason().unwrap_or("Error");
    let code = title.to_ascii_lowercase().replace([' ', '-'], "_");
    let problem = Problem {
        problem_type: format!("urn:plenary:problem:{code}"),
        title: title.to_string(),
        status: status.as_u16(),
        detail: format!("{title}: {} {}", request.method(), request.path()),
        code,
        errors: Vec::new(),
    };
    let mut answer = HttpResponse::build(status);
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            answer.append_header((name.clone(), value.clone()));
        }
    }
    let answer = answer.content_type(PROBLEM_JSON).json(problem);
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(request, answer).map_into_right_body(),
    ))
}

/// Unknown routes: problem+json, never an empty 404.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::not_found(
        "route_not_found",
        format!("no route for {} {}", req.method(), req.path()),
    ))
}

/// The built web client at `/`; paths that are not files get `index.html` (client routes),
/// except under `/api/` which stay problem+json 404s.
fn web_client(dir: &Path) -> actix_files::Files {
    let index = dir.join("index.html");
    actix_files::Files::new("/", dir)
        .index_file("index.html")
        .default_handler(web::to(move |req: HttpRequest| {
            let index = index.clone();
            async move {
                if req.path().starts_with("/api/") || req.path() == "/api" {
                    return not_found(req).await;
                }
                actix_files::NamedFile::open_async(&index)
                    .await
                    .map(|file| file.into_response(&req))
                    .map_err(|_| {
                        ApiError::not_found(
                            "route_not_found",
                            format!("no route for {}", req.path()),
                        )
                    })
            }
        }))
}
