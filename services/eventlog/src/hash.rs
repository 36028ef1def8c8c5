//! Canonical encoding and hashing of events, so that anyone can recompute a hash chain.
//!
//! The encoding is specified in `schema/events/HASHING.md`: SHA-256 over the RFC 8785 (JCS)
//! serialisation of the object built by [`HashInput`]. The global position is not hashed:
//! a cluster assigns it only after the event is written.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::envelope::{Actor, NewEvent, RecordedEvent, StreamId, StreamRevision};

/// A SHA-256 digest, written as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventHash(pub [u8; 32]);

impl fmt::Display for EventHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for EventHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventHash({self})")
    }
}

impl FromStr for EventHash {
    type Err = hex::FromHexError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(s, &mut bytes)?;
        Ok(Self(bytes))
    }
}

impl Serialize for EventHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for EventHash {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Everything an event's hash covers.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HashInput<'a> {
    pub event_id: Uuid,
    pub stream_id: &'a StreamId,
    pub revision: StreamRevision,
    pub event_type: &'a str,
    pub schema_version: u16,
    #[serde(serialize_with = "micros_utc")]
    pub recorded_at: DateTime<Utc>,
    pub actor: &'a Actor,
    pub correlation_id: Uuid,
    pub causation_id: Option<Uuid>,
    pub payload: &'a RawValue,
    pub previous_hash: Option<EventHash>,
}

/// Fails when the recorded payload is not JSON: such an event cannot hash to what its writer
/// computed.
impl<'a> TryFrom<&'a RecordedEvent> for HashInput<'a> {
    type Error = serde_json::Error;
    fn try_from(event: &'a RecordedEvent) -> Result<Self, Self::Error> {
        Ok(Self {
            event_id: event.id,
            stream_id: &event.stream_id,
            revision: event.revision,
            event_type: &event.event_type,
            schema_version: event.schema_version,
            recorded_at: event.recorded_at,
            actor: &event.actor,
            correlation_id: event.correlation_id,
            causation_id: event.causation_id,
            payload: event.payload.json()?,
            previous_hash: event.previous_hash,
        })
    }
}

impl<'a> HashInput<'a> {
    /// What is hashed for `event` once a store places it at `revision` of `stream_id`.
    pub fn placed(
        stream_id: &'a StreamId,
        event: &'a NewEvent,
        revision: StreamRevision,
        recorded_at: DateTime<Utc>,
        previous_hash: Option<EventHash>,
    ) -> Self {
        Self {
            event_id: event.id,
            stream_id,
            revision,
            event_type: &event.event_type,
            schema_version: event.schema_version,
            recorded_at,
            actor: &event.actor,
            correlation_id: event.correlation_id,
            causation_id: event.causation_id,
            payload: &event.payload,
            previous_hash,
        }
    }
}

fn micros_utc<S: serde::Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&at.to_rfc3339_opts(SecondsFormat::Micros, true))
}

/// The RFC 8785 bytes that are hashed.
///
/// The envelope's member names are fixed and ASCII, so they are written here in their sorted
/// order and only each value goes through the canonicaliser: the same bytes as canonicalising
/// the whole [`HashInput`] at once (a test checks this), at a fraction of the cost. This runs
/// once per appended event inside the store's single writer.
pub fn canonical_bytes(input: &HashInput<'_>) -> Vec<u8> {
    // The payload is parsed because the canonicaliser cannot take a RawValue. Nothing here can
    // fail: every field is plain data and the payload is valid JSON.
    let payload: serde_json::Value =
        serde_json::from_str(input.payload.get()).expect("a RawValue holds valid JSON");
    let recorded_at = input
        .recorded_at
        .to_rfc3339_opts(SecondsFormat::Micros, true);
    let mut out = Vec::with_capacity(400 + input.payload.get().len());
    // The actor's members too: the canonicaliser's buffering of objects is what is slow. A
    // field added to `Actor` fails the equivalence test until it is added here.
    out.extend_from_slice(b"{\"actor\":");
    member(&mut out, b'{', "displayName", &input.actor.display_name);
    member(&mut out, b',', "roles", &input.actor.roles);
    member(&mut out, b',', "subject", &input.actor.subject);
    out.push(b'}');
    member(&mut out, b',', "causationId", &input.causation_id);
    member(&mut out, b',', "correlationId", &input.correlation_id);
    member(&mut out, b',', "eventId", &input.event_id);
    member(&mut out, b',', "eventType", &input.event_type);
    member(&mut out, b',', "payload", &payload);
    member(&mut out, b',', "previousHash", &input.previous_hash);
    member(&mut out, b',', "recordedAt", &recorded_at);
    member(&mut out, b',', "revision", &input.revision);
    member(&mut out, b',', "schemaVersion", &input.schema_version);
    member(&mut out, b',', "streamId", &input.stream_id.as_str());
    out.push(b'}');
    out
}

