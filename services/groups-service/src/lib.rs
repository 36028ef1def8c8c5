//! The groups context over HTTP: establish parent groups, focus groups, initiatives and
//! working groups; extend a group's lifetime; appoint and relieve officers; register and
//! withdraw participants; send progress reports to the parent group.

use actix_web::{HttpResponse, delete, post, web};
use chrono::{NaiveDate, Utc};
use domain::events::{
    GroupId, GroupKind, MembershipCategory, OfficerRole, TermsOfReference, Visibility,
};
use domain::groups::{
    AppointOfficer, EstablishGroup, ExtendLifetime, Group, GroupCommand, ParentFact,
    RegisterParticipant, RelieveOfficer, SendProgressReport, WithdrawParticipant,
};
use domain::policy::{Action, PolicyFacts};
use domain::streams;
use platform::openapi::BearerAuth;
use platform::{ApiError, Authenticated, Json, Platform, Problem, Receipt, Reply, WriteRequest};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

/// The routes and OpenAPI document of this service, to mount in a server.
pub fn service() -> platform::Service {
    platform::Service::new("groups", configure, ApiDoc::openapi())
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(establish)
        .service(extend_lifetime)
        .service(appoint_officer)
        .service(relieve_officer)
        .service(register_participant)
        .service(withdraw_participant)
        .service(send_progress_report);
}

