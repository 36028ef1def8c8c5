//! The documented pull query (`schema/graphql/examples/tsag-pull.graphql`) and the shape of
//! its answer, as the server sends it.

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

/// The query the CLI sends: exactly the one documented for people to paste into GraphiQL.
pub const PULL_QUERY: &str = include_str!("../../../schema/graphql/examples/tsag-pull.graphql");

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Inbox {
    pub since: Option<String>,
    /// The read side's head when the server answered: the next pull's `since`.
    pub until: Option<String>,
    pub transmittals: Vec<Transmittal>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transmittal {
    pub id: Uuid,
    pub position: String,
    pub version: u32,
    pub transmitted_at: String,
    pub parent_meeting_starts_on: String,
    pub status: String,
    pub deliverable: Deliverable,
    pub draft: Option<Draft>,
    pub approving_decision: Option<Decision>,
    pub built_on: Vec<Contribution>,
    pub audit_trail: Vec<AuditEvent>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deliverable {
    pub id: Uuid,
    pub title: String,
    pub group: Option<GroupRef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    pub version: u32,
    pub number: String,
    pub published_at: String,
    pub document: Document,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub sha256: String,
    #[serde(default)]
    pub file_name: Option<String>,
    pub url: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    pub id: Uuid,
    pub outcome: String,
    pub summary: String,
    pub decided_at: String,
    pub in_force: bool,
    pub objections: Vec<Objection>,
    pub call: ConsensusCall,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Objection {
    pub participant: String,
    pub reason: String,
    pub disposition: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsensusCall {
    pub id: Uuid,
    pub question: String,
    pub audit_trail: Vec<AuditEvent>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contribution {
    pub id: Uuid,
    pub number: String,
    pub title: String,
    pub authors: Vec<String>,
    pub source_organisations: Vec<String>,
    pub document: Document,
    pub audit_trail: Vec<AuditEvent>,
}

/// One event of an audit trail, with every member the hash covers.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    pub id: Uuid,
    #[serde(rename = "type")]
    pub event_type: String,
    pub schema_version: u16,
    pub stream: String,
    pub revision: u64,
    pub position: String,
    pub recorded_at: String,
    pub actor: Actor,
    pub correlation_id: Uuid,
    pub causation_id: Option<Uuid>,
    pub previous_hash: Option<String>,
    pub hash: String,
    pub payload: Value,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    pub subject: String,
    pub display_name: String,
    pub roles: Vec<String>,
}

/// The variables of [`PULL_QUERY`].
pub fn variables(parent_group: &str, since: Option<&str>) -> Value {
    json!({ "parentGroup": parent_group, "since": since })
}

/// Takes the inbox out of a GraphQL response, or says why there is none.
pub fn from_response(response: Value, parent_group: &str) -> anyhow::Result<Inbox> {
    if let Some(errors) = response
        .get("errors")
        .and_then(Value::as_array)
        .filter(|e| !e.is_empty())
    {
        let described: Vec<String> = errors
            .iter()
            .map(|error| {
                let message = error["message"].as_str().unwrap_or("(no message)");
                match error["extensions"]["code"].as_str() {
                    Some(code) => format!("{code}: {message}"),
                    None => message.to_string(),
                }
            })
            .collect();
        bail!("the server refused the pull: {}", described.join("; "));
    }
    let inbox = response
        .pointer("/data/inbox")
        .cloned()
        .unwrap_or(Value::Null);
    if inbox.is_null() {
        bail!("the server knows no group {parent_group:?}");
    }
    serde_json::from_value(inbox)
        .context("the server's answer does not have the shape of the pull query")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_sent_is_the_documented_pull() {
        assert!(PULL_QUERY.contains("query TsagPull("));
        assert!(PULL_QUERY.contains("inbox(parentGroup: $parentGroup, since: $since"));
    }

    #[test]
    fn errors_in_the_answer_are_reported_with_their_codes() {
        let refused = json!({ "data": null, "errors": [{ "message": "no", "extensions": { "code": "FORBIDDEN" } }] });
        let error = from_response(refused, "tsag").unwrap_err().to_string();
        assert!(error.contains("FORBIDDEN: no"), "{error}");
        let unknown = from_response(json!({ "data": { "inbox": null } }), "nope")
            .unwrap_err()
            .to_string();
        assert!(unknown.contains("no group \"nope\""), "{unknown}");
    }

    #[test]
    fn an_empty_inbox_reads_with_its_positions() {
        let answer =
            json!({ "data": { "inbox": { "since": "4", "until": "9", "transmittals": [] } } });
        let inbox = from_response(answer, "tsag").unwrap();
        assert_eq!(
            (inbox.since.as_deref(), inbox.until.as_deref()),
            (Some("4"), Some("9"))
        );
        assert!(inbox.transmittals.is_empty());
    }
}