/// Appends `<separator>"<name>":<canonical value>`.
fn member<T: Serialize>(out: &mut Vec<u8>, separator: u8, name: &str, value: &T) {
    out.push(separator);
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\":");
    serde_json_canonicalizer::to_writer(value, out).expect("plain data canonicalises");
}

pub fn event_hash(input: &HashInput<'_>) -> EventHash {
    EventHash(Sha256::digest(canonical_bytes(input)).into())
}

/// An event's canonical encoding split around the three members only the store's writer
/// knows (`previousHash`, `recordedAt`, `revision`, adjacent in sorted order), so that the
/// rest, the payload above all, is encoded by the appending caller rather than by the single
/// writer. [`CanonicalParts::bytes`] equals [`canonical_bytes`] for the same event (a test
/// checks this on many random events).
#[derive(Debug, Clone)]
pub struct CanonicalParts {
    /// From `{` up to, not including, `,"previousHash":`.
    prefix: Vec<u8>,
    /// From `,"schemaVersion":` to the closing `}`.
    suffix: Vec<u8>,
}

impl CanonicalParts {
    pub fn new(stream_id: &StreamId, event: &NewEvent) -> Self {
        let payload: serde_json::Value =
            serde_json::from_str(event.payload.get()).expect("a RawValue holds valid JSON");
        let mut prefix = Vec::with_capacity(300 + event.payload.get().len());
        prefix.extend_from_slice(b"{\"actor\":");
        member(&mut prefix, b'{', "displayName", &event.actor.display_name);
        member(&mut prefix, b',', "roles", &event.actor.roles);
        member(&mut prefix, b',', "subject", &event.actor.subject);
        prefix.push(b'}');
        member(&mut prefix, b',', "causationId", &event.causation_id);
        member(&mut prefix, b',', "correlationId", &event.correlation_id);
        member(&mut prefix, b',', "eventId", &event.id);
        member(&mut prefix, b',', "eventType", &event.event_type);
        member(&mut prefix, b',', "payload", &payload);
        let mut suffix = Vec::with_capacity(40 + stream_id.as_str().len());
        member(&mut suffix, b',', "schemaVersion", &event.schema_version);
        member(&mut suffix, b',', "streamId", &stream_id.as_str());
        suffix.push(b'}');
        Self { prefix, suffix }
    }

    /// The whole canonical encoding once the event's place is known.
    pub fn bytes(
        &self,
        previous_hash: Option<EventHash>,
        recorded_at: DateTime<Utc>,
        revision: StreamRevision,
    ) -> Vec<u8> {
        let mut out = self.prefix.clone();
        placement(&mut out, previous_hash, recorded_at, revision);
        out.extend_from_slice(&self.suffix);
        out
    }

    /// Starts the digest over the prefix, so that finishing it hashes only the short rest.
    pub fn prepare(self) -> PreparedHash {
        PreparedHash {
            prefix_digest: Sha256::new_with_prefix(&self.prefix),
            suffix: self.suffix,
        }
    }
}

/// An event's hash with everything but its place already fed to SHA-256 (see
/// [`CanonicalParts`]); [`PreparedHash::finish`] equals [`event_hash`] for the same event.
#[derive(Debug, Clone)]
pub struct PreparedHash {
    prefix_digest: Sha256,
    suffix: Vec<u8>,
}

