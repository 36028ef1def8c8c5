//! Builders for the unit tests: domain events of a small FG DFC story, recorded into read
//! models as the log would deliver them.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::codec::DomainEvent;
use domain::events::*;
use eventlog::{Actor, EventHash, Position, StreamId};
use uuid::Uuid;

use crate::entities::Projected;
use crate::projection::ReadModels;
use crate::stored::StoredEvent;

/// Records events into read models with increasing positions, revisions and times.
pub struct Recorder {
    pub models: ReadModels,
    sequence: u64,
    revisions: HashMap<String, u64>,
    pub clock: DateTime<Utc>,
}

impl Default for Recorder {
    fn default() -> Self {
        Self {
            models: ReadModels::default(),
            sequence: 0,
            revisions: HashMap::new(),
            clock: "2017-09-01T09:00:00Z".parse().unwrap(),
        }
    }
}

impl Recorder {
    /// Records `event` on `stream` one minute after the previous one; returns its position.
    pub fn record(&mut self, stream: &str, event: Event) -> Position {
        let projected = self.projected(stream, event);
        let position = projected.position();
        self.models.apply(&projected);
        position
    }

    /// The next event as the store would record it, without projecting it.
    pub fn projected(&mut self, stream: &str, event: Event) -> Projected {
        self.sequence += 1;
        self.clock += Duration::minutes(1);
        let revision = self.revisions.entry(stream.to_owned()).or_insert(0);
        let recorded = StoredEvent {
            id: Uuid::from_u128(u128::from(self.sequence)),
            stream_id: StreamId::new(stream).expect("a valid stream name"),
            revision: *revision,
            position: Position::at(self.sequence),
            event_type: event.event_type(),
            schema_version: event.schema_version(),
            recorded_at: self.clock,
            actor: Arc::new(Actor {
                subject: "secretariat".into(),
                display_name: "TSB".into(),
                roles: vec![],
            }),
            correlation_id: Uuid::nil(),
            causation_id: None,
            payload: event.to_payload().into(),
            previous_hash: (*revision > 0).then_some(EventHash([0; 32])),
            hash: EventHash([1; 32]),
        };
        *revision += 1;
        Projected {
            recorded: Arc::new(recorded),
            event,
        }
    }
}

pub fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

pub fn document(name: &str) -> DocumentRef {
    DocumentRef {
        sha256: format!("{:0>64}", hex_of(name)),
        size: 1024,
        media_type: "application/pdf".into(),
        file_name: format!("{name}.pdf"),
    }
}

fn hex_of(name: &str) -> String {
    name.bytes()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
        .chars()
        .take(64)
        .collect()
}

pub fn established(group: &str, parent: Option<&str>, visibility: Visibility) -> Event {
    Event::Group(GroupEvent::GroupEstablished(GroupEstablished {
        group_id: group.into(),
        name: format!("Group {group}"),
        acronym: group.to_uppercase(),
        document_prefix: group.to_uppercase(),
        kind: if parent.is_some() {
            GroupKind::FocusGroup
        } else {
            GroupKind::ParentGroup
        },
        parent_id: parent.map(Into::into),
        visibility,
        established_on: day("2017-05-04"),
        terms_of_reference: Some(TermsOfReference {
            objectives: vec!["Study digital fiat currency".into()],
            tasks: vec!["Terminology".into()],
            deliverables: vec!["Terminology and taxonomy".into()],
            lifetime_months: 24,
        }),
    }))
}

pub fn registered(group: &str, person: &str) -> Event {
    Event::Group(GroupEvent::ParticipantRegistered(ParticipantRegistered {
        group_id: group.into(),
        person: person.into(),
        display_name: person.to_uppercase(),
        organisation: "eCurrency".into(),
        category: MembershipCategory::SectorMember,
        country: Some("CN".into()),
    }))
}

pub fn announced(meeting: MeetingId, group: &str) -> Event {
    Event::Meeting(MeetingEvent::MeetingAnnounced(MeetingAnnounced {
        meeting_id: meeting,
        group_id: group.into(),
        title: "First meeting".into(),
        starts_on: day("2017-10-13"),
        ends_on: day("2017-10-13"),
        venue: Some("IWEP/CASS, Beijing".into()),
        remote_participation: true,
        registration_deadline: None,
        contribution_deadline: day("2017-10-01"),
        agenda: vec![AgendaItem {
            id: "1".into(),
            title: "Opening".into(),
        }],
        announced_on: day("2017-09-01"),
    }))
}

