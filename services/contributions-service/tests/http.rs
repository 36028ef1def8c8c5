//! The contributions service over HTTP, with the groups and meetings services alongside to set
//! up FG DFC, its participants and a meeting.

use chrono::Days;
use domain::policy::Role;
use platform::testing::{TestApp, expect_problem, fixtures};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

struct Fixture {
    app: TestApp,
    secretariat: String,
    chair: String,
    delegate: String,
    meeting_id: String,
}

const DOCUMENT: &[u8] = b"Proposed terms and definitions for digital fiat currency.\n";

impl Fixture {
    async fn new() -> Self {
        Self::with_meeting_in(42, |_| {}).await
    }

    /// FG DFC with `david.wen` (chair), `li.wei` and `sarah.okafor` registered, and a meeting
    /// starting in `days` days (with a waiver when that is under four weeks).
    async fn with_meeting_in(days: u64, adjust: impl FnOnce(&mut platform::Settings)) -> Self {
        let services = vec![
            groups_service::service(),
            meetings_service::service(),
            contributions_service::service(),
        ];
        let app = TestApp::spawn_with(services, adjust).await;
        let secretariat = app.token("elena.rossi", &[], true);
        let chair = app.token(
            "david.wen",
            &[("fg-dfc", Role::Chair), ("fg-dfc", Role::Delegate)],
            false,
        );
        let delegate = app.token("li.wei", &[("fg-dfc", Role::Delegate)], false);
        let group = json!({
            "groupId": "fg-dfc", "name": "FG DFC", "acronym": "FG DFC", "documentPrefix": "DFC",
            "kind": "parentGroup", "visibility": "public", "establishedOn": "2017-05-04",
        });
        post(&app, &secretariat, "/api/groups", group).await;
        for person in ["david.wen", "li.wei", "sarah.okafor"] {
            let participant = json!({
                "person": person, "displayName": person, "organisation": "Org", "category": "memberState",
            });
            post(
                &app,
                &secretariat,
                "/api/groups/fg-dfc/participants",
                participant,
            )
            .await;
        }
        let starts_on = fixtures::days_from_today(days);
        let meeting = json!({
            "groupId": "fg-dfc", "title": "Meeting", "startsOn": starts_on, "endsOn": starts_on + Days::new(1),
            "remoteParticipation": true, "agenda": [{"id": "3", "title": "Terminology"}],
            "waiverReason": if days < 28 { json!("urgent") } else { Value::Null },
        });
        let announced = post(&app, &chair, "/api/meetings", meeting).await;
        let meeting_id = announced["meetingId"].as_str().unwrap().to_string();
        Self {
            app,
            secretariat,
            chair,
            delegate,
            meeting_id,
        }
    }

    fn metadata(&self) -> Value {
        json!({
            "meetingId": self.meeting_id, "agendaItem": "3", "title": "Terms and definitions",
            "sourceOrganisations": ["People's Bank of China"],
        })
    }

    async fn upload(
        &self,
        token: Option<&str>,
        path: &str,
        metadata: Value,
        file: Option<(&[u8], &str)>,
    ) -> reqwest::Response {
        let mut form = Form::new().part(
            "metadata",
            Part::text(metadata.to_string())
                .mime_str("application/json")
                .unwrap(),
        );
        if let Some((bytes, media_type)) = file {
            form = form.part(
                "file",
                Part::bytes(bytes.to_vec())
                    .file_name("terms.txt")
                    .mime_str(media_type)
                    .unwrap(),
            );
        }
        let mut request = self.app.client.post(self.app.url(path)).multipart(form);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    async fn submit(&self, token: &str) -> reqwest::Response {
        self.upload(
            Some(token),
            "/api/contributions",
            self.metadata(),
            Some((DOCUMENT, "text/plain")),
        )
        .await
    }

    async fn post(&self, token: &str, path: &str, body: Value) -> reqwest::Response {
        self.app.post(token, path, &body).await
    }
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let response = app.post(token, path, &body).await;
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.text().await.unwrap()
    );
    response.json().await.unwrap()
}

