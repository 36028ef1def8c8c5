//! The read models and the one pure update function that projects each event into them.
//!
//! Entity states are kept current for fast reads; every entity's events are kept too, so a
//! query "as of" an earlier position folds them again (see [`Fold`]). Cross-entity indexes
//! (lists per group, participant activity, the parent group's inbox) are updated here.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain::events::{
    CallId, CommentEvent, ConsensusEvent, ContributionEvent, ContributionId, DecisionId,
    DeliverableEvent, DeliverableId, DocumentRef, Event, GroupEvent, GroupId, MeetingEvent,
    MeetingId, PersonId, ThreadId, TransmittalId,
};
use eventlog::{Position, StreamId};
// Hashed with foldhash: a rebuild looks these maps up several times per event.
use foldhash::HashMap;
use uuid::Uuid;

use crate::entities::{
    CallState, ContributionState, DeliverableState, Fold, GroupState, MeetingState, Projected,
    ThreadState, subject_entity_id,
};
use crate::stored::StoredEvent;

/// What a participant did in one group, as the positions of the events that did it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Activity {
    pub contributions: Vec<Position>,
    pub comments: Vec<Position>,
    pub positions: Vec<Position>,
}

/// Counts events up to `as_of` in a list kept in log order.
pub fn count_until(positions: &[Position], as_of: Option<Position>) -> usize {
    match as_of {
        None => positions.len(),
        Some(as_of) => positions.partition_point(|p| *p <= as_of),
    }
}

/// One transmitted deliverable in a parent group's inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InboxEntry {
    pub position: Position,
    pub deliverable_id: DeliverableId,
    pub transmittal_id: TransmittalId,
}

/// Entities a transmittal disclosed to a parent group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Disclosed {
    Deliverable(DeliverableId),
    Call(CallId),
    Contribution(ContributionId),
}

/// An entity that refers to a stored document: whoever may read it may download the document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DocumentHolder {
    /// A submission or revision of the contribution.
    Contribution(ContributionId),
    /// A draft of the deliverable.
    Deliverable(DeliverableId),
    /// A progress report the group sent to its parent group.
    ProgressReport(GroupId),
}

/// One reference to a stored document: who holds it, and the name and media type it was
/// given there (the same bytes may be uploaded twice under different names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentUse {
    pub holder: DocumentHolder,
    pub document: DocumentRef,
}

/// Everything the query service knows, projected from the log.
#[derive(Debug, Default)]
pub struct ReadModels {
    /// Position of the last projected event.
    pub head: Option<Position>,
    /// Time and position of every projected event, in log order, to turn a time into a position.
    times: Vec<(DateTime<Utc>, Position)>,
    /// Every projected event of every stream: the audit trails and the source of time travel.
    /// The key is the name every event of the stream shares.
    pub streams: HashMap<StreamId, Vec<Arc<StoredEvent>>>,
    pub groups: BTreeMap<GroupId, Arc<GroupState>>,
    pub meetings: HashMap<MeetingId, Arc<MeetingState>>,
    pub contributions: HashMap<ContributionId, Arc<ContributionState>>,
    pub threads: HashMap<ThreadId, Arc<ThreadState>>,
    pub calls: HashMap<CallId, Arc<CallState>>,
    pub deliverables: HashMap<DeliverableId, Arc<DeliverableState>>,
    /// Meetings of a group in order of announcement.
    pub meetings_by_group: HashMap<GroupId, Vec<MeetingId>>,
    /// Contributions in order of submission: the order of pagination.
    pub contribution_order: Vec<ContributionId>,
    pub contributions_by_group: HashMap<GroupId, Vec<ContributionId>>,
    pub contributions_by_meeting: HashMap<MeetingId, Vec<ContributionId>>,
    /// Threads and calls by the entity their subject names (an agenda item: its meeting).
    pub threads_by_entity: HashMap<Uuid, Vec<ThreadId>>,
    pub calls_by_entity: HashMap<Uuid, Vec<CallId>>,
    pub call_of_decision: HashMap<DecisionId, CallId>,
    pub deliverables_by_group: HashMap<GroupId, Vec<DeliverableId>>,
    /// Participant activity by group, then by person (looked up without allocating a key).
    pub activity: HashMap<GroupId, HashMap<PersonId, Activity>>,
    /// Transmittals per receiving parent group, in log order.
    pub inbox: HashMap<GroupId, Vec<InboxEntry>>,
    /// What each parent group may read because a child group transmitted it.
    pub disclosed: HashMap<GroupId, BTreeSet<Disclosed>>,
    /// The entities referring to each stored document, by SHA-256, in log order.
    pub documents: HashMap<String, Vec<DocumentUse>>,
}

