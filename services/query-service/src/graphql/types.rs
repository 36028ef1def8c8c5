//! The GraphQL object types: thin views over read-model states, each carrying the point in
//! time (`as_of`) it was asked at, so nested fields answer as of the same moment.

use std::borrow::Cow;
use std::sync::Arc;

use async_graphql::connection::{Connection, Edge};
use async_graphql::{
    Context, Enum, ErrorExtensions, InputValueError, InputValueResult, Json, Object, Result,
    Scalar, ScalarType, SimpleObject, Value,
};
use chrono::{DateTime, NaiveDate, Utc};
use domain::events::{DocumentRef, ObjectionRecord, Subject};
use eventlog::Position;
use uuid::Uuid;

use crate::access::Viewer;
use crate::entities;
use crate::entities::{
    CallState, CommentState, ContributionState, ContributionStatus, DecisionState,
    DeliverableState, GroupState, MeetingState, PositionRecord, ThreadState, TransmittalOutcome,
    TransmittalState,
};
use crate::graphql::errors::QueryError;
use crate::projection::{ReadModels, count_until};
use crate::read_side::ReadSide;
use crate::stored::StoredEvent;

/// A place in the global log, as an opaque token: `"42"` or `"42:40"` (commit:prepare).
/// Every write returns one; pass it as `atLeast` to read your own write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogPosition(pub Position);

#[Scalar(name = "Position")]
impl ScalarType for LogPosition {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(token) => token
                .parse()
                .map(LogPosition)
                .map_err(|_| InputValueError::custom(format!("{token:?} is not a log position"))),
            Value::Number(n) => n
                .as_u64()
                .map(|n| LogPosition(Position::at(n)))
                .ok_or_else(|| InputValueError::custom("a position is a non-negative integer")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

/// The request's read side and reader.
pub(crate) fn env<'a>(ctx: &Context<'a>) -> (&'a ReadSide, &'a Viewer) {
    (
        ctx.data_unchecked::<ReadSide>(),
        ctx.data_unchecked::<Viewer>(),
    )
}

fn forbidden(what: impl Into<String>) -> async_graphql::Error {
    QueryError::Forbidden(what.into()).extend()
}

// --------------------------------------------------------------------------------- enums

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "domain::events::GroupKind")]
pub enum GroupKind {
    ParentGroup,
    FocusGroup,
    Initiative,
    WorkingGroup,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "domain::events::Visibility")]
pub enum Visibility {
    Public,
    MembersOnly,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "domain::events::MembershipCategory")]
pub enum MembershipCategory {
    MemberState,
    SectorMember,
    Associate,
    Academia,
    Individual,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "domain::events::OfficerRole")]
pub enum OfficerRole {
    Chair,
    ViceChair,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "domain::events::Stance")]
pub enum Stance {
    Support,
    Object,
    StandAside,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "domain::events::Outcome")]
pub enum Outcome {
    Agreed,
    AgreedWithModifications,
    NotAgreed,
    Noted,
    FurtherStudy,
    Postponed,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "domain::events::Disposition")]
pub enum Disposition {
    Withdrawn,
    Resolved,
    Overruled,
    Sustained,
}

/// Where a contribution stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "crate::entities::ContributionStatus",
    name = "ContributionStatus"
)]
pub enum ContributionStatusGql {
    /// In time, or late and accepted by the chair.
    Accepted,
    /// Late, waiting for the chair.
    AwaitingChair,
    Refused,
    Withdrawn,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum SubjectKind {
    Contribution,
    Deliverable,
    AgendaItem,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum TransmittalStatus {
    /// Sent, not yet taken up by the parent group.
    Pending,
    Acknowledged,
    /// Sent back for revision.
    Returned,
}

// -------------------------------------------------------------------------- plain values

/// A stored document, content-addressed by its SHA-256.
#[derive(SimpleObject)]
pub struct Document {
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    pub file_name: String,
    /// Where to download it: `/documents/{sha256}`.
    pub url: String,
}

impl From<&DocumentRef> for Document {
    fn from(d: &DocumentRef) -> Self {
        Self {
            sha256: d.sha256.clone(),
            size: d.size,
            media_type: d.media_type.clone(),
            file_name: d.file_name.clone(),
            url: format!("/documents/{}", d.sha256),
        }
    }
}

/// What a thread, consensus call or decision is about.
#[derive(SimpleObject)]
pub struct SubjectRef {
    pub kind: SubjectKind,
    /// The contribution, the deliverable, or the meeting of the agenda item.
    pub id: Uuid,
    /// The deliverable's draft version, when the subject names one.
    pub version: Option<u32>,
    pub agenda_item: Option<String>,
}

impl From<&Subject> for SubjectRef {
    fn from(s: &Subject) -> Self {
        match s {
            Subject::Contribution { id } => Self {
                kind: SubjectKind::Contribution,
                id: *id,
                version: None,
                agenda_item: None,
            },
            Subject::Deliverable { id, version } => Self {
                kind: SubjectKind::Deliverable,
                id: *id,
                version: *version,
                agenda_item: None,
            },
            Subject::AgendaItem { meeting_id, item } => Self {
                kind: SubjectKind::AgendaItem,
                id: *meeting_id,
                version: None,
                agenda_item: Some(item.clone()),
            },
        }
    }
}

#[derive(SimpleObject)]
pub struct TermsOfReference {
    pub objectives: Vec<String>,
    pub tasks: Vec<String>,
    pub deliverables: Vec<String>,
    pub lifetime_months: u32,
}

#[derive(SimpleObject)]
pub struct LifetimeExtension {
    pub extra_months: u32,
    pub reason: String,
    pub extended_at: DateTime<Utc>,
}

#[derive(SimpleObject)]
pub struct Officer {
    pub person: String,
    /// From the participant list, when the officer is registered in the group.
    pub display_name: Option<String>,
    pub role: OfficerRole,
    pub appointed_at: DateTime<Utc>,
}

/// A participant with what they did in the group: the participation list.
#[derive(SimpleObject)]
pub struct Participant {
    pub person: String,
    pub display_name: String,
    pub organisation: String,
    pub category: MembershipCategory,
    pub country: Option<String>,
    pub registered_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawal_reason: Option<String>,
    pub contribution_count: usize,
    pub comment_count: usize,
    pub position_count: usize,
}

#[derive(SimpleObject)]
pub struct ProgressReport {
    pub report_id: Uuid,
    pub parent_group_id: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub summary: String,
    pub document: Option<Document>,
    pub sent_at: DateTime<Utc>,
}

#[derive(SimpleObject)]
pub struct AgendaItem {
    pub id: String,
    pub title: String,
}

#[derive(SimpleObject)]
pub struct NoticeWaiver {
    pub notice_days: i64,
    pub reason: String,
}

/// A version of a contribution, read from its state (no copy of its texts).
pub struct Revision<'a> {
    base_number: &'a str,
    version: &'a entities::Revision,
}

#[Object]
impl Revision<'_> {
    /// 0 for the submission.
    async fn revision(&self) -> u32 {
        self.version.revision
    }
    /// The number with its revision mark: `DFC-I-012R1`.
    async fn number(&self) -> Cow<'_, str> {
        match self.version.revision {
            0 => Cow::Borrowed(self.base_number),
            n => Cow::Owned(format!("{}R{n}", self.base_number)),
        }
    }
    async fn title(&self) -> &str {
        &self.version.title
    }
    async fn document(&self) -> Document {
        Document::from(&self.version.document)
    }
    async fn note(&self) -> Option<&str> {
        self.version.note.as_deref()
    }
    async fn at(&self) -> DateTime<Utc> {
        self.version.at
    }
    async fn late(&self) -> bool {
        self.version.late
    }
}

