//! Consensus: the chair opens a call on a subject with a closing time; participants state and
//! change positions; the chair records a decision with the objections and what became of
//! each; a decision changes only by a correction naming it.

use chrono::{DateTime, Utc};

use crate::error::{InputError, Rejection};
use crate::events::{
    CallId, DecisionId, GroupId, ObjectionRecord, Outcome, PersonId, Stance, Subject,
};

#[derive(Debug, Clone, PartialEq)]
pub enum ConsensusCommand {
    Open(OpenConsensusCall),
    StatePosition(StatePosition),
    RecordDecision(RecordDecision),
    CorrectDecision(CorrectDecision),
}

#[derive(Debug, Clone, PartialEq)]
pub struct OpenConsensusCall {
    pub call_id: CallId,
    pub group_id: GroupId,
    pub subject: Subject,
    pub question: String,
    pub closes_at: DateTime<Utc>,
    pub now: DateTime<Utc>,
}

/// Stating a position again replaces the earlier one; both stay in the history.
#[derive(Debug, Clone, PartialEq)]
pub struct StatePosition {
    pub participant: PersonId,
    pub stance: Stance,
    /// Required when objecting.
    pub reason: Option<String>,
    pub now: DateTime<Utc>,
}

/// Ends the call (the chair may judge consensus before the closing time).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordDecision {
    pub decision_id: DecisionId,
    pub outcome: Outcome,
    pub summary: String,
    /// Every standing objection must be listed, and only objections raised in the call.
    pub objections: Vec<ObjectionRecord>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CorrectDecision {
    pub decision_id: DecisionId,
    /// The decision in force (the last recorded or corrected one).
    pub corrects: DecisionId,
    pub outcome: Outcome,
    pub summary: String,
    pub objections: Vec<ObjectionRecord>,
    pub reason: String,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsensusError {
    #[error("the call is already open")]
    AlreadyOpened,
    #[error("no such consensus call")]
    NotOpened,
    #[error("the closing time must be in the future")]
    ClosesInPast,
    #[error("the call closed")]
    Closed,
    #[error("a decision has been recorded on this call")]
    AlreadyDecided,
    #[error("no decision has been recorded on this call yet")]
    NotDecided,
    #[error("an objection needs a reason")]
    ReasonRequired,
    #[error("that is already the participant's position")]
    PositionUnchanged,
    #[error("{0} raised no objection in this call")]
    UnknownObjection(PersonId),
    #[error("the standing objection of {0} is not accounted for")]
    ObjectionUnaccounted(PersonId),
    #[error("an outcome that approves cannot stand with a sustained objection")]
    SustainedObjection,
    #[error("decision {0} was not recorded in this call")]
    UnknownDecision(DecisionId),
    #[error("decision {0} was already corrected; correct the one in force")]
    DecisionSuperseded(DecisionId),
    #[error("decision id {0} is already used")]
    DuplicateDecision(DecisionId),
    #[error(transparent)]
    Input(#[from] InputError),
}

impl Rejection for ConsensusError {
    fn code(&self) -> &'static str {
        match self {
            Self::AlreadyOpened => "consensus.already_opened",
            Self::NotOpened => "consensus.not_found",
            Self::ClosesInPast => "consensus.closes_in_past",
            Self::Closed => "consensus.closed",
            Self::AlreadyDecided => "consensus.already_decided",
            Self::NotDecided => "consensus.not_decided",
            Self::ReasonRequired => "consensus.reason_required",
            Self::PositionUnchanged => "consensus.position_unchanged",
            Self::UnknownObjection(_) => "consensus.unknown_objection",
            Self::ObjectionUnaccounted(_) => "consensus.objection_unaccounted",
            Self::SustainedObjection => "consensus.sustained_objection",
            Self::UnknownDecision(_) => "consensus.unknown_decision",
            Self::DecisionSuperseded(_) => "consensus.decision_superseded",
            Self::DuplicateDecision(_) => "consensus.duplicate_decision",
            Self::Input(error) => error.code(),
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::ClosesInPast => Some("closesAt"),
            Self::ReasonRequired => Some("reason"),
            Self::PositionUnchanged => Some("stance"),
            Self::UnknownObjection(_) | Self::ObjectionUnaccounted(_) => Some("objections"),
            Self::SustainedObjection => Some("outcome"),
            Self::UnknownDecision(_) | Self::DecisionSuperseded(_) => Some("corrects"),
            Self::DuplicateDecision(_) => Some("decisionId"),
            Self::Input(error) => error.field(),
            Self::AlreadyOpened
            | Self::NotOpened
            | Self::Closed
            | Self::AlreadyDecided
            | Self::NotDecided => None,
        }
    }
}
