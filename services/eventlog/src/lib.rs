//! The event log's contract: what an event is, how it is hashed, and what every backend must do.
//!
//! Every fact in Plenary is an immutable event on one log. This crate holds no storage: the
//! backends (`eventlog-sqlite`, `eventlog-kurrent`) implement [`EventStore`], and
//! [`conformance`] (feature `conformance`) is the one suite they all pass.

mod envelope;
mod error;
mod hash;
mod store;
mod verify;

#[cfg(feature = "conformance")]
pub mod conformance;

pub use envelope::{
    Actor, EventId, MAX_EVENT_BYTES, NewEvent, Payload, Position, RecordedEvent, StreamId,
    StreamRevision, validate_new_event,
};
pub use error::{InvalidEvent, StoreError};
pub use hash::{CanonicalParts, EventHash, HashInput, PreparedHash, canonical_bytes, event_hash};
pub use store::{
    AppendResult, Direction, EventStore, EventSubscription, ExpectedRevision, ReadStream, Written,
};
pub use verify::{ChainBreak, verify_chain};
