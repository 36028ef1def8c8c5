//! The HTTP face of the read side: `/graphql` (POST and GET queries, WebSocket subscriptions
//! with graphql-transport-ws, GraphiQL for browsers), `/graphiql` and the document downloads
//! (`/documents/{sha256}`, see [`crate::documents`]).

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use async_graphql::http::GraphiQLSource;
use async_graphql::{BatchRequest, Data, ErrorExtensions, Executor, ParseRequestError};
use async_graphql_actix_web::{GraphQLBatchRequest, GraphQLResponse, GraphQLSubscription};
use domain::policy::Principal;
use eventlog::EventStore;
use platform::Platform;
use platform::error::ApiError;
use tracing::Instrument;

use crate::access::{VerifiedTokens, Viewer};
use crate::config::GraphqlSettings;
use crate::documents::{self, DocumentsDoc};
use crate::graphql::errors::QueryError;
use crate::graphql::{GuardedSchema, build_schema};
use crate::projector;
use crate::read_side::{ReadSide, read_side};

impl From<Principal> for Viewer {
    fn from(p: Principal) -> Self {
        Self {
            person: Some(p.person),
            display_name: Some(p.display_name),
            secretariat: p.secretariat,
            groups: p.roles.into_keys().collect(),
        }
    }
}

/// The read side of one process: its projector (following the log) and its GraphQL schema.
/// Cheap to clone.
#[derive(Clone)]
pub struct QueryService {
    inner: Arc<Inner>,
}

struct Inner {
    schema: GuardedSchema,
    read: ReadSide,
    platform: Platform,
    max_batch: usize,
    /// How long a read waits for the projection to reach a position.
    freshness_wait: Duration,
    tokens: VerifiedTokens,
}

impl std::fmt::Debug for QueryService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryService")
            .field("head", &self.inner.read.head())
            .finish_non_exhaustive()
    }
}

impl QueryService {
    /// Starts following `platform`'s store on the current tokio runtime (a rebuild from the
    /// start of the log, then live) and builds the schema over the read models.
    pub fn start(platform: &Platform, settings: &GraphqlSettings) -> Self {
        let (read, writer) = read_side();
        let store: Arc<dyn EventStore> = platform.store().clone();
        tokio::spawn(projector::run(store, writer).instrument(tracing::info_span!("projector")));
        Self {
            inner: Arc::new(Inner {
                schema: build_schema(settings, read.clone()),
                read,
                platform: platform.clone(),
                max_batch: settings.max_batch,
                freshness_wait: Duration::from_millis(settings.at_least_wait_ms),
                tokens: VerifiedTokens::new(platform.settings().auth.leeway_seconds),
            }),
        }
    }

    pub fn read_side(&self) -> &ReadSide {
        &self.inner.read
    }

    pub fn schema(&self) -> &GuardedSchema {
        &self.inner.schema
    }

    pub(crate) fn platform(&self) -> &Platform {
        &self.inner.platform
    }

    pub(crate) fn freshness_wait(&self) -> Duration {
        self.inner.freshness_wait
    }

    /// Mounts `/graphql`, `/graphiql` and `/documents/{sha256}`.
    pub fn configure(&self, cfg: &mut web::ServiceConfig) {
        let data = web::Data::new(self.clone());
        cfg.service(
            web::resource("/graphql")
                .app_data(data.clone())
                .route(web::post().to(graphql_post))
                .route(web::get().to(graphql_get)),
        )
        .service(
            web::resource("/graphiql")
                .app_data(data.clone())
                .route(web::get().to(graphiql)),
        )
        .service(
            web::resource("/documents/{sha256}")
                .app_data(data)
                .route(web::get().to(documents::download)),
        );
    }

    /// This service as the platform mounts it (in its own binary or in `plenary serve`).
    pub fn service(&self) -> platform::Service {
        let this = self.clone();
        platform::Service::new("query", move |cfg| this.configure(cfg), openapi())
    }

    /// The reader of a request: anonymous without `Authorization`; a bearer token is verified
    /// in full the first time and then only checked for its times (see [`VerifiedTokens`]).
    pub(crate) fn viewer_of(&self, req: &HttpRequest) -> Result<Viewer, ApiError> {
        let auth = self.inner.platform.auth();
        let Some(token) = bearer_token(req) else {
            // No header, or one that is not a bearer token: the platform says which.
            return Ok(auth
                .principal_of(req)?
                .map(Viewer::from)
                .unwrap_or_default());
        };
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        let keys_version = auth.keys_version();
        if let Some(viewer) = self.inner.tokens.reader(token, now, keys_version) {
            return Ok(viewer);
        }
        let claims = auth.verify(token)?;
        let viewer = Viewer::from(claims.principal());
        self.inner
            .tokens
            .remember(token, &viewer, claims.nbf, claims.exp, keys_version);
        Ok(viewer)
    }

    /// The reader of a WebSocket connection, from its `connection_init` payload:
    /// `{"Authorization": "Bearer ..."}` (or `authorization`); none for anonymous.
    fn viewer_of_init(&self, payload: &serde_json::Value) -> async_graphql::Result<Viewer> {
        let header = payload
            .get("Authorization")
            .or_else(|| payload.get("authorization"));
        let Some(header) = header else {
            return Ok(Viewer::anonymous());
        };
        let unauthenticated = |why: String| QueryError::Unauthenticated(why).extend();
        let token = header
            .as_str()
            .and_then(|h| {
                h.strip_prefix("Bearer ")
                    .or_else(|| h.strip_prefix("bearer "))
            })
            .ok_or_else(|| unauthenticated("expected \"Bearer <token>\"".into()))?;
        let claims = self
            .inner
            .platform
            .auth()
            .verify(token.trim())
            .map_err(|e| unauthenticated(e.to_string()))?;
        Ok(claims.principal().into())
    }
}

