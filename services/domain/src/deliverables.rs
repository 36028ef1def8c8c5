//! Deliverables: defined from the terms of reference, drafted by their editors as numbered
//! output documents, approved only by a consensus decision, transmitted to the parent group at
//! least four weeks before its meeting, and acknowledged or returned there.

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{InputError, Rejection};
use crate::events::{
    CallId, ContributionId, DecisionCorrected, DecisionId, DecisionRecorded, DeliverableId,
    DocumentRef, GroupId, MeetingId, Outcome, PersonId, Subject, TransmittalId,
};

/// Calendar days that must remain before the parent group's meeting for a transmittal.
pub const MIN_TRANSMITTAL_DAYS: i64 = 28;

#[derive(Debug, Clone, PartialEq)]
pub enum DeliverableCommand {
    Define(DefineDeliverable),
    AssignEditor(AssignEditor),
    PublishDraft(PublishDraft),
    Approve(ApproveDeliverable),
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
    pub subject: Subject,
    pub outcome: Outcome,
}

impl From<&DecisionRecorded> for DecisionFacts {
    fn from(decision: &DecisionRecorded) -> Self {
        Self {
            call_id: decision.call_id,
            decision_id: decision.decision_id,
            subject: decision.subject.clone(),
            outcome: decision.outcome,
        }
    }
}

impl From<&DecisionCorrected> for DecisionFacts {
    fn from(decision: &DecisionCorrected) -> Self {
        Self {
            call_id: decision.call_id,
            decision_id: decision.decision_id,
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
            | Self::AlreadyTransmitted(_) => None,
        }
    }
}
