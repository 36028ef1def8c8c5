//! Contributions: input documents submitted for a meeting's agenda item, their revisions and
//! withdrawal, and the chair's acceptance or refusal of late ones.

use chrono::{DateTime, NaiveDate, Utc};

use crate::aggregate::Aggregate;
use crate::error::{self, InputError, MAX_LINE, MAX_TEXT, Rejection};
use crate::events::{
    ContributionEvent, ContributionId, ContributionRevised, ContributionSubmitted,
    ContributionWithdrawn, DocumentRef, GroupId, LateContributionAccepted, LateContributionRefused,
    MeetingId, PersonId,
};

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

/// The contribution aggregate, stream `contribution-{uuid}`.
#[derive(Debug)]
pub struct Contribution;

/// Where a contribution stands with respect to the deadline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lateness {
    #[default]
    OnTime,
    /// Submitted or revised after the deadline: waits for the chair.
    AwaitingChair,
    AcceptedLate,
    RefusedLate,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContributionState {
    pub submitted: Option<ContributionSubmitted>,
    /// 0 until the first revision.
    pub revision: u32,
    pub lateness: Lateness,
    pub withdrawn: bool,
}

impl ContributionState {
    /// Whether `person` is one of the authors (who may revise and withdraw it).
    pub fn is_author(&self, person: &str) -> bool {
        self.submitted
            .as_ref()
            .is_some_and(|submitted| submitted.authors.iter().any(|author| author == person))
    }

    fn require(&self) -> Result<&ContributionSubmitted, ContributionError> {
        self.submitted
            .as_ref()
            .ok_or(ContributionError::NotSubmitted)
    }

    /// Revisable and withdrawable: neither withdrawn nor refused.
    fn require_live(&self) -> Result<&ContributionSubmitted, ContributionError> {
        let submitted = self.require()?;
        if self.withdrawn {
            return Err(ContributionError::Withdrawn);
        }
        if self.lateness == Lateness::RefusedLate {
            return Err(ContributionError::Refused);
        }
        Ok(submitted)
    }

    fn require_awaiting_chair(&self) -> Result<&ContributionSubmitted, ContributionError> {
        let submitted = self.require_live()?;
        if self.lateness != Lateness::AwaitingChair {
            return Err(ContributionError::NotAwaitingChair);
        }
        Ok(submitted)
    }
}

impl Aggregate for Contribution {
    type State = ContributionState;
    type Command = ContributionCommand;
    type Event = ContributionEvent;
    type Error = ContributionError;

    fn decide(
        state: &ContributionState,
        command: ContributionCommand,
    ) -> Result<Vec<ContributionEvent>, ContributionError> {
        match command {
            ContributionCommand::Submit(command) => submit(state, command),
            ContributionCommand::Revise(command) => {
                let submitted = state.require_live()?;
                error::required("title", &command.title, MAX_LINE)?;
                error::document("document", &command.document)?;
                error::optional("note", command.note.as_deref(), MAX_TEXT)?;
                Ok(vec![ContributionEvent::ContributionRevised(
                    ContributionRevised {
                        contribution_id: submitted.contribution_id,
                        revision: state.revision + 1,
                        title: command.title,
                        document: command.document,
                        note: command.note,
                        revised_at: command.now,
                        late: command.now.date_naive() > command.contribution_deadline,
                    },
                )])
            }
            ContributionCommand::Withdraw(command) => {
                let submitted = state.require_live()?;
                error::optional("reason", command.reason.as_deref(), MAX_TEXT)?;
                Ok(vec![ContributionEvent::ContributionWithdrawn(
                    ContributionWithdrawn {
                        contribution_id: submitted.contribution_id,
                        reason: command.reason,
                    },
                )])
            }
            ContributionCommand::AcceptLate(command) => {
                let submitted = state.require_awaiting_chair()?;
                error::optional("reason", command.reason.as_deref(), MAX_TEXT)?;
                Ok(vec![ContributionEvent::LateContributionAccepted(
                    LateContributionAccepted {
                        contribution_id: submitted.contribution_id,
                        reason: command.reason,
                    },
                )])
            }
            ContributionCommand::RefuseLate(command) => {
                let submitted = state.require_awaiting_chair()?;
                error::required("reason", &command.reason, MAX_TEXT)?;
                Ok(vec![ContributionEvent::LateContributionRefused(
                    LateContributionRefused {
                        contribution_id: submitted.contribution_id,
                        reason: command.reason,
                    },
                )])
            }
        }
    }

