//! Read-model state of each entity, folded from the events of its own stream only, so that
//! the same fold answers "now" (kept live) and "as of position p" (folded on demand).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use domain::codec::{DecodeError, DomainEvent};
use domain::events::{
    AgendaItem, CallId, CommentEvent, CommentId, ConsensusEvent, ContributionEvent, ContributionId,
    DecisionId, DeliverableEvent, DeliverableId, DocumentRef, Event, GroupEvent, GroupId,
    GroupKind, MeetingAnnounced, MeetingEvent, MeetingId, MembershipCategory, NoticeWaived,
    ObjectionRecord, OfficerRole, Outcome, PersonId, ReportId, Stance, Subject, TermsOfReference,
    ThreadId, TransmittalId, Visibility,
};
use eventlog::Position;
use uuid::Uuid;

use crate::stored::StoredEvent;

/// A recorded event together with its decoded domain event. The read models keep only the
/// recorded event (the audit trail needs its exact payload); the decoded one is made again
/// when an earlier state is folded, which halves the memory held per event.
#[derive(Debug, Clone)]
pub struct Projected {
    pub recorded: Arc<StoredEvent>,
    pub event: Event,
}

impl Projected {
    /// Decodes a recorded event; `None` for types no context knows (idempotency records),
    /// which readers of the whole log skip.
    pub fn decode(recorded: Arc<StoredEvent>) -> Result<Option<Self>, DecodeError> {
        match Event::decode(
            recorded.event_type,
            recorded.schema_version,
            recorded.payload.get(),
        ) {
            Ok(event) => Ok(Some(Self { recorded, event })),
            Err(DecodeError::UnknownType(_)) => Ok(None),
            Err(error) => Err(error),
        }
    }

    pub fn position(&self) -> Position {
        self.recorded.position
    }

    pub fn recorded_at(&self) -> DateTime<Utc> {
        self.recorded.recorded_at
    }
}

/// Where an entity's history starts and how far it goes, in the global log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub stream: String,
    pub created_at: DateTime<Utc>,
    pub created: Position,
    pub updated_at: DateTime<Utc>,
    pub updated: Position,
}

impl Span {
    fn start(entry: &Projected) -> Self {
        Self {
            stream: entry.recorded.stream_id.to_string(),
            created_at: entry.recorded_at(),
            created: entry.position(),
            updated_at: entry.recorded_at(),
            updated: entry.position(),
        }
    }

    fn touch(&mut self, entry: &Projected) {
        self.updated_at = entry.recorded_at();
        self.updated = entry.position();
    }
}

/// An entity whose state is a fold of the events in its stream.
pub trait Fold: Clone + Send + Sync + 'static {
    /// The state an entity starts in with the first event of its stream, if that event starts it.
    fn start(entry: &Projected) -> Option<Self>;
    /// Applies a later event of the same stream.
    fn apply(&mut self, entry: &Projected);
    fn span(&self) -> &Span;

    /// Folds a stream's events up to and including `as_of`.
    fn fold_until(events: impl IntoIterator<Item = Projected>, as_of: Position) -> Option<Self> {
        let mut state: Option<Self> = None;
        for entry in events
            .into_iter()
            .take_while(|entry| entry.position() <= as_of)
        {
            match state.as_mut() {
                Some(state) => state.apply(&entry),
                None => state = Self::start(&entry),
            }
        }
        state
    }
}

