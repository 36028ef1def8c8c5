//! Who may do what in which group, decided in one place.
//!
//! | who | may |
//! | --- | --- |
//! | delegate (any role in the group) | submit contributions, comment, state positions |
//! | author (a delegate who wrote the target) | revise and withdraw their contribution, edit, retract their comment, resolve their thread |
//! | assigned editor of the deliverable (a delegate) | publish its drafts |
//! | chair / vice-chair | announce meetings and add agenda items, accept or refuse late documents, retract comments and resolve threads, open calls, record and correct decisions, define deliverables and assign editors, transmit, send progress reports |
//! | secretariat | establish groups, appoint and relieve officers, register and withdraw participants, announce meetings and add agenda items, send progress reports, correct decisions, define deliverables and assign editors, record approvals (the routing reactor acts as secretariat) |
//! | parent-group member | acknowledge or return what was transmitted |
//! | parent-group chair / vice-chair | extend the group's lifetime |
//! | anyone else, and anonymous | nothing here (reading is the query side's business) |

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Rejection;
use crate::events::{GroupId, PersonId};

/// A role someone holds in one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    /// A registered participant. Members of a parent group are its delegates.
    Delegate,
    Editor,
    Chair,
    ViceChair,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delegate => "delegate",
            Self::Editor => "editor",
            Self::Chair => "chair",
            Self::ViceChair => "viceChair",
        }
    }
}

/// An authenticated person, as their token describes them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Principal {
    pub person: PersonId,
    pub display_name: String,
    pub organisation: String,
    pub roles: BTreeMap<GroupId, BTreeSet<Role>>,
    pub secretariat: bool,
}

impl Principal {
    /// A reactor acting for the system, e.g. `system:deliverables`, with the secretariat's rights.
    pub fn system(service: &str) -> Self {
        Self {
            person: format!("system:{service}"),
            display_name: format!("Plenary {service}"),
            organisation: "Plenary".into(),
            roles: BTreeMap::new(),
            secretariat: true,
        }
    }

    /// Whether they hold any role in `group` (every role implies participation).
    pub fn is_member(&self, group: &str) -> bool {
        self.roles.get(group).is_some_and(|roles| !roles.is_empty())
    }

    /// Whether they chair or vice-chair `group`.
    pub fn chairs(&self, group: &str) -> bool {
        self.roles
            .get(group)
            .is_some_and(|roles| roles.contains(&Role::Chair) || roles.contains(&Role::ViceChair))
    }

    /// Roles as `role@group` (plus `secretariat`), as the event envelope's actor records them.
    pub fn role_labels(&self) -> Vec<String> {
        let mut labels: Vec<String> = self
            .roles
            .iter()
            .flat_map(|(group, roles)| {
                roles
                    .iter()
                    .map(move |role| format!("{}@{group}", role.as_str()))
            })
            .collect();
        if self.secretariat {
            labels.push("secretariat".into());
        }
        labels
    }
}

/// Every command, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    EstablishGroup,
    ExtendLifetime,
    AppointOfficer,
    RelieveOfficer,
    RegisterParticipant,
    WithdrawParticipant,
    SendProgressReport,
    AnnounceMeeting,
    AddAgendaItem,
    SubmitContribution,
    ReviseContribution,
    WithdrawContribution,
    AcceptLateContribution,
    RefuseLateContribution,
    PostComment,
    EditComment,
    RetractComment,
    ResolveThread,
    OpenConsensusCall,
    StatePosition,
    RecordDecision,
    CorrectDecision,
    DefineDeliverable,
    AssignEditor,
    PublishDraft,
    ApproveDeliverable,
    TransmitDeliverable,
    AcknowledgeTransmittal,
    ReturnTransmittal,
}