/// The activity of `person` in `group`, made empty the first time; the keys are copied only
/// then.
fn activity_of<'a>(
    activity: &'a mut HashMap<GroupId, HashMap<PersonId, Activity>>,
    group: &str,
    person: &str,
) -> &'a mut Activity {
    if !activity.contains_key(group) {
        activity.insert(group.to_owned(), HashMap::default());
    }
    let people = activity.get_mut(group).expect("inserted above");
    if !people.contains_key(person) {
        people.insert(person.to_owned(), Activity::default());
    }
    people.get_mut(person).expect("inserted above")
}

fn upsert<K: std::hash::Hash + Eq + Clone, T: Fold>(
    map: &mut HashMap<K, Arc<T>>,
    key: K,
    entry: &Projected,
) -> bool {
    match map.get_mut(&key) {
        Some(state) => {
            Arc::make_mut(state).apply(entry);
            false
        }
        None => match T::start(entry) {
            Some(state) => {
                map.insert(key, Arc::new(state));
                true
            }
            None => false,
        },
    }
}

impl ReadModels {
    /// Projects one event. Events must come in log order; an event at or before the head is
    /// ignored, so a replayed batch cannot count twice.
    pub fn apply(&mut self, entry: &Projected) {
        let position = entry.position();
        if self.head.is_some_and(|head| position <= head) {
            return;
        }
        self.head = Some(position);
        self.times.push((entry.recorded_at(), position));
        self.index(entry);
        // Look up before inserting: most events go to an existing stream, without a new key.
        let recorded = entry.recorded.clone();
        match self.streams.get_mut(recorded.stream_id.as_str()) {
            Some(events) => events.push(recorded),
            None => {
                self.streams
                    .insert(recorded.stream_id.clone(), vec![recorded]);
            }
        }
    }

