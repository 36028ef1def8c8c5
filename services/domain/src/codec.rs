//! The event codec: each event's stable type name, its schema version, its JSON payload, and
//! the way back from a stored (type, version, payload) to a typed event, upcasting old versions.
//!
//! # Versioning rule
//! An event's type name (the variant name, e.g. `ContributionSubmitted`) never changes. A
//! change of its payload's shape bumps its schema version; the struct in [`crate::events`]
//! always has the current shape, the previous shape is kept as a frozen struct in
//! [`crate::events::previous`], and [`EventPayload::decode_version`] turns every earlier
//! version into the current one (an upcaster). Writers always write the current version.
//! Reading a version newer than the code knows is [`DecodeError::UnknownVersion`]; reading a
//! type no context knows (say an idempotency record) is [`DecodeError::UnknownType`], which
//! readers of the whole log skip.
//!
//! Today one type has two versions: `ParticipantRegistered` v1 had no `country`; v2 adds it
//! and v1 payloads read as `country: None`.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::events::*;

/// A typed event that can be written to and read back from the log.
pub trait DomainEvent: Sized {
    /// The variant name, e.g. `ContributionSubmitted`.
    fn event_type(&self) -> &'static str;
    /// The current schema version of that type.
    fn schema_version(&self) -> u16;
    /// The payload struct's JSON object, without any enum tag.
    fn to_payload(&self) -> Box<RawValue>;
    /// Reads a stored event, upcasting an earlier schema version.
    fn decode(event_type: &str, schema_version: u16, payload: &str) -> Result<Self, DecodeError>;
}

/// Why a stored event could not be read as a typed event.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("unknown event type {0:?}")]
    UnknownType(String),
    #[error("{event_type} has no schema version {version} (this code knows up to {known})")]
    UnknownVersion {
        event_type: &'static str,
        version: u16,
        known: u16,
    },
    #[error("{event_type} v{version} payload does not match its schema: {source}")]
    Malformed {
        event_type: &'static str,
        version: u16,
        #[source]
        source: serde_json::Error,
    },
}

/// One event payload struct: its type name, current version and how each version is read.
pub trait EventPayload: Serialize + DeserializeOwned {
    const EVENT_TYPE: &'static str;
    const VERSION: u16;

    /// Reads `payload` written at `version`. The default knows only the current version;
    /// a type whose shape changed overrides this with its upcasters.
    fn decode_version(version: u16, payload: &str) -> Result<Self, DecodeError> {
        if version == Self::VERSION {
            parse(Self::EVENT_TYPE, version, payload)
        } else {
            Err(Self::unknown_version(version))
        }
    }

    fn unknown_version(version: u16) -> DecodeError {
        DecodeError::UnknownVersion {
            event_type: Self::EVENT_TYPE,
            version,
            known: Self::VERSION,
        }
    }
}

/// Deserialises straight from the raw text into `T`, with no intermediate `Value`.
pub fn parse<T: DeserializeOwned>(
    event_type: &'static str,
    version: u16,
    payload: &str,
) -> Result<T, DecodeError> {
    serde_json::from_str(payload).map_err(|source| DecodeError::Malformed {
        event_type,
        version,
        source,
    })
}

/// Serialises a payload struct. These structs hold only strings, numbers, dates, ids and
/// string-keyed data, for which serde_json cannot fail.
pub fn to_raw<T: Serialize>(payload: &T) -> Box<RawValue> {
    serde_json::value::to_raw_value(payload).expect("event payloads always serialise to JSON")
}

macro_rules! current_payloads {
    ($($name:ident),* $(,)?) => {
        $(impl EventPayload for $name {
            const EVENT_TYPE: &'static str = stringify!($name);
            const VERSION: u16 = 1;
        })*
    };
}

