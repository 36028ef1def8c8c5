//! The groups service over HTTP: the real server on a free port with a temporary log.

use domain::policy::Role;
use platform::testing::{TestApp, expect_problem};
use serde_json::{Value, json};

struct Fixture {
    app: TestApp,
    secretariat: String,
}

impl Fixture {
    async fn new() -> Self {
        let app = TestApp::spawn(vec![groups_service::service()]).await;
        let secretariat = app.token("elena.rossi", &[], true);
        Self { app, secretariat }
    }

    async fn post(&self, token: Option<&str>, path: &str, body: Value) -> reqwest::Response {
        self.app.post(token, path, &body).await
    }

    /// TSAG, and FG DFC under it with terms of reference, with `li.wei` registered.
    async fn with_groups() -> Self {
        let fixture = Self::new().await;
        let secretariat = fixture.secretariat.clone();
        assert_eq!(
            fixture
                .post(Some(&secretariat), "/api/groups", tsag())
                .await
                .status(),
            201
        );
        assert_eq!(
            fixture
                .post(Some(&secretariat), "/api/groups", fg_dfc())
                .await
                .status(),
            201
        );
        let registered = fixture
            .post(
                Some(&secretariat),
                "/api/groups/fg-dfc/participants",
                participant("li.wei"),
            )
            .await;
        assert_eq!(registered.status(), 201);
        fixture
    }
}

fn tsag() -> Value {
    json!({
        "groupId": "tsag", "name": "Telecommunication Standardization Advisory Group", "acronym": "TSAG",
        "documentPrefix": "TSAG", "kind": "parentGroup", "visibility": "public", "establishedOn": "2017-05-01",
    })
}

fn fg_dfc() -> Value {
    json!({
        "groupId": "fg-dfc", "name": "Focus Group on Digital Currency including Digital Fiat Currency",
        "acronym": "FG DFC", "documentPrefix": "DFC", "kind": "focusGroup", "parentId": "tsag",
        "visibility": "public", "establishedOn": "2017-05-04",
        "termsOfReference": {
            "objectives": ["Study digital fiat currency"], "tasks": ["Report to TSAG"],
            "deliverables": ["Terminology and taxonomy"], "lifetimeMonths": 24,
        },
    })
}

fn participant(person: &str) -> Value {
    json!({
        "person": person, "displayName": "Li Wei", "organisation": "People's Bank of China",
        "category": "memberState", "country": "CN",
    })
}

#[tokio::test]
async fn the_secretariat_establishes_a_parent_group_and_a_focus_group_under_it() {
    let fixture = Fixture::new().await;
    let tsag = fixture
        .post(Some(&fixture.secretariat), "/api/groups", tsag())
        .await;
    assert_eq!(tsag.status(), 201);
    let body: Value = tsag.json().await.unwrap();
    assert_eq!(body["groupId"], "tsag");
    assert_eq!(body["stream"], "group-tsag");
    assert_eq!(body["revision"], 0);
    let focus_group = fixture
        .post(Some(&fixture.secretariat), "/api/groups", fg_dfc())
        .await;
    assert_eq!(focus_group.status(), 201);
}

#[tokio::test]
async fn a_focus_group_under_a_parent_that_does_not_exist_is_refused_on_parent_id() {
    let fixture = Fixture::new().await;
    let response = fixture
        .post(Some(&fixture.secretariat), "/api/groups", fg_dfc())
        .await;
    let problem = expect_problem(response, 422, "group.parent_not_found").await;
    assert_eq!(problem.errors[0].field, "parentId");
    assert_eq!(fixture.app.head().await, None);
}

#[tokio::test]
async fn a_malformed_group_id_is_refused_on_group_id() {
    let fixture = Fixture::new().await;
    let mut body = tsag();
    body["groupId"] = json!("TSAG Group!");
    let problem = expect_problem(
        fixture
            .post(Some(&fixture.secretariat), "/api/groups", body)
            .await,
        422,
        "group.invalid_id",
    )
    .await;
    assert_eq!(problem.errors[0].field, "groupId");
}

#[tokio::test]
async fn an_unknown_membership_category_is_400_naming_the_field() {
    let fixture = Fixture::with_groups().await;
    let mut body = participant("sarah.okafor");
    body["category"] = json!("friend");
    let response = fixture
        .post(
            Some(&fixture.secretariat),
            "/api/groups/fg-dfc/participants",
            body,
        )
        .await;
    let problem = expect_problem(response, 400, "invalid_field").await;
    assert_eq!(problem.errors[0].field, "category");
}

#[tokio::test]
async fn registering_in_a_group_that_does_not_exist_is_404() {
    let fixture = Fixture::new().await;
    let response = fixture
        .post(
            Some(&fixture.secretariat),
            "/api/groups/nowhere/participants",
            participant("li.wei"),
        )
        .await;
    expect_problem(response, 404, "group.not_established").await;
}

