//! The query service over real HTTP: a temporary SQLite log holding real events, the service
//! on a free port, reqwest for queries and tokio-tungstenite for subscriptions.

mod common;

use std::time::Duration;

use chrono::Utc;
use domain::events::*;
use domain::policy::Role;
use domain::streams;
use eventlog::{Actor, ExpectedRevision, NewEvent, Position, StreamId};
use futures::{SinkExt, StreamExt};
use query_service::GraphqlSettings;

use common::{Served, day, deliverable_defined, registered};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use uuid::Uuid;

const MEETING: Uuid = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001);
const CONTRIBUTION: Uuid = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0002);
const THREAD: Uuid = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0003);
const CALL: Uuid = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0004);
const DECISION: Uuid = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0005);
const DELIVERABLE: Uuid = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0006);
const TRANSMITTAL: Uuid = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0007);

/// The query service on a temporary log; this file adds the GraphQL calls its tests make.
type TestQuery = Served;

impl Served {
    async fn spawn() -> Self {
        Self::spawn_with(GraphqlSettings {
            at_least_wait_ms: 300,
            ..GraphqlSettings::default()
        })
        .await
    }

    async fn spawn_with(graphql: GraphqlSettings) -> Self {
        Self::start(&graphql).await
    }

    /// POSTs a query; answers the whole GraphQL response.
    async fn query(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(format!("http://{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap().json().await.unwrap()
    }
}

fn error_code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {response}"))
}

fn document(sha: char) -> DocumentRef {
    DocumentRef {
        sha256: sha.to_string().repeat(64),
        size: 2048,
        media_type: "application/pdf".into(),
        file_name: "doc.pdf".into(),
    }
}

fn established(group: &str, parent: Option<&str>, visibility: Visibility) -> Event {
    Event::Group(GroupEvent::GroupEstablished(GroupEstablished {
        group_id: group.into(),
        name: format!("Group {group}"),
        acronym: group.to_uppercase(),
        document_prefix: "DFC".into(),
        kind: if parent.is_some() {
            GroupKind::FocusGroup
        } else {
            GroupKind::ParentGroup
        },
        parent_id: parent.map(Into::into),
        visibility,
        established_on: day("2017-05-04"),
        terms_of_reference: Some(TermsOfReference {
            objectives: vec!["Study digital fiat currency".into()],
            tasks: vec!["Terminology".into()],
            deliverables: vec!["Terminology and taxonomy".into()],
            lifetime_months: 24,
        }),
    }))
}

fn comment(group: &str, subject: Uuid, author: &str, text: &str) -> Event {
    Event::Comment(CommentEvent::CommentPosted(CommentPosted {
        thread_id: THREAD,
        comment_id: Uuid::now_v7(),
        group_id: group.into(),
        subject: Subject::Contribution { id: subject },
        in_reply_to: None,
        author: author.into(),
        text: text.into(),
        posted_at: Utc::now(),
    }))
}

/// TSAG over FG DFC (members only; alice) and DCGI (public; bob); a meeting and alice's
/// contribution; a thread; a deliverable drafted on the contribution, approved by consensus
/// and transmitted to TSAG.
async fn fg_dfc_story(app: &TestQuery) -> Position {
    app.append(
        &streams::group("tsag"),
        established("tsag", None, Visibility::Public),
    )
    .await;
    app.append(
        &streams::group("fg-dfc"),
        established("fg-dfc", Some("tsag"), Visibility::MembersOnly),
    )
    .await;
    app.append(
        &streams::group("dcgi"),
        established("dcgi", Some("tsag"), Visibility::Public),
    )
    .await;
    app.append(&streams::group("fg-dfc"), registered("fg-dfc", "alice"))
        .await;
    app.append(&streams::group("dcgi"), registered("dcgi", "bob"))
        .await;
    app.append(
        &streams::group("fg-dfc"),
        Event::Group(GroupEvent::OfficerAppointed(OfficerAppointed {
            group_id: "fg-dfc".into(),
            person: "alice".into(),
            role: OfficerRole::Chair,
        })),
    )
    .await;
    app.append(
        &streams::meeting(MEETING),
        Event::Meeting(MeetingEvent::MeetingAnnounced(MeetingAnnounced {
            meeting_id: MEETING,
            group_id: "fg-dfc".into(),
            title: "First meeting of FG DFC".into(),
            starts_on: day("2017-10-13"),
            ends_on: day("2017-10-13"),
            venue: Some("IWEP/CASS, Beijing".into()),
            remote_participation: true,
            registration_deadline: None,
            contribution_deadline: day("2017-10-01"),
            agenda: vec![AgendaItem {
                id: "1".into(),
                title: "Terminology".into(),
            }],
            announced_on: day("2017-09-01"),
        })),
    )
    .await;
    app.append(
        &streams::contribution(CONTRIBUTION),
        Event::Contribution(ContributionEvent::ContributionSubmitted(
            ContributionSubmitted {
                contribution_id: CONTRIBUTION,
                group_id: "fg-dfc".into(),
                meeting_id: MEETING,
                agenda_item: "1".into(),
                number: "DFC-I-001".into(),
                title: "Terminology proposal".into(),
                source_organisations: vec!["eCurrency".into()],
                authors: vec!["alice".into()],
                document: document('a'),
                submitted_at: "2017-09-20T10:00:00Z".parse().unwrap(),
                late: false,
            },
        )),
    )
    .await;
    app.append(
        &streams::thread(THREAD),
        comment("fg-dfc", CONTRIBUTION, "alice", "Please review"),
    )
    .await;
    let subject = Subject::Deliverable {
        id: DELIVERABLE,
        version: Some(1),
    };
    let deliverable = streams::deliverable(DELIVERABLE);
    app.append(&deliverable, deliverable_defined(DELIVERABLE, "fg-dfc"))
        .await;
    app.append(
        &deliverable,
        Event::Deliverable(DeliverableEvent::DraftPublished(DraftPublished {
            deliverable_id: DELIVERABLE,
            version: 1,
            number: "DFC-O-001".into(),
            document: document('d'),
            builds_on: vec![CONTRIBUTION],
            note: None,
            published_at: "2017-10-14T10:00:00Z".parse().unwrap(),
        })),
    )
    .await;
    let consensus = streams::consensus(CALL);
    app.append(
        &consensus,
        Event::Consensus(ConsensusEvent::ConsensusCallOpened(ConsensusCallOpened {
            call_id: CALL,
            group_id: "fg-dfc".into(),
            subject: subject.clone(),
            question: "Approve the terminology?".into(),
            opened_at: "2017-10-15T09:00:00Z".parse().unwrap(),
            closes_at: "2017-10-15T17:00:00Z".parse().unwrap(),
        })),
    )
    .await;
    app.append(
        &consensus,
        Event::Consensus(ConsensusEvent::PositionStated(PositionStated {
            call_id: CALL,
            participant: "alice".into(),
            stance: Stance::Support,
            reason: None,
            stated_at: "2017-10-15T10:00:00Z".parse().unwrap(),
        })),
    )
    .await;
    app.append(
        &consensus,
        Event::Consensus(ConsensusEvent::DecisionRecorded(DecisionRecorded {
            call_id: CALL,
            decision_id: DECISION,
            group_id: "fg-dfc".into(),
            subject,
            outcome: Outcome::Agreed,
            summary: "Agreed".into(),
            objections: vec![ObjectionRecord {
                participant: "carol".into(),
                reason: "scope".into(),
                disposition: Disposition::Resolved,
                note: Some("scope clarified".into()),
            }],
            decided_at: "2017-10-15T16:00:00Z".parse().unwrap(),
        })),
    )
    .await;
    app.append(
        &deliverable,
        Event::Deliverable(DeliverableEvent::DeliverableApproved(DeliverableApproved {
            deliverable_id: DELIVERABLE,
            version: 1,
            call_id: CALL,
            decision_id: DECISION,
        })),
    )
    .await;
    app.append(
        &deliverable,
        Event::Deliverable(DeliverableEvent::DeliverableTransmitted(
            DeliverableTransmitted {
                deliverable_id: DELIVERABLE,
                transmittal_id: TRANSMITTAL,
                version: 1,
                parent_group_id: "tsag".into(),
                parent_meeting_id: Uuid::now_v7(),
                parent_meeting_starts_on: day("2018-01-22"),
                transmitted_at: "2017-11-01T10:00:00Z".parse().unwrap(),
            },
        )),
    )
    .await
}

#[tokio::test]
async fn the_group_tree_lists_leadership_and_participants_with_their_counts() {
    let app = TestQuery::spawn().await;
    let head = fg_dfc_story(&app).await;
    let secretariat = app.token("tsb", &[], true);
    let response = app
        .query(
            Some(&secretariat),
            "query($at: Position) { groups(rootsOnly: true, atLeast: $at) { id children { id
               termsOfReference { lifetimeMonths } leadership { person role }
               participants { person contributionCount commentCount positionCount } } } }",
            json!({ "at": head.to_string() }),
        )
        .await;
    assert!(response["errors"].is_null(), "{response}");
    let tsag = &response["data"]["groups"][0];
    assert_eq!(tsag["id"], "tsag");
    let fg_dfc = &tsag["children"][1];
    assert_eq!(fg_dfc["id"], "fg-dfc");
    assert_eq!(fg_dfc["termsOfReference"]["lifetimeMonths"], 24);
    assert_eq!(
        fg_dfc["leadership"],
        json!([{ "person": "alice", "role": "CHAIR" }])
    );
    assert_eq!(
        fg_dfc["participants"],
        json!([{ "person": "alice", "contributionCount": 1, "commentCount": 1, "positionCount": 1 }])
    );
}