current_payloads!(
    GroupEstablished,
    LifetimeExtended,
    OfficerAppointed,
    OfficerRelieved,
    ParticipantWithdrawn,
    ProgressReportSent,
    NoticeWaived,
    MeetingAnnounced,
    AgendaItemAdded,
    DocumentNumberAssigned,
    ContributionSubmitted,
    ContributionRevised,
    ContributionWithdrawn,
    LateContributionAccepted,
    LateContributionRefused,
    CommentPosted,
    CommentEdited,
    CommentRetracted,
    ThreadResolved,
    ConsensusCallOpened,
    PositionStated,
    DecisionRecorded,
    DecisionCorrected,
    DeliverableDefined,
    EditorAssigned,
    DraftPublished,
    DeliverableApproved,
    DeliverableApprovalWithdrawn,
    DeliverableTransmitted,
    TransmittalAcknowledged,
    TransmittalReturned,
);

impl EventPayload for ParticipantRegistered {
    const EVENT_TYPE: &'static str = "ParticipantRegistered";
    const VERSION: u16 = 2;

    fn decode_version(version: u16, payload: &str) -> Result<Self, DecodeError> {
        match version {
            1 => parse::<previous::ParticipantRegisteredV1>(Self::EVENT_TYPE, version, payload)
                .map(Into::into),
            2 => parse(Self::EVENT_TYPE, version, payload),
            _ => Err(Self::unknown_version(version)),
        }
    }
}

/// The v1 → v2 upcaster: v1 did not record a country.
impl From<previous::ParticipantRegisteredV1> for ParticipantRegistered {
    fn from(v1: previous::ParticipantRegisteredV1) -> Self {
        Self {
            group_id: v1.group_id,
            person: v1.person,
            display_name: v1.display_name,
            organisation: v1.organisation,
            category: v1.category,
            country: None,
        }
    }
}

/// Implements [`DomainEvent`] for a context enum whose variants are named after (and wrap)
/// their payload structs, and lists the context's event types.
macro_rules! context_codec {
    ($context:ident { $($variant:ident),* $(,)? }) => {
        impl $context {
            /// Every event type of this context with its current schema version.
            pub const EVENT_TYPES: &'static [(&'static str, u16)] =
                &[$((<$variant as EventPayload>::EVENT_TYPE, <$variant as EventPayload>::VERSION)),*];
        }

        impl DomainEvent for $context {
            fn event_type(&self) -> &'static str {
                match self { $(Self::$variant(_) => <$variant as EventPayload>::EVENT_TYPE),* }
            }
            fn schema_version(&self) -> u16 {
                match self { $(Self::$variant(_) => <$variant as EventPayload>::VERSION),* }
            }
            fn to_payload(&self) -> Box<RawValue> {
                match self { $(Self::$variant(payload) => to_raw(payload)),* }
            }
            fn decode(event_type: &str, schema_version: u16, payload: &str) -> Result<Self, DecodeError> {
                match event_type {
                    $(stringify!($variant) => $variant::decode_version(schema_version, payload).map(Self::$variant),)*
                    _ => Err(DecodeError::UnknownType(event_type.to_owned())),
                }
            }
        }
    };
}

context_codec!(GroupEvent {
    GroupEstablished,
    LifetimeExtended,
    OfficerAppointed,
    OfficerRelieved,
    ParticipantRegistered,
    ParticipantWithdrawn,
    ProgressReportSent,
});
context_codec!(MeetingEvent {
    NoticeWaived,
    MeetingAnnounced,
    AgendaItemAdded
});
context_codec!(RegisterEvent {
    DocumentNumberAssigned
});
context_codec!(ContributionEvent {
    ContributionSubmitted,
    ContributionRevised,
    ContributionWithdrawn,
    LateContributionAccepted,
    LateContributionRefused,
});
context_codec!(CommentEvent {
    CommentPosted,
    CommentEdited,
    CommentRetracted,
    ThreadResolved
});
context_codec!(ConsensusEvent {
    ConsensusCallOpened,
    PositionStated,
    DecisionRecorded,
    DecisionCorrected
});
context_codec!(DeliverableEvent {
    DeliverableDefined,
    EditorAssigned,
    DraftPublished,
    DeliverableApproved,
    DeliverableApprovalWithdrawn,
    DeliverableTransmitted,
    TransmittalAcknowledged,
    TransmittalReturned,
});

