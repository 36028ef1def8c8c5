//! The all-in-one Plenary server: every service mounted in one process, the demo seeding,
//! dev tokens for the demo people, and the export of the OpenAPI contract.

pub mod cli;
pub mod demo;
pub mod people;

use std::path::{Path, PathBuf};

use platform::Service;
use utoipa::openapi::OpenApi;

/// Every service `plenary serve` mounts. Adding a service is one line here.
pub fn services() -> Vec<Service> {
    vec![
        groups_service::service(),
        meetings_service::service(),
        contributions_service::service(),
        comments_service::service(),
        consensus_service::service(),
        deliverables_service::service(),
    ]
}

/// The merged OpenAPI document of all services and the query service's download route, as
/// served at `/openapi.json`.
pub fn openapi() -> OpenApi {
    platform::openapi::merge(
        services()
            .into_iter()
            .map(|service| service.openapi)
            .chain([query_service::openapi()]),
    )
}

/// The committed contract: `schema/openapi/openapi.json` at the repository root.
pub fn openapi_path(repository: &Path) -> PathBuf {
    repository
        .join("schema")
        .join("openapi")
        .join("openapi.json")
}

/// The OpenAPI document as committed: pretty JSON with a final newline.
pub fn openapi_json() -> String {
    let mut text = openapi()
        .to_pretty_json()
        .expect("an OpenAPI document serialises");
    text.push('\n');
    text
}
