//! Verifying a stream's hash chain, without trusting whoever served it.

use thiserror::Error;

use crate::envelope::{RecordedEvent, StreamRevision};
use crate::hash::{EventHash, HashInput, event_hash};

/// The first place where a stream's events stop proving themselves.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChainBreak {
    #[error(
        "event at revision {revision} was altered: its content hashes to {computed}, not {stored}"
    )]
    Altered {
        revision: StreamRevision,
        stored: EventHash,
        computed: EventHash,
    },
    #[error("event at revision {revision} has a payload that is not JSON: {reason}")]
    Unreadable {
        revision: StreamRevision,
        reason: String,
    },
    #[error("expected revision {expected}, found {found}: an event was removed or reordered")]
    Gap {
        expected: StreamRevision,
        found: StreamRevision,
    },
    #[error("event at revision {revision} does not link to the event before it")]
    Unlinked { revision: StreamRevision },
    #[error("event at revision {revision} belongs to stream {found}, not {expected}")]
    ForeignStream {
        revision: StreamRevision,
        expected: String,
        found: String,
    },
}

impl ChainBreak {
    /// The revision at which the chain stops proving itself.
    pub fn revision(&self) -> StreamRevision {
        match self {
            Self::Altered { revision, .. }
            | Self::Unreadable { revision, .. }
            | Self::Unlinked { revision }
            | Self::ForeignStream { revision, .. } => *revision,
            Self::Gap { expected, .. } => *expected,
        }
    }
}

/// Checks that `events`, read forwards from revision 0, are contiguous, each hashes to its
/// stored hash, and each links to the one before. Returns the hash of the last event.
pub fn verify_chain(events: &[RecordedEvent]) -> Result<Option<EventHash>, ChainBreak> {
    let mut previous: Option<EventHash> = None;
    for (expected, event) in (0..).zip(events) {
        if event.stream_id != events[0].stream_id {
            return Err(ChainBreak::ForeignStream {
                revision: event.revision,
                expected: events[0].stream_id.to_string(),
                found: event.stream_id.to_string(),
            });
        }
        if event.revision != expected {
            return Err(ChainBreak::Gap {
                expected,
                found: event.revision,
            });
        }
        if event.previous_hash != previous {
            return Err(ChainBreak::Unlinked {
                revision: event.revision,
            });
        }
        let input = HashInput::try_from(event).map_err(|error| ChainBreak::Unreadable {
            revision: event.revision,
            reason: error.to_string(),
        })?;
        let computed = event_hash(&input);
        if computed != event.hash {
            return Err(ChainBreak::Altered {
                revision: event.revision,
                stored: event.hash,
                computed,
            });
        }
        previous = Some(event.hash);
    }
    Ok(previous)
}
