//! The consensus service over HTTP: a real server on a free port over a temporary SQLite log.

use chrono::{Duration, Utc};
use domain::consensus::ConsensusCall;
use domain::events::{ConsensusEvent, Stance};
use domain::policy::Role;
use domain::streams;
use platform::testing::{TestApp, expect_problem, fixtures};
use serde_json::{Value, json};
use uuid::Uuid;

const CHAIR: &str = "david.wen";
const SUPPORTER: &str = "li.wei";
const OBJECTOR: &str = "ana.silva";

struct Fixture {
    app: TestApp,
    chair: String,
    supporter: String,
    objector: String,
    deliverable_id: Uuid,
}

async fn fixture() -> Fixture {
    let app = TestApp::spawn(vec![consensus_service::service()]).await;
    fixtures::groups(&app.platform, &[SUPPORTER, OBJECTOR], CHAIR).await;
    let deliverable_id = fixtures::deliverable(&app.platform, "fg-dfc").await;
    Fixture {
        chair: app.token(CHAIR, &[("fg-dfc", Role::Chair)], false),
        supporter: app.token(SUPPORTER, &[("fg-dfc", Role::Delegate)], false),
        objector: app.token(OBJECTOR, &[("fg-dfc", Role::Delegate)], false),
        app,
        deliverable_id,
    }
}

impl Fixture {
    async fn post(&self, token: &str, path: &str, body: Value) -> reqwest::Response {
        self.app.post(token, path, &body).await
    }

    fn call_body(&self, group: &str) -> Value {
        json!({
            "groupId": group,
            "subject": {"kind": "deliverable", "id": self.deliverable_id, "version": null},
            "question": "Can the meeting agree the terminology report?",
            "closesAt": Utc::now() + Duration::hours(8),
        })
    }

    async fn open(&self) -> String {
        let response = self
            .post(
                &self.chair,
                "/api/consensus-calls",
                self.call_body("fg-dfc"),
            )
            .await;
        assert_eq!(response.status(), 201);
        response.json::<Value>().await.unwrap()["callId"]
            .as_str()
            .unwrap()
            .into()
    }

    async fn position(&self, token: &str, call: &str, body: Value) -> reqwest::Response {
        self.post(
            token,
            &format!("/api/consensus-calls/{call}/positions"),
            body,
        )
        .await
    }

    /// A call where the supporter supports and the objector objects.
    async fn open_with_objection(&self) -> String {
        let call = self.open().await;
        assert_eq!(
            self.position(&self.supporter, &call, json!({"stance": "support"}))
                .await
                .status(),
            201
        );
        let objection = json!({"stance": "object", "reason": "Token is defined too narrowly"});
        assert_eq!(
            self.position(&self.objector, &call, objection)
                .await
                .status(),
            201
        );
        call
    }

    async fn events(&self, call: &str) -> Vec<ConsensusEvent> {
        self.app
            .history::<ConsensusCall>(&streams::consensus(call.parse().unwrap()))
            .await
    }
}

fn overruled(reason: &str) -> Value {
    json!([{"participant": OBJECTOR, "reason": reason, "disposition": "overruled", "note": "Addressed in the next draft"}])
}

#[tokio::test]
async fn the_chair_opens_a_call_and_participants_state_and_change_positions_with_history_kept() {
    let f = fixture().await;
    let call = f.open_with_objection().await;
    let changed = f
        .position(&f.objector, &call, json!({"stance": "standAside"}))
        .await;
    assert_eq!(changed.status(), 201);
    let answer: Value = changed.json().await.unwrap();
    assert_eq!(answer["participant"], OBJECTOR);
    assert_eq!(answer["stance"], "standAside");
    assert_eq!(answer["stream"], format!("consensus-{call}"));
    assert_eq!(answer["revision"], 3);

    let events = f.events(&call).await;
    assert!(
        matches!(&events[0], ConsensusEvent::ConsensusCallOpened(opened) if opened.group_id == "fg-dfc")
    );
    let stances: Vec<(String, Stance)> = events[1..]
        .iter()
        .map(|event| match event {
            ConsensusEvent::PositionStated(stated) => (stated.participant.clone(), stated.stance),
            other => panic!("expected a position, got {other:?}"),
        })
        .collect();
    assert_eq!(
        stances,
        [
            (SUPPORTER.into(), Stance::Support),
            (OBJECTOR.into(), Stance::Object),
            (OBJECTOR.into(), Stance::StandAside)
        ]
    );
}