impl Action {
    pub const ALL: [Action; 29] = [
        Self::EstablishGroup,
        Self::ExtendLifetime,
        Self::AppointOfficer,
        Self::RelieveOfficer,
        Self::RegisterParticipant,
        Self::WithdrawParticipant,
        Self::SendProgressReport,
        Self::AnnounceMeeting,
        Self::AddAgendaItem,
        Self::SubmitContribution,
        Self::ReviseContribution,
        Self::WithdrawContribution,
        Self::AcceptLateContribution,
        Self::RefuseLateContribution,
        Self::PostComment,
        Self::EditComment,
        Self::RetractComment,
        Self::ResolveThread,
        Self::OpenConsensusCall,
        Self::StatePosition,
        Self::RecordDecision,
        Self::CorrectDecision,
        Self::DefineDeliverable,
        Self::AssignEditor,
        Self::PublishDraft,
        Self::ApproveDeliverable,
        Self::TransmitDeliverable,
        Self::AcknowledgeTransmittal,
        Self::ReturnTransmittal,
    ];
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// What the service knows about the target when it asks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PolicyFacts {
    /// The group the command acts in (for `EstablishGroup`, the new group).
    pub group: GroupId,
    pub parent_group: Option<GroupId>,
    /// The principal wrote the target: the contribution (is among its authors), the comment,
    /// or the thread's opening comment.
    pub is_author: bool,
    /// The principal is an assigned editor of the target deliverable.
    pub is_deliverable_editor: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("sign in to do this")]
    Unauthenticated,
    #[error("{person} may not {action} in {group}: {needs}")]
    Forbidden {
        person: PersonId,
        action: Action,
        group: GroupId,
        needs: &'static str,
    },
}

impl Rejection for Denied {
    fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated => "auth.unauthenticated",
            Self::Forbidden { .. } => "auth.forbidden",
        }
    }

    fn field(&self) -> Option<&'static str> {
        None
    }
}

/// Who may carry out an action.
enum Rule {
    Secretariat,
    ChairOrSecretariat,
    Chair,
    Member,
    Author,
    AuthorOrChair,
    DeliverableEditor,
    ParentMember,
    ParentChairOrSecretariat,
}

impl Rule {
    fn of(action: Action) -> Self {
        use Action::*;
        match action {
            EstablishGroup | AppointOfficer | RelieveOfficer | RegisterParticipant
            | WithdrawParticipant | ApproveDeliverable => Self::Secretariat,
            SendProgressReport | AnnounceMeeting | AddAgendaItem | CorrectDecision
            | DefineDeliverable | AssignEditor => Self::ChairOrSecretariat,
            AcceptLateContribution
            | RefuseLateContribution
            | OpenConsensusCall
            | RecordDecision
            | TransmitDeliverable => Self::Chair,
            SubmitContribution | PostComment | StatePosition => Self::Member,
            ReviseContribution | WithdrawContribution | EditComment => Self::Author,
            RetractComment | ResolveThread => Self::AuthorOrChair,
            PublishDraft => Self::DeliverableEditor,
            AcknowledgeTransmittal | ReturnTransmittal => Self::ParentMember,
            ExtendLifetime => Self::ParentChairOrSecretariat,
        }
    }

    fn needs(&self) -> &'static str {
        match self {
            Self::Secretariat => "only the secretariat may",
            Self::ChairOrSecretariat => {
                "only the group's chair, a vice-chair or the secretariat may"
            }
            Self::Chair => "only the group's chair or a vice-chair may",
            Self::Member => "only participants of the group may",
            Self::Author => "only its author, a participant of the group, may",
            Self::AuthorOrChair => "only its author or the group's chair or a vice-chair may",
            Self::DeliverableEditor => "only an editor assigned to the deliverable may",
            Self::ParentMember => "only members of the parent group may",
            Self::ParentChairOrSecretariat => {
                "only the parent group's chair, a vice-chair or the secretariat may"
            }
        }
    }

    fn admits(&self, principal: &Principal, facts: &PolicyFacts) -> bool {
        let group = facts.group.as_str();
        let member = principal.is_member(group);
        let chair = principal.chairs(group);
        let parent = facts.parent_group.as_deref();
        match self {
            Self::Secretariat => principal.secretariat,
            Self::ChairOrSecretariat => chair || principal.secretariat,
            Self::Chair => chair,
            Self::Member => member,
            Self::Author => member && facts.is_author,
            Self::AuthorOrChair => (member && facts.is_author) || chair,
            Self::DeliverableEditor => member && facts.is_deliverable_editor,
            Self::ParentMember => parent.is_some_and(|parent| principal.is_member(parent)),
            Self::ParentChairOrSecretariat => {
                principal.secretariat || parent.is_some_and(|parent| principal.chairs(parent))
            }
        }
    }
}

