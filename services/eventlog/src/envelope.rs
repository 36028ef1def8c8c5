//! The event envelope: identity, place in the log, provenance and payload.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use uuid::Uuid;

use crate::error::InvalidEvent;
use crate::hash::EventHash;

/// Largest accepted event (payload plus metadata), in bytes. Documents live in the blob store;
/// events only name them, so this is generous.
pub const MAX_EVENT_BYTES: usize = 1024 * 1024;

/// An event's id: a UUIDv7 chosen by the writer (or the client) so that a retried append is
/// recognised and written once.
pub type EventId = Uuid;

/// 0-based, contiguous position of an event inside its stream.
pub type StreamRevision = u64;

/// A stream name: `[A-Za-z0-9][A-Za-z0-9._:-]*`, at most 200 bytes. `$` is reserved by
/// KurrentDB for system streams, hence the restricted first character. Shared, not copied,
/// when cloned: every event of a stream can carry the same one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StreamId(Arc<str>);

impl StreamId {
    pub const MAX_LEN: usize = 200;

    pub fn new(name: impl Into<String>) -> Result<Self, InvalidEvent> {
        let name = name.into();
        let reason = if name.is_empty() {
            Some("is empty")
        } else if name.len() > Self::MAX_LEN {
            Some("is longer than 200 bytes")
        } else if !name.as_bytes()[0].is_ascii_alphanumeric() {
            Some("must start with a letter or digit")
        } else if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
        {
            Some("may hold only letters, digits and . _ : -")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(InvalidEvent::StreamName { name, reason }),
            None => Ok(Self(name.into())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for StreamId {
    type Error = InvalidEvent;
    fn try_from(name: String) -> Result<Self, Self::Error> {
        Self::new(name)
    }
}

impl From<StreamId> for String {
    fn from(id: StreamId) -> Self {
        id.0.as_ref().to_owned()
    }
}

/// Lets a set of stream ids be searched by name.
impl Borrow<str> for StreamId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Place of an event in the global log. KurrentDB positions have a commit and a prepare part;
/// the embedded store uses its sequence number for both. Ordered by (commit, prepare).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Position {
    pub commit: u64,
    pub prepare: u64,
}

impl Position {
    /// A position whose two parts are equal, as the embedded store writes them.
    pub const fn at(sequence: u64) -> Self {
        Self {
            commit: sequence,
            prepare: sequence,
        }
    }
}

/// Written as `"42"` when both parts agree, `"42:40"` (commit:prepare) otherwise, so that
/// clients hold a position as one opaque token.
impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.commit == self.prepare {
            write!(f, "{}", self.commit)
        } else {
            write!(f, "{}:{}", self.commit, self.prepare)
        }
    }
}

impl FromStr for Position {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            Some((commit, prepare)) => Ok(Self {
                commit: commit.parse()?,
                prepare: prepare.parse()?,
            }),
            None => Ok(Self::at(s.parse()?)),
        }
    }
}

impl Serialize for Position {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Position {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Who caused an event, with the roles that were in force when they did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    /// Stable subject of the person (the JWT `sub`), or `system:<service>` for reactors.
    pub subject: String,
    pub display_name: String,
    /// Roles as `role@group`, e.g. `chair@fg-dfc`.
    pub roles: Vec<String>,
}

/// An event as a writer proposes it. The store adds revision, position, time and hashes.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub id: EventId,
    /// Stable past-tense name, e.g. `ContributionSubmitted`.
    pub event_type: String,
    pub schema_version: u16,
    pub actor: Actor,
    pub correlation_id: Uuid,
    pub causation_id: Option<Uuid>,
    /// A JSON object.
    pub payload: Box<RawValue>,
}

impl NewEvent {
    /// Size counted against [`MAX_EVENT_BYTES`]: payload, type and actor.
    pub fn size(&self) -> usize {
        self.payload.get().len()
            + self.event_type.len()
            + self.actor.subject.len()
            + self.actor.display_name.len()
            + self.actor.roles.iter().map(String::len).sum::<usize>()
    }
}

/// Checks what every backend must refuse before touching storage.
pub fn validate_new_event(event: &NewEvent) -> Result<(), InvalidEvent> {
    let size = event.size();
    if size > MAX_EVENT_BYTES {
        return Err(InvalidEvent::TooLarge {
            event_id: event.id,
            size,
            limit: MAX_EVENT_BYTES,
        });
    }
    if !event.payload.get().trim_start().starts_with('{') {
        return Err(InvalidEvent::PayloadNotObject { event_id: event.id });
    }
    if event.event_type.is_empty()
        || event.event_type.len() > 100
        || !event
            .event_type
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.')
    {
        return Err(InvalidEvent::EventType {
            event_id: event.id,
            event_type: event.event_type.clone(),
        });
    }
    Ok(())
}

/// A recorded event's payload: the JSON object's text exactly as the log holds it.
///
/// A backend checks that a payload is a JSON object when it is appended. Reading it back does
/// not parse it again: everyone who reads a payload parses it anyway, to decode or to hash it,
/// and reports then what cannot be read. Replay would otherwise parse every payload twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload(Box<str>);

impl Payload {
    /// The text a store holds, as it was written.
    pub fn stored(text: impl Into<Box<str>>) -> Self {
        Self(text.into())
    }

    pub fn get(&self) -> &str {
        &self.0
    }

    /// The payload as JSON: parsed, which checks it, but not copied.
    pub fn json(&self) -> serde_json::Result<&RawValue> {
        serde_json::from_str(&self.0)
    }
}

impl From<Box<RawValue>> for Payload {
    fn from(json: Box<RawValue>) -> Self {
        Self(json.into())
    }
}

/// An event as the log holds it.
#[derive(Debug, Clone)]
pub struct RecordedEvent {
    pub id: EventId,
    pub stream_id: StreamId,
    pub revision: StreamRevision,
    pub position: Position,
    /// Shared, like `actor`: the events read together carry one copy of each.
    pub event_type: Arc<str>,
    pub schema_version: u16,
    /// Microsecond precision: it is part of the hashed content.
    pub recorded_at: DateTime<Utc>,
    pub actor: Arc<Actor>,
    pub correlation_id: Uuid,
    pub causation_id: Option<Uuid>,
    pub payload: Payload,
    /// Hash of the event at `revision - 1` in the same stream; `None` for revision 0.
    pub previous_hash: Option<EventHash>,
    pub hash: EventHash,
}
