//! The query benchmark's log: TSAG and four focus groups with their participants, then meeting
//! cycles, each as the services would record it: a meeting announced, twenty contributions
//! numbered in the group's register (every fourth revised), a comment thread on each (four
//! comments, edits, some resolved), a deliverable drafted on three of them, a consensus call
//! with twelve positions and a decision over a resolved objection, the routing reactor's
//! approval, and the transmittal to a TSAG meeting. Real domain events through the codec,
//! appended to a SQLite log in causal order per cycle; many cycles are appended concurrently so
//! that the store's group commit fills each transaction.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use domain::DomainEvent;
use domain::events::*;
use domain::streams;
use eventlog::{Actor, EventStore, ExpectedRevision, NewEvent, Position, StreamId};
use eventlog_sqlite::SqliteStore;
use futures::StreamExt;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::appends::round;

/// The child groups of TSAG whose cycles the log holds.
pub const GROUPS: [(&str, &str); 4] = [
    ("fg-dfc", "DFC"),
    ("fg-ai4h", "AI4H"),
    ("fg-qit4n", "QIT4N"),
    ("fg-an", "AN"),
];
const PARTICIPANTS: usize = 40;
const CONTRIBUTIONS_PER_MEETING: usize = 20;
const COMMENTS_PER_THREAD: usize = 4;
const POSITIONS_PER_CALL: usize = 12;
/// Cycles sharing one TSAG meeting as the transmittals' destination.
const CYCLES_PER_TSAG_MEETING: u64 = 40;

/// What the queries need from the generated log.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub events: u64,
    pub contributions: Vec<Uuid>,
    pub meetings: Vec<Uuid>,
    /// Position of each transmittal, in log order.
    pub transmittals: Vec<Position>,
}

/// One stream's events of a cycle, appended in one call.
struct Append {
    stream: String,
    events: Vec<NewEvent>,
    kind: AppendKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum AppendKind {
    Meeting,
    Contribution,
    Transmittal,
    Other,
}

fn actor(person: &str, roles: Vec<String>) -> Actor {
    Actor {
        subject: person.into(),
        display_name: format!("Delegate {person}"),
        roles,
    }
}

fn new_event(
    event: Event,
    who: &Actor,
    correlation_id: Uuid,
    causation_id: Option<Uuid>,
) -> NewEvent {
    NewEvent {
        id: Uuid::now_v7(),
        event_type: event.event_type().to_owned(),
        schema_version: event.schema_version(),
        actor: who.clone(),
        correlation_id,
        causation_id,
        payload: event.to_payload(),
    }
}

fn person(group: &str, index: usize) -> String {
    format!("{group}.delegate{index:02}")
}

fn document(seed: &str, size: u64, file_name: String) -> DocumentRef {
    use sha2::{Digest, Sha256};
    DocumentRef {
        sha256: hex::encode(Sha256::digest(seed.as_bytes())),
        size,
        media_type: "application/pdf".into(),
        file_name,
    }
}

fn base_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2018, 1, 8).expect("a valid date")
}

fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    day.and_hms_opt(hour, 0, 0).expect("a valid time").and_utc()
}