/// A text a comment had, read from its state (no copy).
pub struct TextVersion<'a>(&'a entities::TextVersion);

#[Object]
impl TextVersion<'_> {
    async fn text(&self) -> &str {
        &self.0.text
    }
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
}

#[derive(SimpleObject)]
pub struct Objection {
    pub participant: String,
    pub reason: String,
    /// What became of it.
    pub disposition: Disposition,
    pub note: Option<String>,
}

impl From<&ObjectionRecord> for Objection {
    fn from(o: &ObjectionRecord) -> Self {
        Self {
            participant: o.participant.clone(),
            reason: o.reason.clone(),
            disposition: o.disposition.into(),
            note: o.note.clone(),
        }
    }
}

#[derive(SimpleObject)]
pub struct Actor {
    pub subject: String,
    pub display_name: String,
    /// Roles in force when they acted, as `role@group`.
    pub roles: Vec<String>,
}

/// The reader as the server sees them.
#[derive(SimpleObject)]
pub struct ViewerInfo {
    pub person: Option<String>,
    pub display_name: Option<String>,
    pub secretariat: bool,
    pub groups: Vec<String>,
}

// ------------------------------------------------------------------------------ audit trail

/// One event that shaped an entity, with everything needed to verify its hash chain.
pub struct AuditEvent(pub Arc<StoredEvent>);

#[Object]
impl AuditEvent {
    async fn id(&self) -> Uuid {
        self.0.id
    }
    #[graphql(name = "type")]
    async fn event_type(&self) -> &str {
        self.0.event_type
    }
    async fn schema_version(&self) -> u16 {
        self.0.schema_version
    }
    async fn stream(&self) -> &str {
        self.0.stream_id.as_str()
    }
    async fn revision(&self) -> u64 {
        self.0.revision
    }
    async fn position(&self) -> LogPosition {
        LogPosition(self.0.position)
    }
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.recorded_at
    }
    async fn actor(&self) -> Actor {
        let a = &self.0.actor;
        Actor {
            subject: a.subject.clone(),
            display_name: a.display_name.clone(),
            roles: a.roles.clone(),
        }
    }
    async fn correlation_id(&self) -> Uuid {
        self.0.correlation_id
    }
    async fn causation_id(&self) -> Option<Uuid> {
        self.0.causation_id
    }
    /// Hex SHA-256 of the previous event in the stream; null at revision 0.
    async fn previous_hash(&self) -> Option<String> {
        self.0.previous_hash.map(|h| h.to_string())
    }
    /// Hex SHA-256 over the canonical encoding (schema/events/HASHING.md).
    async fn hash(&self) -> String {
        self.0.hash.to_string()
    }
    /// The payload exactly as stored.
    async fn payload(&self) -> Json<serde_json::Value> {
        Json(serde_json::from_str(self.0.payload.get()).unwrap_or_default())
    }
}

fn audit_trail(models: &ReadModels, stream: &str, as_of: Option<Position>) -> Vec<AuditEvent> {
    models
        .stream(stream)
        .iter()
        .take_while(|e| as_of.is_none_or(|as_of| e.position <= as_of))
        .map(|e| AuditEvent(e.clone()))
        .collect()
}

// ------------------------------------------------------------------------------------ groups

pub struct Group {
    pub state: Arc<GroupState>,
    pub as_of: Option<Position>,
}

