//! OpenAPI helpers: the bearer security scheme every service document declares, and the merge
//! of several services' documents into the one served at `/openapi.json`.

use utoipa::Modify;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{InfoBuilder, OpenApi, OpenApiBuilder};

/// Name of the security scheme routes refer to: `security(("bearer" = []))`.
pub const BEARER: &str = "bearer";

/// Adds the `bearer` JWT scheme. Use as `#[openapi(modifiers(&platform::openapi::BearerAuth))]`.
#[derive(Debug, Clone, Copy)]
pub struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// One document with the paths, schemas and tags of all `docs`, titled "Plenary".
pub fn merge(docs: impl IntoIterator<Item = OpenApi>) -> OpenApi {
    let mut merged = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Plenary")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Commands of Plenary's services. Errors are application/problem+json with a stable \
                     `code`. Writes accept `Idempotency-Key` and `If-Match`, and answer with the \
                     stream `revision` (also the `ETag`) and the global `position` of their last event.",
                ))
                .build(),
        )
        .build();
    merged.merge(<crate::app::PlatformDoc as utoipa::OpenApi>::openapi());
    for doc in docs {
        merged.merge(doc);
    }
    BearerAuth.modify(&mut merged);
    merged
}
