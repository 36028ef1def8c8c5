//! Who may read what on the read side. Public data (the group list, leadership, meeting dates
//! and agendas, everything of a Public group) is open to anyone; the data of a MembersOnly group
//! is for its participants; a parent group reads what its child groups transmitted to it,
//! with the audit trail; the secretariat reads everything.

use std::collections::BTreeSet;
use std::sync::{PoisonError, RwLock};

use domain::events::{DocumentRef, GroupId, PersonId, Visibility};
use foldhash::HashMap;

use crate::entities::{CallState, ContributionState, DeliverableState};
use crate::projection::{Disclosed, DocumentHolder, EntityKind, ReadModels};

/// The reader of a request or a subscription.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Viewer {
    /// `None` for an anonymous reader.
    pub person: Option<PersonId>,
    pub display_name: Option<String>,
    pub secretariat: bool,
    /// Groups in which the reader's token gives them a role.
    pub groups: BTreeSet<GroupId>,
}

impl Viewer {
    pub fn anonymous() -> Self {
        Self::default()
    }

    /// Takes part in the group: by a role in their token or by registration in the log.
    pub fn is_member(&self, models: &ReadModels, group: &str) -> bool {
        if self.secretariat || self.groups.contains(group) {
            return true;
        }
        let Some(person) = &self.person else {
            return false;
        };
        models
            .groups
            .get(group)
            .is_some_and(|g| g.is_participant(person))
    }

    /// May read the group's documents, discussions and decisions.
    pub fn can_read_group(&self, models: &ReadModels, group: &str) -> bool {
        // The secretariat reads every group: no lookup needed (this runs for every entity).
        if self.secretariat {
            return true;
        }
        let public = models
            .groups
            .get(group)
            .is_some_and(|g| g.visibility == Visibility::Public);
        public || self.is_member(models, group)
    }

    /// May read the group's participation list: its readers and its parent group, to which
    /// the list is reported.
    pub fn can_read_participants(&self, models: &ReadModels, group: &str) -> bool {
        self.can_read_group(models, group)
            || models
                .groups
                .get(group)
                .and_then(|g| g.parent_id.as_deref())
                .is_some_and(|parent| self.is_member(models, parent))
    }

    /// Whether a transmittal to a group the reader belongs to disclosed the entity.
    fn was_disclosed(&self, models: &ReadModels, entity: Disclosed) -> bool {
        models
            .disclosed
            .iter()
            .any(|(parent, set)| set.contains(&entity) && self.is_member(models, parent))
    }

    pub fn can_read_contribution(&self, models: &ReadModels, c: &ContributionState) -> bool {
        self.can_read_group(models, &c.group_id)
            || self.was_disclosed(models, Disclosed::Contribution(c.id))
    }

    pub fn can_read_call(&self, models: &ReadModels, call: &CallState) -> bool {
        self.can_read_group(models, &call.group_id)
            || self.was_disclosed(models, Disclosed::Call(call.id))
    }

    pub fn can_read_deliverable(&self, models: &ReadModels, d: &DeliverableState) -> bool {
        self.can_read_group(models, &d.group_id)
            || self.was_disclosed(models, Disclosed::Deliverable(d.id))
    }

    /// May read the entity holding a document (a progress report: as the participation list,
    /// since it is reported to the parent group the same way).
    pub fn can_read_holder(&self, models: &ReadModels, holder: &DocumentHolder) -> bool {
        match holder {
            DocumentHolder::Contribution(id) => models
                .contributions
                .get(id)
                .is_some_and(|c| self.can_read_contribution(models, c)),
            DocumentHolder::Deliverable(id) => models
                .deliverables
                .get(id)
                .is_some_and(|d| self.can_read_deliverable(models, d)),
            DocumentHolder::ProgressReport(group) => self.can_read_participants(models, group),
        }
    }

    /// The stored document `sha256` as the first entity the reader may read names it; `None`
    /// when no such entity refers to it (unknown and unreadable look the same).
    pub fn readable_document(&self, models: &ReadModels, sha256: &str) -> Option<DocumentRef> {
        models
            .documents
            .get(sha256)?
            .iter()
            .find(|u| self.can_read_holder(models, &u.holder))
            .map(|u| u.document.clone())
    }