    fn index(&mut self, entry: &Projected) {
        let position = entry.position();
        match &entry.event {
            Event::Group(event) => {
                let group_id = match event {
                    GroupEvent::GroupEstablished(e) => &e.group_id,
                    GroupEvent::LifetimeExtended(e) => &e.group_id,
                    GroupEvent::OfficerAppointed(e) => &e.group_id,
                    GroupEvent::OfficerRelieved(e) => &e.group_id,
                    GroupEvent::ParticipantRegistered(e) => &e.group_id,
                    GroupEvent::ParticipantWithdrawn(e) => &e.group_id,
                    GroupEvent::ProgressReportSent(e) => &e.group_id,
                };
                match self.groups.get_mut(group_id) {
                    Some(state) => Arc::make_mut(state).apply(entry),
                    None => {
                        if let Some(state) = GroupState::start(entry) {
                            self.groups.insert(group_id.clone(), Arc::new(state));
                        }
                    }
                }
                if let GroupEvent::ProgressReportSent(e) = event
                    && let Some(document) = &e.document
                {
                    self.refer(DocumentHolder::ProgressReport(e.group_id.clone()), document);
                }
            }
            Event::Meeting(event) => {
                let meeting_id = match event {
                    MeetingEvent::NoticeWaived(e) => e.meeting_id,
                    MeetingEvent::MeetingAnnounced(e) => e.meeting_id,
                    MeetingEvent::AgendaItemAdded(e) => e.meeting_id,
                };
                if upsert(&mut self.meetings, meeting_id, entry) {
                    let group_id = self.meetings[&meeting_id].group_id.clone();
                    self.meetings_by_group
                        .entry(group_id)
                        .or_default()
                        .push(meeting_id);
                }
            }
            Event::Register(_) => {}
            Event::Contribution(event) => {
                let contribution_id = match event {
                    ContributionEvent::ContributionSubmitted(e) => e.contribution_id,
                    ContributionEvent::ContributionRevised(e) => e.contribution_id,
                    ContributionEvent::ContributionWithdrawn(e) => e.contribution_id,
                    ContributionEvent::LateContributionAccepted(e) => e.contribution_id,
                    ContributionEvent::LateContributionRefused(e) => e.contribution_id,
                };
                let document = match event {
                    ContributionEvent::ContributionSubmitted(e) => Some(&e.document),
                    ContributionEvent::ContributionRevised(e) => Some(&e.document),
                    _ => None,
                };
                if let Some(document) = document {
                    self.refer(DocumentHolder::Contribution(contribution_id), document);
                }
                if upsert(&mut self.contributions, contribution_id, entry) {
                    self.contribution_order.push(contribution_id);
                    let state = &self.contributions[&contribution_id];
                    self.contributions_by_group
                        .entry(state.group_id.clone())
                        .or_default()
                        .push(contribution_id);
                    self.contributions_by_meeting
                        .entry(state.meeting_id)
                        .or_default()
                        .push(contribution_id);
                    for author in &state.authors {
                        activity_of(&mut self.activity, &state.group_id, author)
                            .contributions
                            .push(position);
                    }
                }
            }
            Event::Comment(event) => {
                let thread_id = match event {
                    CommentEvent::CommentPosted(e) => e.thread_id,
                    CommentEvent::CommentEdited(e) => e.thread_id,
                    CommentEvent::CommentRetracted(e) => e.thread_id,
                    CommentEvent::ThreadResolved(e) => e.thread_id,
                };
                if upsert(&mut self.threads, thread_id, entry) {
                    let entity = subject_entity_id(&self.threads[&thread_id].subject);
                    self.threads_by_entity
                        .entry(entity)
                        .or_default()
                        .push(thread_id);
                }
                if let CommentEvent::CommentPosted(e) = event {
                    activity_of(&mut self.activity, &e.group_id, &e.author)
                        .comments
                        .push(position);
                }
            }
            Event::Consensus(event) => {
                let call_id = match event {
                    ConsensusEvent::ConsensusCallOpened(e) => e.call_id,
                    ConsensusEvent::PositionStated(e) => e.call_id,
                    ConsensusEvent::DecisionRecorded(e) => e.call_id,
                    ConsensusEvent::DecisionCorrected(e) => e.call_id,
                };
                if upsert(&mut self.calls, call_id, entry) {
                    let entity = subject_entity_id(&self.calls[&call_id].subject);
                    self.calls_by_entity
                        .entry(entity)
                        .or_default()
                        .push(call_id);
                }
                match event {
                    ConsensusEvent::PositionStated(e) => {
                        if let Some(call) = self.calls.get(&call_id) {
                            activity_of(&mut self.activity, &call.group_id, &e.participant)
                                .positions
                                .push(position);
                        }
                    }
                    ConsensusEvent::DecisionRecorded(e) => {
                        self.call_of_decision.insert(e.decision_id, call_id);
                    }
                    ConsensusEvent::DecisionCorrected(e) => {
                        self.call_of_decision.insert(e.decision_id, call_id);
                    }
                    ConsensusEvent::ConsensusCallOpened(_) => {}
                }
            }
            Event::Deliverable(event) => {
                let deliverable_id = match event {
                    DeliverableEvent::DeliverableDefined(e) => e.deliverable_id,
                    DeliverableEvent::EditorAssigned(e) => e.deliverable_id,
                    DeliverableEvent::DraftPublished(e) => e.deliverable_id,
                    DeliverableEvent::DeliverableApproved(e) => e.deliverable_id,
                    DeliverableEvent::DeliverableApprovalWithdrawn(e) => e.deliverable_id,
                    DeliverableEvent::DeliverableTransmitted(e) => e.deliverable_id,
                    DeliverableEvent::TransmittalAcknowledged(e) => e.deliverable_id,
                    DeliverableEvent::TransmittalReturned(e) => e.deliverable_id,
                };
                if upsert(&mut self.deliverables, deliverable_id, entry) {
                    let group_id = self.deliverables[&deliverable_id].group_id.clone();
                    self.deliverables_by_group
                        .entry(group_id)
                        .or_default()
                        .push(deliverable_id);
                }
                if let DeliverableEvent::DraftPublished(e) = event {
                    self.refer(DocumentHolder::Deliverable(deliverable_id), &e.document);
                }
                if let DeliverableEvent::DeliverableTransmitted(e) = event {
                    self.inbox
                        .entry(e.parent_group_id.clone())
                        .or_default()
                        .push(InboxEntry {
                            position,
                            deliverable_id,
                            transmittal_id: e.transmittal_id,
                        });
                    self.disclose(&e.parent_group_id, deliverable_id, e.version);
                }
            }
        }
    }

