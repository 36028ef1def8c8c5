//! Facts a service's tests start from, recorded through the domain's own `decide` straight
//! onto the log, so that a test of one context needs no other context's service running.

use chrono::{Days, NaiveDate, Utc};
use domain::Aggregate;
use domain::codec::DomainEvent;
use domain::contributions::{Contribution, ContributionCommand, SubmitContribution};
use domain::deliverables::{DefineDeliverable, Deliverable, DeliverableCommand};
use domain::events::{
    AgendaItem, DocumentRef, GroupKind, MembershipCategory, OfficerRole, TermsOfReference,
    Visibility,
};
use domain::groups::{
    AppointOfficer, EstablishGroup, Group, GroupCommand, ParentFact, RegisterParticipant,
};
use domain::meetings::{AnnounceMeeting, Meeting, MeetingCommand};
use domain::streams;
use eventlog::{Actor, ExpectedRevision, Position, StreamId};
use uuid::Uuid;

use crate::Platform;
use crate::write::envelope;

/// The actor of the facts tests record.
fn setup_actor() -> Actor {
    Actor {
        subject: "test-setup".into(),
        display_name: "Test setup".into(),
        roles: Vec::new(),
    }
}

/// Appends `event` to `stream` as a command service would, whatever the stream holds; answers
/// its position.
pub async fn record(platform: &Platform, stream: &str, event: &impl DomainEvent) -> Position {
    platform
        .store()
        .append(
            &StreamId::new(stream).expect("a valid stream name"),
            ExpectedRevision::Any,
            vec![envelope(
                event,
                Uuid::now_v7(),
                setup_actor(),
                Uuid::now_v7(),
            )],
        )
        .await
        .expect("the fact is appended")
        .last()
        .position
}

/// Carries out `command` on `stream` and appends what it records.
pub async fn given<A: Aggregate>(
    platform: &Platform,
    stream: &str,
    command: A::Command,
) -> Vec<A::Event>
where
    A::Error: std::fmt::Debug,
{
    let loaded = platform.load::<A>(stream).await.expect("the stream loads");
    let events = A::decide(&loaded.state, command).expect("the setup command is accepted");
    let new_events = events
        .iter()
        .map(|event| envelope(event, Uuid::now_v7(), setup_actor(), Uuid::now_v7()))
        .collect();
    let expected = loaded
        .revision
        .map_or(ExpectedRevision::NoStream, ExpectedRevision::Exact);
    platform
        .store()
        .append(
            &StreamId::new(stream).expect("a valid stream name"),
            expected,
            new_events,
        )
        .await
        .expect("the setup appends");
    events
}

pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

pub fn days_from_today(days: u64) -> NaiveDate {
    today()
        .checked_add_days(Days::new(days))
        .expect("a date in range")
}

/// TSAG, FG DFC under it (prefix `DFC`), and DCGI (another parent group); `people` registered
/// in FG DFC, `chair` appointed its chair.
pub async fn groups(platform: &Platform, people: &[&str], chair: &str) {
    for (id, prefix) in [("tsag", "TSAG"), ("dcgi", "DCGI")] {
        establish(platform, id, prefix, GroupKind::ParentGroup, None).await;
    }
    establish(
        platform,
        "fg-dfc",
        "DFC",
        GroupKind::FocusGroup,
        Some("tsag"),
    )
    .await;
    for person in people.iter().chain([&chair]) {
        given::<Group>(
            platform,
            &streams::group("fg-dfc"),
            GroupCommand::RegisterParticipant(RegisterParticipant {
                person: (*person).into(),
                display_name: (*person).into(),
                organisation: "Test Organisation".into(),
                category: MembershipCategory::SectorMember,
                country: None,
            }),
        )
        .await;
    }
    given::<Group>(
        platform,
        &streams::group("fg-dfc"),
        GroupCommand::AppointOfficer(AppointOfficer {
            person: chair.into(),
            role: OfficerRole::Chair,
        }),
    )
    .await;
}

async fn establish(
    platform: &Platform,
    id: &str,
    prefix: &str,
    kind: GroupKind,
    parent: Option<&str>,
) {
    let terms = (kind != GroupKind::ParentGroup).then(|| TermsOfReference {
        objectives: vec!["Study digital fiat currency".into()],
        tasks: vec!["Draft reports".into()],
        deliverables: vec!["Terminology and taxonomy".into()],
        lifetime_months: 24,
    });
    given::<Group>(
        platform,
        &streams::group(id),
        GroupCommand::Establish(EstablishGroup {
            group_id: id.into(),
            name: id.to_uppercase(),
            acronym: id.to_uppercase(),
            document_prefix: prefix.into(),
            kind,
            parent: parent.map(|parent| ParentFact {
                group_id: parent.into(),
                kind: Some(GroupKind::ParentGroup),
            }),
            visibility: Visibility::Public,
            established_on: today(),
            terms_of_reference: terms,
        }),
    )
    .await;
}

/// A meeting of `group` starting in `days` with agenda items `1` and `2`, announced long ago
/// enough to need no waiver.
pub async fn meeting(platform: &Platform, group: &str, days: u64) -> Uuid {
    let meeting_id = Uuid::now_v7();
    given::<Meeting>(
        platform,
        &streams::meeting(meeting_id),
        MeetingCommand::Announce(AnnounceMeeting {
            meeting_id,
            group_id: group.into(),
            title: format!("Meeting of {group}"),
            starts_on: days_from_today(days),
            ends_on: days_from_today(days + 1),
            venue: Some("Geneva".into()),
            remote_participation: true,
            registration_deadline: None,
            agenda: ["Opening", "Terminology"]
                .iter()
                .enumerate()
                .map(|(index, title)| AgendaItem {
                    id: (index + 1).to_string(),
                    title: (*title).into(),
                })
                .collect(),
            waiver_reason: None,
            now: Utc::now() - chrono::Duration::days(100),
        }),
    )
    .await;
    meeting_id
}

/// A contribution by `author` to item `2` of `meeting_id` (announced by [`meeting`]).
pub async fn contribution(platform: &Platform, meeting_id: Uuid, author: &str) -> Uuid {
    let contribution_id = Uuid::now_v7();
    let facts = platform
        .load::<Meeting>(&streams::meeting(meeting_id))
        .await
        .expect("the meeting loads")
        .state
        .facts()
        .expect("the meeting is announced");
    given::<Contribution>(
        platform,
        &streams::contribution(contribution_id),
        ContributionCommand::Submit(SubmitContribution {
            contribution_id,
            group_id: facts.group_id.clone(),
            meeting: facts,
            agenda_item: "2".into(),
            number: "DFC-I-001".into(),
            title: "Terms for digital fiat currency".into(),
            source_organisations: vec!["Test Organisation".into()],
            authors: vec![author.into()],
            document: DocumentRef {
                sha256: "a".repeat(64),
                size: 10,
                media_type: "text/plain".into(),
                file_name: "terms.txt".into(),
            },
            now: Utc::now(),
        }),
    )
    .await;
    contribution_id
}

/// A deliverable of `group`, with no draft yet.
pub async fn deliverable(platform: &Platform, group: &str) -> Uuid {
    let deliverable_id = Uuid::now_v7();
    given::<Deliverable>(
        platform,
        &streams::deliverable(deliverable_id),
        DeliverableCommand::Define(DefineDeliverable {
            deliverable_id,
            group_id: group.into(),
            title: "Terminology and taxonomy".into(),
            from_terms_of_reference: true,
        }),
    )
    .await;
    deliverable_id
}
