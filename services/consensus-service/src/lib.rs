//! The consensus context over HTTP: the chair opens a consensus call on a subject with a
//! closing time; participants state a position (support, object with a reason, stand aside)
//! and may change it, every position staying in the log; the chair records the decision with
//! the objections and what became of each; a decision changes only by a correction that names
//! it. Deliverables react to approving decisions through the log (see `deliverables-service`).

use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Utc};
use domain::consensus::{
    ConsensusCall, ConsensusCommand, CorrectDecision, OpenConsensusCall, RecordDecision,
    StatePosition,
};
use domain::events::{CallId, GroupId, ObjectionRecord, Outcome, Stance, Subject};
use domain::policy::Action;
use domain::streams;
use platform::openapi::BearerAuth;
use platform::{ApiError, Authenticated, Json, Platform, Problem, Receipt, Reply, WriteRequest};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

/// The routes and OpenAPI document of this service, to mount in a server.
pub fn service() -> platform::Service {
    platform::Service::new("consensus", configure, ApiDoc::openapi())
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(open_call)
        .service(state_position)
        .service(record_decision)
        .service(correct_decision);
}

#[derive(OpenApi)]
#[openapi(
    paths(open_call, state_position, record_decision, correct_decision),
    tags((name = "consensus", description = "Consensus calls, positions and decisions")),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenCallBody {
    #[schema(example = "fg-dfc")]
    pub group_id: GroupId,
    /// What consensus is sought on; it must exist in that group.
    pub subject: Subject,
    #[schema(example = "Can the meeting agree the terminology report as a deliverable?")]
    pub question: String,
    /// When positions stop being taken; in the future.
    pub closes_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CallAnswer {
    pub call_id: Uuid,
    #[serde(flatten)]
    pub receipt: Receipt,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PositionBody {
    pub stance: Stance,
    /// Required when objecting.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PositionAnswer {
    pub call_id: Uuid,
    pub participant: String,
    pub stance: Stance,
    #[serde(flatten)]
    pub receipt: Receipt,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DecisionBody {
    pub outcome: Outcome,
    pub summary: String,
    /// Every standing objection with what became of it; an approving outcome cannot stand
    /// with a sustained one.
    #[serde(default)]
    pub objections: Vec<ObjectionRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CorrectionBody {
    /// The decision in force that this one corrects.
    pub corrects: Uuid,
    pub outcome: Outcome,
    pub summary: String,
    #[serde(default)]
    pub objections: Vec<ObjectionRecord>,
    /// Why the earlier decision is corrected.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DecisionAnswer {
    pub call_id: Uuid,
    pub decision_id: Uuid,
    /// The decision this one corrects, for a correction.
    pub corrects: Option<Uuid>,
    pub outcome: Outcome,
    #[serde(flatten)]
    pub receipt: Receipt,
}

/// Opens a consensus call on a subject of the group (the chair).
#[utoipa::path(post, path = "/api/consensus-calls", tag = "consensus",
    params(platform::write::WriteHeaders),
    request_body = OpenCallBody,
    responses(
        (status = 201, description = "the call is open", body = CallAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/consensus-calls")]
#[tracing::instrument(skip_all, fields(group = %body.group_id))]
async fn open_call(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    body: Json<OpenCallBody>,
) -> Result<HttpResponse, ApiError> {
    platform::authorize(
        Some(&*who),
        Action::OpenConsensusCall,
        &platform::in_group(&body.group_id),
    )?;
    platform::subjects::check(&platform, &body.group_id, &body.subject).await?;
    platform
        .write(&who, &write, &*body, async |writer| {
            let call_id = writer.new_id("consensus-call");
            let now = Utc::now();
            let done = writer
                .execute::<ConsensusCall>(&streams::consensus(call_id), |_| {
                    Ok(ConsensusCommand::Open(OpenConsensusCall {
                        call_id,
                        group_id: body.group_id.clone(),
                        subject: body.subject.clone(),
                        question: body.question.clone(),
                        closes_at: body.closes_at,
                        now,
                    }))
                })
                .await?;
            Reply::created(CallAnswer {
                call_id,
                receipt: done.receipt(),
            })
        })
        .await
}

/// States (or changes) the caller's position in the call; the earlier one stays in the log.
#[utoipa::path(post, path = "/api/consensus-calls/{call_id}/positions", tag = "consensus",
    params(("call_id" = uuid::Uuid, Path), platform::write::WriteHeaders),
    request_body = PositionBody,
    responses(
        (status = 201, description = "stated", body = PositionAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/consensus-calls/{call_id}/positions")]
#[tracing::instrument(skip_all, fields(call = %call_id))]
async fn state_position(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    call_id: web::Path<CallId>,
    body: Json<PositionBody>,
) -> Result<HttpResponse, ApiError> {
    let call_id = call_id.into_inner();
    let group_id = group_of(&platform, call_id).await?;
    platform::authorize(
        Some(&*who),
        Action::StatePosition,
        &platform::in_group(&group_id),
    )?;
    platform
        .write(&who, &write, &*body, async |writer| {
            let now = Utc::now();
            let done = writer
                .execute::<ConsensusCall>(&streams::consensus(call_id), |_| {
                    Ok(ConsensusCommand::StatePosition(StatePosition {
                        participant: who.person.clone(),
                        stance: body.stance,
                        reason: body.reason.clone(),
                        now,
                    }))
                })
                .await?;
            Reply::created(PositionAnswer {
                call_id,
                participant: who.person.clone(),
                stance: body.stance,
                receipt: done.receipt(),
            })
        })
        .await
}

/// Records the decision that ends the call (the chair), with the objections raised and what
/// became of each.
#[utoipa::path(post, path = "/api/consensus-calls/{call_id}/decision", tag = "consensus",
    params(("call_id" = uuid::Uuid, Path), platform::write::WriteHeaders),
    request_body = DecisionBody,
    responses(
        (status = 201, description = "recorded", body = DecisionAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/consensus-calls/{call_id}/decision")]
#[tracing::instrument(skip_all, fields(call = %call_id))]
async fn record_decision(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    call_id: web::Path<CallId>,
    body: Json<DecisionBody>,
) -> Result<HttpResponse, ApiError> {
    let call_id = call_id.into_inner();
    let group_id = group_of(&platform, call_id).await?;
    platform::authorize(
        Some(&*who),
        Action::RecordDecision,
        &platform::in_group(&group_id),
    )?;
    platform
        .write(&who, &write, &*body, async |writer| {
            let decision_id = writer.new_id("decision");
            let now = Utc::now();
            let done = writer
                .execute::<ConsensusCall>(&streams::consensus(call_id), |_| {
                    Ok(ConsensusCommand::RecordDecision(RecordDecision {
                        decision_id,
                        outcome: body.outcome,
                        summary: body.summary.clone(),
                        objections: body.objections.clone(),
                        now,
                    }))
                })
                .await?;
            Reply::created(DecisionAnswer {
                call_id,
                decision_id,
                corrects: None,
                outcome: body.outcome,
                receipt: done.receipt(),
            })
        })
        .await
}

/// Corrects the decision in force by a new decision naming it (the chair). Nothing recorded
/// is changed: both decisions stay in the log.
#[utoipa::path(post, path = "/api/consensus-calls/{call_id}/corrections", tag = "consensus",
    params(("call_id" = uuid::Uuid, Path), platform::write::WriteHeaders),
    request_body = CorrectionBody,
    responses(
        (status = 201, description = "recorded", body = DecisionAnswer),
        (status = "4XX", description = "refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/api/consensus-calls/{call_id}/corrections")]
#[tracing::instrument(skip_all, fields(call = %call_id))]
async fn correct_decision(
    platform: web::Data<Platform>,
    who: Authenticated,
    write: WriteRequest,
    call_id: web::Path<CallId>,
    body: Json<CorrectionBody>,
) -> Result<HttpResponse, ApiError> {
    let call_id = call_id.into_inner();
    let group_id = group_of(&platform, call_id).await?;
    platform::authorize(
        Some(&*who),
        Action::CorrectDecision,
        &platform::in_group(&group_id),
    )?;
    platform
        .write(&who, &write, &*body, async |writer| {
            let decision_id = writer.new_id("decision");
            let now = Utc::now();
            let done = writer
                .execute::<ConsensusCall>(&streams::consensus(call_id), |_| {
                    Ok(ConsensusCommand::CorrectDecision(CorrectDecision {
                        decision_id,
                        corrects: body.corrects,
                        outcome: body.outcome,
                        summary: body.summary.clone(),
                        objections: body.objections.clone(),
                        reason: body.reason.clone(),
                        now,
                    }))
                })
                .await?;
            Reply::created(DecisionAnswer {
                call_id,
                decision_id,
                corrects: Some(body.corrects),
                outcome: body.outcome,
                receipt: done.receipt(),
            })
        })
        .await
}

/// The group of a consensus call, 404 when there is no such call.
async fn group_of(platform: &Platform, call_id: CallId) -> Result<GroupId, ApiError> {
    let loaded = platform
        .load::<ConsensusCall>(&streams::consensus(call_id))
        .await?;
    loaded
        .state
        .opened
        .map(|opened| opened.group_id)
        .ok_or_else(|| {
            ApiError::not_found(
                "consensus.not_found",
                format!("no consensus call {call_id}"),
            )
        })
}
