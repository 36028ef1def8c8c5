//! The cluster backend of the event log: [`KurrentStore`] implements `eventlog::EventStore` over
//! KurrentDB / EventStoreDB with the official gRPC client.
//!
//! The translation between the log's contract and the client's types lives in [`mapping`] as
//! pure functions, unit-tested without a server. The whole adapter has NOT been run against a
//! KurrentDB server on the machines it was written on (none can be installed there); the
//! conformance suite runs against one when `PLENARY_TEST_KURRENTDB` names it
//! (see `ops/kurrentdb/README.md`).

pub mod mapping;
mod store;

pub use mapping::ConnectionStringError;
pub use store::{ConnectError, KurrentStore};