#[tokio::test]
async fn a_member_of_another_group_cannot_read_a_members_only_group() {
    let app = TestQuery::spawn().await;
    let head = fg_dfc_story(&app).await;
    let vars = json!({ "id": CONTRIBUTION, "at": head.to_string() });
    let query =
        "query($id: UUID!, $at: Position) { contribution(id: $id, atLeast: $at) { number title } }";
    let bob = app.token("bob", &[("dcgi", Role::Delegate)], false);
    let refused = app.query(Some(&bob), query, vars.clone()).await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
    assert!(refused["data"]["contribution"].is_null());
    let anonymous = app.query(None, query, vars.clone()).await;
    assert_eq!(error_code(&anonymous), "FORBIDDEN");
    let alice = app.token("alice", &[("fg-dfc", Role::Delegate)], false);
    let allowed = app.query(Some(&alice), query, vars).await;
    assert_eq!(
        allowed["data"]["contribution"]["number"], "DFC-I-001",
        "{allowed}"
    );
    // The group list and meeting dates stay public.
    let public = app
        .query(
            None,
            "query($m: UUID!) { groups { id } meeting(id: $m) { startsOn contributionDeadline } }",
            json!({ "m": MEETING }),
        )
        .await;
    assert_eq!(
        public["data"]["groups"].as_array().unwrap().len(),
        3,
        "{public}"
    );
    assert_eq!(
        public["data"]["meeting"]["contributionDeadline"],
        "2017-10-01"
    );
}

