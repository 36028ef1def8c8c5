//! The committed OpenAPI contract matches the code.

use std::path::Path;

#[test]
fn the_committed_openapi_document_is_up_to_date() {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = plenary::openapi_path(&repository);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == plenary::openapi_json(),
        "{} is stale: run `cargo run -p plenary -- export-schemas` and commit it",
        path.display()
    );
}

#[test]
fn every_route_of_every_service_is_in_the_document() {
    let document = plenary::openapi();
    for path in [
        "/api/groups",
        "/api/meetings",
        "/api/contributions",
        "/api/threads",
        "/api/consensus-calls",
        "/api/deliverables",
        "/documents/{sha256}",
    ] {
        assert!(document.paths.paths.contains_key(path), "{path} is missing");
    }
}
