//! Contributions: input documents submitted for a meeting's agenda item, their revisions and
//! withdrawal, and the chair's acceptance or refusal of late ones.

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{InputError, Rejection};
use crate::events::{ContributionId, DocumentRef, GroupId, MeetingId, PersonId};

#[derive(Debug, Clone, PartialEq)]
pub enum ContributionCommand {
    Submit(SubmitContribution),
    Revise(ReviseContribution),
    Withdraw(WithdrawContribution),
    AcceptLate(AcceptLateContribution),
    RefuseLate(RefuseLateContribution),
}

/// What the contributions service knows of the meeting (from its stream).
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingFacts {
    pub meeting_id: MeetingId,
    pub group_id: GroupId,
    pub ends_on: NaiveDate,
    /// From `MeetingAnnounced`: start minus 12 calendar days.
    pub contribution_deadline: NaiveDate,
    /// Ids of the meeting's agenda items.
    pub agenda_items: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SubmitContribution {
    pub contribution_id: ContributionId,
    pub group_id: GroupId,
    pub meeting: MeetingFacts,
    pub agenda_item: String,
    /// Assigned by the group's register beforehand: `DFC-I-012`.
    pub number: String,
    pub title: String,
    pub source_organisations: Vec<String>,
    /// The submitter first; revising and withdrawing is for these people.
    pub authors: Vec<PersonId>,
    pub document: DocumentRef,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReviseContribution {
    pub title: String,
    pub document: DocumentRef,
    pub note: Option<String>,
    /// The meeting's contribution deadline: a revision after it is late again.
    pub contribution_deadline: NaiveDate,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WithdrawContribution {
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AcceptLateContribution {
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RefuseLateContribution {
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContributionError {
    #[error("the contribution was already submitted")]
    AlreadySubmitted,
    #[error("no such contribution")]
    NotSubmitted,
    #[error("the meeting belongs to group {0:?}")]
    MeetingOfOtherGroup(GroupId),
    #[error("the meeting is over")]
    MeetingOver,
    #[error("the meeting has no agenda item {0:?}")]
    UnknownAgendaItem(String),
    #[error("a contribution needs at least one author")]
    NoAuthors,
    #[error("a contribution needs at least one source organisation")]
    NoSourceOrganisations,
    #[error("the contribution was withdrawn")]
    Withdrawn,
    #[error("the chair refused the late contribution")]
    Refused,
    #[error("the contribution is not waiting for the chair to accept or refuse it late")]
    NotAwaitingChair,
    #[error(transparent)]
    Input(#[from] InputError),
}

impl Rejection for ContributionError {
    fn code(&self) -> &'static str {
        match self {
            Self::AlreadySubmitted => "contribution.already_submitted",
            Self::NotSubmitted => "contribution.not_found",
            Self::MeetingOfOtherGroup(_) => "contribution.meeting_of_other_group",
            Self::MeetingOver => "contribution.meeting_over",
            Self::UnknownAgendaItem(_) => "contribution.unknown_agenda_item",
            Self::NoAuthors => "contribution.no_authors",
            Self::NoSourceOrganisations => "contribution.no_source_organisations",
            Self::Withdrawn => "contribution.withdrawn",
            Self::Refused => "contribution.refused",
            Self::NotAwaitingChair => "contribution.not_awaiting_chair",
            Self::Input(error) => error.code(),
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::MeetingOfOtherGroup(_) | Self::MeetingOver => Some("meetingId"),
            Self::UnknownAgendaItem(_) => Some("agendaItem"),
            Self::NoAuthors => Some("authors"),
            Self::NoSourceOrganisations => Some("sourceOrganisations"),
            Self::Input(error) => error.field(),
            Self::AlreadySubmitted
            | Self::NotSubmitted
            | Self::Withdrawn
            | Self::Refused
            | Self::NotAwaitingChair => None,
        }
    }
}
