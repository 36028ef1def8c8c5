//! The committed SDL (`schema/graphql/schema.graphql`) is what the code exports.
//! Regenerate it with `PLENARY_UPDATE_SCHEMAS=1 cargo test -p query-service --test schema_sdl`.

use std::path::PathBuf;

#[test]
fn the_committed_graphql_schema_is_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(query_service::SDL_PATH);
    let exported = query_service::sdl();
    if std::env::var("PLENARY_UPDATE_SCHEMAS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &exported).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == exported,
        "{} is stale; regenerate it with PLENARY_UPDATE_SCHEMAS=1 cargo test -p query-service --test schema_sdl",
        path.display()
    );
}
