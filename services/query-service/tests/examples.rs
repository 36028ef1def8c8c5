//! Every example in `schema/graphql/examples/` is a valid operation of the current schema.

use std::path::PathBuf;
use std::time::Duration;

use async_graphql::parser::types::OperationType;
use async_graphql::{Executor, Request, Variables};
use futures::StreamExt;
use query_service::read_side::read_side;
use query_service::{GraphqlSettings, build_schema};
use serde_json::json;

#[tokio::test]
async fn every_example_operation_validates_against_the_schema() {
    let (read, _writer) = read_side();
    let schema = build_schema(&GraphqlSettings::default(), read);
    let variables = Variables::from_json(json!({
        "parentGroup": "tsag",
        "group": "fg-dfc",
        "id": uuid::Uuid::nil(),
        "subject": uuid::Uuid::nil(),
    }));
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/graphql/examples");
    let mut checked = 0;
    for file in std::fs::read_dir(&dir).unwrap() {
        let path = file.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let document = async_graphql::parser::parse_query(&text)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
        for (name, operation) in document.operations.iter() {
            let name = name
                .map(|n| n.to_string())
                .expect("examples name their operations");
            let request = Request::new(text.clone())
                .operation_name(&name)
                .variables(variables.clone());
            let response = match operation.node.ty {
                OperationType::Subscription => {
                    // A valid subscription waits for events; an invalid one answers at once.
                    let mut stream = schema.execute_stream(request, None);
                    match tokio::time::timeout(Duration::from_millis(100), stream.next()).await {
                        Ok(Some(response)) => response,
                        _ => async_graphql::Response::default(),
                    }
                }
                _ => schema.execute(request).await,
            };
            assert!(
                response.errors.is_empty(),
                "{} {name}: {:?}",
                path.display(),
                response.errors
            );
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} example operations found");
}
