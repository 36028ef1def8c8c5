//! The routing reactor: a deliverable is approved only by a recorded consensus decision on it.
//! The reactor follows the global log (`EventStore::subscribe_all`, never a call to the
//! consensus service) and, for each `DecisionRecorded` or `DecisionCorrected` whose subject is
//! a deliverable and whose outcome approves, asks the deliverable aggregate to `Approve` and
//! appends the resulting `DeliverableApproved` to `deliverable-{id}` as
//! `system:deliverables-service`, caused by the decision event. For a `DecisionCorrected` that
//! no longer approves, it asks to `WithdrawApproval`: the approval in force, if it came from
//! the corrected decision and has not been sent to the parent group, is withdrawn
//! (`DeliverableApprovalWithdrawn`).
//!
//! # Checkpoint: none stored; every start replays the log
//!
//! The reactor keeps its position only in memory (to resubscribe after a store error) and
//! starts from the beginning of the log on every start. That is safe because routing a
//! decision twice records nothing twice, on two counts: the event id is a UUIDv5 of the
//! decision id, so a re-append (a crash between append and anything after it, or two
//! processes running the reactor at once) is de-duplicated by the store; and the aggregate
//! remembers every approving decision (`approving_decisions`) and refuses the same one again
//! with `deliverable.already_approved`, which the reactor takes as "done" (a withdrawal, once
//! made, finds no approval of that decision in force: `deliverable.no_approval_to_withdraw`).
//! A stored checkpoint would not remove the need for either (it cannot be written atomically
//! with the approval, which is on another stream), would add events to the log that no domain
//! reader understands, and would save little: replay decodes only decision events, a handful
//! per meeting, and skips the rest by their type name.
//!
//! A decision the aggregate refuses (on another group's deliverable, before any draft, on a
//! returned version; a correction of an approval already sent to the parent group, which has
//! the correction in its audit trail) is logged and skipped: the decision stands in the log.

use std::time::Duration;

use domain::codec::DomainEvent;
use domain::deliverables::{
    ApproveDeliverable, DecisionFacts, Deliverable, DeliverableCommand, WithdrawApproval,
};
use domain::events::{ConsensusEvent, DecisionId, DeliverableId, GroupId, Subject};
use domain::policy::{self, Action, PolicyFacts, Principal};
use domain::{Aggregate, Rejection, streams};
use eventlog::{ExpectedRevision, NewEvent, Position, RecordedEvent, StoreError, StreamId};
use futures::StreamExt;
use platform::Platform;
use platform::write::actor_of;
use uuid::Uuid;

/// Who the reactor acts as: `system:deliverables-service`, with the secretariat's rights that
/// `domain::policy` gives to recording approvals.
pub fn principal() -> Principal {
    Principal::system("deliverables-service")
}

/// Namespace of the approvals' deterministic event ids.
const APPROVAL_NAMESPACE: Uuid = Uuid::from_u128(0x3c1e_8a4d_9b27_4f60_a5d2_17e9_c0b4_6f81);
/// Attempts of load-decide-append when the deliverable's stream moves on meanwhile.
const ATTEMPTS: usize = 5;
/// Pause before following the log again after the store failed.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// The id of the `index`-th event that routing `decision_id` appends (an approval or its
/// withdrawal): the same in every process and on every replay.
pub fn approval_event_id(decision_id: DecisionId, index: usize) -> Uuid {
    Uuid::new_v5(
        &APPROVAL_NAMESPACE,
        format!("{decision_id}/{index}").as_bytes(),
    )
}

/// Follows the log for as long as the server runs; a background task of [`crate::service`].
pub async fn run(platform: Platform) {
    tracing::info!("routing approving decisions from the log, replayed from its start");
    let mut checkpoint = None;
    loop {
        match follow(&platform, &mut checkpoint).await {
            Ok(()) => tracing::warn!("the log subscription ended; following it again"),
            Err(error) => {
                tracing::error!(%error, ?checkpoint, "routing stopped; following the log again")
            }
        }
        tokio::time::sleep(RETRY_AFTER).await;
    }
}

/// Why routing stopped; the reactor follows the log again from its last routed event.
#[derive(Debug, thiserror::Error)]
pub enum RoutingError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Load(String),
    #[error("{stream} kept changing; routing decision {decision_id} will be retried")]
    Contended {
        stream: String,
        decision_id: DecisionId,
    },
}

/// Routes every decision recorded so far, from the start of the log, as a restarted reactor
/// does; returns once it has passed the log's head as it was when called.
pub async fn catch_up(platform: &Platform) -> Result<(), RoutingError> {
    match platform.store().head().await? {
        Some(head) => follow_until(platform, &mut None, Some(head)).await,
        None => Ok(()),
    }
}

/// Routes every event after `checkpoint`, moving it past each event handled, for ever.
async fn follow(
    platform: &Platform,
    checkpoint: &mut Option<Position>,
) -> Result<(), RoutingError> {
    follow_until(platform, checkpoint, None).await
}