/// Whether `principal` (`None`: not signed in) may carry out `action` given `facts`.
pub fn authorize(
    principal: Option<&Principal>,
    action: &Action,
    facts: &PolicyFacts,
) -> Result<(), Denied> {
    let principal = principal.ok_or(Denied::Unauthenticated)?;
    let rule = Rule::of(*action);
    if rule.admits(principal, facts) {
        Ok(())
    } else {
        Err(Denied::Forbidden {
            person: principal.person.clone(),
            action: *action,
            group: facts.group.clone(),
            needs: rule.needs(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The people of the matrix, each with the facts the service would establish for them.
    const PEOPLE: [&str; 10] = [
        "anonymous",
        "delegate",
        "author",
        "editor",
        "chair",
        "vice-chair",
        "secretariat",
        "parent member",
        "parent chair",
        "other group",
    ];

    fn person(who: &str) -> Option<(Principal, PolicyFacts)> {
        let roles = |group: &str, roles: &[Role]| {
            BTreeMap::from([(group.to_owned(), roles.iter().copied().collect())])
        };
        let mut facts = PolicyFacts {
            group: "fg-dfc".into(),
            parent_group: Some("tsag".into()),
            ..Default::default()
        };
        let mut principal = Principal {
            person: who.replace(' ', "."),
            ..Default::default()
        };
        match who {
            "anonymous" => return None,
            "delegate" => principal.roles = roles("fg-dfc", &[Role::Delegate]),
            "author" => {
                principal.roles = roles("fg-dfc", &[Role::Delegate]);
                facts.is_author = true;
            }
            "editor" => {
                principal.roles = roles("fg-dfc", &[Role::Delegate, Role::Editor]);
                facts.is_deliverable_editor = true;
            }
            "chair" => principal.roles = roles("fg-dfc", &[Role::Chair]),
            "vice-chair" => principal.roles = roles("fg-dfc", &[Role::Delegate, Role::ViceChair]),
            "secretariat" => principal.secretariat = true,
            "parent member" => principal.roles = roles("tsag", &[Role::Delegate]),
            "parent chair" => principal.roles = roles("tsag", &[Role::Chair]),
            "other group" => {
                principal.roles = roles("dcgi", &[Role::Delegate, Role::Chair, Role::Editor])
            }
            _ => unreachable!("not in the matrix: {who}"),
        }
        Some((principal, facts))
    }

    /// Expected answers, written out by hand (`Y` = allowed), one column per entry of `PEOPLE`.
    const MATRIX: &str = "
action                anon  del auth   ed   ch   vc  sec   pm   pc other
EstablishGroup          .    .    .    .    .    .    Y    .    .    .
ExtendLifetime          .    .    .    .    .    .    Y    .    Y    .
AppointOfficer          .    .    .    .    .    .    Y    .    .    .
RelieveOfficer          .    .    .    .    .    .    Y    .    .    .
RegisterParticipant     .    .    .    .    .    .    Y    .    .    .
WithdrawParticipant     .    .    .    .    .    .    Y    .    .    .
SendProgressReport      .    .    .    .    Y    Y    Y    .    .    .
AnnounceMeeting         .    .    .    .    Y    Y    Y    .    .    .
AddAgendaItem           .    .    .    .    Y    Y    Y    .    .    .
SubmitContribution      .    Y    Y    Y    Y    Y    .    .    .    .
ReviseContribution      .    .    Y    .    .    .    .    .    .    .
WithdrawContribution    .    .    Y    .    .    .    .    .    .    .
AcceptLateContribution  .    .    .    .    Y    Y    .    .    .    .
RefuseLateContribution  .    .    .    .    Y    Y    .    .    .    .
PostComment             .    Y    Y    Y    Y    Y    .    .    .    .
EditComment             .    .    Y    .    .    .    .    .    .    .
RetractComment          .    .    Y    .    Y    Y    .    .    .    .
ResolveThread           .    .    Y    .    Y    Y    .    .    .    .
OpenConsensusCall       .    .    .    .    Y    Y    .    .    .    .
StatePosition           .    Y    Y    Y    Y    Y    .    .    .    .
RecordDecision          .    .    .    .    Y    Y    .    .    .    .
CorrectDecision         .    .    .    .    Y    Y    Y    .    .    .
DefineDeliverable       .    .    .    .    Y    Y    Y    .    .    .
AssignEditor            .    .    .    .    Y    Y    Y    .    .    .
PublishDraft            .    .    .    Y    .    .    .    .    .    .
ApproveDeliverable      .    .    .    .    .    .    Y    .    .    .
TransmitDeliverable     .    .    .    .    Y    Y    .    .    .    .
AcknowledgeTransmittal  .    .    .    .    .    .    .    Y    Y    .
ReturnTransmittal       .    .    .    .    .    .    .    Y    Y    .
";

    fn expected_matrix() -> Vec<(Action, Vec<bool>)> {
        MATRIX
            .lines()
            .skip(2)
            .map(|line| {
                let mut cells = line.split_whitespace();
                let name = cells.next().unwrap();
                let action = Action::ALL
                    .into_iter()
                    .find(|action| action.to_string() == name)
                    .unwrap();
                let row: Vec<bool> = cells.map(|cell| cell == "Y").collect();
                assert_eq!(row.len(), PEOPLE.len(), "row for {name}");
                (action, row)
            })
            .collect()
    }

    #[test]
    fn the_matrix_covers_every_action_once() {
        let listed: Vec<Action> = expected_matrix()
            .into_iter()
            .map(|(action, _)| action)
            .collect();
        assert_eq!(listed, Action::ALL);
    }

    #[test]
    fn every_action_against_every_role() {
        let mut mismatches = Vec::new();
        for (action, row) in expected_matrix() {
            for (who, allowed) in PEOPLE.iter().zip(row) {
                let answer = match person(who) {
                    None => authorize(None, &action, &PolicyFacts::default()),
                    Some((principal, facts)) => authorize(Some(&principal), &action, &facts),
                };
                if answer.is_ok() != allowed {
                    mismatches.push(format!(
                        "{action} by {who}: expected allowed={allowed}, got {answer:?}"
                    ));
                }
            }
        }
        assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    }

    #[test]
    fn anonymous_is_told_to_sign_in_and_others_are_forbidden() {
        let facts = PolicyFacts {
            group: "fg-dfc".into(),
            ..Default::default()
        };
        let denied = authorize(None, &Action::PostComment, &facts).unwrap_err();
        assert_eq!(denied.code(), "auth.unauthenticated");
        let (stranger, _) = person("other group").unwrap();
        let denied = authorize(Some(&stranger), &Action::PostComment, &facts).unwrap_err();
        assert_eq!(denied.code(), "auth.forbidden");
        assert!(
            denied
                .to_string()
                .contains("only participants of the group may"),
            "{denied}"
        );
    }

    #[test]
    fn an_author_outside_the_group_cannot_revise() {
        let (mut author, mut facts) = person("author").unwrap();
        author.roles.clear();
        facts.is_author = true;
        assert!(authorize(Some(&author), &Action::ReviseContribution, &facts).is_err());
    }

    #[test]
    fn the_system_reactor_records_approvals() {
        let facts = PolicyFacts {
            group: "fg-dfc".into(),
            ..Default::default()
        };
        assert!(
            authorize(
                Some(&Principal::system("deliverables")),
                &Action::ApproveDeliverable,
                &facts
            )
            .is_ok()
        );
    }

    #[test]
    fn role_labels_name_role_and_group() {
        let (chair, _) = person("vice-chair").unwrap();
        assert_eq!(chair.role_labels(), ["delegate@fg-dfc", "viceChair@fg-dfc"]);
        assert_eq!(
            Principal::system("deliverables").role_labels(),
            ["secretariat"]
        );
    }
}
