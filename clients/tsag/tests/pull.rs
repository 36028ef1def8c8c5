//! The pull end to end: the real services and query service on a temporary SQLite log, the
//! demo people and groups created through the ordinary commands, a deliverable drafted,
//! approved by consensus (the routing reactor records the approval) and transmitted to TSAG;
//! then the `tsag` binary pulls it, verifies it, pulls again and finds nothing new, and finds a
//! tampered document on disk and a tampered event row in the SQLite file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{Days, Utc};
use platform::config::Settings;
use platform::{Application, Platform, Service};
use plenary::demo::{self, Demo};
use plenary::people::{self, DemoToken};
use query_service::{GraphqlSettings, QueryService};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use uuid::Uuid;

/// A running server over a data directory the test keeps. Dropping it stops the server.
struct Server {
    base: String,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Server {
    /// Every service of `plenary serve` plus the query service, over the log at
    /// `dir/plenary.db`; or the query service alone.
    async fn start(dir: &Path, with_commands: bool) -> (Self, Platform) {
        let platform = Platform::open(Settings::for_tests(dir)).await.unwrap();
        let query = QueryService::start(&platform, &GraphqlSettings::default());
        let mut services: Vec<Service> = vec![query.service()];
        if with_commands {
            services.extend(plenary::services());
        }
        let app = Application::build(platform.clone(), services).unwrap();
        let base = format!("http://127.0.0.1:{}", app.port());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        (
            Self {
                base,
                stop: Some(stop),
            },
            platform,
        )
    }
}

fn token<'a>(tokens: &'a [DemoToken], person: &str) -> &'a str {
    &tokens.iter().find(|t| t.person == person).unwrap().token
}