    /// May read a stream's audit trail: as they may read the entity it holds.
    pub fn can_read_stream(&self, models: &ReadModels, stream: &str) -> bool {
        if self.secretariat {
            return true;
        }
        match models.entity_of_stream(stream) {
            Some((EntityKind::Contribution, id)) => models
                .contributions
                .get(&id)
                .is_some_and(|c| self.can_read_contribution(models, c)),
            Some((EntityKind::Call, id)) => models
                .calls
                .get(&id)
                .is_some_and(|c| self.can_read_call(models, c)),
            Some((EntityKind::Deliverable, id)) => models
                .deliverables
                .get(&id)
                .is_some_and(|d| self.can_read_deliverable(models, d)),
            _ => models
                .group_of_stream(stream)
                .is_some_and(|group| self.can_read_group(models, &group)),
        }
    }
}

/// Tokens kept by [`VerifiedTokens`]; past it the cache starts afresh, so that it stays small.
const VERIFIED_TOKENS: usize = 1_024;

/// The readers of bearer tokens this process has verified, by token.
///
/// Checking a token's signature (and decoding its claims) costs more than many a query, and a
/// client sends the same token with every request. A token whose signature, issuer and
/// audience were accepted stays so as long as the keys it was checked with are the ones in use;
/// what changes is time. So a token is verified in full the first time, and later only its
/// `nbf` and `exp` are checked again, with the leeway the verification allows. When the
/// authenticator's keys change (a JWKS fetched again), every token is verified afresh.
#[derive(Debug)]
pub struct VerifiedTokens {
    by_token: RwLock<Verified>,
    leeway_seconds: u64,
}

/// The tokens verified under one version of the authenticator's keys.
#[derive(Debug, Default)]
struct Verified {
    keys_version: u64,
    /// Hashed with foldhash (randomly seeded): every request hashes its token here.
    tokens: HashMap<String, VerifiedToken>,
}

#[derive(Debug, Clone)]
struct VerifiedToken {
    viewer: Viewer,
    not_before: u64,
    expires: u64,
}

impl VerifiedTokens {
    pub fn new(leeway_seconds: u64) -> Self {
        Self {
            by_token: RwLock::default(),
            leeway_seconds,
        }
    }

    /// The reader of `token` if it was verified under the keys at `keys_version` and is valid
    /// at `now` (Unix seconds).
    pub fn reader(&self, token: &str, now: u64, keys_version: u64) -> Option<Viewer> {
        let by_token = self.by_token.read().unwrap_or_else(PoisonError::into_inner);
        if by_token.keys_version != keys_version {
            return None;
        }
        let verified = by_token.tokens.get(token)?;
        // As jsonwebtoken: expired when `exp < now - leeway`, early when `nbf > now + leeway`.
        let in_time = verified.expires.saturating_add(self.leeway_seconds) >= now
            && verified.not_before <= now.saturating_add(self.leeway_seconds);
        in_time.then(|| verified.viewer.clone())
    }

    /// Keeps the reader of `token`, which has just been verified in full under the keys at
    /// `keys_version` (read before verifying, so that a change of keys meanwhile only costs a
    /// verification more). Tokens verified under other keys are forgotten.
    pub fn remember(
        &self,
        token: &str,
        viewer: &Viewer,
        not_before: u64,
        expires: u64,
        keys_version: u64,
    ) {
        let mut by_token = self
            .by_token
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if by_token.keys_version != keys_version || by_token.tokens.len() >= VERIFIED_TOKENS {
            by_token.tokens.clear();
            by_token.keys_version = keys_version;
        }
        by_token.tokens.insert(
            token.to_owned(),
            VerifiedToken {
                viewer: viewer.clone(),
                not_before,
                expires,
            },
        );
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.by_token
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .tokens
            .len()
    }
}

#[cfg(test)]
mod tests {
    use domain::events::{Outcome, Subject, Visibility};
    use domain::streams;
    use uuid::Uuid;

    use super::*;
    use crate::test_support::*;

    const MEETING: Uuid = Uuid::from_u128(1);
    const CONTRIBUTION: Uuid = Uuid::from_u128(2);
    const CALL: Uuid = Uuid::from_u128(4);
    const DECISION: Uuid = Uuid::from_u128(5);
    const DELIVERABLE: Uuid = Uuid::from_u128(6);