#[Object]
impl Group {
    async fn id(&self) -> &str {
        &self.state.id
    }
    async fn name(&self) -> &str {
        &self.state.name
    }
    async fn acronym(&self) -> &str {
        &self.state.acronym
    }
    async fn document_prefix(&self) -> &str {
        &self.state.document_prefix
    }
    async fn kind(&self) -> GroupKind {
        self.state.kind.into()
    }
    async fn visibility(&self) -> Visibility {
        self.state.visibility.into()
    }
    async fn established_on(&self) -> NaiveDate {
        self.state.established_on
    }
    async fn terms_of_reference(&self) -> Option<TermsOfReference> {
        self.state
            .terms_of_reference
            .as_ref()
            .map(|t| TermsOfReference {
                objectives: t.objectives.clone(),
                tasks: t.tasks.clone(),
                deliverables: t.deliverables.clone(),
                lifetime_months: t.lifetime_months,
            })
    }
    /// Lifetime in months, extensions included.
    async fn lifetime_months(&self) -> Option<u32> {
        let extra: u32 = self.state.extensions.iter().map(|e| e.extra_months).sum();
        self.state
            .terms_of_reference
            .as_ref()
            .map(|t| t.lifetime_months + extra)
    }
    async fn lifetime_extensions(&self) -> Vec<LifetimeExtension> {
        self.state
            .extensions
            .iter()
            .map(|e| LifetimeExtension {
                extra_months: e.extra_months,
                reason: e.reason.clone(),
                extended_at: e.extended_at,
            })
            .collect()
    }
    async fn parent(&self, ctx: &Context<'_>) -> Option<Group> {
        let parent = self.state.parent_id.as_deref()?;
        let (read, _) = env(ctx);
        read.read(|m| m.group_at(parent, self.as_of))
            .map(|state| Group {
                state,
                as_of: self.as_of,
            })
    }
    async fn children(&self, ctx: &Context<'_>) -> Vec<Group> {
        let (read, _) = env(ctx);
        read.read(|m| {
            m.groups
                .values()
                .filter(|g| g.parent_id.as_deref() == Some(self.state.id.as_str()))
                .filter_map(|g| m.at(Some(g), self.as_of))
                .filter(|g| g.parent_id.as_deref() == Some(self.state.id.as_str()))
                .map(|state| Group {
                    state,
                    as_of: self.as_of,
                })
                .collect()
        })
    }
    /// Officers in office.
    async fn leadership(&self) -> Vec<Officer> {
        self.state
            .officers
            .iter()
            .map(|o| Officer {
                person: o.person.clone(),
                display_name: self
                    .state
                    .participant(&o.person)
                    .map(|p| p.display_name.clone()),
                role: o.role.into(),
                appointed_at: o.appointed_at,
            })
            .collect()
    }
    /// The participation list, with what each participant contributed, commented and stated.
    async fn participants(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] include_withdrawn: bool,
    ) -> Result<Vec<Participant>> {
        let (read, viewer) = env(ctx);
        read.read(|m| {
            if !viewer.can_read_participants(m, &self.state.id) {
                return Err(forbidden(format!("the participants of {}", self.state.id)));
            }
            Ok(self
                .state
                .participants
                .iter()
                .filter(|p| include_withdrawn || p.withdrawn.is_none())
                .map(|p| {
                    let activity = m.activity(&self.state.id, &p.person);
                    let count = |pick: fn(&crate::projection::Activity) -> &Vec<Position>| {
                        activity.map_or(0, |a| count_until(pick(a), self.as_of))
                    };
                    Participant {
                        person: p.person.clone(),
                        display_name: p.display_name.clone(),
                        organisation: p.organisation.clone(),
                        category: p.category.into(),
                        country: p.country.clone(),
                        registered_at: p.registered_at,
                        withdrawn_at: p.withdrawn.as_ref().map(|w| w.0),
                        withdrawal_reason: p.withdrawn.as_ref().and_then(|w| w.1.clone()),
                        contribution_count: count(|a| &a.contributions),
                        comment_count: count(|a| &a.comments),
                        position_count: count(|a| &a.positions),
                    }
                })
                .collect())
        })
    }
    async fn progress_reports(&self, ctx: &Context<'_>) -> Result<Vec<ProgressReport>> {
        let (read, viewer) = env(ctx);
        if !read.read(|m| viewer.can_read_participants(m, &self.state.id)) {
            return Err(forbidden(format!(
                "the progress reports of {}",
                self.state.id
            )));
        }
        Ok(self
            .state
            .progress_reports
            .iter()
            .map(|r| ProgressReport {
                report_id: r.report_id,
                parent_group_id: r.parent_group_id.clone(),
                period_from: r.period_from,
                period_to: r.period_to,
                summary: r.summary.clone(),
                document: r.document.as_ref().map(Document::from),
                sent_at: r.sent_at,
            })
            .collect())
    }
    /// Announced meetings, in order of announcement. Dates and agendas are public.
    async fn meetings(&self, ctx: &Context<'_>) -> Vec<Meeting> {
        let (read, _) = env(ctx);
        read.read(|m| {
            m.meetings_by_group
                .get(&self.state.id)
                .into_iter()
                .flatten()
                .filter_map(|id| m.meeting_at(*id, self.as_of))
                .filter_map(|state| Meeting::new(state, self.as_of))
                .collect()
        })
    }
    /// The group's deliverables the reader may read.
    async fn deliverables(&self, ctx: &Context<'_>) -> Vec<Deliverable> {
        let (read, viewer) = env(ctx);
        read.read(|m| {
            m.deliverables_by_group
                .get(&self.state.id)
                .into_iter()
                .flatten()
                .filter_map(|id| m.deliverable_at(*id, self.as_of))
                .filter(|d| viewer.can_read_deliverable(m, d))
                .map(|state| Deliverable {
                    state,
                    as_of: self.as_of,
                })
                .collect()
        })
    }
    #[allow(clippy::too_many_arguments)]
    async fn contributions(
        &self,
        ctx: &Context<'_>,
        meeting: Option<Uuid>,
        agenda_item: Option<String>,
        status: Option<ContributionStatusGql>,
        late: Option<bool>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Contribution>> {
        let filter = ContributionFilter {
            group: Some(self.state.id.clone()),
            meeting,
            agenda_item,
            status: status.map(Into::into),
            late,
        };
        contributions_page(ctx, &filter, first, after, self.as_of)
    }
    /// Every event of the group's stream.
    async fn audit_trail(&self, ctx: &Context<'_>) -> Result<Vec<AuditEvent>> {
        let (read, viewer) = env(ctx);
        read.read(|m| {
            if !viewer.can_read_group(m, &self.state.id) {
                return Err(forbidden(format!("the audit trail of {}", self.state.id)));
            }
            Ok(audit_trail(m, &self.state.span.stream, self.as_of))
        })
    }
}

