//! The root query: entry points to every read model, each with `atLeast` (read your own write)
//! and, for entities, `asOf` (time travel).

use std::time::Duration;

use async_graphql::connection::Connection;
use async_graphql::{Context, ErrorExtensions, Object, Result};
use chrono::DateTime;
use eventlog::Position;
use uuid::Uuid;

use crate::graphql::errors::QueryError;
use crate::graphql::types::{
    AuditEvent, ConsensusCall, Contribution, ContributionFilter, ContributionStatusGql, Decision,
    Deliverable, Group, Inbox, LogPosition, Meeting, Thread, Transmittal, ViewerInfo,
    contributions_page, decision_view, env,
};

/// How long a query waits for the projection to reach its `atLeast`.
#[derive(Debug, Clone, Copy)]
pub struct FreshnessWait(pub Duration);

pub struct Query;

/// Waits for `at_least`, then turns `as_of` into a log position.
async fn point_in_time(
    ctx: &Context<'_>,
    at_least: Option<LogPosition>,
    as_of: Option<String>,
) -> Result<Option<Position>> {
    let (read, _) = env(ctx);
    if let Some(LogPosition(wanted)) = at_least {
        let FreshnessWait(wait) = *ctx.data_unchecked::<FreshnessWait>();
        read.wait_for(wanted, wait)
            .await
            .map_err(|e| QueryError::from(e).extend())?;
    }
    let Some(as_of) = as_of else { return Ok(None) };
    if let Ok(position) = as_of.parse::<Position>() {
        return Ok(Some(position));
    }
    match DateTime::parse_from_rfc3339(&as_of) {
        // Before the first event nothing existed: position 0 precedes every stored event.
        Ok(time) => Ok(Some(
            read.read(|m| m.position_at(time.to_utc()))
                .unwrap_or_default(),
        )),
        Err(_) => Err(QueryError::BadPointInTime {
            argument: "asOf",
            value: as_of,
        }
        .extend()),
    }
}

fn forbidden(what: impl Into<String>) -> async_graphql::Error {
    QueryError::Forbidden(what.into()).extend()
}

#[Object]
impl Query {
    /// Position of the last event the read side has projected; null for an empty log.
    async fn head(&self, ctx: &Context<'_>) -> Option<LogPosition> {
        env(ctx).0.head().map(LogPosition)
    }

    /// Who the server takes the reader to be.
    async fn viewer(&self, ctx: &Context<'_>) -> ViewerInfo {
        let (_, viewer) = env(ctx);
        ViewerInfo {
            person: viewer.person.clone(),
            display_name: viewer.display_name.clone(),
            secretariat: viewer.secretariat,
            groups: viewer.groups.iter().cloned().collect(),
        }
    }

    /// Every group (public): follow `children` from the roots for the tree.
    async fn groups(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A position token or an RFC 3339 time")] as_of: Option<String>,
        at_least: Option<LogPosition>,
        #[graphql(desc = "Only groups without a parent", default = false)] roots_only: bool,
    ) -> Result<Vec<Group>> {
        let as_of = point_in_time(ctx, at_least, as_of).await?;
        let (read, _) = env(ctx);
        Ok(read.read(|m| {
            m.groups
                .values()
                .filter_map(|g| m.at(Some(g), as_of))
                .filter(|g| !roots_only || g.parent_id.is_none())
                .map(|state| Group { state, as_of })
                .collect()
        }))
    }

    async fn group(
        &self,
        ctx: &Context<'_>,
        id: String,
        as_of: Option<String>,
        at_least: Option<LogPosition>,
    ) -> Result<Option<Group>> {
        let as_of = point_in_time(ctx, at_least, as_of).await?;
        let (read, _) = env(ctx);
        Ok(read
            .read(|m| m.group_at(&id, as_of))
            .map(|state| Group { state, as_of }))
    }

    /// A meeting: dates, deadline and agenda are public.
    async fn meeting(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        as_of: Option<String>,
        at_least: Option<LogPosition>,
    ) -> Result<Option<Meeting>> {
        let as_of = point_in_time(ctx, at_least, as_of).await?;
        let (read, _) = env(ctx);
        Ok(read
            .read(|m| m.meeting_at(id, as_of))
            .and_then(|state| Meeting::new(state, as_of)))
    }

    /// Contributions the reader may read, in order of submission, narrowed by the filters.
    #[allow(clippy::too_many_arguments)]
    async fn contributions(
        &self,
        ctx: &Context<'_>,
        group: Option<String>,
        meeting: Option<Uuid>,
        agenda_item: Option<String>,
        status: Option<ContributionStatusGql>,
        late: Option<bool>,
        first: Option<i32>,
        after: Option<String>,
        as_of: Option<String>,
        at_least: Option<LogPosition>,
    ) -> Result<Connection<String, Contribution>> {
        let as_of = point_in_time(ctx, at_least, as_of).await?;
        let filter = ContributionFilter {
            group,
            meeting,
            agenda_item,
            status: status.map(Into::into),
            late,
        };
        contributions_page(ctx, &filter, first, after, as_of)
    }

