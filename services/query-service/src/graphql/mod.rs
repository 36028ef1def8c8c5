//! The GraphQL schema: root query, subscriptions, limits, and the guard that counts aliases,
//! refuses introspection when disabled and gives every error a stable `extensions.code`.

pub mod errors;
pub mod query;
pub mod subscription;
pub mod types;

use std::sync::Arc;
use std::time::Duration;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{
    Data, EmptyMutation, ErrorExtensions, Executor, Request, Response, Schema, ServerError,
};
use futures::StreamExt;
use futures::stream::BoxStream;

use crate::access::Viewer;
use crate::config::GraphqlSettings;
use crate::graphql::errors::{QueryError, code_for_engine_error};
use crate::graphql::query::{FreshnessWait, Query};
use crate::graphql::subscription::SubscriptionRoot;
use crate::read_side::ReadSide;

pub type PlenarySchema = Schema<Query, EmptyMutation, SubscriptionRoot>;

/// The schema behind its guard: what HTTP and WebSocket requests are executed with.
/// The guard runs once per request, before execution, rather than as an async-graphql
/// extension, which would cost a lookup on every resolved field.
#[derive(Clone)]
pub struct GuardedSchema {
    schema: PlenarySchema,
    max_aliases: usize,
    introspection: bool,
}

/// The schema with its limits, answering from `read`.
pub fn build_schema(settings: &GraphqlSettings, read: ReadSide) -> GuardedSchema {
    let mut builder = Schema::build(Query, EmptyMutation, SubscriptionRoot)
        .data(read)
        // Each request and connection brings its own reader; without one, it is anonymous.
        .data(Viewer::anonymous())
        .data(FreshnessWait(Duration::from_millis(
            settings.at_least_wait_ms,
        )))
        .limit_depth(settings.max_depth)
        .limit_complexity(settings.max_complexity)
        .limit_directives(settings.max_directives);
    if !settings.introspection {
        builder = builder.disable_introspection();
    }
    GuardedSchema {
        schema: builder.finish(),
        max_aliases: settings.max_aliases,
        introspection: settings.introspection,
    }
}

/// The schema in SDL, as committed in `schema/graphql/schema.graphql`.
pub fn sdl() -> String {
    Schema::build(Query, EmptyMutation, SubscriptionRoot)
        .finish()
        .sdl()
}

/// What a document asks for that the guard limits.
#[derive(Debug, Default, PartialEq, Eq)]
struct DocumentCensus {
    aliases: usize,
    introspection: bool,
}

impl DocumentCensus {
    fn of(document: &ExecutableDocument) -> Self {
        let mut census = Self::default();
        for (_, operation) in document.operations.iter() {
            census.visit(&operation.node.selection_set.node);
        }
        for fragment in document.fragments.values() {
            census.visit(&fragment.node.selection_set.node);
        }
        census
    }

    fn visit(&mut self, set: &SelectionSet) {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    self.aliases += usize::from(field.alias.is_some());
                    let name = field.name.node.as_str();
                    self.introspection |= name == "__schema" || name == "__type";
                    self.visit(&field.selection_set.node);
                }
                Selection::InlineFragment(fragment) => {
                    self.visit(&fragment.node.selection_set.node)
                }
                Selection::FragmentSpread(_) => {}
            }
        }
    }
}

/// Gives errors raised by the engine itself (validation, limits) a code.
fn with_codes(mut response: Response) -> Response {
    for error in &mut response.errors {
        let has_code = error
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("code").is_some());
        if !has_code {
            let code = code_for_engine_error(&error.message);
            error
                .extensions
                .get_or_insert_with(Default::default)
                .set("code", code);
        }
    }
    response
}

fn refuse(error: QueryError) -> ServerError {
    error.extend().into_server_error(Default::default())
}

impl GuardedSchema {
    /// Parses the request once (the schema reuses the parse) and refuses what the guard
    /// limits: unparsable documents, too many aliases, introspection when it is off.
    fn admit(&self, request: &mut Request) -> Result<(), ServerError> {
        let document = request
            .parsed_query()
            .map_err(|error| refuse(QueryError::ParseFailed(error.message)))?;
        let census = DocumentCensus::of(document);
        if census.aliases > self.max_aliases {
            let limit = self.max_aliases;
            return Err(refuse(QueryError::TooManyAliases {
                count: census.aliases,
                limit,
            }));
        }
        if census.introspection && !self.introspection {
            return Err(refuse(QueryError::IntrospectionDisabled));
        }
        Ok(())
    }
}

impl Executor for GuardedSchema {
    async fn execute(&self, mut request: Request) -> Response {
        match self.admit(&mut request) {
            Ok(()) => with_codes(self.schema.execute(request).await),
            Err(error) => Response::from_errors(vec![error]),
        }
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        match self.admit(&mut request) {
            Ok(()) => self
                .schema
                .execute_stream_with_session_data(request, session_data.unwrap_or_default())
                .map(with_codes)
                .boxed(),
            Err(error) => {
                futures::stream::once(async { Response::from_errors(vec![error]) }).boxed()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_census_counts_aliases_in_operations_and_fragments() {
        let document = async_graphql::parser::parse_query(
            "query { a: head b: head ...F } fragment F on Query { c: head viewer { person } }",
        )
        .unwrap();
        assert_eq!(
            DocumentCensus::of(&document),
            DocumentCensus {
                aliases: 3,
                introspection: false
            }
        );
    }

    #[test]
    fn the_census_sees_introspection_but_not_typename() {
        let introspection =
            async_graphql::parser::parse_query("{ __schema { types { name } } }").unwrap();
        assert!(DocumentCensus::of(&introspection).introspection);
        let typename = async_graphql::parser::parse_query("{ __typename head }").unwrap();
        assert!(!DocumentCensus::of(&typename).introspection);
    }
}