// ---------------------------------------------------------------------------------- meetings

pub struct Meeting {
    state: Arc<MeetingState>,
    as_of: Option<Position>,
}

impl Meeting {
    /// A meeting is shown once announced.
    pub fn new(state: Arc<MeetingState>, as_of: Option<Position>) -> Option<Self> {
        state
            .announcement
            .is_some()
            .then_some(Self { state, as_of })
    }

    fn announcement(&self) -> &domain::events::MeetingAnnounced {
        self.state
            .announcement
            .as_ref()
            .expect("only announced meetings are shown")
    }
}

#[Object]
impl Meeting {
    async fn id(&self) -> Uuid {
        self.state.id
    }
    async fn group(&self, ctx: &Context<'_>) -> Option<Group> {
        let (read, _) = env(ctx);
        read.read(|m| m.group_at(&self.state.group_id, self.as_of))
            .map(|state| Group {
                state,
                as_of: self.as_of,
            })
    }
    async fn title(&self) -> &str {
        &self.announcement().title
    }
    async fn starts_on(&self) -> NaiveDate {
        self.announcement().starts_on
    }
    async fn ends_on(&self) -> NaiveDate {
        self.announcement().ends_on
    }
    /// Null for a fully remote meeting.
    async fn venue(&self) -> Option<&str> {
        self.announcement().venue.as_deref()
    }
    async fn remote_participation(&self) -> bool {
        self.announcement().remote_participation
    }
    async fn registration_deadline(&self) -> Option<NaiveDate> {
        self.announcement().registration_deadline
    }
    /// Twelve calendar days before the start: later contributions are late.
    async fn contribution_deadline(&self) -> NaiveDate {
        self.announcement().contribution_deadline
    }
    async fn announced_on(&self) -> NaiveDate {
        self.announcement().announced_on
    }
    /// Set when the meeting was announced with less than four weeks' notice.
    async fn notice_waiver(&self) -> Option<NoticeWaiver> {
        self.state.waiver.as_ref().map(|w| NoticeWaiver {
            notice_days: w.notice_days,
            reason: w.reason.clone(),
        })
    }
    async fn agenda(&self) -> Vec<AgendaItem> {
        self.state
            .agenda()
            .iter()
            .map(|i| AgendaItem {
                id: i.id.clone(),
                title: i.title.clone(),
            })
            .collect()
    }
    async fn contributions(
        &self,
        ctx: &Context<'_>,
        agenda_item: Option<String>,
        status: Option<ContributionStatusGql>,
        late: Option<bool>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Contribution>> {
        let filter = ContributionFilter {
            group: None,
            meeting: Some(self.state.id),
            agenda_item,
            status: status.map(Into::into),
            late,
        };
        contributions_page(ctx, &filter, first, after, self.as_of)
    }
    async fn audit_trail(&self, ctx: &Context<'_>) -> Result<Vec<AuditEvent>> {
        let (read, viewer) = env(ctx);
        read.read(|m| {
            if !viewer.can_read_group(m, &self.state.group_id) {
                return Err(forbidden("the audit trail of this meeting"));
            }
            Ok(audit_trail(m, &self.state.span.stream, self.as_of))
        })
    }
}

// ----------------------------------------------------------------------------- contributions

/// What a contribution list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ContributionFilter {
    pub group: Option<String>,
    pub meeting: Option<Uuid>,
    pub agenda_item: Option<String>,
    pub status: Option<ContributionStatus>,
    pub late: Option<bool>,
}

impl ContributionFilter {
    fn admits(&self, c: &ContributionState) -> bool {
        self.group.as_ref().is_none_or(|g| *g == c.group_id)
            && self.meeting.is_none_or(|m| m == c.meeting_id)
            && self
                .agenda_item
                .as_ref()
                .is_none_or(|a| *a == c.agenda_item)
            && self.status.is_none_or(|s| s == c.status)
            && self.late.is_none_or(|l| l == c.late)
    }
}

const DEFAULT_PAGE: usize = 50;
const MAX_PAGE: usize = 500;

/// One page of contributions the reader may read, in order of submission. The cursor is the
/// log position of the submission.
pub(crate) fn contributions_page(
    ctx: &Context<'_>,
    filter: &ContributionFilter,
    first: Option<i32>,
    after: Option<String>,
    as_of: Option<Position>,
) -> Result<Connection<String, Contribution>> {
    let (read, viewer) = env(ctx);
    let first = first.map_or(DEFAULT_PAGE, |f| {
        usize::try_from(f).unwrap_or(0).min(MAX_PAGE)
    });
    let after: Option<Position> = match after {
        Some(cursor) => Some(
            cursor
                .parse()
                .map_err(|_| QueryError::BadCursor(cursor).extend())?,
        ),
        None => None,
    };
    read.read(|m| {
        let ids: &[Uuid] = if let Some(meeting) = filter.meeting {
            m.contributions_by_meeting
                .get(&meeting)
                .map_or(&[], Vec::as_slice)
        } else if let Some(group) = &filter.group {
            m.contributions_by_group
                .get(group)
                .map_or(&[], Vec::as_slice)
        } else {
            &m.contribution_order
        };
        let start = match after {
            Some(after) => ids.partition_point(|id| m.contributions[id].span.created <= after),
            None => 0,
        };
        let mut page = ids[start..]
            .iter()
            .filter_map(|id| m.contribution_at(*id, as_of))
            .filter(|c| filter.admits(c) && viewer.can_read_contribution(m, c));
        let nodes: Vec<_> = page.by_ref().take(first).collect();
        let has_next = page.next().is_some();
        let mut connection = Connection::new(start > 0, has_next);
        connection.edges.extend(nodes.into_iter().map(|state| {
            Edge::new(
                state.span.created.to_string(),
                Contribution { state, as_of },
            )
        }));
        Ok(connection)
    })
}

