//! The comments service over HTTP: a real server on a free port over a temporary SQLite log.

use domain::comments::Thread;
use domain::events::{CommentEvent, Subject};
use domain::policy::Role;
use domain::streams;
use platform::testing::{TestApp, expect_problem, fixtures};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

const DELEGATE: &str = "li.wei";
const OTHER_DELEGATE: &str = "ana.silva";
const CHAIR: &str = "david.wen";

struct Fixture {
    app: TestApp,
    delegate: String,
    other_delegate: String,
    chair: String,
    contribution_id: Uuid,
}

async fn fixture() -> Fixture {
    let app = TestApp::spawn(vec![comments_service::service()]).await;
    fixtures::groups(&app.platform, &[DELEGATE, OTHER_DELEGATE], CHAIR).await;
    let meeting_id = fixtures::meeting(&app.platform, "fg-dfc", 40).await;
    let contribution_id = fixtures::contribution(&app.platform, meeting_id, DELEGATE).await;
    Fixture {
        delegate: app.token(DELEGATE, &[("fg-dfc", Role::Delegate)], false),
        other_delegate: app.token(OTHER_DELEGATE, &[("fg-dfc", Role::Delegate)], false),
        chair: app.token(CHAIR, &[("fg-dfc", Role::Chair)], false),
        app,
        contribution_id,
    }
}

async fn send(
    app: &TestApp,
    method: Method,
    token: &str,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

async fn ok(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status().as_u16(), status);
    response.json().await.unwrap()
}

impl Fixture {
    async fn open(&self, token: &str, text: &str) -> (String, String) {
        let body = json!({
            "groupId": "fg-dfc",
            "subject": {"kind": "contribution", "id": self.contribution_id},
            "text": text,
        });
        let answer = ok(
            send(&self.app, Method::POST, token, "/api/threads", Some(body)).await,
            201,
        )
        .await;
        (
            answer["threadId"].as_str().unwrap().into(),
            answer["commentId"].as_str().unwrap().into(),
        )
    }

    async fn reply(&self, token: &str, thread: &str, to: &str, text: &str) -> reqwest::Response {
        let body = json!({"inReplyTo": to, "text": text});
        send(
            &self.app,
            Method::POST,
            token,
            &format!("/api/threads/{thread}/replies"),
            Some(body),
        )
        .await
    }

    async fn events(&self, thread: &str) -> Vec<CommentEvent> {
        self.app
            .history::<Thread>(&streams::thread(thread.parse().unwrap()))
            .await
    }
}

#[tokio::test]
async fn a_delegate_opens_a_thread_on_a_contribution_and_another_replies() {
    let f = fixture().await;
    let (thread, first) = f
        .open(&f.delegate, "Section 3 should cite the survey.")
        .await;
    let answer = ok(
        f.reply(
            &f.other_delegate,
            &thread,
            &first,
            "Agreed, with the 2017 figures.",
        )
        .await,
        201,
    )
    .await;
    assert_eq!(answer["threadId"], thread.as_str());
    assert_eq!(answer["stream"], format!("thread-{thread}"));
    assert_eq!(answer["revision"], 1);
    assert!(answer["position"].is_string());

    let events = f.events(&thread).await;
    let [
        CommentEvent::CommentPosted(opening),
        CommentEvent::CommentPosted(reply),
    ] = events.as_slice()
    else {
        panic!("expected two comments, got {events:?}");
    };
    assert_eq!(opening.author, DELEGATE);
    assert_eq!(opening.in_reply_to, None);
    assert_eq!(
        opening.subject,
        Subject::Contribution {
            id: f.contribution_id
        }
    );
    assert_eq!(reply.author, OTHER_DELEGATE);
    assert_eq!(reply.in_reply_to, Some(first.parse().unwrap()));
    assert_eq!(
        reply.comment_id.to_string(),
        answer["commentId"].as_str().unwrap()
    );
}

