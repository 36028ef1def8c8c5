//! The deliverables service over HTTP, with the consensus service beside it as in `plenary
//! serve`: a real server on a free port over a temporary SQLite log, the routing reactor
//! running as the server's background task.

use std::time::Duration;

use chrono::Utc;
use deliverables_service::routing;
use domain::events::DeliverableEvent;
use domain::policy::Role;
use domain::{DomainEvent, streams};
use eventlog::{ReadStream, RecordedEvent, StreamId};
use platform::testing::{TestApp, expect_problem, fixtures};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use uuid::Uuid;

const CHAIR: &str = "david.wen";
const EDITOR: &str = "li.wei";
const DELEGATE: &str = "ana.silva";

/// A deliverable, the call and the decision that approved it.
struct Approved {
    deliverable: String,
    call: String,
    decision: String,
}

struct Fixture {
    app: TestApp,
    chair: String,
    editor: String,
    delegate: String,
    tsag_member: String,
    /// A TSAG meeting starting in 40 days.
    tsag_meeting: Uuid,
}

async fn fixture() -> Fixture {
    let app = TestApp::spawn(vec![
        deliverables_service::service(),
        consensus_service::service(),
    ])
    .await;
    fixtures::groups(&app.platform, &[EDITOR, DELEGATE], CHAIR).await;
    let tsag_meeting = fixtures::meeting(&app.platform, "tsag", 40).await;
    Fixture {
        chair: app.token(CHAIR, &[("fg-dfc", Role::Chair)], false),
        editor: app.token(
            EDITOR,
            &[("fg-dfc", Role::Delegate), ("fg-dfc", Role::Editor)],
            false,
        ),
        delegate: app.token(DELEGATE, &[("fg-dfc", Role::Delegate)], false),
        tsag_member: app.token("tsag.delegate", &[("tsag", Role::Delegate)], false),
        app,
        tsag_meeting,
    }
}

impl Fixture {
    async fn post(&self, token: &str, path: &str, body: Value) -> reqwest::Response {
        self.app.post(token, path, &body).await
    }

    async fn define(&self) -> String {
        let body = json!({"groupId": "fg-dfc", "title": "Terminology and taxonomy", "fromTermsOfReference": true});
        let response = self.post(&self.chair, "/api/deliverables", body).await;
        assert_eq!(response.status(), 201);
        response.json::<Value>().await.unwrap()["deliverableId"]
            .as_str()
            .unwrap()
            .into()
    }

    async fn assign_editor(&self, deliverable: &str) {
        let path = format!("/api/deliverables/{deliverable}/editors");
        assert_eq!(
            self.post(&self.chair, &path, json!({"person": EDITOR}))
                .await
                .status(),
            201
        );
    }

    fn draft_form(text: &str) -> Form {
        Form::new()
            .part(
                "metadata",
                Part::text(json!({"note": "First draft"}).to_string())
                    .mime_str("application/json")
                    .unwrap(),
            )
            .part(
                "file",
                Part::text(text.to_string())
                    .file_name("dfc-terminology.txt")
                    .mime_str("text/plain")
                    .unwrap(),
            )
    }

    async fn publish(&self, token: &str, deliverable: &str, text: &str) -> reqwest::Response {
        self.app
            .client
            .post(
                self.app
                    .url(&format!("/api/deliverables/{deliverable}/drafts")),
            )
            .bearer_auth(token)
            .multipart(Self::draft_form(text))
            .send()
            .await
            .unwrap()
    }

    /// A deliverable with an editor and one draft.
    async fn drafted(&self) -> String {
        let deliverable = self.define().await;
        self.assign_editor(&deliverable).await;
        assert_eq!(
            self.publish(&self.editor, &deliverable, "Draft text")
                .await
                .status(),
            201
        );
        deliverable
    }

    /// A deliverable with one draft, approved by the reactor after an agreed decision.
    async fn drafted_and_approved(&self) -> Approved {
        let deliverable = self.drafted().await;
        let (call, decision) = self.decide_in_call(&deliverable, "agreed").await;
        self.approved(&deliverable).await;
        Approved {
            deliverable,
            call,
            decision,
        }
    }

    /// Opens a call on the deliverable and records a decision with `outcome`; the decision id.
    async fn decide(&self, deliverable: &str, outcome: &str) -> String {
        self.decide_in_call(deliverable, outcome).await.1
    }