pub struct Contribution {
    pub state: Arc<ContributionState>,
    pub as_of: Option<Position>,
}

#[Object]
impl Contribution {
    async fn id(&self) -> Uuid {
        self.state.id
    }
    /// The number with its revision mark: `DFC-I-012R1`.
    async fn number(&self) -> Cow<'_, str> {
        self.state.display_number()
    }
    /// The number without revision mark: `DFC-I-012`.
    async fn base_number(&self) -> &str {
        &self.state.number
    }
    async fn title(&self) -> &str {
        &self.state.current().title
    }
    async fn group(&self, ctx: &Context<'_>) -> Option<Group> {
        let (read, _) = env(ctx);
        read.read(|m| m.group_at(&self.state.group_id, self.as_of))
            .map(|state| Group {
                state,
                as_of: self.as_of,
            })
    }
    async fn meeting(&self, ctx: &Context<'_>) -> Option<Meeting> {
        let (read, _) = env(ctx);
        read.read(|m| m.meeting_at(self.state.meeting_id, self.as_of))
            .and_then(|state| Meeting::new(state, self.as_of))
    }
    async fn agenda_item(&self) -> &str {
        &self.state.agenda_item
    }
    async fn source_organisations(&self) -> &[String] {
        &self.state.source_organisations
    }
    async fn authors(&self) -> &[String] {
        &self.state.authors
    }
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.state.submitted_at
    }
    /// Whether any version arrived after the meeting's contribution deadline.
    async fn late(&self) -> bool {
        self.state.late
    }
    async fn status(&self) -> ContributionStatusGql {
        self.state.status.into()
    }
    async fn status_reason(&self) -> Option<&str> {
        self.state.status_reason.as_deref()
    }
    /// The current version's document.
    async fn document(&self) -> Document {
        Document::from(&self.state.current().document)
    }
    /// SHA-256 of the current version's document.
    async fn sha256(&self) -> &str {
        &self.state.current().document.sha256
    }
    /// Every version, the submission first.
    async fn revisions(&self) -> Vec<Revision<'_>> {
        self.state
            .revisions
            .iter()
            .map(|version| Revision {
                base_number: &self.state.number,
                version,
            })
            .collect()
    }
    /// Comment threads on this contribution that the reader may read.
    async fn threads(&self, ctx: &Context<'_>) -> Vec<Thread> {
        threads_on(ctx, self.state.id, self.as_of)
    }
    async fn consensus_calls(&self, ctx: &Context<'_>) -> Vec<ConsensusCall> {
        calls_on(ctx, self.state.id, self.as_of)
    }
    async fn audit_trail(&self, ctx: &Context<'_>) -> Vec<AuditEvent> {
        let (read, _) = env(ctx);
        read.read(|m| audit_trail(m, &self.state.span.stream, self.as_of))
    }
}

fn threads_on(ctx: &Context<'_>, entity: Uuid, as_of: Option<Position>) -> Vec<Thread> {
    let (read, viewer) = env(ctx);
    read.read(|m| {
        m.threads_by_entity
            .get(&entity)
            .into_iter()
            .flatten()
            .filter_map(|id| m.thread_at(*id, as_of))
            .filter(|t| viewer.can_read_group(m, &t.group_id))
            .map(|state| Thread { state, as_of })
            .collect()
    })
}

fn calls_on(ctx: &Context<'_>, entity: Uuid, as_of: Option<Position>) -> Vec<ConsensusCall> {
    let (read, viewer) = env(ctx);
    read.read(|m| {
        m.calls_by_entity
            .get(&entity)
            .into_iter()
            .flatten()
            .filter_map(|id| m.call_at(*id, as_of))
            .filter(|c| viewer.can_read_call(m, c))
            .map(|state| ConsensusCall { state, as_of })
            .collect()
    })
}

// ---------------------------------------------------------------------------------- comments

pub struct Thread {
    pub state: Arc<ThreadState>,
    pub as_of: Option<Position>,
}

#[Object]
impl Thread {
    async fn id(&self) -> Uuid {
        self.state.id
    }
    async fn group_id(&self) -> &str {
        &self.state.group_id
    }
    async fn subject(&self) -> SubjectRef {
        SubjectRef::from(&self.state.subject)
    }
    /// Every comment in order of posting; retracted ones stay as tombstones.
    async fn comments(&self) -> Vec<Comment> {
        self.state
            .comments
            .iter()
            .enumerate()
            .map(|(index, _)| Comment {
                index,
                thread: self.state.clone(),
                as_of: self.as_of,
            })
            .collect()
    }
    async fn resolved(&self) -> bool {
        self.state.resolved.is_some()
    }
    async fn resolution(&self) -> Option<&str> {
        self.state.resolved.as_ref().and_then(|r| r.as_deref())
    }
    async fn audit_trail(&self, ctx: &Context<'_>) -> Vec<AuditEvent> {
        let (read, _) = env(ctx);
        read.read(|m| audit_trail(m, &self.state.span.stream, self.as_of))
    }
}

