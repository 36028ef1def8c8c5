//! The meetings service as its own process: it serves alone on its own port against the same
//! SQLite log as another service, and stops cleanly on SIGTERM.

use std::process::Stdio;
use std::time::Duration;

use domain::policy::Role;
use platform::testing::TestApp;
use serde_json::json;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn the_service_binary_shares_the_log_with_another_process_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_meetings-service"))
        .env("PLENARY_LISTEN", format!("127.0.0.1:{port}"))
        .env("PLENARY_DATA_DIR", dir.path())
        .env_remove("PLENARY_STORE")
        .env_remove("PLENARY_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let meetings = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut up = false;
    for _ in 0..100 {
        if client
            .get(format!("{meetings}/health"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "the meetings service answers on its port");

    // The groups service in this process, on the same log and the same dev key.
    let data_dir = dir.path().to_path_buf();
    let groups = TestApp::spawn_with(vec![groups_service::service()], |settings| {
        settings.data_dir = data_dir.clone();
        settings.store = data_dir.join("plenary.db").display().to_string();
    })
    .await;
    let secretariat = groups.token("elena.rossi", &[], true);
    let group = json!({
        "groupId": "fg-dfc", "name": "FG DFC", "acronym": "FG DFC", "documentPrefix": "DFC",
        "kind": "parentGroup", "visibility": "public", "establishedOn": "2017-05-04",
    });
    let established = groups
        .client
        .post(groups.url("/api/groups"))
        .bearer_auth(&secretariat)
        .json(&group)
        .send()
        .await
        .unwrap();
    assert_eq!(established.status(), 201);

    let chair = groups.token("david.wen", &[("fg-dfc", Role::Chair)], false);
    let starts_on = chrono::Utc::now().date_naive() + chrono::Days::new(42);
    let meeting = json!({
        "groupId": "fg-dfc", "title": "Meeting", "startsOn": starts_on, "endsOn": starts_on,
        "remoteParticipation": true, "agenda": [],
    });
    let announced = client
        .post(format!("{meetings}/api/meetings"))
        .bearer_auth(&chair)
        .json(&meeting)
        .send()
        .await
        .unwrap();
    assert_eq!(
        announced.status(),
        201,
        "the other process sees the group: {}",
        announced.text().await.unwrap()
    );

    let pid = child.id().unwrap().to_string();
    let signalled = tokio::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(signalled.success());
    let exit = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(exit.success(), "a clean exit on SIGTERM: {exit:?}");
}
