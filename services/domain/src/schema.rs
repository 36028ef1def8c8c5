//! JSON Schemas of every event payload, one per event type and schema version, generated from
//! the payload structs and committed under `schema/events/` as `<EventType>.v<N>.json`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde_json::Value;

use crate::codec::EventPayload;
use crate::events::*;

fn schema<T: JsonSchema>(event_type: &str, version: u16) -> (String, Value) {
    let mut schema = schemars::schema_for!(T);
    schema.insert("title".into(), event_type.into());
    schema.insert("x-event-type".into(), event_type.into());
    schema.insert("x-schema-version".into(), version.into());
    (format!("{event_type}.v{version}"), schema.to_value())
}

fn current<T: EventPayload + JsonSchema>() -> (String, Value) {
    schema::<T>(T::EVENT_TYPE, T::VERSION)
}

/// Every event type's schema, current and earlier versions, keyed `<EventType>.v<N>`.
pub fn event_schemas() -> BTreeMap<String, Value> {
    BTreeMap::from([
        current::<GroupEstablished>(),
        current::<LifetimeExtended>(),
        current::<OfficerAppointed>(),
        current::<OfficerRelieved>(),
        schema::<previous::ParticipantRegisteredV1>("ParticipantRegistered", 1),
        current::<ParticipantRegistered>(),
        current::<ParticipantWithdrawn>(),
        current::<ProgressReportSent>(),
        current::<NoticeWaived>(),
        current::<MeetingAnnounced>(),
        current::<AgendaItemAdded>(),
        current::<DocumentNumberAssigned>(),
        current::<ContributionSubmitted>(),
        current::<ContributionRevised>(),
        current::<ContributionWithdrawn>(),
        current::<LateContributionAccepted>(),
        current::<LateContributionRefused>(),
        current::<CommentPosted>(),
        current::<CommentEdited>(),
        current::<CommentRetracted>(),
        current::<ThreadResolved>(),
        current::<ConsensusCallOpened>(),
        current::<PositionStated>(),
        current::<DecisionRecorded>(),
        current::<DecisionCorrected>(),
        current::<DeliverableDefined>(),
        current::<EditorAssigned>(),
        current::<DraftPublished>(),
        current::<DeliverableApproved>(),
        current::<DeliverableApprovalWithdrawn>(),
        current::<DeliverableTransmitted>(),
        current::<TransmittalAcknowledged>(),
        current::<TransmittalReturned>(),
    ])
}

/// The files of `schema/events/`: name (`<EventType>.v<N>.json`) and pretty-printed content.
pub fn event_schema_files() -> BTreeMap<String, String> {
    event_schemas()
        .into_iter()
        .map(|(name, schema)| {
            let text =
                serde_json::to_string_pretty(&sorted(schema)).expect("a JSON value always prints");
            (format!("{name}.json"), text + "\n")
        })
        .collect()
}

/// Object keys in sorted order, whether or not serde_json's `preserve_order` is on in this
/// build, so the files do not depend on which crates were compiled together.
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let entries: BTreeMap<String, Value> = map
                .into_iter()
                .map(|(key, value)| (key, sorted(value)))
                .collect();
            Value::Object(entries.into_iter().collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::events::Event;

    fn schema_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/events")
    }

    #[test]
    fn every_current_event_type_has_its_schema() {
        let schemas = event_schemas();
        for (event_type, version) in Event::event_types() {
            let schema = &schemas[&format!("{event_type}.v{version}")];
            assert_eq!(schema["x-event-type"], event_type);
            assert_eq!(schema["type"], "object", "{event_type}");
        }
        assert_eq!(
            schemas.len(),
            Event::event_types().count() + 1,
            "plus ParticipantRegistered v1"
        );
    }

    #[test]
    fn the_two_participant_registered_versions_differ_by_country() {
        let schemas = event_schemas();
        assert!(
            schemas["ParticipantRegistered.v1"]["properties"]
                .get("country")
                .is_none()
        );
        assert!(
            schemas["ParticipantRegistered.v2"]["properties"]
                .get("country")
                .is_some()
        );
    }

    /// Fails when `schema/events/` differs from the code; `PLENARY_UPDATE_SCHEMAS=1` rewrites it.
    #[test]
    fn committed_event_schemas_are_up_to_date() {
        let dir = schema_dir();
        let files = event_schema_files();
        let on_disk: BTreeMap<String, String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .map(|path| {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&path).unwrap())
            })
            .collect();
        if std::env::var("PLENARY_UPDATE_SCHEMAS").as_deref() == Ok("1") {
            for name in on_disk.keys().filter(|name| !files.contains_key(*name)) {
                std::fs::remove_file(dir.join(name)).unwrap();
            }
            for (name, text) in &files {
                std::fs::write(dir.join(name), text).unwrap();
            }
            return;
        }
        let stale: Vec<&String> = files
            .keys()
            .chain(on_disk.keys())
            .filter(|name| files.get(*name) != on_disk.get(*name))
            .collect();
        assert!(
            stale.is_empty(),
            "schema/events is stale ({stale:?}); run PLENARY_UPDATE_SCHEMAS=1 cargo test -p domain"
        );
    }
}