impl PreparedHash {
    pub fn finish(
        &self,
        previous_hash: Option<EventHash>,
        recorded_at: DateTime<Utc>,
        revision: StreamRevision,
    ) -> EventHash {
        let mut middle = Vec::with_capacity(160);
        placement(&mut middle, previous_hash, recorded_at, revision);
        let mut digest = self.prefix_digest.clone();
        digest.update(&middle);
        digest.update(&self.suffix);
        EventHash(digest.finalize().into())
    }
}

/// `,"previousHash":…,"recordedAt":…,"revision":…`, encoded as [`canonical_bytes`] does.
fn placement(
    out: &mut Vec<u8>,
    previous_hash: Option<EventHash>,
    recorded_at: DateTime<Utc>,
    revision: StreamRevision,
) {
    let recorded_at = recorded_at.to_rfc3339_opts(SecondsFormat::Micros, true);
    member(out, b',', "previousHash", &previous_hash);
    member(out, b',', "recordedAt", &recorded_at);
    member(out, b',', "revision", &revision);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(stream: &'a StreamId, actor: &'a Actor, payload: &'a RawValue) -> HashInput<'a> {
        HashInput {
            event_id: Uuid::nil(),
            stream_id: stream,
            revision: 0,
            event_type: "GroupEstablished",
            schema_version: 1,
            recorded_at: DateTime::from_timestamp_micros(1_507_852_800_000_001).unwrap(),
            actor,
            correlation_id: Uuid::nil(),
            causation_id: None,
            payload,
            previous_hash: None,
        }
    }

    #[test]
    fn canonical_bytes_sort_keys_and_ignore_payload_whitespace() {
        let stream = StreamId::new("group-tsag").unwrap();
        let actor = Actor {
            subject: "s".into(),
            display_name: "S".into(),
            roles: vec![],
        };
        let spaced = RawValue::from_string(r#"{ "b": 1, "a": "é" }"#.into()).unwrap();
        let tight = RawValue::from_string(r#"{"a":"é","b":1}"#.into()).unwrap();
        let bytes = canonical_bytes(&input(&stream, &actor, &spaced));
        assert_eq!(bytes, canonical_bytes(&input(&stream, &actor, &tight)));
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.starts_with(
                r#"{"actor":{"displayName":"S","roles":[],"subject":"s"},"causationId":null"#
            ),
            "{text}"
        );
        assert!(text.contains(r#""payload":{"a":"é","b":1}"#), "{text}");
        assert!(
            text.contains(r#""recordedAt":"2017-10-13T00:00:00.000001Z""#),
            "{text}"
        );
    }

    #[test]
    fn hash_changes_with_any_covered_field() {
        let stream = StreamId::new("group-tsag").unwrap();
        let actor = Actor::default();
        let payload = RawValue::from_string("{}".into()).unwrap();
        let base = event_hash(&input(&stream, &actor, &payload));
        let mut later = input(&stream, &actor, &payload);
        later.revision = 1;
        assert_ne!(base, event_hash(&later));
        let mut chained = input(&stream, &actor, &payload);
        chained.previous_hash = Some(base);
        assert_ne!(base, event_hash(&chained));
    }

    #[test]
    fn canonical_bytes_equal_canonicalising_the_whole_object() {
        let stream = StreamId::new("contribution-0190f3c2:x_y.z").unwrap();
        let actor = Actor {
            subject: "user:\"quoted\"\\back".into(),
            display_name: "Zoë \u{1F600} \u{7f}\u{1f} tab\t".into(),
            roles: vec!["chair@fg-dfc".into(), "é@ü".into()],
        };
        let payloads = [
            "{}",
            concat!(
                r#"{"b":[1,2.5,-0.0,1e21,0.1,1E-7,100,null,true,false],"#,
                r#""a":{"z":"\u00e9\n","é":1,"\ud83d\ude00":2,"\uffff":3}}"#
            ),
            r#"{ "nested" : { "deeper": [ { "k": "v" } ] }, "": "", "n": 12345678901234567890 }"#,
        ];
        for (n, text) in payloads.iter().enumerate() {
            let payload = RawValue::from_string((*text).into()).unwrap();
            let mut hash_input = input(&stream, &actor, &payload);
            if n > 0 {
                hash_input.revision = 7 + n as u64;
                hash_input.causation_id = Some(Uuid::from_u128(0x0190_f3c2_7000_8000_0000_0001));
                hash_input.previous_hash = Some(EventHash([n as u8; 32]));
                hash_input.schema_version = 3;
            }
            let whole = serde_json::to_value(&hash_input).unwrap();
            assert_eq!(
                String::from_utf8(canonical_bytes(&hash_input)).unwrap(),
                serde_json_canonicalizer::to_string(&whole).unwrap(),
                "payload {text}"
            );
        }
    }

    /// A small deterministic generator, so that a failure can be replayed.
    struct Random(u64);

    impl Random {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, bound: u64) -> u64 {
            self.next() % bound
        }

        fn text(&mut self) -> String {
            const PIECES: &[&str] = &[
                "a",
                "Z",
                "0",
                " ",
                "\"",
                "\\",
                "\n",
                "\t",
                "\u{7f}",
                "\u{1f}",
                "é",
                "ü",
                "\u{1F600}",
                "\u{FFFF}",
                "/",
                "<",
                ":",
                "-",
            ];
            (0..self.below(12))
                .map(|_| PIECES[self.below(PIECES.len() as u64) as usize])
                .collect()
        }

        fn json(&mut self, depth: u32) -> serde_json::Value {
            use serde_json::Value;
            match self.below(if depth == 0 { 5 } else { 7 }) {
                0 => Value::Null,
                1 => Value::Bool(self.below(2) == 0),
                2 => Value::from(self.next() as i64 >> self.below(64)),
                3 => Value::from(f64::from_bits(self.next() >> 2) / 7.0),
                4 => Value::String(self.text()),
                5 => (0..self.below(4)).map(|_| self.json(depth - 1)).collect(),
                _ => Value::Object(
                    (0..self.below(5))
                        .map(|_| (self.text(), self.json(depth - 1)))
                        .collect(),
                ),
            }
        }

        fn uuid(&mut self) -> Uuid {
            Uuid::from_u64_pair(self.next(), self.next())
        }
    }

    #[test]
    fn prepared_parts_give_the_reference_bytes_and_hash_for_random_events() {
        let mut random = Random(0x005e_ed0f_e7e4_7105);
        for round in 0..2_000 {
            let stream = StreamId::new(format!("s-{}", random.below(1_000_000))).unwrap();
            let payload = serde_json::Value::Object(
                (0..random.below(6))
                    .map(|_| (random.text(), random.json(3)))
                    .collect(),
            );
            let event = NewEvent {
                id: random.uuid(),
                event_type: random.text(),
                schema_version: random.below(u64::from(u16::MAX) + 1) as u16,
                actor: Actor {
                    subject: random.text(),
                    display_name: random.text(),
                    roles: (0..random.below(3)).map(|_| random.text()).collect(),
                },
                correlation_id: random.uuid(),
                causation_id: (random.below(2) == 0).then(|| random.uuid()),
                payload: RawValue::from_string(payload.to_string()).unwrap(),
            };
            let previous_hash = (round % 3 != 0).then(|| EventHash([random.below(256) as u8; 32]));
            let recorded_at =
                DateTime::from_timestamp_micros(random.below(4_102_444_800_000_000) as i64)
                    .unwrap();
            let revision = if round % 2 == 0 {
                random.below(100)
            } else {
                random.next()
            };
            let reference =
                HashInput::placed(&stream, &event, revision, recorded_at, previous_hash);
            let parts = CanonicalParts::new(&stream, &event);
            assert_eq!(
                parts.bytes(previous_hash, recorded_at, revision),
                canonical_bytes(&reference),
                "round {round}"
            );
            assert_eq!(
                parts.prepare().finish(previous_hash, recorded_at, revision),
                event_hash(&reference),
                "round {round}"
            );
        }
    }

    #[test]
    fn hash_round_trips_through_hex() {
        let hash = EventHash([7; 32]);
        assert_eq!(hash.to_string().parse::<EventHash>().unwrap(), hash);
    }
}
