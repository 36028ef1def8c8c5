//! `tsag`: the parent group's pull. It fetches through GraphQL every deliverable its child
//! groups transmitted since the last pull (the documented query
//! `schema/graphql/examples/tsag-pull.graphql`), downloads the documents and checks their
//! SHA-256, recomputes every event hash of the audit trails with the canonical encoding of
//! `schema/events/HASHING.md` (the log's own `eventlog::verify_chain`), checks that the
//! verified events record what the answer claims, and says plainly what it received.

pub mod cli;
pub mod inbox;
pub mod pull;
pub mod report;
pub mod state;
pub mod verify;