/// A comment, by its place in its thread (no copy of its texts).
pub struct Comment {
    pub index: usize,
    pub thread: Arc<ThreadState>,
    pub as_of: Option<Position>,
}

impl Comment {
    fn comment(&self) -> &CommentState {
        &self.thread.comments[self.index]
    }
}

#[Object]
impl Comment {
    async fn id(&self) -> Uuid {
        self.comment().id
    }
    async fn thread(&self) -> Thread {
        Thread {
            state: self.thread.clone(),
            as_of: self.as_of,
        }
    }
    async fn in_reply_to(&self) -> Option<Uuid> {
        self.comment().in_reply_to
    }
    async fn author(&self) -> &str {
        &self.comment().author
    }
    async fn posted_at(&self) -> DateTime<Utc> {
        self.comment().posted_at
    }
    async fn position(&self) -> LogPosition {
        LogPosition(self.comment().position)
    }
    /// The current text; null once retracted (the comment stays as a tombstone).
    async fn text(&self) -> Option<&str> {
        match self.comment().retracted_at {
            Some(_) => None,
            None => self.comment().versions.last().map(|v| v.text.as_str()),
        }
    }
    async fn retracted(&self) -> bool {
        self.comment().retracted_at.is_some()
    }
    async fn retracted_at(&self) -> Option<DateTime<Utc>> {
        self.comment().retracted_at
    }
    async fn edited(&self) -> bool {
        self.comment().versions.len() > 1
    }
    /// Every text the comment had, first to last; empty once retracted.
    async fn history(&self) -> Vec<TextVersion<'_>> {
        if self.comment().retracted_at.is_some() {
            return Vec::new();
        }
        self.comment().versions.iter().map(TextVersion).collect()
    }
}

// --------------------------------------------------------------------------------- consensus

pub struct ConsensusCall {
    pub state: Arc<CallState>,
    pub as_of: Option<Position>,
}

#[Object]
impl ConsensusCall {
    async fn id(&self) -> Uuid {
        self.state.id
    }
    async fn group_id(&self) -> &str {
        &self.state.group_id
    }
    async fn subject(&self) -> SubjectRef {
        SubjectRef::from(&self.state.subject)
    }
    async fn question(&self) -> &str {
        &self.state.question
    }
    async fn opened_at(&self) -> DateTime<Utc> {
        self.state.opened_at
    }
    async fn closes_at(&self) -> DateTime<Utc> {
        self.state.closes_at
    }
    /// Each participant's current position.
    async fn positions(&self) -> Vec<StatedPosition> {
        self.state
            .current_positions()
            .into_iter()
            .map(|p| StatedPosition {
                position: p.position,
                call: self.state.clone(),
                as_of: self.as_of,
            })
            .collect()
    }
    /// Every position ever stated, earlier ones included, in order.
    async fn position_history(&self) -> Vec<StatedPosition> {
        self.state
            .positions
            .iter()
            .map(|p| StatedPosition {
                position: p.position,
                call: self.state.clone(),
                as_of: self.as_of,
            })
            .collect()
    }
    /// Decisions in order, corrections included.
    async fn decisions(&self) -> Vec<Decision> {
        self.state
            .decisions
            .iter()
            .map(|d| Decision {
                id: d.id,
                call: self.state.clone(),
                as_of: self.as_of,
            })
            .collect()
    }
    async fn audit_trail(&self, ctx: &Context<'_>) -> Vec<AuditEvent> {
        let (read, _) = env(ctx);
        read.read(|m| audit_trail(m, &self.state.span.stream, self.as_of))
    }
}

/// A stated position, by where it is in the log (no copy of its texts).
pub struct StatedPosition {
    pub position: Position,
    pub call: Arc<CallState>,
    pub as_of: Option<Position>,
}

impl StatedPosition {
    fn record(&self) -> &PositionRecord {
        self.call
            .positions
            .iter()
            .rev()
            .find(|p| p.position == self.position)
            .expect("a position view is made only for a position of its call")
    }
}

#[Object]
impl StatedPosition {
    async fn participant(&self) -> &str {
        &self.record().participant
    }
    async fn stance(&self) -> Stance {
        self.record().stance.into()
    }
    async fn reason(&self) -> Option<&str> {
        self.record().reason.as_deref()
    }
    async fn stated_at(&self) -> DateTime<Utc> {
        self.record().stated_at
    }
    async fn position(&self) -> LogPosition {
        LogPosition(self.record().position)
    }
    /// Whether this is still the participant's position in the call.
    async fn current(&self) -> bool {
        self.call.is_current(self.record())
    }
    async fn call(&self) -> ConsensusCall {
        ConsensusCall {
            state: self.call.clone(),
            as_of: self.as_of,
        }
    }
}

pub struct Decision {
    pub id: Uuid,
    pub call: Arc<CallState>,
    pub as_of: Option<Position>,
}

impl Decision {
    fn state(&self) -> &DecisionState {
        self.call
            .decision(self.id)
            .expect("a decision view is made only for a decision of its call")
    }

    fn sibling(&self, id: Uuid) -> Option<Decision> {
        self.call.decision(id).map(|_| Decision {
            id,
            call: self.call.clone(),
            as_of: self.as_of,
        })
    }
}