#[tokio::test]
async fn a_contribution_shows_its_revisions_document_thread_and_audit_trail() {
    let app = TestQuery::spawn().await;
    let head = fg_dfc_story(&app).await;
    let alice = app.token("alice", &[("fg-dfc", Role::Delegate)], false);
    let response = app
        .query(
            Some(&alice),
            "query($id: UUID!, $at: Position) { contribution(id: $id, atLeast: $at) {
               sha256 document { url } revisions { number }
               threads { comments { author text } }
               auditTrail { type stream revision previousHash hash payload } } }",
            json!({ "id": CONTRIBUTION, "at": head.to_string() }),
        )
        .await;
    let contribution = &response["data"]["contribution"];
    assert_eq!(contribution["sha256"], "a".repeat(64), "{response}");
    assert_eq!(
        contribution["document"]["url"],
        format!("/documents/{}", "a".repeat(64))
    );
    assert_eq!(
        contribution["revisions"],
        json!([{ "number": "DFC-I-001" }])
    );
    assert_eq!(
        contribution["threads"][0]["comments"][0]["text"],
        "Please review"
    );
    let trail = &contribution["auditTrail"][0];
    assert_eq!(trail["type"], "ContributionSubmitted");
    assert_eq!(trail["stream"], streams::contribution(CONTRIBUTION));
    assert!(trail["previousHash"].is_null());
    assert_eq!(trail["hash"].as_str().unwrap().len(), 64);
    assert_eq!(trail["payload"]["number"], "DFC-I-001");
}