#[tokio::test]
async fn an_edit_keeps_the_earlier_text_in_the_log_and_is_for_the_author_only() {
    let f = fixture().await;
    let (thread, comment) = f.open(&f.delegate, "First wording").await;
    let path = format!("/api/threads/{thread}/comments/{comment}");

    let refused = send(
        &f.app,
        Method::PUT,
        &f.other_delegate,
        &path,
        Some(json!({"text": "Hijacked"})),
    )
    .await;
    expect_problem(refused, 403, "auth.forbidden").await;
    ok(
        send(
            &f.app,
            Method::PUT,
            &f.delegate,
            &path,
            Some(json!({"text": "Second wording"})),
        )
        .await,
        200,
    )
    .await;
    let unchanged = send(
        &f.app,
        Method::PUT,
        &f.delegate,
        &path,
        Some(json!({"text": "Second wording"})),
    )
    .await;
    let problem = expect_problem(unchanged, 422, "comment.unchanged").await;
    assert_eq!(problem.errors[0].field, "text");

    let events = f.events(&thread).await;
    assert!(
        matches!(&events[0], CommentEvent::CommentPosted(posted) if posted.text == "First wording")
    );
    assert!(
        matches!(&events[1], CommentEvent::CommentEdited(edited) if edited.text == "Second wording")
    );
    assert_eq!(events.len(), 2);
}

#[tokio::test]
async fn a_retraction_leaves_a_tombstone_that_cannot_be_answered() {
    let f = fixture().await;
    let (thread, comment) = f.open(&f.delegate, "A comment to withdraw").await;
    let path = format!("/api/threads/{thread}/comments/{comment}");

    expect_problem(
        send(&f.app, Method::DELETE, &f.other_delegate, &path, None).await,
        403,
        "auth.forbidden",
    )
    .await;
    ok(
        send(&f.app, Method::DELETE, &f.delegate, &path, None).await,
        200,
    )
    .await;
    let again = send(&f.app, Method::DELETE, &f.delegate, &path, None).await;
    expect_problem(again, 422, "comment.retracted").await;
    let problem = expect_problem(
        f.reply(&f.other_delegate, &thread, &comment, "Too late")
            .await,
        422,
        "comment.reply_target_retracted",
    )
    .await;
    assert_eq!(problem.errors[0].field, "inReplyTo");

    let events = f.events(&thread).await;
    assert!(
        matches!(&events[1], CommentEvent::CommentRetracted(retracted) if retracted.comment_id.to_string() == comment)
    );
    assert!(
        matches!(&events[0], CommentEvent::CommentPosted(posted) if posted.text == "A comment to withdraw")
    );
}

#[tokio::test]
async fn the_chair_may_retract_another_persons_comment() {
    let f = fixture().await;
    let (thread, comment) = f.open(&f.delegate, "Off-topic remark").await;
    let path = format!("/api/threads/{thread}/comments/{comment}");
    ok(
        send(&f.app, Method::DELETE, &f.chair, &path, None).await,
        200,
    )
    .await;
    assert!(matches!(
        f.events(&thread).await[1],
        CommentEvent::CommentRetracted(_)
    ));
}

