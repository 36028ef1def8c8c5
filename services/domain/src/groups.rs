//! Groups: establishing parent groups, focus groups, initiatives and working groups with their
//! terms of reference; officers; the participant register; progress reports to the parent.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};

use crate::aggregate::Aggregate;
use crate::error::{self, InputError, MAX_LINE, MAX_TEXT, Rejection};
use crate::events::{
    DocumentRef, GroupEstablished, GroupEvent, GroupId, GroupKind, LifetimeExtended,
    MembershipCategory, OfficerAppointed, OfficerRelieved, OfficerRole, ParticipantRegistered,
    ParticipantWithdrawn, PersonId, ProgressReportSent, ReportId, TermsOfReference, Visibility,
};
use crate::policy::Role;

/// Longest lifetime or extension, in months.
pub const MAX_LIFETIME_MONTHS: u32 = 120;

/// Whether `id` can name a group (and so a stream): lowercase letters, digits and `-`,
/// starting with a letter, at most 40 characters.
pub fn is_valid_group_id(id: &str) -> bool {
    id.len() <= 40
        && id.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether `prefix` can start document numbers: 1 to 10 uppercase letters or digits.
pub fn is_valid_document_prefix(prefix: &str) -> bool {
    (1..=10).contains(&prefix.len())
        && prefix
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

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
    #[error("a lifetime or its extension is 1 to 120 months")]
    InvalidLifetime { field: &'static str },
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
            Self::InvalidLifetime { .. } => "group.invalid_lifetime",
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
            Self::InvalidLifetime { field } => Some(field),
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

/// The group aggregate, stream `group-{groupId}`.
#[derive(Debug)]
pub struct Group;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupState {
    pub established: Option<GroupEstablished>,
    /// Terms-of-reference lifetime plus every extension.
    pub lifetime_months: Option<u32>,
    pub officers: BTreeMap<PersonId, BTreeSet<OfficerRole>>,
    pub participants: BTreeMap<PersonId, Participant>,
    pub reports: BTreeSet<ReportId>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    pub display_name: String,
    pub organisation: String,
    pub category: MembershipCategory,
    pub country: Option<String>,
    /// False once withdrawn: a withdrawn participant cannot act in the group.
    pub active: bool,
}

impl GroupState {
    pub fn is_active_participant(&self, person: &str) -> bool {
        self.participants
            .get(person)
            .is_some_and(|participant| participant.active)
    }

    pub fn holds(&self, person: &str, role: OfficerRole) -> bool {
        self.officers
            .get(person)
            .is_some_and(|roles| roles.contains(&role))
    }

    /// The roles `person` holds in this group by its own record: `Delegate` while an active
    /// participant, plus `Chair`/`ViceChair` for their offices; none once withdrawn. Services
    /// may use it to check a token's roles against the log.
    pub fn roles_of(&self, person: &str) -> BTreeSet<Role> {
        if !self.is_active_participant(person) {
            return BTreeSet::new();
        }
        let offices = self
            .officers
            .get(person)
            .into_iter()
            .flatten()
            .map(|role| match role {
                OfficerRole::Chair => Role::Chair,
                OfficerRole::ViceChair => Role::ViceChair,
            });
        std::iter::once(Role::Delegate).chain(offices).collect()
    }

    pub fn parent_id(&self) -> Option<&GroupId> {
        self.established
            .as_ref()
            .and_then(|group| group.parent_id.as_ref())
    }

    fn require(&self) -> Result<&GroupEstablished, GroupError> {
        self.established.as_ref().ok_or(GroupError::NotEstablished)
    }

    fn require_participant(&self, person: &str) -> Result<(), GroupError> {
        if self.is_active_participant(person) {
            Ok(())
        } else {
            Err(GroupError::NotParticipant {
                person: person.to_owned(),
            })
        }
    }
}

impl Aggregate for Group {
    type State = GroupState;
    type Command = GroupCommand;
    type Event = GroupEvent;
    type Error = GroupError;

    fn decide(state: &GroupState, command: GroupCommand) -> Result<Vec<GroupEvent>, GroupError> {
        match command {
            GroupCommand::Establish(command) => establish(state, command),
            GroupCommand::ExtendLifetime(command) => {
                let group = state.require()?;
                if group.terms_of_reference.is_none() {
                    return Err(GroupError::NoTermsOfReference);
                }
                check_lifetime("extraMonths", command.extra_months)?;
                error::required("reason", &command.reason, MAX_TEXT)?;
                Ok(vec![GroupEvent::LifetimeExtended(LifetimeExtended {
                    group_id: group.group_id.clone(),
                    extra_months: command.extra_months,
                    reason: command.reason,
                })])
            }
            GroupCommand::AppointOfficer(command) => {
                let group = state.require()?;
                state.require_participant(&command.person)?;
                if state.holds(&command.person, command.role) {
                    return Err(GroupError::AlreadyOfficer {
                        person: command.person,
                    });
                }
                Ok(vec![GroupEvent::OfficerAppointed(OfficerAppointed {
                    group_id: group.group_id.clone(),
                    person: command.person,
                    role: command.role,
                })])
            }
            GroupCommand::RelieveOfficer(command) => {
                let group = state.require()?;
                if !state.holds(&command.person, command.role) {
                    return Err(GroupError::NotOfficer {
                        person: command.person,
                    });
                }
                Ok(vec![GroupEvent::OfficerRelieved(OfficerRelieved {
                    group_id: group.group_id.clone(),
                    person: command.person,
                    role: command.role,
                })])
            }
            GroupCommand::RegisterParticipant(command) => register(state, command),
            GroupCommand::WithdrawParticipant(command) => {
                let group = state.require()?;
                state.require_participant(&command.person)?;
                error::optional("reason", command.reason.as_deref(), MAX_TEXT)?;
                let offices = state.officers.get(&command.person).into_iter().flatten();
                let mut events: Vec<GroupEvent> = offices
                    .map(|role| {
                        GroupEvent::OfficerRelieved(OfficerRelieved {
                            group_id: group.group_id.clone(),
                            person: command.person.clone(),
                            role: *role,
                        })
                    })
                    .collect();
                events.push(GroupEvent::ParticipantWithdrawn(ParticipantWithdrawn {
                    group_id: group.group_id.clone(),
                    person: command.person,
                    reason: command.reason,
                }));
                Ok(events)
            }
            GroupCommand::SendProgressReport(command) => {
                let group = state.require()?;
                let parent_group_id = group.parent_id.clone().ok_or(GroupError::NoParentGroup)?;
                if command.period_from > command.period_to
                    || command.period_to > command.now.date_naive()
                {
                    return Err(GroupError::InvalidPeriod);
                }
                if state.reports.contains(&command.report_id) {
                    return Err(GroupError::DuplicateReport(command.report_id));
                }
                error::required("summary", &command.summary, MAX_TEXT)?;
                if let Some(document) = &command.document {
                    error::document("document", document)?;
                }
                Ok(vec![GroupEvent::ProgressReportSent(ProgressReportSent {
                    group_id: group.group_id.clone(),
                    report_id: command.report_id,
                    parent_group_id,
                    period_from: command.period_from,
                    period_to: command.period_to,
                    summary: command.summary,
                    document: command.document,
                })])
            }
        }
    }

    fn evolve(mut state: GroupState, event: &GroupEvent) -> GroupState {
        match event {
            GroupEvent::GroupEstablished(established) => {
                state.lifetime_months = established
                    .terms_of_reference
                    .as_ref()
                    .map(|terms| terms.lifetime_months);
                state.established = Some(established.clone());
            }
            GroupEvent::LifetimeExtended(extended) => {
                state.lifetime_months = state
                    .lifetime_months
                    .map(|months| months + extended.extra_months);
            }
            GroupEvent::OfficerAppointed(appointed) => {
                state
                    .officers
                    .entry(appointed.person.clone())
                    .or_default()
                    .insert(appointed.role);
            }
            GroupEvent::OfficerRelieved(relieved) => {
                if let Some(roles) = state.officers.get_mut(&relieved.person) {
                    roles.remove(&relieved.role);
                    if roles.is_empty() {
                        state.officers.remove(&relieved.person);
                    }
                }
            }
            GroupEvent::ParticipantRegistered(registered) => {
                state.participants.insert(
                    registered.person.clone(),
                    Participant {
                        display_name: registered.display_name.clone(),
                        organisation: registered.organisation.clone(),
                        category: registered.category,
                        country: registered.country.clone(),
                        active: true,
                    },
                );
            }
            GroupEvent::ParticipantWithdrawn(withdrawn) => {
                if let Some(participant) = state.participants.get_mut(&withdrawn.person) {
                    participant.active = false;
                }
            }
            GroupEvent::ProgressReportSent(report) => {
                state.reports.insert(report.report_id);
            }
        }
        state
    }
}

fn check_lifetime(field: &'static str, months: u32) -> Result<(), GroupError> {
    if (1..=MAX_LIFETIME_MONTHS).contains(&months) {
        Ok(())
    } else {
        Err(GroupError::InvalidLifetime { field })
    }
}

fn establish(state: &GroupState, command: EstablishGroup) -> Result<Vec<GroupEvent>, GroupError> {
    if state.established.is_some() {
        return Err(GroupError::AlreadyEstablished);
    }
    if !is_valid_group_id(&command.group_id) {
        return Err(GroupError::InvalidGroupId);
    }
    error::required("name", &command.name, MAX_LINE)?;
    error::required("acronym", &command.acronym, 50)?;
    if !is_valid_document_prefix(&command.document_prefix) {
        return Err(GroupError::InvalidDocumentPrefix);
    }
    let allowed_parents: &[GroupKind] = match command.kind {
        GroupKind::ParentGroup => &[],
        GroupKind::FocusGroup | GroupKind::Initiative => &[GroupKind::ParentGroup],
        GroupKind::WorkingGroup => &[GroupKind::FocusGroup, GroupKind::Initiative],
    };
    match (&command.parent, allowed_parents.is_empty()) {
        (Some(_), true) => return Err(GroupError::ParentNotAllowed),
        (None, false) => return Err(GroupError::ParentRequired { kind: command.kind }),
        (Some(parent), false) => match parent.kind {
            None => return Err(GroupError::ParentNotFound(parent.group_id.clone())),
            Some(parent_kind) if !allowed_parents.contains(&parent_kind) => {
                return Err(GroupError::WrongParentKind {
                    kind: command.kind,
                    parent_kind,
                });
            }
            Some(_) => {}
        },
        (None, true) => {}
    }
    let needs_terms = matches!(command.kind, GroupKind::FocusGroup | GroupKind::Initiative);
    match &command.terms_of_reference {
        None if needs_terms => {
            return Err(GroupError::TermsOfReferenceRequired { kind: command.kind });
        }
        None => {}
        Some(terms) => {
            check_lifetime("termsOfReference.lifetimeMonths", terms.lifetime_months)?;
            for objective in &terms.objectives {
                error::required("termsOfReference.objectives", objective, MAX_TEXT)?;
            }
            for task in &terms.tasks {
                error::required("termsOfReference.tasks", task, MAX_TEXT)?;
            }
            for deliverable in &terms.deliverables {
                error::required("termsOfReference.deliverables", deliverable, MAX_LINE)?;
            }
        }
    }
    Ok(vec![GroupEvent::GroupEstablished(GroupEstablished {
        group_id: command.group_id,
        name: command.name,
        acronym: command.acronym,
        document_prefix: command.document_prefix,
        kind: command.kind,
        parent_id: command.parent.map(|parent| parent.group_id),
        visibility: command.visibility,
        established_on: command.established_on,
        terms_of_reference: command.terms_of_reference,
    })])
}

fn register(
    state: &GroupState,
    command: RegisterParticipant,
) -> Result<Vec<GroupEvent>, GroupError> {
    let group = state.require()?;
    error::required("person", &command.person, 100)?;
    error::required("displayName", &command.display_name, MAX_LINE)?;
    error::required("organisation", &command.organisation, MAX_LINE)?;
    if let Some(country) = &command.country
        && !(country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()))
    {
        return Err(GroupError::InvalidCountry);
    }
    if state.is_active_participant(&command.person) {
        return Err(GroupError::AlreadyRegistered {
            person: command.person,
        });
    }
    Ok(vec![GroupEvent::ParticipantRegistered(
        ParticipantRegistered {
            group_id: group.group_id.clone(),
            person: command.person,
            display_name: command.display_name,
            organisation: command.organisation,
            category: command.category,
            country: command.country,
        },
    )])
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::testing::{at, day, given};

    fn terms() -> TermsOfReference {
        TermsOfReference {
            objectives: vec!["Study digital fiat currency".into()],
            tasks: vec!["Survey central bank practice".into()],
            deliverables: vec!["Terminology and taxonomy".into()],
            lifetime_months: 24,
        }
    }

    fn establish_fg(parent: Option<ParentFact>) -> EstablishGroup {
        EstablishGroup {
            group_id: "fg-dfc".into(),
            name: "Focus Group on Digital Currency including Digital Fiat Currency".into(),
            acronym: "FG DFC".into(),
            document_prefix: "DFC".into(),
            kind: GroupKind::FocusGroup,
            parent,
            visibility: Visibility::Public,
            established_on: day(2017, 5, 4),
            terms_of_reference: Some(terms()),
        }
    }

    fn tsag_parent() -> Option<ParentFact> {
        Some(ParentFact {
            group_id: "tsag".into(),
            kind: Some(GroupKind::ParentGroup),
        })
    }

    fn fg_established() -> GroupEvent {
        GroupEvent::GroupEstablished(GroupEstablished {
            group_id: "fg-dfc".into(),
            name: "Focus Group on Digital Currency including Digital Fiat Currency".into(),
            acronym: "FG DFC".into(),
            document_prefix: "DFC".into(),
            kind: GroupKind::FocusGroup,
            parent_id: Some("tsag".into()),
            visibility: Visibility::Public,
            established_on: day(2017, 5, 4),
            terms_of_reference: Some(terms()),
        })
    }

    fn registered(person: &str) -> GroupEvent {
        GroupEvent::ParticipantRegistered(ParticipantRegistered {
            group_id: "fg-dfc".into(),
            person: person.into(),
            display_name: person.to_uppercase(),
            organisation: "eCurrency".into(),
            category: MembershipCategory::SectorMember,
            country: Some("CN".into()),
        })
    }

    fn appointed(person: &str, role: OfficerRole) -> GroupEvent {
        GroupEvent::OfficerAppointed(OfficerAppointed {
            group_id: "fg-dfc".into(),
            person: person.into(),
            role,
        })
    }

    fn register_cmd(person: &str) -> GroupCommand {
        GroupCommand::RegisterParticipant(RegisterParticipant {
            person: person.into(),
            display_name: person.to_uppercase(),
            organisation: "eCurrency".into(),
            category: MembershipCategory::SectorMember,
            country: Some("CN".into()),
        })
    }

    #[test]
    fn a_focus_group_under_a_parent_group_is_established() {
        given::<Group>([])
            .when(GroupCommand::Establish(establish_fg(tsag_parent())))
            .then([fg_established()]);
    }

    #[test]
    fn a_group_is_established_once() {
        given::<Group>([fg_established()])
            .when(GroupCommand::Establish(establish_fg(tsag_parent())))
            .then_err("group.already_established");
    }

    #[test]
    fn a_focus_group_needs_a_parent_group() {
        given::<Group>([])
            .when(GroupCommand::Establish(establish_fg(None)))
            .then_err("group.parent_required");
    }

    #[test]
    fn a_parent_that_does_not_exist_is_refused() {
        let parent = Some(ParentFact {
            group_id: "tsag".into(),
            kind: None,
        });
        given::<Group>([])
            .when(GroupCommand::Establish(establish_fg(parent)))
            .then_err("group.parent_not_found");
    }

    #[test]
    fn a_focus_group_cannot_sit_under_a_working_group() {
        let parent = Some(ParentFact {
            group_id: "dcgi-pg".into(),
            kind: Some(GroupKind::WorkingGroup),
        });
        given::<Group>([])
            .when(GroupCommand::Establish(establish_fg(parent)))
            .then_err("group.wrong_parent_kind");
    }

    #[test]
    fn a_working_group_sits_under_a_focus_group_or_initiative_only() {
        let working_group = |parent_kind| {
            GroupCommand::Establish(EstablishGroup {
                group_id: "dcgi-airu".into(),
                name: "Architecture, Interoperability Requirements and Use Cases".into(),
                acronym: "AIRU".into(),
                document_prefix: "AIRU".into(),
                kind: GroupKind::WorkingGroup,
                parent: Some(ParentFact {
                    group_id: "dcgi".into(),
                    kind: Some(parent_kind),
                }),
                visibility: Visibility::Public,
                established_on: day(2020, 6, 1),
                terms_of_reference: None,
            })
        };
        assert_eq!(
            given::<Group>([])
                .when(working_group(GroupKind::Initiative))
                .events()
                .len(),
            1
        );
        assert_eq!(
            given::<Group>([])
                .when(working_group(GroupKind::FocusGroup))
                .events()
                .len(),
            1
        );
        given::<Group>([])
            .when(working_group(GroupKind::ParentGroup))
            .then_err("group.wrong_parent_kind");
    }

    #[test]
    fn a_parent_group_has_no_parent() {
        let mut command = establish_fg(tsag_parent());
        command.kind = GroupKind::ParentGroup;
        command.terms_of_reference = None;
        given::<Group>([])
            .when(GroupCommand::Establish(command))
            .then_err("group.parent_not_allowed");
    }

    #[test]
    fn a_focus_group_needs_terms_of_reference_with_a_lifetime() {
        let mut command = establish_fg(tsag_parent());
        command.terms_of_reference = None;
        given::<Group>([])
            .when(GroupCommand::Establish(command))
            .then_err("group.terms_of_reference_required");

        let mut command = establish_fg(tsag_parent());
        command.terms_of_reference.as_mut().unwrap().lifetime_months = 0;
        let error =
            Group::decide(&GroupState::default(), GroupCommand::Establish(command)).unwrap_err();
        assert_eq!(
            (error.code(), error.field()),
            (
                "group.invalid_lifetime",
                Some("termsOfReference.lifetimeMonths")
            )
        );
    }

    #[test]
    fn group_ids_and_document_prefixes_are_checked() {
        let mut command = establish_fg(tsag_parent());
        command.group_id = "FG DFC".into();
        given::<Group>([])
            .when(GroupCommand::Establish(command))
            .then_err("group.invalid_id");
        let mut command = establish_fg(tsag_parent());
        command.document_prefix = "dfc".into();
        given::<Group>([])
            .when(GroupCommand::Establish(command))
            .then_err("group.invalid_document_prefix");
    }

    #[test]
    fn the_parent_group_extends_the_lifetime() {
        let extension = LifetimeExtended {
            group_id: "fg-dfc".into(),
            extra_months: 12,
            reason: "TSAG".into(),
        };
        given::<Group>([fg_established()])
            .when(GroupCommand::ExtendLifetime(ExtendLifetime {
                extra_months: 12,
                reason: "TSAG".into(),
            }))
            .then([GroupEvent::LifetimeExtended(extension.clone())]);
        let state = Group::replay(&[fg_established(), GroupEvent::LifetimeExtended(extension)]);
        assert_eq!(state.lifetime_months, Some(36));
    }

    #[test]
    fn an_extension_needs_months_and_a_group_with_terms_of_reference() {
        given::<Group>([fg_established()])
            .when(GroupCommand::ExtendLifetime(ExtendLifetime {
                extra_months: 0,
                reason: "TSAG".into(),
            }))
            .then_err("group.invalid_lifetime");
        given::<Group>([])
            .when(GroupCommand::ExtendLifetime(ExtendLifetime {
                extra_months: 6,
                reason: "TSAG".into(),
            }))
            .then_err("group.not_established");
    }

    #[test]
    fn a_participant_is_registered_once() {
        given::<Group>([fg_established()])
            .when(register_cmd("ada"))
            .then([registered("ada")]);
        given::<Group>([fg_established(), registered("ada")])
            .when(register_cmd("ada"))
            .then_err("participant.already_registered");
    }

    #[test]
    fn a_country_is_an_iso_code() {
        let command = GroupCommand::RegisterParticipant(RegisterParticipant {
            person: "ada".into(),
            display_name: "Ada".into(),
            organisation: "BoE".into(),
            category: MembershipCategory::MemberState,
            country: Some("Britain".into()),
        });
        given::<Group>([fg_established()])
            .when(command)
            .then_err("participant.invalid_country");
    }

    #[test]
    fn a_withdrawn_participant_may_register_again() {
        let withdrawn = GroupEvent::ParticipantWithdrawn(ParticipantWithdrawn {
            group_id: "fg-dfc".into(),
            person: "ada".into(),
            reason: None,
        });
        given::<Group>([fg_established(), registered("ada"), withdrawn])
            .when(register_cmd("ada"))
            .then([registered("ada")]);
    }

    #[test]
    fn only_an_active_participant_can_be_appointed() {
        let appoint = || {
            GroupCommand::AppointOfficer(AppointOfficer {
                person: "david.wen".into(),
                role: OfficerRole::Chair,
            })
        };
        given::<Group>([fg_established()])
            .when(appoint())
            .then_err("participant.not_registered");
        given::<Group>([fg_established(), registered("david.wen")])
            .when(appoint())
            .then([appointed("david.wen", OfficerRole::Chair)]);
        given::<Group>([
            fg_established(),
            registered("david.wen"),
            appointed("david.wen", OfficerRole::Chair),
        ])
        .when(appoint())
        .then_err("group.already_officer");
    }

    #[test]
    fn only_a_holder_of_an_office_is_relieved_of_it() {
        let relieve = GroupCommand::RelieveOfficer(RelieveOfficer {
            person: "ada".into(),
            role: OfficerRole::ViceChair,
        });
        given::<Group>([fg_established(), registered("ada")])
            .when(relieve)
            .then_err("group.not_officer");
    }

    #[test]
    fn withdrawal_relieves_the_participant_of_their_offices() {
        given::<Group>([
            fg_established(),
            registered("ada"),
            appointed("ada", OfficerRole::ViceChair),
        ])
        .when(GroupCommand::WithdrawParticipant(WithdrawParticipant {
            person: "ada".into(),
            reason: None,
        }))
        .then([
            GroupEvent::OfficerRelieved(OfficerRelieved {
                group_id: "fg-dfc".into(),
                person: "ada".into(),
                role: OfficerRole::ViceChair,
            }),
            GroupEvent::ParticipantWithdrawn(ParticipantWithdrawn {
                group_id: "fg-dfc".into(),
                person: "ada".into(),
                reason: None,
            }),
        ]);
    }

    #[test]
    fn roles_by_the_groups_record_end_with_withdrawal() {
        let history = vec![
            fg_established(),
            registered("ada"),
            appointed("ada", OfficerRole::ViceChair),
        ];
        let state = Group::replay(&history);
        assert_eq!(
            state.roles_of("ada"),
            BTreeSet::from([Role::Delegate, Role::ViceChair])
        );
        assert!(state.roles_of("li.wei").is_empty());
        let withdrawal = given::<Group>(history.clone())
            .when(GroupCommand::WithdrawParticipant(WithdrawParticipant {
                person: "ada".into(),
                reason: None,
            }))
            .events();
        assert!(
            Group::replay(&[history, withdrawal].concat())
                .roles_of("ada")
                .is_empty()
        );
    }

    #[test]
    fn a_withdrawn_participant_cannot_be_withdrawn_again_nor_appointed() {
        let history = || {
            [
                fg_established(),
                registered("ada"),
                GroupEvent::ParticipantWithdrawn(ParticipantWithdrawn {
                    group_id: "fg-dfc".into(),
                    person: "ada".into(),
                    reason: None,
                }),
            ]
        };
        given::<Group>(history())
            .when(GroupCommand::WithdrawParticipant(WithdrawParticipant {
                person: "ada".into(),
                reason: None,
            }))
            .then_err("participant.not_registered");
        given::<Group>(history())
            .when(GroupCommand::AppointOfficer(AppointOfficer {
                person: "ada".into(),
                role: OfficerRole::Chair,
            }))
            .then_err("participant.not_registered");
        assert!(!Group::replay(&history()).is_active_participant("ada"));
    }

    fn report(report_id: Uuid, period_to: NaiveDate) -> GroupCommand {
        GroupCommand::SendProgressReport(SendProgressReport {
            report_id,
            period_from: day(2017, 10, 1),
            period_to,
            summary: "First meeting held; three working groups formed.".into(),
            document: None,
            now: at(2018, 1, 15, 9),
        })
    }

    #[test]
    fn a_progress_report_goes_to_the_parent_group() {
        let id = Uuid::from_u128(7);
        given::<Group>([fg_established()])
            .when(report(id, day(2017, 12, 31)))
            .then([GroupEvent::ProgressReportSent(ProgressReportSent {
                group_id: "fg-dfc".into(),
                report_id: id,
                parent_group_id: "tsag".into(),
                period_from: day(2017, 10, 1),
                period_to: day(2017, 12, 31),
                summary: "First meeting held; three working groups formed.".into(),
                document: None,
            })]);
    }

    #[test]
    fn a_progress_report_covers_a_past_period_once() {
        let id = Uuid::from_u128(7);
        given::<Group>([fg_established()])
            .when(report(id, day(2018, 2, 28)))
            .then_err("report.invalid_period");
        let sent = given::<Group>([fg_established()])
            .when(report(id, day(2017, 12, 31)))
            .events();
        given::<Group>([vec![fg_established()], sent].concat())
            .when(report(id, day(2017, 12, 31)))
            .then_err("report.duplicate");
    }

    #[test]
    fn a_group_without_parent_sends_no_progress_report() {
        let tsag = GroupEvent::GroupEstablished(GroupEstablished {
            group_id: "tsag".into(),
            name: "Telecommunication Standardization Advisory Group".into(),
            acronym: "TSAG".into(),
            document_prefix: "TSAG".into(),
            kind: GroupKind::ParentGroup,
            parent_id: None,
            visibility: Visibility::Public,
            established_on: day(1993, 3, 1),
            terms_of_reference: None,
        });
        given::<Group>([tsag])
            .when(report(Uuid::from_u128(1), day(2017, 12, 31)))
            .then_err("group.no_parent_group");
    }
}