    fn person(id: &str, groups: &[&str]) -> Viewer {
        Viewer {
            person: Some(id.into()),
            display_name: None,
            secretariat: false,
            groups: groups.iter().map(|g| g.to_string()).collect(),
        }
    }

    /// TSAG (public) over FG DFC (members only, alice registered) and DCGI (public).
    fn groups() -> Recorder {
        let mut log = Recorder::default();
        log.record(
            &streams::group("tsag"),
            established("tsag", None, Visibility::Public),
        );
        log.record(
            &streams::group("fg-dfc"),
            established("fg-dfc", Some("tsag"), Visibility::MembersOnly),
        );
        log.record(
            &streams::group("dcgi"),
            established("dcgi", Some("tsag"), Visibility::Public),
        );
        log.record(&streams::group("fg-dfc"), registered("fg-dfc", "alice"));
        log.record(&streams::meeting(MEETING), announced(MEETING, "fg-dfc"));
        log.record(
            &streams::contribution(CONTRIBUTION),
            submitted(CONTRIBUTION, "fg-dfc", MEETING, "alice", false),
        );
        log
    }

    #[test]
    fn a_members_only_group_is_read_by_its_participants_and_the_secretariat_only() {
        let log = groups();
        let m = &log.models;
        assert!(
            person("alice", &[]).can_read_group(m, "fg-dfc"),
            "registered in the log"
        );
        assert!(
            person("carol", &["fg-dfc"]).can_read_group(m, "fg-dfc"),
            "a role in the token"
        );
        assert!(
            !person("dave", &["dcgi"]).can_read_group(m, "fg-dfc"),
            "member of another group"
        );
        assert!(!Viewer::anonymous().can_read_group(m, "fg-dfc"));
        let secretariat = Viewer {
            secretariat: true,
            ..Viewer::anonymous()
        };
        assert!(secretariat.can_read_group(m, "fg-dfc"));
        assert!(
            Viewer::anonymous().can_read_group(m, "dcgi"),
            "a public group"
        );
    }

    #[test]
    fn the_parent_group_reads_the_participation_list_but_not_the_documents() {
        let log = groups();
        let m = &log.models;
        let tsag = person("tom", &["tsag"]);
        assert!(tsag.can_read_participants(m, "fg-dfc"));
        assert!(!tsag.can_read_contribution(m, &m.contributions[&CONTRIBUTION]));
        assert!(!person("dave", &["dcgi"]).can_read_participants(m, "fg-dfc"));
    }

    #[test]
    fn a_document_is_for_the_readers_of_an_entity_that_refers_to_it() {
        use domain::events::{Event, GroupEvent, ProgressReportSent};
        let mut log = groups();
        let report = document("report");
        log.record(
            &streams::group("fg-dfc"),
            Event::Group(GroupEvent::ProgressReportSent(ProgressReportSent {
                group_id: "fg-dfc".into(),
                report_id: Uuid::from_u128(8),
                parent_group_id: "tsag".into(),
                period_from: day("2017-05-04"),
                period_to: day("2017-11-04"),
                summary: "Terminology drafted".into(),
                document: Some(report.clone()),
            })),
        );
        // The same bytes, submitted again to a public group under another name.
        let proposal = document("proposal");
        let mut public = submitted(Uuid::from_u128(9), "dcgi", MEETING, "dave", false);
        if let Event::Contribution(domain::events::ContributionEvent::ContributionSubmitted(e)) =
            &mut public
        {
            e.document.file_name = "public.pdf".into();
        }
        let m = &log.models;
        let tsag = person("tom", &["tsag"]);
        assert_eq!(
            tsag.readable_document(m, &report.sha256),
            Some(report.clone())
        );
        assert_eq!(
            person("dave", &["dcgi"]).readable_document(m, &report.sha256),
            None
        );
        assert_eq!(
            Viewer::anonymous().readable_document(m, &proposal.sha256),
            None
        );
        log.record(&streams::contribution(Uuid::from_u128(9)), public);
        let m = &log.models;
        let anyone = Viewer::anonymous().readable_document(m, &proposal.sha256);
        assert_eq!(anyone.map(|d| d.file_name), Some("public.pdf".into()));
        let alice = person("alice", &[]).readable_document(m, &proposal.sha256);
        assert_eq!(alice.map(|d| d.file_name), Some("proposal.pdf".into()));
    }

