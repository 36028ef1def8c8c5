//! The deliverables service as its own process (its binary) beside a consensus service in
//! another process, both on one SQLite log: the decision recorded by one is routed by the
//! other's reactor through the log alone.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::Utc;
use domain::policy::Role;
use domain::streams;
use eventlog::{ReadStream, StreamId};
use platform::testing::{TestApp, fixtures};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

/// Stops the child process when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn a_decision_recorded_in_another_process_is_routed_by_the_service_binary() {
    let consensus = TestApp::spawn(vec![consensus_service::service()]).await;
    fixtures::groups(&consensus.platform, &["li.wei"], "david.wen").await;
    let tsag_meeting = fixtures::meeting(&consensus.platform, "tsag", 35).await;
    let settings = consensus.platform.settings();
    let port = free_port();
    let _deliverables = Running(
        Command::new(env!("CARGO_BIN_EXE_deliverables-service"))
            .env("PLENARY_STORE", &settings.store)
            .env("PLENARY_DATA_DIR", &settings.data_dir)
            .env("PLENARY_WEB_DIR", settings.data_dir.join("no-web-client"))
            .env("PLENARY_LISTEN", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let base = format!("http://127.0.0.1:{port}");
    let client = &consensus.client;
    for attempt in 0.. {
        if client.get(format!("{base}/health")).send().await.is_ok() {
            break;
        }
        assert!(attempt < 100, "the deliverables service did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Both processes share the data dir, so the dev key that signs these tokens.
    let chair = consensus.token("david.wen", &[("fg-dfc", Role::Chair)], false);
    let editor = consensus.token(
        "li.wei",
        &[("fg-dfc", Role::Delegate), ("fg-dfc", Role::Editor)],
        false,
    );

    let post = |token: &str, url: String, body: Value| {
        client
            .post(url)
            .bearer_auth(token.to_owned())
            .json(&body)
            .send()
    };
    let defined: Value = post(
        &chair,
        format!("{base}/api/deliverables"),
        json!({"groupId": "fg-dfc", "title": "Terminology"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let deliverable = defined["deliverableId"].as_str().unwrap().to_string();
    let assigned = post(
        &chair,
        format!("{base}/api/deliverables/{deliverable}/editors"),
        json!({"person": "li.wei"}),
    )
    .await;
    assert_eq!(assigned.unwrap().status(), 201);
    let form = Form::new()
        .part(
            "metadata",
            Part::text("{}").mime_str("application/json").unwrap(),
        )
        .part(
            "file",
            Part::text("Draft")
                .file_name("draft.txt")
                .mime_str("text/plain")
                .unwrap(),
        );
    let draft = client
        .post(format!("{base}/api/deliverables/{deliverable}/drafts"))
        .bearer_auth(&editor)
        .multipart(form);
    assert_eq!(draft.send().await.unwrap().status(), 201);

    let call = json!({
        "groupId": "fg-dfc",
        "subject": {"kind": "deliverable", "id": deliverable, "version": 1},
        "question": "Agree draft 1?",
        "closesAt": Utc::now() + chrono::Duration::hours(1),
    });
    let opened: Value = post(&chair, consensus.url("/api/consensus-calls"), call)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let decision_url = consensus.url(&format!(
        "/api/consensus-calls/{}/decision",
        opened["callId"].as_str().unwrap()
    ));
    let decided = post(
        &chair,
        decision_url,
        json!({"outcome": "agreed", "summary": "Agreed"}),
    )
    .await
    .unwrap();
    assert_eq!(decided.status(), 201);

    let stream = StreamId::new(streams::deliverable(deliverable.parse().unwrap())).unwrap();
    for attempt in 0.. {
        let events = consensus
            .platform
            .store()
            .read_stream(&stream, ReadStream::all_forwards())
            .await
            .unwrap();
        if let Some(approval) = events
            .iter()
            .find(|event| &*event.event_type == "DeliverableApproved")
        {
            assert_eq!(approval.actor.subject, "system:deliverables-service");
            break;
        }
        assert!(
            attempt < 200,
            "the deliverables process did not approve within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let transmitted = post(
        &chair,
        format!("{base}/api/deliverables/{deliverable}/transmittals"),
        json!({"parentMeetingId": tsag_meeting}),
    )
    .await
    .unwrap();
    assert_eq!(transmitted.status(), 201);
}
