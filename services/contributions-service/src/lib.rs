//! The contributions context over HTTP: a participant submits an input document (uploaded to
//! the blob store, numbered by the group's register, marked late after the deadline), revises
//! or withdraws it; the chair accepts or refuses late ones; anyone allowed downloads it.

use actix_multipart::Multipart;
use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use domain::Aggregate;
use domain::contributions::{
    AcceptLateContribution, Contribution, ContributionCommand, ContributionState, MeetingFacts,
    RefuseLateContribution, ReviseContribution, SubmitContribution, WithdrawContribution,
};
use domain::events::{
    ContributionEvent, ContributionId, DocumentKind, DocumentRef, GroupId, Visibility,
};
use domain::groups::{Group, GroupState};
use domain::meetings::Meeting;
use domain::policy::{Action, PolicyFacts, Principal};
use domain::register::{AssignNumber, Register, RegisterCommand};
use domain::streams;
use platform::blobs::TextParts;
use platform::openapi::BearerAuth;
use platform::{
    ApiError, Authenticated, Json, MaybeAuthenticated, Platform, Problem, Receipt, Reply,
    WriteRequest,
};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

/// The routes and OpenAPI document of this service, to mount in a server.
pub fn service() -> platform::Service {
    platform::Service::new("contributions", configure, ApiDoc::openapi())
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(submit)
        .service(revise)
        .service(withdraw)
        .service(accept_late)
        .service(refuse_late)
        .service(download);
}

#[derive(OpenApi)]
#[openapi(
    paths(submit, revise, withdraw, accept_late, refuse_late, download),
    tags((name = "contributions", description = "Input documents: submission, revision, withdrawal, late handling")),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// The `metadata` part of a submission.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubmitMetadata {
    /// Optional: the meeting's group. When given it must be the meeting's group.
    pub group_id: Option<GroupId>,
    pub meeting_id: Uuid,
    #[schema(example = "4")]
    pub agenda_item: String,
    pub title: String,
    pub source_organisations: Vec<String>,
    /// Co-authors; the submitter is always the first author.
    #[serde(default)]
    pub authors: Vec<String>,
}

/// A submission: `multipart/form-data` with a JSON `metadata` part and a `file` part.
#[derive(Debug, ToSchema)]
pub struct SubmitForm {
    #[schema(content_media_type = "application/json")]
    pub metadata: SubmitMetadata,
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    pub file: Vec<u8>,
}

/// The `metadata` part of a revision.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReviseMetadata {
    pub title: String,
    pub note: Option<String>,
}

