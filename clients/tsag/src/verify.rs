//! Checks that trust nothing the server says: each audit trail's hashes are recomputed with
//! the canonical encoding of `schema/events/HASHING.md` and its chain is followed from
//! revision 0; what the pull claims (the transmittal, the draft's document, the approving
//! decision) must be recorded in those verified events; each document must hash to its SHA-256.

use chrono::{DateTime, Utc};
use eventlog::{Actor, EventHash, Position, RecordedEvent, StreamId, verify_chain};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::inbox::AuditEvent;

/// What came of checking one audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "status")]
pub enum TrailCheck {
    /// Every hash recomputed and every link followed; `head` vouches for the whole stream.
    Verified {
        stream: String,
        events: usize,
        head: String,
    },
    /// The chain stops proving itself at `revision`.
    Broken {
        stream: String,
        revision: Option<u64>,
        reason: String,
    },
}

impl TrailCheck {
    pub fn is_verified(&self) -> bool {
        matches!(self, Self::Verified { .. })
    }
}

/// Rebuilds the stored event from what the server sent, so that its hash can be recomputed.
pub fn recorded(event: &AuditEvent) -> Result<RecordedEvent, String> {
    let field = |name: &str, error: &dyn std::fmt::Display| {
        format!("revision {}: {name} {error}", event.revision)
    };
    let stream_id = StreamId::new(event.stream.clone()).map_err(|e| field("stream", &e))?;
    let recorded_at: DateTime<Utc> = DateTime::parse_from_rfc3339(&event.recorded_at)
        .map_err(|e| field("recordedAt", &e))?
        .to_utc();
    let position: Position = event.position.parse().map_err(|e| field("position", &e))?;
    let hash: EventHash = event.hash.parse().map_err(|e| field("hash", &e))?;
    let previous_hash = match &event.previous_hash {
        Some(text) => Some(
            text.parse::<EventHash>()
                .map_err(|e| field("previousHash", &e))?,
        ),
        None => None,
    };
    let payload = serde_json::value::to_raw_value(&event.payload)
        .map_err(|e| field("payload", &e))?
        .into();
    Ok(RecordedEvent {
        id: event.id,
        stream_id,
        revision: event.revision,
        position,
        event_type: event.event_type.as_str().into(),
        schema_version: event.schema_version,
        recorded_at,
        actor: Actor {
            subject: event.actor.subject.clone(),
            display_name: event.actor.display_name.clone(),
            roles: event.actor.roles.clone(),
        }
        .into(),
        correlation_id: event.correlation_id,
        causation_id: event.causation_id,
        payload,
        previous_hash,
        hash,
    })
}

/// Recomputes every hash of `trail` and follows its chain from revision 0. `expected_stream`
/// is the stream the trail must be (the entity the pull says it is about).
pub fn check_trail(expected_stream: &str, trail: &[AuditEvent]) -> TrailCheck {
    let broken = |revision, reason: String| TrailCheck::Broken {
        stream: expected_stream.to_string(),
        revision,
        reason,
    };
    if trail.is_empty() {
        return broken(None, "the server sent no events for it".into());
    }
    let events = match trail.iter().map(recorded).collect::<Result<Vec<_>, _>>() {
        Ok(events) => events,
        Err(reason) => return broken(None, format!("an event cannot be read: {reason}")),
    };
    if events[0].stream_id.as_str() != expected_stream {
        return broken(
            None,
            format!(
                "the server sent the events of {} instead",
                events[0].stream_id
            ),
        );
    }
    match verify_chain(&events) {
        Ok(Some(head)) => TrailCheck::Verified {
            stream: expected_stream.to_string(),
            events: events.len(),
            head: head.to_string(),
        },
        Ok(None) => broken(None, "the server sent no events for it".into()),
        Err(chain_break) => broken(Some(chain_break.revision()), chain_break.to_string()),
    }
}

/// Whether `trail` holds an event of one of `types` whose payload has every `(pointer, value)`
/// of `members` (JSON pointers, e.g. `/document/sha256`). Only meaningful on a verified trail.
pub fn records(trail: &[AuditEvent], types: &[&str], members: &[(&str, Value)]) -> bool {
    trail.iter().any(|event| {
        types.contains(&event.event_type.as_str())
            && members
                .iter()
                .all(|(pointer, value)| event.payload.pointer(pointer) == Some(value))
    })
}

