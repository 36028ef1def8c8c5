//! Plenary's read side: projections of the global log into in-memory read models, served as
//! GraphQL (queries, subscriptions, time travel, read-your-writes) with the parent group's pull,
//! and the downloads of stored documents under the same access rules.
//!
//! Mount it with [`QueryService::start`] then [`QueryService::service`] (or
//! [`QueryService::configure`]); export the SDL with [`sdl`] and the OpenAPI document of the
//! download route with [`openapi`].

pub mod access;
pub mod config;
mod documents;
pub mod entities;
pub mod graphql;
mod http;
pub mod projection;
pub mod projector;
pub mod read_side;
pub mod stored;
#[cfg(test)]
mod test_support;

pub use config::GraphqlSettings;
pub use graphql::{GuardedSchema, PlenarySchema, build_schema, sdl};
pub use http::{QueryService, openapi};

/// Where the committed SDL lives, relative to the repository root.
pub const SDL_PATH: &str = "schema/graphql/schema.graphql";