/// A revision: `multipart/form-data` with a JSON `metadata` part and a `file` part.
#[derive(Debug, ToSchema)]
pub struct ReviseForm {
    #[schema(content_media_type = "application/json")]
    pub metadata: ReviseMetadata,
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    pub file: Vec<u8>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContributionAnswer {
    pub contribution_id: Uuid,
    /// `DFC-I-012`, with `R1`, `R2`... once revised.
    pub number: String,
    /// 0 until revised.
    pub revision: u32,
    /// Submitted (or revised) after the deadline: waits for the chair.
    pub late: bool,
    pub document: DocumentRef,
    #[serde(flatten)]
    pub receipt: Receipt,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReasonBody {
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequiredReasonBody {
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusAnswer {
    pub contribution_id: Uuid,
    #[serde(flatten)]
    pub receipt: Receipt,
}

/// What identifies an upload request for idempotency: its metadata and its file's hash.
#[derive(Serialize)]
struct UploadFingerprint<'a, M> {
    metadata: &'a M,
    sha256: &'a str,
}

/// What a submission's metadata establishes before its file is accepted.
struct Admitted {
    metadata: SubmitMetadata,
    facts: MeetingFacts,
    group_id: GroupId,
    document_prefix: String,
    authors: Vec<String>,
}

/// Reads a submission's metadata, finds its meeting and group, and asks the policy.
async fn admit(
    platform: &Platform,
    who: &Authenticated,
    parts: &TextParts,
) -> Result<Admitted, ApiError> {
    let metadata: SubmitMetadata = parts.json("metadata")?;
    let meeting = platform
        .load::<Meeting>(&streams::meeting(metadata.meeting_id))
        .await?;
    let facts = meeting.state.facts().ok_or_else(|| {
        ApiError::invalid_field(
            "metadata.meetingId",
            "meeting.not_announced",
            "there is no such meeting",
        )
    })?;
    let group_id = facts.group_id.clone();
    platform::authorize(
        Some(who),
        Action::SubmitContribution,
        &platform::in_group(&group_id),
    )?;
    if metadata
        .group_id
        .as_ref()
        .is_some_and(|given| *given != group_id)
    {
        return Err(ApiError::invalid_field(
            "metadata.groupId",
            "contribution.meeting_of_other_group",
            format!("the meeting belongs to group {group_id:?}"),
        ));
    }
    let group = platform.load::<Group>(&streams::group(&group_id)).await?;
    let document_prefix = group
        .state
        .established
        .as_ref()
        .map(|group| group.document_prefix.clone())
        .ok_or_else(|| ApiError::internal(format!("meeting of unknown group {group_id}")))?;
    let mut authors = vec![who.person.clone()];
    authors.extend(
        metadata
            .authors
            .iter()
            .filter(|author| **author != who.person)
            .cloned(),
    );
    Ok(Admitted {
        metadata,
        facts,
        group_id,
        document_prefix,
        authors,
    })
}

/// Submits an input document for a meeting's agenda item. It gets the group's next input
/// number; after the meeting's contribution deadline it is marked late for the chair.
#[utoipa::path(post, path = "/api/contributions", tag = "contributions",
    params(platform::write::WriteHeaders),
    request_body(content = SubmitForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "submitted", body = ContributionAnswer),
        (status = 413, description = "the document is over the size limit", body = Problem, content_type = "application/problem+json"),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/contributions")]
async fn submit(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    // Refused before the file is stored: the metadata part comes first.
    let (upload, admitted) = platform
        .blobs()
        .receive_checked(multipart, async |parts| admit(&platform, &who, parts).await)
        .await?;
    let Admitted {
        metadata,
        facts,
        group_id,
        document_prefix,
        authors,
    } = admitted;
    let fingerprint = UploadFingerprint {
        metadata: &metadata,
        sha256: &upload.document.sha256,
    };

    platform
        .write(&who, &write, &fingerprint, async |writer| {
            let contribution_id = writer.new_id("contribution");
            let now = Utc::now();
            let command = |number: String| {
                ContributionCommand::Submit(SubmitContribution {
                    contribution_id,
                    group_id: group_id.clone(),
                    meeting: facts.clone(),
                    agenda_item: metadata.agenda_item.clone(),
                    number,
                    title: metadata.title.clone(),
                    source_organisations: metadata.source_organisations.clone(),
                    authors: authors.clone(),
                    document: upload.document.clone(),
                    now,
                })
            };
            // Refuse a bad submission before it takes a number: the domain is pure, so asking
            // it first costs nothing and leaves no gap in the register.
            Contribution::decide(&ContributionState::default(), command("pending".into()))
                .map_err(|error| platform::rejection(error).in_upload_parts())?;
            let numbered = writer
                .execute_also::<Register>(&streams::register(&group_id), |_| {
                    Ok(RegisterCommand::AssignNumber(AssignNumber {
                        group_id: group_id.clone(),
                        document_prefix: document_prefix.clone(),
                        kind: DocumentKind::Input,
                        assigned_to: contribution_id,
                    }))
                })
                .await?;
            let number = numbered
                .state
                .inputs
                .get(&contribution_id)
                .cloned()
                .ok_or_else(|| ApiError::internal("the register recorded no number"))?;
            let done = writer
                .execute::<Contribution>(&streams::contribution(contribution_id), |_| {
                    Ok(command(number.clone()))
                })
                .await
                .map_err(ApiError::in_upload_parts)?;
            let submitted = done
                .state
                .submitted
                .as_ref()
                .ok_or_else(|| ApiError::internal("no submission"))?;
            Reply::created(ContributionAnswer {
                contribution_id,
                number: submitted.number.clone(),
                revision: 0,
                late: submitted.late,
                document: submitted.document.clone(),
                receipt: done.receipt(),
            })
        })
        .await
}

/// Loads a contribution, 404 when there is none.
async fn load(
    platform: &Platform,
    id: ContributionId,
) -> Result<(ContributionState, GroupId), ApiError> {
    let loaded = platform
        .load::<Contribution>(&streams::contribution(id))
        .await?;
    let group_id = loaded
        .state
        .submitted
        .as_ref()
        .map(|submitted| submitted.group_id.clone())
        .ok_or_else(|| {
            ApiError::not_found("contribution.not_found", format!("no contribution {id}"))
        })?;
    Ok((loaded.state, group_id))
}

/// Revises a contribution with a new document; it keeps its number with a revision mark.
#[utoipa::path(post, path = "/api/contributions/{contribution_id}/revisions", tag = "contributions",
    params(("contribution_id" = uuid::Uuid, Path), platform::write::WriteHeaders),
    request_body(content = ReviseForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "revised", body = ContributionAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/contributions/{contribution_id}/revisions")]
async fn revise(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    contribution_id: web::Path<ContributionId>,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    let contribution_id = contribution_id.into_inner();
    let (state, group_id) = load(&platform, contribution_id).await?;
    let facts = PolicyFacts {
        is_author: state.is_author(&who.person),
        ..platform::in_group(&group_id)
    };
    platform::authorize(Some(&*who), Action::ReviseContribution, &facts)?;
    let upload = platform.blobs().receive(multipart).await?;
    let metadata: ReviseMetadata = upload.json("metadata")?;
    let meeting_id = state
        .submitted
        .as_ref()
        .map(|submitted| submitted.meeting_id)
        .unwrap_or_default();
    let meeting = platform
        .load::<Meeting>(&streams::meeting(meeting_id))
        .await?;
    let deadline = meeting
        .state
        .facts()
        .map(|facts| facts.contribution_deadline)
        .ok_or_else(|| {
            ApiError::internal(format!(
                "contribution {contribution_id} names an unknown meeting"
            ))
        })?;
    let fingerprint = UploadFingerprint {
        metadata: &metadata,
        sha256: &upload.document.sha256,
    };
    platform
        .write(&who, &write, &fingerprint, async |writer| {
            let done = writer
                .execute::<Contribution>(&streams::contribution(contribution_id), |_| {
                    Ok(ContributionCommand::Revise(ReviseContribution {
                        title: metadata.title.clone(),
                        document: upload.document.clone(),
                        note: metadata.note.clone(),
                        contribution_deadline: deadline,
                        now: Utc::now(),
                    }))
                })
                .await
                .map_err(ApiError::in_upload_parts)?;
            let number = done
                .state
                .submitted
                .as_ref()
                .map(|s| s.number.clone())
                .unwrap_or_default();
            let late = done
                .events
                .iter()
                .any(|event| matches!(event, ContributionEvent::ContributionRevised(r) if r.late));
            Reply::created(ContributionAnswer {
                contribution_id,
                number: format!("{number}R{}", done.state.revision),
                revision: done.state.revision,
                late,
                document: upload.document.clone(),
                receipt: done.receipt(),
            })
        })
        .await
}

/// Withdraws a contribution (its authors, or the group's chair or secretariat).
#[utoipa::path(post, path = "/api/contributions/{contribution_id}/withdraw", tag = "contributions",
    params(("contribution_id" = uuid::Uuid, Path), platform::write::WriteHeaders),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "withdrawn", body = StatusAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/contributions/{contribution_id}/withdraw")]
async fn withdraw(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    contribution_id: web::Path<ContributionId>,
    body: Json<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    let contribution_id = contribution_id.into_inner();
    let (state, group_id) = load(&platform, contribution_id).await?;
    let facts = PolicyFacts {
        is_author: state.is_author(&who.person),
        ..platform::in_group(&group_id)
    };
    platform::authorize(Some(&*who), Action::WithdrawContribution, &facts)?;
    let command = || {
        ContributionCommand::Withdraw(WithdrawContribution {
            reason: body.reason.clone(),
        })
    };
    run(&platform, &who, &write, &*body, contribution_id, command).await
}

/// Accepts a late contribution (the chair).
#[utoipa::path(post, path = "/api/contributions/{contribution_id}/accept", tag = "contributions",
    params(("contribution_id" = uuid::Uuid, Path), platform::write::WriteHeaders),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "accepted", body = StatusAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/contributions/{contribution_id}/accept")]
async fn accept_late(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    contribution_id: web::Path<ContributionId>,
    body: Json<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    let contribution_id = contribution_id.into_inner();
    let (_, group_id) = load(&platform, contribution_id).await?;
    platform::authorize(
        Some(&*who),
        Action::AcceptLateContribution,
        &platform::in_group(&group_id),
    )?;
    let command = || {
        ContributionCommand::AcceptLate(AcceptLateContribution {
            reason: body.reason.clone(),
        })
    };
    run(&platform, &who, &write, &*body, contribution_id, command).await
}

/// Refuses a late contribution (the chair), with a reason.
#[utoipa::path(post, path = "/api/contributions/{contribution_id}/refuse", tag = "contributions",
    params(("contribution_id" = uuid::Uuid, Path), platform::write::WriteHeaders),
    request_body = RequiredReasonBody,
    responses(
        (status = 200, description = "refused", body = StatusAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/contributions/{contribution_id}/refuse")]
async fn refuse_late(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    contribution_id: web::Path<ContributionId>,
    body: Json<RequiredReasonBody>,
) -> Result<HttpResponse, ApiError> {
    let contribution_id = contribution_id.into_inner();
    let (_, group_id) = load(&platform, contribution_id).await?;
    platform::authorize(
        Some(&*who),
        Action::RefuseLateContribution,
        &platform::in_group(&group_id),
    )?;
    let command = || {
        ContributionCommand::RefuseLate(RefuseLateContribution {
            reason: body.reason.clone(),
        })
    };
    run(&platform, &who, &write, &*body, contribution_id, command).await
}

/// One command on a contribution's stream, answered with its receipt.
async fn run(
    platform: &Platform,
    who: &Authenticated,
    write: &WriteRequest,
    body: &(impl Serialize + ?Sized),
    contribution_id: ContributionId,
    command: impl Fn() -> ContributionCommand,
) -> Result<HttpResponse, ApiError> {
    platform
        .write(who, write, body, async |writer| {
            let done = writer
                .execute::<Contribution>(&streams::contribution(contribution_id), |_| Ok(command()))
                .await?;
            Reply::ok(StatusAnswer {
                contribution_id,
                receipt: done.receipt(),
            })
        })
        .await
}

/// The read side's rule for a group's documents: those of a public group are for anyone, the
/// others for the group's participants (by token role or registration) and the secretariat.
fn may_read(who: Option<&Principal>, group_id: &str, group: &GroupState) -> bool {
    let public = group
        .established
        .as_ref()
        .is_some_and(|group| group.visibility == Visibility::Public);
    public
        || who.is_some_and(|who| {
            who.secretariat || who.is_member(group_id) || group.is_active_participant(&who.person)
        })
}

/// Downloads the contribution's current document (its latest revision).
#[utoipa::path(get, path = "/api/contributions/{contribution_id}/document", tag = "contributions",
    operation_id = "download_contribution_document",
    params(("contribution_id" = uuid::Uuid, Path)),
    responses(
        (status = 200, description = "the document, with its media type", content_type = "application/octet-stream"),
        (status = "4XX", description = "no such contribution, or not readable by the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = [])))]
#[get("/api/contributions/{contribution_id}/document")]
async fn download(
    platform: web::Data<Platform>,
    who: MaybeAuthenticated,
    contribution_id: web::Path<ContributionId>,
) -> Result<HttpResponse, ApiError> {
    let contribution_id = contribution_id.into_inner();
    let history = platform
        .history::<Contribution>(&streams::contribution(contribution_id))
        .await?;
    let mut group_id = None;
    let mut document = None;
    for event in &history {
        match event {
            ContributionEvent::ContributionSubmitted(submitted) => {
                group_id = Some(submitted.group_id.clone());
                document = Some(submitted.document.clone());
            }
            ContributionEvent::ContributionRevised(revised) => {
                document = Some(revised.document.clone())
            }
            _ => {}
        }
    }
    let (Some(group_id), Some(document)) = (group_id, document) else {
        return Err(ApiError::not_found(
            "contribution.not_found",
            format!("no contribution {contribution_id}"),
        ));
    };
    let group = platform.load::<Group>(&streams::group(&group_id)).await?;
    if !may_read(who.0.as_ref(), &group_id, &group.state) {
        return Err(match who.0 {
            None => ApiError::Unauthenticated(format!(
                "the documents of {group_id} are for its participants"
            )),
            Some(_) => ApiError::forbidden(
                "auth.forbidden",
                format!("the documents of {group_id} are for its participants"),
            ),
        });
    }
    platform.blobs().respond(&document).await
}