macro_rules! into_event {
    ($($context:ident => $variant:ident),* $(,)?) => {
        $(impl From<$context> for Event {
            fn from(event: $context) -> Self { Event::$variant(event) }
        })*

        impl Event {
            /// Every event type of every context with its current schema version.
            pub fn event_types() -> impl Iterator<Item = (&'static str, u16)> {
                std::iter::empty()$(.chain($context::EVENT_TYPES.iter().copied()))*
            }
        }

        impl DomainEvent for Event {
            fn event_type(&self) -> &'static str {
                match self { $(Self::$variant(event) => event.event_type()),* }
            }
            fn schema_version(&self) -> u16 {
                match self { $(Self::$variant(event) => event.schema_version()),* }
            }
            fn to_payload(&self) -> Box<RawValue> {
                match self { $(Self::$variant(event) => event.to_payload()),* }
            }
            /// Asks each context in turn; a string match per context, so this stays cheap.
            fn decode(event_type: &str, schema_version: u16, payload: &str) -> Result<Self, DecodeError> {
                $(match $context::decode(event_type, schema_version, payload) {
                    Err(DecodeError::UnknownType(_)) => {}
                    decoded => return decoded.map(Self::$variant),
                })*
                Err(DecodeError::UnknownType(event_type.to_owned()))
            }
        }
    };
}