// ------------------------------------------------------------------------------------ groups

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Officer {
    pub person: PersonId,
    pub role: OfficerRole,
    pub appointed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub person: PersonId,
    pub display_name: String,
    pub organisation: String,
    pub category: MembershipCategory,
    pub country: Option<String>,
    pub registered_at: DateTime<Utc>,
    /// Set when the participant withdrew: when, and why if they said.
    pub withdrawn: Option<(DateTime<Utc>, Option<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifetimeExtension {
    pub extra_months: u32,
    pub reason: String,
    pub extended_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProgressReport {
    pub report_id: ReportId,
    pub parent_group_id: GroupId,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub summary: String,
    pub document: Option<DocumentRef>,
    pub sent_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupState {
    pub span: Span,
    pub id: GroupId,
    pub name: String,
    pub acronym: String,
    pub document_prefix: String,
    pub kind: GroupKind,
    pub parent_id: Option<GroupId>,
    pub visibility: Visibility,
    pub established_on: NaiveDate,
    pub terms_of_reference: Option<TermsOfReference>,
    pub extensions: Vec<LifetimeExtension>,
    /// Officers in office, in order of appointment.
    pub officers: Vec<Officer>,
    /// Everyone who ever registered, in order of registration; withdrawals are marked.
    pub participants: Vec<Participant>,
    /// Where each person is in `participants`: access checks ask on every request.
    participant_index: HashMap<PersonId, usize>,
    pub progress_reports: Vec<ProgressReport>,
}

impl GroupState {
    pub fn participant(&self, person: &str) -> Option<&Participant> {
        self.participant_index
            .get(person)
            .map(|&i| &self.participants[i])
    }

    pub fn is_participant(&self, person: &str) -> bool {
        self.participant(person)
            .is_some_and(|p| p.withdrawn.is_none())
    }
}

impl Fold for GroupState {
    fn start(entry: &Projected) -> Option<Self> {
        let Event::Group(GroupEvent::GroupEstablished(e)) = &entry.event else {
            return None;
        };
        Some(Self {
            span: Span::start(entry),
            id: e.group_id.clone(),
            name: e.name.clone(),
            acronym: e.acronym.clone(),
            document_prefix: e.document_prefix.clone(),
            kind: e.kind,
            parent_id: e.parent_id.clone(),
            visibility: e.visibility,
            established_on: e.established_on,
            terms_of_reference: e.terms_of_reference.clone(),
            extensions: Vec::new(),
            officers: Vec::new(),
            participants: Vec::new(),
            participant_index: HashMap::new(),
            progress_reports: Vec::new(),
        })
    }

    fn apply(&mut self, entry: &Projected) {
        let Event::Group(event) = &entry.event else {
            return;
        };
        self.span.touch(entry);
        let at = entry.recorded_at();
        match event {
            GroupEvent::GroupEstablished(_) => {}
            GroupEvent::LifetimeExtended(e) => self.extensions.push(LifetimeExtension {
                extra_months: e.extra_months,
                reason: e.reason.clone(),
                extended_at: at,
            }),
            GroupEvent::OfficerAppointed(e) => {
                self.officers
                    .retain(|o| !(o.person == e.person && o.role == e.role));
                self.officers.push(Officer {
                    person: e.person.clone(),
                    role: e.role,
                    appointed_at: at,
                });
            }
            GroupEvent::OfficerRelieved(e) => {
                self.officers
                    .retain(|o| !(o.person == e.person && o.role == e.role));
            }
            GroupEvent::ParticipantRegistered(e) => {
                let participant = Participant {
                    person: e.person.clone(),
                    display_name: e.display_name.clone(),
                    organisation: e.organisation.clone(),
                    category: e.category,
                    country: e.country.clone(),
                    registered_at: at,
                    withdrawn: None,
                };
                match self.participant_index.get(&e.person) {
                    Some(&i) => self.participants[i] = participant,
                    None => {
                        self.participant_index
                            .insert(e.person.clone(), self.participants.len());
                        self.participants.push(participant);
                    }
                }
            }
            GroupEvent::ParticipantWithdrawn(e) => {
                if let Some(&i) = self.participant_index.get(&e.person) {
                    self.participants[i].withdrawn = Some((at, e.reason.clone()));
                }
            }
            GroupEvent::ProgressReportSent(e) => self.progress_reports.push(ProgressReport {
                report_id: e.report_id,
                parent_group_id: e.parent_group_id.clone(),
                period_from: e.period_from,
                period_to: e.period_to,
                summary: e.summary.clone(),
                document: e.document.clone(),
                sent_at: at,
            }),
        }
    }

    fn span(&self) -> &Span {
        &self.span
    }
}

// ---------------------------------------------------------------------------------- meetings

#[derive(Debug, Clone, PartialEq)]
pub struct MeetingState {
    pub span: Span,
    pub id: MeetingId,
    pub group_id: GroupId,
    pub waiver: Option<NoticeWaived>,
    /// `None` until announced (a notice waiver may come first); the agenda grows in place.
    pub announcement: Option<MeetingAnnounced>,
}

impl Fold for MeetingState {
    fn start(entry: &Projected) -> Option<Self> {
        let Event::Meeting(event) = &entry.event else {
            return None;
        };
        let (id, group_id) = match event {
            MeetingEvent::NoticeWaived(e) => (e.meeting_id, e.group_id.clone()),
            MeetingEvent::MeetingAnnounced(e) => (e.meeting_id, e.group_id.clone()),
            MeetingEvent::AgendaItemAdded(_) => return None,
        };
        let mut state = Self {
            span: Span::start(entry),
            id,
            group_id,
            waiver: None,
            announcement: None,
        };
        state.apply(entry);
        Some(state)
    }

    fn apply(&mut self, entry: &Projected) {
        let Event::Meeting(event) = &entry.event else {
            return;
        };
        self.span.touch(entry);
        match event {
            MeetingEvent::NoticeWaived(e) => self.waiver = Some(e.clone()),
            MeetingEvent::MeetingAnnounced(e) => self.announcement = Some(e.clone()),
            MeetingEvent::AgendaItemAdded(e) => {
                if let Some(announcement) = self.announcement.as_mut() {
                    announcement.agenda.push(e.item.clone());
                }
            }
        }
    }

    fn span(&self) -> &Span {
        &self.span
    }
}

impl MeetingState {
    pub fn agenda(&self) -> &[AgendaItem] {
        self.announcement
            .as_ref()
            .map_or(&[], |a| a.agenda.as_slice())
    }
}

// ----------------------------------------------------------------------------- contributions

/// Where a contribution stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContributionStatus {
    /// In time, or late and accepted by the chair: on the meeting's table.
    Accepted,
    /// Late and waiting for the chair to accept or refuse it.
    AwaitingChair,
    Refused,
    Withdrawn,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    /// 0 for the submission, 1 for the first revision (`DFC-I-012R1`).
    pub revision: u32,
    pub title: String,
    pub document: DocumentRef,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
    pub late: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContributionState {
    pub span: Span,
    pub id: ContributionId,
    pub group_id: GroupId,
    pub meeting_id: MeetingId,
    pub agenda_item: String,
    pub number: String,
    pub source_organisations: Vec<String>,
    pub authors: Vec<PersonId>,
    pub submitted_at: DateTime<Utc>,
    /// Whether any version arrived after the contribution deadline.
    pub late: bool,
    pub status: ContributionStatus,
    /// The chair's or the author's reason for the last change of status.
    pub status_reason: Option<String>,
    pub revisions: Vec<Revision>,
}

impl ContributionState {
    pub fn current(&self) -> &Revision {
        self.revisions
            .last()
            .expect("a contribution starts with its submission")
    }

    /// The number with its revision mark: `DFC-I-012R1`.
    pub fn display_number(&self) -> Cow<'_, str> {
        match self.current().revision {
            0 => Cow::Borrowed(&self.number),
            n => Cow::Owned(format!("{}R{n}", self.number)),
        }
    }
}

impl Fold for ContributionState {
    fn start(entry: &Projected) -> Option<Self> {
        let Event::Contribution(ContributionEvent::ContributionSubmitted(e)) = &entry.event else {
            return None;
        };
        Some(Self {
            span: Span::start(entry),
            id: e.contribution_id,
            group_id: e.group_id.clone(),
            meeting_id: e.meeting_id,
            agenda_item: e.agenda_item.clone(),
            number: e.number.clone(),
            source_organisations: e.source_organisations.clone(),
            authors: e.authors.clone(),
            submitted_at: e.submitted_at,
            late: e.late,
            status: if e.late {
                ContributionStatus::AwaitingChair
            } else {
                ContributionStatus::Accepted
            },
            status_reason: None,
            revisions: vec![Revision {
                revision: 0,
                title: e.title.clone(),
                document: e.document.clone(),
                note: None,
                at: e.submitted_at,
                late: e.late,
            }],
        })
    }

    fn apply(&mut self, entry: &Projected) {
        let Event::Contribution(event) = &entry.event else {
            return;
        };
        self.span.touch(entry);
        match event {
            ContributionEvent::ContributionSubmitted(_) => {}
            ContributionEvent::ContributionRevised(e) => {
                self.revisions.push(Revision {
                    revision: e.revision,
                    title: e.title.clone(),
                    document: e.document.clone(),
                    note: e.note.clone(),
                    at: e.revised_at,
                    late: e.late,
                });
                if e.late {
                    self.late = true;
                    self.status = ContributionStatus::AwaitingChair;
                    self.status_reason = None;
                }
            }
            ContributionEvent::ContributionWithdrawn(e) => {
                self.status = ContributionStatus::Withdrawn;
                self.status_reason = e.reason.clone();
            }
            ContributionEvent::LateContributionAccepted(e) => {
                self.status = ContributionStatus::Accepted;
                self.status_reason = e.reason.clone();
            }
            ContributionEvent::LateContributionRefused(e) => {
                self.status = ContributionStatus::Refused;
                self.status_reason = Some(e.reason.clone());
            }
        }
    }

    fn span(&self) -> &Span {
        &self.span
    }
}

// ---------------------------------------------------------------------------------- comments

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextVersion {
    pub text: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentState {
    pub id: CommentId,
    pub thread_id: ThreadId,
    pub in_reply_to: Option<CommentId>,
    pub author: PersonId,
    pub posted_at: DateTime<Utc>,
    pub position: Position,
    /// Every text the comment had, first to last.
    pub versions: Vec<TextVersion>,
    pub retracted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ThreadState {
    pub span: Span,
    pub id: ThreadId,
    pub group_id: GroupId,
    pub subject: Subject,
    pub comments: Vec<CommentState>,
    /// Set once resolved, with the resolution if one was given.
    pub resolved: Option<Option<String>>,
}

impl Fold for ThreadState {
    fn start(entry: &Projected) -> Option<Self> {
        let Event::Comment(CommentEvent::CommentPosted(e)) = &entry.event else {
            return None;
        };
        let mut state = Self {
            span: Span::start(entry),
            id: e.thread_id,
            group_id: e.group_id.clone(),
            subject: e.subject.clone(),
            comments: Vec::new(),
            resolved: None,
        };
        state.apply(entry);
        Some(state)
    }

    fn apply(&mut self, entry: &Projected) {
        let Event::Comment(event) = &entry.event else {
            return;
        };
        self.span.touch(entry);
        match event {
            CommentEvent::CommentPosted(e) => self.comments.push(CommentState {
                id: e.comment_id,
                thread_id: e.thread_id,
                in_reply_to: e.in_reply_to,
                author: e.author.clone(),
                posted_at: e.posted_at,
                position: entry.position(),
                versions: vec![TextVersion {
                    text: e.text.clone(),
                    at: e.posted_at,
                }],
                retracted_at: None,
            }),
            CommentEvent::CommentEdited(e) => {
                if let Some(comment) = self.comments.iter_mut().find(|c| c.id == e.comment_id) {
                    comment.versions.push(TextVersion {
                        text: e.text.clone(),
                        at: e.edited_at,
                    });
                }
            }
            CommentEvent::CommentRetracted(e) => {
                if let Some(comment) = self.comments.iter_mut().find(|c| c.id == e.comment_id) {
                    comment.retracted_at = Some(e.retracted_at);
                }
            }
            CommentEvent::ThreadResolved(e) => self.resolved = Some(e.resolution.clone()),
        }
    }

    fn span(&self) -> &Span {
        &self.span
    }
}

// --------------------------------------------------------------------------------- consensus

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionRecord {
    pub participant: PersonId,
    pub stance: Stance,
    pub reason: Option<String>,
    pub stated_at: DateTime<Utc>,
    pub position: Position,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DecisionState {
    pub id: DecisionId,
    pub call_id: CallId,
    pub group_id: GroupId,
    pub subject: Subject,
    pub outcome: Outcome,
    pub summary: String,
    pub objections: Vec<ObjectionRecord>,
    pub decided_at: DateTime<Utc>,
    /// The decision this one corrects, and why.
    pub corrects: Option<(DecisionId, String)>,
    /// The later decision that corrects this one.
    pub corrected_by: Option<DecisionId>,
    pub position: Position,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CallState {
    pub span: Span,
    pub id: CallId,
    pub group_id: GroupId,
    pub subject: Subject,
    pub question: String,
    pub opened_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// Every position ever stated, in order: a participant's last one is their current one.
    pub positions: Vec<PositionRecord>,
    pub decisions: Vec<DecisionState>,
}

impl CallState {
    /// Each participant's latest position, in order of first statement.
    pub fn current_positions(&self) -> Vec<&PositionRecord> {
        let mut slot_of: HashMap<&str, usize> = HashMap::new();
        let mut current: Vec<&PositionRecord> = Vec::new();
        for record in &self.positions {
            match slot_of.get(record.participant.as_str()) {
                Some(&slot) => current[slot] = record,
                None => {
                    slot_of.insert(&record.participant, current.len());
                    current.push(record);
                }
            }
        }
        current
    }

    /// Whether `record` is still its participant's position in the call.
    pub fn is_current(&self, record: &PositionRecord) -> bool {
        self.positions
            .iter()
            .rev()
            .find(|p| p.participant == record.participant)
            .is_some_and(|latest| latest.position == record.position)
    }

    pub fn decision(&self, id: DecisionId) -> Option<&DecisionState> {
        self.decisions.iter().find(|d| d.id == id)
    }
}

impl Fold for CallState {
    fn start(entry: &Projected) -> Option<Self> {
        let Event::Consensus(ConsensusEvent::ConsensusCallOpened(e)) = &entry.event else {
            return None;
        };
        Some(Self {
            span: Span::start(entry),
            id: e.call_id,
            group_id: e.group_id.clone(),
            subject: e.subject.clone(),
            question: e.question.clone(),
            opened_at: e.opened_at,
            closes_at: e.closes_at,
            positions: Vec::new(),
            decisions: Vec::new(),
        })
    }

    fn apply(&mut self, entry: &Projected) {
        let Event::Consensus(event) = &entry.event else {
            return;
        };
        self.span.touch(entry);
        match event {
            ConsensusEvent::ConsensusCallOpened(_) => {}
            ConsensusEvent::PositionStated(e) => self.positions.push(PositionRecord {
                participant: e.participant.clone(),
                stance: e.stance,
                reason: e.reason.clone(),
                stated_at: e.stated_at,
                position: entry.position(),
            }),
            ConsensusEvent::DecisionRecorded(e) => self.decisions.push(DecisionState {
                id: e.decision_id,
                call_id: e.call_id,
                group_id: e.group_id.clone(),
                subject: e.subject.clone(),
                outcome: e.outcome,
                summary: e.summary.clone(),
                objections: e.objections.clone(),
                decided_at: e.decided_at,
                corrects: None,
                corrected_by: None,
                position: entry.position(),
            }),
            ConsensusEvent::DecisionCorrected(e) => {
                if let Some(earlier) = self.decisions.iter_mut().find(|d| d.id == e.corrects) {
                    earlier.corrected_by = Some(e.decision_id);
                }
                self.decisions.push(DecisionState {
                    id: e.decision_id,
                    call_id: e.call_id,
                    group_id: e.group_id.clone(),
                    subject: e.subject.clone(),
                    outcome: e.outcome,
                    summary: e.summary.clone(),
                    objections: e.objections.clone(),
                    decided_at: e.decided_at,
                    corrects: Some((e.corrects, e.reason.clone())),
                    corrected_by: None,
                    position: entry.position(),
                });
            }
        }
    }

    fn span(&self) -> &Span {
        &self.span
    }
}

// ------------------------------------------------------------------------------ deliverables

#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub version: u32,
    pub number: String,
    pub document: DocumentRef,
    pub builds_on: Vec<ContributionId>,
    pub note: Option<String>,
    pub published_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub version: u32,
    pub call_id: CallId,
    pub decision_id: DecisionId,
    pub approved_at: DateTime<Utc>,
    /// Set when a correction of the decision no longer approved.
    pub withdrawn: Option<Withdrawal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    /// The correcting decision.
    pub corrected_by: DecisionId,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransmittalOutcome {
    Acknowledged {
        note: Option<String>,
        at: DateTime<Utc>,
    },
    Returned {
        reason: String,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransmittalState {
    pub id: TransmittalId,
    pub deliverable_id: DeliverableId,
    pub version: u32,
    pub parent_group_id: GroupId,
    pub parent_meeting_id: MeetingId,
    pub parent_meeting_starts_on: NaiveDate,
    pub transmitted_at: DateTime<Utc>,
    pub position: Position,
    pub outcome: Option<TransmittalOutcome>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeliverableState {
    pub span: Span,
    pub id: DeliverableId,
    pub group_id: GroupId,
    pub title: String,
    pub from_terms_of_reference: bool,
    pub editors: Vec<PersonId>,
    pub drafts: Vec<Draft>,
    pub approvals: Vec<Approval>,
    pub transmittals: Vec<TransmittalState>,
}

impl DeliverableState {
    pub fn draft(&self, version: u32) -> Option<&Draft> {
        self.drafts.iter().find(|d| d.version == version)
    }

    /// The latest approval of a version.
    pub fn approval_of(&self, version: u32) -> Option<&Approval> {
        self.approvals.iter().rev().find(|a| a.version == version)
    }

    /// The latest approval, unless it was withdrawn.
    pub fn approval_in_force(&self) -> Option<&Approval> {
        self.approvals.last().filter(|a| a.withdrawn.is_none())
    }

    pub fn transmittal(&self, id: TransmittalId) -> Option<&TransmittalState> {
        self.transmittals.iter().find(|t| t.id == id)
    }
}

impl Fold for DeliverableState {
    fn start(entry: &Projected) -> Option<Self> {
        let Event::Deliverable(DeliverableEvent::DeliverableDefined(e)) = &entry.event else {
            return None;
        };
        Some(Self {
            span: Span::start(entry),
            id: e.deliverable_id,
            group_id: e.group_id.clone(),
            title: e.title.clone(),
            from_terms_of_reference: e.from_terms_of_reference,
            editors: Vec::new(),
            drafts: Vec::new(),
            approvals: Vec::new(),
            transmittals: Vec::new(),
        })
    }

    fn apply(&mut self, entry: &Projected) {
        let Event::Deliverable(event) = &entry.event else {
            return;
        };
        self.span.touch(entry);
        let at = entry.recorded_at();
        match event {
            DeliverableEvent::DeliverableDefined(_) => {}
            DeliverableEvent::EditorAssigned(e) => {
                if !self.editors.contains(&e.person) {
                    self.editors.push(e.person.clone());
                }
            }
            DeliverableEvent::DraftPublished(e) => self.drafts.push(Draft {
                version: e.version,
                number: e.number.clone(),
                document: e.document.clone(),
                builds_on: e.builds_on.clone(),
                note: e.note.clone(),
                published_at: e.published_at,
            }),
            DeliverableEvent::DeliverableApproved(e) => self.approvals.push(Approval {
                version: e.version,
                call_id: e.call_id,
                decision_id: e.decision_id,
                approved_at: at,
                withdrawn: None,
            }),
            DeliverableEvent::DeliverableApprovalWithdrawn(e) => {
                if let Some(approval) = self
                    .approvals
                    .iter_mut()
                    .rev()
                    .find(|a| a.decision_id == e.decision_id)
                {
                    approval.withdrawn = Some(Withdrawal {
                        corrected_by: e.corrected_by,
                        at,
                    });
                }
            }
            DeliverableEvent::DeliverableTransmitted(e) => {
                self.transmittals.push(TransmittalState {
                    id: e.transmittal_id,
                    deliverable_id: e.deliverable_id,
                    version: e.version,
                    parent_group_id: e.parent_group_id.clone(),
                    parent_meeting_id: e.parent_meeting_id,
                    parent_meeting_starts_on: e.parent_meeting_starts_on,
                    transmitted_at: e.transmitted_at,
                    position: entry.position(),
                    outcome: None,
                })
            }
            DeliverableEvent::TransmittalAcknowledged(e) => {
                if let Some(t) = self
                    .transmittals
                    .iter_mut()
                    .find(|t| t.id == e.transmittal_id)
                {
                    t.outcome = Some(TransmittalOutcome::Acknowledged {
                        note: e.note.clone(),
                        at,
                    });
                }
            }
            DeliverableEvent::TransmittalReturned(e) => {
                if let Some(t) = self
                    .transmittals
                    .iter_mut()
                    .find(|t| t.id == e.transmittal_id)
                {
                    t.outcome = Some(TransmittalOutcome::Returned {
                        reason: e.reason.clone(),
                        at,
                    });
                }
            }
        }
    }

    fn span(&self) -> &Span {
        &self.span
    }
}

/// The id of the entity a subject is about (for an agenda item: its meeting).
pub fn subject_entity_id(subject: &Subject) -> Uuid {
    match subject {
        Subject::Contribution { id } => *id,
        Subject::Deliverable { id, .. } => *id,
        Subject::AgendaItem { meeting_id, .. } => *meeting_id,
    }
}