    fn evolve(mut state: ContributionState, event: &ContributionEvent) -> ContributionState {
        match event {
            ContributionEvent::ContributionSubmitted(submitted) => {
                state.lateness = if submitted.late {
                    Lateness::AwaitingChair
                } else {
                    Lateness::OnTime
                };
                state.submitted = Some(submitted.clone());
            }
            ContributionEvent::ContributionRevised(revised) => {
                state.revision = revised.revision;
                // A late revision is a late document again: the chair decides on it anew.
                if revised.late {
                    state.lateness = Lateness::AwaitingChair;
                }
            }
            ContributionEvent::ContributionWithdrawn(_) => state.withdrawn = true,
            ContributionEvent::LateContributionAccepted(_) => {
                state.lateness = Lateness::AcceptedLate
            }
            ContributionEvent::LateContributionRefused(_) => state.lateness = Lateness::RefusedLate,
        }
        state
    }
}

fn submit(
    state: &ContributionState,
    command: SubmitContribution,
) -> Result<Vec<ContributionEvent>, ContributionError> {
    if state.submitted.is_some() {
        return Err(ContributionError::AlreadySubmitted);
    }
    let meeting = &command.meeting;
    if meeting.group_id != command.group_id {
        return Err(ContributionError::MeetingOfOtherGroup(
            meeting.group_id.clone(),
        ));
    }
    let today = command.now.date_naive();
    if today > meeting.ends_on {
        return Err(ContributionError::MeetingOver);
    }
    if !meeting.agenda_items.contains(&command.agenda_item) {
        return Err(ContributionError::UnknownAgendaItem(command.agenda_item));
    }
    error::required("number", &command.number, 40)?;
    error::required("title", &command.title, MAX_LINE)?;
    if command.authors.is_empty() {
        return Err(ContributionError::NoAuthors);
    }
    for author in &command.authors {
        error::required("authors", author, 100)?;
    }
    if command.source_organisations.is_empty() {
        return Err(ContributionError::NoSourceOrganisations);
    }
    for organisation in &command.source_organisations {
        error::required("sourceOrganisations", organisation, MAX_LINE)?;
    }
    error::document("document", &command.document)?;
    Ok(vec![ContributionEvent::ContributionSubmitted(
        ContributionSubmitted {
            contribution_id: command.contribution_id,
            group_id: command.group_id,
            meeting_id: meeting.meeting_id,
            agenda_item: command.agenda_item,
            number: command.number,
            title: command.title,
            source_organisations: command.source_organisations,
            authors: command.authors,
            document: command.document,
            submitted_at: command.now,
            late: today > meeting.contribution_deadline,
        },
    )])
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::testing::{at, day, given};

    const ID: Uuid = Uuid::from_u128(0xc0);
    const MEETING: Uuid = Uuid::from_u128(0x1013);

    fn document(byte: char) -> DocumentRef {
        DocumentRef {
            sha256: byte.to_string().repeat(64),
            size: 2048,
            media_type: "application/pdf".into(),
            file_name: "dfc-i-012.pdf".into(),
        }
    }

    fn meeting() -> MeetingFacts {
        MeetingFacts {
            meeting_id: MEETING,
            group_id: "fg-dfc".into(),
            ends_on: day(2017, 10, 13),
            contribution_deadline: day(2017, 10, 1),
            agenda_items: vec!["1".into(), "4.2".into()],
        }
    }

    fn submit(now: DateTime<Utc>) -> SubmitContribution {
        SubmitContribution {
            contribution_id: ID,
            group_id: "fg-dfc".into(),
            meeting: meeting(),
            agenda_item: "4.2".into(),
            number: "DFC-I-012".into(),
            title: "Terminology for digital fiat currency".into(),
            source_organisations: vec!["People's Bank of China".into()],
            authors: vec!["li.wei".into()],
            document: document('a'),
            now,
        }
    }

    fn submitted(now: DateTime<Utc>, late: bool) -> ContributionEvent {
        ContributionEvent::ContributionSubmitted(ContributionSubmitted {
            contribution_id: ID,
            group_id: "fg-dfc".into(),
            meeting_id: MEETING,
            agenda_item: "4.2".into(),
            number: "DFC-I-012".into(),
            title: "Terminology for digital fiat currency".into(),
            source_organisations: vec!["People's Bank of China".into()],
            authors: vec!["li.wei".into()],
            document: document('a'),
            submitted_at: now,
            late,
        })
    }

    fn revise(now: DateTime<Utc>) -> ContributionCommand {
        ContributionCommand::Revise(ReviseContribution {
            title: "Terminology for digital fiat currency (rev.)".into(),
            document: document('b'),
            note: Some("Adds definitions".into()),
            contribution_deadline: day(2017, 10, 1),
            now,
        })
    }

    fn revised(revision: u32, now: DateTime<Utc>, late: bool) -> ContributionEvent {
        ContributionEvent::ContributionRevised(ContributionRevised {
            contribution_id: ID,
            revision,
            title: "Terminology for digital fiat currency (rev.)".into(),
            document: document('b'),
            note: Some("Adds definitions".into()),
            revised_at: now,
            late,
        })
    }

    fn withdrawn() -> ContributionEvent {
        ContributionEvent::ContributionWithdrawn(ContributionWithdrawn {
            contribution_id: ID,
            reason: None,
        })
    }

    fn refused() -> ContributionEvent {
        ContributionEvent::LateContributionRefused(LateContributionRefused {
            contribution_id: ID,
            reason: "too late".into(),
        })
    }

    fn accept() -> ContributionCommand {
        ContributionCommand::AcceptLate(AcceptLateContribution { reason: None })
    }

    #[test]
    fn a_contribution_on_the_deadline_day_is_on_time() {
        let now = at(2017, 10, 1, 23);
        given::<Contribution>([])
            .when(ContributionCommand::Submit(submit(now)))
            .then([submitted(now, false)]);
    }

    #[test]
    fn a_contribution_after_the_deadline_day_is_late_and_waits_for_the_chair() {
        let now = at(2017, 10, 2, 0);
        given::<Contribution>([])
            .when(ContributionCommand::Submit(submit(now)))
            .then([submitted(now, true)]);
        assert_eq!(
            Contribution::replay(&[submitted(now, true)]).lateness,
            Lateness::AwaitingChair
        );
    }

    #[test]
    fn a_contribution_is_submitted_once() {
        let now = at(2017, 9, 20, 9);
        given::<Contribution>([submitted(now, false)])
            .when(ContributionCommand::Submit(submit(now)))
            .then_err("contribution.already_submitted");
    }

    #[test]
    fn the_agenda_item_must_be_on_the_meetings_agenda() {
        let mut command = submit(at(2017, 9, 20, 9));
        command.agenda_item = "7".into();
        let error = Contribution::decide(
            &ContributionState::default(),
            ContributionCommand::Submit(command),
        )
        .unwrap_err();
        assert_eq!(
            (error.code(), error.field()),
            ("contribution.unknown_agenda_item", Some("agendaItem"))
        );
    }

    #[test]
    fn the_meeting_must_be_of_the_same_group_and_not_over() {
        let mut command = submit(at(2017, 9, 20, 9));
        command.meeting.group_id = "dcgi".into();
        given::<Contribution>([])
            .when(ContributionCommand::Submit(command))
            .then_err("contribution.meeting_of_other_group");
        given::<Contribution>([])
            .when(ContributionCommand::Submit(submit(at(2017, 10, 14, 9))))
            .then_err("contribution.meeting_over");
    }

    #[test]
    fn a_contribution_needs_authors_sources_and_a_document() {
        let mut command = submit(at(2017, 9, 20, 9));
        command.authors.clear();
        given::<Contribution>([])
            .when(ContributionCommand::Submit(command))
            .then_err("contribution.no_authors");
        let mut command = submit(at(2017, 9, 20, 9));
        command.source_organisations.clear();
        given::<Contribution>([])
            .when(ContributionCommand::Submit(command))
            .then_err("contribution.no_source_organisations");
        let mut command = submit(at(2017, 9, 20, 9));
        command.document.size = 0;
        given::<Contribution>([])
            .when(ContributionCommand::Submit(command))
            .then_err("input.invalid");
    }

    #[test]
    fn revisions_are_numbered_from_one() {
        let first = at(2017, 9, 20, 9);
        let second = at(2017, 9, 25, 9);
        given::<Contribution>([submitted(first, false)])
            .when(revise(second))
            .then([revised(1, second, false)]);
        given::<Contribution>([submitted(first, false), revised(1, second, false)])
            .when(revise(second))
            .then([revised(2, second, false)]);
    }

    #[test]
    fn a_revision_after_the_deadline_waits_for_the_chair_again() {
        let first = at(2017, 9, 20, 9);
        let late = at(2017, 10, 5, 9);
        given::<Contribution>([submitted(first, false)])
            .when(revise(late))
            .then([revised(1, late, true)]);
        let state = Contribution::replay(&[submitted(first, false), revised(1, late, true)]);
        assert_eq!(state.lateness, Lateness::AwaitingChair);
    }

    #[test]
    fn a_withdrawn_or_refused_contribution_is_not_revised() {
        let now = at(2017, 10, 5, 9);
        given::<Contribution>([submitted(now, false), withdrawn()])
            .when(revise(now))
            .then_err("contribution.withdrawn");
        given::<Contribution>([submitted(now, true), refused()])
            .when(revise(now))
            .then_err("contribution.refused");
        given::<Contribution>([])
            .when(revise(now))
            .then_err("contribution.not_found");
    }

    #[test]
    fn a_contribution_is_withdrawn_once() {
        let now = at(2017, 9, 20, 9);
        let withdraw = || ContributionCommand::Withdraw(WithdrawContribution { reason: None });
        given::<Contribution>([submitted(now, false)])
            .when(withdraw())
            .then([withdrawn()]);
        given::<Contribution>([submitted(now, false), withdrawn()])
            .when(withdraw())
            .then_err("contribution.withdrawn");
    }

    #[test]
    fn the_chair_accepts_a_late_contribution() {
        let now = at(2017, 10, 5, 9);
        given::<Contribution>([submitted(now, true)])
            .when(accept())
            .then([ContributionEvent::LateContributionAccepted(
                LateContributionAccepted {
                    contribution_id: ID,
                    reason: None,
                },
            )]);
    }

    #[test]
    fn the_chair_refuses_a_late_contribution_with_a_reason() {
        let now = at(2017, 10, 5, 9);
        given::<Contribution>([submitted(now, true)])
            .when(ContributionCommand::RefuseLate(RefuseLateContribution {
                reason: "too late".into(),
            }))
            .then([refused()]);
        given::<Contribution>([submitted(now, true)])
            .when(ContributionCommand::RefuseLate(RefuseLateContribution {
                reason: " ".into(),
            }))
            .then_err("input.blank");
    }

    #[test]
    fn only_a_late_contribution_still_pending_is_accepted_or_refused() {
        let now = at(2017, 9, 20, 9);
        given::<Contribution>([submitted(now, false)])
            .when(accept())
            .then_err("contribution.not_awaiting_chair");
        let accepted = ContributionEvent::LateContributionAccepted(LateContributionAccepted {
            contribution_id: ID,
            reason: None,
        });
        given::<Contribution>([submitted(now, true), accepted])
            .when(accept())
            .then_err("contribution.not_awaiting_chair");
        given::<Contribution>([submitted(now, true), withdrawn()])
            .when(accept())
            .then_err("contribution.withdrawn");
    }

    #[test]
    fn authors_are_known_to_the_state() {
        let state = Contribution::replay(&[submitted(at(2017, 9, 20, 9), false)]);
        assert!(state.is_author("li.wei"));
        assert!(!state.is_author("ada"));
    }
}
