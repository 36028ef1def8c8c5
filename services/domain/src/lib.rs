//! Plenary's pure domain: the facts (events), the intents (commands), the rules (aggregates)
//! and who may do what (policy). This crate does no IO and reads no clock.

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
