//! Groups: establishing parent groups, focus groups, initiatives and working groups with their
//! terms of reference; officers; the participant register; progress reports to the parent.

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{InputError, Rejection};
use crate::events::{
    DocumentRef, GroupId, GroupKind, MembershipCategory, OfficerRole, PersonId, ReportId,
    TermsOfReference, Visibility,
};

#[derive(Debug, Clone, PartialEq)]
pub enum GroupCommand {
    Establish(EstablishGroup),
    ExtendLifetime(ExtendLifetime),
    AppointOfficer(AppointOfficer),
    RelieveOfficer(RelieveOfficer),
    RegisterParticipant(RegisterParticipant),
    WithdrawParticipant(WithdrawParticipant),
    SendProgressReport(SendProgressReport),
}

/// What the groups service knows of the intended parent group (from its stream).
#[derive(Debug, Clone, PartialEq)]
pub struct ParentFact {
    pub group_id: GroupId,
    /// `None` when no group with that id has been established.
    pub kind: Option<GroupKind>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EstablishGroup {
    /// Lowercase letters, digits and `-`, starting with a letter: `fg-dfc`.
    pub group_id: GroupId,
    pub name: String,
    pub acronym: String,
    /// Uppercase letters and digits, at most 10: `DFC`.
    pub document_prefix: String,
    pub kind: GroupKind,
    pub parent: Option<ParentFact>,
    pub visibility: Visibility,
    pub established_on: NaiveDate,
    /// Required for focus groups and initiatives.
    pub terms_of_reference: Option<TermsOfReference>,
}

/// Decided by the parent group; recorded on the child group's stream.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtendLifetime {
    pub extra_months: u32,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppointOfficer {
    pub person: PersonId,
    pub role: OfficerRole,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RelieveOfficer {
    pub person: PersonId,
    pub role: OfficerRole,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RegisterParticipant {
    pub person: PersonId,
    pub display_name: String,
    pub organisation: String,
    pub category: MembershipCategory,
    /// ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
}

/// Withdrawing a participant also relieves them of any office they hold in the group.
#[derive(Debug, Clone, PartialEq)]
pub struct WithdrawParticipant {
    pub person: PersonId,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SendProgressReport {
    pub report_id: ReportId,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub summary: String,
    pub document: Option<DocumentRef>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupError {
    #[error("the group is already established")]
    AlreadyEstablished,
    #[error("the group has not been established")]
    NotEstablished,
    #[error(
        "a group id is lowercase letters, digits and '-', starting with a letter, at most 40 characters"
    )]
    InvalidGroupId,
    #[error("a document prefix is 1 to 10 uppercase letters or digits")]
    InvalidDocumentPrefix,
    #[error("a {kind:?} needs a parent group")]
    ParentRequired { kind: GroupKind },
    #[error("a parent group has no parent")]
    ParentNotAllowed,
    #[error("parent group {0:?} has not been established")]
    ParentNotFound(GroupId),
    #[error("a {kind:?} cannot be placed under a {parent_kind:?}")]
    WrongParentKind {
        kind: GroupKind,
        parent_kind: GroupKind,
    },
    #[error("a {kind:?} needs terms of reference")]
    TermsOfReferenceRequired { kind: GroupKind },
    #[error("the lifetime must be a positive number of months")]
    InvalidLifetime,
    #[error("the group has no terms of reference, hence no lifetime to extend")]
    NoTermsOfReference,
    #[error("{person} already holds that office")]
    AlreadyOfficer { person: PersonId },
    #[error("{person} does not hold that office")]
    NotOfficer { person: PersonId },
    #[error("{person} is not a registered participant of the group")]
    NotParticipant { person: PersonId },
    #[error("{person} is already a registered participant")]
    AlreadyRegistered { person: PersonId },
    #[error("a country is an ISO 3166-1 alpha-2 code such as CN or GB")]
    InvalidCountry,
    #[error("the group has no parent group to report to")]
    NoParentGroup,
    #[error("the period must start on or before its end, and end no later than today")]
    InvalidPeriod,
    #[error("report {0} was already sent")]
    DuplicateReport(ReportId),
    #[error(transparent)]
    Input(#[from] InputError),
}

impl Rejection for GroupError {
    fn code(&self) -> &'static str {
        match self {
            Self::AlreadyEstablished => "group.already_established",
            Self::NotEstablished => "group.not_established",
            Self::InvalidGroupId => "group.invalid_id",
            Self::InvalidDocumentPrefix => "group.invalid_document_prefix",
            Self::ParentRequired { .. } => "group.parent_required",
            Self::ParentNotAllowed => "group.parent_not_allowed",
            Self::ParentNotFound(_) => "group.parent_not_found",
            Self::WrongParentKind { .. } => "group.wrong_parent_kind",
            Self::TermsOfReferenceRequired { .. } => "group.terms_of_reference_required",
            Self::InvalidLifetime => "group.invalid_lifetime",
            Self::NoTermsOfReference => "group.no_terms_of_reference",
            Self::AlreadyOfficer { .. } => "group.already_officer",
            Self::NotOfficer { .. } => "group.not_officer",
            Self::NotParticipant { .. } => "participant.not_registered",
            Self::AlreadyRegistered { .. } => "participant.already_registered",
            Self::InvalidCountry => "participant.invalid_country",
            Self::NoParentGroup => "group.no_parent_group",
            Self::InvalidPeriod => "report.invalid_period",
            Self::DuplicateReport(_) => "report.duplicate",
            Self::Input(error) => error.code(),
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::InvalidGroupId => Some("groupId"),
            Self::InvalidDocumentPrefix => Some("documentPrefix"),
            Self::ParentRequired { .. }
            | Self::ParentNotAllowed
            | Self::ParentNotFound(_)
            | Self::WrongParentKind { .. } => Some("parentId"),
            Self::TermsOfReferenceRequired { .. } => Some("termsOfReference"),
            Self::InvalidLifetime => Some("extraMonths"),
            Self::AlreadyOfficer { .. }
            | Self::NotOfficer { .. }
            | Self::NotParticipant { .. }
            | Self::AlreadyRegistered { .. } => Some("person"),
            Self::InvalidCountry => Some("country"),
            Self::InvalidPeriod => Some("periodTo"),
            Self::DuplicateReport(_) => Some("reportId"),
            Self::Input(error) => error.field(),
            Self::AlreadyEstablished
            | Self::NotEstablished
            | Self::NoTermsOfReference
            | Self::NoParentGroup => None,
        }
    }
}
