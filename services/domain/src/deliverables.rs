//! Deliverables: defined from the terms of reference, drafted by their editors as numbered
//! output documents, approved only by a consensus decision, transmitted to the parent group at
//! least four weeks before its meeting, and acknowledged or returned there.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};

use crate::aggregate::Aggregate;
use crate::error::{self, InputError, MAX_LINE, MAX_TEXT, Rejection};
use crate::events::{
    CallId, ConsensusEvent, ContributionId, DecisionCorrected, DecisionId, DecisionRecorded,
    DeliverableApprovalWithdrawn, DeliverableApproved, DeliverableDefined, DeliverableEvent,
    DeliverableId, DeliverableTransmitted, DocumentRef, DraftPublished, EditorAssigned, GroupId,
    MeetingId, Outcome, PersonId, Subject, TransmittalAcknowledged, TransmittalId,
    TransmittalReturned,
};

/// Calendar days that must remain before the parent group's meeting for a transmittal.
pub const MIN_TRANSMITTAL_DAYS: i64 = 28;

#[derive(Debug, Clone, PartialEq)]
pub enum DeliverableCommand {
    Define(DefineDeliverable),
    AssignEditor(AssignEditor),
    PublishDraft(PublishDraft),
    Approve(ApproveDeliverable),
    WithdrawApproval(WithdrawApproval),
    Transmit(TransmitDeliverable),
    Acknowledge(AcknowledgeTransmittal),
    Return(ReturnTransmittal),
}