#[Object]
impl Decision {
    async fn id(&self) -> Uuid {
        self.id
    }
    async fn call(&self) -> ConsensusCall {
        ConsensusCall {
            state: self.call.clone(),
            as_of: self.as_of,
        }
    }
    async fn group_id(&self) -> &str {
        &self.state().group_id
    }
    async fn subject(&self) -> SubjectRef {
        SubjectRef::from(&self.state().subject)
    }
    async fn outcome(&self) -> Outcome {
        self.state().outcome.into()
    }
    /// Whether the outcome approves what the call was about.
    async fn approves(&self) -> bool {
        self.state().outcome.approves()
    }
    async fn summary(&self) -> &str {
        &self.state().summary
    }
    /// The objections raised and what became of each.
    async fn objections(&self) -> Vec<Objection> {
        self.state()
            .objections
            .iter()
            .map(Objection::from)
            .collect()
    }
    async fn decided_at(&self) -> DateTime<Utc> {
        self.state().decided_at
    }
    async fn position(&self) -> LogPosition {
        LogPosition(self.state().position)
    }
    /// The earlier decision this one corrects.
    async fn corrects(&self) -> Option<Decision> {
        self.state()
            .corrects
            .as_ref()
            .and_then(|(id, _)| self.sibling(*id))
    }
    async fn correction_reason(&self) -> Option<&str> {
        self.state()
            .corrects
            .as_ref()
            .map(|(_, reason)| reason.as_str())
    }
    /// The later decision that corrects this one.
    async fn corrected_by(&self) -> Option<Decision> {
        self.state().corrected_by.and_then(|id| self.sibling(id))
    }
    /// False once a later decision corrected it.
    async fn in_force(&self) -> bool {
        self.state().corrected_by.is_none()
    }
    async fn audit_trail(&self, ctx: &Context<'_>) -> Vec<AuditEvent> {
        let (read, _) = env(ctx);
        read.read(|m| audit_trail(m, &self.call.span.stream, self.as_of))
    }
}

/// Finds a decision the reader may read, through its call.
pub(crate) fn decision_view(
    m: &ReadModels,
    viewer: &Viewer,
    id: Uuid,
    as_of: Option<Position>,
) -> Option<Result<Decision>> {
    let call = m.call_at(m.call_of(id)?, as_of)?;
    call.decision(id)?;
    if !viewer.can_read_call(m, &call) {
        return Some(Err(forbidden("this decision")));
    }
    Some(Ok(Decision { id, call, as_of }))
}

// ------------------------------------------------------------------------------ deliverables

pub struct Deliverable {
    pub state: Arc<DeliverableState>,
    pub as_of: Option<Position>,
}

#[Object]
impl Deliverable {
    async fn id(&self) -> Uuid {
        self.state.id
    }
    async fn group(&self, ctx: &Context<'_>) -> Option<Group> {
        let (read, _) = env(ctx);
        read.read(|m| m.group_at(&self.state.group_id, self.as_of))
            .map(|state| Group {
                state,
                as_of: self.as_of,
            })
    }
    async fn title(&self) -> &str {
        &self.state.title
    }
    async fn from_terms_of_reference(&self) -> bool {
        self.state.from_terms_of_reference
    }
    async fn editors(&self) -> &[String] {
        &self.state.editors
    }
    /// Draft versions, first to last.
    async fn drafts(&self) -> Vec<Draft> {
        self.state
            .drafts
            .iter()
            .map(|d| Draft {
                version: d.version,
                deliverable: self.state.clone(),
                as_of: self.as_of,
            })
            .collect()
    }
    async fn approvals(&self) -> Vec<Approval> {
        self.state
            .approvals
            .iter()
            .map(|a| Approval {
                approval: a.clone(),
                as_of: self.as_of,
            })
            .collect()
    }
    /// The decision behind the approval in force: none before any approval, or once a
    /// correction withdrew the latest one.
    async fn approving_decision(&self, ctx: &Context<'_>) -> Result<Option<Decision>> {
        let Some(approval) = self.state.approval_in_force() else {
            return Ok(None);
        };
        let (read, viewer) = env(ctx);
        read.read(|m| decision_view(m, viewer, approval.decision_id, self.as_of).transpose())
    }
    async fn transmittals(&self) -> Vec<Transmittal> {
        self.state
            .transmittals
            .iter()
            .map(|t| Transmittal {
                state: t.clone(),
                deliverable: self.state.clone(),
                as_of: self.as_of,
            })
            .collect()
    }
    async fn threads(&self, ctx: &Context<'_>) -> Vec<Thread> {
        threads_on(ctx, self.state.id, self.as_of)
    }
    async fn consensus_calls(&self, ctx: &Context<'_>) -> Vec<ConsensusCall> {
        calls_on(ctx, self.state.id, self.as_of)
    }
    async fn audit_trail(&self, ctx: &Context<'_>) -> Vec<AuditEvent> {
        let (read, _) = env(ctx);
        read.read(|m| audit_trail(m, &self.state.span.stream, self.as_of))
    }
}

pub struct Draft {
    version: u32,
    deliverable: Arc<DeliverableState>,
    as_of: Option<Position>,
}

impl Draft {
    fn draft(&self) -> &crate::entities::Draft {
        self.deliverable
            .draft(self.version)
            .expect("a draft view is made only for a published draft")
    }
}

#[Object]
impl Draft {
    async fn version(&self) -> u32 {
        self.version
    }
    /// Its output document number: `DFC-O-005`.
    async fn number(&self) -> &str {
        &self.draft().number
    }
    async fn document(&self) -> Document {
        Document::from(&self.draft().document)
    }
    async fn note(&self) -> Option<&str> {
        self.draft().note.as_deref()
    }
    async fn published_at(&self) -> DateTime<Utc> {
        self.draft().published_at
    }
    /// The contributions whose text this draft takes up, those the reader may read.
    async fn builds_on(&self, ctx: &Context<'_>) -> Vec<Contribution> {
        readable_contributions(ctx, &self.draft().builds_on, self.as_of)
    }
}

