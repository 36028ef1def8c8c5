//! Consensus: the chair opens a call on a subject with a closing time; participants state and
//! change positions; the chair records a decision with the objections and what became of
//! each; a decision changes only by a correction naming it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use crate::aggregate::Aggregate;
use crate::error::{self, InputError, MAX_LINE, MAX_TEXT, Rejection};
use crate::events::{
    CallId, ConsensusCallOpened, ConsensusEvent, DecisionCorrected, DecisionId, DecisionRecorded,
    Disposition, GroupId, ObjectionRecord, Outcome, PersonId, PositionStated, Stance, Subject,
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

/// The consensus-call aggregate, stream `consensus-{uuid}`.
#[derive(Debug)]
pub struct ConsensusCall;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallState {
    pub opened: Option<ConsensusCallOpened>,
    /// Each participant's current position and reason.
    pub positions: BTreeMap<PersonId, (Stance, Option<String>)>,
    /// Everyone who objected at some point in the call, even if they changed position since.
    pub objectors: BTreeSet<PersonId>,
    /// Every decision id recorded in the call, corrected ones included.
    pub decisions: BTreeSet<DecisionId>,
    /// The decision in force: the last recorded or corrected one.
    pub in_force: Option<(DecisionId, Outcome)>,
}

impl CallState {
    fn require(&self) -> Result<&ConsensusCallOpened, ConsensusError> {
        self.opened.as_ref().ok_or(ConsensusError::NotOpened)
    }

    /// Objections raised and not changed since: the chair must say what became of each.
    pub fn standing_objectors(&self) -> impl Iterator<Item = &PersonId> {
        self.positions
            .iter()
            .filter(|(_, (stance, _))| *stance == Stance::Object)
            .map(|(person, _)| person)
    }

    /// The objection records must cover every standing objection, name only people who
    /// objected in this call, and an approving outcome cannot stand with a sustained one.
    fn check_objections(
        &self,
        outcome: Outcome,
        objections: &[ObjectionRecord],
    ) -> Result<(), ConsensusError> {
        for objection in objections {
            if !self.objectors.contains(&objection.participant) {
                return Err(ConsensusError::UnknownObjection(
                    objection.participant.clone(),
                ));
            }
            error::required("objections", &objection.reason, MAX_TEXT)?;
            error::optional("objections", objection.note.as_deref(), MAX_TEXT)?;
        }
        if let Some(unaccounted) = self.standing_objectors().find(|person| {
            !objections
                .iter()
                .any(|record| record.participant == **person)
        }) {
            return Err(ConsensusError::ObjectionUnaccounted(unaccounted.clone()));
        }
        if outcome.approves()
            && objections
                .iter()
                .any(|record| record.disposition == Disposition::Sustained)
        {
            return Err(ConsensusError::SustainedObjection);
        }
        Ok(())
    }

    fn check_new_decision_id(&self, decision_id: DecisionId) -> Result<(), ConsensusError> {
        if self.decisions.contains(&decision_id) {
            Err(ConsensusError::DuplicateDecision(decision_id))
        } else {
            Ok(())
        }
    }
}

impl Aggregate for ConsensusCall {
    type State = CallState;
    type Command = ConsensusCommand;
    type Event = ConsensusEvent;
    type Error = ConsensusError;

    fn decide(
        state: &CallState,
        command: ConsensusCommand,
    ) -> Result<Vec<ConsensusEvent>, ConsensusError> {
        match command {
            ConsensusCommand::Open(command) => {
                if state.opened.is_some() {
                    return Err(ConsensusError::AlreadyOpened);
                }
                if command.closes_at <= command.now {
                    return Err(ConsensusError::ClosesInPast);
                }
                error::required("question", &command.question, MAX_TEXT)?;
                Ok(vec![ConsensusEvent::ConsensusCallOpened(
                    ConsensusCallOpened {
                        call_id: command.call_id,
                        group_id: command.group_id,
                        subject: command.subject,
                        question: command.question,
                        opened_at: command.now,
                        closes_at: command.closes_at,
                    },
                )])
            }
            ConsensusCommand::StatePosition(command) => {
                let call = state.require()?;
                if state.in_force.is_some() {
                    return Err(ConsensusError::AlreadyDecided);
                }
                if command.now >= call.closes_at {
                    return Err(ConsensusError::Closed);
                }
                if command.stance == Stance::Object
                    && command
                        .reason
                        .as_deref()
                        .is_none_or(|r| r.trim().is_empty())
                {
                    return Err(ConsensusError::ReasonRequired);
                }
                error::optional("reason", command.reason.as_deref(), MAX_TEXT)?;
                if state.positions.get(&command.participant)
                    == Some(&(command.stance, command.reason.clone()))
                {
                    return Err(ConsensusError::PositionUnchanged);
                }
                Ok(vec![ConsensusEvent::PositionStated(PositionStated {
                    call_id: call.call_id,
                    participant: command.participant,
                    stance: command.stance,
                    reason: command.reason,
                    stated_at: command.now,
                })])
            }
            ConsensusCommand::RecordDecision(command) => {
                let call = state.require()?;
                if state.in_force.is_some() {
                    return Err(ConsensusError::AlreadyDecided);
                }
                state.check_new_decision_id(command.decision_id)?;
                error::required("summary", &command.summary, MAX_TEXT)?;
                state.check_objections(command.outcome, &command.objections)?;
                Ok(vec![ConsensusEvent::DecisionRecorded(DecisionRecorded {
                    call_id: call.call_id,
                    decision_id: command.decision_id,
                    group_id: call.group_id.clone(),
                    subject: call.subject.clone(),
                    outcome: command.outcome,
                    summary: command.summary,
                    objections: command.objections,
                    decided_at: command.now,
                })])
            }
            ConsensusCommand::CorrectDecision(command) => {
                let call = state.require()?;
                let (in_force, _) = state.in_force.ok_or(ConsensusError::NotDecided)?;
                if !state.decisions.contains(&command.corrects) {
                    return Err(ConsensusError::UnknownDecision(command.corrects));
                }
                if command.corrects != in_force {
                    return Err(ConsensusError::DecisionSuperseded(command.corrects));
                }
                state.check_new_decision_id(command.decision_id)?;
                error::required("summary", &command.summary, MAX_TEXT)?;
                error::required("reason", &command.reason, MAX_LINE)?;
                state.check_objections(command.outcome, &command.objections)?;
                Ok(vec![ConsensusEvent::DecisionCorrected(DecisionCorrected {
                    call_id: call.call_id,
                    decision_id: command.decision_id,
                    corrects: command.corrects,
                    group_id: call.group_id.clone(),
                    subject: call.subject.clone(),
                    outcome: command.outcome,
                    summary: command.summary,
                    objections: command.objections,
                    reason: command.reason,
                    decided_at: command.now,
                })])
            }
        }
    }

    fn evolve(mut state: CallState, event: &ConsensusEvent) -> CallState {
        match event {
            ConsensusEvent::ConsensusCallOpened(opened) => state.opened = Some(opened.clone()),
            ConsensusEvent::PositionStated(position) => {
                if position.stance == Stance::Object {
                    state.objectors.insert(position.participant.clone());
                }
                state.positions.insert(
                    position.participant.clone(),
                    (position.stance, position.reason.clone()),
                );
            }
            ConsensusEvent::DecisionRecorded(decision) => {
                state.decisions.insert(decision.decision_id);
                state.in_force = Some((decision.decision_id, decision.outcome));
            }
            ConsensusEvent::DecisionCorrected(decision) => {
                state.decisions.insert(decision.decision_id);
                state.in_force = Some((decision.decision_id, decision.outcome));
            }
        }
        state
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::testing::{at, given};

    const CALL: Uuid = Uuid::from_u128(0xca11);
    const DECISION: Uuid = Uuid::from_u128(0xd1);
    const CORRECTION: Uuid = Uuid::from_u128(0xd2);

    fn subject() -> Subject {
        Subject::Deliverable {
            id: Uuid::from_u128(0xde),
            version: Some(2),
        }
    }

    fn opened() -> ConsensusEvent {
        ConsensusEvent::ConsensusCallOpened(ConsensusCallOpened {
            call_id: CALL,
            group_id: "fg-dfc".into(),
            subject: subject(),
            question: "Approve the terminology report?".into(),
            opened_at: at(2017, 10, 13, 9),
            closes_at: at(2017, 10, 13, 17),
        })
    }

    fn open(closes_at: DateTime<Utc>) -> ConsensusCommand {
        ConsensusCommand::Open(OpenConsensusCall {
            call_id: CALL,
            group_id: "fg-dfc".into(),
            subject: subject(),
            question: "Approve the terminology report?".into(),
            closes_at,
            now: at(2017, 10, 13, 9),
        })
    }

    fn state(
        participant: &str,
        stance: Stance,
        reason: Option<&str>,
        hour: u32,
    ) -> ConsensusCommand {
        ConsensusCommand::StatePosition(StatePosition {
            participant: participant.into(),
            stance,
            reason: reason.map(str::to_owned),
            now: at(2017, 10, 13, hour),
        })
    }

    fn stated(
        participant: &str,
        stance: Stance,
        reason: Option<&str>,
        hour: u32,
    ) -> ConsensusEvent {
        ConsensusEvent::PositionStated(PositionStated {
            call_id: CALL,
            participant: participant.into(),
            stance,
            reason: reason.map(str::to_owned),
            stated_at: at(2017, 10, 13, hour),
        })
    }

    fn objection(participant: &str, disposition: Disposition) -> ObjectionRecord {
        ObjectionRecord {
            participant: participant.into(),
            reason: "Definition of token is too narrow".into(),
            disposition,
            note: None,
        }
    }

    fn record(outcome: Outcome, objections: Vec<ObjectionRecord>) -> ConsensusCommand {
        ConsensusCommand::RecordDecision(RecordDecision {
            decision_id: DECISION,
            outcome,
            summary: "Agreed with the editor's amendments".into(),
            objections,
            now: at(2017, 10, 13, 18),
        })
    }

    fn recorded(outcome: Outcome, objections: Vec<ObjectionRecord>) -> ConsensusEvent {
        ConsensusEvent::DecisionRecorded(DecisionRecorded {
            call_id: CALL,
            decision_id: DECISION,
            group_id: "fg-dfc".into(),
            subject: subject(),
            outcome,
            summary: "Agreed with the editor's amendments".into(),
            objections,
            decided_at: at(2017, 10, 13, 18),
        })
    }

    fn correct(decision_id: DecisionId, corrects: DecisionId) -> ConsensusCommand {
        ConsensusCommand::CorrectDecision(CorrectDecision {
            decision_id,
            corrects,
            outcome: Outcome::AgreedWithModifications,
            summary: "Agreed with modifications to clause 3".into(),
            objections: vec![],
            reason: "The minutes recorded the wrong outcome".into(),
            now: at(2017, 10, 14, 9),
        })
    }

    fn corrected(decision_id: DecisionId, corrects: DecisionId) -> ConsensusEvent {
        ConsensusEvent::DecisionCorrected(DecisionCorrected {
            call_id: CALL,
            decision_id,
            corrects,
            group_id: "fg-dfc".into(),
            subject: subject(),
            outcome: Outcome::AgreedWithModifications,
            summary: "Agreed with modifications to clause 3".into(),
            objections: vec![],
            reason: "The minutes recorded the wrong outcome".into(),
            decided_at: at(2017, 10, 14, 9),
        })
    }

    #[test]
    fn the_chair_opens_a_call_closing_in_the_future() {
        given::<ConsensusCall>([])
            .when(open(at(2017, 10, 13, 17)))
            .then([opened()]);
        given::<ConsensusCall>([])
            .when(open(at(2017, 10, 13, 9)))
            .then_err("consensus.closes_in_past");
        given::<ConsensusCall>([opened()])
            .when(open(at(2017, 10, 13, 17)))
            .then_err("consensus.already_opened");
    }

    #[test]
    fn participants_state_support_or_stand_aside_without_reason() {
        given::<ConsensusCall>([opened()])
            .when(state("ada", Stance::Support, None, 10))
            .then([stated("ada", Stance::Support, None, 10)]);
        given::<ConsensusCall>([opened()])
            .when(state("ada", Stance::StandAside, None, 10))
            .then([stated("ada", Stance::StandAside, None, 10)]);
    }

    #[test]
    fn an_objection_needs_a_reason() {
        given::<ConsensusCall>([opened()])
            .when(state("li.wei", Stance::Object, None, 10))
            .then_err("consensus.reason_required");
        given::<ConsensusCall>([opened()])
            .when(state("li.wei", Stance::Object, Some("  "), 10))
            .then_err("consensus.reason_required");
        given::<ConsensusCall>([opened()])
            .when(state("li.wei", Stance::Object, Some("too narrow"), 10))
            .then([stated("li.wei", Stance::Object, Some("too narrow"), 10)]);
    }

    #[test]
    fn a_position_changes_with_its_history_kept() {
        let history = [
            opened(),
            stated("li.wei", Stance::Object, Some("too narrow"), 10),
        ];
        given::<ConsensusCall>(history.clone())
            .when(state("li.wei", Stance::Support, None, 11))
            .then([stated("li.wei", Stance::Support, None, 11)]);
        let state = ConsensusCall::replay(
            &[
                history.to_vec(),
                vec![stated("li.wei", Stance::Support, None, 11)],
            ]
            .concat(),
        );
        assert_eq!(state.positions["li.wei"], (Stance::Support, None));
        assert!(
            state.objectors.contains("li.wei"),
            "the earlier objection stays on record"
        );
    }

    #[test]
    fn restating_the_same_position_is_refused() {
        given::<ConsensusCall>([opened(), stated("ada", Stance::Support, None, 10)])
            .when(state("ada", Stance::Support, None, 11))
            .then_err("consensus.position_unchanged");
    }

    #[test]
    fn positions_are_taken_only_before_the_closing_time_and_the_decision() {
        given::<ConsensusCall>([opened()])
            .when(state("ada", Stance::Support, None, 17))
            .then_err("consensus.closed");
        given::<ConsensusCall>([opened(), recorded(Outcome::Agreed, vec![])])
            .when(state("ada", Stance::Support, None, 12))
            .then_err("consensus.already_decided");
        given::<ConsensusCall>([])
            .when(state("ada", Stance::Support, None, 12))
            .then_err("consensus.not_found");
    }

    #[test]
    fn the_chair_records_a_decision_accounting_for_each_objection() {
        let history = [
            opened(),
            stated("li.wei", Stance::Object, Some("too narrow"), 10),
        ];
        let objections = vec![objection("li.wei", Disposition::Resolved)];
        given::<ConsensusCall>(history)
            .when(record(Outcome::AgreedWithModifications, objections.clone()))
            .then([recorded(Outcome::AgreedWithModifications, objections)]);
    }

    #[test]
    fn a_standing_objection_must_be_accounted_for() {
        let history = [
            opened(),
            stated("li.wei", Stance::Object, Some("too narrow"), 10),
        ];
        let error = ConsensusCall::decide(
            &ConsensusCall::replay(&history),
            record(Outcome::Agreed, vec![]),
        )
        .unwrap_err();
        assert_eq!(error, ConsensusError::ObjectionUnaccounted("li.wei".into()));
        assert_eq!(error.field(), Some("objections"));
    }

    #[test]
    fn a_withdrawn_objection_may_be_listed_but_need_not_be() {
        let history = [
            opened(),
            stated("li.wei", Stance::Object, Some("too narrow"), 10),
            stated("li.wei", Stance::Support, None, 11),
        ];
        assert_eq!(
            given::<ConsensusCall>(history.clone())
                .when(record(Outcome::Agreed, vec![]))
                .events()
                .len(),
            1
        );
        let objections = vec![objection("li.wei", Disposition::Withdrawn)];
        given::<ConsensusCall>(history)
            .when(record(Outcome::Agreed, objections.clone()))
            .then([recorded(Outcome::Agreed, objections)]);
    }

    #[test]
    fn only_objections_raised_in_the_call_are_listed() {
        given::<ConsensusCall>([opened(), stated("ada", Stance::Support, None, 10)])
            .when(record(
                Outcome::Agreed,
                vec![objection("ada", Disposition::Overruled)],
            ))
            .then_err("consensus.unknown_objection");
    }

    #[test]
    fn an_approving_outcome_cannot_stand_with_a_sustained_objection() {
        let history = [
            opened(),
            stated("li.wei", Stance::Object, Some("too narrow"), 10),
        ];
        given::<ConsensusCall>(history.clone())
            .when(record(
                Outcome::Agreed,
                vec![objection("li.wei", Disposition::Sustained)],
            ))
            .then_err("consensus.sustained_objection");
        let objections = vec![objection("li.wei", Disposition::Sustained)];
        given::<ConsensusCall>(history)
            .when(record(Outcome::FurtherStudy, objections.clone()))
            .then([recorded(Outcome::FurtherStudy, objections)]);
    }

    #[test]
    fn a_call_has_one_decision_and_needs_a_summary() {
        given::<ConsensusCall>([opened(), recorded(Outcome::Agreed, vec![])])
            .when(record(Outcome::Noted, vec![]))
            .then_err("consensus.already_decided");
        let ConsensusCommand::RecordDecision(mut command) = record(Outcome::Agreed, vec![]) else {
            unreachable!()
        };
        command.summary = String::new();
        given::<ConsensusCall>([opened()])
            .when(ConsensusCommand::RecordDecision(command))
            .then_err("input.blank");
    }

    #[test]
    fn a_correction_names_the_decision_in_force() {
        given::<ConsensusCall>([opened(), recorded(Outcome::Agreed, vec![])])
            .when(correct(CORRECTION, DECISION))
            .then([corrected(CORRECTION, DECISION)]);
    }

    #[test]
    fn a_correction_of_an_unknown_or_superseded_decision_is_refused() {
        given::<ConsensusCall>([opened(), recorded(Outcome::Agreed, vec![])])
            .when(correct(CORRECTION, Uuid::from_u128(0xfff)))
            .then_err("consensus.unknown_decision");
        given::<ConsensusCall>([
            opened(),
            recorded(Outcome::Agreed, vec![]),
            corrected(CORRECTION, DECISION),
        ])
        .when(correct(Uuid::from_u128(0xd3), DECISION))
        .then_err("consensus.decision_superseded");
        let second_correction = given::<ConsensusCall>([
            opened(),
            recorded(Outcome::Agreed, vec![]),
            corrected(CORRECTION, DECISION),
        ])
        .when(correct(Uuid::from_u128(0xd3), CORRECTION))
        .events();
        assert_eq!(
            second_correction,
            [corrected(Uuid::from_u128(0xd3), CORRECTION)]
        );
    }

    #[test]
    fn a_correction_needs_a_decision_a_new_id_and_a_reason() {
        given::<ConsensusCall>([opened()])
            .when(correct(CORRECTION, DECISION))
            .then_err("consensus.not_decided");
        given::<ConsensusCall>([opened(), recorded(Outcome::Agreed, vec![])])
            .when(correct(DECISION, DECISION))
            .then_err("consensus.duplicate_decision");
        let ConsensusCommand::CorrectDecision(mut command) = correct(CORRECTION, DECISION) else {
            unreachable!()
        };
        command.reason = " ".into();
        given::<ConsensusCall>([opened(), recorded(Outcome::Agreed, vec![])])
            .when(ConsensusCommand::CorrectDecision(command))
            .then_err("input.blank");
    }

    #[test]
    fn the_correction_is_the_decision_in_force() {
        let state = ConsensusCall::replay(&[
            opened(),
            recorded(Outcome::Agreed, vec![]),
            corrected(CORRECTION, DECISION),
        ]);
        assert_eq!(
            state.in_force,
            Some((CORRECTION, Outcome::AgreedWithModifications))
        );
        assert_eq!(state.decisions.len(), 2);
    }
}