    /// As [`Self::decide`]; the call id and the decision id.
    async fn decide_in_call(&self, deliverable: &str, outcome: &str) -> (String, String) {
        let call = json!({
            "groupId": "fg-dfc",
            "subject": {"kind": "deliverable", "id": deliverable, "version": null},
            "question": "Can the meeting agree the draft?",
            "closesAt": Utc::now() + chrono::Duration::hours(2),
        });
        let opened: Value = self
            .post(&self.chair, "/api/consensus-calls", call)
            .await
            .json()
            .await
            .unwrap();
        let call_id = opened["callId"].as_str().unwrap();
        let path = format!("/api/consensus-calls/{call_id}/decision");
        let response = self
            .post(
                &self.chair,
                &path,
                json!({"outcome": outcome, "summary": "Decided"}),
            )
            .await;
        assert_eq!(response.status(), 201);
        let decision = response.json::<Value>().await.unwrap()["decisionId"]
            .as_str()
            .unwrap()
            .to_owned();
        (call_id.to_owned(), decision)
    }

    /// Records a correction of `decision` in `call` to `outcome`; the correction's id.
    async fn correct(&self, call: &str, decision: &str, outcome: &str) -> String {
        let correction = json!({
            "corrects": decision,
            "outcome": outcome,
            "summary": "Corrected",
            "reason": "The minutes misrecorded the outcome",
        });
        let path = format!("/api/consensus-calls/{call}/corrections");
        let response = self.post(&self.chair, &path, correction).await;
        assert_eq!(response.status(), 201);
        response.json::<Value>().await.unwrap()["decisionId"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn recorded(&self, stream: &str) -> Vec<RecordedEvent> {
        let stream = StreamId::new(stream).unwrap();
        self.app
            .platform
            .store()
            .read_stream(&stream, ReadStream::all_forwards())
            .await
            .unwrap()
    }

    async fn events_of_type(&self, deliverable: &str, event_type: &str) -> Vec<RecordedEvent> {
        let stream = streams::deliverable(deliverable.parse().unwrap());
        self.recorded(&stream)
            .await
            .into_iter()
            .filter(|event| &*event.event_type == event_type)
            .collect()
    }

    async fn approvals(&self, deliverable: &str) -> Vec<RecordedEvent> {
        self.events_of_type(deliverable, "DeliverableApproved")
            .await
    }

    /// Polls the deliverable's stream until the reactor has recorded `count` events of
    /// `event_type`.
    async fn routed(
        &self,
        deliverable: &str,
        event_type: &str,
        count: usize,
    ) -> Vec<RecordedEvent> {
        for _ in 0..200 {
            let events = self.events_of_type(deliverable, event_type).await;
            if events.len() >= count {
                return events;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the reactor did not record {event_type} on deliverable {deliverable} within 10 s");
    }

    /// Polls the deliverable's stream until the reactor has approved it.
    async fn approved(&self, deliverable: &str) -> Vec<RecordedEvent> {
        self.routed(deliverable, "DeliverableApproved", 1).await
    }

    async fn transmit(&self, token: &str, deliverable: &str, meeting: Uuid) -> reqwest::Response {
        let path = format!("/api/deliverables/{deliverable}/transmittals");
        self.post(token, &path, json!({"parentMeetingId": meeting}))
            .await
    }
}

#[tokio::test]
async fn the_chair_defines_a_deliverable_and_assigns_a_participant_as_editor() {
    let f = fixture().await;
    let body = json!({"groupId": "fg-dfc", "title": "Terminology and taxonomy"});
    expect_problem(
        f.post(&f.delegate, "/api/deliverables", body.clone()).await,
        403,
        "auth.forbidden",
    )
    .await;
    let unknown_group = json!({"groupId": "fg-nothing", "title": "Anything"});
    let secretariat = f.app.token("tsb.officer", &[], true);
    let problem = expect_problem(
        f.post(&secretariat, "/api/deliverables", unknown_group)
            .await,
        422,
        "group.not_found",
    )
    .await;
    assert_eq!(problem.errors[0].field, "groupId");
    let malformed = json!({"groupId": "FG DFC/../x", "title": "Anything"});
    let problem = expect_problem(
        f.post(&secretariat, "/api/deliverables", malformed).await,
        422,
        "group.not_found",
    )
    .await;
    assert_eq!(problem.errors[0].field, "groupId");
    let blank = json!({"groupId": "fg-dfc", "title": " "});
    let problem = expect_problem(
        f.post(&f.chair, "/api/deliverables", blank).await,
        422,
        "input.blank",
    )
    .await;
    assert_eq!(problem.errors[0].field, "title");

    let deliverable = f.define().await;
    let path = format!("/api/deliverables/{deliverable}/editors");
    expect_problem(
        f.post(&f.delegate, &path, json!({"person": EDITOR})).await,
        403,
        "auth.forbidden",
    )
    .await;
    let stranger = f
        .post(&f.chair, &path, json!({"person": "not.registered"}))
        .await;
    let problem = expect_problem(stranger, 422, "deliverable.editor_not_participant").await;
    assert_eq!(problem.errors[0].field, "person");
    f.assign_editor(&deliverable).await;
    let problem = expect_problem(
        f.post(&f.chair, &path, json!({"person": EDITOR})).await,
        422,
        "deliverable.already_editor",
    )
    .await;
    assert_eq!(problem.errors[0].field, "person");

    let missing = format!("/api/deliverables/{}/editors", Uuid::now_v7());
    expect_problem(
        f.post(&f.chair, &missing, json!({"person": EDITOR})).await,
        404,
        "deliverable.not_found",
    )
    .await;
}

#[tokio::test]
async fn an_editor_publishes_drafts_numbered_as_output_documents_of_the_group() {
    let f = fixture().await;
    let deliverable = f.define().await;
    f.assign_editor(&deliverable).await;

    expect_problem(
        f.publish(&f.delegate, &deliverable, "Not mine to publish")
            .await,
        403,
        "auth.forbidden",
    )
    .await;
    let first: Value = f
        .publish(&f.editor, &deliverable, "Draft one")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["version"], 1);
    assert_eq!(first["number"], "DFC-O-001");
    let second: Value = f
        .publish(&f.editor, &deliverable, "Draft two")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["version"], 2);
    assert_eq!(second["number"], "DFC-O-002");

    let sha256 = second["document"]["sha256"].as_str().unwrap();
    let stored = f.app.platform.blobs().read(sha256).await.unwrap();
    assert_eq!(stored.as_deref(), Some(&b"Draft two"[..]));

    let no_file = Form::new().part(
        "metadata",
        Part::text("{}").mime_str("application/json").unwrap(),
    );
    let path = f
        .app
        .url(&format!("/api/deliverables/{deliverable}/drafts"));
    let response = f
        .app
        .client
        .post(&path)
        .bearer_auth(&f.editor)
        .multipart(no_file)
        .send()
        .await
        .unwrap();
    let problem = expect_problem(response, 422, "missing_part").await;
    assert_eq!(problem.errors[0].field, "file");

    let drafts: Vec<_> = f
        .recorded(&streams::deliverable(deliverable.parse().unwrap()))
        .await
        .into_iter()
        .filter(|e| &*e.event_type == "DraftPublished")
        .collect();
    assert_eq!(drafts.len(), 2);
}

#[tokio::test]
async fn a_retried_draft_gets_the_first_answer_and_takes_no_second_number() {
    let f = fixture().await;
    let deliverable = f.define().await;
    f.assign_editor(&deliverable).await;
    let publish = || {
        f.app
            .client
            .post(
                f.app
                    .url(&format!("/api/deliverables/{deliverable}/drafts")),
            )
            .bearer_auth(&f.editor)
            .header("Idempotency-Key", "draft-1")
            .multipart(Fixture::draft_form("Draft one"))
    };
    let first: Value = publish().send().await.unwrap().json().await.unwrap();
    let head = f.app.head().await;
    let second = publish().send().await.unwrap();
    assert_eq!(second.status(), 201);
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    assert_eq!(second.json::<Value>().await.unwrap(), first);
    assert_eq!(f.app.head().await, head);
    assert_eq!(f.recorded(&streams::register("fg-dfc")).await.len(), 1);

    let stale = f
        .app
        .client
        .post(
            f.app
                .url(&format!("/api/deliverables/{deliverable}/drafts")),
        )
        .bearer_auth(&f.editor)
        .header("If-Match", "\"0\"")
        .multipart(Fixture::draft_form("Draft two"))
        .send()
        .await
        .unwrap();
    expect_problem(stale, 412, "precondition_failed").await;
    assert_eq!(
        f.recorded(&streams::register("fg-dfc")).await.len(),
        1,
        "a refused draft takes no number"
    );
}

#[tokio::test]
async fn an_approving_decision_recorded_over_http_approves_the_deliverable_which_can_then_be_transmitted()
 {
    let f = fixture().await;
    let deliverable = f.drafted().await;
    let refused = f.transmit(&f.chair, &deliverable, f.tsag_meeting).await;
    expect_problem(refused, 422, "deliverable.not_approved").await;

    let decision = f.decide(&deliverable, "agreed").await;
    let approvals = f.approved(&deliverable).await;
    let [approval] = approvals.as_slice() else {
        panic!("one approval expected, got {approvals:?}")
    };
    assert_eq!(approval.actor.subject, "system:deliverables-service");
    let decision_id: Uuid = decision.parse().unwrap();
    assert_eq!(approval.id, routing::approval_event_id(decision_id, 0));
    let DeliverableEvent::DeliverableApproved(approved) = DeliverableEvent::decode(
        &approval.event_type,
        approval.schema_version,
        approval.payload.get(),
    )
    .unwrap() else {
        panic!("not an approval")
    };
    assert_eq!(approved.decision_id, decision_id);
    assert_eq!(approved.version, 1);
    let decided = f.recorded(&streams::consensus(approved.call_id)).await;
    assert_eq!(approval.causation_id, Some(decided.last().unwrap().id));

    expect_problem(
        f.transmit(&f.delegate, &deliverable, f.tsag_meeting).await,
        403,
        "auth.forbidden",
    )
    .await;
    let response = f.transmit(&f.chair, &deliverable, f.tsag_meeting).await;
    assert_eq!(response.status(), 201);
    let transmitted: Value = response.json().await.unwrap();
    assert_eq!(transmitted["version"], 1);
    assert_eq!(transmitted["parentGroupId"], "tsag");
    let again = f.transmit(&f.chair, &deliverable, f.tsag_meeting).await;
    expect_problem(again, 422, "deliverable.already_transmitted").await;

    let transmittal = transmitted["transmittalId"].as_str().unwrap();
    let path =
        format!("/api/deliverables/{deliverable}/transmittals/{transmittal}/acknowledgement");
    expect_problem(
        f.post(&f.chair, &path, json!({})).await,
        403,
        "auth.forbidden",
    )
    .await;
    assert_eq!(
        f.post(&f.tsag_member, &path, json!({"note": "Taken up at TSAG"}))
            .await
            .status(),
        200
    );
    let settled = f.post(&f.tsag_member, &path, json!({})).await;
    let problem = expect_problem(settled, 422, "deliverable.transmittal_settled").await;
    assert_eq!(problem.errors[0].field, "transmittalId");
}

#[tokio::test]
async fn a_transmittal_less_than_four_weeks_before_the_parent_meeting_is_refused() {
    let f = fixture().await;
    let deliverable = f.drafted().await;
    f.decide(&deliverable, "agreedWithModifications").await;
    f.approved(&deliverable).await;

    let soon = fixtures::meeting(&f.app.platform, "tsag", 27).await;
    let problem = expect_problem(
        f.transmit(&f.chair, &deliverable, soon).await,
        422,
        "deliverable.too_late_for_parent_meeting",
    )
    .await;
    assert_eq!(problem.errors[0].field, "parentMeetingId");
    assert!(problem.detail.contains("27 days"), "{}", problem.detail);

    let own_meeting = fixtures::meeting(&f.app.platform, "fg-dfc", 60).await;
    let problem = expect_problem(
        f.transmit(&f.chair, &deliverable, own_meeting).await,
        422,
        "deliverable.meeting_not_of_parent_group",
    )
    .await;
    assert_eq!(problem.errors[0].field, "parentMeetingId");
    let problem = expect_problem(
        f.transmit(&f.chair, &deliverable, Uuid::now_v7()).await,
        422,
        "deliverable.parent_meeting_not_found",
    )
    .await;
    assert_eq!(problem.errors[0].field, "parentMeetingId");

    let four_weeks = fixtures::meeting(&f.app.platform, "tsag", 28).await;
    assert_eq!(
        f.transmit(&f.chair, &deliverable, four_weeks)
            .await
            .status(),
        201
    );
}

#[tokio::test]
async fn a_returned_deliverable_needs_a_new_draft_and_a_new_decision() {
    let f = fixture().await;
    let deliverable = f.drafted().await;
    f.decide(&deliverable, "agreed").await;
    f.approved(&deliverable).await;
    let transmitted: Value = f
        .transmit(&f.chair, &deliverable, f.tsag_meeting)
        .await
        .json()
        .await
        .unwrap();
    let transmittal = transmitted["transmittalId"].as_str().unwrap();
    let path = format!("/api/deliverables/{deliverable}/transmittals/{transmittal}/return");
    let problem = expect_problem(
        f.post(&f.tsag_member, &path, json!({"reason": ""})).await,
        422,
        "input.blank",
    )
    .await;
    assert_eq!(problem.errors[0].field, "reason");
    assert_eq!(
        f.post(
            &f.tsag_member,
            &path,
            json!({"reason": "Align with X.1250"})
        )
        .await
        .status(),
        200
    );

    expect_problem(
        f.transmit(&f.chair, &deliverable, f.tsag_meeting).await,
        422,
        "deliverable.not_approved",
    )
    .await;
    assert_eq!(
        f.publish(&f.editor, &deliverable, "Draft two")
            .await
            .status(),
        201
    );
    let second = f.decide(&deliverable, "agreed").await;
    for _ in 0..200 {
        if f.approvals(&deliverable).await.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let approvals = f.approvals(&deliverable).await;
    assert_eq!(approvals.len(), 2);
    assert_eq!(
        approvals[1].id,
        routing::approval_event_id(second.parse().unwrap(), 0)
    );
    let retransmitted: Value = f
        .transmit(&f.chair, &deliverable, f.tsag_meeting)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(retransmitted["version"], 2);
}

#[tokio::test]
async fn decisions_that_do_not_approve_and_a_restarted_reactor_record_nothing() {
    let f = fixture().await;
    let deliverable = f.drafted().await;
    f.decide(&deliverable, "furtherStudy").await;
    let approving = f.decide(&deliverable, "agreed").await;
    let approvals = f.approved(&deliverable).await;
    assert_eq!(approvals.len(), 1, "only the approving decision approves");
    assert_eq!(
        approvals[0].id,
        routing::approval_event_id(approving.parse().unwrap(), 0)
    );

    let head = f.app.head().await;
    routing::catch_up(&f.app.platform).await.unwrap();
    routing::catch_up(&f.app.platform).await.unwrap();
    assert_eq!(
        f.app.head().await,
        head,
        "replaying the whole log appended nothing"
    );
    assert_eq!(f.approvals(&deliverable).await.len(), 1);
}

#[tokio::test]
async fn transmitting_and_acknowledging_against_every_role() {
    let f = fixture().await;
    let deliverable = f.drafted().await;
    f.decide(&deliverable, "agreed").await;
    f.approved(&deliverable).await;
    let app = &f.app;
    let delegate = app.token("d", &[("fg-dfc", Role::Delegate)], false);
    let editor = app.token(
        "e",
        &[("fg-dfc", Role::Delegate), ("fg-dfc", Role::Editor)],
        false,
    );
    let secretariat = app.token("s", &[], true);
    let other_group = app.token("o", &[("dcgi", Role::Chair)], false);

    let transmit = format!("/api/deliverables/{deliverable}/transmittals");
    let refused = [
        ("delegate", Some(delegate.as_str()), 403),
        ("editor", Some(editor.as_str()), 403),
        ("secretariat", Some(secretariat.as_str()), 403),
        ("parent-group member", Some(f.tsag_member.as_str()), 403),
        ("member of another group", Some(other_group.as_str()), 403),
        ("anonymous", None, 401),
    ];
    for (role, token, expected) in refused {
        let status = app
            .post(
                token,
                &transmit,
                &json!({"parentMeetingId": f.tsag_meeting}),
            )
            .await
            .status();
        assert_eq!(status.as_u16(), expected, "transmit as {role}");
    }
    let transmitted = app
        .post(
            f.chair.as_str(),
            &transmit,
            &json!({"parentMeetingId": f.tsag_meeting}),
        )
        .await;
    assert_eq!(transmitted.status(), 201, "transmit as chair");
    let transmitted: Value = transmitted.json().await.unwrap();
    let transmittal = transmitted["transmittalId"].as_str().unwrap();

    let acknowledge =
        format!("/api/deliverables/{deliverable}/transmittals/{transmittal}/acknowledgement");
    let refused = [
        ("delegate", Some(delegate.as_str()), 403),
        ("editor", Some(editor.as_str()), 403),
        ("chair", Some(f.chair.as_str()), 403),
        ("secretariat", Some(secretariat.as_str()), 403),
        ("member of another group", Some(other_group.as_str()), 403),
        ("anonymous", None, 401),
    ];
    for (role, token, expected) in refused {
        let status = app.post(token, &acknowledge, &json!({})).await.status();
        assert_eq!(status.as_u16(), expected, "acknowledge as {role}");
    }
    let acknowledged = app
        .post(f.tsag_member.as_str(), &acknowledge, &json!({}))
        .await;
    assert_eq!(
        acknowledged.status(),
        200,
        "acknowledge as parent-group member"
    );
}

#[tokio::test]
async fn a_correction_that_no_longer_approves_withdraws_the_approval_before_transmittal() {
    let f = fixture().await;
    let Approved {
        deliverable,
        call,
        decision,
    } = f.drafted_and_approved().await;

    let correction = f.correct(&call, &decision, "furtherStudy").await;
    let withdrawn = f
        .routed(&deliverable, "DeliverableApprovalWithdrawn", 1)
        .await;
    assert_eq!(withdrawn.len(), 1);
    let correction_id: Uuid = correction.parse().unwrap();
    assert_eq!(
        withdrawn[0].id,
        routing::approval_event_id(correction_id, 0)
    );
    let payload: Value = serde_json::from_str(withdrawn[0].payload.get()).unwrap();
    assert_eq!(payload["decisionId"], decision.as_str());
    assert_eq!(payload["correctedBy"], correction.as_str());
    expect_problem(
        f.transmit(&f.chair, &deliverable, f.tsag_meeting).await,
        422,
        "deliverable.not_approved",
    )
    .await;

    routing::catch_up(&f.app.platform).await.unwrap();
    assert_eq!(
        f.events_of_type(&deliverable, "DeliverableApprovalWithdrawn")
            .await
            .len(),
        1,
        "replaying the log withdraws nothing twice"
    );
    f.decide(&deliverable, "agreed").await;
    f.routed(&deliverable, "DeliverableApproved", 2).await;
    assert_eq!(
        f.transmit(&f.chair, &deliverable, f.tsag_meeting)
            .await
            .status(),
        201,
        "a new decision approves it again"
    );
}

#[tokio::test]
async fn a_correction_after_transmittal_leaves_the_sent_approval_in_force() {
    let f = fixture().await;
    let approved = f.drafted_and_approved().await;
    let deliverable = &approved.deliverable;
    assert_eq!(
        f.transmit(&f.chair, deliverable, f.tsag_meeting)
            .await
            .status(),
        201
    );
    f.correct(&approved.call, &approved.decision, "notAgreed")
        .await;
    routing::catch_up(&f.app.platform).await.unwrap();
    assert!(
        f.events_of_type(deliverable, "DeliverableApprovalWithdrawn")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_correction_that_approves_approves_the_deliverable() {
    let f = fixture().await;
    let deliverable = f.drafted().await;
    let call = json!({
        "groupId": "fg-dfc",
        "subject": {"kind": "deliverable", "id": deliverable, "version": 1},
        "question": "Can the meeting agree draft 1?",
        "closesAt": Utc::now() + chrono::Duration::hours(2),
    });
    let opened: Value = f
        .post(&f.chair, "/api/consensus-calls", call)
        .await
        .json()
        .await
        .unwrap();
    let call_id = opened["callId"].as_str().unwrap();
    let recorded: Value = f
        .post(
            &f.chair,
            &format!("/api/consensus-calls/{call_id}/decision"),
            json!({"outcome": "notAgreed", "summary": "Not agreed"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let correction = json!({
        "corrects": recorded["decisionId"],
        "outcome": "agreed",
        "summary": "Agreed",
        "reason": "The minutes misrecorded the outcome",
    });
    let corrected = f
        .post(
            &f.chair,
            &format!("/api/consensus-calls/{call_id}/corrections"),
            correction,
        )
        .await;
    assert_eq!(corrected.status(), 201);
    let corrected: Value = corrected.json().await.unwrap();

    let approvals = f.approved(&deliverable).await;
    assert_eq!(
        approvals.len(),
        1,
        "the decision that did not approve approved nothing"
    );
    let correction_id = corrected["decisionId"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        approvals[0].id,
        routing::approval_event_id(correction_id, 0)
    );
    assert_eq!(
        f.transmit(&f.chair, &deliverable, f.tsag_meeting)
            .await
            .status(),
        201
    );
}