#[derive(OpenApi)]
#[openapi(
    paths(
        establish,
        extend_lifetime,
        appoint_officer,
        relieve_officer,
        register_participant,
        withdraw_participant,
        send_progress_report
    ),
    tags((name = "groups", description = "Groups, their terms of reference, officers and participants")),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EstablishGroupBody {
    /// Lowercase letters, digits and `-`, starting with a letter.
    #[schema(example = "fg-dfc")]
    pub group_id: GroupId,
    #[schema(example = "Focus Group on Digital Currency including Digital Fiat Currency")]
    pub name: String,
    #[schema(example = "FG DFC")]
    pub acronym: String,
    /// Prefix of the group's document numbers.
    #[schema(example = "DFC")]
    pub document_prefix: String,
    pub kind: GroupKind,
    /// Required for every kind but a parent group.
    #[schema(example = "tsag")]
    pub parent_id: Option<GroupId>,
    pub visibility: Visibility,
    pub established_on: NaiveDate,
    /// Required for focus groups and initiatives.
    pub terms_of_reference: Option<TermsOfReference>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupAnswer {
    pub group_id: GroupId,
    #[serde(flatten)]
    pub receipt: Receipt,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExtendLifetimeBody {
    pub extra_months: u32,
    /// The parent group's decision, e.g. "TSAG meeting of 2019-05".
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LifetimeAnswer {
    pub group_id: GroupId,
    /// Lifetime in months after the extension.
    pub lifetime_months: Option<u32>,
    #[serde(flatten)]
    pub receipt: Receipt,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OfficerBody {
    #[schema(example = "david.wen")]
    pub person: String,
    pub role: OfficerRole,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PersonAnswer {
    pub group_id: GroupId,
    pub person: String,
    #[serde(flatten)]
    pub receipt: Receipt,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegisterParticipantBody {
    #[schema(example = "li.wei")]
    pub person: String,
    #[schema(example = "Li Wei")]
    pub display_name: String,
    #[schema(example = "People's Bank of China")]
    pub organisation: String,
    pub category: MembershipCategory,
    /// ISO 3166-1 alpha-2.
    #[schema(example = "CN")]
    pub country: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WithdrawBody {
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProgressReportBody {
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub summary: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProgressReportAnswer {
    pub group_id: GroupId,
    pub report_id: Uuid,
    pub parent_group_id: GroupId,
    #[serde(flatten)]
    pub receipt: Receipt,
}

/// Establishes a group. The secretariat sets up groups; a focus group or initiative names
/// its parent and brings its terms of reference.
#[utoipa::path(post, path = "/api/groups", tag = "groups",
    params(platform::write::WriteHeaders),
    request_body = EstablishGroupBody,
    responses(
        (status = 201, description = "established", body = GroupAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/groups")]
async fn establish(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    body: Json<EstablishGroupBody>,
) -> Result<HttpResponse, ApiError> {
    platform::authorize(
        Some(&*who),
        Action::EstablishGroup,
        &platform::in_group(&body.group_id),
    )?;
    let parent = match &body.parent_id {
        Some(parent_id) => {
            let parent = platform.load::<Group>(&streams::group(parent_id)).await?;
            Some(ParentFact {
                group_id: parent_id.clone(),
                kind: parent.state.established.as_ref().map(|group| group.kind),
            })
        }
        None => None,
    };
    platform
        .write(&who, &write, &*body, async |writer| {
            let done = writer
                .execute::<Group>(&streams::group(&body.group_id), |_| {
                    Ok(GroupCommand::Establish(EstablishGroup {
                        group_id: body.group_id.clone(),
                        name: body.name.clone(),
                        acronym: body.acronym.clone(),
                        document_prefix: body.document_prefix.clone(),
                        kind: body.kind,
                        parent: parent.clone(),
                        visibility: body.visibility,
                        established_on: body.established_on,
                        terms_of_reference: body.terms_of_reference.clone(),
                    }))
                })
                .await?;
            Reply::created(GroupAnswer {
                group_id: body.group_id.clone(),
                receipt: done.receipt(),
            })
        })
        .await
}

/// Extends a group's lifetime, as its parent group decided.
#[utoipa::path(post, path = "/api/groups/{group_id}/lifetime-extensions", tag = "groups",
    params(("group_id" = String, Path), platform::write::WriteHeaders),
    request_body = ExtendLifetimeBody,
    responses(
        (status = 201, description = "extended", body = LifetimeAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/groups/{group_id}/lifetime-extensions")]
async fn extend_lifetime(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    group_id: web::Path<GroupId>,
    body: Json<ExtendLifetimeBody>,
) -> Result<HttpResponse, ApiError> {
    let group_id = group_id.into_inner();
    // The parent group decides on the lifetime: its chairs are asked about, not the group's.
    let group = platform.load::<Group>(&streams::group(&group_id)).await?;
    let facts = PolicyFacts {
        parent_group: group.state.parent_id().cloned(),
        ..platform::in_group(&group_id)
    };
    platform::authorize(Some(&*who), Action::ExtendLifetime, &facts)?;
    platform
        .write(&who, &write, &*body, async |writer| {
            let done = writer
                .execute::<Group>(&streams::group(&group_id), |_| {
                    Ok(GroupCommand::ExtendLifetime(ExtendLifetime {
                        extra_months: body.extra_months,
                        reason: body.reason.clone(),
                    }))
                })
                .await?;
            Reply::created(LifetimeAnswer {
                group_id: group_id.clone(),
                lifetime_months: done.state.lifetime_months,
                receipt: done.receipt(),
            })
        })
        .await
}

/// Appoints a registered participant as chair or vice-chair.
#[utoipa::path(post, path = "/api/groups/{group_id}/officers", tag = "groups",
    params(("group_id" = String, Path), platform::write::WriteHeaders),
    request_body = OfficerBody,
    responses(
        (status = 201, description = "appointed", body = PersonAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/groups/{group_id}/officers")]
async fn appoint_officer(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    group_id: web::Path<GroupId>,
    body: Json<OfficerBody>,
) -> Result<HttpResponse, ApiError> {
    let group_id = group_id.into_inner();
    platform::authorize(
        Some(&*who),
        Action::AppointOfficer,
        &platform::in_group(&group_id),
    )?;
    platform
        .write(&who, &write, &*body, async |writer| {
            let done = writer
                .execute::<Group>(&streams::group(&group_id), |_| {
                    Ok(GroupCommand::AppointOfficer(AppointOfficer {
                        person: body.person.clone(),
                        role: body.role,
                    }))
                })
                .await?;
            Reply::created(PersonAnswer {
                group_id: group_id.clone(),
                person: body.person.clone(),
                receipt: done.receipt(),
            })
        })
        .await
}

/// Relieves an officer of one office.
#[utoipa::path(delete, path = "/api/groups/{group_id}/officers/{role}/{person}", tag = "groups",
    params(
        ("group_id" = String, Path),
        ("role" = OfficerRole, Path),
        ("person" = String, Path),
        platform::write::WriteHeaders
    ),
    responses(
        (status = 200, description = "relieved", body = PersonAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[delete("/api/groups/{group_id}/officers/{role}/{person}")]
async fn relieve_officer(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    path: web::Path<(GroupId, OfficerRole, String)>,
) -> Result<HttpResponse, ApiError> {
    let (group_id, role, person) = path.into_inner();
    platform::authorize(
        Some(&*who),
        Action::RelieveOfficer,
        &platform::in_group(&group_id),
    )?;
    platform
        .write(&who, &write, &(&role, &person), async |writer| {
            let done = writer
                .execute::<Group>(&streams::group(&group_id), |_| {
                    Ok(GroupCommand::RelieveOfficer(RelieveOfficer {
                        person: person.clone(),
                        role,
                    }))
                })
                .await?;
            Reply::ok(PersonAnswer {
                group_id: group_id.clone(),
                person: person.clone(),
                receipt: done.receipt(),
            })
        })
        .await
}

/// Registers a participant with their organisation and membership category.
#[utoipa::path(post, path = "/api/groups/{group_id}/participants", tag = "groups",
    params(("group_id" = String, Path), platform::write::WriteHeaders),
    request_body = RegisterParticipantBody,
    responses(
        (status = 201, description = "registered", body = PersonAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/groups/{group_id}/participants")]
async fn register_participant(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    group_id: web::Path<GroupId>,
    body: Json<RegisterParticipantBody>,
) -> Result<HttpResponse, ApiError> {
    let group_id = group_id.into_inner();
    platform::authorize(
        Some(&*who),
        Action::RegisterParticipant,
        &platform::in_group(&group_id),
    )?;
    platform
        .write(&who, &write, &*body, async |writer| {
            let done = writer
                .execute::<Group>(&streams::group(&group_id), |_| {
                    Ok(GroupCommand::RegisterParticipant(RegisterParticipant {
                        person: body.person.clone(),
                        display_name: body.display_name.clone(),
                        organisation: body.organisation.clone(),
                        category: body.category,
                        country: body.country.clone(),
                    }))
                })
                .await?;
            Reply::created(PersonAnswer {
                group_id: group_id.clone(),
                person: body.person.clone(),
                receipt: done.receipt(),
            })
        })
        .await
}

/// Withdraws a participant, relieving them of any office in the group.
#[utoipa::path(post, path = "/api/groups/{group_id}/participants/{person}/withdraw", tag = "groups",
    params(("group_id" = String, Path), ("person" = String, Path), platform::write::WriteHeaders),
    request_body = WithdrawBody,
    responses(
        (status = 200, description = "withdrawn", body = PersonAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/groups/{group_id}/participants/{person}/withdraw")]
async fn withdraw_participant(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    path: web::Path<(GroupId, String)>,
    body: Json<WithdrawBody>,
) -> Result<HttpResponse, ApiError> {
    let (group_id, person) = path.into_inner();
    platform::authorize(
        Some(&*who),
        Action::WithdrawParticipant,
        &platform::in_group(&group_id),
    )?;
    platform
        .write(&who, &write, &*body, async |writer| {
            let done = writer
                .execute::<Group>(&streams::group(&group_id), |_| {
                    Ok(GroupCommand::WithdrawParticipant(WithdrawParticipant {
                        person: person.clone(),
                        reason: body.reason.clone(),
                    }))
                })
                .await?;
            Reply::ok(PersonAnswer {
                group_id: group_id.clone(),
                person: person.clone(),
                receipt: done.receipt(),
            })
        })
        .await
}

/// Sends a progress report to the parent group (ITU-T A.7 clause 11).
#[utoipa::path(post, path = "/api/groups/{group_id}/progress-reports", tag = "groups",
    params(("group_id" = String, Path), platform::write::WriteHeaders),
    request_body = ProgressReportBody,
    responses(
        (status = 201, description = "sent", body = ProgressReportAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/groups/{group_id}/progress-reports")]
async fn send_progress_report(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    group_id: web::Path<GroupId>,
    body: Json<ProgressReportBody>,
) -> Result<HttpResponse, ApiError> {
    let group_id = group_id.into_inner();
    platform::authorize(
        Some(&*who),
        Action::SendProgressReport,
        &platform::in_group(&group_id),
    )?;
    platform
        .write(&who, &write, &*body, async |writer| {
            let report_id = writer.new_id("report");
            let done = writer
                .execute::<Group>(&streams::group(&group_id), |_| {
                    Ok(GroupCommand::SendProgressReport(SendProgressReport {
                        report_id,
                        period_from: body.period_from,
                        period_to: body.period_to,
                        summary: body.summary.clone(),
                        document: None,
                        now: Utc::now(),
                    }))
                })
                .await?;
            let parent_group_id = done.state.parent_id().cloned().unwrap_or_default();
            Reply::created(ProgressReportAnswer {
                group_id: group_id.clone(),
                report_id,
                parent_group_id,
                receipt: done.receipt(),
            })
        })
        .await
}
