//! The document register: each group's input and output document numbers (`DFC-I-012`,
//! `DFC-O-005`), handed out in sequence on one stream so they are unique by construction.

use uuid::Uuid;

use crate::error::Rejection;
use crate::events::{DocumentKind, GroupId};

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