    /// Records that `holder` refers to `document` (once per holder and document).
    fn refer(&mut self, holder: DocumentHolder, document: &DocumentRef) {
        let uses = self.documents.entry(document.sha256.clone()).or_default();
        if !uses.iter().any(|u| u.holder == holder) {
            uses.push(DocumentUse {
                holder,
                document: document.clone(),
            });
        }
    }

    /// A transmittal lets the parent group read the deliverable, the call that approved the
    /// version sent, and every contribution its drafts built on.
    fn disclose(&mut self, parent: &GroupId, deliverable_id: DeliverableId, version: u32) {
        let Some(deliverable) = self.deliverables.get(&deliverable_id) else {
            return;
        };
        let disclosed = self.disclosed.entry(parent.clone()).or_default();
        disclosed.insert(Disclosed::Deliverable(deliverable_id));
        if let Some(approval) = deliverable.approval_of(version) {
            disclosed.insert(Disclosed::Call(approval.call_id));
        }
        for draft in deliverable.drafts.iter().filter(|d| d.version <= version) {
            disclosed.extend(draft.builds_on.iter().copied().map(Disclosed::Contribution));
        }
    }

    /// The last position recorded at or before `time`, `None` when the log started later.
    pub fn position_at(&self, time: DateTime<Utc>) -> Option<Position> {
        let index = self.times.partition_point(|(at, _)| *at <= time);
        index.checked_sub(1).map(|i| self.times[i].1)
    }

    pub fn stream(&self, stream: &str) -> &[Arc<StoredEvent>] {
        self.streams.get(stream).map_or(&[], Vec::as_slice)
    }

    /// A stream's events decoded again, for folding an earlier state. They decoded when they
    /// were projected, so none fails now.
    fn decoded(&self, stream: &str) -> impl Iterator<Item = Projected> {
        self.stream(stream)
            .iter()
            .filter_map(|r| Projected::decode(r.clone()).ok().flatten())
    }

    /// An entity as it stood at `as_of` (`None`: now), from its current state when nothing
    /// changed since, else folded again from its stream.
    pub fn at<T: Fold>(&self, current: Option<&Arc<T>>, as_of: Option<Position>) -> Option<Arc<T>> {
        let current = current?;
        let Some(as_of) = as_of else {
            return Some(current.clone());
        };
        let span = current.span();
        if span.created > as_of {
            None
        } else if span.updated <= as_of {
            Some(current.clone())
        } else {
            T::fold_until(self.decoded(&span.stream), as_of).map(Arc::new)
        }
    }

    pub fn group_at(&self, id: &str, as_of: Option<Position>) -> Option<Arc<GroupState>> {
        self.at(self.groups.get(id), as_of)
    }

    pub fn meeting_at(&self, id: MeetingId, as_of: Option<Position>) -> Option<Arc<MeetingState>> {
        self.at(self.meetings.get(&id), as_of)
    }

    pub fn contribution_at(
        &self,
        id: ContributionId,
        as_of: Option<Position>,
    ) -> Option<Arc<ContributionState>> {
        self.at(self.contributions.get(&id), as_of)
    }

    pub fn thread_at(&self, id: ThreadId, as_of: Option<Position>) -> Option<Arc<ThreadState>> {
        self.at(self.threads.get(&id), as_of)
    }

    pub fn call_at(&self, id: CallId, as_of: Option<Position>) -> Option<Arc<CallState>> {
        self.at(self.calls.get(&id), as_of)
    }

    pub fn deliverable_at(
        &self,
        id: DeliverableId,
        as_of: Option<Position>,
    ) -> Option<Arc<DeliverableState>> {
        self.at(self.deliverables.get(&id), as_of)
    }

    pub fn call_of(&self, decision: DecisionId) -> Option<CallId> {
        self.call_of_decision.get(&decision).copied()
    }

    pub fn activity(&self, group: &str, person: &str) -> Option<&Activity> {
        self.activity.get(group)?.get(person)
    }

    /// Whether a transmittal to `parent` disclosed the entity.
    pub fn is_disclosed_to(&self, parent: &str, entity: Disclosed) -> bool {
        self.disclosed
            .get(parent)
            .is_some_and(|set| set.contains(&entity))
    }

