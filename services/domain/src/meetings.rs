//! Meetings: announcement at least four weeks ahead (or a recorded waiver), dates, place or
//! remote participation, the agenda, and the contribution deadline (start minus 12 days).

use std::collections::BTreeSet;

use chrono::{DateTime, Days, NaiveDate, Utc};

use crate::aggregate::Aggregate;
use crate::contributions::MeetingFacts;
use crate::deliverables::ParentMeetingFacts;
use crate::error::{self, InputError, MAX_LINE, MAX_TEXT, Rejection};
use crate::events::{
    AgendaItem, AgendaItemAdded, GroupId, MeetingAnnounced, MeetingEvent, MeetingId, NoticeWaived,
};

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

/// The meeting aggregate, stream `meeting-{uuid}`.
#[derive(Debug)]
pub struct Meeting;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MeetingState {
    /// The announcement, with every agenda item added since.
    pub announced: Option<MeetingAnnounced>,
    pub waiver: Option<NoticeWaived>,
}

impl MeetingState {
    /// What a contribution to this meeting is checked against.
    /// What a transmittal to this (parent group's) meeting is checked against.
    pub fn as_parent_meeting(&self) -> Option<ParentMeetingFacts> {
        self.announced.as_ref().map(|meeting| ParentMeetingFacts {
            meeting_id: meeting.meeting_id,
            group_id: meeting.group_id.clone(),
            starts_on: meeting.starts_on,
        })
    }

    pub fn facts(&self) -> Option<MeetingFacts> {
        self.announced.as_ref().map(|meeting| MeetingFacts {
            meeting_id: meeting.meeting_id,
            group_id: meeting.group_id.clone(),
            ends_on: meeting.ends_on,
            contribution_deadline: meeting.contribution_deadline,
            agenda_items: meeting.agenda.iter().map(|item| item.id.clone()).collect(),
        })
    }
}

impl Aggregate for Meeting {
    type State = MeetingState;
    type Command = MeetingCommand;
    type Event = MeetingEvent;
    type Error = MeetingError;

    fn decide(
        state: &MeetingState,
        command: MeetingCommand,
    ) -> Result<Vec<MeetingEvent>, MeetingError> {
        match command {
            MeetingCommand::Announce(command) => announce(state, command),
            MeetingCommand::AddAgendaItem(command) => {
                let meeting = state.announced.as_ref().ok_or(MeetingError::NotAnnounced)?;
                if command.now.date_naive() > meeting.ends_on {
                    return Err(MeetingError::MeetingOver);
                }
                check_item("item", &command.item)?;
                if meeting.agenda.iter().any(|item| item.id == command.item.id) {
                    return Err(MeetingError::DuplicateAgendaItem(command.item.id));
                }
                Ok(vec![MeetingEvent::AgendaItemAdded(AgendaItemAdded {
                    meeting_id: meeting.meeting_id,
                    item: command.item,
                })])
            }
        }
    }

    fn evolve(mut state: MeetingState, event: &MeetingEvent) -> MeetingState {
        match event {
            MeetingEvent::NoticeWaived(waiver) => state.waiver = Some(waiver.clone()),
            MeetingEvent::MeetingAnnounced(announced) => state.announced = Some(announced.clone()),
            MeetingEvent::AgendaItemAdded(added) => {
                if let Some(meeting) = state.announced.as_mut() {
                    meeting.agenda.push(added.item.clone());
                }
            }
        }
        state
    }
}

fn check_item(field: &'static str, item: &AgendaItem) -> Result<(), MeetingError> {
    error::required(field, &item.id, 20)?;
    error::required(field, &item.title, MAX_LINE)?;
    Ok(())
}

