//! The document register: each group's input and output document numbers (`DFC-I-012`,
//! `DFC-O-005`), handed out in sequence on one stream so they are unique by construction.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::aggregate::Aggregate;
use crate::error::Rejection;
use crate::events::{DocumentKind, DocumentNumberAssigned, GroupId, RegisterEvent};
use crate::groups::is_valid_document_prefix;

/// The number a document of `kind` with `sequence` gets in a group with `prefix`.
pub fn format_number(prefix: &str, kind: DocumentKind, sequence: u32) -> String {
    let letter = match kind {
        DocumentKind::Input => 'I',
        DocumentKind::Output => 'O',
    };
    format!("{prefix}-{letter}-{sequence:03}")
}

#[derive(Debug, Clone, PartialEq)]
pub enum RegisterCommand {
    AssignNumber(AssignNumber),
}

/// An input document keeps its one number through revisions; every draft of a deliverable is
/// a new output document, so one deliverable receives several output numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignNumber {
    pub group_id: GroupId,
    /// The group's document prefix (from `GroupEstablished`).
    pub document_prefix: String,
    pub kind: DocumentKind,
    /// The contribution or deliverable the number is for.
    pub assigned_to: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegisterError {
    #[error("this register belongs to group {0:?}")]
    OtherGroup(GroupId),
    #[error("a document prefix is 1 to 10 uppercase letters or digits")]
    InvalidDocumentPrefix,
    #[error("{assigned_to} already has input number {number}")]
    AlreadyNumbered { assigned_to: Uuid, number: String },
}

impl Rejection for RegisterError {
    fn code(&self) -> &'static str {
        match self {
            Self::OtherGroup(_) => "register.other_group",
            Self::InvalidDocumentPrefix => "register.invalid_document_prefix",
            Self::AlreadyNumbered { .. } => "register.already_numbered",
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::OtherGroup(_) => Some("groupId"),
            Self::InvalidDocumentPrefix => Some("documentPrefix"),
            Self::AlreadyNumbered { .. } => Some("assignedTo"),
        }
    }
}

/// The register aggregate, stream `register-{groupId}`.
#[derive(Debug)]
pub struct Register;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegisterState {
    pub group_id: Option<GroupId>,
    pub last_input: u32,
    pub last_output: u32,
    /// Input numbers by the contribution they were assigned to.
    pub inputs: BTreeMap<Uuid, String>,
}

impl RegisterState {
    /// The sequence the next document of `kind` gets.
    pub fn next_sequence(&self, kind: DocumentKind) -> u32 {
        match kind {
            DocumentKind::Input => self.last_input + 1,
            DocumentKind::Output => self.last_output + 1,
        }
    }
}

impl Aggregate for Register {
    type State = RegisterState;
    type Command = RegisterCommand;
    type Event = RegisterEvent;
    type Error = RegisterError;

    fn decide(
        state: &RegisterState,
        command: RegisterCommand,
    ) -> Result<Vec<RegisterEvent>, RegisterError> {
        let RegisterCommand::AssignNumber(command) = command;
        if let Some(group_id) = &state.group_id
            && *group_id != command.group_id
        {
            return Err(RegisterError::OtherGroup(group_id.clone()));
        }
        if !is_valid_document_prefix(&command.document_prefix) {
            return Err(RegisterError::InvalidDocumentPrefix);
        }
        if command.kind == DocumentKind::Input
            && let Some(number) = state.inputs.get(&command.assigned_to)
        {
            return Err(RegisterError::AlreadyNumbered {
                assigned_to: command.assigned_to,
                number: number.clone(),
            });
        }
        let sequence = state.next_sequence(command.kind);
        Ok(vec![RegisterEvent::DocumentNumberAssigned(
            DocumentNumberAssigned {
                group_id: command.group_id,
                kind: command.kind,
                sequence,
                number: format_number(&command.document_prefix, command.kind, sequence),
                assigned_to: command.assigned_to,
            },
        )])
    }

    fn evolve(mut state: RegisterState, event: &RegisterEvent) -> RegisterState {
        let RegisterEvent::DocumentNumberAssigned(assigned) = event;
        state.group_id = Some(assigned.group_id.clone());
        match assigned.kind {
            DocumentKind::Input => {
                state.last_input = state.last_input.max(assigned.sequence);
                state
                    .inputs
                    .insert(assigned.assigned_to, assigned.number.clone());
            }
            DocumentKind::Output => state.last_output = state.last_output.max(assigned.sequence),
        }
        state
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::given;

    fn assign(kind: DocumentKind, to: u128) -> RegisterCommand {
        RegisterCommand::AssignNumber(AssignNumber {
            group_id: "fg-dfc".into(),
            document_prefix: "DFC".into(),
            kind,
            assigned_to: Uuid::from_u128(to),
        })
    }

    fn assigned(kind: DocumentKind, sequence: u32, number: &str, to: u128) -> RegisterEvent {
        RegisterEvent::DocumentNumberAssigned(DocumentNumberAssigned {
            group_id: "fg-dfc".into(),
            kind,
            sequence,
            number: number.into(),
            assigned_to: Uuid::from_u128(to),
        })
    }

    #[test]
    fn numbers_are_formatted_with_prefix_kind_and_three_digits() {
        assert_eq!(format_number("DFC", DocumentKind::Input, 12), "DFC-I-012");
        assert_eq!(format_number("DFC", DocumentKind::Output, 5), "DFC-O-005");
        assert_eq!(
            format_number("DFC", DocumentKind::Input, 1234),
            "DFC-I-1234"
        );
    }

    #[test]
    fn the_first_input_document_is_number_one() {
        given::<Register>([])
            .when(assign(DocumentKind::Input, 1))
            .then([assigned(DocumentKind::Input, 1, "DFC-I-001", 1)]);
    }

    #[test]
    fn input_and_output_documents_are_numbered_separately() {
        let history = [
            assigned(DocumentKind::Input, 1, "DFC-I-001", 1),
            assigned(DocumentKind::Input, 2, "DFC-I-002", 2),
            assigned(DocumentKind::Output, 1, "DFC-O-001", 9),
        ];
        given::<Register>(history.clone())
            .when(assign(DocumentKind::Input, 3))
            .then([assigned(DocumentKind::Input, 3, "DFC-I-003", 3)]);
        given::<Register>(history)
            .when(assign(DocumentKind::Output, 9))
            .then([assigned(DocumentKind::Output, 2, "DFC-O-002", 9)]);
    }

    #[test]
    fn a_contribution_gets_one_input_number() {
        given::<Register>([assigned(DocumentKind::Input, 1, "DFC-I-001", 1)])
            .when(assign(DocumentKind::Input, 1))
            .then_err("register.already_numbered");
    }

    #[test]
    fn a_register_serves_one_group() {
        let command = RegisterCommand::AssignNumber(AssignNumber {
            group_id: "dcgi".into(),
            document_prefix: "DCGI".into(),
            kind: DocumentKind::Input,
            assigned_to: Uuid::from_u128(5),
        });
        given::<Register>([assigned(DocumentKind::Input, 1, "DFC-I-001", 1)])
            .when(command)
            .then_err("register.other_group");
    }

    #[test]
    fn a_malformed_prefix_is_refused() {
        let command = RegisterCommand::AssignNumber(AssignNumber {
            group_id: "fg-dfc".into(),
            document_prefix: "D-FC".into(),
            kind: DocumentKind::Input,
            assigned_to: Uuid::from_u128(5),
        });
        given::<Register>([])
            .when(command)
            .then_err("register.invalid_document_prefix");
    }
}