    /// The ids of entities a stream holds, by the stream's kind.
    pub fn entity_of_stream(&self, stream: &str) -> Option<(EntityKind, Uuid)> {
        let first = self.decoded(stream).next()?;
        let entity = match &first.event {
            Event::Contribution(ContributionEvent::ContributionSubmitted(e)) => {
                (EntityKind::Contribution, e.contribution_id)
            }
            Event::Comment(CommentEvent::CommentPosted(e)) => (EntityKind::Thread, e.thread_id),
            Event::Consensus(ConsensusEvent::ConsensusCallOpened(e)) => {
                (EntityKind::Call, e.call_id)
            }
            Event::Deliverable(DeliverableEvent::DeliverableDefined(e)) => {
                (EntityKind::Deliverable, e.deliverable_id)
            }
            Event::Meeting(MeetingEvent::MeetingAnnounced(e)) => {
                (EntityKind::Meeting, e.meeting_id)
            }
            Event::Meeting(MeetingEvent::NoticeWaived(e)) => (EntityKind::Meeting, e.meeting_id),
            _ => return None,
        };
        Some(entity)
    }
}

impl ReadModels {
    /// The group a stream belongs to, named by the event that opened it.
    pub fn group_of_stream(&self, stream: &str) -> Option<GroupId> {
        let first = self.decoded(stream).next()?;
        let group = match &first.event {
            Event::Group(GroupEvent::GroupEstablished(e)) => &e.group_id,
            Event::Meeting(MeetingEvent::NoticeWaived(e)) => &e.group_id,
            Event::Meeting(MeetingEvent::MeetingAnnounced(e)) => &e.group_id,
            Event::Register(domain::events::RegisterEvent::DocumentNumberAssigned(e)) => {
                &e.group_id
            }
            Event::Contribution(ContributionEvent::ContributionSubmitted(e)) => &e.group_id,
            Event::Comment(CommentEvent::CommentPosted(e)) => &e.group_id,
            Event::Consensus(ConsensusEvent::ConsensusCallOpened(e)) => &e.group_id,
            Event::Deliverable(DeliverableEvent::DeliverableDefined(e)) => &e.group_id,
            _ => return None,
        };
        Some(group.clone())
    }
}

/// Kinds of entity with a uuid, as a stream can hold them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    Meeting,
    Contribution,
    Thread,
    Call,
    Deliverable,
}

#[cfg(test)]
mod tests {
    use domain::events::*;
    use domain::streams;
    use uuid::Uuid;

    use super::*;
    use crate::entities::ContributionStatus;
    use crate::test_support::*;

    const MEETING: Uuid = Uuid::from_u128(1);
    const CONTRIBUTION: Uuid = Uuid::from_u128(2);
    const THREAD: Uuid = Uuid::from_u128(3);
    const CALL: Uuid = Uuid::from_u128(4);
    const DECISION: Uuid = Uuid::from_u128(5);
    const DELIVERABLE: Uuid = Uuid::from_u128(6);
    const TRANSMITTAL: Uuid = Uuid::from_u128(7);

    fn on_contribution() -> Subject {
        Subject::Contribution { id: CONTRIBUTION }
    }

    /// TSAG, FG DFC under it with two delegates, a meeting and one contribution by alice.
    fn fg_dfc() -> Recorder {
        let mut log = Recorder::default();
        log.record(
            &streams::group("tsag"),
            established("tsag", None, Visibility::Public),
        );
        log.record(
            &streams::group("fg-dfc"),
            established("fg-dfc", Some("tsag"), Visibility::MembersOnly),
        );
        log.record(&streams::group("fg-dfc"), registered("fg-dfc", "alice"));
        log.record(&streams::group("fg-dfc"), registered("fg-dfc", "bob"));
        log.record(&streams::meeting(MEETING), announced(MEETING, "fg-dfc"));
        log.record(
            &streams::contribution(CONTRIBUTION),
            submitted(CONTRIBUTION, "fg-dfc", MEETING, "alice", false),
        );
        log
    }

