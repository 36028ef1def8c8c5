//! The GraphQL schema: root query, subscriptions, limits, and the guard that counts aliases,
//! refuses introspection when disabled and gives every error a stable `extensions.code`.

pub mod errors;
pub mod query;
pub mod subscription;
pub mod types;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{
    Data, EmptyMutation, ErrorExtensions, Executor, Request, Response, Schema, ServerError,
    ValidationMode,
};
use foldhash::HashMap;
use futures::StreamExt;
use futures::stream::BoxStream;

use crate::access::Viewer;
use crate::config::GraphqlSettings;
use crate::graphql::errors::{QueryError, code_for_engine_error};
use crate::graphql::query::{FreshnessWait, Query};
use crate::graphql::subscription::SubscriptionRoot;
use crate::read_side::ReadSide;

pub type PlenarySchema = Schema<Query, EmptyMutation, SubscriptionRoot>;

/// Distinct documents whose parse is kept; past it the cache starts afresh, so random
/// documents cannot grow it without bound.
const PREPARED_DOCUMENTS: usize = 1_024;

/// A document as the guard saw it: its parse and census, and whether the schema has already
/// validated it once (then only its limits are checked again).
struct Prepared {
    document: ExecutableDocument,
    census: DocumentCensus,
    validated: AtomicBool,
}

/// The schema behind its guard: what HTTP and WebSocket requests are executed with.
///
/// Clients send the same few documents again and again with new variables, and parsing and
/// validating them costs more than answering them. So each distinct document is parsed once
/// and kept, and once the full validation has passed, later requests run on a twin schema in
/// the fast validation mode (which still enforces depth and complexity; argument values are
/// still checked as they are read). The guard runs once per request rather than as an
/// extension, which would cost a lookup on every resolved field.
#[derive(Clone)]
pub struct GuardedSchema {
    /// Validates every rule.
    strict: PlenarySchema,
    /// The same schema checking only limits, for documents `strict` accepted before.
    fast: PlenarySchema,
    /// By document text, hashed with foldhash (randomly seeded): a request hashes its whole
    /// document here, which SipHash made a visible cost; the map is bounded anyway.
    prepared: Arc<RwLock<HashMap<String, Arc<Prepared>>>>,
    max_aliases: usize,
    introspection: bool,
}

/// The schema with its limits, answering from `read`.
pub fn build_schema(settings: &GraphqlSettings, read: ReadSide) -> GuardedSchema {
    let build = |mode: ValidationMode| {
        let mut builder = Schema::build(Query, EmptyMutation, SubscriptionRoot)
            .data(read.clone())
            // Each request and connection brings its own reader; without one, it is anonymous.
            .data(Viewer::anonymous())
            .data(FreshnessWait(Duration::from_millis(
                settings.at_least_wait_ms,
            )))
            .validation_mode(mode)
            .limit_depth(settings.max_depth)
            .limit_complexity(settings.max_complexity)
            .limit_directives(settings.max_directives);
        if !settings.introspection {
            builder = builder.disable_introspection();
        }
        builder.finish()
    };
    GuardedSchema {
        strict: build(ValidationMode::Strict),
        fast: build(ValidationMode::Fast),
        prepared: Arc::default(),
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

/// An error for the whole request: no location in the document.
fn refuse(error: QueryError) -> ServerError {
    let mut refused = ServerError::new(error.to_string(), None);
    refused.extensions = error.extend().extensions;
    refused
}

impl GuardedSchema {
    /// The prepared form of the request's document: from the cache, or parsed now.
    fn prepare(&self, query: &str) -> Result<Arc<Prepared>, ServerError> {
        let cache = self.prepared.read().unwrap_or_else(PoisonError::into_inner);
        if let Some(prepared) = cache.get(query) {
            return Ok(prepared.clone());
        }
        drop(cache);
        let document = async_graphql::parser::parse_query(query)
            .map_err(|error| refuse(QueryError::ParseFailed(error.to_string())))?;
        let census = DocumentCensus::of(&document);
        let prepared = Arc::new(Prepared {
            document,
            census,
            validated: AtomicBool::new(false),
        });
        let mut cache = self
            .prepared
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if cache.len() >= PREPARED_DOCUMENTS {
            cache.clear();
        }
        cache.insert(query.to_owned(), prepared.clone());
        Ok(prepared)
    }

    /// Refuses what the guard limits (unparsable documents, too many aliases, introspection
    /// when it is off); otherwise hands the parse to the request and picks the schema.
    fn admit(&self, request: &mut Request) -> Result<(&PlenarySchema, Arc<Prepared>), ServerError> {
        let prepared = self.prepare(&request.query)?;
        let census = &prepared.census;
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
        request.set_parsed_query(prepared.document.clone());
        let schema = if prepared.validated.load(Ordering::Relaxed) {
            &self.fast
        } else {
            &self.strict
        };
        Ok((schema, prepared))
    }
}

/// Whether a response shows that its document passed validation: errors raised by the
/// engine before execution (validation, limits) have no path, those of resolvers have one.
fn passed_validation(response: &Response) -> bool {
    response.errors.iter().all(|error| !error.path.is_empty())
}

impl Executor for GuardedSchema {
    async fn execute(&self, mut request: Request) -> Response {
        match self.admit(&mut request) {
            Ok((schema, prepared)) => {
                let response = schema.execute(request).await;
                if passed_validation(&response) {
                    prepared.validated.store(true, Ordering::Relaxed);
                }
                with_codes(response)
            }
            Err(error) => Response::from_errors(vec![error]),
        }
    }

    /// Subscriptions are long-lived and few: each is validated in full.
    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        match self.admit(&mut request) {
            Ok(_) => self
                .strict
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
    use async_graphql::Variables;

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

    fn code(response: &Response) -> Option<String> {
        let error = response.errors.first()?;
        let code = error.extensions.as_ref()?.get("code")?;
        Some(code.to_string().trim_matches('"').to_owned())
    }

    #[tokio::test]
    async fn a_document_is_validated_in_full_until_it_passes_then_only_its_limits() {
        let (read, _writer) = crate::read_side::read_side();
        let schema = build_schema(&GraphqlSettings::default(), read);
        for _ in 0..2 {
            let invalid = schema.execute(Request::new("{ nothing }")).await;
            assert_eq!(code(&invalid).as_deref(), Some("GRAPHQL_VALIDATION_FAILED"));
        }
        assert!(
            !schema
                .prepare("{ nothing }")
                .unwrap()
                .validated
                .load(Ordering::Relaxed)
        );

        let query = "query($id: UUID!) { contribution(id: $id) { id } }";
        let valid = Request::new(query).variables(Variables::from_json(
            serde_json::json!({ "id": uuid::Uuid::nil() }),
        ));
        assert!(schema.execute(valid).await.errors.is_empty());
        assert!(
            schema
                .prepare(query)
                .unwrap()
                .validated
                .load(Ordering::Relaxed)
        );
        let bad_value = Request::new(query).variables(Variables::from_json(
            serde_json::json!({ "id": "not a uuid" }),
        ));
        assert!(
            !schema.execute(bad_value).await.errors.is_empty(),
            "values are still checked"
        );
    }
}