    #[test]
    fn a_transmittal_lets_the_parent_group_read_what_it_rests_on_and_its_audit_trail() {
        let mut log = groups();
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
        let tsag = person("tom", &["tsag"]);
        assert!(!tsag.can_read_deliverable(&log.models, &log.models.deliverables[&DELIVERABLE]));
        log.record(
            &streams::deliverable(DELIVERABLE),
            transmitted(DELIVERABLE, Uuid::from_u128(7), 1, "tsag"),
        );
        let m = &log.models;
        assert!(tsag.can_read_deliverable(m, &m.deliverables[&DELIVERABLE]));
        assert!(tsag.can_read_call(m, &m.calls[&CALL]));
        assert!(tsag.can_read_contribution(m, &m.contributions[&CONTRIBUTION]));
        assert!(tsag.can_read_stream(m, &streams::deliverable(DELIVERABLE)));
        assert!(tsag.can_read_stream(m, &streams::consensus(CALL)));
        assert!(
            !tsag.can_read_stream(m, &streams::meeting(MEETING)),
            "the meeting's stream was not sent"
        );
        let outsider = person("dave", &["dcgi"]);
        assert!(!outsider.can_read_deliverable(m, &m.deliverables[&DELIVERABLE]));
        assert!(!outsider.can_read_stream(m, &streams::deliverable(DELIVERABLE)));
    }

    fn reader(name: &str) -> Viewer {
        person(name, &["fg-dfc"])
    }

    #[test]
    fn a_verified_token_gives_its_reader_while_it_is_in_time() {
        let tokens = VerifiedTokens::new(30);
        assert_eq!(tokens.reader("token-a", 1_000, 0), None, "never verified");
        tokens.remember("token-a", &reader("alice"), 900, 2_000, 0);
        assert_eq!(tokens.reader("token-a", 1_000, 0), Some(reader("alice")));
        assert_eq!(tokens.reader("token-b", 1_000, 0), None, "another token");
    }

    #[test]
    fn a_verified_token_is_refused_once_expired_beyond_the_leeway() {
        let tokens = VerifiedTokens::new(30);
        tokens.remember("token", &reader("alice"), 900, 2_000, 0);
        assert!(
            tokens.reader("token", 2_030, 0).is_some(),
            "within the leeway"
        );
        assert_eq!(tokens.reader("token", 2_031, 0), None);
    }

    #[test]
    fn a_verified_token_is_refused_before_its_not_before_beyond_the_leeway() {
        let tokens = VerifiedTokens::new(30);
        tokens.remember("token", &reader("alice"), 1_000, 2_000, 0);
        assert_eq!(tokens.reader("token", 969, 0), None);
        assert!(
            tokens.reader("token", 970, 0).is_some(),
            "within the leeway"
        );
    }

    #[test]
    fn the_verified_tokens_stay_bounded() {
        let tokens = VerifiedTokens::new(0);
        for n in 0..=VERIFIED_TOKENS {
            tokens.remember(&format!("token-{n}"), &reader("alice"), 0, u64::MAX, 0);
        }
        assert!(tokens.len() <= VERIFIED_TOKENS, "{} kept", tokens.len());
        let last = format!("token-{VERIFIED_TOKENS}");
        assert!(tokens.reader(&last, 1, 0).is_some(), "the newest is kept");
    }

    #[test]
    fn a_token_verified_under_earlier_keys_is_verified_again() {
        let tokens = VerifiedTokens::new(30);
        tokens.remember("token-a", &reader("alice"), 900, 2_000, 1);
        assert!(tokens.reader("token-a", 1_000, 1).is_some());
        assert_eq!(tokens.reader("token-a", 1_000, 2), None, "the keys changed");
        tokens.remember("token-b", &reader("bob"), 900, 2_000, 2);
        assert_eq!(
            tokens.len(),
            1,
            "what was verified under the old keys is forgotten"
        );
        assert_eq!(tokens.reader("token-b", 1_000, 2), Some(reader("bob")));
    }
}
