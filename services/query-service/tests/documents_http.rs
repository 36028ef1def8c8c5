//! Downloads over real HTTP (`GET /documents/{sha256}`): real blobs and real events on a
//! temporary log, the query service on a free port, and who may download what.

mod common;

use domain::events::*;
use domain::policy::Role;
use domain::streams;
use platform::testing::expect_problem;
use query_service::GraphqlSettings;

use common::{Served, day, deliverable_defined, registered};
use reqwest::Response;
use uuid::Uuid;

const MEETING: Uuid = Uuid::from_u128(1);
const PUBLIC_CONTRIBUTION: Uuid = Uuid::from_u128(2);
const PRIVATE_CONTRIBUTION: Uuid = Uuid::from_u128(3);
const DELIVERABLE: Uuid = Uuid::from_u128(4);

/// The query service alone over a temporary log and data dir, with the story's documents
/// stored and the events naming them appended. Dropping it stops the server.
struct Story {
    served: Served,
    /// Of bob's contribution to DCGI (public).
    public: DocumentRef,
    /// Of alice's contribution to FG DFC (members only).
    contribution: DocumentRef,
    /// Of FG DFC's deliverable draft, built on alice's contribution.
    draft: DocumentRef,
}

impl Story {
    /// TSAG (public) over FG DFC (members only; alice) and DCGI (public; bob); a contribution
    /// in each; a draft of FG DFC built on alice's contribution, not yet transmitted.
    async fn start() -> Self {
        let served = Served::start(&GraphqlSettings::default()).await;
        let blobs = served.platform.blobs();
        let story = Self {
            public: blobs
                .put(b"public", "text/plain", "public.txt")
                .await
                .unwrap(),
            contribution: blobs
                .put(b"members only", "application/pdf", "DFC-I-001.pdf")
                .await
                .unwrap(),
            draft: blobs
                .put(b"draft one", "text/plain", "DFC-O-001.txt")
                .await
                .unwrap(),
            served,
        };
        story.tell().await;
        story
    }

    async fn tell(&self) {
        for (group, parent, visibility) in [
            ("tsag", None, Visibility::Public),
            ("fg-dfc", Some("tsag"), Visibility::MembersOnly),
            ("dcgi", Some("tsag"), Visibility::Public),
        ] {
            self.served
                .append(
                    &streams::group(group),
                    established(group, parent, visibility),
                )
                .await;
        }
        self.served
            .append(&streams::group("fg-dfc"), registered("fg-dfc", "alice"))
            .await;
        self.served
            .append(&streams::group("dcgi"), registered("dcgi", "bob"))
            .await;
        self.served
            .append(
                &streams::contribution(PUBLIC_CONTRIBUTION),
                submitted(PUBLIC_CONTRIBUTION, "dcgi", "bob", &self.public),
            )
            .await;
        self.served
            .append(
                &streams::contribution(PRIVATE_CONTRIBUTION),
                submitted(PRIVATE_CONTRIBUTION, "fg-dfc", "alice", &self.contribution),
            )
            .await;
        let deliverable = streams::deliverable(DELIVERABLE);
        self.served
            .append(&deliverable, deliverable_defined(DELIVERABLE, "fg-dfc"))
            .await;
        self.served
            .append(
                &deliverable,
                Event::Deliverable(DeliverableEvent::DraftPublished(DraftPublished {
                    deliverable_id: DELIVERABLE,
                    version: 1,
                    number: "DFC-O-001".into(),
                    document: self.draft.clone(),
                    builds_on: vec![PRIVATE_CONTRIBUTION],
                    note: None,
                    published_at: "2017-10-14T10:00:00Z".parse().unwrap(),
                })),
            )
            .await;
    }

    /// FG DFC transmits its draft to TSAG.
    async fn transmit(&self) {
        self.served
            .append(
                &streams::deliverable(DELIVERABLE),
                Event::Deliverable(DeliverableEvent::DeliverableTransmitted(
                    DeliverableTransmitted {
                        deliverable_id: DELIVERABLE,
                        transmittal_id: Uuid::from_u128(5),
                        version: 1,
                        parent_group_id: "tsag".into(),
                        parent_meeting_id: Uuid::from_u128(6),
                        parent_meeting_starts_on: day("2018-01-22"),
                        transmitted_at: "2017-11-01T10:00:00Z".parse().unwrap(),
                    },
                )),
            )
            .await;
    }

    fn token(&self, person: &str, group: &str) -> String {
        self.served.token(person, &[(group, Role::Delegate)], false)
    }