#[tokio::test]
async fn an_objection_needs_a_reason_and_a_repeated_position_is_refused() {
    let f = fixture().await;
    let call = f.open().await;
    let problem = expect_problem(
        f.position(&f.objector, &call, json!({"stance": "object"}))
            .await,
        422,
        "consensus.reason_required",
    )
    .await;
    assert_eq!(problem.errors[0].field, "reason");
    assert_eq!(
        f.position(&f.supporter, &call, json!({"stance": "support"}))
            .await
            .status(),
        201
    );
    let again = f
        .position(&f.supporter, &call, json!({"stance": "support"}))
        .await;
    expect_problem(again, 422, "consensus.position_unchanged").await;
    let problem = expect_problem(
        f.position(&f.supporter, &call, json!({"stance": "maybe"}))
            .await,
        400,
        "invalid_field",
    )
    .await;
    assert_eq!(problem.errors[0].field, "stance");
}

#[tokio::test]
async fn only_the_groups_chair_opens_calls_and_records_decisions() {
    let f = fixture().await;
    expect_problem(
        f.post(&f.supporter, "/api/consensus-calls", f.call_body("fg-dfc"))
            .await,
        403,
        "auth.forbidden",
    )
    .await;
    let other_chair = f.app.token("other.chair", &[("dcgi", Role::Chair)], false);
    expect_problem(
        f.post(&other_chair, "/api/consensus-calls", f.call_body("fg-dfc"))
            .await,
        403,
        "auth.forbidden",
    )
    .await;
    let anonymous = f
        .app
        .post(None, "/api/consensus-calls", &f.call_body("fg-dfc"))
        .await;
    expect_problem(anonymous, 401, "unauthenticated").await;

    let call = f.open().await;
    let decision = json!({"outcome": "agreed", "summary": "Agreed"});
    let path = format!("/api/consensus-calls/{call}/decision");
    expect_problem(
        f.post(&f.supporter, &path, decision.clone()).await,
        403,
        "auth.forbidden",
    )
    .await;
    let outsider = f
        .app
        .token("someone.else", &[("dcgi", Role::Delegate)], false);
    let position = f
        .position(&outsider, &call, json!({"stance": "support"}))
        .await;
    expect_problem(position, 403, "auth.forbidden").await;
    assert_eq!(f.events(&call).await.len(), 1);
}

#[tokio::test]
async fn a_call_must_close_in_the_future_on_a_subject_of_its_group() {
    let f = fixture().await;
    let mut past = f.call_body("fg-dfc");
    past["closesAt"] = json!(Utc::now() - Duration::hours(1));
    let problem = expect_problem(
        f.post(&f.chair, "/api/consensus-calls", past).await,
        422,
        "consensus.closes_in_past",
    )
    .await;
    assert_eq!(problem.errors[0].field, "closesAt");

    let dcgi_chair = f.app.token("dcgi.chair", &[("dcgi", Role::Chair)], false);
    let problem = expect_problem(
        f.post(&dcgi_chair, "/api/consensus-calls", f.call_body("dcgi"))
            .await,
        422,
        "subject.of_other_group",
    )
    .await;
    assert_eq!(problem.errors[0].field, "subject");

    let unknown = format!("/api/consensus-calls/{}/positions", Uuid::now_v7());
    expect_problem(
        f.post(&f.supporter, &unknown, json!({"stance": "support"}))
            .await,
        404,
        "consensus.not_found",
    )
    .await;
}

#[tokio::test]
async fn a_decision_accounts_for_every_standing_objection_and_ends_the_call() {
    let f = fixture().await;
    let call = f.open_with_objection().await;
    let path = format!("/api/consensus-calls/{call}/decision");

    let silent = json!({"outcome": "agreed", "summary": "Agreed"});
    let problem = expect_problem(
        f.post(&f.chair, &path, silent).await,
        422,
        "consensus.objection_unaccounted",
    )
    .await;
    assert_eq!(problem.errors[0].field, "objections");
    let sustained = json!({"outcome": "agreed", "summary": "Agreed", "objections": [
        {"participant": OBJECTOR, "reason": "Too narrow", "disposition": "sustained", "note": null}]});
    let problem = expect_problem(
        f.post(&f.chair, &path, sustained).await,
        422,
        "consensus.sustained_objection",
    )
    .await;
    assert_eq!(problem.errors[0].field, "outcome");

    let decision = json!({"outcome": "agreedWithModifications", "summary": "Agreed with the definition widened",
        "objections": overruled("Token is defined too narrowly")});
    let response = f.post(&f.chair, &path, decision.clone()).await;
    assert_eq!(response.status(), 201);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["outcome"], "agreedWithModifications");
    assert_eq!(answer["corrects"], Value::Null);

    let ConsensusEvent::DecisionRecorded(recorded) = f.events(&call).await.pop().unwrap() else {
        panic!("no decision")
    };
    assert_eq!(
        recorded.decision_id.to_string(),
        answer["decisionId"].as_str().unwrap()
    );
    assert_eq!(recorded.objections[0].participant, OBJECTOR);
    assert_eq!(
        recorded.subject,
        domain::events::Subject::Deliverable {
            id: f.deliverable_id,
            version: None
        }
    );

    expect_problem(
        f.post(&f.chair, &path, decision).await,
        422,
        "consensus.already_decided",
    )
    .await;
    expect_problem(
        f.position(&f.supporter, &call, json!({"stance": "standAside"}))
            .await,
        422,
        "consensus.already_decided",
    )
    .await;
}