into_event!(
    GroupEvent => Group,
    MeetingEvent => Meeting,
    RegisterEvent => Register,
    ContributionEvent => Contribution,
    CommentEvent => Comment,
    ConsensusEvent => Consensus,
    DeliverableEvent => Deliverable,
);

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};
    use uuid::Uuid;

    #[test]
    fn a_stored_v1_participant_registration_reads_as_v2_without_country() {
        let stored = r#"{"groupId":"fg-dfc","person":"ada","displayName":"Ada","organisation":"BoE","category":"memberState"}"#;
        let event = GroupEvent::decode("ParticipantRegistered", 1, stored).unwrap();
        assert_eq!(
            event,
            GroupEvent::ParticipantRegistered(ParticipantRegistered {
                group_id: "fg-dfc".into(),
                person: "ada".into(),
                display_name: "Ada".into(),
                organisation: "BoE".into(),
                category: MembershipCategory::MemberState,
                country: None,
            })
        );
    }

    #[test]
    fn participant_registrations_are_written_as_v2_with_country() {
        let event = GroupEvent::ParticipantRegistered(ParticipantRegistered {
            group_id: "fg-dfc".into(),
            person: "ada".into(),
            display_name: "Ada".into(),
            organisation: "BoE".into(),
            category: MembershipCategory::MemberState,
            country: Some("GB".into()),
        });
        assert_eq!(event.schema_version(), 2);
        assert!(event.to_payload().get().contains(r#""country":"GB""#));
        assert_eq!(
            GroupEvent::decode("ParticipantRegistered", 2, event.to_payload().get()).unwrap(),
            event
        );
    }

    #[test]
    fn a_version_newer_than_the_code_is_refused_not_guessed() {
        let stored = r#"{"groupId":"fg-dfc","person":"ada","displayName":"Ada","organisation":"BoE","category":"memberState","country":null}"#;
        let error = Event::decode("ParticipantRegistered", 3, stored).unwrap_err();
        assert!(
            matches!(
                error,
                DecodeError::UnknownVersion {
                    version: 3,
                    known: 2,
                    ..
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn an_unknown_type_is_reported_as_such_so_readers_can_skip_it() {
        let error = Event::decode("IdempotencyRecorded", 1, "{}").unwrap_err();
        assert!(matches!(error, DecodeError::UnknownType(name) if name == "IdempotencyRecorded"));
    }

    #[test]
    fn a_payload_of_the_wrong_shape_is_malformed() {
        let error = Event::decode("ThreadResolved", 1, r#"{"threadId":42}"#).unwrap_err();
        assert!(matches!(
            error,
            DecodeError::Malformed {
                event_type: "ThreadResolved",
                version: 1,
                ..
            }
        ));
    }

    #[test]
    fn the_payload_is_the_bare_struct_and_the_type_is_the_variant_name() {
        let event = Event::from(ContributionEvent::ContributionWithdrawn(
            ContributionWithdrawn {
                contribution_id: Uuid::nil(),
                reason: Some("superseded by DFC-I-013".into()),
            },
        ));
        assert_eq!(event.event_type(), "ContributionWithdrawn");
        let payload = event.to_payload();
        assert_eq!(
            payload.get(),
            r#"{"contributionId":"00000000-0000-0000-0000-000000000000","reason":"superseded by DFC-I-013"}"#
        );
        assert_eq!(
            Event::decode(event.event_type(), event.schema_version(), payload.get()).unwrap(),
            event
        );
    }

    #[test]
    fn every_context_event_round_trips_through_event() {
        let samples: Vec<Event> = vec![
            GroupEvent::LifetimeExtended(LifetimeExtended {
                group_id: "fg-dfc".into(),
                extra_months: 6,
                reason: "TSAG decision".into(),
            })
            .into(),
            MeetingEvent::AgendaItemAdded(AgendaItemAdded {
                meeting_id: Uuid::nil(),
                item: AgendaItem {
                    id: "4.2".into(),
                    title: "Terminology".into(),
                },
            })
            .into(),
            RegisterEvent::DocumentNumberAssigned(DocumentNumberAssigned {
                group_id: "fg-dfc".into(),
                kind: DocumentKind::Input,
                sequence: 12,
                number: "DFC-I-012".into(),
                assigned_to: Uuid::nil(),
            })
            .into(),
            CommentEvent::ThreadResolved(ThreadResolved {
                thread_id: Uuid::nil(),
                resolution: None,
            })
            .into(),
            ConsensusEvent::PositionStated(PositionStated {
                call_id: Uuid::nil(),
                participant: "ada".into(),
                stance: Stance::StandAside,
                reason: None,
                stated_at: Utc.with_ymd_and_hms(2017, 10, 13, 9, 0, 0).unwrap(),
            })
            .into(),
            DeliverableEvent::DeliverableTransmitted(DeliverableTransmitted {
                deliverable_id: Uuid::nil(),
                transmittal_id: Uuid::nil(),
                version: 2,
                parent_group_id: "tsag".into(),
                parent_meeting_id: Uuid::nil(),
                parent_meeting_starts_on: NaiveDate::from_ymd_opt(2018, 5, 1).unwrap(),
                transmitted_at: Utc.with_ymd_and_hms(2018, 3, 1, 9, 0, 0).unwrap(),
            })
            .into(),
            DeliverableEvent::DeliverableApprovalWithdrawn(DeliverableApprovalWithdrawn {
                deliverable_id: Uuid::nil(),
                version: 1,
                decision_id: Uuid::from_u128(1),
                corrected_by: Uuid::from_u128(2),
                outcome: Outcome::FurtherStudy,
            })
            .into(),
        ];
        for event in samples {
            let decoded = Event::decode(
                event.event_type(),
                event.schema_version(),
                event.to_payload().get(),
            )
            .unwrap();
            assert_eq!(decoded, event);
        }
    }

    #[test]
    fn event_type_names_are_unique_across_contexts() {
        let mut names: Vec<&str> = Event::event_types().map(|(name, _)| name).collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count);
        assert_eq!(count, 32);
    }
}
