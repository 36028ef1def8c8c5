//! Checks the worked examples of `schema/events/HASHING.md` against the implementation: the
//! documented inputs must canonicalise to the documented bytes and hash to the documented
//! digests, and the second example must link to the first.

use chrono::{DateTime, SecondsFormat, Utc};
use eventlog::{Actor, EventHash, HashInput, StreamId, canonical_bytes, event_hash};
use serde_json::Value;
use serde_json::value::RawValue;
use uuid::Uuid;

const SPEC: &str = include_str!("../../../schema/events/HASHING.md");

/// The body of the fenced block whose info string is "<language> <label>".
fn block(label: &str) -> &'static str {
    for line in SPEC.lines() {
        if line.starts_with("```") && line.split_whitespace().nth(1) == Some(label) {
            let start = line.as_ptr() as usize + line.len() + 1 - SPEC.as_ptr() as usize;
            let length = SPEC[start..]
                .find("\n```")
                .unwrap_or_else(|| panic!("{label} is not closed"));
            return &SPEC[start..start + length];
        }
    }
    panic!("HASHING.md has no block labelled {label}")
}

fn text<'a>(input: &'a Value, field: &str) -> &'a str {
    input[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} is a string"))
}

fn uuid(input: &Value, field: &str) -> Uuid {
    text(input, field)
        .parse()
        .unwrap_or_else(|error| panic!("{field}: {error}"))
}

/// Hashes a documented input with the implementation, returning (canonical text, hash).
fn recompute(label: &str) -> (String, EventHash) {
    let input: Value =
        serde_json::from_str(block(&format!("example-{label}-input"))).expect("input is JSON");
    let stream = StreamId::new(text(&input, "streamId")).expect("a valid stream name");
    let actor: Actor = serde_json::from_value(input["actor"].clone()).expect("an actor");
    let payload = RawValue::from_string(input["payload"].to_string()).expect("payload JSON");
    let recorded_at: DateTime<Utc> = text(&input, "recordedAt")
        .parse()
        .expect("an RFC 3339 time");
    assert_eq!(
        recorded_at.to_rfc3339_opts(SecondsFormat::Micros, true),
        text(&input, "recordedAt"),
        "the example's time is written as the spec requires"
    );
    let hash_input = HashInput {
        event_id: uuid(&input, "eventId"),
        stream_id: &stream,
        revision: input["revision"].as_u64().expect("revision"),
        event_type: text(&input, "eventType"),
        schema_version: input["schemaVersion"].as_u64().expect("schemaVersion") as u16,
        recorded_at,
        actor: &actor,
        correlation_id: uuid(&input, "correlationId"),
        causation_id: input["causationId"]
            .as_str()
            .map(|id| id.parse().expect("causationId")),
        payload: &payload,
        previous_hash: input["previousHash"]
            .as_str()
            .map(|hash| hash.parse().expect("previousHash")),
    };
    let canonical = String::from_utf8(canonical_bytes(&hash_input)).expect("UTF-8");
    (canonical, event_hash(&hash_input))
}

fn documented_hash(label: &str) -> EventHash {
    block(&format!("example-{label}-hash"))
        .trim()
        .parse()
        .expect("64 hex digits")
}

#[test]
fn first_example_hashes_to_the_documented_digest() {
    let (canonical, hash) = recompute("1");
    assert_eq!(
        canonical,
        block("example-1-canonical").trim(),
        "canonical form of example 1"
    );
    assert_eq!(hash, documented_hash("1"), "hash of example 1 is {hash}");
}

#[test]
fn second_example_links_to_the_first_and_hashes_to_the_documented_digest() {
    let (canonical, hash) = recompute("2");
    assert_eq!(
        canonical,
        block("example-2-canonical").trim(),
        "canonical form of example 2"
    );
    assert_eq!(hash, documented_hash("2"), "hash of example 2 is {hash}");
    let input: Value = serde_json::from_str(block("example-2-input")).expect("input is JSON");
    assert_eq!(
        text(&input, "previousHash"),
        documented_hash("1").to_string(),
        "example 2 links to example 1"
    );
}

#[test]
fn documented_digest_is_sha256_of_the_documented_canonical_bytes() {
    use sha2::{Digest, Sha256};
    for label in ["1", "2"] {
        let digest: [u8; 32] = Sha256::digest(
            block(&format!("example-{label}-canonical"))
                .trim()
                .as_bytes(),
        )
        .into();
        assert_eq!(EventHash(digest), documented_hash(label), "example {label}");
    }
}
