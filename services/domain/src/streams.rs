//! Stream names: which stream holds which aggregate (the table in ARCHITECTURE.md).
//!
//! Group ids are validated by the groups context (lowercase letters, digits and `-`), so every
//! name built here is a valid `eventlog::StreamId`.

use uuid::Uuid;

/// `group-{groupId}`: terms of reference, officers, participants, progress reports.
pub fn group(group_id: &str) -> String {
    format!("group-{group_id}")
}

/// `meeting-{uuid}`: notice waiver, announcement, agenda.
pub fn meeting(meeting_id: Uuid) -> String {
    format!("meeting-{meeting_id}")
}

/// `register-{groupId}`: the group's document numbers, unique by construction.
pub fn register(group_id: &str) -> String {
    format!("register-{group_id}")
}

/// `contribution-{uuid}`: an input document and its revisions.
pub fn contribution(contribution_id: Uuid) -> String {
    format!("contribution-{contribution_id}")
}

/// `thread-{uuid}`: a comment thread on a subject.
pub fn thread(thread_id: Uuid) -> String {
    format!("thread-{thread_id}")
}

/// `consensus-{uuid}`: a consensus call, its positions and its decisions.
pub fn consensus(call_id: Uuid) -> String {
    format!("consensus-{call_id}")
}

/// `deliverable-{uuid}`: drafts, approval, transmittals.
pub fn deliverable(deliverable_id: Uuid) -> String {
    format!("deliverable-{deliverable_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_architecture_table() {
        let id = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001);
        assert_eq!(group("fg-dfc"), "group-fg-dfc");
        assert_eq!(register("fg-dfc"), "register-fg-dfc");
        assert_eq!(meeting(id), format!("meeting-{id}"));
        assert_eq!(
            contribution(id),
            "contribution-01900000-0000-7000-8000-000000000001"
        );
        assert_eq!(thread(id), format!("thread-{id}"));
        assert_eq!(consensus(id), format!("consensus-{id}"));
        assert_eq!(deliverable(id), format!("deliverable-{id}"));
    }
}
