//! Every error the GraphQL API returns, each with a stable `extensions.code`.

use async_graphql::ErrorExtensions;
use eventlog::Position;

use crate::read_side::NotReached;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("the bearer token was refused: {0}")]
    Unauthenticated(String),
    #[error("you may not read {0}")]
    Forbidden(String),
    #[error("`{argument}` must be a log position (`42`, `42:40`) or an RFC 3339 time: {value:?}")]
    BadPointInTime {
        argument: &'static str,
        value: String,
    },
    #[error("`after` is not a cursor this query returned: {0:?}")]
    BadCursor(String),
    #[error("the read side has not reached position {wanted} yet (it is at {head}); retry shortly")]
    NotReached { wanted: Position, head: String },
    #[error("the query uses {count} aliases; at most {limit} are allowed")]
    TooManyAliases { count: usize, limit: usize },
    #[error("the batch holds {count} queries; at most {limit} are allowed")]
    BatchTooLarge { count: usize, limit: usize },
    #[error("introspection is disabled on this server")]
    IntrospectionDisabled,
    #[error("the query could not be parsed: {0}")]
    ParseFailed(String),
}

impl QueryError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::BadPointInTime { .. } => "BAD_POINT_IN_TIME",
            Self::BadCursor(_) => "BAD_CURSOR",
            Self::NotReached { .. } => "POSITION_NOT_REACHED",
            Self::TooManyAliases { .. } => "TOO_MANY_ALIASES",
            Self::BatchTooLarge { .. } => "BATCH_TOO_LARGE",
            Self::IntrospectionDisabled => "INTROSPECTION_DISABLED",
            Self::ParseFailed(_) => "GRAPHQL_PARSE_FAILED",
        }
    }
}

impl From<NotReached> for QueryError {
    fn from(e: NotReached) -> Self {
        Self::NotReached {
            wanted: e.wanted,
            head: e
                .head
                .map_or_else(|| "the empty log".to_owned(), |h| h.to_string()),
        }
    }
}

impl ErrorExtensions for QueryError {
    fn extend(&self) -> async_graphql::Error {
        async_graphql::Error::new(self.to_string()).extend_with(|_, ext| {
            ext.set("code", self.code());
            if let Self::BadPointInTime { argument, .. } = self {
                ext.set("argument", *argument);
            }
        })
    }
}

/// Codes for the errors async-graphql raises itself, recognised by their message; every other
/// error without a code is a request the schema does not accept.
pub fn code_for_engine_error(message: &str) -> &'static str {
    if message.contains("nested too deep") {
        "QUERY_TOO_DEEP"
    } else if message.contains("too complex") {
        "QUERY_TOO_COMPLEX"
    } else if message.contains("too many directives") {
        "TOO_MANY_DIRECTIVES"
    } else {
        "GRAPHQL_VALIDATION_FAILED"
    }
}