    #[test]
    fn the_group_tree_holds_terms_of_reference_officers_and_participants() {
        let mut log = fg_dfc();
        log.record(
            &streams::group("fg-dfc"),
            Event::Group(GroupEvent::OfficerAppointed(OfficerAppointed {
                group_id: "fg-dfc".into(),
                person: "alice".into(),
                role: OfficerRole::Chair,
            })),
        );
        let group = &log.models.groups["fg-dfc"];
        assert_eq!(group.parent_id.as_deref(), Some("tsag"));
        assert_eq!(
            group.terms_of_reference.as_ref().unwrap().lifetime_months,
            24
        );
        assert_eq!(group.officers.len(), 1);
        assert_eq!(group.officers[0].role, OfficerRole::Chair);
        let people: Vec<_> = group
            .participants
            .iter()
            .map(|p| p.person.as_str())
            .collect();
        assert_eq!(people, ["alice", "bob"]);
    }

    #[test]
    fn participant_activity_counts_contributions_comments_and_positions() {
        let mut log = fg_dfc();
        log.record(
            &streams::thread(THREAD),
            posted(
                THREAD,
                Uuid::from_u128(10),
                "fg-dfc",
                on_contribution(),
                "alice",
                "First",
            ),
        );
        log.record(
            &streams::thread(THREAD),
            posted(
                THREAD,
                Uuid::from_u128(11),
                "fg-dfc",
                on_contribution(),
                "bob",
                "Reply",
            ),
        );
        log.record(
            &streams::consensus(CALL),
            opened(CALL, "fg-dfc", on_contribution()),
        );
        log.record(
            &streams::consensus(CALL),
            stated(CALL, "alice", Stance::Support),
        );
        let alice = log.models.activity("fg-dfc", "alice").unwrap();
        assert_eq!(
            (
                alice.contributions.len(),
                alice.comments.len(),
                alice.positions.len()
            ),
            (1, 1, 1)
        );
        let bob = log.models.activity("fg-dfc", "bob").unwrap();
        assert_eq!(
            (
                bob.contributions.len(),
                bob.comments.len(),
                bob.positions.len()
            ),
            (0, 1, 0)
        );
    }

    #[test]
    fn a_late_contribution_waits_for_the_chair_and_revisions_keep_every_version() {
        let mut log = fg_dfc();
        let late = Uuid::from_u128(20);
        log.record(
            &streams::contribution(late),
            submitted(late, "fg-dfc", MEETING, "bob", true),
        );
        assert_eq!(
            log.models.contributions[&late].status,
            ContributionStatus::AwaitingChair
        );
        log.record(
            &streams::contribution(late),
            Event::Contribution(ContributionEvent::LateContributionAccepted(
                LateContributionAccepted {
                    contribution_id: late,
                    reason: Some("urgent".into()),
                },
            )),
        );
        log.record(
            &streams::contribution(late),
            Event::Contribution(ContributionEvent::ContributionRevised(
                ContributionRevised {
                    contribution_id: late,
                    revision: 1,
                    title: "Terminology proposal, revised".into(),
                    document: document("revised"),
                    note: Some("typos".into()),
                    revised_at: "2017-10-02T10:00:00Z".parse().unwrap(),
                    late: false,
                },
            )),
        );
        let state = &log.models.contributions[&late];
        assert_eq!(state.status, ContributionStatus::Accepted);
        assert!(state.late);
        assert_eq!(state.revisions.len(), 2);
        assert_eq!(state.display_number(), "DFC-I-001R1");
        assert_eq!(state.current().title, "Terminology proposal, revised");
        assert_eq!(
            log.models.contributions_by_meeting[&MEETING],
            [CONTRIBUTION, late]
        );
    }

    #[test]
    fn an_edited_comment_keeps_its_history_and_a_retracted_one_stays_as_a_tombstone() {
        let mut log = fg_dfc();
        let (first, second) = (Uuid::from_u128(10), Uuid::from_u128(11));
        log.record(
            &streams::thread(THREAD),
            posted(THREAD, first, "fg-dfc", on_contribution(), "alice", "Frist"),
        );
        log.record(
            &streams::thread(THREAD),
            posted(THREAD, second, "fg-dfc", on_contribution(), "bob", "Oops"),
        );
        log.record(
            &streams::thread(THREAD),
            Event::Comment(CommentEvent::CommentEdited(CommentEdited {
                thread_id: THREAD,
                comment_id: first,
                text: "First".into(),
                edited_at: "2017-09-22T10:00:00Z".parse().unwrap(),
            })),
        );
        log.record(
            &streams::thread(THREAD),
            Event::Comment(CommentEvent::CommentRetracted(CommentRetracted {
                thread_id: THREAD,
                comment_id: second,
                retracted_at: "2017-09-22T11:00:00Z".parse().unwrap(),
            })),
        );
        let thread = &log.models.threads[&THREAD];
        let texts: Vec<_> = thread.comments[0]
            .versions
            .iter()
            .map(|v| v.text.as_str())
            .collect();
        assert_eq!(texts, ["Frist", "First"]);
        assert_eq!(thread.comments.len(), 2);
        assert!(thread.comments[1].retracted_at.is_some());
        assert_eq!(log.models.threads_by_entity[&CONTRIBUTION], [THREAD]);
    }