fn id(answer: &Value, field: &str) -> Uuid {
    answer[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {answer}"))
        .parse()
        .unwrap()
}

/// What the story created that the checks need.
struct Transmitted {
    deliverable_id: Uuid,
    draft_sha256: String,
    last_position: String,
}

/// The demo's groups, people, meeting and contributions; then a TSAG meeting, and FG DFC's
/// terminology deliverable drafted on two contributions, agreed over one resolved objection
/// and transmitted to that meeting. Every step is an ordinary command over HTTP.
async fn transmit_a_deliverable(base: &str, tokens: &[DemoToken]) -> Transmitted {
    let mut story = Demo::new(base, tokens);
    demo::establish_tsag(&mut story).await.unwrap();
    demo::establish_fg_dfc(&mut story).await.unwrap();
    demo::register_fg_dfc_people(&mut story).await.unwrap();
    demo::announce_fg_dfc_meeting(&mut story).await.unwrap();
    demo::submit_contributions(&mut story).await.unwrap();
    let built_on: Vec<Uuid> = story.contributions.values().take(2).copied().collect();

    let starts_on = Utc::now().date_naive() + Days::new(60);
    let tsag_meeting = story
        .post(
            people::SECRETARIAT,
            "/api/meetings",
            json!({
                "groupId": "tsag",
                "title": "TSAG meeting",
                "startsOn": starts_on,
                "endsOn": starts_on + Days::new(4),
                "venue": "ITU headquarters, Geneva",
                "remoteParticipation": true,
                "agenda": [{ "id": "1", "title": "Reports of the focus groups" }],
            }),
        )
        .await
        .unwrap();
    let defined = story
        .post(
            people::CHAIR,
            "/api/deliverables",
            json!({ "groupId": "fg-dfc", "title": "Terminology and taxonomy", "fromTermsOfReference": true }),
        )
        .await
        .unwrap();
    let deliverable_id = id(&defined, "deliverableId");
    let path = format!("/api/deliverables/{deliverable_id}");
    story
        .post(
            people::CHAIR,
            &format!("{path}/editors"),
            json!({ "person": people::SECOND_EDITOR }),
        )
        .await
        .unwrap();
    let draft = story
        .upload(
            people::SECOND_EDITOR,
            &format!("{path}/drafts"),
            json!({ "buildsOn": built_on, "note": "First draft" }),
            "terminology-and-taxonomy.txt",
            "Terminology and taxonomy\n\n1. Digital fiat currency: ...\n".into(),
        )
        .await
        .unwrap();
    let draft_sha256 = draft["document"]["sha256"].as_str().unwrap().to_string();

    let call = story
        .post(
            people::CHAIR,
            "/api/consensus-calls",
            json!({
                "groupId": "fg-dfc",
                "subject": { "kind": "deliverable", "id": deliverable_id, "version": 1 },
                "question": "Can the meeting agree the terminology report as a deliverable?",
                "closesAt": Utc::now() + chrono::Duration::hours(2),
            }),
        )
        .await
        .unwrap();
    let call_path = format!("/api/consensus-calls/{}", id(&call, "callId"));
    let support = json!({ "stance": "support" });
    story
        .post(
            people::CENTRAL_BANK_DELEGATE,
            &format!("{call_path}/positions"),
            support,
        )
        .await
        .unwrap();
    let objection = json!({ "stance": "object", "reason": "Clause 1 is too narrow" });
    story
        .post(
            people::FINTECH_DELEGATE,
            &format!("{call_path}/positions"),
            objection,
        )
        .await
        .unwrap();
    story
        .post(
            people::CHAIR,
            &format!("{call_path}/decision"),
            json!({
                "outcome": "agreed",
                "summary": "Agreed, with clause 1 widened",
                "objections": [{
                    "participant": people::FINTECH_DELEGATE,
                    "reason": "Clause 1 is too narrow",
                    "disposition": "resolved",
                    "note": "Clause 1 widened in the meeting",
                }],
            }),
        )
        .await
        .unwrap();

    // The routing reactor records the approval from the decision on the log, asynchronously.
    let transmit = json!({ "parentMeetingId": id(&tsag_meeting, "meetingId") });
    let mut attempts = 0;
    let transmitted = loop {
        match story
            .post(
                people::CHAIR,
                &format!("{path}/transmittals"),
                transmit.clone(),
            )
            .await
        {
            Ok(answer) => break answer,
            Err(error) if attempts < 50 => {
                attempts += 1;
                assert!(error.to_string().contains("approv"), "{error}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(error) => panic!("the deliverable was never approved: {error}"),
        }
    };
    Transmitted {
        deliverable_id,
        draft_sha256,
        last_position: transmitted["position"].as_str().unwrap().to_string(),
    }
}

/// Runs `tsag pull --json` as the TSAG member; answers the exit code and the report.
async fn pull(base: &str, token: &str, state: &Path, out: &Path) -> (i32, Value) {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_tsag"))
        .args([
            "pull", "--server", base, "--token", token, "--json", "--state",
        ])
        .arg(state)
        .arg("--out")
        .arg(out)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report = serde_json::from_str(&stdout)
        .unwrap_or_else(|_| panic!("not a report: {stdout}\n{stderr}"));
    (output.status.code().unwrap(), report)
}

/// Runs `tsag pull` as the TSAG member for the plain report; answers the exit code and text.
async fn pull_text(base: &str, token: &str, state: &Path, out: &Path) -> (i32, String) {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_tsag"))
        .args(["pull", "--server", base, "--token", token, "--state"])
        .arg(state)
        .arg("--out")
        .arg(out)
        .output()
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    println!("{text}");
    (output.status.code().unwrap(), text)
}

/// Waits until the query service has projected `position`, so a pull sees the transmittal.
async fn wait_for_projection(base: &str, position: &str) {
    let client = reqwest::Client::new();
    let query = json!({ "query": "query($at: Position) { groups(atLeast: $at) { id } }", "variables": { "at": position } });
    let answer: Value = client
        .post(format!("{base}/graphql"))
        .json(&query)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(answer["errors"].is_null(), "{answer}");
}

fn blob_path(dir: &Path, sha256: &str) -> PathBuf {
    dir.join("blobs").join(&sha256[..2]).join(&sha256[2..])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_parent_group_pulls_verifies_finds_nothing_new_then_catches_tampering() {
    let data = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let (server, platform) = Server::start(data.path(), true).await;
    let tokens = people::tokens(platform.auth()).unwrap();
    let story = transmit_a_deliverable(&server.base, &tokens).await;
    wait_for_projection(&server.base, &story.last_position).await;
    let member = token(&tokens, people::TSAG_MEMBER);
    let state = work.path().join("state.json");
    let out = work.path().join("inbox");

    // The first pull receives the transmittal and verifies all of it.
    let (code, report) = pull(&server.base, member, &state, &out).await;
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["verified"], true);
    assert_eq!(report["stateSaved"], true);
    let received = &report["transmittals"].as_array().unwrap()[..];
    assert_eq!(received.len(), 1, "{report:#}");
    let received = &received[0];
    assert_eq!(received["title"], "Terminology and taxonomy");
    assert_eq!(received["version"], 1);
    assert_eq!(received["decision"]["outcome"], "AGREED");
    assert_eq!(
        received["decision"]["objections"][0]["disposition"],
        "RESOLVED"
    );
    assert_eq!(received["contributions"].as_array().unwrap().len(), 2);
    let documents = received["documents"].as_array().unwrap();
    assert_eq!(
        documents.len(),
        3,
        "the draft and the two contributions it built on"
    );
    assert!(
        documents.iter().all(|d| d["check"]["status"] == "verified"),
        "{documents:#?}"
    );
    assert_eq!(documents[0]["check"]["sha256"], story.draft_sha256);
    let saved = std::fs::read(documents[0]["savedTo"].as_str().unwrap()).unwrap();
    assert!(saved.starts_with(b"Terminology and taxonomy"));
    let trails = received["trails"].as_array().unwrap();
    assert_eq!(
        trails.len(),
        4,
        "the deliverable, the consensus call and two contributions"
    );
    assert!(
        trails.iter().all(|t| t["check"]["status"] == "verified"),
        "{trails:#?}"
    );
    assert_eq!(
        trails[0]["check"]["stream"],
        format!("deliverable-{}", story.deliverable_id)
    );
    assert!(
        received["claims"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["recorded"] == true)
    );

    // The plain report says the same to a person (a fresh state: the same transmittal).
    let (code, text) = pull_text(&server.base, member, &work.path().join("plain.json"), &out).await;
    assert_eq!(code, 0, "{text}");
    assert!(text.starts_with("1 new transmittal(s) for tsag"), "{text}");
    assert!(
        text.contains("1. Terminology and taxonomy — VERIFIED"),
        "{text}"
    );
    assert!(
        text.contains("objection by sarah.okafor: Clause 1 is too narrow → RESOLVED"),
        "{text}"
    );
    assert!(
        text.contains("\nVERIFIED: every document matches"),
        "{text}"
    );

    // The second pull starts where the first stopped and says nothing new.
    let saved_state: Value =
        serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    let (code, report) = pull(&server.base, member, &state, &out).await;
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["transmittals"], json!([]));
    assert_eq!(report["since"], saved_state["until"]);
    let (code, text) = pull_text(&server.base, member, &state, &out).await;
    assert_eq!(code, 0, "{text}");
    assert!(text.starts_with("Nothing new for tsag"), "{text}");
    assert!(
        !text.contains("VERIFIED"),
        "nothing received, nothing vouched for: {text}"
    );

    // Someone alters the draft on the server's disk: a fresh pull (new state) finds the
    // mismatch, exits 1, saves neither the document nor the state.
    let blob = blob_path(data.path(), &story.draft_sha256);
    let original = std::fs::read(&blob).unwrap();
    std::fs::write(
        &blob,
        b"Terminology and taxonomy\n\n1. Digital fiat currency: anything\n",
    )
    .unwrap();
    let fresh_state = work.path().join("fresh.json");
    let tampered_out = work.path().join("tampered");
    let (code, report) = pull(&server.base, member, &fresh_state, &tampered_out).await;
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["verified"], false);
    assert_eq!(report["stateSaved"], false);
    assert!(!fresh_state.exists());
    let draft = &report["transmittals"][0]["documents"][0];
    assert_eq!(draft["check"]["status"], "mismatch", "{draft:#}");
    assert_eq!(draft["check"]["expected"], story.draft_sha256);
    assert!(draft["savedTo"].is_null());
    let (code, text) = pull_text(&server.base, member, &fresh_state, &tampered_out).await;
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(&format!(
            "MISMATCH  DFC-O-001 expected sha256 {}",
            story.draft_sha256
        )),
        "{text}"
    );
    assert!(
        text.contains("VERIFICATION FAILED for 1 of 1 transmittal(s)"),
        "{text}"
    );
    std::fs::write(&blob, original).unwrap();

    // Someone edits the deliverable's first event in the SQLite file. A query service started
    // afterwards rebuilds from the altered log; the pull recomputes the hash and finds it.
    drop(server);
    let connection = rusqlite::Connection::open(data.path().join("plenary.db")).unwrap();
    let changed = connection
        .execute(
            "UPDATE events SET payload = replace(payload, 'Terminology and taxonomy', 'Terminology, taxonomy and more') \
             WHERE stream = ?1 AND revision = 0",
            [format!("deliverable-{}", story.deliverable_id)],
        )
        .unwrap();
    assert_eq!(changed, 1);
    drop(connection);
    let (reader, _) = Server::start(data.path(), false).await;
    wait_for_projection(&reader.base, &story.last_position).await;
    let (code, report) = pull(
        &reader.base,
        member,
        &work.path().join("third.json"),
        &tampered_out,
    )
    .await;
    assert_eq!(code, 1, "{report:#}");
    let received = &report["transmittals"][0];
    assert_eq!(
        received["title"], "Terminology, taxonomy and more",
        "the server serves the altered log"
    );
    let deliverable_trail = &received["trails"][0]["check"];
    assert_eq!(
        deliverable_trail["status"], "broken",
        "{deliverable_trail:#}"
    );
    assert_eq!(deliverable_trail["revision"], 0);
    assert!(
        deliverable_trail["reason"]
            .as_str()
            .unwrap()
            .contains("altered"),
        "{deliverable_trail:#}"
    );
    let others = &received["trails"].as_array().unwrap()[1..];
    assert!(
        others.iter().all(|t| t["check"]["status"] == "verified"),
        "{others:#?}"
    );
    assert!(
        received["documents"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["check"]["status"] == "verified")
    );
    let (code, text) = pull_text(
        &reader.base,
        member,
        &work.path().join("fourth.json"),
        &tampered_out,
    )
    .await;
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("BROKEN    deliverable (deliverable-"),
        "{text}"
    );
    assert!(
        text.contains("at revision 0: event at revision 0 was altered"),
        "{text}"
    );
    assert!(
        !tampered_out.exists(),
        "nothing that failed verification is filed"
    );
}
