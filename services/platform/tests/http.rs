//! The platform over real HTTP: a server on a free port with a temporary SQLite log, a small
//! route that establishes groups through the executor, and reqwest as the client.

use actix_web::{HttpResponse, post, web};
use domain::events::{GroupKind, Visibility};
use domain::groups::{EstablishGroup, Group, GroupCommand, RegisterParticipant};
use domain::policy::Role;
use platform::testing::{TestApp, expect_problem};
use platform::{ApiError, Authenticated, Json, Platform, Receipt, Reply, Service, WriteRequest};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewGroup {
    group_id: String,
    name: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewParticipant {
    person: String,
}

#[derive(Debug, Serialize)]
struct Answer {
    group_id: String,
    #[serde(flatten)]
    receipt: Receipt,
}

#[post("/test/groups")]
async fn establish(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    body: Json<NewGroup>,
) -> Result<HttpResponse, ApiError> {
    if !who.secretariat {
        return Err(ApiError::forbidden(
            "forbidden",
            "only the secretariat establishes groups",
        ));
    }
    platform
        .write(&who, &write, &*body, async |writer| {
            let done = writer
                .execute::<Group>(&domain::streams::group(&body.group_id), |_| {
                    Ok(GroupCommand::Establish(EstablishGroup {
                        group_id: body.group_id.clone(),
                        name: body.name.clone(),
                        acronym: "TSAG".into(),
                        document_prefix: "TSAG".into(),
                        kind: GroupKind::ParentGroup,
                        parent: None,
                        visibility: Visibility::Public,
                        established_on: chrono::NaiveDate::from_ymd_opt(2017, 5, 1).unwrap(),
                        terms_of_reference: None,
                    }))
                })
                .await?;
            Reply::created(Answer {
                group_id: body.group_id.clone(),
                receipt: done.receipt(),
            })
        })
        .await
}

#[post("/test/groups/{group_id}/participants")]
async fn register(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    group_id: web::Path<String>,
    body: Json<NewParticipant>,
) -> Result<HttpResponse, ApiError> {
    platform
        .write(&who, &write, &*body, async |writer| {
            let done = writer
                .execute::<Group>(&domain::streams::group(&group_id), |_| {
                    Ok(GroupCommand::RegisterParticipant(RegisterParticipant {
                        person: body.person.clone(),
                        display_name: body.person.clone(),
                        organisation: "Org".into(),
                        category: domain::events::MembershipCategory::Individual,
                        country: None,
                    }))
                })
                .await?;
            Reply::created(Answer {
                group_id: group_id.clone(),
                receipt: done.receipt(),
            })
        })
        .await
}

fn test_service() -> Service {
    Service::new(
        "test",
        |cfg| {
            cfg.service(establish)
                .service(register)
                .service(web::resource("/test/only-get").route(web::get().to(HttpResponse::Ok)));
        },
        utoipa::openapi::OpenApi::default(),
    )
}

async fn spawn() -> (TestApp, String) {
    let app = TestApp::spawn(vec![test_service()]).await;
    let token = app.token("tsb.secretariat", &[], true);
    (app, token)
}

#[tokio::test]
async fn a_write_answers_with_revision_position_and_etag() {
    let (app, token) = spawn().await;
    let response = app
        .client
        .post(app.url("/test/groups"))
        .bearer_auth(&token)
        .json(&json!({"groupId": "tsag", "name": "TSAG"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["etag"], "\"0\"");
    let position = response.headers()["plenary-position"]
        .to_str()
        .unwrap()
        .to_string();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["stream"], "group-tsag");
    assert_eq!(body["revision"], 0);
    assert_eq!(body["position"], position.as_str());
    assert_eq!(app.head().await, Some(position));
}

#[tokio::test]
async fn without_a_token_the_answer_is_401_problem_json() {
    let (app, _) = spawn().await;
    let response = app
        .client
        .post(app.url("/test/groups"))
        .json(&json!({"groupId": "tsag", "name": "TSAG"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    expect_problem(response, 401, "unauthenticated").await;
}

#[tokio::test]
async fn a_token_signed_with_another_key_is_401() {
    let (app, _) = spawn().await;
    let other = TestApp::spawn(vec![]).await;
    let foreign = other.token("tsb.secretariat", &[], true);
    let response = app
        .client
        .post(app.url("/test/groups"))
        .bearer_auth(foreign)
        .json(&json!({"groupId": "tsag", "name": "TSAG"}))
        .send()
        .await
        .unwrap();
    expect_problem(response, 401, "unauthenticated").await;
}

#[tokio::test]
async fn a_route_refusing_the_caller_answers_403_problem_json() {
    let (app, _) = spawn().await;
    let delegate = app.token("li.wei", &[("fg-dfc", Role::Delegate)], false);
    let response = app
        .client
        .post(app.url("/test/groups"))
        .bearer_auth(delegate)
        .json(&json!({"groupId": "tsag", "name": "TSAG"}))
        .send()
        .await
        .unwrap();
    expect_problem(response, 403, "forbidden").await;
    assert_eq!(app.head().await, None);
}

#[tokio::test]
async fn a_wrongly_typed_field_is_400_naming_the_field() {
    let (app, token) = spawn().await;
    let response = app
        .client
        .post(app.url("/test/groups"))
        .bearer_auth(&token)
        .json(&json!({"groupId": "tsag", "name": 42}))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(response, 400, "invalid_field").await;
    assert_eq!(problem.errors[0].field, "name");
}

#[tokio::test]
async fn a_domain_refusal_is_422_with_its_code_and_field() {
    let (app, token) = spawn().await;
    let response = app
        .client
        .post(app.url("/test/groups"))
        .bearer_auth(&token)
        .json(&json!({"groupId": "Not An Id", "name": "TSAG"}))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(response, 422, "group.invalid_id").await;
    assert_eq!(problem.errors[0].field, "groupId");
    assert_eq!(app.head().await, None);
}

#[tokio::test]
async fn an_unknown_route_is_404_problem_json() {
    let (app, _) = spawn().await;
    let response = app
        .client
        .get(app.url("/api/nothing-here"))
        .send()
        .await
        .unwrap();
    expect_problem(response, 404, "route_not_found").await;
}

#[tokio::test]
async fn a_retried_request_gets_the_first_answer_and_appends_nothing() {
    let (app, token) = spawn().await;
    let send = || {
        app.client
            .post(app.url("/test/groups"))
            .bearer_auth(&token)
            .header("Idempotency-Key", "establish-tsag-1")
            .json(&json!({"groupId": "tsag", "name": "TSAG"}))
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), 201);
    let first_body: Value = first.json().await.unwrap();
    let head = app.head().await;

    let second = send().await.unwrap();
    assert_eq!(second.status(), 201);
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    let second_body: Value = second.json().await.unwrap();
    assert_eq!(first_body, second_body);
    assert_eq!(app.head().await, head);
}

#[tokio::test]
async fn a_key_reused_for_another_request_is_422() {
    let (app, token) = spawn().await;
    let send = |name: &str| {
        app.client
            .post(app.url("/test/groups"))
            .bearer_auth(&token)
            .header("Idempotency-Key", "key-1")
            .json(&json!({"groupId": "tsag", "name": name}))
            .send()
    };
    assert_eq!(send("TSAG").await.unwrap().status(), 201);
    let head = app.head().await;
    expect_problem(
        send("Something else").await.unwrap(),
        422,
        "idempotency_key_reused",
    )
    .await;
    assert_eq!(app.head().await, head);
}

#[tokio::test]
async fn without_a_key_a_repeated_command_is_refused_by_the_domain() {
    let (app, token) = spawn().await;
    let send = || {
        app.client
            .post(app.url("/test/groups"))
            .bearer_auth(&token)
            .json(&json!({"groupId": "tsag", "name": "TSAG"}))
            .send()
    };
    assert_eq!(send().await.unwrap().status(), 201);
    expect_problem(send().await.unwrap(), 422, "group.already_established").await;
}

#[tokio::test]
async fn if_match_with_a_stale_revision_is_412_and_appends_nothing() {
    let (app, token) = spawn().await;
    let created = app
        .client
        .post(app.url("/test/groups"))
        .bearer_auth(&token)
        .json(&json!({"groupId": "tsag", "name": "TSAG"}))
        .send()
        .await
        .unwrap();
    let etag = created.headers()["etag"].to_str().unwrap().to_string();
    let register_with = |person: &str, revision: &str| {
        app.client
            .post(app.url("/test/groups/tsag/participants"))
            .bearer_auth(&token)
            .header("If-Match", revision.to_string())
            .json(&json!({"person": person}))
            .send()
    };
    let first = register_with("a", &etag).await.unwrap();
    assert_eq!(first.status(), 201);
    assert_eq!(first.headers()["etag"], "\"1\"");
    let head = app.head().await;
    expect_problem(
        register_with("b", &etag).await.unwrap(),
        412,
        "precondition_failed",
    )
    .await;
    assert_eq!(app.head().await, head);
}

#[tokio::test]
async fn a_malformed_if_match_is_400_naming_the_header() {
    let (app, token) = spawn().await;
    let response = app
        .client
        .post(app.url("/test/groups"))
        .bearer_auth(&token)
        .header("If-Match", "yesterday")
        .json(&json!({"groupId": "tsag", "name": "TSAG"}))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(response, 400, "invalid_header").await;
    assert_eq!(problem.errors[0].field, "header:if-match");
}

#[tokio::test]
async fn an_oversized_body_is_413_problem_json() {
    let app = TestApp::spawn_with(vec![test_service()], |settings| {
        settings.limits.json_body_bytes = 1024
    })
    .await;
    let token = app.token("tsb.secretariat", &[], true);
    let response = app
        .client
        .post(app.url("/test/groups"))
        .bearer_auth(&token)
        .json(&json!({"groupId": "tsag", "name": "x".repeat(4096)}))
        .send()
        .await
        .unwrap();
    expect_problem(response, 413, "payload_too_large").await;
    assert_eq!(app.head().await, None);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let (app, token) = spawn().await;
    let response = app
        .client
        .post(app.url("/test/groups"))
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body("groupId=tsag")
        .send()
        .await
        .unwrap();
    expect_problem(response, 415, "unsupported_media_type").await;
}

#[tokio::test]
async fn openapi_and_docs_are_served() {
    let (app, _) = spawn().await;
    let openapi: Value = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(openapi["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(openapi["paths"]["/health"].is_object());
    assert!(openapi["components"]["securitySchemes"]["bearer"].is_object());
    let docs = app.client.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"));
}

#[tokio::test]
async fn an_error_actix_answers_by_itself_is_problem_json_too() {
    let (app, _) = spawn().await;
    let response = app
        .client
        .put(app.url("/test/only-get"))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(response, 405, "method_not_allowed").await;
    assert!(problem.detail.contains("/test/only-get"));
}
