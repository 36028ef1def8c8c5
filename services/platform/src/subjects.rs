//! What comment threads and consensus calls are about: a [`Subject`] must exist and belong to
//! the group that discusses it, so that a group's chair cannot, say, decide on another group's
//! deliverable.

use domain::contributions::Contribution;
use domain::deliverables::Deliverable;
use domain::events::Subject;
use domain::meetings::Meeting;
use domain::streams;

use crate::{ApiError, Platform};

/// Checks that `subject` exists (for a deliverable version: that draft; for an agenda item:
/// that item of the meeting) and belongs to `group_id`. 422 on the field `subject` otherwise,
/// with `subject.not_found` or `subject.of_other_group`.
pub async fn check(platform: &Platform, group_id: &str, subject: &Subject) -> Result<(), ApiError> {
    let owner = match subject {
        Subject::Contribution { id } => platform
            .load::<Contribution>(&streams::contribution(*id))
            .await?
            .state
            .submitted
            .map(|submitted| submitted.group_id),
        Subject::Deliverable { id, version } => {
            let state = platform
                .load::<Deliverable>(&streams::deliverable(*id))
                .await?
                .state;
            if let Some(version) = version
                && state.defined.is_some()
                && (*version == 0 || *version > state.latest_version)
            {
                return Err(ApiError::invalid_field(
                    "subject.version",
                    "subject.not_found",
                    format!("deliverable {id} has no draft version {version}"),
                ));
            }
            state.defined.map(|defined| defined.group_id)
        }
        Subject::AgendaItem { meeting_id, item } => {
            match platform
                .load::<Meeting>(&streams::meeting(*meeting_id))
                .await?
                .state
                .announced
            {
                Some(meeting)
                    if !meeting
                        .agenda
                        .iter()
                        .any(|agenda_item| agenda_item.id == *item) =>
                {
                    return Err(ApiError::invalid_field(
                        "subject.item",
                        "subject.not_found",
                        format!("meeting {meeting_id} has no agenda item {item:?}"),
                    ));
                }
                meeting => meeting.map(|meeting| meeting.group_id),
            }
        }
    };
    match owner {
        None => Err(ApiError::invalid_field(
            "subject",
            "subject.not_found",
            "the subject does not exist",
        )),
        Some(owner) if owner != group_id => Err(ApiError::invalid_field(
            "subject",
            "subject.of_other_group",
            format!("the subject belongs to group {owner:?}, not {group_id:?}"),
        )),
        Some(_) => Ok(()),
    }
}