    #[test]
    fn a_later_position_replaces_the_earlier_one_which_stays_in_the_history() {
        let mut log = fg_dfc();
        log.record(
            &streams::consensus(CALL),
            opened(CALL, "fg-dfc", on_contribution()),
        );
        log.record(
            &streams::consensus(CALL),
            stated(CALL, "bob", Stance::Object),
        );
        log.record(
            &streams::consensus(CALL),
            stated(CALL, "alice", Stance::Support),
        );
        log.record(
            &streams::consensus(CALL),
            stated(CALL, "bob", Stance::StandAside),
        );
        let call = &log.models.calls[&CALL];
        assert_eq!(call.positions.len(), 3);
        let current: Vec<_> = call
            .current_positions()
            .iter()
            .map(|p| (p.participant.as_str(), p.stance))
            .collect();
        assert_eq!(
            current,
            [("bob", Stance::StandAside), ("alice", Stance::Support)]
        );
    }

    #[test]
    fn a_correction_links_both_decisions() {
        let mut log = fg_dfc();
        let correction = Uuid::from_u128(30);
        log.record(
            &streams::consensus(CALL),
            opened(CALL, "fg-dfc", on_contribution()),
        );
        log.record(
            &streams::consensus(CALL),
            decided(CALL, DECISION, "fg-dfc", on_contribution(), Outcome::Agreed),
        );
        log.record(
            &streams::consensus(CALL),
            Event::Consensus(ConsensusEvent::DecisionCorrected(DecisionCorrected {
                call_id: CALL,
                decision_id: correction,
                corrects: DECISION,
                group_id: "fg-dfc".into(),
                subject: on_contribution(),
                outcome: Outcome::AgreedWithModifications,
                summary: "Agreed with the editorial changes".into(),
                objections: vec![],
                reason: "the minutes missed the changes".into(),
                decided_at: "2017-10-14T09:00:00Z".parse().unwrap(),
            })),
        );
        let call = &log.models.calls[&CALL];
        assert_eq!(
            call.decision(DECISION).unwrap().corrected_by,
            Some(correction)
        );
        assert_eq!(
            call.decision(correction)
                .unwrap()
                .corrects
                .as_ref()
                .unwrap()
                .0,
            DECISION
        );
        assert_eq!(log.models.call_of(correction), Some(CALL));
    }

    #[test]
    fn a_transmittal_fills_the_parent_inbox_and_discloses_what_it_rests_on() {
        let mut log = fg_dfc();
        let subject = Subject::Deliverable {
            id: DELIVERABLE,
            version: Some(1),
        };
        log.record(
            &streams::deliverable(DELIVERABLE),
            defined(DELIVERABLE, "fg-dfc"),
        );
        log.record(
            &streams::deliverable(DELIVERABLE),
            drafted(DELIVERABLE, 1, vec![CONTRIBUTION]),
        );
        log.record(
            &streams::consensus(CALL),
            opened(CALL, "fg-dfc", subject.clone()),
        );
        log.record(
            &streams::consensus(CALL),
            decided(CALL, DECISION, "fg-dfc", subject, Outcome::Agreed),
        );
        log.record(
            &streams::deliverable(DELIVERABLE),
            approved(DELIVERABLE, 1, CALL, DECISION),
        );
        assert!(log.models.inbox.is_empty());
        let at = log.record(
            &streams::deliverable(DELIVERABLE),
            transmitted(DELIVERABLE, TRANSMITTAL, 1, "tsag"),
        );
        assert_eq!(
            log.models.inbox["tsag"],
            [InboxEntry {
                position: at,
                deliverable_id: DELIVERABLE,
                transmittal_id: TRANSMITTAL
            }]
        );
        for entity in [
            Disclosed::Deliverable(DELIVERABLE),
            Disclosed::Call(CALL),
            Disclosed::Contribution(CONTRIBUTION),
        ] {
            assert!(log.models.is_disclosed_to("tsag", entity), "{entity:?}");
        }
        assert!(
            !log.models
                .is_disclosed_to("fg-dfc", Disclosed::Deliverable(DELIVERABLE))
        );
    }