#[tokio::test]
async fn as_of_answers_as_things_stood_at_a_position_or_a_time() {
    let app = TestQuery::spawn().await;
    let before = fg_dfc_story(&app).await;
    let moment = Utc::now().to_rfc3339();
    tokio::time::sleep(Duration::from_millis(5)).await;
    let withdrawn = app
        .append(
            &streams::contribution(CONTRIBUTION),
            Event::Contribution(ContributionEvent::ContributionWithdrawn(
                ContributionWithdrawn {
                    contribution_id: CONTRIBUTION,
                    reason: Some("superseded".into()),
                },
            )),
        )
        .await;
    let secretariat = app.token("tsb", &[], true);
    let query = "query($id: UUID!, $asOf: String, $at: Position) {
        contribution(id: $id, asOf: $asOf, atLeast: $at) { status } }";
    let status = async |as_of: Option<String>| {
        let vars = json!({ "id": CONTRIBUTION, "asOf": as_of, "at": withdrawn.to_string() });
        let response = app.query(Some(&secretariat), query, vars).await;
        response["data"]["contribution"]["status"]
            .as_str()
            .unwrap_or_else(|| panic!("{response}"))
            .to_owned()
    };
    assert_eq!(status(None).await, "WITHDRAWN");
    assert_eq!(status(Some(before.to_string())).await, "ACCEPTED");
    assert_eq!(status(Some(moment)).await, "ACCEPTED");
    let bad = app
        .query(
            Some(&secretariat),
            query,
            json!({ "id": CONTRIBUTION, "asOf": "last tuesday" }),
        )
        .await;
    assert_eq!(error_code(&bad), "BAD_POINT_IN_TIME");
}

#[tokio::test]
async fn at_least_waits_for_the_write_or_says_the_position_is_not_reached() {
    let app = TestQuery::spawn().await;
    let written = app
        .append(
            &streams::group("tsag"),
            established("tsag", None, Visibility::Public),
        )
        .await;
    let query = "query($at: Position) { group(id: \"tsag\", atLeast: $at) { name } head }";
    let fresh = app
        .query(None, query, json!({ "at": written.to_string() }))
        .await;
    assert_eq!(fresh["data"]["group"]["name"], "Group tsag", "{fresh}");
    let future = Position::at(written.commit + 1_000);
    let stale = app
        .query(None, query, json!({ "at": future.to_string() }))
        .await;
    assert_eq!(error_code(&stale), "POSITION_NOT_REACHED");
}