/// TSAG, the groups with their officers and participants, and the TSAG meetings, in order.
fn setup(tsag_meetings: u64) -> (Vec<Append>, Vec<Uuid>) {
    let secretariat = actor("tsb.secretariat", vec![]);
    let correlation = Uuid::now_v7();
    let mut appends = Vec::new();
    let terms = TermsOfReference {
        objectives: vec!["Study the ecosystem and identify standardization gaps".into()],
        tasks: vec![
            "Terminology".into(),
            "Use cases".into(),
            "Reference architecture".into(),
        ],
        deliverables: vec![
            "Terminology and taxonomy".into(),
            "Reference architecture".into(),
        ],
        lifetime_months: 24,
    };
    let established = |id: &str, prefix: &str, parent: Option<&str>| {
        Event::Group(GroupEvent::GroupEstablished(GroupEstablished {
            group_id: id.into(),
            name: format!("Group {id}"),
            acronym: prefix.into(),
            document_prefix: prefix.into(),
            kind: if parent.is_some() {
                GroupKind::FocusGroup
            } else {
                GroupKind::ParentGroup
            },
            parent_id: parent.map(Into::into),
            visibility: Visibility::Public,
            established_on: base_day() - Days::new(30),
            terms_of_reference: parent.map(|_| terms.clone()),
        }))
    };
    let tsag = vec![new_event(
        established("tsag", "TSAG", None),
        &secretariat,
        correlation,
        None,
    )];
    appends.push(Append {
        stream: streams::group("tsag"),
        events: tsag,
        kind: AppendKind::Other,
    });
    for (group, prefix) in GROUPS {
        let mut events = vec![new_event(
            established(group, prefix, Some("tsag")),
            &secretariat,
            correlation,
            None,
        )];
        for index in 0..PARTICIPANTS {
            let registered =
                Event::Group(GroupEvent::ParticipantRegistered(ParticipantRegistered {
                    group_id: group.into(),
                    person: person(group, index),
                    display_name: format!("Delegate {index} of {group}"),
                    organisation: format!("Organisation {}", index % 13),
                    category: MembershipCategory::SectorMember,
                    country: Some("CH".into()),
                }));
            events.push(new_event(registered, &secretariat, correlation, None));
        }
        for (index, role) in [(0, OfficerRole::Chair), (1, OfficerRole::ViceChair)] {
            let appointed = Event::Group(GroupEvent::OfficerAppointed(OfficerAppointed {
                group_id: group.into(),
                person: person(group, index),
                role,
            }));
            events.push(new_event(appointed, &secretariat, correlation, None));
        }
        appends.push(Append {
            stream: streams::group(group),
            events,
            kind: AppendKind::Other,
        });
    }
    let mut meetings = Vec::new();
    for index in 0..tsag_meetings {
        let meeting_id = Uuid::now_v7();
        let starts_on = base_day() + Days::new(60 + index * 120);
        let announced = Event::Meeting(MeetingEvent::MeetingAnnounced(MeetingAnnounced {
            meeting_id,
            group_id: "tsag".into(),
            title: format!("TSAG meeting {}", index + 1),
            starts_on,
            ends_on: starts_on + Days::new(4),
            venue: Some("Geneva".into()),
            remote_participation: true,
            registration_deadline: None,
            contribution_deadline: starts_on - Days::new(12),
            agenda: vec![AgendaItem {
                id: "1".into(),
                title: "Reports of the focus groups".into(),
            }],
            announced_on: starts_on - Days::new(90),
        }));
        let events = vec![new_event(announced, &secretariat, correlation, None)];
        appends.push(Append {
            stream: streams::meeting(meeting_id),
            events,
            kind: AppendKind::Other,
        });
        meetings.push(meeting_id);
    }
    (appends, meetings)
}