pub fn submitted(
    id: ContributionId,
    group: &str,
    meeting: MeetingId,
    author: &str,
    late: bool,
) -> Event {
    Event::Contribution(ContributionEvent::ContributionSubmitted(
        ContributionSubmitted {
            contribution_id: id,
            group_id: group.into(),
            meeting_id: meeting,
            agenda_item: "1".into(),
            number: "DFC-I-001".into(),
            title: "Terminology proposal".into(),
            source_organisations: vec!["eCurrency".into()],
            authors: vec![author.into()],
            document: document("proposal"),
            submitted_at: "2017-09-20T10:00:00Z".parse().unwrap(),
            late,
        },
    ))
}

pub fn posted(
    thread: ThreadId,
    comment: CommentId,
    group: &str,
    subject: Subject,
    author: &str,
    text: &str,
) -> Event {
    Event::Comment(CommentEvent::CommentPosted(CommentPosted {
        thread_id: thread,
        comment_id: comment,
        group_id: group.into(),
        subject,
        in_reply_to: None,
        author: author.into(),
        text: text.into(),
        posted_at: "2017-09-21T10:00:00Z".parse().unwrap(),
    }))
}

pub fn opened(call: CallId, group: &str, subject: Subject) -> Event {
    Event::Consensus(ConsensusEvent::ConsensusCallOpened(ConsensusCallOpened {
        call_id: call,
        group_id: group.into(),
        subject,
        question: "Approve?".into(),
        opened_at: "2017-10-13T09:00:00Z".parse().unwrap(),
        closes_at: "2017-10-13T17:00:00Z".parse().unwrap(),
    }))
}

pub fn stated(call: CallId, participant: &str, stance: Stance) -> Event {
    Event::Consensus(ConsensusEvent::PositionStated(PositionStated {
        call_id: call,
        participant: participant.into(),
        stance,
        reason: (stance == Stance::Object).then(|| "not mature".into()),
        stated_at: "2017-10-13T10:00:00Z".parse().unwrap(),
    }))
}

pub fn decided(
    call: CallId,
    decision: DecisionId,
    group: &str,
    subject: Subject,
    outcome: Outcome,
) -> Event {
    Event::Consensus(ConsensusEvent::DecisionRecorded(DecisionRecorded {
        call_id: call,
        decision_id: decision,
        group_id: group.into(),
        subject,
        outcome,
        summary: "Agreed".into(),
        objections: vec![ObjectionRecord {
            participant: "bob".into(),
            reason: "not mature".into(),
            disposition: Disposition::Resolved,
            note: None,
        }],
        decided_at: "2017-10-13T16:00:00Z".parse().unwrap(),
    }))
}

pub fn defined(deliverable: DeliverableId, group: &str) -> Event {
    Event::Deliverable(DeliverableEvent::DeliverableDefined(DeliverableDefined {
        deliverable_id: deliverable,
        group_id: group.into(),
        title: "Terminology and taxonomy".into(),
        from_terms_of_reference: true,
    }))
}

pub fn drafted(deliverable: DeliverableId, version: u32, builds_on: Vec<ContributionId>) -> Event {
    Event::Deliverable(DeliverableEvent::DraftPublished(DraftPublished {
        deliverable_id: deliverable,
        version,
        number: format!("DFC-O-00{version}"),
        document: document("draft"),
        builds_on,
        note: None,
        published_at: "2017-10-14T10:00:00Z".parse().unwrap(),
    }))
}

pub fn approved(
    deliverable: DeliverableId,
    version: u32,
    call: CallId,
    decision: DecisionId,
) -> Event {
    Event::Deliverable(DeliverableEvent::DeliverableApproved(DeliverableApproved {
        deliverable_id: deliverable,
        version,
        call_id: call,
        decision_id: decision,
    }))
}

pub fn transmitted(
    deliverable: DeliverableId,
    transmittal: TransmittalId,
    version: u32,
    parent: &str,
) -> Event {
    Event::Deliverable(DeliverableEvent::DeliverableTransmitted(
        DeliverableTransmitted {
            deliverable_id: deliverable,
            transmittal_id: transmittal,
            version,
            parent_group_id: parent.into(),
            parent_meeting_id: Uuid::from_u128(99),
            parent_meeting_starts_on: day("2018-01-22"),
            transmitted_at: "2017-11-01T10:00:00Z".parse().unwrap(),
        },
    ))
}