#[tokio::test]
async fn a_decision_is_corrected_only_by_a_new_decision_naming_the_one_in_force() {
    let f = fixture().await;
    let call = f.open().await;
    let recorded: Value = f
        .post(
            &f.chair,
            &format!("/api/consensus-calls/{call}/decision"),
            json!({"outcome": "noted", "summary": "Noted"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let first = recorded["decisionId"].as_str().unwrap().to_string();
    let path = format!("/api/consensus-calls/{call}/corrections");
    let correction = |corrects: &str| json!({"corrects": corrects, "outcome": "agreed", "summary": "Agreed", "reason": "The minutes misrecorded the outcome"});

    expect_problem(
        f.post(&f.supporter, &path, correction(&first)).await,
        403,
        "auth.forbidden",
    )
    .await;
    let response = f.post(&f.chair, &path, correction(&first)).await;
    assert_eq!(response.status(), 201);
    let corrected: Value = response.json().await.unwrap();
    assert_eq!(corrected["corrects"], first.as_str());
    assert_ne!(corrected["decisionId"], first.as_str());

    let problem = expect_problem(
        f.post(&f.chair, &path, correction(&first)).await,
        422,
        "consensus.decision_superseded",
    )
    .await;
    assert_eq!(problem.errors[0].field, "corrects");
    let secretariat = f.app.token("tsb.officer", &[], true);
    let second = corrected["decisionId"].as_str().unwrap();
    assert_eq!(
        f.post(&secretariat, &path, correction(second))
            .await
            .status(),
        201
    );

    let events = f.events(&call).await;
    assert!(
        matches!(&events[1], ConsensusEvent::DecisionRecorded(decision) if decision.decision_id.to_string() == first)
    );
    assert!(
        matches!(&events[2], ConsensusEvent::DecisionCorrected(decision) if decision.corrects.to_string() == first)
    );
    assert_eq!(events.len(), 4);
}

#[tokio::test]
async fn a_retried_decision_gets_the_first_answer_and_appends_nothing() {
    let f = fixture().await;
    let call = f.open().await;
    let record = || {
        f.app
            .client
            .post(f.app.url(&format!("/api/consensus-calls/{call}/decision")))
            .bearer_auth(&f.chair)
            .header("Idempotency-Key", "decision-of-13-october")
            .json(&json!({"outcome": "agreed", "summary": "Agreed"}))
    };
    let first: Value = record().send().await.unwrap().json().await.unwrap();
    let head = f.app.head().await;
    let second = record().send().await.unwrap();
    assert_eq!(second.status(), 201);
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    assert_eq!(
        second.json::<Value>().await.unwrap()["decisionId"],
        first["decisionId"]
    );
    assert_eq!(f.app.head().await, head);
    assert_eq!(f.events(&call).await.len(), 2);
}

#[tokio::test]
async fn opening_a_call_against_every_role() {
    let f = fixture().await;
    let app = &f.app;
    let matrix = [
        (
            "delegate",
            Some(app.token("d", &[("fg-dfc", Role::Delegate)], false)),
            403,
        ),
        (
            "editor",
            Some(app.token(
                "e",
                &[("fg-dfc", Role::Delegate), ("fg-dfc", Role::Editor)],
                false,
            )),
            403,
        ),
        (
            "chair",
            Some(app.token("c", &[("fg-dfc", Role::Chair)], false)),
            201,
        ),
        (
            "vice-chair",
            Some(app.token("v", &[("fg-dfc", Role::ViceChair)], false)),
            201,
        ),
        ("secretariat", Some(app.token("s", &[], true)), 403),
        (
            "parent-group member",
            Some(app.token("p", &[("tsag", Role::Delegate)], false)),
            403,
        ),
        (
            "member of another group",
            Some(app.token("o", &[("dcgi", Role::Chair)], false)),
            403,
        ),
        ("anonymous", None, 401),
    ];
    for (role, token, expected) in matrix {
        let body = f.call_body("fg-dfc");
        let response = app
            .post(token.as_deref(), "/api/consensus-calls", &body)
            .await;
        assert_eq!(response.status().as_u16(), expected, "{role}");
    }
}