/// One meeting cycle of one group, as phases: each phase's appends may go concurrently, a
/// phase starts after the previous one is written.
fn cycle(index: u64, tsag_meetings: &[Uuid]) -> Vec<Vec<Append>> {
    let (group, prefix) = GROUPS[(index % GROUPS.len() as u64) as usize];
    let round = index / GROUPS.len() as u64;
    let chair = actor(&person(group, 0), vec![format!("chair@{group}")]);
    let correlation = Uuid::now_v7();
    let day = base_day() + Days::new(round * 14);
    let meeting_id = Uuid::now_v7();
    let agenda: Vec<AgendaItem> = (1..=6)
        .map(|item| AgendaItem {
            id: item.to_string(),
            title: format!("Agenda item {item}"),
        })
        .collect();
    let announced = Event::Meeting(MeetingEvent::MeetingAnnounced(MeetingAnnounced {
        meeting_id,
        group_id: group.into(),
        title: format!("{prefix} meeting {}", round + 1),
        starts_on: day + Days::new(35),
        ends_on: day + Days::new(37),
        venue: Some("Geneva".into()),
        remote_participation: true,
        registration_deadline: Some(day + Days::new(21)),
        contribution_deadline: day + Days::new(23),
        agenda: agenda.clone(),
        announced_on: day,
    }));
    let meeting = Append {
        stream: streams::meeting(meeting_id),
        events: vec![new_event(announced, &chair, correlation, None)],
        kind: AppendKind::Meeting,
    };

    let mut numbers = Vec::new();
    let mut contributions = Vec::new();
    let mut threads = Vec::new();
    let mut contribution_ids = Vec::new();
    for c in 0..CONTRIBUTIONS_PER_MEETING {
        let author_index = 2 + (c + round as usize) % (PARTICIPANTS - 2);
        let author = actor(
            &person(group, author_index),
            vec![format!("delegate@{group}")],
        );
        let contribution_id = Uuid::now_v7();
        contribution_ids.push(contribution_id);
        let sequence = (round * CONTRIBUTIONS_PER_MEETING as u64 + c as u64 + 1) as u32;
        let number = format!("{prefix}-I-{sequence:03}");
        numbers.push(new_event(
            Event::Register(RegisterEvent::DocumentNumberAssigned(
                DocumentNumberAssigned {
                    group_id: group.into(),
                    kind: DocumentKind::Input,
                    sequence,
                    number: number.clone(),
                    assigned_to: contribution_id,
                },
            )),
            &author,
            correlation,
            None,
        ));
        let title = format!("Proposal {c} for agenda item {} of {number}", c % 6 + 1);
        let mut events = vec![new_event(
            Event::Contribution(ContributionEvent::ContributionSubmitted(
                ContributionSubmitted {
                    contribution_id,
                    group_id: group.into(),
                    meeting_id,
                    agenda_item: agenda[c % agenda.len()].id.clone(),
                    number: number.clone(),
                    title: title.clone(),
                    source_organisations: vec![format!("Organisation {}", author_index % 13)],
                    authors: vec![person(group, author_index)],
                    document: document(&number, 48_000 + c as u64, format!("{number}.pdf")),
                    submitted_at: at(day + Days::new(20), 9),
                    late: false,
                },
            )),
            &author,
            correlation,
            None,
        )];
        if c % 4 == 0 {
            events.push(new_event(
                Event::Contribution(ContributionEvent::ContributionRevised(
                    ContributionRevised {
                        contribution_id,
                        revision: 1,
                        title: format!("{title} (revised)"),
                        document: document(
                            &format!("{number}R1"),
                            49_000,
                            format!("{number}R1.pdf"),
                        ),
                        note: Some("Comments taken into account".into()),
                        revised_at: at(day + Days::new(22), 9),
                        late: false,
                    },
                )),
                &author,
                correlation,
                None,
            ));
        }
        contributions.push(Append {
            stream: streams::contribution(contribution_id),
            events,
            kind: AppendKind::Contribution,
        });

        let thread_id = Uuid::now_v7();
        let mut comments: Vec<NewEvent> = Vec::new();
        let mut first_comment = None;
        for k in 0..COMMENTS_PER_THREAD {
            let commenter_index = 2 + (c + k * 7) % (PARTICIPANTS - 2);
            let commenter = actor(
                &person(group, commenter_index),
                vec![format!("delegate@{group}")],
            );
            let comment_id = Uuid::now_v7();
            first_comment.get_or_insert(comment_id);
            comments.push(new_event(
                Event::Comment(CommentEvent::CommentPosted(CommentPosted {
                    thread_id,
                    comment_id,
                    group_id: group.into(),
                    subject: Subject::Contribution {
                        id: contribution_id,
                    },
                    in_reply_to: (k > 0).then_some(first_comment).flatten(),
                    author: person(group, commenter_index),
                    text: format!(
                        "Comment {k} on {number}: we support clause {k}.2 but suggest aligning the \
                         definition with Recommendation ITU-T Y.4900."
                    ),
                    posted_at: at(day + Days::new(24), 9 + k as u32),
                })),
                &commenter,
                correlation,
                None,
            ));
            if k == 1 && c % 2 == 0 {
                comments.push(new_event(
                    Event::Comment(CommentEvent::CommentEdited(CommentEdited {
                        thread_id,
                        comment_id,
                        text: format!("Comment {k} on {number}, edited: clause {k}.3 instead."),
                        edited_at: at(day + Days::new(24), 15),
                    })),
                    &commenter,
                    correlation,
                    None,
                ));
            }
        }
        if c % 4 == 1 {
            comments.push(new_event(
                Event::Comment(CommentEvent::ThreadResolved(ThreadResolved {
                    thread_id,
                    resolution: Some("Agreed in the meeting".into()),
                })),
                &chair,
                correlation,
                None,
            ));
        }
        threads.push(Append {
            stream: streams::thread(thread_id),
            events: comments,
            kind: AppendKind::Other,
        });
    }
    let register = Append {
        stream: streams::register(group),
        events: numbers,
        kind: AppendKind::Other,
    };

    let deliverable_id = Uuid::now_v7();
    let editor_person = person(group, 2 + round as usize % 10);
    let editor = actor(&editor_person, vec![format!("editor@{group}")]);
    let output_sequence = (round + 1) as u32;
    let output_number = format!("{prefix}-O-{output_sequence:03}");
    let output_register = Append {
        stream: streams::register(group),
        events: vec![new_event(
            Event::Register(RegisterEvent::DocumentNumberAssigned(
                DocumentNumberAssigned {
                    group_id: group.into(),
                    kind: DocumentKind::Output,
                    sequence: output_sequence,
                    number: output_number.clone(),
                    assigned_to: deliverable_id,
                },
            )),
            &editor,
            correlation,
            None,
        )],
        kind: AppendKind::Other,
    };
    let deliverable_events = vec![
        new_event(
            Event::Deliverable(DeliverableEvent::DeliverableDefined(DeliverableDefined {
                deliverable_id,
                group_id: group.into(),
                title: format!("Technical report {} of {prefix}", round + 1),
                from_terms_of_reference: round.is_multiple_of(2),
            })),
            &chair,
            correlation,
            None,
        ),
        new_event(
            Event::Deliverable(DeliverableEvent::EditorAssigned(EditorAssigned {
                deliverable_id,
                person: editor_person.clone(),
            })),
            &chair,
            correlation,
            None,
        ),
        new_event(
            Event::Deliverable(DeliverableEvent::DraftPublished(DraftPublished {
                deliverable_id,
                version: 1,
                number: output_number.clone(),
                document: document(&output_number, 120_000, format!("{output_number}.pdf")),
                builds_on: contribution_ids[..3].to_vec(),
                note: Some("First draft".into()),
                published_at: at(day + Days::new(36), 10),
            })),
            &editor,
            correlation,
            None,
        ),
    ];
    let deliverable = Append {
        stream: streams::deliverable(deliverable_id),
        events: deliverable_events,
        kind: AppendKind::Other,
    };

    let call_id = Uuid::now_v7();
    let decision_id = Uuid::now_v7();
    let subject = Subject::Deliverable {
        id: deliverable_id,
        version: Some(1),
    };
    let objector = person(group, 5);
    let mut call_events = vec![new_event(
        Event::Consensus(ConsensusEvent::ConsensusCallOpened(ConsensusCallOpened {
            call_id,
            group_id: group.into(),
            subject: subject.clone(),
            question: format!("Can the meeting agree {output_number} as a deliverable?"),
            opened_at: at(day + Days::new(37), 9),
            closes_at: at(day + Days::new(37), 17),
        })),
        &chair,
        correlation,
        None,
    )];
    for p in 0..POSITIONS_PER_CALL {
        let participant = person(group, 2 + p);
        let objects = participant == objector;
        call_events.push(new_event(
            Event::Consensus(ConsensusEvent::PositionStated(PositionStated {
                call_id,
                participant: participant.clone(),
                stance: if objects {
                    Stance::Object
                } else {
                    Stance::Support
                },
                reason: objects.then(|| "Clause 3 is too narrow".into()),
                stated_at: at(day + Days::new(37), 10) + TimeDelta::minutes(p as i64),
            })),
            &actor(&participant, vec![format!("delegate@{group}")]),
            correlation,
            None,
        ));
    }
    let decided = new_event(
        Event::Consensus(ConsensusEvent::DecisionRecorded(DecisionRecorded {
            call_id,
            decision_id,
            group_id: group.into(),
            subject,
            outcome: Outcome::Agreed,
            summary: "Agreed, clause 3 widened".into(),
            objections: vec![ObjectionRecord {
                participant: objector,
                reason: "Clause 3 is too narrow".into(),
                disposition: Disposition::Resolved,
                note: Some("Clause 3 widened".into()),
            }],
            decided_at: at(day + Days::new(37), 16),
        })),
        &chair,
        correlation,
        None,
    );
    let decided_id = decided.id;
    call_events.push(decided);
    let call = Append {
        stream: streams::consensus(call_id),
        events: call_events,
        kind: AppendKind::Other,
    };

    let reactor = actor("system:deliverables-service", vec![]);
    let tsag_meeting =
        tsag_meetings[(index / CYCLES_PER_TSAG_MEETING) as usize % tsag_meetings.len()];
    let approved_and_sent = vec![
        new_event(
            Event::Deliverable(DeliverableEvent::DeliverableApproved(DeliverableApproved {
                deliverable_id,
                version: 1,
                call_id,
                decision_id,
            })),
            &reactor,
            correlation,
            Some(decided_id),
        ),
        new_event(
            Event::Deliverable(DeliverableEvent::DeliverableTransmitted(
                DeliverableTransmitted {
                    deliverable_id,
                    transmittal_id: Uuid::now_v7(),
                    version: 1,
                    parent_group_id: "tsag".into(),
                    parent_meeting_id: tsag_meeting,
                    parent_meeting_starts_on: base_day() + Days::new(400),
                    transmitted_at: at(day + Days::new(38), 9),
                },
            )),
            &chair,
            correlation,
            None,
        ),
    ];
    let transmittal = Append {
        stream: streams::deliverable(deliverable_id),
        events: approved_and_sent,
        kind: AppendKind::Transmittal,
    };

    let mut second = contributions;
    second.push(register);
    vec![
        vec![meeting],
        second,
        threads,
        vec![output_register, deliverable],
        vec![call],
        vec![transmittal],
    ]
}

