//! Plenary's pure domain: the facts (events), the intents (commands), the rules (aggregates)
//! and who may do what (policy). This crate does no IO and reads no clock.
//!
//! A service carries out a command like this:
//! 1. `policy::authorize(principal, &Action::X, &facts)`: who may (one place for every rule).
//! 2. Read the aggregate's stream (`streams::meeting(id)`), decode each event with
//!    [`DomainEvent::decode`] and fold it: `A::replay(&events)`.
//! 3. `A::decide(&state, command)`: the events to append, or a [`Rejection`] with a stable
//!    `code()` and `field()` ([`DomainError`] flattens any of them).
//! 4. Append each event as `event_type()`, `schema_version()`, `to_payload()`, expecting
//!    the revision read.
//!
//! Facts from other aggregates travel inside commands (a meeting's deadline and agenda in
//! `SubmitContribution`, the parent meeting's start in `TransmitDeliverable`); the states
//! offer them (`MeetingState::facts`, `MeetingState::as_parent_meeting`, `GroupState::roles_of`).
//!
//! Feature `openapi`: the value types the HTTP API exposes (`Subject`, `DocumentRef`,
//! `Stance`, ...) derive `utoipa::ToSchema`, so the services' OpenAPI documents name them
//! directly. The derive only describes their serde shape; it does no IO, so the domain stays
//! pure with it on.

mod aggregate;
pub mod codec;
pub mod comments;
pub mod consensus;
pub mod contributions;
pub mod deliverables;
pub mod error;
pub mod events;
pub mod groups;
pub mod meetings;
pub mod policy;
pub mod register;
pub mod schema;
pub mod streams;
#[cfg(test)]
mod testing;

pub use aggregate::Aggregate;
pub use codec::{DecodeError, DomainEvent};
pub use error::{DomainError, Rejection};