#[tokio::test]
async fn submissions_get_consecutive_numbers_of_the_group() {
    let fixture = Fixture::new().await;
    let first = fixture.submit(&fixture.delegate).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["number"], "DFC-I-001");
    assert_eq!(first["late"], false);
    assert_eq!(
        first["document"]["sha256"],
        hex::encode(Sha256::digest(DOCUMENT))
    );
    assert_eq!(first["document"]["mediaType"], "text/plain");
    let second: Value = fixture.submit(&fixture.chair).await.json().await.unwrap();
    assert_eq!(second["number"], "DFC-I-002");
}

#[tokio::test]
async fn the_submitted_document_is_downloaded_with_its_media_type() {
    let fixture = Fixture::new().await;
    let submitted: Value = fixture
        .submit(&fixture.delegate)
        .await
        .json()
        .await
        .unwrap();
    let id = submitted["contributionId"].as_str().unwrap();
    let response = fixture
        .app
        .client
        .get(
            fixture
                .app
                .url(&format!("/api/contributions/{id}/document")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/plain");
    assert_eq!(response.bytes().await.unwrap().as_ref(), DOCUMENT);
}

#[tokio::test]
async fn a_refused_submission_takes_no_number() {
    let fixture = Fixture::new().await;
    let mut metadata = fixture.metadata();
    metadata["agendaItem"] = json!("99");
    let head = fixture.app.head().await;
    let refused = fixture
        .upload(
            Some(&fixture.delegate),
            "/api/contributions",
            metadata,
            Some((DOCUMENT, "text/plain")),
        )
        .await;
    let problem = expect_problem(refused, 422, "contribution.unknown_agenda_item").await;
    assert_eq!(problem.errors[0].field, "metadata.agendaItem");
    assert_eq!(fixture.app.head().await, head);
    let next: Value = fixture
        .submit(&fixture.delegate)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(next["number"], "DFC-I-001");
}

#[tokio::test]
async fn an_upload_without_a_file_or_metadata_names_the_missing_part() {
    let fixture = Fixture::new().await;
    let no_file = fixture
        .upload(
            Some(&fixture.delegate),
            "/api/contributions",
            fixture.metadata(),
            None,
        )
        .await;
    let problem = expect_problem(no_file, 422, "missing_part").await;
    assert_eq!(problem.errors[0].field, "file");

    let form = Form::new().part(
        "file",
        Part::bytes(DOCUMENT.to_vec())
            .file_name("a.txt")
            .mime_str("text/plain")
            .unwrap(),
    );
    let response = fixture
        .app
        .client
        .post(fixture.app.url("/api/contributions"))
        .bearer_auth(&fixture.delegate)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let problem = expect_problem(response, 422, "missing_part").await;
    assert_eq!(problem.errors[0].field, "metadata");
}

#[tokio::test]
async fn malformed_metadata_is_400_naming_the_field_inside_the_part() {
    let fixture = Fixture::new().await;
    let mut metadata = fixture.metadata();
    metadata["sourceOrganisations"] = json!("not a list");
    let response = fixture
        .upload(
            Some(&fixture.delegate),
            "/api/contributions",
            metadata,
            Some((DOCUMENT, "text/plain")),
        )
        .await;
    let problem = expect_problem(response, 400, "invalid_field").await;
    assert_eq!(problem.errors[0].field, "metadata.sourceOrganisations");
}

#[tokio::test]
async fn a_document_of_a_type_not_accepted_is_refused_on_the_file() {
    let fixture = Fixture::new().await;
    let response = fixture
        .upload(
            Some(&fixture.delegate),
            "/api/contributions",
            fixture.metadata(),
            Some((b"MZ\x90\x00", "application/x-msdownload")),
        )
        .await;
    let problem = expect_problem(response, 422, "media_type_not_allowed").await;
    assert_eq!(problem.errors[0].field, "file");
}

#[tokio::test]
async fn a_document_over_the_upload_limit_is_413_and_stores_nothing() {
    let fixture =
        Fixture::with_meeting_in(42, |settings| settings.limits.upload_bytes = 1024).await;
    let head = fixture.app.head().await;
    let large = vec![b'x'; 4096];
    let response = fixture
        .upload(
            Some(&fixture.delegate),
            "/api/contributions",
            fixture.metadata(),
            Some((&large, "text/plain")),
        )
        .await;
    let problem = expect_problem(response, 413, "payload_too_large").await;
    assert_eq!(problem.errors[0].field, "file");
    assert_eq!(fixture.app.head().await, head);
}

#[tokio::test]
async fn a_retried_submission_gets_the_first_answer_and_appends_nothing() {
    let fixture = Fixture::new().await;
    let send = || async {
        let form = Form::new()
            .part(
                "metadata",
                Part::text(fixture.metadata().to_string())
                    .mime_str("application/json")
                    .unwrap(),
            )
            .part(
                "file",
                Part::bytes(DOCUMENT.to_vec())
                    .file_name("terms.txt")
                    .mime_str("text/plain")
                    .unwrap(),
            );
        fixture
            .app
            .client
            .post(fixture.app.url("/api/contributions"))
            .bearer_auth(&fixture.delegate)
            .header("Idempotency-Key", "submit-terms")
            .multipart(form)
            .send()
            .await
            .unwrap()
    };
    let first: Value = send().await.json().await.unwrap();
    let head = fixture.app.head().await;
    let second = send().await;
    assert_eq!(second.status(), 201);
    assert_eq!(second.json::<Value>().await.unwrap(), first);
    assert_eq!(fixture.app.head().await, head);
}

#[tokio::test]
async fn an_author_revises_with_a_revision_mark_and_another_delegate_may_not() {
    let fixture = Fixture::new().await;
    let submitted: Value = fixture
        .submit(&fixture.delegate)
        .await
        .json()
        .await
        .unwrap();
    let path = format!(
        "/api/contributions/{}/revisions",
        submitted["contributionId"].as_str().unwrap()
    );
    let metadata =
        json!({"title": "Terms and definitions (revised)", "note": "after the e-meeting"});
    let revised = fixture
        .upload(
            Some(&fixture.delegate),
            &path,
            metadata.clone(),
            Some((b"Revised text.\n", "text/plain")),
        )
        .await;
    assert_eq!(revised.status(), 201);
    let body: Value = revised.json().await.unwrap();
    assert_eq!(body["number"], "DFC-I-001R1");
    assert_eq!(body["revision"], 1);

    let other = fixture
        .app
        .token("sarah.okafor", &[("fg-dfc", Role::Delegate)], false);
    let refused = fixture
        .upload(
            Some(&other),
            &path,
            metadata,
            Some((b"Hijack.\n", "text/plain")),
        )
        .await;
    expect_problem(refused, 403, "auth.forbidden").await;
}

#[tokio::test]
async fn a_withdrawn_contribution_cannot_be_withdrawn_again() {
    let fixture = Fixture::new().await;
    let submitted: Value = fixture
        .submit(&fixture.delegate)
        .await
        .json()
        .await
        .unwrap();
    let path = format!(
        "/api/contributions/{}/withdraw",
        submitted["contributionId"].as_str().unwrap()
    );
    assert_eq!(
        fixture
            .post(&fixture.delegate, &path, json!({"reason": "merged"}))
            .await
            .status(),
        200
    );
    expect_problem(
        fixture.post(&fixture.delegate, &path, json!({})).await,
        422,
        "contribution.withdrawn",
    )
    .await;
}

#[tokio::test]
async fn a_late_submission_waits_for_the_chair_who_accepts_it() {
    let fixture = Fixture::with_meeting_in(5, |_| {}).await;
    let submitted: Value = fixture
        .submit(&fixture.delegate)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(submitted["late"], true);
    let id = submitted["contributionId"].as_str().unwrap();
    let accept = format!("/api/contributions/{id}/accept");
    expect_problem(
        fixture.post(&fixture.delegate, &accept, json!({})).await,
        403,
        "auth.forbidden",
    )
    .await;
    assert_eq!(
        fixture
            .post(
                &fixture.chair,
                &accept,
                json!({"reason": "agreed at the opening"})
            )
            .await
            .status(),
        200
    );
    let refuse = format!("/api/contributions/{id}/refuse");
    let again = fixture
        .post(&fixture.chair, &refuse, json!({"reason": "too late"}))
        .await;
    expect_problem(again, 422, "contribution.not_awaiting_chair").await;
}

#[tokio::test]
async fn an_on_time_contribution_is_not_for_the_chair_to_accept() {
    let fixture = Fixture::new().await;
    let submitted: Value = fixture
        .submit(&fixture.delegate)
        .await
        .json()
        .await
        .unwrap();
    let path = format!(
        "/api/contributions/{}/accept",
        submitted["contributionId"].as_str().unwrap()
    );
    expect_problem(
        fixture.post(&fixture.chair, &path, json!({})).await,
        422,
        "contribution.not_awaiting_chair",
    )
    .await;
}

#[tokio::test]
async fn a_contribution_that_does_not_exist_is_404() {
    let fixture = Fixture::new().await;
    let path = format!("/api/contributions/{}/withdraw", uuid::Uuid::now_v7());
    expect_problem(
        fixture.post(&fixture.delegate, &path, json!({})).await,
        404,
        "contribution.not_found",
    )
    .await;
}

/// Submitting, tried by every role: the group's participants may.
#[tokio::test]
async fn participants_of_the_group_submit_and_nobody_else() {
    let fixture = Fixture::new().await;
    let app = &fixture.app;
    let editor = app.token("maria.santos", &[("fg-dfc", Role::Editor)], false);
    let parent = app.token("kwame.mensah", &[("tsag", Role::Delegate)], false);
    let other = app.token("omar.haddad", &[("dcgi-airu", Role::Delegate)], false);
    let cases: Vec<(&str, Option<&str>, u16)> = vec![
        ("anonymous", None, 401),
        ("delegate", Some(&fixture.delegate), 201),
        ("editor", Some(&editor), 201),
        ("chair", Some(&fixture.chair), 201),
        ("secretariat", Some(&fixture.secretariat), 403),
        ("parent-group member", Some(&parent), 403),
        ("member of another group", Some(&other), 403),
    ];
    for (role, token, expected) in cases {
        let response = fixture
            .upload(
                token,
                "/api/contributions",
                fixture.metadata(),
                Some((DOCUMENT, "text/plain")),
            )
            .await;
        assert_eq!(response.status().as_u16(), expected, "{role}");
    }
}

#[tokio::test]
async fn concurrent_submissions_get_distinct_consecutive_numbers() {
    let fixture = Fixture::new().await;
    let answers =
        futures::future::join_all((0..8).map(|_| fixture.submit(&fixture.delegate))).await;
    let mut numbers = Vec::new();
    for answer in answers {
        assert_eq!(answer.status(), 201);
        numbers.push(
            answer.json::<Value>().await.unwrap()["number"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    numbers.sort();
    let expected: Vec<String> = (1..=8).map(|n| format!("DFC-I-{n:03}")).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test]
async fn a_refused_submitter_leaves_no_file_in_the_blob_store() {
    let fixture = Fixture::new().await;
    let outsider = fixture
        .app
        .token("omar.haddad", &[("dcgi-airu", Role::Delegate)], false);
    expect_problem(fixture.submit(&outsider).await, 403, "auth.forbidden").await;
    let blobs = fixture.app.platform.settings().data_dir.join("blobs");
    let stored: Vec<_> = std::fs::read_dir(&blobs)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .filter(|name| name != "tmp")
        .collect();
    assert!(stored.is_empty(), "{stored:?}");
}