async fn follow_until(
    platform: &Platform,
    checkpoint: &mut Option<Position>,
    until: Option<Position>,
) -> Result<(), RoutingError> {
    if until.is_some() && *checkpoint >= until {
        return Ok(());
    }
    let mut subscription = platform.store().subscribe_all(*checkpoint).await?;
    while let Some(recorded) = subscription.next().await {
        let recorded = recorded?;
        if let Some(decision) = decision_on_deliverable(&recorded) {
            route(platform, &recorded, decision).await?;
        }
        *checkpoint = Some(recorded.position);
        if until.is_some_and(|until| recorded.position >= until) {
            break;
        }
    }
    Ok(())
}

/// A decision on a deliverable that the reactor routes, with the deciding group: one that
/// approves, or a correction that no longer does.
#[derive(Debug, Clone)]
struct Routed {
    deliverable_id: DeliverableId,
    group_id: GroupId,
    facts: DecisionFacts,
}

impl Routed {
    fn command(&self) -> DeliverableCommand {
        if self.facts.outcome.approves() {
            DeliverableCommand::Approve(ApproveDeliverable {
                decision: self.facts.clone(),
            })
        } else {
            DeliverableCommand::WithdrawApproval(WithdrawApproval {
                correction: self.facts.clone(),
            })
        }
    }
}

fn decision_on_deliverable(recorded: &RecordedEvent) -> Option<Routed> {
    if !matches!(
        &*recorded.event_type,
        "DecisionRecorded" | "DecisionCorrected"
    ) {
        return None;
    }
    let (facts, group_id) = match ConsensusEvent::decode(
        &recorded.event_type,
        recorded.schema_version,
        recorded.payload.get(),
    ) {
        Ok(ConsensusEvent::DecisionRecorded(decision)) => {
            (DecisionFacts::from(&decision), decision.group_id)
        }
        Ok(ConsensusEvent::DecisionCorrected(decision)) => {
            (DecisionFacts::from(&decision), decision.group_id)
        }
        Ok(_) => return None,
        Err(error) => {
            tracing::error!(%error, event_id = %recorded.id, "cannot read a decision; not routed");
            return None;
        }
    };
    let Subject::Deliverable { id, .. } = facts.subject else {
        return None;
    };
    (facts.outcome.approves() || facts.corrects.is_some()).then_some(Routed {
        deliverable_id: id,
        group_id,
        facts,
    })
}

async fn route(
    platform: &Platform,
    decision: &RecordedEvent,
    routed: Routed,
) -> Result<(), RoutingError> {
    let stream = streams::deliverable(routed.deliverable_id);
    let stream_id =
        StreamId::new(&stream).map_err(|error| RoutingError::Load(error.to_string()))?;
    let decision_id = routed.facts.decision_id;
    for _ in 0..ATTEMPTS {
        let loaded = platform
            .load::<Deliverable>(&stream)
            .await
            .map_err(|error| RoutingError::Load(format!("{stream}: {error}")))?;
        let owner = loaded
            .state
            .defined
            .as_ref()
            .map(|defined| &defined.group_id);
        if owner.is_some_and(|owner| *owner != routed.group_id) {
            tracing::warn!(%decision_id, %stream, group = %routed.group_id, "a decision of another group does not approve this deliverable");
            return Ok(());
        }
        let facts = PolicyFacts {
            group: routed.group_id.clone(),
            ..PolicyFacts::default()
        };
        if let Err(denied) =
            policy::authorize(Some(&principal()), &Action::ApproveDeliverable, &facts)
        {
            tracing::error!(%decision_id, %denied, "the policy refuses the reactor's approval");
            return Ok(());
        }
        let events = match Deliverable::decide(&loaded.state, routed.command()) {
            Ok(events) => events,
            Err(refusal) => {
                tracing::info!(%decision_id, %stream, code = refusal.code(), %refusal, "decision not routed");
                return Ok(());
            }
        };
        let new_events = events
            .iter()
            .enumerate()
            .map(|(index, event)| NewEvent {
                id: approval_event_id(decision_id, index),
                event_type: event.event_type().into(),
                schema_version: event.schema_version(),
                actor: actor_of(&principal()),
                correlation_id: decision.correlation_id,
                causation_id: Some(decision.id),
                payload: event.to_payload(),
            })
            .collect();
        let expected = loaded
            .revision
            .map_or(ExpectedRevision::NoStream, ExpectedRevision::Exact);
        match platform
            .store()
            .append(&stream_id, expected, new_events)
            .await
        {
            Ok(written) => {
                tracing::info!(
                    %decision_id,
                    %stream,
                    position = %written.last().position,
                    outcome = ?routed.facts.outcome,
                    "decision routed to the deliverable"
                );
                return Ok(());
            }
            Err(StoreError::Conflict { .. }) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(RoutingError::Contended {
        stream,
        decision_id,
    })
}
