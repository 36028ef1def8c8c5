//! One pull: ask the server for what was transmitted since the last pull, download and check
//! every document, verify every audit trail and what it must record, save the verified
//! documents, and move the state on only when everything verified.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use serde::Serialize;
use serde_json::{Value, json};

use crate::inbox::{self, AuditEvent, Inbox, Objection, PULL_QUERY, Transmittal};
use crate::state::PullState;
use crate::verify::{DocumentCheck, TrailCheck, check_trail, records};

/// Where to pull from and where to keep what was pulled.
#[derive(Debug, Clone)]
pub struct PullOptions {
    /// The server's base URL, e.g. `http://127.0.0.1:8080`.
    pub server: String,
    pub token: String,
    pub parent_group: String,
    pub state: PathBuf,
    /// Verified documents are saved here, one folder per transmitted draft.
    pub out: PathBuf,
}

/// Everything one pull received and what verified.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PullReport {
    pub server: String,
    pub parent_group: String,
    pub since: Option<String>,
    pub until: Option<String>,
    pub transmittals: Vec<Received>,
    /// Every transmittal verified (trivially so when there was nothing new).
    pub verified: bool,
    /// Whether the state moved on to `until` (only after a pull that verified).
    pub state_saved: bool,
}

/// One transmitted deliverable as received.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Received {
    pub transmittal_id: String,
    pub position: String,
    pub deliverable_id: String,
    pub title: String,
    pub group: Option<String>,
    pub version: u32,
    pub number: Option<String>,
    pub transmitted_at: String,
    pub parent_meeting_starts_on: String,
    pub status: String,
    pub decision: Option<DecisionSummary>,
    pub contributions: Vec<ContributionSummary>,
    pub documents: Vec<ReceivedDocument>,
    pub trails: Vec<TrailReport>,
    /// What the pull says that the verified events must record.
    pub claims: Vec<Claim>,
    /// What is missing from the answer for the transmittal to be verified at all.
    pub problems: Vec<String>,
    pub verified: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionSummary {
    pub id: String,
    pub outcome: String,
    pub summary: String,
    pub decided_at: String,
    pub in_force: bool,
    pub question: String,
    pub objections: Vec<Objection>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContributionSummary {
    pub number: String,
    pub title: String,
    pub authors: Vec<String>,
    pub source_organisations: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceivedDocument {
    /// The document number it is filed under (`DFC-O-005`, `DFC-I-001`).
    pub number: String,
    pub url: String,
    pub check: DocumentCheck,
    pub saved_to: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrailReport {
    /// What the trail is of: "deliverable", "consensus call", "contribution DFC-I-001".
    pub of: String,
    pub check: TrailCheck,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Claim {
    pub what: String,
    pub recorded: bool,
}

/// Pulls, verifies and saves. An error means nothing could be pulled (network, token, a
/// state file from another server); a failed verification is a report with `verified: false`.
pub async fn pull(options: &PullOptions) -> anyhow::Result<PullReport> {
    let server = options.server.trim_end_matches('/').to_string();
    let state = PullState::load(&options.state)?;
    if let Some(previous) = state
        .server
        .as_deref()
        .filter(|previous| *previous != server)
    {
        bail!(
            "{} holds pulls from {previous}, not {server}: name another --state file",
            options.state.display()
        );
    }
    if let Some(previous) = state
        .parent_group
        .as_deref()
        .filter(|previous| *previous != options.parent_group)
    {
        bail!(
            "{} holds pulls for {previous}, not {}: name another --state file",
            options.state.display(),
            options.parent_group
        );
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()?;
    let fetched = fetch_inbox(&client, &server, options, state.until.as_deref()).await?;

    let mut transmittals = Vec::with_capacity(fetched.transmittals.len());
    for transmittal in &fetched.transmittals {
        transmittals.push(receive(&client, &server, options, transmittal).await?);
    }
    let verified = transmittals.iter().all(|t| t.verified);
    let mut report = PullReport {
        server: server.clone(),
        parent_group: options.parent_group.clone(),
        since: state.until.clone(),
        until: fetched.until.clone().or(state.until),
        transmittals,
        verified,
        state_saved: false,
    };
    if verified {
        PullState {
            server: Some(server),
            parent_group: Some(options.parent_group.clone()),
            until: report.until.clone(),
            pulled_at: Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        }
        .save(&options.state)?;
        report.state_saved = true;
    }
    Ok(report)
}

async fn fetch_inbox(
    client: &reqwest::Client,
    server: &str,
    options: &PullOptions,
    since: Option<&str>,
) -> anyhow::Result<Inbox> {
    let url = format!("{server}/graphql");
    let body = json!({
        "query": PULL_QUERY,
        "operationName": "TsagPull",
        "variables": inbox::variables(&options.parent_group, since),
    });
    let response = client
        .post(&url)
        .bearer_auth(&options.token)
        .json(&body)
        .send()
        .await
        .with_context(|| format!("cannot reach {url}"))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .with_context(|| format!("reading the answer of {url}"))?;
    let answer: Value = serde_json::from_str(&text).with_context(|| {
        format!("{url} answered {status} with something that is not GraphQL: {text:.200}")
    })?;
    inbox::from_response(answer, &options.parent_group)
}

/// Checks one transmittal: its trails, what they must record, and its documents.
async fn receive(
    client: &reqwest::Client,
    server: &str,
    options: &PullOptions,
    transmittal: &Transmittal,
) -> anyhow::Result<Received> {
    let mut problems = Vec::new();
    let mut trails = Vec::new();
    let mut claims = Vec::new();

    let deliverable_stream = format!("deliverable-{}", transmittal.deliverable.id);
    let deliverable_trail = check_trail(&deliverable_stream, &transmittal.audit_trail);
    let deliverable_ok = deliverable_trail.is_verified();
    trails.push(TrailReport {
        of: "deliverable".into(),
        check: deliverable_trail,
    });
    let mut claim = |what: String,
                     trail_ok: bool,
                     trail: &[AuditEvent],
                     types: &[&str],
                     members: &[(&str, Value)]| {
        claims.push(Claim {
            what,
            recorded: trail_ok && records(trail, types, members),
        });
    };
    let version = json!(transmittal.version);
    claim(
        format!(
            "transmittal {} of version {}",
            transmittal.id, transmittal.version
        ),
        deliverable_ok,
        &transmittal.audit_trail,
        &["DeliverableTransmitted"],
        &[
            ("/transmittalId", json!(transmittal.id)),
            ("/version", version.clone()),
        ],
    );
    match &transmittal.draft {
        Some(draft) => claim(
            format!(
                "draft {} (version {}) with document {}",
                draft.number, draft.version, draft.document.sha256
            ),
            deliverable_ok,
            &transmittal.audit_trail,
            &["DraftPublished"],
            &[
                ("/version", json!(draft.version)),
                ("/document/sha256", json!(draft.document.sha256)),
            ],
        ),
        None => problems.push(format!(
            "the server sent no draft for version {}",
            transmittal.version
        )),
    }
    match &transmittal.approving_decision {
        Some(decision) => {
            claim(
                format!(
                    "approval of version {} by decision {}",
                    transmittal.version, decision.id
                ),
                deliverable_ok,
                &transmittal.audit_trail,
                &["DeliverableApproved"],
                &[
                    ("/version", version.clone()),
                    ("/decisionId", json!(decision.id)),
                ],
            );
            let call_trail = check_trail(
                &format!("consensus-{}", decision.call.id),
                &decision.call.audit_trail,
            );
            let call_ok = call_trail.is_verified();
            trails.push(TrailReport {
                of: "consensus call".into(),
                check: call_trail,
            });
            claim(
                format!("decision {} ({})", decision.id, decision.outcome),
                call_ok,
                &decision.call.audit_trail,
                &["DecisionRecorded", "DecisionCorrected"],
                &[("/decisionId", json!(decision.id))],
            );
        }
        None => problems.push("the server names no decision approving the version sent".into()),
    }
    for contribution in &transmittal.built_on {
        let trail = check_trail(
            &format!("contribution-{}", contribution.id),
            &contribution.audit_trail,
        );
        let trail_ok = trail.is_verified();
        trails.push(TrailReport {
            of: format!("contribution {}", contribution.number),
            check: trail,
        });
        claim(
            format!(
                "document {} of {}",
                contribution.document.sha256, contribution.number
            ),
            trail_ok,
            &contribution.audit_trail,
            &["ContributionSubmitted", "ContributionRevised"],
            &[("/document/sha256", json!(contribution.document.sha256))],
        );
    }

    let folder = options.out.join(safe_name(
        transmittal
            .draft
            .as_ref()
            .map_or_else(|| transmittal.id.to_string(), |d| d.number.clone())
            .as_str(),
    ));
    let mut documents = Vec::new();
    let mut contents = Vec::new();
    if let Some(draft) = &transmittal.draft {
        let name = draft
            .document
            .file_name
            .clone()
            .unwrap_or_else(|| draft.number.clone());
        let source = &draft.document;
        let (document, bytes) = download(
            client,
            server,
            options,
            &draft.number,
            &source.url,
            &source.sha256,
        )
        .await;
        documents.push(document);
        contents.push((folder.join(safe_name(&name)), bytes));
    }
    for contribution in &transmittal.built_on {
        let name = recorded_file_name(&contribution.audit_trail, &contribution.document.sha256)
            .map_or_else(
                || contribution.number.clone(),
                |name| format!("{}-{name}", contribution.number),
            );
        let source = &contribution.document;
        let (document, bytes) = download(
            client,
            server,
            options,
            &contribution.number,
            &source.url,
            &source.sha256,
        )
        .await;
        documents.push(document);
        contents.push((folder.join("built-on").join(safe_name(&name)), bytes));
    }

    let verified = problems.is_empty()
        && trails.iter().all(|t| t.check.is_verified())
        && claims.iter().all(|c| c.recorded)
        && documents.iter().all(|d| d.check.is_verified());
    // Only what verified as a whole is filed: nothing half-proven lands among the documents.
    if verified {
        for (document, (target, bytes)) in documents.iter_mut().zip(contents) {
            if let Some(bytes) = bytes {
                save(&target, &bytes)?;
                document.saved_to = Some(target);
            }
        }
    }
    Ok(Received {
        transmittal_id: transmittal.id.to_string(),
        position: transmittal.position.clone(),
        deliverable_id: transmittal.deliverable.id.to_string(),
        title: transmittal.deliverable.title.clone(),
        group: transmittal
            .deliverable
            .group
            .as_ref()
            .map(|g| g.name.clone()),
        version: transmittal.version,
        number: transmittal.draft.as_ref().map(|d| d.number.clone()),
        transmitted_at: transmittal.transmitted_at.clone(),
        parent_meeting_starts_on: transmittal.parent_meeting_starts_on.clone(),
        status: transmittal.status.clone(),
        decision: transmittal
            .approving_decision
            .as_ref()
            .map(|d| DecisionSummary {
                id: d.id.to_string(),
                outcome: d.outcome.clone(),
                summary: d.summary.clone(),
                decided_at: d.decided_at.clone(),
                in_force: d.in_force,
                question: d.call.question.clone(),
                objections: d.objections.clone(),
            }),
        contributions: transmittal
            .built_on
            .iter()
            .map(|c| ContributionSummary {
                number: c.number.clone(),
                title: c.title.clone(),
                authors: c.authors.clone(),
                source_organisations: c.source_organisations.clone(),
            })
            .collect(),
        documents,
        trails,
        claims,
        problems,
        verified,
    })
}

/// Downloads one document and checks its SHA-256; answers the bytes when they verify.
async fn download(
    client: &reqwest::Client,
    server: &str,
    options: &PullOptions,
    number: &str,
    url: &str,
    sha256: &str,
) -> (ReceivedDocument, Option<Vec<u8>>) {
    // The token goes only to the server pulled from, never to another host a link names.
    let request = if url.starts_with("http://") || url.starts_with("https://") {
        client.get(url)
    } else {
        client
            .get(format!("{server}{url}"))
            .bearer_auth(&options.token)
    };
    let unavailable = |reason: String| DocumentCheck::Unavailable {
        expected: sha256.to_string(),
        reason,
    };
    let (check, bytes) = match request.send().await {
        Err(error) => (unavailable(error.to_string()), None),
        Ok(response) if !response.status().is_success() => (
            unavailable(format!("the server answered {}", response.status())),
            None,
        ),
        Ok(response) => match response.bytes().await {
            Err(error) => (unavailable(error.to_string()), None),
            Ok(bytes) => {
                let check = DocumentCheck::of(sha256, &bytes);
                let verified = check.is_verified().then(|| bytes.to_vec());
                (check, verified)
            }
        },
    };
    let document = ReceivedDocument {
        number: number.to_string(),
        url: url.to_string(),
        check,
        saved_to: None,
    };
    (document, bytes)
}

fn save(target: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(folder) = target.parent() {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("creating {}", folder.display()))?;
    }
    std::fs::write(target, bytes).with_context(|| format!("writing {}", target.display()))
}

/// The file name a verified event recorded for the document `sha256`.
fn recorded_file_name(trail: &[AuditEvent], sha256: &str) -> Option<String> {
    trail.iter().find_map(|event| {
        let document = event.payload.get("document")?;
        (document.get("sha256")?.as_str()? == sha256)
            .then(|| document.get("fileName")?.as_str().map(String::from))?
    })
}

/// A file or folder name that stays inside its folder: no separators, no leading dots.
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() || c == ':' {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim_start_matches('.').trim();
    if trimmed.is_empty() {
        "document".into()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::*;

    #[test]
    fn names_from_the_server_cannot_leave_the_output_folder() {
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name("DFC-O-005"), "DFC-O-005");
        assert_eq!(safe_name(".."), "document");
        assert_eq!(safe_name("a\\b:c.txt"), "a_b_c.txt");
    }

    /// A server on a free port that answers `hello` to a request carrying
    /// `Authorization: Bearer secret` and 401 to any other, as the query service answers for
    /// a members-only document.
    async fn members_only_server() -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut request = vec![0; 8192];
                let read = socket.read(&mut request).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&request[..read]).to_ascii_lowercase();
                let answer = if request.contains("\r\nauthorization: bearer secret\r\n") {
                    "HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello"
                } else {
                    "HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                };
                let _ = socket.write_all(answer.as_bytes()).await;
            }
        });
        address
    }

    fn options(server: &str) -> PullOptions {
        PullOptions {
            server: server.to_string(),
            token: "secret".into(),
            parent_group: "tsag".into(),
            state: PathBuf::from("state.json"),
            out: PathBuf::from("out"),
        }
    }

    #[tokio::test]
    async fn a_document_of_the_pulled_server_is_downloaded_with_the_token() {
        let server = members_only_server().await;
        let sha256 = hex::encode(Sha256::digest(b"hello"));
        let url = format!("/documents/{sha256}");
        let client = reqwest::Client::new();
        let (document, bytes) = download(
            &client,
            &server,
            &options(&server),
            "DFC-O-001",
            &url,
            &sha256,
        )
        .await;
        assert!(document.check.is_verified(), "{:?}", document.check);
        assert_eq!(bytes.as_deref(), Some(&b"hello"[..]));
    }

    #[tokio::test]
    async fn a_link_to_another_host_is_fetched_without_the_token() {
        let other = members_only_server().await;
        let sha256 = hex::encode(Sha256::digest(b"hello"));
        let url = format!("{other}/documents/{sha256}");
        let client = reqwest::Client::new();
        let pulled = "http://127.0.0.1:1";
        let (document, bytes) = download(
            &client,
            pulled,
            &options(pulled),
            "DFC-O-001",
            &url,
            &sha256,
        )
        .await;
        assert!(
            matches!(&document.check, DocumentCheck::Unavailable { reason, .. } if reason.contains("401")),
            "{:?}",
            document.check
        );
        assert!(bytes.is_none());
    }
}