/// The token of an `Authorization: Bearer <token>` header, as the platform reads it.
fn bearer_token(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))?;
    Some(token.trim())
}

/// The OpenAPI document of the query service's REST route, `/documents/{sha256}` (GraphQL is
/// described by its SDL); needs no running service, so `plenary export-schemas` merges it.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = <DocumentsDoc as utoipa::OpenApi>::openapi();
    doc.info = utoipa::openapi::InfoBuilder::new()
        .title("Plenary query service")
        .build();
    doc
}

/// A request refused before execution: problem+json (as every Plenary error is, with the
/// platform's lowercase `code`) that is also a GraphQL response (`errors[].extensions.code`),
/// so REST and GraphQL clients both read it.
fn error_response(status: StatusCode, error: &QueryError) -> HttpResponse {
    let code = error.code();
    let message = error.to_string();
    HttpResponse::build(status)
        .content_type("application/problem+json")
        .json(serde_json::json!({
            "type": format!("urn:plenary:problem:{}", code.to_ascii_lowercase()),
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": message,
            "code": code.to_ascii_lowercase(),
            "errors": [{ "message": message, "extensions": { "code": code } }]
        }))
}

async fn execute(
    service: &QueryService,
    req: &HttpRequest,
    batch: Result<BatchRequest, actix_web::Error>,
) -> HttpResponse {
    let viewer = match service.viewer_of(req) {
        Ok(viewer) => viewer,
        Err(error) => {
            return error_response(
                StatusCode::UNAUTHORIZED,
                &QueryError::Unauthenticated(error.to_string()),
            );
        }
    };
    let batch = match batch {
        Ok(batch) => batch,
        Err(error) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                &QueryError::ParseFailed(error.to_string()),
            );
        }
    };
    if let BatchRequest::Batch(requests) = &batch
        && requests.len() > service.inner.max_batch
    {
        let error = QueryError::BatchTooLarge {
            count: requests.len(),
            limit: service.inner.max_batch,
        };
        return error_response(StatusCode::BAD_REQUEST, &error);
    }
    let response = service.inner.schema.execute_batch(batch.data(viewer)).await;
    actix_web::Responder::respond_to(GraphQLResponse::from(response), req)
}

#[tracing::instrument(name = "graphql", skip_all)]
async fn graphql_post(
    service: web::Data<QueryService>,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let batch = read_batch(&req, payload.into_inner()).await;
    execute(&service, &req, batch).await
}

/// The request (or batch) of a POST. A JSON body, which is what clients send but for file
/// uploads, is read whole within the platform's JSON body limit and parsed in one go;
/// multipart bodies go through async-graphql's reader (which pipes every body through a
/// channel and an async reader, a cost per query).
async fn read_batch(
    req: &HttpRequest,
    mut payload: Payload,
) -> Result<BatchRequest, actix_web::Error> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/")
        });
    if multipart {
        return GraphQLBatchRequest::from_request(req, &mut payload)
            .await
            .map(GraphQLBatchRequest::into_inner);
    }
    let body = web::Bytes::from_request(req, &mut payload).await?;
    serde_json::from_slice(&body).map_err(|error| {
        actix_web::error::ErrorBadRequest(ParseRequestError::InvalidRequest(Box::new(error)))
    })
}

fn wants_html(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

fn is_websocket(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::UPGRADE)
        .and_then(|upgrade| upgrade.to_str().ok())
        .is_some_and(|upgrade| upgrade.eq_ignore_ascii_case("websocket"))
}

/// GET: a WebSocket upgrade for subscriptions, GraphiQL for a browser, else a query.
#[tracing::instrument(name = "graphql", skip_all)]
async fn graphql_get(
    service: web::Data<QueryService>,
    req: HttpRequest,
    payload: web::Payload,
) -> actix_web::Result<HttpResponse> {
    if is_websocket(&req) {
        let service = service.get_ref().clone();
        let schema = service.inner.schema.clone();
        return GraphQLSubscription::new(schema)
            .on_connection_init(move |payload| async move {
                let mut data = Data::default();
                data.insert(service.viewer_of_init(&payload)?);
                Ok(data)
            })
            .start(&req, payload);
    }
    if wants_html(&req) && req.query_string().is_empty() {
        return Ok(graphiql(service).await);
    }
    let batch = GraphQLBatchRequest::extract(&req)
        .await
        .map(GraphQLBatchRequest::into_inner);
    Ok(execute(&service, &req, batch).await)
}

/// GraphiQL: the page built with the web client (`graphiql.html` in the web directory, its
/// scripts served with the client's), which needs nothing from the internet; else, where the
/// client is not built, async-graphql's page, which loads GraphiQL from unpkg.com.
async fn graphiql(service: web::Data<QueryService>) -> HttpResponse {
    let bundled = service.platform().settings().web_dir.join("graphiql.html");
    let page = match tokio::fs::read_to_string(&bundled).await {
        Ok(page) => page,
        Err(_) => GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql")
            .title("Plenary GraphQL")
            .finish(),
    };
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page)
}
