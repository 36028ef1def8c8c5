//! Live subscriptions: each new event of the kind asked, filtered by subject or group, and
//! checked against the subscriber's rights at the moment it is pushed.

use std::sync::Arc;

use async_graphql::{Context, Subscription};
use domain::events::{CommentEvent, ConsensusEvent, DeliverableEvent, Event};
use futures::StreamExt;
use futures::stream::BoxStream;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use crate::access::Viewer;
use crate::entities::{Projected, subject_entity_id};
use crate::graphql::types::{Comment, Decision, StatedPosition, Transmittal, env};
use crate::projection::ReadModels;
use crate::read_side::ReadSide;

pub struct SubscriptionRoot;

/// Follows live events and yields what `view` makes of those the subscriber may see.
fn follow<T: Send + 'static>(
    read: &ReadSide,
    viewer: &Viewer,
    view: impl Fn(&ReadModels, &Viewer, &Projected) -> Option<T> + Send + 'static,
) -> BoxStream<'static, T> {
    let read = read.clone();
    let viewer = viewer.clone();
    let mut live = read.live_events();
    async_stream::stream! {
        loop {
            match live.recv().await {
                Ok(entry) => {
                    if let Some(item) = read.read(|m| view(m, &viewer, &entry)) {
                        yield item;
                    }
                }
                // A subscriber that fell behind misses some events rather than stalling others.
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "a subscriber fell behind; events were skipped");
                }
                Err(RecvError::Closed) => break,
            }
        }
    }
    .boxed()
}

fn admits(
    filter_subject: Option<Uuid>,
    filter_group: Option<&str>,
    subject: Uuid,
    group: &str,
) -> bool {
    filter_subject.is_none_or(|s| s == subject) && filter_group.is_none_or(|g| g == group)
}

#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// New comments, optionally only on one subject (a contribution, a deliverable, or a
    /// meeting's agenda) or in one group.
    async fn comment_posted(
        &self,
        ctx: &Context<'_>,
        subject: Option<Uuid>,
        group: Option<String>,
    ) -> BoxStream<'static, Comment> {
        let (read, viewer) = env(ctx);
        follow(read, viewer, move |m, viewer, entry| {
            let Event::Comment(CommentEvent::CommentPosted(e)) = &entry.event else {
                return None;
            };
            if !admits(
                subject,
                group.as_deref(),
                subject_entity_id(&e.subject),
                &e.group_id,
            ) || !viewer.can_read_group(m, &e.group_id)
            {
                return None;
            }
            let thread = m.threads.get(&e.thread_id)?.clone();
            let index = thread.comments.iter().position(|c| c.id == e.comment_id)?;
            Some(Comment {
                index,
                thread,
                as_of: None,
            })
        })
    }

    /// New positions in consensus calls, optionally of one call, on one subject or in one group.
    async fn position_stated(
        &self,
        ctx: &Context<'_>,
        call: Option<Uuid>,
        subject: Option<Uuid>,
        group: Option<String>,
    ) -> BoxStream<'static, StatedPosition> {
        let (read, viewer) = env(ctx);
        follow(read, viewer, move |m, viewer, entry| {
            let Event::Consensus(ConsensusEvent::PositionStated(e)) = &entry.event else {
                return None;
            };
            let state = m.calls.get(&e.call_id)?.clone();
            if call.is_some_and(|c| c != e.call_id)
                || !admits(
                    subject,
                    group.as_deref(),
                    subject_entity_id(&state.subject),
                    &state.group_id,
                )
                || !viewer.can_read_call(m, &state)
            {
                return None;
            }
            state
                .positions
                .iter()
                .find(|p| p.position == entry.position())?;
            Some(StatedPosition {
                position: entry.position(),
                call: state,
                as_of: None,
            })
        })
    }

    /// New decisions, corrections included, optionally on one subject or in one group.
    async fn decision_recorded(
        &self,
        ctx: &Context<'_>,
        subject: Option<Uuid>,
        group: Option<String>,
    ) -> BoxStream<'static, Decision> {
        let (read, viewer) = env(ctx);
        follow(read, viewer, move |m, viewer, entry| {
            let (call_id, decision_id) = match &entry.event {
                Event::Consensus(ConsensusEvent::DecisionRecorded(e)) => (e.call_id, e.decision_id),
                Event::Consensus(ConsensusEvent::DecisionCorrected(e)) => {
                    (e.call_id, e.decision_id)
                }
                _ => return None,
            };
            let call = m.calls.get(&call_id)?.clone();
            if !admits(
                subject,
                group.as_deref(),
                subject_entity_id(&call.subject),
                &call.group_id,
            ) || !viewer.can_read_call(m, &call)
            {
                return None;
            }
            call.decision(decision_id)?;
            Some(Decision {
                id: decision_id,
                call,
                as_of: None,
            })
        })
    }

    /// New transmittals, optionally to one parent group or from one group: the parent group's
    /// announcement that there is something to pull.
    async fn deliverable_transmitted(
        &self,
        ctx: &Context<'_>,
        parent_group: Option<String>,
        group: Option<String>,
    ) -> BoxStream<'static, Transmittal> {
        let (read, viewer) = env(ctx);
        follow(read, viewer, move |m, viewer, entry| {
            let Event::Deliverable(DeliverableEvent::DeliverableTransmitted(e)) = &entry.event
            else {
                return None;
            };
            let deliverable = m.deliverables.get(&e.deliverable_id)?.clone();
            if parent_group
                .as_ref()
                .is_some_and(|p| *p != e.parent_group_id)
                || group.as_ref().is_some_and(|g| *g != deliverable.group_id)
                || !viewer.can_read_deliverable(m, &deliverable)
            {
                return None;
            }
            let state = deliverable.transmittal(e.transmittal_id)?.clone();
            Some(Transmittal {
                state,
                deliverable: Arc::clone(&deliverable),
                as_of: None,
            })
        })
    }
}
