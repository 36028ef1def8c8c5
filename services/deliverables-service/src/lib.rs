//! The deliverables context over HTTP: define a deliverable, assign its editors, publish draft
//! versions as numbered output documents (`DFC-O-005`), transmit the approved deliverable to
//! one of the parent group's meetings (at least four calendar weeks ahead), and the parent
//! group's acknowledgement or return for revision. Approval itself is never a request: the
//! [`routing`] reactor records it when a consensus decision that approves the deliverable
//! appears on the log. Progress reports are the groups service's.

pub mod routing;

use actix_multipart::Multipart;
use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use domain::Aggregate;
use domain::deliverables::{
    AcknowledgeTransmittal, AssignEditor, DefineDeliverable, Deliverable, DeliverableCommand,
    DeliverableState, ParentMeetingFacts, PublishDraft, ReturnTransmittal, TransmitDeliverable,
};
use domain::events::{
    DeliverableEvent, DeliverableId, DocumentKind, DocumentRef, GroupId, RegisterEvent,
    TransmittalId,
};
use domain::groups::{Group, GroupState, is_valid_group_id};
use domain::meetings::Meeting;
use domain::policy::{Action, PolicyFacts};
use domain::register::{AssignNumber, Register, RegisterCommand};
use domain::streams;
use platform::openapi::BearerAuth;
use platform::{ApiError, Authenticated, Json, Platform, Problem, Receipt, Reply, WriteRequest};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

/// The routes, the OpenAPI document and the routing reactor of this service.
pub fn service() -> platform::Service {
    platform::Service::new("deliverables", configure, ApiDoc::openapi()).with_task(routing::run)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(define)
        .service(assign_editor)
        .service(publish_draft)
        .service(transmit)
        .service(acknowledge)
        .service(return_for_revision);
}