    async fn contribution(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        as_of: Option<String>,
        at_least: Option<LogPosition>,
    ) -> Result<Option<Contribution>> {
        let as_of = point_in_time(ctx, at_least, as_of).await?;
        let (read, viewer) = env(ctx);
        read.read(|m| {
            let Some(state) = m.contribution_at(id, as_of) else {
                return Ok(None);
            };
            if !viewer.can_read_contribution(m, &state) {
                return Err(forbidden(format!("contribution {id}")));
            }
            Ok(Some(Contribution { state, as_of }))
        })
    }

    async fn thread(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        as_of: Option<String>,
        at_least: Option<LogPosition>,
    ) -> Result<Option<Thread>> {
        let as_of = point_in_time(ctx, at_least, as_of).await?;
        let (read, viewer) = env(ctx);
        read.read(|m| {
            let Some(state) = m.thread_at(id, as_of) else {
                return Ok(None);
            };
            if !viewer.can_read_group(m, &state.group_id) {
                return Err(forbidden(format!("thread {id}")));
            }
            Ok(Some(Thread { state, as_of }))
        })
    }

    async fn consensus_call(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        as_of: Option<String>,
        at_least: Option<LogPosition>,
    ) -> Result<Option<ConsensusCall>> {
        let as_of = point_in_time(ctx, at_least, as_of).await?;
        let (read, viewer) = env(ctx);
        read.read(|m| {
            let Some(state) = m.call_at(id, as_of) else {
                return Ok(None);
            };
            if !viewer.can_read_call(m, &state) {
                return Err(forbidden(format!("consensus call {id}")));
            }
            Ok(Some(ConsensusCall { state, as_of }))
        })
    }

    async fn decision(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        as_of: Option<String>,
        at_least: Option<LogPosition>,
    ) -> Result<Option<Decision>> {
        let as_of = point_in_time(ctx, at_least, as_of).await?;
        let (read, viewer) = env(ctx);
        read.read(|m| decision_view(m, viewer, id, as_of).transpose())
    }

    async fn deliverable(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        as_of: Option<String>,
        at_least: Option<LogPosition>,
    ) -> Result<Option<Deliverable>> {
        let as_of = point_in_time(ctx, at_least, as_of).await?;
        let (read, viewer) = env(ctx);
        read.read(|m| {
            let Some(state) = m.deliverable_at(id, as_of) else {
                return Ok(None);
            };
            if !viewer.can_read_deliverable(m, &state) {
                return Err(forbidden(format!("deliverable {id}")));
            }
            Ok(Some(Deliverable { state, as_of }))
        })
    }

    /// The parent group's pull: every deliverable its child groups transmitted after `since`,
    /// each with its approving decision, the contributions it built on and its audit trail.
    /// For members of the parent group (and the secretariat).
    async fn inbox(
        &self,
        ctx: &Context<'_>,
        parent_group: String,
        #[graphql(desc = "The `until` of the previous pull; omitted: from the beginning")]
        since: Option<LogPosition>,
        at_least: Option<LogPosition>,
    ) -> Result<Option<Inbox>> {
        point_in_time(ctx, at_least, None).await?;
        let (read, viewer) = env(ctx);
        let since = since.map(|s| s.0);
        read.read(|m| {
            let Some(group) = m.groups.get(&parent_group).cloned() else {
                return Ok(None);
            };
            if !viewer.is_member(m, &parent_group) {
                return Err(forbidden(format!("the inbox of {parent_group}")));
            }
            let entries = m.inbox.get(&parent_group).map_or(&[][..], Vec::as_slice);
            let start = since.map_or(0, |since| entries.partition_point(|e| e.position <= since));
            let transmittals = entries[start..]
                .iter()
                .filter_map(|entry| {
                    let deliverable = m.deliverables.get(&entry.deliverable_id)?.clone();
                    let state = deliverable.transmittal(entry.transmittal_id)?.clone();
                    Some(Transmittal {
                        state,
                        deliverable,
                        as_of: None,
                    })
                })
                .collect();
            Ok(Some(Inbox {
                parent_group: group,
                since,
                until: m.head,
                transmittals,
            }))
        })
    }

    /// Every event of a stream (`contribution-{id}`, `deliverable-{id}`, ...), in order, as
    /// the reader may read the entity it holds.
    async fn audit_trail(
        &self,
        ctx: &Context<'_>,
        stream: String,
        as_of: Option<String>,
        at_least: Option<LogPosition>,
    ) -> Result<Vec<AuditEvent>> {
        let as_of = point_in_time(ctx, at_least, as_of).await?;
        let (read, viewer) = env(ctx);
        read.read(|m| {
            if m.stream(&stream).is_empty() {
                return Ok(Vec::new());
            }
            if !viewer.can_read_stream(m, &stream) {
                return Err(forbidden(format!("the audit trail of {stream}")));
            }
            Ok(m.stream(&stream)
                .iter()
                .take_while(|e| as_of.is_none_or(|as_of| e.position <= as_of))
                .map(|e| AuditEvent(e.clone()))
                .collect())
        })
    }
}
