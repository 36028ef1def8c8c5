//! OpenAPI helpers: the bearer security scheme every service document declares, and the merge
//! of several services' documents into the one served at `/openapi.json`.

use utoipa::Modify;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{InfoBuilder, OpenApi, OpenApiBuilder};

/// Name of the security scheme routes refer to: `security(("bearer" = []))`.
pub const BEARER: &str = "bearer";

/// Adds the `bearer` JWT scheme. Use as `#[openapi(modifiers(&platform::openapi::BearerAuth))]`.
#[derive(Debug, Clone, Copy)]
pub struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// One document with the paths, schemas and tags of all `docs`, titled "Plenary".
pub fn merge(docs: impl IntoIterator<Item = OpenApi>) -> OpenApi {
    let mut merged = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Plenary")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Commands of Plenary's services. Errors are application/problem+json with a stable \
                     `code`. Writes accept `Idempotency-Key` and `If-Match`, and answer with the \
                     stream `revision` (also the `ETag`) and the global `position` of their last event.",
                ))
                .build(),
        )
        .build();
    merged.merge(<crate::app::PlatformDoc as utoipa::OpenApi>::openapi());
    for doc in docs {
        merged.merge(doc);
    }
    BearerAuth.modify(&mut merged);
    merged
}

#[cfg(test)]
mod tests {
    use domain::events::{
        AgendaItem, Disposition, DocumentRef, GroupKind, MembershipCategory, ObjectionRecord,
        OfficerRole, Outcome, Stance, Subject, TermsOfReference, Visibility,
    };
    use serde::Serialize;
    use serde_json::Value;
    use utoipa::PartialSchema;

    fn described<T: PartialSchema>() -> Value {
        serde_json::to_value(T::schema()).unwrap()
    }

    fn sorted_keys(object: &Value) -> Vec<String> {
        let mut keys: Vec<String> = object.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    }

    /// The schema of an enum lists exactly the names serde writes for `variants`, in order.
    fn names_as_written<T: PartialSchema + Serialize>(variants: &[T]) {
        let written: Vec<Value> = variants
            .iter()
            .map(|variant| serde_json::to_value(variant).unwrap())
            .collect();
        assert_eq!(described::<T>()["enum"], Value::Array(written));
    }

    /// The schema names to which `schema` refers.
    fn references(schema: &Value) -> Vec<String> {
        match schema {
            Value::Object(object) => object
                .iter()
                .flat_map(|(key, value)| match (key.as_str(), value) {
                    ("$ref", Value::String(target)) => vec![target.clone()],
                    _ => references(value),
                })
                .collect(),
            Value::Array(items) => items.iter().flat_map(references).collect(),
            _ => Vec::new(),
        }
    }

    /// The schema of a struct has exactly the properties serde writes for `sample`, and refers
    /// to no schema but `Disposition` (an id alias would name a schema nobody defines).
    fn fields_as_written<T: PartialSchema + Serialize>(sample: &T) {
        let written = serde_json::to_value(sample).unwrap();
        let schema = described::<T>();
        assert_eq!(sorted_keys(&schema["properties"]), sorted_keys(&written));
        for target in references(&schema) {
            assert_eq!(target, "#/components/schemas/Disposition");
        }
    }

    #[test]
    fn domain_enums_are_described_by_the_names_serde_writes() {
        use GroupKind::*;
        names_as_written(&[ParentGroup, FocusGroup, Initiative, WorkingGroup]);
        names_as_written(&[Visibility::Public, Visibility::MembersOnly]);
        use MembershipCategory::*;
        names_as_written(&[MemberState, SectorMember, Associate, Academia, Individual]);
        names_as_written(&[OfficerRole::Chair, OfficerRole::ViceChair]);
        names_as_written(&[Stance::Support, Stance::Object, Stance::StandAside]);
        use Outcome::*;
        names_as_written(&[
            Agreed,
            AgreedWithModifications,
            NotAgreed,
            Noted,
            FurtherStudy,
            Postponed,
        ]);
        use Disposition::*;
        names_as_written(&[Withdrawn, Resolved, Overruled, Sustained]);
    }

    #[test]
    fn domain_structs_are_described_by_the_fields_serde_writes() {
        fields_as_written(&TermsOfReference {
            objectives: vec!["o".into()],
            tasks: vec!["t".into()],
            deliverables: vec!["d".into()],
            lifetime_months: 24,
        });
        fields_as_written(&AgendaItem {
            id: "1".into(),
            title: "Opening".into(),
        });
        fields_as_written(&DocumentRef {
            sha256: "a".into(),
            size: 1,
            media_type: "text/plain".into(),
            file_name: "a".into(),
        });
        fields_as_written(&ObjectionRecord {
            participant: "p".into(),
            reason: "r".into(),
            disposition: Disposition::Resolved,
            note: Some("n".into()),
        });
    }

    /// `Subject` is internally tagged by `kind`, with camelCase variant and field names.
    #[test]
    fn a_subject_is_described_as_serde_tags_it() {
        let id = uuid::Uuid::from_u128(7);
        let alternatives = described::<Subject>()["oneOf"].clone();
        let alternatives = alternatives.as_array().unwrap();
        let subjects = [
            Subject::Contribution { id },
            Subject::Deliverable {
                id,
                version: Some(2),
            },
            Subject::AgendaItem {
                meeting_id: id,
                item: "4".into(),
            },
        ];
        assert_eq!(alternatives.len(), subjects.len());
        for subject in subjects {
            let written = serde_json::to_value(&subject).unwrap();
            let alternative = alternatives
                .iter()
                .find(|alternative| {
                    alternative["properties"]["kind"]["enum"]
                        == Value::Array(vec![written["kind"].clone()])
                })
                .unwrap_or_else(|| panic!("no alternative for {written}"));
            assert_eq!(
                sorted_keys(&alternative["properties"]),
                sorted_keys(&written)
            );
            assert!(
                alternative["required"]
                    .as_array()
                    .unwrap()
                    .contains(&"kind".into())
            );
            assert_eq!(references(alternative), Vec::<String>::new());
        }
    }
}