#[derive(OpenApi)]
#[openapi(
    paths(define, assign_editor, publish_draft, transmit, acknowledge, return_for_revision),
    tags((name = "deliverables", description = "Deliverables, their drafts, and their transmittal to the parent group")),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DefineBody {
    #[schema(example = "fg-dfc")]
    pub group_id: GroupId,
    #[schema(example = "Terminology and taxonomy")]
    pub title: String,
    /// Listed in the group's terms of reference (as opposed to added later).
    #[serde(default)]
    pub from_terms_of_reference: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliverableAnswer {
    pub deliverable_id: Uuid,
    pub group_id: GroupId,
    #[serde(flatten)]
    pub receipt: Receipt,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EditorBody {
    /// A participant of the deliverable's group.
    #[schema(example = "li.wei")]
    pub person: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EditorAnswer {
    pub deliverable_id: Uuid,
    pub person: String,
    #[serde(flatten)]
    pub receipt: Receipt,
}

/// The `metadata` part of a draft.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DraftMetadata {
    /// Contributions whose text the draft takes up.
    #[serde(default)]
    pub builds_on: Vec<Uuid>,
    pub note: Option<String>,
}

/// A draft: `multipart/form-data` with a JSON `metadata` part and a `file` part.
#[derive(Debug, ToSchema)]
pub struct DraftForm {
    #[schema(content_media_type = "application/json")]
    pub metadata: DraftMetadata,
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    pub file: Vec<u8>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DraftAnswer {
    pub deliverable_id: Uuid,
    /// 1, 2, ...
    pub version: u32,
    /// The output document number: `DFC-O-005`.
    pub number: String,
    pub document: DocumentRef,
    #[serde(flatten)]
    pub receipt: Receipt,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransmitBody {
    /// A meeting of the parent group starting at least 28 calendar days from today.
    pub parent_meeting_id: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TransmittalAnswer {
    pub deliverable_id: Uuid,
    pub transmittal_id: Uuid,
    /// The approved version transmitted.
    pub version: u32,
    pub parent_group_id: GroupId,
    #[serde(flatten)]
    pub receipt: Receipt,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AcknowledgeBody {
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReturnBody {
    /// What the revision must address.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SettledAnswer {
    pub deliverable_id: Uuid,
    pub transmittal_id: Uuid,
    #[serde(flatten)]
    pub receipt: Receipt,
}

/// Defines a deliverable of a group (the chair or the secretariat).
#[utoipa::path(post, path = "/api/deliverables", tag = "deliverables",
    params(platform::write::WriteHeaders),
    request_body = DefineBody,
    responses(
        (status = 201, description = "defined", body = DeliverableAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/deliverables")]
#[tracing::instrument(skip_all, fields(group = %body.group_id))]
async fn define(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    body: Json<DefineBody>,
) -> Result<HttpResponse, ApiError> {
    platform::authorize(
        Some(&*who),
        Action::DefineDeliverable,
        &platform::in_group(&body.group_id),
    )?;
    load_group(&platform, &body.group_id).await?;
    platform
        .write(&who, &write, &*body, async |writer| {
            let deliverable_id = writer.new_id("deliverable");
            let done = writer
                .execute::<Deliverable>(&streams::deliverable(deliverable_id), |_| {
                    Ok(DeliverableCommand::Define(DefineDeliverable {
                        deliverable_id,
                        group_id: body.group_id.clone(),
                        title: body.title.clone(),
                        from_terms_of_reference: body.from_terms_of_reference,
                    }))
                })
                .await?;
            Reply::created(DeliverableAnswer {
                deliverable_id,
                group_id: body.group_id.clone(),
                receipt: done.receipt(),
            })
        })
        .await
}

/// Assigns a participant of the group as an editor of the deliverable (the chair).
#[utoipa::path(post, path = "/api/deliverables/{deliverable_id}/editors", tag = "deliverables",
    params(("deliverable_id" = uuid::Uuid, Path), platform::write::WriteHeaders),
    request_body = EditorBody,
    responses(
        (status = 201, description = "assigned", body = EditorAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/deliverables/{deliverable_id}/editors")]
#[tracing::instrument(skip_all, fields(deliverable = %deliverable_id))]
async fn assign_editor(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    deliverable_id: web::Path<DeliverableId>,
    body: Json<EditorBody>,
) -> Result<HttpResponse, ApiError> {
    let deliverable_id = deliverable_id.into_inner();
    let (_, group_id) = load(&platform, deliverable_id).await?;
    platform::authorize(
        Some(&*who),
        Action::AssignEditor,
        &platform::in_group(&group_id),
    )?;
    let group = load_group(&platform, &group_id).await?;
    if !group.is_active_participant(&body.person) {
        return Err(ApiError::invalid_field(
            "person",
            "deliverable.editor_not_participant",
            format!("{} is not a participant of {group_id}", body.person),
        ));
    }
    platform
        .write(&who, &write, &*body, async |writer| {
            let done = writer
                .execute::<Deliverable>(&streams::deliverable(deliverable_id), |_| {
                    Ok(DeliverableCommand::AssignEditor(AssignEditor {
                        person: body.person.clone(),
                    }))
                })
                .await?;
            Reply::created(EditorAnswer {
                deliverable_id,
                person: body.person.clone(),
                receipt: done.receipt(),
            })
        })
        .await
}

/// What identifies an upload request for idempotency: its metadata and its file's hash.
#[derive(Serialize)]
struct UploadFingerprint<'a> {
    metadata: &'a DraftMetadata,
    sha256: &'a str,
}

/// Publishes a draft version (an editor of the deliverable). It is a new output document
/// with the group's next output number.
#[utoipa::path(post, path = "/api/deliverables/{deliverable_id}/drafts", tag = "deliverables",
    params(("deliverable_id" = uuid::Uuid, Path), platform::write::WriteHeaders),
    request_body(content = DraftForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "published", body = DraftAnswer),
        (status = 413, description = "the document is over the size limit", body = Problem, content_type = "application/problem+json"),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/deliverables/{deliverable_id}/drafts")]
#[tracing::instrument(skip_all, fields(deliverable = %deliverable_id))]
async fn publish_draft(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    deliverable_id: web::Path<DeliverableId>,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    let deliverable_id = deliverable_id.into_inner();
    let (deliverable, group_id) = load(&platform, deliverable_id).await?;
    let facts = PolicyFacts {
        is_deliverable_editor: deliverable.is_editor(&who.person),
        ..platform::in_group(&group_id)
    };
    platform::authorize(Some(&*who), Action::PublishDraft, &facts)?;
    let group = load_group(&platform, &group_id).await?;
    let document_prefix = group
        .established
        .as_ref()
        .map(|group| group.document_prefix.clone())
        .ok_or_else(|| ApiError::internal(format!("deliverable of unknown group {group_id}")))?;
    let upload = platform.blobs().receive(multipart).await?;
    let metadata: DraftMetadata = upload.json("metadata")?;
    let fingerprint = UploadFingerprint {
        metadata: &metadata,
        sha256: &upload.document.sha256,
    };

    platform
        .write(&who, &write, &fingerprint, async |writer| {
            let now = Utc::now();
            let command = |number: String| {
                DeliverableCommand::PublishDraft(PublishDraft {
                    number,
                    document: upload.document.clone(),
                    builds_on: metadata.builds_on.clone(),
                    note: metadata.note.clone(),
                    by: who.person.clone(),
                    now,
                })
            };
            // Refuse a draft (not an editor, say) before it takes a number: the domain is
            // pure, so asking it first leaves no gap in the register.
            let current = writer
                .platform()
                .load::<Deliverable>(&streams::deliverable(deliverable_id))
                .await?;
            if let Some(expected) = write.if_match
                && current.revision != Some(expected)
            {
                return Err(ApiError::PreconditionFailed(format!(
                    "deliverable {deliverable_id} is not at revision {expected} as If-Match says"
                )));
            }
            Deliverable::decide(&current.state, command("pending".into()))
                .map_err(|refusal| platform::rejection(refusal).in_upload_parts())?;
            let numbered = writer
                .execute_also::<Register>(&streams::register(&group_id), |_| {
                    Ok(RegisterCommand::AssignNumber(AssignNumber {
                        group_id: group_id.clone(),
                        document_prefix: document_prefix.clone(),
                        kind: DocumentKind::Output,
                        assigned_to: deliverable_id,
                    }))
                })
                .await?;
            let number = numbered
                .events
                .iter()
                .map(|RegisterEvent::DocumentNumberAssigned(assigned)| assigned.number.clone())
                .next()
                .ok_or_else(|| ApiError::internal("the register recorded no number"))?;
            let done = writer
                .execute::<Deliverable>(&streams::deliverable(deliverable_id), |_| {
                    Ok(command(number.clone()))
                })
                .await
                .map_err(ApiError::in_upload_parts)?;
            let Some(DeliverableEvent::DraftPublished(draft)) = done.events.first() else {
                return Err(ApiError::internal("publishing recorded no draft"));
            };
            Reply::created(DraftAnswer {
                deliverable_id,
                version: draft.version,
                number: draft.number.clone(),
                document: draft.document.clone(),
                receipt: done.receipt(),
            })
        })
        .await
}

/// Transmits the approved deliverable to a meeting of the parent group (the chair). Refused
/// when fewer than 28 calendar days remain before that meeting.
#[utoipa::path(post, path = "/api/deliverables/{deliverable_id}/transmittals", tag = "deliverables",
    params(("deliverable_id" = uuid::Uuid, Path), platform::write::WriteHeaders),
    request_body = TransmitBody,
    responses(
        (status = 201, description = "transmitted", body = TransmittalAnswer),
        (status = 422, description = "not approved, or `deliverable.too_late_for_parent_meeting`", body = Problem, content_type = "application/problem+json"),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/deliverables/{deliverable_id}/transmittals")]
#[tracing::instrument(skip_all, fields(deliverable = %deliverable_id))]
async fn transmit(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    deliverable_id: web::Path<DeliverableId>,
    body: Json<TransmitBody>,
) -> Result<HttpResponse, ApiError> {
    let deliverable_id = deliverable_id.into_inner();
    let (_, group_id) = load(&platform, deliverable_id).await?;
    platform::authorize(
        Some(&*who),
        Action::TransmitDeliverable,
        &platform::in_group(&group_id),
    )?;
    let parent_group_id = parent_of(&platform, &group_id).await?;
    let meeting = platform
        .load::<Meeting>(&streams::meeting(body.parent_meeting_id))
        .await?
        .state
        .announced;
    let parent_meeting = meeting
        .map(|meeting| ParentMeetingFacts {
            meeting_id: meeting.meeting_id,
            group_id: meeting.group_id,
            starts_on: meeting.starts_on,
        })
        .ok_or_else(|| {
            ApiError::invalid_field(
                "parentMeetingId",
                "deliverable.parent_meeting_not_found",
                format!("no meeting {} has been announced", body.parent_meeting_id),
            )
        })?;
    platform
        .write(&who, &write, &*body, async |writer| {
            let transmittal_id = writer.new_id("transmittal");
            let now = Utc::now();
            let done = writer
                .execute::<Deliverable>(&streams::deliverable(deliverable_id), |_| {
                    Ok(DeliverableCommand::Transmit(TransmitDeliverable {
                        transmittal_id,
                        parent_group_id: parent_group_id.clone(),
                        parent_meeting: parent_meeting.clone(),
                        now,
                    }))
                })
                .await?;
            let version = done
                .state
                .transmittals
                .get(&transmittal_id)
                .map_or(0, |transmittal| transmittal.version);
            Reply::created(TransmittalAnswer {
                deliverable_id,
                transmittal_id,
                version,
                parent_group_id: parent_group_id.clone(),
                receipt: done.receipt(),
            })
        })
        .await
}

/// Acknowledges a transmittal (a member of the parent group).
#[utoipa::path(post, path = "/api/deliverables/{deliverable_id}/transmittals/{transmittal_id}/acknowledgement",
    tag = "deliverables",
    params(("deliverable_id" = uuid::Uuid, Path), ("transmittal_id" = uuid::Uuid, Path), platform::write::WriteHeaders),
    request_body = AcknowledgeBody,
    responses(
        (status = 200, description = "acknowledged", body = SettledAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/deliverables/{deliverable_id}/transmittals/{transmittal_id}/acknowledgement")]
#[tracing::instrument(skip_all, fields(deliverable = %path.0, transmittal = %path.1))]
async fn acknowledge(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    path: web::Path<(DeliverableId, TransmittalId)>,
    body: Json<AcknowledgeBody>,
) -> Result<HttpResponse, ApiError> {
    let (deliverable_id, transmittal_id) = path.into_inner();
    let command = DeliverableCommand::Acknowledge(AcknowledgeTransmittal {
        transmittal_id,
        note: body.note.clone(),
    });
    settle(
        &platform,
        &who,
        &write,
        &*body,
        deliverable_id,
        transmittal_id,
        Action::AcknowledgeTransmittal,
        command,
    )
    .await
}

/// Returns a transmittal for revision (a member of the parent group): the deliverable then
/// needs a new draft and a new approving decision.
#[utoipa::path(post, path = "/api/deliverables/{deliverable_id}/transmittals/{transmittal_id}/return",
    tag = "deliverables",
    params(("deliverable_id" = uuid::Uuid, Path), ("transmittal_id" = uuid::Uuid, Path), platform::write::WriteHeaders),
    request_body = ReturnBody,
    responses(
        (status = 200, description = "returned for revision", body = SettledAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/deliverables/{deliverable_id}/transmittals/{transmittal_id}/return")]
#[tracing::instrument(skip_all, fields(deliverable = %path.0, transmittal = %path.1))]
async fn return_for_revision(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    path: web::Path<(DeliverableId, TransmittalId)>,
    body: Json<ReturnBody>,
) -> Result<HttpResponse, ApiError> {
    let (deliverable_id, transmittal_id) = path.into_inner();
    let command = DeliverableCommand::Return(ReturnTransmittal {
        transmittal_id,
        reason: body.reason.clone(),
    });
    settle(
        &platform,
        &who,
        &write,
        &*body,
        deliverable_id,
        transmittal_id,
        Action::ReturnTransmittal,
        command,
    )
    .await
}

/// What acknowledging and returning share: the parent group's members decide, and the
/// deliverable records how its transmittal was settled.
#[allow(clippy::too_many_arguments)]
async fn settle<B: Serialize>(
    platform: &Platform,
    who: &Authenticated,
    write: &WriteRequest,
    body: &B,
    deliverable_id: DeliverableId,
    transmittal_id: TransmittalId,
    action: Action,
    command: DeliverableCommand,
) -> Result<HttpResponse, ApiError> {
    let (_, group_id) = load(platform, deliverable_id).await?;
    let parent_group_id = parent_of(platform, &group_id).await?;
    let facts = PolicyFacts {
        parent_group: Some(parent_group_id),
        ..platform::in_group(&group_id)
    };
    platform::authorize(Some(&**who), action, &facts)?;
    platform
        .write(who, write, body, async |writer| {
            let done = writer
                .execute::<Deliverable>(&streams::deliverable(deliverable_id), |_| {
                    Ok(command.clone())
                })
                .await?;
            Reply::ok(SettledAnswer {
                deliverable_id,
                transmittal_id,
                receipt: done.receipt(),
            })
        })
        .await
}

/// Loads a deliverable with its group, 404 when there is none.
async fn load(
    platform: &Platform,
    deliverable_id: DeliverableId,
) -> Result<(DeliverableState, GroupId), ApiError> {
    let state = platform
        .load::<Deliverable>(&streams::deliverable(deliverable_id))
        .await?
        .state;
    let group_id = state
        .defined
        .as_ref()
        .map(|defined| defined.group_id.clone())
        .ok_or_else(|| {
            ApiError::not_found(
                "deliverable.not_found",
                format!("no deliverable {deliverable_id}"),
            )
        })?;
    Ok((state, group_id))
}

/// Loads an established group; 422 on `groupId` when there is none.
async fn load_group(platform: &Platform, group_id: &str) -> Result<GroupState, ApiError> {
    if !is_valid_group_id(group_id) {
        return Err(ApiError::invalid_field(
            "groupId",
            "group.not_found",
            format!("{group_id:?} cannot name a group"),
        ));
    }
    let group = platform
        .load::<Group>(&streams::group(group_id))
        .await?
        .state;
    if group.established.is_none() {
        return Err(ApiError::invalid_field(
            "groupId",
            "group.not_found",
            format!("no group {group_id:?}"),
        ));
    }
    Ok(group)
}

/// The parent group of `group_id`; 422 when it has none (a parent group itself).
async fn parent_of(platform: &Platform, group_id: &str) -> Result<GroupId, ApiError> {
    let group = load_group(platform, group_id).await?;
    group.parent_id().cloned().ok_or_else(|| {
        ApiError::rejected(
            "deliverable.no_parent_group",
            format!("group {group_id} has no parent group to answer to"),
        )
    })
}
