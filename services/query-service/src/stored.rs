//! The events the read models keep for audit trails and time travel, held compactly: every
//! event of a stream shares one copy of the stream's name, every event of an actor one copy of
//! the actor, and the type is the domain's own static name. A million events hold each name once.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use eventlog::{
    Actor, EventHash, EventId, Payload, Position, RecordedEvent, StreamId, StreamRevision,
};
use foldhash::{HashMap, HashSet};
use uuid::Uuid;

/// A recorded event as the read models hold it: the fields of [`RecordedEvent`], with the
/// payload exactly as stored.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub id: EventId,
    pub stream_id: StreamId,
    pub revision: StreamRevision,
    pub position: Position,
    pub event_type: &'static str,
    pub schema_version: u16,
    pub recorded_at: DateTime<Utc>,
    pub actor: Arc<Actor>,
    pub correlation_id: Uuid,
    pub causation_id: Option<Uuid>,
    pub payload: Payload,
    pub previous_hash: Option<EventHash>,
    pub hash: EventHash,
}

impl StoredEvent {
    /// Keeps `recorded` under the shared `stream_id` and `actor`. `event_type` is the name the
    /// domain codec decoded it by, which is the recorded one.
    pub fn new(
        recorded: RecordedEvent,
        stream_id: StreamId,
        event_type: &'static str,
        actor: Arc<Actor>,
    ) -> Self {
        Self {
            id: recorded.id,
            stream_id,
            revision: recorded.revision,
            position: recorded.position,
            event_type,
            schema_version: recorded.schema_version,
            recorded_at: recorded.recorded_at,
            actor,
            correlation_id: recorded.correlation_id,
            causation_id: recorded.causation_id,
            payload: recorded.payload,
            previous_hash: recorded.previous_hash,
            hash: recorded.hash,
        }
    }
}

/// The one shared copy of each stream name and each distinct actor (subject, display name and
/// roles) of the stored events.
#[derive(Debug, Default)]
pub struct Names {
    streams: HashSet<StreamId>,
    actors: HashMap<String, Vec<Arc<Actor>>>,
}

impl Names {
    /// The shared copies of the stream name and the actor of `recorded`: the first copy seen
    /// of each is kept. (The store shares them only among the events it reads at once.)
    pub fn share(&mut self, recorded: &RecordedEvent) -> (StreamId, Arc<Actor>) {
        (
            self.stream(&recorded.stream_id),
            self.actor(&recorded.actor),
        )
    }

    fn stream(&mut self, stream: &StreamId) -> StreamId {
        if let Some(known) = self.streams.get(stream) {
            return known.clone();
        }
        self.streams.insert(stream.clone());
        stream.clone()
    }

    /// A subject has one entry per name and set of roles it acted under: the list stays short.
    fn actor(&mut self, actor: &Arc<Actor>) -> Arc<Actor> {
        if let Some(known) = self
            .actors
            .get(actor.subject.as_str())
            .and_then(|known| known.iter().find(|known| known == &actor))
        {
            return known.clone();
        }
        self.actors
            .entry(actor.subject.clone())
            .or_default()
            .push(actor.clone());
        actor.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(subject: &str, roles: &[&str]) -> Actor {
        Actor {
            subject: subject.into(),
            display_name: subject.to_uppercase(),
            roles: roles.iter().map(|role| (*role).to_owned()).collect(),
        }
    }

    fn recorded(stream: &str, actor: Actor) -> RecordedEvent {
        RecordedEvent {
            id: Uuid::nil(),
            stream_id: eventlog::StreamId::new(stream).unwrap(),
            revision: 0,
            position: Position::at(1),
            event_type: "GroupEstablished".into(),
            schema_version: 1,
            recorded_at: DateTime::UNIX_EPOCH,
            actor: actor.into(),
            correlation_id: Uuid::nil(),
            causation_id: None,
            payload: Payload::stored("{}"),
            previous_hash: None,
            hash: EventHash([0; 32]),
        }
    }

    #[test]
    fn the_same_stream_and_actor_are_shared_and_different_roles_are_kept_apart() {
        let mut names = Names::default();
        let (stream, chair) = names.share(&recorded("group-a", actor("alice", &["chair@a"])));
        let (again, chair_again) = names.share(&recorded("group-a", actor("alice", &["chair@a"])));
        let (other, delegate) = names.share(&recorded("group-b", actor("alice", &["delegate@a"])));
        assert!(std::ptr::eq(stream.as_str(), again.as_str()));
        assert!(Arc::ptr_eq(&chair, &chair_again));
        assert_eq!(
            (other.as_str(), delegate.roles.as_slice()),
            ("group-b", ["delegate@a".to_owned()].as_slice())
        );
        assert!(!Arc::ptr_eq(&chair, &delegate));
    }
}
