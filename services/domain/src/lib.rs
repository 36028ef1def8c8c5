//! Plenary's pure domain: the facts (events), the intents (commands), the rules (aggregates)
//! and who may do what (policy). This crate does no IO and reads no clock.

mod aggregate;
pub mod events;

pub use aggregate::Aggregate;