fn count(phases: &[Vec<Append>]) -> u64 {
    phases.iter().flatten().map(|a| a.events.len() as u64).sum()
}

/// Writes at least `target` events to a new log at `path`, `concurrency` cycles at a time.
pub async fn generate(
    path: &Path,
    target: u64,
    concurrency: usize,
) -> anyhow::Result<(SqliteStore, Dataset, Value)> {
    let store = SqliteStore::open(path).with_context(|| format!("opening {}", path.display()))?;
    let per_cycle = count(&cycle(0, &[Uuid::nil()]));
    let cycles = target.div_ceil(per_cycle).max(1);
    let (setup_appends, tsag_meetings) = setup(cycles / CYCLES_PER_TSAG_MEETING + 1);
    let started = Instant::now();
    let written = Arc::new(AtomicU64::new(0));
    let mut dataset = Dataset::default();
    for append in setup_appends {
        written.fetch_add(append.events.len() as u64, Ordering::Relaxed);
        let stream = StreamId::new(append.stream)?;
        store
            .append(&stream, ExpectedRevision::Any, append.events)
            .await?;
    }
    let tsag_meetings = Arc::new(tsag_meetings);
    let mut results = futures::stream::iter(0..cycles)
        .map(|index| {
            let store = store.clone();
            let tsag_meetings = tsag_meetings.clone();
            let written = written.clone();
            async move {
                let mut found = Dataset::default();
                for phase in cycle(index, &tsag_meetings) {
                    let appends = phase.into_iter().map(|append| {
                        let store = store.clone();
                        let written = written.clone();
                        async move {
                            written.fetch_add(append.events.len() as u64, Ordering::Relaxed);
                            let stream = StreamId::new(append.stream)?;
                            let result = store
                                .append(&stream, ExpectedRevision::Any, append.events)
                                .await?;
                            anyhow::Ok((append.kind, stream, result.last().position))
                        }
                    });
                    for outcome in futures::future::join_all(appends).await {
                        let (kind, stream, position) = outcome?;
                        let entity = || -> anyhow::Result<Uuid> {
                            let (_, id) = stream
                                .as_str()
                                .split_once('-')
                                .context("an entity stream")?;
                            Ok(id.parse()?)
                        };
                        match kind {
                            AppendKind::Meeting => found.meetings.push(entity()?),
                            AppendKind::Contribution => found.contributions.push(entity()?),
                            AppendKind::Transmittal => found.transmittals.push(position),
                            AppendKind::Other => {}
                        }
                    }
                }
                anyhow::Ok(found)
            }
        })
        .buffer_unordered(concurrency.max(1));
    let mut last_report = Instant::now();
    while let Some(found) = results.next().await {
        let found = found?;
        dataset.contributions.extend(found.contributions);
        dataset.meetings.extend(found.meetings);
        dataset.transmittals.extend(found.transmittals);
        if last_report.elapsed().as_secs() >= 5 {
            last_report = Instant::now();
            eprintln!("  generated {} events", written.load(Ordering::Relaxed));
        }
    }
    drop(results);
    dataset.transmittals.sort();
    dataset.events = written.load(Ordering::Relaxed);
    let seconds = started.elapsed().as_secs_f64();
    let figures = json!({
        "scenario": "query-dataset",
        "how": "real domain events (codec) appended to a SQLite log, one append per stream and phase",
        "events": dataset.events,
        "cycles": cycles,
        "eventsPerCycle": per_cycle,
        "contributions": dataset.contributions.len(),
        "meetings": dataset.meetings.len(),
        "transmittals": dataset.transmittals.len(),
        "seconds": round(seconds),
        "eventsPerSec": round(dataset.events as f64 / seconds),
    });
    Ok((store, dataset, figures))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cycle_is_161_valid_events_that_the_codec_reads_back_in_causal_order() {
        let phases = cycle(5, &[Uuid::nil()]);
        assert_eq!(count(&phases), 161);
        let mut types = Vec::new();
        for append in phases.iter().flatten() {
            StreamId::new(append.stream.clone()).unwrap();
            for event in &append.events {
                eventlog::validate_new_event(event).unwrap();
                Event::decode(&event.event_type, event.schema_version, event.payload.get())
                    .unwrap();
                types.push(event.event_type.as_str());
            }
        }
        let first = |name: &str| types.iter().position(|t| *t == name).unwrap();
        assert!(first("MeetingAnnounced") < first("ContributionSubmitted"));
        assert!(first("ContributionSubmitted") < first("CommentPosted"));
        assert!(first("DraftPublished") < first("ConsensusCallOpened"));
        assert!(first("DecisionRecorded") < first("DeliverableApproved"));
        assert_eq!(types.last(), Some(&"DeliverableTransmitted"));
    }

    #[test]
    fn cycles_round_robin_over_the_groups_with_their_own_numbers() {
        let number_of = |index: u64| {
            let phases = cycle(index, &[Uuid::nil()]);
            let submitted = &phases[1][0].events[0];
            let Event::Contribution(ContributionEvent::ContributionSubmitted(c)) = Event::decode(
                &submitted.event_type,
                submitted.schema_version,
                submitted.payload.get(),
            )
            .unwrap() else {
                panic!("the second phase starts with a submission");
            };
            (c.group_id, c.number)
        };
        assert_eq!(
            number_of(0),
            ("fg-dfc".to_string(), "DFC-I-001".to_string())
        );
        assert_eq!(
            number_of(1),
            ("fg-ai4h".to_string(), "AI4H-I-001".to_string())
        );
        assert_eq!(
            number_of(4),
            ("fg-dfc".to_string(), "DFC-I-021".to_string())
        );
    }
}