fn announce(
    state: &MeetingState,
    command: AnnounceMeeting,
) -> Result<Vec<MeetingEvent>, MeetingError> {
    if state.announced.is_some() {
        return Err(MeetingError::AlreadyAnnounced);
    }
    error::required("title", &command.title, MAX_LINE)?;
    if command.ends_on < command.starts_on {
        return Err(MeetingError::EndsBeforeStart);
    }
    let today = command.now.date_naive();
    let notice_days = (command.starts_on - today).num_days();
    if notice_days < 0 {
        return Err(MeetingError::StartsInPast);
    }
    match &command.venue {
        Some(venue) => error::required("venue", venue, MAX_LINE)?,
        None if !command.remote_participation => return Err(MeetingError::NoPlace),
        None => {}
    }
    if command
        .registration_deadline
        .is_some_and(|deadline| deadline > command.starts_on)
    {
        return Err(MeetingError::RegistrationAfterStart);
    }
    let mut ids = BTreeSet::new();
    for item in &command.agenda {
        check_item("agenda", item)?;
        if !ids.insert(item.id.as_str()) {
            return Err(MeetingError::DuplicateAgendaItem(item.id.clone()));
        }
    }
    let mut events = Vec::with_capacity(2);
    // A waiver given while notice suffices is not recorded: there is nothing to waive.
    if notice_days < MIN_NOTICE_DAYS {
        let reason = command
            .waiver_reason
            .ok_or(MeetingError::NoticeTooShort { notice_days })?;
        error::required("waiverReason", &reason, MAX_TEXT)?;
        events.push(MeetingEvent::NoticeWaived(NoticeWaived {
            meeting_id: command.meeting_id,
            group_id: command.group_id.clone(),
            notice_days,
            reason,
        }));
    }
    events.push(MeetingEvent::MeetingAnnounced(MeetingAnnounced {
        meeting_id: command.meeting_id,
        group_id: command.group_id,
        title: command.title,
        starts_on: command.starts_on,
        ends_on: command.ends_on,
        venue: command.venue,
        remote_participation: command.remote_participation,
        registration_deadline: command.registration_deadline,
        contribution_deadline: contribution_deadline(command.starts_on),
        agenda: command.agenda,
        announced_on: today,
    }));
    Ok(events)
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::testing::{at, day, given};

    const MEETING: Uuid = Uuid::from_u128(0x1013);

    fn agenda() -> Vec<AgendaItem> {
        vec![
            AgendaItem {
                id: "1".into(),
                title: "Opening".into(),
            },
            AgendaItem {
                id: "4.2".into(),
                title: "Terminology".into(),
            },
        ]
    }

    /// FG DFC's first meeting: 13 October 2017 in Beijing.
    fn announce_first_meeting(now: DateTime<Utc>, waiver_reason: Option<&str>) -> MeetingCommand {
        MeetingCommand::Announce(AnnounceMeeting {
            meeting_id: MEETING,
            group_id: "fg-dfc".into(),
            title: "First meeting of FG DFC".into(),
            starts_on: day(2017, 10, 13),
            ends_on: day(2017, 10, 13),
            venue: Some("IWEP/CASS, Beijing".into()),
            remote_participation: true,
            registration_deadline: Some(day(2017, 10, 6)),
            agenda: agenda(),
            waiver_reason: waiver_reason.map(str::to_owned),
            now,
        })
    }

    fn announced(announced_on: NaiveDate) -> MeetingAnnounced {
        MeetingAnnounced {
            meeting_id: MEETING,
            group_id: "fg-dfc".into(),
            title: "First meeting of FG DFC".into(),
            starts_on: day(2017, 10, 13),
            ends_on: day(2017, 10, 13),
            venue: Some("IWEP/CASS, Beijing".into()),
            remote_participation: true,
            registration_deadline: Some(day(2017, 10, 6)),
            contribution_deadline: day(2017, 10, 1),
            agenda: agenda(),
            announced_on,
        }
    }

    #[test]
    fn the_contribution_deadline_is_twelve_calendar_days_before_the_start() {
        assert_eq!(contribution_deadline(day(2017, 10, 13)), day(2017, 10, 1));
        assert_eq!(contribution_deadline(day(2018, 3, 5)), day(2018, 2, 21));
    }

    #[test]
    fn a_meeting_announced_four_weeks_ahead_gets_its_deadline() {
        given::<Meeting>([])
            .when(announce_first_meeting(at(2017, 9, 15, 10), None))
            .then([MeetingEvent::MeetingAnnounced(announced(day(2017, 9, 15)))]);
    }

    #[test]
    fn less_than_four_weeks_of_notice_is_refused_without_a_waiver() {
        let error = Meeting::decide(
            &MeetingState::default(),
            announce_first_meeting(at(2017, 9, 16, 10), None),
        )
        .unwrap_err();
        assert_eq!(error, MeetingError::NoticeTooShort { notice_days: 27 });
        assert_eq!(
            (error.code(), error.field()),
            ("meeting.notice_too_short", Some("startsOn"))
        );
    }

    #[test]
    fn a_waiver_with_a_reason_is_recorded_before_the_announcement() {
        given::<Meeting>([])
            .when(announce_first_meeting(
                at(2017, 9, 16, 10),
                Some("Workshop dates fixed by the host"),
            ))
            .then([
                MeetingEvent::NoticeWaived(NoticeWaived {
                    meeting_id: MEETING,
                    group_id: "fg-dfc".into(),
                    notice_days: 27,
                    reason: "Workshop dates fixed by the host".into(),
                }),
                MeetingEvent::MeetingAnnounced(announced(day(2017, 9, 16))),
            ]);
    }

    #[test]
    fn a_blank_waiver_reason_is_no_waiver() {
        given::<Meeting>([])
            .when(announce_first_meeting(at(2017, 9, 16, 10), Some("  ")))
            .then_err("input.blank");
    }

    #[test]
    fn a_waiver_is_not_recorded_when_notice_suffices() {
        let events = given::<Meeting>([])
            .when(announce_first_meeting(
                at(2017, 9, 1, 10),
                Some("just in case"),
            ))
            .events();
        assert_eq!(
            events,
            [MeetingEvent::MeetingAnnounced(announced(day(2017, 9, 1)))]
        );
    }

    #[test]
    fn a_meeting_in_the_past_is_refused_even_with_a_waiver() {
        given::<Meeting>([])
            .when(announce_first_meeting(at(2017, 10, 14, 10), Some("late")))
            .then_err("meeting.starts_in_past");
    }

    #[test]
    fn a_meeting_cannot_end_before_it_starts() {
        let MeetingCommand::Announce(mut command) =
            announce_first_meeting(at(2017, 9, 1, 10), None)
        else {
            unreachable!()
        };
        command.ends_on = day(2017, 10, 12);
        given::<Meeting>([])
            .when(MeetingCommand::Announce(command))
            .then_err("meeting.ends_before_start");
    }

    #[test]
    fn a_meeting_needs_a_venue_or_remote_participation() {
        let MeetingCommand::Announce(mut command) =
            announce_first_meeting(at(2017, 9, 1, 10), None)
        else {
            unreachable!()
        };
        command.venue = None;
        command.remote_participation = false;
        given::<Meeting>([])
            .when(MeetingCommand::Announce(command))
            .then_err("meeting.no_place");
    }

    #[test]
    fn registration_closes_no_later_than_the_start() {
        let MeetingCommand::Announce(mut command) =
            announce_first_meeting(at(2017, 9, 1, 10), None)
        else {
            unreachable!()
        };
        command.registration_deadline = Some(day(2017, 10, 14));
        given::<Meeting>([])
            .when(MeetingCommand::Announce(command))
            .then_err("meeting.registration_after_start");
    }

    #[test]
    fn agenda_item_ids_are_unique() {
        let MeetingCommand::Announce(mut command) =
            announce_first_meeting(at(2017, 9, 1, 10), None)
        else {
            unreachable!()
        };
        command.agenda.push(AgendaItem {
            id: "4.2".into(),
            title: "Terminology again".into(),
        });
        given::<Meeting>([])
            .when(MeetingCommand::Announce(command))
            .then_err("meeting.duplicate_agenda_item");
    }

    #[test]
    fn a_meeting_is_announced_once() {
        given::<Meeting>([MeetingEvent::MeetingAnnounced(announced(day(2017, 9, 1)))])
            .when(announce_first_meeting(at(2017, 9, 2, 10), None))
            .then_err("meeting.already_announced");
    }

    fn add_item(id: &str, now: DateTime<Utc>) -> MeetingCommand {
        MeetingCommand::AddAgendaItem(AddAgendaItem {
            item: AgendaItem {
                id: id.into(),
                title: "Use cases".into(),
            },
            now,
        })
    }

    #[test]
    fn an_agenda_item_is_added_to_an_announced_meeting_with_a_new_id() {
        let history = || [MeetingEvent::MeetingAnnounced(announced(day(2017, 9, 1)))];
        given::<Meeting>(history())
            .when(add_item("5", at(2017, 10, 2, 9)))
            .then([MeetingEvent::AgendaItemAdded(AgendaItemAdded {
                meeting_id: MEETING,
                item: AgendaItem {
                    id: "5".into(),
                    title: "Use cases".into(),
                },
            })]);
        given::<Meeting>(history())
            .when(add_item("4.2", at(2017, 10, 2, 9)))
            .then_err("meeting.duplicate_agenda_item");
        given::<Meeting>(history())
            .when(add_item("6", at(2017, 10, 14, 9)))
            .then_err("meeting.over");
        given::<Meeting>([])
            .when(add_item("5", at(2017, 10, 2, 9)))
            .then_err("meeting.not_announced");
    }

    #[test]
    fn added_items_are_part_of_the_meeting_facts() {
        let added = MeetingEvent::AgendaItemAdded(AgendaItemAdded {
            meeting_id: MEETING,
            item: AgendaItem {
                id: "5".into(),
                title: "Use cases".into(),
            },
        });
        let state = Meeting::replay(&[
            MeetingEvent::MeetingAnnounced(announced(day(2017, 9, 1))),
            added,
        ]);
        let facts = state.facts().unwrap();
        assert_eq!(facts.agenda_items, ["1", "4.2", "5"]);
        assert_eq!(facts.contribution_deadline, day(2017, 10, 1));
        assert_eq!(
            state.as_parent_meeting().unwrap().starts_on,
            day(2017, 10, 13)
        );
    }
}