fn readable_contributions(
    ctx: &Context<'_>,
    ids: &[Uuid],
    as_of: Option<Position>,
) -> Vec<Contribution> {
    let (read, viewer) = env(ctx);
    read.read(|m| {
        ids.iter()
            .filter_map(|id| m.contribution_at(*id, as_of))
            .filter(|c| viewer.can_read_contribution(m, c))
            .map(|state| Contribution { state, as_of })
            .collect()
    })
}

pub struct Approval {
    approval: crate::entities::Approval,
    as_of: Option<Position>,
}

#[Object]
impl Approval {
    async fn version(&self) -> u32 {
        self.approval.version
    }
    async fn approved_at(&self) -> DateTime<Utc> {
        self.approval.approved_at
    }
    async fn decision(&self, ctx: &Context<'_>) -> Result<Option<Decision>> {
        let (read, viewer) = env(ctx);
        read.read(|m| decision_view(m, viewer, self.approval.decision_id, self.as_of).transpose())
    }
    /// When a correction of the decision withdrew this approval; none while it is in force.
    async fn withdrawn_at(&self) -> Option<DateTime<Utc>> {
        self.approval.withdrawn.as_ref().map(|w| w.at)
    }
    /// The correcting decision that withdrew this approval.
    async fn withdrawn_by(&self, ctx: &Context<'_>) -> Result<Option<Decision>> {
        let Some(withdrawal) = &self.approval.withdrawn else {
            return Ok(None);
        };
        let (read, viewer) = env(ctx);
        read.read(|m| decision_view(m, viewer, withdrawal.corrected_by, self.as_of).transpose())
    }
}

/// A deliverable sent to the parent group: what the parent group receives and verifies.
pub struct Transmittal {
    pub state: TransmittalState,
    pub deliverable: Arc<DeliverableState>,
    pub as_of: Option<Position>,
}

#[Object]
impl Transmittal {
    async fn id(&self) -> Uuid {
        self.state.id
    }
    async fn deliverable(&self) -> Deliverable {
        Deliverable {
            state: self.deliverable.clone(),
            as_of: self.as_of,
        }
    }
    async fn version(&self) -> u32 {
        self.state.version
    }
    /// The draft version sent.
    async fn draft(&self) -> Option<Draft> {
        self.deliverable.draft(self.state.version).map(|_| Draft {
            version: self.state.version,
            deliverable: self.deliverable.clone(),
            as_of: self.as_of,
        })
    }
    async fn parent_group(&self, ctx: &Context<'_>) -> Option<Group> {
        let (read, _) = env(ctx);
        read.read(|m| m.group_at(&self.state.parent_group_id, self.as_of))
            .map(|state| Group {
                state,
                as_of: self.as_of,
            })
    }
    async fn parent_meeting_id(&self) -> Uuid {
        self.state.parent_meeting_id
    }
    async fn parent_meeting_starts_on(&self) -> NaiveDate {
        self.state.parent_meeting_starts_on
    }
    async fn transmitted_at(&self) -> DateTime<Utc> {
        self.state.transmitted_at
    }
    /// Position of the transmittal in the log: pass the last one seen as `since` next time.
    async fn position(&self) -> LogPosition {
        LogPosition(self.state.position)
    }
    async fn status(&self) -> TransmittalStatus {
        match self.state.outcome {
            None => TransmittalStatus::Pending,
            Some(TransmittalOutcome::Acknowledged { .. }) => TransmittalStatus::Acknowledged,
            Some(TransmittalOutcome::Returned { .. }) => TransmittalStatus::Returned,
        }
    }
    /// The parent group's note on acknowledging, or its reason for returning it.
    async fn status_note(&self) -> Option<&str> {
        match &self.state.outcome {
            Some(TransmittalOutcome::Acknowledged { note, .. }) => note.as_deref(),
            Some(TransmittalOutcome::Returned { reason, .. }) => Some(reason),
            None => None,
        }
    }
    /// The decision that approved the version sent.
    async fn approving_decision(&self, ctx: &Context<'_>) -> Result<Option<Decision>> {
        let Some(approval) = self.deliverable.approval_of(self.state.version) else {
            return Ok(None);
        };
        let (read, viewer) = env(ctx);
        read.read(|m| decision_view(m, viewer, approval.decision_id, self.as_of).transpose())
    }
    /// Every contribution the drafts up to the version sent built on, once each.
    async fn built_on(&self, ctx: &Context<'_>) -> Vec<Contribution> {
        let mut ids: Vec<Uuid> = Vec::new();
        for draft in self
            .deliverable
            .drafts
            .iter()
            .filter(|d| d.version <= self.state.version)
        {
            for id in &draft.builds_on {
                if !ids.contains(id) {
                    ids.push(*id);
                }
            }
        }
        readable_contributions(ctx, &ids, self.as_of)
    }
    /// The deliverable's stream up to the moment asked: drafts, approval, this transmittal.
    async fn audit_trail(&self, ctx: &Context<'_>) -> Vec<AuditEvent> {
        let (read, _) = env(ctx);
        read.read(|m| audit_trail(m, &self.deliverable.span.stream, self.as_of))
    }
}

/// What a parent group received from its child groups since a position.
pub struct Inbox {
    pub parent_group: Arc<GroupState>,
    pub since: Option<Position>,
    pub until: Option<Position>,
    pub transmittals: Vec<Transmittal>,
}

#[Object]
impl Inbox {
    async fn parent_group(&self) -> Group {
        Group {
            state: self.parent_group.clone(),
            as_of: None,
        }
    }
    async fn since(&self) -> Option<LogPosition> {
        self.since.map(LogPosition)
    }
    /// The read side's head when this answer was made: pass it as `since` on the next pull.
    async fn until(&self) -> Option<LogPosition> {
        self.until.map(LogPosition)
    }
    /// Transmittals after `since`, in log order.
    async fn transmittals(&self) -> &[Transmittal] {
        &self.transmittals
    }
}