    async fn download(&self, token: Option<&str>, sha256: &str) -> Response {
        let mut request = self
            .served
            .client
            .get(format!("http://{}/documents/{sha256}", self.served.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }
}

fn established(group: &str, parent: Option<&str>, visibility: Visibility) -> Event {
    Event::Group(GroupEvent::GroupEstablished(GroupEstablished {
        group_id: group.into(),
        name: format!("Group {group}"),
        acronym: group.to_uppercase(),
        document_prefix: group.to_uppercase(),
        kind: if parent.is_some() {
            GroupKind::FocusGroup
        } else {
            GroupKind::ParentGroup
        },
        parent_id: parent.map(Into::into),
        visibility,
        established_on: day("2017-05-04"),
        terms_of_reference: None,
    }))
}

fn submitted(id: Uuid, group: &str, author: &str, document: &DocumentRef) -> Event {
    Event::Contribution(ContributionEvent::ContributionSubmitted(
        ContributionSubmitted {
            contribution_id: id,
            group_id: group.into(),
            meeting_id: MEETING,
            agenda_item: "1".into(),
            number: format!("{}-I-001", group.to_uppercase()),
            title: "Terminology proposal".into(),
            source_organisations: vec!["eCurrency".into()],
            authors: vec![author.into()],
            document: document.clone(),
            submitted_at: "2017-09-20T10:00:00Z".parse().unwrap(),
            late: false,
        },
    ))
}

/// Asserts a 200 carrying `document`'s bytes, media type and file name.
async fn expect_document(response: Response, document: &DocumentRef, bytes: &[u8]) {
    let status = response.status();
    if status != 200 {
        panic!(
            "{} {}: {}",
            status,
            document.file_name,
            response.text().await.unwrap()
        );
    }
    assert_eq!(
        response.headers()["content-type"],
        document.media_type.as_str()
    );
    let disposition = response.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.contains(&document.file_name),
        "content-disposition: {disposition}"
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), bytes);
}

#[tokio::test]
async fn a_public_groups_document_is_downloaded_without_a_token() {
    let story = Story::start().await;
    let response = story.download(None, &story.public.sha256).await;
    expect_document(response, &story.public, b"public").await;
}

#[tokio::test]
async fn a_members_only_document_is_for_the_groups_participants() {
    let story = Story::start().await;
    let sha256 = &story.contribution.sha256;
    let alice = story.token("alice", "fg-dfc");
    expect_document(
        story.download(Some(&alice), sha256).await,
        &story.contribution,
        b"members only",
    )
    .await;
    expect_problem(story.download(None, sha256).await, 401, "unauthenticated").await;
    let bob = story.token("bob", "dcgi");
    expect_problem(
        story.download(Some(&bob), sha256).await,
        404,
        "document_not_found",
    )
    .await;
}

#[tokio::test]
async fn the_parent_group_downloads_a_draft_once_it_was_transmitted() {
    let story = Story::start().await;
    let tom = story.token("tom", "tsag");
    let sha256 = &story.draft.sha256;
    let alice = story.token("alice", "fg-dfc");
    expect_document(
        story.download(Some(&alice), sha256).await,
        &story.draft,
        b"draft one",
    )
    .await;
    expect_problem(
        story.download(Some(&tom), sha256).await,
        404,
        "document_not_found",
    )
    .await;
    story.transmit().await;
    expect_document(
        story.download(Some(&tom), sha256).await,
        &story.draft,
        b"draft one",
    )
    .await;
    // The contribution the draft built on was disclosed with it.
    expect_document(
        story.download(Some(&tom), &story.contribution.sha256).await,
        &story.contribution,
        b"members only",
    )
    .await;
}

#[tokio::test]
async fn an_unknown_hash_is_not_found_and_anonymous_readers_cannot_tell_it_from_a_private_one() {
    let story = Story::start().await;
    let unknown = "0".repeat(64);
    let alice = story.token("alice", "fg-dfc");
    expect_problem(
        story.download(Some(&alice), &unknown).await,
        404,
        "document_not_found",
    )
    .await;
    let anonymous_unknown =
        expect_problem(story.download(None, &unknown).await, 401, "unauthenticated").await;
    let anonymous_private = expect_problem(
        story.download(None, &story.contribution.sha256).await,
        401,
        "unauthenticated",
    )
    .await;
    assert_eq!(anonymous_unknown.detail, anonymous_private.detail);
}

#[tokio::test]
async fn a_malformed_hash_is_a_bad_request_on_the_field() {
    let story = Story::start().await;
    for malformed in ["abc", &"A".repeat(64), &"g".repeat(64)] {
        let problem =
            expect_problem(story.download(None, malformed).await, 400, "invalid_sha256").await;
        assert_eq!(problem.errors[0].field, "sha256");
    }
}