#[tokio::test]
async fn only_the_thread_author_or_the_chair_resolves_and_a_resolved_thread_takes_no_reply() {
    let f = fixture().await;
    let (thread, comment) = f.open(&f.delegate, "Is clause 4 needed?").await;
    let path = format!("/api/threads/{thread}/resolution");
    let body = json!({"resolution": "Clause 4 stays"});

    expect_problem(
        send(
            &f.app,
            Method::POST,
            &f.other_delegate,
            &path,
            Some(body.clone()),
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;
    let answer = ok(
        send(&f.app, Method::POST, &f.chair, &path, Some(body.clone())).await,
        200,
    )
    .await;
    assert_eq!(answer["resolved"], true);
    expect_problem(
        send(&f.app, Method::POST, &f.delegate, &path, Some(body)).await,
        422,
        "comment.thread_resolved",
    )
    .await;
    expect_problem(
        f.reply(&f.other_delegate, &thread, &comment, "One more thing")
            .await,
        422,
        "comment.thread_resolved",
    )
    .await;

    let (own_thread, _) = f.open(&f.delegate, "My own question").await;
    let own = format!("/api/threads/{own_thread}/resolution");
    ok(
        send(&f.app, Method::POST, &f.delegate, &own, Some(json!({}))).await,
        200,
    )
    .await;
}

#[tokio::test]
async fn a_thread_needs_an_existing_subject_of_its_own_group() {
    let f = fixture().await;
    let missing = json!({"groupId": "fg-dfc", "subject": {"kind": "contribution", "id": Uuid::now_v7()}, "text": "?"});
    let problem = expect_problem(
        send(
            &f.app,
            Method::POST,
            &f.delegate,
            "/api/threads",
            Some(missing),
        )
        .await,
        422,
        "subject.not_found",
    )
    .await;
    assert_eq!(problem.errors[0].field, "subject");

    let meeting_id = fixtures::meeting(&f.app.platform, "fg-dfc", 40).await;
    let agenda_item = |item: &str| {
        serde_json::to_value(Subject::AgendaItem {
            meeting_id,
            item: item.into(),
        })
        .unwrap()
    };
    let no_item = json!({"groupId": "fg-dfc", "subject": agenda_item("9"), "text": "?"});
    let problem = expect_problem(
        send(
            &f.app,
            Method::POST,
            &f.delegate,
            "/api/threads",
            Some(no_item),
        )
        .await,
        422,
        "subject.not_found",
    )
    .await;
    assert_eq!(problem.errors[0].field, "subject.item");
    let item = json!({"groupId": "fg-dfc", "subject": agenda_item("2"), "text": "On item 2"});
    ok(
        send(
            &f.app,
            Method::POST,
            &f.delegate,
            "/api/threads",
            Some(item),
        )
        .await,
        201,
    )
    .await;

    let deliverable_id = fixtures::deliverable(&f.app.platform, "fg-dfc").await;
    let no_draft = json!({"groupId": "fg-dfc", "subject": {"kind": "deliverable", "id": deliverable_id, "version": 3}, "text": "?"});
    let problem = expect_problem(
        send(
            &f.app,
            Method::POST,
            &f.delegate,
            "/api/threads",
            Some(no_draft),
        )
        .await,
        422,
        "subject.not_found",
    )
    .await;
    assert_eq!(problem.errors[0].field, "subject.version");
    let whole = json!({"groupId": "fg-dfc", "subject": {"kind": "deliverable", "id": deliverable_id, "version": null}, "text": "On the scope"});
    ok(
        send(
            &f.app,
            Method::POST,
            &f.delegate,
            "/api/threads",
            Some(whole),
        )
        .await,
        201,
    )
    .await;

    let elsewhere = app_token_in_dcgi(&f);
    let foreign = json!({"groupId": "dcgi", "subject": {"kind": "contribution", "id": f.contribution_id}, "text": "?"});
    let problem = expect_problem(
        send(
            &f.app,
            Method::POST,
            &elsewhere,
            "/api/threads",
            Some(foreign),
        )
        .await,
        422,
        "subject.of_other_group",
    )
    .await;
    assert_eq!(problem.errors[0].field, "subject");
}

fn app_token_in_dcgi(f: &Fixture) -> String {
    f.app
        .token("someone.else", &[("dcgi", Role::Delegate)], false)
}

#[tokio::test]
async fn bad_requests_are_problems_with_codes_and_fields() {
    let f = fixture().await;
    let body = json!({"groupId": "fg-dfc", "subject": {"kind": "contribution", "id": f.contribution_id}, "text": "Hello"});

    let anonymous = f.app.post(None, "/api/threads", &body).await;
    expect_problem(anonymous, 401, "unauthenticated").await;
    let outsider = app_token_in_dcgi(&f);
    expect_problem(
        send(
            &f.app,
            Method::POST,
            &outsider,
            "/api/threads",
            Some(body.clone()),
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;

    let mut blank = body.clone();
    blank["text"] = json!("   ");
    let problem = expect_problem(
        send(
            &f.app,
            Method::POST,
            &f.delegate,
            "/api/threads",
            Some(blank),
        )
        .await,
        422,
        "input.blank",
    )
    .await;
    assert_eq!(problem.errors[0].field, "text");

    let no_text =
        json!({"groupId": "fg-dfc", "subject": {"kind": "contribution", "id": f.contribution_id}});
    let problem = expect_problem(
        send(
            &f.app,
            Method::POST,
            &f.delegate,
            "/api/threads",
            Some(no_text),
        )
        .await,
        400,
        "invalid_field",
    )
    .await;
    assert_eq!(problem.errors[0].field, "text");

    let unknown = format!("/api/threads/{}/replies", Uuid::now_v7());
    let reply = json!({"inReplyTo": Uuid::now_v7(), "text": "Hello"});
    expect_problem(
        send(&f.app, Method::POST, &f.delegate, &unknown, Some(reply)).await,
        404,
        "comment.thread_not_found",
    )
    .await;

    let (thread, _) = f.open(&f.delegate, "Hello").await;
    let path = format!("/api/threads/{thread}/comments/{}", Uuid::now_v7());
    expect_problem(
        send(
            &f.app,
            Method::PUT,
            &f.delegate,
            &path,
            Some(json!({"text": "x"})),
        )
        .await,
        404,
        "comment.not_found",
    )
    .await;
    let stray = f
        .reply(
            &f.delegate,
            &thread,
            &Uuid::now_v7().to_string(),
            "To nothing",
        )
        .await;
    let problem = expect_problem(stray, 422, "comment.reply_target_not_found").await;
    assert_eq!(problem.errors[0].field, "inReplyTo");
}

#[tokio::test]
async fn a_retried_request_gets_the_first_answer_and_appends_nothing() {
    let f = fixture().await;
    let (thread, comment) = f.open(&f.delegate, "Opening").await;
    let post = || {
        f.app
            .client
            .post(f.app.url(&format!("/api/threads/{thread}/replies")))
            .bearer_auth(&f.other_delegate)
            .header("Idempotency-Key", "reply-1")
            .json(&json!({"inReplyTo": comment, "text": "Once only"}))
    };
    let first = post().send().await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let head = f.app.head().await;
    let second = post().send().await.unwrap();
    assert_eq!(second.status(), 201);
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    assert_eq!(second.json::<Value>().await.unwrap(), first);
    assert_eq!(f.app.head().await, head);
    assert_eq!(f.events(&thread).await.len(), 2);
}

#[tokio::test]
async fn a_stale_if_match_is_refused_with_412() {
    let f = fixture().await;
    let (thread, comment) = f.open(&f.delegate, "Opening").await;
    ok(
        f.reply(
            &f.other_delegate,
            &thread,
            &comment,
            "A reply moves the thread on",
        )
        .await,
        201,
    )
    .await;
    let stale = f
        .app
        .client
        .put(
            f.app
                .url(&format!("/api/threads/{thread}/comments/{comment}")),
        )
        .bearer_auth(&f.delegate)
        .header("If-Match", "\"0\"")
        .json(&json!({"text": "Edited"}))
        .send()
        .await
        .unwrap();
    expect_problem(stale, 412, "precondition_failed").await;
    assert_eq!(f.events(&thread).await.len(), 2);
}

#[tokio::test]
async fn opening_a_thread_against_every_role() {
    let f = fixture().await;
    let app = &f.app;
    let matrix = [
        (
            "delegate",
            Some(app.token("d", &[("fg-dfc", Role::Delegate)], false)),
            201,
        ),
        (
            "editor",
            Some(app.token("e", &[("fg-dfc", Role::Editor)], false)),
            201,
        ),
        (
            "chair",
            Some(app.token("c", &[("fg-dfc", Role::Chair)], false)),
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
    let body = json!({"groupId": "fg-dfc", "subject": {"kind": "contribution", "id": f.contribution_id}, "text": "A view"});
    for (role, token, expected) in matrix {
        let response = app.post(token.as_deref(), "/api/threads", &body).await;
        assert_eq!(response.status().as_u16(), expected, "{role}");
    }
}