#[tokio::test]
async fn officers_are_appointed_from_participants_and_relieved() {
    let fixture = Fixture::with_groups().await;
    let officer = json!({"person": "li.wei", "role": "viceChair"});
    let appointed = fixture
        .post(
            Some(&fixture.secretariat),
            "/api/groups/fg-dfc/officers",
            officer.clone(),
        )
        .await;
    assert_eq!(appointed.status(), 201);
    let again = fixture
        .post(
            Some(&fixture.secretariat),
            "/api/groups/fg-dfc/officers",
            officer,
        )
        .await;
    expect_problem(again, 422, "group.already_officer").await;
    let outsider = fixture
        .post(
            Some(&fixture.secretariat),
            "/api/groups/fg-dfc/officers",
            json!({"person": "nobody", "role": "chair"}),
        )
        .await;
    expect_problem(outsider, 422, "participant.not_registered").await;

    let relieved = fixture
        .app
        .client
        .delete(
            fixture
                .app
                .url("/api/groups/fg-dfc/officers/viceChair/li.wei"),
        )
        .bearer_auth(&fixture.secretariat)
        .send()
        .await
        .unwrap();
    assert_eq!(relieved.status(), 200);
    let body: Value = relieved.json().await.unwrap();
    assert_eq!(body["person"], "li.wei");
}

#[tokio::test]
async fn an_unknown_officer_role_in_the_path_is_400() {
    let fixture = Fixture::with_groups().await;
    let response = fixture
        .app
        .client
        .delete(
            fixture
                .app
                .url("/api/groups/fg-dfc/officers/emperor/li.wei"),
        )
        .bearer_auth(&fixture.secretariat)
        .send()
        .await
        .unwrap();
    expect_problem(response, 400, "invalid_path").await;
}

#[tokio::test]
async fn a_withdrawn_participant_is_withdrawn_once() {
    let fixture = Fixture::with_groups().await;
    let path = "/api/groups/fg-dfc/participants/li.wei/withdraw";
    let first = fixture
        .post(
            Some(&fixture.secretariat),
            path,
            json!({"reason": "left the bank"}),
        )
        .await;
    assert_eq!(first.status(), 200);
    let second = fixture
        .post(Some(&fixture.secretariat), path, json!({}))
        .await;
    expect_problem(second, 422, "participant.not_registered").await;
}

#[tokio::test]
async fn the_chair_sends_a_progress_report_to_the_parent_group() {
    let fixture = Fixture::with_groups().await;
    let chair = fixture
        .app
        .token("david.wen", &[("fg-dfc", Role::Chair)], false);
    let response = fixture
        .post(
            Some(&chair),
            "/api/groups/fg-dfc/progress-reports",
            json!({"periodFrom": "2017-10-01", "periodTo": "2018-01-31", "summary": "Two meetings held."}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["parentGroupId"], "tsag");
}

#[tokio::test]
async fn the_parent_groups_chair_extends_the_lifetime_but_the_groups_own_chair_may_not() {
    let fixture = Fixture::with_groups().await;
    let body = json!({"extraMonths": 6, "reason": "TSAG decision of 2019-05"});
    let own_chair = fixture
        .app
        .token("david.wen", &[("fg-dfc", Role::Chair)], false);
    let refused = fixture
        .post(
            Some(&own_chair),
            "/api/groups/fg-dfc/lifetime-extensions",
            body.clone(),
        )
        .await;
    expect_problem(refused, 403, "auth.forbidden").await;
    let parent_chair = fixture
        .app
        .token("tsag.chair", &[("tsag", Role::Chair)], false);
    let extended = fixture
        .post(
            Some(&parent_chair),
            "/api/groups/fg-dfc/lifetime-extensions",
            body,
        )
        .await;
    assert_eq!(extended.status(), 201);
    let answer: Value = extended.json().await.unwrap();
    assert_eq!(answer["lifetimeMonths"], 30);
}

/// Registering a participant, tried by every role: only the secretariat may.
#[tokio::test]
async fn only_the_secretariat_registers_participants() {
    let fixture = Fixture::with_groups().await;
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
            "chair",
            Some(app.token("david.wen", &[("fg-dfc", Role::Chair)], false)),
            403,
        ),
        (
            "parent-group member",
            Some(app.token("kwame.mensah", &[("tsag", Role::Delegate)], false)),
            403,
        ),
        (
            "member of another group",
            Some(app.token("omar.haddad", &[("dcgi-airu", Role::Chair)], false)),
            403,
        ),
        ("secretariat", Some(fixture.secretariat.clone()), 201),
    ];
    for (index, (role, token, expected)) in cases.into_iter().enumerate() {
        let response = fixture
            .post(
                token.as_deref(),
                "/api/groups/fg-dfc/participants",
                participant(&format!("person-{index}")),
            )
            .await;
        assert_eq!(response.status().as_u16(), expected, "{role}");
    }
}