#[tokio::test]
async fn the_parent_group_pulls_what_was_transmitted_with_decision_contributions_and_audit_trail() {
    let app = TestQuery::spawn().await;
    let head = fg_dfc_story(&app).await;
    let pull = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../schema/graphql/examples/tsag-pull.graphql"),
    )
    .unwrap();
    let tom = app.token("tom", &[("tsag", Role::Delegate)], false);
    let response = app
        .query(
            Some(&tom),
            &pull,
            json!({ "parentGroup": "tsag", "atLeast": head.to_string() }),
        )
        .await;
    assert!(response["errors"].is_null(), "{response}");
    let inbox = &response["data"]["inbox"];
    let item = &inbox["transmittals"][0];
    assert_eq!(item["deliverable"]["title"], "Terminology and taxonomy");
    assert_eq!(item["draft"]["document"]["sha256"], "d".repeat(64));
    assert_eq!(item["approvingDecision"]["outcome"], "AGREED");
    assert_eq!(
        item["approvingDecision"]["objections"][0]["disposition"],
        "RESOLVED"
    );
    assert_eq!(item["builtOn"][0]["number"], "DFC-I-001");
    let trail = item["auditTrail"].as_array().unwrap();
    assert_eq!(trail.len(), 4);
    for pair in trail.windows(2) {
        assert_eq!(pair[1]["previousHash"], pair[0]["hash"], "the chain links");
    }
    assert_eq!(
        item["approvingDecision"]["call"]["auditTrail"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // The next pull, from where this one stopped, brings nothing new.
    let next = app
        .query(
            Some(&tom),
            &pull,
            json!({ "parentGroup": "tsag", "since": inbox["until"] }),
        )
        .await;
    assert_eq!(next["data"]["inbox"]["transmittals"], json!([]), "{next}");
    // Someone outside TSAG has no inbox to pull.
    let bob = app.token("bob", &[("dcgi", Role::Delegate)], false);
    let refused = app
        .query(Some(&bob), &pull, json!({ "parentGroup": "tsag" }))
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
}

#[tokio::test]
async fn graphiql_is_the_page_built_with_the_web_client_once_there_is_one() {
    let app = TestQuery::spawn().await;
    let get_page = |path: &'static str| {
        let request = app
            .client
            .get(format!("http://{}{path}", app.address))
            .header("accept", "text/html");
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    assert!(get_page("/graphiql").await.contains("https://unpkg.com/"));

    let web_dir = &app.platform.settings().web_dir;
    std::fs::create_dir_all(web_dir).unwrap();
    let bundled = "<!doctype html><title>GraphiQL built with the web client</title>";
    std::fs::write(web_dir.join("graphiql.html"), bundled).unwrap();
    assert_eq!(get_page("/graphiql").await, bundled);
    assert_eq!(get_page("/graphql").await, bundled);
}

#[tokio::test]
async fn get_queries_graphiql_and_the_limits_answer_with_codes() {
    let app = TestQuery::spawn_with(GraphqlSettings {
        max_aliases: 2,
        max_batch: 2,
        max_depth: 3,
        introspection: false,
        ..GraphqlSettings::default()
    })
    .await;
    let url = format!("http://{}/graphql", app.address);
    let got: Value = app
        .client
        .get(&url)
        .query(&[("query", "{ head }")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got, json!({ "data": { "head": null } }));
    let page = app
        .client
        .get(&url)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains("graphiql"));
    let page = app
        .client
        .get(format!("http://{}/graphiql", app.address))
        .send()
        .await
        .unwrap();
    assert!(page.status().is_success());

    let aliases = app
        .query(None, "{ a: head b: head c: head }", json!({}))
        .await;
    assert_eq!(error_code(&aliases), "TOO_MANY_ALIASES");
    let introspection = app
        .query(None, "{ __schema { types { name } } }", json!({}))
        .await;
    assert_eq!(error_code(&introspection), "INTROSPECTION_DISABLED");
    let unknown = app.query(None, "{ nothing }", json!({})).await;
    assert_eq!(error_code(&unknown), "GRAPHQL_VALIDATION_FAILED");
    let deep = app
        .query(
            None,
            "{ groups { children { children { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&deep), "QUERY_TOO_DEEP");
    let unparsable = app.query(None, "{ head", json!({})).await;
    assert_eq!(error_code(&unparsable), "GRAPHQL_PARSE_FAILED");
    let batch = app
        .client
        .post(&url)
        .json(&json!([{ "query": "{ head }" }, { "query": "{ head }" }, { "query": "{ head }" }]))
        .send()
        .await
        .unwrap();
    assert_eq!(batch.status(), 400);
    assert_eq!(error_code(&batch.json().await.unwrap()), "BATCH_TOO_LARGE");
    let refused = app
        .client
        .post(&url)
        .bearer_auth("not-a-token")
        .json(&json!({ "query": "{ head }" }));
    let refused = refused.send().await.unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(
        error_code(&refused.json().await.unwrap()),
        "UNAUTHENTICATED"
    );
}

#[tokio::test]
async fn a_token_is_accepted_again_but_an_altered_one_is_refused() {
    let app = TestQuery::spawn().await;
    let token = app.token("alice", &[], false);
    for _ in 0..2 {
        let viewer = app
            .query(Some(&token), "{ viewer { person } }", json!({}))
            .await;
        assert_eq!(
            viewer,
            json!({ "data": { "viewer": { "person": "alice" } } })
        );
    }
    // Same header and claims, another signature: the token the server saw is no shortcut.
    let signature_at = token.rfind('.').unwrap() + 5;
    let mut forged = token.clone();
    let swapped = if &token[signature_at..=signature_at] == "A" {
        "B"
    } else {
        "A"
    };
    forged.replace_range(signature_at..=signature_at, swapped);
    let refused = app
        .client
        .post(format!("http://{}/graphql", app.address))
        .bearer_auth(&forged)
        .json(&json!({ "query": "{ viewer { person } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(
        error_code(&refused.json().await.unwrap()),
        "UNAUTHENTICATED"
    );
}

#[tokio::test]
async fn a_post_is_read_as_json_or_as_a_multipart_request() {
    let app = TestQuery::spawn().await;
    let url = format!("http://{}/graphql", app.address);
    let not_json = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{ head }")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
    assert_eq!(
        error_code(&not_json.json().await.unwrap()),
        "GRAPHQL_PARSE_FAILED"
    );
    let too_large = app
        .client
        .post(&url)
        .json(&json!({ "query": format!("{{ head }} # {}", "x".repeat(1024 * 1024)) }))
        .send()
        .await
        .unwrap();
    assert_eq!(too_large.status(), 400, "refused, not read whole");
    let form = reqwest::multipart::Form::new()
        .text("operations", json!({ "query": "{ head }" }).to_string())
        .text("map", "{}");
    let multipart: Value = app
        .client
        .post(&url)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(multipart, json!({ "data": { "head": null } }));
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a graphql-transport-ws connection and sends `connection_init` with the token;
/// answers the socket and the server's first message.
async fn connect(app: &TestQuery, token: &str) -> (Socket, Value) {
    let mut request = format!("ws://{}/graphql", app.address)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
    socket.send(Message::text(init.to_string())).await.unwrap();
    let first = next_json(&mut socket).await;
    (socket, first)
}

/// Subscribes once the read side has reached `head`, and gives the subscription time to start.
/// Subscribes once the read side has projected `head`, so that only events recorded after it
/// can be pushed; the pause lets the server register the subscription.
async fn subscribe(app: &TestQuery, socket: &mut Socket, head: Position, query: &str) {
    app.query(
        None,
        "query($at: Position) { groups(atLeast: $at) { id } }",
        json!({ "at": head.to_string() }),
    )
    .await;
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": query } });
    socket
        .send(Message::text(subscribe.to_string()))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
}

#[tokio::test]
async fn a_subscriber_receives_new_comments_it_may_read_over_graphql_transport_ws() {
    let app = TestQuery::spawn().await;
    let head = fg_dfc_story(&app).await;
    let bob = app.token("bob", &[("dcgi", Role::Delegate)], false);
    let (mut socket, ack) = connect(&app, &bob).await;
    assert_eq!(ack["type"], "connection_ack");
    subscribe(
        &app,
        &mut socket,
        head,
        "subscription { commentPosted { author text thread { groupId } } }",
    )
    .await;

    // bob may not read FG DFC: its comment is not pushed to him; DCGI's is.
    app.append(
        &streams::thread(THREAD),
        comment("fg-dfc", CONTRIBUTION, "alice", "members only"),
    )
    .await;
    let other_thread = Uuid::now_v7();
    let mut public = comment("dcgi", Uuid::now_v7(), "bob", "in the open");
    if let Event::Comment(CommentEvent::CommentPosted(posted)) = &mut public {
        posted.thread_id = other_thread;
    }
    app.append(&streams::thread(other_thread), public).await;
    let pushed = next_json(&mut socket).await;
    assert_eq!(pushed["type"], "next", "{pushed}");
    assert_eq!(
        pushed["payload"]["data"]["commentPosted"]["text"],
        "in the open"
    );
    assert_eq!(
        pushed["payload"]["data"]["commentPosted"]["thread"]["groupId"],
        "dcgi"
    );
}

#[tokio::test]
async fn the_parent_group_hears_of_a_new_transmittal_as_it_is_recorded() {
    let app = TestQuery::spawn().await;
    let head = fg_dfc_story(&app).await;
    let tom = app.token("tom", &[("tsag", Role::Delegate)], false);
    let (mut socket, ack) = connect(&app, &tom).await;
    assert_eq!(ack["type"], "connection_ack");
    subscribe(
        &app,
        &mut socket,
        head,
        "subscription { deliverableTransmitted(parentGroup: \"tsag\") { id position deliverable { title } } }",
    )
    .await;
    let again = Uuid::now_v7();
    let position = app
        .append(
            &streams::deliverable(DELIVERABLE),
            Event::Deliverable(DeliverableEvent::DeliverableTransmitted(
                DeliverableTransmitted {
                    deliverable_id: DELIVERABLE,
                    transmittal_id: again,
                    version: 1,
                    parent_group_id: "tsag".into(),
                    parent_meeting_id: Uuid::now_v7(),
                    parent_meeting_starts_on: day("2018-05-22"),
                    transmitted_at: Utc::now(),
                },
            )),
        )
        .await;
    let pushed = next_json(&mut socket).await;
    let transmittal = &pushed["payload"]["data"]["deliverableTransmitted"];
    assert_eq!(transmittal["id"], again.to_string(), "{pushed}");
    assert_eq!(transmittal["position"], position.to_string());
    assert_eq!(
        transmittal["deliverable"]["title"],
        "Terminology and taxonomy"
    );
}

#[tokio::test]
async fn a_subscription_with_a_bad_token_is_refused_at_connection_init() {
    let app = TestQuery::spawn().await;
    let mut request = format!("ws://{}/graphql", app.address)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let init =
        json!({ "type": "connection_init", "payload": { "Authorization": "Bearer forged" } });
    socket.send(Message::text(init.to_string())).await.unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .expect("an answer within 5 s");
    match answer {
        Some(Ok(Message::Close(Some(frame)))) => {
            assert!(
                frame.reason.contains("bearer token was refused"),
                "{frame:?}"
            );
        }
        other => panic!("expected the connection to be closed, got {other:?}"),
    }
}

async fn next_json<S>(socket: &mut S) -> Value
where
    S: futures::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("a message within 5 s")
            .expect("the socket is open")
            .unwrap();
        if let Message::Text(text) = message {
            let value: Value = serde_json::from_str(&text).unwrap();
            if value["type"] != "ping" && value["type"] != "pong" {
                return value;
            }
        }
    }
}

fn submitted(id: Uuid, number: &str, agenda_item: &str, late: bool) -> Event {
    Event::Contribution(ContributionEvent::ContributionSubmitted(
        ContributionSubmitted {
            contribution_id: id,
            group_id: "fg-dfc".into(),
            meeting_id: MEETING,
            agenda_item: agenda_item.into(),
            number: number.into(),
            title: format!("Contribution {number}"),
            source_organisations: vec!["PBoC".into()],
            authors: vec!["alice".into()],
            document: document('b'),
            submitted_at: Utc::now(),
            late,
        },
    ))
}

#[tokio::test]
async fn contributions_page_by_cursor_and_filter_by_agenda_item_status_and_lateness() {
    let app = TestQuery::spawn().await;
    fg_dfc_story(&app).await;
    for (number, item, late) in [
        ("DFC-I-002", "1", false),
        ("DFC-I-003", "2", true),
        ("DFC-I-004", "2", false),
    ] {
        let id = Uuid::now_v7();
        app.append(
            &streams::contribution(id),
            submitted(id, number, item, late),
        )
        .await;
    }
    let head = app.platform.store().head().await.unwrap().unwrap();
    let secretariat = app.token("tsb", &[], true);
    let page = async |filters: &str, after: Option<&str>| {
        let query = format!(
            "query($m: UUID!, $after: String, $at: Position) {{ meeting(id: $m, atLeast: $at) {{
               contributions(first: 2, after: $after{filters}) {{
                 pageInfo {{ hasNextPage endCursor }} edges {{ node {{ number }} }} }} }} }}"
        );
        let vars = json!({ "m": MEETING, "after": after, "at": head.to_string() });
        let response = app.query(Some(&secretariat), &query, vars).await;
        let connection = response["data"]["meeting"]["contributions"].clone();
        assert!(connection.is_object(), "{response}");
        let numbers: Vec<String> = connection["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["number"].as_str().unwrap().to_owned())
            .collect();
        (numbers, connection["pageInfo"].clone())
    };
    let (first, info) = page("", None).await;
    assert_eq!(first, ["DFC-I-001", "DFC-I-002"]);
    assert_eq!(info["hasNextPage"], true);
    let (second, info) = page("", info["endCursor"].as_str()).await;
    assert_eq!(second, ["DFC-I-003", "DFC-I-004"]);
    assert_eq!(info["hasNextPage"], false);
    assert_eq!(
        page(", agendaItem: \"2\"", None).await.0,
        ["DFC-I-003", "DFC-I-004"]
    );
    assert_eq!(page(", late: true", None).await.0, ["DFC-I-003"]);
    assert_eq!(
        page(", status: AWAITING_CHAIR", None).await.0,
        ["DFC-I-003"]
    );
    let bad = app
        .query(
            Some(&secretariat),
            "query($m: UUID!) { meeting(id: $m) { contributions(after: \"nowhere\") { edges { cursor } } } }",
            json!({ "m": MEETING }),
        )
        .await;
    assert_eq!(error_code(&bad), "BAD_CURSOR");
}

#[tokio::test]
async fn a_read_of_your_own_write_is_answered_when_the_log_ends_with_a_record_nothing_projects() {
    let app = TestQuery::spawn().await;
    fg_dfc_story(&app).await;
    // The platform records each idempotent answer as an event no read model projects.
    let answer = NewEvent {
        id: Uuid::now_v7(),
        event_type: "IdempotentRequestAnswered".into(),
        schema_version: 1,
        actor: Actor {
            subject: "tsb".into(),
            display_name: "TSB".into(),
            roles: vec![],
        },
        correlation_id: Uuid::now_v7(),
        causation_id: None,
        payload: serde_json::value::to_raw_value(&json!({ "status": 201 })).unwrap(),
    };
    let head = app
        .platform
        .store()
        .append(
            &StreamId::new("idempotency-test").unwrap(),
            ExpectedRevision::NoStream,
            vec![answer],
        )
        .await
        .unwrap()
        .last()
        .position;
    let response = app
        .query(
            None,
            "query($at: Position) { groups(atLeast: $at) { id } }",
            json!({ "at": head.to_string() }),
        )
        .await;
    assert!(response["errors"].is_null(), "{response}");
    assert_eq!(response["data"]["groups"].as_array().map(Vec::len), Some(3));
}