#[derive(Debug, Clone, PartialEq)]
pub struct DefineDeliverable {
    pub deliverable_id: DeliverableId,
    pub group_id: GroupId,
    pub title: String,
    pub from_terms_of_reference: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AssignEditor {
    pub person: PersonId,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PublishDraft {
    /// An output number assigned by the group's register beforehand: `DFC-O-005`.
    pub number: String,
    pub document: DocumentRef,
    pub builds_on: Vec<ContributionId>,
    pub note: Option<String>,
    pub by: PersonId,
    pub now: DateTime<Utc>,
}

/// A recorded (or corrected) consensus decision, as the routing reactor read it from the log.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionFacts {
    pub call_id: CallId,
    pub decision_id: DecisionId,
    /// The decision a correction corrects; `None` for a first decision.
    pub corrects: Option<DecisionId>,
    pub subject: Subject,
    pub outcome: Outcome,
}

impl From<&DecisionRecorded> for DecisionFacts {
    fn from(decision: &DecisionRecorded) -> Self {
        Self {
            call_id: decision.call_id,
            decision_id: decision.decision_id,
            corrects: None,
            subject: decision.subject.clone(),
            outcome: decision.outcome,
        }
    }
}

impl DecisionFacts {
    /// The decision an event records, if it records one.
    pub fn from_event(event: &ConsensusEvent) -> Option<Self> {
        match event {
            ConsensusEvent::DecisionRecorded(decision) => Some(decision.into()),
            ConsensusEvent::DecisionCorrected(decision) => Some(decision.into()),
            _ => None,
        }
    }
}

impl From<&DecisionCorrected> for DecisionFacts {
    fn from(decision: &DecisionCorrected) -> Self {
        Self {
            call_id: decision.call_id,
            decision_id: decision.decision_id,
            corrects: Some(decision.corrects),
            subject: decision.subject.clone(),
            outcome: decision.outcome,
        }
    }
}

/// Issued by the routing reactor when a decision on the deliverable appears on the log. The
/// decision's subject names the version; without one it approves the latest draft.
#[derive(Debug, Clone, PartialEq)]
pub struct ApproveDeliverable {
    pub decision: DecisionFacts,
}

/// Issued by the routing reactor when a correction that does not approve appears on the log:
/// if the approval in force came from the decision it corrects, that approval is withdrawn.
#[derive(Debug, Clone, PartialEq)]
pub struct WithdrawApproval {
    pub correction: DecisionFacts,
}

/// What the deliverables service knows of the parent group's meeting (from its stream).
#[derive(Debug, Clone, PartialEq)]
pub struct ParentMeetingFacts {
    pub meeting_id: MeetingId,
    pub group_id: GroupId,
    pub starts_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TransmitDeliverable {
    pub transmittal_id: TransmittalId,
    /// The deliverable's group's parent (from the group's stream).
    pub parent_group_id: GroupId,
    pub parent_meeting: ParentMeetingFacts,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AcknowledgeTransmittal {
    pub transmittal_id: TransmittalId,
    pub note: Option<String>,
}

/// Sends the deliverable back: it then needs a new draft and a new approving decision.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnTransmittal {
    pub transmittal_id: TransmittalId,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliverableError {
    #[error("the deliverable is already defined")]
    AlreadyDefined,
    #[error("no such deliverable")]
    NotDefined,
    #[error("{0} is already an editor of this deliverable")]
    AlreadyEditor(PersonId),
    #[error("only an editor assigned to this deliverable may publish its drafts")]
    NotEditor,
    #[error("the decision is about something else")]
    DecisionOnOtherSubject,
    #[error("the decision's outcome {0:?} does not approve")]
    DecisionDoesNotApprove(Outcome),
    #[error("no draft has been published")]
    NoDraft,
    #[error("there is no draft version {0}")]
    UnknownVersion(u32),
    #[error("decision {0} already approved this deliverable")]
    AlreadyApproved(DecisionId),
    #[error("version {0} was returned by the parent group; a new draft needs its own decision")]
    VersionReturned(u32),
    #[error("no approved version to transmit")]
    NotApproved,
    #[error("no approval in force comes from the decision this one corrects")]
    NoApprovalToWithdraw,
    #[error("the approval of version {0} was already sent to the parent group")]
    ApprovalTransmitted(u32),
    #[error("version {0} was already transmitted")]
    AlreadyTransmitted(u32),
    #[error("the meeting belongs to {0:?}, not to the parent group")]
    MeetingNotOfParentGroup(GroupId),
    #[error("only {days_left} days remain before the parent group's meeting; 28 are required")]
    TooLateForParentMeeting { days_left: i64 },
    #[error("no transmittal {0}")]
    TransmittalNotFound(TransmittalId),
    #[error("transmittal {0} was already acknowledged or returned")]
    TransmittalSettled(TransmittalId),
    #[error(transparent)]
    Input(#[from] InputError),
}

impl Rejection for DeliverableError {
    fn code(&self) -> &'static str {
        match self {
            Self::AlreadyDefined => "deliverable.already_defined",
            Self::NotDefined => "deliverable.not_found",
            Self::AlreadyEditor(_) => "deliverable.already_editor",
            Self::NotEditor => "deliverable.not_editor",
            Self::DecisionOnOtherSubject => "deliverable.decision_on_other_subject",
            Self::DecisionDoesNotApprove(_) => "deliverable.decision_does_not_approve",
            Self::NoDraft => "deliverable.no_draft",
            Self::UnknownVersion(_) => "deliverable.unknown_version",
            Self::AlreadyApproved(_) => "deliverable.already_approved",
            Self::VersionReturned(_) => "deliverable.version_returned",
            Self::NotApproved => "deliverable.not_approved",
            Self::NoApprovalToWithdraw => "deliverable.no_approval_to_withdraw",
            Self::ApprovalTransmitted(_) => "deliverable.approval_transmitted",
            Self::AlreadyTransmitted(_) => "deliverable.already_transmitted",
            Self::MeetingNotOfParentGroup(_) => "deliverable.meeting_not_of_parent_group",
            Self::TooLateForParentMeeting { .. } => "deliverable.too_late_for_parent_meeting",
            Self::TransmittalNotFound(_) => "deliverable.transmittal_not_found",
            Self::TransmittalSettled(_) => "deliverable.transmittal_settled",
            Self::Input(error) => error.code(),
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::AlreadyEditor(_) => Some("person"),
            Self::DecisionOnOtherSubject | Self::DecisionDoesNotApprove(_) => Some("decision"),
            Self::UnknownVersion(_) | Self::VersionReturned(_) => Some("version"),
            Self::MeetingNotOfParentGroup(_) | Self::TooLateForParentMeeting { .. } => {
                Some("parentMeetingId")
            }
            Self::TransmittalNotFound(_) | Self::TransmittalSettled(_) => Some("transmittalId"),
            Self::Input(error) => error.field(),
            Self::AlreadyDefined
            | Self::NotDefined
            | Self::NotEditor
            | Self::NoDraft
            | Self::AlreadyApproved(_)
            | Self::NotApproved
            | Self::NoApprovalToWithdraw
            | Self::ApprovalTransmitted(_)
            | Self::AlreadyTransmitted(_) => None,
        }
    }
}

/// The deliverable aggregate, stream `deliverable-{uuid}`.
#[derive(Debug)]
pub struct Deliverable;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransmittalStatus {
    Pending,
    Acknowledged,
    Returned,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Transmittal {
    pub version: u32,
    pub parent_meeting_id: MeetingId,
    pub status: TransmittalStatus,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeliverableState {
    pub defined: Option<DeliverableDefined>,
    pub editors: BTreeSet<PersonId>,
    /// The latest draft version; 0 before the first draft.
    pub latest_version: u32,
    /// The approval in force, cleared when the parent group returns that version.
    pub approved: Option<DeliverableApproved>,
    /// Decisions that approved this deliverable, so a reactor's retry records nothing twice.
    pub approving_decisions: BTreeSet<DecisionId>,
    /// The highest version the parent group returned: it and earlier ones need a new draft.
    pub returned_version: u32,
    pub transmittals: BTreeMap<TransmittalId, Transmittal>,
}

impl DeliverableState {
    pub fn is_editor(&self, person: &str) -> bool {
        self.editors.contains(person)
    }

    fn require(&self) -> Result<&DeliverableDefined, DeliverableError> {
        self.defined.as_ref().ok_or(DeliverableError::NotDefined)
    }

    fn pending_transmittal(
        &self,
        transmittal_id: TransmittalId,
    ) -> Result<&Transmittal, DeliverableError> {
        let transmittal = self
            .transmittals
            .get(&transmittal_id)
            .ok_or(DeliverableError::TransmittalNotFound(transmittal_id))?;
        if transmittal.status != TransmittalStatus::Pending {
            return Err(DeliverableError::TransmittalSettled(transmittal_id));
        }
        Ok(transmittal)
    }
}

impl Aggregate for Deliverable {
    type State = DeliverableState;
    type Command = DeliverableCommand;
    type Event = DeliverableEvent;
    type Error = DeliverableError;

    fn decide(
        state: &DeliverableState,
        command: DeliverableCommand,
    ) -> Result<Vec<DeliverableEvent>, DeliverableError> {
        match command {
            DeliverableCommand::Define(command) => {
                if state.defined.is_some() {
                    return Err(DeliverableError::AlreadyDefined);
                }
                error::required("title", &command.title, MAX_LINE)?;
                Ok(vec![DeliverableEvent::DeliverableDefined(
                    DeliverableDefined {
                        deliverable_id: command.deliverable_id,
                        group_id: command.group_id,
                        title: command.title,
                        from_terms_of_reference: command.from_terms_of_reference,
                    },
                )])
            }
            DeliverableCommand::AssignEditor(command) => {
                let deliverable = state.require()?;
                error::required("person", &command.person, 100)?;
                if state.is_editor(&command.person) {
                    return Err(DeliverableError::AlreadyEditor(command.person));
                }
                Ok(vec![DeliverableEvent::EditorAssigned(EditorAssigned {
                    deliverable_id: deliverable.deliverable_id,
                    person: command.person,
                })])
            }
            DeliverableCommand::PublishDraft(command) => {
                let deliverable = state.require()?;
                if !state.is_editor(&command.by) {
                    return Err(DeliverableError::NotEditor);
                }
                error::required("number", &command.number, 40)?;
                error::document("document", &command.document)?;
                error::optional("note", command.note.as_deref(), MAX_TEXT)?;
                Ok(vec![DeliverableEvent::DraftPublished(DraftPublished {
                    deliverable_id: deliverable.deliverable_id,
                    version: state.latest_version + 1,
                    number: command.number,
                    document: command.document,
                    builds_on: command.builds_on,
                    note: command.note,
                    published_at: command.now,
                })])
            }
            DeliverableCommand::Approve(command) => approve(state, command.decision),
            DeliverableCommand::WithdrawApproval(command) => {
                withdraw_approval(state, command.correction)
            }
            DeliverableCommand::Transmit(command) => transmit(state, command),
            DeliverableCommand::Acknowledge(command) => {
                let deliverable = state.require()?;
                state.pending_transmittal(command.transmittal_id)?;
                error::optional("note", command.note.as_deref(), MAX_TEXT)?;
                Ok(vec![DeliverableEvent::TransmittalAcknowledged(
                    TransmittalAcknowledged {
                        deliverable_id: deliverable.deliverable_id,
                        transmittal_id: command.transmittal_id,
                        note: command.note,
                    },
                )])
            }
            DeliverableCommand::Return(command) => {
                let deliverable = state.require()?;
                state.pending_transmittal(command.transmittal_id)?;
                error::required("reason", &command.reason, MAX_TEXT)?;
                Ok(vec![DeliverableEvent::TransmittalReturned(
                    TransmittalReturned {
                        deliverable_id: deliverable.deliverable_id,
                        transmittal_id: command.transmittal_id,
                        reason: command.reason,
                    },
                )])
            }
        }
    }

    fn evolve(mut state: DeliverableState, event: &DeliverableEvent) -> DeliverableState {
        match event {
            DeliverableEvent::DeliverableDefined(defined) => state.defined = Some(defined.clone()),
            DeliverableEvent::EditorAssigned(assigned) => {
                state.editors.insert(assigned.person.clone());
            }
            DeliverableEvent::DraftPublished(draft) => {
                state.latest_version = state.latest_version.max(draft.version)
            }
            DeliverableEvent::DeliverableApproved(approved) => {
                state.approving_decisions.insert(approved.decision_id);
                state.approved = Some(approved.clone());
            }
            DeliverableEvent::DeliverableApprovalWithdrawn(withdrawn) => {
                if state
                    .approved
                    .as_ref()
                    .is_some_and(|approved| approved.decision_id == withdrawn.decision_id)
                {
                    state.approved = None;
                }
            }
            DeliverableEvent::DeliverableTransmitted(transmitted) => {
                state.transmittals.insert(
                    transmitted.transmittal_id,
                    Transmittal {
                        version: transmitted.version,
                        parent_meeting_id: transmitted.parent_meeting_id,
                        status: TransmittalStatus::Pending,
                    },
                );
            }
            DeliverableEvent::TransmittalAcknowledged(acknowledged) => {
                if let Some(transmittal) = state.transmittals.get_mut(&acknowledged.transmittal_id)
                {
                    transmittal.status = TransmittalStatus::Acknowledged;
                }
            }
            DeliverableEvent::TransmittalReturned(returned) => {
                if let Some(transmittal) = state.transmittals.get_mut(&returned.transmittal_id) {
                    transmittal.status = TransmittalStatus::Returned;
                    state.returned_version = state.returned_version.max(transmittal.version);
                    if state
                        .approved
                        .as_ref()
                        .is_some_and(|approved| approved.version <= state.returned_version)
                    {
                        state.approved = None;
                    }
                }
            }
        }
        state
    }
}

fn approve(
    state: &DeliverableState,
    decision: DecisionFacts,
) -> Result<Vec<DeliverableEvent>, DeliverableError> {
    let deliverable = state.require()?;
    let named_version = match decision.subject {
        Subject::Deliverable { id, version } if id == deliverable.deliverable_id => version,
        _ => return Err(DeliverableError::DecisionOnOtherSubject),
    };
    if !decision.outcome.approves() {
        return Err(DeliverableError::DecisionDoesNotApprove(decision.outcome));
    }
    if state.approving_decisions.contains(&decision.decision_id) {
        return Err(DeliverableError::AlreadyApproved(decision.decision_id));
    }
    if state.latest_version == 0 {
        return Err(DeliverableError::NoDraft);
    }
    let version = named_version.unwrap_or(state.latest_version);
    if version == 0 || version > state.latest_version {
        return Err(DeliverableError::UnknownVersion(version));
    }
    if version <= state.returned_version {
        return Err(DeliverableError::VersionReturned(version));
    }
    Ok(vec![DeliverableEvent::DeliverableApproved(
        DeliverableApproved {
            deliverable_id: deliverable.deliverable_id,
            version,
            call_id: decision.call_id,
            decision_id: decision.decision_id,
        },
    )])
}

fn withdraw_approval(
    state: &DeliverableState,
    correction: DecisionFacts,
) -> Result<Vec<DeliverableEvent>, DeliverableError> {
    let deliverable = state.require()?;
    let on_this = matches!(
        correction.subject,
        Subject::Deliverable { id, .. } if id == deliverable.deliverable_id
    );
    if !on_this {
        return Err(DeliverableError::DecisionOnOtherSubject);
    }
    let approved = state
        .approved
        .as_ref()
        .filter(|approved| {
            !correction.outcome.approves() && Some(approved.decision_id) == correction.corrects
        })
        .ok_or(DeliverableError::NoApprovalToWithdraw)?;
    let sent = state.transmittals.values().any(|transmittal| {
        transmittal.version == approved.version && transmittal.status != TransmittalStatus::Returned
    });
    if sent {
        return Err(DeliverableError::ApprovalTransmitted(approved.version));
    }
    Ok(vec![DeliverableEvent::DeliverableApprovalWithdrawn(
        DeliverableApprovalWithdrawn {
            deliverable_id: deliverable.deliverable_id,
            version: approved.version,
            decision_id: approved.decision_id,
            corrected_by: correction.decision_id,
            outcome: correction.outcome,
        },
    )])
}

fn transmit(
    state: &DeliverableState,
    command: TransmitDeliverable,
) -> Result<Vec<DeliverableEvent>, DeliverableError> {
    let deliverable = state.require()?;
    let approved = state
        .approved
        .as_ref()
        .ok_or(DeliverableError::NotApproved)?;
    let already = state.transmittals.values().any(|transmittal| {
        transmittal.version == approved.version && transmittal.status != TransmittalStatus::Returned
    });
    if already {
        return Err(DeliverableError::AlreadyTransmitted(approved.version));
    }
    let meeting = &command.parent_meeting;
    if meeting.group_id != command.parent_group_id {
        return Err(DeliverableError::MeetingNotOfParentGroup(
            meeting.group_id.clone(),
        ));
    }
    let days_left = (meeting.starts_on - command.now.date_naive()).num_days();
    if days_left < MIN_TRANSMITTAL_DAYS {
        return Err(DeliverableError::TooLateForParentMeeting { days_left });
    }
    Ok(vec![DeliverableEvent::DeliverableTransmitted(
        DeliverableTransmitted {
            deliverable_id: deliverable.deliverable_id,
            transmittal_id: command.transmittal_id,
            version: approved.version,
            parent_group_id: command.parent_group_id,
            parent_meeting_id: meeting.meeting_id,
            parent_meeting_starts_on: meeting.starts_on,
            transmitted_at: command.now,
        },
    )])
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::testing::{at, day, given};

    const ID: Uuid = Uuid::from_u128(0xde);
    const CALL: Uuid = Uuid::from_u128(0xca11);
    const DECISION: Uuid = Uuid::from_u128(0xd1);
    const TRANSMITTAL: Uuid = Uuid::from_u128(0x7a);
    const TSAG_MEETING: Uuid = Uuid::from_u128(0x75a6);

    fn defined() -> DeliverableEvent {
        DeliverableEvent::DeliverableDefined(DeliverableDefined {
            deliverable_id: ID,
            group_id: "fg-dfc".into(),
            title: "Terminology and taxonomy".into(),
            from_terms_of_reference: true,
        })
    }

    fn editor(person: &str) -> DeliverableEvent {
        DeliverableEvent::EditorAssigned(EditorAssigned {
            deliverable_id: ID,
            person: person.into(),
        })
    }

    fn document() -> DocumentRef {
        DocumentRef {
            sha256: "c".repeat(64),
            size: 4096,
            media_type: "application/pdf".into(),
            file_name: "dfc-o-005.pdf".into(),
        }
    }

    fn publish(by: &str) -> DeliverableCommand {
        DeliverableCommand::PublishDraft(PublishDraft {
            number: "DFC-O-005".into(),
            document: document(),
            builds_on: vec![Uuid::from_u128(0xc0)],
            note: None,
            by: by.into(),
            now: at(2018, 1, 10, 9),
        })
    }

    fn draft(version: u32) -> DeliverableEvent {
        DeliverableEvent::DraftPublished(DraftPublished {
            deliverable_id: ID,
            version,
            number: "DFC-O-005".into(),
            document: document(),
            builds_on: vec![Uuid::from_u128(0xc0)],
            note: None,
            published_at: at(2018, 1, 10, 9),
        })
    }

    fn decision(decision_id: DecisionId, version: Option<u32>, outcome: Outcome) -> DecisionFacts {
        DecisionFacts {
            call_id: CALL,
            decision_id,
            corrects: None,
            subject: Subject::Deliverable { id: ID, version },
            outcome,
        }
    }

    const CORRECTION: Uuid = Uuid::from_u128(0xd2);

    /// A correction of `corrects` to `outcome`, by the reactor.
    fn withdraw(corrects: DecisionId, outcome: Outcome) -> DeliverableCommand {
        DeliverableCommand::WithdrawApproval(WithdrawApproval {
            correction: DecisionFacts {
                corrects: Some(corrects),
                ..decision(CORRECTION, None, outcome)
            },
        })
    }

    fn withdrawn(decision_id: DecisionId, version: u32) -> DeliverableEvent {
        DeliverableEvent::DeliverableApprovalWithdrawn(DeliverableApprovalWithdrawn {
            deliverable_id: ID,
            version,
            decision_id,
            corrected_by: CORRECTION,
            outcome: Outcome::FurtherStudy,
        })
    }

    fn approve(
        decision_id: DecisionId,
        version: Option<u32>,
        outcome: Outcome,
    ) -> DeliverableCommand {
        DeliverableCommand::Approve(ApproveDeliverable {
            decision: decision(decision_id, version, outcome),
        })
    }

    fn approved(decision_id: DecisionId, version: u32) -> DeliverableEvent {
        DeliverableEvent::DeliverableApproved(DeliverableApproved {
            deliverable_id: ID,
            version,
            call_id: CALL,
            decision_id,
        })
    }

    fn transmit(now: DateTime<Utc>, meeting_group: &str) -> DeliverableCommand {
        DeliverableCommand::Transmit(TransmitDeliverable {
            transmittal_id: TRANSMITTAL,
            parent_group_id: "tsag".into(),
            parent_meeting: ParentMeetingFacts {
                meeting_id: TSAG_MEETING,
                group_id: meeting_group.into(),
                starts_on: day(2018, 5, 1),
            },
            now,
        })
    }

    fn transmitted(version: u32) -> DeliverableEvent {
        DeliverableEvent::DeliverableTransmitted(DeliverableTransmitted {
            deliverable_id: ID,
            transmittal_id: TRANSMITTAL,
            version,
            parent_group_id: "tsag".into(),
            parent_meeting_id: TSAG_MEETING,
            parent_meeting_starts_on: day(2018, 5, 1),
            transmitted_at: at(2018, 4, 3, 9),
        })
    }

    fn returned() -> DeliverableEvent {
        DeliverableEvent::TransmittalReturned(TransmittalReturned {
            deliverable_id: ID,
            transmittal_id: TRANSMITTAL,
            reason: "Align terms with ITU-T Y.4000".into(),
        })
    }

    fn approved_history() -> Vec<DeliverableEvent> {
        vec![defined(), editor("ada"), draft(1), approved(DECISION, 1)]
    }

    #[test]
    fn a_deliverable_is_defined_once() {
        let define = || {
            DeliverableCommand::Define(DefineDeliverable {
                deliverable_id: ID,
                group_id: "fg-dfc".into(),
                title: "Terminology and taxonomy".into(),
                from_terms_of_reference: true,
            })
        };
        given::<Deliverable>([]).when(define()).then([defined()]);
        given::<Deliverable>([defined()])
            .when(define())
            .then_err("deliverable.already_defined");
    }

    #[test]
    fn an_editor_is_assigned_once() {
        let assign = || {
            DeliverableCommand::AssignEditor(AssignEditor {
                person: "ada".into(),
            })
        };
        given::<Deliverable>([defined()])
            .when(assign())
            .then([editor("ada")]);
        given::<Deliverable>([defined(), editor("ada")])
            .when(assign())
            .then_err("deliverable.already_editor");
        given::<Deliverable>([])
            .when(assign())
            .then_err("deliverable.not_found");
    }

    #[test]
    fn only_an_assigned_editor_publishes_drafts_numbered_from_one() {
        given::<Deliverable>([defined(), editor("ada")])
            .when(publish("ada"))
            .then([draft(1)]);
        given::<Deliverable>([defined(), editor("ada"), draft(1)])
            .when(publish("ada"))
            .then([draft(2)]);
        given::<Deliverable>([defined(), editor("ada")])
            .when(publish("li.wei"))
            .then_err("deliverable.not_editor");
    }

    #[test]
    fn an_approving_decision_on_the_deliverable_approves_the_named_version() {
        given::<Deliverable>([defined(), editor("ada"), draft(1), draft(2)])
            .when(approve(DECISION, Some(1), Outcome::AgreedWithModifications))
            .then([approved(DECISION, 1)]);
    }

    #[test]
    fn a_decision_naming_no_version_approves_the_latest_draft() {
        given::<Deliverable>([defined(), editor("ada"), draft(1), draft(2)])
            .when(approve(DECISION, None, Outcome::Agreed))
            .then([approved(DECISION, 2)]);
    }

    #[test]
    fn only_an_approving_decision_on_this_deliverable_approves() {
        let history = || [defined(), editor("ada"), draft(1)];
        given::<Deliverable>(history())
            .when(approve(DECISION, Some(1), Outcome::FurtherStudy))
            .then_err("deliverable.decision_does_not_approve");
        let other = DecisionFacts {
            call_id: CALL,
            decision_id: DECISION,
            corrects: None,
            subject: Subject::Deliverable {
                id: Uuid::from_u128(0xbad),
                version: Some(1),
            },
            outcome: Outcome::Agreed,
        };
        given::<Deliverable>(history())
            .when(DeliverableCommand::Approve(ApproveDeliverable {
                decision: other,
            }))
            .then_err("deliverable.decision_on_other_subject");
    }

    #[test]
    fn a_correction_that_no_longer_approves_withdraws_the_approval_it_corrects() {
        given::<Deliverable>(approved_history())
            .when(withdraw(DECISION, Outcome::FurtherStudy))
            .then([withdrawn(DECISION, 1)]);
        let mut history = approved_history();
        history.push(withdrawn(DECISION, 1));
        given::<Deliverable>(history.clone())
            .when(transmit(at(2018, 4, 3, 9), "tsag"))
            .then_err("deliverable.not_approved");
        given::<Deliverable>(history)
            .when(approve(Uuid::from_u128(0xd3), Some(1), Outcome::Agreed))
            .then([approved(Uuid::from_u128(0xd3), 1)]);
    }

    #[test]
    fn only_the_approval_in_force_from_the_corrected_decision_is_withdrawn() {
        given::<Deliverable>(approved_history())
            .when(withdraw(Uuid::from_u128(0xd9), Outcome::FurtherStudy))
            .then_err("deliverable.no_approval_to_withdraw");
        given::<Deliverable>(approved_history())
            .when(withdraw(DECISION, Outcome::AgreedWithModifications))
            .then_err("deliverable.no_approval_to_withdraw");
        given::<Deliverable>([defined(), editor("ada"), draft(1)])
            .when(withdraw(DECISION, Outcome::FurtherStudy))
            .then_err("deliverable.no_approval_to_withdraw");
    }

    #[test]
    fn an_approval_already_sent_to_the_parent_group_is_not_withdrawn() {
        let mut history = approved_history();
        history.push(transmitted(1));
        given::<Deliverable>(history)
            .when(withdraw(DECISION, Outcome::FurtherStudy))
            .then_err("deliverable.approval_transmitted");
    }

    #[test]
    fn approval_needs_a_published_version() {
        given::<Deliverable>([defined()])
            .when(approve(DECISION, None, Outcome::Agreed))
            .then_err("deliverable.no_draft");
        given::<Deliverable>([defined(), editor("ada"), draft(1)])
            .when(approve(DECISION, Some(3), Outcome::Agreed))
            .then_err("deliverable.unknown_version");
    }

    #[test]
    fn a_decision_approves_once() {
        given::<Deliverable>(approved_history())
            .when(approve(DECISION, Some(1), Outcome::Agreed))
            .then_err("deliverable.already_approved");
    }

    #[test]
    fn decision_facts_come_from_recorded_and_corrected_decisions() {
        let recorded = DecisionRecorded {
            call_id: CALL,
            decision_id: DECISION,
            group_id: "fg-dfc".into(),
            subject: Subject::Deliverable {
                id: ID,
                version: Some(1),
            },
            outcome: Outcome::Agreed,
            summary: "Agreed".into(),
            objections: vec![],
            decided_at: at(2018, 3, 1, 9),
        };
        assert_eq!(
            DecisionFacts::from(&recorded),
            decision(DECISION, Some(1), Outcome::Agreed)
        );
    }

    #[test]
    fn the_approved_version_is_transmitted_four_weeks_before_the_parent_meeting() {
        given::<Deliverable>(approved_history())
            .when(transmit(at(2018, 4, 3, 9), "tsag"))
            .then([transmitted(1)]);
    }

    #[test]
    fn fewer_than_four_weeks_before_the_parent_meeting_is_too_late() {
        let error = Deliverable::decide(
            &Deliverable::replay(&approved_history()),
            transmit(at(2018, 4, 4, 9), "tsag"),
        )
        .unwrap_err();
        assert_eq!(
            error,
            DeliverableError::TooLateForParentMeeting { days_left: 27 }
        );
        assert_eq!(error.code(), "deliverable.too_late_for_parent_meeting");
    }

    #[test]
    fn the_meeting_must_be_the_parent_groups() {
        given::<Deliverable>(approved_history())
            .when(transmit(at(2018, 4, 3, 9), "dcgi"))
            .then_err("deliverable.meeting_not_of_parent_group");
    }

    #[test]
    fn only_an_approved_deliverable_is_transmitted() {
        given::<Deliverable>([defined(), editor("ada"), draft(1)])
            .when(transmit(at(2018, 4, 3, 9), "tsag"))
            .then_err("deliverable.not_approved");
    }

    #[test]
    fn a_version_is_transmitted_once() {
        let history = [approved_history(), vec![transmitted(1)]].concat();
        given::<Deliverable>(history)
            .when(transmit(at(2018, 4, 3, 9), "tsag"))
            .then_err("deliverable.already_transmitted");
    }

    #[test]
    fn the_parent_group_acknowledges_a_pending_transmittal_once() {
        let acknowledge = || {
            DeliverableCommand::Acknowledge(AcknowledgeTransmittal {
                transmittal_id: TRANSMITTAL,
                note: Some("Noted".into()),
            })
        };
        let acknowledged = DeliverableEvent::TransmittalAcknowledged(TransmittalAcknowledged {
            deliverable_id: ID,
            transmittal_id: TRANSMITTAL,
            note: Some("Noted".into()),
        });
        let history = [approved_history(), vec![transmitted(1)]].concat();
        given::<Deliverable>(history.clone())
            .when(acknowledge())
            .then([acknowledged.clone()]);
        given::<Deliverable>([history, vec![acknowledged]].concat())
            .when(acknowledge())
            .then_err("deliverable.transmittal_settled");
        given::<Deliverable>(approved_history())
            .when(acknowledge())
            .then_err("deliverable.transmittal_not_found");
    }

    #[test]
    fn a_returned_version_needs_a_new_draft_and_decision() {
        let return_it = DeliverableCommand::Return(ReturnTransmittal {
            transmittal_id: TRANSMITTAL,
            reason: "Align terms with ITU-T Y.4000".into(),
        });
        let history = [approved_history(), vec![transmitted(1)]].concat();
        given::<Deliverable>(history.clone())
            .when(return_it)
            .then([returned()]);

        let after_return = [history, vec![returned()]].concat();
        given::<Deliverable>(after_return.clone())
            .when(transmit(at(2018, 4, 3, 9), "tsag"))
            .then_err("deliverable.not_approved");
        given::<Deliverable>(after_return.clone())
            .when(approve(Uuid::from_u128(0xd2), Some(1), Outcome::Agreed))
            .then_err("deliverable.version_returned");
        let revised = [after_return, vec![draft(2)]].concat();
        given::<Deliverable>(revised.clone())
            .when(approve(Uuid::from_u128(0xd2), Some(2), Outcome::Agreed))
            .then([approved(Uuid::from_u128(0xd2), 2)]);
    }

    #[test]
    fn a_return_needs_a_reason() {
        let history = [approved_history(), vec![transmitted(1)]].concat();
        given::<Deliverable>(history)
            .when(DeliverableCommand::Return(ReturnTransmittal {
                transmittal_id: TRANSMITTAL,
                reason: String::new(),
            }))
            .then_err("input.blank");
    }
}
