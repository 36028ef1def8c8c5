//! The meetings service over HTTP, with the groups service alongside to set up the group.

use chrono::{Days, NaiveDate};
use domain::policy::Role;
use platform::testing::fixtures::days_from_today;
use platform::testing::{TestApp, expect_problem};
use serde_json::{Value, json};

struct Fixture {
    app: TestApp,
    secretariat: String,
    chair: String,
}

impl Fixture {
    async fn new() -> Self {
        let app =
            TestApp::spawn(vec![groups_service::service(), meetings_service::service()]).await;
        let secretariat = app.token("elena.rossi", &[], true);
        let chair = app.token("david.wen", &[("fg-dfc", Role::Chair)], false);
        let fixture = Self {
            app,
            secretariat,
            chair,
        };
        let group = json!({
            "groupId": "fg-dfc", "name": "FG DFC", "acronym": "FG DFC", "documentPrefix": "DFC",
            "kind": "parentGroup", "visibility": "public", "establishedOn": "2017-05-04",
        });
        assert_eq!(
            fixture
                .post(Some(&fixture.secretariat.clone()), "/api/groups", group)
                .await
                .status(),
            201
        );
        fixture
    }

    async fn post(&self, token: Option<&str>, path: &str, body: Value) -> reqwest::Response {
        self.app.post(token, path, &body).await
    }
}

fn meeting(starts_on: NaiveDate) -> Value {
    json!({
        "groupId": "fg-dfc", "title": "Second meeting", "startsOn": starts_on,
        "endsOn": starts_on + Days::new(1), "venue": "Geneva", "remoteParticipation": true,
        "agenda": [{"id": "1", "title": "Opening"}, {"id": "2", "title": "Terminology"}],
    })
}

#[tokio::test]
async fn an_announcement_six_weeks_ahead_answers_with_the_contribution_deadline() {
    let fixture = Fixture::new().await;
    let starts_on = days_from_today(42);
    let response = fixture
        .post(Some(&fixture.chair), "/api/meetings", meeting(starts_on))
        .await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["contributionDeadline"],
        json!(starts_on - Days::new(12))
    );
    assert_eq!(body["noticeWaived"], false);
    assert!(body["stream"].as_str().unwrap().starts_with("meeting-"));
    assert!(body["meetingId"].is_string());
}

#[tokio::test]
async fn two_weeks_notice_is_refused_without_a_waiver_and_recorded_with_one() {
    let fixture = Fixture::new().await;
    let head = fixture.app.head().await;
    let mut body = meeting(days_from_today(14));
    let refused = fixture
        .post(Some(&fixture.chair), "/api/meetings", body.clone())
        .await;
    let problem = expect_problem(refused, 422, "meeting.notice_too_short").await;
    assert_eq!(problem.errors[0].field, "startsOn");
    assert_eq!(fixture.app.head().await, head);

    body["waiverReason"] = json!("The parent group asked for results before its meeting");
    let waived = fixture
        .post(Some(&fixture.chair), "/api/meetings", body)
        .await;
    assert_eq!(waived.status(), 201);
    let answer: Value = waived.json().await.unwrap();
    assert_eq!(answer["noticeWaived"], true);
    assert_eq!(
        answer["revision"], 1,
        "the waiver and the announcement are two events"
    );
}

#[tokio::test]
async fn a_meeting_of_a_group_that_does_not_exist_is_refused_on_group_id() {
    let fixture = Fixture::new().await;
    let mut body = meeting(days_from_today(42));
    body["groupId"] = json!("nowhere");
    let secretariat = fixture.secretariat.clone();
    let problem = expect_problem(
        fixture
            .post(Some(&secretariat), "/api/meetings", body)
            .await,
        422,
        "group.not_established",
    )
    .await;
    assert_eq!(problem.errors[0].field, "groupId");
}

#[tokio::test]
async fn an_agenda_item_is_added_once() {
    let fixture = Fixture::new().await;
    let announced: Value = fixture
        .post(
            Some(&fixture.chair),
            "/api/meetings",
            meeting(days_from_today(42)),
        )
        .await
        .json()
        .await
        .unwrap();
    let path = format!(
        "/api/meetings/{}/agenda-items",
        announced["meetingId"].as_str().unwrap()
    );
    let item = json!({"id": "3", "title": "Use cases"});
    let added = fixture
        .post(Some(&fixture.chair), &path, item.clone())
        .await;
    assert_eq!(added.status(), 201);
    let body: Value = added.json().await.unwrap();
    assert_eq!(body["agenda"].as_array().unwrap().len(), 3);
    let again = fixture.post(Some(&fixture.chair), &path, item).await;
    expect_problem(again, 422, "meeting.duplicate_agenda_item").await;
}

#[tokio::test]
async fn an_agenda_item_for_a_meeting_that_does_not_exist_is_404() {
    let fixture = Fixture::new().await;
    let path = format!("/api/meetings/{}/agenda-items", uuid::Uuid::now_v7());
    let response = fixture
        .post(
            Some(&fixture.chair),
            &path,
            json!({"id": "3", "title": "Use cases"}),
        )
        .await;
    expect_problem(response, 404, "meeting.not_announced").await;
}

#[tokio::test]
async fn a_meeting_id_that_is_not_a_uuid_is_400() {
    let fixture = Fixture::new().await;
    let response = fixture
        .post(
            Some(&fixture.chair),
            "/api/meetings/next-week/agenda-items",
            json!({"id": "3", "title": "x"}),
        )
        .await;
    expect_problem(response, 400, "invalid_path").await;
}

/// Announcing a meeting, tried by every role: the group's chairs and the secretariat may.
#[tokio::test]
async fn the_chairs_and_the_secretariat_announce_meetings() {
    let fixture = Fixture::new().await;
    let app = &fixture.app;
    let cases: Vec<(&str, Option<String>, u16)> = vec![
        ("anonymous", None, 401),
        (
            "delegate",
            Some(app.token("li.wei", &[("fg-dfc", Role::Delegate)], false)),
            403,
        ),
        (
            "editor",
            Some(app.token("maria.santos", &[("fg-dfc", Role::Editor)], false)),
            403,
        ),
        (
            "parent-group member",
            Some(app.token("kwame.mensah", &[("tsag", Role::Delegate)], false)),
            403,
        ),
        (
            "chair of another group",
            Some(app.token("omar.haddad", &[("dcgi-airu", Role::Chair)], false)),
            403,
        ),
        ("chair", Some(fixture.chair.clone()), 201),
        (
            "vice-chair",
            Some(app.token("amina.diallo", &[("fg-dfc", Role::ViceChair)], false)),
            201,
        ),
        ("secretariat", Some(fixture.secretariat.clone()), 201),
    ];
    for (role, token, expected) in cases {
        let response = fixture
            .post(
                token.as_deref(),
                "/api/meetings",
                meeting(days_from_today(42)),
            )
            .await;
        assert_eq!(response.status().as_u16(), expected, "{role}");
    }
}
