//! OpenAPI schemas of the domain's shared value types. The domain stays free of utoipa, so a
//! request or answer field of a domain type names its schema here:
//! `#[schema(value_type = platform::schemas::GroupKind)] pub kind: domain::events::GroupKind`.
//! Each mirror has the domain type's serde shape; the tests below hold them together.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum GroupKind {
    ParentGroup,
    FocusGroup,
    Initiative,
    WorkingGroup,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Visibility {
    Public,
    MembersOnly,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum MembershipCategory {
    MemberState,
    SectorMember,
    Associate,
    Academia,
    Individual,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum OfficerRole {
    Chair,
    ViceChair,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TermsOfReference {
    pub objectives: Vec<String>,
    pub tasks: Vec<String>,
    /// Deliverable titles.
    pub deliverables: Vec<String>,
    /// Lifetime in months from the first meeting (FG DFC: 24).
    pub lifetime_months: u32,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgendaItem {
    /// Its number on the agenda: `1`, `4.2`.
    #[schema(example = "4.2")]
    pub id: String,
    pub title: String,
}

/// A stored document, content-addressed: download it at `/documents/{sha256}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DocumentRef {
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    pub file_name: String,
}

/// What a comment thread, consensus call or decision is about.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
pub enum Subject {
    Contribution {
        id: uuid::Uuid,
    },
    Deliverable {
        id: uuid::Uuid,
        version: Option<u32>,
    },
    AgendaItem {
        meeting_id: uuid::Uuid,
        item: String,
    },
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Stance {
    Support,
    Object,
    StandAside,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Agreed,
    AgreedWithModifications,
    NotAgreed,
    Noted,
    FurtherStudy,
    Postponed,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Disposition {
    Withdrawn,
    Resolved,
    Overruled,
    Sustained,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ObjectionRecord {
    pub participant: String,
    pub reason: String,
    pub disposition: Disposition,
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use domain::events as d;
    use serde::Serialize;

    /// Both serialise to the same JSON.
    fn same<A: Serialize, B: Serialize>(domain: A, mirror: B) {
        assert_eq!(
            serde_json::to_value(domain).unwrap(),
            serde_json::to_value(mirror).unwrap()
        );
    }

    #[test]
    fn enum_mirrors_serialise_like_the_domain() {
        use super::*;
        same(d::GroupKind::ParentGroup, GroupKind::ParentGroup);
        same(d::GroupKind::FocusGroup, GroupKind::FocusGroup);
        same(d::GroupKind::Initiative, GroupKind::Initiative);
        same(d::GroupKind::WorkingGroup, GroupKind::WorkingGroup);
        same(d::Visibility::Public, Visibility::Public);
        same(d::Visibility::MembersOnly, Visibility::MembersOnly);
        same(
            d::MembershipCategory::MemberState,
            MembershipCategory::MemberState,
        );
        same(
            d::MembershipCategory::SectorMember,
            MembershipCategory::SectorMember,
        );
        same(
            d::MembershipCategory::Associate,
            MembershipCategory::Associate,
        );
        same(
            d::MembershipCategory::Academia,
            MembershipCategory::Academia,
        );
        same(
            d::MembershipCategory::Individual,
            MembershipCategory::Individual,
        );
        same(d::OfficerRole::Chair, OfficerRole::Chair);
        same(d::OfficerRole::ViceChair, OfficerRole::ViceChair);
        same(d::Stance::Support, Stance::Support);
        same(d::Stance::Object, Stance::Object);
        same(d::Stance::StandAside, Stance::StandAside);
        same(d::Outcome::Agreed, Outcome::Agreed);
        same(
            d::Outcome::AgreedWithModifications,
            Outcome::AgreedWithModifications,
        );
        same(d::Outcome::NotAgreed, Outcome::NotAgreed);
        same(d::Outcome::Noted, Outcome::Noted);
        same(d::Outcome::FurtherStudy, Outcome::FurtherStudy);
        same(d::Outcome::Postponed, Outcome::Postponed);
        same(d::Disposition::Withdrawn, Disposition::Withdrawn);
        same(d::Disposition::Resolved, Disposition::Resolved);
        same(d::Disposition::Overruled, Disposition::Overruled);
        same(d::Disposition::Sustained, Disposition::Sustained);
    }

    #[test]
    fn struct_mirrors_serialise_like_the_domain() {
        let id = uuid::Uuid::from_u128(7);
        same(
            d::TermsOfReference {
                objectives: vec!["o".into()],
                tasks: vec!["t".into()],
                deliverables: vec!["d".into()],
                lifetime_months: 24,
            },
            super::TermsOfReference {
                objectives: vec!["o".into()],
                tasks: vec!["t".into()],
                deliverables: vec!["d".into()],
                lifetime_months: 24,
            },
        );
        same(
            d::AgendaItem {
                id: "1".into(),
                title: "Opening".into(),
            },
            super::AgendaItem {
                id: "1".into(),
                title: "Opening".into(),
            },
        );
        same(
            d::DocumentRef {
                sha256: "a".into(),
                size: 1,
                media_type: "text/plain".into(),
                file_name: "a".into(),
            },
            super::DocumentRef {
                sha256: "a".into(),
                size: 1,
                media_type: "text/plain".into(),
                file_name: "a".into(),
            },
        );
        same(
            d::Subject::Contribution { id },
            super::Subject::Contribution { id },
        );
        same(
            d::Subject::Deliverable {
                id,
                version: Some(2),
            },
            super::Subject::Deliverable {
                id,
                version: Some(2),
            },
        );
        same(
            d::Subject::AgendaItem {
                meeting_id: id,
                item: "4".into(),
            },
            super::Subject::AgendaItem {
                meeting_id: id,
                item: "4".into(),
            },
        );
        same(
            d::ObjectionRecord {
                participant: "p".into(),
                reason: "r".into(),
                disposition: d::Disposition::Resolved,
                note: None,
            },
            super::ObjectionRecord {
                participant: "p".into(),
                reason: "r".into(),
                disposition: super::Disposition::Resolved,
                note: None,
            },
        );
    }
}
