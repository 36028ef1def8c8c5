//! Every fact Plenary records: past-tense events with stable names, grouped by context.
//!
//! An event's type name is its variant name (`ContributionSubmitted`), never renamed once
//! released; a change of shape bumps its schema version and adds an upcaster (see `codec`).

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A group's short, stable name: `tsag`, `fg-dfc`, `dcgi-airu`.
pub type GroupId = String;
/// A person's stable subject, as in their token: `david.wen`.
pub type PersonId = String;
pub type MeetingId = Uuid;
pub type ContributionId = Uuid;
pub type ThreadId = Uuid;
pub type CommentId = Uuid;
pub type CallId = Uuid;
pub type DecisionId = Uuid;
pub type DeliverableId = Uuid;
pub type TransmittalId = Uuid;
pub type ReportId = Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum GroupKind {
    /// Creates and oversees other groups (TSAG).
    ParentGroup,
    /// Works under Recommendation ITU-T A.7 with terms of reference (FG DFC).
    FocusGroup,
    /// A joint initiative organised like a focus group (DCGI).
    Initiative,
    /// A working group inside a focus group or initiative (DCGI AIRU).
    WorkingGroup,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Visibility {
    /// Documents and discussions readable by anyone ("documents will be made publicly available").
    Public,
    /// Readable by the group's participants and its parent group.
    MembersOnly,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TermsOfReference {
    pub objectives: Vec<String>,
    pub tasks: Vec<String>,
    /// Deliverable titles; each becomes a deliverable with `DeliverableDefined`.
    pub deliverables: Vec<String>,
    /// Lifetime in months from the first meeting (FG DFC: 24).
    pub lifetime_months: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum MembershipCategory {
    MemberState,
    SectorMember,
    Associate,
    Academia,
    /// An individual from an ITU member country willing to contribute.
    Individual,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum OfficerRole {
    Chair,
    ViceChair,
}

/// What a comment thread, a consensus call or a decision is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
// For utoipa 5, which ignores `rename_all_fields` and takes an id alias for a schema of its
// own, each variant repeats the renaming and each id names `Uuid`.
pub enum Subject {
    #[cfg_attr(feature = "openapi", schema(rename_all = "camelCase"))]
    Contribution {
        #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
        id: ContributionId,
    },
    /// A deliverable, optionally one of its draft versions.
    #[cfg_attr(feature = "openapi", schema(rename_all = "camelCase"))]
    Deliverable {
        #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
        id: DeliverableId,
        version: Option<u32>,
    },
    #[cfg_attr(feature = "openapi", schema(rename_all = "camelCase"))]
    AgendaItem {
        #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
        meeting_id: MeetingId,
        item: String,
    },
}

/// A stored document: content-addressed in the blob store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DocumentRef {
    /// Lowercase hex SHA-256 of the file; also its name in the blob store.
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    pub file_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AgendaItem {
    /// Its number on the agenda: `1`, `4.2`.
    #[cfg_attr(feature = "openapi", schema(example = "4.2"))]
    pub id: String,
    pub title: String,
}

// ---------------------------------------------------------------- groups (stream `group-{id}`)

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupEstablished {
    pub group_id: GroupId,
    pub name: String,
    pub acronym: String,
    /// Prefix of document numbers: `DFC` gives `DFC-I-012`.
    pub document_prefix: String,
    pub kind: GroupKind,
    pub parent_id: Option<GroupId>,
    pub visibility: Visibility,
    pub established_on: NaiveDate,
    pub terms_of_reference: Option<TermsOfReference>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LifetimeExtended {
    pub group_id: GroupId,
    pub extra_months: u32,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfficerAppointed {
    pub group_id: GroupId,
    pub person: PersonId,
    pub role: OfficerRole,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfficerRelieved {
    pub group_id: GroupId,
    pub person: PersonId,
    pub role: OfficerRole,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantRegistered {
    pub group_id: GroupId,
    pub person: PersonId,
    pub display_name: String,
    pub organisation: String,
    pub category: MembershipCategory,
    /// ISO 3166-1 alpha-2 code (`CN`, `GB`); added in schema version 2, `None` when read from v1.
    pub country: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantWithdrawn {
    pub group_id: GroupId,
    pub person: PersonId,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProgressReportSent {
    pub group_id: GroupId,
    pub report_id: ReportId,
    pub parent_group_id: GroupId,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub summary: String,
    pub document: Option<DocumentRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", content = "data")]
pub enum GroupEvent {
    GroupEstablished(GroupEstablished),
    LifetimeExtended(LifetimeExtended),
    OfficerAppointed(OfficerAppointed),
    OfficerRelieved(OfficerRelieved),
    ParticipantRegistered(ParticipantRegistered),
    ParticipantWithdrawn(ParticipantWithdrawn),
    ProgressReportSent(ProgressReportSent),
}

// ------------------------------------------------------------- meetings (stream `meeting-{id}`)

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NoticeWaived {
    pub meeting_id: MeetingId,
    pub group_id: GroupId,
    /// Days of notice actually given (under 28).
    pub notice_days: i64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeetingAnnounced {
    pub meeting_id: MeetingId,
    pub group_id: GroupId,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// `None` for a fully remote meeting.
    pub venue: Option<String>,
    pub remote_participation: bool,
    pub registration_deadline: Option<NaiveDate>,
    /// Start minus 12 calendar days, computed by the domain.
    pub contribution_deadline: NaiveDate,
    pub agenda: Vec<AgendaItem>,
    pub announced_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgendaItemAdded {
    pub meeting_id: MeetingId,
    pub item: AgendaItem,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", content = "data")]
pub enum MeetingEvent {
    NoticeWaived(NoticeWaived),
    MeetingAnnounced(MeetingAnnounced),
    AgendaItemAdded(AgendaItemAdded),
}

// ------------------------------------------- document numbers (stream `register-{group id}`)

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum DocumentKind {
    /// `DFC-I-012`: contributions.
    Input,
    /// `DFC-O-005`: draft deliverables and other output documents.
    Output,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DocumentNumberAssigned {
    pub group_id: GroupId,
    pub kind: DocumentKind,
    pub sequence: u32,
    /// The full number, `DFC-I-012`.
    pub number: String,
    /// The contribution or deliverable the number was assigned to.
    pub assigned_to: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", content = "data")]
pub enum RegisterEvent {
    DocumentNumberAssigned(DocumentNumberAssigned),
}

// ------------------------------------------------ contributions (stream `contribution-{id}`)

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContributionSubmitted {
    pub contribution_id: ContributionId,
    pub group_id: GroupId,
    pub meeting_id: MeetingId,
    pub agenda_item: String,
    pub number: String,
    pub title: String,
    pub source_organisations: Vec<String>,
    pub authors: Vec<PersonId>,
    pub document: DocumentRef,
    pub submitted_at: DateTime<Utc>,
    /// Submitted after the meeting's contribution deadline: waits for the chair.
    pub late: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContributionRevised {
    pub contribution_id: ContributionId,
    /// 1 for the first revision: the number is then shown as `DFC-I-012R1`.
    pub revision: u32,
    pub title: String,
    pub document: DocumentRef,
    pub note: Option<String>,
    pub revised_at: DateTime<Utc>,
    pub late: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContributionWithdrawn {
    pub contribution_id: ContributionId,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LateContributionAccepted {
    pub contribution_id: ContributionId,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LateContributionRefused {
    pub contribution_id: ContributionId,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", content = "data")]
pub enum ContributionEvent {
    ContributionSubmitted(ContributionSubmitted),
    ContributionRevised(ContributionRevised),
    ContributionWithdrawn(ContributionWithdrawn),
    LateContributionAccepted(LateContributionAccepted),
    LateContributionRefused(LateContributionRefused),
}

// ---------------------------------------------------------- comments (stream `thread-{id}`)

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CommentPosted {
    pub thread_id: ThreadId,
    pub comment_id: CommentId,
    pub group_id: GroupId,
    pub subject: Subject,
    /// `None` for the comment that opens the thread.
    pub in_reply_to: Option<CommentId>,
    pub author: PersonId,
    pub text: String,
    pub posted_at: DateTime<Utc>,
}

/// The earlier text stays in the log: an edit is a new fact, not an overwrite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CommentEdited {
    pub thread_id: ThreadId,
    pub comment_id: CommentId,
    pub text: String,
    pub edited_at: DateTime<Utc>,
}

/// Leaves a tombstone: the comment's place in the thread stays, its text is no longer shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CommentRetracted {
    pub thread_id: ThreadId,
    pub comment_id: CommentId,
    pub retracted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ThreadResolved {
    pub thread_id: ThreadId,
    pub resolution: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", content = "data")]
pub enum CommentEvent {
    CommentPosted(CommentPosted),
    CommentEdited(CommentEdited),
    CommentRetracted(CommentRetracted),
    ThreadResolved(ThreadResolved),
}

// ------------------------------------------------------- consensus (stream `consensus-{id}`)

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Stance {
    Support,
    /// Requires a reason.
    Object,
    StandAside,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Agreed,
    AgreedWithModifications,
    NotAgreed,
    Noted,
    FurtherStudy,
    Postponed,
}

impl Outcome {
    /// Whether this outcome approves what the call was about.
    pub fn approves(self) -> bool {
        matches!(self, Self::Agreed | Self::AgreedWithModifications)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Disposition {
    Withdrawn,
    Resolved,
    Overruled,
    Sustained,
}

/// An objection raised during the call and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ObjectionRecord {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub participant: PersonId,
    pub reason: String,
    pub disposition: Disposition,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsensusCallOpened {
    pub call_id: CallId,
    pub group_id: GroupId,
    pub subject: Subject,
    pub question: String,
    pub opened_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

/// A later position by the same participant replaces this one; both stay in the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PositionStated {
    pub call_id: CallId,
    pub participant: PersonId,
    pub stance: Stance,
    pub reason: Option<String>,
    pub stated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DecisionRecorded {
    pub call_id: CallId,
    pub decision_id: DecisionId,
    pub group_id: GroupId,
    pub subject: Subject,
    pub outcome: Outcome,
    pub summary: String,
    pub objections: Vec<ObjectionRecord>,
    pub decided_at: DateTime<Utc>,
}

/// The only way to change a decision: a new decision that names the one it corrects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DecisionCorrected {
    pub call_id: CallId,
    pub decision_id: DecisionId,
    pub corrects: DecisionId,
    pub group_id: GroupId,
    pub subject: Subject,
    pub outcome: Outcome,
    pub summary: String,
    pub objections: Vec<ObjectionRecord>,
    pub reason: String,
    pub decided_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", content = "data")]
pub enum ConsensusEvent {
    ConsensusCallOpened(ConsensusCallOpened),
    PositionStated(PositionStated),
    DecisionRecorded(DecisionRecorded),
    DecisionCorrected(DecisionCorrected),
}

// ---------------------------------------------------- deliverables (stream `deliverable-{id}`)

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliverableDefined {
    pub deliverable_id: DeliverableId,
    pub group_id: GroupId,
    pub title: String,
    /// Listed in the group's terms of reference (as opposed to added later).
    pub from_terms_of_reference: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EditorAssigned {
    pub deliverable_id: DeliverableId,
    pub person: PersonId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DraftPublished {
    pub deliverable_id: DeliverableId,
    /// 1, 2, ...: each draft is a new output document.
    pub version: u32,
    pub number: String,
    pub document: DocumentRef,
    /// Contributions whose text the draft takes up.
    pub builds_on: Vec<ContributionId>,
    pub note: Option<String>,
    pub published_at: DateTime<Utc>,
}

/// Recorded by the routing service when a decision that approves the deliverable appears.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliverableApproved {
    pub deliverable_id: DeliverableId,
    pub version: u32,
    pub call_id: CallId,
    pub decision_id: DecisionId,
}

/// Recorded by the routing service when the decision behind the approval in force is corrected
/// to an outcome that does not approve: the deliverable needs a decision again before it is
/// sent. An approval already sent to the parent group is not withdrawn; the correction is in
/// its audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliverableApprovalWithdrawn {
    pub deliverable_id: DeliverableId,
    pub version: u32,
    /// The decision whose approval is withdrawn.
    pub decision_id: DecisionId,
    /// The correcting decision, and what it decided instead.
    pub corrected_by: DecisionId,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliverableTransmitted {
    pub deliverable_id: DeliverableId,
    pub transmittal_id: TransmittalId,
    pub version: u32,
    pub parent_group_id: GroupId,
    pub parent_meeting_id: MeetingId,
    pub parent_meeting_starts_on: NaiveDate,
    pub transmitted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TransmittalAcknowledged {
    pub deliverable_id: DeliverableId,
    pub transmittal_id: TransmittalId,
    pub note: Option<String>,
}

/// Sends the deliverable back for revision: it needs a new draft and a new decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TransmittalReturned {
    pub deliverable_id: DeliverableId,
    pub transmittal_id: TransmittalId,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", content = "data")]
pub enum DeliverableEvent {
    DeliverableDefined(DeliverableDefined),
    EditorAssigned(EditorAssigned),
    DraftPublished(DraftPublished),
    DeliverableApproved(DeliverableApproved),
    DeliverableApprovalWithdrawn(DeliverableApprovalWithdrawn),
    DeliverableTransmitted(DeliverableTransmitted),
    TransmittalAcknowledged(TransmittalAcknowledged),
    TransmittalReturned(TransmittalReturned),
}

/// Any event of any context.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Group(GroupEvent),
    Meeting(MeetingEvent),
    Register(RegisterEvent),
    Contribution(ContributionEvent),
    Comment(CommentEvent),
    Consensus(ConsensusEvent),
    Deliverable(DeliverableEvent),
}

/// Earlier shapes of events whose schema version was bumped, frozen as they were written.
/// [`crate::codec`] upcasts them to the current shape.
pub mod previous {
    use schemars::JsonSchema;
    use serde::{Deserialize, Serialize};

    use super::{GroupId, MembershipCategory, PersonId};

    /// `ParticipantRegistered` v1: before the participant's country was recorded.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct ParticipantRegisteredV1 {
        pub group_id: GroupId,
        pub person: PersonId,
        pub display_name: String,
        pub organisation: String,
        pub category: MembershipCategory,
    }
}