/// What came of checking one downloaded document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "status")]
pub enum DocumentCheck {
    Verified {
        sha256: String,
        size: u64,
    },
    Mismatch {
        expected: String,
        actual: String,
        size: u64,
    },
    Unavailable {
        expected: String,
        reason: String,
    },
}

impl DocumentCheck {
    pub fn is_verified(&self) -> bool {
        matches!(self, Self::Verified { .. })
    }

    /// Compares the SHA-256 of `bytes` with `expected` (hex, any case).
    pub fn of(expected: &str, bytes: &[u8]) -> Self {
        let actual = hex::encode(Sha256::digest(bytes));
        let size = bytes.len() as u64;
        if actual.eq_ignore_ascii_case(expected) {
            Self::Verified {
                sha256: actual,
                size,
            }
        } else {
            Self::Mismatch {
                expected: expected.to_string(),
                actual,
                size,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbox;
    use eventlog::{HashInput, event_hash};
    use serde_json::json;
    use uuid::Uuid;

    /// A chain of `payloads` in `stream`, hashed by the log's own code, as the server would
    /// send it in an audit trail.
    fn trail(stream: &str, payloads: &[(&str, Value)]) -> Vec<AuditEvent> {
        let stream_id = StreamId::new(stream).unwrap();
        let actor = Actor {
            subject: "li.wei".into(),
            display_name: "Li Wei".into(),
            roles: vec!["editor@fg-dfc".into()],
        };
        let mut previous = None;
        let mut out = Vec::new();
        for (revision, (event_type, payload)) in (0u64..).zip(payloads) {
            let raw = serde_json::value::to_raw_value(payload).unwrap();
            let recorded_at = DateTime::from_timestamp_micros(
                1_795_000_000_000_001 + revision as i64 * 1_500_000,
            )
            .unwrap();
            let input = HashInput {
                event_id: Uuid::from_u128(revision as u128 + 1),
                stream_id: &stream_id,
                revision,
                event_type,
                schema_version: 1,
                recorded_at,
                actor: &actor,
                correlation_id: Uuid::from_u128(99),
                causation_id: (revision > 0).then(|| Uuid::from_u128(revision as u128)),
                payload: &raw,
                previous_hash: previous,
            };
            let hash = event_hash(&input);
            out.push(AuditEvent {
                id: input.event_id,
                event_type: (*event_type).into(),
                schema_version: 1,
                stream: stream.into(),
                revision,
                position: (revision * 3 + 1).to_string(),
                // As async-graphql writes a time: RFC 3339 with an offset, not the hashed form.
                recorded_at: recorded_at.to_rfc3339(),
                actor: inbox::Actor {
                    subject: actor.subject.clone(),
                    display_name: actor.display_name.clone(),
                    roles: actor.roles.clone(),
                },
                correlation_id: input.correlation_id,
                causation_id: input.causation_id,
                previous_hash: previous.map(|h| h.to_string()),
                hash: hash.to_string(),
                payload: payload.clone(),
            });
            previous = Some(hash);
        }
        out
    }

    fn deliverable_trail() -> Vec<AuditEvent> {
        trail(
            "deliverable-d1",
            &[
                (
                    "DeliverableDefined",
                    json!({ "title": "Terminology", "groupId": "fg-dfc" }),
                ),
                (
                    "DraftPublished",
                    json!({ "version": 1, "document": { "sha256": "ab".repeat(32), "size": 12 } }),
                ),
                (
                    "DeliverableApproved",
                    json!({ "version": 1, "decisionId": "dec-1", "ratio": 0.5 }),
                ),
                (
                    "DeliverableTransmitted",
                    json!({ "version": 1, "transmittalId": "t-1", "note": "ünïcode \"q\"" }),
                ),
            ],
        )
    }

    #[test]
    fn a_trail_as_the_log_hashed_it_verifies_to_its_last_hash() {
        let events = deliverable_trail();
        let check = check_trail("deliverable-d1", &events);
        assert_eq!(
            check,
            TrailCheck::Verified {
                stream: "deliverable-d1".into(),
                events: 4,
                head: events[3].hash.clone()
            }
        );
    }

    #[test]
    fn an_altered_payload_is_found_at_its_revision() {
        let mut events = deliverable_trail();
        events[1].payload["document"]["sha256"] = json!("cd".repeat(32));
        let TrailCheck::Broken {
            revision, reason, ..
        } = check_trail("deliverable-d1", &events)
        else {
            panic!("an altered payload verified");
        };
        assert_eq!(revision, Some(1));
        assert!(reason.contains("altered"), "{reason}");
    }

    #[test]
    fn an_altered_time_actor_or_cause_breaks_the_chain() {
        let mut later = deliverable_trail();
        later[2].recorded_at = "2026-11-21T09:30:00.000002Z".into();
        let mut impostor = deliverable_trail();
        impostor[0].actor.display_name = "Mallory".into();
        let mut uncaused = deliverable_trail();
        uncaused[3].causation_id = None;
        for (events, revision) in [(later, 2), (impostor, 0), (uncaused, 3)] {
            let check = check_trail("deliverable-d1", &events);
            assert!(
                matches!(check, TrailCheck::Broken { revision: Some(r), .. } if r == revision),
                "{check:?}"
            );
        }
    }

    #[test]
    fn a_removed_event_is_a_gap_and_a_replaced_one_does_not_link() {
        let mut removed = deliverable_trail();
        removed.remove(1);
        let check = check_trail("deliverable-d1", &removed);
        assert!(
            matches!(&check, TrailCheck::Broken { revision: Some(1), reason, .. } if reason.contains("removed")),
            "{check:?}"
        );

        // A forger who re-hashes the event they changed still cannot link the next one to it.
        let mut replaced = deliverable_trail();
        let forged = trail(
            "deliverable-d1",
            &[
                (
                    "DeliverableDefined",
                    json!({ "title": "Terminology", "groupId": "fg-dfc" }),
                ),
                (
                    "DraftPublished",
                    json!({ "version": 1, "document": { "sha256": "cd".repeat(32), "size": 12 } }),
                ),
            ],
        );
        replaced[1] = forged[1].clone();
        let check = check_trail("deliverable-d1", &replaced);
        assert!(
            matches!(&check, TrailCheck::Broken { revision: Some(2), reason, .. } if reason.contains("link")),
            "{check:?}"
        );
    }

    #[test]
    fn a_trail_that_starts_late_or_belongs_elsewhere_does_not_verify() {
        let events = deliverable_trail();
        assert!(matches!(
            check_trail("deliverable-d1", &events[1..]),
            TrailCheck::Broken {
                revision: Some(0),
                ..
            }
        ));
        let check = check_trail("deliverable-d2", &events);
        assert!(
            matches!(&check, TrailCheck::Broken { reason, .. } if reason.contains("deliverable-d1")),
            "{check:?}"
        );
        assert!(!check_trail("deliverable-d1", &[]).is_verified());
    }

    #[test]
    fn records_finds_a_claim_only_in_an_event_of_the_right_type_and_content() {
        let events = deliverable_trail();
        let sha = json!("ab".repeat(32));
        assert!(records(
            &events,
            &["DraftPublished"],
            &[("/version", json!(1)), ("/document/sha256", sha.clone())]
        ));
        assert!(!records(
            &events,
            &["DraftPublished"],
            &[("/version", json!(2)), ("/document/sha256", sha.clone())]
        ));
        assert!(!records(
            &events,
            &["DeliverableTransmitted"],
            &[("/document/sha256", sha)]
        ));
    }

    #[test]
    fn a_document_verifies_only_with_its_own_sha256() {
        let bytes = b"Terminology and taxonomy, draft 1";
        let sha = hex::encode(Sha256::digest(bytes));
        assert_eq!(
            DocumentCheck::of(&sha, bytes),
            DocumentCheck::Verified {
                sha256: sha.clone(),
                size: 33
            }
        );
        let check = DocumentCheck::of(&sha, b"Terminology and taxonomy, draft 2");
        assert!(
            matches!(check, DocumentCheck::Mismatch { ref expected, .. } if *expected == sha),
            "{check:?}"
        );
    }
}