    #[test]
    fn a_withdrawn_approval_is_kept_marked_and_is_no_longer_in_force() {
        let mut log = fg_dfc();
        let stream = streams::deliverable(DELIVERABLE);
        log.record(&stream, defined(DELIVERABLE, "fg-dfc"));
        log.record(&stream, drafted(DELIVERABLE, 1, vec![CONTRIBUTION]));
        log.record(&stream, approved(DELIVERABLE, 1, CALL, DECISION));
        let approved_at = log.models.head;
        let correction = Uuid::from_u128(0xc022);
        log.record(
            &stream,
            Event::Deliverable(DeliverableEvent::DeliverableApprovalWithdrawn(
                DeliverableApprovalWithdrawn {
                    deliverable_id: DELIVERABLE,
                    version: 1,
                    decision_id: DECISION,
                    corrected_by: correction,
                    outcome: Outcome::FurtherStudy,
                },
            )),
        );
        let now = log.models.deliverable_at(DELIVERABLE, None).unwrap();
        assert_eq!(now.approvals.len(), 1, "the approval stays in the history");
        assert_eq!(
            now.approvals[0].withdrawn.as_ref().map(|w| w.corrected_by),
            Some(correction)
        );
        assert_eq!(now.approval_in_force(), None);
        let then = log.models.deliverable_at(DELIVERABLE, approved_at).unwrap();
        assert_eq!(
            then.approval_in_force().map(|a| a.decision_id),
            Some(DECISION)
        );
    }

    #[test]
    fn an_entity_as_of_an_earlier_position_is_folded_from_its_stream() {
        let mut log = fg_dfc();
        let before = log.models.head.unwrap();
        log.record(
            &streams::contribution(CONTRIBUTION),
            Event::Contribution(ContributionEvent::ContributionWithdrawn(
                ContributionWithdrawn {
                    contribution_id: CONTRIBUTION,
                    reason: None,
                },
            )),
        );
        let then = log
            .models
            .contribution_at(CONTRIBUTION, Some(before))
            .unwrap();
        assert_eq!(then.status, ContributionStatus::Accepted);
        let now = log.models.contribution_at(CONTRIBUTION, None).unwrap();
        assert_eq!(now.status, ContributionStatus::Withdrawn);
        let first = log.models.contributions[&CONTRIBUTION].span.created;
        let earlier = Position::at(first.commit - 1);
        assert!(
            log.models
                .contribution_at(CONTRIBUTION, Some(earlier))
                .is_none()
        );
    }

    #[test]
    fn a_time_turns_into_the_last_position_recorded_by_then() {
        let log = fg_dfc();
        let third = log.models.stream(&streams::group("fg-dfc"))[1].clone();
        assert_eq!(
            log.models.position_at(third.recorded_at),
            Some(third.position)
        );
        let long_before: DateTime<Utc> = "2000-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(log.models.position_at(long_before), None);
    }

    #[test]
    fn an_event_at_or_before_the_head_is_not_projected_twice() {
        let mut log = fg_dfc();
        let recorded = log.models.stream(&streams::contribution(CONTRIBUTION))[0].clone();
        let replayed = Projected::decode(recorded).unwrap().unwrap();
        log.models.apply(&replayed);
        assert_eq!(log.models.contribution_order, [CONTRIBUTION]);
        assert_eq!(
            log.models
                .activity("fg-dfc", "alice")
                .unwrap()
                .contributions
                .len(),
            1
        );
    }

    #[test]
    fn counting_until_a_position_ignores_later_events() {
        let positions = [Position::at(2), Position::at(5), Position::at(9)];
        assert_eq!(count_until(&positions, None), 3);
        assert_eq!(count_until(&positions, Some(Position::at(5))), 2);
        assert_eq!(count_until(&positions, Some(Position::at(1))), 0);
    }
}
