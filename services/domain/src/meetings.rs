//! Meetings: announcement at least four weeks ahead (or a recorded waiver), dates, place or
//! remote participation, the agenda, and the contribution deadline (start minus 12 days).

use chrono::{DateTime, Days, NaiveDate, Utc};

use crate::error::{InputError, Rejection};
use crate::events::{AgendaItem, GroupId, MeetingId};

/// Days of notice a meeting announcement must give (ITU-T A.7: four weeks).
pub const MIN_NOTICE_DAYS: i64 = 28;
/// Calendar days before the start by which contributions are due.
pub const CONTRIBUTION_LEAD_DAYS: u64 = 12;

/// The contribution deadline of a meeting starting on `starts_on`: 12 calendar days before.
pub fn contribution_deadline(starts_on: NaiveDate) -> NaiveDate {
    starts_on - Days::new(CONTRIBUTION_LEAD_DAYS)
}

#[derive(Debug, Clone, PartialEq)]
pub enum MeetingCommand {
    Announce(AnnounceMeeting),
    AddAgendaItem(AddAgendaItem),
}

#[derive(Debug, Clone, PartialEq)]
pub struct AnnounceMeeting {
    pub meeting_id: MeetingId,
    pub group_id: GroupId,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// `None` for a fully remote meeting (then `remote_participation` must be true).
    pub venue: Option<String>,
    pub remote_participation: bool,
    pub registration_deadline: Option<NaiveDate>,
    pub agenda: Vec<AgendaItem>,
    /// Needed when fewer than 28 days of notice remain; recorded as `NoticeWaived`.
    pub waiver_reason: Option<String>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AddAgendaItem {
    pub item: AgendaItem,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeetingError {
    #[error("the meeting is already announced")]
    AlreadyAnnounced,
    #[error("the meeting has not been announced")]
    NotAnnounced,
    #[error("the meeting ends before it starts")]
    EndsBeforeStart,
    #[error("the meeting would start in the past")]
    StartsInPast,
    #[error(
        "only {notice_days} days of notice: at least 28 are required unless a waiver reason is given"
    )]
    NoticeTooShort { notice_days: i64 },
    #[error("a meeting needs a venue or remote participation")]
    NoPlace,
    #[error("agenda item {0:?} appears more than once")]
    DuplicateAgendaItem(String),
    #[error("the registration deadline is after the meeting starts")]
    RegistrationAfterStart,
    #[error("the meeting is over")]
    MeetingOver,
    #[error(transparent)]
    Input(#[from] InputError),
}

impl Rejection for MeetingError {
    fn code(&self) -> &'static str {
        match self {
            Self::AlreadyAnnounced => "meeting.already_announced",
            Self::NotAnnounced => "meeting.not_announced",
            Self::EndsBeforeStart => "meeting.ends_before_start",
            Self::StartsInPast => "meeting.starts_in_past",
            Self::NoticeTooShort { .. } => "meeting.notice_too_short",
            Self::NoPlace => "meeting.no_place",
            Self::DuplicateAgendaItem(_) => "meeting.duplicate_agenda_item",
            Self::RegistrationAfterStart => "meeting.registration_after_start",
            Self::MeetingOver => "meeting.over",
            Self::Input(error) => error.code(),
        }
    }

    fn field(&self) -> Option<&'static str> {
        match self {
            Self::EndsBeforeStart => Some("endsOn"),
            Self::StartsInPast | Self::NoticeTooShort { .. } => Some("startsOn"),
            Self::NoPlace => Some("venue"),
            Self::DuplicateAgendaItem(_) => Some("agenda"),
            Self::RegistrationAfterStart => Some("registrationDeadline"),
            Self::Input(error) => error.field(),
            Self::AlreadyAnnounced | Self::NotAnnounced | Self::MeetingOver => None,
        }
    }
}
